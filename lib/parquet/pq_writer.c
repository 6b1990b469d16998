/* Parquet file writer: schema, column buffers, pages, row groups, footer.
 * Written from parquet-format (parquet.thrift, Encodings.md,
 * LogicalTypes.md). Values are buffered per column for the current page;
 * finished pages (compressed) are kept per column until the row group is
 * closed, so memory is bounded by one row group. */
#include "parquet/pq_writer.h"

#include "parquet/pq_buf.h"
#include "parquet/pq_compress.h"
#include "parquet/pq_dict.h"
#include "parquet/pq_encode.h"
#include "parquet/pq_format.h"
#include "parquet/pq_stats.h"
#include "parquet/thrift_compact.h"
#include "customflow.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "pq_writer buffers values in host order and assumes little-endian"
#endif

#define DEFAULT_ROW_GROUP_BYTES ((size_t)64 << 20)
#define DEFAULT_PAGE_BYTES ((size_t)1 << 20)
/* Dictionary fallback thresholds (the dictionary page stays one page). */
#define DICT_MAX_BYTES ((size_t)1 << 20)
#define DICT_MAX_ENTRIES ((uint32_t)1 << 18)
/* Keeps every page size within Thrift's i32. */
#define MAX_VALUE_BYTES ((uint32_t)1 << 30)
#define OUT_BUF_BYTES ((size_t)1 << 20)
#define FILL_BLOCK 64

typedef enum { MODE_PLAIN, MODE_DICT, MODE_DELTA } col_mode;

typedef struct pq_col {
    /* Hot fields in the first (64-byte aligned) cache line: a put of a
     * required value touches nothing else, which matters with thousands of
     * columns. */
    _Alignas(64) uint32_t slot; /* staged: byte offset of the value in a staged row */
    uint8_t staged;             /* required fixed-width non-dictionary column */
    uint8_t filled;             /* values come from the filler at flush */
    uint8_t type;               /* pq_physical */
    uint8_t rep;                /* pq_repetition */
    uint8_t max_def, max_rep;
    uint8_t mode; /* col_mode */
    uint8_t dict_full;
    uint32_t nlev;  /* level entries in the page */
    uint32_t nvals; /* non-null values in the page */
    pq_buf vals;    /* PLAIN bytes (bools: one byte each) */
    pq_buf def;     /* one byte per level */
    pq_stats stats;
    pq_buf rep_lv; /* repetition levels, one byte each */
    pq_buf idx;    /* uint32 dictionary indices */
    pq_dict dict;
    /* cold */
    int ptype; /* parquet.thrift Type */
    int width; /* plain value width: 1 bool, 4, 8, 0 byte arrays */
    col_mode start_mode;
    pq_column_spec spec;
    char *name;
    /* current column chunk */
    pq_buf pages; /* finished data pages: header + body */
    int64_t ch_values, ch_uncomp, ch_comp;
    unsigned enc_mask; /* bit per Encoding used by data pages */
} pq_col;

typedef struct kv {
    char *key, *value;
} kv;

struct pq_writer {
    char *path, *tmp;
    int fd;
    uint64_t off; /* bytes written to the file so far (incl. buffered) */
    pq_buf out;   /* write buffer */
    pq_col *cols;
    size_t ncols;
    pq_options opt;
    char *created_by;
    pq_compressor comp;
    pq_buf scratch, cbuf, hdr;
    pq_buf rgmeta; /* serialized RowGroup structs */
    size_t nrg;
    uint64_t *stamps; /* per column: w->cur when it got its value */
    /* Staging: values of required INT32/INT64 columns that are not
     * dictionary encoded are kept row by row (a put touches one row-major
     * block, not one buffer per column) and moved into the columns' page
     * buffers one block of rows at a time. */
    uint8_t *stage;
    size_t stage_row; /* bytes per staged row */
    size_t stage_cap; /* rows per block */
    size_t nstaged;   /* complete rows in the block; the open row is next */
    uint32_t *run32;  /* per column: consecutive staged INT32 columns from it */
    uint32_t *run64;  /* same for INT64 */
    /* Filled columns (pq_set_filler): fill_first..+fill_n-1. At flush,
     * blocks of FILL_BLOCK columns are filled into fill_out, then each is
     * paged, compressed and written before the next, through the shared
     * fill_vals and fill_pages buffers: memory for one block, not for
     * every column's chunk. */
    size_t fill_first, fill_n;
    size_t fill_bytes; /* of one row */
    pq_fill_fn fill;
    void *fill_ctx;
    int fill_set; /* the open row has its filled values */
    void *fill_out[FILL_BLOCK];
    pq_buf fill_vals, fill_pages;
    uint64_t cur;  /* stamp of the open row */
    size_t nput;   /* columns set in the open row */
    uint64_t rows; /* rows ended */
    uint64_t rg_rows;
    size_t rg_bytes;
    kv *kvs;
    size_t nkv;
    int failed; /* I/O or memory error: only close/abort remain */
    char err[512];
};

