/* Unit tests of the name parsers of lib/names (DNS, mDNS, DNS over TCP,
 * TLS ClientHello server_name, HTTP/1.x Host) on hand-made messages: exact
 * results, every truncation of each message, malicious lengths, pointer
 * loops, and a deterministic mutation run (under ASan/UBSan with make SAN=1).
 * Every parse reads an exactly sized heap copy, so ASan sees any over-read. */
#include "check.h"
#include "flow/netaddr.h"
#include "names/dns.h"
#include "names/http_host.h"
#include "names/packet_names.h"
#include "names/recname.h"
#include "names/tls_sni.h"

#include <stdlib.h>
#include <string.h>

/* ---- building messages ---- */

typedef struct msg {
    uint8_t b[4096];
    uint32_t n;
} msg;

static void put8(msg *m, uint8_t v)
{
    m->b[m->n++] = v;
}
static void put16(msg *m, uint16_t v)
{
    put8(m, (uint8_t)(v >> 8));
    put8(m, (uint8_t)v);
}
static void put32(msg *m, uint32_t v)
{
    put16(m, (uint16_t)(v >> 16));
    put16(m, (uint16_t)v);
}
static void putbytes(msg *m, const void *p, uint32_t n)
{
    memcpy(m->b + m->n, p, n);
    m->n += n;
}
/* "www.example.com" as labels with the root; returns its offset. */
static uint32_t putname(msg *m, const char *dotted)
{
    uint32_t at = m->n;
    while (*dotted) {
        const char *dot = strchr(dotted, '.');
        size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
        put8(m, (uint8_t)len);
        putbytes(m, dotted, (uint32_t)len);
        dotted += len + (dot ? 1 : 0);
    }
    put8(m, 0);
    return at;
}
static void putptr(msg *m, uint32_t off)
{
    put16(m, (uint16_t)(0xC000 | off));
}
static void header(msg *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
{
    m->n = 0;
    put16(m, 0x1234);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, ns);
    put16(m, ar);
}
static void question(msg *m, const char *name)
{
    putname(m, name);
    put16(m, 1);
    put16(m, 1);
}
/* A record (type 1/28) or CNAME: the owner is at owner_off (a pointer). */
static void rr_a(msg *m, uint32_t owner_off, uint16_t cls, const char *ip)
{
    cf_prefix p;
    cf_prefix_parse(ip, &p);
    putptr(m, owner_off);
    put16(m, p.addr.family == 4 ? 1 : 28);
    put16(m, cls);
    put32(m, 300);
    put16(m, p.addr.family == 4 ? 4 : 16);
    putbytes(m, p.addr.b, p.addr.family == 4 ? 4 : 16);
}
/* CNAME at owner_off pointing to a new name written in place; returns the
 * offset of the canonical name. */
static uint32_t rr_cname(msg *m, uint32_t owner_off, const char *target)
{
    putptr(m, owner_off);
    put16(m, 5);
    put16(m, 1);
    put32(m, 60);
    uint32_t len_at = m->n;
    put16(m, 0);
    uint32_t at = putname(m, target);
    m->b[len_at] = (uint8_t)((m->n - at) >> 8);
    m->b[len_at + 1] = (uint8_t)(m->n - at);
    return at;
}

/* ---- collecting DNS results ---- */

typedef struct got {
    char text[16][CF_NAME_TEXT_MAX + 64];
    int n;
} got;

static void on_addr(void *ctx, const char *name, const cf_addr *addr, uint32_t ttl)
{
    got *g = ctx;
    char a[46];
    (void)ttl;
    /* every name is printable ASCII */
    for (const char *c = name; *c; c++)
        CHECK(*c >= 0x20 && *c <= 0x7e);
    if (g->n < 16)
        snprintf(g->text[g->n], sizeof g->text[0], "%s=%s", name, cf_addr_format(addr, a));
    g->n++;
}

static int dns(const uint8_t *p, uint32_t n, unsigned flags, got *g)
{
    uint8_t *c = malloc(n ? n : 1);
    memcpy(c, p, n);
    memset(g, 0, sizeof *g);
    int r = cf_dns_parse(cf_cur_make(c, n), flags, on_addr, g);
    free(c);
    CHECK(r < 0 || r == g->n);
    return r;
}

