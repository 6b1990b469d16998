/* The record assembler (SPEC §1, §2, fragments of §5): lifetime, attribution,
 * variants, limits, fragments, order of emission. */
#include <stdlib.h>

#include "check.h"
#include "flow/record.h"

#define SEC 1000000LL
#define T0 (1474588800LL * SEC) /* 2016-09-23 00:00:00 UTC */

/* A deep copy of an emitted record. */
typedef struct got {
    int variant;
    char device[128];
    int64_t first_seen;
    char dev_ip[64], rem_ip[64];
    int protocol, dev_port, rem_port;
    int64_t total_bytes, total_packets;
    uint32_t n;
    int64_t off[16];
    int32_t size[16];
    int8_t dir[16];
    uint32_t plen[16];
    uint8_t pay[16][64];
    uint64_t seq;
    int before_finish;
} got;

static got *G;
static size_t NG, CAPG;
static int finishing;
static int stop_after = -1;

static int sink(void *ctx, int variant, const cf_flowrec *r)
{
    (void)ctx;
    if (NG == CAPG) {
        CAPG = CAPG ? CAPG * 2 : 64;
        G = realloc(G, CAPG * sizeof *G);
    }
    got *g = &G[NG++];
    memset(g, 0, sizeof *g);
    g->variant = variant;
    snprintf(g->device, sizeof g->device, "%s", r->device);
    g->first_seen = r->first_seen;
    cf_addr_format(&r->device_ip, g->dev_ip);
    cf_addr_format(&r->remote_ip, g->rem_ip);
    g->protocol = r->protocol;
    g->dev_port = r->device_port;
    g->rem_port = r->remote_port;
    g->total_bytes = r->total_bytes;
    g->total_packets = r->total_packets;
    g->n = r->n;
    for (uint32_t k = 0; k < r->n && k < 16; k++) {
        g->off[k] = r->offset_us[k];
        g->size[k] = r->size[k];
        g->dir[k] = r->direction[k];
        g->plen[k] = r->payload_len[k];
        memcpy(g->pay[k], r->payload[k], r->payload_len[k] < 64 ? r->payload_len[k] : 64);
    }
    g->seq = r->seq;
    g->before_finish = !finishing;
    if (stop_after >= 0 && (int)NG >= stop_after)
        return 7;
    return 0;
}

static void reset(void)
{
    NG = 0;
    finishing = 0;
    stop_after = -1;
}

static cf_assembler_options opts(void)
{
    cf_assembler_options o;
    memset(&o, 0, sizeof o);
    o.packets = 10;
    o.payload_bytes = 1000;
    o.lifetime_us = 60 * SEC;
    o.size_mode = CF_SIZE_WIRE;
    o.variants = CF_VARIANT_BI | CF_VARIANT_UNI;
    return o;
}

static cf_addr ip(const char *text)
{
    cf_prefix p;
    if (cf_prefix_parse(text, &p) != 0) {
        fprintf(stderr, "bad test address %s\n", text);
        exit(2);
    }
    return p.addr;
}

static void mac(uint8_t out[6], unsigned last)
{
    static const uint8_t base[6] = {0x02, 0, 0, 0, 0, 0};
    memcpy(out, base, 6);
    out[4] = (uint8_t)(last >> 8);
    out[5] = (uint8_t)last;
}

/* A packet; src/dst MAC = 02:00:00:00:xx:yy from smac/dmac (0: no MAC). */
static cf_packet pkt(int64_t ts, const char *src, int sport, const char *dst, int dport,
                     unsigned smac, unsigned dmac)
{
    cf_packet p;
    memset(&p, 0, sizeof p);
    p.ts_us = ts;
    p.wire_len = 100;
    p.cap_len = 100;
    p.ip_len = 86;
    p.transport_len = 66;
    p.payload_len = 58;
    if (smac || dmac) {
        p.has_mac = 1;
        mac(p.src_mac, smac);
        mac(p.dst_mac, dmac);
    }
    p.src = ip(src);
    p.dst = ip(dst);
    p.protocol = 17;
    p.src_port = (uint16_t)sport;
    p.dst_port = (uint16_t)dport;
    return p;
}

static cf_assembler *mk(const cf_assembler_options *o)
{
    reset();
    cf_assembler *a = cf_assembler_new(o, NULL, NULL, sink, NULL);
    if (!a) {
        fprintf(stderr, "cf_assembler_new failed\n");
        exit(2);
    }
    return a;
}

static void finish(cf_assembler *a)
{
    finishing = 1;
    CHECK_EQ_INT(cf_assembler_finish(a), 0);
}

static size_t count_variant(int variant)
{
    size_t n = 0;
    for (size_t k = 0; k < NG; k++)
        n += G[k].variant == variant;
    return n;
}

/* The k-th record of a variant. */
static got *nth(int variant, size_t k)
{
    for (size_t m = 0; m < NG; m++)
        if (G[m].variant == variant && k-- == 0)
            return &G[m];
    static got none;
    memset(&none, 0, sizeof none);
    snprintf(none.device, sizeof none.device, "(none)");
    return &none;
}

static void test_lifetime_boundary(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    cf_packet p = pkt(T0, "192.168.1.10", 5000, "8.8.8.8", 53, 0x10, 1);
    cf_assembler_add(a, &p);
    p.ts_us = T0 + 60 * SEC - 1; /* 1 µs before the end: joins */
    cf_assembler_add(a, &p);
    p.ts_us = T0 + 60 * SEC + 5; /* past first_seen + L: a new record */
    cf_assembler_add(a, &p);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 2);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->first_seen, T0);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 2);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->off[1], 60 * SEC - 1);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->first_seen, T0 + 60 * SEC + 5);
    cf_assembler_free(a);

    /* A packet at exactly first_seen + L opens a new record. */
    a = mk(&o);
    p.ts_us = T0;
    cf_assembler_add(a, &p);
    p.ts_us = T0 + 60 * SEC;
    cf_assembler_add(a, &p);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 2);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 1);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->first_seen, T0 + 60 * SEC);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->total_packets, 1);
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->device, "02:00:00:00:00:10");
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->dev_ip, "192.168.1.10");
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->rem_ip, "8.8.8.8");
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->dev_port, 5000);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->rem_port, 53);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->protocol, 17);
    cf_assembler_free(a);
}

