/* Unit tests of lib/names/namecache: per-device and any-host answers, the
 * most recent answer winning, and the memory cap with its eviction count. */
#include "check.h"
#include "flow/netaddr.h"
#include "names/namecache.h"

#include <stdio.h>
#include <stdlib.h>

static cf_addr A(const char *text)
{
    cf_prefix p;
    CHECK_EQ_INT(cf_prefix_parse(text, &p), 0);
    return p.addr;
}

static void test_lookup(void)
{
    static const char dev1[] = "camera", dev2[] = "plug", dev3[] = "hub";
    cf_namecache *c = cf_namecache_new(0);
    cf_addr a = A("192.0.2.10"), b = A("2001:db8::10");
    int own = -1;
    int64_t ts = 0;
    CHECK(cf_namecache_get(c, dev1, &a, &own, &ts) == NULL);

    CHECK_EQ_INT(cf_namecache_put(c, dev1, &a, "cam.vendor.example", 100), 0);
    CHECK_EQ_STR(cf_namecache_get(c, dev1, &a, &own, &ts), "cam.vendor.example");
    CHECK_EQ_INT(own, 1);
    CHECK_EQ_INT(ts, 100);
    /* another device never resolved it: the any-host answer */
    CHECK_EQ_STR(cf_namecache_get(c, dev2, &a, &own, NULL), "cam.vendor.example");
    CHECK_EQ_INT(own, 0);
    CHECK_EQ_STR(cf_namecache_get(c, NULL, &a, &own, NULL), "cam.vendor.example");
    CHECK_EQ_INT(own, 0);

    /* dev2 resolves another name to the same address later: dev1 keeps its
     * own, dev2 gets its own, everyone else the most recent */
    cf_namecache_put(c, dev2, &a, "plug.cloud.example", 200);
    CHECK_EQ_STR(cf_namecache_get(c, dev1, &a, &own, NULL), "cam.vendor.example");
    CHECK_EQ_INT(own, 1);
    CHECK_EQ_STR(cf_namecache_get(c, dev2, &a, &own, NULL), "plug.cloud.example");
    CHECK_EQ_STR(cf_namecache_get(c, dev3, &a, &own, NULL), "plug.cloud.example");
    CHECK_EQ_INT(own, 0);
    /* dev1's newer answer replaces its older one */
    cf_namecache_put(c, dev1, &a, "cam2.vendor.example", 300);
    CHECK_EQ_STR(cf_namecache_get(c, dev1, &a, NULL, &ts), "cam2.vendor.example");
    CHECK_EQ_INT(ts, 300);
    /* an answer without a device feeds the any-host map only */
    cf_namecache_put(c, NULL, &b, "v6.example", 400);
    CHECK_EQ_STR(cf_namecache_get(c, dev1, &b, &own, NULL), "v6.example");
    CHECK_EQ_INT(own, 0);
    /* IPv4: bytes past the fourth are not part of the key */
    cf_addr dirty = a;
    dirty.b[9] = 0x55;
    CHECK_EQ_STR(cf_namecache_get(c, dev1, &dirty, NULL, NULL), "cam2.vendor.example");
    /* an IPv4 address and the IPv6 address with the same first bytes differ */
    cf_addr six = a;
    six.family = 6;
    CHECK(cf_namecache_get(c, dev1, &six, NULL, NULL) == NULL);

    cf_namecache_stats st;
    cf_namecache_stats_get(c, &st);
    CHECK_EQ_INT(st.puts, 4);
    CHECK_EQ_INT(st.entries, 4); /* (dev1,a) (dev2,a) (any,a) (any,b) */
    CHECK_EQ_INT(st.evicted, 0);
    cf_namecache_free(c);
}

static void test_cap(void)
{
    static const char dev[] = "d";
    const size_t cap = 64 * 1024;
    cf_namecache *c = cf_namecache_new(cap);
    cf_namecache_stats st;
    char name[64];
    cf_addr a = A("10.0.0.0");
    uint64_t max_bytes = 0;
    for (uint32_t k = 0; k < 5000; k++) {
        a.b[2] = (uint8_t)(k >> 8);
        a.b[3] = (uint8_t)k;
        snprintf(name, sizeof name, "host-%u.example", k);
        CHECK_EQ_INT(cf_namecache_put(c, dev, &a, name, k), 0);
        if (k == 10) {
            /* refresh an early address: it becomes the newest */
            cf_addr early = A("10.0.0.1");
            cf_namecache_put(c, dev, &early, "refreshed.example", k);
        }
        cf_namecache_stats_get(c, &st);
        if (st.bytes > max_bytes)
            max_bytes = st.bytes;
    }
    cf_namecache_stats_get(c, &st);
    CHECK(max_bytes <= cap);
    CHECK(st.evicted > 0);
    CHECK_EQ_INT(st.puts, 5001);
    CHECK_EQ_INT(st.entries + st.evicted, 5000 * 2);
    /* the newest is there, the oldest went first */
    CHECK_EQ_STR(cf_namecache_get(c, dev, &a, NULL, NULL), "host-4999.example");
    cf_addr first = A("10.0.0.0");
    CHECK(cf_namecache_get(c, dev, &first, NULL, NULL) == NULL);
    /* the refreshed one was newer than its neighbours but is long gone too
     * after 5000 answers in 64 KiB; one refreshed late stays */
    cf_addr late = A("10.0.19.130"); /* k = 4994 */
    CHECK_EQ_STR(cf_namecache_get(c, dev, &late, NULL, NULL), "host-4994.example");
    cf_namecache_free(c);

    /* a cap smaller than one entry: the entry is evicted, counted, and the
     * cache stays usable */
    c = cf_namecache_new(1);
    cf_namecache_put(c, dev, &a, "x.example", 1);
    cf_namecache_stats_get(c, &st);
    CHECK_EQ_INT(st.entries, 0);
    CHECK_EQ_INT(st.evicted, 2);
    CHECK(cf_namecache_get(c, dev, &a, NULL, NULL) == NULL);
    cf_namecache_free(c);
}

