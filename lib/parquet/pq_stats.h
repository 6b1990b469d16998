/* Column chunk statistics (parquet.thrift Statistics): min/max in the
 * column's TypeDefinedOrder (signed or unsigned ints, false < true, byte
 * arrays unsigned lexicographic) and null_count. */
#ifndef CF_PQ_STATS_H
#define CF_PQ_STATS_H

#include "parquet/pq_buf.h"
#include "parquet/thrift_compact.h"

/* Byte-array min/max longer than this are left out of the statistics. */
#define PQ_STATS_MAX_BOUND 4096

typedef enum { PQ_ORDER_SIGNED, PQ_ORDER_UNSIGNED, PQ_ORDER_BYTES } pq_order;

typedef struct pq_stats {
    int64_t imin, imax;
    int has;        /* at least one non-null value seen */
    int width;      /* 1 (bool), 4, 8, or 0 for byte arrays */
    pq_order order; /* how ints compare */
    int err;        /* out of memory while copying a byte-array bound */
    int64_t null_count;
    pq_buf bmin, bmax; /* byte arrays */
} pq_stats;

void pq_stats_init(pq_stats *s, int width, pq_order order);
void pq_stats_reset(pq_stats *s);
void pq_stats_free(pq_stats *s);

static inline void pq_stats_int(pq_stats *s, int64_t v)
{
    if (!s->has) {
        s->imin = s->imax = v;
        s->has = 1;
    } else if (s->order == PQ_ORDER_UNSIGNED) {
        /* Unsigned order: INT32 values are taken as uint32, INT64 as uint64. */
        uint64_t m = s->width == 4 ? 0xffffffffu : ~(uint64_t)0;
        uint64_t u = (uint64_t)v & m;
        if (u < ((uint64_t)s->imin & m))
            s->imin = v;
        if (u > ((uint64_t)s->imax & m))
            s->imax = v;
    } else {
        if (v < s->imin)
            s->imin = v;
        if (v > s->imax)
            s->imax = v;
    }
}

void pq_stats_bytes(pq_stats *s, const void *p, uint32_t len);

/* Folds a buffer of PLAIN values into the bounds: width 1 (one byte per
 * bool), 4 or 8 (host-order ints), 0 (4-byte length + bytes each). */
void pq_stats_scan(pq_stats *s, const uint8_t *p, size_t len);

/* Unsigned lexicographic compare, shorter prefix first. */
int pq_bytes_cmp(const void *a, size_t alen, const void *b, size_t blen);

/* Writes a Statistics struct as field id of the current struct. */
void pq_stats_write(const pq_stats *s, tc_writer *t, int16_t id);

#endif
