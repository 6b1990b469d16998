/* The live source: frames from a network interface (capture/live.h), with
 * ticks that let the pipeline close the records of a quiet network, until
 * the session is asked to stop. Its report carries the interface, the
 * kernel's counts and the capture's wall-clock span. */
#include <stdio.h>
#include <stdlib.h>

#include "capture/live.h"
#include "engine/session.h"
#include "engine/source.h"

typedef struct live_source {
    cf_source base;
    cf_live *live;
} live_source;

static int live_stopping(const void *ctx)
{
    return cf_session_stopping((const cf_session *)ctx);
}

static int live_next(cf_source *src, cf_frame *f, int64_t *now_us, char *err, size_t errlen)
{
    live_source *ls = (live_source *)src;
    switch (cf_live_next(ls->live, f, now_us, err, errlen)) {
    case CF_LIVE_FRAME:
        return CF_SRC_FRAME;
    case CF_LIVE_TICK:
        return CF_SRC_TICK;
    case CF_LIVE_END:
        cf_live_stop(ls->live); /* the capture's end: final counts, end time */
        return CF_SRC_END;
    default:
        cf_live_stop(ls->live);
        return CF_SRC_DAMAGED;
    }
}

static uint64_t live_offset(const cf_source *src)
{
    (void)src;
    return 0;
}

static void live_stats(cf_source *src, cf_report *rep)
{
    cf_live_stats st;
    cf_live_stats_get(((live_source *)src)->live, &st);
    rep->kernel_received = st.received;
    rep->kernel_dropped = st.dropped;
    rep->iface_dropped = st.iface_dropped;
    rep->capture_start_us = st.start_us;
    /* While the capture runs (a rotated file closed on the way), its end
     * so far. */
    rep->capture_end_us = st.end_us ? st.end_us : cf_live_now_us();
}

static const char *live_warning(const cf_source *src)
{
    return cf_live_warning(((const live_source *)src)->live);
}

static void live_close(cf_source *src)
{
    cf_live_close(((live_source *)src)->live);
    free(src);
}

static const cf_source_ops live_ops = {
    .next = live_next,
    .offset = live_offset,
    .identity = NULL,
    .live_stats = live_stats,
    .warning = live_warning,
    .close = live_close,
};

cf_source *cf_source_open_live(cf_session *s, const char *iface, char *err, size_t errlen)
{
    live_source *ls = calloc(1, sizeof *ls);
    if (!ls) {
        snprintf(err, errlen, "%s: out of memory", iface);
        return NULL;
    }
    const cf_config *cfg = s->cfg;
    cf_live_options o = {.iface = iface,
                         .filter = cfg->filter,
                         .payload_bytes = cfg->payload_bytes,
                         .buffer_mib = cfg->buffer_mib,
                         .no_promisc = !cfg->promisc,
                         .stopping = live_stopping,
                         .stop_ctx = s};
    ls->live = cf_live_open(&o, err, errlen);
    if (!ls->live) {
        free(ls);
        return NULL;
    }
    const char *note = cf_live_warning(ls->live);
    if (note)
        cf_session_warn(s, "%s", note);
    ls->base.ops = &live_ops;
    ls->base.session = s;
    ls->base.live = 1;
    ls->base.blocking = 1;
    snprintf(ls->base.name, sizeof ls->base.name, "%s", iface);
    cf_input_stem(iface, ls->base.stem, sizeof ls->base.stem);
    return &ls->base;
}
