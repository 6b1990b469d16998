/* Text output files: a temporary file, renamed into place when complete. */
#include "sink/textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct textfile {
    cf_textout *out;
    int fd;
    char *path, *tmp;
} textfile;

static void free_textfile(textfile *t)
{
    cf_textout_free(t->out);
    free(t->path);
    free(t->tmp);
    free(t);
}

static void *textfile_open(void *ctx, const char *path, char *err, size_t errlen)
{
    const cf_textfile_config *c = ctx;
    textfile *t = calloc(1, sizeof *t);
    size_t len = strlen(path);
    if (t) {
        t->fd = -1;
        t->path = strdup(path);
        t->tmp = malloc(len + sizeof ".tmp-XXXXXX");
    }
    if (!t || !t->path || !t->tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (t)
            free_textfile(t);
        return NULL;
    }
    memcpy(t->tmp, path, len);
    memcpy(t->tmp + len, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    t->fd = mkstemp(t->tmp);
    /* mkstemp makes 0600; a finished file is an ordinary readable file. */
    if (t->fd < 0 || fchmod(t->fd, 0644) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        if (t->fd >= 0) {
            close(t->fd);
            unlink(t->tmp);
        }
        free_textfile(t);
        return NULL;
    }
    t->out = cf_textout_new(t->fd, path, c->format, c->columns, -1);
    if (!t->out) {
        snprintf(err, errlen, "%s: out of memory", path);
        close(t->fd);
        unlink(t->tmp);
        free_textfile(t);
        return NULL;
    }
    return t;
}

static int textfile_write(void *file, const cf_record *r, char *err, size_t errlen)
{
    textfile *t = file;
    return cf_textout_record(t->out, r, err, errlen);
}

static void textfile_abort(void *file)
{
    textfile *t = file;
    if (!t)
        return;
    close(t->fd);
    unlink(t->tmp);
    free_textfile(t);
}

static int textfile_close(void *file, char *err, size_t errlen)
{
    textfile *t = file;
    if (cf_textout_flush(t->out, err, errlen) != 0) {
        textfile_abort(t);
        return -1;
    }
    const char *what = fsync(t->fd) != 0 ? "cannot sync" : NULL;
    int e = errno;
    if (close(t->fd) != 0 && !what) {
        what = "cannot close";
        e = errno;
    }
    t->fd = -1;
    if (!what && rename(t->tmp, t->path) != 0) {
        what = "cannot rename into place";
        e = errno;
    }
    if (what) {
        snprintf(err, errlen, "%s: %s: %s", t->path, what, strerror(e));
        unlink(t->tmp);
        free_textfile(t);
        return -1;
    }
    free_textfile(t);
    return 0;
}

const cf_filewriter_ops cf_textfile_ops = {
    .open = textfile_open,
    .write = textfile_write,
    .kv = NULL,
    .close = textfile_close,
    .abort = textfile_abort,
};
