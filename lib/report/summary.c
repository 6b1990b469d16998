/* customflow summary: see summary.h. Files are read one row group and
 * three columns at a time (device, first_seen, total_packets or their wide
 * names), so memory stays bounded by one row group's column, whatever the
 * number of files. A file counts only when it was read completely. */
#include "report/summary.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "parquet/pq_reader.h"

#define MAX_WALK_DEPTH 64
#define MAX_LABEL 1024

/* ------------------------------------------------------------ u64 -> u64 map */
typedef struct u64map {
    uint64_t *key, *val;
    uint8_t *used;
    size_t n, cap;
} u64map;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static int u64map_add(u64map *m, uint64_t k, uint64_t v)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 64;
        u64map nm = {calloc(nc, 8), calloc(nc, 8), calloc(nc, 1), 0, nc};
        if (!nm.key || !nm.val || !nm.used) {
            free(nm.key);
            free(nm.val);
            free(nm.used);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->used[i]) {
                size_t j = mix(m->key[i]) & (nc - 1);
                while (nm.used[j])
                    j = (j + 1) & (nc - 1);
                nm.used[j] = 1;
                nm.key[j] = m->key[i];
                nm.val[j] = m->val[i];
                nm.n++;
            }
        free(m->key);
        free(m->val);
        free(m->used);
        *m = nm;
    }
    size_t j = mix(k) & (m->cap - 1);
    while (m->used[j] && m->key[j] != k)
        j = (j + 1) & (m->cap - 1);
    if (!m->used[j]) {
        m->used[j] = 1;
        m->key[j] = k;
        m->val[j] = 0;
        m->n++;
    }
    m->val[j] += v;
    return 0;
}

static void u64map_free(u64map *m)
{
    free(m->key);
    free(m->val);
    free(m->used);
    memset(m, 0, sizeof *m);
}

typedef struct kvpair {
    uint64_t k, v;
} kvpair;

static int cmp_kvpair(const void *a, const void *b)
{
    const kvpair *x = a, *y = b;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* Sorted (key, count) pairs; NULL when empty or out of memory. */
static kvpair *u64map_sorted(const u64map *m)
{
    if (!m->n)
        return NULL;
    kvpair *p = malloc(m->n * sizeof *p);
    if (!p)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i])
            p[k++] = (kvpair){m->key[i], m->val[i]};
    qsort(p, m->n, sizeof *p, cmp_kvpair);
    return p;
}

/* ------------------------------------------------------------ label map */
typedef struct label {
    char *name;
    uint64_t count;
} label;

typedef struct labelmap {
    label *slot;
    size_t n, cap;
} labelmap;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static int labelmap_add(labelmap *m, const char *name, uint64_t v)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 32;
        label *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slot[i].name) {
                size_t j = hash_str(m->slot[i].name) & (nc - 1);
                while (ns[j].name)
                    j = (j + 1) & (nc - 1);
                ns[j] = m->slot[i];
            }
        free(m->slot);
        m->slot = ns;
        m->cap = nc;
    }
    size_t j = hash_str(name) & (m->cap - 1);
    while (m->slot[j].name && strcmp(m->slot[j].name, name))
        j = (j + 1) & (m->cap - 1);
    if (!m->slot[j].name) {
        if (!(m->slot[j].name = strdup(name)))
            return -1;
        m->n++;
    }
    m->slot[j].count += v;
    return 0;
}

static void labelmap_free(labelmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slot[i].name);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------ statistics */
typedef struct stats {
    uint64_t records;
    labelmap devices;
    u64map packets; /* total_packets -> records */
    u64map payload; /* payload size -> packets */
    int64_t tmin, tmax;
    int have_t;
    uint64_t names_files; /* files with a remote_name column (--names) */
    uint64_t named;       /* their records with a non-empty remote_name */
    uint64_t name_rows;   /* their records */
} stats;

static void stats_free(stats *s)
{
    labelmap_free(&s->devices);
    u64map_free(&s->packets);
    u64map_free(&s->payload);
}

