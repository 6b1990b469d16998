/* Page compression via libzstd, snappy-c and zlib. */
#include "parquet/pq_compress.h"

#include <snappy-c.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

/* Level 1: the writer is benchmarked for speed; ratio is close to 3. */
#define ZSTD_DEFAULT_LEVEL 1
#define GZIP_DEFAULT_LEVEL 6

int pq_compress_init(pq_compressor *c, pq_codec codec, int level)
{
    memset(c, 0, sizeof *c);
    c->codec = codec;
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
    case PQ_CODEC_SNAPPY:
        return 0;
    case PQ_CODEC_ZSTD:
        c->level = level ? level : ZSTD_DEFAULT_LEVEL;
        if (c->level < ZSTD_minCLevel() || c->level > ZSTD_maxCLevel())
            return -1;
        c->zstd = ZSTD_createCCtx();
        return c->zstd ? 0 : -1;
    case PQ_CODEC_GZIP: {
        c->level = level ? level : GZIP_DEFAULT_LEVEL;
        if (c->level < 1 || c->level > 9)
            return -1;
        z_stream *z = calloc(1, sizeof *z);
        if (!z)
            return -1;
        /* windowBits 15 + 16 asks zlib for the gzip wrapper. */
        if (deflateInit2(z, c->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            free(z);
            return -1;
        }
        c->gz = z;
        return 0;
    }
    }
    return -1;
}

void pq_compress_free(pq_compressor *c)
{
    if (c->zstd)
        ZSTD_freeCCtx(c->zstd);
    if (c->gz) {
        deflateEnd(c->gz);
        free(c->gz);
    }
    c->zstd = c->gz = NULL;
}

static int gzip_page(z_stream *z, const uint8_t *src, size_t n, pq_buf *out)
{
    if (n > UINT32_MAX || deflateReset(z) != Z_OK)
        return -1;
    z->next_in = (Bytef *)src;
    z->avail_in = (uInt)n;
    size_t want = deflateBound(z, (uLong)n) + 64;
    for (;;) {
        if (pq_buf_reserve(out, want))
            return -1;
        size_t room = out->cap - out->len;
        if (room > UINT32_MAX)
            room = UINT32_MAX;
        z->next_out = out->p + out->len;
        z->avail_out = (uInt)room;
        int rc = deflate(z, Z_FINISH);
        out->len += room - z->avail_out;
        if (rc == Z_STREAM_END)
            return 0;
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return -1;
        want = 4096;
    }
}

int pq_compress(pq_compressor *c, const uint8_t *src, size_t n, pq_buf *out)
{
    switch (c->codec) {
    case PQ_CODEC_UNCOMPRESSED:
        return pq_buf_append(out, src, n);
    case PQ_CODEC_SNAPPY: {
        size_t cap = snappy_max_compressed_length(n);
        if (pq_buf_reserve(out, cap))
            return -1;
        size_t got = cap;
        if (snappy_compress((const char *)src, n, (char *)out->p + out->len, &got) != SNAPPY_OK)
            return -1;
        out->len += got;
        return 0;
    }
    case PQ_CODEC_ZSTD: {
        size_t cap = ZSTD_compressBound(n);
        if (pq_buf_reserve(out, cap))
            return -1;
        size_t got = ZSTD_compressCCtx(c->zstd, out->p + out->len, cap, src, n, c->level);
        if (ZSTD_isError(got))
            return -1;
        out->len += got;
        return 0;
    }
    case PQ_CODEC_GZIP:
        return gzip_page(c->gz, src, n, out);
    }
    return -1;
}
