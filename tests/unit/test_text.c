/* JSON lines and CSV of records (lib/sink/text.c): every column, escaping,
 * invalid UTF-8, buffering and a closed pipe. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sink/text.h"

/* A record with three packets: one with payload, one with an empty one,
 * one with bytes that need two hex digits each. */
static const int64_t offsets[3] = {0, 1500, -20};
static const int32_t sizes[3] = {60, 1514, 54};
static const int8_t dirs[3] = {1, 0, 1};
static const uint8_t pay0[2] = {0x0a, 0xff};
static const uint8_t pay2[3] = {0x00, 0x10, 0xab};
static const uint8_t *const pays[3] = {pay0, NULL, pay2};
static const uint32_t pay_len[3] = {2, 0, 3};

static cf_record sample(const char *device)
{
    cf_record r;
    memset(&r, 0, sizeof r);
    r.variant = CF_VARIANT_BI;
    r.device = device;
    r.first_seen = 1764680700123456;
    r.remote_ip = "2001:db8::1";
    r.protocol = 17;
    r.device_port = 5353;
    r.remote_port = 65535;
    r.total_bytes = 1628;
    r.total_packets = 3;
    r.n = 3;
    r.offset_us = offsets;
    r.size = sizes;
    r.direction = dirs;
    r.payload = pays;
    r.payload_len = pay_len;
    return r;
}

/* Everything the writer puts on a file, after writing recs and flushing. */
static char *render(cf_format fmt, unsigned cols, const cf_record *recs, int n)
{
    FILE *f = tmpfile();
    if (!f)
        return NULL;
    cf_textout *t = cf_textout_new(fileno(f), "test", fmt, cols, -1);
    char err[256];
    for (int k = 0; k < n; k++)
        CHECK_EQ_INT(cf_textout_record(t, &recs[k], err, sizeof err), 0);
    CHECK_EQ_INT(cf_textout_flush(t, err, sizeof err), 0);
    CHECK_EQ_INT(cf_textout_records(t), n);
    cf_textout_free(t);
    long size = ftell(f);
    if (size < 0)
        size = lseek(fileno(f), 0, SEEK_END);
    char *out = calloc(1, (size_t)size + 1);
    if (pread(fileno(f), out, (size_t)size, 0) != size)
        out[0] = 0;
    fclose(f);
    return out;
}

static void test_jsonl_every_column(void)
{
    cf_record r = sample("Amazon Echo");
    char *got = render(CF_FORMAT_JSONL, 0, &r, 1);
    CHECK_EQ_STR(got, "{\"device\":\"Amazon Echo\",\"first_seen\":1764680700123456,"
                      "\"remote_ip\":\"2001:db8::1\",\"protocol\":17,\"device_port\":5353,"
                      "\"remote_port\":65535,\"total_bytes\":1628,\"total_packets\":3,"
                      "\"pkt_offset_us\":[0,1500,-20],\"pkt_size\":[60,1514,54],"
                      "\"pkt_direction\":[1,0,1],\"pkt_payload\":[\"0aff\",\"\",\"0010ab\"]}\n");
    free(got);
}

static void test_csv_every_column(void)
{
    cf_record r = sample("Amazon Echo");
    char *got = render(CF_FORMAT_CSV, 0, &r, 1);
    CHECK_EQ_STR(got, "device,first_seen,remote_ip,protocol,device_port,remote_port,total_bytes,"
                      "total_packets,pkt_offset_us,pkt_size,pkt_direction,pkt_payload\n"
                      "Amazon Echo,1764680700123456,2001:db8::1,17,5353,65535,1628,3,"
                      "0;1500;-20,60;1514;54,1;0;1,0aff;;0010ab\n");
    free(got);
}

