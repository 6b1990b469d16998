/* Bounds-checked byte access for the packet decoders.
 *
 * A cf_cur is a window (pointer, remaining length) on captured bytes. Every
 * packet byte the decoders read goes through the accessors below: each one
 * checks the window first and reports failure (0) instead of reading past it,
 * so a short or malformed frame can only make a decoder stop early, never
 * read out of bounds. The CF_GET_* / CF_SKIP / CF_SUB macros jump to a label
 * on failure, which keeps the decoders straight-line (the idea of tcpdump's
 * GET_ macros, written here from scratch).
 *
 * All offsets are relative to the cursor's current position. The checks are
 * written so that no addition can overflow (off > len - n after n <= len).
 */
#ifndef CF_DECODE_GETBYTES_H
#define CF_DECODE_GETBYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct cf_cur {
    const uint8_t *p; /* current position */
    /* Bytes available from p (never more than a uint32_t frame length).
     * size_t rather than uint32_t so that the struct has no padding: a
     * cursor passed by value is loaded as two 8-byte words, and a word
     * made of a 4-byte store plus untouched padding defeats the CPU's
     * store-to-load forwarding (measured: a third of the decode time). */
    size_t len;
} cf_cur;

static inline cf_cur cf_cur_make(const uint8_t *p, uint32_t len)
{
    cf_cur c = {p, p ? len : 0};
    return c;
}

/* 1 when n bytes starting at off are inside the window. */
static inline int cf_cur_has(const cf_cur *c, uint32_t off, uint32_t n)
{
    return n <= c->len && off <= c->len - n;
}

static inline int cf_get_u8(const cf_cur *c, uint32_t off, uint8_t *v)
{
    if (!cf_cur_has(c, off, 1))
        return 0;
    *v = c->p[off];
    return 1;
}

static inline int cf_get_be16(const cf_cur *c, uint32_t off, uint16_t *v)
{
    if (!cf_cur_has(c, off, 2))
        return 0;
    *v = (uint16_t)((uint16_t)c->p[off] << 8 | c->p[off + 1]);
    return 1;
}

static inline int cf_get_be32(const cf_cur *c, uint32_t off, uint32_t *v)
{
    if (!cf_cur_has(c, off, 4))
        return 0;
    const uint8_t *b = c->p + off;
    *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return 1;
}

static inline int cf_get_le32(const cf_cur *c, uint32_t off, uint32_t *v)
{
    if (!cf_cur_has(c, off, 4))
        return 0;
    const uint8_t *b = c->p + off;
    *v = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
    return 1;
}

/* Copies n bytes at off into dst. */
static inline int cf_get_bytes(const cf_cur *c, uint32_t off, void *dst, uint32_t n)
{
    if (!cf_cur_has(c, off, n))
        return 0;
    if (n)
        memcpy(dst, c->p + off, n);
    return 1;
}

/* Advances the cursor by n bytes. */
static inline int cf_skip(cf_cur *c, uint32_t n)
{
    if (n > c->len)
        return 0;
    c->p += n;
    c->len -= n;
    return 1;
}

/* *out = the n bytes at off; fails unless all of them are in the window. */
static inline int cf_sub(const cf_cur *c, uint32_t off, uint32_t n, cf_cur *out)
{
    if (!cf_cur_has(c, off, n))
        return 0;
    out->p = c->p + off;
    out->len = n;
    return 1;
}

/* Shortens the window to at most n bytes (a length field bounding the data
 * that follows: never lengthens it). */
static inline void cf_cur_limit(cf_cur *c, size_t n)
{
    if (n < c->len)
        c->len = n;
}

static inline uint32_t cf_min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Jumping forms: on a short window, goto fail. */
#define CF_GET_U8(c, off, v, fail)                                                                 \
    do {                                                                                           \
        if (!cf_get_u8((c), (off), &(v)))                                                          \
            goto fail;                                                                             \
    } while (0)
#define CF_GET_BE16(c, off, v, fail)                                                               \
    do {                                                                                           \
        if (!cf_get_be16((c), (off), &(v)))                                                        \
            goto fail;                                                                             \
    } while (0)
#define CF_GET_BE32(c, off, v, fail)                                                               \
    do {                                                                                           \
        if (!cf_get_be32((c), (off), &(v)))                                                        \
            goto fail;                                                                             \
    } while (0)
#define CF_GET_LE32(c, off, v, fail)                                                               \
    do {                                                                                           \
        if (!cf_get_le32((c), (off), &(v)))                                                        \
            goto fail;                                                                             \
    } while (0)
#define CF_GET_BYTES(c, off, dst, n, fail)                                                         \
    do {                                                                                           \
        if (!cf_get_bytes((c), (off), (dst), (n)))                                                 \
            goto fail;                                                                             \
    } while (0)
#define CF_SKIP(c, n, fail)                                                                        \
    do {                                                                                           \
        if (!cf_skip((c), (n)))                                                                    \
            goto fail;                                                                             \
    } while (0)
#define CF_SUB(c, off, n, out, fail)                                                               \
    do {                                                                                           \
        if (!cf_sub((c), (off), (n), (out)))                                                       \
            goto fail;                                                                             \
    } while (0)

#endif
