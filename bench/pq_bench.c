/* pq_bench: throughput of the Parquet writer on custom-flow-like rows.
 *
 * Usage: pq_bench [options] ROWS OUT.parquet
 *   -c zstd|snappy|gzip|none   codec (default zstd)
 *   -l LEVEL                   compression level (default: codec default)
 *   -g BYTES                   row group size (default: the writer's, 64 MiB)
 *   -n                         generate the rows only, write nothing (measures
 *                              the generator's share of the time)
 *
 * Rows are deterministic (seeded PRNG): device (30 names), first_seen
 * (increasing timestamps), remote_ip (a pool of 5000 addresses), protocol,
 * ports, totals, and for 1..10 packets: offsets, sizes, directions and
 * payloads of 0..64 bytes (TLS/DNS/HTTP-like heads, random tails, many
 * empty). Prints one line:
 *   rows=N elapsed_s=S rows_per_s=R file_bytes=B codec=C
 */
#include "parquet/pq_writer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t rs = 0x5eed;
static inline uint64_t rnd(void)
{
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline uint32_t rndn(uint32_t n)
{
    return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { DEVICE, FIRST_SEEN, REMOTE_IP, PROTO, DPORT, RPORT, TBYTES, TPKTS, OFFS, SIZES, DIRS, PAYS };

static const pq_column_spec cols[] = {
    {"device", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO},
    {"first_seen", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_REQUIRED, PQ_ENC_DELTA},
    {"remote_ip", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO},
    {"protocol", PQ_INT32, PQ_LOGICAL_INT, 8, 0, PQ_REQUIRED, PQ_ENC_AUTO},
    {"device_port", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_AUTO},
    {"remote_port", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_AUTO},
    {"total_bytes", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_REQUIRED, PQ_ENC_AUTO},
    {"total_packets", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_REQUIRED, PQ_ENC_AUTO},
    {"pkt_offset_us", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_LIST, PQ_ENC_AUTO},
    {"pkt_size", PQ_INT32, PQ_LOGICAL_INT, 32, 1, PQ_LIST, PQ_ENC_AUTO},
    {"pkt_direction", PQ_INT32, PQ_LOGICAL_INT, 8, 1, PQ_LIST, PQ_ENC_AUTO},
    {"pkt_payload", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_AUTO},
};
#define NCOLS (sizeof cols / sizeof cols[0])

typedef struct row {
    char device[32];
    uint32_t device_len;
    int64_t first_seen;
    char ip[48];
    uint32_t ip_len;
    int32_t proto, dport, rport;
    int64_t tbytes, tpkts;
    size_t n;
    int64_t off[10];
    int32_t size[10], dir[10];
    uint8_t pay[10][64];
    const uint8_t *pp[10];
    uint32_t pl[10];
} row;

static void gen_row(row *r, int64_t *ts)
{
    static const char *const devs[] = {"Amazon Echo",
                                       "Belkin Wemo switch",
                                       "Belkin wemo motion sensor",
                                       "Blipcare Blood Pressure meter",
                                       "Dropcam",
                                       "HP Printer",
                                       "iHome",
                                       "Insteon Camera",
                                       "Light Bulbs LiFX Smart Bulb",
                                       "NEST Protect smoke alarm",
                                       "Netatmo weather station",
                                       "Netatmo Welcome",
                                       "PIX-STAR Photo-frame",
                                       "Samsung SmartCam",
                                       "Smart Things",
                                       "TP-Link Day Night Cloud camera",
                                       "TP-Link Smart plug",
                                       "Triby Speaker",
                                       "Withings Aura smart sleep sensor",
                                       "Withings Smart Baby Monitor",
                                       "Withings Smart scale",
                                       "Android Phone",
                                       "Laptop",
                                       "MacBook",
                                       "IPhone",
                                       "Samsung Galaxy Tab",
                                       "44:65:0d:56:cc:d3",
                                       "70:ee:50:18:34:43",
                                       "d0:52:a8:00:67:5e",
                                       "18:b7:9e:02:20:44"};
    const char *d = devs[rndn(30)];
    r->device_len = (uint32_t)strlen(d);
    memcpy(r->device, d, r->device_len);
    *ts += rndn(20000);
    r->first_seen = *ts;
    uint32_t ipi = rndn(5000);
    if (ipi < 400)
        r->ip_len = (uint32_t)snprintf(r->ip, sizeof r->ip, "0.0.0.0");
    else if (ipi < 700)
        r->ip_len = (uint32_t)snprintf(r->ip, sizeof r->ip, "2600:1f18:%x::%x", ipi, ipi * 7);
    else
        r->ip_len = (uint32_t)snprintf(r->ip, sizeof r->ip, "%u.%u.%u.%u", 13 + ipi % 190,
                                       (ipi * 37) & 255, (ipi * 11) & 255, (ipi * 101) & 255);
    uint32_t p = rndn(10);
    r->proto = p < 6 ? 6 : p < 9 ? 17 : 1;
    r->dport = r->proto == 1 ? 0 : (int32_t)(32768 + rndn(28000));
    r->rport = r->proto == 1 ? 0 : p < 4 ? 443 : p < 6 ? 80 : p < 8 ? 53 : 123;
    r->n = 1 + rndn(10);
    int64_t bytes = 0;
    for (size_t i = 0; i < r->n; i++) {
        r->off[i] = i ? r->off[i - 1] + rndn(200000) : 0;
        r->dir[i] = (int32_t)rndn(2);
        uint32_t kind = rndn(10), len = 0;
        uint8_t *b = r->pay[i];
        if (kind < 4) { /* empty: ACKs */
            len = 0;
        } else if (kind < 7) { /* TLS record head + random */
            len = 5 + rndn(60);
            b[0] = 0x17;
            b[1] = 0x03;
            b[2] = 0x03;
            b[3] = (uint8_t)rndn(4);
            b[4] = (uint8_t)rndn(256);
            for (uint32_t k = 5; k < len; k++)
                b[k] = (uint8_t)rnd();
        } else if (kind < 9) { /* DNS-like query */
            static const uint8_t q[] = {0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x06, 'a',  'm',  'a',  'z',  'o',
                                        'n',  0x03, 'c',  'o',  'm',  0x00, 0x00, 0x01};
            b[0] = (uint8_t)rnd();
            b[1] = (uint8_t)rnd();
            memcpy(b + 2, q, sizeof q);
            len = 2 + (uint32_t)sizeof q;
        } else { /* HTTP-like text */
            static const char h[] = "GET /api/v1/status HTTP/1.1\r\nHost: device.example\r\n\r\n";
            len = 20 + rndn(sizeof h - 21);
            memcpy(b, h, len);
        }
        r->pl[i] = len;
        r->pp[i] = b;
        r->size[i] = 54 + (int32_t)len + (int32_t)(kind < 4 ? 0 : rndn(1400));
        bytes += r->size[i];
    }
    int64_t extra = rndn(4);
    extra *= rndn(1000000);
    r->tbytes = bytes + extra;
    r->tpkts = (int64_t)r->n + (r->n == 10 ? (int64_t)rndn(500) : 0);
}

static int put_row(pq_writer *w, const row *r)
{
    int rc = 0;
    rc |= pq_put_bytes(w, DEVICE, r->device, r->device_len);
    rc |= pq_put_int64(w, FIRST_SEEN, r->first_seen);
    rc |= pq_put_bytes(w, REMOTE_IP, r->ip, r->ip_len);
    rc |= pq_put_int32(w, PROTO, r->proto);
    rc |= pq_put_int32(w, DPORT, r->dport);
    rc |= pq_put_int32(w, RPORT, r->rport);
    rc |= pq_put_int64(w, TBYTES, r->tbytes);
    rc |= pq_put_int64(w, TPKTS, r->tpkts);
    rc |= pq_put_list_int64(w, OFFS, r->off, r->n);
    rc |= pq_put_list_int32(w, SIZES, r->size, r->n);
    rc |= pq_put_list_int32(w, DIRS, r->dir, r->n);
    rc |= pq_put_list_bytes(w, PAYS, r->pp, r->pl, r->n);
    rc |= pq_end_row(w);
    return rc ? -1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: pq_bench [-c zstd|snappy|gzip|none] [-l LEVEL] [-g ROW_GROUP_BYTES] "
                    "[-n] ROWS OUT.parquet\n");
    exit(2);
}

int main(int argc, char **argv)
{
    pq_options o = {.codec = PQ_CODEC_ZSTD};
    const char *cname = "zstd";
    int gen_only = 0, opt;
    while ((opt = getopt(argc, argv, "c:l:g:n")) != -1) {
        switch (opt) {
        case 'c':
            cname = optarg;
            if (strcmp(optarg, "zstd") == 0)
                o.codec = PQ_CODEC_ZSTD;
            else if (strcmp(optarg, "snappy") == 0)
                o.codec = PQ_CODEC_SNAPPY;
            else if (strcmp(optarg, "gzip") == 0)
                o.codec = PQ_CODEC_GZIP;
            else if (strcmp(optarg, "none") == 0)
                o.codec = PQ_CODEC_UNCOMPRESSED;
            else
                usage();
            break;
        case 'l':
            o.compression_level = atoi(optarg);
            break;
        case 'g':
            o.row_group_bytes = (size_t)strtoull(optarg, NULL, 10);
            break;
        case 'n':
            gen_only = 1;
            break;
        default:
            usage();
        }
    }
    if (argc - optind != 2)
        usage();
    uint64_t nrows = strtoull(argv[optind], NULL, 10);
    const char *out = argv[optind + 1];
    char err[512];
    static row r;
    int64_t ts = 1474552800000000ll;
    double t0 = now();
    if (gen_only) {
        uint64_t sink = 0;
        for (uint64_t i = 0; i < nrows; i++) {
            gen_row(&r, &ts);
            sink += r.n + r.pl[0];
        }
        double el = now() - t0;
        printf("rows=%" PRIu64 " elapsed_s=%.3f rows_per_s=%.0f generate_only=1 sink=%" PRIu64 "\n",
               nrows, el, (double)nrows / el, sink);
        return 0;
    }
    pq_writer *w = pq_open(out, cols, NCOLS, &o, err, sizeof err);
    if (!w) {
        fprintf(stderr, "pq_bench: %s\n", err);
        return 1;
    }
    for (uint64_t i = 0; i < nrows; i++) {
        gen_row(&r, &ts);
        if (put_row(w, &r) != 0) {
            fprintf(stderr, "pq_bench: row %" PRIu64 ": %s\n", i, pq_error(w));
            pq_abort(w);
            return 1;
        }
    }
    if (pq_close(w, err, sizeof err) != 0) {
        fprintf(stderr, "pq_bench: %s\n", err);
        return 1;
    }
    double el = now() - t0;
    struct stat st;
    long long size = stat(out, &st) == 0 ? (long long)st.st_size : -1;
    printf("rows=%" PRIu64 " elapsed_s=%.3f rows_per_s=%.0f file_bytes=%lld codec=%s\n", nrows, el,
           (double)nrows / el, size, cname);
    return 0;
}
