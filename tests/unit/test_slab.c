/* The block pool (util/slab.h) and the huge-page blocks under it
 * (util/bigmem.h): blocks 16-byte aligned, never overlapping (each filled
 * with its own pattern and checked after many gets and puts across region
 * boundaries), given back blocks reused first, blocks larger than a region,
 * and big blocks zeroed and aligned. */
#include "util/bigmem.h"
#include "util/slab.h"
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
    return check_xorshift(&rng);
}

/* Every live block holds its index in every byte: a block handed out twice,
 * or two that overlap, break a pattern. */
static void churn(size_t each, size_t live_max, size_t steps)
{
    cf_slab s;
    cf_slab_init(&s, each);
    CHECK(s.each >= each && s.each % 16 == 0);
    unsigned char **live = calloc(live_max, sizeof *live);
    int aligned = 1, intact = 1, got = 1;
    for (size_t k = 0; k < steps; k++) {
        size_t at = next_rand() % live_max;
        if (live[at]) {
            for (size_t b = 0; b < each; b++)
                intact &= live[at][b] == (unsigned char)at;
            unsigned char *given_back = live[at];
            cf_slab_put(&s, given_back);
            live[at] = cf_slab_get(&s); /* the block just given back */
            got &= live[at] == given_back;
            if (next_rand() % 2) {
                cf_slab_put(&s, live[at]);
                live[at] = NULL;
                continue;
            }
        } else {
            live[at] = cf_slab_get(&s);
            got &= live[at] != NULL;
        }
        if (!live[at])
            break;
        aligned &= (uintptr_t)live[at] % 16 == 0;
        memset(live[at], (int)(unsigned char)at, each);
    }
    size_t held = 0;
    for (size_t at = 0; at < live_max; at++) {
        if (!live[at])
            continue;
        held++;
        for (size_t b = 0; b < each; b++)
            intact &= live[at][b] == (unsigned char)at;
    }
    CHECK(got);
    CHECK(aligned);
    CHECK(intact);
    CHECK_EQ_INT(s.held, held);
    cf_slab_free(&s);
    CHECK(s.regions == NULL);
    free(live);
}

int main(void)
{
    /* Small blocks over several 2 MiB regions, odd sizes rounded up. */
    churn(24, 200000, 1000000);
    churn(200, 30000, 300000);
    /* Blocks larger than a region: one region each. */
    churn(CF_SLAB_REGION + 100, 4, 40);

    /* Big blocks: zeroed, 2 MiB-aligned, writable to the last byte. */
    size_t sizes[] = {1, 4096, CF_BIG_MIN - 1, CF_BIG_MIN, CF_BIG_MIN + 1, 5 * CF_BIG_MIN + 123};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned char *p = cf_big_alloc(sizes[k]);
        CHECK(p != NULL);
        if (!p)
            continue;
        int zero = 1;
        for (size_t b = 0; b < sizes[k]; b += 97)
            zero &= p[b] == 0;
        CHECK(zero && p[sizes[k] - 1] == 0);
        if (sizes[k] >= CF_BIG_MIN)
            CHECK((uintptr_t)p % CF_BIG_MIN == 0);
        memset(p, 0xab, sizes[k]);
        cf_big_free(p, sizes[k]);
    }
    cf_big_free(NULL, CF_BIG_MIN);
    return check_report();
}
