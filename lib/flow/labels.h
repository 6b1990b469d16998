/* String interning for device labels, private to lib/flow: one stable
 * copy per distinct label, so records compare and count labels by pointer.
 * Strings live until the table is freed. */
#ifndef CF_FLOW_LABELS_H
#define CF_FLOW_LABELS_H

#include <stddef.h>
#include <stdint.h>

#include "util/hmap.h"

typedef struct cf_labels {
    cf_hmap map; /* values: the interned copies (char *) */
} cf_labels;

void cf_labels_init(cf_labels *t);
void cf_labels_free(cf_labels *t);
/* The interned copy of s, or NULL (out of memory). */
const char *cf_labels_intern(cf_labels *t, const char *s);

#endif
