/* Growable byte buffer used by every part of the Parquet writer. Appends
 * return 0, or -1 when memory runs out (the buffer is left unchanged). */
#ifndef CF_PQ_BUF_H
#define CF_PQ_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct pq_buf {
    uint8_t *p;
    size_t len, cap;
} pq_buf;

/* Slow path: makes room for n more bytes, growing geometrically. */
int pq_buf_grow(pq_buf *b, size_t n);
void pq_buf_free(pq_buf *b);

static inline int pq_buf_reserve(pq_buf *b, size_t n)
{
    return b->cap - b->len >= n ? 0 : pq_buf_grow(b, n);
}

static inline int pq_buf_append(pq_buf *b, const void *data, size_t n)
{
    if (pq_buf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    return 0;
}

static inline int pq_buf_u8(pq_buf *b, uint8_t v)
{
    if (b->len == b->cap && pq_buf_grow(b, 1))
        return -1;
    b->p[b->len++] = v;
    return 0;
}

static inline void pq_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void pq_put_le64(uint8_t *p, uint64_t v)
{
    pq_put_le32(p, (uint32_t)v);
    pq_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline int pq_buf_le32(pq_buf *b, uint32_t v)
{
    if (pq_buf_reserve(b, 4))
        return -1;
    pq_put_le32(b->p + b->len, v);
    b->len += 4;
    return 0;
}

static inline int pq_buf_le64(pq_buf *b, uint64_t v)
{
    if (pq_buf_reserve(b, 8))
        return -1;
    pq_put_le64(b->p + b->len, v);
    b->len += 8;
    return 0;
}

/* ULEB128 varint, as used by Thrift compact and Parquet encodings. */
static inline int pq_buf_uvarint(pq_buf *b, uint64_t v)
{
    if (pq_buf_reserve(b, 10))
        return -1;
    uint8_t *p = b->p + b->len;
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    b->len = (size_t)(p - b->p);
    return 0;
}

static inline uint64_t pq_zigzag64(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline uint32_t pq_zigzag32(int32_t v)
{
    return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

#endif