static void test_long_session(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    /* One packet every 10 s for 300 s, alternating directions. */
    for (int k = 0; k < 30; k++) {
        cf_packet p = k % 2 ? pkt(T0 + k * 10 * SEC, "52.0.0.1", 443, "10.0.0.2", 40000, 1, 0x20)
                            : pkt(T0 + k * 10 * SEC, "10.0.0.2", 40000, "52.0.0.1", 443, 0x20, 1);
        p.protocol = 6;
        CHECK_EQ_INT(cf_assembler_add(a, &p), 0);
    }
    /* Records of the first 3 minutes are out before the end. */
    size_t early = NG;
    finish(a);
    CHECK(early >= 4);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 5);
    CHECK_EQ_INT(count_variant(CF_VARIANT_UNI), 5);
    for (int k = 0; k < 5; k++) {
        got *g = nth(CF_VARIANT_BI, (size_t)k);
        CHECK_EQ_INT(g->first_seen, T0 + k * 60 * SEC);
        CHECK_EQ_INT(g->total_packets, 6);
        CHECK_EQ_INT(g->total_bytes, 600);
        CHECK_EQ_INT(g->dev_port, 40000);
        CHECK_EQ_INT(g->rem_port, 443);
        CHECK_EQ_INT(g->protocol, 6);
        CHECK_EQ_INT(g->off[5], 50 * SEC);
        CHECK_EQ_INT(g->dir[0], 1);
        CHECK_EQ_INT(g->dir[1], 0);
        got *u = nth(CF_VARIANT_UNI, (size_t)k);
        CHECK_EQ_INT(u->first_seen, T0 + k * 60 * SEC);
        CHECK_EQ_INT(u->total_packets, 3);
        CHECK_EQ_INT(u->off[2], 40 * SEC);
    }
    const cf_assembler_stats *st = cf_assembler_stats_get(a);
    CHECK_EQ_INT(st->packets_in, 30);
    CHECK_EQ_INT(st->packets_attributed, 30);
    CHECK_EQ_INT(st->bi.records, 5);
    CHECK_EQ_INT(st->bi.max_open, 1);
    cf_assembler_free(a);
}

static void test_device_to_device(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    cf_packet p = pkt(T0, "192.168.1.10", 5000, "192.168.1.20", 6000, 0x10, 0x20);
    cf_assembler_add(a, &p);
    p = pkt(T0 + 1000, "192.168.1.20", 6000, "192.168.1.10", 5000, 0x20, 0x10);
    cf_assembler_add(a, &p);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 2);
    got *x = nth(CF_VARIANT_BI, 0), *y = nth(CF_VARIANT_BI, 1);
    CHECK_EQ_STR(x->device, "02:00:00:00:00:10");
    CHECK_EQ_STR(x->dev_ip, "192.168.1.10");
    CHECK_EQ_STR(x->rem_ip, "192.168.1.20");
    CHECK_EQ_INT(x->dev_port, 5000);
    CHECK_EQ_INT(x->rem_port, 6000);
    CHECK_EQ_INT(x->total_packets, 2);
    CHECK_EQ_INT(x->dir[0], 1);
    CHECK_EQ_INT(x->dir[1], 0);
    CHECK_EQ_STR(y->device, "02:00:00:00:00:20");
    CHECK_EQ_STR(y->dev_ip, "192.168.1.20");
    CHECK_EQ_INT(y->dev_port, 6000);
    CHECK_EQ_INT(y->first_seen, T0);
    CHECK_EQ_INT(y->dir[0], 0);
    CHECK_EQ_INT(y->dir[1], 1);
    CHECK_EQ_INT(y->off[1], 1000);
    /* Unidirectional: each device's sent packet only. */
    CHECK_EQ_INT(count_variant(CF_VARIANT_UNI), 2);
    CHECK_EQ_STR(nth(CF_VARIANT_UNI, 0)->device, "02:00:00:00:00:10");
    CHECK_EQ_INT(nth(CF_VARIANT_UNI, 0)->total_packets, 1);
    CHECK_EQ_STR(nth(CF_VARIANT_UNI, 1)->device, "02:00:00:00:00:20");
    CHECK_EQ_INT(nth(CF_VARIANT_UNI, 1)->first_seen, T0 + 1000);
    CHECK_EQ_INT(nth(CF_VARIANT_UNI, 1)->dir[0], 1);
    cf_assembler_free(a);
}

static void test_loopback(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    cf_packet p = pkt(T0, "10.0.0.5", 7000, "10.0.0.5", 7000, 0x5, 0x5);
    cf_assembler_add(a, &p);
    p.ts_us += 5;
    cf_assembler_add(a, &p);
    /* Same address, other port: two mirrored records. */
    cf_packet q = pkt(T0 + 10, "10.0.0.5", 7000, "10.0.0.5", 7001, 0x5, 0x5);
    cf_assembler_add(a, &q);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 3);
    got *g = nth(CF_VARIANT_BI, 0);
    CHECK_EQ_INT(g->total_packets, 2);
    CHECK_EQ_INT(g->dir[0], 1);
    CHECK_EQ_INT(g->dir[1], 1);
    CHECK_EQ_INT(g->dev_port, 7000);
    CHECK_EQ_INT(g->rem_port, 7000);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->dir[0], 1);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->dir[0], 0);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->dev_port, 7001);
    CHECK_EQ_INT(count_variant(CF_VARIANT_UNI), 2);
    CHECK_EQ_INT(nth(CF_VARIANT_UNI, 0)->total_packets, 2);
    cf_assembler_free(a);
}

