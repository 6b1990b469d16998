/* Parquet encoding decoders; see pq_read_enc.h. */
#include "parquet/pq_read_enc.h"

int pq_read_bit_width(uint64_t v)
{
    int b = 0;
    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

static int uvarint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t b = *p++;
        if (shift == 63 && (b & 0x7e))
            return -1;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* Value k of a little-endian, LSB-first bit-packed run of width bw
 * (bw <= 64); the caller has checked that the bits are inside p. */
static uint64_t unpack_one(const uint8_t *p, size_t k, int bw)
{
    if (bw == 0)
        return 0;
    uint64_t bit = (uint64_t)k * (uint64_t)bw;
    const uint8_t *q = p + bit / 8;
    int shift = (int)(bit % 8);
    int need = (shift + bw + 7) / 8; /* at most 9 bytes */
    uint64_t lo = 0;
    int nb = need > 8 ? 8 : need;
    for (int i = 0; i < nb; i++)
        lo |= (uint64_t)q[i] << (8 * i);
    uint64_t v = lo >> shift;
    if (need > 8)
        v |= (uint64_t)q[8] << (64 - shift);
    if (bw < 64)
        v &= ((uint64_t)1 << bw) - 1;
    return v;
}

int pq_rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count, size_t *used,
                  const char **why)
{
    const uint8_t *s = p, *end = p + n;
    size_t got = 0;
    if (bw < 0 || bw > 32) {
        *why = "bad bit width";
        return -1;
    }
    while (got < count) {
        uint64_t h;
        if (uvarint(&p, end, &h)) {
            *why = "truncated RLE/bit-packed data";
            return -1;
        }
        if (h & 1) {
            uint64_t groups = h >> 1;
            if (groups == 0 || (bw && groups > (uint64_t)(end - p) / (uint64_t)bw)) {
                *why = "bit-packed run beyond the data";
                return -1;
            }
            uint64_t nv = groups > count ? (uint64_t)count * 8 : groups * 8;
            size_t bytes = (size_t)(groups * (uint64_t)bw);
            for (uint64_t k = 0; k < nv && got < count; k++)
                out[got++] = (uint32_t)unpack_one(p, (size_t)k, bw);
            p += bytes;
        } else {
            uint64_t run = h >> 1;
            size_t vb = (size_t)(bw + 7) / 8;
            if (run == 0 || vb > (size_t)(end - p)) {
                *why = run ? "truncated RLE run" : "empty RLE run";
                return -1;
            }
            uint32_t v = 0;
            for (size_t i = 0; i < vb; i++)
                v |= (uint32_t)p[i] << (8 * i);
            p += vb;
            if (bw < 32 && (v >> bw)) {
                *why = "RLE value wider than its bit width";
                return -1;
            }
            for (uint64_t k = 0; k < run && got < count; k++)
                out[got++] = v;
        }
    }
    if (used)
        *used = (size_t)(p - s);
    return 0;
}

int pq_delta_decode(const uint8_t *p, size_t n, int64_t *out, size_t count, size_t *used,
                    const char **why)
{
    const uint8_t *s = p, *end = p + n;
    uint64_t block, nmini, total, first;
    if (uvarint(&p, end, &block) || uvarint(&p, end, &nmini) || uvarint(&p, end, &total) ||
        uvarint(&p, end, &first)) {
        *why = "truncated DELTA_BINARY_PACKED header";
        return -1;
    }
    if (block == 0 || block % 128 || block > (1u << 20) || nmini == 0 || block % nmini ||
        (block / nmini) % 32) {
        *why = "bad DELTA_BINARY_PACKED block size";
        return -1;
    }
    if (total != count) {
        *why = "DELTA_BINARY_PACKED value count mismatch";
        return -1;
    }
    uint64_t per_mini = block / nmini;
    uint64_t cur = (first >> 1) ^ -(first & 1);
    size_t got = 0;
    if (count)
        out[got++] = (int64_t)cur;
    while (got < count) {
        uint64_t zmin;
        if (uvarint(&p, end, &zmin) || (uint64_t)(end - p) < nmini) {
            *why = "truncated DELTA_BINARY_PACKED block";
            return -1;
        }
        uint64_t min_delta = (zmin >> 1) ^ -(zmin & 1);
        const uint8_t *widths = p;
        p += nmini;
        for (uint64_t m = 0; m < nmini && got < count; m++) {
            int bw = widths[m];
            if (bw > 64) {
                *why = "bad DELTA_BINARY_PACKED bit width";
                return -1;
            }
            size_t bytes = (size_t)(per_mini * (uint64_t)bw / 8);
            uint64_t take = count - got < per_mini ? count - got : per_mini;
            if ((take * (uint64_t)bw + 7) / 8 > (uint64_t)(end - p)) {
                *why = "truncated DELTA_BINARY_PACKED miniblock";
                return -1;
            }
            for (uint64_t k = 0; k < take; k++) {
                cur += min_delta + unpack_one(p, (size_t)k, bw);
                out[got++] = (int64_t)cur;
            }
            /* the last miniblock's padding may be cut short */
            p += bytes < (size_t)(end - p) ? bytes : (size_t)(end - p);
        }
    }
    if (used)
        *used = (size_t)(p - s);
    return 0;
}
