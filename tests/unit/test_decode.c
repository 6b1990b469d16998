/* Unit tests of lib/decode: cf_decode_frame on frames built with the synth
 * packet builder (and a few hand-made bytes for what the builder cannot
 * express), exact values everywhere; every truncation of valid frames and a
 * deterministic mutation fuzz (run under ASan/UBSan with make SAN=1); one
 * real capture read with libpcap when ../shared/pcaps is present. */
#include "check.h"
#include "decode/packet.h"
#include "gen/synth.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

static syn_buf B; /* 70 KB: static, not on the stack */
static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t PL[] = "0123456789abcdefghij"; /* 20 payload bytes (+NUL) */

/* Decodes from an exactly sized heap copy, so ASan sees any over-read. */
static cf_skip_reason dec(int lt, const uint8_t *f, uint32_t cap, uint32_t wire, cf_packet *p,
                          uint8_t **copy)
{
    uint8_t *c = malloc(cap ? cap : 1);
    if (cap)
        memcpy(c, f, cap);
    cf_skip_reason r = cf_decode_frame(lt, c, cap, wire, 1234567, p);
    if (copy)
        *copy = c;
    else
        free(c);
    return r;
}

/* Decodes B whole, wire = cap; payload offset checked against the copy. */
static cf_skip_reason dec_b(int lt, cf_packet *p, long *payload_off)
{
    uint8_t *c;
    cf_skip_reason r = dec(lt, B.data, B.len, B.len, p, &c);
    if (payload_off)
        *payload_off = (r == CF_DECODED && p->payload) ? (long)(p->payload - c) : -1;
    free(c);
    return r;
}

static syn_l3 l3v(int family, const char *src, const char *dst, uint8_t proto)
{
    syn_l3 l;
    memset(&l, 0, sizeof l);
    l.family = family;
    syn_addr(src, l.src);
    syn_addr(dst, l.dst);
    l.protocol = proto;
    l.ip_len_override = -1;
    return l;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Appends a transport header of hlen bytes (ports first) and then payload. */
static void app_l4(uint16_t sport, uint16_t dport, uint32_t hlen, const void *pl, uint32_t len)
{
    uint8_t h[64];
    memset(h, 0, sizeof h);
    put16(h, sport);
    put16(h + 2, dport);
    syn_append(&B, h, hlen);
    syn_append(&B, pl, len);
}

static void test_eth_ipv4_udp(void)
{
    cf_packet p;
    long off;
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "192.168.1.10", "8.8.8.8", 17,
                     5353, 53, PL, 20);
    CHECK_EQ_INT(B.len, 14 + 20 + 8 + 20);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.ts_us, 1234567);
    CHECK_EQ_INT(p.wire_len, 62);
    CHECK_EQ_INT(p.cap_len, 62);
    CHECK_EQ_INT(p.has_mac, 1);
    CHECK(memcmp(p.src_mac, MAC_A, 6) == 0);
    CHECK(memcmp(p.dst_mac, MAC_B, 6) == 0);
    CHECK_EQ_INT(p.src.family, 4);
    CHECK_EQ_INT(p.dst.family, 4);
    static const uint8_t s[16] = {192, 168, 1, 10}, d[16] = {8, 8, 8, 8};
    CHECK(memcmp(p.src.b, s, 16) == 0);
    CHECK(memcmp(p.dst.b, d, 16) == 0);
    CHECK_EQ_INT(p.protocol, 17);
    CHECK_EQ_INT(p.src_port, 5353);
    CHECK_EQ_INT(p.dst_port, 53);
    CHECK_EQ_INT(p.ip_len, 48);
    CHECK_EQ_INT(p.transport_len, 28);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(p.payload_caplen, 20);
    CHECK_EQ_INT(off, 42);
    CHECK_EQ_INT(p.is_fragment, 0);

    /* Padding to 60 bytes is not payload. */
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 17, 1, 2,
                     "xy", 2);
    syn_pad60(&B);
    CHECK_EQ_INT(B.len, 60);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.ip_len, 30);
    CHECK_EQ_INT(p.transport_len, 10);
    CHECK_EQ_INT(p.payload_len, 2);
    CHECK_EQ_INT(p.payload_caplen, 2);
    CHECK_EQ_INT(off, 42);
    CHECK_EQ_INT(p.wire_len, 60);

    /* TCP, empty payload, padded: the 6 padding bytes stay out. */
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 6, 40000,
                     443, NULL, 0);
    syn_pad60(&B);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 6);
    CHECK_EQ_INT(p.src_port, 40000);
    CHECK_EQ_INT(p.dst_port, 443);
    CHECK_EQ_INT(p.ip_len, 40);
    CHECK_EQ_INT(p.transport_len, 20);
    CHECK_EQ_INT(p.payload_len, 0);
    CHECK_EQ_INT(p.payload_caplen, 0);
}

static void build_vlan(const uint16_t *tpids, const uint16_t *vids, int n, int family)
{
    syn_l3 l =
        family == 4 ? l3v(4, "192.168.0.2", "1.2.3.4", 17) : l3v(6, "fe80::1", "2001:db8::2", 17);
    syn_ether_vlan(&B, MAC_B, MAC_A, tpids, vids, n, family == 4 ? 0x0800 : 0x86dd);
    syn_ip(&B, &l, 8 + 5);
    syn_udp(&B, 1000, 2000, "hello", 5);
}