static void test_unidirectional(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    /* Key A: downstream at 0, upstream at 10 s and 65 s. */
    cf_packet down = pkt(T0, "8.8.8.8", 53, "192.168.1.10", 5000, 1, 0x10);
    cf_packet up = pkt(T0 + 10 * SEC, "192.168.1.10", 5000, "8.8.8.8", 53, 0x10, 1);
    cf_assembler_add(a, &down);
    cf_assembler_add(a, &up);
    up.ts_us = T0 + 65 * SEC;
    cf_assembler_add(a, &up);
    /* Key B: downstream only. */
    cf_packet only = pkt(T0 + SEC, "1.1.1.1", 123, "192.168.1.10", 123, 1, 0x10);
    cf_assembler_add(a, &only);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 3);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->first_seen, T0);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 2);
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 1)->rem_ip, "1.1.1.1");
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->first_seen, T0 + 65 * SEC);
    CHECK_EQ_INT(count_variant(CF_VARIANT_UNI), 1);
    got *u = nth(CF_VARIANT_UNI, 0);
    CHECK_EQ_INT(u->first_seen, T0 + 10 * SEC);
    CHECK_EQ_INT(u->total_packets, 2);
    CHECK_EQ_INT(u->total_bytes, 200);
    CHECK_EQ_INT(u->off[1], 55 * SEC);
    CHECK_EQ_INT(u->dir[0], 1);
    CHECK_EQ_INT(u->dir[1], 1);
    const cf_assembler_stats *st = cf_assembler_stats_get(a);
    CHECK_EQ_INT(st->uni.records, 1);
    CHECK_EQ_INT(st->bi.records, 3);
    cf_assembler_free(a);

    /* Unidirectional alone: downstream packets are in no record. */
    o.variants = CF_VARIANT_UNI;
    a = mk(&o);
    cf_assembler_add(a, &only);
    finish(a);
    CHECK_EQ_INT(NG, 0);
    CHECK_EQ_INT(cf_assembler_stats_get(a)->packets_attributed, 0);
    CHECK_EQ_INT(cf_assembler_stats_get(a)->packets_no_device, 0);
    cf_assembler_free(a);
}

static void test_limits(void)
{
    cf_assembler_options o = opts();
    o.packets = 3;
    o.payload_bytes = 4;
    cf_assembler *a = mk(&o);
    uint8_t data[10];
    for (int k = 0; k < 5; k++) {
        cf_packet p = pkt(T0 + k, "10.1.1.1", 1, "9.9.9.9", 2, 0x11, 1);
        for (int m = 0; m < 10; m++)
            data[m] = (uint8_t)(16 * k + m);
        p.payload = data;
        p.payload_caplen = k == 1 ? 2 : 10; /* the second packet is short */
        p.wire_len = 100 + (uint32_t)k;
        cf_assembler_add(a, &p);
        memset(data, 0xee, sizeof data); /* the assembler must have copied */
    }
    finish(a);
    got *g = nth(CF_VARIANT_BI, 0);
    CHECK_EQ_INT(g->total_packets, 5);
    CHECK_EQ_INT(g->total_bytes, 510);
    CHECK_EQ_INT(g->n, 3);
    CHECK_EQ_INT(g->plen[0], 4);
    CHECK_EQ_INT(g->plen[1], 2);
    CHECK_EQ_INT(g->plen[2], 4);
    CHECK_EQ_INT(g->pay[0][0], 0);
    CHECK_EQ_INT(g->pay[0][3], 3);
    CHECK_EQ_INT(g->pay[1][1], 17);
    CHECK_EQ_INT(g->pay[2][0], 32);
    CHECK_EQ_INT(g->pay[2][3], 35);
    CHECK_EQ_INT(g->size[2], 102);
    cf_assembler_free(a);

    /* j = 0: empty payloads; no payload pointer at all. */
    o.payload_bytes = 0;
    a = mk(&o);
    cf_packet p = pkt(T0, "10.1.1.1", 1, "9.9.9.9", 2, 0x11, 1);
    p.payload = data;
    p.payload_caplen = 10;
    cf_assembler_add(a, &p);
    p.payload = NULL;
    p.payload_caplen = 0;
    cf_assembler_add(a, &p);
    finish(a);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->plen[0], 0);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->plen[1], 0);
    cf_assembler_free(a);
}

static void test_size_modes(void)
{
    static const int64_t want[4] = {100, 86, 66, 58};
    static const cf_size_mode modes[4] = {CF_SIZE_WIRE, CF_SIZE_IP, CF_SIZE_TRANSPORT,
                                          CF_SIZE_PAYLOAD};
    for (int k = 0; k < 4; k++) {
        cf_assembler_options o = opts();
        o.size_mode = modes[k];
        cf_assembler *a = mk(&o);
        cf_packet p = pkt(T0, "10.1.1.1", 1, "9.9.9.9", 2, 0x11, 1);
        cf_assembler_add(a, &p);
        cf_assembler_add(a, &p);
        finish(a);
        CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->size[0], want[k]);
        CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_bytes, 2 * want[k]);
        CHECK_EQ_INT(nth(CF_VARIANT_UNI, 0)->size[1], want[k]);
        cf_assembler_free(a);
    }
}

