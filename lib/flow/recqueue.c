/* Sorted lists plus heap, see recqueue.h. */
#include "flow/recqueue.h"

void cf_recqueue_init(cf_recqueue *q)
{
    cf_recheap_init(&q->heap);
    for (int k = 0; k < CF_RECQUEUE_LISTS; k++)
        q->list[k].head = q->list[k].tail = NULL;
    q->n = 0;
}

void cf_recqueue_free(cf_recqueue *q)
{
    cf_recheap_free(&q->heap);
    cf_recqueue_init(q);
}

int cf_recqueue_push(cf_recqueue *q, cf_heapnode *x)
{
    /* The list whose tail is the greatest not above x (so the other lists
     * keep room for smaller keys); an empty list if none fits. */
    int best = -1, empty = -1;
    for (int k = 0; k < CF_RECQUEUE_LISTS; k++) {
        cf_heapnode *t = q->list[k].tail;
        if (!t) {
            if (empty < 0)
                empty = k;
        } else if (!cf_heapnode_less(x, t) &&
                   (best < 0 || cf_heapnode_less(q->list[best].tail, t))) {
            best = k;
        }
    }
    if (best < 0)
        best = empty;
    if (best < 0) {
        x->in_list = -1;
        if (cf_recheap_push(&q->heap, x) != 0)
            return -1;
    } else {
        x->in_list = best;
        x->prev = q->list[best].tail;
        x->next = NULL;
        if (x->prev)
            x->prev->next = x;
        else
            q->list[best].head = x;
        q->list[best].tail = x;
    }
    q->n++;
    return 0;
}

void cf_recqueue_remove(cf_recqueue *q, cf_heapnode *x)
{
    q->n--;
    if (x->in_list < 0) {
        cf_recheap_remove(&q->heap, x);
        return;
    }
    if (x->prev)
        x->prev->next = x->next;
    else
        q->list[x->in_list].head = x->next;
    if (x->next)
        x->next->prev = x->prev;
    else
        q->list[x->in_list].tail = x->prev;
    x->prev = x->next = NULL;
}

cf_heapnode *cf_recqueue_pop(cf_recqueue *q)
{
    cf_heapnode *x = cf_recqueue_top(q);
    if (x)
        cf_recqueue_remove(q, x);
    return x;
}
