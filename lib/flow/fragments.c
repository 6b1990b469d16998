/* First-fragment memory, see fragments.h. */
#include "flow/fragments.h"

#include <stdlib.h>
#include <string.h>

#define FRAG_SEED 0x6672616700ull

void cf_fragtab_init(cf_fragtab *t)
{
    memset(t, 0, sizeof *t);
}

void cf_fragtab_free(cf_fragtab *t)
{
    free(t->ring);
    cf_hmap_free(&t->live);
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

static int entry_has_key(const void *ctx, uintptr_t val, const void *key)
{
    (void)ctx;
    return memcmp(&((const cf_frag_entry *)val)->key, key, sizeof(cf_frag_key)) == 0;
}

static cf_frag_entry *find(const cf_fragtab *t, uint64_t h, const cf_frag_key *k)
{
    return (cf_frag_entry *)cf_hmap_get(&t->live, h, k, entry_has_key, NULL);
}

int cf_fragtab_put(cf_fragtab *t, const cf_packet *p)
{
    if (!t->ring) {
        t->ring = calloc(CF_FRAG_CAP, sizeof *t->ring);
        if (!t->ring || cf_hmap_init(&t->live, CF_FRAG_CAP) != 0) {
            cf_fragtab_free(t);
            return -1;
        }
    }
    cf_frag_key k;
    make_key(p, &k);
    uint64_t h = cf_hash_bytes(&k, sizeof k, FRAG_SEED);
    cf_frag_entry *old = find(t, h, &k);
    if (old) { /* a repeated key: forget the older arrival */
        old->live = 0;
        cf_hmap_del(&t->live, h, (uintptr_t)old);
        t->count--;
    }
    cf_frag_entry *e = &t->ring[t->head];
    if (e->live) { /* the ring is full: drop the oldest */
        cf_hmap_del(&t->live, e->hash, (uintptr_t)e);
        t->count--;
    }
    e->key = k;
    e->hash = h;
    e->src_port = p->src_port;
    e->dst_port = p->dst_port;
    e->live = 1;
    /* Cannot fail: the table was sized for the whole ring. */
    cf_hmap_put(&t->live, h, (uintptr_t)e);
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
    const cf_frag_entry *e = find(t, cf_hash_bytes(&k, sizeof k, FRAG_SEED), &k);
    if (!e)
        return 0;
    *src_port = e->src_port;
    *dst_port = e->dst_port;
    return 1;
}
