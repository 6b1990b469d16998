/* customflow plan -o OUT [conversion options] INPUTS...
 *
 * Checks the options as a conversion would (device list, filter), expands
 * directories into their captures, makes every path absolute (tasks run on
 * other machines, from other directories), orders the captures largest
 * first (so that the long tasks start first and the array ends evenly) and
 * writes OUT/plan.tsv; prints the number of tasks. Uses customflow.h only. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/progutil.h"
#include "cluster.h"
#include "pack.h"
#include "plan_file.h"
#include "task_files.h"
#include "customflow.h"

static void plan_usage(FILE *f)
{
    fputs("usage: customflow plan -o OUT [OPTIONS] INPUT...\n"
          "Splits the conversion of INPUTs (captures, or directories of captures) into\n"
          "independent tasks; writes OUT/plan.tsv and prints the number of tasks N.\n"
          "`customflow task OUT K` runs task K (0 to N-1) into OUT. OPTIONS are the\n"
          "conversion options of customflow (see customflow --help); -o is required.\n"
          "Tasks: one per capture, largest first. With --merge, one per UTC day that has\n"
          "frames (with --rotate 1d, or --partition): the days' files equal one\n"
          "customflow --merge --rotate 1d run byte for byte; planning reads every capture\n"
          "once (timestamps, days, digests), and a day's task reads back before its day\n"
          "as far as the records of its day depend on (see man customflow-plan).\n"
          "  --task-bytes SIZE  pack captures smaller than SIZE (suffix K, M, G: x1024)\n"
          "                     into shared tasks of at most SIZE (default 0: one task\n"
          "                     per capture); outputs are the same either way\n"
          "Exit status: 0 planned, 2 usage or input errors.\n",
          f);
}

/* The option named by argv[*i] (--name, --name=value, -x, -xVALUE) set in
 * cfg; advances *i past its value. */
static int take_option(cf_config *cfg, int argc, char **argv, int *i, char *err, size_t errlen)
{
    const char *a = argv[*i], *value = NULL;
    size_t n;
    const cf_option_info *opts = cf_options(&n), *o = NULL;
    if (a[1] == '-') {
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        for (size_t k = 0; k < n && !o; k++)
            if (strlen(opts[k].name) == len && !strncmp(opts[k].name, name, len))
                o = &opts[k];
        if (o && eq)
            value = eq + 1;
        if (o && eq && !o->arg) {
            snprintf(err, errlen, "option '--%s' takes no value", o->name);
            return -1;
        }
    } else {
        for (size_t k = 0; k < n && !o; k++)
            if (opts[k].short_name && opts[k].short_name == a[1])
                o = &opts[k];
        if (o && a[2]) {
            if (!o->arg) {
                snprintf(err, errlen, "'%s': give switches one by one", a);
                return -1;
            }
            value = a + 2;
        }
    }
    if (!o) {
        snprintf(err, errlen, "unknown option '%s' (see customflow --help)", a);
        return -1;
    }
    if (o->arg && !value) {
        if (*i + 1 >= argc) {
            snprintf(err, errlen, "option '%s' needs a value", a);
            return -1;
        }
        value = argv[++*i];
    }
    return cf_config_set(cfg, o->name, value, err, errlen);
}

/* Options whose value is a path (placeholder FILE or DIR) made absolute:
 * tasks run from other directories. The output directory is created. */
