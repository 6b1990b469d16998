/* Parquet reader: Thrift compact decoding and encodings on exact bytes,
 * round trips of files written by lib/parquet's writer (every type,
 * encoding, codec and list shape customflow uses, several pages and row
 * groups), and malformed files that must give errors, not crashes. */
#include "parquet/pq_read_enc.h"
#include "parquet/pq_read_thrift.h"
#include "parquet/pq_reader.h"
#include "parquet/pq_writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static char dir[256];

/* ------------------------------------------------------------ thrift */
static void test_thrift(void)
{
    /* struct { 1: i32 -3, 2: binary "ab", 4: true, 20: i64 300, 5(list<i32>)[1,2] } */
    static const uint8_t b[] = {0x15, 0x05, 0x18, 0x02, 'a',  'b',  0x21, 0x06, 0x28,
                                0xd8, 0x04, 0x09, 0x0a, 0x25, 0x02, 0x04, 0x00};
    /* note: field 20 is written with the long form (delta 0, zigzag id) */
    tr_reader t;
    tr_init(&t, b, sizeof b);
    int16_t last, id;
    int ft;
    int seen = 0;
    tr_struct_begin(&t, &last);
    while (tr_field(&t, &last, &ft, &id)) {
        if (id == 1) {
            CHECK_EQ_INT(ft, TC_I32);
            CHECK_EQ_INT(tr_int_value(&t, ft), -3);
            seen |= 1;
        } else if (id == 2) {
            uint32_t n;
            const uint8_t *p = tr_binary(&t, &n);
            CHECK_EQ_INT(n, 2);
            CHECK(p && !memcmp(p, "ab", 2));
            seen |= 2;
        } else if (id == 4) {
            CHECK_EQ_INT(tr_int_value(&t, ft), 1);
            seen |= 4;
        } else if (id == 20) {
            CHECK_EQ_INT(tr_int_value(&t, ft), 300);
            seen |= 8;
        } else if (id == 5) {
            int et;
            uint32_t n = tr_list(&t, &et);
            CHECK_EQ_INT(n, 2);
            CHECK_EQ_INT(et, TC_I32);
            CHECK_EQ_INT(tr_i32(&t), 1);
            CHECK_EQ_INT(tr_i32(&t), 2);
            seen |= 16;
        } else {
            tr_skip(&t, ft);
        }
    }
    tr_struct_end(&t);
    CHECK(t.err == NULL);
    CHECK_EQ_INT(seen, 31);
    CHECK(t.p == t.end);

    /* generic skip over a nested struct, a map, a double, a bool list */
    static const uint8_t s[] = {0x1c, 0x15, 0x02, 0x00,            /* 1: struct {1: i32 1} */
                                0x1b, 0x01, 0x85, 0x01, 'k', 0x02, /* 2: map<bin,i32>{k:1} */
                                0x17, 1,    2,    3,    4,   5,    6, 7, 8, /* 3: double */
                                0x19, 0x21, 0x01, 0x02,                     /* 4: list<bool>[t,f] */
                                0x15, 0x54, 0x00};                          /* 5: i32 42 */
    tr_init(&t, s, sizeof s);
    int64_t v = -1;
    tr_struct_begin(&t, &last);
    while (tr_field(&t, &last, &ft, &id))
        if (id == 5)
            v = tr_int_value(&t, ft);
        else
            tr_skip(&t, ft);
    tr_struct_end(&t);
    CHECK(t.err == NULL);
    CHECK_EQ_INT(v, 42);

    /* errors: truncated binary, list longer than data, deep nesting, bad type */
    static const uint8_t e1[] = {0x18, 0x05, 'a'};
    tr_init(&t, e1, sizeof e1);
    tr_skip(&t, TC_STRUCT);
    CHECK(t.err != NULL);
    static const uint8_t e2[] = {0x19, 0xf5, 0xff, 0xff, 0x7f};
    tr_init(&t, e2, sizeof e2);
    tr_skip(&t, TC_STRUCT);
    CHECK(t.err != NULL);
    uint8_t deep[200];
    memset(deep, 0x1c, sizeof deep);
    tr_init(&t, deep, sizeof deep);
    tr_skip(&t, TC_STRUCT);
    CHECK(t.err != NULL);
    static const uint8_t e3[] = {0x1d, 0x00};
    tr_init(&t, e3, sizeof e3);
    tr_skip(&t, TC_STRUCT);
    CHECK(t.err != NULL);
    static const uint8_t e4[] = {0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                 0xff, 0xff, 0xff, 0xff, 0x01, 0x00};
    tr_init(&t, e4, sizeof e4);
    tr_skip(&t, TC_STRUCT);
    CHECK(t.err != NULL);
}

