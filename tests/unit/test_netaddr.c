/* Local ranges (SPEC §3, RFC 1918, RFC 4193, RFC 4291), CIDR parsing and
 * RFC 5952 address text. */
#include <stdlib.h>

#include "check.h"
#include "flow/netaddr.h"

static cf_addr A(const char *text)
{
    cf_prefix p;
    memset(&p, 0, sizeof p);
    if (cf_prefix_parse(text, &p) != 0) {
        fprintf(stderr, "bad test address %s\n", text);
        exit(2);
    }
    return p.addr;
}

static int local(const cf_localnets *l, const char *text)
{
    cf_addr a = A(text);
    return cf_is_local(l, &a);
}

/* Formats the parse of text. */
static const char *fmt(const char *text)
{
    static char buf[64];
    cf_addr a = A(text);
    return cf_addr_format(&a, buf);
}

static const char *fmt6(const uint16_t w[8])
{
    static char buf[64];
    cf_addr a;
    memset(&a, 0, sizeof a);
    a.family = 6;
    for (int k = 0; k < 8; k++) {
        a.b[2 * k] = (uint8_t)(w[k] >> 8);
        a.b[2 * k + 1] = (uint8_t)w[k];
    }
    return cf_addr_format(&a, buf);
}

static void test_local(void)
{
    cf_localnets l;
    cf_localnets_init(&l);
    CHECK_EQ_INT(local(&l, "9.255.255.255"), 0);
    CHECK_EQ_INT(local(&l, "10.0.0.0"), 1);
    CHECK_EQ_INT(local(&l, "10.255.255.255"), 1);
    CHECK_EQ_INT(local(&l, "11.0.0.0"), 0);
    CHECK_EQ_INT(local(&l, "172.15.255.255"), 0);
    CHECK_EQ_INT(local(&l, "172.16.0.0"), 1);
    CHECK_EQ_INT(local(&l, "172.31.255.255"), 1);
    CHECK_EQ_INT(local(&l, "172.32.0.0"), 0);
    CHECK_EQ_INT(local(&l, "192.167.255.255"), 0);
    CHECK_EQ_INT(local(&l, "192.168.0.0"), 1);
    CHECK_EQ_INT(local(&l, "192.168.255.255"), 1);
    CHECK_EQ_INT(local(&l, "192.169.0.0"), 0);
    CHECK_EQ_INT(local(&l, "169.254.0.1"), 1);
    CHECK_EQ_INT(local(&l, "169.253.255.255"), 0);
    CHECK_EQ_INT(local(&l, "169.255.0.0"), 0);
    CHECK_EQ_INT(local(&l, "8.8.8.8"), 0);
    CHECK_EQ_INT(local(&l, "127.0.0.1"), 0);
    CHECK_EQ_INT(local(&l, "0.0.0.0"), 0); /* unspecified: not local here */
    CHECK_EQ_INT(local(&l, "fe80::1"), 1);
    CHECK_EQ_INT(local(&l, "febf:ffff::1"), 1);
    CHECK_EQ_INT(local(&l, "fec0::1"), 0);
    CHECK_EQ_INT(local(&l, "fc00::"), 1);
    CHECK_EQ_INT(local(&l, "fdff:ffff::1"), 1);
    CHECK_EQ_INT(local(&l, "fbff::"), 0);
    CHECK_EQ_INT(local(&l, "fe00::"), 0);
    CHECK_EQ_INT(local(&l, "2001:db8::1"), 0);
    CHECK_EQ_INT(local(&l, "::"), 0);
    CHECK_EQ_INT(local(&l, "::ffff:10.0.0.1"), 0); /* mapped: not in the SPEC's ranges */

    cf_addr u4 = A("0.0.0.0"), u6 = A("::"), n4 = A("0.0.0.1");
    CHECK_EQ_INT(cf_is_unspecified(&u4), 1);
    CHECK_EQ_INT(cf_is_unspecified(&u6), 1);
    CHECK_EQ_INT(cf_is_unspecified(&n4), 0);

    /* User prefixes. */
    CHECK_EQ_INT(cf_localnets_add(&l, "203.0.113.0/24"), 0);
    CHECK_EQ_INT(cf_localnets_add(&l, "2001:db8::/32"), 0);
    CHECK_EQ_INT(cf_localnets_add(&l, "198.51.100.7"), 0);
    CHECK_EQ_INT(cf_localnets_add(&l, "203.0.113.0/33"), -1);
    CHECK_EQ_INT(cf_localnets_add(&l, "nonsense"), -1);
    CHECK_EQ_INT(local(&l, "203.0.113.0"), 1);
    CHECK_EQ_INT(local(&l, "203.0.113.255"), 1);
    CHECK_EQ_INT(local(&l, "203.0.114.0"), 0);
    CHECK_EQ_INT(local(&l, "203.0.112.255"), 0);
    CHECK_EQ_INT(local(&l, "2001:db8:ffff::1"), 1);
    CHECK_EQ_INT(local(&l, "2001:db9::1"), 0);
    CHECK_EQ_INT(local(&l, "198.51.100.7"), 1);
    CHECK_EQ_INT(local(&l, "198.51.100.8"), 0);
    cf_localnets_free(&l);
}

