/* pq_cases DIR: writes a set of Parquet test files with lib/parquet's writer
 * into DIR, and beside each CASE.parquet a CASE.expected.json holding the
 * schema and every row in the canonical form that tests/readers/compare.mjs
 * checks independent readers against:
 *
 *   {"columns":[{"name":..,"type":..,"physical":..,"repetition":..}, ...],
 *    "meta":{...},
 *    "rows":[[v, ...], ...]}
 *
 * Types use the vocabulary int8..int64, uint8..uint64, string, binary,
 * timestamp_us_utc, bool, list<T>. 64-bit integers and timestamps (integer
 * microseconds) are JSON strings, smaller integers numbers, binary lower-case
 * hex, NULL null. All values come from a seeded PRNG with every call
 * sequenced, so every run and every compiler gives the same files.
 *
 * Usage: pq_cases DIR [CASE...]   (no CASE: all cases; -l lists them)
 */
#include "parquet/pq_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ PRNG */
static uint64_t rng_state;
static void rng_seed(uint64_t s)
{
    rng_state = s * 0x9E3779B97F4A7C15ull + 0x1234567ull;
}
static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t rndn(uint32_t n) /* 0..n-1 */
{
    return (uint32_t)(rnd() % n);
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "pq_cases: %s: %s\n", what, msg);
    exit(1);
}

/* ------------------------------------------------------------- one case */
typedef struct tcase {
    const char *name;
    pq_writer *w;
    FILE *js;
    const pq_column_spec *cols;
    size_t ncols;
    size_t nput; /* values given in the current row */
    uint64_t rows;
} tcase;

static char vocab_buf[4096][32];

static const char *leaf_vocab(const pq_column_spec *c)
{
    switch (c->type) {
    case PQ_BOOLEAN:
        return "bool";
    case PQ_BYTE_ARRAY:
        return c->logical == PQ_LOGICAL_STRING ? "string" : "binary";
    case PQ_INT32:
        if (c->logical == PQ_LOGICAL_INT) {
            switch (c->int_bits) {
            case 8:
                return c->is_signed ? "int8" : "uint8";
            case 16:
                return c->is_signed ? "int16" : "uint16";
            default:
                return c->is_signed ? "int32" : "uint32";
            }
        }
        return "int32";
    case PQ_INT64:
        if (c->logical == PQ_LOGICAL_TIMESTAMP_MICROS)
            return "timestamp_us_utc";
        if (c->logical == PQ_LOGICAL_INT && !c->is_signed)
            return "uint64";
        return "int64";
    }
    return "?";
}

static const char *vocab(const tcase *t, size_t col)
{
    const pq_column_spec *c = &t->cols[col];
    if (c->repetition != PQ_LIST)
        return leaf_vocab(c);
    char *b = vocab_buf[col % 4096];
    snprintf(b, sizeof vocab_buf[0], "list<%s>", leaf_vocab(c));
    return b;
}

static int is_unsigned(const pq_column_spec *c)
{
    return c->logical == PQ_LOGICAL_INT && !c->is_signed;
}

