/* cf_decode_frame: link layer -> IP -> transport, no state across frames. */
#include "decode/layers.h"

#include <string.h>

const char *cf_skip_reason_name(cf_skip_reason r)
{
    switch (r) {
    case CF_DECODED:
        return "decoded";
    case CF_SKIP_LINKTYPE:
        return "linktype";
    case CF_SKIP_LINK_SHORT:
        return "link-short";
    case CF_SKIP_NOT_IP:
        return "not-ip";
    case CF_SKIP_IP_SHORT:
        return "ip-short";
    case CF_SKIP_IP_VERSION:
        return "ip-version";
    case CF_SKIP_IP_HEADER_LEN:
        return "ip-header-len";
    case CF_SKIP_IP_LENGTH:
        return "ip-length";
    case CF_SKIP__COUNT:
        break;
    }
    return "unknown";
}

int cf_linktype_supported(int linktype)
{
    switch (linktype) {
    case CF_LINKTYPE_NULL:
    case CF_LINKTYPE_ETHERNET:
    case CF_LINKTYPE_RAW_12:
    case CF_LINKTYPE_RAW_14:
    case CF_LINKTYPE_RAW:
    case CF_LINKTYPE_LOOP:
    case CF_LINKTYPE_LINUX_SLL:
    case CF_LINKTYPE_IPV4:
    case CF_LINKTYPE_IPV6:
    case CF_LINKTYPE_LINUX_SLL2:
        return 1;
    default:
        return 0;
    }
}

/* On a skip, *out holds ts_us, wire_len and cap_len and whatever was decoded
 * before the failing layer (e.g. the MACs of a non-IP Ethernet frame); the
 * other fields are zero (struct padding bytes are left as they were: do not
 * memcmp or hash whole cf_packets). */
cf_skip_reason cf_decode_frame(int linktype, const uint8_t *frame, uint32_t cap_len,
                               uint32_t wire_len, int64_t ts_us, cf_packet *out)
{
    cf_cur c = cf_cur_make(frame, cap_len);
    cf_cur l4;
    cf_skip_reason r;
    int version = 0;
    uint32_t wire_avail;

    /* Field by field rather than one memset of the whole struct: compilers
     * turn a 112-byte memset into a slow-starting `rep stos`, which cost a
     * third of the decode time; these become a few plain stores. */
    out->ts_us = ts_us;
    out->wire_len = wire_len;
    out->cap_len = cap_len;
    out->has_mac = 0;
    memset(out->src_mac, 0, sizeof out->src_mac);
    memset(out->dst_mac, 0, sizeof out->dst_mac);
    memset(&out->src, 0, sizeof out->src);
    memset(&out->dst, 0, sizeof out->dst);
    out->protocol = 0;
    out->src_port = out->dst_port = 0;
    out->is_fragment = out->more_fragments = 0;
    out->frag_offset = out->frag_id = 0;
    out->ip_len = out->transport_len = out->payload_len = 0;
    out->payload = NULL;
    out->payload_caplen = 0;

    r = cf_decode_link(linktype, &c, &version, out);
    if (r != CF_DECODED)
        return r;

    /* Wire bytes from the IP header on. A capture claiming fewer wire bytes
     * than it captured is taken at its captured length. */
    if (wire_len < cap_len)
        wire_len = cap_len;
    wire_avail = wire_len - (cap_len - (uint32_t)c.len);

    if (version == 0) { /* raw IP: version from the first nibble */
        uint8_t v;
        if (!cf_get_u8(&c, 0, &v))
            return CF_SKIP_IP_SHORT;
        version = v >> 4;
    }
    if (version == 4)
        r = cf_decode_ipv4(c, wire_avail, out, &l4);
    else if (version == 6)
        r = cf_decode_ipv6(c, wire_avail, out, &l4);
    else
        r = CF_SKIP_IP_VERSION;
    if (r != CF_DECODED)
        return r;

    cf_decode_transport(l4, out);
    return CF_DECODED;
}
