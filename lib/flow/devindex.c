/* Devices by (variant, label) (devindex.h). */
#include "flow/devindex.h"

#include <stdlib.h>
#include <string.h>

typedef struct dev_key {
    int variant;
    const char *label;
} dev_key;

static int same_dev(const void *ctx, uintptr_t val, const void *key)
{
    const cf_devindex *x = ctx;
    const dev_key *q = key;
    return x->variants[val - 1] == q->variant && strcmp(x->labels[val - 1], q->label) == 0;
}

void cf_devindex_free(cf_devindex *x)
{
    for (size_t d = 0; d < x->used; d++)
        free(x->labels[d]);
    free(x->labels);
    free(x->variants);
    cf_hmap_free(&x->index);
    memset(x, 0, sizeof *x);
}

int64_t cf_devindex_find(const cf_devindex *x, int variant, const char *label, uint64_t *hash)
{
    const dev_key key = {variant, label};
    *hash = cf_hash_bytes(label, strlen(label), 0x64657600u + (unsigned)variant);
    uintptr_t at = cf_hmap_get(&x->index, *hash, &key, same_dev, x);
    return at ? (int64_t)at - 1 : -1;
}

int64_t cf_devindex_add(cf_devindex *x, int variant, const char *label, uint64_t hash)
{
    if (x->used == x->cap) {
        size_t ncap = x->cap ? 2 * x->cap : 32;
        char **labels = realloc(x->labels, ncap * sizeof *labels);
        if (!labels)
            return -1;
        x->labels = labels;
        int *variants = realloc(x->variants, ncap * sizeof *variants);
        if (!variants)
            return -1;
        x->variants = variants;
        x->cap = ncap;
    }
    char *copy = strdup(label);
    if (!copy || cf_hmap_put(&x->index, hash, x->used + 1) != 0) {
        free(copy);
        return -1;
    }
    x->labels[x->used] = copy;
    x->variants[x->used] = variant;
    return (int64_t)x->used++;
}
