/* Decode stage (see decode_stage.h). The threaded form is a ring of
 * BATCHES batches passed between two queues: the reader fills a free batch
 * with decoded packets, the consumer empties a full one and gives it back.
 *
 * Payloads of a mapped file stay where they are: the file keeps the pages
 * behind its read position mapped for HOLD_LAG bytes, more than the ring
 * can be ahead of the consumer (a batch spans at most BATCH_SPAN bytes of
 * the file plus its last frame), so a payload is still resident when the
 * consumer reads it. (Were it not, it would only be read back from the
 * page cache: the lag bounds memory, never correctness.) Copying every
 * payload instead cost about 0.35 s of CPU per GB of camera traffic, of
 * which the assembler keeps the first i packets' only. Other sources
 * (pipes, decompressed files, several merged files) reuse their window, so
 * their payloads are copied into the batch. */
#include "engine/decode_stage.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/session.h"

#define BATCHES 4
#define BATCH_ITEMS 2048
#define BATCH_BYTES ((size_t)1 << 20)
#define BATCH_SPAN ((uint64_t)1 << 20)
#define HOLD_LAG ((uint64_t)BATCHES * (BATCH_SPAN + ((uint64_t)256 << 10)) + ((uint64_t)1 << 20))

typedef struct item {
    int kind; /* CF_SRC_FRAME or CF_SRC_TICK */
    cf_skip_reason why;
    int64_t now_us;
    cf_packet pkt; /* payload points into the batch's bytes (offset until handed out) */
    size_t payload_at;
} item;

typedef struct batch {
    item *items;
    size_t n, used;
    uint8_t *bytes; /* copied payloads */
    size_t bytes_used;
    uint64_t offset; /* source offset after its last item */
    int end;         /* 0, or CF_SRC_END / CF_SRC_DAMAGED after the items */
    char message[1024];
} batch;

struct cf_decode_stage {
    cf_source *src;
    uint32_t payload_bytes;
    int threaded;
    int in_place; /* payloads point into the source's mapping (not copied) */
    /* one thread */
    cf_frame frame;
    uint64_t offset;
    /* two threads */
    pthread_t reader;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    batch ring[BATCHES];
    size_t head, count; /* full batches: ring[head], ... (count of them) */
    size_t filling;     /* the batch the reader fills next */
    batch *current;     /* the batch the consumer empties, or NULL */
    int quit;           /* the consumer is gone: the reader stops */
    int reader_done;
};

static int read_item(cf_decode_stage *st, item *it, char *err, size_t errlen)
{
    int r = st->src->ops->next(st->src, &st->frame, &it->now_us, err, errlen);
    it->kind = r;
    if (r == CF_SRC_FRAME) {
        const cf_frame *f = &st->frame;
        it->why =
            cf_decode_frame(f->linktype, f->data, f->cap_len, f->wire_len, f->ts_us, &it->pkt);
    }
    return r;
}

/* ---- The reading thread ---- */

static void *reader_main(void *arg)
{
    cf_decode_stage *st = arg;
    cf_session *s = st->src->session;
    for (;;) {
        pthread_mutex_lock(&st->lock);
        while (!st->quit && (st->count == BATCHES || &st->ring[st->filling] == st->current))
            pthread_cond_wait(&st->changed, &st->lock);
        if (st->quit) {
            pthread_mutex_unlock(&st->lock);
            return NULL;
        }
        batch *b = &st->ring[st->filling];
        pthread_mutex_unlock(&st->lock);

        b->n = b->used = b->bytes_used = 0;
        b->end = 0;
        const uint64_t start = st->in_place ? st->src->ops->offset(st->src) : 0;
        while (b->n < BATCH_ITEMS && b->bytes_used < BATCH_BYTES) {
            item *it = &b->items[b->n];
            int r = read_item(st, it, b->message, sizeof b->message);
            if (r <= 0) {
                b->end = r;
                break;
            }
            b->n++;
            if (r == CF_SRC_TICK)
                break; /* hand a tick over at once: the wall clock moved */
            if (st->in_place) {
                if (st->src->ops->offset(st->src) - start >= BATCH_SPAN)
                    break;
            } else if (it->why == CF_DECODED) {
                uint32_t len = it->pkt.payload ? it->pkt.payload_caplen : 0;
                if (len > st->payload_bytes)
                    len = st->payload_bytes;
                memcpy(b->bytes + b->bytes_used, it->pkt.payload, len);
                it->payload_at = b->bytes_used;
                it->pkt.payload_caplen = len;
                b->bytes_used += len;
            }
        }
        if (!b->end && !st->src->live && cf_session_stopping(s))
            b->end = CF_SRC_END; /* the consumer sees the stop request too */
        b->offset = st->src->ops->offset(st->src);

        pthread_mutex_lock(&st->lock);
        st->filling = (st->filling + 1) % BATCHES;
        st->count++;
        int done = b->end != 0;
        pthread_cond_broadcast(&st->changed);
        pthread_mutex_unlock(&st->lock);
        if (done)
            return NULL;
    }
}

