/* Parquet file reader; see pq_reader.h. Written from parquet-format
 * (parquet.thrift, Encodings.md) and the Thrift compact protocol spec. */
#include "parquet/pq_reader.h"

#include "parquet/pq_read_enc.h"
#include "parquet/pq_read_thrift.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <snappy-c.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* parquet.thrift enum values */
enum { PAGE_DATA = 0, PAGE_INDEX = 1, PAGE_DICT = 2, PAGE_DATA_V2 = 3 };
enum {
    ENC_PLAIN = 0,
    ENC_PLAIN_DICTIONARY = 2,
    ENC_RLE = 3,
    ENC_BIT_PACKED = 4,
    ENC_DELTA_BINARY_PACKED = 5,
    ENC_RLE_DICTIONARY = 8
};
enum { CODEC_NONE = 0, CODEC_SNAPPY = 1, CODEC_GZIP = 2, CODEC_ZSTD = 6 };

#define MAX_SCHEMA_DEPTH 32
#define MAX_DICT_ENTRIES ((size_t)1 << 24)

typedef struct chunk_meta {
    int present; /* ColumnMetaData was given */
    int type, codec;
    int64_t num_values, data_off, dict_off, comp_size;
} chunk_meta;

typedef struct row_group {
    int64_t rows;
    chunk_meta *cols; /* nleaves */
} row_group;

typedef struct schema_el {
    const char *name;
    int type, type_length, repetition, num_children, converted;
    int logical, int_bits, int_signed, time_unit, utc;
} schema_el;

struct pq_reader {
    char *path;
    int fd;
    uint64_t size;
    int64_t num_rows;
    const char *created_by;
    pq_leaf *leaves;
    size_t nleaves;
    pq_kv *kv;
    size_t nkv;
    row_group *rg;
    size_t nrg;
    char **strs; /* owned strings */
    size_t nstrs, capstrs;
    /* column reading scratch, reused */
    uint8_t *chunk;
    size_t chunk_cap;
    uint8_t *page;
    size_t page_cap;
    uint32_t *u32;
    size_t u32_cap;
    pq_column dict;
    size_t dict_n;
    int have_dict;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- strings ---- */

static const char *keep_str(pq_reader *r, const char *s, size_t n)
{
    if (r->nstrs == r->capstrs) {
        size_t nc = r->capstrs ? 2 * r->capstrs : 64;
        char **ns = realloc(r->strs, nc * sizeof *ns);
        if (!ns)
            return NULL;
        r->strs = ns;
        r->capstrs = nc;
    }
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    if (n)
        memcpy(c, s, n);
    c[n] = 0;
    r->strs[r->nstrs++] = c;
    return c;
}

static const char *read_str(pq_reader *r, tr_reader *t, int type)
{
    if (type != TR_BINARY) {
        tr_skip(t, type);
        tr_fail(t, "string field has the wrong type");
        return NULL;
    }
    uint32_t n;
    const uint8_t *p = tr_binary(t, &n);
    if (t->err)
        return NULL;
    const char *s = keep_str(r, (const char *)p, n);
    if (!s)
        tr_fail(t, "out of memory");
    return s;
}

/* ---- footer ---- */

static void parse_logical(tr_reader *t, schema_el *e)
{
    int16_t last, id;
    int ft;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        if (ft != TR_STRUCT) {
            tr_skip(t, ft);
            continue;
        }
        switch (id) {
        case 1:
            e->logical = PQR_LT_STRING;
            break;
        case 2:
            e->logical = PQR_LT_MAP;
            break;
        case 3:
            e->logical = PQR_LT_LIST;
            break;
        case 6:
            e->logical = PQR_LT_DATE;
            break;
        case 8:
            e->logical = PQR_LT_TIMESTAMP;
            break;
        case 10:
            e->logical = PQR_LT_INT;
            break;
        default:
            e->logical = PQR_LT_OTHER;
        }
        if (id == 8) { /* TimestampType { 1: isAdjustedToUTC, 2: TimeUnit } */
            int16_t l2, i2;
            int f2;
            tr_struct_begin(t, &l2);
            while (tr_field(t, &l2, &f2, &i2)) {
                if (i2 == 1 && (f2 == TR_TRUE || f2 == TR_FALSE)) {
                    e->utc = f2 == TR_TRUE;
                } else if (i2 == 2 && f2 == TR_STRUCT) {
                    int16_t l3, i3;
                    int f3;
                    tr_struct_begin(t, &l3);
                    while (tr_field(t, &l3, &f3, &i3)) {
                        if (i3 >= 1 && i3 <= 3)
                            e->time_unit = i3;
                        tr_skip(t, f3);
                    }
                    tr_struct_end(t);
                } else {
                    tr_skip(t, f2);
                }
            }
            tr_struct_end(t);
        } else if (id == 10) { /* IntType { 1: i8 bitWidth, 2: bool isSigned } */
            int16_t l2, i2;
            int f2;
            tr_struct_begin(t, &l2);
            while (tr_field(t, &l2, &f2, &i2)) {
                if (i2 == 1)
                    e->int_bits = (int)tr_int_value(t, f2);
                else if (i2 == 2)
                    e->int_signed = (int)tr_int_value(t, f2);
                else
                    tr_skip(t, f2);
            }
            tr_struct_end(t);
        } else {
            tr_skip(t, ft);
        }
    }
    tr_struct_end(t);
}

