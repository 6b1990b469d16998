/* Reading back the files customflow wrote (cf_reader_* in customflow.h):
 * either layout, into the public cf_record as written (SPEC §2, §6).
 *
 * The file is untrusted (the summary and the Python module read whatever
 * they are given): the Parquet layer bounds every read, and this layer
 * checks the shape of every row before it hands it out (list lengths that
 * agree, values in their field's range, payload cells in the -4 bytes -8
 * pattern), so a damaged file gives a one-line error, never a bad record.
 *
 * A row group is decoded at once, every column in use, then cut into
 * records row by row; memory is one row group's columns. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customflow.h"
#include "parquet/pq_reader.h"

/* The key fields, in the nested layout's column order (SPEC §2) and the
 * wide layout's (SPEC §6): the same fields under two sets of names. */
enum {
    K_DEVICE,
    K_FIRST_SEEN,
    K_REMOTE_IP,
    K_PROTOCOL,
    K_DEVICE_PORT,
    K_REMOTE_PORT,
    K_TOTAL_BYTES,
    K_TOTAL_PACKETS,
    N_KEYS
};
static const char *const nested_keys[N_KEYS] = {
    CF_COL_DEVICE,      CF_COL_FIRST_SEEN,  CF_COL_REMOTE_IP,   CF_COL_PROTOCOL,
    CF_COL_DEVICE_PORT, CF_COL_REMOTE_PORT, CF_COL_TOTAL_BYTES, CF_COL_TOTAL_PACKETS};
static const char *const wide_keys[N_KEYS] = {
    "Device", "FirstSeen", "RemIP", "Proto", "DevPort", "RemPort", "TotalFlowSize", "PacketCount"};

/* The nested layout's lists, and the optional columns of --names and
 * --context. */
enum { L_OFFSET, L_SIZE, L_DIRECTION, L_PAYLOAD, L_CONTEXT_ROWS, L_CONTEXT_FILES, N_LISTS };
static const char *const list_names[N_LISTS] = {CF_COL_PKT_OFFSET,    CF_COL_PKT_SIZE,
                                                CF_COL_PKT_DIRECTION, CF_COL_PKT_PAYLOAD,
                                                CF_COL_CONTEXT_ROWS,  CF_COL_CONTEXT_FILES};

/* Where the next row's list starts in a decoded list column. */
typedef struct list_cursor {
    size_t entry, value;
} list_cursor;

struct cf_reader {
    pq_reader *pq;
    cf_layout layout;
    int variant;
    int skip_lists;
    int failed; /* a damaged row was met: every later call fails too */
    char failure[512];
    long key[N_KEYS];
    long list[N_LISTS]; /* nested; -1 when absent (context columns) */
    long remote_name;   /* -1 when absent */
    /* Wide layout: i packets (P00_TO..), B payload cells (C_000..). */
    uint32_t wide_i, wide_b;
    long *wide_to, *wide_ps, *wide_d, *wide_c;
    /* Decoded columns of the current row group, by leaf index. */
    pq_column *col;
    size_t *in_use; /* leaves read per row group */
    size_t n_in_use;
    size_t next_rg, row, rows;
    list_cursor cursor[N_LISTS];
    size_t name_value; /* remote_name: values before the current row */
    /* One record's arrays, grown to the longest record seen. */
    size_t cap;
    int64_t *offset_us;
    int32_t *size;
    int8_t *direction;
    const uint8_t **payload;
    uint32_t *payload_len;
    uint8_t *payload_bytes; /* wide: the cells' bytes */
    /* Wide: the row group's payload cells row by row (rows x B), so that a
     * record reads its cells in order instead of one from each of B
     * columns. */
    int16_t *cells;
    size_t cells_cap;
    size_t ctx_cap;
    int64_t *context_rows;
    const char **context_files;
    size_t *context_at; /* the files' offsets in text */
    char *text;         /* NUL-terminated copies of the record's strings */
    size_t text_cap, text_len;
};

static void set_failed(cf_reader *r, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_failed(cf_reader *r, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->failure, sizeof r->failure, fmt, ap);
    va_end(ap);
    r->failed = 1;
    if (err && errlen)
        snprintf(err, errlen, "%s", r->failure);
}

