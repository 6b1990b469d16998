/* Record rows in Parquet. The nested layout (SPEC §2) keeps the per-packet
 * fields as lists; remote addresses are anonymised here, at write time, so
 * that the flow key itself always holds the real address (SPEC §1). */
#include "engine/flowfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/wide_context.h"
#include "parquet/pq_writer.h"

enum {
    COL_DEVICE,
    COL_FIRST_SEEN,
    COL_REMOTE_IP,
    COL_PROTOCOL,
    COL_DEVICE_PORT,
    COL_REMOTE_PORT,
    COL_TOTAL_BYTES,
    COL_TOTAL_PACKETS,
    COL_OFFSET,
    COL_SIZE,
    COL_DIRECTION,
    COL_PAYLOAD,
    NESTED_COLS
};

static const pq_column_spec nested_schema[NESTED_COLS] = {
    {CF_COL_DEVICE, PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {CF_COL_FIRST_SEEN, PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_REQUIRED, PQ_ENC_DELTA},
    {CF_COL_REMOTE_IP, PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {CF_COL_PROTOCOL, PQ_INT32, PQ_LOGICAL_INT, 8, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {CF_COL_DEVICE_PORT, PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {CF_COL_REMOTE_PORT, PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {CF_COL_TOTAL_BYTES, PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_PLAIN},
    {CF_COL_TOTAL_PACKETS, PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_PLAIN},
    {CF_COL_PKT_OFFSET, PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_PLAIN},
    {CF_COL_PKT_SIZE, PQ_INT32, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_PLAIN},
    {CF_COL_PKT_DIRECTION, PQ_INT32, PQ_LOGICAL_INT, 8, 1, PQ_LIST, PQ_ENC_PLAIN},
    {CF_COL_PKT_PAYLOAD, PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_PLAIN},
};

/* Columns after the dataset's, each only with its option (so that the
 * default schema stays the dataset's). */
static const pq_column_spec remote_name_col = {
    CF_COL_REMOTE_NAME, PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY};
static const pq_column_spec context_rows_col = {
    CF_COL_CONTEXT_ROWS, PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_PLAIN};
/* --context's largest K (config.c). */
#define CONTEXT_MAX 64
static const pq_column_spec context_files_col = {
    CF_COL_CONTEXT_FILES, PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_LIST, PQ_ENC_PLAIN};

/* Wide layout: the rows of the open row group, kept compact until the
 * writer asks for the packet and cell columns (pq_set_filler) when it
 * writes the group: a row then touches a few arrays, not 3,000 column
 * buffers, and the group takes a byte or two per meaningful cell instead of
 * four per cell. */
typedef struct wide_rows {
    size_t rows, cap; /* rows held, room */
    int64_t *to;      /* [rows][i] packet offsets, -1 when absent */
    int32_t *ps;      /* [rows][i] sizes, -1 when absent */
    int8_t *d;        /* [rows][i] directions, -1 when absent */
    size_t *cell_at;  /* [rows + 1] where each row's cells start */
    int16_t *cells;   /* every row's cells up to its last one not -1 */
    size_t ncells, cells_cap;
    size_t max_cells; /* of one row: cells past it are -1 in every row */
} wide_rows;

struct cf_flowfile {
    pq_writer *w;
    cf_config cfg;
    pq_column_spec nested[NESTED_COLS + 3]; /* the nested schema with its option columns */
    size_t nested_cols;
    size_t col_name, col_context; /* their indices (either layout), 0: absent */
    /* Wide layout with --context: H1_..HK_ columns, from the run's history
     * (not the file's: cf_flowfile_open). */
    cf_widectx *widectx;
    size_t col_hist; /* the first of them */
    int32_t *dir32;  /* directions widened to INT32 storage */
    /* Wide layout: the schema built for this file's i and B, its column
     * names, and the rows of the open row group. */
    pq_column_spec *wide;
    char *wide_names;
    size_t wide_cols;
    wide_rows rows;
    int32_t *cells; /* --context: one row of sizes, directions and payload cells */
    int64_t *to64;  /* --context: one row of packet offsets */
};

/* Wide layout (SPEC §6): 8 key columns, then P00_TO.., P00_PS.., P00_D..
 * (i each), then B payload cells C_000... Absent packets are -1. */
enum { WIDE_KEY_COLS = 8 };
static const char *const wide_key_names[WIDE_KEY_COLS] = {
    "Device", "FirstSeen", "RemIP", "Proto", "DevPort", "RemPort", "TotalFlowSize", "PacketCount"};

/* PREFIX, v zero-padded to width digits, SUFFIX: "P03_TO", "C_0042". */
static void cell_name(char *out, size_t len, const char *prefix, unsigned v, int width,
                      const char *suffix)
{
    char digits[16];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 15);
    while (n < width && n < 15)
        digits[n++] = '0';
    size_t pos = 0;
    for (const char *p = prefix; *p && pos + 1 < len; p++)
        out[pos++] = *p;
    while (n > 0 && pos + 1 < len)
        out[pos++] = digits[--n];
    for (const char *p = suffix; *p && pos + 1 < len; p++)
        out[pos++] = *p;
    out[pos] = 0;
}

static int build_wide_schema(cf_flowfile *f, cf_widectx **shared)
{
    uint32_t i = f->cfg.packets, b = f->cfg.payload_cells;
    size_t n = WIDE_KEY_COLS + 3 * (size_t)i + b;
    const size_t hist = f->cfg.context ? cf_widectx_columns(f->cfg.context, i, b) : 0;
    f->wide = calloc(n + 1 + hist, sizeof *f->wide);
    f->wide_names = calloc(n, 32);
    f->cells = calloc(2 * (size_t)i + b + 1, sizeof *f->cells);
    f->to64 = calloc((size_t)i + 1, sizeof *f->to64);
    f->rows.cell_at = calloc(1, sizeof *f->rows.cell_at);
    if (!f->wide || !f->wide_names || !f->cells || !f->to64 || !f->rows.cell_at)
        return -1;
    f->wide_cols = n;
    /* Indices are zero-padded to at least 2 (P) and 3 (C) digits, as in the
     * published dataset: P00..P09, C_000..C_999, C_1000..C_2999. */
    const int pw = 2, cw = 3;
    if (f->cfg.names) {
        f->wide[n] = remote_name_col;
        f->wide[n].name = CF_WIDE_COL_REMOTE_NAME;
        f->col_name = n;
        f->wide_cols = n + 1;
    }
    if (f->cfg.context) {
        f->col_hist = f->wide_cols;
        f->wide_cols += hist;
    }
    for (size_t k = 0; k < n; k++) {
        pq_column_spec *c = &f->wide[k];
        char *name = f->wide_names + 32 * k;
        c->name = name;
        c->repetition = PQ_REQUIRED;
        c->encoding = PQ_ENC_PLAIN;
        if (k < WIDE_KEY_COLS) {
            *c = nested_schema[k];
            c->name = wide_key_names[k];
            continue;
        }
        size_t p = k - WIDE_KEY_COLS;
        if (p < 3 * (size_t)i) {
            static const char *const suffix[3] = {"_TO", "_PS", "_D"};
            cell_name(name, 32, "P", (unsigned)(p % i), pw, suffix[p / i]);
            if (p / i == 0) {
                c->type = PQ_INT64;
            } else {
                c->type = PQ_INT32;
                c->logical = PQ_LOGICAL_INT;
                c->int_bits = p / i == 1 ? 32 : 8;
                c->is_signed = 1;
            }
        } else {
            cell_name(name, 32, "C_", (unsigned)(p - 3 * (size_t)i), cw, "");
            c->type = PQ_INT32;
            c->logical = PQ_LOGICAL_INT;
            c->int_bits = 16;
            c->is_signed = 1;
        }
    }
    if (f->cfg.context) {
        if (!*shared && !(*shared = cf_widectx_new(f->cfg.context, i, b, f->wide + WIDE_KEY_COLS)))
            return -1;
        f->widectx = *shared;
        cf_widectx_specs(f->widectx, f->wide + f->col_hist);
    }
    return 0;
}

/* The payload cells of one record: for each listed packet, -4, its bytes,
 * -8, while at least two cells remain; bytes are cut to leave room for -8;
 * unused cells are -1 (SPEC §6). Writes the cells before the first unused
 * one and returns their number. */
static uint32_t fill_cells(int16_t *cells, uint32_t b, const cf_record *r)
{
    uint32_t pos = 0;
    for (uint32_t k = 0; k < r->n && b - pos >= 2; k++) {
        cells[pos++] = -4;
        uint32_t room = b - pos - 1, len = r->payload_len[k];
        if (len > room)
            len = room;
        for (uint32_t m = 0; m < len; m++)
            cells[pos++] = r->payload[k][m];
        cells[pos++] = -8;
    }
    return pos;
}

/* The same cells as int32, unused ones -1 (the row-by-row path). */
static void fill_cells32(int32_t *cells, uint32_t b, const cf_record *r)
{
    int16_t *c16 = (int16_t *)(void *)cells + b; /* upper half: cells are 4 bytes */
    uint32_t n = fill_cells(c16, b, r);
    for (uint32_t k = 0; k < n; k++)
        cells[k] = c16[k];
    for (uint32_t k = n; k < b; k++)
        cells[k] = -1;
}

/* Room for one more row of i packets and up to b cells. */
static int wide_reserve(wide_rows *w, uint32_t i, uint32_t b)
{
    if (w->rows == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        int64_t *to = realloc(w->to, cap * i * sizeof *to);
        if (to)
            w->to = to;
        int32_t *ps = realloc(w->ps, cap * i * sizeof *ps);
        if (ps)
            w->ps = ps;
        int8_t *d = realloc(w->d, cap * i * sizeof *d);
        if (d)
            w->d = d;
        size_t *at = realloc(w->cell_at, (cap + 1) * sizeof *at);
        if (at)
            w->cell_at = at;
        if (!to || !ps || !d || !at)
            return -1;
        w->cap = cap;
    }
    if (w->cells_cap - w->ncells < b) {
        size_t cap = w->cells_cap ? w->cells_cap * 2 : 65536;
        while (cap - w->ncells < b)
            cap *= 2;
        int16_t *c = realloc(w->cells, cap * sizeof *c);
        if (!c)
            return -1;
        w->cells = c;
        w->cells_cap = cap;
    }
    return 0;
}

static void wide_free(wide_rows *w)
{
    free(w->to);
    free(w->ps);
    free(w->d);
    free(w->cell_at);
    free(w->cells);
}

/* pq_fill_fn of the wide layout: columns after the key columns are P.._TO
 * (INT64), P.._PS, P.._D, then C_ (INT32), i, i, i and B of them. Most
 * cells of most rows are -1: columns past every row's last cell are -1
 * throughout. */
static int fill_wide(void *ctx, size_t col, size_t k, size_t nrows, void *const *out)
{
    const cf_flowfile *f = ctx;
    const wide_rows *w = &f->rows;
    size_t i = f->cfg.packets;
    for (size_t j = 0; j < k; j++) {
        size_t q = col - WIDE_KEY_COLS + j;
        int32_t *o32 = out[j];
        if (q < i) {
            int64_t *o64 = out[j];
            for (size_t r = 0; r < nrows; r++)
                o64[r] = w->to[r * i + q];
        } else if (q < 2 * i) {
            for (size_t r = 0; r < nrows; r++)
                o32[r] = w->ps[r * i + q - i];
        } else if (q < 3 * i) {
            for (size_t r = 0; r < nrows; r++)
                o32[r] = w->d[r * i + q - 2 * i];
        } else if (q - 3 * i >= w->max_cells) {
            for (size_t r = 0; r < nrows; r++)
                o32[r] = -1;
        } else {
            size_t m = q - 3 * i;
            for (size_t r = 0; r < nrows; r++) {
                size_t at = w->cell_at[r];
                o32[r] = m < w->cell_at[r + 1] - at ? w->cells[at + m] : -1;
            }
        }
    }
    return 0;
}

static pq_codec codec_of(cf_codec c)
{
    switch (c) {
    case CF_CODEC_SNAPPY:
        return PQ_CODEC_SNAPPY;
    case CF_CODEC_GZIP:
        return PQ_CODEC_GZIP;
    case CF_CODEC_NONE:
        return PQ_CODEC_UNCOMPRESSED;
    default:
        return PQ_CODEC_ZSTD;
    }
}

static void free_flowfile(cf_flowfile *f)
{
    free(f->dir32);
    free(f->wide);
    free(f->wide_names);
    free(f->cells);
    free(f->to64);
    wide_free(&f->rows);
    free(f);
}

cf_flowfile *cf_flowfile_open(const char *path, const cf_config *cfg, cf_widectx **hist, char *err,
                              size_t errlen)
{
    cf_flowfile *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    f->cfg = *cfg;
    f->dir32 = calloc(cfg->packets ? cfg->packets : 1, sizeof *f->dir32);
    pq_options o = {0};
    o.codec = codec_of(cfg->codec);
    /* A row group is buffered (compressed) until it is complete, so its
     * size bounds memory: two files are open per input. 8 MiB of nested
     * rows (about 9,000 IoT records, 1.5 MB compressed) is filled early in
     * a capture, so peak memory is the same for a day or a month. The wide
     * layout's 3,000+ columns need larger groups or the footer (one
     * ColumnChunk per column per group) outweighs the data. */
    o.row_group_bytes = cfg->layout == CF_LAYOUT_WIDE ? (size_t)32 << 20 : (size_t)8 << 20;
    /* Pages are compressed inline: compression is 3-10 % of a conversion
     * (a compression thread measured no faster and 5 MB larger, and was
     * removed; bench/RESULTS.md). */
    memcpy(f->nested, nested_schema, sizeof nested_schema);
    f->nested_cols = NESTED_COLS;
    if (cfg->layout != CF_LAYOUT_WIDE) {
        if (cfg->names) {
            f->col_name = f->nested_cols;
            f->nested[f->nested_cols++] = remote_name_col;
        }
        if (cfg->context) {
            f->col_context = f->nested_cols;
            f->nested[f->nested_cols++] = context_rows_col;
            f->nested[f->nested_cols++] = context_files_col;
        }
    }
    if (!f->dir32 || (cfg->layout == CF_LAYOUT_WIDE && build_wide_schema(f, hist) != 0)) {
        snprintf(err, errlen, "%s: out of memory", path);
        free_flowfile(f);
        return NULL;
    }
    if (cfg->layout == CF_LAYOUT_WIDE)
        f->w = pq_open(path, f->wide, f->wide_cols, &o, err, errlen);
    else
        f->w = pq_open(path, f->nested, f->nested_cols, &o, err, errlen);
    if (!f->w) {
        free_flowfile(f);
        return NULL;
    }
    /* The packet and cell columns are filled at flush, unless --context
     * needs whole rows as they come. */
    if (f->wide && !f->widectx &&
        pq_set_filler(f->w, WIDE_KEY_COLS, 3 * (size_t)f->cfg.packets + f->cfg.payload_cells,
                      fill_wide, f)) {
        snprintf(err, errlen, "%s", pq_error(f->w));
        pq_abort(f->w);
        free_flowfile(f);
        return NULL;
    }
    return f;
}

int cf_flowfile_kv(cf_flowfile *f, const char *key, const char *value)
{
    return pq_set_kv(f->w, key, value);
}

static int write_key_columns(pq_writer *w, const cf_record *r, const char *ip)
{
    int bad = 0;
    bad |= pq_put_bytes(w, COL_DEVICE, r->device, (uint32_t)strlen(r->device));
    bad |= pq_put_int64(w, COL_FIRST_SEEN, r->first_seen);
    bad |= pq_put_bytes(w, COL_REMOTE_IP, ip, (uint32_t)strlen(ip));
    bad |= pq_put_int32(w, COL_PROTOCOL, r->protocol);
    bad |= pq_put_int32(w, COL_DEVICE_PORT, r->device_port);
    bad |= pq_put_int32(w, COL_REMOTE_PORT, r->remote_port);
    bad |= pq_put_int64(w, COL_TOTAL_BYTES, r->total_bytes);
    bad |= pq_put_int64(w, COL_TOTAL_PACKETS, r->total_packets);
    return bad;
}

/* --names and --context values of a record, in whichever columns the
 * layout gave them. */
static int put_option_columns(cf_flowfile *f, const cf_record *r)
{
    int bad = 0;
    if (f->col_name) {
        const char *name = r->remote_name ? r->remote_name : "";
        bad |= pq_put_bytes(f->w, f->col_name, name, (uint32_t)strlen(name));
    }
    if (f->col_context) {
        /* context_files beside context_rows: "" for this file. */
        const uint8_t *names[CONTEXT_MAX];
        uint32_t lens[CONTEXT_MAX];
        uint32_t n = r->n_context < CONTEXT_MAX ? r->n_context : CONTEXT_MAX;
        for (uint32_t k = 0; k < n; k++) {
            const char *name = r->context_files && r->context_files[k] ? r->context_files[k] : "";
            names[k] = (const uint8_t *)name;
            lens[k] = (uint32_t)strlen(name);
        }
        bad |= pq_put_list_int64(f->w, f->col_context, r->context_rows, n);
        bad |= pq_put_list_bytes(f->w, f->col_context + 1, names, lens, n);
    }
    return bad;
}

static int write_wide(cf_flowfile *f, const cf_record *r, const char *ip)
{
    pq_writer *w = f->w;
    wide_rows *rows = &f->rows;
    uint32_t i = f->cfg.packets, b = f->cfg.payload_cells;
    if (f->widectx) {
        /* --context reads whole rows: put them row by row. */
        int bad = write_key_columns(w, r, ip);
        size_t col = WIDE_KEY_COLS;
        for (uint32_t k = 0; k < i; k++)
            f->to64[k] = k < r->n ? r->offset_us[k] : -1;
        bad |= pq_put_int64_run(w, col, f->to64, i);
        col += i;
        /* Sizes, directions and payload cells are consecutive INT32 columns. */
        int32_t *row = f->cells;
        for (uint32_t k = 0; k < i; k++)
            row[k] = k < r->n ? (int32_t)r->size[k] : -1;
        for (uint32_t k = 0; k < i; k++)
            row[i + k] = k < r->n ? r->direction[k] : -1;
        fill_cells32(row + 2 * (size_t)i, b, r);
        bad |= pq_put_int32_run(w, col, row, 2 * (size_t)i + b);
        bad |= put_option_columns(f, r);
        bad |= cf_widectx_write(f->widectx, w, f->col_hist, r, ip, f->to64, row);
        if (bad)
            return -1;
        return pq_end_row(w);
    }
    if (wide_reserve(rows, i, b) != 0)
        return -1;
    size_t at = rows->rows * i;
    for (uint32_t k = 0; k < i; k++) {
        rows->to[at + k] = k < r->n ? r->offset_us[k] : -1;
        rows->ps[at + k] = k < r->n ? (int32_t)r->size[k] : -1;
        rows->d[at + k] = k < r->n ? r->direction[k] : -1;
    }
    uint32_t ncell = fill_cells(rows->cells + rows->ncells, b, r);
    rows->ncells += ncell;
    if (ncell > rows->max_cells)
        rows->max_cells = ncell;
    rows->rows++;
    rows->cell_at[rows->rows] = rows->ncells;
    if (write_key_columns(w, r, ip) || put_option_columns(f, r) || pq_put_filled(w) ||
        pq_end_row(w))
        return -1;
    if (pq_row_group_rows(w) == 0) /* the group was written */
        rows->rows = rows->ncells = rows->max_cells = 0;
    return 0;
}

int cf_flowfile_write(cf_flowfile *f, const cf_record *r)
{
    pq_writer *w = f->w;
    const char *ip = r->remote_ip;
    if (f->wide)
        return write_wide(f, r, ip);
    for (uint32_t k = 0; k < r->n; k++)
        f->dir32[k] = r->direction[k];
    int bad = write_key_columns(w, r, ip);
    bad |= pq_put_list_int64(w, COL_OFFSET, r->offset_us, r->n);
    bad |= pq_put_list_int32(w, COL_SIZE, r->size, r->n);
    bad |= pq_put_list_int32(w, COL_DIRECTION, f->dir32, r->n);
    bad |=
        pq_put_list_bytes(w, COL_PAYLOAD, (const uint8_t *const *)r->payload, r->payload_len, r->n);
    bad |= put_option_columns(f, r);
    if (bad)
        return -1;
    return pq_end_row(w);
}

int cf_flowfile_close(cf_flowfile *f, char *err, size_t errlen)
{
    int rc = pq_close(f->w, err, errlen);
    free_flowfile(f);
    return rc;
}

void cf_flowfile_abort(cf_flowfile *f)
{
    if (!f)
        return;
    pq_abort(f->w);
    free_flowfile(f);
}

const char *cf_flowfile_error(const cf_flowfile *f)
{
    return pq_error(f->w);
}