static void parse_schema_el(pq_reader *r, tr_reader *t, schema_el *e)
{
    int16_t last, id;
    int ft;
    memset(e, 0, sizeof *e);
    e->type = -1;
    e->num_children = -1;
    e->converted = -1;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        switch (id) {
        case 1:
            e->type = (int)tr_int_value(t, ft);
            break;
        case 2:
            e->type_length = (int)tr_int_value(t, ft);
            break;
        case 3:
            e->repetition = (int)tr_int_value(t, ft);
            break;
        case 4:
            e->name = read_str(r, t, ft);
            break;
        case 5:
            e->num_children = (int)tr_int_value(t, ft);
            break;
        case 6:
            e->converted = (int)tr_int_value(t, ft);
            break;
        case 10:
            if (ft == TR_STRUCT)
                parse_logical(t, e);
            else
                tr_skip(t, ft);
            break;
        default:
            tr_skip(t, ft);
        }
    }
    tr_struct_end(t);
    if (!t->err && !e->name)
        tr_fail(t, "schema element without a name");
    if (!t->err && (e->repetition < 0 || e->repetition > 2))
        tr_fail(t, "bad repetition type");
}

static void parse_kv(pq_reader *r, tr_reader *t, pq_kv *kv)
{
    int16_t last, id;
    int ft;
    kv->key = kv->value = NULL;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        if (id == 1)
            kv->key = read_str(r, t, ft);
        else if (id == 2)
            kv->value = read_str(r, t, ft);
        else
            tr_skip(t, ft);
    }
    tr_struct_end(t);
    if (!t->err && !kv->key)
        tr_fail(t, "key-value pair without a key");
    if (!kv->value)
        kv->value = "";
}

/* ColumnMetaData; checks path_in_schema against the leaf when given. */
static void parse_col_meta(tr_reader *t, chunk_meta *m, const pq_leaf *leaf)
{
    int16_t last, id;
    int ft;
    m->present = 1;
    m->dict_off = -1;
    m->type = -1;
    m->codec = -1;
    m->data_off = -1;
    m->comp_size = -1;
    m->num_values = -1;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        switch (id) {
        case 1:
            m->type = (int)tr_int_value(t, ft);
            break;
        case 3: {
            if (ft != TR_LIST) {
                tr_skip(t, ft);
                break;
            }
            int et;
            uint32_t n = tr_list(t, &et);
            /* compare the joined path with the leaf's */
            const char *want = leaf->path;
            size_t at = 0, wl = strlen(want);
            int ok = et == TR_BINARY || n == 0;
            for (uint32_t k = 0; k < n && !t->err; k++) {
                if (et != TR_BINARY) {
                    tr_skip(t, et);
                    continue;
                }
                uint32_t len;
                const uint8_t *s = tr_binary(t, &len);
                if (!s)
                    break;
                if (k && (at >= wl || want[at++] != '.'))
                    ok = 0;
                if (ok && (len > wl - at || memcmp(want + at, s, len)))
                    ok = 0;
                if (ok)
                    at += len;
            }
            if (!t->err && (!ok || at != wl))
                tr_fail(t, "column chunk path does not match the schema");
            break;
        }
        case 4:
            m->codec = (int)tr_int_value(t, ft);
            break;
        case 5:
            m->num_values = tr_int_value(t, ft);
            break;
        case 7:
            m->comp_size = tr_int_value(t, ft);
            break;
        case 9:
            m->data_off = tr_int_value(t, ft);
            break;
        case 11:
            m->dict_off = tr_int_value(t, ft);
            break;
        default:
            tr_skip(t, ft);
        }
    }
    tr_struct_end(t);
    if (!t->err &&
        (m->type < 0 || m->codec < 0 || m->num_values < 0 || m->data_off < 0 || m->comp_size < 0))
        tr_fail(t, "column chunk metadata incomplete");
}

static void parse_row_group(pq_reader *r, tr_reader *t, row_group *g)
{
    int16_t last, id;
    int ft;
    int have_cols = 0;
    g->rows = -1;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        if (id == 1 && ft == TR_LIST && !have_cols) {
            int et;
            uint32_t n = tr_list(t, &et);
            if (t->err)
                break;
            if (n != r->nleaves || (n && et != TR_STRUCT)) {
                tr_fail(t, "row group column count differs from the schema");
                break;
            }
            g->cols = calloc(n ? n : 1, sizeof *g->cols);
            if (!g->cols) {
                tr_fail(t, "out of memory");
                break;
            }
            have_cols = 1;
            for (uint32_t k = 0; k < n && !t->err; k++) {
                /* ColumnChunk { 1: file_path, 2: file_offset, 3: meta_data } */
                int16_t l2, i2;
                int f2;
                tr_struct_begin(t, &l2);
                while (tr_field(t, &l2, &f2, &i2)) {
                    if (i2 == 1 && f2 == TR_BINARY) {
                        tr_skip(t, f2);
                        tr_fail(t, "column chunks in other files are not supported");
                    } else if (i2 == 3 && f2 == TR_STRUCT) {
                        parse_col_meta(t, &g->cols[k], &r->leaves[k]);
                    } else {
                        tr_skip(t, f2);
                    }
                }
                tr_struct_end(t);
                if (!t->err && !g->cols[k].present)
                    tr_fail(t, "column chunk without metadata");
            }
        } else if (id == 3) {
            g->rows = tr_int_value(t, ft);
        } else {
            tr_skip(t, ft);
        }
    }
    tr_struct_end(t);
    if (!t->err && (!have_cols || g->rows < 0))
        tr_fail(t, "row group incomplete");
}

/* Builds the leaves from the flattened schema (depth-first). */
typedef struct walk {
    pq_reader *r;
    const schema_el *el;
    size_t nel, pos;
    size_t nleaves, capleaves;
    const char *err;
} walk;

