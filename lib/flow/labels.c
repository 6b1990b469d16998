/* String interning, see labels.h. */
#include "flow/labels.h"

#include <stdlib.h>
#include <string.h>

#define LABEL_SEED 0x6c6162656cull

void cf_labels_init(cf_labels *t)
{
    cf_hmap_init(&t->map, 0);
}

void cf_labels_free(cf_labels *t)
{
    for (size_t k = 0; k < t->map.cap; k++)
        free((char *)t->map.slots[k].val);
    cf_hmap_free(&t->map);
}

static int same_string(const void *ctx, uintptr_t val, const void *key)
{
    (void)ctx;
    return strcmp((const char *)val, key) == 0;
}

const char *cf_labels_intern(cf_labels *t, const char *s)
{
    size_t n = strlen(s);
    uint64_t h = cf_hash_bytes(s, n, LABEL_SEED);
    const char *have = (const char *)cf_hmap_get(&t->map, h, s, same_string, NULL);
    if (have)
        return have;
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n + 1);
    if (cf_hmap_put(&t->map, h, (uintptr_t)copy) != 0) {
        free(copy);
        return NULL;
    }
    return copy;
}