/* ---------------------------------------------------------------- schema */

static int is_int(const pq_leaf *l)
{
    return l->type == PQ_TYPE_INT32 || l->type == PQ_TYPE_INT64;
}

/* A flat (not repeated) column of the wanted kind. */
static int flat_ok(const pq_leaf *l, int want_bytes)
{
    return l->max_rep == 0 && (want_bytes ? l->type == PQ_TYPE_BYTE_ARRAY : is_int(l));
}

/* Digits at *p up to the end or a '_'; -1 when none or too large. */
static long parse_index(const char **p)
{
    long v = 0;
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > 1000000)
            return -1;
        s++;
    }
    *p = s;
    return v;
}

/* Sets slot[idx] = leaf once; -1 on a second column of the same name. */
static int place(long *slot, size_t n, long idx, size_t leaf)
{
    if (idx < 0 || (size_t)idx >= n || slot[idx] >= 0)
        return -1;
    slot[idx] = (long)leaf;
    return 0;
}

/* Finds P<k>_TO/_PS/_D and C_<k> columns: 0..i-1 and 0..B-1 each exactly
 * once, all flat integers. */
static const char *open_wide(cf_reader *r)
{
    size_t nl = pq_reader_num_leaves(r->pq);
    size_t ni = 0, nb = 0;
    for (size_t k = 0; k < nl; k++) {
        const char *s = pq_reader_leaf(r->pq, k)->path;
        if (s[0] == 'P' && (s++, parse_index(&s) >= 0) && !strcmp(s, "_TO"))
            ni++;
        s = pq_reader_leaf(r->pq, k)->path;
        if (!strncmp(s, "C_", 2) && (s += 2, parse_index(&s) >= 0) && !*s)
            nb++;
    }
    r->wide_i = (uint32_t)ni;
    r->wide_b = (uint32_t)nb;
    r->wide_to = malloc((ni + 1) * sizeof *r->wide_to);
    r->wide_ps = malloc((ni + 1) * sizeof *r->wide_ps);
    r->wide_d = malloc((ni + 1) * sizeof *r->wide_d);
    r->wide_c = malloc((nb + 1) * sizeof *r->wide_c);
    if (!r->wide_to || !r->wide_ps || !r->wide_d || !r->wide_c)
        return "out of memory";
    for (size_t k = 0; k < ni; k++)
        r->wide_to[k] = r->wide_ps[k] = r->wide_d[k] = -1;
    for (size_t k = 0; k < nb; k++)
        r->wide_c[k] = -1;
    for (size_t k = 0; k < nl; k++) {
        const pq_leaf *l = pq_reader_leaf(r->pq, k);
        const char *s = l->path;
        int rc = 0;
        if (s[0] == 'P') {
            s++;
            long idx = parse_index(&s);
            if (idx < 0)
                continue;
            if (!strcmp(s, "_TO"))
                rc = place(r->wide_to, ni, idx, k);
            else if (!strcmp(s, "_PS"))
                rc = place(r->wide_ps, ni, idx, k);
            else if (!strcmp(s, "_D"))
                rc = place(r->wide_d, ni, idx, k);
            else
                continue;
        } else if (!strncmp(s, "C_", 2)) {
            s += 2;
            long idx = parse_index(&s);
            if (idx < 0 || *s)
                continue;
            rc = place(r->wide_c, nb, idx, k);
        } else {
            continue;
        }
        if (rc || !flat_ok(l, 0))
            return "packet or payload cell columns are not numbered 0.. once each";
    }
    for (size_t k = 0; k < ni; k++)
        if (r->wide_to[k] < 0 || r->wide_ps[k] < 0 || r->wide_d[k] < 0)
            return "packet columns P.._TO, P.._PS and P.._D do not match";
    for (size_t k = 0; k < nb; k++)
        if (r->wide_c[k] < 0)
            return "payload cell columns C_.. are not numbered 0.. once each";
    return NULL;
}

