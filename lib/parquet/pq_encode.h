/* Parquet value and level encodings (parquet-format Encodings.md): PLAIN
 * booleans, the RLE/bit-packed hybrid, and DELTA_BINARY_PACKED. Every
 * function appends to out and returns 0, or -1 when out of memory. */
#ifndef CF_PQ_ENCODE_H
#define CF_PQ_ENCODE_H

#include "parquet/pq_buf.h"

/* Bits needed to represent v (0 for 0). */
int pq_bit_width(uint64_t v);

/* Packs n values (n a multiple of 8) of bw bits each, LSB first. */
int pq_bitpack(pq_buf *out, const uint64_t *v, size_t n, int bw);

/* RLE/bit-packed hybrid of n values of bw bits (no length prefix). */
int pq_rle_u8(pq_buf *out, const uint8_t *v, size_t n, int bw);
int pq_rle_u32(pq_buf *out, const uint32_t *v, size_t n, int bw);

/* PLAIN booleans: one bit per value, LSB first; v holds 0/1 bytes. */
int pq_plain_bool(pq_buf *out, const uint8_t *v, size_t n);

/* DELTA_BINARY_PACKED with 128-value blocks of 4 miniblocks. */
int pq_delta_i32(pq_buf *out, const int32_t *v, size_t n);
int pq_delta_i64(pq_buf *out, const int64_t *v, size_t n);

#endif