static void test_parse(void)
{
    cf_prefix p;
    CHECK_EQ_INT(cf_prefix_parse("10.0.0.0/8", &p), 0);
    CHECK_EQ_INT(p.bits, 8);
    CHECK_EQ_INT(p.addr.family, 4);
    CHECK_EQ_INT(cf_prefix_parse("10.1.2.3/8", &p), 0); /* host bits cleared */
    CHECK_EQ_INT(p.addr.b[1], 0);
    CHECK_EQ_INT(cf_prefix_parse("192.168.1.0/23", &p), 0);
    CHECK_EQ_INT(p.addr.b[2], 0);
    cf_addr in = A("192.168.1.77"), out = A("192.168.2.1");
    CHECK_EQ_INT(cf_prefix_contains(&p, &in), 1);
    CHECK_EQ_INT(cf_prefix_contains(&p, &out), 0);
    cf_addr v6 = A("::ffff:192.168.1.1");
    CHECK_EQ_INT(cf_prefix_contains(&p, &v6), 0); /* other family */
    CHECK_EQ_INT(cf_prefix_parse("0.0.0.0/0", &p), 0);
    CHECK_EQ_INT(cf_prefix_contains(&p, &out), 1);
    CHECK_EQ_INT(cf_prefix_parse("fe80::/10", &p), 0);
    CHECK_EQ_INT(p.bits, 10);
    CHECK_EQ_INT(cf_prefix_parse("1.2.3.4", &p), 0);
    CHECK_EQ_INT(p.bits, 32);
    CHECK_EQ_INT(cf_prefix_parse("::1", &p), 0);
    CHECK_EQ_INT(p.bits, 128);
    CHECK_EQ_INT(cf_prefix_parse("::/128", &p), 0);

    static const char *bad[] = {
        "",
        "/8",
        "10.0.0.0/",
        "10.0.0.0/33",
        "10.0.0.0/8/8",
        "10.0.0/8",
        "10.0.0.0.0",
        "256.0.0.0",
        "01.2.3.4",
        "1.2.3.4 ",
        "1.2.3.-4",
        "10.0.0.0/-1",
        "10.0.0.0/0x8",
        "10.0.0.0/1000",
        "::/129",
        "1::2::3",
        ":1",
        "1:",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "12345::",
        "g::1",
        "fe80::1%eth0",
        "::ffff:1.2.3",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1.2.3.4::",
        ":::",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "aa:bb:cc:dd:ee:ff",
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        int rc = cf_prefix_parse(bad[k], &p);
        if (rc != -1)
            fprintf(stderr, "accepted bad prefix \"%s\"\n", bad[k]);
        CHECK_EQ_INT(rc, -1);
    }
    /* Valid edge forms. */
    CHECK_EQ_INT(cf_prefix_parse("1:2:3:4:5:6:7::", &p), 0);
    CHECK_EQ_INT(cf_prefix_parse("::2:3:4:5:6:7:8", &p), 0);
    CHECK_EQ_INT(cf_prefix_parse("1:2:3:4:5:6:1.2.3.4", &p), 0);
    CHECK_EQ_INT(p.addr.b[12], 1);
    CHECK_EQ_INT(p.addr.b[15], 4);
    CHECK_EQ_INT(cf_prefix_parse("FE80::ABCD", &p), 0);
    CHECK_EQ_INT(p.addr.b[14], 0xab);

    uint8_t mac[6];
    CHECK_EQ_INT(cf_mac_parse_n("D0:52:a8:00:67:5E", 17, mac), 0);
    CHECK_EQ_INT(mac[0], 0xd0);
    CHECK_EQ_INT(mac[5], 0x5e);
    CHECK_EQ_INT(cf_mac_parse_n("d0-52-a8-00-67-5e", 17, mac), 0);
    CHECK_EQ_INT(cf_mac_parse_n("d0-52:a8:00:67:5e", 17, mac), -1);
    CHECK_EQ_INT(cf_mac_parse_n("d0:52:a8:00:67:5", 16, mac), -1);
    CHECK_EQ_INT(cf_mac_parse_n("d0:52:a8:00:67:5g", 17, mac), -1);
    /* Explicit lengths: the text need not end there. */
    CHECK_EQ_INT(cf_prefix_parse_n("10.0.0.1xyz", 8, &p), 0);
    CHECK_EQ_INT(p.addr.b[3], 1);
}

