/* Unit tests of the Parquet writer: exact bytes where parquet-format and
 * the Thrift compact protocol fix them, round trips of the encodings, and
 * whole files (structure, error paths, no leftover files). */
#include "check.h"
#include "customflow.h"
#include "parquet/pq_compress.h"
#include "parquet/pq_dict.h"
#include "parquet/pq_encode.h"
#include "parquet/pq_stats.h"
#include "parquet/pq_writer.h"
#include "parquet/thrift_compact.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

static int bytes_eq(const pq_buf *b, const uint8_t *want, size_t n)
{
    if (b->len != n || memcmp(b->p, want, n) != 0) {
        fprintf(stderr, "  got %zu bytes:", b->len);
        for (size_t i = 0; i < b->len && i < 64; i++)
            fprintf(stderr, " %02x", b->p[i]);
        fprintf(stderr, "\n");
        return 0;
    }
    return 1;
}
#define CHECK_BYTES(buf, ...)                                                                      \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        CHECK(bytes_eq(buf, want_, sizeof want_));                                                 \
    } while (0)

/* ---- small decoders, to round-trip the encoders ---- */

static uint64_t get_uvarint(const uint8_t **p, const uint8_t *end)
{
    uint64_t v = 0;
    for (int s = 0; *p < end && s < 64; s += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80))
            break;
    }
    return v;
}

static uint64_t get_bits(const uint8_t *p, size_t bitpos, int bw)
{
    uint64_t v = 0;
    for (int i = 0; i < bw; i++, bitpos++)
        v |= (uint64_t)((p[bitpos / 8] >> (bitpos % 8)) & 1) << i;
    return v;
}

