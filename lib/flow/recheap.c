/* Indexed binary min-heap, see recheap.h. Each slot keeps a copy of its
 * node's (time, seq) key, so sifting compares slots in the array and only
 * writes back into a node to update its position: with hundreds of
 * thousands of open records, reading keys through node pointers was a cache
 * miss per comparison. */
#include "flow/recheap.h"

#include <stdlib.h>

void cf_recheap_init(cf_recheap *h)
{
    h->a = NULL;
    h->n = h->cap = 0;
}

void cf_recheap_free(cf_recheap *h)
{
    free(h->a);
    cf_recheap_init(h);
}

static inline int slot_less(const cf_heapslot *x, const cf_heapslot *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static inline void set(cf_recheap *h, size_t i, cf_heapslot s)
{
    h->a[i] = s;
    s.node->pos = i;
}

static void sift_up(cf_recheap *h, size_t i)
{
    cf_heapslot x = h->a[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!slot_less(&x, &h->a[parent]))
            break;
        set(h, i, h->a[parent]);
        i = parent;
    }
    set(h, i, x);
}

static void sift_down(cf_recheap *h, size_t i)
{
    cf_heapslot x = h->a[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && slot_less(&h->a[c + 1], &h->a[c]))
            c++;
        if (!slot_less(&h->a[c], &x))
            break;
        set(h, i, h->a[c]);
        i = c;
    }
    set(h, i, x);
}

int cf_recheap_push(cf_recheap *h, cf_heapnode *x)
{
    if (h->n == h->cap) {
        size_t ncap = h->cap ? h->cap * 2 : 64;
        cf_heapslot *na = realloc(h->a, ncap * sizeof *na);
        if (!na)
            return -1;
        h->a = na;
        h->cap = ncap;
    }
    h->a[h->n] = (cf_heapslot){x->time, x->seq, x};
    x->pos = h->n;
    h->n++;
    sift_up(h, h->n - 1);
    return 0;
}

void cf_recheap_remove(cf_recheap *h, cf_heapnode *x)
{
    size_t i = x->pos;
    h->n--;
    if (i == h->n)
        return;
    set(h, i, h->a[h->n]);
    if (i > 0 && slot_less(&h->a[i], &h->a[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}

cf_heapnode *cf_recheap_pop(cf_recheap *h)
{
    if (!h->n)
        return NULL;
    cf_heapnode *x = h->a[0].node;
    cf_recheap_remove(h, x);
    return x;
}