static const char *open_nested(cf_reader *r)
{
    for (int k = 0; k < N_LISTS; k++) {
        r->list[k] = pq_reader_find(r->pq, list_names[k]);
        int optional = k == L_CONTEXT_ROWS || k == L_CONTEXT_FILES;
        if (r->list[k] < 0) {
            if (optional)
                continue;
            return "a per-packet list column is missing";
        }
        const pq_leaf *l = pq_reader_leaf(r->pq, (size_t)r->list[k]);
        int bytes = k == L_PAYLOAD || k == L_CONTEXT_FILES;
        if (l->max_rep != 1 || (bytes ? l->type != PQ_TYPE_BYTE_ARRAY : !is_int(l)))
            return "a per-packet column is not a list of the right type";
    }
    return NULL;
}

/* The --names column of either layout (remote_name, wide RemoteName). */
static const char *open_remote_name(cf_reader *r)
{
    r->remote_name = pq_reader_find(r->pq, r->layout == CF_LAYOUT_WIDE ? CF_WIDE_COL_REMOTE_NAME
                                                                       : CF_COL_REMOTE_NAME);
    if (r->remote_name >= 0 && !flat_ok(pq_reader_leaf(r->pq, (size_t)r->remote_name), 1))
        return "remote_name is not a string column";
    return NULL;
}

static int add_use(cf_reader *r, long leaf)
{
    if (leaf < 0)
        return 0;
    for (size_t k = 0; k < r->n_in_use; k++)
        if (r->in_use[k] == (size_t)leaf)
            return 0;
    r->in_use[r->n_in_use++] = (size_t)leaf;
    return 0;
}

/* The leaves to decode per row group (after cf_reader_skip_lists). */
static void choose_columns(cf_reader *r)
{
    r->n_in_use = 0;
    for (int k = 0; k < N_KEYS; k++)
        add_use(r, r->key[k]);
    /* remote_name is one flat string: read even without the lists (the
     * summary counts named records) */
    add_use(r, r->remote_name);
    if (r->skip_lists)
        return;
    if (r->layout == CF_LAYOUT_NESTED) {
        for (int k = 0; k < N_LISTS; k++)
            add_use(r, r->list[k]);
        return;
    }
    for (uint32_t k = 0; k < r->wide_i; k++) {
        add_use(r, r->wide_to[k]);
        add_use(r, r->wide_ps[k]);
        add_use(r, r->wide_d[k]);
    }
    for (uint32_t k = 0; k < r->wide_b; k++)
        add_use(r, r->wide_c[k]);
}

static int variant_of(const cf_reader *r, const char *path)
{
    const char *v = pq_reader_kv_get(r->pq, CF_META_VARIANT);
    if (v && !strcmp(v, "bidirectional"))
        return CF_VARIANT_BI;
    if (v && !strcmp(v, "unidirectional"))
        return CF_VARIANT_UNI;
    /* Files without the key: the folder they are in (SPEC §6 layout). */
    if (strstr(path, "bidirectional/"))
        return strstr(path, "unidirectional/") ? CF_VARIANT_UNI : CF_VARIANT_BI;
    if (strstr(path, "unidirectional/"))
        return CF_VARIANT_UNI;
    return 0;
}

cf_reader *cf_reader_open(const char *path, char *err, size_t errlen)
{
    cf_reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->pq = pq_reader_open(path, err, errlen);
    if (!r->pq) {
        free(r);
        return NULL;
    }
    r->remote_name = -1;
    for (int k = 0; k < N_LISTS; k++)
        r->list[k] = -1;
    const char *why = NULL;
    /* The layout is told by the device column's name. */
    const char *const *names = nested_keys;
    r->layout = CF_LAYOUT_NESTED;
    if (pq_reader_find(r->pq, CF_COL_DEVICE) < 0 && pq_reader_find(r->pq, wide_keys[0]) >= 0) {
        names = wide_keys;
        r->layout = CF_LAYOUT_WIDE;
    }
    for (int k = 0; k < N_KEYS && !why; k++) {
        r->key[k] = pq_reader_find(r->pq, names[k]);
        int bytes = k == K_DEVICE || k == K_REMOTE_IP;
        if (r->key[k] < 0 || !flat_ok(pq_reader_leaf(r->pq, (size_t)r->key[k]), bytes))
            why = "a key column is missing or of the wrong type";
    }
    if (!why)
        why = r->layout == CF_LAYOUT_WIDE ? open_wide(r) : open_nested(r);
    if (!why)
        why = open_remote_name(r);
    int64_t sum = 0;
    for (size_t g = 0; !why && g < pq_reader_num_row_groups(r->pq); g++) {
        int64_t n = pq_reader_row_group_rows(r->pq, g);
        if (n > INT64_MAX - sum)
            why = "row counts overflow";
        else
            sum += n;
    }
    if (!why && sum != pq_reader_num_rows(r->pq))
        why = "the row groups' rows do not add up to the file's";
    size_t nl = pq_reader_num_leaves(r->pq);
    if (!why) {
        r->col = calloc(nl ? nl : 1, sizeof *r->col);
        r->in_use = calloc(nl ? nl : 1, sizeof *r->in_use);
        if (!r->col || !r->in_use)
            why = "out of memory";
    }
    if (why) {
        snprintf(err, errlen, "%s: not a customflow record file (%s)", path, why);
        cf_reader_close(r);
        return NULL;
    }
    r->variant = variant_of(r, path);
    choose_columns(r);
    return r;
}

