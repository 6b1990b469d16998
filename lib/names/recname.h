/* The name of one record's remote as its own first packets give it (the
 * first half of the --names preference order of issue 15):
 *   1. the TLS ClientHello server_name or HTTP/1.x Host that the device
 *      sends at the start of a TCP record;
 *   2. else the name the caller looked up in the name cache when the record
 *      began (cf_namecache_get: this device's most recent DNS answer for
 *      the remote, else any host's).
 *
 * The device -> remote TCP payloads of the record's first packets are
 * joined in capture order while the message they start is cut short
 * (a ClientHello over two segments, a request head sent in pieces), up to
 * CF_RECNAME_STREAM_MAX bytes. There is no reassembly by sequence number:
 * a retransmission before the name is complete, or a segment captured
 * short (snap length), ends the join, and the name is then the cached one.
 * Memory: nothing beyond the struct until a segment is cut short; then a
 * buffer of at most CF_RECNAME_STREAM_MAX bytes until decided; the name is
 * one heap copy. */
#ifndef CF_NAMES_RECNAME_H
#define CF_NAMES_RECNAME_H

#include <stdint.h>

#define CF_RECNAME_STREAM_MAX 8192

typedef struct cf_recname {
    uint8_t *stream; /* CF_RECNAME_STREAM_MAX bytes: payloads joined while cut short */
    uint32_t len;
    uint8_t decided; /* the payloads can no longer change the name */
    uint8_t from_payload;
    char *name; /* NULL: unknown */
} cf_recname;

/* cached: the cache's name for the remote when the record began, or NULL.
 * 0, or -1 out of memory (the record then has no cached name). */
int cf_recname_init(cf_recname *r, const char *cached);
/* One of the record's first packets, in capture order. protocol: the IP
 * protocol; from_device: 1 for device -> remote. payload_caplen bytes were
 * captured of payload_len. 0, or -1 out of memory (the name stays what it
 * was, and is decided). */
int cf_recname_packet(cf_recname *r, uint8_t protocol, int from_device, const uint8_t *payload,
                      uint32_t payload_caplen, uint32_t payload_len);
/* The record's remote name: "" when unknown. */
const char *cf_recname_get(const cf_recname *r);
/* 1 when it came from the record's own payload (SNI or Host). */
int cf_recname_from_payload(const cf_recname *r);
void cf_recname_free(cf_recname *r);

#endif