static void json_str(FILE *f, const uint8_t *p, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = p[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void json_hex(FILE *f, const uint8_t *p, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
    fputc('"', f);
}

static void json_bytes(const tcase *t, size_t col, const uint8_t *p, size_t n)
{
    if (t->cols[col].logical == PQ_LOGICAL_STRING)
        json_str(t->js, p, n);
    else
        json_hex(t->js, p, n);
}

static void json_i32(const tcase *t, size_t col, int32_t v)
{
    if (is_unsigned(&t->cols[col]))
        fprintf(t->js, "%" PRIu32, (uint32_t)v);
    else
        fprintf(t->js, "%" PRId32, v);
}

static void json_i64(const tcase *t, size_t col, int64_t v)
{
    if (is_unsigned(&t->cols[col]))
        fprintf(t->js, "\"%" PRIu64 "\"", (uint64_t)v);
    else
        fprintf(t->js, "\"%" PRId64 "\"", v);
}

static const char *physical_name(pq_physical p)
{
    switch (p) {
    case PQ_BOOLEAN:
        return "BOOLEAN";
    case PQ_INT32:
        return "INT32";
    case PQ_INT64:
        return "INT64";
    case PQ_BYTE_ARRAY:
        return "BYTE_ARRAY";
    }
    return "?";
}

/* meta: the JSON object text for "meta" (without braces), or "". */
static void begin(tcase *t, const char *dir, const char *name, const pq_column_spec *cols,
                  size_t ncols, const pq_options *opts, const char *meta)
{
    char path[4096], err[512];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->cols = cols;
    t->ncols = ncols;
    snprintf(path, sizeof path, "%s/%s.parquet", dir, name);
    t->w = pq_open(path, cols, ncols, opts, err, sizeof err);
    if (!t->w)
        die(name, err);
    snprintf(path, sizeof path, "%s/%s.expected.json", dir, name);
    t->js = fopen(path, "w");
    if (!t->js)
        die(path, strerror(errno));
    fprintf(t->js, "{\"columns\":[");
    for (size_t i = 0; i < ncols; i++) {
        const char *rep = cols[i].repetition == PQ_REQUIRED   ? "required"
                          : cols[i].repetition == PQ_OPTIONAL ? "optional"
                                                              : "list";
        fprintf(t->js, "%s\n{\"name\":", i ? "," : "");
        json_str(t->js, (const uint8_t *)cols[i].name, strlen(cols[i].name));
        fprintf(t->js, ",\"type\":\"%s\",\"physical\":\"%s\",\"repetition\":\"%s\"}", vocab(t, i),
                physical_name(cols[i].type), rep);
    }
    fprintf(t->js, "],\n\"meta\":{%s},\n\"rows\":[", meta ? meta : "");
}

static void sep(tcase *t)
{
    if (t->nput == 0)
        fputs(t->rows ? ",\n[" : "\n[", t->js);
    else
        fputc(',', t->js);
    t->nput++;
}

static void ck(tcase *t, int rc)
{
    if (rc != 0)
        die(t->name, pq_error(t->w));
}

static void v_i32(tcase *t, size_t col, int32_t v)
{
    sep(t);
    json_i32(t, col, v);
    ck(t, pq_put_int32(t->w, col, v));
}

static void v_i64(tcase *t, size_t col, int64_t v)
{
    sep(t);
    json_i64(t, col, v);
    ck(t, pq_put_int64(t->w, col, v));
}

static void v_bool(tcase *t, size_t col, int v)
{
    sep(t);
    fputs(v ? "true" : "false", t->js);
    ck(t, pq_put_bool(t->w, col, v));
}

static void v_bytes(tcase *t, size_t col, const void *p, uint32_t n)
{
    sep(t);
    json_bytes(t, col, p, n);
    ck(t, pq_put_bytes(t->w, col, p, n));
}

static void v_str(tcase *t, size_t col, const char *s)
{
    v_bytes(t, col, s, (uint32_t)strlen(s));
}

static void v_null(tcase *t, size_t col)
{
    sep(t);
    fputs("null", t->js);
    ck(t, pq_put_null(t->w, col));
}

static void v_list_i32(tcase *t, size_t col, const int32_t *v, size_t n)
{
    sep(t);
    fputc('[', t->js);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', t->js);
        json_i32(t, col, v[i]);
    }
    fputc(']', t->js);
    ck(t, pq_put_list_int32(t->w, col, v, n));
}

static void v_list_i64(tcase *t, size_t col, const int64_t *v, size_t n)
{
    sep(t);
    fputc('[', t->js);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', t->js);
        json_i64(t, col, v[i]);
    }
    fputc(']', t->js);
    ck(t, pq_put_list_int64(t->w, col, v, n));
}

static void v_list_bytes(tcase *t, size_t col, const uint8_t *const *p, const uint32_t *lens,
                         size_t n)
{
    sep(t);
    fputc('[', t->js);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', t->js);
        json_bytes(t, col, p[i], lens[i]);
    }
    fputc(']', t->js);
    ck(t, pq_put_list_bytes(t->w, col, p, lens, n));
}

static void end_row(tcase *t)
{
    if (t->nput != t->ncols) {
        fprintf(stderr, "pq_cases: %s: row %" PRIu64 " has %zu of %zu values\n", t->name, t->rows,
                t->nput, t->ncols);
        exit(1);
    }
    fputc(']', t->js);
    ck(t, pq_end_row(t->w));
    t->nput = 0;
    t->rows++;
}

static void end(tcase *t)
{
    char err[512];
    if (pq_rows(t->w) != t->rows) {
        fprintf(stderr, "pq_cases: %s: pq_rows %" PRIu64 " != %" PRIu64 "\n", t->name,
                pq_rows(t->w), t->rows);
        exit(1);
    }
    if (pq_close(t->w, err, sizeof err) != 0)
        die(t->name, err);
    fputs("\n]}\n", t->js);
    if (fclose(t->js) != 0)
        die(t->name, "writing expected json");
    printf("%s\t%" PRIu64 " rows\t%zu columns\n", t->name, t->rows, t->ncols);
}

/* ------------------------------------------------------- value helpers */
#define C_(n, ty, lg, bits, sg, rep, enc)                                                          \
    {                                                                                              \
        .name = (n), .type = (ty), .logical = (lg), .int_bits = (bits), .is_signed = (sg),         \
        .repetition = (rep), .encoding = (enc)                                                     \
    }