/* Decodes n values of an RLE/bit-packed hybrid stream; -1 if malformed. */
static int rle_decode(const uint8_t *p, size_t len, int bw, uint32_t *out, size_t n)
{
    const uint8_t *end = p + len;
    size_t got = 0;
    while (got < n) {
        if (p >= end)
            return -1;
        uint64_t h = get_uvarint(&p, end);
        if (h & 1) {
            size_t cnt = (size_t)(h >> 1) * 8, bytes = (size_t)(h >> 1) * (size_t)bw;
            if ((size_t)(end - p) < bytes)
                return -1;
            for (size_t i = 0; i < cnt && got < n; i++)
                out[got++] = (uint32_t)get_bits(p, i * (size_t)bw, bw);
            p += bytes;
        } else {
            size_t cnt = (size_t)(h >> 1);
            uint32_t v = 0;
            for (int b = 0; b < (bw + 7) / 8; b++)
                v |= (uint32_t)*p++ << (8 * b);
            for (size_t i = 0; i < cnt && got < n; i++)
                out[got++] = v;
        }
    }
    return p == end ? 0 : -1;
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* DELTA_BINARY_PACKED decoder (64-bit wraparound). Returns the count. */
static long delta_decode(const uint8_t *p, size_t len, int64_t *out, size_t cap, int width)
{
    const uint8_t *end = p + len;
    uint64_t block = get_uvarint(&p, end), mbs = get_uvarint(&p, end);
    uint64_t total = get_uvarint(&p, end);
    int64_t v = unzigzag(get_uvarint(&p, end));
    if (block != 128 || mbs != 4 || total > cap)
        return -1;
    if (total)
        out[0] = v;
    size_t got = total ? 1 : 0;
    while (got < total) {
        int64_t min = unzigzag(get_uvarint(&p, end));
        if (end - p < 4)
            return -1;
        const uint8_t *bws = p;
        p += 4;
        for (int m = 0; m < 4 && got < total; m++) {
            int bw = bws[m];
            if (bw > 64 || (size_t)(end - p) < (size_t)bw * 4)
                return -1;
            for (int i = 0; i < 32 && got < total; i++) {
                uint64_t d = (uint64_t)min + get_bits(p, (size_t)i * (size_t)bw, bw);
                v = (int64_t)((uint64_t)v + d);
                if (width == 32)
                    v = (int32_t)(uint32_t)v;
                out[got++] = v;
            }
            p += bw * 4;
        }
    }
    return p == end ? (long)total : -1;
}

/* ---- tests ---- */

static void test_varint_zigzag(void)
{
    CHECK_EQ_INT(pq_zigzag32(0), 0);
    CHECK_EQ_INT(pq_zigzag32(-1), 1);
    CHECK_EQ_INT(pq_zigzag32(1), 2);
    CHECK_EQ_INT(pq_zigzag32(-2), 3);
    CHECK_EQ_INT(pq_zigzag32(INT32_MAX), 0xfffffffeu);
    CHECK_EQ_INT(pq_zigzag32(INT32_MIN), 0xffffffffu);
    CHECK(pq_zigzag64(INT64_MIN) == UINT64_MAX);
    CHECK(pq_zigzag64(INT64_MAX) == UINT64_MAX - 1);
    pq_buf b = {0};
    pq_buf_uvarint(&b, 0);
    pq_buf_uvarint(&b, 127);
    pq_buf_uvarint(&b, 128);
    pq_buf_uvarint(&b, 300);
    CHECK_BYTES(&b, 0x00, 0x7f, 0x80, 0x01, 0xac, 0x02);
    b.len = 0;
    pq_buf_uvarint(&b, UINT64_MAX);
    CHECK_BYTES(&b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    pq_buf_free(&b);
}

static void test_thrift(void)
{
    pq_buf b = {0};
    tc_writer t;
    tc_init(&t, &b);
    tc_field_i32(&t, 1, 3);
    tc_field_string(&t, 2, "ab");
    tc_field_bool(&t, 4, 1);
    tc_field_i64(&t, 20, -1); /* delta 16: long form */
    tc_field_struct_begin(&t, 21);
    tc_field_i8(&t, 1, 7);
    tc_field_bool(&t, 2, 0);
    tc_struct_end(&t);
    tc_field_list_begin(&t, 22, TC_I32, 2);
    tc_elem_i32(&t, 1);
    tc_elem_i32(&t, 2);
    tc_field_i16(&t, 23, -3);
    CHECK_EQ_INT(tc_finish(&t), 0);
    CHECK_BYTES(&b, 0x15, 0x06, 0x18, 0x02, 'a', 'b', 0x21, 0x06, 0x28, 0x01, 0x1c, 0x13, 0x07,
                0x12, 0x00, 0x19, 0x25, 0x02, 0x04, 0x14, 0x05, 0x00);

    /* Lists of 15+ elements use the long header; struct elements. */
    b.len = 0;
    tc_init(&t, &b);
    tc_field_list_begin(&t, 1, TC_STRUCT, 15);
    for (int i = 0; i < 15; i++) {
        tc_elem_struct_begin(&t);
        tc_struct_end(&t);
    }
    tc_field_list_begin(&t, 2, TC_BINARY, 1);
    tc_elem_binary(&t, "x", 1);
    CHECK_EQ_INT(tc_finish(&t), 0);
    CHECK_BYTES(&b, 0x19, 0xfc, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x19, 0x18, 0x01,
                'x', 0x00);

    /* Unbalanced struct end is reported. */
    b.len = 0;
    tc_init(&t, &b);
    tc_struct_end(&t);
    CHECK_EQ_INT(tc_finish(&t), -1);
    pq_buf_free(&b);
}

static void test_rle(void)
{
    pq_buf b = {0};
    uint8_t ones[10];
    memset(ones, 1, sizeof ones);
    CHECK_EQ_INT(pq_rle_u8(&b, ones, 10, 1), 0);
    CHECK_BYTES(&b, 0x14, 0x01);

    b.len = 0;
    uint8_t alt[8] = {0, 1, 0, 1, 0, 1, 0, 1};
    pq_rle_u8(&b, alt, 8, 1);
    CHECK_BYTES(&b, 0x03, 0xaa);

    /* A run too short once aligned to 8 stays bit-packed (padded at end). */
    b.len = 0;
    uint32_t mix[13] = {2, 0, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    pq_rle_u32(&b, mix, 13, 2);
    CHECK_BYTES(&b, 0x05, 0xd2, 0xff, 0xff, 0x03);

    /* Literal stretch is extended to a multiple of 8 before the run. */
    b.len = 0;
    uint32_t v2[23];
    for (int i = 0; i < 23; i++)
        v2[i] = i < 3 ? 5 : 7;
    pq_rle_u32(&b, v2, 23, 3);
    CHECK_BYTES(&b, 0x03, 0x6d, 0xff, 0xff, 0x1e, 0x07);

    /* Width 0 and 9+ bit values (two value bytes in a run). */
    b.len = 0;
    uint32_t z[9] = {0};
    pq_rle_u32(&b, z, 9, 0);
    CHECK_BYTES(&b, 0x12);
    b.len = 0;
    uint32_t big[8] = {300, 300, 300, 300, 300, 300, 300, 300};
    pq_rle_u32(&b, big, 8, 9);
    CHECK_BYTES(&b, 0x10, 0x2c, 0x01);

    /* Round trip of pseudo-random runs at every width. */
    uint32_t in[1000], out[1000];
    uint64_t s = 12345;
    int ok = 1;
    for (int bw = 1; bw <= 32 && ok; bw++) {
        for (int i = 0; i < 1000; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            uint32_t m = bw == 32 ? 0xffffffffu : (1u << bw) - 1;
            in[i] = (i > 0 && (s >> 60) < 10) ? in[i - 1] : (uint32_t)(s >> 20) & m;
        }
        b.len = 0;
        pq_rle_u32(&b, in, 1000, bw);
        ok = rle_decode(b.p, b.len, bw, out, 1000) == 0 && memcmp(in, out, sizeof in) == 0;
    }
    CHECK(ok);
    pq_buf_free(&b);
}

static void test_plain_bool_bitpack(void)
{
    pq_buf b = {0};
    uint8_t v[9] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    pq_plain_bool(&b, v, 9);
    CHECK_BYTES(&b, 0x0d, 0x01);
    b.len = 0;
    uint64_t w64[8] = {UINT64_MAX, 0, 1, 0, 0, 0, 0, (uint64_t)1 << 63};
    pq_bitpack(&b, w64, 8, 64);
    CHECK_EQ_INT(b.len, 64);
    CHECK(b.len == 64 && b.p[0] == 0xff && b.p[7] == 0xff && b.p[8] == 0 && b.p[16] == 1 &&
          b.p[63] == 0x80);
    CHECK_EQ_INT(pq_bit_width(0), 0);
    CHECK_EQ_INT(pq_bit_width(1), 1);
    CHECK_EQ_INT(pq_bit_width(255), 8);
    CHECK_EQ_INT(pq_bit_width(256), 9);
    CHECK_EQ_INT(pq_bit_width(UINT64_MAX), 64);
    pq_buf_free(&b);
}

static void test_delta(void)
{
    pq_buf b = {0};
    int64_t v1[5] = {1, 2, 3, 4, 5};
    pq_delta_i64(&b, v1, 5);
    CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00);

    /* The example of Encodings.md: 7, 5, 3, 1, 2, 3, 4, 5: min delta -2,
     * relative deltas 0 0 0 3 3 3 3 in one 2-bit miniblock of 32. */
    b.len = 0;
    int32_t v2[8] = {7, 5, 3, 1, 2, 3, 4, 5};
    pq_delta_i32(&b, v2, 8);
    CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00, 0xc0, 0x3f, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00);

    /* Empty and single-value pages: header only. */
    b.len = 0;
    pq_delta_i64(&b, v1, 0);
    CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x00, 0x00);
    b.len = 0;
    int64_t neg = -2;
    pq_delta_i64(&b, &neg, 1);
    CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x01, 0x03);

    /* Wraparound: extreme jumps round-trip through unsigned deltas. */
    int64_t in[1000], out[1000];
    uint64_t s = 99;
    for (int i = 0; i < 1000; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        in[i] = i % 97 == 5 ? INT64_MIN : i % 89 == 3 ? INT64_MAX : (int64_t)s >> (i % 64);
    }
    b.len = 0;
    pq_delta_i64(&b, in, 1000);
    CHECK_EQ_INT(delta_decode(b.p, b.len, out, 1000, 64), 1000);
    CHECK(memcmp(in, out, sizeof in) == 0);
    int32_t in32[300];
    for (int i = 0; i < 300; i++)
        in32[i] = i % 3 == 0 ? INT32_MIN : i % 3 == 1 ? INT32_MAX : i;
    b.len = 0;
    pq_delta_i32(&b, in32, 300);
    CHECK_EQ_INT(delta_decode(b.p, b.len, out, 1000, 32), 300);
    int ok = 1;
    for (int i = 0; i < 300; i++)
        ok &= out[i] == in32[i];
    CHECK(ok);
    /* 32-bit deltas never need more than 32 bits. */
    CHECK(b.len <= 10 + 3 * (10 + 4 + 4 * 32 * 4));
    pq_buf_free(&b);
}

