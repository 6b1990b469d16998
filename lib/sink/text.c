/* JSON lines (RFC 8259 values, one per line) and CSV (RFC 4180) of records;
 * the layout is described in text.h. */
#include "sink/text.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Buffered bytes are written out once they pass this much. */
#define TEXT_FLUSH_AT ((size_t)64 << 10)

struct cf_textout {
    int fd;
    char name[256];
    cf_format format;
    unsigned columns;
    int flush_ms;            /* see text.h */
    struct timespec flushed; /* when the buffer was last written out */
    int is_pipe;             /* a pipe or socket: writes may raise SIGPIPE */
    char *buf;
    size_t len, cap;
    int oom;          /* an append ran out of memory */
    char failed[512]; /* the first write error, repeated afterwards */
    unsigned long long records;
};

/* ---- Growable buffer ---- */

static int reserve(cf_textout *t, size_t more)
{
    if (t->len + more <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + more) {
        if (cap > SIZE_MAX / 2) {
            t->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *b = realloc(t->buf, cap);
    if (!b) {
        t->oom = 1;
        return -1;
    }
    t->buf = b;
    t->cap = cap;
    return 0;
}

static void put_mem(cf_textout *t, const char *s, size_t n)
{
    if (reserve(t, n) == 0) {
        memcpy(t->buf + t->len, s, n);
        t->len += n;
    }
}

static void put_str(cf_textout *t, const char *s)
{
    put_mem(t, s, strlen(s));
}

static void put_char(cf_textout *t, char c)
{
    if (reserve(t, 1) == 0)
        t->buf[t->len++] = c;
}

static void put_int(cf_textout *t, int64_t v)
{
    char digits[24];
    int n = 0;
    /* Negate in unsigned arithmetic so INT64_MIN is exact. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (reserve(t, (size_t)n + 1) != 0)
        return;
    if (v < 0)
        t->buf[t->len++] = '-';
    while (n > 0)
        t->buf[t->len++] = digits[--n];
}

static void put_hex(cf_textout *t, const uint8_t *p, uint32_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (reserve(t, 2 * (size_t)n) != 0)
        return;
    for (uint32_t k = 0; k < n; k++) {
        t->buf[t->len++] = hex[p[k] >> 4];
        t->buf[t->len++] = hex[p[k] & 15];
    }
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when the
 * byte at s does not start one (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xBF)
            return 0;
    return len;
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* A JSON string: quotes, escapes for '"', '\\' and control characters,
 * U+FFFD for each byte that is not part of valid UTF-8. */
static void put_json_string(cf_textout *t, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    put_char(t, '"');
    size_t k = 0;
    while (k < n) {
        unsigned char c = s[k];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            size_t run = k;
            while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\')
                run++;
            put_mem(t, (const char *)s + k, run - k);
            k = run;
            continue;
        }
        if (c < 0x80) {
            static const char hex[] = "0123456789abcdef";
            char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
            size_t len = 2;
            switch (c) {
            case '"':
                esc[1] = '"';
                break;
            case '\\':
                esc[1] = '\\';
                break;
            case '\n':
                esc[1] = 'n';
                break;
            case '\r':
                esc[1] = 'r';
                break;
            case '\t':
                esc[1] = 't';
                break;
            case '\b':
                esc[1] = 'b';
                break;
            case '\f':
                esc[1] = 'f';
                break;
            default:
                memcpy(esc + 1, "u00", 3);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                len = 6;
            }
            put_mem(t, esc, len);
            k++;
            continue;
        }
        size_t len = utf8_seq(s + k, n - k);
        if (len) {
            put_mem(t, (const char *)s + k, len);
            k += len;
        } else {
            put_mem(t, replacement, 3);
            k++;
        }
    }
    put_char(t, '"');
}

/* A CSV field: as is, or quoted (quotes doubled) when it holds a
 * separator, a quote or a line end; U+FFFD for invalid UTF-8 bytes. */
static void put_csv_string(cf_textout *t, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    int quote = strpbrk((const char *)s, ",\"\r\n") != NULL;
    if (quote)
        put_char(t, '"');
    size_t k = 0;
    while (k < n) {
        size_t len = utf8_seq(s + k, n - k);
        if (!len) {
            put_mem(t, replacement, 3);
            k++;
            continue;
        }
        if (s[k] == '"')
            put_char(t, '"');
        put_mem(t, (const char *)s + k, len);
        k += len;
    }
    if (quote)
        put_char(t, '"');
}

/* ---- Columns ---- */

static int is_json(const cf_textout *t)
{
    return t->format == CF_FORMAT_JSONL;
}

/* Starts column number col (0-based): JSON `,"name":`, CSV `,`. */
static void begin_column(cf_textout *t, int col, const char *name)
{
    if (is_json(t)) {
        put_str(t, col ? ",\"" : "\"");
        put_str(t, name);
        put_str(t, "\":");
    } else if (col) {
        put_char(t, ',');
    }
}

static void put_string_value(cf_textout *t, const char *s)
{
    if (is_json(t))
        put_json_string(t, s);
    else
        put_csv_string(t, s);
}

/* Lists: JSON [a,b]; CSV a;b (item k by put_item). */
static void list_open(cf_textout *t)
{
    if (is_json(t))
        put_char(t, '[');
}

static void list_sep(cf_textout *t, uint32_t k)
{
    if (k)
        put_char(t, is_json(t) ? ',' : ';');
}

static void list_close(cf_textout *t)
{
    if (is_json(t))
        put_char(t, ']');
}

static void put_int_list64(cf_textout *t, const int64_t *v, uint32_t n)
{
    list_open(t);
    for (uint32_t k = 0; k < n; k++) {
        list_sep(t, k);
        put_int(t, v[k]);
    }
    list_close(t);
}

static void put_int_list32(cf_textout *t, const int32_t *v, uint32_t n)
{
    list_open(t);
    for (uint32_t k = 0; k < n; k++) {
        list_sep(t, k);
        put_int(t, v[k]);
    }
    list_close(t);
}

static void put_int_list8(cf_textout *t, const int8_t *v, uint32_t n)
{
    list_open(t);
    for (uint32_t k = 0; k < n; k++) {
        list_sep(t, k);
        put_int(t, v[k]);
    }
    list_close(t);
}

static void put_payload_list(cf_textout *t, const cf_record *r)
{
    list_open(t);
    for (uint32_t k = 0; k < r->n; k++) {
        list_sep(t, k);
        if (is_json(t))
            put_char(t, '"');
        put_hex(t, r->payload[k], r->payload_len[k]);
        if (is_json(t))
            put_char(t, '"');
    }
    list_close(t);
}

/* context_files items: JSON strings; CSV items as they are, the whole
 * field quoted when any item needs it. */
static void put_string_list(cf_textout *t, const char *const *v, uint32_t n)
{
    if (is_json(t)) {
        put_char(t, '[');
        for (uint32_t k = 0; k < n; k++) {
            list_sep(t, k);
            put_json_string(t, v[k]);
        }
        put_char(t, ']');
        return;
    }
    size_t start = t->len;
    for (uint32_t k = 0; k < n; k++) {
        list_sep(t, k);
        put_str(t, v[k] ? v[k] : "");
    }
    if (t->oom)
        return;
    /* Re-encode the joined field as one CSV string (quoting, UTF-8). */
    char *joined = strndup(t->buf + start, t->len - start);
    if (!joined) {
        t->oom = 1;
        return;
    }
    t->len = start;
    put_csv_string(t, joined);
    free(joined);
}

static const char *const base_columns[] = {
    CF_COL_DEVICE,      CF_COL_FIRST_SEEN,  CF_COL_REMOTE_IP,     CF_COL_PROTOCOL,
    CF_COL_DEVICE_PORT, CF_COL_REMOTE_PORT, CF_COL_TOTAL_BYTES,   CF_COL_TOTAL_PACKETS,
    CF_COL_PKT_OFFSET,  CF_COL_PKT_SIZE,    CF_COL_PKT_DIRECTION, CF_COL_PKT_PAYLOAD,
};

static void put_csv_header(cf_textout *t)
{
    int col = 0;
    if (t->columns & CF_TEXT_VARIANT)
        put_str(t, col++ ? ",variant" : "variant");
    for (size_t k = 0; k < sizeof base_columns / sizeof *base_columns; k++) {
        if (col++)
            put_char(t, ',');
        put_str(t, base_columns[k]);
    }
    if (t->columns & CF_TEXT_NAMES)
        put_str(t, "," CF_COL_REMOTE_NAME);
    if (t->columns & CF_TEXT_CONTEXT)
        put_str(t, "," CF_COL_CONTEXT_ROWS "," CF_COL_CONTEXT_FILES);
    put_char(t, '\n');
}

static void put_record(cf_textout *t, const cf_record *r)
{
    int col = 0;
    if (is_json(t))
        put_char(t, '{');
    if (t->columns & CF_TEXT_VARIANT) {
        begin_column(t, col++, "variant");
        put_string_value(t, cf_enum_name("variant", r->variant));
    }
    begin_column(t, col++, CF_COL_DEVICE);
    put_string_value(t, r->device);
    begin_column(t, col++, CF_COL_FIRST_SEEN);
    put_int(t, r->first_seen);
    begin_column(t, col++, CF_COL_REMOTE_IP);
    put_string_value(t, r->remote_ip);
    begin_column(t, col++, CF_COL_PROTOCOL);
    put_int(t, r->protocol);
    begin_column(t, col++, CF_COL_DEVICE_PORT);
    put_int(t, r->device_port);
    begin_column(t, col++, CF_COL_REMOTE_PORT);
    put_int(t, r->remote_port);
    begin_column(t, col++, CF_COL_TOTAL_BYTES);
    put_int(t, r->total_bytes);
    begin_column(t, col++, CF_COL_TOTAL_PACKETS);
    put_int(t, r->total_packets);
    begin_column(t, col++, CF_COL_PKT_OFFSET);
    put_int_list64(t, r->offset_us, r->n);
    begin_column(t, col++, CF_COL_PKT_SIZE);
    put_int_list32(t, r->size, r->n);
    begin_column(t, col++, CF_COL_PKT_DIRECTION);
    put_int_list8(t, r->direction, r->n);
    begin_column(t, col++, CF_COL_PKT_PAYLOAD);
    put_payload_list(t, r);
    if (t->columns & CF_TEXT_NAMES) {
        begin_column(t, col++, CF_COL_REMOTE_NAME);
        put_string_value(t, r->remote_name);
    }
    if (t->columns & CF_TEXT_CONTEXT) {
        uint32_t nc = r->context_rows ? r->n_context : 0;
        begin_column(t, col++, CF_COL_CONTEXT_ROWS);
        put_int_list64(t, r->context_rows, nc);
        begin_column(t, col++, CF_COL_CONTEXT_FILES);
        put_string_list(t, r->context_files, r->context_files ? nc : 0);
    }
    if (is_json(t))
        put_char(t, '}');
    put_char(t, '\n');
}

/* ---- Output ---- */

/* write(2) that turns a closed pipe into EPIPE without a SIGPIPE: the
 * signal is blocked in this thread for the call and, if the write raised
 * it, taken back from the pending set (unless it was already pending).
 * Linux sends a pipe's SIGPIPE to the whole process, so another thread
 * that does not block it may still take it: a multi-threaded program must
 * ignore SIGPIPE itself (the command line does; customflow.h says so). */
static ssize_t write_no_sigpipe(int fd, const void *p, size_t n)
{
    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old) != 0)
        return write(fd, p, n);
    int was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
    ssize_t w = write(fd, p, n);
    int saved = errno;
    if (w < 0 && saved == EPIPE && !was_pending) {
        const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return w;
}

static int fail(cf_textout *t, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s", t->failed);
    return -1;
}

int cf_textout_flush(cf_textout *t, char *err, size_t errlen)
{
    if (*t->failed)
        return fail(t, err, errlen);
    if (t->oom) {
        snprintf(t->failed, sizeof t->failed, "%s: out of memory", t->name);
        return fail(t, err, errlen);
    }
    size_t done = 0;
    while (done < t->len) {
        size_t chunk = t->len - done;
        ssize_t w = t->is_pipe ? write_no_sigpipe(t->fd, t->buf + done, chunk)
                               : write(t->fd, t->buf + done, chunk);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            /* A non-blocking descriptor (a shell may hand one over): wait
             * briefly rather than spin or drop records. */
            const struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
            continue;
        }
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            if (e == EPIPE)
                snprintf(t->failed, sizeof t->failed,
                         "%s: cannot write: the reading end was closed (broken pipe)", t->name);
            else
                snprintf(t->failed, sizeof t->failed, "%s: cannot write: %s", t->name, strerror(e));
            t->len = 0;
            return fail(t, err, errlen);
        }
        done += (size_t)w;
    }
    t->len = 0;
    if (t->flush_ms > 0)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &t->flushed);
    return 0;
}