/* ---- Both forms ---- */

cf_decode_stage *cf_decode_stage_new(cf_source *src, int threaded, uint32_t keep_payload)
{
    cf_decode_stage *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->src = src;
    st->payload_bytes = keep_payload;
    if (!threaded || src->blocking || src->live)
        return st;
    st->in_place = src->ops->hold_frames && src->ops->hold_frames(src, HOLD_LAG);
    for (int k = 0; k < BATCHES; k++) {
        st->ring[k].items = malloc(BATCH_ITEMS * sizeof *st->ring[k].items);
        /* A batch closes once it holds BATCH_BYTES; one more payload fits. */
        st->ring[k].bytes = st->in_place ? NULL : malloc(BATCH_BYTES + keep_payload + 1);
        if (!st->ring[k].items || (!st->in_place && !st->ring[k].bytes)) {
            cf_decode_stage_free(st);
            return NULL;
        }
    }
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->changed, NULL);
    st->threaded = 1;
    if (pthread_create(&st->reader, NULL, reader_main, st) != 0) {
        pthread_mutex_destroy(&st->lock);
        pthread_cond_destroy(&st->changed);
        st->threaded = 0; /* decode on the caller's thread instead */
    }
    return st;
}

int cf_decode_stage_next(cf_decode_stage *st, cf_skip_reason *why, cf_packet *pkt, int64_t *now_us,
                         char *err, size_t errlen)
{
    if (!st->threaded) {
        item it;
        int r = read_item(st, &it, err, errlen);
        if (r == CF_SRC_FRAME) {
            *why = it.why;
            *pkt = it.pkt;
        }
        *now_us = it.now_us;
        st->offset = st->src->ops->offset(st->src);
        return r;
    }
    batch *b = st->current;
    if (b && b->used == b->n && b->end) {
        snprintf(err, errlen, "%s", b->message);
        return b->end;
    }
    if (!b || b->used == b->n) {
        pthread_mutex_lock(&st->lock);
        if (b) { /* give the emptied batch back */
            st->current = NULL;
            st->head = (st->head + 1) % BATCHES;
            st->count--;
            pthread_cond_broadcast(&st->changed);
        }
        while (st->count == 0)
            pthread_cond_wait(&st->changed, &st->lock);
        b = st->current = &st->ring[st->head];
        pthread_mutex_unlock(&st->lock);
        st->offset = b->offset;
        if (b->n == 0) {
            snprintf(err, errlen, "%s", b->message);
            return b->end;
        }
    }
    item *it = &b->items[b->used++];
    *now_us = it->now_us;
    if (it->kind == CF_SRC_FRAME) {
        *why = it->why;
        *pkt = it->pkt;
        if (it->why == CF_DECODED && !st->in_place)
            pkt->payload = b->bytes + it->payload_at;
    }
    return it->kind;
}

uint64_t cf_decode_stage_offset(const cf_decode_stage *st)
{
    return st->offset;
}

void cf_decode_stage_free(cf_decode_stage *st)
{
    if (!st)
        return;
    if (st->threaded) {
        pthread_mutex_lock(&st->lock);
        st->quit = 1;
        pthread_cond_broadcast(&st->changed);
        pthread_mutex_unlock(&st->lock);
        pthread_join(st->reader, NULL);
        pthread_mutex_destroy(&st->lock);
        pthread_cond_destroy(&st->changed);
    }
    for (int k = 0; k < BATCHES; k++) {
        free(st->ring[k].items);
        free(st->ring[k].bytes);
    }
    free(st);
}
