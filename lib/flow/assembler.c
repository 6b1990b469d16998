/* The record assembler (SPEC §1, §2, fragments of §5).
 *
 * Per packet: fragment ports (fragments.h), the device decision for each
 * endpoint (a direct-mapped cache over cf_devices_lookup, labels interned
 * once), then for each variant one hash lookup per attributed record key.
 * Records, their packet arrays and payload buffers are recycled through a
 * free list, so the common path does not allocate.
 *
 * Order: each variant keeps its open records in a min-heap by (first_seen,
 * seq) and its closed records in another; a closed record is emitted when it
 * precedes every open record and no later packet can start an earlier record
 * (see hold_us in record.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow/fragments.h"
#include "flow/labels.h"
#include "flow/paystore.h"
#include "flow/recqueue.h"
#include "flow/record.h"
#include "names/namecache.h"
#include "names/packet_names.h"
#include "names/recname.h"
#include "util/hmap.h"
#include "util/slab.h"

typedef struct flow_key {
    const char *label; /* interned */
    uint8_t dev_ip[16], rem_ip[16];
    uint16_t dev_port, rem_port;
    uint8_t family, protocol;
    uint8_t pad[2];
} flow_key;

typedef struct rec {
    flow_key key;
    uint64_t hash;
    cf_heapnode node; /* time = first_seen */
    int64_t last_ts;  /* newest packet (the read-back check) */
    int anchored;     /* see check in cf_assembler_options */
    int64_t total_bytes, total_packets;
    uint32_t n;
    int64_t *offset_us;
    const uint8_t **pay; /* shared copies (paystore.h); empty ones: a->empty */
    int32_t *size;
    uint32_t *plen;
    int8_t *direction;
    uint32_t cap_packets; /* room in the per-packet arrays */
    char *big;            /* arrays for i packets, once past the inline ones */
    cf_recname rn;        /* --names: the remote's name (zeroed when off) */
} rec;

#define REC_OF(nodeptr) ((rec *)((char *)(nodeptr)-offsetof(rec, node)))

typedef struct variant {
    int id; /* CF_VARIANT_BI or CF_VARIANT_UNI */
    int on;
    cf_hmap table; /* open records by key */
    cf_recqueue open, closed;
    uint64_t seq;
    cf_variant_stats *st;
    int have_last;
    int64_t last_time;
    uint64_t last_seq;
} variant;

/* Endpoint decision cache: (MAC or none, IP) -> label or not a device. */
typedef struct ep_key {
    uint8_t ip[16];
    uint8_t mac[6];
    uint8_t has_mac, family;
} ep_key;

typedef struct ep_slot {
    ep_key key;
    const char *label; /* NULL: not a device */
    uint8_t valid;
} ep_slot;

#define EP_CACHE (1u << 14)

struct cf_assembler {
    cf_assembler_options o;
    const cf_devices *devices;
    const cf_localnets *local;
    cf_record_sink sink;
    void *ctx;
    cf_assembler_stats st;
    variant v[2]; /* [0] bidirectional, [1] unidirectional */
    cf_fragtab frags;
    cf_labels labels;
    ep_slot *cache;
    cf_slab recs;   /* records with arrays for the first REC_INLINE packets */
    cf_slab arrays; /* arrays for all i packets, of records that got more */
    cf_paystore pay;
    size_t max_memory; /* budget of held bytes, see shed() */
    uint8_t empty[1];  /* payload pointer of empty payloads */
    int have_ts;
    int64_t max_ts;
    int64_t hold;
    int have_live;
    int64_t live_wm; /* cf_assembler_advance: the wall clock minus the slack */
    int failed;
};

static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static int64_t sat_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return b > 0 ? INT64_MIN : INT64_MAX;
    return r;
}

/* The budget of held bytes: what was asked for (0: no bound of its own),
 * but never more than a quarter of the machine's memory. */
