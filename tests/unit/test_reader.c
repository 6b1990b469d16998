/* cf_reader (customflow.h): records read back equal the records written,
 * in both layouts and both variants, for the sample capture (made by
 * cf-gencap beside this binary's folder) and a real capture from
 * ../shared/pcaps; the wide layout's payload cells give back the bytes the
 * SPEC §6 rule keeps (checked with a small cell count B that cuts
 * payloads); files that are not record files, and damaged ones, give
 * one-line errors.
 *
 * The records "written" are the ones a callback sink receives in the same
 * run as the file sink: public API only. */
#include "customflow.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "parquet/pq_writer.h" /* a Parquet file that is no record file */

static char dir[256];

/* One record as it must read back. */
typedef struct ref {
    int variant;
    char *device, remote_ip[64];
    int64_t first_seen, total_bytes, total_packets;
    uint8_t protocol;
    uint16_t device_port, remote_port;
    uint32_t n;
    int64_t *offset_us;
    int32_t *size;
    int8_t *direction;
    uint8_t **payload;
    uint32_t *payload_len;
} ref;

typedef struct run {
    ref *refs;
    size_t n, cap;
} run;

static void *dup_mem(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

static int on_record(void *ctx, const cf_record *r)
{
    run *x = ctx;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->refs = realloc(x->refs, x->cap * sizeof *x->refs);
    }
    ref *f = &x->refs[x->n++];
    memset(f, 0, sizeof *f);
    f->variant = r->variant;
    f->device = strdup(r->device);
    snprintf(f->remote_ip, sizeof f->remote_ip, "%s", r->remote_ip);
    f->first_seen = r->first_seen;
    f->total_bytes = r->total_bytes;
    f->total_packets = r->total_packets;
    f->protocol = r->protocol;
    f->device_port = r->device_port;
    f->remote_port = r->remote_port;
    f->n = r->n;
    f->offset_us = dup_mem(r->offset_us, r->n * sizeof *r->offset_us);
    f->size = dup_mem(r->size, r->n * sizeof *r->size);
    f->direction = dup_mem(r->direction, r->n * sizeof *r->direction);
    f->payload = calloc(r->n + 1, sizeof *f->payload);
    f->payload_len = dup_mem(r->payload_len, r->n * sizeof *r->payload_len);
    for (uint32_t k = 0; k < r->n; k++)
        f->payload[k] = dup_mem(r->payload[k], r->payload_len[k]);
    return 0;
}

static void free_refs(run *x)
{
    for (size_t k = 0; k < x->n; k++) {
        ref *f = &x->refs[k];
        for (uint32_t m = 0; m < f->n; m++)
            free(f->payload[m]);
        free(f->device);
        free(f->offset_us);
        free(f->size);
        free(f->direction);
        free(f->payload);
        free(f->payload_len);
    }
    free(x->refs);
}

/* The payload length the wide layout keeps for packet k (SPEC §6), given
 * the cells used so far. */
static uint32_t wide_len(uint32_t b, uint32_t *pos, uint32_t len)
{
    if (b - *pos < 2)
        return 0;
    *pos += 1;
    uint32_t room = b - *pos - 1;
    if (len > room)
        len = room;
    *pos += len + 1;
    return len;
}

