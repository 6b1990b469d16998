/* See dirs.h. */
#include "util/dirs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cf_mkdir_p(const char *path, char *failed, size_t failed_len)
{
    char buf[4096];
    size_t len = strlen(path);
    if (failed && failed_len)
        failed[0] = 0;
    if (len == 0 || len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t k = 1; k <= len; k++) {
        if (buf[k] != '/' && buf[k] != 0)
            continue;
        char c = buf[k];
        buf[k] = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            if (failed && failed_len)
                snprintf(failed, failed_len, "%s", buf);
            errno = e;
            return -1;
        }
        buf[k] = c;
    }
    return 0;
}
