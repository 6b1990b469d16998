/* Capture readers: crafted files (synth writer and hand-built pcapng
 * blocks), compressed copies, damage, BPF filters, stems, and the real
 * captures of ../shared/pcaps when present. */
#include "capture/capture.h"
#include "gen/synth.h"
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

static char tmpdir[256];
static char errbuf[512];

static const char *tpath(const char *name)
{
    static char p[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
    return p[k];
}

static int write_file(const char *path, const void *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(d, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc(sz > 0 ? (size_t)sz : 1);
    *n = fread(d, 1, (size_t)sz, f);
    fclose(f);
    return d;
}

/* Ethernet / IPv4 / UDP frame of total length len (>= 42), ports given,
 * payload bytes i * 7 + seed. */
static uint32_t mk_udp(uint8_t *b, uint32_t len, uint16_t sport, uint16_t dport, uint8_t seed)
{
    memset(b, 0, len);
    static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 1}, src[6] = {0x02, 0, 0, 0, 0, 2};
    memcpy(b, dst, 6);
    memcpy(b + 6, src, 6);
    b[12] = 0x08;
    uint8_t *ip = b + 14;
    uint32_t iplen = len - 14;
    ip[0] = 0x45;
    ip[2] = (uint8_t)(iplen >> 8);
    ip[3] = (uint8_t)iplen;
    ip[8] = 64;
    ip[9] = 17;
    ip[12] = 10, ip[15] = 1;
    ip[16] = 10, ip[19] = 2;
    uint8_t *u = ip + 20;
    u[0] = (uint8_t)(sport >> 8), u[1] = (uint8_t)sport;
    u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
    u[4] = (uint8_t)((iplen - 20) >> 8), u[5] = (uint8_t)(iplen - 20);
    for (uint32_t i = 42; i < len; i++)
        b[i] = (uint8_t)(i * 7 + seed);
    return len;
}

/* Reads a whole capture; returns the count of frames, *last the final
 * return code (0 or -1). */
static long count_frames(const char *path, const char *filter, int *last, char *err, size_t el)
{
    err[0] = '\0';
    cf_capture *c = cf_capture_open(path, filter, CF_HASH_NONE, err, el);
    if (!c) {
        *last = -2;
        return -1;
    }
    cf_frame f;
    long n = 0;
    int r;
    while ((r = cf_capture_next(c, &f, err, el)) == 1)
        n++;
    *last = r;
    cf_capture_close(c);
    return n;
}

/* ---- classic pcap via the synth writer ---------------------------------- */

static const int64_t TS0 = INT64_C(1700000000123456789); /* ns */

static void write_three(const char *path, syn_format fmt, uint32_t snaplen)
{
    syn_writer *w = syn_open(path, fmt, 1, snaplen);
    CHECK(w != NULL);
    if (!w)
        return;
    uint8_t b[1600];
    mk_udp(b, 60, 1000, 53, 1);
    CHECK_EQ_INT(syn_write_frame(w, 1, TS0, b, 60, 0), 0);
    mk_udp(b, 1514, 1001, 80, 2);
    CHECK_EQ_INT(syn_write_frame(w, 1, TS0 + 999, b, 1514, 3000), 0);
    mk_udp(b, 100, 1002, 53, 3);
    CHECK_EQ_INT(syn_write_frame(w, 1, INT64_C(4294967295) * 1000000000 + 999999999, b, 100, 0), 0);
    CHECK_EQ_INT(syn_close(w), 0);
}

static void check_three(const char *path, const char *what, uint32_t snaplen, long size)
{
    char err[512];
    cf_capture *c = cf_capture_open(path, NULL, CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s: %s\n", what, err);
        return;
    }
    cf_frame f;
    uint8_t b[1600];
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.ts_us, INT64_C(1700000000123456));
    CHECK_EQ_INT(f.cap_len, 60);
    CHECK_EQ_INT(f.wire_len, 60);
    CHECK_EQ_INT(f.linktype, 1);
    mk_udp(b, 60, 1000, 53, 1);
    CHECK(memcmp(f.data, b, 60) == 0);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.ts_us, INT64_C(1700000000123457)); /* ...457788 ns -> floor */
    uint32_t cap = snaplen < 1514 ? snaplen : 1514;
    CHECK_EQ_INT(f.cap_len, cap);
    CHECK_EQ_INT(f.wire_len, 3000);
    mk_udp(b, 1514, 1001, 80, 2);
    CHECK(memcmp(f.data, b, cap) == 0);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    /* 2106-02-07 06:28:15.999999: unsigned 32-bit seconds */
    CHECK_EQ_INT(f.ts_us, INT64_C(4294967295999999));
    CHECK_EQ_INT(f.cap_len, 100);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 0);
    if (size < 0) {
        struct stat st;
        stat(path, &st);
        size = st.st_size;
    }
    CHECK_EQ_INT(cf_capture_offset(c), size);
    cf_capture_close(c);
}

