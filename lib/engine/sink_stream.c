/* cf_sink_stream: JSON lines or CSV on a file descriptor (sink/text.h), a
 * record a line. From a live capture each record is written through as soon
 * as it is final, so a reader of the pipe sees it at once; from a file the
 * records go out in batches (at each advance of the clock, when 64 KiB are
 * buffered, or when 100 ms have passed since the last write), since a write
 * per record costs a pipe reader more than the whole conversion. Both
 * variants share the stream (a "variant" column tells them apart when both
 * are configured). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/config.h"
#include "engine/session.h"
#include "engine/sink.h"
#include "sink/text.h"

typedef struct stream_sink {
    cf_sink base;
    cf_textout *out;
} stream_sink;

/* Batched output: at most this long between writes while records come. */
#define STREAM_BATCH_MS 100

static int stream_begin(cf_sink *k, const char *input, const char *stem, cf_meta_fn meta,
                        void *meta_ctx, char *err, size_t errlen)
{
    (void)input, (void)stem, (void)meta, (void)meta_ctx, (void)err, (void)errlen;
    cf_textout_set_flush(((stream_sink *)k)->out, k->live ? 0 : STREAM_BATCH_MS);
    return 0;
}

/* Records before the horizon are all out: write them through. */
static int stream_advance(cf_sink *k, int64_t horizon_us, char *err, size_t errlen)
{
    (void)horizon_us;
    return cf_textout_flush(((stream_sink *)k)->out, err, errlen);
}

static int stream_record(cf_sink *k, const cf_record *r, char *err, size_t errlen)
{
    return cf_textout_record(((stream_sink *)k)->out, r, err, errlen);
}

/* A CSV header goes out even when no record does. */
static int stream_finish(cf_sink *k, char *err, size_t errlen)
{
    return cf_textout_flush(((stream_sink *)k)->out, err, errlen);
}

/* What was written is written: a stream cannot be taken back. */
static void stream_abort(cf_sink *k)
{
    char err[256];
    cf_textout_flush(((stream_sink *)k)->out, err, sizeof err);
}

static void stream_destroy(cf_sink *k)
{
    cf_textout_free(((stream_sink *)k)->out);
    free(k);
}

static const cf_sink_ops stream_ops = {
    .begin = stream_begin,
    .record = stream_record,
    .advance = stream_advance,
    .finish = stream_finish,
    .abort = stream_abort,
    .destroy = stream_destroy,
    .threadable = 1,
};

cf_sink *cf_sink_stream(cf_session *s, int fd, char *err, size_t errlen)
{
    const cf_config *cfg = s->cfg;
    if (cfg->format != CF_FORMAT_JSONL && cfg->format != CF_FORMAT_CSV) {
        snprintf(err, errlen, "a record stream takes --format jsonl or csv");
        return NULL;
    }
    stream_sink *sk = calloc(1, sizeof *sk);
    char name[32];
    if (fd == STDOUT_FILENO)
        snprintf(name, sizeof name, "standard output");
    else
        snprintf(name, sizeof name, "file descriptor %d", fd);
    if (sk)
        sk->out = cf_textout_new(fd, name, cfg->format, cf_sink_text_columns(cfg, 1), 0);
    if (!sk || !sk->out) {
        free(sk);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sk->base.ops = &stream_ops;
    sk->base.session = s;
    return &sk->base;
}