/* A random value of a bits-wide integer (8, 16, 32), edges now and then. */
static int32_t r_int_bits(int bits, int is_signed)
{
    uint64_t r = rnd();
    /* Mix edge values in now and then. */
    uint32_t pick = rndn(16);
    if (is_signed) {
        int64_t lo = -((int64_t)1 << (bits - 1)), hi = ((int64_t)1 << (bits - 1)) - 1;
        if (pick == 0)
            return (int32_t)lo;
        if (pick == 1)
            return (int32_t)hi;
        if (pick == 2)
            return 0;
        return (int32_t)(lo + (int64_t)(r % (uint64_t)(hi - lo + 1)));
    }
    uint64_t hi = bits == 32 ? 0xffffffffull : ((1ull << bits) - 1);
    if (pick == 0)
        return 0;
    if (pick == 1)
        return (int32_t)(uint32_t)hi;
    return (int32_t)(uint32_t)(r % (hi + 1));
}

static int64_t r_i64(void)
{
    switch (rndn(10)) {
    case 0:
        return INT64_MIN;
    case 1:
        return INT64_MAX;
    case 2:
        return 0;
    case 3:
        return -1;
    case 4:
        return (int64_t)rndn(1000) - 500;
    default:
        return (int64_t)rnd();
    }
}

static const char *const utf8_bits[] = {
    "a",      "Z",      " ",    "é",        "ß", "Ω", "中",    "文",
    "日本",   "😀",      "🚀",    "\xcc\x81", "ø", "€", "\"",    "\\",
    "\n",     "\t",     "\x01", "tab\tin",  "𝄞", "ك", "עברית", "\xe2\x80\x8b",
    "quote'", "<html>", "{}",   "null",     "0", "ä", "Ð",     "\x7f",
};

static size_t r_utf8(char *buf, size_t cap, size_t maxparts)
{
    size_t n = 0, parts = rndn((uint32_t)maxparts + 1);
    buf[0] = 0;
    for (size_t i = 0; i < parts; i++) {
        const char *b = utf8_bits[rndn(sizeof utf8_bits / sizeof utf8_bits[0])];
        size_t l = strlen(b);
        if (n + l + 1 > cap)
            break;
        memcpy(buf + n, b, l);
        n += l;
        buf[n] = 0;
    }
    return n;
}

static uint32_t r_bin(uint8_t *buf, uint32_t maxlen)
{
    uint32_t n = rndn(maxlen + 1);
    for (uint32_t i = 0; i < n; i++)
        buf[i] = (uint8_t)rnd();
    return n;
}

/* ------------------------------------------------------------------ cases */
static const pq_options zstd_opts = {.codec = PQ_CODEC_ZSTD};

/* Every physical/logical type; required or optional (with NULLs). */
static void case_types(const char *dir, const char *name, pq_repetition rep, uint64_t seed)
{
    const pq_column_spec cols[] = {
        C_("i8", PQ_INT32, PQ_LOGICAL_INT, 8, 1, rep, PQ_ENC_AUTO),
        C_("u8", PQ_INT32, PQ_LOGICAL_INT, 8, 0, rep, PQ_ENC_AUTO),
        C_("i16", PQ_INT32, PQ_LOGICAL_INT, 16, 1, rep, PQ_ENC_AUTO),
        C_("u16", PQ_INT32, PQ_LOGICAL_INT, 16, 0, rep, PQ_ENC_AUTO),
        C_("i32", PQ_INT32, PQ_LOGICAL_INT, 32, 1, rep, PQ_ENC_AUTO),
        C_("u32", PQ_INT32, PQ_LOGICAL_INT, 32, 0, rep, PQ_ENC_AUTO),
        C_("i32_plain", PQ_INT32, PQ_LOGICAL_NONE, 0, 0, rep, PQ_ENC_PLAIN),
        C_("i64", PQ_INT64, PQ_LOGICAL_INT, 64, 1, rep, PQ_ENC_AUTO),
        C_("u64", PQ_INT64, PQ_LOGICAL_INT, 64, 0, rep, PQ_ENC_AUTO),
        C_("i64_plain", PQ_INT64, PQ_LOGICAL_NONE, 0, 0, rep, PQ_ENC_PLAIN),
        C_("str", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, rep, PQ_ENC_AUTO),
        C_("str_plain", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, rep, PQ_ENC_PLAIN),
        C_("bin", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, rep, PQ_ENC_AUTO),
        C_("ts", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, rep, PQ_ENC_AUTO),
        C_("flag", PQ_BOOLEAN, PQ_LOGICAL_NONE, 0, 0, rep, PQ_ENC_AUTO),
    };
    const size_t n = sizeof cols / sizeof cols[0];
    tcase t;
    rng_seed(seed);
    begin(&t, dir, name, cols, n, &zstd_opts, "\"codec\":\"ZSTD\"");
    char s[256];
    uint8_t b[64];
    for (int r = 0; r < 300; r++) {
        for (size_t c = 0; c < n; c++) {
            if (rep == PQ_OPTIONAL && rndn(10) < 3) {
                v_null(&t, c);
                continue;
            }
            switch (c) {
            case 0:
                v_i32(&t, c, r_int_bits(8, 1));
                break;
            case 1:
                v_i32(&t, c, r_int_bits(8, 0));
                break;
            case 2:
                v_i32(&t, c, r_int_bits(16, 1));
                break;
            case 3:
                v_i32(&t, c, r_int_bits(16, 0));
                break;
            case 4:
            case 6:
                v_i32(&t, c, r_int_bits(32, 1));
                break;
            case 5:
                v_i32(&t, c, r_int_bits(32, 0));
                break;
            case 7:
            case 8:
            case 9:
                v_i64(&t, c, r_i64());
                break;
            case 10:
            case 11:
                r_utf8(s, sizeof s, 8);
                v_str(&t, c, s);
                break;
            case 12:
                v_bytes(&t, c, b, r_bin(b, sizeof b));
                break;
            case 13:
                /* 1970 .. ~2100, plus some before the epoch. */
                v_i64(&t, c, (int64_t)(rnd() % 4102444800000000ull) - 100000000000000ll);
                break;
            case 14:
                v_bool(&t, c, (int)rndn(2));
                break;
            }
        }
        end_row(&t);
    }
    end(&t);
}