static void test_fragments(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    cf_packet first = pkt(T0, "10.0.0.2", 1000, "8.8.4.4", 53, 0x2, 1);
    first.is_fragment = 1;
    first.more_fragments = 1;
    first.frag_id = 7;
    cf_packet second = pkt(T0 + 1, "10.0.0.2", 0, "8.8.4.4", 0, 0x2, 1);
    second.is_fragment = 1;
    second.frag_offset = 1480;
    second.frag_id = 7;
    second.wire_len = 60;
    cf_packet orphan = second; /* no first fragment seen */
    orphan.frag_id = 8;
    orphan.ts_us = T0 + 2;
    cf_packet other_proto = second; /* same id, other protocol */
    other_proto.protocol = 6;
    other_proto.ts_us = T0 + 3;
    cf_assembler_add(a, &first);
    cf_assembler_add(a, &second);
    cf_assembler_add(a, &orphan);
    cf_assembler_add(a, &other_proto);
    /* A later fragment before its first one: ports 0 even when the first
     * one comes afterwards. */
    cf_packet late = second;
    late.frag_id = 9;
    late.ts_us = T0 + 4;
    cf_packet late_first = first;
    late_first.frag_id = 9;
    late_first.ts_us = T0 + 5;
    cf_assembler_add(a, &late);
    cf_assembler_add(a, &late_first);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 3);
    got *g = nth(CF_VARIANT_BI, 0);
    CHECK_EQ_INT(g->dev_port, 1000);
    CHECK_EQ_INT(g->rem_port, 53);
    CHECK_EQ_INT(g->total_packets, 3); /* first, second, late_first */
    CHECK_EQ_INT(g->size[1], 60);
    CHECK_EQ_INT(g->total_bytes, 260);
    got *z = nth(CF_VARIANT_BI, 1);
    CHECK_EQ_INT(z->dev_port, 0);
    CHECK_EQ_INT(z->rem_port, 0);
    CHECK_EQ_INT(z->protocol, 17);
    CHECK_EQ_INT(z->total_packets, 2); /* orphan, late */
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->protocol, 6);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->dev_port, 0);
    cf_assembler_free(a);

    /* The newest first fragment of a reused id wins; many first fragments
     * (more than the table holds) keep the memory bounded and work. */
    a = mk(&o);
    for (uint32_t k = 0; k < 70000; k++) {
        cf_packet f = first;
        f.frag_id = k;
        f.src_port = (uint16_t)(k & 0xff);
        cf_assembler_add(a, &f);
    }
    cf_packet f = first;
    f.frag_id = 69999;
    f.src_port = 4242;
    cf_assembler_add(a, &f);
    cf_packet s = second;
    s.frag_id = 69999;
    s.ts_us = T0 + 10;
    cf_assembler_add(a, &s);
    s.frag_id = 1; /* evicted long ago */
    cf_assembler_add(a, &s);
    s.frag_id = 69000; /* still there */
    cf_assembler_add(a, &s);
    finish(a);
    int found4242 = 0, zero = 0, k69000 = 0;
    for (size_t k = 0; k < NG; k++) {
        if (G[k].variant != CF_VARIANT_BI)
            continue;
        if (G[k].dev_port == 4242)
            found4242 = (int)G[k].total_packets;
        if (G[k].dev_port == 0)
            zero = (int)G[k].total_packets;
        if (G[k].dev_port == (69000 & 0xff))
            k69000 = (int)G[k].total_packets;
    }
    CHECK_EQ_INT(found4242, 2);
    CHECK_EQ_INT(zero, 1);
    CHECK(k69000 > 0);
    cf_assembler_free(a);
}

/* Records of a variant that sort before the one emitted just before them. */
static uint64_t inversions(int variant)
{
    int64_t last = INT64_MIN;
    uint64_t lseq = 0, n = 0;
    for (size_t k = 0; k < NG; k++) {
        if (G[k].variant != variant)
            continue;
        if (G[k].first_seen < last || (G[k].first_seen == last && G[k].seq < lseq))
            n++;
        last = G[k].first_seen;
        lseq = G[k].seq;
    }
    return n;
}

static int sorted(int variant)
{
    return inversions(variant) == 0;
}

static void test_backwards(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    cf_packet p = pkt(T0 + 100 * SEC, "10.0.0.2", 1, "9.9.9.9", 2, 0x2, 1);
    cf_assembler_add(a, &p);
    p.ts_us = T0 + 99 * SEC; /* backwards: joins, negative offset */
    cf_assembler_add(a, &p);
    cf_packet q = pkt(T0 + 90 * SEC, "10.0.0.3", 1, "9.9.9.9", 2, 0x3, 1);
    cf_assembler_add(a, &q);  /* a record that starts before the first one */
    p.ts_us = T0 + 159 * SEC; /* still < 100 + 60: joins */
    cf_assembler_add(a, &p);
    p.ts_us = T0 + 160 * SEC; /* closes */
    cf_assembler_add(a, &p);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 3);
    CHECK(sorted(CF_VARIANT_BI));
    CHECK(sorted(CF_VARIANT_UNI));
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->first_seen, T0 + 90 * SEC);
    got *g = nth(CF_VARIANT_BI, 1);
    CHECK_EQ_INT(g->first_seen, T0 + 100 * SEC);
    CHECK_EQ_INT(g->total_packets, 3);
    CHECK_EQ_INT(g->off[1], -SEC);
    CHECK_EQ_INT(g->off[2], 59 * SEC);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->first_seen, T0 + 160 * SEC);
    CHECK_EQ_INT(cf_assembler_stats_get(a)->bi.out_of_order, 0);
    cf_assembler_free(a);
}

/* One bogus timestamp far in the future. On the same key it is what the
 * SPEC says: the record it opens takes every later packet (negative
 * offsets). On another key it cuts the records open at that moment once;
 * later records are whole again and the output stays sorted. */
static void test_glitch(void)
{
    cf_assembler_options o = opts();
    o.variants = CF_VARIANT_BI;
    const int64_t future = T0 + 86400 * 365 * SEC;
    for (int other = 0; other < 2; other++) {
        cf_assembler *a = mk(&o);
        for (int k = 0; k < 200; k++) {
            cf_packet p = pkt(T0 + k * SEC / 2, "10.0.0.2", 1, "9.9.9.9", 2, 0x2, 1);
            if (k == 50) {
                p.ts_us = future;
                if (other)
                    p.src_port = 77;
            }
            cf_assembler_add(a, &p);
        }
        finish(a);
        CHECK(sorted(CF_VARIANT_BI));
        if (!other) {
            CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 2);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 50);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->first_seen, future);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->total_packets, 150);
            CHECK(nth(CF_VARIANT_BI, 1)->off[1] < 0);
        } else {
            CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 4);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 50);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->first_seen, T0 + 51 * SEC / 2);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->total_packets, 120);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->total_packets, 29);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 3)->first_seen, future);
            CHECK_EQ_INT(nth(CF_VARIANT_BI, 3)->dev_port, 77);
        }
        cf_assembler_free(a);
    }
}

static void test_unspecified(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    cf_packet p1 = pkt(T0, "0.0.0.0", 68, "255.255.255.255", 67, 0xa1, 0xffff);
    cf_packet p2 = pkt(T0 + 1, "0.0.0.0", 68, "255.255.255.255", 67, 0xa2, 0xffff);
    cf_assembler_add(a, &p1);
    cf_assembler_add(a, &p2);
    cf_assembler_add(a, &p1);
    /* Neither side a device: counted. */
    cf_packet none = pkt(T0 + 2, "8.8.8.8", 1, "9.9.9.9", 2, 1, 2);
    cf_assembler_add(a, &none);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 2);
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->device, "02:00:00:00:00:a1");
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 2);
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->dev_ip, "0.0.0.0");
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->rem_ip, "255.255.255.255");
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 1)->device, "02:00:00:00:00:a2");
    const cf_assembler_stats *st = cf_assembler_stats_get(a);
    CHECK_EQ_INT(st->packets_no_device, 1);
    CHECK_EQ_INT(st->packets_attributed, 3);
    CHECK_EQ_INT(st->packets_in, 4);
    cf_assembler_free(a);

    /* No MAC (raw IP, SLL): labelled by IP; IPv6 in RFC 5952 form. */
    a = mk(&o);
    cf_packet v6 = pkt(T0, "fe80::0:1", 546, "ff02::1:2", 547, 0, 0);
    cf_assembler_add(a, &v6);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 1);
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->device, "fe80::1");
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->rem_ip, "ff02::1:2");
    cf_assembler_free(a);
}

