/* First-fragment memory, see fragments.h. */
#include "flow/fragments.h"

#include <stdlib.h>
#include <string.h>

#include "flow/flowtable.h"

#define SLOTS (2 * CF_FRAG_CAP) /* power of two: load <= 1/2 */

void cf_fragtab_init(cf_fragtab *t)
{
    memset(t, 0, sizeof *t);
}

void cf_fragtab_free(cf_fragtab *t)
{
    free(t->ring);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static void make_key(const cf_packet *p, cf_frag_key *k)
{
    memset(k, 0, sizeof *k);
    size_t n = p->src.family == 4 ? 4 : 16;
    memcpy(k->src, p->src.b, n);
    memcpy(k->dst, p->dst.b, n);
    k->id = p->frag_id;
    k->family = p->src.family;
    k->protocol = p->protocol;
}

static size_t find_slot(const cf_fragtab *t, uint64_t h, const cf_frag_key *k)
{
    size_t i = (size_t)h & (SLOTS - 1);
    while (t->slots[i]) {
        const cf_frag_entry *e = &t->ring[t->slots[i] - 1];
        if (e->hash == h && memcmp(&e->key, k, sizeof *k) == 0)
            return i;
        i = (i + 1) & (SLOTS - 1);
    }
    return i;
}

/* Empties slot i, shifting later members of its probe run back. */
static void del_slot(cf_fragtab *t, size_t i)
{
    size_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & (SLOTS - 1);
        if (!t->slots[j])
            break;
        size_t home = (size_t)t->ring[t->slots[j] - 1].hash & (SLOTS - 1);
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole] = 0;
}

int cf_fragtab_put(cf_fragtab *t, const cf_packet *p)
{
    if (!t->ring) {
        t->ring = calloc(CF_FRAG_CAP, sizeof *t->ring);
        t->slots = calloc(SLOTS, sizeof *t->slots);
        if (!t->ring || !t->slots) {
            cf_fragtab_free(t);
            return -1;
        }
    }
    cf_frag_key k;
    make_key(p, &k);
    uint64_t h = cf_hash_bytes(&k, sizeof k, 0x6672616700ull);
    size_t i = find_slot(t, h, &k);
    if (t->slots[i]) { /* a repeated key: forget the older arrival */
        t->ring[t->slots[i] - 1].live = 0;
        del_slot(t, i);
        t->count--;
    }
    cf_frag_entry *e = &t->ring[t->head];
    if (e->live) { /* the ring is full: drop the oldest */
        size_t old = find_slot(t, e->hash, &e->key);
        del_slot(t, old);
        t->count--;
    }
    e->key = k;
    e->hash = h;
    e->src_port = p->src_port;
    e->dst_port = p->dst_port;
    e->live = 1;
    i = find_slot(t, h, &k);
    t->slots[i] = t->head + 1;
    t->head = (t->head + 1) % CF_FRAG_CAP;
    t->count++;
    return 0;
}

int cf_fragtab_get(const cf_fragtab *t, const cf_packet *p, uint16_t *src_port, uint16_t *dst_port)
{
    if (!t->ring)
        return 0;
    cf_frag_key k;
    make_key(p, &k);
    uint64_t h = cf_hash_bytes(&k, sizeof k, 0x6672616700ull);
    size_t i = find_slot(t, h, &k);
    if (!t->slots[i])
        return 0;
    const cf_frag_entry *e = &t->ring[t->slots[i] - 1];
    *src_port = e->src_port;
    *dst_port = e->dst_port;
    return 1;
}