static void test_optional_columns(void)
{
    cf_record r = sample("cam");
    r.variant = CF_VARIANT_UNI;
    r.remote_name = "api.example.com";
    static const int64_t rows[2] = {7, 12};
    static const char *const files[2] = {"", "2026-12-01.parquet"};
    r.n_context = 2;
    r.context_rows = rows;
    r.context_files = files;
    r.n = 0;
    r.total_packets = -1;
    r.first_seen = INT64_MIN;
    unsigned all = CF_TEXT_VARIANT | CF_TEXT_NAMES | CF_TEXT_CONTEXT;
    char *got = render(CF_FORMAT_JSONL, all, &r, 1);
    CHECK_EQ_STR(got, "{\"variant\":\"unidirectional\",\"device\":\"cam\","
                      "\"first_seen\":-9223372036854775808,\"remote_ip\":\"2001:db8::1\","
                      "\"protocol\":17,\"device_port\":5353,\"remote_port\":65535,"
                      "\"total_bytes\":1628,\"total_packets\":-1,\"pkt_offset_us\":[],"
                      "\"pkt_size\":[],\"pkt_direction\":[],\"pkt_payload\":[],"
                      "\"remote_name\":\"api.example.com\",\"context_rows\":[7,12],"
                      "\"context_files\":[\"\",\"2026-12-01.parquet\"]}\n");
    free(got);
    got = render(CF_FORMAT_CSV, all, &r, 1);
    CHECK_EQ_STR(got, "variant,device,first_seen,remote_ip,protocol,device_port,remote_port,"
                      "total_bytes,total_packets,pkt_offset_us,pkt_size,pkt_direction,"
                      "pkt_payload,remote_name,context_rows,context_files\n"
                      "unidirectional,cam,-9223372036854775808,2001:db8::1,17,5353,65535,1628,"
                      "-1,,,,,api.example.com,7;12,;2026-12-01.parquet\n");
    free(got);
    /* --names with an unknown name: an empty string, not a missing key. */
    r.remote_name = "";
    r.n_context = 0;
    got = render(CF_FORMAT_JSONL, CF_TEXT_NAMES, &r, 1);
    CHECK(got && strstr(got, "\"remote_name\":\"\"}") != NULL);
    free(got);
}

static void test_escaping(void)
{
    /* Quotes, backslash, control characters, a comma, valid UTF-8 (é, €,
     * U+1F600) and invalid bytes: a lone continuation byte, a cut
     * sequence, an overlong '/', a surrogate, a byte above U+10FFFF. */
    const char *label = "a\"b\\c\n\r\t\x01\x1f,d \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                        "|\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|\xf5\x80\x80\x80|\x7f";
    cf_record r = sample(label);
    r.n = 0;
    char *got = render(CF_FORMAT_JSONL, 0, &r, 1);
    const char *want_json = "{\"device\":\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f,d "
                            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                            "|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
                            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
                            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\x7f\",";
    CHECK(got && strncmp(got, want_json, strlen(want_json)) == 0);
    free(got);

    got = render(CF_FORMAT_CSV, 0, &r, 1);
    const char *nl = got ? strchr(got, '\n') : NULL;
    const char *want_csv = "\"a\"\"b\\c\n\r\t\x01\x1f,d \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                           "|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
                           "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
                           "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\x7f\",";
    CHECK(nl && strncmp(nl + 1, want_csv, strlen(want_csv)) == 0);
    free(got);

    /* Plain text stays unquoted in CSV; a lone quote is quoted. */
    cf_record q = sample("say \"hi\"");
    q.n = 0;
    got = render(CF_FORMAT_CSV, 0, &q, 1);
    nl = got ? strchr(got, '\n') : NULL;
    CHECK(nl && strncmp(nl + 1, "\"say \"\"hi\"\"\",", 13) == 0);
    free(got);
}

static void test_many_records_buffered(void)
{
    /* More than one buffer's worth: every line arrives, in order. */
    enum { N = 5000 };
    cf_record *recs = calloc(N, sizeof *recs);
    for (int k = 0; k < N; k++) {
        recs[k] = sample("dev");
        recs[k].first_seen = k;
    }
    char *got = render(CF_FORMAT_JSONL, 0, recs, N);
    int lines = 0, ordered = 1;
    for (const char *p = got; p && *p; p = strchr(p, '\n') + 1) {
        char want[64];
        snprintf(want, sizeof want, "\"first_seen\":%d,", lines);
        if (!strstr(p, want) || strstr(p, want) > strchr(p, '\n'))
            ordered = 0;
        lines++;
    }
    CHECK_EQ_INT(lines, N);
    CHECK(ordered);
    free(got);
    free(recs);
}

