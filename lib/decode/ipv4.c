/* IPv4 (RFC 791). */
#include "decode/layers.h"

cf_skip_reason cf_decode_ipv4(cf_cur ip, uint32_t wire_avail, cf_packet *out, cf_cur *l4)
{
    uint8_t vihl;
    uint16_t total, id, frag;
    uint32_t hlen, ip_len;

    CF_GET_U8(&ip, 0, vihl, ip_short);
    if ((vihl >> 4) != 4)
        return CF_SKIP_IP_VERSION;
    hlen = (uint32_t)(vihl & 0x0f) * 4;
    if (hlen < 20)
        return CF_SKIP_IP_HEADER_LEN;
    if (!cf_cur_has(&ip, 0, 20))
        goto ip_short;
    CF_GET_BE16(&ip, 2, total, ip_short);
    CF_GET_BE16(&ip, 4, id, ip_short);
    CF_GET_BE16(&ip, 6, frag, ip_short);
    CF_GET_U8(&ip, 9, out->protocol, ip_short);
    out->src.family = out->dst.family = 4;
    CF_GET_BYTES(&ip, 12, out->src.b, 4, ip_short);
    CF_GET_BYTES(&ip, 16, out->dst.b, 4, ip_short);

    if (total != 0 && total < hlen)
        return CF_SKIP_IP_LENGTH;
    /* Options cut by the capture (the IHL is beyond the captured data):
     * the header is incomplete, as if the fixed part were cut. */
    if (!cf_cur_has(&ip, 0, hlen))
        goto ip_short;

    /* Total length 0: TSO / BIG TCP (GRO) frames, the packet runs to the
     * end of the frame (SPEC 5). A total length longer than the frame was
     * on the wire is clamped to the wire frame (wire length minus the link
     * header): the packet cannot have been longer than what was sent, and
     * this keeps sizes of bogus headers from being absurd. Captured data
     * is bounded separately (by the capture) below. wire_avail >= ip.len
     * >= hlen, so ip_len >= hlen. */
    ip_len = total ? cf_min_u32(total, wire_avail) : wire_avail;

    out->frag_id = id;
    out->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
    out->more_fragments = (frag & 0x2000) != 0;
    out->is_fragment = out->more_fragments || out->frag_offset != 0;

    out->ip_len = ip_len;
    out->transport_len = ip_len - hlen;
    *l4 = ip;
    CF_SKIP(l4, hlen, ip_short);
    cf_cur_limit(l4, out->transport_len); /* link padding is not IP data */
    return CF_DECODED;

ip_short:
    return CF_SKIP_IP_SHORT;
}
