/* What a task leaves under OUT/tasks: K.log (appended, one block per
 * attempt: where it ran, what it read, how it ended) and K.status (the
 * last attempt's result, replaced whole):
 *
 *   EXIT <TAB> STATE <TAB> NODE <TAB> SECONDS <TAB> MESSAGE
 *
 * EXIT is the task's exit status; STATE is "done", "damaged" (an input
 * ended early; the records before the damage are written, and a rerun
 * would give the same), "failed" or "interrupted". A task without a
 * status file has not finished (never ran, or was killed). */
#ifndef CF_CLUSTER_TASK_FILES_H
#define CF_CLUSTER_TASK_FILES_H

#include <stddef.h>

#define TASKS_DIR "tasks"

/* Removes the K.status and K.log files of OUT/tasks (a new plan). */
int task_files_clear(const char *out, char *err, size_t errlen);
/* OUT/tasks/K.SUFFIX into buf. */
void task_file_path(char *buf, size_t len, const char *out, size_t k, const char *suffix);

#endif