static int stats_merge(stats *d, const stats *s)
{
    d->records += s->records;
    d->names_files += s->names_files;
    d->named += s->named;
    d->name_rows += s->name_rows;
    for (size_t i = 0; i < s->devices.cap; i++)
        if (s->devices.slot[i].name &&
            labelmap_add(&d->devices, s->devices.slot[i].name, s->devices.slot[i].count))
            return -1;
    for (size_t i = 0; i < s->packets.cap; i++)
        if (s->packets.used[i] && u64map_add(&d->packets, s->packets.key[i], s->packets.val[i]))
            return -1;
    for (size_t i = 0; i < s->payload.cap; i++)
        if (s->payload.used[i] && u64map_add(&d->payload, s->payload.key[i], s->payload.val[i]))
            return -1;
    if (s->have_t) {
        if (!d->have_t || s->tmin < d->tmin)
            d->tmin = s->tmin;
        if (!d->have_t || s->tmax > d->tmax)
            d->tmax = s->tmax;
        d->have_t = 1;
    }
    return 0;
}

typedef struct variant {
    char *name;
    size_t files, files_no_hist;
    stats st;
    int64_t meta_packets, meta_payload; /* from the first file that has them, or -1 */
    int packets_differ, payload_differ;
} variant;

typedef struct summary {
    variant *v;
    size_t nv;
    int sort_by_name;
    int64_t opt_packets, opt_payload; /* -1: from the files */
    int status;
} summary;

static variant *get_variant(summary *s, const char *name)
{
    for (size_t k = 0; k < s->nv; k++)
        if (!strcmp(s->v[k].name, name))
            return &s->v[k];
    variant *nv = realloc(s->v, (s->nv + 1) * sizeof *nv);
    if (!nv)
        return NULL;
    s->v = nv;
    variant *v = &s->v[s->nv];
    memset(v, 0, sizeof *v);
    if (!(v->name = strdup(name)))
        return NULL;
    v->meta_packets = v->meta_payload = -1;
    s->nv++;
    return v;
}

/* ------------------------------------------------------------ one file */
static int parse_u64(const char *s, const char **end, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9') {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
        s++;
    }
    *end = s;
    *out = v;
    return 0;
}

/* "SIZE:COUNT,SIZE:COUNT,..." into m (empty text: no packets). */
static int parse_hist(const char *text, u64map *m)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    if (!*p)
        return 0;
    for (;;) {
        uint64_t size, count;
        if (parse_u64(p, &p, &size) || *p++ != ':' || parse_u64(p, &p, &count))
            return -1;
        if (u64map_add(m, size, count))
            return -1;
        if (!*p)
            return 0;
        if (*p++ != ',')
            return -1;
    }
}

static int64_t meta_number(const pq_reader *r, const char *key)
{
    const char *v = pq_reader_kv_get(r, key);
    uint64_t n;
    const char *end;
    if (!v || parse_u64(v, &end, &n) || *end || n > INT32_MAX)
        return -1;
    return (int64_t)n;
}

/* The name of the folder holding path ("" when none). */
static void parent_name(const char *path, char *out, size_t outlen)
{
    const char *end = path + strlen(path);
    while (end > path && end[-1] != '/')
        end--; /* end: start of the file name */
    while (end > path && end[-1] == '/')
        end--;
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    size_t n = (size_t)(end - start);
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, start, n);
    out[n] = 0;
}

static void copy_label(char *dst, const uint8_t *p, size_t n)
{
    if (n > MAX_LABEL)
        n = MAX_LABEL;
    for (size_t k = 0; k < n; k++)
        dst[k] = p[k] < 0x20 || p[k] == 0x7f ? '?' : (char)p[k];
    dst[n] = 0;
}

static int fail_file(summary *s, const char *msg)
{
    fprintf(stderr, "customflow summary: %s\n", msg);
    s->status = 1;
    return -1;
}

/* --names files: how many records carry a remote name (remote_name, or
 * RemoteName in the wide layout). Files without the column count nothing. */
static int count_names(pq_reader *r, stats *fs, char *err, size_t errlen)
{
    long col = pq_reader_find(r, "remote_name");
    if (col < 0)
        col = pq_reader_find(r, "RemoteName");
    if (col < 0)
        return 0;
    const pq_leaf *l = pq_reader_leaf(r, (size_t)col);
    if (!l || l->type != PQR_BYTE_ARRAY || l->max_rep)
        return 0;
    pq_column c = {0};
    int rc = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        if (pq_read_column(r, g, (size_t)col, &c, err, errlen)) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < c.nvals; k++)
            fs->named += c.off[k + 1] > c.off[k];
        fs->name_rows += c.nvals;
    }
    pq_column_free(&c);
    fs->names_files++;
    return rc;
}