static void test_device_list(void)
{
    const char *list = "Hub 02:00:00:00:00:10\nGateway 02:00:00:00:00:01\nNAS 192.168.1.99\n";
    char err[128];
    cf_devices *d = cf_devices_parse("t", list, strlen(list), err, sizeof err, NULL, NULL);
    cf_assembler_options o = opts();
    reset();
    cf_assembler *a = cf_assembler_new(&o, d, NULL, sink, NULL);
    /* Hub talks to the internet through the gateway's MAC: only Hub. */
    cf_packet p = pkt(T0, "192.168.1.10", 5, "93.184.216.34", 80, 0x10, 0x01);
    cf_assembler_add(a, &p);
    /* The gateway's own LAN traffic to an unlisted host. */
    p = pkt(T0 + 1, "192.168.1.1", 53, "192.168.1.77", 999, 0x01, 0x77);
    cf_assembler_add(a, &p);
    /* NAS listed by IP, whatever MAC. */
    p = pkt(T0 + 2, "192.168.1.99", 445, "192.168.1.10", 6, 0x99, 0x10);
    cf_assembler_add(a, &p);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 4);
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 0)->device, "Hub");
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 1)->device, "Gateway");
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->dir[0], 1);
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 2)->device, "NAS");
    CHECK_EQ_STR(nth(CF_VARIANT_BI, 3)->device, "Hub");
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 3)->dir[0], 0);
    cf_assembler_free(a);
    cf_devices_free(d);
}

static void test_max_flows(void)
{
    cf_assembler_options o = opts();
    o.max_flows = 2;
    o.variants = CF_VARIANT_BI;
    cf_assembler *a = mk(&o);
    for (int k = 0; k < 3; k++) {
        cf_packet p = pkt(T0 + k, "10.0.0.2", 100 + k, "9.9.9.9", 2, 0x2, 1);
        cf_assembler_add(a, &p);
    }
    cf_packet p = pkt(T0 + 3, "10.0.0.2", 100, "9.9.9.9", 2, 0x2, 1); /* the evicted key */
    cf_assembler_add(a, &p);
    finish(a);
    const cf_assembler_stats *st = cf_assembler_stats_get(a);
    CHECK_EQ_INT(st->bi.early_closed, 2);
    CHECK_EQ_INT(st->bi.max_open, 3);
    CHECK_EQ_INT(st->bi.records, 4);
    CHECK_EQ_INT(count_variant(CF_VARIANT_UNI), 0);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->dev_port, 100);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 1);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 3)->dev_port, 100);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 3)->first_seen, T0 + 3);
    CHECK(sorted(CF_VARIANT_BI));
    cf_assembler_free(a);
}

/* --max-memory: one-packet-then-another flows with 500-byte payloads under a
 * budget of a few hundred KiB. Records are let go early (counted), every
 * packet still lands in exactly one record per variant, payloads are each
 * record's own bytes, and each variant stays in first_seen order. A
 * device-to-device packet's one payload copy serves all three of its
 * records. */
static void test_max_memory(void)
{
    enum { FLOWS = 3000, LEN = 500 };
    static uint8_t body[256][LEN];
    for (int v = 0; v < 256; v++)
        memset(body[v], v, LEN);
    for (int budget = 0; budget < 2; budget++) {
        cf_assembler_options o = opts();
        o.packets = 3;
        o.max_memory_bytes = budget ? 300u << 10 : 0;
        cf_assembler *a = mk(&o);
        for (int k = 0; k < FLOWS + 500; k++) {
            for (int second = 0; second < 2; second++) {
                int f = k - 500 * second; /* the second packet comes 500 flows later */
                if (f < 0 || f >= FLOWS)
                    continue;
                cf_packet p =
                    pkt(T0 + k * 1000 + second, "10.0.0.2", 1000 + f, "9.9.9.9", 53, 0x2, 1);
                p.payload = body[f & 0xff];
                p.payload_caplen = p.payload_len = LEN;
                CHECK_EQ_INT(cf_assembler_add(a, &p), 0);
            }
        }
        finish(a);
        const cf_assembler_stats *st = cf_assembler_stats_get(a);
        if (budget) {
            CHECK(st->bi.early_closed > 0 && st->uni.early_closed > 0);
            CHECK(st->bi.records > FLOWS);
        } else {
            CHECK_EQ_INT(st->bi.early_closed + st->uni.early_closed, 0);
            CHECK_EQ_INT(st->bi.records, FLOWS);
        }
        int64_t packets[2] = {0, 0};
        int own_bytes = 1;
        for (size_t m = 0; m < NG; m++) {
            got *g = &G[m];
            packets[g->variant == CF_VARIANT_BI ? 0 : 1] += g->total_packets;
            for (uint32_t q = 0; q < g->n; q++)
                own_bytes &= g->plen[q] == LEN && g->pay[q][0] == ((g->dev_port - 1000) & 0xff) &&
                             g->pay[q][63] == ((g->dev_port - 1000) & 0xff);
        }
        CHECK(own_bytes);
        CHECK_EQ_INT(packets[0], 2 * FLOWS);
        CHECK_EQ_INT(packets[1], 2 * FLOWS);
        CHECK(sorted(CF_VARIANT_BI));
        CHECK(sorted(CF_VARIANT_UNI));
        cf_assembler_free(a);
    }
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    cf_packet p = pkt(T0, "10.0.0.2", 1, "10.0.0.3", 2, 0x2, 0x3);
    p.payload = body[77];
    p.payload_caplen = p.payload_len = LEN;
    cf_assembler_add(a, &p);
    finish(a);
    CHECK_EQ_INT(NG, 3);
    for (size_t m = 0; m < NG; m++)
        CHECK(G[m].plen[0] == LEN && G[m].pay[0][0] == 77 && G[m].pay[0][63] == 77);
    cf_assembler_free(a);
}

