/* cf_capture_scan and cf_convert_window (customflow.h): a --merge
 * conversion split into day tasks; the reasoning is in window.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet.h"
#include "engine/config.h"
#include "engine/session.h"
#include "engine/source.h"
#include "engine/window.h"
#include "sink/rotate.h"

int cf_capture_scan(cf_session *s, cf_capture_info *info, char *err, size_t errlen)
{
    const char *path = info->path;
    memset(info, 0, sizeof *info);
    info->path = path;
    info->first_us = INT64_MAX;
    info->last_us = INT64_MIN;
    info->last_packet_us = INT64_MIN;
    info->ordered = 1;
    cf_source *src = cf_source_open(s, path, err, errlen);
    if (!src)
        return -1;
    cf_frame f;
    int64_t now = 0, prev = INT64_MIN;
    char damage[1024] = "";
    int r;
    while ((r = src->ops->next(src, &f, &now, damage, sizeof damage)) == CF_SRC_FRAME) {
        if (f.ts_us < prev)
            info->ordered = 0;
        prev = f.ts_us;
        int64_t day = cf_rotate_start(f.ts_us, CF_US_PER_DAY) / CF_US_PER_DAY;
        if (!info->n_days || info->days[info->n_days - 1] < day) {
            if ((info->n_days & (info->n_days - 1)) == 0) {
                int64_t *grown =
                    realloc(info->days, (info->n_days ? 2 * info->n_days : 1) * sizeof *grown);
                if (!grown) {
                    snprintf(err, errlen, "%s: out of memory", path);
                    cf_source_close(src);
                    return -1;
                }
                info->days = grown;
            }
            info->days[info->n_days++] = day;
        }
        cf_packet pkt;
        if (f.ts_us > info->last_packet_us &&
            cf_decode_frame(f.linktype, f.data, f.cap_len, f.wire_len, f.ts_us, &pkt) == CF_DECODED)
            info->last_packet_us = f.ts_us;
        if (f.ts_us < info->first_us)
            info->first_us = f.ts_us;
        if (f.ts_us > info->last_us)
            info->last_us = f.ts_us;
        if ((++info->frames & 0xffff) == 0 && cf_session_stopping(s)) {
            snprintf(err, errlen, "%s: interrupted", path);
            cf_source_close(src);
            return -1;
        }
    }
    int rc = src->ops->identity(src, info->digest, &info->bytes, err, errlen) != 0 ? -1 : 0;
    if (rc == 0 && r == CF_SRC_DAMAGED) {
        snprintf(err, errlen, "%s", damage);
        rc = 1;
    }
    cf_source_close(src);
    return rc;
}

void cf_capture_info_free(cf_capture_info *info)
{
    free(info->days);
    info->days = NULL;
    info->n_days = 0;
}

/* The merged stream of some of the set's captures (the pipeline leaves
 * out the frames before S), ending at the first frame at or after end,
 * under the set's name, stem and identity. */
typedef struct window_source {
    cf_source base;
    cf_source *in;
    int64_t end_us, prev;
    char digest[65];
    uint64_t bytes;
} window_source;

static int window_next(cf_source *src, cf_frame *f, int64_t *now_us, char *err, size_t errlen)
{
    window_source *w = (window_source *)src;
    int r = w->in->ops->next(w->in, f, now_us, err, errlen);
    if (r != CF_SRC_FRAME)
        return r;
    if (f->ts_us < w->prev) {
        snprintf(err, errlen,
                 "a frame at %" PRId64 " µs follows one at %" PRId64
                 " µs: the captures changed since they were planned (plan again)",
                 f->ts_us, w->prev);
        return CF_SRC_DAMAGED;
    }
    w->prev = f->ts_us;
    return f->ts_us >= w->end_us ? CF_SRC_END : CF_SRC_FRAME;
}

static uint64_t window_offset(const cf_source *src)
{
    const window_source *w = (const window_source *)src;
    return w->in->ops->offset(w->in);
}

static int window_identity(cf_source *src, char hex[65], uint64_t *bytes, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    const window_source *w = (const window_source *)src;
    memcpy(hex, w->digest, sizeof w->digest);
    *bytes = w->bytes;
    return 0;
}

static const char *window_warning(const cf_source *src)
{
    const window_source *w = (const window_source *)src;
    return w->in->ops->warning ? w->in->ops->warning(w->in) : NULL;
}

static void window_close(cf_source *src)
{
    window_source *w = (window_source *)src;
    cf_source_close(w->in);
    free(w);
}

static const cf_source_ops window_ops = {
    .next = window_next,
    .offset = window_offset,
    .identity = window_identity,
    .live_stats = NULL,
    .warning = window_warning,
    .close = window_close,
};

static int64_t sat_add(int64_t a, int64_t b)
{
    return b > 0 && a > INT64_MAX - b ? INT64_MAX : b < 0 && a < INT64_MIN - b ? INT64_MIN : a + b;
}

