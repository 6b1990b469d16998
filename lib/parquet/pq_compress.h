/* Page compression for the Parquet codecs we write (parquet-format
 * Compression.md): UNCOMPRESSED, SNAPPY (raw snappy), GZIP (RFC 1952
 * stream), ZSTD (one zstd frame). Contexts are reused across pages. */
#ifndef CF_PQ_COMPRESS_H
#define CF_PQ_COMPRESS_H

#include "parquet/pq_buf.h"
#include "parquet/pq_writer.h"

typedef struct pq_compressor {
    pq_codec codec;
    int level;
    void *zstd; /* ZSTD_CCtx */
    void *gz;   /* z_stream */
} pq_compressor;

/* level 0 picks the codec default. Returns 0 or -1 (bad codec, no memory). */
int pq_compress_init(pq_compressor *c, pq_codec codec, int level);
void pq_compress_free(pq_compressor *c);

/* Appends the compressed form of src to out. Returns 0 or -1. */
int pq_compress(pq_compressor *c, const uint8_t *src, size_t n, pq_buf *out);

#endif