static void derive_logical(const schema_el *e, int *lt, int *bits, int *sign, int *unit, int *utc)
{
    *lt = e->logical;
    *bits = e->int_bits;
    *sign = e->int_signed;
    *unit = e->time_unit;
    *utc = e->utc;
    if (*lt != PQR_LT_NONE)
        return;
    int c = e->converted;
    if (c == 0)
        *lt = PQR_LT_STRING;
    else if (c == 1 || c == 2)
        *lt = PQR_LT_MAP;
    else if (c == 3)
        *lt = PQR_LT_LIST;
    else if (c == 6)
        *lt = PQR_LT_DATE;
    else if (c == 9 || c == 10) {
        *lt = PQR_LT_TIMESTAMP;
        *unit = c == 9 ? PQR_UNIT_MILLIS : PQR_UNIT_MICROS;
        *utc = 1;
    } else if (c >= 11 && c <= 18) {
        *lt = PQR_LT_INT;
        *bits = 8 << ((c - 11) % 4);
        *sign = c >= 15;
    } else if (c >= 0)
        *lt = PQR_LT_OTHER;
}

static int walk_node(walk *w, int depth, int def, int rep, const char *prefix, const char *top,
                     int top_lt)
{
    if (w->pos >= w->nel) {
        w->err = "schema ends early";
        return -1;
    }
    if (depth > MAX_SCHEMA_DEPTH) {
        w->err = "schema nested too deeply";
        return -1;
    }
    const schema_el *e = &w->el[w->pos++];
    if (e->repetition != 0)
        def++;
    if (e->repetition == 2)
        rep++;
    size_t pl = prefix ? strlen(prefix) : 0, nl = strlen(e->name);
    char *path = malloc(pl + nl + 2);
    if (!path) {
        w->err = "out of memory";
        return -1;
    }
    if (prefix)
        snprintf(path, pl + nl + 2, "%s.%s", prefix, e->name);
    else
        memcpy(path, e->name, nl + 1);
    const char *kpath = keep_str(w->r, path, strlen(path));
    free(path);
    if (!kpath) {
        w->err = "out of memory";
        return -1;
    }
    int lt, bits, sign, unit, utc;
    derive_logical(e, &lt, &bits, &sign, &unit, &utc);
    if (!top) {
        top = e->name;
        top_lt = lt;
    }
    if (e->num_children > 0) {
        if ((size_t)e->num_children > w->nel - w->pos) {
            w->err = "schema element has more children than the schema";
            return -1;
        }
        for (int k = 0; k < e->num_children; k++)
            if (walk_node(w, depth + 1, def, rep, kpath, top, top_lt))
                return -1;
        return 0;
    }
    if (e->num_children == 0) /* an empty group: no leaves */
        return 0;
    if (e->type < 0 || e->type > 7) {
        w->err = "leaf without a valid physical type";
        return -1;
    }
    if (e->type == PQR_FIXED_LEN_BYTE_ARRAY &&
        (e->type_length <= 0 || e->type_length > (1 << 20))) {
        w->err = "bad FIXED_LEN_BYTE_ARRAY length";
        return -1;
    }
    if (w->nleaves == w->capleaves) {
        size_t nc = w->capleaves ? 2 * w->capleaves : 16;
        pq_leaf *nlv = realloc(w->r->leaves, nc * sizeof *nlv);
        if (!nlv) {
            w->err = "out of memory";
            return -1;
        }
        w->r->leaves = nlv;
        w->capleaves = nc;
    }
    pq_leaf *l = &w->r->leaves[w->nleaves++];
    memset(l, 0, sizeof *l);
    l->name = e->name;
    l->path = kpath;
    l->top = top;
    l->type = e->type;
    l->type_length = e->type == PQR_INT96 ? 12 : e->type_length;
    l->repetition = e->repetition;
    l->converted = e->converted;
    l->logical = lt;
    l->top_logical = top_lt;
    l->int_bits = bits;
    l->int_signed = sign;
    l->time_unit = unit;
    l->utc = utc;
    l->max_def = def;
    l->max_rep = rep;
    return 0;
}