/* Reads PATH back and compares with the refs of VARIANT, in order. */
static void compare(const char *path, const run *x, int variant, int wide, uint32_t cells)
{
    char err[512];
    cf_reader *rd = cf_reader_open(path, err, sizeof err);
    CHECK(rd != NULL);
    if (!rd) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    size_t want = 0;
    for (size_t k = 0; k < x->n; k++)
        want += x->refs[k].variant == variant;
    CHECK_EQ_INT(cf_reader_rows(rd), want);
    CHECK_EQ_STR(cf_reader_meta(rd, CF_META_LAYOUT), wide ? "wide" : "nested");
    cf_record r;
    size_t k = 0, bad = 0, got = 0;
    int st;
    while ((st = cf_reader_next(rd, &r, err, sizeof err)) == 1) {
        while (k < x->n && x->refs[k].variant != variant)
            k++;
        if (k == x->n) {
            bad++;
            break;
        }
        const ref *f = &x->refs[k++];
        got++;
        int same = r.variant == variant && !strcmp(r.device, f->device) &&
                   !strcmp(r.remote_ip, f->remote_ip) && r.first_seen == f->first_seen &&
                   r.protocol == f->protocol && r.device_port == f->device_port &&
                   r.remote_port == f->remote_port && r.total_bytes == f->total_bytes &&
                   r.total_packets == f->total_packets && r.n == f->n && r.remote_name == NULL &&
                   r.n_context == 0;
        uint32_t pos = 0;
        for (uint32_t m = 0; same && m < r.n; m++) {
            uint32_t len = wide ? wide_len(cells, &pos, f->payload_len[m]) : f->payload_len[m];
            same = r.offset_us[m] == f->offset_us[m] && r.size[m] == f->size[m] &&
                   r.direction[m] == f->direction[m] && r.payload_len[m] == len &&
                   (!len || !memcmp(r.payload[m], f->payload[m], len));
        }
        if (!same && bad++ < 3)
            fprintf(stderr,
                    "%s: record %zu differs (device %s/%s, first_seen %lld/%lld, n %u/%u)\n", path,
                    got, r.device, f->device, (long long)r.first_seen, (long long)f->first_seen,
                    r.n, f->n);
    }
    if (st < 0)
        fprintf(stderr, "%s\n", err);
    CHECK_EQ_INT(st, 0);
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(got, want);
    /* After the end: still the end. */
    CHECK_EQ_INT(cf_reader_next(rd, &r, err, sizeof err), 0);
    cf_reader_close(rd);

    /* Keys only: the same rows, no lists. */
    rd = cf_reader_open(path, err, sizeof err);
    CHECK(rd != NULL);
    if (!rd)
        return;
    cf_reader_skip_lists(rd, 1);
    size_t n = 0;
    k = 0;
    bad = 0;
    while ((st = cf_reader_next(rd, &r, err, sizeof err)) == 1) {
        while (k < x->n && x->refs[k].variant != variant)
            k++;
        if (k == x->n || strcmp(r.device, x->refs[k].device) ||
            r.total_packets != x->refs[k].total_packets || r.n != 0 || r.payload != NULL)
            bad++;
        k++;
        n++;
    }
    CHECK_EQ_INT(st, 0);
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(n, want);
    cf_reader_close(rd);
}

/* Converts CAPTURE (devices list or NULL) into DIR/NAME-LAYOUT with a
 * file sink and a callback sink in one run, then reads each file back. */
static void round_trip(const char *name, const char *capture, const char *devices,
                       const char *packets, const char *cells)
{
    char err[512], out[2][512], stem[256];
    cf_input_stem(capture, stem, sizeof stem);
    for (int l = 0; l < 2; l++) {
        snprintf(out[l], sizeof out[l], "%s/%s-%s", dir, name, l ? "wide" : "nested");
        cf_config *cfg = cf_config_new();
        int bad = cf_config_set(cfg, "output", out[l], err, sizeof err) ||
                  cf_config_set(cfg, "layout", l ? "wide" : "nested", err, sizeof err) ||
                  cf_config_set(cfg, "packets", packets, err, sizeof err) ||
                  cf_config_set(cfg, "payload-cells", cells, err, sizeof err) ||
                  (devices && cf_config_set(cfg, "devices", devices, err, sizeof err));
        CHECK(!bad);
        cf_session *s = bad ? NULL : cf_session_new(cfg, NULL, NULL, err, sizeof err);
        cf_source *src = s ? cf_source_open(s, capture, err, sizeof err) : NULL;
        cf_sink *sinks[2] = {src ? cf_sink_files(s, stem, err, sizeof err) : NULL, NULL};
        run x = {0};
        sinks[1] = sinks[0] ? cf_sink_callback(s, on_record, &x, err, sizeof err) : NULL;
        CHECK(sinks[1] != NULL);
        if (!sinks[1])
            fprintf(stderr, "%s\n", err);
        cf_report rep;
        memset(&rep, 0, sizeof rep);
        int rc = sinks[1] ? cf_run(s, src, sinks, 2, &rep, NULL, NULL, err, sizeof err) : -1;
        CHECK_EQ_INT(rc, 0);
        cf_report_free(&rep);
        cf_sink_free(sinks[0]);
        cf_sink_free(sinks[1]);
        cf_source_close(src);
        cf_session_free(s);
        cf_config_free(cfg);
        size_t nbi = 0;
        for (size_t k = 0; k < x.n; k++)
            nbi += x.refs[k].variant == CF_VARIANT_BI;
        printf("%s %s: %zu bidirectional, %zu unidirectional records\n", name,
               l ? "wide" : "nested", nbi, x.n - nbi);
        CHECK(nbi > 0 && x.n > nbi);
        for (int v = 1; v <= 2; v++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s/%s.parquet", out[l],
                     v == CF_VARIANT_BI ? "bidirectional" : "unidirectional", stem);
            compare(path, &x, v, l, (uint32_t)atoi(cells));
        }
        free_refs(&x);
    }
}

