/* Buffered input of a capture file: plain (mmap, or read() for pipes),
 * gzip (zlib, concatenated members) or zstd (libzstd streaming), chosen by
 * the file's first bytes. Private to lib/capture.
 *
 * The readers ask for N contiguous bytes at the current position with
 * cf_in_need(), look at them through cf_in_ptr() and consume them with
 * cf_in_skip(). Pointers stay valid until the next cf_in_need().
 */
#ifndef CF_CAPTURE_INSTREAM_H
#define CF_CAPTURE_INSTREAM_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>
#include <zstd.h>

#include <stdatomic.h>

#include "util/digest.h"

/* Largest single request (one pcapng block / pcap record and its header). */
/* Bytes a digest reads at a time. */
#define CF_IN_HASH_CHUNK ((size_t)1 << 20)

#define CF_IN_MAX_NEED ((size_t)256 * 1024 * 1024 + 64)

enum { CF_IN_MMAP, CF_IN_READ, CF_IN_GZIP, CF_IN_ZSTD };

typedef struct cf_in {
    const uint8_t *buf; /* window: valid bytes are buf[pos..end) */
    size_t pos, end;
    uint64_t base; /* stream offset of buf[0] */
    int kind;
    int fd;
    const char *name; /* for messages (not owned) */
    uint8_t *map;     /* whole file when mmapped */
    size_t maplen;
    uint8_t *own; /* owned window (read / decompressed) */
    size_t cap;
    /* compressed source: either the mapping or inbuf filled by read() */
    uint8_t *inbuf;
    size_t inbuf_cap;
    const uint8_t *src;
    size_t src_len, src_pos; /* current source chunk */
    uint64_t src_done;       /* compressed bytes before the current chunk */
    int src_eof;
    z_stream z;
    int z_init, z_member_done;
    ZSTD_DStream *zs;
    size_t zs_last;
    /* Digest of the raw file bytes read so far (streams only: a mapped
     * file is hashed from its mapping by cf_in_digest). */
    cf_digest digest;
    uint64_t raw_bytes; /* bytes read() from the file so far */
    /* Set (before reading): a mapped file's digest is computed inline, each
     * stretch of the mapping just before its pages are dropped; for one
     * core, where a hashing thread would only add the copy it reads. */
    int digest_inline;
    uint64_t digested; /* mapped bytes before this are in digest */
    uint64_t released; /* mapped bytes before this were dropped from memory */
    /* Consumed bytes kept mapped behind the read position: frames handed
     * to another thread stay resident until it is done with them. */
    uint64_t release_lag;
    /* When set and non-zero, a read interrupted by a signal gives up. */
    const atomic_int *stop;
    int eof;    /* no more bytes will come */
    int failed; /* decompression or read error, message in msg */
    char msg[320];
} cf_in;

/* Opens path ("-": standard input); 0 on success, -1 with "PATH: message"
 * in err. An empty file (or an empty decompressed stream) is an error. hash
 * is the digest cf_in_digest will give. */
int cf_in_open(cf_in *s, const char *path, cf_input_hash hash, char *err, size_t errlen);
void cf_in_close(cf_in *s);

/* Slow path of cf_in_need. */
int cf_in_fill(cf_in *s, size_t n);

/* 1: n bytes are available at cf_in_ptr(); 0: the stream ends before
 * (cf_in_avail() bytes left); -1: read/decompression error (s->msg). */
static inline int cf_in_need(cf_in *s, size_t n)
{
    if (s->end - s->pos >= n)
        return 1;
    return cf_in_fill(s, n);
}
static inline const uint8_t *cf_in_ptr(const cf_in *s)
{
    return s->buf + s->pos;
}
static inline size_t cf_in_avail(const cf_in *s)
{
    return s->end - s->pos;
}
static inline void cf_in_skip(cf_in *s, size_t n)
{
    s->pos += n;
}
static inline uint64_t cf_in_offset(const cf_in *s)
{
    return s->base + s->pos;
}
const char *cf_in_kind_name(const cf_in *s);

/* A mapped file's pages stay resident (and count in the process's memory)
 * once touched; dropping those already consumed keeps memory independent of
 * the capture's size. Call only when no pointer into the consumed part is
 * still in use. */
#define CF_IN_RELEASE_STEP ((uint64_t)8 << 20)
void cf_in_release_slow(cf_in *s);
static inline void cf_in_release(cf_in *s)
{
    if (s->map && cf_in_offset(s) - s->released >= CF_IN_RELEASE_STEP + s->release_lag)
        cf_in_release_slow(s);
}
/* Frames of a plain mapped file point into the mapping: with a lag, the
 * consumed part stays mapped for lag more bytes, so that frames may be
 * used after the reader has moved on by up to that much. 1 when frames
 * point into the mapping (the lag is set), 0 otherwise (a decompressed or
 * read() window is reused: frames must be copied). */
int cf_in_hold_frames(cf_in *s, uint64_t lag);

/* Digest of the whole raw file (compressed bytes for .gz/.zst) as lower-case
 * hex ("" when the kind is none). A mapped file is hashed from its mapping,
 * which other threads may do while the stream is read; a streamed one reads
 * the rest of its input into the digest, so call it only once reading is
 * over. 0, or -1 with s->msg. */
int cf_in_digest(cf_in *s, char hex[65]);

#endif