static void test_pcap_formats(void)
{
    static const struct {
        syn_format fmt;
        const char *name;
        uint32_t snap;
    } v[] = {{SYN_PCAP_US, "us_le.pcap", 0},      {SYN_PCAP_US_BE, "us_be.pcap", 0},
             {SYN_PCAP_NS, "ns_le.pcap", 0},      {SYN_PCAP_NS_BE, "ns_be.pcap", 1000},
             {SYN_PCAPNG, "ng_le.pcapng", 0},     {SYN_PCAPNG_US, "ng_us.pcapng", 0},
             {SYN_PCAPNG_BE, "ng_be.pcapng", 200}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        write_three(tpath(v[i].name), v[i].fmt, v[i].snap);
        check_three(tpath(v[i].name), v[i].name, v[i].snap ? v[i].snap : 262144, -1);
    }
}

/* pcapng with two interfaces of different link types (synth, ns). */
static void test_pcapng_two_ifaces(void)
{
    const char *p = tpath("two.pcapng");
    syn_writer *w = syn_open(p, SYN_PCAPNG, 1, 0);
    CHECK(w != NULL);
    if (!w)
        return;
    uint8_t b[200];
    mk_udp(b, 80, 5000, 53, 9);
    syn_write_frame(w, 1, 1000000001999, b, 80, 0);
    syn_write_frame(w, 101, 1000000002999, b + 14, 66, 0); /* raw IPv4 */
    syn_write_frame(w, 1, 1000000003000, b, 80, 0);
    CHECK_EQ_INT(syn_close(w), 0);
    char err[512];
    cf_capture *c = cf_capture_open(p, NULL, CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (!c)
        return;
    cf_frame f;
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.linktype, 1);
    CHECK_EQ_INT(f.ts_us, 1000000001);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.linktype, 101);
    CHECK_EQ_INT(f.ts_us, 1000000002);
    CHECK_EQ_INT(f.cap_len, 66);
    CHECK(memcmp(f.data, b + 14, 66) == 0);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.linktype, 1);
    CHECK_EQ_INT(f.ts_us, 1000000003);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 0);
    cf_capture_close(c);

    /* A filter over both link types. */
    int last;
    CHECK_EQ_INT(count_frames(p, "udp port 53", &last, err, sizeof err), 3);
    CHECK_EQ_INT(count_frames(p, "udp port 54", &last, err, sizeof err), 0);
    CHECK_EQ_INT(last, 0);
}

/* ---- hand-built pcapng blocks ---------------------------------------------- */

typedef struct {
    uint8_t d[4096];
    size_t n;
    int be;
} nb;

