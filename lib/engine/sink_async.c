/* cf_sink_async: a sink on a thread of its own, or one per variant
 * (sink.h).
 *
 * The pipeline's thread copies each record whole (its arrays, payload
 * bytes and strings; the device label is the assembler's interned string,
 * which outlives the run) into the open batch of its lane, a block of
 * BATCH_BYTES; a full batch goes to the lane's worker thread, which hands
 * its records and horizons to the inner sink in the order they came. A
 * lane has at most MAX_BATCHES batches at once, so the records in flight
 * take a few MiB whatever the input; the pipeline waits for a free one.
 * With two lanes (the inner sink has advance_variant, both variants are
 * on) each variant's records and horizons go to its own lane.
 *
 * The inner sink sees the same calls in the same order as without the
 * thread, so its files are byte-identical. begin(), finish() and abort()
 * run on the pipeline's thread once the worker has done everything before
 * them (cf_sink_async_drain). A failure of the inner sink on the worker is
 * kept and returned by the next call on the pipeline's side; the records
 * after it are dropped. */
#include <pthread.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/session.h"
#include "engine/sink.h"

#define BATCH_BYTES ((size_t)256 << 10)
#define MAX_BATCHES 4

enum { ENTRY_RECORD, ENTRY_ADVANCE };

/* One call for the inner sink, followed (records) by the copied data its
 * pointers refer to. */
typedef struct entry {
    int kind;
    int variant;  /* of a horizon, with two lanes */
    size_t bytes; /* this entry and its data, a multiple of 16 */
    int64_t horizon_us;
    cf_record r;
} entry;

typedef struct batch {
    struct batch *next;
    size_t cap, used; /* bytes of data after the header */
    alignas(16) unsigned char data[];
} batch;

typedef struct lane {
    cf_sink *inner;
    int per_variant; /* horizons through advance_variant */
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a batch queued, or quit */
    pthread_cond_t idle; /* a batch done */
    batch *queue, **queue_tail;
    batch *spare;   /* done batches of BATCH_BYTES, for reuse */
    size_t batches; /* existing, the open one included */
    int busy;       /* the worker is on a batch */
    int quit;
    int discard; /* abort: drop what is queued */
    int failed;  /* the inner sink failed; err holds why */
    char err[1024];
    batch *open; /* being filled by the pipeline's thread */
    entry *last; /* its last entry */
} lane;

typedef struct async_sink {
    cf_sink base;
    cf_sink *inner;
    lane lanes[2]; /* [0] both variants or bidirectional, [1] unidirectional */
    int n_lanes;
} async_sink;

static size_t round16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static void run_batch(lane *a, batch *b)
{
    char err[1024];
    for (size_t at = 0; at < b->used;) {
        entry *e = (entry *)(void *)(b->data + at);
        at += e->bytes;
        int rc = e->kind == ENTRY_RECORD ? a->inner->ops->record(a->inner, &e->r, err, sizeof err)
                 : a->per_variant
                     ? a->inner->ops->advance_variant(a->inner, e->variant, e->horizon_us, err,
                                                      sizeof err)
                     : a->inner->ops->advance(a->inner, e->horizon_us, err, sizeof err);
        if (rc != 0) {
            pthread_mutex_lock(&a->lock);
            a->failed = 1;
            snprintf(a->err, sizeof a->err, "%s", err[0] ? err : "writing records failed");
            pthread_mutex_unlock(&a->lock);
            return;
        }
    }
}

/* Returns a done batch: kept for reuse when of the usual size. Called
 * with the lock held. */
static void recycle(lane *a, batch *b)
{
    if (b->cap == BATCH_BYTES) {
        b->next = a->spare;
        a->spare = b;
    } else {
        free(b);
        a->batches--;
    }
}

static void *worker(void *arg)
{
    lane *a = arg;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (!a->queue && !a->quit)
            pthread_cond_wait(&a->work, &a->lock);
        batch *b = a->queue;
        if (!b)
            break;
        if (!(a->queue = b->next))
            a->queue_tail = &a->queue;
        int skip = a->failed || a->discard;
        a->busy = 1;
        pthread_mutex_unlock(&a->lock);
        if (!skip)
            run_batch(a, b);
        pthread_mutex_lock(&a->lock);
        a->busy = 0;
        recycle(a, b);
        pthread_cond_broadcast(&a->idle);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* Queues the open batch (if it holds anything). */
static void hand_over(lane *a)
{
    batch *b = a->open;
    if (!b || !b->used)
        return;
    a->open = NULL;
    a->last = NULL;
    b->next = NULL;
    pthread_mutex_lock(&a->lock);
    *a->queue_tail = b;
    a->queue_tail = &b->next;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->lock);
}

/* Room for an entry of bytes in the open batch: the current one, a spare
 * one, a new one, or one made for it when it is larger than a batch.
 * NULL when out of memory. */
