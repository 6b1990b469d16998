/* The files under OUT/tasks (format in task_files.h). */
#include "task_files.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void task_file_path(char *buf, size_t len, const char *out, size_t k, const char *suffix)
{
    snprintf(buf, len, "%s/%s/%zu.%s", out, TASKS_DIR, k, suffix);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && !strcmp(s + n - t, tail);
}

int task_files_clear(const char *out, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", out, TASKS_DIR);
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* no earlier plan's tasks */
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!ends_with(e->d_name, ".status") && !ends_with(e->d_name, ".log"))
            continue;
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "%s: cannot remove an earlier plan's file: %s", path,
                     strerror(errno));
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}