static void test_sink_stop(void)
{
    cf_assembler_options o = opts();
    cf_assembler *a = mk(&o);
    stop_after = 1;
    int rc = 0;
    for (int k = 0; k < 10 && rc == 0; k++) {
        cf_packet p = pkt(T0 + k * 100 * SEC, "10.0.0.2", 1, "9.9.9.9", 2, 0x2, 1);
        rc = cf_assembler_add(a, &p);
    }
    CHECK_EQ_INT(rc, 7);
    CHECK_EQ_INT(NG, 1);
    CHECK_EQ_INT(cf_assembler_finish(a), 7);
    cf_assembler_free(a);
}

/* ---- property test against a simple reference ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng_state >> 33) % n);
}

typedef struct ref_rec {
    char label[32];
    char dev[16], rem[16];
    int dport, rport;
    int64_t fs, bytes, packets;
    int64_t off[4];
    int8_t dir[4];
    int open;
    size_t idx; /* creation order */
} ref_rec;

typedef struct ref {
    ref_rec *r;
    size_t n, cap;
    size_t open[512]; /* indices of open records */
    size_t n_open;
} ref;

static void ref_add(ref *f, int64_t L, const char *label, const char *dev, const char *rem,
                    int dport, int rport, int64_t ts, int dir, int64_t size)
{
    ref_rec *x = NULL;
    size_t slot = 0;
    for (; slot < f->n_open; slot++) {
        ref_rec *y = &f->r[f->open[slot]];
        if (!strcmp(y->label, label) && !strcmp(y->dev, dev) && !strcmp(y->rem, rem) &&
            y->dport == dport && y->rport == rport) {
            x = y;
            break;
        }
    }
    if (x && ts >= x->fs + L) {
        x->open = 0;
        f->open[slot] = f->open[--f->n_open];
        x = NULL;
    }
    if (!x) {
        if (f->n == f->cap) {
            f->cap = f->cap ? 2 * f->cap : 64;
            f->r = realloc(f->r, f->cap * sizeof *f->r);
        }
        x = &f->r[f->n++];
        memset(x, 0, sizeof *x);
        snprintf(x->label, sizeof x->label, "%s", label);
        snprintf(x->dev, sizeof x->dev, "%s", dev);
        snprintf(x->rem, sizeof x->rem, "%s", rem);
        x->dport = dport;
        x->rport = rport;
        x->fs = ts;
        x->open = 1;
        x->idx = f->n - 1;
        f->open[f->n_open++] = x->idx;
    }
    if (x->packets < 4) {
        x->off[x->packets] = ts - x->fs;
        x->dir[x->packets] = (int8_t)dir;
    }
    x->packets++;
    x->bytes += size;
}

