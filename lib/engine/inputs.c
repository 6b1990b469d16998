/* Directory inputs and --skip-existing; see inputs.h. */
#include "engine/inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/config.h"
#include "engine/meta.h"
#include "engine/session.h"
#include "util/digest.h"

#define MAX_DEPTH 64

typedef struct list {
    char **p;
    size_t n, cap;
} list;

static int push(list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 32;
        char **np = realloc(l->p, nc * sizeof *np);
        if (!np)
            return -1;
        l->p = np;
        l->cap = nc;
    }
    if (!(l->p[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

void cf_inputs_free(char **p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(p[k]);
    free(p);
}

/* pcap (both byte orders, µs and ns), pcapng, gzip, zstd: the first bytes
 * of every capture the readers take. */
static int is_capture(const char *path)
{
    uint8_t m[4];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, m, sizeof m);
    close(fd);
    if (got < 4)
        return 0;
    static const uint8_t magics[][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* pcap, µs */
        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* pcap, ns */
        {0x0a, 0x0d, 0x0d, 0x0a},                           /* pcapng */
        {0x28, 0xb5, 0x2f, 0xfd},                           /* zstd */
    };
    for (size_t k = 0; k < sizeof magics / sizeof magics[0]; k++)
        if (!memcmp(m, magics[k], 4))
            return 1;
    return m[0] == 0x1f && m[1] == 0x8b; /* gzip */
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, int depth, list *out, size_t *others, char *err, size_t errlen)
{
    if (depth > MAX_DEPTH) {
        snprintf(err, errlen, "%s: directories nested too deeply", dir);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open directory: %s", dir, strerror(errno));
        return -1;
    }
    list here = {0};
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
                     e->d_name) >= (int)sizeof path ||
            push(&here, path)) {
            snprintf(err, errlen, "%s: path too long or out of memory", dir);
            rc = -1;
        }
    }
    closedir(d);
    if (here.n)
        qsort(here.p, here.n, sizeof *here.p, cmp_str);
    for (size_t k = 0; !rc && k < here.n; k++) {
        struct stat st;
        const char *p = here.p[k];
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk(p, depth + 1, out, others, err, errlen);
        else if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && is_capture(p)) {
            if (push(out, p)) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
            }
        } else {
            ++*others;
        }
    }
    cf_inputs_free(here.p, here.n);
    return rc;
}

int cf_inputs_expand(cf_session *s, const char *const *inputs, size_t n, char ***out, size_t *n_out,
                     char *err, size_t errlen)
{
    list l = {0};
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        struct stat st;
        if (strcmp(inputs[k], "-") != 0 && stat(inputs[k], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = l.n, others = 0;
            rc = walk(inputs[k], 0, &l, &others, err, errlen);
            if (!rc && others)
                cf_session_warn(s, "%s: %zu file%s that %s not captures skipped", inputs[k], others,
                                others == 1 ? "" : "s", others == 1 ? "is" : "are");
            if (!rc && l.n == before) {
                snprintf(err, errlen, "%s: no capture in this directory", inputs[k]);
                rc = -1;
            }
        } else if (push(&l, inputs[k])) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    if (rc) {
        cf_inputs_free(l.p, l.n);
        return -1;
    }
    *out = l.p;
    *n_out = l.n;
    return 0;
}

/* ---------------------------------------------------------------- resume */

/* The input's digest (of the configured kind) and size, as a conversion
 * records them: the file as stored. */
static int digest_file(const char *path, cf_input_hash kind, char hex[65], uint64_t *bytes)
{
    cf_digest d;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (cf_digest_init(&d, kind) != 0) {
        close(fd);
        return -1;
    }
    enum { BLOCK = 1 << 20 };
    uint8_t *buf = malloc(BLOCK);
    if (!buf) {
        cf_digest_free(&d);
        close(fd);
        return -1;
    }
    uint64_t total = 0;
    ssize_t got;
    while ((got = read(fd, buf, BLOCK)) > 0 || (got < 0 && errno == EINTR)) {
        if (got < 0)
            continue;
        cf_digest_update(&d, buf, (size_t)got);
        total += (uint64_t)got;
    }
    close(fd);
    free(buf);
    cf_digest_final(&d, hex);
    cf_digest_free(&d);
    *bytes = total;
    return got < 0 ? -1 : 0;
}

int cf_outputs_current(cf_session *s, const char *input, char *why, size_t len)
{
    const cf_config *cfg = s->cfg;
    why[0] = 0;
    /* Rotated files are named by interval, not by the input alone. */
    if (!strcmp(input, "-") || cfg->format != CF_FORMAT_PARQUET || cfg->rotate_us > 0 ||
        !strcmp(cf_session_output(s), "-"))
        return 0;
    char stem[256];
    cf_input_stem(input, stem, sizeof stem);
    cf_meta want;
    cf_meta_init(&want);
    if (cf_meta_options(&want, cfg) != 0) {
        cf_meta_free(&want);
        return 0;
    }
    const char *key = cf_digest_meta_key(cfg->input_hash);
    char hex[65] = "", size[32] = "";
    int hashed = 0, current = 1;
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    for (int v = 0; v < 2 && current; v++) {
        if (!(cfg->variants & (v ? CF_VARIANT_UNI : CF_VARIANT_BI)))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/%s.parquet", cf_session_output(s),
                 v ? "unidirectional" : "bidirectional", stem);
        char err[512];
        cf_reader *r = access(path, F_OK) == 0 ? cf_reader_open(path, err, sizeof err) : NULL;
        if (!r) {
            if (access(path, F_OK) == 0)
                snprintf(why, len, "%s", err);
            current = 0;
            break;
        }
        for (size_t k = 0; cf_meta_option_keys[k] && current; k++) {
            const char *have = cf_reader_meta(r, cf_meta_option_keys[k]);
            const char *w = cf_meta_get(&want, cf_meta_option_keys[k]);
            if (!have || !w || strcmp(have, w)) {
                snprintf(why, len, "%s: %s was %s, now %s", path, cf_meta_option_keys[k],
                         have ? have : "(not recorded)", w ? w : "");
                current = 0;
            }
        }
        if (current && key) {
            uint64_t bytes = 0;
            if (!hashed && digest_file(input, cfg->input_hash, hex, &bytes) == 0)
                snprintf(size, sizeof size, "%" PRIu64, bytes);
            hashed = 1;
            const char *h = cf_reader_meta(r, key), *b = cf_reader_meta(r, CF_META_INPUT_BYTES);
            if (!hex[0] || !h || !b || strcmp(h, hex) || strcmp(b, size)) {
                snprintf(why, len, "%s: made from another input (%s)", path, key);
                current = 0;
            }
        } else if (current) {
            const char *name = cf_reader_meta(r, CF_META_INPUT);
            if (!name || strcmp(name, base)) {
                snprintf(why, len, "%s: made from another input (%s)", path, CF_META_INPUT);
                current = 0;
            }
        }
        cf_reader_close(r);
    }
    cf_meta_free(&want);
    if (current)
        snprintf(why, len,
                 "%s: outputs exist with the same input and options: skipped (--skip-existing)",
                 input);
    return current;
}
