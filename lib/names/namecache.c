/* Name cache (see namecache.h): a chained hash table on (device, address)
 * with the entries also on a list in answer order, oldest first, which is
 * the order of eviction. A put moves its entry to the newest end. The
 * any-host entry of an address is the entry whose device is ANY. */
#include "names/namecache.h"

#include <stdlib.h>
#include <string.h>

#define INITIAL_BUCKETS 1024

/* The any-host key: an address no device pointer can have. */
static const char any_host_key;
#define ANY ((const void *)&any_host_key)

typedef struct entry {
    struct entry *chain;         /* next in its bucket */
    struct entry *older, *newer; /* answer order */
    const void *device;
    uint64_t hash;
    int64_t ts_us;
    cf_addr addr;
    size_t name_size; /* bytes of name, NUL included */
    char *name;
} entry;

struct cf_namecache {
    entry **buckets;
    size_t n_buckets;
    entry *oldest, *newest;
    size_t max_bytes;
    cf_namecache_stats st;
};

static size_t entry_bytes(const entry *e)
{
    return sizeof *e + e->name_size;
}

/* FNV-1a over the device pointer and the address. */
static uint64_t key_hash(const void *device, const cf_addr *a)
{
    uint64_t h = 1469598103934665603ull;
    uintptr_t d = (uintptr_t)device;
    for (size_t k = 0; k < sizeof d; k++, d >>= 8)
        h = (h ^ (d & 0xff)) * 1099511628211ull;
    h = (h ^ a->family) * 1099511628211ull;
    const size_t n = a->family == 4 ? 4 : 16;
    for (size_t k = 0; k < n; k++)
        h = (h ^ a->b[k]) * 1099511628211ull;
    return h;
}

static int key_eq(const entry *e, const void *device, const cf_addr *a)
{
    return e->device == device && e->addr.family == a->family &&
           memcmp(e->addr.b, a->b, a->family == 4 ? 4 : 16) == 0;
}

static entry **slot(const cf_namecache *c, const void *device, const cf_addr *a, uint64_t h)
{
    entry **p = &c->buckets[h & (c->n_buckets - 1)];
    while (*p && !key_eq(*p, device, a))
        p = &(*p)->chain;
    return p;
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
    entry **p = slot(c, e->device, &e->addr, e->hash);
    *p = e->chain;
    unlink_order(c, e);
    c->st.bytes -= entry_bytes(e);
    c->st.entries--;
    free(e->name);
    free(e);
}

/* Doubles the table when it holds more entries than buckets. */
static void grow(cf_namecache *c)
{
    const size_t n = c->n_buckets * 2, extra = (n - c->n_buckets) * sizeof(entry *);
    if (c->st.entries <= c->n_buckets || c->st.bytes + extra > c->max_bytes / 2)
        return; /* keep at least half the cap for entries */
    entry **b = calloc(n, sizeof *b);
    if (!b)
        return; /* longer chains, still correct */
    for (size_t k = 0; k < c->n_buckets; k++) {
        entry *e = c->buckets[k];
        while (e) {
            entry *next = e->chain;
            e->chain = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
            e = next;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->n_buckets = n;
    c->st.bytes += extra;
}

cf_namecache *cf_namecache_new(size_t max_bytes)
{
    cf_namecache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->n_buckets = INITIAL_BUCKETS;
    c->buckets = calloc(c->n_buckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    c->max_bytes = max_bytes ? max_bytes : CF_NAMECACHE_DEFAULT_BYTES;
    c->st.bytes = c->n_buckets * sizeof *c->buckets;
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
    free(c->buckets);
    free(c);
}

/* Sets one entry (new or updated) to name, as the newest. */
static int set(cf_namecache *c, const void *device, const cf_addr *addr, const char *name,
               size_t name_size, int64_t ts_us)
{
    const uint64_t h = key_hash(device, addr);
    entry **p = slot(c, device, addr, h);
    entry *e = *p;
    char *copy = malloc(name_size);
    if (!copy)
        return -1;
    memcpy(copy, name, name_size);
    if (e) {
        c->st.bytes -= e->name_size;
        free(e->name);
        unlink_order(c, e);
    } else {
        e = calloc(1, sizeof *e);
        if (!e) {
            free(copy);
            return -1;
        }
        e->device = device;
        e->addr = *addr;
        e->hash = h;
        *p = e;
        c->st.entries++;
        c->st.bytes += sizeof *e;
    }
    e->name = copy;
    e->name_size = name_size;
    e->ts_us = ts_us;
    c->st.bytes += name_size;
    link_newest(c, e);
    return 0;
}

int cf_namecache_put(cf_namecache *c, const void *device, const cf_addr *addr, const char *name,
                     int64_t ts_us)
{
    cf_addr a = {0};
    a.family = addr->family;
    memcpy(a.b, addr->b, addr->family == 4 ? 4 : 16); /* bytes past an IPv4 address: not key */
    const size_t name_size = strlen(name) + 1;
    c->st.puts++;
    if ((device && set(c, device, &a, name, name_size, ts_us) < 0) ||
        set(c, ANY, &a, name, name_size, ts_us) < 0)
        return -1;
    while (c->st.bytes > c->max_bytes && c->oldest) {
        drop(c, c->oldest);
        c->st.evicted++;
    }
    grow(c);
    return 0;
}

const char *cf_namecache_get(const cf_namecache *c, const void *device, const cf_addr *addr,
                             int *own, int64_t *ts_us)
{
    cf_addr a = {0};
    a.family = addr->family;
    memcpy(a.b, addr->b, addr->family == 4 ? 4 : 16);
    const entry *e = device ? *slot(c, device, &a, key_hash(device, &a)) : NULL;
    if (own)
        *own = e != NULL;
    if (!e)
        e = *slot(c, ANY, &a, key_hash(ANY, &a));
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
