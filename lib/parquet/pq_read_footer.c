/* Parquet file reader, part 1: opening a file, its footer (FileMetaData),
 * the schema flattened into leaves, the key-value metadata and the row
 * groups' column chunk locations; see pq_reader.h. Written from
 * parquet-format (parquet.thrift) and the Thrift compact protocol spec. */
#include "parquet/pq_reader_int.h"

#include "parquet/pq_read_thrift.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define MAX_SCHEMA_DEPTH 32

typedef struct schema_el {
    const char *name;
    int type, type_length, repetition, num_children, converted;
    int logical, int_bits, int_signed, time_unit, utc;
} schema_el;

void pqr_set_err(char *err, size_t errlen, const char *fmt, ...)
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
    if (type != TC_BINARY) {
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
        if (ft != TC_STRUCT) {
            tr_skip(t, ft);
            continue;
        }
        switch (id) {
        case PQ_LTYPE_STRING:
            e->logical = PQR_LT_STRING;
            break;
        case PQ_LTYPE_MAP:
            e->logical = PQR_LT_MAP;
            break;
        case PQ_LTYPE_LIST:
            e->logical = PQR_LT_LIST;
            break;
        case PQ_LTYPE_DATE:
            e->logical = PQR_LT_DATE;
            break;
        case PQ_LTYPE_TIMESTAMP:
            e->logical = PQR_LT_TIMESTAMP;
            break;
        case PQ_LTYPE_INTEGER:
            e->logical = PQR_LT_INT;
            break;
        default:
            e->logical = PQR_LT_OTHER;
        }
        if (id == PQ_LTYPE_TIMESTAMP) {
            int16_t l2, i2;
            int f2;
            tr_struct_begin(t, &l2);
            while (tr_field(t, &l2, &f2, &i2)) {
                if (i2 == PQ_TS_IS_ADJUSTED_TO_UTC && (f2 == TC_BOOL_TRUE || f2 == TC_BOOL_FALSE)) {
                    e->utc = f2 == TC_BOOL_TRUE;
                } else if (i2 == PQ_TS_UNIT && f2 == TC_STRUCT) {
                    int16_t l3, i3;
                    int f3;
                    tr_struct_begin(t, &l3);
                    while (tr_field(t, &l3, &f3, &i3)) {
                        if (i3 >= PQ_UNIT_MILLIS && i3 <= PQ_UNIT_NANOS)
                            e->time_unit = i3;
                        tr_skip(t, f3);
                    }
                    tr_struct_end(t);
                } else {
                    tr_skip(t, f2);
                }
            }
            tr_struct_end(t);
        } else if (id == PQ_LTYPE_INTEGER) {
            int16_t l2, i2;
            int f2;
            tr_struct_begin(t, &l2);
            while (tr_field(t, &l2, &f2, &i2)) {
                if (i2 == PQ_INT_BIT_WIDTH)
                    e->int_bits = (int)tr_int_value(t, f2);
                else if (i2 == PQ_INT_IS_SIGNED)
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
        case PQ_SE_TYPE:
            e->type = (int)tr_int_value(t, ft);
            break;
        case PQ_SE_TYPE_LENGTH:
            e->type_length = (int)tr_int_value(t, ft);
            break;
        case PQ_SE_REPETITION_TYPE:
            e->repetition = (int)tr_int_value(t, ft);
            break;
        case PQ_SE_NAME:
            e->name = read_str(r, t, ft);
            break;
        case PQ_SE_NUM_CHILDREN:
            e->num_children = (int)tr_int_value(t, ft);
            break;
        case PQ_SE_CONVERTED_TYPE:
            e->converted = (int)tr_int_value(t, ft);
            break;
        case PQ_SE_LOGICAL_TYPE:
            if (ft == TC_STRUCT)
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
    if (!t->err && (e->repetition < PQ_REP_REQUIRED || e->repetition > PQ_REP_REPEATED))
        tr_fail(t, "bad repetition type");
}

static void parse_kv(pq_reader *r, tr_reader *t, pq_kv *kv)
{
    int16_t last, id;
    int ft;
    kv->key = kv->value = NULL;
    tr_struct_begin(t, &last);
    while (tr_field(t, &last, &ft, &id)) {
        if (id == PQ_KV_KEY)
            kv->key = read_str(r, t, ft);
        else if (id == PQ_KV_VALUE)
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
        case PQ_CMD_TYPE:
            m->type = (int)tr_int_value(t, ft);
            break;
        case PQ_CMD_PATH_IN_SCHEMA: {
            if (ft != TC_LIST) {
                tr_skip(t, ft);
                break;
            }
            int et;
            uint32_t n = tr_list(t, &et);
            /* compare the joined path with the leaf's */
            const char *want = leaf->path;
            size_t at = 0, wl = strlen(want);
            int ok = et == TC_BINARY || n == 0;
            for (uint32_t k = 0; k < n && !t->err; k++) {
                if (et != TC_BINARY) {
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
        case PQ_CMD_CODEC:
            m->codec = (int)tr_int_value(t, ft);
            break;
        case PQ_CMD_NUM_VALUES:
            m->num_values = tr_int_value(t, ft);
            break;
        case PQ_CMD_TOTAL_COMPRESSED_SIZE:
            m->comp_size = tr_int_value(t, ft);
            break;
        case PQ_CMD_DATA_PAGE_OFFSET:
            m->data_off = tr_int_value(t, ft);
            break;
        case PQ_CMD_DICTIONARY_PAGE_OFFSET:
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
        if (id == PQ_RG_COLUMNS && ft == TC_LIST && !have_cols) {
            int et;
            uint32_t n = tr_list(t, &et);
            if (t->err)
                break;
            if (n != r->nleaves || (n && et != TC_STRUCT)) {
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
                int16_t l2, i2;
                int f2;
                tr_struct_begin(t, &l2);
                while (tr_field(t, &l2, &f2, &i2)) {
                    if (i2 == PQ_CC_FILE_PATH && f2 == TC_BINARY) {
                        tr_skip(t, f2);
                        tr_fail(t, "column chunks in other files are not supported");
                    } else if (i2 == PQ_CC_META_DATA && f2 == TC_STRUCT) {
                        parse_col_meta(t, &g->cols[k], &r->leaves[k]);
                    } else {
                        tr_skip(t, f2);
                    }
                }
                tr_struct_end(t);
                if (!t->err && !g->cols[k].present)
                    tr_fail(t, "column chunk without metadata");
            }
        } else if (id == PQ_RG_NUM_ROWS) {
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
    if (c == PQ_CONV_UTF8)
        *lt = PQR_LT_STRING;
    else if (c == PQ_CONV_MAP || c == PQ_CONV_MAP_KEY_VALUE)
        *lt = PQR_LT_MAP;
    else if (c == PQ_CONV_LIST)
        *lt = PQR_LT_LIST;
    else if (c == PQ_CONV_DATE)
        *lt = PQR_LT_DATE;
    else if (c == PQ_CONV_TIMESTAMP_MILLIS || c == PQ_CONV_TIMESTAMP_MICROS) {
        *lt = PQR_LT_TIMESTAMP;
        *unit = c == PQ_CONV_TIMESTAMP_MILLIS ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS;
        *utc = 1;
    } else if (c >= PQ_CONV_UINT_8 && c <= PQ_CONV_INT_64) {
        *lt = PQR_LT_INT;
        *bits = 8 << ((c - PQ_CONV_UINT_8) % 4);
        *sign = c >= PQ_CONV_INT_8;
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
    if (e->repetition != PQ_REP_REQUIRED)
        def++;
    if (e->repetition == PQ_REP_REPEATED)
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
    if (e->type < PQ_TYPE_BOOLEAN || e->type > PQ_TYPE_FIXED_LEN_BYTE_ARRAY) {
        w->err = "leaf without a valid physical type";
        return -1;
    }
    if (e->type == PQ_TYPE_FIXED_LEN_BYTE_ARRAY &&
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
    l->type_length = e->type == PQ_TYPE_INT96 ? 12 : e->type_length;
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
        if (id == PQ_FMD_SCHEMA && ft == TC_LIST && !have_schema) {
            int et;
            uint32_t cnt = tr_list(&t, &et);
            if (t.err)
                break;
            if (cnt == 0 || et != TC_STRUCT) {
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
        } else if (id == PQ_FMD_NUM_ROWS) {
            r->num_rows = tr_int_value(&t, ft);
            have_rows = 1;
        } else if (id == PQ_FMD_ROW_GROUPS && ft == TC_LIST && have_schema && !have_rg) {
            int et;
            uint32_t cnt = tr_list(&t, &et);
            if (t.err)
                break;
            if (cnt && et != TC_STRUCT) {
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
        } else if (id == PQ_FMD_KEY_VALUE_METADATA && ft == TC_LIST) {
            int et;
            uint32_t cnt = tr_list(&t, &et);
            if (t.err)
                break;
            if (cnt && et != TC_STRUCT) {
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
        } else if (id == PQ_FMD_CREATED_BY && ft == TC_BINARY) {
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

int pqr_pread_all(int fd, void *buf, size_t n, uint64_t off)
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
        pqr_set_err(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->created_by = "";
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        pqr_set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        pq_reader_close(r);
        return NULL;
    }
    struct stat st;
    if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        pqr_set_err(err, errlen, "%s: not a regular file", path);
        pq_reader_close(r);
        return NULL;
    }
    r->size = (uint64_t)st.st_size;
    uint8_t head[4], tail[8];
    if (r->size < 12 || pqr_pread_all(r->fd, head, 4, 0) ||
        pqr_pread_all(r->fd, tail, 8, r->size - 8)) {
        pqr_set_err(err, errlen, "%s: not a Parquet file (too short)", path);
        pq_reader_close(r);
        return NULL;
    }
    if (memcmp(head, "PAR1", 4) || memcmp(tail + 4, "PAR1", 4)) {
        pqr_set_err(err, errlen, "%s: not a Parquet file (bad magic)", path);
        pq_reader_close(r);
        return NULL;
    }
    uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                    (uint32_t)tail[3] << 24;
    if (flen == 0 || (uint64_t)flen > r->size - 12 || flen > PQR_MAX_FOOTER) {
        pqr_set_err(err, errlen,
                    "%s: bad Parquet footer length %" PRIu32 " (file of %" PRIu64 " bytes)", path,
                    flen, r->size);
        pq_reader_close(r);
        return NULL;
    }
    uint8_t *f = malloc(flen);
    if (!f) {
        pqr_set_err(err, errlen, "%s: out of memory reading the footer", path);
        pq_reader_close(r);
        return NULL;
    }
    if (pqr_pread_all(r->fd, f, flen, r->size - 8 - flen)) {
        free(f);
        pqr_set_err(err, errlen, "%s: cannot read the footer: %s", path, strerror(errno));
        pq_reader_close(r);
        return NULL;
    }
    const char *why = NULL;
    int rc = parse_footer(r, f, flen, &why);
    free(f);
    if (rc) {
        pqr_set_err(err, errlen, "%s: bad Parquet footer: %s", path, why);
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
    ZSTD_freeDCtx(r->zstd);
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
