/* Output files per variant and bucket (lib/sink/files.c) with the text
 * writer and a recording writer: names, when files appear, late records,
 * the open-file bound, metadata, abort and failure clean-up. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sink/files.h"
#include "sink/textfile.h"

#define S INT64_C(1000000)
/* 2026-12-02T13:05:00 UTC */
#define T0 (INT64_C(1796216700) * S)

static char listing[8192];
static size_t listing_len;
static const char *list_root;

static int list_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if (flag == FTW_F && listing_len + strlen(path) + 2 < sizeof listing)
        listing_len += (size_t)sprintf(listing + listing_len, "%s\n", path + strlen(list_root) + 1);
    return 0;
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The files under root, relative, sorted, one a line. */
static const char *files_under(const char *root)
{
    listing_len = 0;
    listing[0] = 0;
    list_root = root;
    nftw(root, list_one, 16, FTW_PHYS);
    char *lines[256];
    size_t n = 0;
    for (char *p = strtok(listing, "\n"); p && n < 256; p = strtok(NULL, "\n"))
        lines[n++] = strdup(p);
    qsort(lines, n, sizeof *lines, cmp_lines);
    static char out[8192];
    out[0] = 0;
    for (size_t k = 0; k < n; k++) {
        strcat(out, lines[k]);
        strcat(out, "\n");
        free(lines[k]);
    }
    return out;
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static char *fresh_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/cf_test_files_XXXXXX");
    return mkdtemp(dir);
}

static void remove_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static cf_record rec(int variant, int64_t first_seen)
{
    cf_record r;
    memset(&r, 0, sizeof r);
    r.variant = variant;
    r.device = "dev";
    r.remote_ip = "192.0.2.1";
    r.first_seen = first_seen;
    return r;
}

static const cf_textfile_config jsonl = {CF_FORMAT_JSONL, 0};

static cf_files *text_files(const char *dir, const char *stem, int64_t rotate, int partition)
{
    cf_files_options o = {
        .names =
            {.dir = dir, .stem = stem, .ext = "jsonl", .rotate_us = rotate, .partition = partition},
        .variants = CF_VARIANT_BI | CF_VARIANT_UNI,
        .writer = &cf_textfile_ops,
        .writer_ctx = (void *)&jsonl,
        .remove_published_on_abort = 1,
    };
    return cf_files_new(&o);
}

static void test_whole_input(void)
{
    char *dir = fresh_dir();
    char out[128], err[256];
    snprintf(out, sizeof out, "%s/out/deeper", dir);
    cf_files *f = text_files(out, "16-09-23", 0, 0);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    cf_record r = rec(CF_VARIANT_BI, T0);
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    /* advance never closes the whole-input file; only finish does. */
    CHECK_EQ_INT(cf_files_advance(f, INT64_MAX, err, sizeof err), 0);
    CHECK(strstr(files_under(dir), "bidirectional/16-09-23.jsonl\n") == NULL);
    CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), 0);
    /* Both variants have a file, the empty one too. */
    CHECK_EQ_STR(files_under(dir), "out/deeper/bidirectional/16-09-23.jsonl\n"
                                   "out/deeper/unidirectional/16-09-23.jsonl\n");
    char path[256];
    snprintf(path, sizeof path, "%s/bidirectional/16-09-23.jsonl", out);
    CHECK_EQ_INT(count_lines(path), 1);
    snprintf(path, sizeof path, "%s/unidirectional/16-09-23.jsonl", out);
    CHECK_EQ_INT(count_lines(path), 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    cf_files_free(f);
    remove_tree(dir);
}