static int summarize_file(summary *s, const char *path)
{
    char err[768];
    pq_reader *r = pq_reader_open(path, err, sizeof err);
    if (!r)
        return fail_file(s, err);
    static const char *const names[2][3] = {{"device", "first_seen", "total_packets"},
                                            {"Device", "FirstSeen", "PacketCount"}};
    long col[3] = {-1, -1, -1};
    for (int lay = 0; lay < 2 && col[0] < 0; lay++) {
        long c[3];
        for (int k = 0; k < 3; k++)
            c[k] = pq_reader_find(r, names[lay][k]);
        if (c[0] >= 0 && c[1] >= 0 && c[2] >= 0)
            memcpy(col, c, sizeof col);
    }
    const pq_leaf *ld = col[0] >= 0 ? pq_reader_leaf(r, (size_t)col[0]) : NULL;
    const pq_leaf *lt = col[0] >= 0 ? pq_reader_leaf(r, (size_t)col[1]) : NULL;
    const pq_leaf *lp = col[0] >= 0 ? pq_reader_leaf(r, (size_t)col[2]) : NULL;
    if (!ld || ld->type != PQR_BYTE_ARRAY || ld->max_rep || lt->type != PQR_INT64 || lt->max_rep ||
        (lp->type != PQR_INT64 && lp->type != PQR_INT32) || lp->max_rep) {
        snprintf(err, sizeof err,
                 "%s: not a customflow record file (no device, first_seen and total_packets "
                 "columns)",
                 path);
        pq_reader_close(r);
        return fail_file(s, err);
    }
    char vname[256];
    const char *vk = pq_reader_kv_get(r, "customflow.variant");
    if (vk && *vk) {
        copy_label(vname, (const uint8_t *)vk, strlen(vk) < 200 ? strlen(vk) : 200);
    } else {
        parent_name(path, vname, sizeof vname);
        if (strcmp(vname, "bidirectional") && strcmp(vname, "unidirectional"))
            strcpy(vname, "unknown");
    }
    stats fs;
    memset(&fs, 0, sizeof fs);
    int rc = 0, has_hist = 0;
    const char *hist = pq_reader_kv_get(r, "customflow.payload_hist");
    if (hist) {
        if (parse_hist(hist, &fs.payload)) {
            snprintf(err, sizeof err, "%s: malformed customflow.payload_hist", path);
            rc = -1;
        } else {
            has_hist = 1;
        }
    }
    pq_column cd = {0}, ct = {0}, cp = {0};
    char label[MAX_LABEL + 1];
    for (size_t g = 0; !rc && g < pq_reader_num_row_groups(r); g++) {
        if (pq_read_column(r, g, (size_t)col[0], &cd, err, sizeof err) ||
            pq_read_column(r, g, (size_t)col[1], &ct, err, sizeof err) ||
            pq_read_column(r, g, (size_t)col[2], &cp, err, sizeof err)) {
            rc = -1;
            break;
        }
        uint64_t rows = (uint64_t)pq_reader_row_group_rows(r, g);
        if (cd.n != rows || ct.n != rows || cp.n != rows || cd.nvals != rows || ct.nvals != rows ||
            cp.nvals != rows) {
            snprintf(err, sizeof err, "%s: row group %zu: NULL or missing values in %s/%s/%s", path,
                     g, ld->path, lt->path, lp->path);
            rc = -1;
            break;
        }
        for (size_t k = 0; k < rows && !rc; k++) {
            copy_label(label, cd.bytes + cd.off[k], (size_t)(cd.off[k + 1] - cd.off[k]));
            int64_t t = ct.i[k], pk = cp.i[k];
            if (labelmap_add(&fs.devices, label, 1) ||
                u64map_add(&fs.packets, pk < 0 ? 0 : (uint64_t)pk, 1)) {
                snprintf(err, sizeof err, "%s: out of memory", path);
                rc = -1;
            }
            if (!fs.have_t || t < fs.tmin)
                fs.tmin = t;
            if (!fs.have_t || t > fs.tmax)
                fs.tmax = t;
            fs.have_t = 1;
            fs.records++;
        }
    }
    pq_column_free(&cd);
    pq_column_free(&ct);
    pq_column_free(&cp);
    if (!rc)
        rc = count_names(r, &fs, err, sizeof err);
    if (!rc) {
        variant *v = get_variant(s, vname);
        if (!v || stats_merge(&v->st, &fs)) {
            snprintf(err, sizeof err, "%s: out of memory", path);
            rc = -1;
        } else {
            v->files++;
            v->files_no_hist += !has_hist;
            int64_t mp = meta_number(r, "customflow.packets");
            int64_t mj = meta_number(r, "customflow.payload_bytes");
            if (mp >= 0) {
                if (v->meta_packets < 0)
                    v->meta_packets = mp;
                else if (v->meta_packets != mp)
                    v->packets_differ = 1;
            }
            if (mj >= 0) {
                if (v->meta_payload < 0)
                    v->meta_payload = mj;
                else if (v->meta_payload != mj)
                    v->payload_differ = 1;
            }
        }
    }
    stats_free(&fs);
    pq_reader_close(r);
    return rc ? fail_file(s, err) : 0;
}

