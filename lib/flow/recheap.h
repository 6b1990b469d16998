/* Indexed binary min-heap ordered by (time, seq), private to lib/flow.
 * Nodes are embedded in the caller's objects and know their position, so
 * any node can be removed in O(log n). The record queues (recqueue.h) keep
 * records that arrive out of order here: open records (oldest first:
 * lifetime sweep, max_flows) and closed records waiting for their turn to
 * be emitted in first_seen order. */
#ifndef CF_FLOW_RECHEAP_H
#define CF_FLOW_RECHEAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct cf_heapnode {
    int64_t time;
    uint64_t seq;
    size_t pos; /* index in the heap while a member */
    /* Used by recqueue.h: list links, and which list holds the node (-1:
     * the heap). */
    struct cf_heapnode *prev, *next;
    int in_list;
} cf_heapnode;

/* A heap slot: the node's key, copied (a node's key does not change while
 * it is in a heap), and the node. */
typedef struct cf_heapslot {
    int64_t time;
    uint64_t seq;
    cf_heapnode *node;
} cf_heapslot;

typedef struct cf_recheap {
    cf_heapslot *a;
    size_t n, cap;
} cf_recheap;

static inline int cf_heapnode_less(const cf_heapnode *x, const cf_heapnode *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

void cf_recheap_init(cf_recheap *h);
void cf_recheap_free(cf_recheap *h);
/* 0 or -1 (out of memory). */
int cf_recheap_push(cf_recheap *h, cf_heapnode *x);
static inline cf_heapnode *cf_recheap_top(const cf_recheap *h)
{
    return h->n ? h->a[0].node : NULL;
}
cf_heapnode *cf_recheap_pop(cf_recheap *h);
void cf_recheap_remove(cf_recheap *h, cf_heapnode *x);

#endif