static void nb_put(nb *b, const void *p, size_t n)
{
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void nb_u32at(nb *b, size_t at, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[i] = b->be ? (uint8_t)(v >> (24 - 8 * i)) : (uint8_t)(v >> (8 * i));
    memcpy(b->d + at, x, 4);
}
static void nb_u32(nb *b, uint32_t v)
{
    b->n += 4;
    nb_u32at(b, b->n - 4, v);
}
static void nb_u16(nb *b, uint16_t v)
{
    uint8_t x[2];
    x[0] = b->be ? (uint8_t)(v >> 8) : (uint8_t)v;
    x[1] = b->be ? (uint8_t)v : (uint8_t)(v >> 8);
    nb_put(b, x, 2);
}
static size_t nb_begin(nb *b, uint32_t type)
{
    size_t at = b->n;
    nb_u32(b, type);
    nb_u32(b, 0);
    return at;
}
static void nb_end(nb *b, size_t at)
{
    while (b->n % 4)
        b->d[b->n++] = 0;
    uint32_t len = (uint32_t)(b->n - at + 4);
    nb_u32at(b, at + 4, len);
    nb_u32(b, len);
}
static void nb_shb(nb *b, int be)
{
    b->be = be;
    size_t at = nb_begin(b, 0x0a0d0d0a);
    nb_u32(b, 0x1a2b3c4d);
    nb_u16(b, 1);
    nb_u16(b, 0);
    nb_u32(b, 0xffffffff);
    nb_u32(b, 0xffffffff);
    nb_end(b, at);
}
/* IDB with optional if_tsresol (resol >= 0) and if_tsoffset. */
static void nb_idb(nb *b, uint16_t lt, uint32_t snap, int resol, int64_t tsoff)
{
    size_t at = nb_begin(b, 1);
    nb_u16(b, lt);
    nb_u16(b, 0);
    nb_u32(b, snap);
    if (resol >= 0) {
        nb_u16(b, 9);
        nb_u16(b, 1);
        uint8_t r[4] = {(uint8_t)resol, 0, 0, 0};
        nb_put(b, r, 4);
    }
    if (tsoff) {
        nb_u16(b, 14);
        nb_u16(b, 8);
        uint64_t u = (uint64_t)tsoff;
        nb_u32(b, b->be ? (uint32_t)(u >> 32) : (uint32_t)u);
        nb_u32(b, b->be ? (uint32_t)u : (uint32_t)(u >> 32));
    }
    nb_u16(b, 0);
    nb_u16(b, 0);
    nb_end(b, at);
}
static void nb_epb(nb *b, uint32_t type, uint32_t ifid, uint64_t ts, const uint8_t *d, uint32_t len,
                   uint32_t orig)
{
    size_t at = nb_begin(b, type);
    if (type == 2) {
        nb_u16(b, (uint16_t)ifid);
        nb_u16(b, 0);
    } else {
        nb_u32(b, ifid);
    }
    nb_u32(b, (uint32_t)(ts >> 32));
    nb_u32(b, (uint32_t)ts);
    nb_u32(b, len);
    nb_u32(b, orig);
    nb_put(b, d, len);
    nb_end(b, at);
}

static void test_pcapng_blocks(void)
{
    static nb b;
    memset(&b, 0, sizeof b);
    uint8_t fr[100];
    mk_udp(fr, 100, 7, 53, 4);
    nb_shb(&b, 0);
    nb_idb(&b, 1, 64, 0x80 | 10, 0); /* 2^-10 s units */
    nb_idb(&b, 113, 0, 3, -100);     /* milliseconds, offset -100 s */
    nb_epb(&b, 6, 0, 1024 * 5 + 512, fr, 60, 100);
    nb_epb(&b, 6, 1, 7001, fr, 100, 100);
    size_t at = nb_begin(&b, 4); /* name resolution block: skipped */
    nb_u32(&b, 0);
    nb_end(&b, at);
    at = nb_begin(&b, 3); /* SPB: interface 0 (snaplen 64) */
    nb_u32(&b, 100);
    nb_put(&b, fr, 100);
    nb_end(&b, at);
    nb_epb(&b, 2, 1, 9000, fr, 42, 42); /* obsolete packet block */
    at = nb_begin(&b, 0x40000bad);      /* custom/unknown */
    nb_u32(&b, 12345);
    nb_end(&b, at);
    /* Second section, big endian, interfaces reset: interface 0 is now
     * link type 101 with microseconds. */
    nb_shb(&b, 1);
    nb_idb(&b, 101, 0, -1, 0);
    nb_epb(&b, 6, 0, UINT64_C(1600000000000001), fr + 14, 86, 86);
    nb_epb(&b, 6, 0, UINT64_MAX, fr + 14, 20, 20); /* far future: clamped */
    const char *p = tpath("blocks.pcapng");
    write_file(p, b.d, b.n);

    char err[512];
    cf_capture *c = cf_capture_open(p, NULL, CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    cf_frame f;
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.ts_us, 5500000);
    CHECK_EQ_INT(f.linktype, 1);
    CHECK_EQ_INT(f.cap_len, 60);
    CHECK_EQ_INT(f.wire_len, 100);
    CHECK(memcmp(f.data, fr, 60) == 0);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.ts_us, 7001000 - 100000000);
    CHECK_EQ_INT(f.linktype, 113);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1); /* SPB */
    CHECK_EQ_INT(f.linktype, 1);
    CHECK_EQ_INT(f.cap_len, 64);
    CHECK_EQ_INT(f.wire_len, 100);
    CHECK_EQ_INT(f.ts_us, 7001000 - 100000000); /* the previous packet's */
    CHECK(memcmp(f.data, fr, 64) == 0);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1); /* PB */
    CHECK_EQ_INT(f.linktype, 113);
    CHECK_EQ_INT(f.ts_us, 9000000 - 100000000);
    CHECK_EQ_INT(f.cap_len, 42);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.linktype, 101);
    CHECK_EQ_INT(f.ts_us, INT64_C(1600000000000001));
    CHECK_EQ_INT(f.cap_len, 86);
    CHECK(memcmp(f.data, fr + 14, 86) == 0);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
    CHECK_EQ_INT(f.ts_us, CF_CAPTURE_TS_MAX);
    CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 0);
    CHECK_EQ_INT(cf_capture_offset(c), b.n);
    cf_capture_close(c);

    /* A filter that compiles for the first interface (Ethernet) but not for
     * a later one (netlink, 253): those frames are dropped with a warning. */
    static nb w;
    memset(&w, 0, sizeof w);
    nb_shb(&w, 0);
    nb_idb(&w, 1, 0, -1, 0);
    nb_idb(&w, 253, 0, -1, 0);
    nb_epb(&w, 6, 0, 1, fr, 100, 100);
    nb_epb(&w, 6, 1, 2, fr, 100, 100);
    nb_epb(&w, 6, 0, 3, fr, 100, 100);
    p = tpath("warn.pcapng");
    write_file(p, w.d, w.n);
    c = cf_capture_open(p, "udp port 53", CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK(cf_capture_warning(c) == NULL);
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
        CHECK_EQ_INT(f.ts_us, 1);
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
        CHECK_EQ_INT(f.ts_us, 3);
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 0);
        CHECK_EQ_INT(cf_capture_filtered(c), 1);
        CHECK(cf_capture_warning(c) != NULL &&
              strstr(cf_capture_warning(c), "link type 253") != NULL);
        cf_capture_close(c);
    }

    /* Damage: trailing length differs in the 2nd EPB. */
    static nb d;
    memset(&d, 0, sizeof d);
    nb_shb(&d, 0);
    nb_idb(&d, 1, 0, -1, 0);
    nb_epb(&d, 6, 0, 1, fr, 60, 60);
    size_t second = d.n;
    nb_epb(&d, 6, 0, 2, fr, 60, 60);
    nb_u32at(&d, d.n - 4, 999);
    nb_epb(&d, 6, 0, 3, fr, 60, 60);
    p = tpath("badtrail.pcapng");
    write_file(p, d.d, d.n);
    int last;
    CHECK_EQ_INT(count_frames(p, NULL, &last, err, sizeof err), 1);
    CHECK_EQ_INT(last, -1);
    char want[600];
    snprintf(want, sizeof want,
             "%s: damaged block at byte %zu (block type 0x6, lengths 92 and 999 differ)", p,
             second);
    CHECK_EQ_STR(err, want);
    /* EPB of an undefined interface */
    nb_u32at(&d, second + 92 - 4, 92);
    nb_u32at(&d, second + 8, 5);
    write_file(p, d.d, d.n);
    CHECK_EQ_INT(count_frames(p, NULL, &last, err, sizeof err), 1);
    CHECK(strstr(err, "undefined interface 5") != NULL);
    /* Truncated mid-block */
    nb_u32at(&d, second + 8, 0);
    write_file(p, d.d, d.n - 10);
    CHECK_EQ_INT(count_frames(p, NULL, &last, err, sizeof err), 2);
    CHECK_EQ_INT(last, -1);
    snprintf(want, sizeof want, "%s: truncated block at byte %zu", p, second + 92);
    CHECK(strncmp(err, want, strlen(want)) == 0);
    /* Unsupported SHB version */
    d.d[12] = 2;
    write_file(p, d.d, d.n);
    CHECK(cf_capture_open(p, NULL, CF_HASH_NONE, err, sizeof err) == NULL);
    CHECK(strstr(err, "unsupported pcapng version 2.0") != NULL);
}