static void test_vlan(void)
{
    cf_packet p;
    long off;
    static const uint16_t q[] = {0x8100}, qinq[] = {0x88a8, 0x8100}, old[] = {0x9100},
                          deep[] = {0x9100, 0x88a8, 0x8100}, vid[] = {10, 20, 30};
    struct {
        const uint16_t *t;
        int n, fam;
    } cases[] = {{q, 1, 4}, {qinq, 2, 4}, {old, 1, 4}, {deep, 3, 4}, {qinq, 2, 6}};
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        build_vlan(cases[i].t, vid, cases[i].n, cases[i].fam);
        uint32_t l2 = 14 + 4u * (uint32_t)cases[i].n, l3 = cases[i].fam == 4 ? 20 : 40;
        CHECK_EQ_INT(B.len, l2 + l3 + 13);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
        CHECK_EQ_INT(p.src.family, cases[i].fam);
        CHECK_EQ_INT(p.src_port, 1000);
        CHECK_EQ_INT(p.dst_port, 2000);
        CHECK_EQ_INT(p.payload_len, 5);
        CHECK_EQ_INT(p.payload_caplen, 5);
        CHECK_EQ_INT(off, l2 + l3 + 8);
        CHECK_EQ_INT(p.ip_len, l3 + 13);
        CHECK_EQ_INT(p.has_mac, 1);
        CHECK(memcmp(p.src_mac, MAC_A, 6) == 0);
    }
    /* VLAN tag cut short: link-short. */
    build_vlan(qinq, vid, 2, 4);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 19, 100, &p, NULL), CF_SKIP_LINK_SHORT);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 21, 100, &p, NULL), CF_SKIP_LINK_SHORT);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 22, 100, &p, NULL), CF_SKIP_IP_SHORT);
    /* 802.3 length field inside a VLAN tag: LLC, not IP. */
    syn_ether_vlan(&B, MAC_B, MAC_A, q, vid, 1, 38);
    syn_append(&B, "\x42\x42\x03", 3);
    syn_pad60(&B);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_NOT_IP);
}

static void test_not_ip(void)
{
    cf_packet p;
    static const uint8_t spa[4] = {10, 0, 0, 1}, tpa[4] = {10, 0, 0, 2};
    syn_ether(&B, MAC_B, MAC_A, 0x0806);
    syn_arp(&B, 1, MAC_A, spa, MAC_B, tpa);
    syn_pad60(&B);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_NOT_IP);
    CHECK_EQ_INT(p.has_mac, 1); /* MACs stay filled on a skip */
    /* 802.3 with LLC (length 38 <= 1500). */
    syn_ether(&B, MAC_B, MAC_A, 38);
    syn_append(&B, "\x42\x42\x03\x00\x00", 5);
    syn_pad60(&B);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_NOT_IP);
    static const uint16_t others[] = {0x888e, 0x88cc, 0x8863, 0x8864, 0x8847, 1500, 0x05ff};
    for (unsigned i = 0; i < sizeof others / sizeof others[0]; i++) {
        syn_ether(&B, MAC_B, MAC_A, others[i]);
        syn_pad60(&B);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_NOT_IP);
    }
    /* Short Ethernet header. */
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 13, 60, &p, NULL), CF_SKIP_LINK_SHORT);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, NULL, 0, 0, &p, NULL), CF_SKIP_LINK_SHORT);
    /* Unsupported link type. */
    CHECK_EQ_INT(dec(127, B.data, 60, 60, &p, NULL), CF_SKIP_LINKTYPE);
    CHECK_EQ_INT(p.wire_len, 60);
}

/* Appends IPv4 or IPv6 + UDP(7,9) + 3 bytes to B. */
static void app_ip_udp(int family)
{
    syn_l3 l = family == 4 ? l3v(4, "10.1.2.3", "10.3.2.1", 17) : l3v(6, "::1", "::2", 17);
    syn_ip(&B, &l, 11);
    syn_udp(&B, 7, 9, "abc", 3);
}

static void check_udp79(cf_packet *p, int family, long off, long want_off)
{
    CHECK_EQ_INT(p->src.family, family);
    CHECK_EQ_INT(p->protocol, 17);
    CHECK_EQ_INT(p->src_port, 7);
    CHECK_EQ_INT(p->dst_port, 9);
    CHECK_EQ_INT(p->ip_len, family == 4 ? 31 : 51);
    CHECK_EQ_INT(p->payload_len, 3);
    CHECK_EQ_INT(p->payload_caplen, 3);
    CHECK_EQ_INT(off, want_off);
    CHECK_EQ_INT(p->has_mac, 0);
}