static int parse_footer(pq_reader *r, const uint8_t *p, size_t n, const char **why)
{
    tr_reader t;
    tr_init(&t, p, n);
    int16_t last, id;
    int ft;
    schema_el *el = NULL;
    size_t nel = 0;
    int have_schema = 0, have_rows = 0, have_rg = 0;
    tr_struct_begin(&t, &last);
    while (tr_field(&t, &last, &ft, &id)) {
        if (id == 2 && ft == TR_LIST && !have_schema) {
            int et;
            uint32_t cnt = tr_list(&t, &et);
            if (t.err)
                break;
            if (cnt == 0 || et != TR_STRUCT) {
                tr_fail(&t, "empty schema");
                break;
            }
            el = calloc(cnt, sizeof *el);
            if (!el) {
                tr_fail(&t, "out of memory");
                break;
            }
            nel = cnt;
            for (uint32_t k = 0; k < cnt && !t.err; k++)
                parse_schema_el(r, &t, &el[k]);
            if (t.err)
                break;
            /* root: its children are the top-level fields */
            walk w = {r, el, nel, 1, 0, 0, NULL};
            int nch = el[0].num_children < 0 ? 0 : el[0].num_children;
            if ((size_t)nch > nel - 1) {
                tr_fail(&t, "schema root has more children than the schema");
                break;
            }
            for (int k = 0; k < nch && !w.err; k++)
                walk_node(&w, 1, 0, 0, NULL, NULL, 0);
            if (!w.err && w.pos != nel)
                w.err = "schema has elements outside the root";
            if (w.err) {
                tr_fail(&t, w.err);
                break;
            }
            r->nleaves = w.nleaves;
            have_schema = 1;
        } else if (id == 3) {
            r->num_rows = tr_int_value(&t, ft);
            have_rows = 1;
        } else if (id == 4 && ft == TR_LIST && have_schema && !have_rg) {
            int et;
            uint32_t cnt = tr_list(&t, &et);
            if (t.err)
                break;
            if (cnt && et != TR_STRUCT) {
                tr_fail(&t, "bad row group list");
                break;
            }
            r->rg = calloc(cnt ? cnt : 1, sizeof *r->rg);
            if (!r->rg) {
                tr_fail(&t, "out of memory");
                break;
            }
            for (uint32_t k = 0; k < cnt && !t.err; k++) {
                r->nrg = k + 1;
                parse_row_group(r, &t, &r->rg[k]);
            }
            have_rg = 1;
        } else if (id == 5 && ft == TR_LIST) {
            int et;
            uint32_t cnt = tr_list(&t, &et);
            if (t.err)
                break;
            if (cnt && et != TR_STRUCT) {
                tr_fail(&t, "bad key-value list");
                break;
            }
            pq_kv *nkv = realloc(r->kv, (r->nkv + cnt + 1) * sizeof *nkv);
            if (!nkv) {
                tr_fail(&t, "out of memory");
                break;
            }
            r->kv = nkv;
            for (uint32_t k = 0; k < cnt && !t.err; k++) {
                parse_kv(r, &t, &r->kv[r->nkv]);
                if (!t.err)
                    r->nkv++;
            }
        } else if (id == 6 && ft == TR_BINARY) {
            r->created_by = read_str(r, &t, ft);
        } else {
            tr_skip(&t, ft);
        }
    }
    tr_struct_end(&t);
    free(el);
    if (!t.err && !have_schema)
        t.err = "no schema";
    if (!t.err && (!have_rows || !have_rg))
        t.err = "footer incomplete (rows or row groups missing)";
    if (!t.err && r->num_rows < 0)
        t.err = "negative row count";
    for (size_t k = 0; !t.err && k < r->nrg; k++)
        if (r->rg[k].rows < 0)
            t.err = "negative row count";
    if (t.err) {
        *why = t.err;
        return -1;
    }
    return 0;
}

static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t k = pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

pq_reader *pq_reader_open(const char *path, char *err, size_t errlen)
{
    pq_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        set_err(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->created_by = "";
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        pq_reader_close(r);
        return NULL;
    }
    struct stat st;
    if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: not a regular file", path);
        pq_reader_close(r);
        return NULL;
    }
    r->size = (uint64_t)st.st_size;
    uint8_t head[4], tail[8];
    if (r->size < 12 || pread_all(r->fd, head, 4, 0) || pread_all(r->fd, tail, 8, r->size - 8)) {
        set_err(err, errlen, "%s: not a Parquet file (too short)", path);
        pq_reader_close(r);
        return NULL;
    }
    if (memcmp(head, "PAR1", 4) || memcmp(tail + 4, "PAR1", 4)) {
        set_err(err, errlen, "%s: not a Parquet file (bad magic)", path);
        pq_reader_close(r);
        return NULL;
    }
    uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                    (uint32_t)tail[3] << 24;
    if (flen == 0 || (uint64_t)flen > r->size - 12 || flen > PQR_MAX_FOOTER) {
        set_err(err, errlen,
                "%s: bad Parquet footer length %" PRIu32 " (file of %" PRIu64 " bytes)", path, flen,
                r->size);
        pq_reader_close(r);
        return NULL;
    }
    uint8_t *f = malloc(flen);
    if (!f) {
        set_err(err, errlen, "%s: out of memory reading the footer", path);
        pq_reader_close(r);
        return NULL;
    }
    if (pread_all(r->fd, f, flen, r->size - 8 - flen)) {
        free(f);
        set_err(err, errlen, "%s: cannot read the footer: %s", path, strerror(errno));
        pq_reader_close(r);
        return NULL;
    }
    const char *why = NULL;
    int rc = parse_footer(r, f, flen, &why);
    free(f);
    if (rc) {
        set_err(err, errlen, "%s: bad Parquet footer: %s", path, why);
        pq_reader_close(r);
        return NULL;
    }
    return r;
}

void pq_reader_close(pq_reader *r)
{
    if (!r)
        return;
    if (r->fd > 0)
        close(r->fd);
    for (size_t k = 0; k < r->nrg; k++)
        free(r->rg[k].cols);
    free(r->rg);
    for (size_t k = 0; k < r->nstrs; k++)
        free(r->strs[k]);
    free(r->strs);
    free(r->leaves);
    free(r->kv);
    free(r->chunk);
    free(r->page);
    free(r->u32);
    pq_column_free(&r->dict);
    free(r->path);
    free(r);
}

const char *pq_reader_path(const pq_reader *r)
{
    return r->path;
}

int64_t pq_reader_num_rows(const pq_reader *r)
{
    return r->num_rows;
}

const char *pq_reader_created_by(const pq_reader *r)
{
    return r->created_by ? r->created_by : "";
}

size_t pq_reader_num_leaves(const pq_reader *r)
{
    return r->nleaves;
}

const pq_leaf *pq_reader_leaf(const pq_reader *r, size_t i)
{
    return i < r->nleaves ? &r->leaves[i] : NULL;
}

long pq_reader_find(const pq_reader *r, const char *name)
{
    for (size_t k = 0; k < r->nleaves; k++)
        if (!strcmp(r->leaves[k].top, name))
            return (long)k;
    for (size_t k = 0; k < r->nleaves; k++)
        if (!strcmp(r->leaves[k].path, name))
            return (long)k;
    return -1;
}

size_t pq_reader_num_kv(const pq_reader *r)
{
    return r->nkv;
}

const pq_kv *pq_reader_kv(const pq_reader *r, size_t i)
{
    return i < r->nkv ? &r->kv[i] : NULL;
}

