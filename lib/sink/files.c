/* Output files per variant and first_seen bucket (files.h). */
#include "sink/files.h"

#include "util/dirs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/context.h"

/* Default open files per variant: records come in first_seen order, so
 * normally one bucket is filling and at most one more waits for advance(). */
#define DEFAULT_MAX_OPEN 4
/* NAME-K files probed for one bucket before giving up. */
#define MAX_SEQ 100000u

typedef struct bucket {
    int64_t start, end;
    int whole; /* the whole input: closed only by finish() */
    unsigned seq;
    void *file;
    char *path;
    uint32_t name; /* --context: its index in cf_files.names */
    int64_t rows;  /* records written */
} bucket;

typedef struct variant_files {
    bucket *open; /* [max_open], n_open used, unordered */
    size_t n_open;
    /* Every bucket that ended at or before closed_end may already have a
     * file on disk from this run (an earlier bucket that closed). */
    int any_closed;
    int64_t closed_end;
} variant_files;

struct cf_files {
    cf_files_options o;
    char *dir, *stem, *ext;
    variant_files v[2]; /* [0] bidirectional, [1] unidirectional */
    char **published;   /* paths renamed into place (to remove on abort) */
    size_t n_published, cap_published;
    char last_dir[4096]; /* the directory last made, to skip mkdir calls */
    cf_files_stats stats;
    /* --context: the places of the devices' previous records; every file
     * of the run by the path context_files gives it (kept for the run: a
     * device's previous record may be in any earlier file). */
    cf_ctxmap *ctx;
    cf_ctxref *refs;     /* [K] */
    int64_t *ctx_rows;   /* [K] */
    const char **ctx_of; /* [K] */
    char **names;
    size_t n_names, cap_names;
};

static int variant_index(int variant)
{
    return variant == CF_VARIANT_UNI ? 1 : 0;
}

int cf_mkdirs(const char *path, char *err, size_t errlen)
{
    char failed[4096];
    if (cf_mkdir_p(path, failed, sizeof failed) != 0) {
        if (failed[0])
            snprintf(err, errlen, "%s: cannot create directory: %s", failed, strerror(errno));
        else
            snprintf(err, errlen, "%s: bad directory name", path);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", path);
        return -1;
    }
    return 0;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

cf_files *cf_files_new(const cf_files_options *o)
{
    cf_files *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->o = *o;
    if (!f->o.max_open)
        f->o.max_open = DEFAULT_MAX_OPEN;
    f->dir = dup_or_empty(o->names.dir);
    f->stem = dup_or_empty(o->names.stem);
    f->ext = dup_or_empty(o->names.ext);
    for (int k = 0; k < 2; k++)
        f->v[k].open = calloc(f->o.max_open, sizeof *f->v[k].open);
    int ctx_bad = 0;
    if (o->context) {
        f->refs = calloc(o->context, sizeof *f->refs);
        f->ctx_rows = calloc(o->context, sizeof *f->ctx_rows);
        f->ctx_of = calloc(o->context, sizeof *f->ctx_of);
        ctx_bad = !f->refs || !f->ctx_rows || !f->ctx_of;
    }
    if (!f->dir || !f->stem || !f->ext || !f->v[0].open || !f->v[1].open || ctx_bad) {
        cf_files_free(f);
        return NULL;
    }
    f->o.names.dir = f->dir;
    f->o.names.stem = f->stem;
    f->o.names.ext = f->ext;
    return f;
}

int cf_files_set_stem(cf_files *f, const char *stem)
{
    char *s = dup_or_empty(stem);
    if (!s)
        return -1;
    free(f->stem);
    f->stem = s;
    f->o.names.stem = s;
    return 0;
}

void cf_files_set_remove_on_abort(cf_files *f, int on)
{
    f->o.remove_published_on_abort = on;
}

static int is_whole_input(const cf_files *f)
{
    return f->o.names.rotate_us <= 0 && !f->o.names.partition;
}

static int path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 || errno != ENOENT;
}

/* Appends a copy of s to the growable array *arr (*n used, *cap room). 0,
 * or -1 out of memory. */
static int push_copy(char ***arr, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        char **p = realloc(*arr, ncap * sizeof *p);
        if (!p)
            return -1;
        *arr = p;
        *cap = ncap;
    }
    char *copy = strdup(s);
    if (!copy)
        return -1;
    (*arr)[(*n)++] = copy;
    return 0;
}

/* --context: path's name relative to the variant directory (DIR/VARIANT/
 * or DIR/variant=VARIANT/) joins the run's names; its index, or
 * UINT32_MAX out of memory. */