void cf_reader_skip_lists(cf_reader *r, int skip)
{
    r->skip_lists = skip != 0;
    choose_columns(r);
}

uint64_t cf_reader_rows(const cf_reader *r)
{
    return (uint64_t)pq_reader_num_rows(r->pq);
}

const char *cf_reader_meta(const cf_reader *r, const char *key)
{
    return pq_reader_kv_get(r->pq, key);
}

void cf_reader_close(cf_reader *r)
{
    if (!r)
        return;
    if (r->col)
        for (size_t k = 0; k < pq_reader_num_leaves(r->pq); k++)
            pq_column_free(&r->col[k]);
    pq_reader_close(r->pq);
    free(r->col);
    free(r->in_use);
    free(r->wide_to);
    free(r->wide_ps);
    free(r->wide_d);
    free(r->wide_c);
    free(r->offset_us);
    free(r->size);
    free(r->direction);
    free(r->payload);
    free(r->payload_len);
    free(r->payload_bytes);
    free(r->cells);
    free(r->context_rows);
    free(r->context_files);
    free(r->context_at);
    free(r->text);
    free(r);
}

/* ---------------------------------------------------------------- rows */

/* The payload cells of the row group into r->cells, column by column (each
 * column read in order); a cell that is no marker (-1, -4, -8) and no byte
 * is damage. */
static int transpose_cells(cf_reader *r, size_t rows)
{
    size_t b = r->wide_b;
    r->failure[0] = 0;
    if (b && rows > SIZE_MAX / sizeof *r->cells / b)
        return -1;
    size_t need = rows * b;
    if (need > r->cells_cap) {
        int16_t *nc = realloc(r->cells, need * sizeof *nc);
        if (!nc)
            return -1;
        r->cells = nc;
        r->cells_cap = need;
    }
    /* Tiles of columns: each row gets a run of adjacent cells written while
     * the tile's columns are read in order. */
    enum { TILE = 32 };
    for (size_t k0 = 0; k0 < b; k0 += TILE) {
        size_t kn = b - k0 < TILE ? b - k0 : TILE;
        const int64_t *v[TILE];
        for (size_t k = 0; k < kn; k++)
            v[k] = r->col[r->wide_c[k0 + k]].i;
        for (size_t row = 0; row < rows; row++) {
            int16_t *out = r->cells + row * b + k0;
            for (size_t k = 0; k < kn; k++) {
                int64_t x = v[k][row];
                if (x < -8 || x > 255) {
                    snprintf(r->failure, sizeof r->failure,
                             "payload cell C_%zu of row %zu out of range", k0 + k, row);
                    return -1;
                }
                out[k] = (int16_t)x;
            }
        }
    }
    return 0;
}