static void test_cooked_raw_null(void)
{
    cf_packet p;
    long off;
    for (int fam = 4; fam <= 6; fam += 2) {
        uint16_t et = fam == 4 ? 0x0800 : 0x86dd;
        uint32_t l3 = fam == 4 ? 20 : 40;
        syn_sll(&B, MAC_A, et);
        CHECK_EQ_INT(B.len, 16);
        app_ip_udp(fam);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_LINUX_SLL, &p, &off), CF_DECODED);
        check_udp79(&p, fam, off, 16 + l3 + 8);

        syn_sll2(&B, MAC_A, et);
        CHECK_EQ_INT(B.len, 20);
        app_ip_udp(fam);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_LINUX_SLL2, &p, &off), CF_DECODED);
        check_udp79(&p, fam, off, 20 + l3 + 8);

        /* raw: 101, 12, 14 by nibble; 228/229 only their own version */
        B.len = 0;
        app_ip_udp(fam);
        static const int raws[] = {CF_LINKTYPE_RAW, CF_LINKTYPE_RAW_12, CF_LINKTYPE_RAW_14};
        for (int i = 0; i < 3; i++) {
            CHECK_EQ_INT(dec_b(raws[i], &p, &off), CF_DECODED);
            check_udp79(&p, fam, off, l3 + 8);
        }
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_IPV4, &p, &off), fam == 4 ? CF_DECODED : CF_SKIP_IP_VERSION);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_IPV6, &p, &off), fam == 6 ? CF_DECODED : CF_SKIP_IP_VERSION);
        if (fam == 6)
            check_udp79(&p, fam, off, 48);

        /* ethertype / SLL protocol mismatching the version */
        syn_ether(&B, MAC_B, MAC_A, fam == 4 ? 0x86dd : 0x0800);
        app_ip_udp(fam);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_VERSION);
        syn_sll(&B, MAC_A, fam == 4 ? 0x86dd : 0x0800);
        app_ip_udp(fam);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_LINUX_SLL, &p, NULL), CF_SKIP_IP_VERSION);

        /* NULL: host order either way; LOOP: network order */
        static const uint32_t v6fams[] = {10, 24, 28, 30};
        for (int i = 0; i < (fam == 4 ? 1 : 4); i++) {
            uint32_t af = fam == 4 ? 2 : v6fams[i];
            uint8_t le[4] = {(uint8_t)af, 0, 0, 0}, be[4] = {0, 0, 0, (uint8_t)af};
            B.len = 0;
            syn_append(&B, le, 4);
            app_ip_udp(fam);
            CHECK_EQ_INT(dec_b(CF_LINKTYPE_NULL, &p, &off), CF_DECODED);
            check_udp79(&p, fam, off, 4 + l3 + 8);
            CHECK_EQ_INT(dec_b(CF_LINKTYPE_LOOP, &p, &off), CF_SKIP_NOT_IP);
            memcpy(B.data, be, 4);
            CHECK_EQ_INT(dec_b(CF_LINKTYPE_NULL, &p, &off), CF_DECODED);
            check_udp79(&p, fam, off, 4 + l3 + 8);
            CHECK_EQ_INT(dec_b(CF_LINKTYPE_LOOP, &p, &off), CF_DECODED);
            check_udp79(&p, fam, off, 4 + l3 + 8);
        }
    }
    /* syn_null writes the host's order */
    syn_null(&B, 2);
    app_ip_udp(4);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_NULL, &p, &off), CF_DECODED);
    /* NULL header holding an ethertype (0f 00 08 00, seen in real files) */
    static const uint8_t fam_et[4] = {0x0f, 0x00, 0x08, 0x00};
    memcpy(B.data, fam_et, 4);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_NULL, &p, &off), CF_DECODED);
    check_udp79(&p, 4, off, 4 + 20 + 8);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_LOOP, &p, &off), CF_SKIP_NOT_IP);
    /* Unknown family, ARP over SLL and SLL2, short cooked headers. */
    memcpy(B.data, "\x07\0\0\0", 4);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_NULL, &p, NULL), CF_SKIP_NOT_IP);
    CHECK_EQ_INT(dec(CF_LINKTYPE_NULL, B.data, 3, 3, &p, NULL), CF_SKIP_LINK_SHORT);
    syn_sll(&B, MAC_A, 0x0806);
    syn_append(&B, NULL, 28);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_LINUX_SLL, &p, NULL), CF_SKIP_NOT_IP);
    CHECK_EQ_INT(dec(CF_LINKTYPE_LINUX_SLL, B.data, 15, 44, &p, NULL), CF_SKIP_LINK_SHORT);
    syn_sll2(&B, MAC_A, 0x0806);
    syn_append(&B, NULL, 28);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_LINUX_SLL2, &p, NULL), CF_SKIP_NOT_IP);
    CHECK_EQ_INT(dec(CF_LINKTYPE_LINUX_SLL2, B.data, 19, 48, &p, NULL), CF_SKIP_LINK_SHORT);
    /* raw with a nibble that is neither 4 nor 6; empty raw frame */
    B.len = 0;
    app_ip_udp(4);
    B.data[0] = 0x55;
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_RAW, &p, NULL), CF_SKIP_IP_VERSION);
    CHECK_EQ_INT(dec(CF_LINKTYPE_RAW, B.data, 0, 0, &p, NULL), CF_SKIP_IP_SHORT);
}

