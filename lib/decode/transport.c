/* Transport headers: ports and header lengths of TCP (RFC 9293), UDP
 * (RFC 768), UDP-Lite (RFC 3828), SCTP (RFC 4960) and DCCP (RFC 4340).
 * Every other protocol (ICMP, IGMP, ICMPv6, ESP, GRE, IP-in-IP, ...) has no
 * ports and its payload is the whole transport region. Tunnels are taken as
 * their outer packet (SPEC 5): GRE is protocol 47, VXLAN/Geneve are UDP. */
#include "decode/layers.h"

#define P_TCP 6
#define P_UDP 17
#define P_DCCP 33
#define P_NONEXT 59 /* IPv6 No Next Header */
#define P_SCTP 132
#define P_UDPLITE 136

/* Header length conventions:
 *   hlen > 0   the full transport header length;
 *   HLEN_UNKNOWN  the length field itself was not captured (TCP byte 12,
 *                 DCCP byte 4) or is invalid (TCP data offset < 5, DCCP
 *                 data offset < 3): the whole segment counts as header. */
#define HLEN_UNKNOWN UINT32_MAX

void cf_decode_transport(cf_cur l4, cf_packet *out)
{
    const uint32_t tlen = out->transport_len; /* by the IP length; l4.len <= tlen */
    uint32_t hlen = 0;
    uint8_t b;

    /* A non-first fragment: no header, all its data is payload. */
    if (out->frag_offset != 0)
        goto payload;

    switch (out->protocol) {
    case P_TCP:
        hlen = HLEN_UNKNOWN;
        if (cf_get_u8(&l4, 12, &b) && (b >> 4) >= 5)
            hlen = (uint32_t)(b >> 4) * 4;
        break;
    case P_UDP:
    case P_UDPLITE:
        hlen = 8;
        break;
    case P_SCTP:
        hlen = 12; /* common header */
        break;
    case P_DCCP:
        hlen = HLEN_UNKNOWN;
        if (cf_get_u8(&l4, 4, &b) && b >= 3)
            hlen = (uint32_t)b * 4;
        break;
    case P_NONEXT:
        /* RFC 8200 4.7: whatever follows No Next Header is ignored; the
         * packet has no payload (only meaningful for IPv6). */
        if (out->src.family == 6)
            hlen = HLEN_UNKNOWN;
        goto payload;
    default:
        goto payload;
    }

    /* Ports of the five protocols above: both are the first 4 bytes. A cut
     * header gives those that were captured inside the IP length. */
    {
        uint16_t port;
        if (cf_get_be16(&l4, 0, &port))
            out->src_port = port;
        if (cf_get_be16(&l4, 2, &port))
            out->dst_port = port;
    }

payload:
    /* payload_len by the IP length: 0 when the header length is unknown or
     * longer than the segment. payload_caplen: what was captured of it; a
     * header cut by the capture gives an empty payload (SPEC 2), even when
     * the IP length says there was payload after it. */
    if (hlen == HLEN_UNKNOWN || hlen > tlen) {
        out->payload_len = 0;
        out->payload_caplen = 0;
        out->payload = l4.p + l4.len;
    } else {
        out->payload_len = tlen - hlen;
        if (hlen <= l4.len) {
            out->payload = l4.p + hlen;
            out->payload_caplen = (uint32_t)l4.len - hlen;
        } else {
            out->payload = l4.p + l4.len;
            out->payload_caplen = 0;
        }
    }
}