static void test_dict(void)
{
    pq_dict d;
    pq_dict_init(&d, 0);
    uint32_t ix;
    int added;
    CHECK_EQ_INT(pq_dict_bytes(&d, "ab", 2, &ix, &added), 0);
    CHECK(ix == 0 && added == 1);
    pq_dict_bytes(&d, "", 0, &ix, &added);
    CHECK(ix == 1 && added == 1);
    pq_dict_bytes(&d, "ab", 2, &ix, &added);
    CHECK(ix == 0 && added == 0);
    pq_dict_bytes(&d, "", 0, &ix, &added);
    CHECK(ix == 1 && added == 0);
    CHECK_BYTES(&d.plain, 2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0);
    /* Many entries force rehashing; indices stay stable. */
    char key[16];
    int ok = 1;
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        ok &= pq_dict_bytes(&d, key, (uint32_t)n, &ix, &added) == 0 && ix == (uint32_t)i + 2;
    }
    for (int i = 0; i < 5000; i += 7) {
        int n = snprintf(key, sizeof key, "k%d", i);
        ok &= pq_dict_bytes(&d, key, (uint32_t)n, &ix, &added) == 0 && ix == (uint32_t)i + 2 &&
              !added;
    }
    CHECK(ok);
    pq_dict_reset(&d);
    pq_dict_bytes(&d, "k7", 2, &ix, &added);
    CHECK(ix == 0 && added == 1);
    pq_dict_free(&d);

    pq_dict_init(&d, 8);
    pq_dict_i64(&d, -1, &ix, &added);
    pq_dict_i64(&d, 5, &ix, &added);
    pq_dict_i64(&d, -1, &ix, &added);
    CHECK(ix == 0 && !added && d.n == 2);
    CHECK_BYTES(&d.plain, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0, 0, 0, 0, 0);
    pq_dict_free(&d);
}

static void test_stats(void)
{
    pq_stats s;
    pq_stats_init(&s, 4, PQ_ORDER_UNSIGNED);
    pq_stats_int(&s, 5);
    pq_stats_int(&s, -1); /* 0xffffffff: the unsigned maximum */
    pq_stats_int(&s, 0);
    CHECK_EQ_INT(s.imin, 0);
    CHECK_EQ_INT(s.imax, -1);
    pq_stats_init(&s, 4, PQ_ORDER_SIGNED);
    pq_stats_int(&s, 5);
    pq_stats_int(&s, -1);
    CHECK_EQ_INT(s.imin, -1);
    CHECK_EQ_INT(s.imax, 5);
    s.null_count = 2;
    pq_buf b = {0};
    tc_writer t;
    tc_init(&t, &b);
    pq_stats_write(&s, &t, 1);
    tc_finish(&t);
    /* max, min (legacy), null_count, max_value, min_value, exact flags */
    CHECK_BYTES(&b, 0x1c, 0x18, 0x04, 5, 0, 0, 0, 0x18, 0x04, 0xff, 0xff, 0xff, 0xff, 0x16, 0x04,
                0x28, 0x04, 5, 0, 0, 0, 0x18, 0x04, 0xff, 0xff, 0xff, 0xff, 0x11, 0x11, 0x00, 0x00);

    pq_stats_init(&s, 0, PQ_ORDER_BYTES);
    pq_stats_bytes(&s, "b", 1);
    pq_stats_bytes(&s, "\xff", 1); /* unsigned: 0xff sorts last */
    pq_stats_bytes(&s, "", 0);
    pq_stats_bytes(&s, "ba", 2);
    CHECK(s.bmin.len == 0);
    CHECK(s.bmax.len == 1 && s.bmax.p[0] == 0xff);
    CHECK(pq_bytes_cmp("ab", 2, "abc", 3) < 0 && pq_bytes_cmp("b", 1, "abc", 3) > 0);
    /* Page scans: unsigned order flips the sign bit; bytes walk lengths. */
    int32_t u[4] = {7, -1, 0, 100};
    pq_stats_free(&s);
    pq_stats_init(&s, 4, PQ_ORDER_UNSIGNED);
    pq_stats_scan(&s, (const uint8_t *)u, sizeof u);
    CHECK(s.has && s.imin == 0 && s.imax == -1);
    pq_stats_init(&s, 4, PQ_ORDER_SIGNED);
    pq_stats_scan(&s, (const uint8_t *)u, sizeof u);
    CHECK(s.imin == -1 && s.imax == 100);
    int64_t l[3] = {INT64_MIN, 5, INT64_MAX};
    pq_stats_init(&s, 8, PQ_ORDER_UNSIGNED);
    pq_stats_scan(&s, (const uint8_t *)l, sizeof l);
    CHECK(s.imin == 5 && s.imax == INT64_MIN);
    pq_stats_init(&s, 1, PQ_ORDER_SIGNED);
    pq_stats_scan(&s, (const uint8_t *)"\1\1", 2);
    CHECK(s.imin == 1 && s.imax == 1);
    pq_stats_init(&s, 0, PQ_ORDER_BYTES);
    static const uint8_t plain[] = {2, 0, 0, 0, 'z', 'a', 0, 0, 0, 0, 1, 0, 0, 0, 'b', 9, 0};
    pq_stats_scan(&s, plain, sizeof plain); /* the truncated last value is ignored */
    CHECK(s.bmin.len == 0 && s.bmax.len == 2 && s.bmax.p[0] == 'z');
    pq_stats_free(&s);

    /* Over-long byte-array bounds are omitted; null_count stays. */
    static uint8_t longv[PQ_STATS_MAX_BOUND + 1];
    pq_stats_free(&s);
    pq_stats_init(&s, 0, PQ_ORDER_BYTES);
    pq_stats_bytes(&s, longv, sizeof longv);
    b.len = 0;
    tc_init(&t, &b);
    pq_stats_write(&s, &t, 1);
    tc_finish(&t);
    CHECK_BYTES(&b, 0x1c, 0x36, 0x00, 0x00, 0x00);
    pq_stats_free(&s);
    pq_buf_free(&b);
}