/* Decodes every column in use of the next row group. */
static int load_row_group(cf_reader *r, char *err, size_t errlen)
{
    size_t g = r->next_rg++;
    int64_t rows = pq_reader_row_group_rows(r->pq, g);
    for (size_t k = 0; k < r->n_in_use; k++) {
        size_t leaf = r->in_use[k];
        if (pq_read_column(r->pq, g, leaf, &r->col[leaf], r->failure, sizeof r->failure)) {
            r->failed = 1;
            snprintf(err, errlen, "%s", r->failure);
            return -1;
        }
        const pq_leaf *l = pq_reader_leaf(r->pq, leaf);
        const pq_column *c = &r->col[leaf];
        /* Flat columns: one value a row, no NULL (except remote_name). */
        if (!l->max_rep && ((int64_t)c->n != rows ||
                            ((int64_t)leaf != r->remote_name && (int64_t)c->nvals != rows))) {
            set_failed(r, err, errlen, "%s: column %s, row group %zu: NULL or missing values",
                       pq_reader_path(r->pq), l->path, g);
            return -1;
        }
        if (l->max_rep && c->n && (!c->rep || c->rep[0] != 0)) {
            set_failed(r, err, errlen, "%s: column %s, row group %zu: a list starts mid-row",
                       pq_reader_path(r->pq), l->path, g);
            return -1;
        }
    }
    if (r->layout == CF_LAYOUT_WIDE && !r->skip_lists && transpose_cells(r, (size_t)rows)) {
        set_failed(r, err, errlen, "%s: row group %zu: %s", pq_reader_path(r->pq), g,
                   r->failure[0] ? r->failure : "out of memory");
        return -1;
    }
    r->rows = (size_t)rows;
    r->row = 0;
    memset(r->cursor, 0, sizeof r->cursor);
    r->name_value = 0;
    return 0;
}

/* The next row's list in column LEAF: its first value's index and its
 * length. An empty or NULL list is one entry below max_def; a NULL element
 * is damage. */
static int next_list(cf_reader *r, long leaf, list_cursor *cur, size_t *first, size_t *count)
{
    const pq_leaf *l = pq_reader_leaf(r->pq, (size_t)leaf);
    const pq_column *c = &r->col[leaf];
    if (cur->entry >= c->n)
        return -1; /* fewer lists than rows */
    size_t e = cur->entry, n = 0;
    *first = cur->value;
    do {
        int present = !c->def || c->def[e] == l->max_def;
        if (present)
            n++;
        else if (e != cur->entry || (e + 1 < c->n && c->rep[e + 1] != 0))
            return -1;
        e++;
    } while (e < c->n && c->rep[e] != 0);
    if (cur->value + n > c->nvals)
        return -1;
    cur->entry = e;
    cur->value += n;
    *count = n;
    return 0;
}

/* Resizes *p to n elements; on failure *p stays as it was. */
static int resize(void **p, size_t n, size_t elem)
{
    void *np = realloc(*p, n * elem);
    if (!np)
        return -1;
    *p = np;
    return 0;
}

static int grow_arrays(cf_reader *r, size_t n)
{
    if (n <= r->cap)
        return 0;
    size_t nc = r->cap ? r->cap : 16;
    while (nc < n)
        nc *= 2;
    if (resize((void **)&r->offset_us, nc, sizeof *r->offset_us) |
        resize((void **)&r->size, nc, sizeof *r->size) |
        resize((void **)&r->direction, nc, sizeof *r->direction) |
        resize((void **)&r->payload, nc, sizeof *r->payload) |
        resize((void **)&r->payload_len, nc, sizeof *r->payload_len))
        return -1;
    r->cap = nc;
    return 0;
}

/* A NUL-terminated copy of value k of a byte-array column, kept until the
 * next record; the offset into r->text (the buffer may move). */
static int keep_text(cf_reader *r, const pq_column *c, size_t k, size_t *at)
{
    size_t n = (size_t)(c->off[k + 1] - c->off[k]);
    if (r->text_len + n + 1 > r->text_cap) {
        size_t nc = r->text_cap ? r->text_cap : 256;
        while (nc < r->text_len + n + 1)
            nc *= 2;
        char *t = realloc(r->text, nc);
        if (!t)
            return -1;
        r->text = t;
        r->text_cap = nc;
    }
    *at = r->text_len;
    if (n)
        memcpy(r->text + r->text_len, c->bytes + c->off[k], n);
    r->text[r->text_len + n] = 0;
    r->text_len += n + 1;
    return 0;
}

