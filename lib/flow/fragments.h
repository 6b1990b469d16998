/* First-fragment memory (SPEC §5), private to lib/flow.
 *
 * Remembers the ports of first fragments keyed by (source, destination,
 * protocol, identification) so that later fragments of the same datagram
 * can be put in its record. Bounded: the most recent CF_FRAG_CAP first
 * fragments are kept (a ring in arrival order; a repeated key counts as a
 * new arrival and replaces the old ports). There is no time limit, so the
 * result equals an unbounded table unless more than CF_FRAG_CAP other first
 * fragments arrive between a first fragment and its followers. Memory is
 * only allocated when the first fragment arrives. */
#ifndef CF_FLOW_FRAGMENTS_H
#define CF_FLOW_FRAGMENTS_H

#include <stdint.h>
#include "decode/packet.h"
#include "util/hmap.h"

#define CF_FRAG_CAP 65536u

typedef struct cf_frag_key {
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t family, protocol;
    uint8_t pad[2]; /* zeroed */
} cf_frag_key;

typedef struct cf_frag_entry {
    cf_frag_key key;
    uint64_t hash;
    uint16_t src_port, dst_port;
    uint8_t live;
} cf_frag_entry;

typedef struct cf_fragtab {
    cf_frag_entry *ring; /* CF_FRAG_CAP entries, NULL until first use */
    cf_hmap live;        /* values: the live ring entries, by key */
    uint32_t head, count;
} cf_fragtab;

void cf_fragtab_init(cf_fragtab *t);
void cf_fragtab_free(cf_fragtab *t);
/* Remembers a first fragment's ports. 0, or -1 out of memory. */
int cf_fragtab_put(cf_fragtab *t, const cf_packet *p);
/* A non-first fragment: 1 and its first fragment's ports, or 0. */
int cf_fragtab_get(const cf_fragtab *t, const cf_packet *p, uint16_t *src_port, uint16_t *dst_port);

#endif
