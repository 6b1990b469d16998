/* Page compression on a second thread, see pq_cqueue.h.
 *
 * Slots form a ring: [taken, submitted) are with the worker or finished,
 * [done, submitted) still to compress. The writer owns the slot at
 * `submitted` while it fills it and the slots it has taken back; the worker
 * touches only the slot it is compressing. */
#include "parquet/pq_cqueue.h"

#include "parquet/pq_compress.h"

#include <pthread.h>
#include <stdlib.h>

#define CQ_DEPTH 3

struct pq_cqueue {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* worker: a slot was submitted, or quit */
    pthread_cond_t done; /* writer: a slot was compressed */
    pq_compressor comp;
    pq_cslot slots[CQ_DEPTH];
    /* Counters since the start; slot k is slots[k % CQ_DEPTH]. */
    uint64_t submitted, compressed, taken;
    int quit;
};

static void *worker(void *arg)
{
    pq_cqueue *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->compressed == q->submitted && !q->quit)
            pthread_cond_wait(&q->work, &q->mu);
        if (q->compressed == q->submitted)
            break;
        pq_cslot *s = &q->slots[q->compressed % CQ_DEPTH];
        pthread_mutex_unlock(&q->mu);
        s->out.len = 0;
        s->failed = pq_compress(&q->comp, s->raw.p, s->raw.len, &s->out) != 0;
        pthread_mutex_lock(&q->mu);
        q->compressed++;
        pthread_cond_signal(&q->done);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

pq_cqueue *pq_cqueue_new(pq_codec codec, int level)
{
    pq_cqueue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    if (pq_compress_init(&q->comp, codec, level) != 0) {
        free(q);
        return NULL;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->done, NULL);
    if (pthread_create(&q->thread, NULL, worker, q) != 0) {
        pthread_mutex_destroy(&q->mu);
        pthread_cond_destroy(&q->work);
        pthread_cond_destroy(&q->done);
        pq_compress_free(&q->comp);
        free(q);
        return NULL;
    }
    return q;
}

void pq_cqueue_free(pq_cqueue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->quit = 1;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->done);
    for (int k = 0; k < CQ_DEPTH; k++) {
        pq_buf_free(&q->slots[k].raw);
        pq_buf_free(&q->slots[k].out);
    }
    pq_compress_free(&q->comp);
    free(q);
}

pq_cslot *pq_cqueue_slot(pq_cqueue *q)
{
    /* Only the writer moves `submitted` and `taken`: no lock needed. */
    if (q->submitted - q->taken == CQ_DEPTH)
        return NULL;
    pq_cslot *s = &q->slots[q->submitted % CQ_DEPTH];
    s->raw.len = 0;
    return s;
}

void pq_cqueue_submit(pq_cqueue *q)
{
    pthread_mutex_lock(&q->mu);
    q->submitted++;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
}

pq_cslot *pq_cqueue_take(pq_cqueue *q)
{
    if (q->taken == q->submitted)
        return NULL;
    pthread_mutex_lock(&q->mu);
    while (q->compressed == q->taken)
        pthread_cond_wait(&q->done, &q->mu);
    pthread_mutex_unlock(&q->mu);
    return &q->slots[q->taken++ % CQ_DEPTH];
}