/* ------------------------------------------------------------ encodings */
static void test_rle(void)
{
    const char *why = NULL;
    uint32_t out[20];
    /* RLE run: 5 x value 3 (bw 2), then bit-packed 1 group: 0..7 (bw 3) */
    static const uint8_t r1[] = {0x0a, 0x03};
    CHECK_EQ_INT(pq_rle_decode(r1, sizeof r1, 2, out, 5, NULL, &why), 0);
    for (int k = 0; k < 5; k++)
        CHECK_EQ_INT(out[k], 3);
    static const uint8_t r2[] = {0x03, 0x88, 0xc6, 0xfa};
    size_t used = 0;
    CHECK_EQ_INT(pq_rle_decode(r2, sizeof r2, 3, out, 8, &used, &why), 0);
    CHECK_EQ_INT(used, 4);
    for (int k = 0; k < 8; k++)
        CHECK_EQ_INT(out[k], k);
    /* fewer values wanted than the group holds */
    CHECK_EQ_INT(pq_rle_decode(r2, sizeof r2, 3, out, 6, NULL, &why), 0);
    CHECK_EQ_INT(out[5], 5);
    /* truncated: bit-packed group beyond the data, more values than runs */
    CHECK_EQ_INT(pq_rle_decode(r2, 3, 3, out, 8, NULL, &why), -1);
    CHECK_EQ_INT(pq_rle_decode(r1, sizeof r1, 2, out, 6, NULL, &why), -1);
    /* value wider than the bit width, zero run */
    static const uint8_t r3[] = {0x02, 0x04};
    CHECK_EQ_INT(pq_rle_decode(r3, sizeof r3, 2, out, 1, NULL, &why), -1);
    static const uint8_t r4[] = {0x00, 0x01};
    CHECK_EQ_INT(pq_rle_decode(r4, sizeof r4, 1, out, 1, NULL, &why), -1);
    /* bit width 0: runs of zeros */
    static const uint8_t r5[] = {0x08};
    CHECK_EQ_INT(pq_rle_decode(r5, sizeof r5, 0, out, 4, NULL, &why), 0);
    CHECK_EQ_INT(out[3], 0);
    CHECK_EQ_INT(pq_rle_decode(r5, sizeof r5, 33, out, 1, NULL, &why), -1);
}

static void test_delta(void)
{
    const char *why = NULL;
    int64_t out[70];
    /* Encodings.md example: 1 2 3 4 5 -> block 128, 4 miniblocks, total 5,
     * first 1 (zigzag 2), min delta 1 (zigzag 2), widths 0 0 0 0 */
    static const uint8_t d1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    size_t used;
    CHECK_EQ_INT(pq_delta_decode(d1, sizeof d1, out, 5, &used, &why), 0);
    for (int k = 0; k < 5; k++)
        CHECK_EQ_INT(out[k], k + 1);
    CHECK_EQ_INT(used, sizeof d1);
    /* 7 5 3 1 2 3 4 5: deltas -2 -2 -2 1 1 1 1, min -2 (zigzag 3), rel 0 0 0 3 3 3 3
     * bit width 2, one miniblock of 32 values -> 8 bytes */
    static const uint8_t d2[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 2, 0, 0,
                                 0,    0xc0, 0xff, 0,    0,    0,    0, 0, 0};
    CHECK_EQ_INT(pq_delta_decode(d2, sizeof d2, out, 8, &used, &why), 0);
    static const int64_t want2[] = {7, 5, 3, 1, 2, 3, 4, 5};
    for (int k = 0; k < 8; k++)
        CHECK_EQ_INT(out[k], want2[k]);
    /* count mismatch, truncated miniblock, bad block size */
    CHECK_EQ_INT(pq_delta_decode(d2, sizeof d2, out, 7, &used, &why), -1);
    CHECK_EQ_INT(pq_delta_decode(d2, 11, out, 8, &used, &why), -1);
    static const uint8_t d3[] = {0x81, 0x01, 0x04, 0x01, 0x00};
    CHECK_EQ_INT(pq_delta_decode(d3, sizeof d3, out, 1, &used, &why), -1);
    /* a single value needs no block */
    static const uint8_t d4[] = {0x80, 0x01, 0x04, 0x01, 0x01};
    CHECK_EQ_INT(pq_delta_decode(d4, sizeof d4, out, 1, &used, &why), 0);
    CHECK_EQ_INT(out[0], -1);
}

