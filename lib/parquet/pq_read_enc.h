/* Decoders of Parquet value encodings (parquet-format Encodings.md) over
 * untrusted bytes: the RLE/bit-packed hybrid (levels, dictionary indices,
 * booleans) and DELTA_BINARY_PACKED. Each returns 0, or -1 with a static
 * message in *why. */
#ifndef CF_PQ_READ_ENC_H
#define CF_PQ_READ_ENC_H

#include <stddef.h>
#include <stdint.h>

/* Decodes exactly count values of bit width bw (0..32) from the hybrid
 * runs in p[0..n); values beyond count in the last run are ignored.
 * *used, if set, receives the bytes consumed. */
int pq_rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count, size_t *used,
                  const char **why);

/* Decodes DELTA_BINARY_PACKED: exactly count values (the header's total
 * must equal count). For INT32 columns the caller truncates to 32 bits.
 * *used receives the bytes consumed. */
int pq_delta_decode(const uint8_t *p, size_t n, int64_t *out, size_t count, size_t *used,
                    const char **why);

/* Bit width needed for v (0 for 0). */
int pq_read_bit_width(uint64_t v);

#endif
