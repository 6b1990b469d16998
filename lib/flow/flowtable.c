/* Open-addressing pointer table, see flowtable.h. */
#include "flow/flowtable.h"

#include <stdlib.h>

int cf_ftab_init(cf_ftab *t, size_t keylen, size_t initial_cap)
{
    size_t cap = 16;
    while (cap < initial_cap)
        cap *= 2;
    t->slots = calloc(cap, sizeof *t->slots);
    t->cap = t->slots ? cap : 0;
    t->used = 0;
    t->keylen = keylen;
    return t->slots ? 0 : -1;
}

void cf_ftab_free(cf_ftab *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = t->used = 0;
}

void cf_ftab_clear(cf_ftab *t)
{
    memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->used = 0;
}

static void place(cf_ftab_slot *slots, size_t mask, uint64_t hash, void *obj)
{
    size_t i = (size_t)hash & mask;
    while (slots[i].obj)
        i = (i + 1) & mask;
    slots[i].hash = hash;
    slots[i].obj = obj;
}

int cf_ftab_put(cf_ftab *t, uint64_t hash, void *obj)
{
    if ((t->used + 1) * 2 > t->cap) {
        size_t ncap = t->cap * 2;
        cf_ftab_slot *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t k = 0; k < t->cap; k++)
            if (t->slots[k].obj)
                place(ns, ncap - 1, t->slots[k].hash, t->slots[k].obj);
        free(t->slots);
        t->slots = ns;
        t->cap = ncap;
    }
    place(t->slots, t->cap - 1, hash, obj);
    t->used++;
    return 0;
}

int cf_ftab_del(cf_ftab *t, uint64_t hash, const void *obj)
{
    size_t mask = t->cap - 1, i = (size_t)hash & mask;
    while (t->slots[i].obj != obj) {
        if (!t->slots[i].obj)
            return 0;
        i = (i + 1) & mask;
    }
    /* Backward shift: move later members of the probe run into the hole
     * when their home slot does not lie cyclically in (hole, j]. */
    size_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!t->slots[j].obj)
            break;
        size_t home = (size_t)t->slots[j].hash & mask;
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole].obj = NULL;
    t->slots[hole].hash = 0;
    t->used--;
    return 0 + 1;
}
