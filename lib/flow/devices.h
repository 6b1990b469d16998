/* Device list (SPEC §4) and the decision which endpoint of a packet is a
 * device and what its label is. */
#ifndef CF_FLOW_DEVICES_H
#define CF_FLOW_DEVICES_H

#include <stddef.h>
#include <stdint.h>
#include "flow/netaddr.h"

typedef struct cf_devices cf_devices;

/* Loads a device list. Lines with no MAC, IP or CIDR (headers) are skipped;
 * CRLF accepted. Returns NULL with "FILE: line N: what" in err for an
 * unreadable file. Lines that look like an entry but do not parse are
 * reported through warn (may be NULL) with their line number and skipped. */
cf_devices *cf_devices_load(const char *path, char *err, size_t errlen,
                            void (*warn)(void *ctx, const char *msg), void *warn_ctx);
/* Same, from a string (tests, fuzzing). name is used in messages. */
cf_devices *cf_devices_parse(const char *name, const char *text, size_t len, char *err,
                             size_t errlen, void (*warn)(void *ctx, const char *msg),
                             void *warn_ctx);
void cf_devices_free(cf_devices *d);
size_t cf_devices_count(const cf_devices *d);

/* Decides whether one endpoint is a device. d may be NULL (no list: every
 * endpoint with a local address, or the unspecified address, is a device).
 * mac is the endpoint's MAC on its side of the frame or NULL when the frame
 * has none. On a match, writes the label (name, else lower-case MAC, else
 * IP text) into label (at least 64 bytes) and returns 1; else returns 0. */
int cf_devices_match(const cf_devices *d, const cf_localnets *local, const uint8_t *mac,
                     const cf_addr *ip, char *label, size_t label_len);

#endif