/* ---- damage in classic pcap ---------------------------------------------- */

static void test_pcap_damage(void)
{
    const char *p = tpath("three.pcap");
    write_three(p, SYN_PCAP_US, 0);
    size_t n;
    uint8_t *d = read_file(p, &n);
    CHECK_EQ_INT(n, 24 + 16 + 60 + 16 + 1514 + 16 + 100);
    const char *q = tpath("trunc.pcap");
    char err[512], want[600];
    int last;
    /* cut inside the last frame */
    write_file(q, d, n - 10);
    CHECK_EQ_INT(count_frames(q, NULL, &last, err, sizeof err), 2);
    CHECK_EQ_INT(last, -1);
    snprintf(want, sizeof want, "%s: truncated record at byte %d (caplen 100, 90 bytes left)", q,
             24 + 16 + 60 + 16 + 1514);
    CHECK_EQ_STR(err, want);
    /* cut inside a record header */
    write_file(q, d, 24 + 16 + 60 + 5);
    CHECK_EQ_INT(count_frames(q, NULL, &last, err, sizeof err), 1);
    CHECK_EQ_INT(last, -1);
    CHECK(strstr(err, "truncated record at byte 100") != NULL);
    /* absurd caplen in the second record */
    uint8_t save[4];
    memcpy(save, d + 24 + 16 + 60 + 8, 4);
    uint32_t huge = 4000000000u;
    memcpy(d + 24 + 16 + 60 + 8, &huge, 4); /* the file is little endian, like the host */
    write_file(q, d, n);
    CHECK_EQ_INT(count_frames(q, NULL, &last, err, sizeof err), 1);
    CHECK_EQ_INT(last, -1);
    snprintf(want, sizeof want, "%s: damaged record at byte 100 (caplen 4000000000 > 262144)", q);
    CHECK_EQ_STR(err, want);
    memcpy(d + 24 + 16 + 60 + 8, save, 4);
    /* version 1.0 */
    uint8_t h[24];
    memcpy(h, d, 24);
    h[4] = 1, h[6] = 0;
    write_file(q, h, 24);
    CHECK(cf_capture_open(q, NULL, CF_HASH_NONE, err, sizeof err) == NULL);
    snprintf(want, sizeof want, "%s: unsupported pcap version 1.0", q);
    CHECK_EQ_STR(err, want);
    /* header only: no frames, clean end */
    write_file(q, d, 24);
    CHECK_EQ_INT(count_frames(q, NULL, &last, err, sizeof err), 0);
    CHECK_EQ_INT(last, 0);
    /* short header */
    write_file(q, d, 12);
    CHECK(cf_capture_open(q, NULL, CF_HASH_NONE, err, sizeof err) == NULL);
    CHECK(strstr(err, "truncated pcap file header (12 of 24 bytes)") != NULL);
    /* empty, junk, snoop */
    write_file(q, d, 0);
    CHECK(cf_capture_open(q, NULL, CF_HASH_NONE, err, sizeof err) == NULL);
    snprintf(want, sizeof want, "%s: empty file", q);
    CHECK_EQ_STR(err, want);
    write_file(q, "hello world\n", 12);
    CHECK(cf_capture_open(q, NULL, CF_HASH_NONE, err, sizeof err) == NULL);
    snprintf(want, sizeof want, "%s: not a pcap or pcapng file (magic 0x68656c6c)", q);
    CHECK_EQ_STR(err, want);
    write_file(q, "snoop\0\0\0\0\0\0\2\0\0\0\4", 16);
    CHECK(cf_capture_open(q, NULL, CF_HASH_NONE, err, sizeof err) == NULL);
    CHECK(strstr(err, "snoop") != NULL);
    CHECK(cf_capture_open(tpath("does-not-exist.pcap"), NULL, CF_HASH_NONE, err, sizeof err) ==
          NULL);
    CHECK(strstr(err, "does-not-exist.pcap: ") != NULL);
    free(d);
}

