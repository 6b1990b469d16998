/* Records handed to the embedding program's function, one at a time, as
 * soon as each is final. */
#include <stdio.h>
#include <stdlib.h>

#include "engine/sink.h"

typedef struct callback_sink {
    cf_sink base;
    cf_record_fn fn;
    void *ctx;
} callback_sink;

static int callback_begin(cf_sink *k, const char *input, const char *stem, cf_meta_fn meta,
                          void *meta_ctx, char *err, size_t errlen)
{
    (void)k, (void)input, (void)stem, (void)meta, (void)meta_ctx, (void)err, (void)errlen;
    return 0;
}

static int callback_record(cf_sink *k, const cf_record *r, char *err, size_t errlen)
{
    callback_sink *ck = (callback_sink *)k;
    if (ck->fn(ck->ctx, r) != 0) {
        snprintf(err, errlen, "stopped by the record callback");
        return -1;
    }
    return 0;
}

static int callback_finish(cf_sink *k, char *err, size_t errlen)
{
    (void)k, (void)err, (void)errlen;
    return 0;
}

static void callback_abort(cf_sink *k)
{
    (void)k;
}

static void callback_destroy(cf_sink *k)
{
    free(k);
}

static const cf_sink_ops callback_ops = {
    .begin = callback_begin,
    .record = callback_record,
    .advance = NULL,
    .finish = callback_finish,
    .abort = callback_abort,
    .destroy = callback_destroy,
};

cf_sink *cf_sink_callback(cf_session *s, cf_record_fn fn, void *ctx, char *err, size_t errlen)
{
    callback_sink *ck = fn ? calloc(1, sizeof *ck) : NULL;
    if (!ck) {
        snprintf(err, errlen, fn ? "out of memory" : "no record function");
        return NULL;
    }
    ck->base.ops = &callback_ops;
    ck->base.session = s;
    ck->fn = fn;
    ck->ctx = ctx;
    return &ck->base;
}
