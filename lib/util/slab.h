/* cf_slab: a pool of equal-sized blocks, for the objects a flow-heavy run
 * makes and drops by the hundred thousand (records, their packet arrays).
 *
 * Blocks are carved in order from regions of CF_SLAB_REGION bytes (or one
 * block, when larger; bigmem.h: huge pages where the kernel allows), so
 * memory is touched
 * only as blocks are first used; a block given back goes on a free list and
 * is the next one given out. Regions are kept until cf_slab_free. Blocks
 * are 16-byte aligned and not zeroed. */
#ifndef CF_UTIL_SLAB_H
#define CF_UTIL_SLAB_H

#include <stddef.h>

#include "util/bigmem.h"

#define CF_SLAB_REGION CF_BIG_MIN

typedef struct cf_slab {
    size_t each;      /* bytes per block: a multiple of 16 */
    size_t region;    /* bytes per region */
    void *free_list;  /* blocks given back, linked through their first bytes */
    char *next, *end; /* the newest region's room not yet carved */
    void *regions;    /* linked through their first bytes */
    size_t held;      /* blocks given out and not given back */
} cf_slab;

/* Blocks of each bytes (rounded up to 16; each > 0). */
void cf_slab_init(cf_slab *s, size_t each);
/* A block, or NULL when out of memory. */
void *cf_slab_get(cf_slab *s);
/* Gives back a block of cf_slab_get. */
void cf_slab_put(cf_slab *s, void *block);
/* Frees every region (blocks given out included). */
void cf_slab_free(cf_slab *s);

#endif