cf_textout *cf_textout_new(int fd, const char *name, cf_format format, unsigned columns,
                           int flush_ms)
{
    if (format != CF_FORMAT_JSONL && format != CF_FORMAT_CSV)
        return NULL;
    cf_textout *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->fd = fd;
    snprintf(t->name, sizeof t->name, "%s", name ? name : "output");
    t->format = format;
    t->columns = columns;
    t->flush_ms = flush_ms;
    struct stat st;
    t->is_pipe = fstat(fd, &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
    if (format == CF_FORMAT_CSV)
        put_csv_header(t);
    if (t->oom) {
        cf_textout_free(t);
        return NULL;
    }
    return t;
}

/* flush_ms have passed since the last write (a coarse clock: a vDSO read,
 * no system call, per record). */
static int due(cf_textout *t)
{
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &now) != 0)
        return 1;
    int64_t ms = (int64_t)(now.tv_sec - t->flushed.tv_sec) * 1000 +
                 (now.tv_nsec - t->flushed.tv_nsec) / 1000000;
    return ms >= t->flush_ms;
}

int cf_textout_record(cf_textout *t, const cf_record *r, char *err, size_t errlen)
{
    if (*t->failed)
        return fail(t, err, errlen);
    put_record(t, r);
    t->records++;
    if (t->oom || t->flush_ms == 0 || t->len >= TEXT_FLUSH_AT || (t->flush_ms > 0 && due(t)))
        return cf_textout_flush(t, err, errlen);
    return 0;
}

void cf_textout_set_flush(cf_textout *t, int flush_ms)
{
    t->flush_ms = flush_ms;
}

unsigned long long cf_textout_records(const cf_textout *t)
{
    return t->records;
}

void cf_textout_free(cf_textout *t)
{
    if (!t)
        return;
    free(t->buf);
    free(t);
}
