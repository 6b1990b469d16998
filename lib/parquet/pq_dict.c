/* Hash dictionary with open addressing (load factor <= 1/2). */
#include "parquet/pq_dict.h"

#include <stdlib.h>

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xff51afd7ed558ccdULL

uint64_t pq_hash_bytes(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint64_t h = K1 ^ (n * K2), x;
    while (n >= 8) {
        memcpy(&x, p, 8);
        h = (h ^ x) * K2;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    x = 0;
    memcpy(&x, p, n);
    h = (h ^ x) * K1;
    h ^= h >> 32;
    h *= K2;
    h ^= h >> 29;
    return h;
}

static uint32_t hash_u64(uint64_t v)
{
    v *= K1;
    v ^= v >> 31;
    v *= K2;
    return (uint32_t)(v >> 32);
}

void pq_dict_init(pq_dict *d, int width)
{
    memset(d, 0, sizeof *d);
    d->width = width;
}

void pq_dict_free(pq_dict *d)
{
    pq_buf_free(&d->plain);
    free(d->offs);
    free(d->hashes);
    free(d->slots);
    pq_dict_init(d, d->width);
}

void pq_dict_reset(pq_dict *d)
{
    d->plain.len = 0;
    d->n = 0;
    if (d->slots)
        memset(d->slots, 0, (size_t)d->nslots * sizeof *d->slots);
}

static int rehash(pq_dict *d, uint32_t nslots)
{
    uint32_t *s = calloc(nslots, sizeof *s);
    if (!s)
        return -1;
    for (uint32_t i = 0; i < d->n; i++) {
        uint32_t j = d->hashes[i] & (nslots - 1);
        while (s[j])
            j = (j + 1) & (nslots - 1);
        s[j] = i + 1;
    }
    free(d->slots);
    d->slots = s;
    d->nslots = nslots;
    return 0;
}

/* Room for one more entry in the per-entry arrays and the slot table. */
static int grow(pq_dict *d)
{
    if (d->n >= UINT32_MAX / 4)
        return -1;
    if (d->n == d->ecap) {
        uint32_t cap = d->ecap ? d->ecap * 2 : 32;
        uint32_t *h = realloc(d->hashes, (size_t)cap * sizeof *h);
        if (!h)
            return -1;
        d->hashes = h;
        if (!d->width) {
            uint32_t *o = realloc(d->offs, (size_t)cap * sizeof *o);
            if (!o)
                return -1;
            d->offs = o;
        }
        d->ecap = cap;
    }
    if ((d->n + 1) * 2 > d->nslots)
        return rehash(d, d->nslots ? d->nslots * 2 : 64);
    return 0;
}

static void add_entry(pq_dict *d, uint32_t slot, uint32_t h, uint32_t *idx, int *added)
{
    d->hashes[d->n] = h;
    d->slots[slot] = d->n + 1;
    *idx = d->n++;
    *added = 1;
}

int pq_dict_bytes(pq_dict *d, const void *p, uint32_t len, uint32_t *idx, int *added)
{
    uint32_t h = (uint32_t)pq_hash_bytes(p, len);
    if (grow(d))
        return -1;
    uint32_t mask = d->nslots - 1, j = h & mask, e;
    while ((e = d->slots[j]) != 0) {
        e--;
        if (d->hashes[e] == h) {
            const uint8_t *q = d->plain.p + d->offs[e];
            uint32_t qlen =
                (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
            if (qlen == len && (len == 0 || memcmp(q + 4, p, len) == 0)) {
                *idx = e;
                *added = 0;
                return 0;
            }
        }
        j = (j + 1) & mask;
    }
    if (d->plain.len > UINT32_MAX - 4 - (size_t)len)
        return -1;
    uint32_t off = (uint32_t)d->plain.len;
    if (pq_buf_le32(&d->plain, len) || pq_buf_append(&d->plain, p, len)) {
        d->plain.len = off;
        return -1;
    }
    d->offs[d->n] = off;
    add_entry(d, j, h, idx, added);
    return 0;
}

#define DICT_INT(NAME, T, W, PUT)                                                                  \
    int NAME(pq_dict *d, T v, uint32_t *idx, int *added)                                           \
    {                                                                                              \
        uint32_t h = hash_u64((uint64_t)v);                                                        \
        if (grow(d))                                                                               \
            return -1;                                                                             \
        uint32_t mask = d->nslots - 1, j = h & mask, e;                                            \
        while ((e = d->slots[j]) != 0) {                                                           \
            e--;                                                                                   \
            T x;                                                                                   \
            memcpy(&x, d->plain.p + (size_t)e * W, W);                                             \
            if (x == v) {                                                                          \
                *idx = e;                                                                          \
                *added = 0;                                                                        \
                return 0;                                                                          \
            }                                                                                      \
            j = (j + 1) & mask;                                                                    \
        }                                                                                          \
        if (PUT(&d->plain, (uint64_t)v))                                                           \
            return -1;                                                                             \
        add_entry(d, j, h, idx, added);                                                            \
        return 0;                                                                                  \
    }

static int put32(pq_buf *b, uint64_t v)
{
    return pq_buf_le32(b, (uint32_t)v);
}

DICT_INT(pq_dict_i32, int32_t, 4, put32)
DICT_INT(pq_dict_i64, int64_t, 8, pq_buf_le64)
