/* cf_convert_inputs: what the command line does with a list of inputs.
 * Everything that can be known to fail is checked before any work (inputs
 * that do not exist, two inputs writing the same files, an output directory
 * that cannot be written); then --jobs worker threads take the inputs one
 * at a time, each converting its input into the configured files. Reports
 * stay in input order whatever order the jobs end in. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/inputs.h"
#include "engine/session.h"
#include "util/dirs.h"

static int check_inputs(const char *const *inputs, size_t n, char *err, size_t errlen)
{
    char(*stems)[256] = calloc(n ? n : 1, sizeof *stems);
    if (!stems) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        struct stat st;
        if (strcmp(inputs[k], "-") != 0 && stat(inputs[k], &st) != 0) {
            snprintf(err, errlen, "%s: %s", inputs[k], strerror(errno));
            rc = -1;
        } else if (strcmp(inputs[k], "-") != 0 && S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: is a directory, not a capture", inputs[k]);
            rc = -1;
        }
        cf_input_stem(inputs[k], stems[k], sizeof stems[k]);
        for (size_t m = 0; m < k && !rc; m++)
            if (!strcmp(stems[k], stems[m])) {
                snprintf(err, errlen,
                         "%s and %s would both write %s.parquet: give them different names or "
                         "convert them separately",
                         inputs[m], inputs[k], stems[k]);
                rc = -1;
            }
    }
    free(stems);
    return rc;
}

static int check_output(const char *out, char *err, size_t errlen)
{
    if (cf_mkdir_p(out, NULL, 0) != 0) {
        snprintf(err, errlen, "%s: cannot create output directory: %s", out, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(out, &st) != 0 || !S_ISDIR(st.st_mode) || access(out, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "%s: output directory is not writable", out);
        return -1;
    }
    return 0;
}

/* Progress over the whole run: finished inputs plus each job's current one. */
typedef struct batch_progress {
    pthread_mutex_t lock;
    cf_progress_fn fn;
    void *ctx;
    uint32_t jobs;
    cf_progress done;  /* inputs finished */
    cf_progress *each; /* [jobs]: the current input of each job */
} batch_progress;

typedef struct job_progress {
    batch_progress *bp;
    uint32_t job;
} job_progress;

static void report_progress(batch_progress *bp, double seconds)
{
    cf_progress p = bp->done;
    for (uint32_t k = 0; k < bp->jobs; k++) {
        p.bytes += bp->each[k].bytes;
        p.frames += bp->each[k].frames;
        p.records += bp->each[k].records;
    }
    p.seconds = seconds;
    bp->fn(bp->ctx, &p);
}

static void on_job_progress(void *ctx, const cf_progress *p)
{
    job_progress *jp = ctx;
    batch_progress *bp = jp->bp;
    pthread_mutex_lock(&bp->lock);
    bp->each[jp->job] = *p;
    report_progress(bp, p->seconds);
    pthread_mutex_unlock(&bp->lock);
}

typedef struct batch {
    cf_session *s;
    const char *const *inputs;
    size_t n, next;
    cf_report *reps;
    batch_progress *progress; /* NULL: none */
    pthread_mutex_t lock;
    uint32_t next_job; /* worker numbers, for the progress slots */
    /* Output "-": one stream for every input, converted one at a time, so
     * that records never interleave and a CSV header comes once. */
    cf_sink *shared;
    struct timespec start;
} batch;

/* The report of an input that was not run: skipped, or failed to start. */
static void report_not_run(cf_report *rep, const char *input, cf_status status, const char *msg)
{
    memset(rep, 0, sizeof *rep);
    snprintf(rep->input, sizeof rep->input, "%s", input);
    cf_input_stem(input, rep->stem, sizeof rep->stem);
    rep->status = status;
    snprintf(rep->message, sizeof rep->message, "%s", msg);
}

/* One input into its files; the report says how it went. */
static void convert_one(cf_session *s, const char *input, cf_report *rep, cf_progress_fn progress,
                        void *progress_ctx, cf_sink *shared)
{
    char err[1024] = "";
    if (s->cfg->skip_existing && cf_outputs_current(s, input, err, sizeof err)) {
        report_not_run(rep, input, CF_STATUS_SKIPPED, err);
        return;
    }
    err[0] = 0;
    cf_source *src = cf_source_open(s, input, err, sizeof err);
    cf_sink *sink = !src ? NULL : shared ? shared : cf_sink_files(s, NULL, err, sizeof err);
    if (!sink) {
        report_not_run(rep, input, CF_STATUS_FAILED, err);
    } else {
        cf_run(s, src, &sink, 1, rep, progress, progress_ctx, err, sizeof err);
    }
    if (sink != shared)
        cf_sink_free(sink);
    cf_source_close(src);
}