/* Lists of int32/int64/int8/binary/string: empty, NULL, empty elements. */
static void case_lists(const char *dir)
{
    const pq_column_spec cols[] = {
        C_("id", PQ_INT32, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("l_i32", PQ_INT32, PQ_LOGICAL_INT, 32, 1, PQ_LIST, PQ_ENC_AUTO),
        C_("l_i64", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_LIST, PQ_ENC_AUTO),
        C_("l_i8", PQ_INT32, PQ_LOGICAL_INT, 8, 1, PQ_LIST, PQ_ENC_AUTO),
        C_("l_u16", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_LIST, PQ_ENC_AUTO),
        C_("l_bin", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_AUTO),
        C_("l_str", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_LIST, PQ_ENC_AUTO),
        C_("l_i64_delta", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_LIST, PQ_ENC_DELTA),
    };
    const size_t n = sizeof cols / sizeof cols[0];
    tcase t;
    rng_seed(7);
    begin(&t, dir, "lists", cols, n, &zstd_opts, "\"codec\":\"ZSTD\"");
    int32_t i32[20];
    int64_t i64[20];
    uint8_t store[20][40];
    const uint8_t *ptr[20];
    uint32_t lens[20];
    char sbuf[20][64];
    for (int r = 0; r < 400; r++) {
        v_i32(&t, 0, r);
        for (size_t c = 1; c < n; c++) {
            uint32_t kind = rndn(8);
            if (kind == 0) {
                v_null(&t, c);
                continue;
            }
            size_t len = kind == 1 ? 0 : rndn(12);
            switch (c) {
            case 1:
                for (size_t i = 0; i < len; i++)
                    i32[i] = r_int_bits(32, 1);
                v_list_i32(&t, c, i32, len);
                break;
            case 3:
                for (size_t i = 0; i < len; i++)
                    i32[i] = r_int_bits(8, 1);
                v_list_i32(&t, c, i32, len);
                break;
            case 4:
                for (size_t i = 0; i < len; i++)
                    i32[i] = r_int_bits(16, 0);
                v_list_i32(&t, c, i32, len);
                break;
            case 2:
            case 7:
                for (size_t i = 0; i < len; i++)
                    i64[i] = c == 7 ? (int64_t)(i * 1000 + rndn(1000)) - 300 : r_i64();
                v_list_i64(&t, c, i64, len);
                break;
            case 5:
                for (size_t i = 0; i < len; i++) {
                    lens[i] = rndn(3) == 0 ? 0 : r_bin(store[i], sizeof store[i]);
                    ptr[i] = store[i];
                }
                v_list_bytes(&t, c, ptr, lens, len);
                break;
            case 6:
                for (size_t i = 0; i < len; i++) {
                    lens[i] = (uint32_t)r_utf8(sbuf[i], sizeof sbuf[i], 4);
                    ptr[i] = (const uint8_t *)sbuf[i];
                }
                v_list_bytes(&t, c, ptr, lens, len);
                break;
            }
        }
        end_row(&t);
    }
    end(&t);
}

/* Lists of 1000-byte binaries (payload-like), several pages. */
static void case_big_binaries(const char *dir)
{
    const pq_column_spec cols[] = {
        C_("payloads", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_AUTO),
        C_("sizes", PQ_INT32, PQ_LOGICAL_INT, 32, 1, PQ_LIST, PQ_ENC_AUTO),
    };
    tcase t;
    rng_seed(11);
    begin(&t, dir, "big_binaries", cols, 2, &zstd_opts, "\"codec\":\"ZSTD\"");
    static uint8_t store[10][1000];
    const uint8_t *ptr[10];
    uint32_t lens[10];
    int32_t sizes[10];
    for (int r = 0; r < 250; r++) {
        size_t n = rndn(11);
        for (size_t i = 0; i < n; i++) {
            lens[i] = rndn(4) == 0 ? rndn(1001) : 1000;
            /* Half random bytes, half compressible. */
            for (uint32_t k = 0; k < lens[i]; k++)
                store[i][k] = (uint8_t)(k < 500 ? rnd() : (k & 0x0f));
            ptr[i] = store[i];
            sizes[i] = (int32_t)lens[i];
        }
        v_list_bytes(&t, 0, ptr, lens, n);
        v_list_i32(&t, 1, sizes, n);
        end_row(&t);
    }
    end(&t);
}

/* Low-cardinality strings: dictionary-encoded. */
static void case_dict(const char *dir)
{
    const pq_column_spec cols[] = {
        C_("device", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY),
        C_("remote", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_OPTIONAL, PQ_ENC_AUTO),
        C_("blob", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY),
    };
    static const char *const devices[] = {
        "Amazon Echo",
        "Belkin Wemo switch",
        "Dropcam",
        "Netatmo Welcome",
        "Samsung SmartCam",
        "TP-Link Smart plug",
        "Withings Smart scale",
        "Triby Speaker",
        "iHome",
        "Ü-Gerät ☕",
    };
    tcase t;
    rng_seed(13);
    begin(&t, dir, "dict_strings", cols, 3, &zstd_opts,
          "\"codec\":\"ZSTD\",\"encodings\":{\"device\":[\"RLE_DICTIONARY\"],\"remote\":["
          "\"RLE_DICTIONARY\"],\"blob\":[\"RLE_DICTIONARY\"]}");
    char ip[64];
    uint8_t b[4];
    for (int r = 0; r < 20000; r++) {
        v_str(&t, 0, devices[rndn(10)]);
        if (rndn(20) == 0) {
            v_null(&t, 1);
        } else {
            uint32_t a = rndn(4), b2 = rndn(8); /* sequenced: same on every compiler */
            snprintf(ip, sizeof ip, "52.94.%u.%u", a, b2);
            v_str(&t, 1, ip);
        }
        b[0] = (uint8_t)rndn(3);
        v_bytes(&t, 2, b, rndn(2) ? 1 : 0);
        end_row(&t);
    }
    end(&t);
}

/* Many distinct long strings: the dictionary must fall back to PLAIN. */
static void case_dict_fallback(const char *dir)
{
    const pq_column_spec cols[] = {
        C_("s", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_DICTIONARY),
        C_("n", PQ_INT32, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO),
    };
    tcase t;
    rng_seed(17);
    begin(&t, dir, "dict_fallback", cols, 2, &zstd_opts, "\"codec\":\"ZSTD\"");
    char s[400];
    for (int r = 0; r < 12000; r++) {
        /* ~300 bytes, unique per row: ~3.6 MB of distinct values. */
        int k = snprintf(s, sizeof s, "row %06d ", r);
        while (k < 290) {
            s[k++] = (char)('a' + rndn(26));
        }
        s[k] = 0;
        if (r % 1000 == 0 && r > 0) /* repeat an earlier-looking value now and then */
            memcpy(s, "row 000000 ", 11);
        v_str(&t, 0, s);
        v_i32(&t, 1, r);
        end_row(&t);
    }
    end(&t);
}

/* DELTA_BINARY_PACKED int64 timestamps and int32/int64 with wild deltas. */
static void case_delta(const char *dir)
{
    const pq_column_spec cols[] = {
        C_("ts", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_REQUIRED, PQ_ENC_DELTA),
        C_("ts_opt", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_OPTIONAL, PQ_ENC_DELTA),
        C_("wild64", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_REQUIRED, PQ_ENC_DELTA),
        C_("wild32", PQ_INT32, PQ_LOGICAL_INT, 32, 1, PQ_REQUIRED, PQ_ENC_DELTA),
        C_("u32", PQ_INT32, PQ_LOGICAL_INT, 32, 0, PQ_REQUIRED, PQ_ENC_DELTA),
        C_("const", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_REQUIRED, PQ_ENC_DELTA),
    };
    const size_t n = sizeof cols / sizeof cols[0];
    tcase t;
    rng_seed(19);
    begin(&t, dir, "delta", cols, n, &zstd_opts,
          "\"codec\":\"ZSTD\",\"encodings\":{\"ts\":[\"DELTA_BINARY_PACKED\"],\"wild64\":["
          "\"DELTA_BINARY_PACKED\"],\"wild32\":[\"DELTA_BINARY_PACKED\"]}");
    int64_t ts = 1474552800000000ll; /* 2016-09-22 */
    for (int r = 0; r < 5000; r++) {
        /* Mostly increasing, sometimes backwards (captures do that). */
        ts += rndn(50) == 0 ? -(int64_t)rndn(5000000) : (int64_t)rndn(200000);
        v_i64(&t, 0, ts);
        if (rndn(5) == 0)
            v_null(&t, 1);
        else
            v_i64(&t, 1, ts + rndn(1000));
        v_i64(&t, 2, r_i64());
        v_i32(&t, 3, r_int_bits(32, 1));
        v_i32(&t, 4, r_int_bits(32, 0));
        v_i64(&t, 5, 42);
        end_row(&t);
    }
    end(&t);
}

/* The custom-flow-like schema, with each codec. */
static const pq_column_spec flow_cols[] = {
    C_("device", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO),
    C_("first_seen", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_REQUIRED, PQ_ENC_DELTA),
    C_("remote_ip", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO),
    C_("protocol", PQ_INT32, PQ_LOGICAL_INT, 8, 0, PQ_REQUIRED, PQ_ENC_AUTO),
    C_("device_port", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_AUTO),
    C_("remote_port", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_AUTO),
    C_("total_bytes", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_REQUIRED, PQ_ENC_AUTO),
    C_("total_packets", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_REQUIRED, PQ_ENC_AUTO),
    C_("pkt_offset_us", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_LIST, PQ_ENC_AUTO),
    C_("pkt_size", PQ_INT32, PQ_LOGICAL_INT, 32, 1, PQ_LIST, PQ_ENC_AUTO),
    C_("pkt_direction", PQ_INT32, PQ_LOGICAL_INT, 8, 1, PQ_LIST, PQ_ENC_AUTO),
    C_("pkt_payload", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_LIST, PQ_ENC_AUTO),
};
#define FLOW_NCOLS (sizeof flow_cols / sizeof flow_cols[0])

static void flow_row(tcase *t, int64_t *ts)
{
    static const char *const devs[] = {"Amazon Echo", "Dropcam", "Smart Things", "iHome",
                                       "44:65:0d:56:cc:d3"};
    char ip[64];
    int64_t off[10];
    int32_t size[10], dir[10];
    uint8_t pay[10][48];
    const uint8_t *pp[10];
    uint32_t pl[10];
    *ts += rndn(3000000);
    v_str(t, 0, devs[rndn(5)]);
    v_i64(t, 1, *ts);
    if (rndn(4) == 0)
        v_str(t, 2, rndn(2) ? "0.0.0.0" : "2001:db8::1");
    else {
        uint32_t a = 1 + rndn(223), b = rndn(256), c = rndn(256), d = rndn(256);
        snprintf(ip, sizeof ip, "%u.%u.%u.%u", a, b, c, d);
        v_str(t, 2, ip);
    }
    v_i32(t, 3, rndn(3) ? 6 : 17);
    v_i32(t, 4, (int32_t)rndn(65536));
    v_i32(t, 5, rndn(2) ? 443 : (int32_t)rndn(65536));
    size_t n = 1 + rndn(10);
    int64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        off[i] = i ? off[i - 1] + rndn(100000) : 0;
        size[i] = 54 + (int32_t)rndn(1460);
        dir[i] = (int32_t)rndn(2);
        pl[i] = rndn(49);
        for (uint32_t k = 0; k < pl[i]; k++)
            pay[i][k] = (uint8_t)(k < 4 ? 0x16 + k : rnd());
        pp[i] = pay[i];
        bytes += size[i];
    }
    v_i64(t, 6, bytes + rndn(100000));
    v_i64(t, 7, (int64_t)n + rndn(100));
    v_list_i64(t, 8, off, n);
    v_list_i32(t, 9, size, n);
    v_list_i32(t, 10, dir, n);
    v_list_bytes(t, 11, pp, pl, n);
    end_row(t);
}

