/* Which names one decoded packet carries, and which parser reads them:
 *   - DNS responses: UDP from port 53; UDP from or to port 5353 (mDNS,
 *     RFC 6762: responses go 5353 -> 5353, unicast ones to the asker's
 *     port); TCP from port 53 (DNS over TCP, one segment at a time: see
 *     cf_dns_parse_tcp). Each address is handed to fn.
 *   - Any other TCP payload that starts a TLS ClientHello (server_name)
 *     or an HTTP/1.x request (Host), on any port: devices use many.
 * Non-first IP fragments carry no ports and so no names; a first fragment
 * is parsed as a message cut short.
 */
#ifndef CF_NAMES_PACKET_NAMES_H
#define CF_NAMES_PACKET_NAMES_H

#include <stddef.h>

#include "decode/packet.h"
#include "names/dns.h"
#include "names/name_text.h"

typedef enum {
    CF_NAMES_NONE = 0,
    CF_NAMES_DNS,  /* a DNS response: its addresses went to fn */
    CF_NAMES_SNI,  /* a ClientHello: *status says whether name holds its server_name */
    CF_NAMES_HOST, /* an HTTP/1.x request: *status says whether name holds its Host */
} cf_names_kind;

/* The DNS part alone: 1 when p is a DNS response (its addresses went to
 * fn), else 0. */
int cf_packet_dns(const cf_packet *p, cf_dns_addr_fn fn, void *ctx);

/* name: CF_NAME_TEXT_MAX bytes. *status is CF_NAME_NOT_PROTOCOL for
 * CF_NAMES_NONE and CF_NAMES_DNS. */
cf_names_kind cf_packet_names(const cf_packet *p, cf_dns_addr_fn fn, void *ctx, char *name,
                              size_t len, cf_name_status *status);

#endif