static size_t memory_budget(uint64_t asked)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t quarter = pages > 0 && page > 0 ? (uint64_t)pages / 4 * (uint64_t)page : 0;
    uint64_t b = asked;
    if (quarter && (!b || b > quarter))
        b = quarter;
    return b > SIZE_MAX ? SIZE_MAX : (size_t)b;
}

/* Records come from a slab, each with per-packet arrays for REC_INLINE
 * packets; a record that gets more packets takes arrays for i from a
 * second slab. A flood of short flows makes and drops hundreds of
 * thousands of records (malloc was a tenth of the run time, page faults on
 * fresh memory a third), most of them with one or two packets (arrays for
 * all i were 40 % of their memory). */
#define REC_INLINE 2

#define REC_BYTES ((sizeof(rec) + 7) & ~(size_t)7)

/* Bytes of per-packet arrays for n packets: int64 offsets, payload
 * pointers, int32 sizes, uint32 payload lengths, int8 directions
 * (decreasing alignment), rounded up to 8. */
static size_t arrays_bytes(size_t n)
{
    return (n * (8 + 8 + 4 + 4 + 1) + 7) & ~(size_t)7;
}

static void point_arrays(rec *r, char *blk, uint32_t n)
{
    r->offset_us = (int64_t *)(void *)blk;
    r->pay = (const uint8_t **)(void *)(blk + 8 * (size_t)n);
    r->size = (int32_t *)(void *)(blk + 16 * (size_t)n);
    r->plen = (uint32_t *)(void *)(blk + 20 * (size_t)n);
    r->direction = (int8_t *)(blk + 24 * (size_t)n);
    r->cap_packets = n;
}

static uint32_t inline_packets(const cf_assembler *a)
{
    return a->o.packets < REC_INLINE ? a->o.packets : REC_INLINE;
}

cf_assembler *cf_assembler_new(const cf_assembler_options *o, const cf_devices *devices,
                               const cf_localnets *local, cf_record_sink sink, void *ctx)
{
    if (!o || o->packets == 0 || !sink)
        return NULL;
    cf_assembler *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->o = *o;
    a->devices = devices;
    a->local = local;
    a->sink = sink;
    a->ctx = ctx;
    a->hold = o->hold_us == 0 ? o->lifetime_us : o->hold_us;
    cf_fragtab_init(&a->frags);
    cf_labels_init(&a->labels);
    a->cache = calloc(EP_CACHE, sizeof *a->cache);
    cf_paystore_init(&a->pay);
    cf_slab_init(&a->recs, REC_BYTES + arrays_bytes(inline_packets(a)));
    cf_slab_init(&a->arrays, arrays_bytes(o->packets));
    a->max_memory = memory_budget(o->max_memory_bytes);
    int ok = a->cache != NULL;
    for (int k = 0; k < 2; k++) {
        variant *v = &a->v[k];
        v->id = k == 0 ? CF_VARIANT_BI : CF_VARIANT_UNI;
        v->on = (o->variants & v->id) != 0;
        v->st = k == 0 ? &a->st.bi : &a->st.uni;
        cf_recqueue_init(&v->open);
        cf_recqueue_init(&v->closed);
        if (cf_hmap_init(&v->table, 512) != 0)
            ok = 0;
        if (v->on && !(v->st->payload_hist = calloc(CF_PAYLOAD_HIST_MAX + 1, sizeof(uint64_t))))
            ok = 0;
    }
    if (!ok) {
        cf_assembler_free(a);
        return NULL;
    }
    return a;
}

static void rec_put(cf_assembler *a, rec *r)
{
    cf_recname_free(&r->rn);
    if (r->big)
        cf_slab_put(&a->arrays, r->big);
    cf_slab_put(&a->recs, r);
}

/* Moves the record's packets so far into arrays for all i packets. */
static int rec_grow(cf_assembler *a, rec *r)
{
    uint32_t i = a->o.packets;
    char *blk = cf_slab_get(&a->arrays);
    if (!blk)
        return -1;
    rec old = *r;
    point_arrays(r, blk, i);
    memcpy(r->offset_us, old.offset_us, r->n * sizeof *r->offset_us);
    memcpy(r->pay, old.pay, r->n * sizeof *r->pay);
    memcpy(r->size, old.size, r->n * sizeof *r->size);
    memcpy(r->plen, old.plen, r->n * sizeof *r->plen);
    memcpy(r->direction, old.direction, r->n * sizeof *r->direction);
    r->big = blk;
    return 0;
}

