/* cf_reader (customflow.h): records read back equal the records written,
 * in both layouts and both variants, for the sample capture (made by
 * cf-gencap beside this binary) and a real capture from ../shared/pcaps;
 * the wide layout's payload cells give back the bytes the SPEC §6 rule
 * keeps (checked with a small cell count B that cuts payloads); files that
 * are not record files, and damaged ones, give one-line errors.
 *
 * The records "written" are taken from the assembler's sink at the moment
 * they are handed to the file writer, deep-copied here. */
#include "customflow.h"
/* The public record, named before the internal headers map cf_record to
 * the assembler's own struct (see flow/record.h). */
typedef cf_record public_record;

#include "capture/capture.h"
#include "decode/packet.h"
#include "engine/flowfile.h"
#include "flow/devices.h"
#include "flow/netaddr.h"
#include "flow/record.h"
#include "parquet/pq_writer.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

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
    const cf_localnets *local;
    cf_flowfile *out[2][2]; /* [layout][variant - 1] */
    ref *refs;
    size_t n, cap;
    int failed;
} run;

static void *dup_mem(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

static int on_record(void *ctx, int variant, const cf_record *r)
{
    run *x = ctx;
    for (int l = 0; l < 2; l++)
        if (cf_flowfile_write(x->out[l][variant - 1], r, x->local))
            x->failed = 1;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->refs = realloc(x->refs, x->cap * sizeof *x->refs);
    }
    ref *f = &x->refs[x->n++];
    memset(f, 0, sizeof *f);
    f->variant = variant;
    f->device = strdup(r->device);
    /* As flowfile.c writes it: local remotes anonymised (SPEC §3). */
    if (cf_is_local(x->local, &r->remote_ip) || cf_is_unspecified(&r->remote_ip))
        strcpy(f->remote_ip, r->remote_ip.family == 6 ? "::" : "0.0.0.0");
    else
        cf_addr_format(&r->remote_ip, f->remote_ip);
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

static char *out_path(const char *name, int layout, int variant)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s-%s-%s.parquet", dir, name, layout ? "wide" : "nested",
             variant == CF_VARIANT_BI ? "bi" : "uni");
    return p;
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
    public_record r;
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

/* Converts CAPTURE (devices list or NULL) with the assembler, writing four
 * files, then reads each back. */
static void round_trip(const char *name, const char *capture, const char *devices, uint32_t packets,
                       uint32_t cells)
{
    char err[512];
    cf_config cfg;
    cf_config_init(&cfg);
    cfg.packets = packets;
    cfg.payload_cells = cells;
    cf_localnets local;
    cf_localnets_init(&local);
    cf_devices *dev = devices ? cf_devices_load(devices, err, sizeof err, NULL, NULL) : NULL;
    CHECK(!devices || dev);
    run x = {.local = &local};
    for (int l = 0; l < 2; l++) {
        cfg.layout = l ? CF_LAYOUT_WIDE : CF_LAYOUT_NESTED;
        for (int v = 0; v < 2; v++) {
            x.out[l][v] = cf_flowfile_open(out_path(name, l, v + 1), &cfg, err, sizeof err);
            CHECK(x.out[l][v] != NULL);
            if (!x.out[l][v])
                return;
            cf_flowfile_kv(x.out[l][v], CF_META_VARIANT, v ? "unidirectional" : "bidirectional");
            cf_flowfile_kv(x.out[l][v], CF_META_LAYOUT, l ? "wide" : "nested");
        }
    }
    cf_assembler_options ao = {.packets = cfg.packets,
                               .payload_bytes = cfg.payload_bytes,
                               .lifetime_us = cfg.lifetime_us,
                               .size_mode = cfg.size_mode,
                               .variants = CF_VARIANT_BI | CF_VARIANT_UNI};
    cf_assembler *as = cf_assembler_new(&ao, dev, &local, on_record, &x);
    cf_capture *cap = cf_capture_open(capture, NULL, err, sizeof err);
    CHECK(cap != NULL);
    if (cap) {
        cf_frame fr;
        cf_packet pkt;
        while (cf_capture_next(cap, &fr, err, sizeof err) == 1)
            if (cf_decode_frame(fr.linktype, fr.data, fr.cap_len, fr.wire_len, fr.ts_us, &pkt) ==
                CF_DECODED)
                cf_assembler_add(as, &pkt);
        cf_capture_close(cap);
    }
    cf_assembler_finish(as);
    CHECK(!x.failed);
    for (int l = 0; l < 2; l++)
        for (int v = 0; v < 2; v++)
            CHECK_EQ_INT(cf_flowfile_close(x.out[l][v], err, sizeof err), 0);
    size_t nbi = 0;
    for (size_t k = 0; k < x.n; k++)
        nbi += x.refs[k].variant == CF_VARIANT_BI;
    printf("%s: %zu bidirectional, %zu unidirectional records\n", name, nbi, x.n - nbi);
    CHECK(nbi > 0 && x.n > nbi);
    for (int l = 0; l < 2; l++)
        for (int v = 1; v <= 2; v++)
            compare(out_path(name, l, v), &x, v, l, cells);
    cf_assembler_free(as);
    free_refs(&x);
    cf_devices_free(dev);
    cf_localnets_free(&local);
}

