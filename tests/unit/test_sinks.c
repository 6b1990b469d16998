/* The public sinks (customflow.h) on a capture written here: the callback
 * sees every record and can stop the run; the stream writes one line per
 * record and refuses Parquet; the files sink rotates by --rotate; the
 * rotate option reads back as it was set. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "customflow.h"
#include "gen/synth.h"

/* 2026-12-01T22:30:00Z */
#define START_S INT64_C(1796164200)

static char dir[64];

/* 60 requests from one device, 5 minutes apart (5 hours), to 3 remotes:
 * 60 bidirectional and 60 unidirectional records. */
static int write_capture(const char *path)
{
    syn_writer *w = syn_open(path, SYN_PCAP_US, 1, 0);
    if (!w)
        return -1;
    static syn_buf b;
    for (int k = 0; k < 60; k++) {
        char dst[32];
        snprintf(dst, sizeof dst, "203.0.113.%d", k % 3 + 1);
        b.len = 0;
        syn_eth_ip_frame(&b, "02:00:00:00:00:01", "02:00:00:00:00:fe", "192.168.1.10", dst, 17,
                         (uint16_t)(40000 + k), 53, "abc", 3);
        if (syn_write_frame(w, 1, (START_S + 300 * k) * INT64_C(1000000000), b.data, b.len, 0))
            return -1;
    }
    return syn_close(w);
}

typedef struct {
    int seen, stop_after;
    int64_t last_first_seen;
    int ordered;
} counter;

static int on_record(void *ctx, const cf_record *r)
{
    counter *c = ctx;
    c->seen++;
    if (r->first_seen < c->last_first_seen && r->variant == CF_VARIANT_BI)
        c->ordered = 0;
    if (r->variant == CF_VARIANT_BI)
        c->last_first_seen = r->first_seen;
    return c->stop_after && c->seen >= c->stop_after;
}

static cf_session *session(const char *const *opts)
{
    char err[256];
    cf_config *cfg = cf_config_new();
    for (; opts && opts[0]; opts += 2)
        if (cf_config_set(cfg, opts[0], opts[1], err, sizeof err) != 0)
            fprintf(stderr, "%s\n", err);
    cf_session *s = cf_session_new(cfg, NULL, NULL, err, sizeof err);
    if (!s)
        fprintf(stderr, "%s\n", err);
    cf_config_free(cfg);
    return s;
}

/* Runs the capture into one sink; the cf_run status. */
static int run(cf_session *s, cf_sink *k, const char *cap, cf_report *rep, char *err, size_t errlen)
{
    cf_source *src = cf_source_open(s, cap, err, errlen);
    if (!src)
        return -2;
    int st = cf_run(s, src, &k, 1, rep, NULL, NULL, err, errlen);
    cf_source_close(src);
    return st;
}

static void test_callback(const char *cap)
{
    cf_session *s = session(NULL);
    char err[256] = "";
    counter c = {.ordered = 1};
    cf_sink *k = cf_sink_callback(s, on_record, &c, err, sizeof err);
    cf_report rep;
    CHECK_EQ_INT(run(s, k, cap, &rep, err, sizeof err), 0);
    CHECK_EQ_INT(c.seen, 120);
    CHECK_EQ_INT(rep.records_bi + rep.records_uni, 120);
    CHECK(c.ordered);
    cf_report_free(&rep);
    cf_sink_free(k);

    /* A non-zero return stops the run with a message. */
    counter stop = {.stop_after = 3, .ordered = 1};
    k = cf_sink_callback(s, on_record, &stop, err, sizeof err);
    CHECK_EQ_INT(run(s, k, cap, &rep, err, sizeof err), -1);
    CHECK_EQ_INT(stop.seen, 3);
    CHECK(strstr(err, "callback") != NULL);
    cf_report_free(&rep);
    cf_sink_free(k);
    CHECK(cf_sink_callback(s, NULL, NULL, err, sizeof err) == NULL);
    cf_session_free(s);
}

static int count_lines(FILE *f)
{
    int n = 0, c;
    rewind(f);
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    return n;
}

static void test_stream(const char *cap)
{
    static const char *const csv[] = {"format", "csv", NULL};
    cf_session *s = session(csv);
    char err[256] = "";
    FILE *f = tmpfile();
    cf_sink *k = cf_sink_stream(s, fileno(f), err, sizeof err);
    CHECK(k != NULL);
    cf_report rep;
    CHECK_EQ_INT(run(s, k, cap, &rep, err, sizeof err), 0);
    /* A header, then one line per record of both variants. */
    CHECK_EQ_INT(count_lines(f), 121);
    char first[64] = "";
    rewind(f);
    CHECK(fgets(first, sizeof first, f) && strncmp(first, "variant,device,first_seen,", 26) == 0);
    cf_report_free(&rep);
    cf_sink_free(k);
    fclose(f);
    cf_session_free(s);

    cf_session *pq = session(NULL);
    CHECK(cf_sink_stream(pq, 1, err, sizeof err) == NULL);
    CHECK(strstr(err, "jsonl or csv") != NULL);
    cf_session_free(pq);
}

static void test_rotated_files(const char *cap)
{
    char out[128];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *const opts[] = {"rotate", "1h",      "format",         "jsonl", "output",
                                out,      "variant", "unidirectional", NULL};
    cf_session *s = session(opts);
    char err[256] = "", buf[32];
    CHECK_EQ_STR(cf_config_get(cf_session_config(s), "rotate", buf, sizeof buf), "1h");
    cf_sink *k = cf_sink_files(s, NULL, err, sizeof err);
    cf_report rep;
    CHECK_EQ_INT(run(s, k, cap, &rep, err, sizeof err), 0);
    cf_report_free(&rep);
    cf_sink_free(k);
    cf_session_free(s);
    /* 22:30 .. 03:25: six hours, named after the capture's stem. */
    static const char *const names[] = {
        "cap_2026-12-01T22-00-00.jsonl", "cap_2026-12-01T23-00-00.jsonl",
        "cap_2026-12-02T00-00-00.jsonl", "cap_2026-12-02T01-00-00.jsonl",
        "cap_2026-12-02T02-00-00.jsonl", "cap_2026-12-02T03-00-00.jsonl"};
    int total = 0;
    for (size_t n = 0; n < 6; n++) {
        char path[256];
        snprintf(path, sizeof path, "%s/unidirectional/%s", out, names[n]);
        FILE *f = fopen(path, "r");
        CHECK(f != NULL);
        if (f) {
            int lines = count_lines(f);
            CHECK_EQ_INT(lines, n == 0 ? 6 : n == 5 ? 6 : 12);
            total += lines;
            fclose(f);
        }
    }
    CHECK_EQ_INT(total, 60);
    snprintf(out, sizeof out, "%s/out/bidirectional", dir);
    CHECK(access(out, F_OK) != 0); /* not configured, not made */

    cf_config *cfg = cf_config_new();
    CHECK_EQ_INT(cf_config_set(cfg, "rotate", "1 h", err, sizeof err), -1);
    CHECK(strncmp(err, "--rotate 1 h: ", 14) == 0);
    CHECK_EQ_STR(cf_config_get(cfg, "rotate", buf, sizeof buf), "");
    cf_config_free(cfg);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cf-test-sinks-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    char cap[128];
    snprintf(cap, sizeof cap, "%s/cap.pcap", dir);
    CHECK_EQ_INT(write_capture(cap), 0);
    test_callback(cap);
    test_stream(cap);
    test_rotated_files(cap);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed != 0;
}