static int dns_tcp(const uint8_t *p, uint32_t n, got *g)
{
    uint8_t *c = malloc(n ? n : 1);
    memcpy(c, p, n);
    memset(g, 0, sizeof *g);
    int r = cf_dns_parse_tcp(cf_cur_make(c, n), on_addr, g);
    free(c);
    return r;
}

static cf_name_status sni(const uint8_t *p, uint32_t n, char *out)
{
    uint8_t *c = malloc(n ? n : 1);
    memcpy(c, p, n);
    cf_name_status st = cf_tls_sni(cf_cur_make(c, n), out, CF_NAME_TEXT_MAX);
    free(c);
    return st;
}

static cf_name_status host(const char *s, char *out)
{
    uint32_t n = (uint32_t)strlen(s);
    uint8_t *c = malloc(n ? n : 1);
    memcpy(c, s, n);
    cf_name_status st = cf_http_host(cf_cur_make(c, n), out, CF_NAME_TEXT_MAX);
    free(c);
    return st;
}

/* ---- DNS ---- */

static msg M;

static void test_dns_simple(void)
{
    got g;
    header(&M, 0x8180, 1, 2, 0, 0);
    question(&M, "example.com");
    rr_a(&M, 12, 1, "93.184.216.34");
    rr_a(&M, 12, 1, "2606:2800:220:1:248:1893:25c8:1946");
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 2);
    CHECK_EQ_STR(g.text[0], "example.com=93.184.216.34");
    CHECK_EQ_STR(g.text[1], "example.com=2606:2800:220:1:248:1893:25c8:1946");

    /* a query, another opcode, a short header: not responses */
    M.b[2] = 0x01;
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), -1);
    M.b[2] = 0x81 | (2 << 3); /* opcode 2 (STATUS) */
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), -1);
    M.b[2] = 0x81;
    CHECK_EQ_INT(dns(M.b, 11, 0, &g), -1);
    CHECK_EQ_INT(dns(M.b, 0, 0, &g), -1);
    /* header only: a response with nothing in it */
    CHECK_EQ_INT(dns(M.b, 12, 0, &g), 0);
}

/* www.shop.example -> CNAME edge.cdn.example -> CNAME e1.cdn.example ->
 * A and AAAA; names in another case along the way. Built once, used by the
 * chain and the truncation tests. */
static void build_chain(msg *m)
{
    header(m, 0x8180, 1, 5, 1, 1);
    question(m, "www.shop.example");
    uint32_t t1 = rr_cname(m, 12, "EDGE.cdn.example");
    uint32_t t2 = rr_cname(m, t1, "e1.CDN.example");
    /* owner in yet another case, written in full */
    putname(m, "E1.cdn.EXAMPLE");
    put16(m, 1);
    put16(m, 1);
    put32(m, 20);
    put16(m, 4);
    put8(m, 203), put8(m, 0), put8(m, 113), put8(m, 7);
    rr_a(m, t2, 1, "2001:db8::7");
    /* an address the chain does not reach */
    uint32_t other = m->n;
    putname(m, "unrelated.example");
    put16(m, 1), put16(m, 1), put32(m, 5), put16(m, 4), put32(m, 0x0a000001);
    /* authority and additional: ignored for unicast DNS */
    rr_a(m, 12, 1, "198.51.100.1");
    rr_a(m, other, 1, "198.51.100.2");
}

static void test_dns_cname_chain(void)
{
    got g;
    build_chain(&M);
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 2);
    CHECK_EQ_STR(g.text[0], "www.shop.example=203.0.113.7");
    CHECK_EQ_STR(g.text[1], "www.shop.example=2001:db8::7");
    /* as mDNS: the unreachable one under its own name, the additional one too */
    CHECK_EQ_INT(dns(M.b, M.n, CF_DNS_MDNS, &g), 4);
    CHECK_EQ_STR(g.text[2], "unrelated.example=10.0.0.1");
    CHECK_EQ_STR(g.text[3], "unrelated.example=198.51.100.2");

    /* every cut: never more than the whole, never an address whose chain or
     * record was cut, and the whole only at the end */
    int last = -2;
    for (uint32_t n = 0; n <= M.n; n++) {
        int r = dns(M.b, n, 0, &g);
        CHECK(r <= 2);
        CHECK(r >= last || n == 12); /* grows with the bytes given */
        if (r >= 0)
            last = r;
        for (int k = 0; k < g.n && k < 16; k++)
            CHECK(strncmp(g.text[k], "www.shop.example=", 17) == 0);
    }
    CHECK_EQ_INT(last, 2);
}