static void test_stream_flushes_each_record(void)
{
    int fds[2];
    CHECK_EQ_INT(pipe(fds), 0);
    cf_textout *t = cf_textout_new(fds[1], "stdout", CF_FORMAT_JSONL, 0, 0);
    cf_record r = sample("dev");
    char err[256];
    CHECK_EQ_INT(cf_textout_record(t, &r, err, sizeof err), 0);
    /* Without any flush call the line is already in the pipe. */
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    char buf[1024];
    ssize_t got = read(fds[0], buf, sizeof buf);
    CHECK(got > 0 && buf[got - 1] == '\n');
    cf_textout_free(t);

    /* Timed: the first record goes out (nothing was written for long),
     * the next ones wait in the buffer until 200 ms have passed. */
    t = cf_textout_new(fds[1], "stdout", CF_FORMAT_JSONL, 0, 200);
    CHECK_EQ_INT(cf_textout_record(t, &r, err, sizeof err), 0);
    got = read(fds[0], buf, sizeof buf);
    CHECK(got > 0 && buf[got - 1] == '\n');
    CHECK_EQ_INT(cf_textout_record(t, &r, err, sizeof err), 0);
    CHECK(read(fds[0], buf, sizeof buf) < 0);
    const struct timespec pause = {0, 250000000};
    nanosleep(&pause, NULL);
    CHECK_EQ_INT(cf_textout_record(t, &r, err, sizeof err), 0);
    got = read(fds[0], buf, sizeof buf);
    CHECK(got > 0 && memchr(buf, '\n', (size_t)got) != &buf[got - 1]); /* both lines */
    /* Never: only an explicit flush writes. */
    cf_textout_set_flush(t, -1);
    nanosleep(&pause, NULL);
    CHECK_EQ_INT(cf_textout_record(t, &r, err, sizeof err), 0);
    CHECK(read(fds[0], buf, sizeof buf) < 0);
    CHECK_EQ_INT(cf_textout_flush(t, err, sizeof err), 0);
    CHECK(read(fds[0], buf, sizeof buf) > 0);
    cf_textout_free(t);
    close(fds[0]);
    close(fds[1]);
}

static void test_closed_pipe(void)
{
    /* SIGPIPE keeps its default action (death): the writer must not raise
     * it, and must report the closed pipe in one line. */
    signal(SIGPIPE, SIG_DFL);
    int fds[2];
    CHECK_EQ_INT(pipe(fds), 0);
    close(fds[0]);
    cf_textout *t = cf_textout_new(fds[1], "stdout", CF_FORMAT_CSV, 0, 0);
    cf_record r = sample("dev");
    char err[256] = "";
    CHECK_EQ_INT(cf_textout_record(t, &r, err, sizeof err), -1);
    CHECK(strstr(err, "stdout: ") == err && strstr(err, "broken pipe") && !strchr(err, '\n'));
    /* Later calls repeat the error rather than write again. */
    err[0] = 0;
    CHECK_EQ_INT(cf_textout_flush(t, err, sizeof err), -1);
    CHECK(strstr(err, "broken pipe") != NULL);
    cf_textout_free(t);
    close(fds[1]);

    /* A descriptor that is not open. */
    t = cf_textout_new(-1, "out.csv", CF_FORMAT_CSV, 0, -1);
    CHECK(t != NULL);
    CHECK_EQ_INT(cf_textout_flush(t, err, sizeof err), -1);
    CHECK(strstr(err, "out.csv: cannot write: ") == err);
    cf_textout_free(t);
}

static void test_refuses_parquet(void)
{
    CHECK(cf_textout_new(1, "x", CF_FORMAT_PARQUET, 0, -1) == NULL);
}

int main(void)
{
    test_jsonl_every_column();
    test_csv_every_column();
    test_optional_columns();
    test_escaping();
    test_many_records_buffered();
    test_stream_flushes_each_record();
    test_closed_pipe();
    test_refuses_parquet();
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed != 0;
}
