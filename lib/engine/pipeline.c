/* cf_run: one source through decode and the flow table into records, and
 * each final record to every sink; the counters of the report and the
 * metadata of every file. Nothing here knows where frames come from or
 * where records go. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/packet.h"
#include "engine/decode_stage.h"
#include "engine/meta.h"
#include "engine/session.h"
#include "engine/sink.h"
#include "engine/source.h"
#include "engine/window.h"
#include "flow/context.h"
#include "flow/record.h"
#include "names/namecache.h"
#include "sink/rotate.h"
#include "util/digest.h"
#include "util/hmap.h"

/* Payload bytes of a packet the --names parsers may read: a DNS message
 * over TCP with its length prefix; more than any payload of a 64 KiB IP
 * datagram, and BIG TCP frames past it are rare enough. */
#define NAMES_PAYLOAD_BYTES (65535u + 2u)

/* Record counts per device label. Labels are interned by the assembler, so
 * the label pointer is the key. */
typedef struct label_count {
    const char *label;
    uint64_t bi, uni;
} label_count;

typedef struct label_counts {
    cf_hmap index; /* hash of the label pointer -> position + 1 in items */
    label_count *items;
    size_t used, cap;
} label_counts;

static int same_label(const void *ctx, uintptr_t val, const void *key)
{
    const label_counts *m = ctx;
    return m->items[val - 1].label == (const char *)key;
}

/* The counts of a label, added (zeroed) when new; NULL when out of memory.
 * The pointer is valid until the next call. */
static label_count *label_counts_get(label_counts *m, const char *label)
{
    uint64_t h = cf_hash_bytes(&label, sizeof label, 0x6c61626c);
    uintptr_t at = cf_hmap_get(&m->index, h, label, same_label, m);
    if (at)
        return &m->items[at - 1];
    if (m->used == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 32;
        label_count *grown = realloc(m->items, ncap * sizeof *grown);
        if (!grown)
            return NULL;
        m->items = grown;
        m->cap = ncap;
    }
    if (cf_hmap_put(&m->index, h, m->used + 1) != 0)
        return NULL;
    label_count *lc = &m->items[m->used++];
    memset(lc, 0, sizeof *lc);
    lc->label = label;
    return lc;
}

static int cmp_device_count(const void *a, const void *b)
{
    return strcmp(((const cf_device_count *)a)->label, ((const cf_device_count *)b)->label);
}

typedef struct run {
    cf_session *s;
    cf_source *src;
    cf_sink *const *sinks;
    size_t n_sinks;
    cf_report *rep;
    cf_assembler *as;
    cf_namecache *names; /* --names */
    label_counts counts;
    /* --context: the device's previous records (file 0, the row a count
     * of the variant's records: a stream or an embedder's callback; the
     * output files reference their own rows, sink/files.c). */
    cf_ctxmap *ctx;
    int64_t rows[2];        /* records written per variant: the next row */
    cf_ctxref *ctx_refs;    /* [K] */
    int64_t *ctx_out;       /* [K] context rows of the record being written */
    const char **ctx_files; /* [K] "": the same file */
    int finished;           /* the source was read to its end: identity and counts final */
    char err[1024];
} run;

/* --context: the device's previous records of this variant, oldest first,
 * into ru->ctx_out; then this record (the variant's next row) joins them.
 * Records are emitted in first_seen order per variant, so the row is the
 * count of the variant's records before it. */
static uint32_t context_of(run *ru, const char *device, int vi)
{
    uint32_t n = cf_ctxmap_push(ru->ctx, vi, device, 0, ru->rows[vi], ru->ctx_refs);
    if (n == UINT32_MAX)
        return n;
    ru->rows[vi]++;
    for (uint32_t m = 0; m < n; m++)
        ru->ctx_out[m] = ru->ctx_refs[m].row;
    return n;
}

/* Internal record -> the public one, remote address anonymised as written
 * (SPEC §3), then to every sink. */