static void *batch_worker(void *arg)
{
    batch *b = arg;
    pthread_mutex_lock(&b->lock);
    job_progress jp = {b->progress, b->next_job++};
    pthread_mutex_unlock(&b->lock);
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t k = cf_session_stopping(b->s) ? b->n : b->next++;
        pthread_mutex_unlock(&b->lock);
        if (k >= b->n)
            return NULL;
        convert_one(b->s, b->inputs[k], &b->reps[k], b->progress ? on_job_progress : NULL, &jp,
                    b->shared);
        if (b->progress) {
            batch_progress *bp = b->progress;
            pthread_mutex_lock(&bp->lock);
            bp->done.inputs_done++;
            bp->done.bytes += b->reps[k].bytes;
            bp->done.frames += b->reps[k].frames;
            bp->done.records += b->reps[k].records_bi + b->reps[k].records_uni;
            memset(&bp->each[jp.job], 0, sizeof bp->each[jp.job]);
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            report_progress(bp, (double)(t.tv_sec - b->start.tv_sec) +
                                    (double)(t.tv_nsec - b->start.tv_nsec) / 1e9);
            pthread_mutex_unlock(&bp->lock);
        }
    }
}

static int convert_list(cf_session *s, const char *const *inputs, size_t n, cf_report **reps,
                        size_t *n_reps, cf_progress_fn progress, void *progress_ctx, char *err,
                        size_t errlen);

/* --merge: every input one capture, one report. */
static int convert_merged(cf_session *s, const char *const *inputs, size_t n, cf_report **reps,
                          size_t *n_reps, cf_progress_fn progress, void *progress_ctx, char *err,
                          size_t errlen)
{
    for (size_t k = 0; k < n; k++) {
        struct stat st;
        if (strcmp(inputs[k], "-") != 0 && stat(inputs[k], &st) != 0) {
            snprintf(err, errlen, "%s: %s", inputs[k], strerror(errno));
            return -1;
        }
    }
    if (check_output(cf_session_output(s), err, errlen) != 0)
        return -1;
    cf_report *rep = calloc(1, sizeof *rep);
    if (!rep) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    atomic_store(&s->run_threads, s->cfg->threads ? (int)s->cfg->threads : cf_cores());
    char e[1024] = "";
    cf_source *src = cf_source_open_merged(s, inputs, n, e, sizeof e);
    cf_sink *sink = src ? cf_sink_files(s, NULL, e, sizeof e) : NULL;
    if (!sink) {
        report_not_run(rep, inputs[0], CF_STATUS_FAILED, e);
    } else {
        cf_run(s, src, &sink, 1, rep, progress, progress_ctx, e, sizeof e);
    }
    cf_sink_free(sink);
    cf_source_close(src);
    if (rep->status == CF_STATUS_DONE || rep->status == CF_STATUS_DAMAGED)
        cf_devices_warn_unseen(s->devices, s->warn, s->warn_ctx);
    *reps = rep;
    *n_reps = 1;
    return rep->status == CF_STATUS_DONE ? 0 : 1;
}

#define CF_LIVE_DEFAULT_ROTATE_US (INT64_C(86400) * 1000000)

/* The "interface" option: one live capture into the configured files,
 * until the session is asked to stop (the normal end of a live run). Its
 * files rotate daily unless --rotate says otherwise (a day is the
 * dataset's unit; a capture that runs for weeks gives a file a day). */
static int convert_live(cf_session *s, const char *iface, cf_report **reps, size_t *n_reps,
                        cf_progress_fn progress, void *progress_ctx, char *err, size_t errlen)
{
    if (strcmp(cf_session_output(s), "-") != 0) {
        if (check_output(cf_session_output(s), err, errlen) != 0)
            return -1;
        if (s->cfg->rotate_us == 0)
            s->cfg->rotate_us = CF_LIVE_DEFAULT_ROTATE_US;
    }
    cf_report *rep = calloc(1, sizeof *rep);
    if (!rep) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    cf_source *src = cf_source_open_live(s, iface, err, errlen);
    cf_sink *sink = src ? cf_sink_files(s, NULL, err, errlen) : NULL;
    int rc = -1;
    if (sink)
        rc = cf_run(s, src, &sink, 1, rep, progress, progress_ctx, err, errlen);
    cf_sink_free(sink);
    cf_source_close(src);
    if (!sink) {
        free(rep);
        return -1;
    }
    *reps = rep;
    *n_reps = 1;
    return rc == 0 ? 0 : 1;
}