static void test_ipv6_ext(void)
{
    cf_packet p;
    long off;
    static const uint8_t chain[] = {0, 43, 60};
    syn_l3 l = l3v(6, "2001:db8::1", "2001:db8::2", 6);
    syn_ether(&B, MAC_B, MAC_A, 0x86dd);
    syn_ip6_ext(&B, &l, chain, 3, 20 + 20);
    syn_tcp(&B, 50000, 80, 1, 1, SYN_TCP_ACK, PL, 20);
    CHECK_EQ_INT(B.len, 14 + 40 + 24 + 40);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 6);
    CHECK_EQ_INT(p.src_port, 50000);
    CHECK_EQ_INT(p.dst_port, 80);
    CHECK_EQ_INT(p.ip_len, 40 + 24 + 40);
    CHECK_EQ_INT(p.transport_len, 40);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(p.payload_caplen, 20);
    CHECK_EQ_INT(off, 14 + 40 + 24 + 20);
    CHECK_EQ_INT(p.is_fragment, 0);
    static const uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    CHECK(memcmp(p.src.b, s6, 16) == 0);

    /* Longer options (hdr ext len 1 = 16 bytes) and AH ((len+2)*4). */
    syn_ether(&B, MAC_B, MAC_A, 0x86dd);
    syn_ip(&B, &(syn_l3){.family = 6, .protocol = 0, .ip_len_override = -1}, 16 + 24 + 8 + 2);
    uint8_t hbh[16] = {60, 1, 1, 12};
    uint8_t dst[24] = {51, 2, 1, 20};
    uint8_t ah[12] = {17, 1}; /* (1+2)*4 = 12 */
    syn_append(&B, hbh, 16);
    syn_append(&B, dst, 24);
    syn_append(&B, ah, 12);
    syn_udp(&B, 500, 4500, "zz", 2);
    /* fix payload length: 16+24+12+10 */
    put16(B.data + 14 + 4, 16 + 24 + 12 + 10);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 17);
    CHECK_EQ_INT(p.src_port, 500);
    CHECK_EQ_INT(p.dst_port, 4500);
    CHECK_EQ_INT(p.transport_len, 10);
    CHECK_EQ_INT(p.payload_len, 2);
    CHECK_EQ_INT(off, 14 + 40 + 52 + 8);
    /* IP payload length too short for the extension headers: ip-length */
    put16(B.data + 14 + 4, 16 + 20);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_LENGTH);
    put16(B.data + 14 + 4, 1);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_LENGTH);
    /* ...cut by the capture inside the chain: ip-short */
    put16(B.data + 14 + 4, 16 + 24 + 12 + 10);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 14 + 40 + 16 + 23, B.len, &p, NULL),
                 CF_SKIP_IP_SHORT);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 14 + 40 + 1, B.len, &p, NULL), CF_SKIP_IP_SHORT);
    /* ...cut right after the chain: decoded, ports 0, empty payload */
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 14 + 40 + 52, B.len, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 17);
    CHECK_EQ_INT(p.src_port, 0);
    CHECK_EQ_INT(p.dst_port, 0);
    CHECK_EQ_INT(p.payload_len, 2);
    CHECK_EQ_INT(p.payload_caplen, 0);

    /* ESP: opaque payload after the header; No Next Header: no payload. */
    syn_l3 e = l3v(6, "::1", "::2", 50);
    B.len = 0;
    syn_ip(&B, &e, 24);
    syn_append(&B, PL, 20);
    syn_append(&B, PL, 4);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_IPV6, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 50);
    CHECK_EQ_INT(p.src_port, 0);
    CHECK_EQ_INT(p.transport_len, 24);
    CHECK_EQ_INT(p.payload_len, 24);
    CHECK_EQ_INT(p.payload_caplen, 24);
    CHECK_EQ_INT(off, 40);
    static const uint8_t dst59[] = {60};
    e = l3v(6, "::1", "::2", 59);
    B.len = 0;
    syn_ip6_ext(&B, &e, dst59, 1, 0);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_RAW, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 59);
    CHECK_EQ_INT(p.ip_len, 48);
    CHECK_EQ_INT(p.transport_len, 0);
    CHECK_EQ_INT(p.payload_len, 0);
    CHECK_EQ_INT(p.payload_caplen, 0);
}

static void test_fragments(void)
{
    cf_packet p;
    long off;
    /* IPv6 first fragment: transport decoded, marked as fragment. */
    static const uint8_t fr[] = {44};
    syn_l3 l = l3v(6, "fd00::1", "fd00::2", 17);
    l.ip_id = 0x4242;
    l.more_fragments = 1;
    syn_ether(&B, MAC_B, MAC_A, 0x86dd);
    syn_ip6_ext(&B, &l, fr, 1, 8 + 20);
    syn_udp(&B, 5683, 5684, PL, 20);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.is_fragment, 1);
    CHECK_EQ_INT(p.more_fragments, 1);
    CHECK_EQ_INT(p.frag_offset, 0);
    CHECK_EQ_INT(p.frag_id, 0x4242);
    CHECK_EQ_INT(p.protocol, 17);
    CHECK_EQ_INT(p.src_port, 5683);
    CHECK_EQ_INT(p.dst_port, 5684);
    CHECK_EQ_INT(p.transport_len, 28);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(off, 14 + 48 + 8);
    /* IPv6 non-first (last) fragment: ports 0, all data is payload. */
    l.frag_offset = 1232;
    l.more_fragments = 0;
    syn_ether(&B, MAC_B, MAC_A, 0x86dd);
    syn_ip6_ext(&B, &l, fr, 1, 20);
    syn_append(&B, PL, 20);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.is_fragment, 1);
    CHECK_EQ_INT(p.more_fragments, 0);
    CHECK_EQ_INT(p.frag_offset, 1232);
    CHECK_EQ_INT(p.protocol, 17);
    CHECK_EQ_INT(p.src_port, 0);
    CHECK_EQ_INT(p.dst_port, 0);
    CHECK_EQ_INT(p.ip_len, 68);
    CHECK_EQ_INT(p.transport_len, 20);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(p.payload_caplen, 20);
    CHECK_EQ_INT(off, 14 + 48);
    /* Non-first fragment whose fragmentable part starts with destination
     * options: protocol 60, nothing after the fragment header is parsed. */
    l.protocol = 60;
    syn_ether(&B, MAC_B, MAC_A, 0x86dd);
    syn_ip6_ext(&B, &l, fr, 1, 20);
    syn_append(&B, PL, 20);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 60);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(off, 14 + 48);
    l.protocol = 17;
    /* Atomic fragment (offset 0, M 0): not a fragment. */
    l.frag_offset = 0;
    syn_ether(&B, MAC_B, MAC_A, 0x86dd);
    syn_ip6_ext(&B, &l, fr, 1, 8);
    syn_udp(&B, 1, 2, NULL, 0);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.is_fragment, 0);
    CHECK_EQ_INT(p.src_port, 1);

    /* IPv4 first fragment. */
    syn_l3 v = l3v(4, "192.168.1.5", "52.1.2.3", 17);
    v.ip_id = 0xbeef;
    v.more_fragments = 1;
    syn_ether(&B, MAC_B, MAC_A, 0x0800);
    syn_ip(&B, &v, 8 + 20);
    syn_udp(&B, 123, 124, PL, 20);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.is_fragment, 1);
    CHECK_EQ_INT(p.more_fragments, 1);
    CHECK_EQ_INT(p.frag_offset, 0);
    CHECK_EQ_INT(p.frag_id, 0xbeef);
    CHECK_EQ_INT(p.src_port, 123);
    CHECK_EQ_INT(p.dst_port, 124);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(off, 42);
    /* IPv4 non-first fragment, padded frame. */
    v.frag_offset = 1480;
    v.more_fragments = 0;
    syn_ether(&B, MAC_B, MAC_A, 0x0800);
    syn_ip(&B, &v, 10);
    syn_append(&B, PL, 10);
    syn_pad60(&B);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.is_fragment, 1);
    CHECK_EQ_INT(p.more_fragments, 0);
    CHECK_EQ_INT(p.frag_offset, 1480);
    CHECK_EQ_INT(p.protocol, 17);
    CHECK_EQ_INT(p.src_port, 0);
    CHECK_EQ_INT(p.dst_port, 0);
    CHECK_EQ_INT(p.ip_len, 30);
    CHECK_EQ_INT(p.transport_len, 10);
    CHECK_EQ_INT(p.payload_len, 10);
    CHECK_EQ_INT(p.payload_caplen, 10);
    CHECK_EQ_INT(off, 34);
}