static void test_rotation_appears_on_advance(void)
{
    char *dir = fresh_dir();
    char err[256];
    cf_files *f = text_files(dir, "cap", 5 * S, 0);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    /* Records at 0, 1, 4.999, 5, 12 s past T0 (T0 is a multiple of 5 s). */
    const int64_t at[] = {0, S, 5 * S - 1, 5 * S, 12 * S};
    for (size_t k = 0; k < 5; k++) {
        cf_record r = rec(CF_VARIANT_BI, T0 + at[k]);
        CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    }
    /* Nothing is final yet: only temporary files. */
    CHECK(strstr(files_under(dir), ".jsonl\n") == NULL);
    CHECK_EQ_INT(cf_files_advance(f, T0 + 5 * S - 1, err, sizeof err), 0);
    CHECK(strstr(files_under(dir), ".jsonl\n") == NULL);
    CHECK_EQ_INT(cf_files_advance(f, T0 + 5 * S, err, sizeof err), 0);
    CHECK(strstr(files_under(dir), "bidirectional/cap_2026-12-02T13-05-00.jsonl\n") != NULL);
    CHECK(strstr(files_under(dir), "cap_2026-12-02T13-05-05.jsonl\n") == NULL);
    CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), 0);
    CHECK_EQ_STR(files_under(dir), "bidirectional/cap_2026-12-02T13-05-00.jsonl\n"
                                   "bidirectional/cap_2026-12-02T13-05-05.jsonl\n"
                                   "bidirectional/cap_2026-12-02T13-05-10.jsonl\n");
    char path[256];
    snprintf(path, sizeof path, "%s/bidirectional/cap_2026-12-02T13-05-00.jsonl", dir);
    CHECK_EQ_INT(count_lines(path), 3);
    CHECK_EQ_INT(cf_files_get_stats(f).published, 3);
    cf_files_free(f);
    remove_tree(dir);
}

static void test_late_records_get_extra_files(void)
{
    char *dir = fresh_dir();
    char err[256];
    cf_files *f = text_files(dir, "", 3600 * S, 0); /* live: no stem */
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    cf_record r = rec(CF_VARIANT_UNI, T0);
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_advance(f, T0 + 3600 * S, err, sizeof err), 0);
    /* The clock stepped back: two more records for the closed hour. */
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_advance(f, T0 + 3600 * S, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), 0);
    CHECK_EQ_STR(files_under(dir), "unidirectional/2026-12-02T13-00-00-1.jsonl\n"
                                   "unidirectional/2026-12-02T13-00-00-2.jsonl\n"
                                   "unidirectional/2026-12-02T13-00-00.jsonl\n");
    char path[256];
    snprintf(path, sizeof path, "%s/unidirectional/2026-12-02T13-00-00-1.jsonl", dir);
    CHECK_EQ_INT(count_lines(path), 2);
    CHECK_EQ_INT(cf_files_get_stats(f).extra_files, 2);
    cf_files_free(f);
    remove_tree(dir);
}

static void test_open_files_bounded(void)
{
    char *dir = fresh_dir();
    char err[256];
    cf_files_options o = {
        .names = {.dir = dir, .stem = "cap", .ext = "jsonl", .rotate_us = S},
        .variants = CF_VARIANT_BI,
        .writer = &cf_textfile_ops,
        .writer_ctx = (void *)&jsonl,
        .max_open = 2,
    };
    cf_files *f = cf_files_new(&o);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    /* 100 records over 10 buckets, in a shuffled order, no advance. */
    int total = 0;
    for (int k = 0; k < 100; k++) {
        cf_record r = rec(CF_VARIANT_BI, T0 + (k * 7 % 10) * S);
        CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
        /* Never more than 2 temporary files at a time. */
        const char *l = files_under(dir);
        int tmp = 0;
        for (const char *p = l; (p = strstr(p, ".tmp-")); p++)
            tmp++;
        CHECK(tmp <= 2);
        /* Unidirectional records are not configured: ignored. */
        r.variant = CF_VARIANT_UNI;
        CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    }
    CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), 0);
    CHECK(cf_files_get_stats(f).early_closed > 0);
    const char *l = files_under(dir);
    CHECK(strstr(l, "unidirectional") == NULL && strstr(l, ".tmp-") == NULL);
    char copy[8192];
    snprintf(copy, sizeof copy, "%s", l);
    for (char *p = strtok(copy, "\n"); p; p = strtok(NULL, "\n")) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, p);
        total += count_lines(path);
    }
    CHECK_EQ_INT(total, 100);
    cf_files_free(f);
    remove_tree(dir);
}

static void test_partition(void)
{
    char *dir = fresh_dir();
    char err[256];
    cf_files *f = text_files(dir, "cap", 0, 1);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    cf_record r = rec(CF_VARIANT_BI, T0);
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    r.first_seen = T0 + 86400 * S;
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), 0);
    CHECK_EQ_STR(files_under(dir), "variant=bidirectional/date=2026-12-02/part-cap.jsonl\n"
                                   "variant=bidirectional/date=2026-12-03/part-cap.jsonl\n");
    cf_files_free(f);
    remove_tree(dir);
}