/* ------------------------------------------------------------ bad files */

/* Two UDP frames 5 µs apart from 192.168.1.10 (02:00:00:00:00:01) to
 * 8.8.8.8:53, with payloads 01 02 03 and 09. */
typedef struct two_frames {
    uint8_t buf[64];
    int sent;
} two_frames;

static int next_frame(void *ctx, cf_frame *f, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    two_frames *fr = ctx;
    if (fr->sent == 2)
        return 0;
    static const uint8_t head[] = {
        0x02, 0,    0, 0,  0, 0x02, 0x02, 0, 0,  0,  0, 0x01, 0x08, 0x00, /* Ethernet */
        0x45, 0,    0, 0,  0, 1,    0,    0, 64, 17, 0, 0,    192,  168,
        1,    10,   8, 8,  8, 8,             /* IPv4 (length below) */
        0x30, 0x39, 0, 53, 0, 0,    0,    0, /* UDP 12345 -> 53 (length below) */
    };
    static const uint8_t pay[2][3] = {{1, 2, 3}, {9}};
    uint32_t len = fr->sent ? 1 : 3;
    memcpy(fr->buf, head, sizeof head);
    fr->buf[17] = (uint8_t)(20 + 8 + len);
    fr->buf[39] = (uint8_t)(8 + len);
    memcpy(fr->buf + sizeof head, pay[fr->sent], len);
    f->data = fr->buf;
    f->cap_len = f->wire_len = (uint32_t)sizeof head + len;
    f->ts_us = 1700000000000000 + 5 * fr->sent;
    f->linktype = 1;
    fr->sent++;
    return 1;
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(p, 1, n, f);
        fclose(f);
    }
}

