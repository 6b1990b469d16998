/* Per-device rings of the last K record places (context.h). */
#include "flow/context.h"

#include <stdlib.h>
#include <string.h>

#include "util/hmap.h"

typedef struct ctx_dev {
    char *label;
    int variant;
    cf_ctxref *ring; /* [K] */
    uint32_t n, next;
} ctx_dev;

struct cf_ctxmap {
    uint32_t k;
    cf_hmap index; /* hash of (variant, label) -> position + 1 in devs */
    ctx_dev *devs;
    size_t used, cap;
};

typedef struct ctx_key {
    int variant;
    const char *label;
} ctx_key;

static int same_dev(const void *ctx, uintptr_t val, const void *key)
{
    const cf_ctxmap *m = ctx;
    const ctx_key *q = key;
    const ctx_dev *d = &m->devs[val - 1];
    return d->variant == q->variant && strcmp(d->label, q->label) == 0;
}

cf_ctxmap *cf_ctxmap_new(uint32_t k)
{
    if (k == 0)
        return NULL;
    cf_ctxmap *m = calloc(1, sizeof *m);
    if (m)
        m->k = k;
    return m;
}

void cf_ctxmap_free(cf_ctxmap *m)
{
    if (!m)
        return;
    for (size_t d = 0; d < m->used; d++) {
        free(m->devs[d].label);
        free(m->devs[d].ring);
    }
    free(m->devs);
    cf_hmap_free(&m->index);
    free(m);
}

/* The device's ring, added empty when new; NULL out of memory. */
static ctx_dev *device_of(cf_ctxmap *m, int variant, const char *label)
{
    const ctx_key key = {variant, label};
    const uint64_t h = cf_hash_bytes(label, strlen(label), 0x63747800u + (unsigned)variant);
    uintptr_t at = cf_hmap_get(&m->index, h, &key, same_dev, m);
    if (at)
        return &m->devs[at - 1];
    if (m->used == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 32;
        ctx_dev *grown = realloc(m->devs, ncap * sizeof *grown);
        if (!grown)
            return NULL;
        m->devs = grown;
        m->cap = ncap;
    }
    ctx_dev d = {
        .variant = variant, .label = strdup(label), .ring = calloc(m->k, sizeof(cf_ctxref))};
    if (!d.label || !d.ring || cf_hmap_put(&m->index, h, m->used + 1) != 0) {
        free(d.label);
        free(d.ring);
        return NULL;
    }
    m->devs[m->used] = d;
    return &m->devs[m->used++];
}

uint32_t cf_ctxmap_push(cf_ctxmap *m, int variant, const char *device, uint32_t file, int64_t row,
                        cf_ctxref *out)
{
    ctx_dev *d = device_of(m, variant, device ? device : "");
    if (!d)
        return UINT32_MAX;
    const uint32_t k = m->k, n = d->n;
    for (uint32_t q = 0; q < n; q++)
        out[q] = d->ring[(d->next + k - n + q) % k];
    d->ring[d->next] = (cf_ctxref){.file = file, .row = row};
    d->next = (d->next + 1) % k;
    if (d->n < k)
        d->n++;
    return n;
}
