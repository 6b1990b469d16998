/* cf_expand_inputs: the captures a list of inputs names, directories walked
 * recursively in name order, so that a plan, a batch and a user listing a
 * directory all see the same files in the same order. The rules are those
 * of the dataset branch's engine/inputs.c (captures told by content,
 * symbolic links to directories not followed); when that lands, this file
 * gives way to it and cf_expand_inputs calls its cf_inputs_expand. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/session.h"

typedef struct path_list {
    char **v;
    size_t n, cap;
} path_list;

static int push(path_list *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **grown = realloc(l->v, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->v = grown;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(path)))
        return -1;
    l->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Deepest directory walked. */
#define MAX_DEPTH 64

/* The first four bytes of a file the capture readers take: pcap (either
 * byte order, µs or ns), pcapng, zstd, gzip. */
static int looks_like_capture(const char *path)
{
    static const uint32_t pcap_magics[] = {0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1};
    unsigned char b[4];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, b, sizeof b);
    close(fd);
    if (got != 4)
        return 0;
    uint32_t be = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    for (size_t k = 0; k < sizeof pcap_magics / sizeof pcap_magics[0]; k++)
        if (be == pcap_magics[k])
            return 1;
    return be == 0x0a0d0d0a /* pcapng section header */ || be == 0x28b52ffd /* zstd frame */ ||
           (b[0] == 0x1f && b[1] == 0x8b) /* gzip */;
}

static int walk(path_list *out, const char *dir, int depth, size_t *others, char *err,
                size_t errlen)
{
    if (depth > MAX_DEPTH) {
        snprintf(err, errlen, "%s: directories nested deeper than %d (a link loop?)", dir,
                 MAX_DEPTH);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    path_list names = {0};
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            push(&names, e->d_name) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, by_name);
    size_t dlen = strlen(dir);
    int slash = dlen > 0 && dir[dlen - 1] == '/';
    for (size_t k = 0; !rc && k < names.n; k++) {
        size_t plen = dlen + strlen(names.v[k]) + 2;
        char *path = malloc(plen);
        if (!path) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        snprintf(path, plen, "%s%s%s", dir, slash ? "" : "/", names.v[k]);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = walk(out, path, depth + 1, others, err, errlen);
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && looks_like_capture(path)) {
            if (push(out, path) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
            }
        } else {
            ++*others;
        }
        free(path);
    }
    for (size_t k = 0; k < names.n; k++)
        free(names.v[k]);
    free(names.v);
    return rc;
}

int cf_expand_inputs(cf_session *s, const char *const *inputs, size_t n, char ***captures,
                     size_t *n_captures, char *err, size_t errlen)
{
    path_list out = {0};
    int rc = 0;
    for (size_t k = 0; !rc && k < n; k++) {
        struct stat st;
        if (strcmp(inputs[k], "-") != 0 && stat(inputs[k], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = out.n, others = 0;
            rc = walk(&out, inputs[k], 0, &others, err, errlen);
            if (!rc && others)
                cf_session_warn(s, "%s: %zu file%s skipped (not %s)", inputs[k], others,
                                others == 1 ? "" : "s", others == 1 ? "a capture" : "captures");
            if (!rc && out.n == before) {
                snprintf(err, errlen, "%s: no capture in this directory", inputs[k]);
                rc = -1;
            }
        } else if (push(&out, inputs[k]) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    if (rc) {
        cf_inputs_free(out.v, out.n);
        out.v = NULL;
        out.n = 0;
    }
    *captures = out.v;
    *n_captures = out.n;
    return rc;
}

void cf_inputs_free(char **captures, size_t n)
{
    for (size_t k = 0; captures && k < n; k++)
        free(captures[k]);
    free(captures);
}