/* Lets go of the record's payload copies and recycles it. */
static void rec_release(cf_assembler *a, rec *r)
{
    for (uint32_t k = 0; k < r->n; k++)
        if (r->plen[k])
            cf_paystore_unref(&a->pay, r->pay[k]);
    rec_put(a, r);
}

void cf_assembler_free(cf_assembler *a)
{
    if (!a)
        return;
    for (int k = 0; k < 2; k++) {
        variant *v = &a->v[k];
        cf_heapnode *x;
        while ((x = cf_recqueue_pop(&v->open)) != NULL)
            rec_release(a, REC_OF(x));
        while ((x = cf_recqueue_pop(&v->closed)) != NULL)
            rec_release(a, REC_OF(x));
        cf_recqueue_free(&v->open);
        cf_recqueue_free(&v->closed);
        cf_hmap_free(&v->table);
        free(v->st->payload_hist);
    }
    cf_paystore_free(&a->pay);
    cf_slab_free(&a->recs);
    cf_slab_free(&a->arrays);
    cf_fragtab_free(&a->frags);
    cf_labels_free(&a->labels);
    free(a->cache);
    free(a);
}

const cf_assembler_stats *cf_assembler_stats_get(const cf_assembler *a)
{
    return &a->st;
}

/* The label of an endpoint that is a device, else NULL. *oom set on
 * allocation failure. */
static const char *endpoint_label(cf_assembler *a, const uint8_t *mac, const cf_addr *ip, int *oom)
{
    ep_key k;
    memset(&k, 0, sizeof k);
    k.family = ip->family;
    memcpy(k.ip, ip->b, ip->family == 4 ? 4 : 16);
    if (mac) {
        k.has_mac = 1;
        memcpy(k.mac, mac, 6);
    }
    cf_addr norm;
    norm.family = k.family;
    memcpy(norm.b, k.ip, 16);
    /* A non-local address is only a device through an IP entry: most
     * remote endpoints are decided here without touching the cache. */
    if (!cf_is_local(a->local, &norm) && !cf_is_unspecified(&norm) &&
        !cf_devices_has_ip(a->devices))
        return NULL;
    uint64_t h = cf_hash_bytes(&k, sizeof k, 0x6570ull);
    ep_slot *s = &a->cache[h & (EP_CACHE - 1)];
    if (s->valid && memcmp(&s->key, &k, sizeof k) == 0)
        return s->label;
    const char *name, *label = NULL;
    if (cf_devices_lookup(a->devices, a->local, mac, &norm, &name)) {
        char tmp[64];
        if (!name)
            name = mac ? cf_mac_format(mac, tmp) : cf_addr_format(&norm, tmp);
        label = cf_labels_intern(&a->labels, name);
        if (!label) {
            *oom = 1;
            return NULL;
        }
    }
    s->key = k;
    s->label = label;
    s->valid = 1;
    return label;
}

static rec *rec_get(cf_assembler *a)
{
    rec *r = cf_slab_get(&a->recs);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    point_arrays(r, (char *)r + REC_BYTES, inline_packets(a));
    return r;
}

