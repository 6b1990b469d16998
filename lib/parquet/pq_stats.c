/* Column chunk statistics. */
#include "parquet/pq_stats.h"

#include "parquet/pq_format.h"

void pq_stats_init(pq_stats *s, int width, pq_order order)
{
    memset(s, 0, sizeof *s);
    s->width = width;
    s->order = order;
}

void pq_stats_reset(pq_stats *s)
{
    s->has = 0;
    s->null_count = 0;
    s->bmin.len = s->bmax.len = 0;
}

void pq_stats_free(pq_stats *s)
{
    pq_buf_free(&s->bmin);
    pq_buf_free(&s->bmax);
}

int pq_bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static void set_bound(pq_stats *s, pq_buf *b, const void *p, uint32_t len)
{
    b->len = 0;
    if (pq_buf_append(b, p, len))
        s->err = 1;
}

void pq_stats_bytes(pq_stats *s, const void *p, uint32_t len)
{
    if (!s->has) {
        set_bound(s, &s->bmin, p, len);
        set_bound(s, &s->bmax, p, len);
        s->has = 1;
        return;
    }
    if (pq_bytes_cmp(p, len, s->bmin.p, s->bmin.len) < 0)
        set_bound(s, &s->bmin, p, len);
    else if (pq_bytes_cmp(p, len, s->bmax.p, s->bmax.len) > 0)
        set_bound(s, &s->bmax, p, len);
}

/* Min/max of n ints as signed or (flip of the sign bit) unsigned. Eight
 * running bounds side by side, so that the compiler keeps them in vector
 * registers (wide files scan billions of values). */
#if defined(__GNUC__) && !defined(__clang__)
#define VECTORIZE __attribute__((optimize("O3", "vect-cost-model=dynamic")))
#else
#define VECTORIZE
#endif
#define SCAN_INT(NAME, T, UT, BITS)                                                                \
    VECTORIZE static void NAME(pq_stats *s, const uint8_t *p, size_t n)                            \
    {                                                                                              \
        if (!n)                                                                                    \
            return;                                                                                \
        UT flip = s->order == PQ_ORDER_UNSIGNED ? (UT)1 << (BITS - 1) : 0;                         \
        T mn, mx, v;                                                                               \
        memcpy(&v, p, sizeof v);                                                                   \
        mn = mx = (T)((UT)v ^ flip);                                                               \
        size_t i = 1;                                                                              \
        if (n >= 9) {                                                                              \
            T mn8[8], mx8[8];                                                                      \
            for (int j = 0; j < 8; j++)                                                            \
                mn8[j] = mx8[j] = mn;                                                              \
            for (; i + 8 <= n; i += 8) {                                                           \
                T x[8];                                                                            \
                memcpy(x, p + i * sizeof v, sizeof x);                                             \
                for (int j = 0; j < 8; j++) {                                                      \
                    T y = (T)((UT)x[j] ^ flip);                                                    \
                    mn8[j] = y < mn8[j] ? y : mn8[j];                                              \
                    mx8[j] = y > mx8[j] ? y : mx8[j];                                              \
                }                                                                                  \
            }                                                                                      \
            for (int j = 0; j < 8; j++) {                                                          \
                mn = mn8[j] < mn ? mn8[j] : mn;                                                    \
                mx = mx8[j] > mx ? mx8[j] : mx;                                                    \
            }                                                                                      \
        }                                                                                          \
        for (; i < n; i++) {                                                                       \
            memcpy(&v, p + i * sizeof v, sizeof v);                                                \
            v = (T)((UT)v ^ flip);                                                                 \
            mn = v < mn ? v : mn;                                                                  \
            mx = v > mx ? v : mx;                                                                  \
        }                                                                                          \
        pq_stats_int(s, (T)((UT)mn ^ flip));                                                       \
        pq_stats_int(s, (T)((UT)mx ^ flip));                                                       \
    }

SCAN_INT(scan_i32, int32_t, uint32_t, 32)
SCAN_INT(scan_i64, int64_t, uint64_t, 64)

void pq_stats_scan(pq_stats *s, const uint8_t *p, size_t len)
{
    switch (s->width) {
    case 1: {
        int seen[2] = {0, 0};
        for (size_t i = 0; i < len; i++)
            seen[p[i] & 1] = 1;
        if (seen[0])
            pq_stats_int(s, 0);
        if (seen[1])
            pq_stats_int(s, 1);
        break;
    }
    case 4:
        scan_i32(s, p, len / 4);
        break;
    case 8:
        scan_i64(s, p, len / 8);
        break;
    default:
        for (size_t i = 0; i + 4 <= len;) {
            uint32_t n = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                         (uint32_t)p[i + 3] << 24;
            if (n > len - i - 4)
                break;
            pq_stats_bytes(s, p + i + 4, n);
            i += 4 + (size_t)n;
        }
    }
}

void pq_stats_write(const pq_stats *s, tc_writer *t, int16_t id)
{
    tc_field_struct_begin(t, id);
    uint8_t mn[8], mx[8];
    const void *pmin = mn, *pmax = mx;
    size_t lmin = 0, lmax = 0;
    /* Very long byte-array bounds would bloat the footer: omit them. */
    int bounds =
        s->has && !s->err &&
        (s->width != 0 || (s->bmin.len <= PQ_STATS_MAX_BOUND && s->bmax.len <= PQ_STATS_MAX_BOUND));
    if (bounds) {
        if (s->width == 0) {
            pmin = s->bmin.p;
            lmin = s->bmin.len;
            pmax = s->bmax.p;
            lmax = s->bmax.len;
        } else {
            /* PLAIN encoding of the bound: 1-byte bool or little-endian int. */
            lmin = lmax = (size_t)s->width;
            pq_put_le64(mn, (uint64_t)s->imin);
            pq_put_le64(mx, (uint64_t)s->imax);
        }
        /* The legacy max/min are defined as signed order only. */
        if (s->order == PQ_ORDER_SIGNED) {
            tc_field_binary(t, PQ_STAT_MAX, pmax, lmax);
            tc_field_binary(t, PQ_STAT_MIN, pmin, lmin);
        }
    }
    tc_field_i64(t, PQ_STAT_NULL_COUNT, s->null_count);
    if (bounds) {
        tc_field_binary(t, PQ_STAT_MAX_VALUE, pmax, lmax);
        tc_field_binary(t, PQ_STAT_MIN_VALUE, pmin, lmin);
        tc_field_bool(t, PQ_STAT_IS_MAX_VALUE_EXACT, 1);
        tc_field_bool(t, PQ_STAT_IS_MIN_VALUE_EXACT, 1);
    }
    tc_struct_end(t);
}
