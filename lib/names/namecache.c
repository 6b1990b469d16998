/* Name cache (see namecache.h): the entries in the library's hash table
 * (cf_hmap) on (device, address), and on a list in answer order, oldest
 * first, which is the order of eviction. A put moves its entry to the
 * newest end. The any-host entry of an address is the entry whose device is
 * ANY. The table's slot array counts towards the cap: it doubles only when
 * the entries and the larger array fit the cap; otherwise a new entry first
 * evicts the oldest ones to make room in the array. */
#include "names/namecache.h"

#include "util/hmap.h"

#include <stdlib.h>
#include <string.h>

#define INITIAL_ENTRIES 256 /* a slot array of 512 slots, 8 KiB */
#define KEY_SEED 0x6e616d6563ull

/* The any-host key: an address no device pointer can have. */
static const char any_host_key;
#define ANY ((const void *)&any_host_key)

typedef struct entry {
    struct entry *older, *newer; /* answer order */
    const void *device;
    uint64_t hash;
    int64_t ts_us;
    cf_addr addr;
    size_t name_size; /* bytes of name, NUL included */
    char *name;
} entry;

struct cf_namecache {
    cf_hmap map; /* key hash -> entry */
    entry *oldest, *newest;
    size_t entry_bytes; /* the entries' fixed parts and names */
    size_t max_bytes;
    cf_namecache_stats st;
};

typedef struct key {
    const void *device;
    const cf_addr *addr;
} key;

static size_t entry_bytes(const entry *e)
{
    return sizeof *e + e->name_size;
}

static size_t table_bytes(size_t cap)
{
    return cap * sizeof(cf_hmap_slot);
}

static void count_bytes(cf_namecache *c)
{
    c->st.bytes = c->entry_bytes + table_bytes(c->map.cap);
}

/* The address as a key: bytes past an IPv4 address are not part of it. */
static cf_addr key_addr(const cf_addr *addr)
{
    cf_addr a = {0};
    a.family = addr->family;
    memcpy(a.b, addr->b, addr->family == 4 ? 4 : 16);
    return a;
}

static uint64_t key_hash(const void *device, const cf_addr *a)
{
    uint8_t k[sizeof device + sizeof *a];
    memcpy(k, &device, sizeof device);
    memcpy(k + sizeof device, a, sizeof *a);
    return cf_hash_bytes(k, sizeof k, KEY_SEED);
}

static int key_eq(const void *ctx, uintptr_t val, const void *kp)
{
    (void)ctx;
    const entry *e = (const entry *)val;
    const key *k = kp;
    return e->device == k->device && e->addr.family == k->addr->family &&
           memcmp(e->addr.b, k->addr->b, k->addr->family == 4 ? 4 : 16) == 0;
}

static entry *find(const cf_namecache *c, const void *device, const cf_addr *a, uint64_t h)
{
    const key k = {device, a};
    return (entry *)cf_hmap_get(&c->map, h, &k, key_eq, NULL);
}

static void unlink_order(cf_namecache *c, entry *e)
{
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    e->older = e->newer = NULL;
}

static void link_newest(cf_namecache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    else
        c->oldest = e;
    c->newest = e;
}

static void drop(cf_namecache *c, entry *e)
{
    cf_hmap_del(&c->map, e->hash, (uintptr_t)e);
    unlink_order(c, e);
    c->entry_bytes -= entry_bytes(e);
    c->st.entries--;
    count_bytes(c);
    free(e->name);
    free(e);
}

static void evict_oldest(cf_namecache *c)
{
    drop(c, c->oldest);
    c->st.evicted++;
}

/* Before a new entry: when the table would have to grow past what the cap
 * leaves it, the oldest entries make room in it instead. */
static void make_room(cf_namecache *c)
{
    while ((c->map.used + 1) * 2 > c->map.cap && c->oldest &&
           c->entry_bytes + table_bytes(2 * c->map.cap) > c->max_bytes)
        evict_oldest(c);
}

cf_namecache *cf_namecache_new(size_t max_bytes)
{
    cf_namecache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (cf_hmap_init(&c->map, INITIAL_ENTRIES) != 0) {
        free(c);
        return NULL;
    }
    c->max_bytes = max_bytes ? max_bytes : CF_NAMECACHE_DEFAULT_BYTES;
    count_bytes(c);
    return c;
}

void cf_namecache_free(cf_namecache *c)
{
    if (!c)
        return;
    for (entry *e = c->oldest, *next; e; e = next) {
        next = e->newer;
        free(e->name);
        free(e);
    }
    cf_hmap_free(&c->map);
    free(c);
}

/* Sets one entry (new or updated) to name, as the newest. */
static int set(cf_namecache *c, const void *device, const cf_addr *addr, const char *name,
               size_t name_size, int64_t ts_us)
{
    const uint64_t h = key_hash(device, addr);
    entry *e = find(c, device, addr, h);
    char *copy = malloc(name_size);
    if (!copy)
        return -1;
    memcpy(copy, name, name_size);
    if (e) {
        c->entry_bytes -= e->name_size;
        free(e->name);
        unlink_order(c, e);
    } else {
        make_room(c);
        e = calloc(1, sizeof *e);
        if (!e || cf_hmap_put(&c->map, h, (uintptr_t)e) != 0) {
            free(e);
            free(copy);
            count_bytes(c);
            return -1;
        }
        e->device = device;
        e->addr = *addr;
        e->hash = h;
        c->st.entries++;
        c->entry_bytes += sizeof *e;
    }
    e->name = copy;
    e->name_size = name_size;
    e->ts_us = ts_us;
    c->entry_bytes += name_size;
    link_newest(c, e);
    count_bytes(c);
    return 0;
}

int cf_namecache_put(cf_namecache *c, const void *device, const cf_addr *addr, const char *name,
                     int64_t ts_us)
{
    const cf_addr a = key_addr(addr);
    const size_t name_size = strlen(name) + 1;
    c->st.puts++;
    if ((device && set(c, device, &a, name, name_size, ts_us) < 0) ||
        set(c, ANY, &a, name, name_size, ts_us) < 0)
        return -1;
    while (c->st.bytes > c->max_bytes && c->oldest)
        evict_oldest(c);
    return 0;
}

const char *cf_namecache_get(const cf_namecache *c, const void *device, const cf_addr *addr,
                             int *own, int64_t *ts_us)
{
    const cf_addr a = key_addr(addr);
    const entry *e = device ? find(c, device, &a, key_hash(device, &a)) : NULL;
    if (own)
        *own = e != NULL;
    if (!e)
        e = find(c, ANY, &a, key_hash(ANY, &a));
    if (!e)
        return NULL;
    if (ts_us)
        *ts_us = e->ts_us;
    return e->name;
}

void cf_namecache_stats_get(const cf_namecache *c, cf_namecache_stats *out)
{
    *out = c->st;
}
