/* Packet builder: link-layer headers (Ethernet with 802.1Q/802.1ad tags,
 * Linux cooked v1/v2, BSD null), IPv4 (RFC 791) and IPv6 with extension
 * headers (RFC 8200), UDP (RFC 768), TCP (RFC 9293). Every append is bounded
 * by the buffer: what does not fit is dropped, never written past data[]. */
#include "gen/synth.h"

#include "flow/netaddr.h"

#include <arpa/inet.h>
#include <string.h>

static uint8_t *room(syn_buf *b, uint32_t n, uint32_t *got)
{
    uint32_t cap = (uint32_t)sizeof b->data;
    if (b->len > cap)
        b->len = cap;
    uint32_t avail = cap - b->len;
    *got = n < avail ? n : avail;
    uint8_t *p = b->data + b->len;
    b->len += *got;
    return p;
}

void syn_append(syn_buf *b, const void *data, uint32_t len)
{
    uint32_t got;
    uint8_t *p = room(b, len, &got);
    if (got == 0)
        return;
    if (data)
        memcpy(p, data, got);
    else
        memset(p, 0, got);
}

static void app8(syn_buf *b, uint8_t v)
{
    syn_append(b, &v, 1);
}

static void app16(syn_buf *b, uint16_t v)
{
    uint8_t t[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    syn_append(b, t, 2);
}

static void app32(syn_buf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    syn_append(b, t, 4);
}

int syn_addr(const char *text, uint8_t out[16])
{
    memset(out, 0, 16);
    if (!text)
        return 0;
    if (inet_pton(AF_INET, text, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, text, out) == 1)
        return 6;
    memset(out, 0, 16);
    return 0;
}

void syn_mac(const char *text, uint8_t out[6])
{
    /* The device list's MAC parser; anything it refuses gives zeros. */
    if (!text || cf_mac_parse_n(text, strlen(text), out) != 0)
        memset(out, 0, 6);
}

void syn_ether(syn_buf *b, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype)
{
    b->len = 0;
    syn_append(b, dst, 6);
    syn_append(b, src, 6);
    app16(b, ethertype);
}

void syn_ether_vlan(syn_buf *b, const uint8_t dst[6], const uint8_t src[6], const uint16_t *tpids,
                    const uint16_t *vids, int ntags, uint16_t ethertype)
{
    b->len = 0;
    syn_append(b, dst, 6);
    syn_append(b, src, 6);
    for (int i = 0; i < ntags; i++) {
        app16(b, tpids[i]);
        app16(b, vids[i]);
    }
    app16(b, ethertype);
}

void syn_sll(syn_buf *b, const uint8_t src[6], uint16_t protocol)
{
    b->len = 0;
    app16(b, 0); /* packet type: to us */
    app16(b, 1); /* ARPHRD_ETHER */
    app16(b, 6); /* address length */
    syn_append(b, src, 6);
    app16(b, 0); /* address padding to 8 bytes */
    app16(b, protocol);
}

void syn_sll2(syn_buf *b, const uint8_t src[6], uint16_t protocol)
{
    b->len = 0;
    app16(b, protocol);
    app16(b, 0); /* reserved */
    app32(b, 1); /* interface index */
    app16(b, 1); /* ARPHRD_ETHER */
    app8(b, 0);  /* packet type: to us */
    app8(b, 6);  /* address length */
    syn_append(b, src, 6);
    app16(b, 0);
}

void syn_null(syn_buf *b, uint32_t family_host_order)
{
    b->len = 0;
    syn_append(b, &family_host_order, 4);
}

static uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t acc)
{
    uint32_t i = 0;
    for (; i + 1 < n; i += 2)
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    if (i < n)
        acc += (uint32_t)p[i] << 8;
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

static void ip4_header(syn_buf *b, const syn_l3 *l3, uint32_t payload_len)
{
    uint32_t start = b->len;
    uint32_t total = l3->ip_len_override >= 0 ? (uint32_t)l3->ip_len_override : 20 + payload_len;
    app8(b, 0x45);
    app8(b, 0);
    app16(b, (uint16_t)total);
    app16(b, l3->ip_id);
    app16(b, (uint16_t)((l3->more_fragments ? 0x2000 : 0) | ((l3->frag_offset / 8) & 0x1fff)));
    app8(b, l3->ttl ? l3->ttl : 64);
    app8(b, l3->protocol);
    app16(b, 0);
    syn_append(b, l3->src, 4);
    syn_append(b, l3->dst, 4);
    if (b->len == start + 20) {
        uint16_t c = fold(sum16(b->data + start, 20, 0));
        b->data[start + 10] = (uint8_t)(c >> 8);
        b->data[start + 11] = (uint8_t)c;
    }
}

static void ip6_header(syn_buf *b, const syn_l3 *l3, uint8_t next_header, uint32_t plen)
{
    app32(b, 0x60000000u);
    app16(b, (uint16_t)(l3->ip_len_override >= 0 ? (uint32_t)l3->ip_len_override : plen));
    app8(b, next_header);
    app8(b, l3->ttl ? l3->ttl : 64);
    syn_append(b, l3->src, 16);
    syn_append(b, l3->dst, 16);
}

void syn_ip(syn_buf *b, const syn_l3 *l3, uint32_t payload_len)
{
    if (l3->family == 6)
        ip6_header(b, l3, l3->protocol, payload_len);
    else
        ip4_header(b, l3, payload_len);
}

void syn_ip6_ext(syn_buf *b, const syn_l3 *l3, const uint8_t *ext_types, int next,
                 uint32_t payload_len)
{
    if (next < 0)
        next = 0;
    ip6_header(b, l3, next ? ext_types[0] : l3->protocol, payload_len + 8u * (uint32_t)next);
    for (int i = 0; i < next; i++) {
        uint8_t nh = i + 1 < next ? ext_types[i + 1] : l3->protocol;
        uint8_t e[8] = {nh, 0, 0, 0, 0, 0, 0, 0};
        switch (ext_types[i]) {
        case 44: /* fragment: offset in 8-byte units, M flag, identification */
            e[2] = (uint8_t)((l3->frag_offset / 8) >> 5);
            e[3] = (uint8_t)((((l3->frag_offset / 8) & 0x1f) << 3) | (l3->more_fragments ? 1 : 0));
            e[6] = (uint8_t)(l3->ip_id >> 8);
            e[7] = (uint8_t)l3->ip_id;
            break;
        case 43: /* routing type 0, segments left 0 */
            break;
        default: /* hop-by-hop, destination options: one PadN of 4 */
            e[2] = 1;
            e[3] = 4;
            break;
        }
        syn_append(b, e, 8);
    }
}

void syn_udp(syn_buf *b, uint16_t sport, uint16_t dport, const void *payload, uint32_t len)
{
    app16(b, sport);
    app16(b, dport);
    app16(b, (uint16_t)(8 + len));
    app16(b, 0);
    syn_append(b, payload, len);
}

void syn_tcp(syn_buf *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
             const void *payload, uint32_t len)
{
    app16(b, sport);
    app16(b, dport);
    app32(b, seq);
    app32(b, ack);
    app8(b, 5 << 4);
    app8(b, flags);
    app16(b, 64240); /* window */
    app16(b, 0);     /* checksum */
    app16(b, 0);     /* urgent pointer */
    syn_append(b, payload, len);
}

void syn_arp(syn_buf *b, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
             const uint8_t tha[6], const uint8_t tpa[4])
{
    app16(b, 1);      /* Ethernet */
    app16(b, 0x0800); /* IPv4 */
    app8(b, 6);
    app8(b, 4);
    app16(b, op);
    syn_append(b, sha, 6);
    syn_append(b, spa, 4);
    syn_append(b, tha, 6);
    syn_append(b, tpa, 4);
}

int syn_l4_checksum(syn_buf *b, uint32_t l3_off)
{
    if (l3_off >= b->len || l3_off + 20 > b->len)
        return -1;
    const uint8_t *ip = b->data + l3_off;
    uint32_t acc = 0, l4, l4len;
    uint8_t proto;
    if ((ip[0] >> 4) == 4) {
        uint32_t ihl = (ip[0] & 15u) * 4, total = (uint32_t)ip[2] << 8 | ip[3];
        if (ihl < 20 || total < ihl || l3_off + total > b->len)
            return -1;
        if ((((uint32_t)ip[6] << 8 | ip[7]) & 0x3fff) != 0)
            return -1; /* fragment */
        proto = ip[9];
        l4 = l3_off + ihl;
        l4len = total - ihl;
        acc = sum16(ip + 12, 8, 0);
    } else if ((ip[0] >> 4) == 6) {
        if (l3_off + 40 > b->len)
            return -1;
        uint32_t plen = (uint32_t)ip[4] << 8 | ip[5];
        if (l3_off + 40 + plen > b->len)
            return -1;
        uint32_t off = l3_off + 40, end = off + plen;
        proto = ip[6];
        while (proto == 0 || proto == 43 || proto == 60) {
            if (off + 8 > end)
                return -1;
            uint32_t el = ((uint32_t)b->data[off + 1] + 1) * 8;
            proto = b->data[off];
            off += el;
        }
        if (proto == 44 || off > end)
            return -1;
        l4 = off;
        l4len = end - off;
        acc = sum16(ip + 8, 32, 0);
    } else {
        return -1;
    }
    uint32_t co;
    if (proto == 6)
        co = 16;
    else if (proto == 17)
        co = 6;
    else
        return -1;
    if (l4len < co + 2)
        return -1;
    acc += proto;
    acc += l4len;
    b->data[l4 + co] = 0;
    b->data[l4 + co + 1] = 0;
    uint16_t c = fold(sum16(b->data + l4, l4len, acc));
    if (proto == 17 && c == 0)
        c = 0xffff;
    b->data[l4 + co] = (uint8_t)(c >> 8);
    b->data[l4 + co + 1] = (uint8_t)c;
    return 0;
}

void syn_eth_ip_frame(syn_buf *b, const char *src_mac, const char *dst_mac, const char *src_ip,
                      const char *dst_ip, uint8_t proto, uint16_t sport, uint16_t dport,
                      const void *payload, uint32_t len)
{
    uint8_t sm[6], dm[6];
    syn_l3 l3;
    memset(&l3, 0, sizeof l3);
    syn_mac(src_mac, sm);
    syn_mac(dst_mac, dm);
    l3.family = syn_addr(src_ip, l3.src) == 6 ? 6 : 4;
    syn_addr(dst_ip, l3.dst);
    l3.protocol = proto;
    l3.ip_len_override = -1;
    syn_ether(b, dm, sm, l3.family == 6 ? 0x86dd : 0x0800);
    if (proto == 17) {
        syn_ip(b, &l3, 8 + len);
        syn_udp(b, sport, dport, payload, len);
    } else if (proto == 6) {
        syn_ip(b, &l3, 20 + len);
        syn_tcp(b, sport, dport, 1, 1, SYN_TCP_PSH | SYN_TCP_ACK, payload, len);
    } else {
        syn_ip(b, &l3, len);
        syn_append(b, payload, len);
    }
}

void syn_pad60(syn_buf *b)
{
    if (b->len < 60)
        syn_append(b, NULL, 60 - b->len);
}
