/* One capture in, one Parquet file per variant out: the pipeline
 * capture -> decode -> assembler -> flowfile, plus the counters of the
 * report. Files appear only when complete: every failure aborts them. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "customflow.h"
#include "decode/packet.h"
#include "engine/flowfile.h"
#include "flow/devices.h"
#include "flow/netaddr.h"
#include "flow/record.h"

struct cf_session {
    cf_config cfg;
    cf_devices *devices;
    cf_localnets local;
    char *filter;
    /* Warnings after the runs (devices listed but never seen). */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    atomic_int runs;
};

void cf_config_init(cf_config *c)
{
    memset(c, 0, sizeof *c);
    c->packets = 10;
    c->payload_bytes = 1000;
    c->lifetime_us = 60000000;
    c->variants = CF_VARIANT_BI | CF_VARIANT_UNI;
    c->size_mode = CF_SIZE_WIRE;
    c->anonymize = 1;
    c->codec = CF_CODEC_ZSTD;
    c->layout = CF_LAYOUT_NESTED;
    c->payload_cells = 3000;
    c->max_flows = 1000000;
    c->input_hash = 1;
}

cf_session *cf_session_new(const cf_config *c, char *err, size_t errlen,
                           void (*warn)(void *ctx, const char *msg), void *warn_ctx)
{
    if (c->packets == 0 || c->lifetime_us <= 0 || !(c->variants & 3)) {
        snprintf(err, errlen, "invalid configuration (packets, lifetime or variants)");
        return NULL;
    }
    cf_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *c;
    s->warn = warn;
    s->warn_ctx = warn_ctx;
    cf_localnets_init(&s->local);
    for (size_t k = 0; k < c->n_local; k++) {
        if (cf_localnets_add(&s->local, c->local[k]) != 0) {
            snprintf(err, errlen, "--local %s: not an address or CIDR prefix", c->local[k]);
            cf_session_free(s);
            return NULL;
        }
    }
    if (c->devices_path) {
        s->devices = cf_devices_load(c->devices_path, err, errlen, warn, warn_ctx);
        if (!s->devices) {
            cf_session_free(s);
            return NULL;
        }
    }
    if (c->filter) {
        s->filter = strdup(c->filter);
        s->cfg.filter = s->filter;
    }
    s->cfg.devices_path = NULL;
    s->cfg.local = NULL;
    s->cfg.n_local = 0;
    return s;
}

void cf_session_free(cf_session *s)
{
    if (!s)
        return;
    if (s->runs)
        cf_devices_warn_unseen(s->devices, s->warn, s->warn_ctx);
    cf_devices_free(s->devices);
    cf_localnets_free(&s->local);
    free(s->filter);
    free(s);
}

const char *cf_skip_name(int k)
{
    return cf_skip_reason_name((cf_skip_reason)k);
}

int cf_skip_count(void)
{
    return CF_SKIP__COUNT;
}

void cf_report_free(cf_report *rep)
{
    for (size_t k = 0; k < rep->n_devices; k++)
        free(rep->devices[k].label);
    free(rep->devices);
    rep->devices = NULL;
    rep->n_devices = 0;
}

/* Record counts per device label. Labels are interned by the assembler, so
 * the label pointer is the key. */
typedef struct {
    const char *label;
    uint64_t bi, uni;
} label_count;

typedef struct {
    label_count *slots;
    size_t cap, used;
} label_counts;