static void test_format(void)
{
    char buf[64];
    CHECK_EQ_STR(fmt("2001:db8::1"), "2001:db8::1");
    CHECK_EQ_STR(fmt("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
    CHECK_EQ_STR(fmt("::"), "::");
    CHECK_EQ_STR(fmt("::1"), "::1");
    CHECK_EQ_STR(fmt("1::"), "1::");
    CHECK_EQ_STR(fmt("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    CHECK_EQ_STR(fmt("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
    CHECK_EQ_STR(fmt("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1"); /* one zero group */
    CHECK_EQ_STR(fmt("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
    CHECK_EQ_STR(fmt("::ffff:c000:0201"), "::ffff:192.0.2.1");
    CHECK_EQ_STR(fmt("fe80::1:2"), "fe80::1:2");
    CHECK_EQ_STR(fmt("1:0:0:2:0:0:0:0"), "1:0:0:2::");
    CHECK_EQ_STR(fmt("0:0:1:0:0:0:0:0"), "0:0:1::");
    CHECK_EQ_STR(fmt("0:0:1:0:0:1:0:0"), "::1:0:0:1:0:0");
    CHECK_EQ_STR(fmt("::c000:201"), "::c000:201"); /* IPv4-compatible: plain hex */
    static const uint16_t w1[8] = {0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff};
    CHECK_EQ_STR(fmt6(w1), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    static const uint16_t w2[8] = {0x10, 0, 0x0a0, 0, 0, 0, 0, 0x1000};
    CHECK_EQ_STR(fmt6(w2), "10:0:a0::1000");
    CHECK_EQ_STR(fmt("0.0.0.0"), "0.0.0.0");
    CHECK_EQ_STR(fmt("192.168.1.254"), "192.168.1.254");
    CHECK_EQ_STR(fmt("255.255.255.255"), "255.255.255.255");
    CHECK_EQ_STR(fmt("10.0.100.9"), "10.0.100.9");
    static const uint8_t mac[6] = {0xD0, 0x52, 0xA8, 0x00, 0x67, 0x5E};
    CHECK_EQ_STR(cf_mac_format(mac, buf), "d0:52:a8:00:67:5e");
}

/* Round trip: every formatted address parses back to itself. */
static void test_roundtrip(void)
{
    uint32_t s = 12345;
    int bad = 0;
    for (int it = 0; it < 20000; it++) {
        cf_addr a;
        memset(&a, 0, sizeof a);
        a.family = 6;
        for (int k = 0; k < 8; k++) {
            s = s * 1103515245u + 12345u;
            uint32_t r = s >> 16;
            uint16_t w = (r & 3) ? 0 : (uint16_t)(r * 2654435761u >> 8);
            a.b[2 * k] = (uint8_t)(w >> 8);
            a.b[2 * k + 1] = (uint8_t)w;
        }
        char buf[64];
        cf_addr_format(&a, buf);
        cf_prefix p;
        if (cf_prefix_parse(buf, &p) != 0 || memcmp(p.addr.b, a.b, 16) != 0 || strstr(buf, ":::"))
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    test_local();
    test_parse();
    test_format();
    test_roundtrip();
    return check_report();
}
