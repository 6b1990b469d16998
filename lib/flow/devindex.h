/* cf_devindex: devices by (variant, label) text, numbered 0, 1, ... in the
 * order they are first added, so that callers keep per-device state in
 * plain arrays (the --context rings of context.c, the wide layout's history
 * rows of engine/wide_context.c). Labels are copied and kept for the
 * index's life.
 *
 * A zeroed cf_devindex is empty. */
#ifndef CF_FLOW_DEVINDEX_H
#define CF_FLOW_DEVINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/hmap.h"

typedef struct cf_devindex {
    cf_hmap index; /* hash of (variant, label) -> position + 1 */
    char **labels; /* [used] */
    int *variants; /* [used] */
    size_t used, cap;
} cf_devindex;

void cf_devindex_free(cf_devindex *x);

/* The position of (variant, label), or -1 when it was not added; *hash
 * gets the key's hash, for cf_devindex_add. */
int64_t cf_devindex_find(const cf_devindex *x, int variant, const char *label, uint64_t *hash);

/* Adds (variant, label), which cf_devindex_find did not find, at position
 * x->used; returns that position, or -1 out of memory (nothing added). */
int64_t cf_devindex_add(cf_devindex *x, int variant, const char *label, uint64_t hash);

#endif
