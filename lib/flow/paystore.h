/* Payload bytes of held records, private to lib/flow.
 *
 * A packet's payload (its first j bytes) is copied once, however many
 * records list the packet: both variants, and both ends of a
 * device-to-device packet, share the copy and count references to it.
 * Copies are packed into chunks of CF_PAY_CHUNK bytes, aligned to their
 * size, so that the chunk of any copy is found from its address; a chunk
 * is recycled when the last record referring into it lets go. A copy larger
 * than a chunk gets a block of its own, aligned the same way.
 *
 * bytes counts the chunks in use: the payload part of the assembler's
 * memory budget. Empty chunks are kept for reuse, so a steady stream of
 * records does not go back to malloc (or fault in fresh pages) for every
 * chunk; their number is bounded by the peak of chunks in use. */
#ifndef CF_FLOW_PAYSTORE_H
#define CF_FLOW_PAYSTORE_H

#include <stddef.h>
#include <stdint.h>

#define CF_PAY_CHUNK ((size_t)64 << 10)

typedef struct cf_pay_chunk cf_pay_chunk;

typedef struct cf_paystore {
    cf_pay_chunk *cur; /* chunk being filled, or NULL */
    size_t cur_used;   /* bytes of cur taken, header included */
    cf_pay_chunk *spare;
    struct slab *slabs; /* where chunks come from, freed with the store */
    size_t bytes;       /* bytes of chunks and blocks in use (not spare) */
} cf_paystore;

void cf_paystore_init(cf_paystore *s);
/* Frees every chunk: only once no copy is referenced any more. */
void cf_paystore_free(cf_paystore *s);

/* A copy of len (> 0) bytes with one reference, or NULL (out of memory). */
const uint8_t *cf_paystore_add(cf_paystore *s, const void *p, uint32_t len);
/* One more reference to a copy. */
void cf_paystore_ref(const uint8_t *copy);
/* Drops one reference; the chunk is recycled with its last one. */
void cf_paystore_unref(cf_paystore *s, const uint8_t *copy);

#endif