/* ------------------------------------------------------------ finding files */
typedef struct pathlist {
    char **p;
    size_t n, cap;
} pathlist;

static int push_path(pathlist *l, const char *p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        char **np = realloc(l->p, nc * sizeof *np);
        if (!np)
            return -1;
        l->p = np;
        l->cap = nc;
    }
    if (!(l->p[l->n] = strdup(p)))
        return -1;
    l->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static void walk_dir(summary *s, const char *dir, int depth, pathlist *out)
{
    if (depth > MAX_WALK_DEPTH) {
        fprintf(stderr, "customflow summary: %s: folders nested too deeply, skipped\n", dir);
        s->status = 1;
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "customflow summary: %s: cannot open folder: %s\n", dir, strerror(errno));
        s->status = 1;
        return;
    }
    pathlist here = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p)
            break;
        snprintf(p, n, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e->d_name);
        if (push_path(&here, p))
            s->status = 1;
        free(p);
    }
    closedir(d);
    if (here.n)
        qsort(here.p, here.n, sizeof *here.p, cmp_str);
    for (size_t k = 0; k < here.n; k++) {
        struct stat st;
        const char *p = here.p[k];
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_dir(s, p, depth + 1, out); /* symlinked folders are not followed */
        } else if (ends_with(p, ".parquet") && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            if (push_path(out, p))
                s->status = 1;
        }
        free(here.p[k]);
    }
    free(here.p);
}

/* ------------------------------------------------------------ output */
typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_MD } fmt;

static void iso_time(int64_t us, char *out, size_t n)
{
    int64_t sec = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, n, "%" PRId64 "us", us);
        return;
    }
    size_t len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + len, n - len, ".%06dZ", (int)frac);
}

static const int pcts[4] = {50, 90, 95, 99};

/* Nearest-rank percentiles: the smallest value v with at least p% of the
 * weight at or below it. Also the weight at or below `limit`. */
static void percentiles(const u64map *m, uint64_t limit, uint64_t *total, uint64_t *within,
                        uint64_t out[4])
{
    *total = *within = 0;
    for (int k = 0; k < 4; k++)
        out[k] = 0;
    kvpair *p = u64map_sorted(m);
    if (!p)
        return;
    uint64_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        n += p[i].v;
        if (p[i].k <= limit)
            *within += p[i].v;
    }
    *total = n;
    for (int k = 0; k < 4; k++) {
        uint64_t q = n / 100, r = n % 100, pc = (uint64_t)pcts[k];
        uint64_t rank = q * pc + (r * pc + 99) / 100;
        if (rank == 0)
            rank = 1;
        uint64_t cum = 0;
        for (size_t i = 0; i < m->n; i++) {
            cum += p[i].v;
            if (cum >= rank) {
                out[k] = p[i].k;
                break;
            }
        }
    }
    free(p);
}

static void pct_text(char *out, size_t n, uint64_t part, uint64_t whole)
{
    if (!whole)
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%.2f", 100.0 * (double)part / (double)whole);
}

