/* The names DNS answers gave to remote addresses, as packets pass in
 * capture order: for each (device, address) the most recent name that
 * device resolved to the address, and for each address the most recent
 * name any host resolved to it.
 *
 * Devices are opaque pointers compared by identity (the assembler's device
 * labels are interned, so one label is one pointer); NULL is "no device".
 *
 * Memory is capped: the bytes counted are each entry's fixed part, its
 * name's text and the hash table's slots (not malloc's own overhead).
 * When a put would go past the cap, the entries whose answer is the oldest
 * are evicted until it fits, and counted; so are those that make room in
 * the table when the cap leaves it no room to grow. An entry is about 100 bytes plus
 * its name, so the default cap of CF_NAMECACHE_DEFAULT_BYTES (64 MiB)
 * holds roughly 400,000 (device, address) and address entries.
 */
#ifndef CF_NAMES_NAMECACHE_H
#define CF_NAMES_NAMECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"

#define CF_NAMECACHE_DEFAULT_BYTES ((size_t)64 << 20)

typedef struct cf_namecache cf_namecache;

typedef struct cf_namecache_stats {
    uint64_t entries; /* (device, address) and any-host address entries held */
    uint64_t bytes;   /* counted as above, <= the cap */
    uint64_t puts;    /* answers recorded */
    uint64_t evicted; /* entries dropped for the cap */
} cf_namecache_stats;

/* max_bytes: the cap (0: the default). NULL when out of memory. */
cf_namecache *cf_namecache_new(size_t max_bytes);
void cf_namecache_free(cf_namecache *c);

/* An answer seen at ts_us: device (NULL: none known) resolved name to addr.
 * Sets the (device, addr) entry and the any-host entry of addr. 0, or -1
 * when out of memory (the cache is then unchanged or holds the older name). */
int cf_namecache_put(cf_namecache *c, const void *device, const cf_addr *addr, const char *name,
                     int64_t ts_us);

/* The name device's most recent answer gave addr, else the one any host's
 * most recent answer gave it (*own, if not NULL, says which: 1 or 0), or
 * NULL. *ts_us (if not NULL) is the answer's time. Valid until the next
 * put. */
const char *cf_namecache_get(const cf_namecache *c, const void *device, const cf_addr *addr,
                             int *own, int64_t *ts_us);

void cf_namecache_stats_get(const cf_namecache *c, cf_namecache_stats *out);

#endif
