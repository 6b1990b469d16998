/* Options by their command-line names, from Python, into a cf_session. */
#ifndef CFPY_OPTIONS_H
#define CFPY_OPTIONS_H

#include <Python.h>

#include "customflow.h"
#include "runner.h"

/* pairs: a sequence of (name, value) with value a str or None (a switch),
 * in order (the package turns keyword arguments into it). Sets each with
 * cf_config_set and validates the whole with cf_session_new; library
 * messages go to warnings. A session (its configuration is the copy
 * cf_session_config keeps), or NULL with customflow.Error set. */
cf_session *cfpy_session_new(PyObject *pairs, cfpy_warnings *warnings);

/* Whether a session's records carry remote names (--names) and context
 * lists (--context K, K > 0): the columns a frame of them has. */
void cfpy_session_columns(const cf_session *s, int *names, int *context);

/* The input paths of a str/bytes/PathLike or a sequence of them, as a
 * NULL-terminated array of UTF-8 copies (free with cfpy_paths_free); NULL
 * with an exception set. */
char **cfpy_paths(PyObject *obj, size_t *n);
void cfpy_paths_free(char **paths, size_t n);

#endif