/* ------------------------------------------------------------ round trips */
enum {
    C_DEV,
    C_TS,
    C_IP,
    C_PROTO,
    C_DPORT,
    C_RPORT,
    C_BYTES,
    C_PKTS,
    C_OFF,
    C_SIZE,
    C_DIR,
    C_PAY,
    C_OPT,
    C_BOOL,
    NCOLS
};

static const pq_column_spec schema[NCOLS] = {
    {"device", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {"first_seen", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_REQUIRED, PQ_ENC_DELTA},
    {"remote_ip", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {"protocol", PQ_INT32, PQ_LOGICAL_INT, 8, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {"device_port", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {"remote_port", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_DELTA},
    {"total_bytes", PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_PLAIN},
    {"total_packets", PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY},
    {"pkt_offset_us", PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_PLAIN},
    {"pkt_size", PQ_INT32, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_DELTA},
    {"pkt_direction", PQ_INT32, PQ_LOGICAL_INT, 8, 1, PQ_LIST, PQ_ENC_DICTIONARY},
    {"pkt_payload", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_PLAIN},
    {"opt_i32", PQ_INT32, PQ_LOGICAL_INT, 16, 1, PQ_OPTIONAL, PQ_ENC_PLAIN},
    {"flag", PQ_BOOLEAN, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_PLAIN},
};

static uint64_t rs;
static uint32_t rnd(void)
{
    rs = rs * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rs >> 33);
}

#define NROWS 3000
#define MAXL 6

typedef struct row {
    char dev[16], ip[24];
    int64_t ts, bytes, pkts;
    int32_t proto, dport, rport, opt;
    int opt_null, flag;
    int list_null; /* pkt_offset_us NULL list */
    uint32_t n;
    int64_t off[MAXL];
    int32_t size[MAXL], dir[MAXL];
    uint8_t pay[MAXL][40];
    uint32_t plen[MAXL];
} row;

static row rows[NROWS];

static void make_rows(void)
{
    rs = 42;
    int64_t t = 1474588800000000;
    for (int k = 0; k < NROWS; k++) {
        row *r = &rows[k];
        snprintf(r->dev, sizeof r->dev, "dev%u", rnd() % 7);
        snprintf(r->ip, sizeof r->ip, "10.%u.%u.%u", rnd() % 3, rnd() % 256, rnd() % 256);
        t += rnd() % 5000000;
        r->ts = t;
        r->proto = (int32_t)(rnd() % 2 ? 6 : 17);
        r->dport = (int32_t)(rnd() % 65536);
        r->rport = (int32_t)(rnd() % 65536);
        r->bytes = (int64_t)rnd() * 1000 - 5;
        r->pkts = rnd() % 40;
        r->opt = (int32_t)(rnd() % 65536) - 32768;
        r->opt_null = rnd() % 4 == 0;
        r->flag = rnd() % 2;
        r->n = rnd() % (MAXL + 1);
        r->list_null = r->n == 0 && rnd() % 2;
        for (uint32_t i = 0; i < r->n; i++) {
            r->off[i] = (int64_t)(rnd() % 60000000) - (i == 2 ? 1000 : 0);
            r->size[i] = (int32_t)(rnd() % 1600);
            r->dir[i] = (int32_t)(rnd() % 2);
            r->plen[i] = rnd() % 40;
            for (uint32_t j = 0; j < r->plen[i]; j++)
                r->pay[i][j] = (uint8_t)rnd();
        }
    }
}

static int write_file(const char *path, pq_codec codec, size_t rg_bytes, size_t page_bytes)
{
    char err[512];
    pq_options o = {0};
    o.codec = codec;
    o.row_group_bytes = rg_bytes;
    o.page_bytes = page_bytes;
    pq_writer *w = pq_open(path, schema, NCOLS, &o, err, sizeof err);
    if (!w) {
        fprintf(stderr, "pq_open: %s\n", err);
        return -1;
    }
    pq_set_kv(w, "customflow.variant", "bidirectional");
    pq_set_kv(w, "empty", "");
    int bad = 0;
    for (int k = 0; k < NROWS && !bad; k++) {
        row *r = &rows[k];
        const uint8_t *pp[MAXL];
        for (uint32_t i = 0; i < r->n; i++)
            pp[i] = r->pay[i];
        bad |= pq_put_bytes(w, C_DEV, r->dev, (uint32_t)strlen(r->dev));
        bad |= pq_put_int64(w, C_TS, r->ts);
        bad |= pq_put_bytes(w, C_IP, r->ip, (uint32_t)strlen(r->ip));
        bad |= pq_put_int32(w, C_PROTO, r->proto);
        bad |= pq_put_int32(w, C_DPORT, r->dport);
        bad |= pq_put_int32(w, C_RPORT, r->rport);
        bad |= pq_put_int64(w, C_BYTES, r->bytes);
        bad |= pq_put_int64(w, C_PKTS, r->pkts);
        if (r->list_null)
            bad |= pq_put_null(w, C_OFF);
        else
            bad |= pq_put_list_int64(w, C_OFF, r->off, r->n);
        bad |= pq_put_list_int32(w, C_SIZE, r->size, r->n);
        bad |= pq_put_list_int32(w, C_DIR, r->dir, r->n);
        bad |= pq_put_list_bytes(w, C_PAY, pp, r->plen, r->n);
        bad |= r->opt_null ? pq_put_null(w, C_OPT) : pq_put_int32(w, C_OPT, r->opt);
        bad |= pq_put_bool(w, C_BOOL, r->flag);
        bad |= pq_end_row(w);
    }
    if (bad) {
        fprintf(stderr, "write: %s\n", pq_error(w));
        pq_abort(w);
        return -1;
    }
    return pq_close(w, err, sizeof err);
}

/* Checks one file's every value against rows[]. */
static void check_file(const char *path, int want_multi_rg)
{
    char err[512];
    pq_reader *r = pq_reader_open(path, err, sizeof err);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_EQ_INT(pq_reader_num_rows(r), NROWS);
    CHECK_EQ_INT(pq_reader_num_leaves(r), NCOLS);
    CHECK_EQ_STR(pq_reader_kv_get(r, "customflow.variant"), "bidirectional");
    CHECK_EQ_STR(pq_reader_kv_get(r, "empty"), "");
    CHECK(pq_reader_kv_get(r, "nope") == NULL);
    if (want_multi_rg)
        CHECK(pq_reader_num_row_groups(r) > 1);
    const pq_leaf *l = pq_reader_leaf(r, C_DEV);
    CHECK_EQ_STR(l->path, "device");
    CHECK_EQ_INT(l->type, PQ_TYPE_BYTE_ARRAY);
    CHECK_EQ_INT(l->logical, PQR_LT_STRING);
    CHECK_EQ_INT(l->max_def, 0);
    l = pq_reader_leaf(r, C_TS);
    CHECK_EQ_INT(l->logical, PQR_LT_TIMESTAMP);
    CHECK_EQ_INT(l->time_unit, PQ_UNIT_MICROS);
    CHECK_EQ_INT(l->utc, 1);
    l = pq_reader_leaf(r, C_PROTO);
    CHECK_EQ_INT(l->logical, PQR_LT_INT);
    CHECK_EQ_INT(l->int_bits, 8);
    CHECK_EQ_INT(l->int_signed, 0);
    l = pq_reader_leaf(r, C_DIR);
    CHECK_EQ_STR(l->path, "pkt_direction.list.element");
    CHECK_EQ_STR(l->top, "pkt_direction");
    CHECK_EQ_INT(l->top_logical, PQR_LT_LIST);
    CHECK_EQ_INT(l->int_bits, 8);
    CHECK_EQ_INT(l->int_signed, 1);
    CHECK_EQ_INT(l->max_def, 2);
    CHECK_EQ_INT(l->max_rep, 1);
    l = pq_reader_leaf(r, C_OPT);
    CHECK_EQ_INT(l->max_def, 1);
    CHECK_EQ_INT(l->max_rep, 0);
    CHECK_EQ_INT(pq_reader_find(r, "pkt_payload"), C_PAY);
    CHECK_EQ_INT(pq_reader_find(r, "pkt_size.list.element"), C_SIZE);
    CHECK_EQ_INT(pq_reader_find(r, "nope"), -1);

    pq_column col[NCOLS];
    memset(col, 0, sizeof col);
    int base = 0, mismatches = 0, failures = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        int64_t nr = pq_reader_row_group_rows(r, g);
        for (int c = 0; c < NCOLS; c++)
            if (pq_read_column(r, g, (size_t)c, &col[c], err, sizeof err)) {
                fprintf(stderr, "%s\n", err);
                failures++;
            }
        if (failures)
            break;
        size_t li[NCOLS] = {0}, vi[NCOLS] = {0};
        for (int64_t k = 0; k < nr; k++) {
            const row *w = &rows[base + k];
            int ok = 1;
            const pq_column *c = col;
#define BYTES_EQ(cc, v, p, len)                                                                    \
    ((cc)->off[(v) + 1] - (cc)->off[v] == (len) && !memcmp((cc)->bytes + (cc)->off[v], p, len))
            ok &= BYTES_EQ(&c[C_DEV], (size_t)k, w->dev, strlen(w->dev));
            ok &= c[C_TS].i[k] == w->ts;
            ok &= BYTES_EQ(&c[C_IP], (size_t)k, w->ip, strlen(w->ip));
            ok &= c[C_PROTO].i[k] == w->proto && c[C_DPORT].i[k] == w->dport;
            ok &= c[C_RPORT].i[k] == w->rport && c[C_BYTES].i[k] == w->bytes;
            ok &= c[C_PKTS].i[k] == w->pkts && c[C_BOOL].i[k] == w->flag;
            /* optional */
            if (w->opt_null) {
                ok &= c[C_OPT].def[li[C_OPT]++] == 0;
            } else {
                ok &= c[C_OPT].def[li[C_OPT]++] == 1;
                ok &= c[C_OPT].i[vi[C_OPT]++] == w->opt;
            }
            /* lists */
            for (int lc = C_OFF; lc <= C_PAY; lc++) {
                const pq_column *x = &c[lc];
                if (w->n == 0) {
                    int want_def = lc == C_OFF && w->list_null ? 0 : 1;
                    ok &= x->rep[li[lc]] == 0 && x->def[li[lc]] == want_def;
                    li[lc]++;
                    continue;
                }
                for (uint32_t i = 0; i < w->n; i++) {
                    ok &= x->rep[li[lc]] == (i ? 1 : 0) && x->def[li[lc]] == 2;
                    li[lc]++;
                    size_t v = vi[lc]++;
                    if (lc == C_OFF)
                        ok &= x->i[v] == w->off[i];
                    else if (lc == C_SIZE)
                        ok &= x->i[v] == w->size[i];
                    else if (lc == C_DIR)
                        ok &= x->i[v] == w->dir[i];
                    else
                        ok &= BYTES_EQ(x, v, w->pay[i], w->plen[i]);
                }
            }
            if (!ok && mismatches++ < 3)
                fprintf(stderr, "%s: row %d differs\n", path, base + (int)k);
        }
        for (int lc = C_OFF; lc <= C_OPT; lc++) {
            CHECK_EQ_INT(li[lc], col[lc].n);
            CHECK_EQ_INT(vi[lc], col[lc].nvals);
        }
        CHECK_EQ_INT(col[C_DEV].n, nr);
        base += (int)nr;
    }
    CHECK_EQ_INT(failures, 0);
    CHECK_EQ_INT(mismatches, 0);
    CHECK_EQ_INT(base, NROWS);
    for (int c = 0; c < NCOLS; c++)
        pq_column_free(&col[c]);
    pq_reader_close(r);
}

static void test_round_trips(void)
{
    make_rows();
    static const struct {
        pq_codec codec;
        const char *name;
    } codecs[] = {{PQ_CODEC_ZSTD, "zstd"},
                  {PQ_CODEC_SNAPPY, "snappy"},
                  {PQ_CODEC_GZIP, "gzip"},
                  {PQ_CODEC_UNCOMPRESSED, "none"}};
    for (size_t k = 0; k < 4; k++) {
        char path[512];
        /* one row group of default-sized pages, and many small ones */
        snprintf(path, sizeof path, "%s/one-%s.parquet", dir, codecs[k].name);
        CHECK_EQ_INT(write_file(path, codecs[k].codec, 0, 0), 0);
        check_file(path, 0);
        snprintf(path, sizeof path, "%s/many-%s.parquet", dir, codecs[k].name);
        CHECK_EQ_INT(write_file(path, codecs[k].codec, 40000, 2000), 0);
        check_file(path, 1);
    }
}

/* ------------------------------------------------------------ malformed */
static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)len + 1);
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return b;
}