static uint32_t add_name(cf_files *f, const char *path)
{
    const char *rel = path;
    size_t dl = strlen(f->dir);
    if (!strncmp(path, f->dir, dl)) {
        rel = path + dl;
        while (*rel == '/')
            rel++;
        const char *slash = strchr(rel, '/');
        rel = slash ? slash + 1 : rel;
    }
    if (f->n_names >= UINT32_MAX || push_copy(&f->names, &f->n_names, &f->cap_names, rel) != 0)
        return UINT32_MAX;
    return (uint32_t)(f->n_names - 1);
}

/* Opens the file of the bucket holding first_seen for variant k. */
static bucket *open_bucket(cf_files *f, int k, int64_t first_seen, char *err, size_t errlen)
{
    variant_files *vf = &f->v[k];
    int variant = k == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI;
    int64_t end;
    int64_t start = cf_outname_bucket(&f->o.names, first_seen, &end);
    char dir[4096], path[4096];
    /* A bucket that may have closed already gets the first free NAME-K. */
    int may_exist = vf->any_closed && start < vf->closed_end;
    unsigned seq = 0;
    for (;; seq++) {
        if (seq > MAX_SEQ || cf_outname_path(&f->o.names, variant, start, seq, dir, sizeof dir,
                                             path, sizeof path) != 0) {
            snprintf(err, errlen, "%s: output file name too long or too many files", f->dir);
            return NULL;
        }
        if (!may_exist || !path_exists(path))
            break;
    }
    if (strcmp(dir, f->last_dir) != 0) {
        if (cf_mkdirs(dir, err, errlen) != 0)
            return NULL;
        snprintf(f->last_dir, sizeof f->last_dir, "%s", dir);
    }
    bucket b = {.start = start, .end = end, .whole = is_whole_input(f), .seq = seq};
    b.path = strdup(path);
    if (b.path && f->o.context && (b.name = add_name(f, path)) == UINT32_MAX) {
        free(b.path);
        b.path = NULL;
    }
    if (!b.path) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    b.file = f->o.writer->open(f->o.writer_ctx, path, err, errlen);
    if (!b.file) {
        free(b.path);
        return NULL;
    }
    vf->open[vf->n_open] = b;
    return &vf->open[vf->n_open++];
}

typedef struct kv_target {
    const cf_filewriter_ops *ops;
    void *file;
} kv_target;

static int put_kv(void *ctx, const char *key, const char *value)
{
    kv_target *t = ctx;
    return t->ops->kv(t->file, key, value);
}

static int remember_published(cf_files *f, const char *path)
{
    if (!f->o.remove_published_on_abort)
        return 0;
    return push_copy(&f->published, &f->n_published, &f->cap_published, path);
}

/* Completes and renames the file of open bucket index i of variant k, and
 * removes it from the open set. */
static int close_bucket(cf_files *f, int k, size_t i, char *err, size_t errlen)
{
    variant_files *vf = &f->v[k];
    bucket b = vf->open[i];
    vf->open[i] = vf->open[--vf->n_open];
    int variant = k == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI;
    int rc = 0;
    if (f->o.meta && f->o.writer->kv) {
        kv_target t = {f->o.writer, b.file};
        if (f->o.meta(f->o.meta_ctx, variant, b.whole ? INT64_MIN : b.start,
                      b.whole ? INT64_MAX : b.end, put_kv, &t) != 0) {
            snprintf(err, errlen, "%s: cannot build the file's metadata", b.path);
            rc = -1;
        }
    }
    if (rc != 0)
        f->o.writer->abort(b.file);
    else
        rc = f->o.writer->close(b.file, err, errlen);
    if (rc == 0) {
        f->stats.published++;
        if (b.seq)
            f->stats.extra_files++;
        if (remember_published(f, b.path) != 0) {
            /* The file could not be tracked for removal: remove it now
             * rather than leave it behind a failed run. */
            remove(b.path);
            snprintf(err, errlen, "%s: out of memory", b.path);
            rc = -1;
        }
    }
    if (!vf->any_closed || b.end > vf->closed_end)
        vf->closed_end = b.end;
    vf->any_closed = 1;
    free(b.path);
    return rc;
}

static void forget_context(cf_files *f)
{
    cf_ctxmap_free(f->ctx);
    f->ctx = NULL;
    for (size_t k = 0; k < f->n_names; k++)
        free(f->names[k]);
    f->n_names = 0;
}

int cf_files_begin(cf_files *f, char *err, size_t errlen)
{
    forget_context(f);
    if (f->o.context && !(f->ctx = cf_ctxmap_new(f->o.context))) {
        snprintf(err, errlen, "%s: out of memory", f->dir);
        return -1;
    }
    if (cf_mkdirs(f->dir, err, errlen) != 0)
        return -1;
    if (!is_whole_input(f))
        return 0;
    for (int k = 0; k < 2; k++) {
        int variant = k == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI;
        if ((f->o.variants & variant) && f->v[k].n_open == 0 && !open_bucket(f, k, 0, err, errlen))
            return -1;
    }
    return 0;
}