static void test_transports(void)
{
    cf_packet p;
    long off;
    struct {
        uint8_t proto;
        uint32_t hlen;
        uint8_t doff_at, doff_val; /* data offset byte, 0: none */
    } t[] = {
        {6, 32, 12, 8 << 4},                 /* TCP with 12 bytes of options */
        {6, 60, 12, 15 << 4}, {17, 8, 0, 0}, /* UDP */
        {136, 8, 0, 0},                      /* UDP-Lite */
        {132, 12, 0, 0},                     /* SCTP */
        {33, 16, 4, 4},                      /* DCCP, X=1: 16 bytes */
        {33, 12, 4, 3},                      /* DCCP, X=0 */
        {33, 24, 4, 6},                      /* DCCP with options */
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        for (int fam = 4; fam <= 6; fam += 2) {
            syn_l3 l = fam == 4 ? l3v(4, "10.0.0.1", "10.0.0.2", t[i].proto)
                                : l3v(6, "fe80::1", "fe80::2", t[i].proto);
            uint32_t l3 = fam == 4 ? 20 : 40;
            syn_ether(&B, MAC_B, MAC_A, fam == 4 ? 0x0800 : 0x86dd);
            syn_ip(&B, &l, t[i].hlen + 7);
            app_l4(2905, 36412, t[i].hlen, PL, 7);
            if (t[i].doff_at)
                B.data[14 + l3 + t[i].doff_at] = t[i].doff_val;
            CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
            CHECK_EQ_INT(p.protocol, t[i].proto);
            CHECK_EQ_INT(p.src_port, 2905);
            CHECK_EQ_INT(p.dst_port, 36412);
            CHECK_EQ_INT(p.transport_len, t[i].hlen + 7);
            CHECK_EQ_INT(p.payload_len, 7);
            CHECK_EQ_INT(p.payload_caplen, 7);
            CHECK_EQ_INT(off, 14 + l3 + t[i].hlen);
        }
    }
    /* Port-less protocols: ICMP, IGMP, GRE, IP-in-IP, ICMPv6. */
    static const uint8_t nop[] = {1, 2, 47, 4, 41, 50};
    for (unsigned i = 0; i < sizeof nop; i++) {
        syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2",
                         nop[i], 0, 0, PL, 12);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
        CHECK_EQ_INT(p.protocol, nop[i]);
        CHECK_EQ_INT(p.src_port, 0);
        CHECK_EQ_INT(p.dst_port, 0);
        CHECK_EQ_INT(p.transport_len, 12);
        CHECK_EQ_INT(p.payload_len, 12);
        CHECK_EQ_INT(p.payload_caplen, 12);
        CHECK_EQ_INT(off, 34);
    }
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "fe80::1", "ff02::1", 58, 0, 0,
                     PL, 8);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.protocol, 58);
    CHECK_EQ_INT(p.src_port, 0);
    CHECK_EQ_INT(p.payload_len, 8);
    CHECK_EQ_INT(off, 54);

    /* TCP data offset < 5 (invalid): ports kept, no payload. */
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 6, 1, 2,
                     PL, 10);
    B.data[34 + 12] = 4 << 4;
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.src_port, 1);
    CHECK_EQ_INT(p.dst_port, 2);
    CHECK_EQ_INT(p.transport_len, 30);
    CHECK_EQ_INT(p.payload_len, 0);
    CHECK_EQ_INT(p.payload_caplen, 0);
    /* TCP data offset past the IP length: no payload. */
    B.data[34 + 12] = 15 << 4;
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.payload_len, 0);
    CHECK_EQ_INT(p.payload_caplen, 0);
    CHECK_EQ_INT(p.src_port, 1);
}

