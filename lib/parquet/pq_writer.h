/* Parquet file writer (internal API of libcustomflow).
 *
 * Written from the Apache Parquet format specification (parquet-format:
 * parquet.thrift, Encodings.md, LogicalTypes.md, nested encoding with
 * repetition/definition levels). One writer writes one file: open it with a
 * schema of flat columns, append rows value by value, close it. A file is
 * written to "PATH.tmp-XXXXXX" and renamed to PATH only by a successful
 * pq_close(); pq_abort() and every error path remove the temporary file.
 *
 * Row model: for each row, every column receives exactly one call
 * (a value, a NULL for optional columns, or one list for list columns),
 * in any column order, then pq_end_row(). Row groups are closed when their
 * buffered uncompressed size reaches opts.row_group_bytes.
 */
#ifndef CF_PQ_WRITER_H
#define CF_PQ_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef enum { PQ_BOOLEAN, PQ_INT32, PQ_INT64, PQ_BYTE_ARRAY } pq_physical;

typedef enum {
    PQ_LOGICAL_NONE,
    PQ_LOGICAL_STRING,           /* BYTE_ARRAY, UTF8 */
    PQ_LOGICAL_TIMESTAMP_MICROS, /* INT64, isAdjustedToUTC=true, MICROS */
    PQ_LOGICAL_INT,              /* INT32/INT64 with int_bits and is_signed */
} pq_logical;

typedef enum {
    PQ_REQUIRED,
    PQ_OPTIONAL,
    /* Standard three-level LIST: optional group NAME (LIST) { repeated group
     * list { required <type> element; } }. The list itself may be NULL. */
    PQ_LIST,
} pq_repetition;

typedef enum {
    PQ_ENC_AUTO,       /* dictionary for BYTE_ARRAY/STRING, PLAIN otherwise */
    PQ_ENC_PLAIN,      /* always PLAIN */
    PQ_ENC_DICTIONARY, /* RLE_DICTIONARY, falling back to PLAIN when large */
    PQ_ENC_DELTA,      /* DELTA_BINARY_PACKED (INT32/INT64 only) */
} pq_encoding_hint;

/* ZSTD is 0 so that a zeroed pq_options gets the default codec. */
typedef enum { PQ_CODEC_ZSTD, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_UNCOMPRESSED } pq_codec;

typedef struct pq_column_spec {
    const char *name;
    pq_physical type;
    pq_logical logical;
    uint8_t int_bits;  /* 8, 16, 32, 64 for PQ_LOGICAL_INT */
    uint8_t is_signed; /* for PQ_LOGICAL_INT */
    pq_repetition repetition;
    pq_encoding_hint encoding;
} pq_column_spec;

typedef struct pq_options {
    pq_codec codec;         /* default ZSTD */
    int compression_level;  /* 0: codec default */
    size_t row_group_bytes; /* 0: 64 MiB of uncompressed data */
    size_t page_bytes;      /* 0: 1 MiB target per data page */
    const char *created_by; /* 0: "customflow <version>" */
} pq_options;

typedef struct pq_writer pq_writer;

/* Returns NULL and writes a one-line message into err on failure. */
pq_writer *pq_open(const char *path, const pq_column_spec *cols, size_t ncols,
                   const pq_options *opts, char *err, size_t errlen);

/* Key-value metadata for the footer; may be called any time before close.
 * Setting an existing key replaces its value. */
int pq_set_kv(pq_writer *w, const char *key, const char *value);

/* Values for the current row. Return 0, or -1 on error (message kept in the
 * writer, see pq_error). INT32 columns take int32 (8/16-bit logical ints are
 * stored as INT32 per the spec); BOOLEAN takes pq_put_bool. */
int pq_put_bool(pq_writer *w, size_t col, int v);
int pq_put_int32(pq_writer *w, size_t col, int32_t v);
int pq_put_int64(pq_writer *w, size_t col, int64_t v);
int pq_put_bytes(pq_writer *w, size_t col, const void *data, uint32_t len);
int pq_put_null(pq_writer *w, size_t col); /* optional column, or a NULL list */

/* Values for n consecutive columns first_col..first_col+n-1 of the current
 * row, all PQ_REQUIRED INT32 (resp. INT64) columns whose encoding is not
 * dictionary (PLAIN, DELTA, or AUTO for ints). The same as n single puts,
 * without the per-value overhead; for wide schemas. n may be 0. */
int pq_put_int32_run(pq_writer *w, size_t first_col, const int32_t *v, size_t n);
int pq_put_int64_run(pq_writer *w, size_t first_col, const int64_t *v, size_t n);

/* Columns filled by the caller, column by column, when a row group is
 * written, rather than row by row: for wide schemas whose rows would
 * otherwise touch thousands of column buffers each. The values are the
 * caller's to keep until then (it knows when a row group was written from
 * pq_row_group_rows). Columns first_col..first_col+n-1 must be PQ_REQUIRED
 * INT32 or INT64 columns without dictionary encoding; set before the first
 * row. fill(ctx, col, k, nrows, out) writes the values of rows 0..nrows-1
 * of the open row group for columns col..col+k-1 (k <= 64), column j's into
 * out[j] (int32_t or int64_t per the column's type), and returns 0 (or
 * non-zero to fail the write). The file is byte for byte the one that the
 * same values put row by row give. */
typedef int (*pq_fill_fn)(void *ctx, size_t col, size_t k, size_t nrows, void *const *out);
int pq_set_filler(pq_writer *w, size_t first_col, size_t n, pq_fill_fn fill, void *ctx);
/* The open row has its values for the filled columns (in the caller's
 * keeping). */
int pq_put_filled(pq_writer *w);
/* Rows of the open row group (0 right after one was written). */
uint64_t pq_row_group_rows(const pq_writer *w);

/* One whole list value for a PQ_LIST column (n may be 0: an empty list). */
int pq_put_list_int32(pq_writer *w, size_t col, const int32_t *v, size_t n);
int pq_put_list_int64(pq_writer *w, size_t col, const int64_t *v, size_t n);
int pq_put_list_bytes(pq_writer *w, size_t col, const uint8_t *const *data, const uint32_t *lens,
                      size_t n);

/* Ends the row; every column must have received its value. */
int pq_end_row(pq_writer *w);

/* Writes the footer, flushes, fsyncs and renames into place. Frees w.
 * Returns 0, or -1 with a message in err (and no file left behind). */
int pq_close(pq_writer *w, char *err, size_t errlen);

/* Drops the file being written and frees w. */
void pq_abort(pq_writer *w);

/* The last error message of w. */
const char *pq_error(const pq_writer *w);

/* Rows written so far (all row groups). */
uint64_t pq_rows(const pq_writer *w);

#endif