static label_count *label_counts_get(label_counts *m, const char *label)
{
    if ((m->used + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        label_count *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return NULL;
        for (size_t k = 0; k < m->cap; k++) {
            if (!m->slots[k].label)
                continue;
            size_t h = ((uintptr_t)m->slots[k].label >> 4) * 0x9E3779B97F4A7C15ull & (ncap - 1);
            while (ns[h].label)
                h = (h + 1) & (ncap - 1);
            ns[h] = m->slots[k];
        }
        free(m->slots);
        m->slots = ns;
        m->cap = ncap;
    }
    size_t h = ((uintptr_t)label >> 4) * 0x9E3779B97F4A7C15ull & (m->cap - 1);
    while (m->slots[h].label && m->slots[h].label != label)
        h = (h + 1) & (m->cap - 1);
    if (!m->slots[h].label) {
        m->slots[h].label = label;
        m->used++;
    }
    return &m->slots[h];
}

static int cmp_device_count(const void *a, const void *b)
{
    return strcmp(((const cf_device_count *)a)->label, ((const cf_device_count *)b)->label);
}

typedef struct {
    cf_session *s;
    cf_flowfile *out[2]; /* [0] bidirectional, [1] unidirectional */
    label_counts counts;
    int failed;
} convert_ctx;

static int on_record(void *vctx, int variant, const cf_record *r)
{
    convert_ctx *c = vctx;
    int k = variant == CF_VARIANT_BI ? 0 : 1;
    if (c->out[k] && cf_flowfile_write(c->out[k], r, &c->s->local) != 0) {
        c->failed = 1;
        return 1;
    }
    label_count *lc = label_counts_get(&c->counts, r->device);
    if (!lc) {
        c->failed = 1;
        return 1;
    }
    if (k == 0)
        lc->bi++;
    else
        lc->uni++;
    return 0;
}

static const char *size_mode_name(cf_size_mode m)
{
    static const char *names[] = {"wire", "ip", "transport", "payload"};
    return (unsigned)m < 4 ? names[m] : "wire";
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create directory: %s", path, strerror(errno));
        return -1;
    }
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

/* The input's SHA-256 is computed on a second thread while the capture is
 * converted: on a 2-core machine it then costs no wall time. */
typedef struct {
    cf_capture *cap;
    char hex[65];
    int failed;
    char err[512];
} hash_job;

static void *hash_thread(void *arg)
{
    hash_job *j = arg;
    j->failed = cf_capture_sha256(j->cap, j->hex, j->err, sizeof j->err) != 0;
    return NULL;
}

static void add_metadata(cf_flowfile *f, const cf_config *cfg, const char *variant,
                         const char *input)
{
    char v[64];
    cf_flowfile_kv(f, "customflow.version", CF_VERSION_STRING);
    cf_flowfile_kv(f, "customflow.variant", variant);
    snprintf(v, sizeof v, "%" PRIu32, cfg->packets);
    cf_flowfile_kv(f, "customflow.packets", v);
    snprintf(v, sizeof v, "%" PRIu32, cfg->payload_bytes);
    cf_flowfile_kv(f, "customflow.payload_bytes", v);
    snprintf(v, sizeof v, "%" PRId64 ".%06" PRId64, cfg->lifetime_us / 1000000,
             cfg->lifetime_us % 1000000);
    cf_flowfile_kv(f, "customflow.lifetime_s", v);
    cf_flowfile_kv(f, "customflow.size", size_mode_name(cfg->size_mode));
    cf_flowfile_kv(f, "customflow.anonymize", cfg->anonymize ? "true" : "false");
    cf_flowfile_kv(f, "customflow.layout", cfg->layout == CF_LAYOUT_WIDE ? "wide" : "nested");
    cf_flowfile_kv(f, "customflow.filter", cfg->filter ? cfg->filter : "");
    const char *base = strrchr(input, '/');
    cf_flowfile_kv(f, "customflow.input", base ? base + 1 : input);
}

/* A capture where no packet went into a record: almost always a device
 * list for another network, or devices outside the local ranges. */
static void warn_unattributed(cf_session *s, const char *input, const cf_report *rep)
{
    atomic_fetch_add_explicit(&s->runs, 1, memory_order_relaxed);
    if (!s->warn || !rep->packets_decoded || rep->packets_attributed)
        return;
    char msg[1200];
    snprintf(msg, sizeof msg, "%s: no packet was attributed to a device (%" PRIu64 " IP packets)%s",
             input, rep->packets_decoded,
             s->devices ? ": is the device list for this capture?"
                        : ": no endpoint is a local address (--local adds ranges)");
    s->warn(s->warn_ctx, msg);
}

int cf_convert(cf_session *s, const char *capture_path, const char *out_dir, cf_report *rep,
               cf_progress_fn progress, void *progress_ctx, volatile const int *stop, char *err,
               size_t errlen)
{
    const cf_config *cfg = &s->cfg;
    memset(rep, 0, sizeof *rep);
    cf_capture_stem(capture_path, rep->stem, sizeof rep->stem);

    cf_capture *cap = cf_capture_open(capture_path, cfg->filter, err, errlen);
    if (!cap)
        return -1;
    cf_capture_set_stop(cap, stop);
    /* A mapped file is hashed on a second thread while it is converted (on
     * two cores that costs no wall time); a pipe is hashed as it is read. */
    hash_job hj = {.cap = cap};
    pthread_t hasher;
    cf_capture_set_hashing(cap, cfg->input_hash);
    int hashing = cfg->input_hash && cf_capture_hash_concurrent(cap) &&
                  pthread_create(&hasher, NULL, hash_thread, &hj) == 0;
    int hashed = hashing || !cfg->input_hash;

    convert_ctx ctx = {.s = s};
    static const char *const variant_dir[2] = {"bidirectional", "unidirectional"};
    char path[4096];
    int rc = -1;
    cf_assembler *as = NULL;
    if (make_dir(out_dir, err, errlen) != 0)
        goto done;
    for (int k = 0; k < 2; k++) {
        if (!(cfg->variants & (k == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI)))
            continue;
        snprintf(path, sizeof path, "%s/%s", out_dir, variant_dir[k]);
        if (make_dir(path, err, errlen) != 0)
            goto done;
        snprintf(path, sizeof path, "%s/%s/%s.parquet", out_dir, variant_dir[k], rep->stem);
        ctx.out[k] = cf_flowfile_open(path, cfg, err, errlen);
        if (!ctx.out[k])
            goto done;
        add_metadata(ctx.out[k], cfg, variant_dir[k], capture_path);
    }

    cf_assembler_options ao = {
        .packets = cfg->packets,
        .payload_bytes = cfg->payload_bytes,
        .lifetime_us = cfg->lifetime_us,
        .size_mode = cfg->size_mode,
        .variants = cfg->variants,
        .max_flows = cfg->max_flows,
    };
    as = cf_assembler_new(&ao, s->devices, &s->local, on_record, &ctx);
    if (!as) {
        snprintf(err, errlen, "%s: out of memory", capture_path);
        goto done;
    }

    cf_frame fr;
    cf_packet pkt;
    int st;
    while ((st = cf_capture_next(cap, &fr, rep->damage, sizeof rep->damage)) == 1) {
        rep->frames++;
        if ((rep->frames & 0xffff) == 0) {
            if (stop && *stop) {
                snprintf(err, errlen, "%s: interrupted", capture_path);
                goto done;
            }
            if (progress)
                progress(progress_ctx, cf_capture_offset(cap), rep->frames);
        }
        cf_skip_reason why =
            cf_decode_frame(fr.linktype, fr.data, fr.cap_len, fr.wire_len, fr.ts_us, &pkt);
        if (why != CF_DECODED) {
            if ((unsigned)why < sizeof rep->skipped / sizeof rep->skipped[0])
                rep->skipped[why]++;
            continue;
        }
        rep->packets_decoded++;
        if (cf_assembler_add(as, &pkt) != 0)
            break;
    }
    if (ctx.failed || cf_assembler_finish(as) != 0 || ctx.failed) {
        for (int k = 0; k < 2; k++)
            if (ctx.out[k] && cf_flowfile_error(ctx.out[k]) && *cf_flowfile_error(ctx.out[k])) {
                snprintf(err, errlen, "%s", cf_flowfile_error(ctx.out[k]));
                break;
            }
        if (!*err)
            snprintf(err, errlen, "%s: writing records failed", capture_path);
        goto done;
    }
    if (stop && *stop) {
        snprintf(err, errlen, "%s: interrupted", capture_path);
        goto done;
    }
    if (st < 0)
        rep->damaged = 1;
    if (hashing) {
        pthread_join(hasher, NULL);
        hashing = 0;
    } else if (!hashed) {
        hash_thread(&hj);
    }
    if (hj.failed) {
        snprintf(err, errlen, "%s", hj.err);
        goto done;
    }
    rep->bytes = cf_capture_offset(cap);

    const cf_assembler_stats *as_st = cf_assembler_stats_get(as);
    rep->packets_attributed = as_st->packets_attributed;
    rep->packets_no_device = as_st->packets_no_device;
    rep->records_bi = as_st->bi.records;
    rep->records_uni = as_st->uni.records;
    rep->early_closed = as_st->bi.early_closed + as_st->uni.early_closed;
    rep->out_of_order = as_st->bi.out_of_order + as_st->uni.out_of_order;

    for (int k = 0; k < 2; k++) {
        if (!ctx.out[k])
            continue;
        char v[32];
        snprintf(v, sizeof v, "%" PRIu64,
                 k == 0 ? as_st->bi.early_closed : as_st->uni.early_closed);
        cf_flowfile_kv(ctx.out[k], "customflow.early_closed", v);
        snprintf(v, sizeof v, "%" PRIu64,
                 k == 0 ? as_st->bi.out_of_order : as_st->uni.out_of_order);
        cf_flowfile_kv(ctx.out[k], "customflow.out_of_order", v);
        /* Empty when the configuration turned hashing off. */
        cf_flowfile_kv(ctx.out[k], "customflow.input_sha256", hj.hex);
        char *hist = hist_text(k == 0 ? as_st->bi.payload_hist : as_st->uni.payload_hist);
        if (!hist) {
            snprintf(err, errlen, "%s: out of memory", capture_path);
            goto done;
        }
        cf_flowfile_kv(ctx.out[k], "customflow.payload_hist", hist);
        free(hist);
        cf_flowfile_kv(ctx.out[k], "customflow.input_damaged", rep->damaged ? rep->damage : "");
    }
    /* Close both before declaring success; a failed close removes its own
     * file, and the other variant's is removed too so the pair stays whole. */
    int close_failed = 0;
    for (int k = 0; k < 2; k++) {
        if (!ctx.out[k])
            continue;
        cf_flowfile *f = ctx.out[k];
        ctx.out[k] = NULL;
        if (!close_failed && cf_flowfile_close(f, err, errlen) != 0)
            close_failed = 1;
        else if (close_failed)
            cf_flowfile_abort(f);
    }
    if (close_failed) {
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s/%s/%s.parquet", out_dir, variant_dir[k], rep->stem);
            if (cfg->variants & (k == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI))
                remove(path);
        }
        goto done;
    }

    rep->devices = calloc(ctx.counts.used ? ctx.counts.used : 1, sizeof *rep->devices);
    if (rep->devices) {
        for (size_t k = 0; k < ctx.counts.cap; k++) {
            label_count *lc = &ctx.counts.slots[k];
            if (!lc->label)
                continue;
            cf_device_count *d = &rep->devices[rep->n_devices++];
            d->label = strdup(lc->label);
            d->bi = lc->bi;
            d->uni = lc->uni;
        }
        qsort(rep->devices, rep->n_devices, sizeof *rep->devices, cmp_device_count);
    }
    rc = rep->damaged ? 1 : 0;
    warn_unattributed(s, capture_path, rep);

done:
    if (hashing)
        pthread_join(hasher, NULL);
    for (int k = 0; k < 2; k++)
        cf_flowfile_abort(ctx.out[k]);
    cf_assembler_free(as);
    cf_capture_close(cap);
    free(ctx.counts.slots);
    return rc;
}