static int cmp_ref(const void *a, const void *b)
{
    const ref_rec *x = a, *y = b;
    if (x->fs != y->fs)
        return x->fs < y->fs ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int same(const ref_rec *x, const got *g)
{
    if (strcmp(x->label, g->device) || strcmp(x->dev, g->dev_ip) || strcmp(x->rem, g->rem_ip) ||
        x->dport != g->dev_port || x->rport != g->rem_port || x->fs != g->first_seen ||
        x->bytes != g->total_bytes || x->packets != g->total_packets)
        return 0;
    for (int k = 0; k < 4 && k < x->packets; k++)
        if (x->off[k] != g->off[k] || x->dir[k] != g->dir[k])
            return 0;
    return 1;
}

/* By first_seen, ties in creation order. */
static void ref_sort(ref *f)
{
    if (f->n)
        qsort(f->r, f->n, sizeof *f->r, cmp_ref);
}

/* backward: some packets step back in time (less than L). Under a
 * max_flows cap with backward steps, records may leave out of order (memory
 * wins, see record.h); then the out_of_order counters must say so exactly. */
static void run_property(uint64_t seed, int64_t hold, size_t max_flows, int backward,
                         int *mismatches, size_t *early)
{
    static const char *devs[4] = {"192.168.1.1", "192.168.1.2", "192.168.1.3", "0.0.0.0"};
    static const char *rems[3] = {"8.8.8.8", "1.1.1.1", "9.9.9.9"};
    const int64_t L = 10 * SEC;
    rng_state = seed;
    cf_assembler_options o = opts();
    o.lifetime_us = L;
    o.packets = 4;
    o.hold_us = hold;
    o.max_flows = max_flows;
    cf_assembler *a = mk(&o);
    static ref bi, uni;
    memset(&bi, 0, sizeof bi);
    memset(&uni, 0, sizeof uni);
    int64_t cur = T0;
    int add_failed = 0;
    for (int n = 0; n < 2000; n++) {
        cur += rnd(3) == 0 ? rnd(4 * SEC) : rnd(200000);
        int64_t ts = backward && rnd(20) == 0 ? cur - rnd((uint32_t)(L * 95 / 100)) : cur;
        int di = (int)rnd(4), ri = (int)rnd(4);
        int dport = 1000 + (int)rnd(3), rport = 53 + (int)rnd(2);
        char lab[32], lab2[32];
        snprintf(lab, sizeof lab, "02:00:00:00:00:%02x", 0x10 + di);
        int up = (int)rnd(2);
        cf_packet p;
        if (ri == 3) { /* device to device (or to itself) */
            int dj = (int)rnd(3);
            snprintf(lab2, sizeof lab2, "02:00:00:00:00:%02x", 0x10 + dj);
            int rport2 = rnd(4) == 0 ? dport : rport;
            p = pkt(ts, devs[di], dport, devs[dj], rport2, 0x10 + (unsigned)di,
                    0x10 + (unsigned)dj);
            p.wire_len = 60 + rnd(1000);
            ref_add(&bi, L, lab, devs[di], devs[dj], dport, rport2, ts, 1, p.wire_len);
            ref_add(&uni, L, lab, devs[di], devs[dj], dport, rport2, ts, 1, p.wire_len);
            if (!(di == dj && dport == rport2))
                ref_add(&bi, L, lab2, devs[dj], devs[di], rport2, dport, ts, 0, p.wire_len);
        } else if (up) {
            p = pkt(ts, devs[di], dport, rems[ri], rport, 0x10 + (unsigned)di, 1);
            p.wire_len = 60 + rnd(1000);
            ref_add(&bi, L, lab, devs[di], rems[ri], dport, rport, ts, 1, p.wire_len);
            ref_add(&uni, L, lab, devs[di], rems[ri], dport, rport, ts, 1, p.wire_len);
        } else {
            p = pkt(ts, rems[ri], rport, devs[di], dport, 1, 0x10 + (unsigned)di);
            p.wire_len = 60 + rnd(1000);
            ref_add(&bi, L, lab, devs[di], rems[ri], dport, rport, ts, 0, p.wire_len);
        }
        if (cf_assembler_add(a, &p) != 0)
            add_failed++;
    }
    size_t before = NG;
    finish(a);
    *early += before;
    ref_sort(&bi);
    ref_sort(&uni);
    int bad = add_failed;
    if (max_flows == 0) {
        if (count_variant(CF_VARIANT_BI) != bi.n || count_variant(CF_VARIANT_UNI) != uni.n)
            bad++;
        size_t kb = 0, ku = 0;
        for (size_t k = 0; !bad && k < NG; k++) {
            if (G[k].variant == CF_VARIANT_BI && !same(&bi.r[kb++], &G[k]))
                bad++;
            if (G[k].variant == CF_VARIANT_UNI && !same(&uni.r[ku++], &G[k]))
                bad++;
        }
    }
    const cf_assembler_stats *st = cf_assembler_stats_get(a);
    if (max_flows && backward) {
        if (inversions(CF_VARIANT_BI) != st->bi.out_of_order ||
            inversions(CF_VARIANT_UNI) != st->uni.out_of_order)
            bad++;
    } else if (!sorted(CF_VARIANT_BI) || !sorted(CF_VARIANT_UNI) || st->bi.out_of_order ||
               st->uni.out_of_order) {
        bad++;
    }
    /* Packet totals are kept whatever the cap. */
    int64_t tb = 0, tr = 0;
    for (size_t k = 0; k < NG; k++)
        if (G[k].variant == CF_VARIANT_BI)
            tb += G[k].total_packets;
    for (size_t k = 0; k < bi.n; k++)
        tr += bi.r[k].packets;
    if (tb != tr)
        bad++;
    if (max_flows && st->bi.max_open > max_flows + 1)
        bad++;
    if (bad)
        fprintf(stderr, "property mismatch: seed %llu hold %lld max_flows %zu\n",
                (unsigned long long)seed, (long long)hold, max_flows);
    *mismatches += bad;
    free(bi.r);
    free(uni.r);
    cf_assembler_free(a);
}

/* Live: the wall clock closes and emits records of a quiet network, in
 * first_seen order, not before first_seen + L + the slack; offline output
 * is not changed by it (the same records as a packet-clock run). */
static void test_advance(void)
{
    cf_assembler_options o = opts();
    o.lifetime_us = 2 * SEC;
    const int64_t slack = CF_ASSEMBLER_LIVE_SLACK_US;
    cf_assembler *a = mk(&o);
    cf_packet p = pkt(T0, "192.168.1.10", 5000, "8.8.8.8", 53, 0x10, 1);
    CHECK_EQ_INT(cf_assembler_add(a, &p), 0);
    p.ts_us = T0 + SEC;
    CHECK_EQ_INT(cf_assembler_add(a, &p), 0);
    cf_packet q = pkt(T0 + 500000, "192.168.1.20", 6000, "1.1.1.1", 443, 0x20, 1);
    CHECK_EQ_INT(cf_assembler_add(a, &q), 0);
    /* Nothing while first_seen + L + slack is ahead. */
    CHECK_EQ_INT(cf_assembler_advance(a, T0 + SEC), 0);
    CHECK_EQ_INT(cf_assembler_advance(a, T0 + 2 * SEC + slack - 1), 0);
    CHECK_EQ_INT(NG, 0);
    /* The first record of each variant is due; the second not yet. */
    CHECK_EQ_INT(cf_assembler_advance(a, T0 + 2 * SEC + slack), 0);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 1);
    CHECK_EQ_INT(count_variant(CF_VARIANT_UNI), 1);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->first_seen, T0);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 0)->total_packets, 2);
    /* The horizon: the open record, before the wall clock. */
    CHECK_EQ_INT(cf_assembler_horizon(a), T0 + 500000);
    CHECK_EQ_INT(cf_assembler_advance(a, T0 + 2 * SEC + 500000 + slack), 0);
    CHECK_EQ_INT(cf_assembler_horizon(a), T0 + 2 * SEC + 500000); /* nothing open: the clock */
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 2);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 1)->first_seen, T0 + 500000);
    CHECK(nth(CF_VARIANT_BI, 1)->before_finish);
    /* A later packet of the first key opens a new record. */
    p.ts_us = T0 + 3 * SEC;
    CHECK_EQ_INT(cf_assembler_add(a, &p), 0);
    CHECK_EQ_INT(cf_assembler_advance(a, T0 + 3 * SEC), 0); /* the clock going back: no-op */
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 2);
    finish(a);
    CHECK_EQ_INT(count_variant(CF_VARIANT_BI), 3);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->first_seen, T0 + 3 * SEC);
    CHECK_EQ_INT(nth(CF_VARIANT_BI, 2)->total_packets, 1);
    const cf_assembler_stats *st = cf_assembler_stats_get(a);
    CHECK_EQ_INT(st->bi.out_of_order, 0);
    CHECK_EQ_INT(st->uni.out_of_order, 0);
    cf_assembler_free(a);

    /* Advancing to each packet's own time (minus the slack, as a live
     * capture with a punctual kernel would) gives what the packet clock
     * gives. */
    for (int live = 0; live < 2; live++) {
        a = mk(&o);
        for (int k = 0; k < 40; k++) {
            cf_packet r = pkt(T0 + k * 300000, k % 3 ? "10.0.0.2" : "10.0.0.3", 40000 + k % 4,
                              "52.0.0.1", 443, k % 3 ? 0x20 : 0x30, 1);
            CHECK_EQ_INT(cf_assembler_add(a, &r), 0);
            if (live)
                CHECK_EQ_INT(cf_assembler_advance(a, r.ts_us), 0);
        }
        finish(a);
        static got first[256];
        static size_t nfirst;
        if (!live) {
            nfirst = NG < 256 ? NG : 256;
            memcpy(first, G, nfirst * sizeof *G);
        } else {
            CHECK_EQ_INT(NG, nfirst);
            /* Per variant in the same order (the variants interleave
             * differently). */
            int same = NG == nfirst;
            for (int v = CF_VARIANT_BI; v <= CF_VARIANT_UNI; v++) {
                size_t m = 0;
                for (size_t k = 0; same && k < nfirst; k++) {
                    if (first[k].variant != v)
                        continue;
                    got *g = nth(v, m++);
                    same = g->first_seen == first[k].first_seen &&
                           g->total_packets == first[k].total_packets &&
                           g->total_bytes == first[k].total_bytes &&
                           g->dev_port == first[k].dev_port && !strcmp(g->device, first[k].device);
                }
                same = same && m == count_variant(v);
            }
            CHECK(same);
            size_t early = 0;
            for (size_t k = 0; k < NG; k++)
                early += G[k].before_finish;
            CHECK(early > 0);
        }
        cf_assembler_free(a);
    }
}