static void set_err(pq_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(pq_writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
}

static int fail(pq_writer *w, const char *what, int e)
{
    if (!w->failed)
        set_err(w, "%s: %s (%s)", w->path, what, strerror(e));
    w->failed = 1;
    return -1;
}

static int oom(pq_writer *w)
{
    return fail(w, "out of memory", ENOMEM);
}

/* ---- output ---- */

static int write_all(pq_writer *w, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return fail(w, "write failed", errno);
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int flush_out(pq_writer *w)
{
    int rc = write_all(w, w->out.p, w->out.len);
    w->out.len = 0;
    return rc;
}

static int emit(pq_writer *w, const void *p, size_t n)
{
    if (w->failed)
        return -1;
    w->off += n;
    if (w->out.len + n > OUT_BUF_BYTES) {
        if (flush_out(w))
            return -1;
        if (n >= OUT_BUF_BYTES)
            return write_all(w, p, n);
    }
    if (pq_buf_append(&w->out, p, n))
        return oom(w);
    return 0;
}

/* ---- pages ---- */

static void page_header(tc_writer *t, int type, size_t uncomp, size_t comp)
{
    tc_field_i32(t, PQ_PH_TYPE, type);
    tc_field_i32(t, PQ_PH_UNCOMPRESSED_PAGE_SIZE, (int32_t)uncomp);
    tc_field_i32(t, PQ_PH_COMPRESSED_PAGE_SIZE, (int32_t)comp);
}

/* Appends a finished page (header, then body: compressed, or raw when the
 * codec is none) to column c's chunk. */
static int add_page(pq_writer *w, pq_col *c, size_t raw_len, const pq_buf *body, uint32_t nlev,
                    int enc)
{
    if (body->len > INT32_MAX)
        return fail(w, "data page too large", EFBIG);
    w->hdr.len = 0;
    tc_writer t;
    tc_init(&t, &w->hdr);
    page_header(&t, PQ_PAGE_DATA, raw_len, body->len);
    tc_field_struct_begin(&t, PQ_PH_DATA_PAGE_HEADER);
    tc_field_i32(&t, PQ_DPH_NUM_VALUES, (int32_t)nlev);
    tc_field_i32(&t, PQ_DPH_ENCODING, enc);
    tc_field_i32(&t, PQ_DPH_DEFINITION_LEVEL_ENCODING, PQ_ENCODING_RLE);
    tc_field_i32(&t, PQ_DPH_REPETITION_LEVEL_ENCODING, PQ_ENCODING_RLE);
    tc_struct_end(&t);
    if (tc_finish(&t) || pq_buf_append(&c->pages, w->hdr.p, w->hdr.len) ||
        pq_buf_append(&c->pages, body->p, body->len))
        return oom(w);
    c->ch_values += nlev;
    c->ch_uncomp += (int64_t)(w->hdr.len + raw_len);
    c->ch_comp += (int64_t)(w->hdr.len + body->len);
    c->enc_mask |= 1u << enc;
    return 0;
}

/* Encodes the column's buffered page, compresses it and adds it to the
 * chunk. */
static int cut_page(pq_writer *w, pq_col *c)
{
    if (c->nlev == 0 || w->failed)
        return w->failed ? -1 : 0;
    /* Values not in a dictionary get their min/max here, in one pass,
     * rather than per put. */
    if (c->mode != MODE_DICT || c->nvals == 0)
        pq_stats_scan(&c->stats, c->vals.p, c->vals.len);
    pq_buf *s = &w->scratch;
    s->len = 0;
    int r = 0;
    /* v1 data page: rep levels, def levels, each with a 4-byte length. */
    if (c->max_rep) {
        size_t at = s->len;
        r |= pq_buf_le32(s, 0);
        r |= pq_rle_u8(s, c->rep_lv.p, c->rep_lv.len, pq_bit_width(c->max_rep));
        if (!r)
            pq_put_le32(s->p + at, (uint32_t)(s->len - at - 4));
    }
    if (c->max_def) {
        size_t at = s->len;
        r |= pq_buf_le32(s, 0);
        r |= pq_rle_u8(s, c->def.p, c->def.len, pq_bit_width(c->max_def));
        if (!r)
            pq_put_le32(s->p + at, (uint32_t)(s->len - at - 4));
    }
    int enc = PQ_ENCODING_PLAIN;
    if (c->mode == MODE_DICT && c->nvals) {
        /* Index bit width from the dictionary size so far (at least 1). */
        int bw = pq_bit_width(c->dict.n ? c->dict.n - 1 : 0);
        if (bw < 1)
            bw = 1;
        enc = PQ_ENCODING_RLE_DICTIONARY;
        r |= pq_buf_u8(s, (uint8_t)bw);
        r |= pq_rle_u32(s, (const uint32_t *)(const void *)c->idx.p, c->nvals, bw);
    } else if (c->mode == MODE_DELTA) {
        enc = PQ_ENCODING_DELTA_BINARY_PACKED;
        if (c->width == 4)
            r |= pq_delta_i32(s, (const int32_t *)(const void *)c->vals.p, c->nvals);
        else
            r |= pq_delta_i64(s, (const int64_t *)(const void *)c->vals.p, c->nvals);
    } else if (c->width == 1) {
        r |= pq_plain_bool(s, c->vals.p, c->vals.len);
    } else {
        r |= pq_buf_append(s, c->vals.p, c->vals.len);
    }
    if (r)
        return oom(w);
    if (s->len > INT32_MAX)
        return fail(w, "data page too large", EFBIG);
    uint32_t nlev = c->nlev;
    c->def.len = c->rep_lv.len = c->vals.len = c->idx.len = 0;
    c->nlev = c->nvals = 0;
    const pq_buf *body = s;
    if (w->opt.codec != PQ_CODEC_UNCOMPRESSED) {
        w->cbuf.len = 0;
        if (pq_compress(&w->comp, s->p, s->len, &w->cbuf))
            return fail(w, "compression failed", EIO);
        body = &w->cbuf;
    }
    return add_page(w, c, s->len, body, nlev, enc);
}

/* Moves the staged values of column c (rows [0, nrows) of the block) into
 * its page buffer, cutting pages exactly where per-value puts would have:
 * after the value that brings vals.len + nlev to page_bytes. */
static int drain_col(pq_writer *w, pq_col *c, const uint8_t *src, size_t stride, size_t nrows)
{
    const size_t width = (size_t)c->width;
    /* Values a page holds: the least n with (width + 1) * n >= page_bytes. */
    const size_t full = (w->opt.page_bytes + width) / (width + 1);
    size_t i = 0;
    while (i < nrows) {
        size_t room = full > c->nvals ? full - c->nvals : 1;
        size_t m = nrows - i < room ? nrows - i : room;
        if (pq_buf_reserve(&c->vals, m * width))
            return oom(w);
        uint8_t *dst = c->vals.p + c->vals.len;
        const uint8_t *p = src + i * stride;
        if (stride == width) {
            memcpy(dst, p, m * width);
        } else if (width == 4) {
            for (size_t k = 0; k < m; k++, p += stride)
                memcpy(dst + 4 * k, p, 4);
        } else {
            for (size_t k = 0; k < m; k++, p += stride)
                memcpy(dst + 8 * k, p, 8);
        }
        c->vals.len += m * width;
        c->nvals += (uint32_t)m;
        c->nlev += (uint32_t)m;
        i += m;
        if (m == room && cut_page(w, c))
            return -1;
    }
    return 0;
}

/* Moves every staged row into the column buffers. */
static int drain_stage(pq_writer *w)
{
    size_t n = w->nstaged;
    if (!n)
        return 0;
    w->nstaged = 0;
    if (w->failed)
        return -1;
    for (size_t i = 0; i < w->ncols; i++)
        if (w->cols[i].staged &&
            drain_col(w, &w->cols[i], w->stage + w->cols[i].slot, w->stage_row, n))
            return -1;
    return 0;
}

/* After a put: cut the page at its target size, or on dictionary overflow
 * cut it and continue the chunk in PLAIN. Always at a row boundary. */
static inline int after_put(pq_writer *w, pq_col *c)
{
    if (c->dict_full) {
        c->dict_full = 0;
        if (cut_page(w, c))
            return -1;
        c->mode = MODE_PLAIN;
        return 0;
    }
    /* In dictionary mode vals is empty and idx holds 4 bytes per value. */
    size_t est = c->mode == MODE_DICT ? (size_t)c->nvals * 4 : c->vals.len;
    if (est + c->nlev >= w->opt.page_bytes)
        return cut_page(w, c);
    return 0;
}

/* ---- value appends (no validation) ---- */

static inline int lev1(pq_col *c, uint8_t d)
{
    if (c->max_def && pq_buf_u8(&c->def, d))
        return -1;
    c->nlev++;
    return 0;
}

/* After a dictionary lookup: the value's index appended; a new entry may
 * fill the dictionary (then the column falls back to PLAIN). */
static inline int dict_index(pq_col *c, uint32_t ix, int added)
{
    if (pq_buf_le32(&c->idx, ix))
        return -1;
    if (added && (c->dict.plain.len >= DICT_MAX_BYTES || c->dict.n >= DICT_MAX_ENTRIES))
        c->dict_full = 1;
    return 0;
}

static inline int add_i32(pq_col *c, int32_t v)
{
    if (c->mode == MODE_DICT) {
        uint32_t ix;
        int added;
        if (pq_dict_i32(&c->dict, v, &ix, &added) || dict_index(c, ix, added))
            return -1;
        if (added)
            pq_stats_int(&c->stats, v);
    } else {
        if (pq_buf_le32(&c->vals, (uint32_t)v))
            return -1;
    }
    c->nvals++;
    return 0;
}

static inline int add_i64(pq_col *c, int64_t v)
{
    if (c->mode == MODE_DICT) {
        uint32_t ix;
        int added;
        if (pq_dict_i64(&c->dict, v, &ix, &added) || dict_index(c, ix, added))
            return -1;
        if (added)
            pq_stats_int(&c->stats, v);
    } else {
        if (pq_buf_le64(&c->vals, (uint64_t)v))
            return -1;
    }
    c->nvals++;
    return 0;
}

static inline int add_bytes(pq_col *c, const void *p, uint32_t len)
{
    if (c->mode == MODE_DICT) {
        uint32_t ix;
        int added;
        if (pq_dict_bytes(&c->dict, p, len, &ix, &added) || dict_index(c, ix, added))
            return -1;
        if (added)
            pq_stats_bytes(&c->stats, p, len);
    } else {
        if (pq_buf_le32(&c->vals, len) || pq_buf_append(&c->vals, p, len))
            return -1;
    }
    c->nvals++;
    return 0;
}

/* ---- API validation ---- */

enum { K_VALUE, K_NULL, K_LIST };

static const char *type_name(pq_physical t)
{
    switch (t) {
    case PQ_BOOLEAN:
        return "BOOLEAN";
    case PQ_INT32:
        return "INT32";
    case PQ_INT64:
        return "INT64";
    case PQ_BYTE_ARRAY:
        return "BYTE_ARRAY";
    }
    return "?";
}

/* Returns the column if the call fits it; kind K_NULL accepts any type. */
static pq_col *begin_put(pq_writer *w, size_t col, int kind, pq_physical type)
{
    if (!w)
        return NULL;
    if (w->failed)
        return NULL;
    if (col >= w->ncols) {
        set_err(w, "%s: column %zu out of range (%zu columns)", w->path, col, w->ncols);
        return NULL;
    }
    pq_col *c = &w->cols[col];
    if (kind != K_NULL && c->type != type) {
        set_err(w, "%s: column %s is %s, not %s", w->path, c->name, type_name(c->spec.type),
                type_name(type));
        return NULL;
    }
    if (kind == K_NULL && c->rep == PQ_REQUIRED) {
        set_err(w, "%s: NULL for required column %s", w->path, c->name);
        return NULL;
    }
    if (kind == K_LIST && c->rep != PQ_LIST) {
        set_err(w, "%s: list value for non-list column %s", w->path, c->name);
        return NULL;
    }
    if (kind == K_VALUE && c->rep == PQ_LIST) {
        set_err(w, "%s: single value for list column %s", w->path, c->name);
        return NULL;
    }
    if (c->filled) {
        set_err(w, "%s: column %s is filled at flush, not put", w->path, c->name);
        return NULL;
    }
    if (w->stamps[col] == w->cur) {
        set_err(w, "%s: column %s set twice in row %" PRIu64, w->path, c->name, w->rows);
        return NULL;
    }
    w->stamps[col] = w->cur;
    w->nput++;
    return c;
}

static int put_done(pq_writer *w, pq_col *c, int rc, size_t bytes)
{
    if (rc)
        return oom(w);
    w->rg_bytes += bytes;
    return after_put(w, c);
}

int pq_put_bool(pq_writer *w, size_t col, int v)
{
    pq_col *c = begin_put(w, col, K_VALUE, PQ_BOOLEAN);
    if (!c)
        return -1;
    int rc = lev1(c, 1) || pq_buf_u8(&c->vals, v ? 1 : 0);
    if (!rc)
        c->nvals++;
    return put_done(w, c, rc, 1);
}

static inline uint8_t *stage_at(pq_writer *w, const pq_col *c)
{
    return w->stage + w->nstaged * w->stage_row + c->slot;
}

int pq_put_int32(pq_writer *w, size_t col, int32_t v)
{
    pq_col *c = begin_put(w, col, K_VALUE, PQ_INT32);
    if (!c)
        return -1;
    if (c->staged) {
        memcpy(stage_at(w, c), &v, 4);
        w->rg_bytes += 4;
        return 0;
    }
    return put_done(w, c, lev1(c, 1) || add_i32(c, v), 4);
}

int pq_put_int64(pq_writer *w, size_t col, int64_t v)
{
    pq_col *c = begin_put(w, col, K_VALUE, PQ_INT64);
    if (!c)
        return -1;
    if (c->staged) {
        memcpy(stage_at(w, c), &v, 8);
        w->rg_bytes += 8;
        return 0;
    }
    return put_done(w, c, lev1(c, 1) || add_i64(c, v), 8);
}

/* A run of n values for columns first..first+n-1, which must all be
 * staged columns of the given type (their staged slots are contiguous). */
static int put_run(pq_writer *w, size_t first, const void *v, size_t n, pq_physical type)
{
    if (!w || w->failed)
        return -1;
    if (n == 0)
        return 0;
    const uint32_t *run = type == PQ_INT32 ? w->run32 : w->run64;
    if (first >= w->ncols || n > w->ncols - first || !v || run[first] < n) {
        if (first >= w->ncols || n > w->ncols - first)
            set_err(w, "%s: columns %zu..%zu out of range (%zu columns)", w->path, first,
                    first + n - 1, w->ncols);
        else if (!v)
            set_err(w, "%s: NULL values for columns %zu..", w->path, first);
        else
            set_err(w, "%s: columns %zu..%zu are not all required plain %s columns", w->path, first,
                    first + n - 1, type_name(type));
        return -1;
    }
    uint64_t *st = w->stamps + first, cur = w->cur;
    int dup = 0;
    for (size_t k = 0; k < n; k++)
        dup |= st[k] == cur;
    if (dup) {
        size_t k = 0;
        while (st[k] != cur)
            k++;
        set_err(w, "%s: column %s set twice in row %" PRIu64, w->path, w->cols[first + k].name,
                w->rows);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        st[k] = cur;
    size_t width = type == PQ_INT32 ? 4 : 8;
    memcpy(stage_at(w, &w->cols[first]), v, n * width);
    w->nput += n;
    w->rg_bytes += n * width;
    return 0;
}

int pq_put_int32_run(pq_writer *w, size_t first_col, const int32_t *v, size_t n)
{
    return put_run(w, first_col, v, n, PQ_INT32);
}

int pq_put_int64_run(pq_writer *w, size_t first_col, const int64_t *v, size_t n)
{
    return put_run(w, first_col, v, n, PQ_INT64);
}

static int init_stage(pq_writer *w);

int pq_set_filler(pq_writer *w, size_t first_col, size_t n, pq_fill_fn fill, void *ctx)
{
    if (!w || w->failed)
        return -1;
    if (w->rows || w->nput || w->fill || !fill || first_col >= w->ncols || n == 0 ||
        n > w->ncols - first_col) {
        set_err(w, "%s: filled columns must be set once, in range, before the first row", w->path);
        return -1;
    }
    for (size_t i = first_col; i < first_col + n; i++) {
        const pq_col *c = &w->cols[i];
        if (c->rep != PQ_REQUIRED || (c->width != 4 && c->width != 8) ||
            c->start_mode == MODE_DICT || c->type == PQ_BOOLEAN) {
            set_err(w, "%s: column %s cannot be filled (required INT32/INT64 without a dictionary)",
                    w->path, c->name);
            return -1;
        }
    }
    for (size_t i = first_col; i < first_col + n; i++) {
        w->cols[i].filled = 1;
        w->fill_bytes += (size_t)w->cols[i].width;
    }
    w->fill_first = first_col;
    w->fill_n = n;
    w->fill = fill;
    w->fill_ctx = ctx;
    /* The staged row no longer holds the filled columns. */
    free(w->stamps);
    free(w->stage);
    free(w->run32);
    free(w->run64);
    w->stamps = NULL;
    w->stage = NULL;
    w->run32 = w->run64 = NULL;
    if (init_stage(w) != 0)
        return oom(w);
    return 0;
}

int pq_put_filled(pq_writer *w)
{
    if (!w || w->failed)
        return -1;
    if (!w->fill || w->fill_set) {
        set_err(w, "%s: %s", w->path,
                w->fill ? "filled columns set twice in a row" : "no filled columns");
        return -1;
    }
    w->fill_set = 1;
    w->nput += w->fill_n;
    w->rg_bytes += w->fill_bytes;
    return 0;
}

uint64_t pq_row_group_rows(const pq_writer *w)
{
    return w->rg_rows;
}

static int check_len(pq_writer *w, pq_col *c, uint32_t len)
{
    if (len <= MAX_VALUE_BYTES)
        return 0;
    set_err(w, "%s: value of %" PRIu32 " bytes too large for column %s", w->path, len, c->name);
    return -1;
}

static void unput(pq_writer *w, pq_col *c)
{
    w->stamps[c - w->cols] = 0;
    w->nput--;
}

int pq_put_bytes(pq_writer *w, size_t col, const void *data, uint32_t len)
{
    pq_col *c = begin_put(w, col, K_VALUE, PQ_BYTE_ARRAY);
    if (!c)
        return -1;
    if (check_len(w, c, len) || (!data && len)) {
        if (!data && len)
            set_err(w, "%s: NULL data pointer for column %s", w->path, c->name);
        unput(w, c);
        return -1;
    }
    return put_done(w, c, lev1(c, 1) || add_bytes(c, data, len), 4 + (size_t)len);
}

int pq_put_null(pq_writer *w, size_t col)
{
    pq_col *c = begin_put(w, col, K_NULL, PQ_BOOLEAN);
    if (!c)
        return -1;
    int rc = pq_buf_u8(&c->def, 0) || (c->max_rep && pq_buf_u8(&c->rep_lv, 0));
    c->nlev++;
    c->stats.null_count++;
    return put_done(w, c, rc, 1);
}

/* Levels of one list (LogicalTypes.md, three-level LIST): an empty list is
 * def 1; each element is def 2, rep 0 for the first and 1 after. */
static int list_levels(pq_col *c, size_t n)
{
    if (n == 0) {
        if (pq_buf_u8(&c->rep_lv, 0) || pq_buf_u8(&c->def, 1))
            return -1;
        c->nlev++;
        c->stats.null_count++;
        return 0;
    }
    if (pq_buf_reserve(&c->rep_lv, n) || pq_buf_reserve(&c->def, n))
        return -1;
    c->rep_lv.p[c->rep_lv.len] = 0;
    memset(c->rep_lv.p + c->rep_lv.len + 1, 1, n - 1);
    memset(c->def.p + c->def.len, 2, n);
    c->rep_lv.len += n;
    c->def.len += n;
    c->nlev += (uint32_t)n;
    return 0;
}

static pq_col *begin_list(pq_writer *w, size_t col, pq_physical type, const void *v, size_t n)
{
    pq_col *c = begin_put(w, col, K_LIST, type);
    if (!c)
        return NULL;
    if (n > MAX_VALUE_BYTES || (n && !v)) {
        set_err(w, "%s: bad list (%zu elements%s) for column %s", w->path, n,
                n && !v ? ", NULL pointer" : "", c->name);
        unput(w, c);
        return NULL;
    }
    return c;
}

int pq_put_list_int32(pq_writer *w, size_t col, const int32_t *v, size_t n)
{
    pq_col *c = begin_list(w, col, PQ_INT32, v, n);
    if (!c)
        return -1;
    int rc = list_levels(c, n);
    for (size_t i = 0; i < n && !rc; i++)
        rc = add_i32(c, v[i]);
    return put_done(w, c, rc, 1 + 4 * n);
}

int pq_put_list_int64(pq_writer *w, size_t col, const int64_t *v, size_t n)
{
    pq_col *c = begin_list(w, col, PQ_INT64, v, n);
    if (!c)
        return -1;
    int rc = list_levels(c, n);
    for (size_t i = 0; i < n && !rc; i++)
        rc = add_i64(c, v[i]);
    return put_done(w, c, rc, 1 + 8 * n);
}

int pq_put_list_bytes(pq_writer *w, size_t col, const uint8_t *const *data, const uint32_t *lens,
                      size_t n)
{
    pq_col *c = begin_list(w, col, PQ_BYTE_ARRAY, data, n);
    if (!c)
        return -1;
    size_t bytes = 1;
    if (n && !lens) {
        set_err(w, "%s: NULL lengths for column %s", w->path, c->name);
        unput(w, c);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (check_len(w, c, lens[i]) || (lens[i] && !data[i])) {
            if (lens[i] && !data[i])
                set_err(w, "%s: NULL element pointer for column %s", w->path, c->name);
            unput(w, c);
            return -1;
        }
        bytes += 4 + (size_t)lens[i];
    }
    int rc = list_levels(c, n);
    for (size_t i = 0; i < n && !rc; i++)
        rc = add_bytes(c, data[i], lens[i]);
    return put_done(w, c, rc, bytes);
}

/* ---- row groups ---- */

static void reset_chunk(pq_col *c)
{
    c->pages.len = 0;
    pq_dict_reset(&c->dict);
    pq_stats_reset(&c->stats);
    c->ch_values = c->ch_uncomp = c->ch_comp = 0;
    c->enc_mask = 0;
    c->mode = (uint8_t)c->start_mode;
    c->dict_full = 0;
}

static void column_meta(pq_writer *w, tc_writer *t, pq_col *c, int64_t data_off, int64_t dict_off,
                        int64_t uncomp, int64_t comp)
{
    tc_field_struct_begin(t, PQ_CC_META_DATA);
    tc_field_i32(t, PQ_CMD_TYPE, c->ptype);
    unsigned enc = c->enc_mask;
    if (dict_off >= 0)
        enc |= 1u << PQ_ENCODING_PLAIN; /* the dictionary page */
    if (c->max_def || dict_off >= 0)
        enc |= 1u << PQ_ENCODING_RLE;
    int nenc = 0;
    for (int e = 0; e < 32; e++)
        nenc += (enc >> e) & 1;
    tc_field_list_begin(t, PQ_CMD_ENCODINGS, TC_I32, (size_t)nenc);
    for (int e = 0; e < 32; e++)
        if ((enc >> e) & 1)
            tc_elem_i32(t, e);
    if (c->spec.repetition == PQ_LIST) {
        tc_field_list_begin(t, PQ_CMD_PATH_IN_SCHEMA, TC_BINARY, 3);
        tc_elem_binary(t, c->name, strlen(c->name));
        tc_elem_binary(t, "list", 4);
        tc_elem_binary(t, "element", 7);
    } else {
        tc_field_list_begin(t, PQ_CMD_PATH_IN_SCHEMA, TC_BINARY, 1);
        tc_elem_binary(t, c->name, strlen(c->name));
    }
    /* CompressionCodec numbers, in pq_codec order. */
    static const int32_t codec_ids[] = {PQ_COMPRESSION_ZSTD, PQ_COMPRESSION_SNAPPY,
                                        PQ_COMPRESSION_GZIP, PQ_COMPRESSION_UNCOMPRESSED};
    tc_field_i32(t, PQ_CMD_CODEC, codec_ids[w->opt.codec]);
    tc_field_i64(t, PQ_CMD_NUM_VALUES, c->ch_values);
    tc_field_i64(t, PQ_CMD_TOTAL_UNCOMPRESSED_SIZE, uncomp);
    tc_field_i64(t, PQ_CMD_TOTAL_COMPRESSED_SIZE, comp);
    tc_field_i64(t, PQ_CMD_DATA_PAGE_OFFSET, data_off);
    if (dict_off >= 0)
        tc_field_i64(t, PQ_CMD_DICTIONARY_PAGE_OFFSET, dict_off);
    pq_stats_write(&c->stats, t, PQ_CMD_STATISTICS);
    tc_struct_end(t);
}

/* Writes every column chunk of the open row group and records its
 * RowGroup metadata for the footer. */
/* Filled column i (the first of its block: the block is filled) into its
 * pages, as if its values had been put row by row. */
static int fill_col(pq_writer *w, size_t i)
{
    size_t j = (i - w->fill_first) % FILL_BLOCK;
    if (j == 0) {
        size_t k = w->fill_first + w->fill_n - i;
        if (k > FILL_BLOCK)
            k = FILL_BLOCK;
        for (size_t m = 0; m < k; m++) {
            void *p = realloc(w->fill_out[m], w->rg_rows ? w->rg_rows * 8 : 8);
            if (!p)
                return oom(w);
            w->fill_out[m] = p;
        }
        if (w->fill(w->fill_ctx, i, k, w->rg_rows, w->fill_out) != 0)
            return fail(w, "filling columns failed", EIO);
    }
    pq_col *c = &w->cols[i];
    return drain_col(w, c, w->fill_out[j], (size_t)c->width, w->rg_rows);
}

/* Lends the shared buffers to filled column c while it is written. */
static void swap_fill_bufs(pq_writer *w, pq_col *c)
{
    pq_buf v = c->vals, p = c->pages;
    c->vals = w->fill_vals;
    c->pages = w->fill_pages;
    w->fill_vals = v;
    w->fill_pages = p;
}

static int flush_row_group(pq_writer *w)
{
    if (w->failed || drain_stage(w))
        return -1;
    int64_t rg_off = (int64_t)w->off, rg_uncomp = 0, rg_comp = 0;
    tc_writer t;
    tc_init(&t, &w->rgmeta);
    tc_field_list_begin(&t, PQ_RG_COLUMNS, TC_STRUCT, w->ncols);
    for (size_t i = 0; i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        /* Each column is paged, compressed and written before the next. */
        if (c->filled)
            swap_fill_bufs(w, c);
        if ((c->filled && fill_col(w, i)) || cut_page(w, c))
            return -1;
        int64_t dict_off = -1, uncomp = c->ch_uncomp, comp = c->ch_comp;
        if (c->dict.n) {
            const pq_buf *body = &c->dict.plain;
            w->cbuf.len = 0;
            if (w->opt.codec != PQ_CODEC_UNCOMPRESSED) {
                if (pq_compress(&w->comp, body->p, body->len, &w->cbuf))
                    return fail(w, "compression failed", EIO);
                body = &w->cbuf;
            }
            w->hdr.len = 0;
            tc_writer h;
            tc_init(&h, &w->hdr);
            page_header(&h, PQ_PAGE_DICTIONARY, c->dict.plain.len, body->len);
            tc_field_struct_begin(&h, PQ_PH_DICTIONARY_PAGE_HEADER);
            tc_field_i32(&h, PQ_DICTPH_NUM_VALUES, (int32_t)c->dict.n);
            tc_field_i32(&h, PQ_DICTPH_ENCODING, PQ_ENCODING_PLAIN);
            tc_struct_end(&h);
            if (tc_finish(&h))
                return oom(w);
            dict_off = (int64_t)w->off;
            if (emit(w, w->hdr.p, w->hdr.len) || emit(w, body->p, body->len))
                return -1;
            uncomp += (int64_t)(w->hdr.len + c->dict.plain.len);
            comp += (int64_t)(w->hdr.len + body->len);
        }
        int64_t data_off = (int64_t)w->off;
        if (emit(w, c->pages.p, c->pages.len))
            return -1;
        tc_elem_struct_begin(&t);
        tc_field_i64(&t, PQ_CC_FILE_OFFSET, 0); /* no metadata outside the footer */
        column_meta(w, &t, c, data_off, dict_off, uncomp, comp);
        tc_struct_end(&t);
        if (c->stats.err)
            return oom(w);
        rg_uncomp += uncomp;
        rg_comp += comp;
        reset_chunk(c);
        if (c->filled)
            swap_fill_bufs(w, c);
    }
    tc_field_i64(&t, PQ_RG_TOTAL_BYTE_SIZE, rg_uncomp);
    tc_field_i64(&t, PQ_RG_NUM_ROWS, (int64_t)w->rg_rows);
    tc_field_i64(&t, PQ_RG_FILE_OFFSET, rg_off);
    tc_field_i64(&t, PQ_RG_TOTAL_COMPRESSED_SIZE, rg_comp);
    if (w->nrg < INT16_MAX)
        tc_field_i16(&t, PQ_RG_ORDINAL, (int16_t)w->nrg);
    if (tc_finish(&t))
        return oom(w);
    w->nrg++;
    w->rg_rows = 0;
    w->rg_bytes = 0;
    return 0;
}

int pq_end_row(pq_writer *w)
{
    if (!w || w->failed)
        return -1;
    if (w->nput != w->ncols) {
        for (size_t i = 0; i < w->ncols; i++)
            if (w->cols[i].filled ? !w->fill_set : w->stamps[i] != w->cur) {
                set_err(w, "%s: row %" PRIu64 " has no value for column %s", w->path, w->rows,
                        w->cols[i].name);
                break;
            }
        return -1;
    }
    w->cur++;
    w->nput = 0;
    w->fill_set = 0;
    w->rows++;
    w->rg_rows++;
    if (w->stage_row && ++w->nstaged == w->stage_cap && drain_stage(w))
        return -1;
    if (w->rg_bytes >= w->opt.row_group_bytes)
        return flush_row_group(w);
    return 0;
}

/* ---- schema and footer ---- */

static void logical_type(tc_writer *t, const pq_col *c, int list_leaf)
{
    (void)list_leaf;
    const pq_column_spec *s = &c->spec;
    if (s->logical == PQ_LOGICAL_NONE)
        return;
    if (s->logical == PQ_LOGICAL_STRING) {
        tc_field_i32(t, PQ_SE_CONVERTED_TYPE, PQ_CONV_UTF8);
    } else if (s->logical == PQ_LOGICAL_TIMESTAMP_MICROS) {
        tc_field_i32(t, PQ_SE_CONVERTED_TYPE, PQ_CONV_TIMESTAMP_MICROS);
    } else {
        int k = s->int_bits == 8 ? 0 : s->int_bits == 16 ? 1 : s->int_bits == 32 ? 2 : 3;
        tc_field_i32(t, PQ_SE_CONVERTED_TYPE, (s->is_signed ? PQ_CONV_INT_8 : PQ_CONV_UINT_8) + k);
    }
    tc_field_struct_begin(t, PQ_SE_LOGICAL_TYPE);
    if (s->logical == PQ_LOGICAL_STRING) {
        tc_field_struct_begin(t, PQ_LTYPE_STRING);
        tc_struct_end(t);
    } else if (s->logical == PQ_LOGICAL_TIMESTAMP_MICROS) {
        tc_field_struct_begin(t, PQ_LTYPE_TIMESTAMP);
        tc_field_bool(t, PQ_TS_IS_ADJUSTED_TO_UTC, 1);
        tc_field_struct_begin(t, PQ_TS_UNIT);
        tc_field_struct_begin(t, PQ_UNIT_MICROS);
        tc_struct_end(t);
        tc_struct_end(t);
        tc_struct_end(t);
    } else {
        tc_field_struct_begin(t, PQ_LTYPE_INTEGER);
        tc_field_i8(t, PQ_INT_BIT_WIDTH, (int8_t)s->int_bits);
        tc_field_bool(t, PQ_INT_IS_SIGNED, s->is_signed);
        tc_struct_end(t);
    }
    tc_struct_end(t);
}

static void schema(pq_writer *w, tc_writer *t)
{
    size_t n = 1;
    for (size_t i = 0; i < w->ncols; i++)
        n += w->cols[i].spec.repetition == PQ_LIST ? 3 : 1;
    tc_field_list_begin(t, PQ_FMD_SCHEMA, TC_STRUCT, n);
    tc_elem_struct_begin(t);
    tc_field_string(t, PQ_SE_NAME, "schema");
    tc_field_i32(t, PQ_SE_NUM_CHILDREN, (int32_t)w->ncols);
    tc_struct_end(t);
    for (size_t i = 0; i < w->ncols; i++) {
        const pq_col *c = &w->cols[i];
        if (c->spec.repetition == PQ_LIST) {
            tc_elem_struct_begin(t);
            tc_field_i32(t, PQ_SE_REPETITION_TYPE, PQ_REP_OPTIONAL);
            tc_field_string(t, PQ_SE_NAME, c->name);
            tc_field_i32(t, PQ_SE_NUM_CHILDREN, 1);
            tc_field_i32(t, PQ_SE_CONVERTED_TYPE, PQ_CONV_LIST);
            tc_field_struct_begin(t, PQ_SE_LOGICAL_TYPE);
            tc_field_struct_begin(t, PQ_LTYPE_LIST);
            tc_struct_end(t);
            tc_struct_end(t);
            tc_struct_end(t);
            tc_elem_struct_begin(t);
            tc_field_i32(t, PQ_SE_REPETITION_TYPE, PQ_REP_REPEATED);
            tc_field_string(t, PQ_SE_NAME, "list");
            tc_field_i32(t, PQ_SE_NUM_CHILDREN, 1);
            tc_struct_end(t);
        }
        tc_elem_struct_begin(t);
        tc_field_i32(t, PQ_SE_TYPE, c->ptype);
        tc_field_i32(t, PQ_SE_REPETITION_TYPE,
                     c->spec.repetition == PQ_OPTIONAL ? PQ_REP_OPTIONAL : PQ_REP_REQUIRED);
        tc_field_string(t, PQ_SE_NAME, c->spec.repetition == PQ_LIST ? "element" : c->name);
        logical_type(t, c, c->spec.repetition == PQ_LIST);
        tc_struct_end(t);
    }
}

static int write_footer(pq_writer *w)
{
    pq_buf *b = &w->scratch;
    b->len = 0;
    tc_writer t;
    tc_init(&t, b);
    tc_field_i32(&t, PQ_FMD_VERSION, 1);
    schema(w, &t);
    tc_field_i64(&t, PQ_FMD_NUM_ROWS, (int64_t)w->rows);
    tc_field_list_begin(&t, PQ_FMD_ROW_GROUPS, TC_STRUCT, w->nrg);
    tc_raw(&t, w->rgmeta.p, w->rgmeta.len);
    if (w->nkv) {
        tc_field_list_begin(&t, PQ_FMD_KEY_VALUE_METADATA, TC_STRUCT, w->nkv);
        for (size_t i = 0; i < w->nkv; i++) {
            tc_elem_struct_begin(&t);
            tc_field_string(&t, PQ_KV_KEY, w->kvs[i].key);
            if (w->kvs[i].value)
                tc_field_string(&t, PQ_KV_VALUE, w->kvs[i].value);
            tc_struct_end(&t);
        }
    }
    tc_field_string(&t, PQ_FMD_CREATED_BY, w->created_by);
    tc_field_list_begin(&t, PQ_FMD_COLUMN_ORDERS, TC_STRUCT, w->ncols);
    for (size_t i = 0; i < w->ncols; i++) {
        tc_elem_struct_begin(&t);
        tc_field_struct_begin(&t, PQ_CO_TYPE_ORDER); /* TypeDefinedOrder */
        tc_struct_end(&t);
        tc_struct_end(&t);
    }
    if (tc_finish(&t) || b->len > UINT32_MAX)
        return oom(w);
    uint8_t tail[8];
    pq_put_le32(tail, (uint32_t)b->len);
    memcpy(tail + 4, "PAR1", 4);
    if (emit(w, b->p, b->len) || emit(w, tail, 8) || flush_out(w))
        return -1;
    return 0;
}

/* ---- open / close ---- */

static void free_writer(pq_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0) {
        close(w->fd);
        w->fd = -1;
    }
    if (w->tmp)
        unlink(w->tmp);
    for (size_t i = 0; w->cols && i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        free(c->name);
        pq_buf_free(&c->def);
        pq_buf_free(&c->rep_lv);
        pq_buf_free(&c->vals);
        pq_buf_free(&c->idx);
        pq_buf_free(&c->pages);
        pq_dict_free(&c->dict);
        pq_stats_free(&c->stats);
    }
    free(w->cols);
    free(w->stamps);
    free(w->stage);
    free(w->run32);
    free(w->run64);
    for (size_t i = 0; i < FILL_BLOCK; i++)
        free(w->fill_out[i]);
    pq_buf_free(&w->fill_vals);
    pq_buf_free(&w->fill_pages);
    for (size_t i = 0; i < w->nkv; i++) {
        free(w->kvs[i].key);
        free(w->kvs[i].value);
    }
    free(w->kvs);
    pq_compress_free(&w->comp);
    pq_buf_free(&w->out);
    pq_buf_free(&w->scratch);
    pq_buf_free(&w->cbuf);
    pq_buf_free(&w->hdr);
    pq_buf_free(&w->rgmeta);
    free(w->created_by);
    free(w->path);
    free(w->tmp);
    free(w);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Checks one column spec; returns a static reason or NULL. */
static const char *bad_spec(const pq_column_spec *s)
{
    if (!s->name || !s->name[0])
        return "empty name";
    if ((unsigned)s->type > PQ_BYTE_ARRAY)
        return "unknown physical type";
    if ((unsigned)s->repetition > PQ_LIST)
        return "unknown repetition";
    if ((unsigned)s->encoding > PQ_ENC_DELTA)
        return "unknown encoding";
    switch (s->logical) {
    case PQ_LOGICAL_NONE:
        break;
    case PQ_LOGICAL_STRING:
        if (s->type != PQ_BYTE_ARRAY)
            return "STRING needs BYTE_ARRAY";
        break;
    case PQ_LOGICAL_TIMESTAMP_MICROS:
        if (s->type != PQ_INT64)
            return "TIMESTAMP needs INT64";
        break;
    case PQ_LOGICAL_INT:
        if (s->type == PQ_INT32 && (s->int_bits == 8 || s->int_bits == 16 || s->int_bits == 32))
            break;
        if (s->type == PQ_INT64 && s->int_bits == 64)
            break;
        return "INT logical type needs INT32 with 8/16/32 bits or INT64 with 64 bits";
    default:
        return "unknown logical type";
    }
    if (s->encoding == PQ_ENC_DELTA && s->type != PQ_INT32 && s->type != PQ_INT64)
        return "DELTA needs INT32 or INT64";
    if (s->repetition == PQ_LIST && s->type == PQ_BOOLEAN)
        return "lists of BOOLEAN are not supported";
    return NULL;
}

static void init_col(pq_col *c)
{
    const pq_column_spec *s = &c->spec;
    static const int ptypes[] = {PQ_TYPE_BOOLEAN, PQ_TYPE_INT32, PQ_TYPE_INT64, PQ_TYPE_BYTE_ARRAY};
    static const int widths[] = {1, 4, 8, 0};
    c->ptype = ptypes[s->type];
    c->width = widths[s->type];
    c->max_def = s->repetition == PQ_REQUIRED ? 0 : s->repetition == PQ_OPTIONAL ? 1 : 2;
    c->max_rep = s->repetition == PQ_LIST ? 1 : 0;
    switch (s->encoding) {
    case PQ_ENC_AUTO:
        c->start_mode = s->type == PQ_BYTE_ARRAY ? MODE_DICT : MODE_PLAIN;
        break;
    case PQ_ENC_PLAIN:
        c->start_mode = MODE_PLAIN;
        break;
    case PQ_ENC_DICTIONARY:
        c->start_mode = s->type == PQ_BOOLEAN ? MODE_PLAIN : MODE_DICT;
        break;
    case PQ_ENC_DELTA:
        c->start_mode = MODE_DELTA;
        break;
    }
    c->mode = (uint8_t)c->start_mode;
    c->type = (uint8_t)s->type;
    c->rep = (uint8_t)s->repetition;
    pq_dict_init(&c->dict, c->width == 1 ? 4 : c->width);
    pq_order order = s->type == PQ_BYTE_ARRAY                        ? PQ_ORDER_BYTES
                     : s->logical == PQ_LOGICAL_INT && !s->is_signed ? PQ_ORDER_UNSIGNED
                                                                     : PQ_ORDER_SIGNED;
    pq_stats_init(&c->stats, c->width, order);
}

/* Bytes of staged rows per block: large enough to amortise the move into
 * the columns, small enough to stay in cache while it is moved. */
#define STAGE_BLOCK_BYTES ((size_t)512 << 10)
#define STAGE_MAX_ROWS 256

static int init_stage(pq_writer *w)
{
    size_t n = w->ncols;
    w->stamps = calloc(n, sizeof *w->stamps);
    w->run32 = calloc(n, sizeof *w->run32);
    w->run64 = calloc(n, sizeof *w->run64);
    if (!w->stamps || !w->run32 || !w->run64)
        return -1;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        pq_col *c = &w->cols[i];
        c->staged = c->rep == PQ_REQUIRED && (c->width == 4 || c->width == 8) &&
                    c->start_mode != MODE_DICT && !c->filled;
        if (c->staged) {
            if (off > UINT32_MAX - 8)
                return -1;
            c->slot = (uint32_t)off;
            off += (size_t)c->width;
        }
    }
    for (size_t i = n; i-- > 0;) {
        const pq_col *c = &w->cols[i];
        if (c->staged && c->type == PQ_INT32)
            w->run32[i] = 1 + (i + 1 < n ? w->run32[i + 1] : 0);
        if (c->staged && c->type == PQ_INT64)
            w->run64[i] = 1 + (i + 1 < n ? w->run64[i + 1] : 0);
    }
    w->stage_row = off;
    if (!off)
        return 0;
    w->stage_cap = STAGE_BLOCK_BYTES / off;
    if (w->stage_cap > STAGE_MAX_ROWS)
        w->stage_cap = STAGE_MAX_ROWS;
    if (w->stage_cap < 1)
        w->stage_cap = 1;
    w->stage = malloc(w->stage_cap * off);
    return w->stage ? 0 : -1;
}

static pq_writer *open_error(pq_writer *w, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static pq_writer *open_error(pq_writer *w, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    free_writer(w);
    return NULL;
}

pq_writer *pq_open(const char *path, const pq_column_spec *cols, size_t ncols,
                   const pq_options *opts, char *err, size_t errlen)
{
    if (!path || !path[0])
        return open_error(NULL, err, errlen, "pq_open: empty path");
    if (!cols || ncols == 0)
        return open_error(NULL, err, errlen, "%s: no columns", path);
    if (ncols > INT32_MAX / 4)
        return open_error(NULL, err, errlen, "%s: too many columns", path);
    for (size_t i = 0; i < ncols; i++) {
        const char *why = bad_spec(&cols[i]);
        if (why)
            return open_error(NULL, err, errlen, "%s: column %zu (%s): %s", path, i,
                              cols[i].name ? cols[i].name : "?", why);
    }
    pq_writer *w = calloc(1, sizeof *w);
    if (!w)
        return open_error(NULL, err, errlen, "%s: out of memory", path);
    w->fd = -1;
    w->cur = 1;
    if (opts)
        w->opt = *opts;
    else
        w->opt.codec = PQ_CODEC_ZSTD;
    if (!w->opt.row_group_bytes)
        w->opt.row_group_bytes = DEFAULT_ROW_GROUP_BYTES;
    if (!w->opt.page_bytes)
        w->opt.page_bytes = DEFAULT_PAGE_BYTES;
    w->path = strdup(path);
    w->created_by = strdup(w->opt.created_by ? w->opt.created_by : "customflow " CF_VERSION_STRING);
    w->opt.created_by = NULL;
    w->cols = aligned_alloc(64, ncols * sizeof *w->cols);
    if (w->cols)
        memset(w->cols, 0, ncols * sizeof *w->cols);
    const char **names = calloc(ncols, sizeof *names);
    if (!w->path || !w->created_by || !w->cols || !names) {
        free(names);
        return open_error(w, err, errlen, "%s: out of memory", path);
    }
    w->ncols = ncols;
    for (size_t i = 0; i < ncols; i++) {
        pq_col *c = &w->cols[i];
        c->spec = cols[i];
        c->name = strdup(cols[i].name);
        if (!c->name) {
            free(names);
            return open_error(w, err, errlen, "%s: out of memory", path);
        }
        c->spec.name = c->name;
        init_col(c);
        names[i] = c->name;
    }
    qsort(names, ncols, sizeof *names, cmp_name);
    for (size_t i = 1; i < ncols; i++)
        if (strcmp(names[i - 1], names[i]) == 0) {
            pq_writer *r =
                open_error(w, err, errlen, "%s: duplicate column name %s", path, names[i]);
            free(names);
            return r;
        }
    free(names);
    if (init_stage(w))
        return open_error(w, err, errlen, "%s: out of memory", path);
    if ((unsigned)w->opt.codec > PQ_CODEC_UNCOMPRESSED ||
        pq_compress_init(&w->comp, w->opt.codec, w->opt.compression_level))
        return open_error(w, err, errlen, "%s: bad codec or compression level", path);
    size_t plen = strlen(path);
    w->tmp = malloc(plen + sizeof ".tmp-XXXXXX");
    if (!w->tmp)
        return open_error(w, err, errlen, "%s: out of memory", path);
    memcpy(w->tmp, path, plen);
    memcpy(w->tmp + plen, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    w->fd = mkstemp(w->tmp);
    if (w->fd < 0) {
        int e = errno;
        free(w->tmp);
        w->tmp = NULL; /* nothing to unlink */
        return open_error(w, err, errlen, "%s: cannot create temporary file (%s)", path,
                          strerror(e));
    }
    /* mkstemp makes 0600; a finished file is an ordinary readable file. */
    if (fchmod(w->fd, 0644) != 0) {
        int e = errno;
        return open_error(w, err, errlen, "%s: chmod failed (%s)", path, strerror(e));
    }
    if (emit(w, "PAR1", 4))
        return open_error(w, err, errlen, "%s", w->err);
    return w;
}

int pq_set_kv(pq_writer *w, const char *key, const char *value)
{
    if (!w || w->failed)
        return -1;
    if (!key) {
        set_err(w, "%s: NULL metadata key", w->path);
        return -1;
    }
    char *v = value ? strdup(value) : NULL;
    if (value && !v)
        return oom(w);
    for (size_t i = 0; i < w->nkv; i++)
        if (strcmp(w->kvs[i].key, key) == 0) {
            free(w->kvs[i].value);
            w->kvs[i].value = v;
            return 0;
        }
    kv *n = realloc(w->kvs, (w->nkv + 1) * sizeof *n);
    char *k = strdup(key);
    if (n)
        w->kvs = n;
    if (!n || !k) {
        free(k);
        free(v);
        return oom(w);
    }
    w->kvs[w->nkv].key = k;
    w->kvs[w->nkv].value = v;
    w->nkv++;
    return 0;
}

static int close_error(pq_writer *w, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", w->err[0] ? w->err : "pq_close failed");
    free_writer(w);
    return -1;
}

/* Best effort: makes the rename durable. */
static void sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

int pq_close(pq_writer *w, char *err, size_t errlen)
{
    if (!w) {
        if (err && errlen)
            snprintf(err, errlen, "pq_close: no writer");
        return -1;
    }
    if (w->failed)
        return close_error(w, err, errlen);
    if (w->nput) {
        set_err(w, "%s: closed in the middle of row %" PRIu64, w->path, w->rows);
        return close_error(w, err, errlen);
    }
    if (w->rg_rows && flush_row_group(w))
        return close_error(w, err, errlen);
    if (write_footer(w))
        return close_error(w, err, errlen);
    if (fsync(w->fd) != 0) {
        fail(w, "fsync failed", errno);
        return close_error(w, err, errlen);
    }
    int fd = w->fd;
    w->fd = -1;
    if (close(fd) != 0) {
        fail(w, "close failed", errno);
        return close_error(w, err, errlen);
    }
    if (rename(w->tmp, w->path) != 0) {
        fail(w, "rename failed", errno);
        return close_error(w, err, errlen);
    }
    free(w->tmp);
    w->tmp = NULL;
    sync_dir(w->path);
    free_writer(w);
    return 0;
}

void pq_abort(pq_writer *w)
{
    free_writer(w);
}

const char *pq_error(const pq_writer *w)
{
    return w ? w->err : "no writer";
}

uint64_t pq_rows(const pq_writer *w)
{
    return w ? w->rows : 0;
}
