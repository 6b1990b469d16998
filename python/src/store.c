/* The columnar record copy (store.h). Arrays grow by doubling; a failed
 * allocation leaves the store as it was, so the caller can report "out of
 * memory" and stop the run. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

void cfpy_store_init(cfpy_store *st)
{
    memset(st, 0, sizeof *st);
}

void cfpy_store_free(cfpy_store *st)
{
    void *arrays[] = {st->variant,       st->device,        st->remote_ip,   st->remote_name,
                      st->first_seen,    st->protocol,      st->device_port, st->remote_port,
                      st->total_bytes,   st->total_packets, st->pkt_start,   st->ctx_start,
                      st->offset_us,     st->size,          st->direction,   st->payload_len,
                      st->payload_start, st->payload,       st->ctx_rows,    st->ctx_file,
                      st->strings.arena, st->strings.start, st->strings.len, st->strings.slots};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        free(arrays[k]);
    cfpy_store_init(st);
}

/* Grows *p (elem bytes each) to hold at least need elements; 0 or -1. */
static int grow(void **p, size_t elem, size_t need, size_t cap)
{
    void *q = realloc(*p, elem * (need > cap ? need : cap));
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static size_t next_cap(size_t cap, size_t need)
{
    size_t c = cap ? cap : 64;
    while (c < need)
        c *= 2;
    return c;
}

/* ---- strings ---- */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t k = 0; k < n; k++)
        h = (h ^ (uint8_t)s[k]) * 1099511628211ULL;
    return h;
}

static int rehash(cfpy_strtab *t, uint32_t n_slots)
{
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t id = 0; id < t->count; id++) {
        uint64_t h = hash_bytes(cfpy_strtab_get(t, id), t->len[id]);
        uint32_t k = (uint32_t)h & (n_slots - 1);
        while (slots[k])
            k = (k + 1) & (n_slots - 1);
        slots[k] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return 0;
}

uint32_t cfpy_strtab_intern(cfpy_strtab *t, const char *text, size_t len)
{
    if (len >= UINT32_MAX || t->count >= UINT32_MAX - 1)
        return CFPY_NO_STRING;
    if ((uint64_t)(t->count + 1) * 2 > t->n_slots &&
        rehash(t, t->n_slots ? t->n_slots * 2 : 64) != 0)
        return CFPY_NO_STRING;
    uint32_t k = (uint32_t)hash_bytes(text, len) & (t->n_slots - 1);
    for (; t->slots[k]; k = (k + 1) & (t->n_slots - 1)) {
        uint32_t id = t->slots[k] - 1;
        if (t->len[id] == len && memcmp(cfpy_strtab_get(t, id), text, len) == 0)
            return id;
    }
    if (t->count == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 64;
        if (grow((void **)&t->start, sizeof *t->start, cap, 0) != 0 ||
            grow((void **)&t->len, sizeof *t->len, cap, 0) != 0)
            return CFPY_NO_STRING;
        t->cap = cap;
    }
    if (t->arena_used + len + 1 > t->arena_cap) {
        size_t cap = next_cap(t->arena_cap, t->arena_used + len + 1);
        if (grow((void **)&t->arena, 1, cap, 0) != 0)
            return CFPY_NO_STRING;
        t->arena_cap = cap;
    }
    uint32_t id = t->count++;
    t->start[id] = t->arena_used;
    t->len[id] = (uint32_t)len;
    memcpy(t->arena + t->arena_used, text, len);
    t->arena[t->arena_used + len] = '\0';
    t->arena_used += len + 1;
    t->slots[k] = id + 1;
    return id;
}

static uint32_t intern_cstr(cfpy_strtab *t, const char *s)
{
    return cfpy_strtab_intern(t, s ? s : "", s ? strlen(s) : 0);
}

/* ---- rows ---- */

/* In the reserve_* functions: grows the array st->FIELD to cap elements. */
#define GROW(field) grow((void **)&st->field, sizeof *st->field, cap, 0)