/* Refreshing moves an entry to the newest end: with room for a few entries
 * only, the refreshed one outlives those put after it. */
static void test_refresh_order(void)
{
    static const char dev[] = "d";
    cf_namecache *c = cf_namecache_new(0);
    cf_namecache_stats st;
    cf_namecache_stats_get(c, &st);
    const uint64_t empty = st.bytes;
    cf_namecache_free(c);

    /* measure one (device, address) put: two entries */
    c = cf_namecache_new(0);
    cf_addr a = A("10.1.0.1"), b = A("10.1.0.2"), d = A("10.1.0.3");
    cf_namecache_put(c, dev, &a, "aaaa", 1);
    cf_namecache_stats_get(c, &st);
    const uint64_t per_put = st.bytes - empty;
    cf_namecache_free(c);

    c = cf_namecache_new(empty + 2 * per_put); /* room for two answers */
    cf_namecache_put(c, dev, &a, "aaaa", 1);
    cf_namecache_put(c, dev, &b, "bbbb", 2);
    cf_namecache_put(c, dev, &a, "aaaa", 3); /* refresh a */
    cf_namecache_put(c, dev, &d, "dddd", 4); /* evicts b, not a */
    CHECK_EQ_STR(cf_namecache_get(c, dev, &a, NULL, NULL), "aaaa");
    CHECK(cf_namecache_get(c, dev, &b, NULL, NULL) == NULL);
    CHECK_EQ_STR(cf_namecache_get(c, dev, &d, NULL, NULL), "dddd");
    cf_namecache_stats_get(c, &st);
    CHECK_EQ_INT(st.evicted, 2);
    CHECK(st.bytes <= empty + 2 * per_put);
    cf_namecache_free(c);
}

/* A cap that leaves the table no room to grow: a new address evicts the
 * oldest to make room in the table, while the bytes are still well under
 * the cap; every other address stays. */
static void test_table_room(void)
{
    cf_namecache *c = cf_namecache_new(0);
    cf_namecache_stats st;
    cf_namecache_stats_get(c, &st);
    const uint64_t empty = st.bytes; /* the table alone */
    cf_addr a = A("10.2.0.0");
    cf_namecache_put(c, NULL, &a, "n", 0);
    cf_namecache_stats_get(c, &st);
    const uint64_t per_put = st.bytes - empty; /* one any-host entry */
    cf_namecache_free(c);

    /* entries fill at most half of the table's slots: room for the entries
     * of a full table, plus a few, but not for a table twice as large */
    const uint64_t cap = empty + (empty / 32 + 4) * per_put;
    CHECK(cap < 2 * empty + empty / 32 * per_put);
    c = cf_namecache_new(cap);
    uint32_t k = 0;
    for (; k < 100000; k++) {
        a.b[2] = (uint8_t)(k >> 8);
        a.b[3] = (uint8_t)k;
        CHECK_EQ_INT(cf_namecache_put(c, NULL, &a, "n", k), 0);
        cf_namecache_stats_get(c, &st);
        CHECK(st.bytes <= cap);
        if (st.evicted)
            break;
    }
    CHECK_EQ_INT(st.evicted, 1);
    CHECK(st.bytes + 2 * per_put <= cap); /* not for the bytes: for the table */
    CHECK_EQ_INT(st.entries, k);
    CHECK_EQ_INT(st.bytes, empty + k * per_put); /* the table did not grow */
    cf_addr first = A("10.2.0.0");
    CHECK(cf_namecache_get(c, NULL, &first, NULL, NULL) == NULL);
    for (uint32_t j = 1; j <= k; j++) {
        a.b[2] = (uint8_t)(j >> 8);
        a.b[3] = (uint8_t)j;
        CHECK_EQ_STR(cf_namecache_get(c, NULL, &a, NULL, NULL), "n");
    }
    cf_namecache_free(c);
}

int main(void)
{
    test_lookup();
    test_cap();
    test_refresh_order();
    test_table_room();
    return check_report();
}
