/* OUT/plan.tsv: a conversion split into independent tasks, written by
 * `customflow plan` and read by `customflow task OUT K` on any machine that
 * sees the same paths. Tab-separated lines, in this order:
 *
 *   customflow-plan <TAB> 1                      format and version
 *   mode <TAB> per-capture | per-day
 *   option <TAB> NAME=VALUE                      each non-default option
 *                                                (cf_config_write_lines;
 *                                                paths absolute)
 *   capture <TAB> FIRST <TAB> LAST <TAB> LAST_IP <TAB> FRAMES <TAB> BYTES <TAB> DIGEST <TAB> PATH
 *                                                per-day only: every capture
 *                                                of the merged set, in
 *                                                --merge order: its first
 *                                                and last timestamps, that
 *                                                of its last IP packet
 *                                                (cf_capture_info; DIGEST
 *                                                "-" with --input-hash none)
 *   task <TAB> K <TAB> BYTES <TAB> FROM <TAB> TO <TAB> INPUT [<TAB> INPUT...]
 *
 * Tasks are numbered 0..N-1 in file order, largest first. BYTES is the
 * size of the task's inputs (for balance and projections). FROM and TO are
 * the task's window of first_seen in µs since the epoch, UTC, [FROM, TO),
 * or "-" for none (per-capture mode: every record of the inputs). Inputs
 * are absolute paths without tabs or newlines. A per-day task converts
 * the records of its day [FROM, TO) of the --merge conversion of the
 * capture lines (cf_convert_window); its INPUT fields name the captures
 * it reads first (those overlapping [FROM - L, TO + 2L)), for the log and
 * for balance; it may read further back. Lines starting with '#'
 * are comments. A reader refuses another version or an unknown line. */
#ifndef CF_CLUSTER_PLAN_FILE_H
#define CF_CLUSTER_PLAN_FILE_H

#include <stddef.h>
#include <stdint.h>

#define PLAN_FILE "plan.tsv"
#define PLAN_VERSION 1

typedef struct plan_task {
    uint64_t bytes;
    int windowed; /* 0: FROM and TO are "-" */
    int64_t from_us, to_us;
    char **inputs;
    size_t n_inputs;
} plan_task;

typedef struct plan_capture {
    char *path;
    int64_t first_us, last_us, last_packet_us;
    uint64_t frames, bytes;
    char digest[65]; /* "" with --input-hash none */
} plan_capture;

typedef struct plan {
    char mode[32];          /* "per-capture" or "per-day" */
    char *options;          /* NAME=VALUE lines */
    plan_capture *captures; /* per-day */
    size_t n_captures;
    plan_task *tasks;
    size_t n_tasks;
} plan;

/* Writes p to path through a temporary file renamed into place. */
int plan_write(const char *path, const plan *p, char *err, size_t errlen);
/* Reads path into *p (plan_free it, also after an error). */
int plan_read(const char *path, plan *p, char *err, size_t errlen);
void plan_free(plan *p);

/* Writes text to path through a temporary file in the same directory,
 * renamed into place: readers see the old file or the whole new one. */
int write_file_atomic(const char *path, const char *text, size_t len, char *err, size_t errlen);

#endif