static void case_flows(const char *dir, const char *name, const pq_options *o, int rows,
                       const char *meta)
{
    tcase t;
    int64_t ts = 1474552800000000ll;
    rng_seed(23);
    begin(&t, dir, name, flow_cols, FLOW_NCOLS, o, meta);
    for (int r = 0; r < rows; r++)
        flow_row(&t, &ts);
    end(&t);
}

static void case_codecs(const char *dir)
{
    pq_options o = {0};
    o.codec = PQ_CODEC_ZSTD;
    case_flows(dir, "codec_zstd", &o, 2000, "\"codec\":\"ZSTD\"");
    o.codec = PQ_CODEC_SNAPPY;
    case_flows(dir, "codec_snappy", &o, 2000, "\"codec\":\"SNAPPY\"");
    o.codec = PQ_CODEC_GZIP;
    case_flows(dir, "codec_gzip", &o, 2000, "\"codec\":\"GZIP\"");
    o.codec = PQ_CODEC_UNCOMPRESSED;
    case_flows(dir, "codec_none", &o, 2000, "\"codec\":\"UNCOMPRESSED\"");
    o.codec = PQ_CODEC_ZSTD;
    o.compression_level = 19;
    case_flows(dir, "codec_zstd19", &o, 500, "\"codec\":\"ZSTD\"");
}