static const char *key_fields(cf_reader *r, size_t row, cf_record *rec, size_t *dev_at,
                              size_t *ip_at)
{
    const pq_column *c = r->col;
    const long *key = r->key;
    int64_t proto = c[key[K_PROTOCOL]].i[row], dport = c[key[K_DEVICE_PORT]].i[row],
            rport = c[key[K_REMOTE_PORT]].i[row];
    if (proto < 0 || proto > 255 || dport < 0 || dport > 65535 || rport < 0 || rport > 65535)
        return "protocol or port out of range";
    rec->protocol = (uint8_t)proto;
    rec->device_port = (uint16_t)dport;
    rec->remote_port = (uint16_t)rport;
    rec->first_seen = c[key[K_FIRST_SEEN]].i[row];
    rec->total_bytes = c[key[K_TOTAL_BYTES]].i[row];
    rec->total_packets = c[key[K_TOTAL_PACKETS]].i[row];
    if (keep_text(r, &c[key[K_DEVICE]], row, dev_at) ||
        keep_text(r, &c[key[K_REMOTE_IP]], row, ip_at))
        return "out of memory";
    return NULL;
}

static const char *nested_lists(cf_reader *r, cf_record *rec)
{
    size_t first[N_LISTS] = {0}, count[N_LISTS] = {0};
    for (int k = 0; k < N_LISTS; k++)
        if (r->list[k] >= 0 && next_list(r, r->list[k], &r->cursor[k], &first[k], &count[k]))
            return "a list column does not match the rows (NULL element or missing list)";
    size_t n = count[L_OFFSET];
    if (count[L_SIZE] != n || count[L_DIRECTION] != n || count[L_PAYLOAD] != n)
        return "the per-packet lists differ in length";
    if (count[L_CONTEXT_ROWS] != count[L_CONTEXT_FILES])
        return "the context lists differ in length";
    if (n > UINT32_MAX || grow_arrays(r, n))
        return "out of memory";
    const pq_column *c = r->col;
    const pq_column *off = &c[r->list[L_OFFSET]], *sz = &c[r->list[L_SIZE]],
                    *dir = &c[r->list[L_DIRECTION]], *pay = &c[r->list[L_PAYLOAD]];
    for (size_t k = 0; k < n; k++) {
        int64_t s = sz->i[first[L_SIZE] + k], d = dir->i[first[L_DIRECTION] + k];
        if (s < INT32_MIN || s > INT32_MAX || d < INT8_MIN || d > INT8_MAX)
            return "packet size or direction out of range";
        size_t v = first[L_PAYLOAD] + k;
        uint64_t len = pay->off[v + 1] - pay->off[v];
        if (len > UINT32_MAX)
            return "payload too long";
        r->offset_us[k] = off->i[first[L_OFFSET] + k];
        r->size[k] = (int32_t)s;
        r->direction[k] = (int8_t)d;
        r->payload[k] = pay->bytes + pay->off[v];
        r->payload_len[k] = (uint32_t)len;
    }
    rec->n = (uint32_t)n;
    size_t nctx = count[L_CONTEXT_ROWS];
    if (nctx) {
        if (nctx > UINT32_MAX)
            return "out of memory";
        if (nctx > r->ctx_cap) {
            if (resize((void **)&r->context_rows, nctx, sizeof *r->context_rows) |
                resize((void **)&r->context_files, nctx, sizeof *r->context_files) |
                resize((void **)&r->context_at, nctx, sizeof *r->context_at))
                return "out of memory";
            r->ctx_cap = nctx;
        }
        const pq_column *cr = &c[r->list[L_CONTEXT_ROWS]], *cf = &c[r->list[L_CONTEXT_FILES]];
        for (size_t k = 0; k < nctx; k++) {
            r->context_rows[k] = cr->i[first[L_CONTEXT_ROWS] + k];
            if (keep_text(r, cf, first[L_CONTEXT_FILES] + k, &r->context_at[k]))
                return "out of memory";
        }
    }
    rec->n_context = (uint32_t)nctx;
    return NULL;
}

/* Wide layout: the P columns up to the first absent packet (-1), and the
 * payload cells back into bytes: per packet -4, its bytes, -8, while two
 * cells remain (SPEC §6); after the last packet only -1. */
