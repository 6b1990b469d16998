/* A small open-addressing hash table of object pointers (private to
 * lib/flow). Each object starts with its fixed-size key (keylen bytes,
 * padding zeroed) so that lookups compare with memcmp; the caller computes
 * the hash once (cf_hash_bytes) and keeps it. Linear probing, load <= 1/2,
 * power-of-two capacity, deletion by backward shift (no tombstones), so
 * lookups stay short however many objects come and go. Memory is only
 * allocated when the table grows. */
#ifndef CF_FLOW_FLOWTABLE_H
#define CF_FLOW_FLOWTABLE_H

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

typedef struct cf_ftab_slot {
    uint64_t hash;
    void *obj; /* NULL: empty */
} cf_ftab_slot;

typedef struct cf_ftab {
    cf_ftab_slot *slots;
    size_t cap, used; /* cap: power of two */
    size_t keylen;
} cf_ftab;

/* 0 or -1 (out of memory). */
int cf_ftab_init(cf_ftab *t, size_t keylen, size_t initial_cap);
void cf_ftab_free(cf_ftab *t);
/* Removes every object (keeps the memory). */
void cf_ftab_clear(cf_ftab *t);

/* The object with this key or NULL. keylen must equal the table's; pass
 * it as a constant so that the comparison is inlined. */
static inline void *cf_ftab_get_n(const cf_ftab *t, uint64_t hash, const void *key, size_t keylen)
{
    size_t mask = t->cap - 1, i = (size_t)hash & mask;
    for (;;) {
        const cf_ftab_slot *s = &t->slots[i];
        if (!s->obj)
            return NULL;
        if (s->hash == hash && memcmp(s->obj, key, keylen) == 0)
            return s->obj;
        i = (i + 1) & mask;
    }
}

static inline void *cf_ftab_get(const cf_ftab *t, uint64_t hash, const void *key)
{
    return cf_ftab_get_n(t, hash, key, t->keylen);
}

/* Adds obj (its key must not be in the table yet). 0 or -1. */
int cf_ftab_put(cf_ftab *t, uint64_t hash, void *obj);
/* Removes this very object; 1 when it was there. */
int cf_ftab_del(cf_ftab *t, uint64_t hash, const void *obj);

#endif
