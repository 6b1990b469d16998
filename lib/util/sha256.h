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
/* Hashes a whole file; 0, or -1 with errno set. */
int cf_sha256_file(const char *path, char hex[65]);

#endif
