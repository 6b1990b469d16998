/* customflow task OUT K: runs task K of OUT/plan.tsv into OUT.
 *
 * Idempotent: the outputs are the library's files, each written to a
 * temporary name and renamed into place complete, so a task run twice (or
 * two copies at once) leaves the same files, and a killed task leaves none
 * half-written. Each attempt appends to OUT/tasks/K.log and replaces
 * OUT/tasks/K.status (task_files.h). Uses customflow.h only. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/progutil.h"
#include "cluster.h"
#include "plan_file.h"
#include "task_files.h"
#include "customflow.h"

static void task_usage(FILE *f)
{
    fputs("usage: customflow task OUT K\n"
          "Runs task K (0-based) of OUT/plan.tsv (written by customflow plan) into OUT;\n"
          "appends to OUT/tasks/K.log and writes OUT/tasks/K.status. Safe to run again\n"
          "or beside other tasks. Exit status: 0 done (also when an input was damaged:\n"
          "its records before the damage are written; see the log), 1 failed,\n"
          "2 usage or plan errors, 128+N stopped by signal N.\n",
          f);
}

/* Where this attempt runs: Slurm's node name, else the host name. */
static void node_name(char *buf, size_t len)
{
    const char *slurm = getenv("SLURMD_NODENAME");
    if (slurm && *slurm) {
        snprintf(buf, len, "%s", slurm);
        return;
    }
    if (gethostname(buf, len) != 0)
        snprintf(buf, len, "unknown");
    buf[len - 1] = 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void log_line(FILE *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(FILE *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (log) {
        va_list copy;
        va_copy(copy, ap);
        vfprintf(log, fmt, copy);
        va_end(copy);
        fputc('\n', log);
        fflush(log);
    }
    va_end(ap);
}

static void log_warning(void *ctx, const char *msg)
{
    log_line(ctx, "warning: %s", msg);
    fprintf(stderr, "customflow task: warning: %s\n", msg);
}

static void log_report(FILE *log, const cf_report *r)
{
    static const char *const states[] = {"done", "damaged", "failed", "skipped"};
    log_line(log,
             "input %s: %s, %" PRIu64 " bytes, %" PRIu64 " frames, records bidirectional %" PRIu64
             ", unidirectional %" PRIu64 "%s%s",
             r->input, states[r->status], r->bytes, r->frames, r->records_bi, r->records_uni,
             r->message[0] ? ": " : "", r->message);
}

/* A task of several captures converts them --jobs at a time: what the plan
 * says, else the CPUs Slurm gave the task, else one (the task is one of
 * many sharing the machine). */
static int set_task_jobs(cf_config *cfg, const char *options, char *err, size_t errlen)
{
    if (options && (!strncmp(options, "jobs=", 5) || strstr(options, "\njobs=")))
        return 0;
    const char *cpus = getenv("SLURM_CPUS_PER_TASK");
    if (cpus && *cpus && cf_config_set(cfg, "jobs", cpus, err, errlen) == 0)
        return 0;
    return cf_config_set(cfg, "jobs", "1", err, errlen);
}

/* A per-day task: the records of its day of the --merge conversion of the
 * plan's captures (cf_convert_window reads back as far as it must). One
 * report, as cf_convert_inputs gives for --merge. */
static int convert_day(cf_session *s, const plan *p, const plan_task *t, FILE *log,
                       cf_report **reps, size_t *n_reps, char *err, size_t errlen)
{
    cf_capture_info *caps = calloc(p->n_captures, sizeof *caps);
    cf_report *rep = calloc(1, sizeof *rep);
    if (!caps || !rep) {
        free(caps);
        free(rep);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < p->n_captures; k++) {
        const plan_capture *c = &p->captures[k];
        caps[k] = (cf_capture_info){.path = c->path,
                                    .first_us = c->first_us,
                                    .last_us = c->last_us,
                                    .last_packet_us = c->last_packet_us,
                                    .frames = c->frames,
                                    .ordered = 1,
                                    .bytes = c->bytes};
        memcpy(caps[k].digest, c->digest, sizeof caps[k].digest);
    }
    int64_t from = 0;
    char day[32];
    time_t secs = (time_t)(t->from_us / 1000000);
    strftime(day, sizeof day, "%Y-%m-%d", gmtime(&secs));
    log_line(log, "day %s [%" PRId64 ", %" PRId64 ") of %zu captures", day, t->from_us, t->to_us,
             p->n_captures);
    int rc =
        cf_convert_window(s, caps, p->n_captures, t->from_us, t->to_us, rep, &from, err, errlen);
    if (rc == 0 && from == INT64_MIN)
        log_line(log, "read from the first frame of the set");
    else if (rc == 0)
        log_line(log, "read from %" PRId64 " (%.3f days before the day)", from,
                 (double)(t->from_us - from) / 86400e6);
    if (rc != 0) {
        rep->status = CF_STATUS_FAILED;
        snprintf(rep->message, sizeof rep->message, "%s", err);
    }
    free(caps);
    *reps = rep;
    *n_reps = 1;
    return rc == 0 ? 0 : 1;
}

static int parse_index(const char *s, size_t *k)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-')
        return -1;
    *k = (size_t)v;
    return 0;
}

int task_main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        task_usage(stdout);
        return 0;
    }
    if (argc != 3) {
        task_usage(stderr);
        return 2;
    }
    const char *out = argv[1];
    size_t k;
    char err[1024] = "", path[PATH_MAX + 64];
    plan p;
    snprintf(path, sizeof path, "%s/%s", out, PLAN_FILE);
    if (parse_index(argv[2], &k) != 0) {
        fprintf(stderr, "customflow task: '%s' is not a task number (0, 1, ...)\n", argv[2]);
        return 2;
    }
    if (plan_read(path, &p, err, sizeof err) != 0) {
        fprintf(stderr, "customflow task: %s\n", err);
        plan_free(&p);
        return 2;
    }
    if (k >= p.n_tasks) {
        fprintf(stderr, "customflow task: %s has tasks 0 to %zu; there is no task %zu\n", path,
                p.n_tasks ? p.n_tasks - 1 : 0, k);
        plan_free(&p);
        return 2;
    }
    const plan_task *t = &p.tasks[k];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char node[256], when[32];
    node_name(node, sizeof node);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));

    snprintf(path, sizeof path, "%s/%s", out, TASKS_DIR);
    FILE *log = NULL;
    if (make_dirs(path) == 0) {
        task_file_path(path, sizeof path, out, k, "log");
        log = fopen(path, "a");
    }
    if (!log)
        fprintf(stderr, "customflow task: %s: cannot write the log: %s\n", path, strerror(errno));
    const char *job = getenv("SLURM_ARRAY_JOB_ID"), *jobtask = getenv("SLURM_ARRAY_TASK_ID");
    log_line(log, "task %zu start %s node %s pid %ld%s%s%s%s", k, when, node, (long)getpid(),
             job ? " slurm job " : "", job ? job : "", jobtask ? "_" : "", jobtask ? jobtask : "");

    int status = 1;
    const char *state = "failed";
    cf_config *cfg = cf_config_new();
    cf_session *s = NULL;
    cf_report *reps = NULL;
    size_t n_reps = 0;
    if (!cfg || cf_config_read_lines(cfg, p.options ? p.options : "", err, sizeof err) != 0) {
        if (!cfg)
            snprintf(err, sizeof err, "out of memory");
        status = 2;
    } else if (set_task_jobs(cfg, p.options, err, sizeof err) != 0) {
        status = 2;
    } else if ((s = cf_session_new(cfg, log_warning, log, err, sizeof err))) {
        stop_on_signals(s);
        signal(SIGXFSZ, SIG_IGN);
        int rc = !strcmp(p.mode, "per-day")
                     ? convert_day(s, &p, t, log, &reps, &n_reps, err, sizeof err)
                     : cf_convert_inputs(s, (const char *const *)t->inputs, t->n_inputs, &reps,
                                         &n_reps, NULL, NULL, err, sizeof err);
        int damaged = 0;
        for (size_t m = 0; m < n_reps; m++) {
            log_report(log, &reps[m]);
            if (reps[m].status == CF_STATUS_DAMAGED)
                damaged = 1;
            if (reps[m].status == CF_STATUS_FAILED || reps[m].status == CF_STATUS_DAMAGED)
                snprintf(err, sizeof err, "%s", reps[m].message);
        }
        int sig = stop_signal_received();
        if (sig) {
            state = "interrupted";
            status = 128 + sig;
            snprintf(err, sizeof err, "stopped by signal %d; unfinished outputs removed", sig);
        } else if (rc >= 0) {
            /* A damaged input converts the same every time: the task is
             * done, and its state says so. */
            int any_failed = 0;
            for (size_t m = 0; m < n_reps; m++)
                any_failed |= reps[m].status == CF_STATUS_FAILED;
            if (!any_failed) {
                state = damaged ? "damaged" : "done";
                status = 0;
            }
        }
        stop_on_signals_end();
    }
    double secs = seconds_since(&t0);
    if (status != 0 || err[0])
        fprintf(stderr, "customflow task %zu: %s\n", k, err);
    log_line(log, "task %zu end: exit %d, %s, %.3f s%s%s", k, status, state, secs,
             err[0] ? ": " : "", err);
    char line[2048];
    int n = snprintf(line, sizeof line, "%d\t%s\t%s\t%.3f\t%s\n", status, state, node, secs, err);
    task_file_path(path, sizeof path, out, k, "status");
    char werr[512];
    if (write_file_atomic(path, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, werr,
                          sizeof werr) != 0) {
        fprintf(stderr, "customflow task %zu: %s\n", k, werr);
        if (status == 0)
            status = 1;
    }
    if (log)
        fclose(log);
    cf_reports_free(reps, n_reps);
    cf_session_free(s);
    cf_config_free(cfg);
    plan_free(&p);
    return status;
}
