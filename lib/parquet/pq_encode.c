/* Parquet encodings, written from parquet-format Encodings.md. */
#include "parquet/pq_encode.h"

int pq_bit_width(uint64_t v)
{
    int w = 0;
    while (v) {
        w++;
        v >>= 1;
    }
    return w;
}

int pq_bitpack(pq_buf *out, const uint64_t *v, size_t n, int bw)
{
    size_t bytes = n / 8 * (size_t)bw;
    if (pq_buf_reserve(out, bytes + 8))
        return -1;
    uint8_t *p = out->p + out->len;
    uint64_t mask = bw >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << bw) - 1);
    uint64_t acc = 0;
    int nbits = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = v[i] & mask;
        acc |= x << nbits;
        if (nbits + bw >= 64) {
            pq_put_le64(p, acc);
            p += 8;
            acc = nbits ? x >> (64 - nbits) : 0;
            nbits = nbits + bw - 64;
        } else {
            nbits += bw;
        }
    }
    for (; nbits > 0; nbits -= 8) {
        *p++ = (uint8_t)acc;
        acc >>= 8;
    }
    out->len += bytes;
    return 0;
}

/* One bit-packed run of groups of 8 (the last group zero-padded). */
#define EMIT_PACKED(T)                                                                             \
    static int packed_##T(pq_buf *out, const T *v, size_t n, int bw)                               \
    {                                                                                              \
        size_t groups = (n + 7) / 8;                                                               \
        if (pq_buf_uvarint(out, (uint64_t)groups << 1 | 1))                                        \
            return -1;                                                                             \
        uint64_t tmp[64];                                                                          \
        size_t i = 0;                                                                              \
        while (i < groups * 8) {                                                                   \
            size_t k = 0;                                                                          \
            for (; k < 64 && i < groups * 8; k++, i++)                                             \
                tmp[k] = i < n ? (uint64_t)v[i] : 0;                                               \
            if (pq_bitpack(out, tmp, k, bw))                                                       \
                return -1;                                                                         \
        }                                                                                          \
        return 0;                                                                                  \
    }

/* Runs of >= 8 equal values become RLE runs; the literal stretch before a
 * run is kept a multiple of 8 so no padding lands mid-stream. */