static int emit(cf_assembler *a, variant *v, rec *r)
{
    cf_flowrec out;
    memset(&out, 0, sizeof out);
    out.device = r->key.label;
    out.first_seen = r->node.time;
    out.device_ip.family = r->key.family;
    memcpy(out.device_ip.b, r->key.dev_ip, 16);
    out.remote_ip.family = r->key.family;
    memcpy(out.remote_ip.b, r->key.rem_ip, 16);
    out.protocol = r->key.protocol;
    out.device_port = r->key.dev_port;
    out.remote_port = r->key.rem_port;
    out.total_bytes = r->total_bytes;
    out.total_packets = r->total_packets;
    out.n = r->n;
    out.offset_us = r->offset_us;
    out.size = r->size;
    out.direction = r->direction;
    out.payload = (uint8_t **)r->pay;
    out.payload_len = r->plen;
    out.seq = r->node.seq;
    out.remote_name = a->o.names ? cf_recname_get(&r->rn) : NULL;
    if (v->have_last &&
        cf_heapnode_less(&r->node, &(cf_heapnode){.time = v->last_time, .seq = v->last_seq}))
        v->st->out_of_order++;
    v->have_last = 1;
    v->last_time = r->node.time;
    v->last_seq = r->node.seq;
    v->st->records++;
    int rc = a->sink(a->ctx, v->id, &out);
    rec_release(a, r);
    if (rc && !a->failed)
        a->failed = rc;
    return rc;
}

/* Moves an open record to the closed heap (out of memory: drops it). */
static int close_rec(cf_assembler *a, variant *v, rec *r)
{
    cf_hmap_del(&v->table, r->hash, (uintptr_t)r);
    cf_recqueue_remove(&v->open, &r->node);
    if (cf_recqueue_push(&v->closed, &r->node) != 0) {
        rec_release(a, r);
        return -1;
    }
    return 0;
}

/* Emits what can be emitted now (all of it when final): no packet will
 * come with a timestamp before the watermark wm. */
static int release_to(cf_assembler *a, variant *v, int64_t wm, int final)
{
    if (!final) {
        cf_heapnode *o;
        while ((o = cf_recqueue_top(&v->open)) != NULL &&
               sat_add(o->time, a->o.lifetime_us) <= wm) {
            if (close_rec(a, v, REC_OF(o)) != 0)
                return -1;
        }
    }
    cf_heapnode *c;
    while ((c = cf_recqueue_top(&v->closed)) != NULL) {
        if (!final) {
            /* Closed records wait for the watermark so that a later packet
             * with an older timestamp cannot open a record that sorts before
             * them; past max_flows waiting ones, memory wins and they go. */
            cf_heapnode *o = cf_recqueue_top(&v->open);
            int over = a->o.max_flows && v->closed.n > a->o.max_flows;
            if ((c->time > wm && !over) || (o && !cf_heapnode_less(c, o)))
                break;
        }
        cf_recqueue_pop(&v->closed);
        int rc = emit(a, v, REC_OF(c));
        if (rc)
            return rc;
    }
    return 0;
}

/* The packet clock's watermark: the newest timestamp minus G. */
static int release(cf_assembler *a, variant *v, int final)
{
    if (final)
        return release_to(a, v, 0, 1);
    if (a->hold < 0 || !a->have_ts)
        return 0;
    return release_to(a, v, sat_sub(a->max_ts, a->hold), 0);
}

static uint32_t packet_size(const cf_assembler *a, const cf_packet *p)
{
    switch (a->o.size_mode) {
    case CF_SIZE_IP:
        return p->ip_len;
    case CF_SIZE_TRANSPORT:
        return p->transport_len;
    case CF_SIZE_PAYLOAD:
        return p->payload_len;
    default:
        return p->wire_len;
    }
}

/* *shared: the packet's payload copy once a record took one (NULL before),
 * so that every record listing the packet refers to the same copy. */
static int add_packet(cf_assembler *a, rec *r, const cf_packet *p, int dir, uint32_t size,
                      const uint8_t **shared)
{
    r->total_bytes += size;
    r->total_packets++;
    if (r->n >= a->o.packets)
        return 0;
    uint32_t k = r->n;
    if (k == r->cap_packets && rec_grow(a, r) != 0)
        return -1;
    uint32_t len = p->payload ? p->payload_caplen : 0;
    if (len > a->o.payload_bytes)
        len = a->o.payload_bytes;
    if (!len) {
        r->pay[k] = a->empty;
    } else if (*shared) {
        cf_paystore_ref(*shared);
        r->pay[k] = *shared;
    } else {
        if (!(*shared = cf_paystore_add(&a->pay, p->payload, len)))
            return -1;
        r->pay[k] = *shared;
    }
    r->plen[k] = len;
    r->offset_us[k] = sat_sub(p->ts_us, r->node.time);
    r->size[k] = size > INT32_MAX ? INT32_MAX : (int32_t)size;
    r->direction[k] = (int8_t)dir;
    r->n++;
    if (a->o.names && cf_recname_packet(&r->rn, p->protocol, dir == 1, p->payload,
                                        p->payload_caplen, p->payload_len) != 0)
        return -1;
    return 0;
}