int cf_files_record(cf_files *f, const cf_record *r, char *err, size_t errlen)
{
    if (!(f->o.variants & r->variant))
        return 0;
    int k = variant_index(r->variant);
    variant_files *vf = &f->v[k];
    bucket *b = NULL;
    if (is_whole_input(f)) {
        b = vf->n_open ? &vf->open[0] : NULL;
    } else {
        int64_t end;
        int64_t start = cf_outname_bucket(&f->o.names, r->first_seen, &end);
        for (size_t i = 0; i < vf->n_open && !b; i++)
            if (vf->open[i].start == start)
                b = &vf->open[i];
    }
    if (!b) {
        if (vf->n_open == f->o.max_open) {
            size_t oldest = 0;
            for (size_t i = 1; i < vf->n_open; i++)
                if (vf->open[i].start < vf->open[oldest].start)
                    oldest = i;
            f->stats.early_closed++;
            if (close_bucket(f, k, oldest, err, errlen) != 0)
                return -1;
        }
        b = open_bucket(f, k, r->first_seen, err, errlen);
        if (!b)
            return -1;
    }
    if (!f->ctx) {
        b->rows++;
        return f->o.writer->write(b->file, r, err, errlen);
    }
    /* The device's previous records by file and row; this one joins them. */
    uint32_t n = cf_ctxmap_push(f->ctx, k, r->device, b->name, b->rows++, f->refs);
    if (n == UINT32_MAX) {
        snprintf(err, errlen, "%s: out of memory", b->path);
        return -1;
    }
    for (uint32_t m = 0; m < n; m++) {
        f->ctx_rows[m] = f->refs[m].row;
        f->ctx_of[m] = f->refs[m].file == b->name ? "" : f->names[f->refs[m].file];
    }
    cf_record with = *r;
    with.n_context = n;
    with.context_rows = f->ctx_rows;
    with.context_files = f->ctx_of;
    return f->o.writer->write(b->file, &with, err, errlen);
}

int cf_files_advance(cf_files *f, int64_t horizon_us, char *err, size_t errlen)
{
    for (int k = 0; k < 2; k++) {
        variant_files *vf = &f->v[k];
        for (size_t i = 0; i < vf->n_open;) {
            if (!vf->open[i].whole && vf->open[i].end <= horizon_us) {
                if (close_bucket(f, k, i, err, errlen) != 0)
                    return -1;
            } else {
                i++;
            }
        }
    }
    return 0;
}

static void abort_open(cf_files *f)
{
    for (int k = 0; k < 2; k++) {
        variant_files *vf = &f->v[k];
        for (size_t i = 0; i < vf->n_open; i++) {
            f->o.writer->abort(vf->open[i].file);
            free(vf->open[i].path);
        }
        vf->n_open = 0;
    }
}

int cf_files_finish(cf_files *f, char *err, size_t errlen)
{
    for (int k = 0; k < 2; k++) {
        variant_files *vf = &f->v[k];
        while (vf->n_open) {
            /* Oldest first, so files appear in time order. */
            size_t oldest = 0;
            for (size_t i = 1; i < vf->n_open; i++)
                if (vf->open[i].start < vf->open[oldest].start)
                    oldest = i;
            if (close_bucket(f, k, oldest, err, errlen) != 0) {
                cf_files_abort(f);
                return -1;
            }
        }
    }
    return 0;
}

void cf_files_abort(cf_files *f)
{
    abort_open(f);
    for (size_t k = 0; k < f->n_published; k++) {
        remove(f->published[k]);
        free(f->published[k]);
    }
    f->n_published = 0;
}

cf_files_stats cf_files_get_stats(const cf_files *f)
{
    return f->stats;
}

void cf_files_free(cf_files *f)
{
    if (!f)
        return;
    for (int k = 0; k < 2; k++) {
        if (f->v[k].open) {
            for (size_t i = 0; i < f->v[k].n_open; i++) {
                f->o.writer->abort(f->v[k].open[i].file);
                free(f->v[k].open[i].path);
            }
        }
        free(f->v[k].open);
    }
    for (size_t k = 0; k < f->n_published; k++)
        free(f->published[k]);
    free(f->published);
    forget_context(f);
    free(f->names);
    free(f->refs);
    free(f->ctx_rows);
    free(f->ctx_of);
    free(f->dir);
    free(f->stem);
    free(f->ext);
    free(f);
}
