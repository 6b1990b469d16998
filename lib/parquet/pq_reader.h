/* Parquet file reader (internal API of libcustomflow), written from the
 * Apache Parquet format specification (parquet.thrift, Encodings.md, the
 * Thrift compact protocol). Enough for customflow's own files and the
 * common shapes of other writers: flat and nested schemas (levels are
 * returned as they are), data pages v1 and v2, dictionary pages, PLAIN,
 * PLAIN_DICTIONARY/RLE_DICTIONARY, RLE (booleans), DELTA_BINARY_PACKED,
 * codecs UNCOMPRESSED, SNAPPY, GZIP and ZSTD.
 *
 * Files are untrusted: every read is bounds-checked, allocations are
 * capped, and every failure is a one-line message naming the file. Only
 * the footer stays in memory; column chunks are read one at a time. */
#ifndef CF_PQ_READER_H
#define CF_PQ_READER_H

#include <stddef.h>
#include <stdint.h>

#include "parquet/pq_format.h"

/* Logical types (the LogicalType union member, or derived from the
 * ConvertedType when the file has only that). */
enum {
    PQR_LT_NONE = 0,
    PQR_LT_STRING,
    PQR_LT_LIST,
    PQR_LT_MAP,
    PQR_LT_INT,       /* int_bits, int_signed */
    PQR_LT_TIMESTAMP, /* time_unit, utc */
    PQR_LT_DATE,
    PQR_LT_OTHER,
};

typedef struct pq_leaf {
    const char *name; /* the leaf's own name */
    const char *path; /* dotted path from the root, e.g. "pkt_size.list.element" */
    const char *top;  /* the top-level field it belongs to, e.g. "pkt_size" */
    int type;         /* PQ_TYPE_BOOLEAN.. */
    int type_length;  /* FIXED_LEN_BYTE_ARRAY */
    int repetition;   /* PQ_REP_* (the leaf's own) */
    int converted;    /* ConvertedType, or -1 */
    int logical;      /* PQR_LT_* of the leaf */
    int top_logical;  /* PQR_LT_* of the top-level field (LIST for lists) */
    int int_bits, int_signed;
    int time_unit, utc; /* time_unit: PQ_UNIT_* */
    int max_def, max_rep;
} pq_leaf;

typedef struct pq_kv {
    const char *key;
    const char *value; /* "" when the file gives none */
} pq_kv;

typedef struct pq_reader pq_reader;

/* Opens PATH and parses its footer. NULL with a one-line message in err. */
pq_reader *pq_reader_open(const char *path, char *err, size_t errlen);
void pq_reader_close(pq_reader *r);

const char *pq_reader_path(const pq_reader *r);
int64_t pq_reader_num_rows(const pq_reader *r);
const char *pq_reader_created_by(const pq_reader *r); /* "" if none */

size_t pq_reader_num_leaves(const pq_reader *r);
const pq_leaf *pq_reader_leaf(const pq_reader *r, size_t i);
/* Index of the leaf whose top-level field (or dotted path) is NAME, or -1.
 * For a top-level name with several leaves (a struct), the first. */
long pq_reader_find(const pq_reader *r, const char *name);

size_t pq_reader_num_kv(const pq_reader *r);
const pq_kv *pq_reader_kv(const pq_reader *r, size_t i);
/* Value of KEY in the key-value metadata (last one wins), or NULL. */
const char *pq_reader_kv_get(const pq_reader *r, const char *key);

size_t pq_reader_num_row_groups(const pq_reader *r);
int64_t pq_reader_row_group_rows(const pq_reader *r, size_t rg);

/* One column chunk, decoded. n level entries (one per value, NULL or
 * empty list); nvals of them hold values (def == max_def). Values are in
 * the array matching the physical type:
 *   BOOLEAN, INT32, INT64        -> i[nvals]
 *   FLOAT, DOUBLE                -> d[nvals]
 *   BYTE_ARRAY, FIXED, INT96     -> value k is bytes[off[k] .. off[k+1]) */
typedef struct pq_column {
    int type;
    size_t n, nvals;
    uint8_t *def; /* n entries, NULL when max_def == 0 */
    uint8_t *rep; /* n entries, NULL when max_rep == 0 */
    int64_t *i;
    double *d;
    uint64_t *off; /* nvals + 1 */
    uint8_t *bytes;
    size_t cap_def, cap_rep, cap_i, cap_d, cap_off, cap_bytes; /* private */
} pq_column;

/* Reads leaf LEAF of row group RG into *out (initialised with {0}, or a
 * column reused from an earlier call: its buffers are reused). Returns 0,
 * or -1 with a one-line message in err naming the file and column. */
int pq_read_column(pq_reader *r, size_t rg, size_t leaf, pq_column *out, char *err, size_t errlen);
void pq_column_free(pq_column *c);

/* Limits (exposed for tests). */
#define PQR_MAX_FOOTER ((uint32_t)256 << 20)
#define PQR_MAX_PAGE ((size_t)1 << 30)
#define PQR_MAX_CHUNK_ENTRIES ((size_t)1 << 27)
#define PQR_MAX_CHUNK_BYTES ((size_t)1 << 30)

#endif