static int sort_by_name;
static int cmp_label(const void *a, const void *b)
{
    const label *x = a, *y = b;
    if (!sort_by_name && x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int variant_rank(const char *n)
{
    return !strcmp(n, "bidirectional") ? 0 : !strcmp(n, "unidirectional") ? 1 : 2;
}

static int cmp_variant(const void *a, const void *b)
{
    const variant *x = a, *y = b;
    int rx = variant_rank(x->name), ry = variant_rank(y->name);
    if (rx != ry)
        return rx - ry;
    return strcmp(x->name, y->name);
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* Everything printed for one variant, computed once. */
typedef struct view {
    const variant *v;
    label *labels;
    size_t nlabels;
    uint64_t ilimit, jlimit;
    uint64_t rec_total, rec_within, rec_p[4];
    uint64_t pay_total, pay_within, pay_p[4];
    char rec_share[32], pay_share[32], tmin[64], tmax[64];
} view;

static int make_view(const summary *s, const variant *v, view *w)
{
    memset(w, 0, sizeof *w);
    w->v = v;
    w->labels = malloc((v->st.devices.n ? v->st.devices.n : 1) * sizeof *w->labels);
    if (!w->labels)
        return -1;
    for (size_t i = 0; i < v->st.devices.cap; i++)
        if (v->st.devices.slot[i].name)
            w->labels[w->nlabels++] = v->st.devices.slot[i];
    sort_by_name = s->sort_by_name;
    qsort(w->labels, w->nlabels, sizeof *w->labels, cmp_label);
    w->ilimit = (uint64_t)(s->opt_packets >= 0    ? s->opt_packets
                           : v->meta_packets >= 0 ? v->meta_packets
                                                  : 10);
    w->jlimit = (uint64_t)(s->opt_payload >= 0    ? s->opt_payload
                           : v->meta_payload >= 0 ? v->meta_payload
                                                  : 1000);
    percentiles(&v->st.packets, w->ilimit, &w->rec_total, &w->rec_within, w->rec_p);
    percentiles(&v->st.payload, w->jlimit, &w->pay_total, &w->pay_within, w->pay_p);
    pct_text(w->rec_share, sizeof w->rec_share, w->rec_within, w->rec_total);
    pct_text(w->pay_share, sizeof w->pay_share, w->pay_within, w->pay_total);
    if (v->st.have_t) {
        iso_time(v->st.tmin, w->tmin, sizeof w->tmin);
        iso_time(v->st.tmax, w->tmax, sizeof w->tmax);
    }
    return 0;
}

static void print_text(FILE *f, const view *w, int md)
{
    const variant *v = w->v;
    char share[32];
    size_t width = 6;
    for (size_t i = 0; i < w->nlabels; i++)
        if (strlen(w->labels[i].name) > width)
            width = strlen(w->labels[i].name);
    if (md) {
        fprintf(f, "## %s\n\n", v->name);
        fprintf(f, "Table I: records per device\n\n| device | records | share |\n|---|--:|--:|\n");
        for (size_t i = 0; i < w->nlabels; i++) {
            pct_text(share, sizeof share, w->labels[i].count, v->st.records);
            fputs("| ", f);
            md_cell(f, w->labels[i].name);
            fprintf(f, " | %" PRIu64 " | %s%% |\n", w->labels[i].count, share);
        }
        fprintf(f, "| **total** | **%" PRIu64 "** | %s |\n\n", v->st.records,
                v->st.records ? "100.00%" : "-");
        fprintf(f, "| statistic | value |\n|---|--:|\n");
    } else {
        fprintf(f, "%s: %zu file%s, %" PRIu64 " records\n\n", v->name, v->files,
                v->files == 1 ? "" : "s", v->st.records);
        fprintf(f, "Table I: records per device\n");
        fprintf(f, "  %-*s %12s %8s\n", (int)width, "device", "records", "share");
        for (size_t i = 0; i < w->nlabels; i++) {
            pct_text(share, sizeof share, w->labels[i].count, v->st.records);
            fprintf(f, "  %-*s %12" PRIu64 " %7s%%\n", (int)width, w->labels[i].name,
                    w->labels[i].count, share);
        }
        fprintf(f, "  %-*s %12" PRIu64 " %8s\n\n", (int)width, "total", v->st.records,
                v->st.records ? "100.00%" : "-");
    }
    char line[256];
    const char *pre = md ? "| " : "";
    const char *sep = md ? " | " : ": ";
    const char *post = md ? " |\n" : "\n";
    snprintf(line, sizeof line, "%" PRIu64 " of %" PRIu64 " (%s%%)", w->rec_within, w->rec_total,
             w->rec_share);
    fprintf(f, "%srecords with at most %" PRIu64 " packets%s%s%s", pre, w->ilimit, sep,
            w->rec_total ? line : "-", post);
    if (w->rec_total)
        fprintf(f,
                "%spackets per record%sp50 %" PRIu64 ", p90 %" PRIu64 ", p95 %" PRIu64
                ", p99 %" PRIu64 "%s",
                pre, sep, w->rec_p[0], w->rec_p[1], w->rec_p[2], w->rec_p[3], post);
    else
        fprintf(f, "%spackets per record%s-%s", pre, sep, post);
    snprintf(line, sizeof line, "%" PRIu64 " of %" PRIu64 " (%s%%)", w->pay_within, w->pay_total,
             w->pay_share);
    fprintf(f, "%spackets with a payload of at most %" PRIu64 " bytes%s%s%s", pre, w->jlimit, sep,
            w->pay_total ? line : "-", post);
    if (w->pay_total)
        fprintf(f,
                "%spayload bytes per packet%sp50 %" PRIu64 ", p90 %" PRIu64 ", p95 %" PRIu64
                ", p99 %" PRIu64 "%s",
                pre, sep, w->pay_p[0], w->pay_p[1], w->pay_p[2], w->pay_p[3], post);
    else
        fprintf(f, "%spayload bytes per packet%s-%s", pre, sep, post);
    if (v->files_no_hist)
        fprintf(f, "%spayload sizes%snot recorded in %zu file%s%s", pre, sep, v->files_no_hist,
                v->files_no_hist == 1 ? "" : "s", post);
    if (v->st.have_t)
        fprintf(f, "%sfirst seen%s%s .. %s%s", pre, sep, w->tmin, w->tmax, post);
    else
        fprintf(f, "%sfirst seen%s-%s", pre, sep, post);
    if (v->st.names_files) {
        char pct[32];
        pct_text(pct, sizeof pct, v->st.named, v->st.name_rows);
        snprintf(line, sizeof line, "%" PRIu64 " of %" PRIu64 " (%s%%)", v->st.named,
                 v->st.name_rows, pct);
        fprintf(f, "%srecords with a remote name%s%s%s", pre, sep, v->st.name_rows ? line : "-",
                post);
    }
    fprintf(f, "%sfiles%s%zu%s\n", pre, sep, v->files, post);
}

static void csv_row(FILE *f, const char *variant, const char *metric, const char *key,
                    const char *value)
{
    csv_field(f, variant);
    fputc(',', f);
    fputs(metric, f);
    fputc(',', f);
    csv_field(f, key);
    fputc(',', f);
    csv_field(f, value);
    fputc('\n', f);
}

static void csv_num(FILE *f, const char *variant, const char *metric, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, v);
    csv_row(f, variant, metric, "", b);
}

static void print_csv(FILE *f, const view *w)
{
    const variant *v = w->v;
    char b[64];
    const char *n = v->name;
    csv_num(f, n, "files", v->files);
    for (size_t i = 0; i < w->nlabels; i++) {
        snprintf(b, sizeof b, "%" PRIu64, w->labels[i].count);
        csv_row(f, n, "records", w->labels[i].name, b);
    }
    for (size_t i = 0; i < w->nlabels; i++) {
        pct_text(b, sizeof b, w->labels[i].count, v->st.records);
        csv_row(f, n, "records_pct", w->labels[i].name, b);
    }
    csv_num(f, n, "records_total", v->st.records);
    csv_num(f, n, "packets_limit", w->ilimit);
    csv_num(f, n, "records_within_packets_limit", w->rec_within);
    csv_row(f, n, "records_within_packets_limit_pct", "", w->rec_total ? w->rec_share : "");
    for (int k = 0; k < 4; k++) {
        char m[48];
        snprintf(m, sizeof m, "packets_per_record_p%d", pcts[k]);
        snprintf(b, sizeof b, "%" PRIu64, w->rec_p[k]);
        csv_row(f, n, m, "", w->rec_total ? b : "");
    }
    csv_num(f, n, "payload_limit", w->jlimit);
    csv_num(f, n, "payload_packets", w->pay_total);
    csv_num(f, n, "packets_within_payload_limit", w->pay_within);
    csv_row(f, n, "packets_within_payload_limit_pct", "", w->pay_total ? w->pay_share : "");
    for (int k = 0; k < 4; k++) {
        char m[48];
        snprintf(m, sizeof m, "payload_bytes_p%d", pcts[k]);
        snprintf(b, sizeof b, "%" PRIu64, w->pay_p[k]);
        csv_row(f, n, m, "", w->pay_total ? b : "");
    }
    csv_num(f, n, "payload_not_recorded_files", v->files_no_hist);
    csv_row(f, n, "first_seen_min", "", v->st.have_t ? w->tmin : "");
    csv_row(f, n, "first_seen_max", "", v->st.have_t ? w->tmax : "");
}

static void json_pcts(FILE *f, const uint64_t p[4], int have)
{
    fputc('{', f);
    for (int k = 0; k < 4; k++) {
        if (have)
            fprintf(f, "%s\"p%d\":%" PRIu64, k ? "," : "", pcts[k], p[k]);
        else
            fprintf(f, "%s\"p%d\":null", k ? "," : "", pcts[k]);
    }
    fputc('}', f);
}

static void print_json(FILE *f, const view *w)
{
    const variant *v = w->v;
    char b[32];
    fputs("{\"variant\":", f);
    json_str(f, v->name);
    fprintf(f, ",\"files\":%zu,\"records\":%" PRIu64 ",\"devices\":[", v->files, v->st.records);
    for (size_t i = 0; i < w->nlabels; i++) {
        pct_text(b, sizeof b, w->labels[i].count, v->st.records);
        fprintf(f, "%s{\"device\":", i ? "," : "");
        json_str(f, w->labels[i].name);
        fprintf(f, ",\"records\":%" PRIu64 ",\"pct\":%s}", w->labels[i].count, b);
    }
    fprintf(f,
            "],\"packets\":{\"limit\":%" PRIu64 ",\"records_within\":%" PRIu64
            ",\"pct_within\":%s,\"percentiles\":",
            w->ilimit, w->rec_within, w->rec_total ? w->rec_share : "null");
    json_pcts(f, w->rec_p, w->rec_total != 0);
    fprintf(f,
            "},\"payload\":{\"limit\":%" PRIu64 ",\"packets\":%" PRIu64
            ",\"packets_within\":%" PRIu64 ",\"pct_within\":%s,\"percentiles\":",
            w->jlimit, w->pay_total, w->pay_within, w->pay_total ? w->pay_share : "null");
    json_pcts(f, w->pay_p, w->pay_total != 0);
    fprintf(f, ",\"files_not_recorded\":%zu},\"first_seen\":", v->files_no_hist);
    if (v->st.have_t)
        fprintf(f, "{\"min\":\"%s\",\"max\":\"%s\"}}", w->tmin, w->tmax);
    else
        fputs("null}", f);
}

/* ------------------------------------------------------------ main */
static void usage(FILE *f)
{
    fputs("usage: customflow summary [--sort count|name] [--format text|csv|json|markdown]\n"
          "                          [--packets I] [--payload-bytes J] DIR_OR_FILE...\n"
          "Summarises customflow record files (*.parquet, searched recursively), per variant:\n"
          "records per device (Table I), the share of records with at most I packets and of\n"
          "packets with a payload of at most J bytes (with percentiles), the time span and the\n"
          "number of files. I and J default to the files' own settings (else 10 and 1000).\n",
          f);
}

static int parse_limit(const char *opt, const char *s, int64_t *out)
{
    uint64_t v;
    const char *end;
    if (parse_u64(s, &end, &v) || *end || v > INT32_MAX) {
        fprintf(stderr, "customflow summary: %s: '%s' is not a whole number from 0 to %d\n", opt, s,
                INT32_MAX);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

int cf_summary_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"sort", required_argument, 0, 's'},    {"format", required_argument, 0, 'f'},
        {"packets", required_argument, 0, 'n'}, {"payload-bytes", required_argument, 0, 'b'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    summary s;
    memset(&s, 0, sizeof s);
    s.opt_packets = s.opt_payload = -1;
    fmt format = FMT_TEXT;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+s:f:n:b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!strcmp(optarg, "count"))
                s.sort_by_name = 0;
            else if (!strcmp(optarg, "name"))
                s.sort_by_name = 1;
            else {
                fprintf(stderr, "customflow summary: --sort: '%s' is not count or name\n", optarg);
                return 2;
            }
            break;
        case 'f':
            if (!strcmp(optarg, "text"))
                format = FMT_TEXT;
            else if (!strcmp(optarg, "csv"))
                format = FMT_CSV;
            else if (!strcmp(optarg, "json"))
                format = FMT_JSON;
            else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
                format = FMT_MD;
            else {
                fprintf(stderr,
                        "customflow summary: --format: '%s' is not text, csv, json or markdown\n",
                        optarg);
                return 2;
            }
            break;
        case 'n':
            if (parse_limit("--packets", optarg, &s.opt_packets))
                return 2;
            break;
        case 'b':
            if (parse_limit("--payload-bytes", optarg, &s.opt_payload))
                return 2;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            if (optopt)
                fprintf(stderr, "customflow summary: option -%c: unknown or missing its value\n",
                        optopt);
            else
                fprintf(stderr, "customflow summary: unknown option %s\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "customflow summary: no folder or file given\n");
        usage(stderr);
        return 2;
    }
    pathlist files = {0};
    for (int k = optind; k < argc; k++) {
        struct stat st;
        if (stat(argv[k], &st) != 0) {
            fprintf(stderr, "customflow summary: %s: %s\n", argv[k], strerror(errno));
            s.status = 1;
        } else if (S_ISDIR(st.st_mode)) {
            walk_dir(&s, argv[k], 0, &files);
        } else if (push_path(&files, argv[k])) {
            s.status = 1;
        }
    }
    for (size_t k = 0; k < files.n; k++) {
        summarize_file(&s, files.p[k]);
        free(files.p[k]);
    }
    free(files.p);
    if (files.n == 0 && s.status == 0) {
        fprintf(stderr, "customflow summary: no .parquet files found\n");
        s.status = 1;
    }
    if (s.nv)
        qsort(s.v, s.nv, sizeof *s.v, cmp_variant);
    for (size_t k = 0; k < s.nv; k++) {
        variant *v = &s.v[k];
        if (v->packets_differ && s.opt_packets < 0)
            fprintf(stderr,
                    "customflow summary: %s: files differ in customflow.packets; using %" PRId64
                    " (set --packets)\n",
                    v->name, v->meta_packets);
        if (v->payload_differ && s.opt_payload < 0)
            fprintf(stderr,
                    "customflow summary: %s: files differ in customflow.payload_bytes; using "
                    "%" PRId64 " (set --payload-bytes)\n",
                    v->name, v->meta_payload);
    }
    FILE *f = stdout;
    if (format == FMT_CSV)
        fputs("variant,metric,key,value\n", f);
    else if (format == FMT_JSON)
        fputs("{\"variants\":[", f);
    else if (format == FMT_MD)
        fputs("# customflow summary\n\n", f);
    for (size_t k = 0; k < s.nv; k++) {
        view w;
        if (make_view(&s, &s.v[k], &w)) {
            fprintf(stderr, "customflow summary: out of memory\n");
            s.status = 1;
            continue;
        }
        if (format == FMT_CSV)
            print_csv(f, &w);
        else if (format == FMT_JSON) {
            if (k)
                fputc(',', f);
            print_json(f, &w);
        } else {
            if (k)
                fputc('\n', f);
            print_text(f, &w, format == FMT_MD);
        }
        free(w.labels);
    }
    if (format == FMT_JSON)
        fputs("]}\n", f);
    fflush(f);
    for (size_t k = 0; k < s.nv; k++) {
        free(s.v[k].name);
        stats_free(&s.v[k].st);
    }
    free(s.v);
    return s.status;
}
