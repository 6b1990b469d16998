/* Address helpers: local ranges (SPEC §3), CIDR parsing, RFC 5952 text. */
#ifndef CF_FLOW_NETADDR_H
#define CF_FLOW_NETADDR_H

#include <stddef.h>
#include "decode/packet.h"

typedef struct cf_prefix {
    cf_addr addr;
    uint8_t bits;
} cf_prefix;

/* Local address ranges: the SPEC defaults plus user prefixes. */
typedef struct cf_localnets {
    cf_prefix *extra;
    size_t n_extra, cap_extra;
} cf_localnets;

void cf_localnets_init(cf_localnets *l);
void cf_localnets_free(cf_localnets *l);
/* Adds "203.0.113.0/24" or "2001:db8::/32"; 0, or -1 when the text is bad. */
int cf_localnets_add(cf_localnets *l, const char *cidr);
/* 1 when a is in a default or user range. (0.0.0.0 and :: are not: callers
 * treat the unspecified address as local on the device side only.) */
int cf_is_local(const cf_localnets *l, const cf_addr *a);
int cf_is_unspecified(const cf_addr *a);

/* Parses an address ("10.1.2.3", "fe80::1") or CIDR ("10.0.0.0/8"); a bare
 * address gets 32/128 bits. Returns 0 or -1. */
int cf_prefix_parse(const char *text, cf_prefix *out);
int cf_prefix_contains(const cf_prefix *p, const cf_addr *a);
/* The same on text of explicit length (no NUL needed), and the parts it is
 * made of: a dotted quad (no leading zeros), RFC 4291 §2.2 IPv6 text, and a
 * MAC "aa:bb:cc:dd:ee:ff" / "aa-bb-cc-dd-ee-ff" (any case, one separator
 * kind). Each returns 0 or -1. */
int cf_prefix_parse_n(const char *text, size_t len, cf_prefix *out);
int cf_ipv4_parse_n(const char *s, size_t len, uint8_t out[4]);
int cf_ipv6_parse_n(const char *s, size_t len, uint8_t out[16]);
int cf_mac_parse_n(const char *s, size_t len, uint8_t out[6]);

/* Dotted quad or RFC 5952 IPv6 text; out needs 46 bytes. Returns out. */
char *cf_addr_format(const cf_addr *a, char *out);
/* "aa:bb:cc:dd:ee:ff"; out needs 18 bytes. Returns out. */
char *cf_mac_format(const uint8_t mac[6], char *out);

#endif
