/* cf_sink_files: the configured output files of one input (sink/files.h
 * does the work): per variant, one file per --rotate interval (or per UTC
 * day with --partition, or one for the input), in --format, each renamed
 * into place once its records are final. Output "-" with jsonl or csv is
 * the standard-output stream instead (cf_sink_stream). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/config.h"
#include "engine/meta.h"
#include "engine/session.h"
#include "engine/sink.h"
#include "engine/window.h"
#include "sink/files.h"
#include "sink/parquetfile.h"
#include "sink/textfile.h"

/* The files of each variant are a cf_files of their own, with a writer
 * context of their own, so that the two variants' records may be written
 * on two threads at once (cf_sink_async): nothing is shared between them
 * but the read-only configuration and the metadata provider. */
typedef struct files_sink {
    cf_sink base;
    cf_files *files[2];            /* [0] bidirectional, [1] unidirectional; NULL: off */
    cf_parquetfile_ctx parquet[2]; /* the wide layout's --context history, per variant */
    cf_textfile_config text;
    char stem[256]; /* "": the source's */
    cf_meta_fn meta;
    void *meta_ctx;
    int windowed; /* cf_sink_files_window: records of [from, to) only */
    int64_t from_us, to_us;
} files_sink;

/* The pipeline's metadata of one file, handed to the file's writer, plus
 * the sink's own key (the rotation interval). */
static int files_meta(void *ctx, int variant, int64_t start_us, int64_t end_us, cf_files_put_fn put,
                      void *put_ctx)
{
    files_sink *fk = ctx;
    cf_meta m;
    cf_meta_init(&m);
    int bad = fk->meta && fk->meta(fk->meta_ctx, variant, start_us, end_us, &m) != 0;
    for (size_t e = 0; !bad && e < m.n; e++)
        bad = put(put_ctx, m.keys[e], m.values[e]) != 0;
    const cf_config *cfg = fk->base.session->cfg;
    if (!bad && cfg->rotate_us > 0) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)(cfg->rotate_us / 1000000));
        bad = put(put_ctx, CF_META_ROTATE, v) != 0;
    }
    cf_meta_free(&m);
    return bad ? -1 : 0;
}

