/* The inputs of cf_convert_inputs (customflow.h): directories expanded into
 * the captures under them, and the --skip-existing check of one input. */
#ifndef CF_ENGINE_INPUTS_H
#define CF_ENGINE_INPUTS_H

#include <stddef.h>

#include "customflow.h"

/* Each input as given, except a directory: every capture under it,
 * recursively, in name order (symlinked directories are not followed).
 * Captures are told by their content (pcap, pcapng, gzip or zstd magic),
 * not their name; other files are skipped and counted in a warning. A
 * directory with no capture is an error. *out (n_out strings) is freed
 * with cf_inputs_free. 0, or -1 with a message. */
int cf_inputs_expand(cf_session *s, const char *const *inputs, size_t n, char ***out, size_t *n_out,
                     char *err, size_t errlen);
void cf_inputs_free(char **list, size_t n);

/* --skip-existing: 1 when every file this session would write for INPUT
 * exists and records the same input (digest and size; the name when the
 * input hash is off) and the same options; why says what was found. 0 when
 * the input must be converted (why: the reason, "" when no file exists). */
int cf_outputs_current(cf_session *s, const char *input, char *why, size_t len);

#endif
