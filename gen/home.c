/* A deterministic synthetic IoT home: a gateway and N devices on
 * 192.168.1.0/24 doing DHCP, ARP, DNS, NTP, TLS to clouds, keep-alive
 * sessions, mDNS/SSDP multicast, device-to-device traffic, camera streams
 * and (optionally) a scan-like flood. Every concurrent activity is a session
 * in a time-ordered heap; each step of a session emits at most one frame, so
 * frames come out in timestamp order. All randomness comes from one seeded
 * splitmix64 generator. */
#include "gen/synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000ll
#define NS_PER_MS 1000000ll
#define NS_PER_US 1000ll
#define MSS 1448u
#define MAX_DEVICES 150
#define POOL_BYTES 65536u

/* ---- PRNG --------------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t rrange(uint64_t *s, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)(rnd(s) % (uint64_t)(hi - lo + 1));
}

/* Uniform double in (0, 1]. */
static double runit(uint64_t *s)
{
    return ((double)(rnd(s) >> 11) + 1.0) / 9007199254740992.0;
}

/* Exponential with the given mean, in ns, at least 1 us. */
static int64_t rexp_ns(uint64_t *s, double mean_s)
{
    double v = -log(runit(s)) * mean_s * 1e9;
    if (v > 1e15)
        v = 1e15;
    return v < 1000 ? 1000 : (int64_t)v;
}

/* ---- The home ----------------------------------------------------------- */

enum { K_CAMERA, K_PLUG, K_HUB, K_SPEAKER, K_SENSOR, K_BABY, K_BULB, K_TV, K_COUNT };

static const char *const kind_name[K_COUNT] = {
    "Smart Camera",  "Smart Plug",   "Smart Hub",  "Smart Speaker",
    "Motion Sensor", "Baby Monitor", "Light Bulb", "Smart TV",
};
static const uint8_t kind_oui[K_COUNT][3] = {
    {0x00, 0x62, 0x6e}, {0x50, 0xc7, 0xbf}, {0xd0, 0x52, 0xa8}, {0x44, 0x65, 0x0d},
    {0xec, 0x1a, 0x59}, {0x00, 0x24, 0xe4}, {0xd0, 0x73, 0xd5}, {0xf4, 0xf5, 0xd8},
};
static const int kind_wireless[K_COUNT] = {1, 1, 0, 1, 1, 1, 1, 1};
/* Mean seconds between cloud sessions. */
static const double kind_cloud_period[K_COUNT] = {60, 120, 45, 30, 300, 60, 180, 20};
static const char *const kind_domain[K_COUNT] = {
    "events.camcloud-iot.net",  "api.plugcloud-iot.com",   "hub.smarthome-api.com",
    "avs.speaker-voice.com",    "telemetry.sensorlink.io", "relay.babycam-live.com",
    "lights.bulbcloud-api.com", "tv.streamplatform.com",
};
static const char *const kind_cloud_ip[K_COUNT][2] = {
    {"52.41.17.203", "54.186.90.12"},   {"3.121.44.9", "18.194.203.77"},
    {"34.102.136.180", "35.190.72.16"}, {"52.94.233.129", "54.239.22.185"},
    {"13.57.190.44", "52.8.121.5"},     {"104.18.25.61", "104.18.24.61"},
    {"34.228.18.1", "3.93.204.70"},     {"142.250.74.110", "172.217.16.142"},
};
static const char *const ntp_servers[4] = {"216.239.35.0", "162.159.200.1", "129.6.15.28",
                                           "17.253.34.125"};

typedef struct ep {
    uint8_t mac[6];
    uint8_t fam;
    uint8_t ip[16];
} ep;

typedef struct device {
    char name[48];
    int kind;
    ep e;          /* IPv4 endpoint */
    ep e6;         /* link-local IPv6 endpoint */
    uint16_t port; /* next ephemeral port */
    uint8_t cloud[2][4];
} device;

enum {
    S_TIMER,     /* a device's periodic task: spawns sessions */
    S_DHCP,      /* discover, offer, request, ack */
    S_ARP,       /* request, reply */
    S_DNS,       /* query, response, then maybe a TLS session */
    S_NTP,       /* request, response */
    S_MDNS,      /* one multicast announcement or query (IPv4 or IPv6) */
    S_SSDP,      /* M-SEARCH x2 or NOTIFY */
    S_LANUDP,    /* hub <-> bulb JSON over UDP */
    S_RTP,       /* baby monitor UDP stream */
    S_TCP,       /* a scripted TCP session */
    S_FLOOD,     /* scan: SYNs to many remote hosts */
    S_FLOODRESP, /* one reply to a scan SYN */
};

/* Timer tasks */
enum { T_CLOUD, T_NTP, T_ARP, T_MDNS, T_MDNS6, T_SSDP, T_LANHTTP, T_LANUDP, T_STREAM, T_NTASKS };

/* TCP scripts */
enum { TS_TLS, TS_KEEPALIVE, TS_STREAM, TS_HTTP };
/* TCP message payload kinds */
enum { PK_APP, PK_CH, PK_SH, PK_CFIN, PK_HTTPREQ, PK_HTTPRESP };
/* TCP phases */
enum { P_SYN, P_SYNACK, P_ACK, P_DATA, P_DACK, P_GAP, P_FIN1, P_FIN2, P_FIN3 };

typedef struct sess {
    int64_t t;
    uint64_t order;
    int type;
    int step;
    int dev;
    int task;
    ep a, b; /* a: the device side (initiator), b: the peer */
    uint16_t aport, bport;
    int64_t rtt;
    int64_t end_t;
    uint32_t id;
    /* TCP */
    int script, phase;
    uint32_t aseq, bseq;
    int msg_dir; /* 0: a sends, 1: b sends */
    int msg_kind;
    uint32_t msg_left;
    int msg_first;
    int unacked;
    int msgs_left;
    int64_t seg_gap;
    /* helpers */
    int count;
    int peer; /* peer device index for LAN sessions, or -1 */
} sess;

typedef struct gen {
    syn_writer *w;
    const syn_home_options *o;
    uint64_t rng;
    int ndev;
    device dev[MAX_DEVICES];
    ep gw;
    ep bcast4;
    int64_t t0, t_end;
    int stop;
    int failed;
    sess *pool;
    int pool_cap, pool_used;
    int *free_list;
    int nfree;
    int *heap;
    int heap_len, heap_cap;
    uint64_t order;
    uint8_t rpool[POOL_BYTES];
    uint8_t scratch[4096];
    syn_buf b;
} gen;

/* ---- session pool and heap ------------------------------------------------ */

static int less(const gen *g, int x, int y)
{
    const sess *a = &g->pool[x], *b = &g->pool[y];
    return a->t < b->t || (a->t == b->t && a->order < b->order);
}

static void heap_push(gen *g, int idx)
{
    if (g->heap_len == g->heap_cap) {
        int nc = g->heap_cap ? g->heap_cap * 2 : 256;
        int *nh = realloc(g->heap, (size_t)nc * sizeof *nh);
        if (!nh) {
            g->failed = 1;
            return;
        }
        g->heap = nh;
        g->heap_cap = nc;
    }
    int i = g->heap_len++;
    g->heap[i] = idx;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!less(g, g->heap[i], g->heap[p]))
            break;
        int t = g->heap[i];
        g->heap[i] = g->heap[p];
        g->heap[p] = t;
        i = p;
    }
}