static int absolute_paths(cf_config *cfg, char *err, size_t errlen)
{
    size_t n;
    const cf_option_info *opts = cf_options(&n);
    for (size_t k = 0; k < n; k++) {
        if (!opts[k].arg || (strcmp(opts[k].arg, "FILE") != 0 && strcmp(opts[k].arg, "DIR") != 0))
            continue;
        char value[PATH_MAX], abs[PATH_MAX];
        if (!cf_config_get(cfg, opts[k].name, value, sizeof value) || !value[0])
            continue;
        if (!strcmp(opts[k].arg, "DIR") && make_dirs(value) != 0) {
            snprintf(err, errlen, "%.900s: cannot create directory: %s", value, strerror(errno));
            return -1;
        }
        if (!realpath(value, abs)) {
            snprintf(err, errlen, "--%s %.900s: %s", opts[k].name, value, strerror(errno));
            return -1;
        }
        if (cf_config_set(cfg, opts[k].name, abs, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static void print_warning(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "customflow plan: warning: %s\n", msg);
}

/* SIZE with an optional K, M or G (x1024) suffix. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (!*s || s[0] == '-' || *end || errno || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

typedef struct capture_entry {
    char *path; /* absolute */
    uint64_t bytes;
    size_t order; /* input order: ties keep it */
} capture_entry;

static int largest_first(const void *a, const void *b)
{
    const capture_entry *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The captures of the inputs, absolute, checked, largest first; merged:
 * in the order --merge reads them (input order, directories walked in
 * name order), stems free to repeat (only the first names files). */
static capture_entry *list_captures(cf_session *s, char **inputs, size_t n_inputs, int merged,
                                    size_t *count, char *err, size_t errlen)
{
    char **paths;
    size_t n;
    if (cf_expand_inputs(s, (const char *const *)inputs, n_inputs, &paths, &n, err, errlen) != 0)
        return NULL;
    capture_entry *c = calloc(n ? n : 1, sizeof *c);
    char(*stems)[256] = calloc(n ? n : 1, sizeof *stems);
    int bad = !c || !stems;
    if (bad)
        snprintf(err, errlen, "out of memory");
    for (size_t k = 0; k < n && !bad; k++) {
        struct stat st;
        char abs[PATH_MAX];
        if (!strcmp(paths[k], "-")) {
            snprintf(err, errlen, "-: standard input cannot be planned; give capture files");
            bad = 1;
        } else if (stat(paths[k], &st) != 0 || !realpath(paths[k], abs)) {
            snprintf(err, errlen, "%s: %s", paths[k], strerror(errno));
            bad = 1;
        } else if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "%s: not a regular file (a FIFO or device cannot be planned)",
                     paths[k]);
            bad = 1;
        } else if (strpbrk(abs, "\t\n")) {
            snprintf(err, errlen, "%s: a tab or newline in the path cannot go into a plan",
                     paths[k]);
            bad = 1;
        } else if (!(c[k].path = strdup(abs))) {
            snprintf(err, errlen, "out of memory");
            bad = 1;
        } else {
            c[k].bytes = (uint64_t)st.st_size;
            c[k].order = k;
            cf_input_stem(abs, stems[k], sizeof stems[k]);
            for (size_t m = 0; m < k && !bad && !merged; m++)
                if (!strcmp(stems[k], stems[m])) {
                    snprintf(err, errlen,
                             "%s and %s would both write %s.parquet: give them different names or "
                             "plan them into different outputs",
                             c[m].path, c[k].path, stems[k]);
                    bad = 1;
                }
        }
    }
    cf_inputs_free(paths, n);
    free(stems);
    if (bad) {
        for (size_t k = 0; c && k < n; k++)
            free(c[k].path);
        free(c);
        return NULL;
    }
    if (!merged)
        qsort(c, n, sizeof *c, largest_first);
    *count = n;
    return c;
}

/* The plan's tasks: captures packed by pack_captures, each task's inputs
 * largest first, the tasks largest first. Input paths are caps'. */
static int build_tasks(const capture_entry *caps, size_t n, uint64_t task_bytes, plan *p, char *err,
                       size_t errlen)
{
    uint64_t *bytes = calloc(n, sizeof *bytes);
    size_t *group = calloc(n, sizeof *group), n_tasks = 0;
    for (size_t k = 0; bytes && k < n; k++)
        bytes[k] = caps[k].bytes;
    if (bytes && group)
        n_tasks = pack_captures(bytes, n, task_bytes, group);
    p->tasks = n_tasks ? calloc(n_tasks, sizeof *p->tasks) : NULL;
    int rc = p->tasks ? 0 : -1;
    for (size_t t = 0; rc == 0 && t < n_tasks; t++) {
        plan_task *pt = &p->tasks[t];
        for (size_t k = 0; k < n; k++)
            pt->n_inputs += group[k] == t;
        if (!(pt->inputs = calloc(pt->n_inputs, sizeof *pt->inputs)))
            rc = -1;
        p->n_tasks = t + 1;
        size_t m = 0;
        for (size_t k = 0; rc == 0 && k < n; k++)
            if (group[k] == t) {
                pt->inputs[m++] = caps[k].path;
                pt->bytes += caps[k].bytes;
            }
    }
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
    free(bytes);
    free(group);
    return rc;
}

/* Per-day plans need files per whole days: --rotate dividing a day, or
 * --partition (a day per file). */
static int check_per_day(const cf_config *cfg, uint64_t task_bytes, char *err, size_t errlen)
{
    char rot[64] = "", part[16] = "", names[16] = "", context[16] = "0";
    cf_config_get(cfg, "rotate", rot, sizeof rot);
    cf_config_get(cfg, "partition", part, sizeof part);
    cf_config_get(cfg, "names", names, sizeof names);
    cf_config_get(cfg, "context", context, sizeof context);
    char *end;
    unsigned long long v = strtoull(rot, &end, 10);
    const unsigned long long unit = *end == 's'   ? 1
                                    : *end == 'm' ? 60
                                    : *end == 'h' ? 3600
                                    : *end == 'd' ? 86400
                                                  : 0;
    int daily = rot[0] ? unit && !*(end + 1) && v * unit == 86400 : !strcmp(part, "true");
    if (!daily) {
        snprintf(err, errlen,
                 "--merge: a plan splits a merged conversion by UTC day, so it needs a file per "
                 "day: --rotate 1d, or --partition%s%s",
                 rot[0] ? "; not --rotate " : "", rot);
        return -1;
    }
    char life[64] = "60";
    cf_config_get(cfg, "lifetime", life, sizeof life);
    if (strtod(life, NULL) > 86400) {
        snprintf(err, errlen, "--merge: a plan needs a --lifetime of at most a day (86400)");
        return -1;
    }
    if (!strcmp(names, "true")) {
        snprintf(err, errlen,
                 "--merge with --names: a remote's name may come from a DNS answer "
                 "of any earlier day, which a day's task does not read");
        return -1;
    }
    if (strcmp(context, "0") != 0) {
        snprintf(err, errlen,
                 "--merge with --context: a day's first records refer to the device's records "
                 "of earlier days, which a day's task does not read");
        return -1;
    }
    if (task_bytes) {
        snprintf(err, errlen, "--task-bytes: a --merge plan has one task per day");
        return -1;
    }
    return 0;
}

static int bytes_first(const void *a, const void *b)
{
    const plan_task *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return x->from_us < y->from_us ? -1 : x->from_us > y->from_us;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* --merge: every capture scanned (timestamps, days, identity: the whole
 * set is read once here), then a task per UTC day that has frames,
 * largest first. A task lists the captures overlapping its day widened by L before
 * and 2L after (what it reads first); its BYTES are theirs. */
static int build_day_tasks(cf_session *s, const capture_entry *caps, size_t n, plan *p, char *err,
                           size_t errlen)
{
    char life[64] = "60";
    cf_config_get(cf_session_config(s), "lifetime", life, sizeof life);
    const int64_t L = (int64_t)(strtod(life, NULL) * 1e6 + 0.5), DAY = INT64_C(86400000000);
    int64_t *days = NULL;
    size_t n_days = 0;
    int rc = 0;
    if (!(p->captures = calloc(n ? n : 1, sizeof *p->captures))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < n && !rc; k++) {
        cf_capture_info info = {.path = caps[k].path};
        char e[1024] = "";
        int st = cf_capture_scan(s, &info, e, sizeof e);
        if (st != 0) {
            snprintf(err, errlen, "%s%s", e,
                     st > 0 ? " (a --merge plan needs whole captures: repair it or plan it apart)"
                            : "");
            rc = -1;
        } else if (!info.ordered) {
            snprintf(err, errlen,
                     "%s: timestamps go back in time; a --merge plan needs ordered captures "
                     "(reorder it with reordercap)",
                     caps[k].path);
            rc = -1;
        } else {
            plan_capture *c = &p->captures[p->n_captures++];
            c->path = caps[k].path;
            c->first_us = info.first_us;
            c->last_us = info.last_us;
            c->last_packet_us = info.last_packet_us;
            c->frames = info.frames;
            c->bytes = info.bytes;
            memcpy(c->digest, info.digest, sizeof c->digest);
            int64_t *grown = realloc(days, (n_days + info.n_days + 1) * sizeof *grown);
            if (!grown) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
            } else {
                days = grown;
                memcpy(days + n_days, info.days, info.n_days * sizeof *days);
                n_days += info.n_days;
            }
        }
        cf_capture_info_free(&info);
    }
    if (!rc && n_days)
        qsort(days, n_days, sizeof *days, cmp_i64);
    size_t u = 0;
    for (size_t k = 0; !rc && k < n_days; k++)
        if (!u || days[u - 1] != days[k])
            days[u++] = days[k];
    if (!rc && u && !(p->tasks = calloc(u, sizeof *p->tasks))) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    for (size_t d = 0; !rc && d < u; d++) {
        plan_task *t = &p->tasks[p->n_tasks++];
        t->windowed = 1;
        t->from_us = days[d] * DAY;
        t->to_us = t->from_us + DAY;
        if (!(t->inputs = calloc(n, sizeof *t->inputs))) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
        for (size_t k = 0; !rc && k < p->n_captures; k++) {
            const plan_capture *c = &p->captures[k];
            if (c->frames && c->first_us < t->to_us + 2 * L && c->last_us >= t->from_us - L) {
                t->inputs[t->n_inputs++] = c->path;
                t->bytes += c->bytes;
            }
        }
    }
    if (!rc && p->n_tasks)
        qsort(p->tasks, p->n_tasks, sizeof *p->tasks, bytes_first);
    free(days);
    return rc;
}

int plan_main(int argc, char **argv)
{
    char err[1024] = "";
    cf_config *cfg = cf_config_new();
    cf_session *s = NULL;
    char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t n_inputs = 0, n_caps = 0;
    uint64_t task_bytes = 0;
    capture_entry *caps = NULL;
    plan p = {.mode = "per-capture"};
    int status = 2;
    if (!cfg || !inputs) {
        fprintf(stderr, "customflow plan: out of memory\n");
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            plan_usage(stdout);
            status = 0;
            goto out;
        }
        if (!strncmp(argv[i], "--task-bytes", 12) && (argv[i][12] == '=' || !argv[i][12])) {
            const char *v = argv[i][12] ? argv[i] + 13 : i + 1 < argc ? argv[++i] : "";
            if (parse_size(v, &task_bytes) != 0) {
                snprintf(err, sizeof err, "--task-bytes: '%s' is not a size (N, NK, NM, NG)", v);
                goto fail;
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            if (take_option(cfg, argc, argv, &i, err, sizeof err) != 0)
                goto fail;
        } else {
            inputs[n_inputs++] = argv[i];
        }
    }
    char out[PATH_MAX], merge[16];
    if (!cf_config_get(cfg, "output", out, sizeof out) || !out[0] || !strcmp(out, "-")) {
        snprintf(err, sizeof err,
                 "-o OUT is required (a directory: the plan and outputs go there)");
        goto fail;
    }
    /* --merge: one task per UTC day (cf_convert_window). */
    int per_day = cf_config_get(cfg, "merge", merge, sizeof merge) && !strcmp(merge, "true");
    if (per_day && check_per_day(cfg, task_bytes, err, sizeof err) != 0)
        goto fail;
    if (per_day)
        snprintf(p.mode, sizeof p.mode, "per-day");
    if (n_inputs == 0) {
        snprintf(err, sizeof err, "no input given (captures or directories)");
        goto fail;
    }
    if (absolute_paths(cfg, err, sizeof err) != 0)
        goto fail;
    /* Everything a task would refuse is refused now, once. */
    if (!(s = cf_session_new(cfg, print_warning, NULL, err, sizeof err)))
        goto fail;
    if (!(caps = list_captures(s, inputs, n_inputs, per_day, &n_caps, err, sizeof err)))
        goto fail;
    if (!(p.options = cf_config_write_lines(cfg, err, sizeof err)))
        goto fail;
    if (per_day ? build_day_tasks(s, caps, n_caps, &p, err, sizeof err) != 0
                : build_tasks(caps, n_caps, task_bytes, &p, err, sizeof err) != 0)
        goto fail;
    cf_config_get(cfg, "output", out, sizeof out);
    /* Statuses and logs of an earlier plan name other tasks: gone first. */
    if (task_files_clear(out, err, sizeof err) != 0)
        goto fail;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/%s", out, PLAN_FILE);
    if (plan_write(path, &p, err, sizeof err) != 0)
        goto fail;
    printf("%zu\n", p.n_tasks);
    status = 0;
    goto out;
fail:
    fprintf(stderr, "customflow plan: %s\n", err);
out:
    for (size_t k = 0; k < p.n_tasks; k++)
        free(p.tasks[k].inputs); /* the paths are caps' */
    free(p.tasks);
    free(p.captures); /* the paths are caps' */
    free(p.options);
    for (size_t k = 0; caps && k < n_caps; k++)
        free(caps[k].path);
    free(caps);
    free(inputs);
    cf_session_free(s);
    cf_config_free(cfg);
    return status;
}
