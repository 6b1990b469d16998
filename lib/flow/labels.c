/* String interning, see labels.h. */
#include "flow/labels.h"

#include <stdlib.h>
#include <string.h>

#include "flow/flowtable.h"

void cf_labels_init(cf_labels *t)
{
    memset(t, 0, sizeof *t);
}

void cf_labels_free(cf_labels *t)
{
    for (size_t k = 0; k < t->cap; k++)
        free(t->slots[k]);
    free(t->slots);
    free(t->hashes);
    memset(t, 0, sizeof *t);
}

static int grow(cf_labels *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    char **ns = calloc(ncap, sizeof *ns);
    uint64_t *nh = calloc(ncap, sizeof *nh);
    if (!ns || !nh) {
        free(ns);
        free(nh);
        return -1;
    }
    for (size_t k = 0; k < t->cap; k++) {
        if (!t->slots[k])
            continue;
        size_t i = (size_t)t->hashes[k] & (ncap - 1);
        while (ns[i])
            i = (i + 1) & (ncap - 1);
        ns[i] = t->slots[k];
        nh[i] = t->hashes[k];
    }
    free(t->slots);
    free(t->hashes);
    t->slots = ns;
    t->hashes = nh;
    t->cap = ncap;
    return 0;
}

const char *cf_labels_intern(cf_labels *t, const char *s)
{
    if ((t->used + 1) * 2 > t->cap && grow(t) != 0)
        return NULL;
    size_t n = strlen(s);
    uint64_t h = cf_hash_bytes(s, n, 0x6c6162656cull);
    size_t i = (size_t)h & (t->cap - 1);
    while (t->slots[i]) {
        if (t->hashes[i] == h && strcmp(t->slots[i], s) == 0)
            return t->slots[i];
        i = (i + 1) & (t->cap - 1);
    }
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n + 1);
    t->slots[i] = copy;
    t->hashes[i] = h;
    t->used++;
    return copy;
}