static int heap_pop(gen *g)
{
    int top = g->heap[0];
    g->heap[0] = g->heap[--g->heap_len];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < g->heap_len && less(g, g->heap[l], g->heap[m]))
            m = l;
        if (r < g->heap_len && less(g, g->heap[r], g->heap[m]))
            m = r;
        if (m == i)
            break;
        int t = g->heap[i];
        g->heap[i] = g->heap[m];
        g->heap[m] = t;
        i = m;
    }
    return top;
}

/* A new session, not yet scheduled; returns its index or -1. */
static int sess_new(gen *g, int type, int dev, int64_t t)
{
    int idx;
    if (g->nfree > 0) {
        idx = g->free_list[--g->nfree];
    } else {
        if (g->pool_used == g->pool_cap) {
            int nc = g->pool_cap ? g->pool_cap * 2 : 256;
            sess *np = realloc(g->pool, (size_t)nc * sizeof *np);
            int *nf = realloc(g->free_list, (size_t)nc * sizeof *nf);
            if (np)
                g->pool = np;
            if (nf)
                g->free_list = nf;
            if (!np || !nf) {
                g->failed = 1;
                return -1;
            }
            g->pool_cap = nc;
        }
        idx = g->pool_used++;
    }
    sess *s = &g->pool[idx];
    memset(s, 0, sizeof *s);
    s->type = type;
    s->dev = dev;
    s->t = t;
    s->peer = -1;
    return idx;
}

static void schedule(gen *g, int idx, int64_t t)
{
    g->pool[idx].t = t;
    g->pool[idx].order = g->order++;
    heap_push(g, idx);
}

static void sess_free(gen *g, int idx)
{
    g->free_list[g->nfree++] = idx;
}

/* ---- frames ------------------------------------------------------------- */

static void emit(gen *g, int64_t t)
{
    syn_buf *b = &g->b;
    if (g->stop)
        return;
    if (g->o->max_packets && syn_frames_written(g->w) >= g->o->max_packets) {
        g->stop = 1;
        return;
    }
    if (g->o->max_bytes &&
        syn_bytes_written(g->w) + b->len + syn_frame_overhead(g->w, b->len) > g->o->max_bytes) {
        g->stop = 1;
        return;
    }
    if (syn_write_frame(g->w, 1, t, b->data, b->len, 0) != 0) {
        g->failed = 1;
        g->stop = 1;
    }
}

/* Ethernet + IP header for a transport segment of l4len bytes. */
static void ip_head(gen *g, const ep *src, const ep *dst, uint8_t proto, uint32_t l4len)
{
    syn_l3 l3;
    memset(&l3, 0, sizeof l3);
    l3.family = src->fam;
    memcpy(l3.src, src->ip, 16);
    memcpy(l3.dst, dst->ip, 16);
    l3.protocol = proto;
    l3.ip_len_override = -1;
    l3.ip_id = (uint16_t)rnd(&g->rng);
    /* link-local multicast (224.0.0.0/24, ff02::/16) is sent with TTL 255 */
    l3.ttl = src->fam == 6 || (dst->ip[0] == 224 && dst->ip[1] == 0 && dst->ip[2] == 0) ? 255 : 64;
    syn_ether(&g->b, dst->mac, src->mac, src->fam == 6 ? 0x86dd : 0x0800);
    syn_ip(&g->b, &l3, l4len);
}

static void udp_frame(gen *g, int64_t t, const ep *src, const ep *dst, uint16_t sport,
                      uint16_t dport, const void *payload, uint32_t len)
{
    ip_head(g, src, dst, 17, 8 + len);
    syn_udp(&g->b, sport, dport, payload, len);
    syn_l4_checksum(&g->b, 14);
    syn_pad60(&g->b);
    emit(g, t);
}

static void tcp_frame(gen *g, int64_t t, const ep *src, const ep *dst, uint16_t sport,
                      uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                      const void *payload, uint32_t len)
{
    ip_head(g, src, dst, 6, 20 + len);
    syn_tcp(&g->b, sport, dport, seq, ack, flags, payload, len);
    syn_l4_checksum(&g->b, 14);
    syn_pad60(&g->b);
    emit(g, t);
}

/* Pseudo-random bytes: a slice of the pool. */
static const uint8_t *rbytes(gen *g, uint32_t n)
{
    if (n >= POOL_BYTES)
        return g->rpool;
    return g->rpool + rnd(&g->rng) % (POOL_BYTES - n);
}

static uint16_t eph_port(device *d)
{
    uint16_t p = d->port;
    d->port = (uint16_t)(p >= 60999 ? 49152 : p + 1);
    return p;
}

/* ---- payload writers (into a byte cursor) -------------------------------- */

typedef struct cur {
    uint8_t *p;
    uint32_t len, cap;
} cur;

static void c_put(cur *c, const void *d, uint32_t n)
{
    if (c->len + n > c->cap)
        n = c->cap - c->len;
    memcpy(c->p + c->len, d, n);
    c->len += n;
}
static void c_u8(cur *c, uint8_t v)
{
    c_put(c, &v, 1);
}
static void c_u16(cur *c, uint16_t v)
{
    uint8_t t[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    c_put(c, t, 2);
}
static void c_u32(cur *c, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    c_put(c, t, 4);
}
/* Patches a big-endian length of `bytes` bytes at offset `at`. */
static void c_patch(cur *c, uint32_t at, int bytes, uint32_t v)
{
    for (int i = bytes - 1; i >= 0; i--) {
        if (at + (uint32_t)i < c->cap)
            c->p[at + (uint32_t)i] = (uint8_t)v;
        v >>= 8;
    }
}
/* A DNS name in label form. */
static void c_dname(cur *c, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t n = dot ? (size_t)(dot - name) : strlen(name);
        if (n > 63)
            n = 63;
        c_u8(c, (uint8_t)n);
        c_put(c, name, (uint32_t)n);
        name += n;
        if (*name == '.')
            name++;
    }
    c_u8(c, 0);
}

static uint32_t dns_msg(uint8_t *out, uint32_t cap, uint16_t id, const char *name, int response,
                        const uint8_t *addr, int mdns, int aaaa)
{
    cur c = {out, 0, cap};
    c_u16(&c, id);
    if (mdns) {
        c_u16(&c, response ? 0x8400 : 0x0000);
        c_u16(&c, response ? 0 : 1);
        c_u16(&c, response ? 1 : 0);
        c_u16(&c, 0);
        c_u16(&c, 0);
        c_dname(&c, name);
        if (response) {
            c_u16(&c, aaaa ? 28 : 1);
            c_u16(&c, 0x8001); /* IN, cache flush */
            c_u32(&c, 120);
            c_u16(&c, aaaa ? 16 : 4);
            c_put(&c, addr, aaaa ? 16 : 4);
        } else {
            c_u16(&c, 12); /* PTR */
            c_u16(&c, 1);
        }
        return c.len;
    }
    c_u16(&c, response ? 0x8180 : 0x0100);
    c_u16(&c, 1);
    c_u16(&c, response ? 1 : 0);
    c_u16(&c, 0);
    c_u16(&c, 0);
    c_dname(&c, name);
    c_u16(&c, 1);
    c_u16(&c, 1);
    if (response) {
        c_u16(&c, 0xc00c);
        c_u16(&c, 1);
        c_u16(&c, 1);
        c_u32(&c, 300);
        c_u16(&c, 4);
        c_put(&c, addr, 4);
    }
    return c.len;
}

