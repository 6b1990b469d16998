/* --context K in the wide layout: after a record's own columns, the K
 * previous records of its device (H1_ the one just before, HK_ K back),
 * each as H<h>_FirstSeen (INT64 µs), H<h>_RemIP (STRING), H<h>_Proto,
 * H<h>_DevPort, H<h>_RemPort (INT32), H<h>_TotalFlowSize, H<h>_PacketCount
 * (INT64), then the record's packet and payload columns under their own
 * names prefixed by H<h>_ (P00_TO.., P00_PS.., P00_D.., C_000..). A
 * history slot the device has no record for is -1 everywhere ("" for
 * RemIP), so one row is the whole (K+1)-record matrix.
 *
 * Memory: per device and variant, K copies of a wide row (about 8i + 4(2i + B) bytes
 * each: 60 KiB per device for K = 5 with the defaults). */
#ifndef CF_ENGINE_WIDE_CONTEXT_H
#define CF_ENGINE_WIDE_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "customflow.h"
#include "parquet/pq_writer.h"

typedef struct cf_widectx cf_widectx;

/* Columns per history slot, and in all. */
size_t cf_widectx_columns(uint32_t k, uint32_t i, uint32_t b);

/* own: the record's own packet/payload column specs (3i + B of them, named
 * P00_TO..). NULL out of memory. One history serves every file of a run
 * (both variants: devices are kept per variant), so that the first rows of
 * a --rotate or --partition file see the device's records in earlier
 * files. */
cf_widectx *cf_widectx_new(uint32_t k, uint32_t i, uint32_t b, const pq_column_spec *own);
/* The history columns' specs into specs[cf_widectx_columns()] (names live
 * in c). */
void cf_widectx_specs(const cf_widectx *c, pq_column_spec *specs);
void cf_widectx_free(cf_widectx *c);

/* Writes the history columns of r (from first_col on), then keeps r's row:
 * ip its remote as written, to[i] its offsets, cells[2i + B] its sizes,
 * directions and payload cells as the wide row holds them. 0, or -1. */
int cf_widectx_write(cf_widectx *c, pq_writer *w, size_t first_col, const cf_record *r,
                     const char *ip, const int64_t *to, const int32_t *cells);

#endif