/* A writer that records metadata and can fail on close. */
typedef struct fake_file {
    char kv[512];
    char path[256];
} fake_file;
static int fake_fail_close;
static char fake_last_kv[512];

static void *fake_open(void *ctx, const char *path, char *err, size_t errlen)
{
    (void)ctx, (void)err, (void)errlen;
    fake_file *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    return f;
}

static int fake_write(void *file, const cf_record *r, char *err, size_t errlen)
{
    (void)file, (void)r, (void)err, (void)errlen;
    return 0;
}

static int fake_kv(void *file, const char *key, const char *value)
{
    fake_file *f = file;
    size_t len = strlen(f->kv);
    snprintf(f->kv + len, sizeof f->kv - len, "%s=%s;", key, value);
    return 0;
}

static int fake_close(void *file, char *err, size_t errlen)
{
    fake_file *f = file;
    snprintf(fake_last_kv, sizeof fake_last_kv, "%s", f->kv);
    int rc = 0;
    if (fake_fail_close) {
        snprintf(err, errlen, "%s: disk full", f->path);
        rc = -1;
    } else {
        FILE *out = fopen(f->path, "w");
        if (out)
            fclose(out);
    }
    free(f);
    return rc;
}

static void fake_abort(void *file)
{
    free(file);
}

static const cf_filewriter_ops fake_ops = {fake_open, fake_write, fake_kv, fake_close, fake_abort};

static int meta(void *ctx, int variant, int64_t start, int64_t end, cf_files_put_fn put,
                void *put_ctx)
{
    (void)ctx;
    char v[96];
    snprintf(v, sizeof v, "%d:%lld:%lld", variant, (long long)start, (long long)end);
    return put(put_ctx, "span", v);
}

/* --context: each record written with its device's previous places. */
static char ctx_log[4096];

static int ctx_write(void *file, const cf_record *r, char *err, size_t errlen)
{
    (void)file, (void)err, (void)errlen;
    size_t len = strlen(ctx_log);
    len += (size_t)snprintf(ctx_log + len, sizeof ctx_log - len, "%s:", r->device);
    for (uint32_t k = 0; k < r->n_context; k++)
        len += (size_t)snprintf(ctx_log + len, sizeof ctx_log - len, "%s%lld@%s", k ? "," : "",
                                (long long)r->context_rows[k], r->context_files[k]);
    snprintf(ctx_log + len, sizeof ctx_log - len, "\n");
    return 0;
}

static const cf_filewriter_ops ctx_ops = {fake_open, ctx_write, fake_kv, fake_close, fake_abort};

static void put_dev(cf_files *f, int variant, const char *device, int64_t first_seen)
{
    char err[256];
    cf_record r = rec(variant, first_seen);
    r.device = device;
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
}

static void test_context_across_files(void)
{
    for (int partition = 0; partition <= 1; partition++) {
        char *dir = fresh_dir();
        char err[256];
        cf_files_options o = {
            .names = {.dir = dir,
                      .stem = "cap",
                      .ext = "parquet",
                      .rotate_us = 60 * S,
                      .partition = partition},
            .variants = CF_VARIANT_BI | CF_VARIANT_UNI,
            .writer = &ctx_ops,
            .context = 2,
        };
        cf_files *f = cf_files_new(&o);
        CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
        ctx_log[0] = 0;
        put_dev(f, CF_VARIANT_BI, "a", T0);
        put_dev(f, CF_VARIANT_BI, "b", T0 + 1 * S);
        put_dev(f, CF_VARIANT_BI, "a", T0 + 2 * S);
        put_dev(f, CF_VARIANT_BI, "a", T0 + 61 * S);  /* the next minute's file */
        put_dev(f, CF_VARIANT_UNI, "a", T0 + 62 * S); /* another variant: its own */
        CHECK_EQ_INT(cf_files_advance(f, T0 + 120 * S, err, sizeof err), 0);
        put_dev(f, CF_VARIANT_BI, "a", T0 + 3 * S); /* late: an extra file of 13:05 */
        put_dev(f, CF_VARIANT_BI, "a", T0 + 121 * S);
        put_dev(f, CF_VARIANT_BI, "b", T0 + 122 * S);
        CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), 0);
        const char *d = partition ? "date=2026-12-02/part-" : "";
        char want[1024];
        snprintf(want, sizeof want,
                 "a:\nb:\na:0@\na:0@%scap_2026-12-02T13-05-00.parquet,2@%scap_2026-12-02T13-05-00."
                 "parquet\n"
                 "a:\na:2@%scap_2026-12-02T13-05-00.parquet,0@%scap_2026-12-02T13-06-00.parquet\n"
                 "a:0@%scap_2026-12-02T13-06-00.parquet,0@%scap_2026-12-02T13-05-00-1.parquet\n"
                 "b:1@%scap_2026-12-02T13-05-00.parquet\n",
                 d, d, d, d, d, d, d);
        CHECK_EQ_STR(ctx_log, want);
        cf_files_free(f);
        remove_tree(dir);
    }
}