static uint32_t ntp_msg(uint8_t *out, int64_t t, int server, gen *g)
{
    cur c = {out, 0, 48};
    uint64_t secs = (uint64_t)(t / NS_PER_S) + 2208988800ull;
    uint32_t frac = (uint32_t)(((uint64_t)(t % NS_PER_S) << 32) / (uint64_t)NS_PER_S);
    c_u8(&c, server ? 0x24 : 0x23); /* LI 0, version 4, mode 4 / 3 */
    c_u8(&c, server ? 2 : 0);       /* stratum */
    c_u8(&c, server ? 3 : 6);       /* poll */
    c_u8(&c, server ? 0xe9 : 0xec); /* precision */
    c_u32(&c, server ? 0x00000110 : 0);
    c_u32(&c, server ? 0x00000280 : 0);
    c_u32(&c, server ? 0xd8ef2300 : 0);
    /* reference, originate, receive, transmit */
    for (int i = 0; i < 4; i++) {
        if (!server && i < 3) {
            c_u32(&c, 0);
            c_u32(&c, 0);
        } else {
            c_u32(&c, (uint32_t)(secs - (i == 0 ? 30 : 0)));
            c_u32(&c, frac ^ (uint32_t)(rnd(&g->rng) & 0xffff));
        }
    }
    return c.len;
}

/* DHCP (RFC 2131/2132) message: type 1 discover, 2 offer, 3 request, 5 ack. */
static uint32_t dhcp_msg(gen *g, uint8_t *out, const device *d, int type, uint32_t xid)
{
    cur c = {out, 0, 600};
    int server = type == 2 || type == 5;
    c_u8(&c, server ? 2 : 1);
    c_u8(&c, 1);
    c_u8(&c, 6);
    c_u8(&c, 0);
    c_u32(&c, xid);
    c_u16(&c, 0);
    c_u16(&c, 0x8000); /* broadcast */
    static const uint8_t zero[208];
    c_put(&c, zero, 4); /* ciaddr */
    if (server)
        c_put(&c, d->e.ip, 4);
    else
        c_put(&c, zero, 4);
    if (server)
        c_put(&c, g->gw.ip, 4);
    else
        c_put(&c, zero, 4);
    c_put(&c, zero, 4); /* giaddr */
    c_put(&c, d->e.mac, 6);
    c_put(&c, zero, 10);
    c_put(&c, zero, 192); /* sname, file */
    c_u32(&c, 0x63825363);
    c_u8(&c, 53);
    c_u8(&c, 1);
    c_u8(&c, (uint8_t)type);
    if (server) {
        c_u8(&c, 54);
        c_u8(&c, 4);
        c_put(&c, g->gw.ip, 4);
        c_u8(&c, 51);
        c_u8(&c, 4);
        c_u32(&c, 86400);
        static const uint8_t mask[6] = {1, 4, 255, 255, 255, 0};
        c_put(&c, mask, 6);
        c_u8(&c, 3);
        c_u8(&c, 4);
        c_put(&c, g->gw.ip, 4);
        c_u8(&c, 6);
        c_u8(&c, 4);
        c_put(&c, g->gw.ip, 4);
    } else {
        c_u8(&c, 61);
        c_u8(&c, 7);
        c_u8(&c, 1);
        c_put(&c, d->e.mac, 6);
        if (type == 3) {
            c_u8(&c, 50);
            c_u8(&c, 4);
            c_put(&c, d->e.ip, 4);
            c_u8(&c, 54);
            c_u8(&c, 4);
            c_put(&c, g->gw.ip, 4);
        }
        char host[48];
        uint32_t n = 0;
        for (const char *p = d->name; *p && n < sizeof host - 1; p++)
            host[n++] = *p == ' ' ? '-' : *p;
        c_u8(&c, 12);
        c_u8(&c, (uint8_t)n);
        c_put(&c, host, n);
        static const uint8_t prl[8] = {55, 6, 1, 3, 6, 15, 28, 42};
        c_put(&c, prl, 8);
    }
    c_u8(&c, 255);
    while (c.len < 300)
        c_u8(&c, 0);
    return c.len;
}

/* TLS 1.2-framed ClientHello offering TLS 1.3, with SNI. */
static uint32_t tls_client_hello(gen *g, uint8_t *out, uint32_t cap, const char *sni)
{
    cur c = {out, 0, cap};
    static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                                      0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
                                      0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    static const uint16_t sigs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    c_u8(&c, 22);
    c_u16(&c, 0x0301);
    uint32_t rec_len = c.len;
    c_u16(&c, 0);
    c_u8(&c, 1);
    uint32_t hs_len = c.len;
    c_u8(&c, 0);
    c_u16(&c, 0);
    c_u16(&c, 0x0303);
    c_put(&c, rbytes(g, 32), 32);
    c_u8(&c, 32);
    c_put(&c, rbytes(g, 32), 32);
    c_u16(&c, (uint16_t)sizeof suites);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        c_u16(&c, suites[i]);
    c_u8(&c, 1);
    c_u8(&c, 0);
    uint32_t ext_len = c.len;
    c_u16(&c, 0);
    uint16_t n = (uint16_t)strlen(sni);
    c_u16(&c, 0); /* server_name */
    c_u16(&c, (uint16_t)(n + 5));
    c_u16(&c, (uint16_t)(n + 3));
    c_u8(&c, 0);
    c_u16(&c, n);
    c_put(&c, sni, n);
    c_u16(&c, 10); /* supported_groups */
    c_u16(&c, 8);
    c_u16(&c, 6);
    c_u16(&c, 0x001d);
    c_u16(&c, 0x0017);
    c_u16(&c, 0x0018);
    c_u16(&c, 11); /* ec_point_formats */
    c_u16(&c, 2);
    c_u8(&c, 1);
    c_u8(&c, 0);
    c_u16(&c, 13); /* signature_algorithms */
    c_u16(&c, (uint16_t)(sizeof sigs + 2));
    c_u16(&c, (uint16_t)sizeof sigs);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        c_u16(&c, sigs[i]);
    c_u16(&c, 43); /* supported_versions */
    c_u16(&c, 5);
    c_u8(&c, 4);
    c_u16(&c, 0x0304);
    c_u16(&c, 0x0303);
    c_u16(&c, 45); /* psk_key_exchange_modes */
    c_u16(&c, 2);
    c_u8(&c, 1);
    c_u8(&c, 1);
    c_u16(&c, 51); /* key_share */
    c_u16(&c, 38);
    c_u16(&c, 36);
    c_u16(&c, 0x001d);
    c_u16(&c, 32);
    c_put(&c, rbytes(g, 32), 32);
    uint16_t pad = (uint16_t)rrange(&g->rng, 0, 160);
    c_u16(&c, 21); /* padding */
    c_u16(&c, pad);
    static const uint8_t zero[256];
    c_put(&c, zero, pad);
    c_patch(&c, ext_len, 2, c.len - ext_len - 2);
    c_patch(&c, hs_len, 3, c.len - hs_len - 3);
    c_patch(&c, rec_len, 2, c.len - rec_len - 2);
    return c.len;
}