static int on_record(void *ctx, int variant, const cf_flowrec *r)
{
    run *ru = ctx;
    const cf_config *cfg = ru->s->cfg;
    char ip[64];
    label_count *lc = label_counts_get(&ru->counts, r->device);
    if (!lc) {
        snprintf(ru->err, sizeof ru->err, "%.900s: out of memory", ru->src->name);
        return 1;
    }
    const int vi = variant == CF_VARIANT_BI ? 0 : 1;
    uint32_t n_context = 0;
    if (cfg->context && (n_context = context_of(ru, r->device, vi)) == UINT32_MAX) {
        snprintf(ru->err, sizeof ru->err, "%.900s: out of memory", ru->src->name);
        return 1;
    }
    if (cfg->anonymize &&
        (cf_is_local(&ru->s->local, &r->remote_ip) || cf_is_unspecified(&r->remote_ip)))
        strcpy(ip, r->remote_ip.family == 6 ? "::" : "0.0.0.0");
    else
        cf_addr_format(&r->remote_ip, ip);
    cf_record out = {
        .variant = variant,
        .device = r->device,
        .first_seen = r->first_seen,
        .remote_ip = ip,
        .protocol = r->protocol,
        .device_port = r->device_port,
        .remote_port = r->remote_port,
        .total_bytes = r->total_bytes,
        .total_packets = r->total_packets,
        .n = r->n,
        .offset_us = r->offset_us,
        .size = r->size,
        .direction = r->direction,
        .payload = (const uint8_t *const *)r->payload,
        .payload_len = r->payload_len,
        .remote_name = r->remote_name,
        .n_context = n_context,
        .context_rows = cfg->context ? ru->ctx_out : NULL,
        .context_files = cfg->context ? ru->ctx_files : NULL,
    };
    for (size_t k = 0; k < ru->n_sinks; k++) {
        cf_sink *sk = ru->sinks[k];
        if (sk->ops->record(sk, &out, ru->err, sizeof ru->err) != 0)
            return 1;
    }
    if (variant == CF_VARIANT_BI)
        lc->bi++;
    else
        lc->uni++;
    return 0;
}

/* "SIZE:COUNT,..." of the non-zero slots of a payload-size histogram, in
 * ascending size (the summary command reads it back). */
static char *hist_text(const uint64_t *hist)
{
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = 0;
    for (uint32_t k = 0; k <= CF_PAYLOAD_HIST_MAX; k++) {
        if (!hist[k])
            continue;
        if (cap - len < 48) {
            char *n = realloc(out, cap * 2);
            if (!n) {
                free(out);
                return NULL;
            }
            out = n;
            cap *= 2;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%" PRIu32 ":%" PRIu64, len ? "," : "", k,
                                hist[k]);
    }
    return out;
}

/* The metadata of one file (sink.h's cf_meta_fn). Parameters, input and
 * live counters always; the counts and the input's identity once the
 * source has been read to its end. */