int cf_convert_inputs(cf_session *s, const char *const *given, size_t n_given, cf_report **reps,
                      size_t *n_reps, cf_progress_fn progress, void *progress_ctx, char *err,
                      size_t errlen)
{
    *reps = NULL;
    *n_reps = 0;
    if (s->cfg->interface) {
        if (n_given > 0) {
            snprintf(err, errlen, "-i %s and capture files: give one or the other",
                     s->cfg->interface);
            return -1;
        }
        return convert_live(s, s->cfg->interface, reps, n_reps, progress, progress_ctx, err,
                            errlen);
    }
    if (n_given == 0) {
        snprintf(err, errlen, "no capture given");
        return -1;
    }
    /* Directories become the captures under them. */
    char **inputs;
    size_t n;
    if (cf_inputs_expand(s, given, n_given, &inputs, &n, err, errlen) != 0)
        return -1;
    int rc = s->cfg->merge && n > 1 ? convert_merged(s, (const char *const *)inputs, n, reps,
                                                     n_reps, progress, progress_ctx, err, errlen)
                                    : convert_list(s, (const char *const *)inputs, n, reps, n_reps,
                                                   progress, progress_ctx, err, errlen);
    cf_inputs_free(inputs, n);
    return rc;
}

static int convert_list(cf_session *s, const char *const *inputs, size_t n, cf_report **reps,
                        size_t *n_reps, cf_progress_fn progress, void *progress_ctx, char *err,
                        size_t errlen)
{
    if (check_inputs(inputs, n, err, errlen) != 0 ||
        check_output(cf_session_output(s), err, errlen) != 0)
        return -1;
    uint32_t jobs = s->cfg->jobs ? s->cfg->jobs : (uint32_t)cf_cores();
    if (jobs > n)
        jobs = (uint32_t)n;
    /* Output "-": one stream for all inputs, converted one at a time. */
    int to_stream = !strcmp(cf_session_output(s), "-");
    if (to_stream)
        jobs = 1;
    /* Each conversion may use the cores the jobs leave. */
    int per_job = cf_cores() / (int)jobs;
    atomic_store(&s->run_threads, s->cfg->threads ? (int)s->cfg->threads
                                  : per_job > 1   ? per_job
                                                  : 1);
    batch b = {.s = s, .inputs = inputs, .n = n, .reps = calloc(n, sizeof *b.reps)};
    if (to_stream && b.reps) {
        b.shared = cf_sink_files(s, NULL, err, errlen);
        if (!b.shared) {
            free(b.reps);
            return -1;
        }
    }
    batch_progress bp = {.fn = progress, .ctx = progress_ctx, .jobs = jobs};
    bp.done.inputs = (uint32_t)n;
    bp.each = calloc(jobs, sizeof *bp.each);
    if (!b.reps || !bp.each) {
        free(b.reps);
        free(bp.each);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&bp.lock, NULL);
    pthread_mutex_init(&b.lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b.start);
    b.progress = progress ? &bp : NULL;
    pthread_t *threads = calloc(jobs, sizeof *threads);
    uint32_t started = 0;
    for (; threads && started + 1 < jobs; started++)
        if (pthread_create(&threads[started], NULL, batch_worker, &b) != 0)
            break;
    batch_worker(&b); /* this thread works too */
    for (uint32_t k = 0; k < started; k++)
        pthread_join(threads[k], NULL);
    free(threads);
    cf_sink_free(b.shared);
    pthread_mutex_destroy(&b.lock);
    pthread_mutex_destroy(&bp.lock);
    free(bp.each);
    /* Inputs never started (a stop request) are reported as failed. */
    int status = 0;
    for (size_t k = 0; k < n; k++) {
        cf_report *r = &b.reps[k];
        if (k >= b.next) {
            report_not_run(r, inputs[k], CF_STATUS_FAILED, "");
            snprintf(r->message, sizeof r->message, "%.900s: not converted (interrupted)",
                     inputs[k]);
        }
        if (r->status == CF_STATUS_DAMAGED || r->status == CF_STATUS_FAILED)
            status = 1;
    }
    /* Listed devices that no packet of the whole run matched (when
     * something was converted: not when every input was skipped). */
    int converted = 0;
    for (size_t k = 0; k < n && k < b.next; k++)
        converted |= b.reps[k].status == CF_STATUS_DONE || b.reps[k].status == CF_STATUS_DAMAGED;
    if (converted)
        cf_devices_warn_unseen(s->devices, s->warn, s->warn_ctx);
    *reps = b.reps;
    *n_reps = n;
    return status;
}
