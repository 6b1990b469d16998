/* --context K: per variant and device, the (file, row) places of the
 * device's last K records, oldest first.
 *
 * The pipeline keeps one for embedders and streams (file 0, the row a count
 * of the variant's records), the output files (sink/files.h) one with the
 * file each record went to and its row there, so that context references
 * cross --rotate and --partition files. Devices are keyed by label text.
 *
 * Memory: per device and variant, K places (12-16 bytes each) and the
 * label, kept for the whole run. */
#ifndef CF_FLOW_CONTEXT_H
#define CF_FLOW_CONTEXT_H

#include <stdint.h>

typedef struct cf_ctxref {
    uint32_t file; /* the caller's file number */
    int64_t row;   /* row in that file */
} cf_ctxref;

typedef struct cf_ctxmap cf_ctxmap;

/* K >= 1. NULL out of memory. */
cf_ctxmap *cf_ctxmap_new(uint32_t k);
void cf_ctxmap_free(cf_ctxmap *m);

/* Writes the device's previous places of this variant (oldest first, at
 * most K) into out[K] and returns their number; then (file, row) joins
 * them. UINT32_MAX when out of memory (nothing changed). */
uint32_t cf_ctxmap_push(cf_ctxmap *m, int variant, const char *device, uint32_t file, int64_t row,
                        cf_ctxref *out);

#endif
