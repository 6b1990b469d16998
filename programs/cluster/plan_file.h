/* OUT/plan.tsv: a conversion split into independent tasks, written by
 * `customflow plan` and read by `customflow task OUT K` on any machine that
 * sees the same paths. Tab-separated lines, in this order:
 *
 *   customflow-plan <TAB> 1                      format and version
 *   mode <TAB> per-capture                       (per-day: see README)
 *   option <TAB> NAME=VALUE                      each non-default option
 *                                                (cf_config_write_lines;
 *                                                paths absolute)
 *   task <TAB> K <TAB> BYTES <TAB> FROM <TAB> TO <TAB> INPUT [<TAB> INPUT...]
 *
 * Tasks are numbered 0..N-1 in file order, largest first. BYTES is the
 * size of the task's inputs (for balance and projections). FROM and TO are
 * the task's window of first_seen in µs since the epoch, UTC, [FROM, TO),
 * or "-" for none (per-capture mode: every record of the inputs). Inputs
 * are absolute paths without tabs or newlines. Lines starting with '#'
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

typedef struct plan {
    char mode[32]; /* "per-capture" */
    char *options; /* NAME=VALUE lines */
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