static uint32_t tls_server_hello(gen *g, uint8_t *out, uint32_t cap)
{
    cur c = {out, 0, cap};
    c_u8(&c, 22);
    c_u16(&c, 0x0303);
    c_u16(&c, 122);
    c_u8(&c, 2);
    c_u8(&c, 0);
    c_u16(&c, 118);
    c_u16(&c, 0x0303);
    c_put(&c, rbytes(g, 32), 32);
    c_u8(&c, 32);
    c_put(&c, rbytes(g, 32), 32);
    c_u16(&c, 0x1301);
    c_u8(&c, 0);
    c_u16(&c, 46);
    c_u16(&c, 43);
    c_u16(&c, 2);
    c_u16(&c, 0x0304);
    c_u16(&c, 51);
    c_u16(&c, 36);
    c_u16(&c, 0x001d);
    c_u16(&c, 32);
    c_put(&c, rbytes(g, 32), 32);
    /* change_cipher_spec */
    c_u8(&c, 20);
    c_u16(&c, 0x0303);
    c_u16(&c, 1);
    c_u8(&c, 1);
    return c.len;
}

/* Fills out[0..n) with TLS application-data records (n >= 6). */
static void tls_app(gen *g, uint8_t *out, uint32_t n)
{
    uint32_t body = n - 5;
    out[0] = 23;
    out[1] = 3;
    out[2] = 3;
    out[3] = (uint8_t)(body >> 8);
    out[4] = (uint8_t)body;
    memcpy(out + 5, rbytes(g, body), body);
}

/* ---- TCP sessions --------------------------------------------------------- */

static int tcp_start(gen *g, int64_t t, int dev, int script, const ep *peer, uint16_t bport,
                     int64_t rtt)
{
    int idx = sess_new(g, S_TCP, dev, t);
    if (idx < 0)
        return -1;
    sess *s = &g->pool[idx];
    s->a = g->dev[dev].e;
    s->b = *peer;
    s->aport = eph_port(&g->dev[dev]);
    s->bport = bport;
    s->script = script;
    s->phase = P_SYN;
    s->aseq = (uint32_t)rnd(&g->rng);
    s->bseq = (uint32_t)rnd(&g->rng);
    s->rtt = rtt;
    s->seg_gap = 150 * NS_PER_US;
    switch (script) {
    case TS_TLS:
        s->msgs_left = 3 + 2 * (int)rrange(&g->rng, 1, 5);
        break;
    case TS_KEEPALIVE:
        s->msgs_left = 1 << 30;
        break;
    case TS_STREAM:
        s->msgs_left = 1 << 30;
        s->end_t = t + rrange(&g->rng, 30, 120) * NS_PER_S;
        s->seg_gap = rrange(&g->rng, 2, 5) * NS_PER_MS;
        break;
    case TS_HTTP:
        s->msgs_left = 2;
        break;
    }
    schedule(g, idx, t);
    return idx;
}

/* Chooses the next message of a session (after msg index `done` messages);
 * returns the gap before it, or -1 when the session should close. */
static int64_t tcp_next_msg(gen *g, sess *s, int done)
{
    if (s->msgs_left <= 0)
        return -1;
    s->msgs_left--;
    s->msg_first = 1;
    s->unacked = 0;
    switch (s->script) {
    case TS_TLS:
    case TS_KEEPALIVE:
        if (done == 0) {
            s->msg_dir = 0;
            s->msg_kind = PK_CH;
            return 200 * NS_PER_US;
        }
        if (done == 1) {
            s->msg_dir = 1;
            s->msg_kind = PK_SH;
            s->msg_left = (uint32_t)rrange(&g->rng, 1400, 4200);
            return s->rtt;
        }
        if (done == 2) {
            s->msg_dir = 0;
            s->msg_kind = PK_CFIN;
            s->msg_left = 80;
            return 2 * NS_PER_MS;
        }
        s->msg_kind = PK_APP;
        s->msg_dir = (done - 3) & 1;
        if (s->script == TS_KEEPALIVE) {
            s->msg_left = (uint32_t)rrange(&g->rng, 31, 90);
            return s->msg_dir ? s->rtt : rrange(&g->rng, 20, 40) * NS_PER_S;
        }
        s->msg_left =
            s->msg_dir ? (uint32_t)rrange(&g->rng, 100, 3000) : (uint32_t)rrange(&g->rng, 60, 900);
        return s->msg_dir ? s->rtt + rrange(&g->rng, 0, 30) * NS_PER_MS
                          : rrange(&g->rng, 5, 1500) * NS_PER_MS;
    case TS_STREAM:
        if (done < 3) {
            s->script = TS_TLS; /* same handshake */
            int64_t gap = tcp_next_msg(g, s, done);
            s->script = TS_STREAM;
            return gap;
        }
        if (s->t >= s->end_t)
            return -1;
        s->msg_kind = PK_APP;
        s->msg_dir = 0; /* one video chunk */
        s->msg_left = (uint32_t)rrange(&g->rng, 8000, 60000);
        return rrange(&g->rng, 30, 120) * NS_PER_MS;
    case TS_HTTP:
        s->msg_dir = done;
        s->msg_kind = done ? PK_HTTPRESP : PK_HTTPREQ;
        return done ? rrange(&g->rng, 2, 15) * NS_PER_MS : 300 * NS_PER_US;
    }
    return -1;
}

/* Sends the next data segment of the current message. */
static void tcp_data(gen *g, sess *s)
{
    const ep *src = s->msg_dir ? &s->b : &s->a;
    const ep *dst = s->msg_dir ? &s->a : &s->b;
    uint16_t sp = s->msg_dir ? s->bport : s->aport, dp = s->msg_dir ? s->aport : s->bport;
    uint32_t *seq = s->msg_dir ? &s->bseq : &s->aseq, ack = s->msg_dir ? s->aseq : s->bseq;
    uint32_t n = 0;
    uint8_t *p = g->scratch;
    if (s->msg_first) {
        s->msg_first = 0;
        switch (s->msg_kind) {
        case PK_CH:
            n = tls_client_hello(g, p, MSS, kind_domain[g->dev[s->dev].kind]);
            s->msg_left = n;
            break;
        case PK_SH: {
            n = tls_server_hello(g, p, MSS);
            uint32_t room = (s->msg_left < MSS ? s->msg_left : MSS);
            if (room >= n + 6) {
                tls_app(g, p + n, room - n);
                n = room;
            }
            if (s->msg_left < n)
                s->msg_left = n;
            break;
        }
        case PK_CFIN: {
            static const uint8_t ccs[6] = {20, 3, 3, 0, 1, 1};
            memcpy(p, ccs, 6);
            tls_app(g, p + 6, 74);
            n = 80;
            s->msg_left = 80;
            break;
        }
        case PK_HTTPREQ: {
            const uint8_t *ip = s->b.ip;
            n = (uint32_t)snprintf((char *)p, MSS,
                                   "GET /api/v1/status HTTP/1.1\r\nHost: %u.%u.%u.%u\r\n"
                                   "User-Agent: SmartHub/2.4\r\nAccept: application/json\r\n\r\n",
                                   ip[0], ip[1], ip[2], ip[3]);
            s->msg_left = n;
            break;
        }
        case PK_HTTPRESP: {
            char body[160];
            int relay = (int)(rnd(&g->rng) & 1);
            int power = (int)rrange(&g->rng, 0, 1800000);
            int bl =
                snprintf(body, sizeof body, "{\"relay_state\":%d,\"power_mw\":%d,\"uptime\":%lld}",
                         relay, power, (long long)((s->t - g->t0) / NS_PER_S + 86400));
            n = (uint32_t)snprintf((char *)p, MSS,
                                   "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
                                   bl, body);
            s->msg_left = n;
            break;
        }
        default:
            break;
        }
    }
    if (n == 0) { /* application data: one record per segment */
        n = s->msg_left < MSS ? s->msg_left : MSS;
        if (n < 6)
            n = 6;
        tls_app(g, p, n);
    }
    if (n > s->msg_left)
        s->msg_left = n;
    tcp_frame(g, s->t, src, dst, sp, dp, *seq, ack, SYN_TCP_PSH | SYN_TCP_ACK, p, n);
    *seq += n;
    s->msg_left -= n;
    s->unacked++;
}

