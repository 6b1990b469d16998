/* cf_expand_inputs: the captures a list of inputs names, directories walked
 * recursively in name order, so that a plan, a batch and a user listing a
 * directory all see the same files in the same order. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "customflow.h"

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

/* Depth of directories followed: a symbolic-link loop ends here. */
#define MAX_DEPTH 64

static int walk(path_list *out, const char *dir, int depth, char *err, size_t errlen)
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
        if (e->d_name[0] != '.' && push(&names, e->d_name) != 0) {
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
        if (stat(path, &st) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(out, path, depth + 1, err, errlen);
        } else if (S_ISREG(st.st_mode) && cf_capture_named(path) && push(out, path) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
        free(path);
    }
    for (size_t k = 0; k < names.n; k++)
        free(names.v[k]);
    free(names.v);
    return rc;
}

int cf_expand_inputs(const char *const *inputs, size_t n, char ***captures, size_t *n_captures,
                     char *err, size_t errlen)
{
    path_list out = {0};
    int rc = 0;
    for (size_t k = 0; !rc && k < n; k++) {
        struct stat st;
        if (strcmp(inputs[k], "-") != 0 && stat(inputs[k], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = out.n;
            rc = walk(&out, inputs[k], 0, err, errlen);
            if (!rc && out.n == before) {
                snprintf(err, errlen, "%s: no capture (*.pcap, *.pcapng, *.cap, *.dmp) in it",
                         inputs[k]);
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
