/* The input's identity recorded in each file's metadata: XXH3-128
 * (libxxhash, at memory speed; the default) or SHA-256 (FIPS 180-4, for
 * users who need a cryptographic digest), behind one streaming interface. */
#ifndef CF_UTIL_DIGEST_H
#define CF_UTIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "customflow.h"
#include "util/sha256.h"

typedef struct cf_digest {
    cf_input_hash kind; /* CF_HASH_NONE: updates do nothing */
    cf_sha256 sha;
    void *xxh; /* XXH3_state_t, allocated by init */
} cf_digest;

/* 0, or -1 when out of memory. */
int cf_digest_init(cf_digest *d, cf_input_hash kind);
void cf_digest_update(cf_digest *d, const void *data, size_t len);
/* Lower-case hex into hex (65 bytes): 32 digits for XXH3-128 (the
 * canonical big-endian form `xxhsum -H2` prints), 64 for SHA-256, "" for
 * none. The digest must be initialised again before reuse. */
void cf_digest_final(cf_digest *d, char hex[65]);
void cf_digest_free(cf_digest *d);
/* The metadata key the digest is recorded under (CF_META_INPUT_XXH3 or
 * CF_META_INPUT_SHA256), NULL for none. */
const char *cf_digest_meta_key(cf_input_hash kind);

#endif
