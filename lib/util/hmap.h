/* cf_hmap: the one hash table of the library.
 *
 * A map from a 64-bit hash to a non-zero value (an object pointer or an
 * index + 1) in open addressing: linear probing in a power-of-two array of
 * (hash, value) slots, load at most 1/2, deletion by backward shift (no
 * tombstones), so probes stay short however many entries come and go.
 *
 * The table does not know the keys: the caller computes each key's hash
 * once (cf_hash_bytes), and lookups take an equality callback that says
 * whether a stored value has the key. Lookups are inline, so a callback
 * defined in the caller's file is inlined too, and the stored hash is
 * compared first, so the callback runs about once per lookup.
 *
 * Memory: the slot array only, allocated at the first insertion (or by
 * cf_hmap_init's hint) and doubled when the load would pass 1/2. */
#ifndef CF_UTIL_HMAP_H
#define CF_UTIL_HMAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 64-bit hash of a key of len bytes: 8-byte words mixed by multiply and
 * xor-shift, finished with the splitmix64 finalizer. */
static inline uint64_t cf_hash_bytes(const void *key, size_t len, uint64_t seed)
{
    const unsigned char *p = key;
    uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15ull);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, p, len);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 31;
    return h;
}

typedef struct cf_hmap_slot {
    uint64_t hash;
    uintptr_t val; /* 0: empty */
} cf_hmap_slot;

typedef struct cf_hmap {
    cf_hmap_slot *slots;
    size_t cap;  /* power of two, or 0 before the first insertion */
    size_t used; /* values held */
} cf_hmap;

/* Does the stored value val have this key? */
typedef int (*cf_hmap_eq)(const void *ctx, uintptr_t val, const void *key);

/* An empty table with room for `expect` values before it grows (0: no
 * memory until the first insertion). 0, or -1 out of memory. */
int cf_hmap_init(cf_hmap *m, size_t expect);
void cf_hmap_free(cf_hmap *m);
/* Removes every value, keeping the memory. */
void cf_hmap_clear(cf_hmap *m);

/* The value with this key, or 0. */
static inline uintptr_t cf_hmap_get(const cf_hmap *m, uint64_t hash, const void *key, cf_hmap_eq eq,
                                    const void *ctx)
{
    if (!m->cap)
        return 0;
    size_t mask = m->cap - 1, i = (size_t)hash & mask;
    for (;;) {
        const cf_hmap_slot *s = &m->slots[i];
        if (!s->val)
            return 0;
        if (s->hash == hash && eq(ctx, s->val, key))
            return s->val;
        i = (i + 1) & mask;
    }
}

/* Starts loading the slot where a lookup of this hash begins, for callers
 * that know the next few keys ahead of time. */
static inline void cf_hmap_prefetch(const cf_hmap *m, uint64_t hash)
{
    if (m->cap)
        __builtin_prefetch(&m->slots[(size_t)hash & (m->cap - 1)]);
}

/* Adds a value (non-zero) whose key is not in the table yet. 0, or -1 out
 * of memory (the table is unchanged). */
int cf_hmap_put(cf_hmap *m, uint64_t hash, uintptr_t val);
/* Removes this very value, stored under this hash; 1 when it was there. */
int cf_hmap_del(cf_hmap *m, uint64_t hash, uintptr_t val);

#endif
