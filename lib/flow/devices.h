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
 * unreadable file. Warned through warn (may be NULL), not errors: lines
 * that look like an entry but do not parse (skipped), an address listed
 * again (the first line wins), and a list with no entry at all. */
cf_devices *cf_devices_load(const char *path, char *err, size_t errlen,
                            void (*warn)(void *ctx, const char *msg), void *warn_ctx);
/* Same, from a string (tests, fuzzing). name is used in messages. */
cf_devices *cf_devices_parse(const char *name, const char *text, size_t len, char *err,
                             size_t errlen, void (*warn)(void *ctx, const char *msg),
                             void *warn_ctx);
void cf_devices_free(cf_devices *d);
size_t cf_devices_count(const cf_devices *d);

/* Decides whether one endpoint is a device. d may be NULL (no list: every
 * endpoint with a local address, or the unspecified address, is a device,
 * unless its MAC is a broadcast, multicast or all-zero address).
 * mac is the endpoint's MAC on its side of the frame or NULL when the frame
 * has none. On a match, writes the label (name, else lower-case MAC, else
 * IP text) into label (at least 64 bytes) and returns 1; else returns 0. */
int cf_devices_match(const cf_devices *d, const cf_localnets *local, const uint8_t *mac,
                     const cf_addr *ip, char *label, size_t label_len);

/* The decision of cf_devices_match without formatting: returns 1 for a
 * device and sets *name to its listed name, or to NULL when the entry has
 * none or there is no list (the caller labels it by MAC, else IP). Names
 * are valid while d lives; they are never truncated. */
int cf_devices_lookup(const cf_devices *d, const cf_localnets *local, const uint8_t *mac,
                      const cf_addr *ip, const char **name);

/* Warns (through warn) about the listed devices that no lookup has matched
 * since the list was loaded: "FILE: 2 listed devices had no traffic: Smart
 * Plug (line 4), ...". Lines that repeat an earlier address are left out
 * (they were warned about at load). Nothing when every device was seen. */
void cf_devices_warn_unseen(const cf_devices *d, void (*warn)(void *ctx, const char *msg),
                            void *warn_ctx);

/* 1 when the list has IP or CIDR entries (an endpoint with a non-local
 * address can then still be a device); 0 without (or for NULL). */
int cf_devices_has_ip(const cf_devices *d);

/* Line format details (SPEC §4), for the documentation:
 * - '#' starts a comment anywhere in a line; CR, like space, tab and comma,
 *   is a separator; a NUL byte counts as a space.
 * - The address is the first separator-delimited token that parses as a
 *   MAC (':' or '-', any case), an IP address or a CIDR block.
 * - The name is the text before it with separators trimmed from both ends;
 *   when that is empty, all the text after it likewise trimmed (so
 *   "44:65:0d:56:cc:d3,Amazon Echo,Wireless" is named "Amazon Echo,Wireless":
 *   columns after the address are not split). Bytes that are not valid
 *   UTF-8 become U+FFFD.
 * - cf_devices_count counts every entry line, duplicates included. */

#endif
