#include "util/digest.h"

#include <string.h>
#include <xxhash.h>

int cf_digest_init(cf_digest *d, cf_input_hash kind)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
    if (kind == CF_HASH_SHA256)
        cf_sha256_init(&d->sha);
    if (kind == CF_HASH_XXH3) {
        d->xxh = XXH3_createState();
        if (!d->xxh || XXH3_128bits_reset(d->xxh) != XXH_OK)
            return -1;
    }
    return 0;
}

void cf_digest_update(cf_digest *d, const void *data, size_t len)
{
    if (d->kind == CF_HASH_SHA256)
        cf_sha256_update(&d->sha, data, len);
    else if (d->kind == CF_HASH_XXH3 && d->xxh)
        XXH3_128bits_update(d->xxh, data, len);
}

static void hex_of(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = digits[b[k] >> 4];
        out[2 * k + 1] = digits[b[k] & 15];
    }
    out[2 * n] = 0;
}

void cf_digest_final(cf_digest *d, char hex[65])
{
    hex[0] = 0;
    if (d->kind == CF_HASH_SHA256) {
        uint8_t out[32];
        cf_sha256_final(&d->sha, out);
        cf_sha256_hex(out, hex);
    } else if (d->kind == CF_HASH_XXH3 && d->xxh) {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(d->xxh));
        hex_of(c.digest, sizeof c.digest, hex);
    }
}

void cf_digest_free(cf_digest *d)
{
    if (d->xxh)
        XXH3_freeState(d->xxh);
    d->xxh = NULL;
}

const char *cf_digest_meta_key(cf_input_hash kind)
{
    switch (kind) {
    case CF_HASH_XXH3:
        return CF_META_INPUT_XXH3;
    case CF_HASH_SHA256:
        return CF_META_INPUT_SHA256;
    default:
        return NULL;
    }
}