static void case_small(const char *dir)
{
    case_flows(dir, "zero_rows", &zstd_opts, 0, "\"max_row_groups\":1");
    case_flows(dir, "one_row", &zstd_opts, 1, "\"max_row_groups\":1");
    const pq_column_spec one[] = {
        C_("x", PQ_INT64, PQ_LOGICAL_NONE, 0, 0, PQ_OPTIONAL, PQ_ENC_AUTO),
    };
    tcase t;
    begin(&t, dir, "one_null", one, 1, &zstd_opts, "");
    v_null(&t, 0);
    end_row(&t);
    end(&t);
}

static void case_row_groups(const char *dir)
{
    pq_options o = {.codec = PQ_CODEC_ZSTD, .row_group_bytes = 8192};
    case_flows(dir, "many_row_groups", &o, 3000, "\"min_row_groups\":10");
    pq_options p = {.codec = PQ_CODEC_SNAPPY, .page_bytes = 512};
    case_flows(dir, "many_pages", &p, 3000, "");
}

static void case_wide(const char *dir)
{
    enum { NC = 3000 };
    static pq_column_spec cols[NC];
    static char names[NC][8];
    for (int i = 0; i < NC; i++) {
        snprintf(names[i], sizeof names[i], "C_%04d", i);
        cols[i] = (pq_column_spec){.name = names[i],
                                   .type = PQ_INT32,
                                   .logical = PQ_LOGICAL_INT,
                                   .int_bits = 16,
                                   .is_signed = 1,
                                   .repetition = PQ_REQUIRED,
                                   .encoding = PQ_ENC_AUTO};
    }
    tcase t;
    rng_seed(29);
    begin(&t, dir, "wide_3000", cols, NC, &zstd_opts, "\"codec\":\"ZSTD\"");
    for (int r = 0; r < 200; r++) {
        for (int c = 0; c < NC; c++) {
            /* Like the wide layout: -4, bytes, -8, -1 padding. */
            int32_t v = c < 8 * (r % 50) ? (int32_t)rndn(256) : -1;
            if (c == 0)
                v = -4;
            v_i32(&t, (size_t)c, v);
        }
        end_row(&t);
    }
    end(&t);
}