/* ------------------------------------------------------------ bad files */

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

    /* Wide: payload cells that break the -4 bytes -8 pattern. */
    cf_config cfg;
    cf_config_init(&cfg);
    cfg.layout = CF_LAYOUT_WIDE;
    cfg.packets = 2;
    cfg.payload_cells = 6;
    snprintf(path, sizeof path, "%s/cells.parquet", dir);
    cf_flowfile *f = cf_flowfile_open(path, &cfg, err, sizeof err);
    CHECK(f != NULL);
    if (!f)
        return;
    int64_t off[2] = {0, 5};
    int32_t size[2] = {60, 61};
    int8_t dir8[2] = {1, 0};
    uint8_t p0[] = {1, 2, 3}, p1[] = {9};
    uint8_t *pay[2] = {p0, p1};
    uint32_t plen[2] = {3, 1};
    cf_record r = {.device = "cam",
                   .first_seen = 7,
                   .protocol = 17,
                   .total_packets = 2,
                   .n = 2,
                   .offset_us = off,
                   .size = size,
                   .direction = dir8,
                   .payload = pay,
                   .payload_len = plen};
    r.remote_ip.family = 4;
    cf_localnets local;
    cf_localnets_init(&local);
    CHECK_EQ_INT(cf_flowfile_write(f, &r, &local), 0);
    CHECK_EQ_INT(cf_flowfile_close(f, err, sizeof err), 0);
    cf_reader *rd = cf_reader_open(path, err, sizeof err);
    CHECK(rd != NULL);
    if (rd) {
        public_record pr;
        CHECK_EQ_INT(cf_reader_next(rd, &pr, err, sizeof err), 1);
        /* 6 cells: -4 1 2 3 -8, then one cell: no room for the second. */
        CHECK_EQ_INT(pr.n, 2);
        CHECK_EQ_INT(pr.payload_len[0], 3);
        CHECK(pr.payload_len[0] == 3 && !memcmp(pr.payload[0], p0, 3));
        CHECK_EQ_INT(pr.payload_len[1], 0);
        CHECK_EQ_INT(pr.size[1], 61);
        CHECK_EQ_INT(pr.direction[0], 1);
        CHECK_EQ_STR(pr.device, "cam");
        CHECK_EQ_INT(cf_reader_next(rd, &pr, err, sizeof err), 0);
        cf_reader_close(rd);
    }
    cf_localnets_free(&local);

    /* A truncated record file: an error naming the file, at open or read. */
    snprintf(path, sizeof path, "%s/sample-nested-bi.parquet", dir);
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
            public_record pr;
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
        round_trip("sample", cap, devs, 10, 3000);
        round_trip("small", cap, devs, 4, 40); /* payloads cut by few cells */
    }
    const char *real = "../shared/pcaps/iot/madea/training_2023-5-25_23_15_41.pcapng";
    if (access(real, R_OK) == 0)
        round_trip("madea", real, NULL, 10, 3000);
    else
        printf("skipped: %s absent\n", real);
    test_not_record_files();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