static int reserve_rows(cfpy_store *st, size_t need)
{
    if (need + 1 <= st->row_cap)
        return 0;
    size_t cap = next_cap(st->row_cap, need + 1);
    if (GROW(variant) || GROW(device) || GROW(remote_ip) || GROW(remote_name) || GROW(first_seen) ||
        GROW(protocol) || GROW(device_port) || GROW(remote_port) || GROW(total_bytes) ||
        GROW(total_packets) || GROW(pkt_start) || GROW(ctx_start))
        return -1;
    if (st->row_cap == 0)
        st->pkt_start[0] = st->ctx_start[0] = 0;
    st->row_cap = cap;
    return 0;
}

static int reserve_packets(cfpy_store *st, size_t need)
{
    if (need <= st->pkt_cap)
        return 0;
    size_t cap = next_cap(st->pkt_cap, need);
    if (GROW(offset_us) || GROW(size) || GROW(direction) || GROW(payload_len) ||
        GROW(payload_start))
        return -1;
    st->pkt_cap = cap;
    return 0;
}

static int reserve_context(cfpy_store *st, size_t need)
{
    if (need <= st->ctx_cap)
        return 0;
    size_t cap = next_cap(st->ctx_cap, need);
    if (GROW(ctx_rows) || GROW(ctx_file))
        return -1;
    st->ctx_cap = cap;
    return 0;
}

static int reserve_payload(cfpy_store *st, size_t need)
{
    if (need <= st->payload_cap)
        return 0;
    size_t cap = next_cap(st->payload_cap, need);
    if (GROW(payload))
        return -1;
    st->payload_cap = cap;
    return 0;
}

#undef GROW

int cfpy_store_add(cfpy_store *st, const cf_record *r)
{
    size_t bytes = 0;
    for (uint32_t k = 0; k < r->n; k++)
        bytes += r->payload_len[k];
    if (reserve_rows(st, st->rows + 1) || reserve_packets(st, st->pkts + r->n) ||
        reserve_context(st, st->ctxs + r->n_context) ||
        reserve_payload(st, st->payload_used + bytes))
        return -1;
    /* Strings first: the only step left that can fail. */
    uint32_t device = intern_cstr(&st->strings, r->device);
    uint32_t remote_ip = intern_cstr(&st->strings, r->remote_ip);
    uint32_t remote_name = r->remote_name ? intern_cstr(&st->strings, r->remote_name) : 0;
    if (device == CFPY_NO_STRING || remote_ip == CFPY_NO_STRING || remote_name == CFPY_NO_STRING)
        return -1;
    for (uint32_t k = 0; k < r->n_context; k++) {
        uint32_t f = intern_cstr(&st->strings, r->context_files ? r->context_files[k] : "");
        if (f == CFPY_NO_STRING)
            return -1;
        st->ctx_file[st->ctxs + k] = f;
        st->ctx_rows[st->ctxs + k] = r->context_rows[k];
    }
    size_t i = st->rows;
    st->variant[i] = (int8_t)r->variant;
    st->device[i] = device;
    st->remote_ip[i] = remote_ip;
    st->remote_name[i] = r->remote_name ? remote_name : CFPY_NO_STRING;
    st->first_seen[i] = r->first_seen;
    st->protocol[i] = r->protocol;
    st->device_port[i] = r->device_port;
    st->remote_port[i] = r->remote_port;
    st->total_bytes[i] = r->total_bytes;
    st->total_packets[i] = r->total_packets;
    for (uint32_t k = 0; k < r->n; k++) {
        size_t p = st->pkts + k;
        st->offset_us[p] = r->offset_us[k];
        st->size[p] = r->size[k];
        st->direction[p] = r->direction[k];
        st->payload_len[p] = r->payload_len[k];
        st->payload_start[p] = st->payload_used;
        if (r->payload_len[k])
            memcpy(st->payload + st->payload_used, r->payload[k], r->payload_len[k]);
        st->payload_used += r->payload_len[k];
    }
    st->pkts += r->n;
    st->ctxs += r->n_context;
    st->rows = i + 1;
    st->pkt_start[i + 1] = st->pkts;
    st->ctx_start[i + 1] = st->ctxs;
    st->has_names |= r->remote_name != NULL;
    st->variants |= r->variant;
    if (r->n > st->max_packets)
        st->max_packets = r->n;
    return 0;
}

size_t cfpy_store_bytes(const cfpy_store *st)
{
    return st->payload_used + st->pkts * 32 + st->rows * 64;
}