static entry *reserve(lane *a, size_t bytes)
{
    if (a->open && a->open->cap - a->open->used >= bytes)
        goto room;
    hand_over(a);
    size_t cap = bytes > BATCH_BYTES ? bytes : BATCH_BYTES;
    pthread_mutex_lock(&a->lock);
    while (cap == BATCH_BYTES && !a->spare && a->batches >= MAX_BATCHES)
        pthread_cond_wait(&a->idle, &a->lock);
    batch *b = NULL;
    if (cap == BATCH_BYTES && a->spare) {
        b = a->spare;
        a->spare = b->next;
    } else if ((b = malloc(sizeof *b + cap)) != NULL) {
        b->cap = cap;
        a->batches++;
    }
    pthread_mutex_unlock(&a->lock);
    if (!b)
        return NULL;
    b->used = 0;
    a->open = b;
room:;
    entry *e = (entry *)(void *)(a->open->data + a->open->used);
    a->open->used += bytes;
    e->bytes = bytes;
    a->last = e;
    return e;
}

/* The failure kept from the worker, if any. */
static int failed(lane *a, char *err, size_t errlen)
{
    pthread_mutex_lock(&a->lock);
    int f = a->failed;
    if (f)
        snprintf(err, errlen, "%s", a->err);
    pthread_mutex_unlock(&a->lock);
    return f;
}

/* Waits until the lane's worker has done everything handed over. */
static void drain_lane(lane *a)
{
    hand_over(a);
    pthread_mutex_lock(&a->lock);
    while (a->queue || a->busy)
        pthread_cond_wait(&a->idle, &a->lock);
    pthread_mutex_unlock(&a->lock);
}

/* The first lane's kept failure, if any. */
static int any_failed(async_sink *a, char *err, size_t errlen)
{
    for (int l = 0; l < a->n_lanes; l++)
        if (failed(&a->lanes[l], err, errlen))
            return 1;
    return 0;
}

int cf_sink_async_drain(cf_sink *k, char *err, size_t errlen)
{
    async_sink *a = (async_sink *)k;
    for (int l = 0; l < a->n_lanes; l++)
        drain_lane(&a->lanes[l]);
    return any_failed(a, err, errlen) ? -1 : 0;
}

static int async_begin(cf_sink *k, const char *input, const char *stem, cf_meta_fn meta,
                       void *meta_ctx, char *err, size_t errlen)
{
    async_sink *a = (async_sink *)k;
    a->inner->live = k->live;
    return a->inner->ops->begin(a->inner, input, stem, meta, meta_ctx, err, errlen);
}

/* Bytes of a copy of *r with everything it points to (the label aside). */
static size_t record_bytes(const cf_record *r)
{
    size_t n = r->n, bytes = round16(sizeof(entry));
    bytes += round16(n * (sizeof(int64_t) + sizeof(void *) + sizeof(int32_t) + sizeof(uint32_t) +
                          sizeof(int8_t)));
    for (size_t p = 0; p < n; p++)
        bytes += r->payload_len[p];
    bytes += strlen(r->remote_ip) + 1;
    if (r->remote_name)
        bytes += strlen(r->remote_name) + 1;
    bytes += r->n_context * (sizeof(int64_t) + sizeof(void *));
    for (uint32_t c = 0; r->context_files && c < r->n_context; c++)
        bytes += strlen(r->context_files[c]) + 1;
    return round16(bytes);
}

static int async_record(cf_sink *k, const cf_record *r, char *err, size_t errlen)
{
    async_sink *as = (async_sink *)k;
    lane *a = &as->lanes[as->n_lanes == 2 && r->variant == CF_VARIANT_UNI ? 1 : 0];
    if (failed(a, err, errlen))
        return -1;
    entry *e = reserve(a, record_bytes(r));
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    e->kind = ENTRY_RECORD;
    cf_record *c = &e->r;
    *c = *r;
    /* The arrays in decreasing alignment, then the bytes. */
    char *at = (char *)e + round16(sizeof(entry));
    size_t n = r->n;
    int64_t *offset = (int64_t *)(void *)at;
    memcpy(offset, r->offset_us, n * sizeof *offset);
    at += n * sizeof *offset;
    const uint8_t **payload = (const uint8_t **)(void *)at;
    at += n * sizeof *payload;
    int64_t *context_rows = (int64_t *)(void *)at;
    if (r->context_rows)
        memcpy(context_rows, r->context_rows, r->n_context * sizeof *context_rows);
    at += r->n_context * sizeof *context_rows;
    const char **context_files = (const char **)(void *)at;
    at += r->n_context * sizeof *context_files;
    int32_t *size = (int32_t *)(void *)at;
    memcpy(size, r->size, n * sizeof *size);
    at += n * sizeof *size;
    uint32_t *payload_len = (uint32_t *)(void *)at;
    memcpy(payload_len, r->payload_len, n * sizeof *payload_len);
    at += n * sizeof *payload_len;
    int8_t *direction = (int8_t *)at;
    memcpy(direction, r->direction, n);
    at += n;
    for (size_t p = 0; p < n; p++) {
        memcpy(at, r->payload[p], r->payload_len[p]);
        payload[p] = (const uint8_t *)at;
        at += r->payload_len[p];
    }
    size_t len = strlen(r->remote_ip) + 1;
    c->remote_ip = memcpy(at, r->remote_ip, len);
    at += len;
    if (r->remote_name) {
        len = strlen(r->remote_name) + 1;
        c->remote_name = memcpy(at, r->remote_name, len);
        at += len;
    }
    for (uint32_t f = 0; r->context_files && f < r->n_context; f++) {
        len = strlen(r->context_files[f]) + 1;
        context_files[f] = memcpy(at, r->context_files[f], len);
        at += len;
    }
    c->offset_us = offset;
    c->size = size;
    c->direction = direction;
    c->payload = payload;
    c->payload_len = payload_len;
    c->context_rows = r->context_rows ? context_rows : NULL;
    c->context_files = r->context_files ? context_files : NULL;
    return 0;
}

