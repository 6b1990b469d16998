/* A columnar copy of custom-flow records, in plain C (no Python): what the
 * conversion thread fills from cf_record callbacks (or cf_reader_next) while
 * the interpreter runs, and what columns.c later hands to numpy. One array
 * per scalar column, one flat array per list column with per-row start
 * offsets, and strings interned so a column of 10^6 device labels becomes
 * eight Python strings. */
#ifndef CFPY_STORE_H
#define CFPY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "customflow.h"

/* No remote name (a run without --names). */
#define CFPY_NO_STRING UINT32_MAX

/* Distinct strings, each stored once; ids are dense from 0. */
typedef struct cfpy_strtab {
    char *arena; /* every string, NUL-terminated, back to back */
    size_t arena_used, arena_cap;
    uint64_t *start; /* [count] offset of string id in arena */
    uint32_t *len;   /* [count] */
    uint32_t count, cap;
    uint32_t *slots;  /* open addressing: id + 1, 0 empty */
    uint32_t n_slots; /* power of two */
} cfpy_strtab;

typedef struct cfpy_store {
    size_t rows, row_cap;
    int8_t *variant;                            /* CF_VARIANT_BI / CF_VARIANT_UNI */
    uint32_t *device, *remote_ip, *remote_name; /* string ids */
    int64_t *first_seen;                        /* µs since the epoch */
    uint8_t *protocol;
    uint16_t *device_port, *remote_port;
    int64_t *total_bytes, *total_packets;
    uint64_t *pkt_start; /* [rows + 1] first packet of each row in the flat arrays */
    uint64_t *ctx_start; /* [rows + 1] same for the context lists */

    size_t pkts, pkt_cap; /* flat per-packet arrays */
    int64_t *offset_us;
    int32_t *size;
    int8_t *direction;
    uint32_t *payload_len;
    uint64_t *payload_start; /* [pkts] offset in payload */

    uint8_t *payload; /* every listed packet's payload bytes */
    size_t payload_used, payload_cap;

    size_t ctxs, ctx_cap; /* flat context arrays (--context) */
    int64_t *ctx_rows;
    uint32_t *ctx_file; /* string ids */

    int has_names;                /* some row had a remote_name */
    int want_names, want_context; /* the run has --names / --context: columns even if empty */
    int variants;                 /* bit mask of the variants seen */
    uint32_t max_packets;         /* longest list seen */
    cfpy_strtab strings;
} cfpy_store;

void cfpy_store_init(cfpy_store *st);
/* Whether the remote_name and context columns exist for this store. */
static inline int cfpy_store_names(const cfpy_store *st)
{
    return st->has_names || st->want_names;
}
static inline int cfpy_store_context(const cfpy_store *st)
{
    return st->ctxs > 0 || st->want_context;
}
void cfpy_store_free(cfpy_store *st);
/* Copies one record; -1 when memory ran out (the store is unchanged). */
int cfpy_store_add(cfpy_store *st, const cf_record *r);
/* About how many bytes the store holds: the measure of a batch's size. */
size_t cfpy_store_bytes(const cfpy_store *st);

/* String id of text (len bytes), adding it; CFPY_NO_STRING on no memory. */
uint32_t cfpy_strtab_intern(cfpy_strtab *t, const char *text, size_t len);
static inline const char *cfpy_strtab_get(const cfpy_strtab *t, uint32_t id)
{
    return t->arena + t->start[id];
}

#endif