const char *pq_reader_kv_get(const pq_reader *r, const char *key)
{
    const char *v = NULL;
    for (size_t k = 0; k < r->nkv; k++)
        if (!strcmp(r->kv[k].key, key))
            v = r->kv[k].value;
    return v;
}

size_t pq_reader_num_row_groups(const pq_reader *r)
{
    return r->nrg;
}

int64_t pq_reader_row_group_rows(const pq_reader *r, size_t rg)
{
    return rg < r->nrg ? r->rg[rg].rows : -1;
}

/* ---- column chunks ---- */

void pq_column_free(pq_column *c)
{
    free(c->def);
    free(c->rep);
    free(c->i);
    free(c->d);
    free(c->off);
    free(c->bytes);
    memset(c, 0, sizeof *c);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need == 0)
        need = 1;
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

typedef struct ctx {
    pq_reader *r;
    const pq_leaf *leaf;
    int codec;
    const char *why;
    char msg[160];
} ctx;

static int bad(ctx *c, const char *why)
{
    c->why = why;
    return -1;
}

/* Room for `add` more level entries and values in out. */
static int reserve(ctx *c, pq_column *out, size_t add)
{
    size_t need = out->n + add;
    if (add > PQR_MAX_CHUNK_ENTRIES || need > PQR_MAX_CHUNK_ENTRIES)
        return bad(c, "column chunk has too many values");
    if (c->leaf->max_def && grow((void **)&out->def, &out->cap_def, need, 1))
        return bad(c, "out of memory");
    if (c->leaf->max_rep && grow((void **)&out->rep, &out->cap_rep, need, 1))
        return bad(c, "out of memory");
    size_t vneed = out->nvals + add + 1;
    int rc;
    switch (c->leaf->type) {
    case PQR_BOOLEAN:
    case PQR_INT32:
    case PQR_INT64:
        rc = grow((void **)&out->i, &out->cap_i, vneed, sizeof *out->i);
        break;
    case PQR_FLOAT:
    case PQR_DOUBLE:
        rc = grow((void **)&out->d, &out->cap_d, vneed, sizeof *out->d);
        break;
    default:
        rc = grow((void **)&out->off, &out->cap_off, vneed, sizeof *out->off);
    }
    if (rc)
        return bad(c, "out of memory");
    return 0;
}