static void test_not_record_files(void)
{
    char err[512], path[512];
    snprintf(path, sizeof path, "%s/junk.parquet", dir);
    write_file(path, "not parquet", 11);
    CHECK(cf_reader_open(path, err, sizeof err) == NULL);
    CHECK(strstr(err, "junk.parquet") != NULL);

    /* A Parquet file of another shape. */
    snprintf(path, sizeof path, "%s/other.parquet", dir);
    pq_column_spec cols[1] = {{"x", PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_PLAIN}};
    pq_options o = {0};
    pq_writer *w = pq_open(path, cols, 1, &o, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        pq_put_int64(w, 0, 1);
        pq_end_row(w);
        CHECK_EQ_INT(pq_close(w, err, sizeof err), 0);
    }
    CHECK(cf_reader_open(path, err, sizeof err) == NULL);
    CHECK(strstr(err, "not a customflow record file") != NULL);

    /* Wide, 6 cells, two packets of 3 and 1 payload bytes: -4 1 2 3 -8
     * leaves one cell, no room for the second packet's payload. */
    cf_config *cfg = cf_config_new();
    char out[512];
    snprintf(out, sizeof out, "%s/cells", dir);
    int bad = cf_config_set(cfg, "output", out, err, sizeof err) ||
              cf_config_set(cfg, "layout", "wide", err, sizeof err) ||
              cf_config_set(cfg, "packets", "2", err, sizeof err) ||
              cf_config_set(cfg, "payload-cells", "6", err, sizeof err) ||
              cf_config_set(cfg, "variant", "bidirectional", err, sizeof err);
    CHECK(!bad);
    cf_session *s = cf_session_new(cfg, NULL, NULL, err, sizeof err);
    two_frames fr = {0};
    cf_source *src = s ? cf_source_new(s, "cells", next_frame, &fr, err, sizeof err) : NULL;
    cf_sink *sink = src ? cf_sink_files(s, "cells", err, sizeof err) : NULL;
    cf_report rep;
    memset(&rep, 0, sizeof rep);
    CHECK(sink && cf_run(s, src, &sink, 1, &rep, NULL, NULL, err, sizeof err) == 0);
    cf_report_free(&rep);
    cf_sink_free(sink);
    cf_source_close(src);
    cf_session_free(s);
    cf_config_free(cfg);
    snprintf(path, sizeof path, "%s/cells/bidirectional/cells.parquet", dir);
    cf_reader *rd = cf_reader_open(path, err, sizeof err);
    CHECK(rd != NULL);
    if (rd) {
        cf_record pr;
        CHECK_EQ_INT(cf_reader_next(rd, &pr, err, sizeof err), 1);
        CHECK_EQ_INT(pr.n, 2);
        static const uint8_t p0[] = {1, 2, 3};
        CHECK(pr.n == 2 && pr.payload_len[0] == 3 && !memcmp(pr.payload[0], p0, 3));
        CHECK(pr.n == 2 && pr.payload_len[1] == 0);
        CHECK(pr.n == 2 && pr.size[1] == 14 + 20 + 8 + 1 && pr.offset_us[1] == 5);
        CHECK(pr.n == 2 && pr.direction[0] == 1);
        CHECK_EQ_STR(pr.device, "02:00:00:00:00:01");
        CHECK_EQ_STR(pr.remote_ip, "8.8.8.8");
        CHECK_EQ_INT(cf_reader_next(rd, &pr, err, sizeof err), 0);
        cf_reader_close(rd);
    }

    /* A truncated record file: an error naming the file, at open or read. */
    snprintf(path, sizeof path, "%s/sample-nested/bidirectional/sample.parquet", dir);
    FILE *in = fopen(path, "rb");
    if (in) {
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, in);
        fclose(in);
        char cut[512];
        snprintf(cut, sizeof cut, "%s/cut.parquet", dir);
        /* Keep the footer, damage the data pages. */
        for (size_t k = 4; k < n / 2; k++)
            buf[k] ^= 0x5a;
        write_file(cut, buf, n);
        rd = cf_reader_open(cut, err, sizeof err);
        int st = 0;
        if (rd) {
            cf_record pr;
            while ((st = cf_reader_next(rd, &pr, err, sizeof err)) == 1)
                ;
            cf_reader_close(rd);
        }
        CHECK(!rd || st == -1);
        CHECK(strstr(err, "cut.parquet") != NULL);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    snprintf(dir, sizeof dir, "/tmp/cf_test_reader.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* The sample capture, from cf-gencap beside this binary's folder. */
    char exe[512], gencap[600], cmd[2048], cap[300], devs[300];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    if (n <= 0)
        snprintf(exe, sizeof exe, "%s", argv[0]);
    snprintf(gencap, sizeof gencap, "%s/../cf-gencap", dirname(exe));
    snprintf(cap, sizeof cap, "%s/sample.pcap", dir);
    snprintf(devs, sizeof devs, "%s/devices.txt", dir);
    snprintf(cmd, sizeof cmd, "'%s' --preset sample -o '%s' --devices-out '%s' 2>/dev/null", gencap,
             cap, devs);
    int st = system(cmd);
    CHECK_EQ_INT(st, 0);
    if (st == 0) {
        round_trip("sample", cap, devs, "10", "3000");
        round_trip("small", cap, devs, "4", "40"); /* payloads cut by few cells */
    }
    const char *real = "../shared/pcaps/iot/madea/training_2023-5-25_23_15_41.pcapng";
    if (access(real, R_OK) == 0)
        round_trip("madea", real, NULL, "10", "3000");
    else
        printf("skipped: %s absent\n", real);
    test_not_record_files();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