static void case_extremes(const char *dir)
{
    const pq_column_spec cols[] = {
        C_("i64", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("u64", PQ_INT64, PQ_LOGICAL_INT, 64, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("i32", PQ_INT32, PQ_LOGICAL_INT, 32, 1, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("u32", PQ_INT32, PQ_LOGICAL_INT, 32, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("i16", PQ_INT32, PQ_LOGICAL_INT, 16, 1, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("u16", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("i8", PQ_INT32, PQ_LOGICAL_INT, 8, 1, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("u8", PQ_INT32, PQ_LOGICAL_INT, 8, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("ts", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("s", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("b", PQ_BYTE_ARRAY, PQ_LOGICAL_NONE, 0, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("l64", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_LIST, PQ_ENC_DELTA),
    };
    const size_t n = sizeof cols / sizeof cols[0];
    static const char *const strs[] = {
        "",
        "plain ascii",
        "Grüße aus Köln",
        "日本語テキスト",
        "emoji 😀🚀👍🏽",
        "𝄞 clef",
        "e\xcc\x81 (combining)",
        "zero\xe2\x80\x8bwidth",
        "quote \" backslash \\ tab \t nl \n",
        "\x01\x02\x1f control",
        "العربية",
        "עברית",
    };
    static const int64_t i64s[] = {INT64_MIN, INT64_MAX, 0, -1, 1, INT64_MIN + 1, INT64_MAX - 1};
    static const uint64_t u64s[] = {UINT64_MAX,          0, (uint64_t)INT64_MAX + 1,
                                    (uint64_t)INT64_MAX, 1, UINT64_MAX - 1};
    static const int32_t i32s[] = {INT32_MIN, INT32_MAX, 0, -1, 1};
    static const uint32_t u32s[] = {UINT32_MAX, 0, 0x80000000u, 0x7fffffffu, 1};
    static const int32_t i16s[] = {-32768, 32767, 0, -1};
    static const int32_t u16s[] = {65535, 0, 32768, 32767};
    static const int32_t i8s[] = {-128, 127, 0, -1};
    static const int32_t u8s[] = {255, 0, 128, 127};
    static const int64_t tss[] = {0, -1, 253402300799999999ll, -62135596800000000ll,
                                  1474552800123456ll};
    tcase t;
    begin(&t, dir, "extremes", cols, n, &zstd_opts, "");
    const size_t rows = sizeof strs / sizeof strs[0];
    for (size_t r = 0; r < rows; r++) {
#define PICK(a) a[r % (sizeof a / sizeof a[0])]
        v_i64(&t, 0, PICK(i64s));
        v_i64(&t, 1, (int64_t)PICK(u64s));
        v_i32(&t, 2, PICK(i32s));
        v_i32(&t, 3, (int32_t)PICK(u32s));
        v_i32(&t, 4, PICK(i16s));
        v_i32(&t, 5, PICK(u16s));
        v_i32(&t, 6, PICK(i8s));
        v_i32(&t, 7, PICK(u8s));
        v_i64(&t, 8, PICK(tss));
        v_str(&t, 9, strs[r]);
        uint8_t b[4] = {0, 0xff, (uint8_t)r, 0x80};
        v_bytes(&t, 10, b, (uint32_t)(r % 5));
        int64_t l[4] = {INT64_MIN, INT64_MAX, INT64_MIN, -1};
        v_list_i64(&t, 11, l, r % 5);
        end_row(&t);
#undef PICK
    }
    end(&t);
}

/* For the statistics check: unsigned values above the signed maximum,
 * several row groups, some NULLs. */
static void case_stats(const char *dir)
{
    const pq_column_spec cols[] = {
        C_("u32", PQ_INT32, PQ_LOGICAL_INT, 32, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("u64", PQ_INT64, PQ_LOGICAL_INT, 64, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("u16", PQ_INT32, PQ_LOGICAL_INT, 16, 0, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("i32", PQ_INT32, PQ_LOGICAL_INT, 32, 1, PQ_REQUIRED, PQ_ENC_AUTO),
        C_("i64", PQ_INT64, PQ_LOGICAL_INT, 64, 1, PQ_OPTIONAL, PQ_ENC_AUTO),
        C_("ts", PQ_INT64, PQ_LOGICAL_TIMESTAMP_MICROS, 0, 0, PQ_REQUIRED, PQ_ENC_DELTA),
        C_("s", PQ_BYTE_ARRAY, PQ_LOGICAL_STRING, 0, 0, PQ_OPTIONAL, PQ_ENC_AUTO),
    };
    const size_t n = sizeof cols / sizeof cols[0];
    pq_options o = {.codec = PQ_CODEC_ZSTD, .row_group_bytes = 16384};
    tcase t;
    rng_seed(31);
    begin(&t, dir, "stats", cols, n, &o, "\"min_row_groups\":3");
    char s[64];
    for (int r = 0; r < 4000; r++) {
        v_i32(&t, 0, (int32_t)(uint32_t)rnd());
        v_i64(&t, 1, (int64_t)rnd());
        v_i32(&t, 2, (int32_t)rndn(65536));
        v_i32(&t, 3, (int32_t)(uint32_t)rnd());
        if (rndn(7) == 0)
            v_null(&t, 4);
        else
            v_i64(&t, 4, (int64_t)rnd());
        v_i64(&t, 5, 1474552800000000ll + (int64_t)rndn(1u << 31));
        if (rndn(9) == 0)
            v_null(&t, 6);
        else {
            uint32_t a = rndn(26), b = rndn(100000);
            snprintf(s, sizeof s, "%c-%u", (char)('a' + a), b);
            v_str(&t, 6, s);
        }
        end_row(&t);
    }
    end(&t);
}

typedef struct {
    const char *name;
    void (*fn)(const char *dir);
} case_entry;

static void c_types_required(const char *d)
{
    case_types(d, "types_required", PQ_REQUIRED, 3);
}
static void c_types_optional(const char *d)
{
    case_types(d, "types_optional", PQ_OPTIONAL, 5);
}

static const case_entry cases[] = {
    {"types_required", c_types_required},
    {"types_optional", c_types_optional},
    {"lists", case_lists},
    {"big_binaries", case_big_binaries},
    {"dict_strings", case_dict},
    {"dict_fallback", case_dict_fallback},
    {"delta", case_delta},
    {"codecs", case_codecs},
    {"small", case_small},
    {"row_groups", case_row_groups},
    {"wide_3000", case_wide},
    {"extremes", case_extremes},
    {"stats", case_stats},
};

int main(int argc, char **argv)
{
    const size_t ncases = sizeof cases / sizeof cases[0];
    if (argc >= 2 && strcmp(argv[1], "-l") == 0) {
        for (size_t i = 0; i < ncases; i++)
            puts(cases[i].name);
        return 0;
    }
    if (argc < 2 || argv[1][0] == '-') {
        /* An option-like DIR (--help) would otherwise become a directory. */
        fprintf(stderr, "usage: pq_cases DIR [CASE...] | pq_cases -l\n");
        return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die(dir, strerror(errno));
    for (size_t i = 0; i < ncases; i++) {
        int want = argc == 2;
        for (int a = 2; a < argc; a++)
            if (strcmp(argv[a], cases[i].name) == 0)
                want = 1;
        if (want)
            cases[i].fn(dir);
    }
    return 0;
}