/* ---- compressed input ----------------------------------------------------- */

static void test_compressed(void)
{
    const char *p = tpath("zsrc.pcap");
    write_three(p, SYN_PCAP_NS, 0);
    size_t n;
    uint8_t *d = read_file(p, &n);
    /* gzip in two members (concatenated), made with zlib */
    size_t cap = n * 2 + 1024, gl = 0;
    uint8_t *gz = malloc(cap);
    for (int m = 0; m < 2; m++) {
        size_t from = m ? n / 3 : 0, to = m ? n : n / 3;
        z_stream z;
        memset(&z, 0, sizeof z);
        CHECK_EQ_INT(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = d + from;
        z.avail_in = (uInt)(to - from);
        z.next_out = gz + gl;
        z.avail_out = (uInt)(cap - gl);
        CHECK_EQ_INT(deflate(&z, Z_FINISH), Z_STREAM_END);
        gl = cap - z.avail_out;
        deflateEnd(&z);
    }
    const char *g = tpath("c.pcap.gz");
    write_file(g, gz, gl);
    check_three(g, "gzip", 262144, (long)n);
    /* a name without .gz: detected by magic */
    const char *g2 = tpath("c_gz_noext.pcap");
    write_file(g2, gz, gl);
    check_three(g2, "gzip-noext", 262144, (long)n);
    /* truncated gzip: frames then -1 */
    char err[512];
    int last;
    write_file(g, gz, gl - 30);
    long k = count_frames(g, NULL, &last, err, sizeof err);
    CHECK(k >= 0 && k < 3);
    CHECK_EQ_INT(last, -1);
    CHECK(strstr(err, "truncated") != NULL);
    /* corrupt deflate data */
    gz[gl / 4] ^= 0xff;
    gz[gl / 4 + 1] ^= 0x55;
    write_file(g, gz, gl);
    k = count_frames(g, NULL, &last, err, sizeof err);
    CHECK(last == -1 || last == -2);
    free(gz);

    /* zstd */
    size_t zc = ZSTD_compressBound(n);
    uint8_t *zs = malloc(zc);
    size_t zl = ZSTD_compress(zs, zc, d, n, 3);
    CHECK(!ZSTD_isError(zl));
    const char *z = tpath("c.pcap.zst");
    write_file(z, zs, zl);
    check_three(z, "zstd", 262144, (long)n);
    write_file(z, zs, zl - 8);
    k = count_frames(z, NULL, &last, err, sizeof err);
    CHECK(last == -1 || last == -2);
    CHECK(strstr(err, "truncated zstd stream") != NULL);
    /* zstd holding an empty stream */
    zl = ZSTD_compress(zs, zc, d, 0, 3);
    write_file(z, zs, zl);
    CHECK(cf_capture_open(z, NULL, CF_HASH_NONE, err, sizeof err) == NULL);
    CHECK(strstr(err, "empty") != NULL);
    free(zs);
    free(d);
}

/* ---- filters -------------------------------------------------------------- */

static void test_filter(void)
{
    const char *p = tpath("filter.pcap");
    write_three(p, SYN_PCAP_US, 0);
    char err[512];
    int last;
    cf_capture *c = cf_capture_open(p, "udp dst port 53", CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        cf_frame f;
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
        CHECK_EQ_INT(f.cap_len, 60);
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
        CHECK_EQ_INT(f.cap_len, 100);
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 0);
        CHECK_EQ_INT(cf_capture_filtered(c), 1);
        CHECK(cf_capture_warning(c) == NULL);
        cf_capture_close(c);
    }
    CHECK_EQ_INT(count_frames(p, "port 80", &last, err, sizeof err), 1);
    CHECK_EQ_INT(count_frames(p, "tcp", &last, err, sizeof err), 0);
    CHECK_EQ_INT(count_frames(p, "", &last, err, sizeof err), 3);
    CHECK_EQ_INT(count_frames(p, "port nonsense((", &last, err, sizeof err), -1);
    CHECK(strstr(err, "port nonsense((") != NULL);
    CHECK(strstr(err, p) == err);
}