static void test_dns_mdns(void)
{
    got g;
    /* announcement: no question, A in answers with cache-flush, AAAA in
     * additional records */
    header(&M, 0x8400, 0, 1, 0, 1);
    uint32_t name = putname(&M, "Living-Room-TV.local");
    put16(&M, 1);
    put16(&M, 0x8001);
    put32(&M, 120);
    put16(&M, 4);
    put32(&M, 0xC0A80117);
    rr_a(&M, name, 0x8001, "fe80::1");
    CHECK_EQ_INT(dns(M.b, M.n, CF_DNS_MDNS, &g), 2);
    CHECK_EQ_STR(g.text[0], "Living-Room-TV.local=192.168.1.23");
    CHECK_EQ_STR(g.text[1], "Living-Room-TV.local=fe80::1");
    /* the same bytes as unicast DNS: no question asked, class 0x8001 not IN */
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);
}

static void test_dns_malicious(void)
{
    got g;
    /* a pointer to itself, as the question name */
    header(&M, 0x8180, 1, 1, 0, 0);
    putptr(&M, 12);
    put16(&M, 1), put16(&M, 1);
    rr_a(&M, 12, 1, "192.0.2.1");
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);
    CHECK_EQ_INT(dns(M.b, M.n, CF_DNS_MDNS, &g), 0);

    /* two pointers pointing at each other */
    header(&M, 0x8180, 1, 0, 0, 0);
    putptr(&M, 14);
    putptr(&M, 12);
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);

    /* a label of a reserved type (0x40) and one running off the end */
    header(&M, 0x8180, 1, 0, 0, 0);
    put8(&M, 0x41);
    put8(&M, 'a');
    put8(&M, 0);
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);
    header(&M, 0x8180, 1, 0, 0, 0);
    put8(&M, 63);
    put8(&M, 'a');
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);

    /* a question name past 255 bytes, then a good one answered: the long
     * one is skipped, the good one still counts */
    header(&M, 0x8180, 2, 1, 0, 0);
    for (int k = 0; k < 5; k++) {
        put8(&M, 63);
        for (int j = 0; j < 63; j++)
            put8(&M, 'x');
    }
    put8(&M, 0);
    put16(&M, 1), put16(&M, 1);
    uint32_t good = M.n;
    question(&M, "ok.example");
    rr_a(&M, good, 1, "192.0.2.9");
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 1);
    CHECK_EQ_STR(g.text[0], "ok.example=192.0.2.9");

    /* a long name made of pointers: each pointer jumps back to a label
     * that points further back, 200 deep */
    header(&M, 0x8180, 1, 0, 0, 0);
    uint32_t prev = M.n;
    put8(&M, 1), put8(&M, 'a'), put8(&M, 0);
    for (int k = 0; k < 200; k++) {
        uint32_t at = M.n;
        put8(&M, 1), put8(&M, 'b');
        putptr(&M, prev);
        prev = at;
    }
    putptr(&M, prev);
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);

    /* CNAMEs in a loop, the address on one of them: not reached */
    header(&M, 0x8180, 1, 3, 0, 0);
    question(&M, "q.example");
    uint32_t y = rr_cname(&M, 12, "y.example"); /* q -> y */
    M.n -= 0;
    uint32_t z = rr_cname(&M, y, "z.example"); /* y -> z */
    /* z -> y written by pointer */
    putptr(&M, z);
    put16(&M, 5), put16(&M, 1), put32(&M, 1), put16(&M, 2);
    putptr(&M, y);
    M.b[7] = 4; /* ANCOUNT: one more, the A of z */
    rr_a(&M, z, 1, "192.0.2.44");
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 1);
    CHECK_EQ_STR(g.text[0], "q.example=192.0.2.44");
    /* remove the question: the loop has no way out and must end */
    M.b[5] = 0;
    CHECK_EQ_INT(dns(M.b + 0, M.n, 0, &g), 0);

    /* lying lengths: A with 5 bytes of data, AAAA with 4, counts of 65535 */
    header(&M, 0x8180, 1, 2, 0, 0);
    question(&M, "l.example");
    putptr(&M, 12), put16(&M, 1), put16(&M, 1), put32(&M, 1), put16(&M, 5), put32(&M, 1),
        put8(&M, 1);
    putptr(&M, 12), put16(&M, 28), put16(&M, 1), put32(&M, 1), put16(&M, 4), put32(&M, 1);
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);
    M.b[4] = M.b[5] = M.b[6] = M.b[7] = M.b[8] = M.b[9] = M.b[10] = M.b[11] = 0xff;
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);
    /* rdlength past the end of the message */
    header(&M, 0x8180, 1, 1, 0, 0);
    question(&M, "l.example");
    putptr(&M, 12), put16(&M, 1), put16(&M, 1), put32(&M, 1), put16(&M, 0xffff), put32(&M, 1);
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 0);
}

