/* Per-device rings of the last K record places (context.h). */
#include "flow/context.h"

#include <stdlib.h>
#include <string.h>

#include "flow/devindex.h"

/* The last K places of one device in one variant. */
typedef struct ctx_dev {
    cf_ctxref *ring; /* [K] */
    uint32_t n, next;
} ctx_dev;

struct cf_ctxmap {
    uint32_t k;
    cf_devindex index; /* (variant, label) -> position in devs */
    ctx_dev *devs;
    size_t cap;
};

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
    for (size_t d = 0; d < m->index.used; d++)
        free(m->devs[d].ring);
    free(m->devs);
    cf_devindex_free(&m->index);
    free(m);
}

/* The device's ring, added empty when new; NULL out of memory. */
static ctx_dev *device_of(cf_ctxmap *m, int variant, const char *label)
{
    uint64_t h;
    int64_t at = cf_devindex_find(&m->index, variant, label, &h);
    if (at >= 0)
        return &m->devs[at];
    if (m->index.used == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 32;
        ctx_dev *grown = realloc(m->devs, ncap * sizeof *grown);
        if (!grown)
            return NULL;
        m->devs = grown;
        m->cap = ncap;
    }
    cf_ctxref *ring = calloc(m->k, sizeof *ring);
    if (!ring || (at = cf_devindex_add(&m->index, variant, label, h)) < 0) {
        free(ring);
        return NULL;
    }
    m->devs[at] = (ctx_dev){.ring = ring};
    return &m->devs[at];
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
