/* Link layers: Ethernet (with 802.1Q/802.1ad/0x9100 tags), Linux cooked
 * capture v1 and v2, BSD null/loopback and raw IP. Only the IP version and
 * where the IP header starts come out of here (plus the MACs of Ethernet). */
#include "decode/layers.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100  /* IEEE 802.1Q customer tag */
#define ETHERTYPE_8021AD 0x88a8 /* IEEE 802.1ad service tag (QinQ) */
#define ETHERTYPE_QINQ_OLD 0x9100

/* Ethertype (or SLL protocol) to IP version; 0 for anything that is not IP:
 * ARP, EAPOL, LLDP, PPPoE, MPLS, and 802.3 length fields (<= 1500, LLC). */
static int ethertype_version(uint16_t type)
{
    if (type == ETHERTYPE_IPV4)
        return 4;
    if (type == ETHERTYPE_IPV6)
        return 6;
    return 0;
}

/* BSD address family to IP version. AF_INET is 2 everywhere; AF_INET6 is
 * 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS). */
static int bsd_family_version(uint32_t af)
{
    switch (af) {
    case 2:
        return 4;
    case 10:
    case 24:
    case 28:
    case 30:
        return 6;
    default:
        return 0;
    }
}

cf_skip_reason cf_decode_link(int linktype, cf_cur *c, int *version, cf_packet *out)
{
    uint16_t type;
    uint32_t hlen;

    switch (linktype) {
    case CF_LINKTYPE_ETHERNET:
        CF_GET_BYTES(c, 0, out->dst_mac, 6, link_short);
        CF_GET_BYTES(c, 6, out->src_mac, 6, link_short);
        CF_GET_BE16(c, 12, type, link_short);
        out->has_mac = 1;
        hlen = 14;
        /* VLAN tags, any depth (IEEE 802.1Q, 802.1ad): TPID, 2-byte TCI,
         * then the next type. Each tag consumes 4 bytes, so the loop ends
         * at the end of the captured frame at the latest. */
        while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ_OLD) {
            CF_GET_BE16(c, hlen + 2, type, link_short);
            hlen += 4;
        }
        *version = ethertype_version(type);
        break;

    case CF_LINKTYPE_LINUX_SLL: /* 16 bytes, protocol at offset 14 */
        CF_GET_BE16(c, 14, type, link_short);
        hlen = 16;
        *version = ethertype_version(type);
        break;

    case CF_LINKTYPE_LINUX_SLL2: /* 20 bytes, protocol at offset 0 */
        CF_GET_BE16(c, 0, type, link_short);
        if (!cf_cur_has(c, 0, 20))
            goto link_short;
        hlen = 20;
        *version = ethertype_version(type);
        break;

    case CF_LINKTYPE_NULL: {
        /* 4-byte family in the capturing host's byte order: accept the
         * value read either way (2 read big endian on a little-endian
         * capture is 0x02000000, so the two readings cannot collide). */
        uint32_t le, be;
        CF_GET_LE32(c, 0, le, link_short);
        CF_GET_BE32(c, 0, be, link_short);
        hlen = 4;
        *version = bsd_family_version(le);
        if (!*version)
            *version = bsd_family_version(be);
        /* Some captures carry an ethertype in the low-order bytes instead
         * (seen in real files; Wireshark accepts it too). */
        if (!*version)
            *version = ethertype_version((uint16_t)be);
        break;
    }

    case CF_LINKTYPE_LOOP: { /* OpenBSD loopback: family in network order */
        uint32_t be;
        CF_GET_BE32(c, 0, be, link_short);
        hlen = 4;
        *version = bsd_family_version(be);
        break;
    }

    case CF_LINKTYPE_RAW_12:
    case CF_LINKTYPE_RAW_14:
    case CF_LINKTYPE_RAW:
        *version = 0; /* read from the first nibble */
        return CF_DECODED;
    case CF_LINKTYPE_IPV4:
        *version = 4;
        return CF_DECODED;
    case CF_LINKTYPE_IPV6:
        *version = 6;
        return CF_DECODED;

    default:
        return CF_SKIP_LINKTYPE;
    }

    if (!*version)
        return CF_SKIP_NOT_IP;
    CF_SKIP(c, hlen, link_short);
    return CF_DECODED;

link_short:
    return CF_SKIP_LINK_SHORT;
}