static void test_dns_text(void)
{
    got g;
    /* a dot, a backslash, a control byte and a UTF-8 byte inside labels */
    header(&M, 0x8180, 1, 1, 0, 0);
    put8(&M, 5);
    putbytes(&M, "a.b\\\x01", 5);
    put8(&M, 2);
    putbytes(&M, "\xc3\xa9", 2);
    put8(&M, 0);
    put16(&M, 1), put16(&M, 1);
    rr_a(&M, 12, 1, "192.0.2.3");
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 1);
    CHECK_EQ_STR(g.text[0], "a\\.b\\\\\\001.\\195\\169=192.0.2.3");
    /* the root */
    header(&M, 0x8180, 1, 1, 0, 0);
    put8(&M, 0);
    put16(&M, 1), put16(&M, 1);
    rr_a(&M, 12, 1, "192.0.2.4");
    CHECK_EQ_INT(dns(M.b, M.n, 0, &g), 1);
    CHECK_EQ_STR(g.text[0], "=192.0.2.4");
}

static void test_dns_tcp(void)
{
    got g;
    msg seg = {{0}, 0};
    header(&M, 0x8180, 1, 1, 0, 0);
    question(&M, "tcp.example");
    rr_a(&M, 12, 1, "192.0.2.53");
    const uint32_t one = M.n;
    put16(&seg, (uint16_t)one);
    putbytes(&seg, M.b, one);
    put16(&seg, (uint16_t)one);
    putbytes(&seg, M.b, one);
    CHECK_EQ_INT(dns_tcp(seg.b, seg.n, &g), 2);
    CHECK_EQ_STR(g.text[1], "tcp.example=192.0.2.53");
    /* the second message cut short: the first counts, the second's address
     * is lost with its cut record */
    CHECK_EQ_INT(dns_tcp(seg.b, seg.n - 1, &g), 1);
    /* every cut */
    for (uint32_t n = 0; n <= seg.n; n++) {
        int r = dns_tcp(seg.b, n, &g);
        CHECK(r <= 2);
        CHECK(n >= 2 + 12 || r == -1);
    }
    /* a length prefix of 0, and one longer than the segment */
    seg.b[0] = seg.b[1] = 0;
    CHECK_EQ_INT(dns_tcp(seg.b, seg.n, &g), -1);
    seg.b[0] = seg.b[1] = 0xff;
    CHECK_EQ_INT(dns_tcp(seg.b, seg.n, &g), 1); /* one message: the rest is taken as its tail */
}

/* ---- TLS ---- */

/* A ClientHello record: extensions before server_name, then server_name
 * with an unknown name type first and the host_name second. */