static void step_tcp(gen *g, int idx)
{
    sess *s = &g->pool[idx];
    int64_t t = s->t, next = -1;
    const uint8_t A = SYN_TCP_ACK;
    switch (s->phase) {
    case P_SYN:
        tcp_frame(g, t, &s->a, &s->b, s->aport, s->bport, s->aseq, 0, SYN_TCP_SYN, NULL, 0);
        s->aseq++;
        s->phase = P_SYNACK;
        next = t + s->rtt;
        break;
    case P_SYNACK:
        tcp_frame(g, t, &s->b, &s->a, s->bport, s->aport, s->bseq, s->aseq, SYN_TCP_SYN | A, NULL,
                  0);
        s->bseq++;
        s->phase = P_ACK;
        next = t + 100 * NS_PER_US;
        break;
    case P_ACK:
        tcp_frame(g, t, &s->a, &s->b, s->aport, s->bport, s->aseq, s->bseq, A, NULL, 0);
        s->count = 0;
        {
            int64_t gap = tcp_next_msg(g, s, s->count);
            s->phase = gap < 0 ? P_FIN1 : P_DATA;
            next = t + (gap < 0 ? NS_PER_MS : gap);
        }
        break;
    case P_DATA:
        tcp_data(g, s);
        if (s->msg_left == 0 || s->unacked >= 2) {
            s->phase = P_DACK;
            if (s->msg_dir)
                next = t + 200 * NS_PER_US;
            else if (s->script == TS_STREAM) /* acks overlap the next segments */
                next = t + s->seg_gap / 2;
            else
                next = t + s->rtt;
        } else {
            next = t + s->seg_gap;
        }
        break;
    case P_DACK:
        if (s->msg_dir)
            tcp_frame(g, t, &s->a, &s->b, s->aport, s->bport, s->aseq, s->bseq, A, NULL, 0);
        else
            tcp_frame(g, t, &s->b, &s->a, s->bport, s->aport, s->bseq, s->aseq, A, NULL, 0);
        s->unacked = 0;
        if (s->msg_left > 0) {
            s->phase = P_DATA;
            next = t + s->seg_gap;
        } else {
            s->count++;
            int64_t gap = tcp_next_msg(g, s, s->count);
            if (gap < 0) {
                s->phase = P_FIN1;
                next = t + rrange(&g->rng, 1, 200) * NS_PER_MS;
            } else {
                s->phase = P_DATA;
                next = t + gap;
            }
        }
        break;
    case P_FIN1:
        tcp_frame(g, t, &s->a, &s->b, s->aport, s->bport, s->aseq, s->bseq, SYN_TCP_FIN | A, NULL,
                  0);
        s->aseq++;
        s->phase = P_FIN2;
        next = t + s->rtt;
        break;
    case P_FIN2:
        tcp_frame(g, t, &s->b, &s->a, s->bport, s->aport, s->bseq, s->aseq, SYN_TCP_FIN | A, NULL,
                  0);
        s->bseq++;
        s->phase = P_FIN3;
        next = t + 100 * NS_PER_US;
        break;
    case P_FIN3:
        tcp_frame(g, t, &s->a, &s->b, s->aport, s->bport, s->aseq, s->bseq, A, NULL, 0);
        break;
    }
    if (next >= 0 && next <= g->t_end)
        schedule(g, idx, next);
    else
        sess_free(g, idx);
}

/* ---- other sessions ------------------------------------------------------ */

static const ep *peer_cloud(gen *g, int dev, ep *out)
{
    *out = g->gw;
    memset(out->ip, 0, 16);
    memcpy(out->ip, g->dev[dev].cloud[rnd(&g->rng) & 1], 4);
    out->fam = 4;
    return out;
}

static void remote_ep(gen *g, ep *out, const char *ip)
{
    *out = g->gw;
    memset(out->ip, 0, 16);
    out->fam = (uint8_t)syn_addr(ip, out->ip);
}

static void mcast_ep(ep *out, const char *ip)
{
    memset(out, 0, sizeof *out);
    out->fam = (uint8_t)syn_addr(ip, out->ip);
    if (out->fam == 6) {
        out->mac[0] = 0x33;
        out->mac[1] = 0x33;
        memcpy(out->mac + 2, out->ip + 12, 4);
    } else {
        out->mac[0] = 0x01;
        out->mac[1] = 0x00;
        out->mac[2] = 0x5e;
        out->mac[3] = out->ip[1] & 0x7f;
        out->mac[4] = out->ip[2];
        out->mac[5] = out->ip[3];
    }
}

static int64_t rtt_remote(gen *g)
{
    return rrange(&g->rng, 12, 90) * NS_PER_MS;
}

static void start_simple(gen *g, int type, int dev, int64_t t)
{
    int idx = sess_new(g, type, dev, t);
    if (idx < 0)
        return;
    sess *s = &g->pool[idx];
    s->a = g->dev[dev].e;
    s->id = (uint32_t)rnd(&g->rng);
    s->rtt = rtt_remote(g);
    schedule(g, idx, t);
}