static void test_compress(void)
{
    static const pq_codec codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP,
                                      PQ_CODEC_ZSTD};
    uint8_t src[5000];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i % 13);
    for (int k = 0; k < 4; k++) {
        pq_compressor c;
        CHECK_EQ_INT(pq_compress_init(&c, codecs[k], 0), 0);
        pq_buf b = {0};
        CHECK_EQ_INT(pq_compress(&c, src, sizeof src, &b), 0);
        CHECK_EQ_INT(pq_compress(&c, src, 0, &b), 0); /* empty pages too */
        if (codecs[k] == PQ_CODEC_UNCOMPRESSED)
            CHECK_EQ_INT(b.len, sizeof src);
        else
            CHECK(b.len > 0 && b.len < sizeof src / 4);
        if (codecs[k] == PQ_CODEC_GZIP)
            CHECK(b.len > 2 && b.p[0] == 0x1f && b.p[1] == 0x8b);
        if (codecs[k] == PQ_CODEC_ZSTD) {
            uint8_t back[5000];
            size_t fr = ZSTD_findFrameCompressedSize(b.p, b.len);
            CHECK(!ZSTD_isError(fr) && ZSTD_decompress(back, sizeof back, b.p, fr) == sizeof src &&
                  memcmp(back, src, sizeof src) == 0);
        }
        pq_buf_free(&b);
        pq_compress_free(&c);
    }
    pq_compressor c;
    CHECK_EQ_INT(pq_compress_init(&c, PQ_CODEC_GZIP, 42), -1);
}

/* ---- whole files ---- */

static char tmpdir[256];

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(sz > 0 ? (size_t)sz : 1);
    *n = fread(p, 1, (size_t)sz, f);
    fclose(f);
    return p;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

/* PAR1 at both ends and a footer length that fits; returns footer length. */
static long check_structure(const char *path)
{
    size_t n = 0;
    uint8_t *p = slurp(path, &n);
    long flen = -1;
    if (p && n >= 12 && !memcmp(p, "PAR1", 4) && !memcmp(p + n - 4, "PAR1", 4)) {
        uint32_t f = (uint32_t)p[n - 8] | (uint32_t)p[n - 7] << 8 | (uint32_t)p[n - 6] << 16 |
                     (uint32_t)p[n - 5] << 24;
        /* FileMetaData starts with field 1 (version 1): 0x15 0x02. */
        if (f > 0 && f <= n - 12 && p[n - 8 - f] == 0x15 && p[n - 8 - f + 1] == 0x02)
            flen = f;
    }
    free(p);
    return flen;
}

/* ---- a minimal Thrift compact reader, to walk page headers ---- */

typedef struct rd {
    const uint8_t *p, *end;
    int err;
} rd;

static uint64_t rd_varint(rd *r)
{
    uint64_t v = 0;
    for (int s = 0; s < 64; s += 7) {
        if (r->p >= r->end) {
            r->err = 1;
            return 0;
        }
        uint8_t b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80))
            return v;
    }
    r->err = 1;
    return 0;
}

static void rd_skip(rd *r, int type, int depth);

/* Reads the next field header; returns the type (0 at stop). */
static int rd_field(rd *r, int16_t *id)
{
    if (r->p >= r->end) {
        r->err = 1;
        return 0;
    }
    uint8_t b = *r->p++;
    if (b == 0)
        return 0;
    if (b >> 4)
        *id = (int16_t)(*id + (b >> 4));
    else
        *id = (int16_t)unzigzag(rd_varint(r));
    return b & 0x0f;
}

static void rd_skip(rd *r, int type, int depth)
{
    if (depth > 20 || r->err) {
        r->err = 1;
        return;
    }
    switch (type) {
    case TC_BOOL_TRUE:
    case TC_BOOL_FALSE:
        break;
    case TC_BYTE:
        r->p++;
        break;
    case TC_I16:
    case TC_I32:
    case TC_I64:
        rd_varint(r);
        break;
    case TC_DOUBLE:
        r->p += 8;
        break;
    case TC_BINARY: {
        uint64_t n = rd_varint(r);
        if (n > (uint64_t)(r->end - r->p))
            r->err = 1;
        else
            r->p += n;
        break;
    }
    case TC_LIST:
    case TC_SET: {
        if (r->p >= r->end) {
            r->err = 1;
            return;
        }
        uint8_t h = *r->p++;
        uint64_t n = h >> 4;
        if (n == 15)
            n = rd_varint(r);
        for (uint64_t i = 0; i < n && !r->err; i++)
            rd_skip(r, (h & 0x0f) == TC_BOOL_TRUE ? TC_BYTE : h & 0x0f, depth + 1);
        break;
    }
    case TC_STRUCT: {
        int16_t id = 0;
        int t;
        while (!r->err && (t = rd_field(r, &id)) != 0)
            rd_skip(r, t, depth + 1);
        break;
    }
    default:
        r->err = 1;
    }
    if (r->p > r->end)
        r->err = 1;
}

typedef struct page_info {
    int type, encoding;
    int64_t uncomp, comp, num_values;
} page_info;