static void build_hello(msg *m, const char *name, int with_sni)
{
    m->n = 0;
    put8(m, 22), put16(m, 0x0301);
    uint32_t rlen_at = m->n;
    put16(m, 0);
    put8(m, 1);
    uint32_t hlen_at = m->n;
    put8(m, 0), put16(m, 0);
    put16(m, 0x0303);
    for (int k = 0; k < 32; k++)
        put8(m, (uint8_t)k);
    put8(m, 32);
    for (int k = 0; k < 32; k++)
        put8(m, 0xaa);
    put16(m, 4), put16(m, 0x1301), put16(m, 0xc02f);
    put8(m, 1), put8(m, 0);
    uint32_t ext_at = m->n;
    put16(m, 0);
    put16(m, 0x000b), put16(m, 2), put8(m, 1), put8(m, 0); /* ec_point_formats */
    put16(m, 0x0017), put16(m, 0);                         /* extended_master_secret */
    if (with_sni) {
        uint16_t n = (uint16_t)strlen(name);
        put16(m, 0), put16(m, (uint16_t)(2 + 3 + 1 + 3 + n));
        put16(m, (uint16_t)(3 + 1 + 3 + n));
        put8(m, 7), put16(m, 1), put8(m, 'z'); /* an unknown name type, skipped */
        put8(m, 0), put16(m, n);
        putbytes(m, name, n);
    }
    put16(m, 0x002b), put16(m, 3), put8(m, 2), put16(m, 0x0304); /* supported_versions */
    uint32_t end = m->n;
    m->b[ext_at] = (uint8_t)((end - ext_at - 2) >> 8),
    m->b[ext_at + 1] = (uint8_t)(end - ext_at - 2);
    uint32_t h = end - hlen_at - 3;
    m->b[hlen_at] = (uint8_t)(h >> 16), m->b[hlen_at + 1] = (uint8_t)(h >> 8),
    m->b[hlen_at + 2] = (uint8_t)h;
    m->b[rlen_at] = (uint8_t)((end - 5) >> 8), m->b[rlen_at + 1] = (uint8_t)(end - 5);
}

static void test_tls(void)
{
    char out[CF_NAME_TEXT_MAX];
    build_hello(&M, "device.vendor.example", 1);
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_FOUND);
    CHECK_EQ_STR(out, "device.vendor.example");

    /* every cut: not-TLS only with no byte, truncated until the name is in,
     * found from there on */
    const uint32_t name_end = M.n - 7; /* supported_versions after the name */
    for (uint32_t n = 0; n < M.n; n++) {
        cf_name_status st = sni(M.b, n, out);
        if (n == 0)
            CHECK_EQ_INT(st, CF_NAME_NOT_PROTOCOL);
        else if (n < name_end)
            CHECK_EQ_INT(st, CF_NAME_TRUNCATED);
        else
            CHECK_EQ_INT(st, CF_NAME_FOUND);
    }

    /* no server_name; no extensions at all */
    build_hello(&M, "", 0);
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_ABSENT);
    CHECK_EQ_STR(out, "");

    /* not a ClientHello: application data, a ServerHello, SSL 2, HTTP */
    build_hello(&M, "a.example", 1);
    M.b[0] = 23;
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_NOT_PROTOCOL);
    M.b[0] = 22;
    M.b[5] = 2;
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_NOT_PROTOCOL);
    M.b[5] = 1;
    M.b[1] = 2;
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_NOT_PROTOCOL);
    CHECK_EQ_INT(sni((const uint8_t *)"GET / HTTP/1.1\r\n", 16, out), CF_NAME_NOT_PROTOCOL);

    /* malicious lengths: session id 33; cipher suites running past the
     * handshake; extensions longer than the handshake; a name longer than
     * its list; the handshake claiming 16 MB */
    build_hello(&M, "a.example", 1);
    M.b[5 + 4 + 34] = 33;
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_ABSENT);
    build_hello(&M, "a.example", 1);
    M.b[5 + 4 + 35 + 32] = 0xff;
    CHECK(sni(M.b, M.n, out) != CF_NAME_FOUND);
    build_hello(&M, "a.example", 1);
    M.b[5 + 4 + 35 + 32 + 2 + 4 + 2] = 0xff; /* extensions length */
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_ABSENT);
    build_hello(&M, "a.example", 1);
    M.b[M.n - 7 - 9 - 2] = 0xff; /* host_name length high byte */
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_ABSENT);
    build_hello(&M, "a.example", 1);
    M.b[6] = 0xff, M.b[7] = 0xff, M.b[8] = 0xff;
    /* the record still ends where it did: the walk finds the name in it */
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_FOUND);
    /* a handshake fragmented over records: the first record holds only
     * part of it, the name lies beyond */
    build_hello(&M, "a.example", 1);
    M.b[3] = 0, M.b[4] = 60;
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_TRUNCATED);

    /* an empty host_name, and one with bytes needing escapes */
    build_hello(&M, "", 1);
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_ABSENT);
    build_hello(&M, "a\x01\xff.b", 1);
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_FOUND);
    CHECK_EQ_STR(out, "a\\001\\255.b");
    /* 255 bytes is the longest taken */
    char longname[300];
    memset(longname, 'n', sizeof longname);
    longname[255] = '\0';
    build_hello(&M, longname, 1);
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_FOUND);
    CHECK_EQ_INT(strlen(out), 255);
    longname[255] = 'n';
    longname[256] = '\0';
    build_hello(&M, longname, 1);
    CHECK_EQ_INT(sni(M.b, M.n, out), CF_NAME_ABSENT);
}

