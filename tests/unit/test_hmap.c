/* The hash table against a brute-force model: random insertions, lookups
 * and deletions of keys drawn from a small universe (so that keys come and
 * go many times), with a hash function that is sometimes deliberately poor
 * (many equal and neighbouring hashes, long probe runs that wrap around the
 * end of the array), checking after every step that each key of the
 * universe is found exactly when the model holds it. */
#include "util/bigmem.h"
#include "util/hmap.h"
#include "check.h"

#include <stdlib.h>

#define UNIVERSE 3000

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    return check_xorshift(&rng);
}

typedef struct item {
    uint32_t key;
    int in; /* the model: is it in the table? */
} item;

static item items[UNIVERSE];

static uint64_t hash_of(uint32_t key, int poor)
{
    /* poor: 64 distinct hashes, all near the top of the array */
    return poor ? (uint64_t)(key % 64) | ~(uint64_t)0xff : cf_hash_bytes(&key, sizeof key, 7);
}

static int eq_item(const void *ctx, uintptr_t val, const void *key)
{
    (void)ctx;
    return ((const item *)val)->key == *(const uint32_t *)key;
}

static int agrees(const cf_hmap *m, int poor)
{
    size_t held = 0;
    for (uint32_t k = 0; k < (poor ? 200u : UNIVERSE); k++) {
        uintptr_t v = cf_hmap_get(m, hash_of(k, poor), &k, eq_item, NULL);
        if (items[k].in ? v != (uintptr_t)&items[k] : v != 0)
            return 0;
        held += items[k].in;
    }
    return held == m->used;
}

static void run(int poor, int steps, size_t expect)
{
    cf_hmap m;
    CHECK_EQ_INT(cf_hmap_init(&m, expect), 0);
    for (uint32_t k = 0; k < UNIVERSE; k++) {
        items[k].key = k;
        items[k].in = 0;
    }
    int ok = 1;
    for (int s = 0; s < steps && ok; s++) {
        uint32_t k = (uint32_t)(next_rand() % (poor ? 200 : UNIVERSE));
        uint64_t h = hash_of(k, poor);
        if (items[k].in) {
            ok &= cf_hmap_del(&m, h, (uintptr_t)&items[k]) == 1;
            ok &= cf_hmap_del(&m, h, (uintptr_t)&items[k]) == 0;
            items[k].in = 0;
        } else {
            ok &= cf_hmap_put(&m, h, (uintptr_t)&items[k]) == 0;
            items[k].in = 1;
        }
        if (s % 97 == 0 || poor)
            ok &= agrees(&m, poor);
    }
    CHECK(ok);
    CHECK(agrees(&m, poor));
    /* Load stays at most 1/2. */
    CHECK(m.used * 2 <= m.cap);
    cf_hmap_clear(&m);
    CHECK_EQ_INT(m.used, 0);
    for (uint32_t k = 0; k < UNIVERSE; k++)
        items[k].in = 0;
    CHECK(agrees(&m, poor));
    cf_hmap_free(&m);
}

static int eq_index(const void *ctx, uintptr_t val, const void *key)
{
    (void)ctx;
    return val == *(const uintptr_t *)key;
}

/* A table that grows from calloc'd slots into mapped huge-page blocks
 * (util/bigmem.h, from 2 MiB of slots on) and doubles there: every value
 * found, half deleted, the rest still found. */
static void large(void)
{
    enum { N = 300000 };
    cf_hmap m;
    CHECK_EQ_INT(cf_hmap_init(&m, 0), 0);
    int ok = 1;
    for (uintptr_t v = 1; v <= N && ok; v++)
        ok = cf_hmap_put(&m, cf_hash_bytes(&v, sizeof v, 3), v) == 0;
    CHECK(ok);
    CHECK(m.cap * sizeof(cf_hmap_slot) > 4 * CF_BIG_MIN);
    CHECK_EQ_INT(m.used, N);
    size_t found = 0;
    for (uintptr_t v = 1; v <= N; v++)
        found += cf_hmap_get(&m, cf_hash_bytes(&v, sizeof v, 3), &v, eq_index, NULL) == v;
    CHECK_EQ_INT(found, N);
    for (uintptr_t v = 2; v <= N; v += 2)
        cf_hmap_del(&m, cf_hash_bytes(&v, sizeof v, 3), v);
    found = 0;
    for (uintptr_t v = 1; v <= N; v++)
        found += cf_hmap_get(&m, cf_hash_bytes(&v, sizeof v, 3), &v, eq_index, NULL) == v;
    CHECK_EQ_INT(found, N / 2);
    CHECK_EQ_INT(m.used, N / 2);
    cf_hmap_free(&m);
}

int main(void)
{
    large();
    run(0, 200000, 0);
    run(0, 50000, 5000);
    run(1, 20000, 0);
    /* An empty table allocates nothing and finds nothing. */
    cf_hmap m;
    cf_hmap_init(&m, 0);
    uint32_t k = 1;
    CHECK(m.slots == NULL);
    CHECK_EQ_INT(cf_hmap_get(&m, 5, &k, eq_item, NULL), 0);
    CHECK_EQ_INT(cf_hmap_del(&m, 5, 1), 0);
    cf_hmap_free(&m);
    CHECK_EQ_INT(cf_hash_bytes("abc", 3, 0) == cf_hash_bytes("abc", 3, 0), 1);
    CHECK(cf_hash_bytes("abc", 3, 0) != cf_hash_bytes("abd", 3, 0));
    return check_report();
}
