/* --rotate parsing, interval alignment and file names (lib/sink/rotate.c).
 * Expected dates were computed independently (Python's datetime, shifted
 * by 400-year cycles outside its range). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "customflow.h"
#include "sink/rotate.h"

#define S INT64_C(1000000)
#define HOUR (3600 * S)

static void test_parse(void)
{
    int64_t v = 0;
    char err[256];
    CHECK_EQ_INT(cf_rotate_parse("30s", &v, err, sizeof err), 0);
    CHECK_EQ_INT(v, 30 * S);
    CHECK_EQ_INT(cf_rotate_parse("15m", &v, err, sizeof err), 0);
    CHECK_EQ_INT(v, 900 * S);
    CHECK_EQ_INT(cf_rotate_parse("1h", &v, err, sizeof err), 0);
    CHECK_EQ_INT(v, HOUR);
    CHECK_EQ_INT(cf_rotate_parse("1d", &v, err, sizeof err), 0);
    CHECK_EQ_INT(v, 24 * HOUR);
    CHECK_EQ_INT(cf_rotate_parse("90s", &v, err, sizeof err), 0);
    CHECK_EQ_INT(v, 90 * S);
    CHECK_EQ_INT(cf_rotate_parse("36525d", &v, err, sizeof err), 0);

    static const char *const bad[] = {
        "",    "0s", "-1h",  "1.5h", "1hh", "h",    "10",     " 1h",     "1h ",
        "1H",  "1w", "0x1h", "+1h",  "00s", "1e3s", "36526d", "876601h", "99999999999999999999s",
        "1sd", "d1",
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        err[0] = 0;
        v = 12345;
        int rc = cf_rotate_parse(bad[k], &v, err, sizeof err);
        if (rc != -1)
            fprintf(stderr, "accepted --rotate '%s'\n", bad[k]);
        CHECK_EQ_INT(rc, -1);
        CHECK_EQ_INT(v, 12345);
        CHECK(strncmp(err, "--rotate ", 9) == 0 && !strchr(err, '\n'));
    }
    CHECK_EQ_INT(cf_rotate_parse(NULL, &v, err, sizeof err), -1);

    /* Formatting gives back text the parser reads to the same value. */
    static const char *const round[][2] = {{"30s", "30s"}, {"90s", "90s"},      {"120s", "2m"},
                                           {"60m", "1h"},  {"24h", "1d"},       {"36h", "36h"},
                                           {"7d", "7d"},   {"86401s", "86401s"}};
    for (size_t k = 0; k < sizeof round / sizeof *round; k++) {
        char text[32];
        CHECK_EQ_INT(cf_rotate_parse(round[k][0], &v, err, sizeof err), 0);
        cf_rotate_format(v, text, sizeof text);
        CHECK_EQ_STR(text, round[k][1]);
        int64_t again = 0;
        CHECK_EQ_INT(cf_rotate_parse(text, &again, err, sizeof err), 0);
        CHECK_EQ_INT(again, v);
    }
    char text[8] = "x";
    cf_rotate_format(0, text, sizeof text);
    CHECK_EQ_STR(text, "");
}

static void test_alignment(void)
{
    CHECK_EQ_INT(cf_rotate_start(0, HOUR), 0);
    CHECK_EQ_INT(cf_rotate_start(HOUR - 1, HOUR), 0);
    CHECK_EQ_INT(cf_rotate_start(HOUR, HOUR), HOUR);
    /* Before 1970: floor, not truncation toward zero. */
    CHECK_EQ_INT(cf_rotate_start(-1, HOUR), -HOUR);
    CHECK_EQ_INT(cf_rotate_start(-HOUR, HOUR), -HOUR);
    CHECK_EQ_INT(cf_rotate_start(-HOUR - 1, HOUR), -2 * HOUR);
    /* Aligned to the epoch, not to the first record: 7 s intervals. */
    CHECK_EQ_INT(cf_rotate_start(20 * S, 7 * S), 14 * S);
    CHECK_EQ_INT(cf_rotate_end(14 * S, 7 * S), 21 * S);
    /* The ends of int64 saturate. */
    CHECK_EQ_INT(cf_rotate_start(INT64_MIN, HOUR), INT64_MIN);
    CHECK_EQ_INT(cf_rotate_start(INT64_MIN + 5, HOUR), INT64_MIN);
    int64_t top = cf_rotate_start(INT64_MAX, HOUR);
    CHECK(top <= INT64_MAX && top > INT64_MAX - HOUR && top % HOUR == 0);
    CHECK_EQ_INT(cf_rotate_end(top, HOUR), INT64_MAX);
    CHECK_EQ_INT(cf_rotate_end(INT64_MIN, HOUR), INT64_MIN + HOUR);
}