/* ---- HTTP ---- */

static void test_http(void)
{
    char out[CF_NAME_TEXT_MAX];
    const char *req = "GET /index.html?q=1 HTTP/1.1\r\nUser-Agent: thing/1.0\r\n"
                      "hOsT: \t example.com:8080 \r\nAccept: */*\r\n\r\n";
    CHECK_EQ_INT(host(req, out), CF_NAME_FOUND);
    CHECK_EQ_STR(out, "example.com:8080");
    /* every cut: truncated until the Host line is whole */
    const char *line_end = strstr(req, "8080 \r\n") + 7;
    for (size_t n = 0; n < strlen(req); n++) {
        char cut[256];
        memcpy(cut, req, n);
        cut[n] = '\0';
        cf_name_status st = host(cut, out);
        if (n == 0)
            CHECK_EQ_INT(st, CF_NAME_NOT_PROTOCOL);
        else if (req + n < line_end)
            CHECK_EQ_INT(st, CF_NAME_TRUNCATED);
        else
            CHECK_EQ_INT(st, CF_NAME_FOUND);
    }
    CHECK_EQ_INT(host("POST ", out), CF_NAME_TRUNCATED);
    /* bare LF, HTTP/1.0 without Host, the first of two Hosts */
    CHECK_EQ_INT(host("HEAD / HTTP/1.0\nHost: a.example\n\n", out), CF_NAME_FOUND);
    CHECK_EQ_STR(out, "a.example");
    CHECK_EQ_INT(host("GET / HTTP/1.0\r\nAccept: */*\r\n\r\nHost: late.example\r\n", out),
                 CF_NAME_ABSENT);
    CHECK_EQ_INT(host("GET / HTTP/1.1\r\nHost: one\r\nHost: two\r\n\r\n", out), CF_NAME_FOUND);
    CHECK_EQ_STR(out, "one");
    /* fields that only look like Host */
    CHECK_EQ_INT(host("GET / HTTP/1.1\r\nX-Host: no\r\nHostname: no\r\nHost : no\r\n\r\n", out),
                 CF_NAME_ABSENT);
    /* an empty value, a value past 255 bytes, a control byte escaped */
    CHECK_EQ_INT(host("GET / HTTP/1.1\r\nHost:   \r\n\r\n", out), CF_NAME_ABSENT);
    char big[400];
    snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: %0300d\r\n\r\n", 1);
    CHECK_EQ_INT(host(big, out), CF_NAME_ABSENT);
    CHECK_EQ_INT(host("GET / HTTP/1.1\r\nHost: a\x7f\x80\r\n\r\n", out), CF_NAME_FOUND);
    CHECK_EQ_STR(out, "a\\127\\128");
    /* not HTTP/1.x requests */
    CHECK_EQ_INT(host("HTTP/1.1 200 OK\r\nHost: x\r\n\r\n", out), CF_NAME_NOT_PROTOCOL);
    CHECK_EQ_INT(host("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", out), CF_NAME_NOT_PROTOCOL);
    CHECK_EQ_INT(host("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", out), CF_NAME_NOT_PROTOCOL);
    CHECK_EQ_INT(host("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", out), CF_NAME_NOT_PROTOCOL);
    CHECK_EQ_INT(host("ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n", out), CF_NAME_NOT_PROTOCOL);
    CHECK_EQ_INT(host("\x16\x03\x01", out), CF_NAME_NOT_PROTOCOL);
}

/* ---- the dispatcher ---- */