static int add_bytes(ctx *c, pq_column *out, const uint8_t *p, size_t n)
{
    size_t have = (size_t)out->off[out->nvals];
    if (n > PQR_MAX_CHUNK_BYTES - have)
        return bad(c, "column chunk values too large");
    if (grow((void **)&out->bytes, &out->cap_bytes, have + n + 1, 1))
        return bad(c, "out of memory");
    if (n)
        memcpy(out->bytes + have, p, n);
    out->off[++out->nvals] = have + n;
    return 0;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* PLAIN values: count of them from p[0..n) appended to out. */
static int plain_values(ctx *c, pq_column *out, const uint8_t *p, size_t n, size_t count)
{
    const pq_leaf *l = c->leaf;
    if (!out->off && l->type != PQR_BOOLEAN && l->type != PQR_INT32 && l->type != PQR_INT64 &&
        l->type != PQR_FLOAT && l->type != PQR_DOUBLE)
        return bad(c, "internal: offsets missing");
    switch (l->type) {
    case PQR_BOOLEAN:
        if ((count + 7) / 8 > n)
            return bad(c, "PLAIN booleans beyond the page");
        for (size_t k = 0; k < count; k++)
            out->i[out->nvals++] = (p[k / 8] >> (k % 8)) & 1;
        return 0;
    case PQR_INT32:
        if (count > n / 4)
            return bad(c, "PLAIN values beyond the page");
        for (size_t k = 0; k < count; k++)
            out->i[out->nvals++] = (int32_t)le32(p + 4 * k);
        return 0;
    case PQR_INT64:
        if (count > n / 8)
            return bad(c, "PLAIN values beyond the page");
        for (size_t k = 0; k < count; k++)
            out->i[out->nvals++] = (int64_t)le64(p + 8 * k);
        return 0;
    case PQR_FLOAT:
        if (count > n / 4)
            return bad(c, "PLAIN values beyond the page");
        for (size_t k = 0; k < count; k++) {
            uint32_t u = le32(p + 4 * k);
            float f;
            memcpy(&f, &u, 4);
            out->d[out->nvals++] = f;
        }
        return 0;
    case PQR_DOUBLE:
        if (count > n / 8)
            return bad(c, "PLAIN values beyond the page");
        for (size_t k = 0; k < count; k++) {
            uint64_t u = le64(p + 8 * k);
            double d;
            memcpy(&d, &u, 8);
            out->d[out->nvals++] = d;
        }
        return 0;
    case PQR_BYTE_ARRAY: {
        size_t at = 0;
        for (size_t k = 0; k < count; k++) {
            if (n - at < 4)
                return bad(c, "PLAIN byte array beyond the page");
            uint32_t len = le32(p + at);
            at += 4;
            if (len > n - at)
                return bad(c, "PLAIN byte array beyond the page");
            if (add_bytes(c, out, p + at, len))
                return -1;
            at += len;
        }
        return 0;
    }
    default: { /* FIXED_LEN_BYTE_ARRAY, INT96 */
        size_t w = (size_t)l->type_length;
        if (w == 0 || count > n / w)
            return bad(c, "PLAIN values beyond the page");
        for (size_t k = 0; k < count; k++)
            if (add_bytes(c, out, p + w * k, w))
                return -1;
        return 0;
    }
    }
}

static int scratch_u32(ctx *c, size_t n)
{
    if (grow((void **)&c->r->u32, &c->r->u32_cap, n ? n : 1, sizeof(uint32_t)))
        return bad(c, "out of memory");
    return 0;
}

static int values(ctx *c, pq_column *out, int enc, const uint8_t *p, size_t n, size_t count)
{
    pq_reader *r = c->r;
    const pq_leaf *l = c->leaf;
    if (enc == ENC_PLAIN)
        return plain_values(c, out, p, n, count);
    if (enc == ENC_PLAIN_DICTIONARY || enc == ENC_RLE_DICTIONARY) {
        if (count == 0)
            return 0;
        if (!r->have_dict)
            return bad(c, "dictionary-encoded page without a dictionary page");
        if (n < 1)
            return bad(c, "dictionary page data missing");
        if (scratch_u32(c, count))
            return -1;
        if (pq_rle_decode(p + 1, n - 1, p[0], r->u32, count, NULL, &c->why))
            return -1;
        for (size_t k = 0; k < count; k++) {
            uint32_t ix = r->u32[k];
            if (ix >= r->dict_n)
                return bad(c, "dictionary index out of range");
            switch (l->type) {
            case PQR_BOOLEAN:
            case PQR_INT32:
            case PQR_INT64:
                out->i[out->nvals++] = r->dict.i[ix];
                break;
            case PQR_FLOAT:
            case PQR_DOUBLE:
                out->d[out->nvals++] = r->dict.d[ix];
                break;
            default:
                if (add_bytes(c, out, r->dict.bytes + r->dict.off[ix],
                              (size_t)(r->dict.off[ix + 1] - r->dict.off[ix])))
                    return -1;
            }
        }
        return 0;
    }
    if (enc == ENC_RLE && l->type == PQR_BOOLEAN) {
        if (n < 4 || le32(p) > n - 4)
            return bad(c, "RLE booleans beyond the page");
        if (scratch_u32(c, count) || pq_rle_decode(p + 4, le32(p), 1, r->u32, count, NULL, &c->why))
            return -1;
        for (size_t k = 0; k < count; k++)
            out->i[out->nvals++] = r->u32[k];
        return 0;
    }
    if (enc == ENC_DELTA_BINARY_PACKED && (l->type == PQR_INT32 || l->type == PQR_INT64)) {
        if (pq_delta_decode(p, n, out->i + out->nvals, count, NULL, &c->why))
            return -1;
        if (l->type == PQR_INT32)
            for (size_t k = 0; k < count; k++)
                out->i[out->nvals + k] = (int32_t)(uint32_t)(uint64_t)out->i[out->nvals + k];
        out->nvals += count;
        return 0;
    }
    snprintf(c->msg, sizeof c->msg, "unsupported encoding %d for this column", enc);
    return bad(c, c->msg);
}

/* Uncompresses src into the reader's page buffer (ulen bytes exactly). */
static const uint8_t *page_uncompress(ctx *c, int codec, const uint8_t *src, size_t slen,
                                      size_t ulen)
{
    pq_reader *r = c->r;
    if (codec == CODEC_NONE) {
        if (slen != ulen) {
            bad(c, "page sizes differ in an uncompressed chunk");
            return NULL;
        }
        return src;
    }
    if (ulen > PQR_MAX_PAGE) {
        bad(c, "page too large");
        return NULL;
    }
    if (grow((void **)&r->page, &r->page_cap, ulen + 1, 1)) {
        bad(c, "out of memory");
        return NULL;
    }
    switch (codec) {
    case CODEC_SNAPPY: {
        size_t got;
        if (snappy_uncompressed_length((const char *)src, slen, &got) != SNAPPY_OK || got != ulen) {
            bad(c, "bad snappy data (length)");
            return NULL;
        }
        got = ulen;
        if (snappy_uncompress((const char *)src, slen, (char *)r->page, &got) != SNAPPY_OK ||
            got != ulen) {
            bad(c, "bad snappy data");
            return NULL;
        }
        return r->page;
    }
    case CODEC_GZIP: {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, 15 + 32) != Z_OK) {
            bad(c, "zlib init failed");
            return NULL;
        }
        size_t in_done = 0, out_done = 0;
        int zr = Z_OK;
        while (zr != Z_STREAM_END) {
            size_t in_chunk = slen - in_done > UINT32_MAX ? UINT32_MAX : slen - in_done;
            size_t out_room = ulen + 1 - out_done;
            z.next_in = (Bytef *)(uintptr_t)(src + in_done);
            z.avail_in = (uInt)in_chunk;
            z.next_out = r->page + out_done;
            z.avail_out = (uInt)(out_room > UINT32_MAX ? UINT32_MAX : out_room);
            uInt ai = z.avail_in, ao = z.avail_out;
            zr = inflate(&z, Z_NO_FLUSH);
            in_done += ai - z.avail_in;
            out_done += ao - z.avail_out;
            if (zr == Z_STREAM_END && in_done < slen && out_done < ulen) {
                /* another gzip member follows */
                zr = inflateReset(&z) == Z_OK ? Z_OK : Z_DATA_ERROR;
                continue;
            }
            if (zr != Z_OK && zr != Z_STREAM_END)
                break;
            if (zr == Z_OK && ai == z.avail_in && ao == z.avail_out)
                break; /* no progress */
        }
        inflateEnd(&z);
        if (zr != Z_STREAM_END || out_done != ulen) {
            bad(c, "bad gzip data");
            return NULL;
        }
        return r->page;
    }
    case CODEC_ZSTD: {
        size_t got = ZSTD_decompress(r->page, ulen, src, slen);
        if (ZSTD_isError(got) || got != ulen) {
            bad(c, "bad zstd data");
            return NULL;
        }
        return r->page;
    }
    default:
        snprintf(c->msg, sizeof c->msg, "unsupported compression codec %d", codec);
        bad(c, c->msg);
        return NULL;
    }
}