/* Parses one PageHeader; fills pi. */
static void rd_page_header(rd *r, page_info *pi)
{
    memset(pi, 0, sizeof *pi);
    int16_t id = 0;
    int t;
    while (!r->err && (t = rd_field(r, &id)) != 0) {
        if (id == 1 && t == TC_I32)
            pi->type = (int)unzigzag(rd_varint(r));
        else if ((id == 2 || id == 3) && t == TC_I32)
            *(id == 2 ? &pi->uncomp : &pi->comp) = unzigzag(rd_varint(r));
        else if ((id == 5 || id == 7) && t == TC_STRUCT) {
            int16_t sid = 0;
            int st;
            while (!r->err && (st = rd_field(r, &sid)) != 0) {
                if (sid == 1 && st == TC_I32)
                    pi->num_values = unzigzag(rd_varint(r));
                else if (sid == 2 && st == TC_I32)
                    pi->encoding = (int)unzigzag(rd_varint(r));
                else
                    rd_skip(r, st, 1);
            }
        } else {
            rd_skip(r, t, 0);
        }
    }
}

/* Walks every page between the magic and the footer. Returns the count. */
static int walk_pages(const char *path, page_info *pages, int max)
{
    size_t n = 0;
    uint8_t *p = slurp(path, &n);
    if (!p || n < 12) {
        free(p);
        return -1;
    }
    uint32_t flen = (uint32_t)p[n - 8] | (uint32_t)p[n - 7] << 8 | (uint32_t)p[n - 6] << 16 |
                    (uint32_t)p[n - 5] << 24;
    rd r = {p + 4, p + n - 8 - flen, 0};
    int k = 0;
    while (r.p < r.end && k < max && !r.err) {
        rd_page_header(&r, &pages[k]);
        if (pages[k].comp < 0 || pages[k].comp > r.end - r.p)
            r.err = 1;
        else
            r.p += pages[k].comp;
        k++;
    }
    free(p);
    return r.err || r.p != r.end ? -1 : k;
}

