/* Page compression on a second thread (internal to the Parquet writer).
 *
 * The writer encodes a page into a slot's raw buffer and submits it; a
 * worker thread compresses slots in submission order into their out
 * buffers; the writer takes finished slots back, oldest first, and appends
 * them to their column chunks. Taking them back in order keeps every
 * column's pages in the order they were cut, so the file is byte-identical
 * to compressing inline. A few slots are in flight at most, which bounds
 * the extra memory to about depth x 2 pages.
 */
#ifndef CF_PQ_CQUEUE_H
#define CF_PQ_CQUEUE_H

#include "parquet/pq_buf.h"
#include "parquet/pq_writer.h"

typedef struct pq_cslot {
    pq_buf raw; /* filled by the writer before submit */
    pq_buf out; /* compressed raw, valid once taken back */
    void *tag;  /* the writer's: which column, page details */
    uint32_t nlev;
    int enc;
    int failed; /* compression failed (out of memory or codec error) */
} pq_cslot;

typedef struct pq_cqueue pq_cqueue;

/* NULL when the thread or memory cannot be had (the writer then compresses
 * inline). */
pq_cqueue *pq_cqueue_new(pq_codec codec, int level);
/* Waits for the worker to finish what was submitted, stops it, frees all. */
void pq_cqueue_free(pq_cqueue *q);

/* The slot to fill next (raw emptied), or NULL when every slot is in
 * flight: take the oldest back first. */
pq_cslot *pq_cqueue_slot(pq_cqueue *q);
/* Hands the slot returned by pq_cqueue_slot to the worker. */
void pq_cqueue_submit(pq_cqueue *q);
/* The oldest submitted slot once compressed (waits for it), or NULL when
 * none is in flight. The slot stays the caller's until the next call. */
pq_cslot *pq_cqueue_take(pq_cqueue *q);

#endif