static void step_simple(gen *g, int idx)
{
    sess *s = &g->pool[idx];
    device *d = &g->dev[s->dev];
    int64_t t = s->t, next = -1;
    uint8_t *p = g->scratch;
    uint32_t n;
    switch (s->type) {
    case S_DHCP: {
        static const int types[4] = {1, 2, 3, 5};
        n = dhcp_msg(g, p, d, types[s->step], s->id);
        ep src = s->step & 1 ? g->gw : d->e, dst = g->bcast4;
        if (!(s->step & 1))
            memset(src.ip, 0, 16);
        udp_frame(g, t, &src, &dst, s->step & 1 ? 67 : 68, s->step & 1 ? 68 : 67, p, n);
        if (++s->step < 4)
            next = t + (s->step & 1 ? rrange(&g->rng, 2, 20) : rrange(&g->rng, 1, 5)) * NS_PER_MS;
        break;
    }
    case S_ARP: {
        static const uint8_t zero[6];
        syn_buf *b = &g->b;
        if (s->step == 0) {
            syn_ether(b, g->bcast4.mac, d->e.mac, 0x0806);
            syn_arp(b, 1, d->e.mac, d->e.ip, zero, g->gw.ip);
        } else {
            syn_ether(b, d->e.mac, g->gw.mac, 0x0806);
            syn_arp(b, 2, g->gw.mac, g->gw.ip, d->e.mac, d->e.ip);
        }
        syn_pad60(b);
        emit(g, t);
        if (++s->step < 2)
            next = t + rrange(&g->rng, 200, 3000) * NS_PER_US;
        break;
    }
    case S_DNS: {
        /* count: 1 = resolver is 8.8.8.8 */
        ep server;
        if (s->count)
            remote_ep(g, &server, "8.8.8.8");
        else
            server = g->gw;
        if (s->step == 0) {
            s->aport = eph_port(d);
            n = dns_msg(p, 512, (uint16_t)s->id, kind_domain[d->kind], 0, NULL, 0, 0);
            udp_frame(g, t, &d->e, &server, s->aport, 53, p, n);
            s->step = 1;
            next = t + (s->count ? s->rtt : rrange(&g->rng, 1, 40) * NS_PER_MS);
        } else {
            n = dns_msg(p, 512, (uint16_t)s->id, kind_domain[d->kind], 1, d->cloud[s->id & 1], 0,
                        0);
            udp_frame(g, t, &server, &d->e, 53, s->aport, p, n);
            if (s->task >= 0) {
                ep peer;
                peer_cloud(g, s->dev, &peer);
                memcpy(peer.ip, d->cloud[s->id & 1], 4);
                /* one PRNG draw per statement: argument order is unspecified */
                int64_t when = t + rrange(&g->rng, 1, 10) * NS_PER_MS;
                int64_t rtt = rtt_remote(g);
                tcp_start(g, when, s->dev, s->task, &peer,
                          d->kind == K_PLUG && s->task == TS_KEEPALIVE ? 8883 : 443, rtt);
            }
        }
        break;
    }
    case S_NTP: {
        ep server;
        remote_ep(g, &server, ntp_servers[s->id % 4]);
        n = ntp_msg(p, t, s->step, g);
        if (s->step == 0) {
            s->aport = eph_port(d);
            udp_frame(g, t, &d->e, &server, s->aport, 123, p, n);
            s->step = 1;
            next = t + s->rtt;
        } else {
            udp_frame(g, t, &server, &d->e, 123, s->aport, p, n);
        }
        break;
    }
    case S_MDNS: {
        char name[64];
        uint32_t k = 0;
        for (const char *q = d->name; *q && k < 40; q++)
            name[k++] = *q == ' ' ? '-' : *q;
        name[k] = 0;
        ep dst;
        if (s->count) { /* IPv6 link-local announcement */
            mcast_ep(&dst, "ff02::fb");
            strcat(name, ".local");
            n = dns_msg(p, 512, 0, name, 1, d->e6.ip, 1, 1);
            udp_frame(g, t, &d->e6, &dst, 5353, 5353, p, n);
        } else {
            mcast_ep(&dst, "224.0.0.251");
            if (s->id & 1) {
                strcat(name, ".local");
                n = dns_msg(p, 512, 0, name, 1, d->e.ip, 1, 0);
            } else {
                static const char *const svc[3] = {"_googlecast._tcp.local", "_hap._tcp.local",
                                                   "_airplay._tcp.local"};
                n = dns_msg(p, 512, 0, svc[s->id % 3], 0, NULL, 1, 0);
            }
            udp_frame(g, t, &d->e, &dst, 5353, 5353, p, n);
        }
        break;
    }
    case S_SSDP: {
        ep dst;
        mcast_ep(&dst, "239.255.255.250");
        if (s->step == 0)
            s->aport = eph_port(d);
        int len;
        if (d->kind == K_SPEAKER || d->kind == K_BULB) {
            len = snprintf((char *)p, 1024,
                           "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                           "CACHE-CONTROL: max-age=1800\r\nLOCATION: http://%u.%u.%u.%u:49152/"
                           "description.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
                           "SERVER: Linux/4.9 UPnP/1.0 IoT/1.0\r\nUSN: uuid:%08x-1a2b-4c3d-8e9f-"
                           "%02x%02x%02x%02x%02x%02x::upnp:rootdevice\r\n\r\n",
                           d->e.ip[0], d->e.ip[1], d->e.ip[2], d->e.ip[3], s->id, d->e.mac[0],
                           d->e.mac[1], d->e.mac[2], d->e.mac[3], d->e.mac[4], d->e.mac[5]);
            udp_frame(g, t, &d->e, &dst, 1900, 1900, p, (uint32_t)len);
        } else {
            len = snprintf((char *)p, 1024,
                           "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                           "MAN: \"ssdp:discover\"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n");
            udp_frame(g, t, &d->e, &dst, s->aport, 1900, p, (uint32_t)len);
        }
        if (++s->step < 2)
            next = t + rrange(&g->rng, 90, 120) * NS_PER_MS;
        break;
    }
    case S_LANUDP: {
        device *pd = &g->dev[s->peer];
        int len;
        if (s->step == 0) {
            s->aport = eph_port(d);
            len = snprintf((char *)p, 256, "{\"method\":\"getPilot\",\"params\":{}}");
            udp_frame(g, t, &d->e, &pd->e, s->aport, 38899, p, (uint32_t)len);
            s->step = 1;
            next = t + rrange(&g->rng, 2, 30) * NS_PER_MS;
        } else {
            int rssi = -(int)rrange(&g->rng, 40, 80);
            int dim = (int)rrange(&g->rng, 10, 100);
            len = snprintf((char *)p, 512,
                           "{\"method\":\"getPilot\",\"env\":\"pro\",\"result\":{\"mac\":\"%02x%02x"
                           "%02x%02x%02x%02x\",\"rssi\":%d,\"state\":%s,\"dimming\":%d}}",
                           pd->e.mac[0], pd->e.mac[1], pd->e.mac[2], pd->e.mac[3], pd->e.mac[4],
                           pd->e.mac[5], rssi, (s->id & 1) ? "true" : "false", dim);
            udp_frame(g, t, &pd->e, &d->e, 38899, s->aport, p, (uint32_t)len);
        }
        break;
    }
    case S_RTP: {
        /* RTP v2 (RFC 3550) over UDP, video payload type 96 */
        if (s->step == 0) {
            peer_cloud(g, s->dev, &s->b);
            s->aport = (uint16_t)(40000 + (rnd(&g->rng) % 10000) * 2);
            s->bport = 3480;
            s->end_t = t + rrange(&g->rng, 20, 90) * NS_PER_S;
        }
        uint32_t plen = (uint32_t)rrange(&g->rng, 900, 1300);
        cur c = {p, 0, 1400};
        c_u8(&c, 0x80);
        c_u8(&c, 96);
        c_u16(&c, (uint16_t)s->step);
        c_u32(&c, (uint32_t)((t - g->t0) / 11111)); /* 90 kHz */
        c_u32(&c, s->id);
        c_put(&c, rbytes(g, plen), plen);
        udp_frame(g, t, &d->e, &s->b, s->aport, s->bport, p, c.len);
        s->step++;
        if (t < s->end_t)
            next = t + rrange(&g->rng, 3, 12) * NS_PER_MS;
        break;
    }
    }
    if (next >= 0 && next <= g->t_end)
        schedule(g, idx, next);
    else
        sess_free(g, idx);
}