static const char *wide_row(cf_reader *r, size_t row, cf_record *rec)
{
    const pq_column *c = r->col;
    uint32_t i = r->wide_i, b = r->wide_b;
    if (grow_arrays(r, i ? i : 1))
        return "out of memory";
    if (!r->payload_bytes && !(r->payload_bytes = malloc(b ? b : 1)))
        return "out of memory";
    uint32_t n = 0;
    while (n < i && !(c[r->wide_ps[n]].i[row] == -1 && c[r->wide_d[n]].i[row] == -1))
        n++;
    for (uint32_t k = 0; k < i; k++) {
        int64_t to = c[r->wide_to[k]].i[row], s = c[r->wide_ps[k]].i[row],
                d = c[r->wide_d[k]].i[row];
        if (k >= n) {
            if (to != -1 || s != -1 || d != -1)
                return "a packet column holds a value after an absent packet";
            continue;
        }
        if (s < 0 || s > INT32_MAX || d < INT8_MIN || d > INT8_MAX)
            return "packet size or direction out of range";
        r->offset_us[k] = to;
        r->size[k] = (int32_t)s;
        r->direction[k] = (int8_t)d;
    }
    const int16_t *cell = r->cells + row * (size_t)b;
    uint32_t pos = 0, used = 0;
    for (uint32_t k = 0; k < n; k++) {
        r->payload[k] = r->payload_bytes + used;
        r->payload_len[k] = 0;
        if (b - pos < 2)
            continue; /* no room was left for this packet's payload */
        if (cell[pos] != -4)
            return "payload cells do not start a packet with -4";
        pos++;
        for (;;) {
            if (pos >= b)
                return "payload cells end without -8";
            int v = cell[pos++];
            if (v == -8)
                break;
            if (v < 0 || v > 255)
                return "payload cell out of range";
            r->payload_bytes[used++] = (uint8_t)v;
            r->payload_len[k]++;
        }
    }
    for (; pos < b; pos++)
        if (cell[pos] != -1)
            return "payload cells hold a value after the last packet";
    rec->n = n;
    return NULL;
}

int cf_reader_next(cf_reader *r, cf_record *rec, char *err, size_t errlen)
{
    if (r->failed) {
        snprintf(err, errlen, "%s", r->failure);
        return -1;
    }
    while (r->row >= r->rows) {
        if (r->next_rg >= pq_reader_num_row_groups(r->pq))
            return 0;
        if (load_row_group(r, err, errlen))
            return -1;
    }
    size_t row = r->row++;
    memset(rec, 0, sizeof *rec);
    rec->variant = r->variant;
    r->text_len = 0;
    size_t dev_at, ip_at, name_at = 0;
    const char *why = key_fields(r, row, rec, &dev_at, &ip_at);
    if (!why && !r->skip_lists) {
        if (r->layout == CF_LAYOUT_WIDE)
            why = wide_row(r, row, rec);
        else
            why = nested_lists(r, rec);
    }
    if (!why && r->remote_name >= 0) {
        const pq_column *c = &r->col[r->remote_name];
        const pq_leaf *l = pq_reader_leaf(r->pq, (size_t)r->remote_name);
        /* A NULL name is "" (unknown). */
        if (c->def && c->def[row] != l->max_def)
            name_at = SIZE_MAX;
        else if (r->name_value >= c->nvals || keep_text(r, c, r->name_value++, &name_at))
            why = "remote_name values missing";
    }
    if (why) {
        set_failed(r, err, errlen, "%s: row %zu of row group %zu: %s", pq_reader_path(r->pq), row,
                   r->next_rg - 1, why);
        return -1;
    }
    /* The strings' buffer is complete: now pointers into it are stable. */
    rec->device = r->text + dev_at;
    rec->remote_ip = r->text + ip_at;
    if (r->remote_name >= 0)
        rec->remote_name = name_at == SIZE_MAX ? "" : r->text + name_at;
    if (rec->n) {
        rec->offset_us = r->offset_us;
        rec->size = r->size;
        rec->direction = r->direction;
        rec->payload = r->payload;
        rec->payload_len = r->payload_len;
    }
    if (rec->n_context) {
        for (uint32_t k = 0; k < rec->n_context; k++)
            r->context_files[k] = r->text + r->context_at[k];
        rec->context_rows = r->context_rows;
        rec->context_files = r->context_files;
    }
    return 1;
}
