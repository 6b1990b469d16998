/* Priority queue of records by (time, seq), private to lib/flow: a few
 * sorted lists for nodes that arrive in order, with a binary heap
 * (recheap.h) for the rest. Packets come in time order in nearly every
 * capture, so records open in that order; closed records come as two
 * ordered streams (closed by a late packet of their flow, closed by the
 * lifetime sweep). Then push, top and remove are O(1) list operations that
 * touch no other record. A node that fits no list's tail (the clock stepped
 * back) goes to the heap: an adversarial capture costs O(log n), never a
 * long walk. */
#ifndef CF_FLOW_RECQUEUE_H
#define CF_FLOW_RECQUEUE_H

#include "flow/recheap.h"

#define CF_RECQUEUE_LISTS 2

typedef struct cf_recqueue {
    cf_recheap heap;
    struct {
        cf_heapnode *head, *tail; /* oldest first */
    } list[CF_RECQUEUE_LISTS];
    size_t n; /* members, lists and heap */
} cf_recqueue;

void cf_recqueue_init(cf_recqueue *q);
void cf_recqueue_free(cf_recqueue *q);
/* 0 or -1 (out of memory). */
int cf_recqueue_push(cf_recqueue *q, cf_heapnode *x);
static inline cf_heapnode *cf_recqueue_top(const cf_recqueue *q)
{
    cf_heapnode *m = cf_recheap_top(&q->heap);
    for (int k = 0; k < CF_RECQUEUE_LISTS; k++) {
        cf_heapnode *h = q->list[k].head;
        if (h && (!m || cf_heapnode_less(h, m)))
            m = h;
    }
    return m;
}
void cf_recqueue_remove(cf_recqueue *q, cf_heapnode *x);
cf_heapnode *cf_recqueue_pop(cf_recqueue *q);

#endif
