/* History columns of the wide layout (see wide_context.h). Devices are
 * numbered by variant and label (flow/devindex.h; labels hashed once per
 * record); each device has a ring of its last K rows. */
#include "engine/wide_context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/devindex.h"

#define KEY_COLS 7
#define NAME_LEN 48

typedef struct hist_row {
    int64_t first_seen, total_bytes, total_packets;
    int32_t proto, dev_port, rem_port;
    char ip[64];
    int64_t *to;    /* [i] */
    int32_t *cells; /* [2i + B] */
} hist_row;

typedef struct device_hist {
    hist_row *ring; /* [K] */
    uint32_t n, next;
} device_hist;

struct cf_widectx {
    uint32_t k, i, b;
    char *names;
    pq_column_spec *specs; /* the history columns, names in names */
    cf_devindex index;     /* (variant, label) -> position in devs */
    device_hist *devs;
    size_t cap;
    int64_t *absent64; /* [i] of -1 */
    int32_t *absent32; /* [2i + B] of -1 */
};

size_t cf_widectx_columns(uint32_t k, uint32_t i, uint32_t b)
{
    return (size_t)k * (KEY_COLS + 3 * (size_t)i + b);
}

cf_widectx *cf_widectx_new(uint32_t k, uint32_t i, uint32_t b, const pq_column_spec *own)
{
    static const char *const key_names[KEY_COLS] = {
        "FirstSeen", "RemIP", "Proto", "DevPort", "RemPort", "TotalFlowSize", "PacketCount"};
    static const pq_physical key_types[KEY_COLS] = {PQ_INT64, PQ_BYTE_ARRAY, PQ_INT32, PQ_INT32,
                                                    PQ_INT32, PQ_INT64,      PQ_INT64};
    const size_t n = cf_widectx_columns(k, i, b), per = n / k;
    cf_widectx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->k = k, c->i = i, c->b = b;
    c->names = calloc(n, NAME_LEN);
    c->specs = calloc(n, sizeof *c->specs);
    pq_column_spec *specs = c->specs;
    c->absent64 = malloc(((size_t)i + 1) * sizeof *c->absent64);
    c->absent32 = malloc((2 * (size_t)i + b + 1) * sizeof *c->absent32);
    if (!c->names || !c->specs || !c->absent64 || !c->absent32) {
        cf_widectx_free(c);
        return NULL;
    }
    for (size_t m = 0; m <= i; m++)
        c->absent64[m] = -1;
    for (size_t m = 0; m <= 2 * (size_t)i + b; m++)
        c->absent32[m] = -1;
    for (uint32_t h = 0; h < k; h++) {
        for (size_t m = 0; m < per; m++) {
            pq_column_spec *s = &specs[h * per + m];
            char *name = c->names + (h * per + m) * NAME_LEN;
            memset(s, 0, sizeof *s);
            if (m < KEY_COLS) {
                s->type = key_types[m];
                if (s->type == PQ_BYTE_ARRAY)
                    s->logical = PQ_LOGICAL_STRING;
                snprintf(name, NAME_LEN, "H%u_%s", h + 1, key_names[m]);
            } else {
                *s = own[m - KEY_COLS];
                snprintf(name, NAME_LEN, "H%u_%s", h + 1, own[m - KEY_COLS].name);
            }
            s->name = name;
            s->repetition = PQ_REQUIRED;
            s->encoding = PQ_ENC_PLAIN;
        }
    }
    return c;
}

void cf_widectx_specs(const cf_widectx *c, pq_column_spec *specs)
{
    memcpy(specs, c->specs, cf_widectx_columns(c->k, c->i, c->b) * sizeof *specs);
}

/* A device's ring, rows possibly missing (the ring is calloc'd, so rows
 * not allocated yet are NULL). */
static void free_ring(hist_row *ring, uint32_t k)
{
    if (ring)
        for (uint32_t m = 0; m < k; m++) {
            free(ring[m].to);
            free(ring[m].cells);
        }
    free(ring);
}

void cf_widectx_free(cf_widectx *c)
{
    if (!c)
        return;
    for (size_t d = 0; d < c->index.used; d++)
        free_ring(c->devs[d].ring, c->k);
    free(c->devs);
    cf_devindex_free(&c->index);
    free(c->names);
    free(c->specs);
    free(c->absent64);
    free(c->absent32);
    free(c);
}

/* The device's history in this variant, created empty on its first
 * record. */
static device_hist *device_of(cf_widectx *c, int variant, const char *label)
{
    uint64_t h;
    int64_t at = cf_devindex_find(&c->index, variant, label, &h);
    if (at >= 0)
        return &c->devs[at];
    if (c->index.used == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 32;
        device_hist *grown = realloc(c->devs, ncap * sizeof *grown);
        if (!grown)
            return NULL;
        c->devs = grown;
        c->cap = ncap;
    }
    hist_row *ring = calloc(c->k, sizeof *ring);
    int ok = ring != NULL;
    for (uint32_t m = 0; m < c->k && ok; m++) {
        ring[m].to = malloc(((size_t)c->i + 1) * sizeof *ring[m].to);
        ring[m].cells = malloc((2 * (size_t)c->i + c->b + 1) * sizeof *ring[m].cells);
        ok = ring[m].to && ring[m].cells;
    }
    if (!ok || (at = cf_devindex_add(&c->index, variant, label, h)) < 0) {
        free_ring(ring, c->k);
        return NULL;
    }
    c->devs[at] = (device_hist){.ring = ring};
    return &c->devs[at];
}

int cf_widectx_write(cf_widectx *c, pq_writer *w, size_t first_col, const cf_record *r,
                     const char *ip, const int64_t *to, const int32_t *cells)
{
    device_hist *d = device_of(c, r->variant, r->device);
    if (!d)
        return -1;
    const size_t ncells = 2 * (size_t)c->i + c->b;
    size_t col = first_col;
    int bad = 0;
    for (uint32_t h = 1; h <= c->k; h++) {
        const hist_row *p = h <= d->n ? &d->ring[(d->next + c->k - h) % c->k] : NULL;
        bad |= pq_put_int64(w, col++, p ? p->first_seen : -1);
        bad |= pq_put_bytes(w, col++, p ? p->ip : "", p ? (uint32_t)strlen(p->ip) : 0);
        bad |= pq_put_int32(w, col++, p ? p->proto : -1);
        bad |= pq_put_int32(w, col++, p ? p->dev_port : -1);
        bad |= pq_put_int32(w, col++, p ? p->rem_port : -1);
        bad |= pq_put_int64(w, col++, p ? p->total_bytes : -1);
        bad |= pq_put_int64(w, col++, p ? p->total_packets : -1);
        bad |= pq_put_int64_run(w, col, p ? p->to : c->absent64, c->i);
        col += c->i;
        bad |= pq_put_int32_run(w, col, p ? p->cells : c->absent32, ncells);
        col += ncells;
    }
    hist_row *mine = &d->ring[d->next];
    mine->first_seen = r->first_seen;
    mine->total_bytes = r->total_bytes;
    mine->total_packets = r->total_packets;
    mine->proto = r->protocol;
    mine->dev_port = r->device_port;
    mine->rem_port = r->remote_port;
    snprintf(mine->ip, sizeof mine->ip, "%s", ip);
    memcpy(mine->to, to, c->i * sizeof *to);
    memcpy(mine->cells, cells, ncells * sizeof *cells);
    d->next = (d->next + 1) % c->k;
    if (d->n < c->k)
        d->n++;
    return bad ? -1 : 0;
}