static void check_label(int64_t us, int64_t interval, const char *want)
{
    char buf[CF_ROTATE_LABEL_MAX];
    cf_rotate_label(us, interval, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fprintf(stderr, "label(%lld): %s, want %s\n", (long long)us, buf, want);
    CHECK_EQ_STR(buf, want);
}

static void test_labels(void)
{
    const int64_t day = CF_US_PER_DAY;
    check_label(0, day, "1970-01-01");
    check_label(0, HOUR, "1970-01-01T00-00-00");
    check_label(1764680700123456, day, "2025-12-02");
    check_label(1764680700123456, HOUR, "2025-12-02T13-05-00");
    check_label(1796216700 * S, 5 * S, "2026-12-02T13-05-00");
    /* A 2-day interval is still whole days; 36 h is not. */
    check_label(cf_rotate_start(1796216700 * S, 2 * day), 2 * day, "2026-12-01");
    check_label(cf_rotate_start(1796216700 * S, 36 * HOUR), 36 * HOUR, "2026-12-01T12-00-00");
    /* Before the epoch, leap days, year 0 and negative years. */
    check_label(cf_rotate_start(-1, HOUR), HOUR, "1969-12-31T23-00-00");
    check_label(cf_rotate_start(-1, day), day, "1969-12-31");
    check_label(-1, S, "1969-12-31T23-59-59");
    check_label(951782400 * S, day, "2000-02-29");
    check_label(-2208988800 * S, day, "1900-01-01");
    check_label(-62135596800 * S - 1, S, "0000-12-31T23-59-59");
    check_label(-62167219200 * S - day, day, "-0001-12-31");
    /* Far future: the last second of 9999, year 10000 and the int64 end. */
    check_label(253402300799 * S, S, "9999-12-31T23-59-59");
    check_label(253402300800 * S, day, "+10000-01-01");
    check_label(INT64_MAX, S, "+294247-01-10T04-00-54");
    check_label(INT64_MIN, S, "-290308-12-21T19-59-05");
    check_label(INT64_MIN, day, "-290308-12-21");
}

static void check_path(const cf_outname *o, int variant, int64_t t, unsigned seq,
                       const char *want_dir, const char *want_path)
{
    char dir[512], path[512];
    int64_t end;
    int64_t start = cf_outname_bucket(o, t, &end);
    CHECK_EQ_INT(cf_outname_path(o, variant, start, seq, dir, sizeof dir, path, sizeof path), 0);
    CHECK_EQ_STR(dir, want_dir);
    CHECK_EQ_STR(path, want_path);
}

static void test_paths(void)
{
    const int64_t t = 1796216700 * S + 5; /* 2026-12-02 13:05:00.000005 */
    cf_outname o = {.dir = "out", .stem = "16-09-23", .ext = "parquet"};
    int64_t end;
    CHECK_EQ_INT(cf_outname_bucket(&o, t, &end), INT64_MIN);
    CHECK_EQ_INT(end, INT64_MAX);
    check_path(&o, CF_VARIANT_BI, t, 0, "out/bidirectional", "out/bidirectional/16-09-23.parquet");
    check_path(&o, CF_VARIANT_UNI, t, 2, "out/unidirectional",
               "out/unidirectional/16-09-23-2.parquet");

    o.rotate_us = CF_US_PER_DAY;
    check_path(&o, CF_VARIANT_BI, t, 0, "out/bidirectional",
               "out/bidirectional/16-09-23_2026-12-02.parquet");
    CHECK_EQ_INT(cf_outname_bucket(&o, t, &end), 1796169600 * S);
    CHECK_EQ_INT(end, 1796169600 * S + CF_US_PER_DAY);
    o.rotate_us = 5 * S;
    o.ext = "jsonl";
    check_path(&o, CF_VARIANT_BI, t, 1, "out/bidirectional",
               "out/bidirectional/16-09-23_2026-12-02T13-05-00-1.jsonl");
    /* Live: no stem, the interval start alone. */
    o.stem = "";
    check_path(&o, CF_VARIANT_UNI, t, 0, "out/unidirectional",
               "out/unidirectional/2026-12-02T13-05-00.jsonl");
    o.stem = NULL;
    o.rotate_us = CF_US_PER_DAY;
    o.ext = "csv";
    check_path(&o, CF_VARIANT_BI, t, 0, "out/bidirectional", "out/bidirectional/2026-12-02.csv");

    /* Hive partitions: a UTC day bucket even without --rotate. */
    cf_outname p = {.dir = "out", .stem = "16-09-23", .ext = "parquet", .partition = 1};
    CHECK_EQ_INT(cf_outname_bucket(&p, t, &end), 1796169600 * S);
    check_path(&p, CF_VARIANT_BI, t, 0, "out/variant=bidirectional/date=2026-12-02",
               "out/variant=bidirectional/date=2026-12-02/part-16-09-23.parquet");
    p.rotate_us = HOUR;
    check_path(
        &p, CF_VARIANT_UNI, t, 0, "out/variant=unidirectional/date=2026-12-02",
        "out/variant=unidirectional/date=2026-12-02/part-16-09-23_2026-12-02T13-00-00.parquet");
    check_path(
        &p, CF_VARIANT_UNI, -1, 0, "out/variant=unidirectional/date=1969-12-31",
        "out/variant=unidirectional/date=1969-12-31/part-16-09-23_1969-12-31T23-00-00.parquet");

    /* A name that does not fit is refused, not cut. */
    char dir[16], path[16];
    CHECK_EQ_INT(cf_outname_path(&o, CF_VARIANT_BI, 0, 0, dir, sizeof dir, path, sizeof path), -1);
}

int main(void)
{
    test_parse();
    test_alignment();
    test_labels();
    test_paths();
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed != 0;
}