/* Cut transport headers (SPEC 2): captured ports, empty payload. */
static void test_cut_transport(void)
{
    cf_packet p;
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 6, 4660,
                     22136, PL, 20);
    uint32_t full = B.len; /* 74 */
    struct {
        uint32_t cap;
        uint16_t sp, dp;
        uint32_t plen;
    } t[] = {{34, 0, 0, 0},         {35, 0, 0, 0},         {36, 4660, 0, 0},
             {37, 4660, 0, 0},      {38, 4660, 22136, 0},  {46, 4660, 22136, 0},
             {47, 4660, 22136, 20}, {53, 4660, 22136, 20}, {54, 4660, 22136, 20}};
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, t[i].cap, full, &p, NULL), CF_DECODED);
        CHECK_EQ_INT(p.src_port, t[i].sp);
        CHECK_EQ_INT(p.dst_port, t[i].dp);
        CHECK_EQ_INT(p.ip_len, 60);
        CHECK_EQ_INT(p.transport_len, 40);
        CHECK_EQ_INT(p.payload_len, t[i].plen);
        CHECK_EQ_INT(p.payload_caplen, 0);
    }
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 60, full, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(p.payload_caplen, 6);
    /* UDP cut: length known without the header (8). */
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 17, 1, 2,
                     PL, 20);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 39, B.len, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.src_port, 1);
    CHECK_EQ_INT(p.dst_port, 2);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(p.payload_caplen, 0);
    /* IP length cutting the UDP header (total length 23): only the source
     * port is inside the IP packet; the bytes after it are padding. */
    put16(B.data + 14 + 2, 23);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.src_port, 1);
    CHECK_EQ_INT(p.dst_port, 0);
    CHECK_EQ_INT(p.transport_len, 3);
    CHECK_EQ_INT(p.payload_len, 0);
    CHECK_EQ_INT(p.payload_caplen, 0);
}

static void test_ip_lengths(void)
{
    cf_packet p;
    long off;
    /* TSO: total length 0, the packet runs to the end of the wire frame. */
    syn_l3 l = l3v(4, "10.0.0.1", "10.0.0.2", 6);
    l.ip_len_override = 0;
    syn_ether(&B, MAC_B, MAC_A, 0x0800);
    syn_ip(&B, &l, 20 + 1000);
    syn_tcp(&B, 80, 8080, 1, 1, SYN_TCP_ACK, NULL, 1000);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.ip_len, 1040);
    CHECK_EQ_INT(p.transport_len, 1020);
    CHECK_EQ_INT(p.payload_len, 1000);
    CHECK_EQ_INT(p.payload_caplen, 1000);
    /* ... captured 100 of 80014 bytes (headers-only capture of BIG TCP) */
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 100, 80014, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.ip_len, 80000);
    CHECK_EQ_INT(p.transport_len, 79980);
    CHECK_EQ_INT(p.payload_len, 79960);
    CHECK_EQ_INT(p.payload_caplen, 100 - 54);
    CHECK_EQ_INT(p.src_port, 80);
    /* IPv6 payload length 0 (jumbo / BIG TCP) */
    l = l3v(6, "::1", "::2", 17);
    B.len = 0;
    syn_ip(&B, &l, 8 + 20);
    syn_udp(&B, 9, 10, PL, 20);
    put16(B.data + 4, 0);
    CHECK_EQ_INT(dec(CF_LINKTYPE_IPV6, B.data, B.len, 70000, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.ip_len, 70000);
    CHECK_EQ_INT(p.transport_len, 69960);
    CHECK_EQ_INT(p.payload_len, 69952);
    CHECK_EQ_INT(p.payload_caplen, 20);

    /* IP length longer than the wire frame: clamped to the wire frame. */
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 17, 1, 2,
                     PL, 20);
    put16(B.data + 14 + 2, 1500);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.ip_len, 48);
    CHECK_EQ_INT(p.payload_len, 20);
    CHECK_EQ_INT(p.payload_caplen, 20);
    /* ... but within the wire length it is kept, capture cut separately */
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, B.len, 1514, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.ip_len, 1500);
    CHECK_EQ_INT(p.payload_len, 1472);
    CHECK_EQ_INT(p.payload_caplen, 20);
    /* wire_len < cap_len (bad capture record): taken as cap_len */
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, B.len, 10, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.wire_len, 10);
    CHECK_EQ_INT(p.ip_len, 48);

    /* Total length shorter than the header. */
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 17, 1, 2,
                     PL, 20);
    put16(B.data + 14 + 2, 19);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_LENGTH);
    put16(B.data + 14 + 2, 1);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_LENGTH);
    put16(B.data + 14 + 2, 20);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.transport_len, 0);
    CHECK_EQ_INT(p.src_port, 0);
    CHECK_EQ_INT(p.payload_len, 0);
    /* IHL 6 with total length 22 < 24 */
    B.data[14] = 0x46;
    put16(B.data + 14 + 2, 22);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_LENGTH);
    /* IHL < 5 */
    put16(B.data + 14 + 2, 48);
    for (int ihl = 0; ihl < 5; ihl++) {
        B.data[14] = (uint8_t)(0x40 | ihl);
        CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_HEADER_LEN);
    }
    /* IHL 15 (60 bytes) beyond the 48 captured bytes: header cut */
    B.data[14] = 0x4f;
    put16(B.data + 14 + 2, 100);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, B.len, 114, &p, NULL), CF_SKIP_IP_SHORT);
    put16(B.data + 14 + 2, 48);
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_LENGTH);
    /* IHL 7: options, UDP after them */
    B.data[14] = 0x47;
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, &off), CF_DECODED);
    CHECK_EQ_INT(p.transport_len, 20);
    CHECK_EQ_INT(p.src_port, 0x3031); /* "01" of the payload */
    CHECK_EQ_INT(p.payload_len, 12);
    CHECK_EQ_INT(off, 14 + 28 + 8);
    /* version 5 under ethertype IPv4 */
    B.data[14] = 0x55;
    CHECK_EQ_INT(dec_b(CF_LINKTYPE_ETHERNET, &p, NULL), CF_SKIP_IP_VERSION);
    /* IPv6 header cut */
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "::1", "::2", 17, 1, 2, PL, 20);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 53, B.len, &p, NULL), CF_SKIP_IP_SHORT);
    CHECK_EQ_INT(dec(CF_LINKTYPE_ETHERNET, B.data, 54, B.len, &p, NULL), CF_DECODED);
    CHECK_EQ_INT(p.ip_len, 68);
    CHECK_EQ_INT(p.payload_len, 20);
}