static void test_property(void)
{
    int mismatches = 0;
    size_t early = 0, early_never = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        run_property(seed, 0, 0, 1, &mismatches, &early);
        run_property(seed, -1, 0, 1, &mismatches, &early_never);
        run_property(seed, 0, 5, 0, &mismatches, &early);
        run_property(seed, 0, 5, 1, &mismatches, &early);
    }
    CHECK_EQ_INT(mismatches, 0);
    CHECK(early > 0);             /* records left before the end */
    CHECK_EQ_INT(early_never, 0); /* hold < 0: all at finish */
}

/* The read-back check of a day's task (record.h, check): packets of one
 * key (upstream, so both variants take them) at ts_list seconds after T0,
 * a stream starting at anchor_s, the day [from_s, to_s); returns the
 * unanchored count. */
static uint64_t unanchored(const int *ts_list, size_t n, int64_t anchor_s, int from_s, int to_s)
{
    cf_assembler_options o = opts();
    o.check = 1;
    o.anchor_from_us = anchor_s == INT64_MIN ? INT64_MIN : T0 + anchor_s * SEC;
    o.check_from_us = T0 + from_s * SEC;
    o.check_to_us = T0 + to_s * SEC;
    cf_assembler *a = mk(&o);
    for (size_t k = 0; k < n; k++) {
        cf_packet p = pkt(T0 + ts_list[k] * SEC, "10.0.0.2", 40000, "52.0.0.1", 443, 0x20, 1);
        CHECK_EQ_INT(cf_assembler_add(a, &p), 0);
    }
    finish(a);
    uint64_t u = cf_assembler_stats_get(a)->unanchored;
    cf_assembler_free(a);
    return u;
}

static void test_anchoring(void)
{
    /* A packet every 25 s (L = 60) from 100 s on: the records' boundaries
     * hang on the chain's first packet, which a stream from 100 s cannot
     * vouch for (it may have begun earlier): the 4 packets of [300, 400)
     * in each variant are not anchored. */
    int chain[17];
    for (int k = 0; k < 17; k++)
        chain[k] = 100 + 25 * k;
    CHECK_EQ_INT(unanchored(chain, 17, 100, 300, 400), 8);
    /* From the set's start everything is anchored. */
    CHECK_EQ_INT(unanchored(chain, 17, INT64_MIN, 300, 400), 0);
    /* A gap of 70 s (>= L) inside what was read anchors what follows. */
    int gap[] = {100, 125, 150, 175, 200, 270, 295, 320, 345, 370, 395, 420};
    CHECK_EQ_INT(unanchored(gap, sizeof gap / sizeof *gap, 100, 300, 400), 0);
    /* ... but not what precedes it (150, 175, 200 in each variant). */
    CHECK_EQ_INT(unanchored(gap, sizeof gap / sizeof *gap, 100, 150, 400), 6);
    /* A key first seen L or more after the stream's start is anchored (no
     * packet of it within L before); less than L after, it is not. */
    int late[] = {170, 195, 220};
    CHECK_EQ_INT(unanchored(late, 3, 100, 150, 400), 0);
    int early[] = {130, 155, 180};
    CHECK_EQ_INT(unanchored(early, 3, 100, 150, 400), 4);
    /* A gap of exactly L anchors (the packet at first_seen + L opens a
     * record whatever came before); L - 1 s does not. */
    int exact[] = {100, 160, 185};
    CHECK_EQ_INT(unanchored(exact, 3, 100, 150, 400), 0);
    int short_gap[] = {100, 159, 185};
    CHECK_EQ_INT(unanchored(short_gap, 3, 100, 150, 400), 4);

    /* A non-first fragment whose first fragment was not read: counted
     * when the stream does not start at the set's start. */
    for (int from_start = 0; from_start < 2; from_start++) {
        cf_assembler_options o = opts();
        o.check = 1;
        o.anchor_from_us = from_start ? INT64_MIN : T0;
        o.check_from_us = T0;
        o.check_to_us = T0 + 1000 * SEC;
        cf_assembler *a = mk(&o);
        cf_packet orphan = pkt(T0 + 500 * SEC, "10.0.0.2", 0, "8.8.4.4", 0, 0x2, 1);
        orphan.is_fragment = 1;
        orphan.frag_offset = 1480;
        orphan.frag_id = 9;
        CHECK_EQ_INT(cf_assembler_add(a, &orphan), 0);
        finish(a);
        CHECK_EQ_INT(cf_assembler_stats_get(a)->unanchored, from_start ? 0 : 1);
        cf_assembler_free(a);
    }
}

int main(void)
{
    test_lifetime_boundary();
    test_long_session();
    test_device_to_device();
    test_loopback();
    test_unidirectional();
    test_limits();
    test_size_modes();
    test_fragments();
    test_backwards();
    test_glitch();
    test_unspecified();
    test_device_list();
    test_max_flows();
    test_max_memory();
    test_sink_stop();
    test_property();
    test_advance();
    test_anchoring();
    free(G);
    return check_report();
}
