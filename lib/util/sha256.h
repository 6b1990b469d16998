/* SHA-256 (FIPS 180-4), for recording which input a file was made from. */
#ifndef CF_UTIL_SHA256_H
#define CF_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct cf_sha256 {
    uint32_t h[8];
    uint64_t total;
    uint8_t buf[64];
    size_t fill;
} cf_sha256;

void cf_sha256_init(cf_sha256 *s);
void cf_sha256_update(cf_sha256 *s, const void *data, size_t len);
void cf_sha256_final(cf_sha256 *s, uint8_t out[32]);
/* Lower-case hex of the digest; out needs 65 bytes. */
void cf_sha256_hex(const uint8_t digest[32], char *out);
/* 1 when the CPU's SHA instructions are used. */
int cf_sha256_accelerated(void);
/* The portable compression function (tests compare the fast path to it). */
void cf_sha256_compress_portable(uint32_t h[8], const uint8_t block[64]);

#endif