/* ---- flood ---------------------------------------------------------------- */

static void random_public_ip(gen *g, uint8_t ip[4])
{
    for (;;) {
        uint32_t v = (uint32_t)rnd(&g->rng);
        ip[0] = (uint8_t)(v >> 24);
        ip[1] = (uint8_t)(v >> 16);
        ip[2] = (uint8_t)(v >> 8);
        ip[3] = (uint8_t)v;
        if (ip[0] == 0 || ip[0] == 10 || ip[0] == 127 || ip[0] >= 224 || ip[3] == 0 || ip[3] == 255)
            continue;
        if ((ip[0] == 172 && (ip[1] & 0xf0) == 16) || (ip[0] == 192 && ip[1] == 168) ||
            (ip[0] == 169 && ip[1] == 254) || (ip[0] == 100 && (ip[1] & 0xc0) == 64))
            continue;
        return;
    }
}

static void step_flood(gen *g, int idx)
{
    sess *s = &g->pool[idx];
    device *d = &g->dev[s->dev];
    int64_t t = s->t;
    ep dst = g->gw;
    memset(dst.ip, 0, 16);
    random_public_ip(g, dst.ip);
    static const uint16_t ports[6] = {23, 2323, 23, 80, 8080, 22};
    uint16_t dport = ports[rnd(&g->rng) % 6];
    uint16_t sport = eph_port(d);
    uint32_t seq = (uint32_t)rnd(&g->rng);
    tcp_frame(g, t, &d->e, &dst, sport, dport, seq, 0, SYN_TCP_SYN, NULL, 0);
    if ((rnd(&g->rng) % 100) < 25) {
        int r = sess_new(g, S_FLOODRESP, s->dev, t);
        if (r >= 0) {
            sess *q = &g->pool[r];
            q->a = d->e;
            q->b = dst;
            q->aport = sport;
            q->bport = dport;
            q->aseq = seq + 1;
            int64_t when = t + rtt_remote(g);
            if (when <= g->t_end)
                schedule(g, r, when);
            else
                sess_free(g, r);
        }
    }
    int64_t next = t + rexp_ns(&g->rng, 0.0004);
    if (next <= g->t_end)
        schedule(g, idx, next);
    else
        sess_free(g, idx);
}

static void step_flood_resp(gen *g, int idx)
{
    sess *s = &g->pool[idx];
    tcp_frame(g, s->t, &s->b, &s->a, s->bport, s->aport, 0, s->aseq, SYN_TCP_RST | SYN_TCP_ACK,
              NULL, 0);
    sess_free(g, idx);
}

/* ---- device timers ---------------------------------------------------------- */

static int has_task(const device *d, int task)
{
    switch (task) {
    case T_CLOUD:
    case T_NTP:
    case T_ARP:
        return 1;
    case T_MDNS:
        return d->kind == K_SPEAKER || d->kind == K_HUB || d->kind == K_TV || d->kind == K_BULB;
    case T_MDNS6:
        return d->kind == K_SPEAKER || d->kind == K_TV;
    case T_SSDP:
        return d->kind == K_SPEAKER || d->kind == K_HUB || d->kind == K_TV || d->kind == K_BULB;
    case T_LANHTTP:
    case T_LANUDP:
        return d->kind == K_HUB;
    case T_STREAM:
        return d->kind == K_CAMERA || d->kind == K_BABY;
    }
    return 0;
}

static double task_period(const device *d, int task)
{
    switch (task) {
    case T_CLOUD:
        return kind_cloud_period[d->kind];
    case T_NTP:
        return 900;
    case T_ARP:
        return 90;
    case T_MDNS:
        return 60;
    case T_MDNS6:
        return 120;
    case T_SSDP:
        return 150;
    case T_LANHTTP:
        return 40;
    case T_LANUDP:
        return 25;
    case T_STREAM:
        return 600;
    }
    return 600;
}

/* A peer device of the given kind for the hub (another device if none). */
static int lan_peer(gen *g, int dev, int kind)
{
    for (int i = 0; i < g->ndev; i++)
        if (i != dev && g->dev[i].kind == kind)
            return i;
    for (int i = 0; i < g->ndev; i++)
        if (i != dev)
            return i;
    return -1;
}

static void fire_task(gen *g, int dev, int task, int64_t t)
{
    device *d = &g->dev[dev];
    switch (task) {
    case T_CLOUD: {
        int idx = sess_new(g, S_DNS, dev, t);
        if (idx < 0)
            return;
        sess *s = &g->pool[idx];
        s->id = (uint32_t)rnd(&g->rng);
        s->count = d->kind == K_TV || d->kind == K_SPEAKER; /* use 8.8.8.8 */
        s->rtt = rtt_remote(g);
        s->task = TS_TLS;
        schedule(g, idx, t);
        break;
    }
    case T_NTP:
        start_simple(g, S_NTP, dev, t);
        break;
    case T_ARP:
        start_simple(g, S_ARP, dev, t);
        break;
    case T_MDNS:
    case T_MDNS6: {
        int idx = sess_new(g, S_MDNS, dev, t);
        if (idx < 0)
            return;
        g->pool[idx].id = (uint32_t)rnd(&g->rng);
        g->pool[idx].count = task == T_MDNS6;
        schedule(g, idx, t);
        break;
    }
    case T_SSDP:
        start_simple(g, S_SSDP, dev, t);
        break;
    case T_LANHTTP: {
        int peer = lan_peer(g, dev, K_PLUG);
        if (peer >= 0)
            tcp_start(g, t, dev, TS_HTTP, &g->dev[peer].e, 80, rrange(&g->rng, 1, 6) * NS_PER_MS);
        break;
    }
    case T_LANUDP: {
        int peer = lan_peer(g, dev, K_BULB);
        int idx = peer >= 0 ? sess_new(g, S_LANUDP, dev, t) : -1;
        if (idx < 0)
            return;
        g->pool[idx].peer = peer;
        g->pool[idx].id = (uint32_t)rnd(&g->rng);
        schedule(g, idx, t);
        break;
    }
    case T_STREAM:
        if (d->kind == K_CAMERA) {
            ep peer;
            peer_cloud(g, dev, &peer);
            tcp_start(g, t, dev, TS_STREAM, &peer, 443, rtt_remote(g));
        } else {
            start_simple(g, S_RTP, dev, t);
        }
        break;
    }
}

static void step_timer(gen *g, int idx)
{
    sess *s = &g->pool[idx];
    int dev = s->dev, task = s->task;
    int64_t t = s->t;
    double period = task_period(&g->dev[dev], task);
    fire_task(g, dev, task, t);
    /* jittered period: uniform in [0.5, 1.5] x period */
    int64_t next = t + (int64_t)(period * 1e9 * (0.5 + runit(&g->rng)));
    if (next <= g->t_end)
        schedule(g, idx, next);
    else
        sess_free(g, idx);
}