/* Levels with bit width from max into dst[0..count); checks each <= max. */
static int levels(ctx *c, const uint8_t *p, size_t n, int max, uint8_t *dst, size_t count,
                  size_t *used)
{
    if (scratch_u32(c, count))
        return -1;
    if (pq_rle_decode(p, n, pq_read_bit_width((uint64_t)max), c->r->u32, count, used, &c->why))
        return -1;
    for (size_t k = 0; k < count; k++) {
        if (c->r->u32[k] > (uint32_t)max)
            return bad(c, "level above its maximum");
        dst[k] = (uint8_t)c->r->u32[k];
    }
    return 0;
}

static size_t count_present(const pq_leaf *l, const pq_column *out, size_t nlev)
{
    if (!l->max_def)
        return nlev;
    size_t k = 0;
    for (size_t i = 0; i < nlev; i++)
        k += out->def[out->n + i] == l->max_def;
    return k;
}

static int data_page_v1(ctx *c, pq_column *out, const uint8_t *p, size_t n, int64_t nv, int enc,
                        int def_enc, int rep_enc)
{
    const pq_leaf *l = c->leaf;
    if (nv < 0)
        return bad(c, "negative value count");
    size_t nlev = (size_t)nv;
    if (reserve(c, out, nlev))
        return -1;
    size_t at = 0;
    if (l->max_rep) {
        if (rep_enc != ENC_RLE)
            return bad(c, "unsupported repetition level encoding");
        if (n - at < 4 || le32(p + at) > n - at - 4)
            return bad(c, "repetition levels beyond the page");
        uint32_t len = le32(p + at);
        if (levels(c, p + at + 4, len, l->max_rep, out->rep + out->n, nlev, NULL))
            return -1;
        at += 4 + (size_t)len;
    }
    if (l->max_def) {
        if (def_enc != ENC_RLE)
            return bad(c, "unsupported definition level encoding");
        if (n - at < 4 || le32(p + at) > n - at - 4)
            return bad(c, "definition levels beyond the page");
        uint32_t len = le32(p + at);
        if (levels(c, p + at + 4, len, l->max_def, out->def + out->n, nlev, NULL))
            return -1;
        at += 4 + (size_t)len;
    }
    size_t present = count_present(l, out, nlev);
    if (values(c, out, enc, p + at, n - at, present))
        return -1;
    out->n += nlev;
    return 0;
}

static int load_dict(ctx *c, const uint8_t *p, size_t n, int64_t nv, int enc)
{
    pq_reader *r = c->r;
    if (enc != ENC_PLAIN && enc != ENC_PLAIN_DICTIONARY)
        return bad(c, "unsupported dictionary page encoding");
    if (nv < 0 || (uint64_t)nv > MAX_DICT_ENTRIES)
        return bad(c, "bad dictionary size");
    pq_column *d = &r->dict;
    d->n = d->nvals = 0;
    if (d->off)
        d->off[0] = 0;
    /* reserve() works on the leaf's levels: use a level-less view */
    pq_leaf flat = *c->leaf;
    flat.max_def = flat.max_rep = 0;
    const pq_leaf *saved = c->leaf;
    c->leaf = &flat;
    int rc = reserve(c, d, (size_t)nv);
    if (!rc && d->off)
        d->off[0] = 0;
    if (!rc)
        rc = plain_values(c, d, p, n, (size_t)nv);
    c->leaf = saved;
    if (rc)
        return -1;
    r->dict_n = (size_t)nv;
    r->have_dict = 1;
    return 0;
}

typedef struct page_hdr {
    int type;
    int64_t ulen, clen;
    int have_dp, have_dict, have_v2;
    int64_t nv, nnulls, nrows, def_len, rep_len;
    int enc, def_enc, rep_enc, compressed;
} page_hdr;

static void parse_page_header(tr_reader *t, page_hdr *h)
{
    int16_t last, id;
    int ft;
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->ulen = h->clen = -1;
    h->compressed = 1;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        if (id == 1)
            h->type = (int)tr_int_value(t, ft);
        else if (id == 2)
            h->ulen = tr_int_value(t, ft);
        else if (id == 3)
            h->clen = tr_int_value(t, ft);
        else if ((id == 5 || id == 7 || id == 8) && ft == TR_STRUCT) {
            int16_t l2, i2;
            int f2;
            if (id == 5)
                h->have_dp = 1;
            else if (id == 7)
                h->have_dict = 1;
            else
                h->have_v2 = 1;
            tr_struct_begin(t, &l2);
            while (tr_field(t, &l2, &f2, &i2)) {
                if (i2 == 1 && f2 != TR_STRUCT) {
                    h->nv = tr_int_value(t, f2);
                } else if (id == 8) {
                    /* DataPageHeaderV2: 2 num_nulls, 3 num_rows, 4 encoding,
                     * 5 def length, 6 rep length, 7 is_compressed */
                    if (i2 == 2)
                        h->nnulls = tr_int_value(t, f2);
                    else if (i2 == 3)
                        h->nrows = tr_int_value(t, f2);
                    else if (i2 == 4)
                        h->enc = (int)tr_int_value(t, f2);
                    else if (i2 == 5)
                        h->def_len = tr_int_value(t, f2);
                    else if (i2 == 6)
                        h->rep_len = tr_int_value(t, f2);
                    else if (i2 == 7)
                        h->compressed = (int)tr_int_value(t, f2);
                    else
                        tr_skip(t, f2);
                } else if (i2 == 2 && f2 != TR_STRUCT) {
                    h->enc = (int)tr_int_value(t, f2);
                } else if (id == 5 && i2 == 3 && f2 != TR_STRUCT) {
                    h->def_enc = (int)tr_int_value(t, f2);
                } else if (id == 5 && i2 == 4 && f2 != TR_STRUCT) {
                    h->rep_enc = (int)tr_int_value(t, f2);
                } else {
                    tr_skip(t, f2);
                }
            }
            tr_struct_end(t);
        } else
            tr_skip(t, ft);
    }
    tr_struct_end(t);
    if (!t->err && (h->type < 0 || h->ulen < 0 || h->clen < 0))
        tr_fail(t, "page header incomplete");
}

