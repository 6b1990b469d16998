/* A pool of equal-sized blocks, see slab.h. */
#include "util/slab.h"

#include <string.h>

/* A region starts with the link to the previous one; blocks follow,
 * 16-byte aligned. */
#define REGION_HEADER 16

void cf_slab_init(cf_slab *s, size_t each)
{
    memset(s, 0, sizeof *s);
    s->each = (each + 15) & ~(size_t)15;
    s->region = s->each > CF_SLAB_REGION - REGION_HEADER ? REGION_HEADER + s->each : CF_SLAB_REGION;
}

void *cf_slab_get(cf_slab *s)
{
    void *block = s->free_list;
    if (block) {
        memcpy(&s->free_list, block, sizeof(void *));
    } else {
        if ((size_t)(s->end - s->next) < s->each) {
            char *region = cf_big_alloc(s->region);
            if (!region)
                return NULL;
            memcpy(region, &s->regions, sizeof(void *));
            s->regions = region;
            s->next = region + REGION_HEADER;
            s->end = region + s->region;
        }
        block = s->next;
        s->next += s->each;
    }
    s->held++;
    return block;
}

void cf_slab_put(cf_slab *s, void *block)
{
    memcpy(block, &s->free_list, sizeof(void *));
    s->free_list = block;
    s->held--;
}

void cf_slab_free(cf_slab *s)
{
    while (s->regions) {
        void *region = s->regions;
        memcpy(&s->regions, region, sizeof(void *));
        cf_big_free(region, s->region);
    }
    memset(s, 0, sizeof *s);
}
