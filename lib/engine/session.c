/* Sessions: a configuration checked as a whole, the device list and local
 * ranges loaded, the filter compiled once to prove it is valid. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "decode/packet.h"
#include "engine/session.h"
#include "sink/rotate.h"

int cf_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 4096 ? (int)n : 1;
}

int cf_session_threads(const cf_session *s)
{
    int n = atomic_load(&((cf_session *)s)->run_threads);
    return n > 0 ? n : 1;
}

const char *cf_session_output(const cf_session *s)
{
    return s->cfg->output ? s->cfg->output : "flows";
}

void cf_session_warn(const cf_session *s, const char *fmt, ...)
{
    if (!s->warn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->warn(s->warn_ctx, msg);
}

/* Combinations of options that cannot work together. */
static int check_combinations(const cf_config *c, char *err, size_t errlen)
{
    const char *out = c->output ? c->output : "flows";
    if (!strcmp(out, "-") && c->format == CF_FORMAT_PARQUET) {
        snprintf(err, errlen, "--output -: standard output takes --format jsonl or csv");
        return -1;
    }
    if (c->partition && !strcmp(out, "-")) {
        snprintf(err, errlen, "--partition writes files: it does not apply to --output -");
        return -1;
    }
    /* A partition is a UTC day: a rotated file must not straddle two. */
    if (c->partition && c->rotate_us > 0 && (CF_US_PER_DAY % c->rotate_us) != 0) {
        snprintf(err, errlen, "--partition: --rotate must divide a day (e.g. 1h, 15m, 1d)");
        return -1;
    }
    if (!strcmp(out, "-") && c->rotate_us > 0) {
        snprintf(err, errlen, "--rotate splits files: it does not apply to --output -");
        return -1;
    }
    if (c->format != CF_FORMAT_PARQUET && c->layout == CF_LAYOUT_WIDE) {
        snprintf(err, errlen, "--layout wide is a Parquet layout: use it with --format parquet");
        return -1;
    }
    return 0;
}

cf_session *cf_session_new(const cf_config *c, cf_warn_fn warn, void *warn_ctx, char *err,
                           size_t errlen)
{
    if (!c) {
        snprintf(err, errlen, "no configuration");
        return NULL;
    }
    if (check_combinations(c, err, errlen) != 0)
        return NULL;
    if (c->filter && cf_capture_check_filter(c->filter, err, errlen) != 0)
        return NULL;
    cf_session *s = calloc(1, sizeof *s);
    if (!s || !(s->cfg = cf_config_dup(c))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->warn = warn;
    s->warn_ctx = warn_ctx;
    atomic_init(&s->stop, 0);
    atomic_init(&s->run_threads, c->threads ? (int)c->threads : cf_cores());
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
    return s;
}

void cf_session_free(cf_session *s)
{
    if (!s)
        return;
    cf_devices_free(s->devices);
    cf_localnets_free(&s->local);
    cf_config_free(s->cfg);
    free(s);
}

const cf_config *cf_session_config(const cf_session *s)
{
    return s->cfg;
}

void cf_session_stop(cf_session *s)
{
    atomic_store(&s->stop, 1);
}

int cf_session_stopping(const cf_session *s)
{
    return atomic_load(&((cf_session *)s)->stop);
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
    if (!rep)
        return;
    for (size_t k = 0; k < rep->n_devices; k++)
        free(rep->devices[k].label);
    free(rep->devices);
    rep->devices = NULL;
    rep->n_devices = 0;
}

void cf_reports_free(cf_report *reps, size_t n)
{
    for (size_t k = 0; reps && k < n; k++)
        cf_report_free(&reps[k]);
    free(reps);
}

void cf_input_stem(const char *input, char *stem, size_t len)
{
    if (!strcmp(input, "-"))
        snprintf(stem, len, "stdin");
    else
        cf_capture_stem(input, stem, len);
}

/* cf_session_stop is documented as safe in signal handlers: C11 7.14.1.1
 * allows that for lock-free atomic objects only. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic int must be lock-free");