static int rec_has_key(const void *ctx, uintptr_t val, const void *key)
{
    (void)ctx;
    return memcmp(&((const rec *)val)->key, key, sizeof(flow_key)) == 0;
}

static int to_variant(cf_assembler *a, variant *v, const flow_key *key, uint64_t h,
                      const cf_packet *p, int dir, uint32_t size, const uint8_t **shared)
{
    rec *r = (rec *)cf_hmap_get(&v->table, h, key, rec_has_key, NULL);
    /* Anchoring (read-back check): a key without an open record either
     * was not seen since anchor_from_us or its last record was closed by
     * the watermark (its last packet more than L before this one). */
    int anchored = p->ts_us >= sat_add(a->o.anchor_from_us, a->o.lifetime_us);
    if (r && p->ts_us >= sat_add(r->node.time, a->o.lifetime_us)) {
        anchored = r->anchored || p->ts_us >= sat_add(r->last_ts, a->o.lifetime_us);
        if (close_rec(a, v, r) != 0)
            return -1;
        r = NULL;
    }
    if (!r) {
        r = rec_get(a);
        if (!r)
            return -1;
        r->key = *key;
        r->hash = h;
        r->node.time = p->ts_us;
        r->node.seq = v->seq++;
        r->anchored = anchored;
        r->total_bytes = r->total_packets = 0;
        r->n = 0;
        if (a->o.names) {
            /* the most recent answer seen so far: this device's, else any host's */
            cf_addr rem = {.family = key->family};
            memcpy(rem.b, key->rem_ip, 16);
            if (cf_recname_init(&r->rn,
                                cf_namecache_get(a->o.names, key->label, &rem, NULL, NULL)) != 0) {
                rec_put(a, r);
                return -1;
            }
        }
        if (cf_hmap_put(&v->table, h, (uintptr_t)r) != 0) {
            rec_put(a, r);
            return -1;
        }
        if (cf_recqueue_push(&v->open, &r->node) != 0) {
            cf_hmap_del(&v->table, h, (uintptr_t)r);
            rec_put(a, r);
            return -1;
        }
        if (v->open.n > v->st->max_open)
            v->st->max_open = v->open.n;
    }
    if (add_packet(a, r, p, dir, size, shared) != 0)
        return -1;
    r->last_ts = p->ts_us;
    if (a->o.check && !r->anchored && p->ts_us >= a->o.check_from_us && p->ts_us < a->o.check_to_us)
        a->st.unanchored++;
    v->st->payload_hist[p->payload_len < CF_PAYLOAD_HIST_MAX ? p->payload_len
                                                             : CF_PAYLOAD_HIST_MAX]++;
    while (a->o.max_flows && v->open.n > a->o.max_flows) {
        if (close_rec(a, v, REC_OF(cf_recqueue_top(&v->open))) != 0)
            return -1;
        v->st->early_closed++;
    }
    return 0;
}

static void make_key(flow_key *k, const char *label, const cf_addr *dev, const cf_addr *rem,
                     uint8_t protocol, uint16_t dev_port, uint16_t rem_port)
{
    memset(k, 0, sizeof *k);
    k->label = label;
    size_t n = dev->family == 4 ? 4 : 16;
    memcpy(k->dev_ip, dev->b, n);
    memcpy(k->rem_ip, rem->b, n);
    k->family = dev->family;
    k->protocol = protocol;
    k->dev_port = dev_port;
    k->rem_port = rem_port;
}