static int files_begin(cf_sink *k, const char *input, const char *stem, cf_meta_fn meta,
                       void *meta_ctx, char *err, size_t errlen)
{
    (void)input;
    files_sink *fk = (files_sink *)k;
    fk->meta = meta;
    fk->meta_ctx = meta_ctx;
    /* Live captures name rotated files by the interval alone; a file
     * conversion that fails or is interrupted leaves no file behind, a live
     * capture keeps the intervals it completed. */
    const char *name = fk->stem[0] ? fk->stem : k->live ? "" : stem;
    for (int v = 0; v < 2; v++) {
        if (!fk->files[v])
            continue;
        cf_parquetfile_ctx_reset(&fk->parquet[v]);
        if (cf_files_set_stem(fk->files[v], name) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        cf_files_set_remove_on_abort(fk->files[v], !k->live);
        if (cf_files_begin(fk->files[v], err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int variant_index(int variant)
{
    return variant == CF_VARIANT_UNI ? 1 : 0;
}

static int files_record(cf_sink *k, const cf_record *r, char *err, size_t errlen)
{
    files_sink *fk = (files_sink *)k;
    if (fk->windowed && (r->first_seen < fk->from_us || r->first_seen >= fk->to_us))
        return 0;
    cf_files *f = fk->files[variant_index(r->variant)];
    return f ? cf_files_record(f, r, err, errlen) : 0;
}

static int files_advance_variant(cf_sink *k, int variant, int64_t horizon_us, char *err,
                                 size_t errlen)
{
    files_sink *fk = (files_sink *)k;
    cf_files *f = fk->files[variant_index(variant)];
    /* A day's task publishes at finish, once the day is vouched for. */
    if (fk->windowed || !f)
        return 0;
    return cf_files_advance(f, horizon_us, err, errlen);
}

static int files_advance(cf_sink *k, int64_t horizon_us, char *err, size_t errlen)
{
    if (files_advance_variant(k, CF_VARIANT_BI, horizon_us, err, errlen) != 0)
        return -1;
    return files_advance_variant(k, CF_VARIANT_UNI, horizon_us, err, errlen);
}

/* Both variants' files complete, or none: a variant that fails removes
 * its own, and the other's are removed too. */
static int files_finish(cf_sink *k, char *err, size_t errlen)
{
    files_sink *fk = (files_sink *)k;
    for (int v = 0; v < 2; v++) {
        if (fk->files[v] && cf_files_finish(fk->files[v], err, errlen) != 0) {
            if (fk->files[1 - v])
                cf_files_abort(fk->files[1 - v]);
            return -1;
        }
    }
    return 0;
}

static void files_abort(cf_sink *k)
{
    files_sink *fk = (files_sink *)k;
    for (int v = 0; v < 2; v++)
        if (fk->files[v])
            cf_files_abort(fk->files[v]);
}

static void files_destroy(cf_sink *k)
{
    files_sink *fk = (files_sink *)k;
    for (int v = 0; v < 2; v++) {
        cf_files_free(fk->files[v]);
        cf_parquetfile_ctx_reset(&fk->parquet[v]);
    }
    free(fk);
}

static const cf_sink_ops files_ops = {
    .begin = files_begin,
    .record = files_record,
    .advance = files_advance,
    .finish = files_finish,
    .abort = files_abort,
    .destroy = files_destroy,
    .advance_variant = files_advance_variant,
    .threadable = 1,
};

/* The text columns a configuration writes (text.h): "variant" when both
 * variants share one stream; remote_name with --names; context_rows and
 * context_files with --context. */
unsigned cf_sink_text_columns(const cf_config *cfg, int shared_stream)
{
    return (shared_stream && cfg->variants == CF_VARIANT_BOTH ? CF_TEXT_VARIANT : 0) |
           (cfg->names ? CF_TEXT_NAMES : 0) | (cfg->context ? CF_TEXT_CONTEXT : 0);
}

cf_sink *cf_sink_files(cf_session *s, const char *stem, char *err, size_t errlen)
{
    const cf_config *cfg = s->cfg;
    const char *out = cf_session_output(s);
    if (!strcmp(out, "-")) {
        if (cfg->format == CF_FORMAT_PARQUET) {
            snprintf(err, errlen, "-o -: standard output takes --format jsonl or csv");
            return NULL;
        }
        return cf_sink_stream(s, STDOUT_FILENO, err, errlen);
    }
    files_sink *fk = calloc(1, sizeof *fk);
    if (!fk) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    fk->base.ops = &files_ops;
    fk->base.session = s;
    if (stem)
        snprintf(fk->stem, sizeof fk->stem, "%s", stem);
    static const char *const ext[] = {"parquet", "jsonl", "csv"};
    fk->text.format = cfg->format;
    fk->text.columns = cf_sink_text_columns(cfg, 0);
    for (int v = 0; v < 2; v++) {
        int variant = v == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI;
        if (!(cfg->variants & variant))
            continue;
        fk->parquet[v].cfg = cfg;
        cf_files_options o = {
            .names = {.dir = out,
                      .ext = ext[cfg->format],
                      .rotate_us = cfg->rotate_us,
                      .partition = cfg->partition},
            .variants = variant,
            .writer = cfg->format == CF_FORMAT_PARQUET ? &cf_parquetfile_ops : &cf_textfile_ops,
            .writer_ctx =
                cfg->format == CF_FORMAT_PARQUET ? (void *)&fk->parquet[v] : (void *)&fk->text,
            .context = cfg->context,
            .meta = files_meta,
            .meta_ctx = fk,
            .remove_published_on_abort = 1,
        };
        if (!(fk->files[v] = cf_files_new(&o))) {
            snprintf(err, errlen, "out of memory");
            files_destroy(&fk->base);
            return NULL;
        }
    }
    return &fk->base;
}

cf_sink *cf_sink_files_window(cf_session *s, const char *stem, int64_t from_us, int64_t to_us,
                              char *err, size_t errlen)
{
    if (!strcmp(cf_session_output(s), "-")) {
        snprintf(err, errlen, "-o -: a day's task writes files");
        return NULL;
    }
    cf_sink *k = cf_sink_files(s, stem, err, errlen);
    if (k) {
        files_sink *fk = (files_sink *)k;
        fk->windowed = 1;
        fk->from_us = from_us;
        fk->to_us = to_us;
    }
    return k;
}

void cf_sink_free(cf_sink *k)
{
    if (k)
        k->ops->destroy(k);
}
