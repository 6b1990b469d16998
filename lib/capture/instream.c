/* Buffered, optionally decompressing input for the capture readers.
 * Compression is recognised by magic bytes (gzip: RFC 1952 ID1 ID2 = 1f 8b;
 * zstd: RFC 8878 frame magic 28 b5 2f fd), never by file name. */
#include "capture/instream.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define IN_CHUNK ((size_t)1 << 20)   /* read() size and initial window */
#define ZCHUNK_MAX ((size_t)1 << 30) /* zlib's avail_in is a uInt */

static void in_fail(cf_in *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void in_fail(cf_in *s, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(s->msg, sizeof s->msg, "%s: ", s->name);
    if (n < 0 || (size_t)n >= sizeof s->msg)
        n = 0;
    va_start(ap, fmt);
    vsnprintf(s->msg + n, sizeof s->msg - (size_t)n, fmt, ap);
    va_end(ap);
    s->failed = 1;
}

const char *cf_in_kind_name(const cf_in *s)
{
    switch (s->kind) {
    case CF_IN_GZIP:
        return "gzip";
    case CF_IN_ZSTD:
        return "zstd";
    default:
        return "plain";
    }
}

/* read() that retries when a signal interrupts it, unless the caller's
 * stop flag was raised; every byte read goes into the file's hash. */
static ssize_t read_hashed(cf_in *s, uint8_t *p, size_t len)
{
    for (;;) {
        ssize_t r = read(s->fd, p, len);
        if (r < 0 && errno == EINTR && !(s->stop && atomic_load(s->stop)))
            continue;
        if (r > 0) {
            s->raw_bytes += (uint64_t)r;
            cf_digest_update(&s->digest, p, (size_t)r);
        }
        return r;
    }
}

/* read() into p[0..len) until at least min bytes or end of file; returns
 * bytes read or -1. A pipe fed as packets arrive (tcpdump -w - | ...) must
 * not wait for a whole buffer: what has come is used. */
static ssize_t read_some(cf_in *s, uint8_t *p, size_t len, size_t min)
{
    size_t got = 0;
    while (got < min) {
        ssize_t r = read_hashed(s, p + got, len - got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Next chunk of compressed input into s->src; sets src_eof at the end. */
static int src_refill(cf_in *s)
{
    s->src_done += s->src_len;
    s->src_pos = s->src_len = 0;
    if (s->map) {
        uint64_t left = s->maplen - s->src_done;
        if (left == 0) {
            s->src_eof = 1;
            return 0;
        }
        s->src = s->map + s->src_done;
        s->src_len = left > ZCHUNK_MAX ? ZCHUNK_MAX : (size_t)left;
        return 0;
    }
    ssize_t r = read_some(s, s->inbuf, s->inbuf_cap, 1);
    if (r < 0) {
        in_fail(s, "read error: %s", strerror(errno));
        return -1;
    }
    if (r == 0)
        s->src_eof = 1;
    s->src = s->inbuf;
    s->src_len = (size_t)r;
    return 0;
}

static uint64_t src_offset(const cf_in *s)
{
    return s->src_done + s->src_pos;
}

/* Decompresses until s->end >= n, the stream ends, or an error. */
static int produce_gzip(cf_in *s, size_t n)
{
    while (s->end < n) {
        if (s->src_pos == s->src_len && !s->src_eof && src_refill(s) < 0)
            return -1;
        if (s->z_member_done) {
            if (s->src_pos == s->src_len) {
                if (s->src_eof) {
                    s->eof = 1;
                    return 0;
                }
                continue;
            }
            /* RFC 1952 2.2: a gzip file is a series of members. */
            inflateReset(&s->z);
            s->z_member_done = 0;
        }
        s->z.next_in = (Bytef *)(s->src + s->src_pos);
        s->z.avail_in = (uInt)(s->src_len - s->src_pos);
        size_t room = s->cap - s->end;
        if (room > UINT_MAX)
            room = UINT_MAX;
        s->z.next_out = s->own + s->end;
        s->z.avail_out = (uInt)room;
        int r = inflate(&s->z, Z_NO_FLUSH);
        size_t used = (s->src_len - s->src_pos) - s->z.avail_in;
        size_t made = room - s->z.avail_out;
        s->src_pos += used;
        s->end += made;
        if (r == Z_STREAM_END) {
            s->z_member_done = 1;
        } else if (r == Z_OK || r == Z_BUF_ERROR) {
            if (used == 0 && made == 0) {
                if (s->src_eof && s->src_pos == s->src_len) {
                    in_fail(s, "truncated gzip stream (compressed byte %llu)",
                            (unsigned long long)src_offset(s));
                    return -1;
                }
                if (s->src_pos < s->src_len) {
                    in_fail(s, "gzip decoder stalled at compressed byte %llu",
                            (unsigned long long)src_offset(s));
                    return -1;
                }
            }
        } else {
            in_fail(s, "corrupt gzip stream at compressed byte %llu (%s)",
                    (unsigned long long)src_offset(s), s->z.msg ? s->z.msg : "inflate error");
            return -1;
        }
    }
    return 0;
}

static int produce_zstd(cf_in *s, size_t n)
{
    while (s->end < n) {
        if (s->src_pos == s->src_len && !s->src_eof && src_refill(s) < 0)
            return -1;
        int at_end = s->src_eof && s->src_pos == s->src_len;
        if (at_end && s->zs_last == 0) {
            s->eof = 1;
            return 0;
        }
        ZSTD_inBuffer in = {s->src, s->src_len, s->src_pos};
        ZSTD_outBuffer out = {s->own, s->cap, s->end};
        size_t before = s->end;
        size_t r = ZSTD_decompressStream(s->zs, &out, &in);
        if (ZSTD_isError(r)) {
            in_fail(s, "corrupt zstd stream at compressed byte %llu (%s)",
                    (unsigned long long)src_offset(s), ZSTD_getErrorName(r));
            return -1;
        }
        size_t used = in.pos - s->src_pos;
        s->src_pos = in.pos;
        s->end = out.pos;
        s->zs_last = r;
        if (r != 0 && out.pos == before && used == 0 && !at_end && s->src_pos < s->src_len) {
            in_fail(s, "zstd decoder stalled at compressed byte %llu",
                    (unsigned long long)src_offset(s));
            return -1;
        }
        if (at_end && r != 0 && out.pos == before) {
            in_fail(s, "truncated zstd stream (compressed byte %llu)",
                    (unsigned long long)src_offset(s));
            return -1;
        }
    }
    return 0;
}

int cf_in_fill(cf_in *s, size_t n)
{
    if (s->failed)
        return -1;
    if (s->kind == CF_IN_MMAP || s->eof || n > CF_IN_MAX_NEED)
        return s->end - s->pos >= n ? 1 : 0;
    /* Move what is left to the front, grow the window if n needs it. */
    if (s->pos > 0) {
        memmove(s->own, s->own + s->pos, s->end - s->pos);
        s->base += s->pos;
        s->end -= s->pos;
        s->pos = 0;
    }
    s->buf = s->own;
    int r = 0;
    /* Grow the window step by step (doubling) while data comes, so that a
     * bogus length in a short stream does not allocate its full size. */
    while (s->end < n && r == 0 && !s->eof) {
        if (s->end == s->cap) {
            size_t ncap = s->cap * 2 < n ? s->cap * 2 : n;
            uint8_t *p = realloc(s->own, ncap);
            if (!p) {
                in_fail(s, "out of memory (%zu bytes)", ncap);
                return -1;
            }
            s->own = p;
            s->buf = p;
            s->cap = ncap;
        }
        size_t target = n < s->cap ? n : s->cap;
        if (s->kind == CF_IN_READ) {
            ssize_t got = read_hashed(s, s->own + s->end, s->cap - s->end);
            if (got < 0) {
                in_fail(s, "read error: %s", strerror(errno));
                return -1;
            }
            if (got == 0)
                s->eof = 1;
            s->end += (size_t)got;
        } else if (s->kind == CF_IN_GZIP) {
            r = produce_gzip(s, target);
        } else {
            r = produce_zstd(s, target);
        }
    }
    if (s->end - s->pos >= n)
        return 1;
    return r < 0 ? -1 : 0;
}

static int open_fail(cf_in *s, char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", s->name, what);
    cf_in_close(s);
    return -1;
}

int cf_in_open(cf_in *s, const char *path, cf_input_hash hash, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->name = strcmp(path, "-") ? path : "stdin"; /* for messages */
    if (cf_digest_init(&s->digest, hash) != 0)
        return open_fail(s, err, errlen, "out of memory");
    s->fd = !strcmp(path, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
                               : open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
        return open_fail(s, err, errlen, strerror(errno));
    struct stat st;
    if (fstat(s->fd, &st) < 0)
        return open_fail(s, err, errlen, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return open_fail(s, err, errlen, "is a directory");
    const uint8_t *head = NULL;
    size_t headlen = 0;
    if (S_ISREG(st.st_mode)) {
        if (st.st_size == 0)
            return open_fail(s, err, errlen, "empty file");
        if ((uint64_t)st.st_size < SIZE_MAX) {
            void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, s->fd, 0);
            if (m != MAP_FAILED) {
                s->map = m;
                s->maplen = (size_t)st.st_size;
                madvise(m, s->maplen, MADV_SEQUENTIAL);
                head = s->map;
                headlen = s->maplen;
            }
        }
    }
    if (!s->map) {
        /* Pipe or unmappable file: the first chunk decides the kind. */
        s->inbuf_cap = IN_CHUNK;
        s->inbuf = malloc(s->inbuf_cap);
        if (!s->inbuf)
            return open_fail(s, err, errlen, "out of memory");
        /* Enough to tell the kind by its magic (8 bytes, or the end). */
        ssize_t r = read_some(s, s->inbuf, s->inbuf_cap, 8);
        if (r < 0)
            return open_fail(s, err, errlen, strerror(errno));
        if (r == 0)
            return open_fail(s, err, errlen, "empty file");
        head = s->inbuf;
        headlen = (size_t)r;
        s->src = s->inbuf;
        s->src_len = headlen;
    }
    if (headlen >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        s->kind = CF_IN_GZIP;
    else if (headlen >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f &&
             head[3] == 0xfd)
        s->kind = CF_IN_ZSTD;
    else
        s->kind = s->map ? CF_IN_MMAP : CF_IN_READ;

    if (s->kind == CF_IN_MMAP) {
        s->buf = s->map;
        s->end = s->maplen;
        return 0;
    }
    s->cap = IN_CHUNK;
    s->own = malloc(s->cap);
    if (!s->own)
        return open_fail(s, err, errlen, "out of memory");
    s->buf = s->own;
    if (s->kind == CF_IN_READ) {
        memcpy(s->own, s->inbuf, headlen);
        s->end = headlen;
        free(s->inbuf);
        s->inbuf = NULL;
        s->src = NULL;
        s->src_len = 0;
        return 0;
    }
    if (s->map) {
        s->src = s->map;
        s->src_len = s->maplen > ZCHUNK_MAX ? ZCHUNK_MAX : s->maplen;
    }
    if (s->kind == CF_IN_GZIP) {
        /* windowBits 15 + 32: zlib detects and checks the gzip header. */
        if (inflateInit2(&s->z, 15 + 32) != Z_OK)
            return open_fail(s, err, errlen, "zlib initialisation failed");
        s->z_init = 1;
    } else {
        s->zs = ZSTD_createDStream();
        if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs)))
            return open_fail(s, err, errlen, "zstd initialisation failed");
        s->zs_last = 1;
    }
    int r = cf_in_fill(s, 1);
    if (r < 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s", s->msg);
        cf_in_close(s);
        return -1;
    }
    if (r == 0)
        return open_fail(s, err, errlen, "empty file (empty decompressed stream)");
    return 0;
}

void cf_in_close(cf_in *s)
{
    if (s->map)
        munmap(s->map, s->maplen);
    if (s->fd >= 0)
        close(s->fd);
    if (s->z_init)
        inflateEnd(&s->z);
    if (s->zs)
        ZSTD_freeDStream(s->zs);
    free(s->own);
    free(s->inbuf);
    cf_digest_free(&s->digest);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

/* Drops whole pages in [from, to) of the mapping (they stay in the page
 * cache; touching them again reads them back). */
static void drop_pages(const cf_in *s, uint64_t from, uint64_t to)
{
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    from = (from + page - 1) / page * page;
    to = to / page * page;
    if (to > from)
        madvise(s->map + from, (size_t)(to - from), MADV_DONTNEED);
}

/* Digests the mapping up to byte `to` (inline XXH3 only). */
static void digest_mapped(cf_in *s, uint64_t to)
{
    if (s->digest_inline && to > s->digested) {
        cf_digest_update(&s->digest, s->map + s->digested, (size_t)(to - s->digested));
        s->digested = to;
    }
}

void cf_in_release_slow(cf_in *s)
{
    /* For a mapped .gz/.zst file the mapping holds the compressed bytes. */
    uint64_t consumed = s->kind == CF_IN_MMAP ? cf_in_offset(s) : s->src_done + s->src_pos;
    digest_mapped(s, consumed);
    uint64_t upto = consumed > s->release_lag ? consumed - s->release_lag : 0;
    if (upto > s->released) {
        drop_pages(s, s->released, upto);
        s->released = upto;
    }
}

int cf_in_hold_frames(cf_in *s, uint64_t lag)
{
    if (s->kind != CF_IN_MMAP || !s->map)
        return 0;
    s->release_lag = lag;
    return 1;
}

int cf_in_digest(cf_in *s, char hex[65])
{
    hex[0] = 0;
    if (s->digest.kind == CF_HASH_NONE)
        return 0;
    if (s->digest_inline) {
        digest_mapped(s, s->maplen);
        cf_digest_final(&s->digest, hex);
        return 0;
    }
    if (s->map) {
        /* Read with pread() rather than through the mapping: this may run on
         * a second thread, and faulting the pages into our mapping there
         * would fault them twice (the reader drops consumed pages). */
        cf_digest d;
        uint8_t *chunk = malloc(CF_IN_HASH_CHUNK);
        if (!chunk || cf_digest_init(&d, s->digest.kind) != 0) {
            free(chunk);
            in_fail(s, "out of memory");
            return -1;
        }
        uint64_t off = 0;
        while (off < s->maplen) {
            ssize_t r = pread(s->fd, chunk, CF_IN_HASH_CHUNK, (off_t)off);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                in_fail(s, "read error: %s", r < 0 ? strerror(errno) : "file shrank");
                free(chunk);
                cf_digest_free(&d);
                return -1;
            }
            cf_digest_update(&d, chunk, (size_t)r);
            off += (uint64_t)r;
        }
        free(chunk);
        cf_digest_final(&d, hex);
        cf_digest_free(&d);
        return 0;
    }
    /* Whatever the readers did not consume is still in the pipe. */
    uint8_t buf[1 << 16];
    ssize_t r = 0;
    while (s->digest.kind != CF_HASH_NONE && (r = read_hashed(s, buf, sizeof buf)) > 0)
        ;
    if (s->digest.kind != CF_HASH_NONE && r < 0) {
        in_fail(s, "read error: %s", strerror(errno));
        return -1;
    }
    cf_digest_final(&s->digest, hex);
    return 0;
}