/* --names: a DNS response's addresses go to the cache under the device
 * it is addressed to (NULL when none: any host's answers only). */
typedef struct dns_feed {
    cf_assembler *a;
    const char *device;
    int64_t ts_us;
    int oom;
} dns_feed;

static void on_dns_answer(void *ctx, const char *name, const cf_addr *addr, uint32_t ttl)
{
    dns_feed *f = ctx;
    (void)ttl;
    if (cf_namecache_put(f->a->o.names, f->device, addr, name, f->ts_us) != 0)
        f->oom = 1;
}

/* Bytes held by open and waiting records: the records themselves, their
 * arrays for i packets, the payload chunks they refer into, and the flow
 * tables that find them. */
static size_t held_bytes(const cf_assembler *a)
{
    return a->recs.held * (REC_BYTES + arrays_bytes(inline_packets(a))) +
           a->arrays.held * arrays_bytes(a->o.packets) + a->pay.bytes +
           (a->v[0].table.cap + a->v[1].table.cap) * sizeof(cf_hmap_slot);
}

/* Over the memory budget: lets go of the oldest records, across both
 * variants, until the held bytes fit: a waiting record that precedes every
 * open one of its variant is emitted at once, else the oldest open record
 * is closed early (counted in early_closed) and emitted. Records still
 * leave each variant in first_seen order. */
static int shed(cf_assembler *a)
{
    while (held_bytes(a) > a->max_memory) {
        variant *best = NULL;
        cf_heapnode *oldest = NULL;
        int closed = 0;
        for (int k = 0; k < 2; k++) {
            variant *v = &a->v[k];
            if (!v->on)
                continue;
            cf_heapnode *c = cf_recqueue_top(&v->closed), *o = cf_recqueue_top(&v->open);
            int take_closed = c && (!o || cf_heapnode_less(c, o));
            cf_heapnode *n = take_closed ? c : o;
            if (n && (!oldest || cf_heapnode_less(n, oldest))) {
                best = v;
                oldest = n;
                closed = take_closed;
            }
        }
        if (!best)
            return 0;
        if (!closed) {
            if (close_rec(a, best, REC_OF(oldest)) != 0)
                return -1;
            best->st->early_closed++;
        }
        cf_recqueue_pop(&best->closed);
        int rc = emit(a, best, REC_OF(oldest));
        if (rc)
            return rc;
    }
    return 0;
}