/* A horizon for one lane (variant: with two lanes). */
static int advance_lane(lane *a, int variant, int64_t horizon_us, char *err, size_t errlen)
{
    if (failed(a, err, errlen))
        return -1;
    /* Horizons only grow: a run of them is one call with the last. */
    if (a->last && a->last->kind == ENTRY_ADVANCE) {
        a->last->horizon_us = horizon_us;
        return 0;
    }
    entry *e = reserve(a, round16(sizeof(entry)));
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    e->kind = ENTRY_ADVANCE;
    e->variant = variant;
    e->horizon_us = horizon_us;
    return 0;
}

static int async_advance(cf_sink *k, int64_t horizon_us, char *err, size_t errlen)
{
    async_sink *a = (async_sink *)k;
    if (!a->inner->ops->advance)
        return 0;
    if (a->n_lanes == 1)
        return advance_lane(&a->lanes[0], 0, horizon_us, err, errlen);
    if (advance_lane(&a->lanes[0], CF_VARIANT_BI, horizon_us, err, errlen) != 0)
        return -1;
    return advance_lane(&a->lanes[1], CF_VARIANT_UNI, horizon_us, err, errlen);
}

static int async_finish(cf_sink *k, char *err, size_t errlen)
{
    async_sink *a = (async_sink *)k;
    if (cf_sink_async_drain(k, err, errlen) != 0) {
        a->inner->ops->abort(a->inner);
        return -1;
    }
    return a->inner->ops->finish(a->inner, err, errlen);
}

static void async_abort(cf_sink *k)
{
    async_sink *a = (async_sink *)k;
    for (int l = 0; l < a->n_lanes; l++) {
        pthread_mutex_lock(&a->lanes[l].lock);
        a->lanes[l].discard = 1;
        pthread_mutex_unlock(&a->lanes[l].lock);
    }
    char err[16];
    cf_sink_async_drain(k, err, sizeof err);
    a->inner->ops->abort(a->inner);
}

/* Stops the lane's thread and frees its batches. */
static void close_lane(lane *a)
{
    if (a->started) {
        pthread_mutex_lock(&a->lock);
        a->discard = 1;
        a->quit = 1;
        pthread_cond_signal(&a->work);
        pthread_mutex_unlock(&a->lock);
        pthread_join(a->thread, NULL);
    }
    free(a->open);
    while (a->spare) {
        batch *b = a->spare;
        a->spare = b->next;
        free(b);
    }
    pthread_cond_destroy(&a->idle);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->lock);
}

/* Stops the threads and frees the wrapper; the inner sink stays. */
static void async_destroy(cf_sink *k)
{
    async_sink *a = (async_sink *)k;
    for (int l = 0; l < a->n_lanes; l++)
        close_lane(&a->lanes[l]);
    free(a);
}

static const cf_sink_ops async_ops = {
    .begin = async_begin,
    .record = async_record,
    .advance = async_advance,
    .finish = async_finish,
    .abort = async_abort,
    .destroy = async_destroy,
};

static int open_lane(lane *a, cf_sink *inner, int per_variant)
{
    a->inner = inner;
    a->per_variant = per_variant;
    a->queue_tail = &a->queue;
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->work, NULL);
    pthread_cond_init(&a->idle, NULL);
    if (pthread_create(&a->thread, NULL, worker, a) != 0)
        return -1;
    a->started = 1;
    return 0;
}

cf_sink *cf_sink_async_new(cf_sink *inner)
{
    async_sink *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->base.ops = &async_ops;
    a->base.session = inner->session;
    a->base.live = inner->live;
    a->inner = inner;
    int per_variant = inner->ops->advance_variant && inner->session &&
                      inner->session->cfg->variants == CF_VARIANT_BOTH;
    for (int l = 0; l < (per_variant ? 2 : 1); l++) {
        /* counted before it opens: a lane that failed halfway is closed too */
        a->n_lanes++;
        if (open_lane(&a->lanes[l], inner, per_variant) != 0) {
            async_destroy(&a->base);
            return NULL;
        }
    }
    return &a->base;
}
