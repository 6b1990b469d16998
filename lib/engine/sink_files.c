/* The configured output files of one input: OUT/VARIANT/STEM.parquet per
 * variant (SPEC §6). Each is written under a temporary name and appears,
 * complete, when the run finishes; a failed or interrupted run leaves no
 * file behind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/flowfile.h"
#include "engine/meta.h"
#include "engine/session.h"
#include "engine/sink.h"

static const char *const variant_dir[2] = {"bidirectional", "unidirectional"};

typedef struct files_sink {
    cf_sink base;
    cf_flowfile *out[2]; /* [0] bidirectional, [1] unidirectional */
    char path[2][4096];
    char stem[256]; /* "" : the source's */
    cf_meta_fn meta;
    void *meta_ctx;
} files_sink;

static int variant_index(int variant)
{
    return variant == CF_VARIANT_BI ? 0 : 1;
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create directory: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int files_begin(cf_sink *k, const char *input, const char *stem, cf_meta_fn meta,
                       void *meta_ctx, char *err, size_t errlen)
{
    (void)input;
    files_sink *fk = (files_sink *)k;
    if (fk->stem[0])
        stem = fk->stem;
    const cf_config *cfg = k->session->cfg;
    const char *out = cf_session_output(k->session);
    fk->meta = meta;
    fk->meta_ctx = meta_ctx;
    if (make_dir(out, err, errlen) != 0)
        return -1;
    for (int v = 0; v < 2; v++) {
        if (!(cfg->variants & (v == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI)))
            continue;
        char dir[4096];
        if ((size_t)snprintf(dir, sizeof dir, "%s/%s", out, variant_dir[v]) >= sizeof dir ||
            (size_t)snprintf(fk->path[v], sizeof fk->path[v], "%s/%s.parquet", dir, stem) >=
                sizeof fk->path[v]) {
            snprintf(err, errlen, "%s: output path too long", out);
            return -1;
        }
        if (make_dir(dir, err, errlen) != 0)
            return -1;
        fk->out[v] = cf_flowfile_open(fk->path[v], cfg, err, errlen);
        if (!fk->out[v])
            return -1;
    }
    return 0;
}

static int files_record(cf_sink *k, const cf_record *r, char *err, size_t errlen)
{
    files_sink *fk = (files_sink *)k;
    cf_flowfile *f = fk->out[variant_index(r->variant)];
    if (f && cf_flowfile_write(f, r) != 0) {
        snprintf(err, errlen, "%s", cf_flowfile_error(f));
        return -1;
    }
    return 0;
}

static void files_abort(cf_sink *k)
{
    files_sink *fk = (files_sink *)k;
    for (int v = 0; v < 2; v++) {
        cf_flowfile_abort(fk->out[v]);
        fk->out[v] = NULL;
    }
}

static int files_finish(cf_sink *k, char *err, size_t errlen)
{
    files_sink *fk = (files_sink *)k;
    for (int v = 0; v < 2; v++) {
        if (!fk->out[v])
            continue;
        cf_meta m;
        cf_meta_init(&m);
        int bad = fk->meta(fk->meta_ctx, v == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI, INT64_MIN,
                           INT64_MAX, &m) != 0;
        for (size_t e = 0; !bad && e < m.n; e++)
            bad = cf_flowfile_kv(fk->out[v], m.keys[e], m.values[e]) != 0;
        cf_meta_free(&m);
        if (bad) {
            snprintf(err, errlen, "%s: out of memory", fk->path[v]);
            files_abort(k);
            return -1;
        }
    }
    /* Close both before declaring success; a failed close removes its own
     * file, and the other variant's is removed too so the pair stays whole. */
    int failed = 0;
    for (int v = 0; v < 2; v++) {
        cf_flowfile *f = fk->out[v];
        fk->out[v] = NULL;
        if (!f)
            continue;
        if (failed)
            cf_flowfile_abort(f);
        else if (cf_flowfile_close(f, err, errlen) != 0)
            failed = 1;
    }
    if (failed)
        for (int v = 0; v < 2; v++)
            if (fk->path[v][0])
                remove(fk->path[v]);
    return failed ? -1 : 0;
}

static void files_destroy(cf_sink *k)
{
    files_abort(k);
    free(k);
}

static const cf_sink_ops files_ops = {
    .begin = files_begin,
    .record = files_record,
    .advance = NULL,
    .finish = files_finish,
    .abort = files_abort,
    .destroy = files_destroy,
};

cf_sink *cf_sink_files(cf_session *s, const char *stem, char *err, size_t errlen)
{
    files_sink *fk = calloc(1, sizeof *fk);
    if (!fk) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (stem)
        snprintf(fk->stem, sizeof fk->stem, "%s", stem);
    fk->base.ops = &files_ops;
    fk->base.session = s;
    return &fk->base;
}

void cf_sink_free(cf_sink *k)
{
    if (k)
        k->ops->destroy(k);
}