#define EMIT_RLE(T)                                                                                \
    EMIT_PACKED(T)                                                                                 \
    int pq_rle_##T(pq_buf *out, const T *v, size_t n, int bw)                                      \
    {                                                                                              \
        size_t i = 0, lit = 0;                                                                     \
        int vbytes = (bw + 7) / 8;                                                                 \
        while (i < n) {                                                                            \
            size_t r = 1;                                                                          \
            while (i + r < n && v[i + r] == v[i])                                                  \
                r++;                                                                               \
            if (r < 8) {                                                                           \
                i += r;                                                                            \
                continue;                                                                          \
            }                                                                                      \
            size_t pad = (8 - (i - lit) % 8) % 8;                                                  \
            if (r - pad < 8) {                                                                     \
                i += r;                                                                            \
                continue;                                                                          \
            }                                                                                      \
            i += pad;                                                                              \
            r -= pad;                                                                              \
            if (i > lit && packed_##T(out, v + lit, i - lit, bw))                                  \
                return -1;                                                                         \
            if (pq_buf_uvarint(out, (uint64_t)r << 1))                                             \
                return -1;                                                                         \
            uint64_t x = v[i];                                                                     \
            for (int b = 0; b < vbytes; b++)                                                       \
                if (pq_buf_u8(out, (uint8_t)(x >> (8 * b))))                                       \
                    return -1;                                                                     \
            i += r;                                                                                \
            lit = i;                                                                               \
        }                                                                                          \
        if (n > lit && packed_##T(out, v + lit, n - lit, bw))                                      \
            return -1;                                                                             \
        return 0;                                                                                  \
    }

typedef uint8_t u8;
typedef uint32_t u32;
EMIT_RLE(u8)
EMIT_RLE(u32)

int pq_plain_bool(pq_buf *out, const uint8_t *v, size_t n)
{
    if (pq_buf_reserve(out, (n + 7) / 8))
        return -1;
    uint8_t *p = out->p + out->len;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint8_t b = 0;
        for (int k = 0; k < 8; k++)
            b |= (uint8_t)((v[i + k] & 1) << k);
        *p++ = b;
    }
    if (i < n) {
        uint8_t b = 0;
        for (int k = 0; i + (size_t)k < n; k++)
            b |= (uint8_t)((v[i + k] & 1) << k);
        *p++ = b;
    }
    out->len += (n + 7) / 8;
    return 0;
}

#define DELTA_BLOCK 128
#define DELTA_MINIBLOCKS 4
#define DELTA_MB_VALUES (DELTA_BLOCK / DELTA_MINIBLOCKS)

/* Deltas are computed with unsigned wraparound in the column's own width,
 * as Encodings.md allows, so readers restore values by wrapping addition. */
static int delta_blocks(pq_buf *out, const uint64_t *d, size_t nd, int width)
{
    uint64_t wmask = width == 64 ? ~(uint64_t)0 : 0xffffffffu;
    for (size_t s = 0; s < nd; s += DELTA_BLOCK) {
        size_t m = nd - s < DELTA_BLOCK ? nd - s : DELTA_BLOCK;
        const uint64_t *blk = d + s;
        int64_t min = INT64_MAX;
        for (size_t j = 0; j < m; j++) {
            int64_t x = width == 64 ? (int64_t)blk[j] : (int64_t)(int32_t)(uint32_t)blk[j];
            if (x < min)
                min = x;
        }
        if (pq_buf_uvarint(out, pq_zigzag64(min)))
            return -1;
        uint64_t rel[DELTA_BLOCK];
        for (size_t j = 0; j < DELTA_BLOCK; j++)
            rel[j] = j < m ? (blk[j] - (uint64_t)min) & wmask : 0;
        int bws[DELTA_MINIBLOCKS];
        for (int k = 0; k < DELTA_MINIBLOCKS; k++) {
            uint64_t mx = 0;
            for (int j = 0; j < DELTA_MB_VALUES; j++)
                mx |= rel[k * DELTA_MB_VALUES + j];
            bws[k] = (size_t)k * DELTA_MB_VALUES < m ? pq_bit_width(mx) : 0;
            if (pq_buf_u8(out, (uint8_t)bws[k]))
                return -1;
        }
        for (int k = 0; k < DELTA_MINIBLOCKS && (size_t)k * DELTA_MB_VALUES < m; k++)
            if (pq_bitpack(out, rel + k * DELTA_MB_VALUES, DELTA_MB_VALUES, bws[k]))
                return -1;
    }
    return 0;
}

static int delta_header(pq_buf *out, size_t n, int64_t first)
{
    if (pq_buf_uvarint(out, DELTA_BLOCK) || pq_buf_uvarint(out, DELTA_MINIBLOCKS) ||
        pq_buf_uvarint(out, n) || pq_buf_uvarint(out, pq_zigzag64(first)))
        return -1;
    return 0;
}

/* pq_delta_i32 and pq_delta_i64: the deltas of T values wrap around in
 * their width (BITS), computed as unsigned UT. */
#define EMIT_DELTA(NAME, T, UT, BITS)                                                              \
    int pq_delta_##NAME(pq_buf *out, const T *v, size_t n)                                         \
    {                                                                                              \
        if (delta_header(out, n, n ? v[0] : 0))                                                    \
            return -1;                                                                             \
        uint64_t d[DELTA_BLOCK];                                                                   \
        for (size_t s = 1; s < n; s += DELTA_BLOCK) {                                              \
            size_t m = n - s < DELTA_BLOCK ? n - s : DELTA_BLOCK;                                  \
            for (size_t j = 0; j < m; j++)                                                         \
                d[j] = (UT)v[s + j] - (UT)v[s + j - 1];                                            \
            if (delta_blocks(out, d, m, BITS))                                                     \
                return -1;                                                                         \
        }                                                                                          \
        return 0;                                                                                  \
    }

EMIT_DELTA(i32, int32_t, uint32_t, 32)
EMIT_DELTA(i64, int64_t, uint64_t, 64)