static void add_timer(gen *g, int dev, int task, int64_t first)
{
    if (first > g->t_end)
        return;
    int idx = sess_new(g, S_TIMER, dev, first);
    if (idx < 0)
        return;
    g->pool[idx].task = task;
    schedule(g, idx, first);
}

/* ---- setup ------------------------------------------------------------------ */

static void setup_devices(gen *g, int n)
{
    int per_kind[K_COUNT] = {0};
    g->ndev = n;
    for (int i = 0; i < n; i++) {
        device *d = &g->dev[i];
        d->kind = i % K_COUNT;
        per_kind[d->kind]++;
        if (per_kind[d->kind] > 1)
            snprintf(d->name, sizeof d->name, "%s %d", kind_name[d->kind], per_kind[d->kind]);
        else
            snprintf(d->name, sizeof d->name, "%s", kind_name[d->kind]);
        memcpy(d->e.mac, kind_oui[d->kind], 3);
        uint64_t r = rnd(&g->rng);
        d->e.mac[3] = (uint8_t)(r >> 8);
        d->e.mac[4] = (uint8_t)(r >> 16);
        d->e.mac[5] = (uint8_t)i;
        d->e.fam = 4;
        d->e.ip[0] = 192;
        d->e.ip[1] = 168;
        d->e.ip[2] = 1;
        d->e.ip[3] = (uint8_t)(100 + i);
        d->e6 = d->e;
        d->e6.fam = 6;
        memset(d->e6.ip, 0, 16);
        d->e6.ip[0] = 0xfe;
        d->e6.ip[1] = 0x80;
        d->e6.ip[8] = d->e.mac[0] ^ 0x02; /* modified EUI-64 */
        d->e6.ip[9] = d->e.mac[1];
        d->e6.ip[10] = d->e.mac[2];
        d->e6.ip[11] = 0xff;
        d->e6.ip[12] = 0xfe;
        d->e6.ip[13] = d->e.mac[3];
        d->e6.ip[14] = d->e.mac[4];
        d->e6.ip[15] = d->e.mac[5];
        d->port = (uint16_t)(49152 + rnd(&g->rng) % 10000);
        for (int k = 0; k < 2; k++) {
            uint8_t a[16];
            syn_addr(kind_cloud_ip[d->kind][k], a);
            memcpy(d->cloud[k], a, 4);
        }
    }
}

static int write_devices(const gen *g, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "List of Devices\tMAC ADDRESS\tConnection\r\n");
    for (int i = 0; i < g->ndev; i++) {
        const device *d = &g->dev[i];
        fprintf(f, "%s\t%02x:%02x:%02x:%02x:%02x:%02x\t%s\r\n", d->name, d->e.mac[0], d->e.mac[1],
                d->e.mac[2], d->e.mac[3], d->e.mac[4], d->e.mac[5],
                kind_wireless[d->kind] ? "Wireless" : "Wired");
    }
    fprintf(f, "TPLink Router Bridge LAN (Gateway)\t%02x:%02x:%02x:%02x:%02x:%02x\tWired\r\n",
            g->gw.mac[0], g->gw.mac[1], g->gw.mac[2], g->gw.mac[3], g->gw.mac[4], g->gw.mac[5]);
    int bad = ferror(f);
    if (fclose(f) != 0)
        bad = 1;
    return bad ? -1 : 0;
}

int syn_generate_home(syn_writer *w, const syn_home_options *o, const char *devices_path)
{
    if (!w || !o)
        return -1;
    gen *g = calloc(1, sizeof *g);
    if (!g)
        return -1;
    g->w = w;
    g->o = o;
    g->rng = o->seed ^ 0x5eed0f10e7ull;
    int n = o->devices > 0 ? o->devices : 8;
    if (n > MAX_DEVICES)
        n = MAX_DEVICES;
    syn_mac("14:cc:20:51:33:ea", g->gw.mac);
    g->gw.fam = 4;
    syn_addr("192.168.1.1", g->gw.ip);
    memset(g->bcast4.mac, 0xff, 6);
    g->bcast4.fam = 4;
    syn_addr("255.255.255.255", g->bcast4.ip);
    for (uint32_t i = 0; i < POOL_BYTES; i += 8) {
        uint64_t r = rnd(&g->rng);
        memcpy(g->rpool + i, &r, 8);
    }
    setup_devices(g, n);
    int rc = 0;
    if (devices_path && write_devices(g, devices_path) != 0)
        rc = -1;

    double dur = o->duration_s > 0 ? o->duration_s : 300;
    if (dur > 1e8)
        dur = 1e8;
    g->t0 = o->start_ns ? o->start_ns : 1700000000ll * NS_PER_S;
    g->t_end = g->t0 + (int64_t)(dur * 1e9);

    for (int i = 0; i < n; i++) {
        const device *d = &g->dev[i];
        int64_t boot = g->t0 + rrange(&g->rng, 0, 3000) * NS_PER_MS;
        int idx = sess_new(g, S_DHCP, i, boot);
        if (idx >= 0) {
            g->pool[idx].id = (uint32_t)rnd(&g->rng);
            schedule(g, idx, boot);
        }
        int64_t up = boot + 100 * NS_PER_MS;
        for (int task = 0; task < T_NTASKS; task++) {
            if (!has_task(d, task))
                continue;
            int64_t first;
            if (task == T_STREAM) {
                if (dur < 600)
                    continue;
                first = up + rrange(&g->rng, 60, 300) * NS_PER_S;
            } else if (task == T_NTP || task == T_ARP) {
                first = up + rrange(&g->rng, 50, 2000) * NS_PER_MS;
            } else {
                first = up + (int64_t)(task_period(d, task) * 1e9 * 0.5 * runit(&g->rng));
            }
            add_timer(g, i, task, first);
        }
        /* long-lived keep-alive session to the cloud (spans several lifetimes) */
        if (d->kind != K_BULB && d->kind != K_TV) {
            int k = sess_new(g, S_DNS, i, up + rrange(&g->rng, 1, 8) * NS_PER_S);
            if (k >= 0) {
                g->pool[k].id = (uint32_t)rnd(&g->rng);
                g->pool[k].count = 0;
                g->pool[k].rtt = rtt_remote(g);
                g->pool[k].task = TS_KEEPALIVE;
                schedule(g, k, g->pool[k].t);
            }
        }
    }
    if (o->flood && n > 0) {
        int idx = sess_new(g, S_FLOOD, 0, g->t0 + 5 * NS_PER_S);
        if (idx >= 0)
            schedule(g, idx, g->pool[idx].t);
    }

    while (!g->stop && !g->failed && g->heap_len > 0) {
        int idx = heap_pop(g);
        switch (g->pool[idx].type) {
        case S_TIMER:
            step_timer(g, idx);
            break;
        case S_TCP:
            step_tcp(g, idx);
            break;
        case S_FLOOD:
            step_flood(g, idx);
            break;
        case S_FLOODRESP:
            step_flood_resp(g, idx);
            break;
        default:
            step_simple(g, idx);
            break;
        }
    }
    if (g->failed)
        rc = -1;
    free(g->pool);
    free(g->free_list);
    free(g->heap);
    free(g);
    return rc;
}
