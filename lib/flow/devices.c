/* Device list (SPEC §4): parsing and the per-endpoint device decision.
 *
 * The list is read whole into memory and parsed in place with explicit
 * lengths: no line-length limit, any bytes. Lookups: MAC entries in a hash
 * table (the first line of a MAC wins), single-address IP entries in a hash
 * table (first line wins) and CIDR blocks in file order; an IP lookup takes
 * the earliest line among the host match and the blocks before it, so IP
 * entries are tried in file order. */
#include "flow/devices.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hmap.h"

typedef struct dev_entry {
    int is_mac;
    int repeated; /* the same address on an earlier line, which wins */
    size_t line;
    uint8_t mac[6];
    cf_prefix prefix;
    char *name; /* NULL: unnamed */
} dev_entry;

struct cf_devices {
    dev_entry *e;
    size_t n, cap;
    cf_hmap macs;    /* MAC entries by address: entry index + 1 */
    cf_hmap ips;     /* single-address IP entries by address: index + 1 */
    uint32_t *cidrs; /* entry indices of blocks (bits < full), file order */
    size_t n_cidrs;
    size_t n_ip; /* IP and CIDR entries */
    /* Which entries matched an endpoint (set by lookups, from any thread),
     * for the "listed, no traffic" warning; and the list's name. */
    atomic_uchar *seen;
    char *name;
};

static int mac_is_station(const uint8_t *mac);

static int is_sep(unsigned char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == 0;
}

/* Copies a name, turning NUL into space and invalid UTF-8 into U+FFFD. */
static char *copy_name(const char *s, size_t n)
{
    if (n == 0)
        return NULL;
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(3 * n + 1), *o = out;
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    while (k < n) {
        unsigned c = p[k];
        if (c == 0) {
            *o++ = ' ';
            k++;
            continue;
        }
        if (c < 0x80) {
            *o++ = (char)c;
            k++;
            continue;
        }
        size_t len = 0;
        unsigned lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            if (c == 0xe0)
                lo = 0xa0; /* no overlong forms */
            if (c == 0xed)
                hi = 0x9f; /* no surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            if (c == 0xf0)
                lo = 0x90;
            if (c == 0xf4)
                hi = 0x8f; /* at most U+10FFFF */
        }
        /* Valid bytes of the sequence; an invalid or cut sequence becomes
         * one U+FFFD for its longest valid prefix (the Unicode "maximal
         * subpart" practice, as Python's errors="replace"). */
        size_t m = 1;
        while (len && m < len && k + m < n) {
            unsigned cc = p[k + m];
            if (m == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xbf))
                break;
            m++;
        }
        if (len && m == len) {
            memcpy(o, p + k, len);
            o += len;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
        }
        k += m;
    }
    *o = 0;
    return out;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_sep((unsigned char)**s))
        (*s)++;
    while (*e > *s && is_sep((unsigned char)(*e)[-1]))
        (*e)--;
}

/* A token that is not an address but looks as if it was meant to be one:
 * MAC-shaped, or hex digits with ':' or '/' or two dots and nothing else. */
static int looks_like_address(const char *s, size_t n)
{
    int digits = 0, colons = 0, dots = 0, slashes = 0;
    if (n == 17) { /* MAC-shaped: "xx:xx:xx:xx:xx:xx" with any characters */
        int seps = 0;
        for (size_t k = 2; k < n; k += 3)
            seps += s[k] == ':' || s[k] == '-';
        if (seps == 5)
            return 1;
    }
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
            digits++;
        else if (c == ':')
            colons++;
        else if (c == '.')
            dots++;
        else if (c == '/')
            slashes++;
        else if (c != '-')
            return 0;
    }
    return digits > 0 && n >= 3 && (colons >= 2 || dots >= 2 || slashes > 0);
}