static int file_meta(void *ctx, int variant, int64_t start_us, int64_t end_us, cf_meta *m)
{
    run *ru = ctx;
    const cf_config *cfg = ru->s->cfg;
    const cf_report *rep = ru->rep;
    int bad = 0;
    bad |= cf_meta_set(m, CF_META_VERSION, CF_VERSION_STRING);
    bad |= cf_meta_set(m, CF_META_VARIANT,
                       variant == CF_VARIANT_BI ? "bidirectional" : "unidirectional");
    bad |= cf_meta_options(m, cfg);
    const char *base = strrchr(ru->src->name, '/');
    bad |= cf_meta_set(m, CF_META_INPUT, base ? base + 1 : ru->src->name);
    /* Only when on, so that the default files stay byte for byte as before. */
    if (cfg->names)
        bad |= cf_meta_set(m, CF_META_NAMES, "true");
    if (cfg->context) {
        bad |= cf_meta_setf(m, CF_META_CONTEXT, "%" PRIu32, cfg->context);
        bad |= cf_meta_set(m, CF_META_CONTEXT_FILES, CF_CONTEXT_FILES_SCHEME);
    }
    if (rep->live) {
        bad |= cf_meta_set(m, CF_META_INTERFACE, rep->input);
        bad |= cf_meta_setf(m, CF_META_CAPTURE_START, "%" PRId64, rep->capture_start_us);
        bad |= cf_meta_setf(m, CF_META_CAPTURE_END, "%" PRId64, rep->capture_end_us);
        bad |= cf_meta_setf(m, CF_META_KERNEL_RECEIVED, "%" PRIu64, rep->kernel_received);
        bad |= cf_meta_setf(m, CF_META_KERNEL_DROPPED, "%" PRIu64, rep->kernel_dropped);
        bad |= cf_meta_setf(m, CF_META_IFACE_DROPPED, "%" PRIu64, rep->iface_dropped);
    }
    if (!ru->finished)
        return bad ? -1 : 0;
    const cf_assembler_stats *st = cf_assembler_stats_get(ru->as);
    const cf_variant_stats *vs = variant == CF_VARIANT_BI ? &st->bi : &st->uni;
    bad |= cf_meta_setf(m, CF_META_EARLY_CLOSED, "%" PRIu64, vs->early_closed);
    bad |= cf_meta_setf(m, CF_META_OUT_OF_ORDER, "%" PRIu64, vs->out_of_order);
    const char *key = cf_digest_meta_key(cfg->input_hash);
    if (key && !rep->live) {
        bad |= cf_meta_set(m, key, rep->input_digest);
        bad |= cf_meta_setf(m, CF_META_INPUT_BYTES, "%" PRIu64, rep->input_bytes);
    }
    /* The histogram covers the whole run: written to files that hold the
     * whole run only (a rotated file would need its own). */
    if (start_us == INT64_MIN && end_us == INT64_MAX) {
        char *hist = hist_text(vs->payload_hist);
        if (!hist)
            return -1;
        bad |= cf_meta_set(m, CF_META_PAYLOAD_HIST, hist);
        free(hist);
    }
    if (ru->names) {
        cf_namecache_stats ns;
        cf_namecache_stats_get(ru->names, &ns);
        bad |= cf_meta_setf(m, CF_META_NAMES_EVICTED, "%" PRIu64, ns.evicted);
    }
    bad |=
        cf_meta_set(m, CF_META_INPUT_DAMAGED, rep->status == CF_STATUS_DAMAGED ? rep->message : "");
    return bad ? -1 : 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void abort_sinks(run *ru)
{
    for (size_t k = 0; k < ru->n_sinks; k++)
        ru->sinks[k]->ops->abort(ru->sinks[k]);
}

static int advance_sinks(run *ru)
{
    int64_t h = cf_assembler_horizon(ru->as);
    for (size_t k = 0; k < ru->n_sinks; k++) {
        cf_sink *sk = ru->sinks[k];
        if (sk->ops->advance && sk->ops->advance(sk, h, ru->err, sizeof ru->err) != 0)
            return -1;
    }
    return 0;
}

/* The per-device table of the report, sorted by label. */
static int fill_devices(run *ru)
{
    cf_report *rep = ru->rep;
    rep->devices = calloc(ru->counts.used ? ru->counts.used : 1, sizeof *rep->devices);
    if (!rep->devices)
        return -1;
    for (size_t k = 0; k < ru->counts.used; k++) {
        const label_count *lc = &ru->counts.items[k];
        cf_device_count *d = &rep->devices[rep->n_devices++];
        if (!(d->label = strdup(lc->label)))
            return -1;
        d->bi = lc->bi;
        d->uni = lc->uni;
    }
    qsort(rep->devices, rep->n_devices, sizeof *rep->devices, cmp_device_count);
    return 0;
}

int cf_run(cf_session *s, cf_source *src, cf_sink *const *sinks, size_t n_sinks, cf_report *rep,
           cf_progress_fn progress, void *progress_ctx, char *err, size_t errlen)
{
    return cf_run_checked(s, src, sinks, n_sinks, rep, progress, progress_ctx, NULL, err, errlen);
}

int cf_run_checked(cf_session *s, cf_source *src, cf_sink *const *sinks, size_t n_sinks,
                   cf_report *rep, cf_progress_fn progress, void *progress_ctx, cf_run_check *check,
                   char *err, size_t errlen)
{
    const cf_config *cfg = s->cfg;
    memset(rep, 0, sizeof *rep);
    if (errlen)
        err[0] = 0;
    snprintf(rep->input, sizeof rep->input, "%s", src->name);
    snprintf(rep->stem, sizeof rep->stem, "%s", src->stem);
    rep->live = src->live;
    run ru = {.s = s, .src = src, .sinks = sinks, .n_sinks = n_sinks, .rep = rep};
    int rc = -1;
    cf_sink **async = NULL; /* [n_sinks] the sinks, those on threads of their own wrapped */
    cf_decode_stage *decoder = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    cf_assembler_options ao = {
        .packets = cfg->packets,
        .payload_bytes = cfg->payload_bytes,
        .lifetime_us = cfg->lifetime_us,
        .size_mode = cfg->size_mode,
        .variants = cfg->variants,
        .max_flows = cfg->max_flows,
        .max_memory_bytes = cfg->max_memory,
    };
    if (check) {
        ao.check = 1;
        ao.anchor_from_us = check->anchor_from_us;
        ao.check_from_us = check->check_from_us;
        ao.check_to_us = check->check_to_us;
    }
    if (cfg->names && !(ao.names = ru.names = cf_namecache_new(0))) {
        snprintf(err, errlen, "%s: out of memory", src->name);
        goto done;
    }
    if (cfg->context) {
        ru.ctx = cf_ctxmap_new(cfg->context);
        ru.ctx_refs = calloc(cfg->context, sizeof *ru.ctx_refs);
        ru.ctx_out = calloc(cfg->context, sizeof *ru.ctx_out);
        ru.ctx_files = calloc(cfg->context, sizeof *ru.ctx_files);
        if (!ru.ctx || !ru.ctx_refs || !ru.ctx_out || !ru.ctx_files) {
            snprintf(err, errlen, "%s: out of memory", src->name);
            goto done;
        }
        for (uint32_t k = 0; k < cfg->context; k++)
            ru.ctx_files[k] = "";
    }
    ru.as = cf_assembler_new(&ao, s->devices, &s->local, on_record, &ru);
    if (!ru.as) {
        snprintf(err, errlen, "%s: out of memory", src->name);
        goto done;
    }
    /* A file conversion with a spare core writes on threads of its own:
     * the sinks that can run there get a cf_sink_async in front. */
    if (!src->live && cf_session_threads(s) >= 2 && n_sinks) {
        if (!(async = calloc(n_sinks, sizeof *async))) {
            snprintf(err, errlen, "%s: out of memory", src->name);
            goto done;
        }
        for (size_t k = 0; k < n_sinks; k++) {
            if (!sinks[k]->ops->threadable)
                async[k] = sinks[k];
            else if (!(async[k] = cf_sink_async_new(sinks[k]))) {
                snprintf(err, errlen, "%s: out of memory", src->name);
                goto done;
            }
        }
        ru.sinks = async;
    }
    for (size_t k = 0; k < n_sinks; k++)
        ru.sinks[k]->live = src->live;
    for (size_t k = 0; k < n_sinks; k++)
        if (ru.sinks[k]->ops->begin(ru.sinks[k], src->name, src->stem, file_meta, &ru, err,
                                    errlen) != 0)
            goto failed;

    /* With a second thread, reading and decoding run beside assembly. The
     * name parsers of --names read whole payloads (DNS messages, the start
     * of a TCP stream), not only the j bytes a record keeps. */
    decoder = cf_decode_stage_new(src, cf_session_threads(s) >= 2,
                                  cfg->names && cfg->payload_bytes < NAMES_PAYLOAD_BYTES
                                      ? NAMES_PAYLOAD_BYTES
                                      : cfg->payload_bytes);
    if (!decoder) {
        snprintf(err, errlen, "%s: out of memory", src->name);
        goto done_abort;
    }
    cf_packet pkt;
    cf_skip_reason why;
    int st;
    /* The interval files are rotated by (--rotate, or a day with
     * --partition; 0: one file) and the horizon's last one. */
    const int64_t bucket_us = cfg->rotate_us > 0 ? cfg->rotate_us
                              : cfg->partition   ? CF_US_PER_DAY
                                                 : 0;
    int64_t last_bucket = INT64_MIN, newest = INT64_MIN;
    int64_t now_us = 0;
    int interrupted = 0;
    while ((st = cf_decode_stage_next(decoder, &why, &pkt, &now_us, rep->message,
                                      sizeof rep->message)) > 0) {
        if (st == CF_SRC_FRAME) {
            rep->frames++;
            if (why != CF_DECODED) {
                if ((unsigned)why < sizeof rep->skipped / sizeof rep->skipped[0])
                    rep->skipped[why]++;
            } else if (check && pkt.ts_us < check->anchor_from_us) {
                /* A day's task: before the read-back start. */
            } else {
                rep->packets_decoded++;
                if (cf_assembler_add(ru.as, &pkt) != 0)
                    goto failed;
            }
            /* Files close at the first packet after which the horizon
             * enters a new interval (not only every 4096 frames), so that
             * which files close on the way, without the run-final
             * metadata, depends on the packets alone (window.h). */
            if (why == CF_DECODED && pkt.ts_us > newest)
                newest = pkt.ts_us;
            /* The horizon is at most the newest timestamp - L: until that
             * reaches the next interval, no packet can move it there. */
            if (why == CF_DECODED && bucket_us > 0 &&
                (last_bucket == INT64_MIN ||
                 newest - cfg->lifetime_us >= cf_rotate_end(last_bucket, bucket_us))) {
                int64_t h = cf_assembler_horizon(ru.as);
                int64_t b = h == INT64_MIN ? INT64_MIN : cf_rotate_start(h, bucket_us);
                if (b > last_bucket) {
                    last_bucket = b;
                    /* A day's task: the whole conversion closes the day's
                     * files here; nothing after matters to them. */
                    if (check && h >= check->check_to_us) {
                        check->closed_mid_run = 1;
                        break;
                    }
                    if (advance_sinks(&ru) != 0)
                        goto failed;
                }
            }
            /* A stop request ends a file conversion at once (one load of
             * an atomic int a frame): a slowly fed pipe gives far fewer
             * frames a second than the batches below count. */
            if (!src->live && cf_session_stopping(s)) {
                interrupted = 1;
                break;
            }
            if ((rep->frames & 0xfff) != 0)
                continue;
        } else if (st == CF_SRC_TICK) {
            /* Live: the clock closes the records of a quiet network, and
             * the kernel's counts stay current for files closed now. */
            if (cf_assembler_advance(ru.as, now_us) != 0)
                goto failed;
            if (src->ops->live_stats)
                src->ops->live_stats(src, rep);
        }
        if (advance_sinks(&ru) != 0)
            goto failed;
        if ((rep->frames & 0xffff) == 0 || st == CF_SRC_TICK) {
            if (progress) {
                cf_progress p = {.bytes = cf_decode_stage_offset(decoder),
                                 .frames = rep->frames,
                                 .records = cf_assembler_stats_get(ru.as)->bi.records +
                                            cf_assembler_stats_get(ru.as)->uni.records,
                                 .inputs = 1,
                                 .seconds = seconds_since(&t0),
                                 .live = src->live};
                if (src->live) {
                    p.kernel_received = rep->kernel_received;
                    p.kernel_dropped = rep->kernel_dropped;
                    p.iface_dropped = rep->iface_dropped;
                }
                progress(progress_ctx, &p);
            }
        }
    }
    /* The reading thread is done with the source before it is asked for
     * its identity and statistics. */
    cf_decode_stage_free(decoder);
    decoder = NULL;
    if (interrupted || (cf_session_stopping(s) && !src->live)) {
        snprintf(err, errlen, "%s: interrupted", src->name);
        goto done_abort;
    }
    if (st < 0 && check) {
        /* A day's task stands for part of a whole conversion: damage
         * seen now (the plan found none) fails it. */
        snprintf(err, errlen, "%s", rep->message);
        goto done_abort;
    }
    if (st < 0) {
        rep->status = CF_STATUS_DAMAGED;
    } else {
        rep->message[0] = 0;
    }
    if (check && !check->closed_mid_run)
        check->closed_mid_run = check->later_packet;
    if (cf_assembler_finish(ru.as) != 0)
        goto failed;
    /* Every record is with the sinks' threads: they are done with them
     * before the run-final state below (what file_meta reads) is set. */
    for (size_t k = 0; async && k < n_sinks; k++)
        if (async[k] != sinks[k] && cf_sink_async_drain(async[k], err, errlen) != 0)
            goto done_abort;
    if (src->ops->identity &&
        src->ops->identity(src, rep->input_digest, &rep->input_bytes, err, errlen) != 0)
        goto done_abort;
    if (src->live && src->ops->live_stats)
        src->ops->live_stats(src, rep);
    rep->bytes = src->ops->offset(src);
    const cf_assembler_stats *ast = cf_assembler_stats_get(ru.as);
    rep->packets_attributed = ast->packets_attributed;
    rep->packets_no_device = ast->packets_no_device;
    rep->records_bi = ast->bi.records;
    rep->records_uni = ast->uni.records;
    rep->early_closed = ast->bi.early_closed + ast->uni.early_closed;
    rep->out_of_order = ast->bi.out_of_order + ast->uni.out_of_order;
    ru.finished = !(check && check->closed_mid_run);
    /* A day's task publishes nothing it cannot vouch for: the caller reads
     * further back and runs again. */
    if (check) {
        check->unanchored = ast->unanchored;
        if (ast->unanchored || rep->early_closed || rep->out_of_order) {
            snprintf(err, errlen,
                     "%s: records not determined by what was read (%" PRIu64
                     " packets unanchored, %" PRIu64 " records closed early, %" PRIu64
                     " out of order)",
                     src->name, ast->unanchored, rep->early_closed, rep->out_of_order);
            check->undetermined = 1;
            goto done_abort;
        }
    }
    /* Every sink finishes before success is declared; a failed one
     * removes its own files, and the others' are removed too so the
     * outputs of one input stay whole. */
    for (size_t k = 0; k < n_sinks; k++) {
        if (ru.sinks[k]->ops->finish(ru.sinks[k], err, errlen) != 0) {
            for (size_t m = 0; m < n_sinks; m++)
                if (m != k)
                    ru.sinks[m]->ops->abort(ru.sinks[m]);
            goto done;
        }
    }
    if (fill_devices(&ru) != 0) {
        snprintf(err, errlen, "%s: out of memory", src->name);
        goto done;
    }
    rc = rep->status == CF_STATUS_DAMAGED ? 1 : 0;
    /* A capture where no packet went into a record: almost always a device
     * list for another network, or devices outside the local ranges. */
    if (rep->packets_decoded && !rep->packets_attributed)
        cf_session_warn(s, "%s: no packet was attributed to a device (%" PRIu64 " IP packets)%s",
                        src->name, rep->packets_decoded,
                        s->devices ? ": is the device list for this capture?"
                                   : ": no endpoint is a local address (--local adds ranges)");
    goto done;

failed:
    if (!*err)
        snprintf(err, errlen, "%s", ru.err[0] ? ru.err : "writing records failed");
done_abort:
    abort_sinks(&ru);
done:
    if (rc < 0) {
        rep->status = CF_STATUS_FAILED;
        snprintf(rep->message, sizeof rep->message, "%s", err);
    }
    cf_decode_stage_free(decoder);
    /* The sinks' threads end before the assembler's labels, which their
     * records point to, are freed. */
    for (size_t k = 0; async && k < n_sinks; k++)
        if (async[k] && async[k] != sinks[k])
            async[k]->ops->destroy(async[k]);
    free(async);
    cf_assembler_free(ru.as);
    cf_namecache_free(ru.names);
    cf_ctxmap_free(ru.ctx);
    free(ru.ctx_refs);
    free(ru.counts.items);
    cf_hmap_free(&ru.counts.index);
    free(ru.ctx_out);
    free(ru.ctx_files);
    return rc;
}
