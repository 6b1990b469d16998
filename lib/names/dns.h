/* DNS responses (RFC 1035), mDNS (RFC 6762) and DNS over TCP (RFC 1035
 * §4.2.2, RFC 7766): which addresses a response gives for which name.
 *
 * Only what a name cache needs is read: the header, the question names, and
 * the A (RFC 1035 §3.4.1), AAAA (RFC 3596) and CNAME records of class IN.
 * Every byte is read through the bounds-checked cursor of decode/getbytes.h.
 *
 * Which name an address is reported under:
 *  - unicast DNS: the question name the device asked for. An A/AAAA record
 *    of the answer section counts when its owner is a question name, or is
 *    reached from one through CNAME records of the answer section (at most
 *    CF_DNS_MAX_CHAIN links; loops end there). Records the chain does not
 *    reach (and the authority and additional sections: glue) are ignored.
 *  - mDNS (flag CF_DNS_MDNS): responses usually carry no question and
 *    announce names in the answer and additional sections (RFC 6762 §6), so
 *    A/AAAA records of both count; an owner reached from a question through
 *    CNAMEs is reported under the question's name, any other under its own.
 *    The class's top bit (cache-flush, RFC 6762 §10.2) is ignored.
 * Names are compared ASCII-case-insensitively (RFC 4343) and reported as
 * text (names/name_text.h), without the trailing dot; the root is "".
 *
 * Compressed names (RFC 1035 §4.1.4) are followed through at most
 * CF_DNS_MAX_JUMPS pointers and CF_NAME_RAW_MAX bytes of name, so pointer
 * loops and endless names end in an error, never a hang. Labels of types
 * 0x40 and 0x80 (RFC 6891 §5, obsolete) end the message's parsing.
 *
 * A message cut short (by the capture's snap length, or a TCP segment
 * holding only part of it) gives the addresses of the records before the
 * cut, and only those whose CNAME chain lies before the cut too.
 */
#ifndef CF_NAMES_DNS_H
#define CF_NAMES_DNS_H

#include <stdint.h>

#include "decode/getbytes.h"
#include "decode/packet.h"

#define CF_DNS_PORT 53
#define CF_MDNS_PORT 5353

#define CF_DNS_MAX_JUMPS 64    /* compression pointers followed in one name */
#define CF_DNS_MAX_CHAIN 16    /* CNAME links followed from an address to a question */
#define CF_DNS_MAX_QUESTIONS 8 /* question names kept (more are walked over, unused) */
#define CF_DNS_MAX_RECORDS 128 /* A, AAAA and CNAME records kept per message */

enum { CF_DNS_MDNS = 1 };

/* One address of a response: name (text, see above), the address, and the
 * record's TTL in seconds. */
typedef void (*cf_dns_addr_fn)(void *ctx, const char *name, const cf_addr *addr, uint32_t ttl);

/* Parses one DNS message (no TCP length prefix) and calls fn for each
 * address it gives, in record order. Returns how many addresses it
 * reported, or -1 when the bytes are not a DNS response (shorter than the
 * 12-byte header, QR bit clear, opcode other than QUERY). */
int cf_dns_parse(cf_cur msg, unsigned flags, cf_dns_addr_fn fn, void *ctx);

/* DNS over TCP: the payload of one segment, taken to begin with a 2-byte
 * message length. Parses each message it holds; the last may be cut short
 * (its remainder is in later segments, which are not reassembled: a
 * segment that starts in the middle of a message is taken as one that
 * starts a message, and its bytes are then most likely refused as not a
 * response). Returns the addresses reported in all, or -1 when the first
 * message is not a response. */
int cf_dns_parse_tcp(cf_cur seg, cf_dns_addr_fn fn, void *ctx);

#endif