static void test_metadata_and_failures(void)
{
    char *dir = fresh_dir();
    char err[256];
    cf_files_options o = {
        .names = {.dir = dir, .stem = "cap", .ext = "parquet", .rotate_us = 60 * S},
        .variants = CF_VARIANT_BI | CF_VARIANT_UNI,
        .writer = &fake_ops,
        .meta = meta,
        .remove_published_on_abort = 1,
    };
    cf_files *f = cf_files_new(&o);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    cf_record r = rec(CF_VARIANT_UNI, T0 + 1);
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_advance(f, T0 + 60 * S, err, sizeof err), 0);
    char want[128];
    snprintf(want, sizeof want, "span=2:%lld:%lld;", (long long)T0, (long long)(T0 + 60 * S));
    CHECK_EQ_STR(fake_last_kv, want);
    /* Published, then the run fails at finish: everything goes. */
    r.first_seen = T0 + 61 * S;
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_STR(files_under(dir), "unidirectional/cap_2026-12-02T13-05-00.parquet\n");
    fake_fail_close = 1;
    CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), -1);
    CHECK(strstr(err, "disk full") != NULL);
    fake_fail_close = 0;
    CHECK_EQ_STR(files_under(dir), "");
    cf_files_free(f);

    /* Whole input: the span is unbounded. */
    o.names.rotate_us = 0;
    o.variants = CF_VARIANT_BI;
    f = cf_files_new(&o);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_finish(f, err, sizeof err), 0);
    snprintf(want, sizeof want, "span=1:%lld:%lld;", (long long)INT64_MIN, (long long)INT64_MAX);
    CHECK_EQ_STR(fake_last_kv, want);
    /* abort after finish removes the finished file (offline rule). */
    CHECK_EQ_STR(files_under(dir), "bidirectional/cap.parquet\n");
    cf_files_abort(f);
    CHECK_EQ_STR(files_under(dir), "");
    cf_files_free(f);

    /* Live rule: abort keeps what was published, drops what was open. */
    o.names.rotate_us = 60 * S;
    o.remove_published_on_abort = 0;
    f = cf_files_new(&o);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), 0);
    r.variant = CF_VARIANT_BI;
    r.first_seen = T0;
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    CHECK_EQ_INT(cf_files_advance(f, T0 + 60 * S, err, sizeof err), 0);
    r.first_seen = T0 + 60 * S;
    CHECK_EQ_INT(cf_files_record(f, &r, err, sizeof err), 0);
    cf_files_abort(f);
    CHECK_EQ_STR(files_under(dir), "bidirectional/cap_2026-12-02T13-05-00.parquet\n");
    cf_files_free(f);
    remove_tree(dir);
}

static void test_unwritable_directory(void)
{
    char err[256] = "";
    cf_files *f = text_files("/proc/cf-no-such-place", "cap", 0, 0);
    CHECK_EQ_INT(cf_files_begin(f, err, sizeof err), -1);
    CHECK(strstr(err, "/proc/cf-no-such-place") != NULL && !strchr(err, '\n'));
    cf_files_free(f);
}

int main(void)
{
    test_whole_input();
    test_rotation_appears_on_advance();
    test_late_records_get_extra_files();
    test_open_files_bounded();
    test_partition();
    test_metadata_and_failures();
    test_context_across_files();
    test_unwritable_directory();
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed != 0;
}