static int read_chunk(ctx *c, const chunk_meta *m, pq_column *out)
{
    pq_reader *r = c->r;
    const pq_leaf *l = c->leaf;
    if (m->type != l->type)
        return bad(c, "column chunk type differs from the schema");
    int64_t start = m->data_off;
    if (m->dict_off > 0 && m->dict_off < m->data_off)
        start = m->dict_off;
    if (start < 4 || (uint64_t)start >= r->size ||
        (uint64_t)m->comp_size > r->size - (uint64_t)start)
        return bad(c, "column chunk outside the file");
    if ((uint64_t)m->comp_size > PQR_MAX_CHUNK_BYTES)
        return bad(c, "column chunk too large");
    size_t len = (size_t)m->comp_size;
    if (grow((void **)&r->chunk, &r->chunk_cap, len + 1, 1))
        return bad(c, "out of memory");
    if (pread_all(r->fd, r->chunk, len, (uint64_t)start))
        return bad(c, "cannot read the column chunk");
    r->have_dict = 0;
    r->dict_n = 0;
    const uint8_t *p = r->chunk, *end = r->chunk + len;
    int data_seen = 0;
    while (out->n < (uint64_t)m->num_values) {
        if (p >= end)
            return bad(c, "column chunk ends before all its values");
        tr_reader t;
        tr_init(&t, p, (size_t)(end - p));
        page_hdr h;
        parse_page_header(&t, &h);
        if (t.err) {
            snprintf(c->msg, sizeof c->msg, "bad page header: %s", t.err);
            return bad(c, c->msg);
        }
        p = t.p;
        if ((uint64_t)h.clen > (uint64_t)(end - p))
            return bad(c, "page beyond the column chunk");
        if ((uint64_t)h.ulen > PQR_MAX_PAGE)
            return bad(c, "page too large");
        const uint8_t *body = p;
        size_t clen = (size_t)h.clen, ulen = (size_t)h.ulen;
        p += clen;
        if (h.type == PAGE_DICT) {
            if (!h.have_dict)
                return bad(c, "dictionary page without its header");
            if (data_seen || r->have_dict)
                return bad(c, "dictionary page after data pages");
            const uint8_t *u = page_uncompress(c, m->codec, body, clen, ulen);
            if (!u || load_dict(c, u, ulen, h.nv, h.enc))
                return -1;
        } else if (h.type == PAGE_DATA) {
            if (!h.have_dp)
                return bad(c, "data page without its header");
            data_seen = 1;
            const uint8_t *u = page_uncompress(c, m->codec, body, clen, ulen);
            if (!u || data_page_v1(c, out, u, ulen, h.nv, h.enc, h.def_enc, h.rep_enc))
                return -1;
        } else if (h.type == PAGE_DATA_V2) {
            if (!h.have_v2)
                return bad(c, "data page v2 without its header");
            data_seen = 1;
            if (h.nv < 0 || h.nnulls < 0 || h.nnulls > h.nv || h.def_len < 0 || h.rep_len < 0 ||
                (uint64_t)h.def_len + (uint64_t)h.rep_len > clen ||
                (uint64_t)h.def_len + (uint64_t)h.rep_len > ulen)
                return bad(c, "bad data page v2 header");
            size_t nlev = (size_t)h.nv, lv = (size_t)(h.rep_len + h.def_len);
            if (reserve(c, out, nlev))
                return -1;
            if (l->max_rep &&
                levels(c, body, (size_t)h.rep_len, l->max_rep, out->rep + out->n, nlev, NULL))
                return -1;
            if (l->max_def && levels(c, body + h.rep_len, (size_t)h.def_len, l->max_def,
                                     out->def + out->n, nlev, NULL))
                return -1;
            size_t present = count_present(l, out, nlev);
            if (present != nlev - (size_t)h.nnulls)
                return bad(c, "data page v2 null count differs from its levels");
            const uint8_t *u = h.compressed
                                   ? page_uncompress(c, m->codec, body + lv, clen - lv, ulen - lv)
                                   : (clen == ulen ? body + lv : NULL);
            if (!u) {
                if (!h.compressed)
                    bad(c, "page sizes differ in an uncompressed page");
                return -1;
            }
            if (values(c, out, h.enc, u, ulen - lv, present))
                return -1;
            out->n += nlev;
        }
        /* index pages and unknown page types are skipped */
    }
    if (out->n != (uint64_t)m->num_values)
        return bad(c, "column chunk holds more values than its metadata says");
    return 0;
}

int pq_read_column(pq_reader *r, size_t rg, size_t leaf, pq_column *out, char *err, size_t errlen)
{
    if (rg >= r->nrg || leaf >= r->nleaves) {
        set_err(err, errlen, "%s: no row group %zu / column %zu", r->path, rg, leaf);
        return -1;
    }
    ctx c = {r, &r->leaves[leaf], 0, NULL, {0}};
    out->type = c.leaf->type;
    out->n = out->nvals = 0;
    if (reserve(&c, out, 0) == 0 && out->off)
        out->off[0] = 0;
    if (c.why || read_chunk(&c, &r->rg[rg].cols[leaf], out)) {
        set_err(err, errlen, "%s: column %s, row group %zu: %s", r->path, c.leaf->path, rg,
                c.why ? c.why : "error");
        out->n = out->nvals = 0;
        return -1;
    }
    return 0;
}
