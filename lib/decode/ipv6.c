/* IPv6 (RFC 8200) and its extension headers. */
#include "decode/layers.h"

#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51 /* RFC 4302: length in 4-byte units, minus 2 */
#define NH_DSTOPTS 60
#define NH_MOBILITY 135 /* RFC 6275 */
#define NH_HIP 139      /* RFC 7401 */
#define NH_SHIM6 140    /* RFC 5533 */

cf_skip_reason cf_decode_ipv6(cf_cur ip, uint32_t wire_avail, cf_packet *out, cf_cur *l4)
{
    uint8_t v, nh, b1;
    uint16_t plen;
    uint32_t ip_len, rest_len, elen;
    cf_cur rest;

    CF_GET_U8(&ip, 0, v, ip_short);
    if ((v >> 4) != 6)
        return CF_SKIP_IP_VERSION;
    if (!cf_cur_has(&ip, 0, 40))
        goto ip_short;
    CF_GET_BE16(&ip, 4, plen, ip_short);
    CF_GET_U8(&ip, 6, nh, ip_short);
    out->src.family = out->dst.family = 6;
    CF_GET_BYTES(&ip, 8, out->src.b, 16, ip_short);
    CF_GET_BYTES(&ip, 24, out->dst.b, 16, ip_short);

    /* Payload length 0: jumbogram (RFC 2675) or BIG TCP; the hop-by-hop
     * jumbo option would carry the real length, but the SPEC (5) says the
     * packet runs to the end of the frame. A length beyond the wire frame
     * is clamped to it, as for IPv4 (see ipv4.c). wire_avail >= 40. */
    ip_len = plen ? cf_min_u32(40u + plen, wire_avail) : wire_avail;
    rest_len = ip_len - 40; /* by the header: what follows the fixed header */
    rest = ip;
    CF_SKIP(&rest, 40, ip_short);
    cf_cur_limit(&rest, rest_len);

    /* Walk the extension headers. Each one is at least 8 bytes, so the walk
     * ends within the frame. An extension header that the IP length cannot
     * hold makes the length shorter than the headers (IP_LENGTH); one cut
     * by the capture leaves the protocol unknown, so the frame is skipped
     * as IP_SHORT rather than given an invented flow key. */
    for (;;) {
        switch (nh) {
        case NH_HOPOPTS:
        case NH_ROUTING:
        case NH_DSTOPTS:
        case NH_MOBILITY:
        case NH_HIP:
        case NH_SHIM6:
        case NH_AH:
            if (rest_len < 2)
                return CF_SKIP_IP_LENGTH;
            if (!cf_get_u8(&rest, 1, &b1))
                goto ip_short;
            elen = nh == NH_AH ? ((uint32_t)b1 + 2) * 4 : ((uint32_t)b1 + 1) * 8;
            if (elen > rest_len)
                return CF_SKIP_IP_LENGTH;
            CF_GET_U8(&rest, 0, nh, ip_short);
            CF_SKIP(&rest, elen, ip_short);
            rest_len -= elen;
            continue;
        case NH_FRAGMENT: {
            uint16_t offm;
            uint32_t id;
            if (rest_len < 8)
                return CF_SKIP_IP_LENGTH;
            CF_GET_U8(&rest, 0, nh, ip_short);
            CF_GET_BE16(&rest, 2, offm, ip_short);
            CF_GET_BE32(&rest, 4, id, ip_short);
            CF_SKIP(&rest, 8, ip_short);
            rest_len -= 8;
            out->frag_offset = offm & 0xfff8u; /* 13-bit offset in 8-byte units */
            out->more_fragments = offm & 1;
            out->frag_id = id;
            /* An atomic fragment (offset 0, M 0; RFC 6946) is a whole
             * packet, not a fragment. */
            out->is_fragment = out->frag_offset != 0 || out->more_fragments;
            /* A non-first fragment carries the middle of the fragmentable
             * part: its protocol is the fragment header's next header and
             * nothing after it is a header. */
            if (out->frag_offset != 0)
                goto done;
            continue;
        }
        default: /* transport, ESP (50, opaque), No Next Header (59), ... */
            goto done;
        }
    }

done:
    out->protocol = nh;
    out->ip_len = ip_len;
    out->transport_len = rest_len;
    *l4 = rest;
    return CF_DECODED;

ip_short:
    return CF_SKIP_IP_SHORT;
}