int cf_assembler_add(cf_assembler *a, const cf_packet *p)
{
    if (a->failed)
        return a->failed;
    a->st.packets_in++;
    /* The newest timestamp drives early emission. A packet more than G
     * older than it means the clock was reset (or the newest one was a
     * glitch): start over from this packet's time, so that one bogus
     * future timestamp does not cut every later record into pieces. */
    if (!a->have_ts || p->ts_us > a->max_ts ||
        (a->hold >= 0 && p->ts_us < sat_sub(a->max_ts, a->hold))) {
        a->max_ts = p->ts_us;
        a->have_ts = 1;
    }
    uint16_t sport = p->src_port, dport = p->dst_port;
    if (p->is_fragment) {
        if (p->frag_offset == 0) {
            if (cf_fragtab_put(&a->frags, p) != 0)
                return a->failed = -1;
        } else if (!cf_fragtab_get(&a->frags, p, &sport, &dport)) {
            sport = dport = 0;
            /* Its first fragment may precede the stream. */
            if (a->o.check && a->o.anchor_from_us != INT64_MIN)
                a->st.unanchored++;
        }
    }
    int oom = 0;
    const char *ls = endpoint_label(a, p->has_mac ? p->src_mac : NULL, &p->src, &oom);
    const char *ld = endpoint_label(a, p->has_mac ? p->dst_mac : NULL, &p->dst, &oom);
    if (oom)
        return a->failed = -1;
    if (a->o.names) {
        dns_feed f = {a, ld, p->ts_us, 0};
        cf_packet_dns(p, on_dns_answer, &f);
        if (f.oom)
            return a->failed = -1;
    }

    flow_key keys[2];
    uint64_t hashes[2];
    int dirs[2], nk = 0;
    if (ls) {
        make_key(&keys[nk], ls, &p->src, &p->dst, p->protocol, sport, dport);
        hashes[nk] = cf_hash_bytes(&keys[nk], sizeof keys[nk], 0);
        dirs[nk++] = 1;
    }
    if (ld) {
        make_key(&keys[nk], ld, &p->dst, &p->src, p->protocol, dport, sport);
        hashes[nk] = cf_hash_bytes(&keys[nk], sizeof keys[nk], 0);
        dirs[nk] = 0;
        /* Same endpoint on both sides (loopback): one record, direction 1. */
        if (!(nk == 1 && hashes[0] == hashes[1] && memcmp(&keys[0], &keys[1], sizeof keys[0]) == 0))
            nk++;
    }
    if (nk == 0) {
        a->st.packets_no_device++;
    } else {
        uint32_t size = packet_size(a, p);
        const uint8_t *shared = NULL;
        int attributed = 0;
        for (int k = 0; k < 2; k++) {
            variant *v = &a->v[k];
            if (!v->on)
                continue;
            for (int m = 0; m < nk; m++) {
                if (v->id == CF_VARIANT_UNI && dirs[m] != 1)
                    continue;
                if (to_variant(a, v, &keys[m], hashes[m], p, dirs[m], size, &shared) != 0)
                    return a->failed = -1;
                attributed = 1;
            }
        }
        if (attributed)
            a->st.packets_attributed++;
        if (a->max_memory && held_bytes(a) > a->max_memory) {
            int rc = shed(a);
            if (rc)
                return a->failed ? a->failed : (a->failed = rc < 0 ? -1 : rc);
        }
    }
    for (int k = 0; k < 2; k++) {
        if (!a->v[k].on)
            continue;
        int rc = release(a, &a->v[k], 0);
        if (rc)
            return a->failed ? a->failed : (a->failed = rc);
    }
    return 0;
}

int64_t cf_assembler_horizon(const cf_assembler *a)
{
    int64_t h = INT64_MIN;
    if (a->have_ts && a->hold >= 0)
        h = sat_sub(a->max_ts, a->hold);
    if (a->have_live && a->live_wm > h)
        h = a->live_wm; /* live: no packet comes from before it */
    if (h == INT64_MIN)
        return INT64_MIN;
    for (int k = 0; k < 2; k++) {
        const variant *v = &a->v[k];
        if (!v->on)
            continue;
        const cf_heapnode *o = cf_recqueue_top(&v->open);
        const cf_heapnode *c = cf_recqueue_top(&v->closed);
        if (o && o->time < h)
            h = o->time;
        if (c && c->time < h)
            h = c->time;
    }
    return h;
}

int cf_assembler_finish(cf_assembler *a)
{
    if (a->failed)
        return a->failed;
    for (int k = 0; k < 2; k++) {
        variant *v = &a->v[k];
        if (!v->on)
            continue;
        cf_heapnode *o;
        while ((o = cf_recqueue_top(&v->open)) != NULL) {
            if (close_rec(a, v, REC_OF(o)) != 0)
                return a->failed = -1;
        }
        int rc = release(a, v, 1);
        if (rc)
            return a->failed ? a->failed : (a->failed = rc);
    }
    return 0;
}

int cf_assembler_advance(cf_assembler *a, int64_t now_us)
{
    if (a->failed)
        return a->failed;
    int64_t wm = sat_sub(now_us, CF_ASSEMBLER_LIVE_SLACK_US);
    if (!a->have_live || wm > a->live_wm)
        a->live_wm = wm;
    a->have_live = 1;
    for (int k = 0; k < 2; k++) {
        if (!a->v[k].on)
            continue;
        int rc = release_to(a, &a->v[k], wm, 0);
        if (rc)
            return a->failed ? a->failed : (a->failed = rc);
    }
    return 0;
}