/* Invariants of any decoded packet, whatever the input. */
static int sane(const cf_packet *p, const uint8_t *f, uint32_t cap)
{
    if (p->ip_len < p->transport_len || p->transport_len < p->payload_len)
        return 0;
    if (p->payload_caplen > p->payload_len)
        return 0;
    if (!p->payload || p->payload < f || p->payload > f + cap ||
        p->payload_caplen > (uint32_t)(f + cap - p->payload))
        return 0;
    if (p->src.family != 4 && p->src.family != 6)
        return 0;
    return 1;
}

/* Every cap_len from 0 to the full frame: never crashes (exact-size heap
 * copies under ASan), results consistent with the full decode. */
static void truncate_all(int lt, uint32_t ip_off, uint32_t ip_hdr, uint32_t l4_hdr)
{
    cf_packet full, p;
    uint32_t n = B.len;
    CHECK_EQ_INT(dec(lt, B.data, n, n, &full, NULL), CF_DECODED);
    int bad = 0;
    for (uint32_t cap = 0; cap <= n; cap++) {
        uint8_t *c;
        cf_skip_reason r = dec(lt, B.data, cap, n, &p, &c);
        cf_skip_reason want = cap < ip_off            ? CF_SKIP_LINK_SHORT
                              : cap < ip_off + ip_hdr ? CF_SKIP_IP_SHORT
                                                      : CF_DECODED;
        if (ip_off == 0 && cap == 0)
            want = CF_SKIP_IP_SHORT;
        if (r != want) {
            bad++;
            fprintf(stderr, "lt %d cap %u: reason %d, want %d\n", lt, cap, r, want);
        } else if (r == CF_DECODED) {
            uint32_t tcap = cap - ip_off - ip_hdr;
            uint16_t sp = tcap >= 2 ? full.src_port : 0, dp = tcap >= 4 ? full.dst_port : 0;
            if (!sane(&p, c, cap) || p.ip_len != full.ip_len ||
                p.transport_len != full.transport_len || p.protocol != full.protocol ||
                p.src_port != sp || p.dst_port != dp ||
                (tcap >= l4_hdr && (p.payload_len != full.payload_len ||
                                    p.payload_caplen != cap - ip_off - ip_hdr - l4_hdr)) ||
                (tcap < l4_hdr && p.payload_caplen != 0) || memcmp(&p.src, &full.src, 17)) {
                bad++;
                fprintf(stderr, "lt %d cap %u: inconsistent decode\n", lt, cap);
            }
        }
        free(c);
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_truncations(void)
{
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "10.0.0.1", "10.0.0.2", 17, 1, 2,
                     PL, 20);
    truncate_all(CF_LINKTYPE_ETHERNET, 14, 20, 8);
    syn_eth_ip_frame(&B, "02:00:00:00:00:0a", "02:00:00:00:00:0b", "fe80::1", "fe80::2", 6, 3, 4,
                     PL, 20);
    truncate_all(CF_LINKTYPE_ETHERNET, 14, 40, 20);

    static const uint16_t qinq[] = {0x88a8, 0x8100}, vid[] = {1, 2};
    static const uint8_t chain[] = {0, 43, 44, 60};
    syn_l3 l = l3v(6, "2001:db8::1", "2001:db8::2", 6);
    l.more_fragments = 1;
    syn_ether_vlan(&B, MAC_B, MAC_A, qinq, vid, 2, 0x86dd);
    syn_ip6_ext(&B, &l, chain, 4, 20 + 20);
    syn_tcp(&B, 50000, 80, 1, 1, SYN_TCP_ACK, PL, 20);
    truncate_all(CF_LINKTYPE_ETHERNET, 22, 40 + 32, 20);

    syn_sll2(&B, MAC_A, 0x0800);
    syn_l3 s = l3v(4, "10.0.0.1", "10.0.0.2", 132);
    syn_ip(&B, &s, 12 + 20);
    app_l4(36412, 2905, 12, PL, 20);
    truncate_all(CF_LINKTYPE_LINUX_SLL2, 20, 20, 12);

    syn_sll(&B, MAC_A, 0x0800);
    s = l3v(4, "10.0.0.1", "10.0.0.2", 1);
    syn_ip(&B, &s, 20);
    syn_append(&B, PL, 20);
    truncate_all(CF_LINKTYPE_LINUX_SLL, 16, 20, 0);

    B.len = 0;
    s = l3v(6, "::1", "::2", 33);
    syn_ip(&B, &s, 16 + 20);
    app_l4(5, 6, 16, PL, 20);
    B.data[40 + 4] = 4;
    truncate_all(CF_LINKTYPE_RAW, 0, 40, 16);

    syn_null(&B, 30);
    s = l3v(6, "::1", "::2", 136);
    syn_ip(&B, &s, 8 + 20);
    app_l4(5, 6, 8, PL, 20);
    truncate_all(CF_LINKTYPE_NULL, 4, 40, 8);
}

/* Deterministic mutation fuzz: random byte changes and lengths of valid
 * frames of every link type; only checks it never crashes and decoded
 * packets keep their invariants. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    return (uint32_t)(check_xorshift(&rng) >> 16);
}

static void test_fuzz(void)
{
    static const int lts[] = {CF_LINKTYPE_ETHERNET, CF_LINKTYPE_LINUX_SLL, CF_LINKTYPE_LINUX_SLL2,
                              CF_LINKTYPE_NULL,     CF_LINKTYPE_RAW,       CF_LINKTYPE_IPV6};
    static const uint16_t qinq[] = {0x88a8, 0x8100}, vid[] = {1, 2};
    static const uint8_t chain[] = {0, 51, 44, 60};
    static uint8_t base[6][200], work[200];
    uint32_t blen[6];
    syn_l3 l = l3v(6, "2001:db8::1", "2001:db8::2", 6);
    syn_ether_vlan(&B, MAC_B, MAC_A, qinq, vid, 2, 0x86dd);
    syn_ip6_ext(&B, &l, chain, 4, 20 + 20);
    syn_tcp(&B, 50000, 80, 1, 1, SYN_TCP_ACK, PL, 20);
    memcpy(base[0], B.data, blen[0] = B.len);
    syn_sll(&B, MAC_A, 0x0800);
    l = l3v(4, "10.0.0.1", "10.0.0.2", 6);
    syn_ip(&B, &l, 40);
    syn_tcp(&B, 1, 2, 1, 1, 0, PL, 20);
    memcpy(base[1], B.data, blen[1] = B.len);
    syn_sll2(&B, MAC_A, 0x86dd);
    l = l3v(6, "::1", "::2", 33);
    syn_ip(&B, &l, 36);
    app_l4(5, 6, 16, PL, 20);
    memcpy(base[2], B.data, blen[2] = B.len);
    syn_null(&B, 2);
    l = l3v(4, "10.0.0.1", "10.0.0.2", 17);
    syn_ip(&B, &l, 28);
    syn_udp(&B, 1, 2, PL, 20);
    memcpy(base[3], B.data, blen[3] = B.len);
    B.len = 0;
    l = l3v(4, "10.0.0.1", "10.0.0.2", 132);
    l.frag_offset = 8;
    syn_ip(&B, &l, 32);
    app_l4(5, 6, 12, PL, 20);
    memcpy(base[4], B.data, blen[4] = B.len);
    B.len = 0;
    l = l3v(6, "::1", "::2", 17);
    syn_ip6_ext(&B, &l, chain, 4, 28);
    syn_udp(&B, 1, 2, PL, 20);
    memcpy(base[5], B.data, blen[5] = B.len);

    int bad = 0, decoded = 0;
    for (int it = 0; it < 200000; it++) {
        int k = (int)(rnd() % 6);
        memcpy(work, base[k], blen[k]);
        int nmut = 1 + (int)(rnd() % 4);
        for (int m = 0; m < nmut; m++) {
            uint32_t pos = rnd() % blen[k];
            work[pos] = (rnd() & 3) ? (uint8_t)rnd() : (uint8_t)(work[pos] ^ (1u << (rnd() % 8)));
        }
        uint32_t cap = (rnd() & 1) ? blen[k] : rnd() % (blen[k] + 1);
        uint32_t wire = (rnd() & 1) ? blen[k] : rnd() % 100000;
        cf_packet p;
        uint8_t *c;
        if (dec(lts[k], work, cap, wire, &p, &c) == CF_DECODED) {
            decoded++;
            if (!sane(&p, c, cap))
                bad++;
        }
        free(c);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(decoded > 10000);
}

static void test_names(void)
{
    CHECK_EQ_STR(cf_skip_reason_name(CF_DECODED), "decoded");
    CHECK_EQ_STR(cf_skip_reason_name(CF_SKIP_NOT_IP), "not-ip");
    CHECK_EQ_STR(cf_skip_reason_name(CF_SKIP_IP_LENGTH), "ip-length");
    CHECK_EQ_STR(cf_skip_reason_name(CF_SKIP__COUNT), "unknown");
    for (int r = 0; r < CF_SKIP__COUNT; r++)
        CHECK(strcmp(cf_skip_reason_name((cf_skip_reason)r), "unknown") != 0);
    static const int ok[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};
    for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CHECK_EQ_INT(cf_linktype_supported(ok[i]), 1);
    CHECK_EQ_INT(cf_linktype_supported(105), 0);
    CHECK_EQ_INT(cf_linktype_supported(9), 0);
    CHECK_EQ_INT(cf_linktype_supported(127), 0);
}

/* One real capture: an IPv6 packet with 66 extension headers (hop-by-hop,
 * routing, atomic fragment, destination options, ...) before UDP
 * 12345 -> 54321 "TestPacket" (tshark agrees). */
static int test_real_pcap(void)
{
    const char *path = "../shared/pcaps/general/libpcap_ipv6_ext_headers.pcap";
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    if (!pc) {
        printf("skipped: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    int n = 0;
    while (pcap_next_ex(pc, &h, &d) == 1) {
        cf_packet p;
        CHECK_EQ_INT(cf_decode_frame(pcap_datalink(pc), d, h->caplen, h->len, 0, &p), CF_DECODED);
        CHECK_EQ_INT(p.protocol, 17);
        CHECK_EQ_INT(p.src_port, 12345);
        CHECK_EQ_INT(p.dst_port, 54321);
        CHECK_EQ_INT(p.ip_len, 858);
        CHECK_EQ_INT(p.transport_len, 18);
        CHECK_EQ_INT(p.payload_len, 10);
        CHECK_EQ_INT(p.payload_caplen, 10);
        CHECK(p.payload_caplen == 10 && memcmp(p.payload, "TestPacket", 10) == 0);
        CHECK_EQ_INT(p.is_fragment, 0);
        n++;
    }
    CHECK_EQ_INT(n, 1);
    pcap_close(pc);
    return 0;
}

int main(void)
{
    test_eth_ipv4_udp();
    test_vlan();
    test_not_ip();
    test_cooked_raw_null();
    test_ipv6_ext();
    test_fragments();
    test_transports();
    test_cut_transport();
    test_ip_lengths();
    test_truncations();
    test_fuzz();
    test_names();
    int skipped = test_real_pcap();
    if (skipped) {
        printf("%d passed, %d failed, %d skipped\n", check_passed, check_failed, skipped);
        return check_failed ? 1 : 0;
    }
    return check_report();
}
