/* Reading and writing OUT/plan.tsv (format in plan_file.h). */
#include "plan_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int write_file_atomic(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    size_t plen = strlen(path) + sizeof ".tmp-XXXXXX";
    char *tmp = malloc(plen);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, plen, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    int rc = 0;
    for (size_t done = 0; done < len && rc == 0;) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            done += (size_t)w;
    }
    /* mkstemp makes 0600; these are ordinary files others read. */
    if (rc == 0 && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        rc = -1;
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

int plan_write(const char *path, const plan *p, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    fprintf(f,
            "# customflow plan: `customflow task OUT K` runs task K (0-based).\n"
            "# Lines: option NAME=VALUE; task K BYTES FROM TO INPUT... (FROM/TO: first_seen\n"
            "# window in microseconds since the epoch, UTC, or -).\n"
            "customflow-plan\t%d\nmode\t%s\n",
            PLAN_VERSION, p->mode);
    if (p->n_captures)
        fputs("# capture FIRST LAST LAST_IP FRAMES BYTES DIGEST PATH: the merged set, in --merge "
              "order\n",
              f);
    for (const char *o = p->options; o && *o;) {
        size_t n = strcspn(o, "\n");
        if (n)
            fprintf(f, "option\t%.*s\n", (int)n, o);
        o += n + (o[n] == '\n');
    }
    for (size_t k = 0; k < p->n_captures; k++) {
        const plan_capture *c = &p->captures[k];
        fprintf(
            f, "capture\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRIu64 "\t%" PRIu64 "\t%s\t%s\n",
            c->first_us, c->last_us, c->last_packet_us, c->frames, c->bytes,
            c->digest[0] ? c->digest : "-", c->path);
    }
    for (size_t k = 0; k < p->n_tasks; k++) {
        const plan_task *t = &p->tasks[k];
        fprintf(f, "task\t%zu\t%" PRIu64, k, t->bytes);
        if (t->windowed)
            fprintf(f, "\t%" PRId64 "\t%" PRId64, t->from_us, t->to_us);
        else
            fputs("\t-\t-", f);
        for (size_t m = 0; m < t->n_inputs; m++)
            fprintf(f, "\t%s", t->inputs[m]);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = write_file_atomic(path, text, len, err, errlen);
    free(text);
    return rc;
}

void plan_free(plan *p)
{
    for (size_t k = 0; k < p->n_tasks; k++) {
        for (size_t m = 0; m < p->tasks[k].n_inputs; m++)
            free(p->tasks[k].inputs[m]);
        free(p->tasks[k].inputs);
    }
    free(p->tasks);
    for (size_t k = 0; k < p->n_captures; k++)
        free(p->captures[k].path);
    free(p->captures);
    free(p->options);
    memset(p, 0, sizeof *p);
}

/* Splits line (modified) at tabs into at most max fields. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    for (char *s = line; n < max;) {
        fields[n++] = s;
        char *tab = strchr(s, '\t');
        if (!tab)
            break;
        *tab = 0;
        s = tab + 1;
    }
    return n;
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno)
        return -1;
    *out = v;
    return 0;
}

/* One "task" line's fields (after the word "task") into t. */
static int parse_task(char **f, size_t nf, size_t expect_k, plan_task *t)
{
    int64_t k, bytes;
    if (nf < 5 || parse_i64(f[0], &k) != 0 || k < 0 || (uint64_t)k != expect_k ||
        parse_i64(f[1], &bytes) != 0 || bytes < 0)
        return -1;
    t->bytes = (uint64_t)bytes;
    if (!strcmp(f[2], "-") && !strcmp(f[3], "-"))
        t->windowed = 0;
    else if (parse_i64(f[2], &t->from_us) == 0 && parse_i64(f[3], &t->to_us) == 0 &&
             t->from_us < t->to_us)
        t->windowed = 1;
    else
        return -1;
    t->n_inputs = nf - 4;
    t->inputs = calloc(t->n_inputs, sizeof *t->inputs);
    if (!t->inputs)
        return -1;
    for (size_t m = 0; m < t->n_inputs; m++)
        if (!*f[4 + m] || !(t->inputs[m] = strdup(f[4 + m])))
            return -1;
    return 0;
}

int plan_read(const char *path, plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s (run `customflow plan -o OUT ...` first)", path,
                 strerror(errno));
        return -1;
    }
    char *line = NULL, **fields = NULL;
    size_t cap = 0, lineno = 0, opt_len = 0, task_cap = 0, fields_cap = 0;
    ssize_t got;
    int rc = 0, seen_header = 0;
    const char *why = "";
    while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (got > 0 && line[got - 1] == '\n')
            line[--got] = 0;
        if (got == 0 || line[0] == '#')
            continue;
        /* A task line has a field per input: as many as it has tabs + 1. */
        size_t want = 1;
        for (const char *c = line; *c; c++)
            want += *c == '\t';
        if (want > fields_cap) {
            char **grown = realloc(fields, want * sizeof *grown);
            if (!grown) {
                why = "out of memory";
                rc = -1;
                break;
            }
            fields = grown;
            fields_cap = want;
        }
        size_t nf = split_tabs(line, fields, want);
        if (!seen_header) {
            if (nf != 2 || strcmp(fields[0], "customflow-plan") != 0) {
                why = "not a customflow plan";
                rc = -1;
            } else if (strcmp(fields[1], "1") != 0) {
                why = "a plan of another version (this customflow reads version 1)";
                rc = -1;
            }
            seen_header = 1;
        } else if (!strcmp(fields[0], "mode") && nf == 2) {
            snprintf(p->mode, sizeof p->mode, "%s", fields[1]);
            if (strcmp(p->mode, "per-capture") != 0 && strcmp(p->mode, "per-day") != 0) {
                why = "unknown mode (this customflow runs per-capture and per-day plans)";
                rc = -1;
            }
        } else if (!strcmp(fields[0], "capture") && nf == 8) {
            plan_capture *grown = realloc(p->captures, (p->n_captures + 1) * sizeof *p->captures);
            if (!grown) {
                why = "out of memory";
                rc = -1;
                break;
            }
            p->captures = grown;
            plan_capture *c = &p->captures[p->n_captures];
            memset(c, 0, sizeof *c);
            int64_t frames, bytes;
            if (parse_i64(fields[1], &c->first_us) != 0 || parse_i64(fields[2], &c->last_us) != 0 ||
                parse_i64(fields[3], &c->last_packet_us) != 0 ||
                parse_i64(fields[4], &frames) != 0 || frames < 0 ||
                parse_i64(fields[5], &bytes) != 0 || bytes < 0 || strlen(fields[6]) > 64 ||
                !fields[7][0]) {
                why = "bad capture line (want: capture FIRST LAST LAST_IP FRAMES BYTES DIGEST "
                      "PATH)";
                rc = -1;
            } else if (!(c->path = strdup(fields[7]))) {
                why = "out of memory";
                rc = -1;
            } else {
                c->frames = (uint64_t)frames;
                c->bytes = (uint64_t)bytes;
                snprintf(c->digest, sizeof c->digest, "%s",
                         strcmp(fields[6], "-") ? fields[6] : "");
                p->n_captures++;
            }
        } else if (!strcmp(fields[0], "option") && nf == 2) {
            size_t n = strlen(fields[1]);
            char *grown = realloc(p->options, opt_len + n + 2);
            if (!grown) {
                why = "out of memory";
                rc = -1;
                break;
            }
            p->options = grown;
            memcpy(p->options + opt_len, fields[1], n);
            opt_len += n;
            p->options[opt_len++] = '\n';
            p->options[opt_len] = 0;
        } else if (!strcmp(fields[0], "task")) {
            if (p->n_tasks == task_cap) {
                task_cap = task_cap ? 2 * task_cap : 64;
                plan_task *grown = realloc(p->tasks, task_cap * sizeof *grown);
                if (!grown) {
                    why = "out of memory";
                    rc = -1;
                    break;
                }
                p->tasks = grown;
            }
            plan_task *t = &p->tasks[p->n_tasks++];
            memset(t, 0, sizeof *t);
            if (parse_task(fields + 1, nf - 1, p->n_tasks - 1, t) != 0) {
                why = "bad task line (want: task K BYTES FROM TO INPUT..., K counting from 0)";
                rc = -1;
            }
        } else {
            why = "unknown line";
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -2;
    } else if (rc == 0 && (!seen_header || !p->mode[0])) {
        snprintf(err, errlen, "%s: not a complete customflow plan (no header or mode line)", path);
        rc = -2;
    } else if (rc == 0 && !strcmp(p->mode, "per-day") && !p->n_captures) {
        snprintf(err, errlen, "%s: a per-day plan without capture lines", path);
        rc = -2;
    }
    if (rc == -1)
        snprintf(err, errlen, "%s: line %zu: %s", path, lineno, why);
    free(line);
    free(fields);
    fclose(f);
    return rc ? -1 : 0;
}