/* The configuration a window needs; 0 or -1 with a message. */
static int check_window(const cf_session *s, const cf_capture_info *caps, size_t n, int64_t from_us,
                        int64_t to_us, char *err, size_t errlen)
{
    const cf_config *c = s->cfg;
    if (!(c->rotate_us == CF_US_PER_DAY || (c->rotate_us == 0 && c->partition))) {
        snprintf(err, errlen, "a day's task needs a file per day: --rotate 1d, or --partition");
        return -1;
    }
    if (from_us % CF_US_PER_DAY != 0 || to_us != from_us + CF_US_PER_DAY) {
        snprintf(err, errlen, "[%" PRId64 ", %" PRId64 ") is not a UTC day", from_us, to_us);
        return -1;
    }
    if (c->lifetime_us > CF_US_PER_DAY) {
        snprintf(err, errlen, "--lifetime: a day's task needs a lifetime of at most a day");
        return -1;
    }
    if (c->names) {
        snprintf(err, errlen,
                 "--names: a remote's name may come from a DNS answer of any earlier "
                 "day; a day's task cannot reproduce it");
        return -1;
    }
    if (c->context) {
        snprintf(err, errlen,
                 "--context: a day's first records refer to the device's records of earlier "
                 "days, which a day's task does not read");
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "no capture in the set");
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        if (!caps[k].ordered) {
            snprintf(err, errlen,
                     "%s: timestamps go back in time; a day's task needs ordered captures "
                     "(reordercap)",
                     caps[k].path);
            return -1;
        }
    return 0;
}

int cf_convert_window(cf_session *s, const cf_capture_info *caps, size_t n, int64_t from_us,
                      int64_t to_us, cf_report *rep, int64_t *read_from_us, char *err,
                      size_t errlen)
{
    memset(rep, 0, sizeof *rep);
    if (check_window(s, caps, n, from_us, to_us, err, errlen) != 0)
        return -1;
    /* The set's name, stem and identity, as --merge gives them. */
    char name[sizeof rep->input], stem[256], digest[65];
    uint64_t bytes = 0;
    if (n == 1)
        snprintf(name, sizeof name, "%s", caps[0].path);
    else
        snprintf(name, sizeof name, "%s + %zu more (merged)", caps[0].path, n - 1);
    cf_input_stem(caps[0].path, stem, sizeof stem);
    const char **digests = calloc(n, sizeof *digests);
    uint64_t *sizes = calloc(n, sizeof *sizes);
    const char **paths = calloc(n, sizeof *paths);
    int rc = digests && sizes && paths ? 0 : -1;
    int64_t set_start = INT64_MAX;
    for (size_t k = 0; k < n && !rc; k++) {
        digests[k] = caps[k].digest;
        sizes[k] = caps[k].bytes;
        if (caps[k].first_us < set_start)
            set_start = caps[k].first_us;
    }
    if (!rc && n == 1) {
        snprintf(digest, sizeof digest, "%s", caps[0].digest);
        bytes = caps[0].bytes;
    } else if (!rc) {
        rc = cf_merged_identity(s->cfg->input_hash, digests, sizes, n, digest, &bytes);
    }
    if (rc) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    const int64_t life = s->cfg->lifetime_us;
    const int64_t end = sat_add(to_us, sat_add(life, life));
    int later_packet = 0;
    for (size_t k = 0; k < n; k++)
        later_packet |= caps[k].frames && caps[k].last_packet_us >= end;
    int64_t from = sat_add(from_us, -life), step = CF_US_PER_DAY;
    for (;;) {
        if (from <= set_start)
            from = INT64_MIN;
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (caps[k].frames && caps[k].first_us < end && caps[k].last_us >= from)
                paths[m++] = caps[k].path;
        if (m == 0) {
            /* No frame can make a record of the window. */
            snprintf(rep->input, sizeof rep->input, "%s", name);
            snprintf(rep->stem, sizeof rep->stem, "%s", stem);
            break;
        }
        window_source *w = calloc(1, sizeof *w);
        if (!w) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        w->in = cf_source_open_merged_hashing(s, paths, m, CF_HASH_NONE, err, errlen);
        if (!w->in) {
            free(w);
            rc = -1;
            break;
        }
        w->base.ops = &window_ops;
        w->base.session = s;
        w->base.blocking = w->in->blocking; /* a FIFO: read where signals reach it */
        snprintf(w->base.name, sizeof w->base.name, "%s", name);
        snprintf(w->base.stem, sizeof w->base.stem, "%s", stem);
        w->end_us = end;
        w->prev = INT64_MIN;
        memcpy(w->digest, digest, sizeof digest);
        w->bytes = bytes;
        cf_sink *sink = cf_sink_files_window(s, stem, from_us, to_us, err, errlen);
        cf_run_check check = {.anchor_from_us = from,
                              .check_from_us = from_us,
                              .check_to_us = to_us,
                              .later_packet = later_packet};
        rc =
            sink ? cf_run_checked(s, &w->base, &sink, 1, rep, NULL, NULL, &check, err, errlen) : -1;
        cf_sink_free(sink);
        window_close(&w->base);
        if (rc >= 0 || !check.undetermined || from == INT64_MIN)
            break;
        cf_report_free(rep);
        memset(rep, 0, sizeof *rep);
        from = sat_add(from_us, -step);
        step = step > INT64_MAX / 2 ? INT64_MAX : 2 * step;
    }
    if (rc >= 0 && read_from_us)
        *read_from_us = from;
out:
    free(digests);
    free(sizes);
    free(paths);
    return rc < 0 ? -1 : 0;
}