static void test_pages(void)
{
    char path[512], err[256];
    static page_info pages[4096];

    /* Three-level list levels in a v1 page: [1,2], NULL, []. */
    snprintf(path, sizeof path, "%s/list.parquet", tmpdir);
    pq_column_spec lc = {
        .name = "l", .type = PQ_INT32, .repetition = PQ_LIST, .encoding = PQ_ENC_PLAIN};
    pq_options o = {.codec = PQ_CODEC_UNCOMPRESSED};
    pq_writer *w = pq_open(path, &lc, 1, &o, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    int32_t v[2] = {1, 2};
    CHECK(pq_put_list_int32(w, 0, v, 2) == 0 && pq_end_row(w) == 0);
    CHECK(pq_put_null(w, 0) == 0 && pq_end_row(w) == 0);
    CHECK(pq_put_list_int32(w, 0, NULL, 0) == 0 && pq_end_row(w) == 0);
    CHECK_EQ_INT(pq_close(w, err, sizeof err), 0);
    size_t n = 0;
    uint8_t *p = slurp(path, &n);
    if (p && n > 60) {
        pq_buf got = {.p = p + 4, .len = 38};
        /* header: 21-byte body, 4 level entries; rep levels 0 1 0 0 (bit
         * width 1), def levels 2 2 0 1 (bit width 2), then 1 and 2. */
        CHECK_BYTES(&got, 0x15, 0x00, 0x15, 0x2a, 0x15, 0x2a, 0x2c, 0x15, 0x08, 0x15, 0x00, 0x15,
                    0x06, 0x15, 0x06, 0x00, 0x00, 2, 0, 0, 0, 0x03, 0x02, 3, 0, 0, 0, 0x03, 0x4a,
                    0x00, 1, 0, 0, 0, 2, 0, 0, 0);
    }
    free(p);
    unlink(path);

    /* Dictionary fallback: dictionary page, RLE_DICTIONARY pages, then
     * PLAIN pages for the rest of the chunk. */
    snprintf(path, sizeof path, "%s/fallback.parquet", tmpdir);
    pq_column_spec sc = {.name = "s", .type = PQ_BYTE_ARRAY, .logical = PQ_LOGICAL_STRING};
    pq_options of = {.codec = PQ_CODEC_ZSTD, .page_bytes = 65536};
    w = pq_open(path, &sc, 1, &of, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    char s[200];
    int ok = 1;
    for (int r = 0; r < 20000; r++) {
        memset(s, 'a' + r % 26, sizeof s);
        snprintf(s, 12, "%011d", r / 2);
        ok &= pq_put_bytes(w, 0, s, sizeof s) == 0 && pq_end_row(w) == 0;
    }
    CHECK(ok);
    CHECK_EQ_INT(pq_close(w, err, sizeof err), 0);
    int np = walk_pages(path, pages, 4096);
    CHECK(np > 3);
    if (np > 3) {
        CHECK_EQ_INT(pages[0].type, 2);     /* DICTIONARY_PAGE */
        CHECK_EQ_INT(pages[0].encoding, 0); /* PLAIN */
        CHECK(pages[0].num_values > 5000 && pages[0].num_values < 5300);
        int64_t total = 0;
        int ndict = 0, nplain = 0, order_ok = 1;
        for (int i = 1; i < np; i++) {
            order_ok &= pages[i].type == 0;
            if (pages[i].encoding == 8) {
                ndict++;
                order_ok &= nplain == 0;
            } else {
                order_ok &= pages[i].encoding == 0;
                nplain++;
            }
            total += pages[i].num_values;
        }
        CHECK(order_ok && ndict > 0 && nplain > 0);
        CHECK_EQ_INT(total, 20000);
    }
    unlink(path);

    /* Row groups and pages: every level entry is counted once. */
    snprintf(path, sizeof path, "%s/rg.parquet", tmpdir);
    pq_column_spec dc = {
        .name = "t", .type = PQ_INT64, .repetition = PQ_LIST, .encoding = PQ_ENC_DELTA};
    pq_options orr = {.codec = PQ_CODEC_SNAPPY, .page_bytes = 2000, .row_group_bytes = 50000};
    w = pq_open(path, &dc, 1, &orr, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    int64_t levels = 0, lv[5] = {1, 2, 3, 4, 5};
    ok = 1;
    for (int r = 0; r < 10000; r++) {
        size_t k = (size_t)r % 6;
        if (k == 5) {
            ok &= pq_put_null(w, 0) == 0;
            levels++;
        } else {
            ok &= pq_put_list_int64(w, 0, lv, k) == 0;
            levels += k ? (int64_t)k : 1;
        }
        ok &= pq_end_row(w) == 0;
    }
    CHECK(ok);
    CHECK_EQ_INT(pq_close(w, err, sizeof err), 0);
    np = walk_pages(path, pages, 4096);
    CHECK(np > 10);
    int64_t total = 0;
    ok = 1;
    for (int i = 0; i < np; i++) {
        total += pages[i].num_values;
        ok &= pages[i].type == 0 && pages[i].encoding == 5;
    }
    CHECK(ok);
    CHECK_EQ_INT(total, levels);
    unlink(path);
}

static void test_tiny_file_bytes(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tiny.parquet", tmpdir);
    pq_column_spec col = {.name = "x", .type = PQ_INT32, .encoding = PQ_ENC_PLAIN};
    pq_options o = {.codec = PQ_CODEC_UNCOMPRESSED};
    char err[256];
    pq_writer *w = pq_open(path, &col, 1, &o, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    for (int i = 1; i <= 3; i++) {
        CHECK_EQ_INT(pq_put_int32(w, 0, i), 0);
        CHECK_EQ_INT(pq_end_row(w), 0);
    }
    CHECK_EQ_INT(pq_rows(w), 3);
    CHECK_EQ_INT(pq_set_kv(w, "k", "v1"), 0);
    CHECK_EQ_INT(pq_set_kv(w, "k", "v2"), 0);
    CHECK_EQ_INT(pq_close(w, err, sizeof err), 0);
    size_t n = 0;
    uint8_t *p = slurp(path, &n);
    CHECK(p != NULL);
    if (!p)
        return;
    pq_buf got = {.p = p + 4, .len = n > 40 ? 29 : 0};
    /* PageHeader{DATA_PAGE, 12, 12, DataPageHeader{3, PLAIN, RLE, RLE}}
     * followed by three little-endian INT32s. */
    CHECK_BYTES(&got, 0x15, 0x00, 0x15, 0x18, 0x15, 0x18, 0x2c, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06,
                0x15, 0x06, 0x00, 0x00, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
    CHECK(check_structure(path) > 0);
    CHECK(memmem(p, n, "customflow " CF_VERSION_STRING, strlen("customflow " CF_VERSION_STRING)) !=
          NULL);
    CHECK(memmem(p, n, "v2", 2) != NULL && memmem(p, n, "v1", 2) == NULL);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    free(p);
    unlink(path);
}

static void test_files(void)
{
    char path[512], err[256];
    pq_column_spec cols[] = {
        {.name = "id", .type = PQ_INT64, .encoding = PQ_ENC_DELTA},
        {.name = "name",
         .type = PQ_BYTE_ARRAY,
         .logical = PQ_LOGICAL_STRING,
         .repetition = PQ_OPTIONAL},
        {.name = "tags", .type = PQ_BYTE_ARRAY, .repetition = PQ_LIST},
        {.name = "ports",
         .type = PQ_INT32,
         .logical = PQ_LOGICAL_INT,
         .int_bits = 16,
         .repetition = PQ_LIST,
         .encoding = PQ_ENC_DICTIONARY},
        {.name = "ok", .type = PQ_BOOLEAN, .repetition = PQ_OPTIONAL},
    };
    static const pq_codec codecs[] = {PQ_CODEC_ZSTD, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP,
                                      PQ_CODEC_UNCOMPRESSED};
    for (int k = 0; k < 4; k++) {
        snprintf(path, sizeof path, "%s/f%d.parquet", tmpdir, k);
        pq_options o = {.codec = codecs[k], .row_group_bytes = 20000, .page_bytes = 1000};
        pq_writer *w = pq_open(path, cols, 5, &o, err, sizeof err);
        CHECK(w != NULL);
        if (!w)
            continue;
        int ok = 1;
        for (int r = 0; r < 2000; r++) {
            uint8_t tag[1000];
            memset(tag, 'a' + r % 26, sizeof tag);
            const uint8_t *tp[3] = {tag, tag, tag};
            uint32_t tl[3] = {1000, (uint32_t)r % 7, 0};
            int32_t ports[2] = {r % 5, 65535};
            ok &= pq_put_bool(w, 4, r & 1) == 0; /* any column order */
            ok &= pq_put_int64(w, 0, (int64_t)r * 1000) == 0;
            ok &= (r % 3 ? pq_put_bytes(w, 1, "abc", (uint32_t)(r % 4)) : pq_put_null(w, 1)) == 0;
            ok &= (r % 5 == 1 ? pq_put_null(w, 2)
                              : pq_put_list_bytes(w, 2, tp, tl, (size_t)r % 4)) == 0;
            ok &= pq_put_list_int32(w, 3, ports, (size_t)r % 3) == 0;
            ok &= pq_end_row(w) == 0;
        }
        CHECK(ok);
        CHECK_EQ_INT(pq_close(w, err, sizeof err), 0);
        CHECK(check_structure(path) > 0);
        unlink(path);
    }

    /* Zero rows: still a valid file. */
    snprintf(path, sizeof path, "%s/zero.parquet", tmpdir);
    pq_writer *w = pq_open(path, cols, 5, NULL, err, sizeof err);
    CHECK(w != NULL && pq_close(w, err, sizeof err) == 0);
    CHECK(check_structure(path) > 0);
    unlink(path);

    /* 3,000 columns. */
    enum { WIDE = 3000 };
    pq_column_spec *wc = calloc(WIDE, sizeof *wc);
    char(*names)[8] = calloc(WIDE, sizeof *names);
    for (int i = 0; i < WIDE; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        wc[i].name = names[i];
        wc[i].type = i % 2 ? PQ_INT64 : PQ_BYTE_ARRAY;
        wc[i].repetition = PQ_OPTIONAL;
    }
    snprintf(path, sizeof path, "%s/wide.parquet", tmpdir);
    pq_options ow = {.row_group_bytes = 1 << 20};
    w = pq_open(path, wc, WIDE, &ow, err, sizeof err);
    CHECK(w != NULL);
    int ok = w != NULL;
    for (int r = 0; w && r < 300; r++) {
        for (int i = 0; i < WIDE; i++)
            ok &= (i % 2         ? pq_put_int64(w, (size_t)i, r * i)
                   : (r + i) % 3 ? pq_put_bytes(w, (size_t)i, "xy", 2)
                                 : pq_put_null(w, (size_t)i)) == 0;
        ok &= pq_end_row(w) == 0;
    }
    CHECK(ok);
    CHECK(w && pq_close(w, err, sizeof err) == 0);
    CHECK(check_structure(path) > 0);
    unlink(path);
    free(wc);
    free(names);
    CHECK_EQ_INT(count_entries(tmpdir), 0);
}

static void test_errors(void)
{
    char path[512], err[256] = "";
    pq_column_spec cols[] = {
        {.name = "a", .type = PQ_INT32},
        {.name = "b", .type = PQ_BYTE_ARRAY, .repetition = PQ_OPTIONAL},
        {.name = "l", .type = PQ_INT64, .repetition = PQ_LIST},
    };

    /* Unwritable location: NULL, a message naming the path, no file. */
    snprintf(path, sizeof path, "%s/no/such/dir/x.parquet", tmpdir);
    CHECK(pq_open(path, cols, 3, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, path) != NULL && strstr(err, "No such file") != NULL);

    /* Bad schemas. */
    snprintf(path, sizeof path, "%s/bad.parquet", tmpdir);
    pq_column_spec bad = {.name = "s", .type = PQ_INT32, .logical = PQ_LOGICAL_STRING};
    CHECK(pq_open(path, &bad, 1, NULL, err, sizeof err) == NULL && strstr(err, "STRING"));
    pq_column_spec dup[2] = {{.name = "d", .type = PQ_INT32}, {.name = "d", .type = PQ_INT64}};
    CHECK(pq_open(path, dup, 2, NULL, err, sizeof err) == NULL && strstr(err, "duplicate"));
    pq_column_spec delta = {.name = "s", .type = PQ_BYTE_ARRAY, .encoding = PQ_ENC_DELTA};
    CHECK(pq_open(path, &delta, 1, NULL, err, sizeof err) == NULL);
    pq_column_spec bits = {.name = "s", .type = PQ_INT64, .logical = PQ_LOGICAL_INT, .int_bits = 8};
    CHECK(pq_open(path, &bits, 1, NULL, err, sizeof err) == NULL);
    CHECK(pq_open(path, cols, 0, NULL, err, sizeof err) == NULL);
    pq_options badcodec = {.codec = (pq_codec)9};
    CHECK(pq_open(path, cols, 3, &badcodec, err, sizeof err) == NULL);
    CHECK_EQ_INT(count_entries(tmpdir), 0);

    /* Misuse is an error, not a crash, and the row can be completed. */
    pq_writer *w = pq_open(path, cols, 3, NULL, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    CHECK_EQ_INT(pq_put_int64(w, 0, 1), -1);
    CHECK(strstr(pq_error(w), "column a is INT32") != NULL);
    CHECK_EQ_INT(pq_put_null(w, 0), -1);
    CHECK_EQ_INT(pq_put_int32(w, 7, 1), -1);
    CHECK_EQ_INT(pq_put_int64(w, 2, 1), -1); /* scalar into a list column */
    CHECK_EQ_INT(pq_put_list_int32(w, 0, NULL, 0), -1);
    CHECK_EQ_INT(pq_put_list_int64(w, 2, NULL, 3), -1);
    CHECK_EQ_INT(pq_put_bytes(w, 1, NULL, 4), -1);
    CHECK_EQ_INT(pq_put_int32(w, 0, 1), 0);
    CHECK_EQ_INT(pq_put_int32(w, 0, 2), -1);
    CHECK(strstr(pq_error(w), "twice") != NULL);
    CHECK_EQ_INT(pq_put_null(w, 1), 0);
    CHECK_EQ_INT(pq_end_row(w), -1);
    CHECK(strstr(pq_error(w), "column l") != NULL);
    CHECK_EQ_INT(pq_put_list_int64(w, 2, NULL, 0), 0);
    CHECK_EQ_INT(pq_end_row(w), 0);
    CHECK_EQ_INT(pq_rows(w), 1);
    /* A temp file exists while writing; abort removes it. */
    CHECK_EQ_INT(count_entries(tmpdir), 1);
    pq_abort(w);
    CHECK_EQ_INT(count_entries(tmpdir), 0);

    /* Closing mid-row fails and leaves nothing. */
    w = pq_open(path, cols, 3, NULL, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        pq_put_int32(w, 0, 1);
        CHECK_EQ_INT(pq_close(w, err, sizeof err), -1);
        CHECK(strstr(err, "middle of row") != NULL);
    }
    CHECK_EQ_INT(count_entries(tmpdir), 0);
    CHECK_EQ_INT(pq_close(NULL, err, sizeof err), -1);
    pq_abort(NULL);

    /* The target path is a directory: rename fails, nothing is left. */
    snprintf(path, sizeof path, "%s/adir", tmpdir);
    mkdir(path, 0755);
    w = pq_open(path, cols, 3, NULL, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        CHECK_EQ_INT(pq_close(w, err, sizeof err), -1);
        CHECK(strstr(err, "rename failed") != NULL);
    }
    rmdir(path);
    CHECK_EQ_INT(count_entries(tmpdir), 0);

    /* A failing write (file size limit: EFBIG) fails the writer, the close
     * reports it with the path and nothing is left behind. */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 100000;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    snprintf(path, sizeof path, "%s/full.parquet", tmpdir);
    pq_options small = {.codec = PQ_CODEC_UNCOMPRESSED, .row_group_bytes = 50000};
    w = pq_open(path, cols, 3, &small, err, sizeof err);
    CHECK(w != NULL);
    if (w && setrlimit(RLIMIT_FSIZE, &lim) == 0) {
        int rc = 0;
        uint8_t junk[1000] = {0};
        for (int r = 0; r < 5000 && rc == 0; r++) { /* past the 1 MiB write buffer */
            memcpy(junk, &r, sizeof r);             /* distinct values: no tiny dictionary */
            rc |= pq_put_int32(w, 0, r) | pq_put_bytes(w, 1, junk, sizeof junk) |
                  pq_put_list_int64(w, 2, NULL, 0);
            rc |= pq_end_row(w);
        }
        CHECK_EQ_INT(rc, -1);
        CHECK(strstr(pq_error(w), "write failed") != NULL);
        CHECK_EQ_INT(pq_put_int32(w, 0, 1), -1); /* the writer stays failed */
        CHECK_EQ_INT(pq_close(w, err, sizeof err), -1);
        CHECK(strstr(err, path) != NULL && strstr(err, "File too large") != NULL);
        setrlimit(RLIMIT_FSIZE, &old);
    } else if (w) {
        pq_abort(w);
    }
    signal(SIGXFSZ, prev);
    CHECK_EQ_INT(count_entries(tmpdir), 0);

    /* NULL writers are errors, not crashes. */
    CHECK_EQ_INT(pq_put_int32(NULL, 0, 1), -1);
    CHECK_EQ_INT(pq_end_row(NULL), -1);
    CHECK_EQ_INT(pq_set_kv(NULL, "a", "b"), -1);
    CHECK_EQ_INT(pq_rows(NULL), 0);
}

/* The value of row r, column k of write_runs's files. */
static int64_t runs_value(int r, int k)
{
    return k < 10 ? (int64_t)r * 1000003 - k * 7 : (r * 31 + (k - 10)) % 17 - 8;
}

/* Filled columns: rows of the open group start at row *ctx of the file. */
static int fill_runs(void *ctx, size_t col, size_t k, size_t nrows, void *const *out)
{
    int base = *(const int *)ctx;
    for (size_t j = 0; j < k; j++)
        for (size_t r = 0; r < nrows; r++) {
            int64_t v = runs_value(base + (int)r, (int)(col + j));
            if (col + j < 10)
                ((int64_t *)out[j])[r] = v;
            else
                ((int32_t *)out[j])[r] = (int32_t)v;
        }
    return 0;
}

/* The batch puts and filled columns write exactly the bytes of one put per
 * column, and refuse what they do not support (dictionary columns, wrong
 * type). batch: 0 single puts, 1 runs, 2 columns 2.. filled. */
static void write_runs(const char *path, int batch)
{
    enum { NC = 40, NR = 300 };
    pq_column_spec cols[NC + 1];
    static char names[NC + 1][16];
    for (int k = 0; k <= NC; k++) {
        snprintf(names[k], sizeof names[k], "c%d", k);
        pq_column_spec c = {names[k],
                            k < 10 ? PQ_INT64 : PQ_INT32,
                            PQ_LOGICAL_NONE,
                            0,
                            0,
                            PQ_REQUIRED,
                            k == NC ? PQ_ENC_DICTIONARY : PQ_ENC_PLAIN};
        cols[k] = c;
    }
    char err[256];
    pq_options o = {0};
    o.row_group_bytes = 20000; /* several row groups */
    o.page_bytes = 300;        /* several pages per chunk: more than in flight */
    pq_writer *w = pq_open(path, cols, NC + 1, &o, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    int64_t v64[10];
    int32_t v32[NC];
    int base = 0;
    if (batch == 2) {
        CHECK_EQ_INT(pq_set_filler(w, NC, 1, fill_runs, &base), -1); /* dictionary column */
        CHECK_EQ_INT(pq_set_filler(w, 2, NC - 2, fill_runs, &base), 0);
        CHECK_EQ_INT(pq_set_filler(w, 2, NC - 2, fill_runs, &base), -1); /* twice */
    }
    for (int r = 0; r < NR; r++) {
        for (int k = 0; k < 10; k++)
            v64[k] = runs_value(r, k);
        for (int k = 0; k < NC - 10; k++)
            v32[k] = (int32_t)runs_value(r, 10 + k);
        if (batch == 2) {
            CHECK_EQ_INT(pq_put_int64_run(w, 0, v64, 2), 0);
            CHECK_EQ_INT(pq_put_filled(w), 0);
            if (r == 0) {
                CHECK_EQ_INT(pq_put_filled(w), -1);      /* twice in a row */
                CHECK_EQ_INT(pq_put_int64(w, 5, 1), -1); /* a filled column */
            }
        } else if (batch) {
            CHECK_EQ_INT(pq_put_int64_run(w, 0, v64, 10), 0);
            CHECK_EQ_INT(pq_put_int32_run(w, 10, v32, NC - 10), 0);
            if (r == 0) {
                CHECK_EQ_INT(pq_put_int32_run(w, NC, v32, 1), -1); /* dictionary column */
                CHECK_EQ_INT(pq_put_int32_run(w, 5, v32, 2), -1);  /* INT64 columns */
            }
        } else {
            for (int k = 0; k < 10; k++)
                pq_put_int64(w, (size_t)k, v64[k]);
            for (int k = 0; k < NC - 10; k++)
                pq_put_int32(w, (size_t)(10 + k), v32[k]);
        }
        pq_put_int32(w, NC, r % 3);
        CHECK_EQ_INT(pq_end_row(w), 0);
        if (pq_row_group_rows(w) == 0)
            base = r + 1;
    }
    CHECK_EQ_INT(pq_close(w, err, sizeof err), 0);
}

/* Batch puts and filled columns change nothing in the file. */
static void test_runs(void)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/runs-single.parquet", tmpdir);
    snprintf(b, sizeof b, "%s/runs-batch.parquet", tmpdir);
    write_runs(a, 0);
    for (int filled = 0; filled < 2; filled++) {
        write_runs(b, 1 + filled);
        size_t na = 0, nb = 0;
        uint8_t *pa = slurp(a, &na), *pb = slurp(b, &nb);
        CHECK(pa && pb && na == nb && na > 0 && memcmp(pa, pb, na) == 0);
        free(pa);
        free(pb);
    }
    CHECK(check_structure(b) > 0);
    remove(a);
    remove(b);
}

int main(void)
{
    test_varint_zigzag();
    test_thrift();
    test_rle();
    test_plain_bool_bitpack();
    test_delta();
    test_dict();
    test_stats();
    test_compress();
    snprintf(tmpdir, sizeof tmpdir, "%s/cf-test-parquet-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_tiny_file_bytes();
    test_pages();
    test_files();
    test_errors();
    test_runs();
    rmdir(tmpdir);
    return check_report();
}