static void test_packet_names(void)
{
    char out[CF_NAME_TEXT_MAX];
    cf_name_status st;
    got g;
    cf_packet p;
    memset(&p, 0, sizeof p);
    memset(&g, 0, sizeof g);
    header(&M, 0x8180, 1, 1, 0, 0);
    question(&M, "d.example");
    rr_a(&M, 12, 1, "192.0.2.8");
    p.payload = M.b;
    p.payload_caplen = p.payload_len = M.n;
    p.protocol = 17;
    p.src_port = 53;
    p.dst_port = 40000;
    CHECK_EQ_INT(cf_packet_names(&p, on_addr, &g, out, sizeof out, &st), CF_NAMES_DNS);
    CHECK_EQ_INT(g.n, 1);
    /* a query's direction: to port 53 is not read */
    p.src_port = 40000;
    p.dst_port = 53;
    CHECK_EQ_INT(cf_packet_names(&p, on_addr, &g, out, sizeof out, &st), CF_NAMES_NONE);
    /* mDNS either way; a non-first fragment never */
    p.dst_port = 5353;
    CHECK_EQ_INT(cf_packet_names(&p, on_addr, &g, out, sizeof out, &st), CF_NAMES_DNS);
    p.is_fragment = 1;
    p.frag_offset = 1480;
    CHECK_EQ_INT(cf_packet_names(&p, on_addr, &g, out, sizeof out, &st), CF_NAMES_NONE);
    p.is_fragment = 0;
    p.frag_offset = 0;
    /* TLS and HTTP on any TCP port */
    build_hello(&M, "t.example", 1);
    p.protocol = 6;
    p.payload_caplen = p.payload_len = M.n;
    p.dst_port = 8883;
    CHECK_EQ_INT(cf_packet_names(&p, on_addr, &g, out, sizeof out, &st), CF_NAMES_SNI);
    CHECK_EQ_INT(st, CF_NAME_FOUND);
    CHECK_EQ_STR(out, "t.example");
    const char *req = "GET / HTTP/1.1\r\nHost: h.example\r\n\r\n";
    p.payload = (const uint8_t *)req;
    p.payload_caplen = p.payload_len = (uint32_t)strlen(req);
    CHECK_EQ_INT(cf_packet_names(&p, on_addr, &g, out, sizeof out, &st), CF_NAMES_HOST);
    CHECK_EQ_STR(out, "h.example");
    p.protocol = 17;
    CHECK_EQ_INT(cf_packet_names(&p, on_addr, &g, out, sizeof out, &st), CF_NAMES_NONE);
}

/* ---- a record's name from its first packets ---- */

static void test_recname(void)
{
    cf_recname r;
    msg hello;
    build_hello(&hello, "t.example", 1);

    /* the ClientHello in one segment wins over the cached DNS name */
    CHECK_EQ_INT(cf_recname_init(&r, "dns.example"), 0);
    CHECK_EQ_STR(cf_recname_get(&r), "dns.example");
    cf_recname_packet(&r, 6, 1, NULL, 0, 0); /* SYN */
    cf_recname_packet(&r, 6, 0, NULL, 0, 0); /* SYN-ACK */
    cf_recname_packet(&r, 6, 1, hello.b, hello.n, hello.n);
    CHECK_EQ_STR(cf_recname_get(&r), "t.example");
    CHECK_EQ_INT(cf_recname_from_payload(&r), 1);
    CHECK_EQ_INT(r.decided, 1);
    CHECK(r.stream == NULL);
    cf_recname_free(&r);

    /* over three segments, the remote's packets in between: joined */
    for (uint32_t cut = 1; cut + 1 < hello.n; cut += 7) {
        cf_recname_init(&r, "dns.example");
        cf_recname_packet(&r, 6, 1, hello.b, cut, cut);
        /* the name ends 7 bytes before the end (supported_versions follows) */
        CHECK_EQ_STR(cf_recname_get(&r), cut < hello.n - 7 ? "dns.example" : "t.example");
        cf_recname_packet(&r, 6, 0, hello.b, 10, 10);
        cf_recname_packet(&r, 6, 1, hello.b + cut, 1, 1);
        cf_recname_packet(&r, 6, 1, hello.b + cut + 1, hello.n - cut - 1, hello.n - cut - 1);
        CHECK_EQ_STR(cf_recname_get(&r), "t.example");
        cf_recname_free(&r);
    }

    /* a first segment captured short: no join, the cached name stays */
    cf_recname_init(&r, "dns.example");
    cf_recname_packet(&r, 6, 1, hello.b, 40, hello.n);
    CHECK_EQ_INT(r.decided, 1);
    cf_recname_packet(&r, 6, 1, hello.b + 40, hello.n - 40, hello.n - 40);
    CHECK_EQ_STR(cf_recname_get(&r), "dns.example");
    CHECK_EQ_INT(cf_recname_from_payload(&r), 0);
    cf_recname_free(&r);

    /* HTTP: "POST " alone, then the rest (a real capture does this) */
    cf_recname_init(&r, NULL);
    CHECK_EQ_STR(cf_recname_get(&r), "");
    cf_recname_packet(&r, 6, 1, (const uint8_t *)"POST ", 5, 5);
    const char *rest = "/api HTTP/1.1\r\nHost: h.example\r\n\r\n";
    cf_recname_packet(&r, 6, 1, (const uint8_t *)rest, (uint32_t)strlen(rest),
                      (uint32_t)strlen(rest));
    CHECK_EQ_STR(cf_recname_get(&r), "h.example");
    cf_recname_free(&r);

    /* UDP, and TCP that is neither TLS nor HTTP: the cached name, decided */
    cf_recname_init(&r, "u.example");
    cf_recname_packet(&r, 17, 1, hello.b, hello.n, hello.n);
    CHECK_EQ_STR(cf_recname_get(&r), "u.example");
    CHECK_EQ_INT(r.decided, 1);
    cf_recname_free(&r);
    cf_recname_init(&r, "m.example");
    cf_recname_packet(&r, 6, 1, (const uint8_t *)"\x10\x20MQTT", 6, 6);
    CHECK_EQ_INT(r.decided, 1);
    CHECK_EQ_STR(cf_recname_get(&r), "m.example");
    cf_recname_free(&r);

    /* a record claiming 16 KB that never ends: the join stops at
     * CF_RECNAME_STREAM_MAX bytes */
    static uint8_t big[1000];
    memcpy(big, hello.b, 60);
    big[3] = 0x40, big[4] = 0x00;             /* record length 16384 */
    big[6] = 0, big[7] = 0x3f, big[8] = 0xfc; /* handshake 16380 */
    big[5 + 4 + 35 + 32] = 0x3f;              /* cipher suites: 16 KB of them */
    cf_recname_init(&r, "c.example");
    for (int k = 0; k < 20 && !r.decided; k++)
        cf_recname_packet(&r, 6, 1, big, sizeof big, sizeof big);
    CHECK_EQ_INT(r.decided, 1);
    CHECK(r.len == 0 && r.stream == NULL);
    CHECK_EQ_STR(cf_recname_get(&r), "c.example");
    cf_recname_free(&r);
}

