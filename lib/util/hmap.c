/* The library's hash table, see hmap.h. */
#include "util/hmap.h"

#include <stdlib.h>

#include "util/bigmem.h"

enum { MIN_CAP = 16 };

static size_t cap_for(size_t expect)
{
    size_t cap = MIN_CAP;
    while (cap / 2 < expect && cap < SIZE_MAX / 4)
        cap *= 2;
    return cap;
}

int cf_hmap_init(cf_hmap *m, size_t expect)
{
    memset(m, 0, sizeof *m);
    if (!expect)
        return 0;
    size_t cap = cap_for(expect);
    m->slots = cf_big_alloc(cap * sizeof *m->slots);
    if (!m->slots)
        return -1;
    m->cap = cap;
    return 0;
}

void cf_hmap_free(cf_hmap *m)
{
    cf_big_free(m->slots, m->cap * sizeof *m->slots);
    memset(m, 0, sizeof *m);
}

void cf_hmap_clear(cf_hmap *m)
{
    if (m->slots)
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->used = 0;
}

/* Puts (hash, val) in the first free slot of its probe run. */
static void place(cf_hmap_slot *slots, size_t mask, uint64_t hash, uintptr_t val)
{
    size_t i = (size_t)hash & mask;
    while (slots[i].val)
        i = (i + 1) & mask;
    slots[i].hash = hash;
    slots[i].val = val;
}

static int grow(cf_hmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : MIN_CAP;
    if (ncap > SIZE_MAX / sizeof(cf_hmap_slot))
        return -1;
    cf_hmap_slot *ns = cf_big_alloc(ncap * sizeof *ns);
    if (!ns)
        return -1;
    for (size_t k = 0; k < m->cap; k++)
        if (m->slots[k].val)
            place(ns, ncap - 1, m->slots[k].hash, m->slots[k].val);
    cf_big_free(m->slots, m->cap * sizeof *m->slots);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

int cf_hmap_put(cf_hmap *m, uint64_t hash, uintptr_t val)
{
    if ((m->used + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    place(m->slots, m->cap - 1, hash, val);
    m->used++;
    return 0;
}

int cf_hmap_del(cf_hmap *m, uint64_t hash, uintptr_t val)
{
    if (!m->cap)
        return 0;
    size_t mask = m->cap - 1, i = (size_t)hash & mask;
    while (m->slots[i].val != val) {
        if (!m->slots[i].val)
            return 0;
        i = (i + 1) & mask;
    }
    /* Backward shift: a later member of the probe run moves into the hole
     * unless its home slot lies cyclically in (hole, j], where a lookup
     * starting at home would still reach it without crossing the hole. */
    size_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].val)
            break;
        size_t home = (size_t)m->slots[j].hash & mask;
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].val = 0;
    m->slots[hole].hash = 0;
    m->used--;
    return 1;
}
