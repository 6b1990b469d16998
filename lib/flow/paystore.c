/* Shared payload copies, see paystore.h. */
#include "flow/paystore.h"

#include <stdlib.h>
#include <string.h>

#include "util/bigmem.h"

struct cf_pay_chunk {
    uint32_t refs;   /* copies in it still referenced */
    uint8_t current; /* its store's cur: not recycled while being filled */
    uint8_t own;     /* a block of its own for one large copy */
    size_t size;     /* bytes allocated */
    cf_pay_chunk *next_spare;
};

/* Copies start after the header, 16-byte aligned. */
#define HDR ((sizeof(cf_pay_chunk) + 15) & ~(size_t)15)
/* Chunks are carved from slabs of SLAB_CHUNKS: one aligned allocation per
 * chunk would leave an alignment gap beside each, whose malloc header
 * alone touches a page per chunk (6 % more memory at 64 KiB). Slabs are
 * 2 MiB blocks of bigmem.h (huge pages where the kernel allows), kept until
 * the store is freed; their chunks are reused. */
#define SLAB_CHUNKS 32

typedef struct slab {
    struct slab *next;
    void *mem;
} slab;

static cf_pay_chunk *chunk_of(const uint8_t *copy)
{
    return (cf_pay_chunk *)((uintptr_t)copy & ~(uintptr_t)(CF_PAY_CHUNK - 1));
}

void cf_paystore_init(cf_paystore *s)
{
    memset(s, 0, sizeof *s);
}

static void recycle(cf_paystore *s, cf_pay_chunk *c)
{
    s->bytes -= c->size;
    if (c->own) {
        free(c);
        return;
    }
    c->next_spare = s->spare;
    s->spare = c;
}

/* The current chunk is full: it goes once its copies are let go. */
static void retire(cf_paystore *s)
{
    cf_pay_chunk *c = s->cur;
    if (!c)
        return;
    c->current = 0;
    s->cur = NULL;
    if (c->refs == 0)
        recycle(s, c);
}

void cf_paystore_free(cf_paystore *s)
{
    retire(s);
    while (s->slabs) {
        slab *b = s->slabs;
        s->slabs = b->next;
        cf_big_free(b->mem, SLAB_CHUNKS * CF_PAY_CHUNK);
        free(b);
    }
    memset(s, 0, sizeof *s);
}

/* A spare chunk, from a new slab when none is left. */
static cf_pay_chunk *take_spare(cf_paystore *s)
{
    if (!s->spare) {
        slab *b = malloc(sizeof *b);
        char *mem = b ? cf_big_alloc(SLAB_CHUNKS * CF_PAY_CHUNK) : NULL;
        if (!mem) {
            free(b);
            return NULL;
        }
        b->mem = mem;
        b->next = s->slabs;
        s->slabs = b;
        for (size_t k = SLAB_CHUNKS; k-- > 0;) {
            cf_pay_chunk *c = (cf_pay_chunk *)(void *)(mem + k * CF_PAY_CHUNK);
            memset(c, 0, sizeof *c);
            c->size = CF_PAY_CHUNK;
            c->next_spare = s->spare;
            s->spare = c;
        }
    }
    cf_pay_chunk *c = s->spare;
    s->spare = c->next_spare;
    return c;
}

static cf_pay_chunk *new_block(size_t size)
{
    cf_pay_chunk *c = aligned_alloc(CF_PAY_CHUNK, size);
    if (c) {
        memset(c, 0, sizeof *c);
        c->size = size;
    }
    return c;
}

const uint8_t *cf_paystore_add(cf_paystore *s, const void *p, uint32_t len)
{
    if (HDR + len > CF_PAY_CHUNK) {
        size_t size = (HDR + len + CF_PAY_CHUNK - 1) & ~(CF_PAY_CHUNK - 1);
        cf_pay_chunk *c = new_block(size);
        if (!c)
            return NULL;
        c->own = 1;
        c->refs = 1;
        s->bytes += size;
        uint8_t *copy = (uint8_t *)c + HDR;
        memcpy(copy, p, len);
        return copy;
    }
    if (!s->cur || s->cur_used + len > CF_PAY_CHUNK) {
        retire(s);
        cf_pay_chunk *c = take_spare(s);
        if (!c)
            return NULL;
        c->current = 1;
        c->refs = 0;
        s->cur = c;
        s->cur_used = HDR;
        s->bytes += CF_PAY_CHUNK;
    }
    uint8_t *copy = (uint8_t *)s->cur + s->cur_used;
    memcpy(copy, p, len);
    s->cur_used += len;
    s->cur->refs++;
    return copy;
}

void cf_paystore_ref(const uint8_t *copy)
{
    chunk_of(copy)->refs++;
}

void cf_paystore_unref(cf_paystore *s, const uint8_t *copy)
{
    cf_pay_chunk *c = chunk_of(copy);
    if (--c->refs == 0 && !c->current)
        recycle(s, c);
}
