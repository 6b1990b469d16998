/* Counting for customflow summary; see tally.h. */
#include "tally.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

int u64map_add(u64map *m, uint64_t k, uint64_t v)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 64;
        u64map nm = {calloc(nc, 8), calloc(nc, 8), calloc(nc, 1), 0, nc};
        if (!nm.key || !nm.val || !nm.used) {
            free(nm.key);
            free(nm.val);
            free(nm.used);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->used[i]) {
                size_t j = mix(m->key[i]) & (nc - 1);
                while (nm.used[j])
                    j = (j + 1) & (nc - 1);
                nm.used[j] = 1;
                nm.key[j] = m->key[i];
                nm.val[j] = m->val[i];
                nm.n++;
            }
        free(m->key);
        free(m->val);
        free(m->used);
        *m = nm;
    }
    size_t j = mix(k) & (m->cap - 1);
    while (m->used[j] && m->key[j] != k)
        j = (j + 1) & (m->cap - 1);
    if (!m->used[j]) {
        m->used[j] = 1;
        m->key[j] = k;
        m->val[j] = 0;
        m->n++;
    }
    m->val[j] += v;
    return 0;
}

void u64map_free(u64map *m)
{
    free(m->key);
    free(m->val);
    free(m->used);
    memset(m, 0, sizeof *m);
}

static int cmp_kvpair(const void *a, const void *b)
{
    const kvpair *x = a, *y = b;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* Sorted (key, count) pairs; NULL when empty or out of memory. */
kvpair *u64map_sorted(const u64map *m)
{
    if (!m->n)
        return NULL;
    kvpair *p = malloc(m->n * sizeof *p);
    if (!p)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i])
            p[k++] = (kvpair){m->key[i], m->val[i]};
    qsort(p, m->n, sizeof *p, cmp_kvpair);
    return p;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

int labelmap_add(labelmap *m, const char *name, uint64_t v)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 32;
        label *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slot[i].name) {
                size_t j = hash_str(m->slot[i].name) & (nc - 1);
                while (ns[j].name)
                    j = (j + 1) & (nc - 1);
                ns[j] = m->slot[i];
            }
        free(m->slot);
        m->slot = ns;
        m->cap = nc;
    }
    size_t j = hash_str(name) & (m->cap - 1);
    while (m->slot[j].name && strcmp(m->slot[j].name, name))
        j = (j + 1) & (m->cap - 1);
    if (!m->slot[j].name) {
        if (!(m->slot[j].name = strdup(name)))
            return -1;
        m->n++;
    }
    m->slot[j].count += v;
    return 0;
}

void labelmap_free(labelmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slot[i].name);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

void stats_free(stats *s)
{
    labelmap_free(&s->devices);
    u64map_free(&s->packets);
    u64map_free(&s->payload);
}

int stats_merge(stats *d, const stats *s)
{
    d->records += s->records;
    for (size_t i = 0; i < s->devices.cap; i++)
        if (s->devices.slot[i].name &&
            labelmap_add(&d->devices, s->devices.slot[i].name, s->devices.slot[i].count))
            return -1;
    for (size_t i = 0; i < s->packets.cap; i++)
        if (s->packets.used[i] && u64map_add(&d->packets, s->packets.key[i], s->packets.val[i]))
            return -1;
    for (size_t i = 0; i < s->payload.cap; i++)
        if (s->payload.used[i] && u64map_add(&d->payload, s->payload.key[i], s->payload.val[i]))
            return -1;
    if (s->have_t) {
        if (!d->have_t || s->tmin < d->tmin)
            d->tmin = s->tmin;
        if (!d->have_t || s->tmax > d->tmax)
            d->tmax = s->tmax;
        d->have_t = 1;
    }
    return 0;
}

int parse_u64(const char *s, const char **end, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9') {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
        s++;
    }
    *end = s;
    *out = v;
    return 0;
}

/* "SIZE:COUNT,SIZE:COUNT,..." into m (empty text: no packets). */
int parse_hist(const char *text, u64map *m)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    if (!*p)
        return 0;
    for (;;) {
        uint64_t size, count;
        if (parse_u64(p, &p, &size) || *p++ != ':' || parse_u64(p, &p, &count))
            return -1;
        if (u64map_add(m, size, count))
            return -1;
        if (!*p)
            return 0;
        if (*p++ != ',')
            return -1;
    }
}

const int summary_pcts[4] = {50, 90, 95, 99};

/* Nearest-rank percentiles: the smallest value v with at least p% of the
 * weight at or below it. Also the weight at or below `limit`. */
void percentiles(const u64map *m, uint64_t limit, uint64_t *total, uint64_t *within,
                 uint64_t out[4])
{
    *total = *within = 0;
    for (int k = 0; k < 4; k++)
        out[k] = 0;
    kvpair *p = u64map_sorted(m);
    if (!p)
        return;
    uint64_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        n += p[i].v;
        if (p[i].k <= limit)
            *within += p[i].v;
    }
    *total = n;
    for (int k = 0; k < 4; k++) {
        uint64_t q = n / 100, r = n % 100, pc = (uint64_t)summary_pcts[k];
        uint64_t rank = q * pc + (r * pc + 99) / 100;
        if (rank == 0)
            rank = 1;
        uint64_t cum = 0;
        for (size_t i = 0; i < m->n; i++) {
            cum += p[i].v;
            if (cum >= rank) {
                out[k] = p[i].k;
                break;
            }
        }
    }
    free(p);
}