static void spit(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(b, 1, n, f);
        fclose(f);
    }
}

/* Opens and, if it opens, reads every column of every row group; returns
 * 0 when all worked, -1 on the first error (with a message naming path). */
static int read_all(const char *path, char *err, size_t errlen)
{
    pq_reader *r = pq_reader_open(path, err, errlen);
    if (!r)
        return -1;
    pq_column c = {0};
    int rc = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r) && !rc; g++)
        for (size_t k = 0; k < pq_reader_num_leaves(r) && !rc; k++)
            rc = pq_read_column(r, g, k, &c, err, errlen);
    pq_column_free(&c);
    pq_reader_close(r);
    return rc;
}

static void test_malformed(void)
{
    char src[512], bad[512], err[512];
    snprintf(src, sizeof src, "%s/many-zstd.parquet", dir);
    snprintf(bad, sizeof bad, "%s/bad.parquet", dir);
    size_t n;
    uint8_t *b = slurp(src, &n);
    CHECK(b != NULL);
    if (!b)
        return;
    uint8_t *m = malloc(n);
    CHECK_EQ_INT(read_all(src, err, sizeof err), 0);

    /* missing file, too short, bad magic, footer length beyond the file */
    snprintf(err, sizeof err, "-");
    CHECK_EQ_INT(read_all("/nonexistent/x.parquet", err, sizeof err), -1);
    CHECK(strstr(err, "/nonexistent/x.parquet") != NULL);
    spit(bad, b, 10);
    CHECK_EQ_INT(read_all(bad, err, sizeof err), -1);
    CHECK(strstr(err, bad) != NULL);
    memcpy(m, b, n);
    m[n - 1] = 'X';
    spit(bad, m, n);
    CHECK_EQ_INT(read_all(bad, err, sizeof err), -1);
    CHECK(strstr(err, "magic") != NULL);
    memcpy(m, b, n);
    m[n - 5] = 0x7f;
    spit(bad, m, n);
    CHECK_EQ_INT(read_all(bad, err, sizeof err), -1);
    CHECK(strstr(err, "footer length") != NULL);
    /* truncated file: the tail cut, magic re-added */
    memcpy(m, b, n);
    memcpy(m + n / 2, b + n - 8, 8);
    spit(bad, m, n / 2 + 8);
    CHECK_EQ_INT(read_all(bad, err, sizeof err), -1);
    /* garbage thrift in the footer */
    uint32_t flen = (uint32_t)b[n - 8] | (uint32_t)b[n - 7] << 8 | (uint32_t)b[n - 6] << 16 |
                    (uint32_t)b[n - 5] << 24;
    memcpy(m, b, n);
    memset(m + n - 8 - flen, 0xff, flen);
    spit(bad, m, n);
    CHECK_EQ_INT(read_all(bad, err, sizeof err), -1);
    CHECK(strstr(err, "footer") != NULL);
    /* footer cut at every length: never a crash, always an error */
    int errors = 0, tries = 0;
    for (uint32_t cut = 0; cut < flen; cut += flen / 97 + 1) {
        size_t len = n - 8 - flen + cut;
        memcpy(m, b, len);
        m[len] = (uint8_t)cut;
        m[len + 1] = (uint8_t)(cut >> 8);
        m[len + 2] = (uint8_t)(cut >> 16);
        m[len + 3] = (uint8_t)(cut >> 24);
        memcpy(m + len + 4, "PAR1", 4);
        /* the footer now starts later: thrift from the middle of pages */
        spit(bad, m, len + 8);
        tries++;
        errors += read_all(bad, err, sizeof err) != 0;
    }
    CHECK(errors >= tries - 1);
    /* corrupt data pages: flip bytes all over the file (reads may or may
     * not fail; they must not crash) */
    rs = 7;
    for (int k = 0; k < 300; k++) {
        memcpy(m, b, n);
        for (int j = 0; j < 4; j++)
            m[4 + rnd() % (n - 12 - flen)] ^= (uint8_t)(1 + rnd() % 255);
        spit(bad, m, n);
        (void)read_all(bad, err, sizeof err);
        memcpy(m, b, n);
        m[n - 8 - flen + rnd() % flen] = (uint8_t)rnd();
        spit(bad, m, n);
        (void)read_all(bad, err, sizeof err);
    }
    CHECK(1);
    /* a directory is not a file */
    CHECK_EQ_INT(read_all(dir, err, sizeof err), -1);
    free(m);
    free(b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_pq_reader.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_thrift();
    test_rle();
    test_delta();
    test_round_trips();
    test_malformed();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