/* ---- mutations ---- */

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

static void test_mutations(void)
{
    msg seeds[4];
    got g;
    char out[CF_NAME_TEXT_MAX];
    build_chain(&seeds[0]);
    build_hello(&seeds[1], "m.example", 1);
    seeds[2].n = 0;
    putbytes(&seeds[2], "GET / HTTP/1.1\r\nHost: m.example\r\n\r\n", 35);
    header(&seeds[3], 0x8400, 0, 1, 0, 0);
    putname(&seeds[3], "x.local");
    put16(&seeds[3], 1), put16(&seeds[3], 0x8001), put32(&seeds[3], 1), put16(&seeds[3], 4),
        put32(&seeds[3], 1);
    int runs = 0;
    for (int i = 0; i < 50000; i++) {
        msg m = seeds[i % 4];
        int edits = 1 + (int)(rnd() % 4);
        for (int e = 0; e < edits; e++)
            m.b[rnd() % m.n] = (uint8_t)rnd();
        uint32_t n = rnd() % 3 ? m.n : rnd() % (m.n + 1);
        dns(m.b, n, 0, &g);
        dns(m.b, n, CF_DNS_MDNS, &g);
        dns_tcp(m.b, n, &g);
        cf_name_status st = sni(m.b, n, out);
        if (st == CF_NAME_FOUND)
            CHECK(strlen(out) > 0 && strlen(out) < CF_NAME_TEXT_MAX);
        uint8_t *c = malloc(n ? n : 1);
        memcpy(c, m.b, n);
        st = cf_http_host(cf_cur_make(c, n), out, sizeof out);
        free(c);
        if (st == CF_NAME_FOUND)
            CHECK(strlen(out) > 0);
        runs++;
    }
    CHECK_EQ_INT(runs, 50000);
}

int main(void)
{
    test_dns_simple();
    test_dns_cname_chain();
    test_dns_mdns();
    test_dns_malicious();
    test_dns_text();
    test_dns_tcp();
    test_tls();
    test_http();
    test_packet_names();
    test_recname();
    test_mutations();
    return check_report();
}