/* ---- stems ---------------------------------------------------------------- */

static void test_stem(void)
{
    static const char *const cases[][2] = {
        {"dir/16-09-23.pcap.gz", "16-09-23"},
        {"/a/b/x.PCAPNG.ZST", "x"},
        {"x.pcapng", "x"},
        {"x.cap", "x"},
        {"x.dmp.zstd", "x"},
        {"x.tar.gz", "x.tar"},
        {"noext", "noext"},
        {"a.b.pcap", "a.b"},
        {"x.pcap.pcap", "x.pcap"},
        {".pcap", ".pcap"},
        {"dir/", ""},
        {"x.gz.pcap", "x.gz"},
    };
    char s[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cf_capture_stem(cases[i][0], s, sizeof s);
        CHECK_EQ_STR(s, cases[i][1]);
    }
    cf_capture_stem("dir/longname.pcap", s, 5);
    CHECK_EQ_STR(s, "long");
}

/* ---- real captures ---------------------------------------------------------- */

#define SHARED "../shared/pcaps"

static int skipped;

static void test_real_counts(void)
{
    char err[512];
    size_t n;
    char *man = (char *)read_file(SHARED "/MANIFEST.tsv", &n);
    if (!man) {
        printf("skip: %s not present, real-capture tests skipped\n", SHARED);
        skipped++;
        return;
    }
    man = realloc(man, n + 1);
    man[n] = '\0';
    int files = 0;
    char *save = NULL;
    for (char *line = strtok_r(man, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *col[16] = {0};
        int nc = 0;
        for (char *q = line; nc < 16;) {
            col[nc++] = q;
            char *t = strchr(q, '\t');
            if (!t)
                break;
            *t = '\0';
            q = t + 1;
        }
        if (nc < 9 || strcmp(col[0], "file") == 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", SHARED, col[0]);
        const char *fmt = col[6], *pk = col[8];
        char *end;
        long want = strtol(pk, &end, 10);
        int last;
        long got = count_frames(path, NULL, &last, err, sizeof err);
        files++;
        if (end == pk) { /* n/a: unreadable for capinfos: must only not crash */
            continue;
        }
        if (strstr(fmt, "snoop")) {
            CHECK_EQ_INT(last, -2);
            CHECK(strstr(err, "snoop") != NULL);
            continue;
        }
        if (strncmp(fmt, "empty", 5) == 0) {
            CHECK_EQ_INT(last, -2);
            CHECK(strstr(err, "empty") != NULL);
            continue;
        }
        /* A record header cut at the end of the file is damage for us
         * (Wireshark ignores it silently). */
        int damaged = strstr(end, "then read error") != NULL || strstr(col[0], "trunc_record");
        if (got != want || last != (damaged ? -1 : 0))
            fprintf(stderr, "%s: %ld frames (manifest %ld), last %d: %s\n", col[0], got, want, last,
                    err);
        CHECK_EQ_INT(got, want);
        CHECK_EQ_INT(last, damaged ? -1 : 0);
    }
    free(man);
    CHECK(files > 100);
    printf("%d real captures read\n", files);

    /* Individual expectations. */
    int last;
    CHECK_EQ_INT(count_frames(SHARED "/malformed/libpcap_pcap-invalid-version-1.pcap", NULL, &last,
                              err, sizeof err),
                 -1);
    CHECK(strstr(err, "unsupported pcap version 1.4") != NULL);
    count_frames(SHARED "/malformed/libpcap_linktype-reserved-nonzero.pcap", NULL, &last, err,
                 sizeof err);
    CHECK_EQ_INT(last, -2);
    CHECK(strstr(err, "reserved bits") != NULL);
    count_frames(SHARED "/malformed/libpcap_pcapng-invalid-vers-2.pcapng", NULL, &last, err,
                 sizeof err);
    CHECK(strstr(err, "unsupported pcapng version 1.1") != NULL);
    CHECK_EQ_INT(count_frames(SHARED "/malformed/derived/aria_bogus_caplen_huge.pcap", NULL, &last,
                              err, sizeof err),
                 2);
    CHECK(strstr(err, ": damaged record at byte 304 (caplen 2147483632 > 262144)") != NULL);
    /* 2038 and 2106 timestamps; link type FCS bits masked */
    cf_frame f;
    cf_capture *c = cf_capture_open(SHARED "/malformed/tcpdump_time_2106_max.pcap", NULL,
                                    CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
        CHECK_EQ_INT(f.ts_us, INT64_C(4294967295000000));
        cf_capture_close(c);
    }
    c = cf_capture_open(SHARED "/malformed/tcpdump_heap-overflow-1_snaplen1.pcap", NULL,
                        CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
        CHECK_EQ_INT(f.linktype, 101);
        cf_capture_close(c);
    }
    c = cf_capture_open(SHARED "/linktypes/nanosec_le.pcap", NULL, CF_HASH_NONE, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_INT(cf_capture_next(c, &f, err, sizeof err), 1);
        CHECK_EQ_INT(f.ts_us, 1000002); /* 1 s + 2000 ns */
        cf_capture_close(c);
    }
    /* A filter on a real pcapng with several link types. */
    long all = count_frames(SHARED "/linktypes/pcapng_many_interfaces.pcapng", NULL, &last, err,
                            sizeof err);
    long ip = count_frames(SHARED "/linktypes/pcapng_many_interfaces.pcapng", "ip or ip6", &last,
                           err, sizeof err);
    CHECK_EQ_INT(all, 64);
    CHECK(ip > 0 && ip <= all);
    CHECK_EQ_INT(last, 0);
}

/* Every file under malformed/ and linktypes/ opens or fails cleanly. */
static void walk(const char *dir, int *nfiles)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[800];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(p, nfiles);
            continue;
        }
        char err[512];
        int last;
        count_frames(p, NULL, &last, err, sizeof err);
        CHECK(last == 0 || last == -1 || last == -2);
        if (last != 0)
            CHECK(strncmp(err, p, strlen(p)) == 0 && strlen(err) > strlen(p) + 2);
        count_frames(p, "tcp or udp", &last, err, sizeof err);
        (*nfiles)++;
    }
    closedir(d);
}

static void test_real_malformed(void)
{
    struct stat st;
    if (stat(SHARED "/malformed", &st) < 0) {
        printf("skip: %s/malformed not present, damaged-file sweep skipped\n", SHARED);
        skipped++;
        return;
    }
    int n = 0;
    walk(SHARED "/malformed", &n);
    walk(SHARED "/linktypes", &n);
    CHECK(n > 60);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cf_test_capture.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    (void)errbuf;
    test_pcap_formats();
    test_pcapng_two_ifaces();
    test_pcapng_blocks();
    test_pcap_damage();
    test_compressed();
    test_filter();
    test_stem();
    test_real_counts();
    test_real_malformed();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("%d passed, %d failed, %d skipped\n", check_passed, check_failed, skipped);
    return check_failed ? 1 : 0;
}
