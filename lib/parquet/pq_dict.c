/* Dictionary of a column chunk: PLAIN-encoded entries plus a hash index
 * (the library's table, util/hmap.h). */
#include "parquet/pq_dict.h"

#include <stdlib.h>

#define BYTES_SEED 0x6469637462ull

static uint64_t hash_u64(uint64_t v)
{
    v *= 0x9e3779b97f4a7c15ULL;
    v ^= v >> 31;
    v *= 0xff51afd7ed558ccdULL;
    return v ^ (v >> 32);
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
    cf_hmap_free(&d->index);
    pq_dict_init(d, d->width);
}

void pq_dict_reset(pq_dict *d)
{
    d->plain.len = 0;
    d->n = 0;
    cf_hmap_clear(&d->index);
}

/* Room for one more byte-array offset. */
static int grow_offs(pq_dict *d)
{
    if (d->n < d->ecap)
        return 0;
    uint32_t cap = d->ecap ? d->ecap * 2 : 32;
    uint32_t *o = realloc(d->offs, (size_t)cap * sizeof *o);
    if (!o)
        return -1;
    d->offs = o;
    d->ecap = cap;
    return 0;
}

typedef struct bytes_key {
    const void *p;
    uint32_t len;
} bytes_key;

static int same_bytes(const void *ctx, uintptr_t val, const void *key)
{
    const pq_dict *d = ctx;
    const bytes_key *k = key;
    const uint8_t *q = d->plain.p + d->offs[val - 1];
    uint32_t qlen =
        (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    return qlen == k->len && (k->len == 0 || memcmp(q + 4, k->p, k->len) == 0);
}

/* Registers entry d->n (its PLAIN bytes already appended) under hash h. */
static int add_entry(pq_dict *d, uint64_t h, size_t plain_before, uint32_t *idx, int *added)
{
    if (cf_hmap_put(&d->index, h, (uintptr_t)d->n + 1) != 0) {
        d->plain.len = plain_before;
        return -1;
    }
    *idx = d->n++;
    *added = 1;
    return 0;
}

int pq_dict_bytes(pq_dict *d, const void *p, uint32_t len, uint32_t *idx, int *added)
{
    bytes_key k = {p, len};
    uint64_t h = cf_hash_bytes(p, len, BYTES_SEED);
    uintptr_t e = cf_hmap_get(&d->index, h, &k, same_bytes, d);
    if (e) {
        *idx = (uint32_t)(e - 1);
        *added = 0;
        return 0;
    }
    if (d->n >= UINT32_MAX / 4 || d->plain.len > UINT32_MAX - 4 - (size_t)len || grow_offs(d))
        return -1;
    uint32_t off = (uint32_t)d->plain.len;
    if (pq_buf_le32(&d->plain, len) || pq_buf_append(&d->plain, p, len)) {
        d->plain.len = off;
        return -1;
    }
    d->offs[d->n] = off;
    return add_entry(d, h, off, idx, added);
}

static int same_i32(const void *ctx, uintptr_t val, const void *key)
{
    const pq_dict *d = ctx;
    int32_t x;
    memcpy(&x, d->plain.p + (val - 1) * 4, 4);
    return x == *(const int32_t *)key;
}

static int same_i64(const void *ctx, uintptr_t val, const void *key)
{
    const pq_dict *d = ctx;
    int64_t x;
    memcpy(&x, d->plain.p + (val - 1) * 8, 8);
    return x == *(const int64_t *)key;
}

int pq_dict_i32(pq_dict *d, int32_t v, uint32_t *idx, int *added)
{
    uint64_t h = hash_u64((uint64_t)(uint32_t)v);
    uintptr_t e = cf_hmap_get(&d->index, h, &v, same_i32, d);
    if (e) {
        *idx = (uint32_t)(e - 1);
        *added = 0;
        return 0;
    }
    size_t before = d->plain.len;
    if (d->n >= UINT32_MAX / 4 || pq_buf_le32(&d->plain, (uint32_t)v))
        return -1;
    return add_entry(d, h, before, idx, added);
}

int pq_dict_i64(pq_dict *d, int64_t v, uint32_t *idx, int *added)
{
    uint64_t h = hash_u64((uint64_t)v);
    uintptr_t e = cf_hmap_get(&d->index, h, &v, same_i64, d);
    if (e) {
        *idx = (uint32_t)(e - 1);
        *added = 0;
        return 0;
    }
    size_t before = d->plain.len;
    if (d->n >= UINT32_MAX / 4 || pq_buf_le64(&d->plain, (uint64_t)v))
        return -1;
    return add_entry(d, h, before, idx, added);
}