static void warn_line(void (*warn)(void *, const char *), void *ctx, const char *name, size_t line,
                      const char *tok, size_t n)
{
    if (!warn)
        return;
    char shown[48];
    size_t m = 0;
    for (size_t k = 0; k < n && m < 40; k++) {
        unsigned char c = (unsigned char)tok[k];
        shown[m++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    shown[m] = 0;
    char msg[512];
    snprintf(msg, sizeof msg,
             "%s: line %zu: \"%s%s\" is not a MAC, IP address or CIDR block; "
             "line skipped",
             name, line, shown, n > m ? "..." : "");
    warn(ctx, msg);
}

static int add_entry(cf_devices *d, const dev_entry *e)
{
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 32;
        dev_entry *ne = realloc(d->e, ncap * sizeof *ne);
        if (!ne)
            return -1;
        d->e = ne;
        d->cap = ncap;
    }
    if (d->n >= UINT32_MAX - 1)
        return -1;
    d->e[d->n++] = *e;
    return 0;
}

/* Parses one line [s, e). Returns 0, or -1 out of memory. */
static int parse_line(cf_devices *d, const char *s, const char *e, const char *name, size_t line,
                      void (*warn)(void *, const char *), void *warn_ctx)
{
    const char *hash = memchr(s, '#', (size_t)(e - s));
    if (hash)
        e = hash;
    const char *p = s, *suspect = NULL;
    size_t suspect_len = 0;
    while (p < e) {
        while (p < e && is_sep((unsigned char)*p))
            p++;
        if (p == e)
            break;
        const char *t = p;
        while (p < e && !is_sep((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - t);
        dev_entry ent;
        memset(&ent, 0, sizeof ent);
        ent.line = line;
        if (cf_mac_parse_n(t, n, ent.mac) == 0)
            ent.is_mac = 1;
        else if (cf_prefix_parse_n(t, n, &ent.prefix) != 0) {
            if (!suspect && looks_like_address(t, n)) {
                suspect = t;
                suspect_len = n;
            }
            continue;
        }
        const char *ns = s, *ne = t;
        trim(&ns, &ne);
        if (ns == ne) {
            ns = p;
            ne = e;
            trim(&ns, &ne);
        }
        if (ns < ne) {
            ent.name = copy_name(ns, (size_t)(ne - ns));
            if (!ent.name)
                return -1;
        }
        if (add_entry(d, &ent) != 0) {
            free(ent.name);
            return -1;
        }
        return 0;
    }
    if (suspect)
        warn_line(warn, warn_ctx, name, line, suspect, suspect_len);
    return 0;
}

static int same_mac(const void *ctx, uintptr_t val, const void *key)
{
    const cf_devices *d = ctx;
    return memcmp(d->e[val - 1].mac, key, 6) == 0;
}

static int same_ip(const void *ctx, uintptr_t val, const void *key)
{
    const cf_devices *d = ctx;
    return memcmp(&d->e[val - 1].prefix.addr, key, sizeof(cf_addr)) == 0;
}

static int build_index(cf_devices *d)
{
    d->cidrs = calloc(d->n ? d->n : 1, sizeof *d->cidrs);
    if (!d->cidrs)
        return -1;
    for (size_t k = 0; k < d->n; k++) {
        const dev_entry *e = &d->e[k];
        if (e->is_mac) {
            uint64_t h = cf_hash_bytes(e->mac, 6, 0);
            /* first line wins */
            if (!cf_hmap_get(&d->macs, h, e->mac, same_mac, d) &&
                cf_hmap_put(&d->macs, h, k + 1) != 0)
                return -1;
            continue;
        }
        d->n_ip++;
        if (e->prefix.bits == (e->prefix.addr.family == 4 ? 32 : 128)) {
            uint64_t h = cf_hash_bytes(&e->prefix.addr, sizeof(cf_addr), 0);
            if (!cf_hmap_get(&d->ips, h, &e->prefix.addr, same_ip, d) &&
                cf_hmap_put(&d->ips, h, k + 1) != 0)
                return -1;
        } else {
            d->cidrs[d->n_cidrs++] = (uint32_t)k;
        }
    }
    return 0;
}

/* ---- What is wrong with a list, said as warnings (SPEC §4 keeps the
 * first line of an address; a list that names nothing attributes nothing) */

/* At most this many repeated-address warnings, then a count. */
#define MAX_REPEAT_WARNINGS 20

static void say(void (*warn)(void *, const char *), void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(void (*warn)(void *, const char *), void *ctx, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    warn(ctx, msg);
}

/* The address of an entry as text. */
static const char *entry_address(const dev_entry *e, char out[64])
{
    if (e->is_mac)
        return cf_mac_format(e->mac, out);
    cf_addr_format(&e->prefix.addr, out);
    int full = e->prefix.bits == (e->prefix.addr.family == 4 ? 32 : 128);
    if (!full)
        snprintf(out + strlen(out), 64 - strlen(out), "/%u", (unsigned)e->prefix.bits);
    return out;
}

static int same_address(const dev_entry *a, const dev_entry *b)
{
    if (a->is_mac != b->is_mac)
        return 0;
    if (a->is_mac)
        return memcmp(a->mac, b->mac, 6) == 0;
    return a->prefix.bits == b->prefix.bits &&
           memcmp(&a->prefix.addr, &b->prefix.addr, sizeof a->prefix.addr) == 0;
}

/* Orders entry pointers by address, then by line (their place in the
 * array). */
static int cmp_entry(const void *x, const void *y)
{
    const dev_entry *a = *(const dev_entry *const *)x, *b = *(const dev_entry *const *)y;
    if (a->is_mac != b->is_mac)
        return a->is_mac ? -1 : 1;
    int c = a->is_mac ? memcmp(a->mac, b->mac, 6)
                      : memcmp(&a->prefix.addr, &b->prefix.addr, sizeof a->prefix.addr);
    if (!c && !a->is_mac)
        c = (int)a->prefix.bits - (int)b->prefix.bits;
    if (!c)
        c = a < b ? -1 : 1;
    return c;
}

/* Marks and reports entries whose address an earlier line already lists,
 * and a list with no entry at all. */
static void check_list(cf_devices *d, size_t lines, void (*warn)(void *, const char *), void *ctx)
{
    if (d->n == 0) {
        if (warn)
            say(warn, ctx,
                "%s: no device listed (%zu line%s, none with a MAC address, IP address or "
                "CIDR block): no packet will be attributed to a device",
                d->name, lines, lines == 1 ? "" : "s");
        return;
    }
    dev_entry **order = malloc(d->n * sizeof *order);
    if (!order)
        return; /* the warnings only */
    for (size_t k = 0; k < d->n; k++)
        order[k] = &d->e[k];
    qsort(order, d->n, sizeof *order, cmp_entry);
    size_t said = 0, more = 0;
    const dev_entry *first = order[0]; /* first line of the current address */
    for (size_t k = 1; k < d->n; k++) {
        dev_entry *e = order[k];
        if (!same_address(first, e)) {
            first = e;
            continue;
        }
        e->repeated = 1;
        if (!warn)
            continue;
        if (said++ >= MAX_REPEAT_WARNINGS) {
            more++;
            continue;
        }
        char addr[64];
        say(warn, ctx, "%s: line %zu: %s is listed again (first on line %zu, which wins)", d->name,
            e->line, entry_address(e, addr), first->line);
    }
    if (more)
        say(warn, ctx, "%s: %zu more lines list an address again", d->name, more);
    free(order);
}

cf_devices *cf_devices_parse(const char *name, const char *text, size_t len, char *err,
                             size_t errlen, void (*warn)(void *ctx, const char *msg),
                             void *warn_ctx)
{
    cf_devices *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    const char *p = text, *end = text + len;
    size_t line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        if (parse_line(d, p, le, name, line, warn, warn_ctx) != 0) {
            snprintf(err, errlen, "%s: line %zu: out of memory", name, line);
            cf_devices_free(d);
            return NULL;
        }
        p = nl ? nl + 1 : end;
    }
    if (build_index(d) != 0 || !(d->seen = calloc(d->n + 1, sizeof *d->seen)) ||
        !(d->name = strdup(name))) {
        snprintf(err, errlen, "%s: out of memory", name);
        cf_devices_free(d);
        return NULL;
    }
    check_list(d, line, warn, warn_ctx);
    return d;
}

cf_devices *cf_devices_load(const char *path, char *err, size_t errlen,
                            void (*warn)(void *ctx, const char *msg), void *warn_ctx)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            snprintf(err, errlen, "%s: out of memory", path);
            fclose(f);
            return NULL;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: line 1: read error: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    cf_devices *d = cf_devices_parse(path, buf, n, err, errlen, warn, warn_ctx);
    free(buf);
    return d;
}

void cf_devices_free(cf_devices *d)
{
    if (!d)
        return;
    for (size_t k = 0; k < d->n; k++)
        free(d->e[k].name);
    free(d->e);
    cf_hmap_free(&d->macs);
    cf_hmap_free(&d->ips);
    free(d->cidrs);
    free(d->seen);
    free(d->name);
    free(d);
}

int cf_devices_has_ip(const cf_devices *d)
{
    return d && d->n_ip > 0;
}

size_t cf_devices_count(const cf_devices *d)
{
    return d ? d->n : 0;
}

static const dev_entry *find_ip(const cf_devices *d, const cf_addr *ip)
{
    size_t best = SIZE_MAX;
    uintptr_t hit = cf_hmap_get(&d->ips, cf_hash_bytes(ip, sizeof(cf_addr), 0), ip, same_ip, d);
    if (hit)
        best = hit - 1;
    for (size_t k = 0; k < d->n_cidrs && d->cidrs[k] < best; k++) {
        if (cf_prefix_contains(&d->e[d->cidrs[k]].prefix, ip)) {
            best = d->cidrs[k];
            break;
        }
    }
    return best == SIZE_MAX ? NULL : &d->e[best];
}

static const dev_entry *find_mac(const cf_devices *d, const uint8_t *mac)
{
    uintptr_t hit = cf_hmap_get(&d->macs, cf_hash_bytes(mac, 6, 0), mac, same_mac, d);
    return hit ? &d->e[hit - 1] : NULL;
}

int cf_devices_lookup(const cf_devices *d, const cf_localnets *local, const uint8_t *mac,
                      const cf_addr *ip, const char **name)
{
    *name = NULL;
    cf_addr key;
    memset(&key, 0, sizeof key);
    key.family = ip->family;
    memcpy(key.b, ip->b, ip->family == 4 ? 4 : 16);
    int local_side = cf_is_local(local, &key) || cf_is_unspecified(&key);
    if (!d)
        return local_side && (!mac || mac_is_station(mac));
    const dev_entry *e = find_ip(d, &key);
    if (!e && mac && local_side)
        e = find_mac(d, mac);
    if (!e)
        return 0;
    atomic_uchar *seen = &d->seen[e - d->e];
    if (!atomic_load_explicit(seen, memory_order_relaxed))
        atomic_store_explicit(seen, 1, memory_order_relaxed);
    *name = e->name;
    return 1;
}

int cf_devices_match(const cf_devices *d, const cf_localnets *local, const uint8_t *mac,
                     const cf_addr *ip, char *label, size_t label_len)
{
    const char *name;
    if (!cf_devices_lookup(d, local, mac, ip, &name))
        return 0;
    char tmp[64];
    if (!name)
        name = mac ? cf_mac_format(mac, tmp) : cf_addr_format(ip, tmp);
    if (label_len == 0)
        return 1;
    size_t n = strlen(name);
    if (n >= label_len) {
        n = label_len - 1;
        while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
            n--; /* do not cut a UTF-8 sequence */
    }
    memcpy(label, name, n);
    label[n] = 0;
    return 1;
}

/* Without a list, an endpoint whose MAC is a group address (broadcast,
 * multicast: the I/G bit) or all zeros is not a station, so not a device,
 * even at a local IP address (a subnet broadcast, a frame whose MAC was
 * blanked). */
static int mac_is_station(const uint8_t *mac)
{
    static const uint8_t zero[6];
    return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

void cf_devices_warn_unseen(const cf_devices *d, void (*warn)(void *ctx, const char *msg),
                            void *warn_ctx)
{
    if (!d || !warn)
        return;
    char list[512];
    size_t unseen = 0, at = 0;
    list[0] = 0;
    for (size_t k = 0; k < d->n; k++) {
        const dev_entry *e = &d->e[k];
        if (e->repeated || atomic_load_explicit(&d->seen[k], memory_order_relaxed))
            continue;
        char addr[64];
        const char *label = e->name ? e->name : entry_address(e, addr);
        if (unseen++ && at < sizeof list)
            at += (size_t)snprintf(list + at, sizeof list - at, ", ");
        if (at < sizeof list)
            at += (size_t)snprintf(list + at, sizeof list - at, "%s (line %zu)", label, e->line);
    }
    if (!unseen)
        return;
    if (at >= sizeof list)
        memcpy(list + sizeof list - 4, "...", 4);
    say(warn, warn_ctx, "%s: %zu listed device%s had no traffic: %s", d->name, unseen,
        unseen == 1 ? "" : "s", list);
}
