/* DNS response parser (see dns.h). Two passes over one message: the first
 * walks the header, questions and resource records and keeps the question
 * names and the A/AAAA/CNAME records in a work area on the stack, with
 * their names uncompressed (wire form, RFC 1035 §3.1); the second follows
 * each address's owner back through CNAMEs to a question and reports it. */
#include "names/dns.h"

#include <string.h>

#include "names/name_text.h"

#define T_A 1
#define T_CNAME 5
#define T_AAAA 28
#define C_IN 1

#define DNS_HEADER 12
#define WIRE_MAX (CF_NAME_RAW_MAX + 1)
/* Room for the names of the kept questions and records; a message whose
 * names do not fit keeps the records before (the names of one response
 * rarely pass 2 KiB). */
#define ARENA_BYTES 16384

enum { SEC_ANSWER, SEC_AUTHORITY, SEC_ADDITIONAL };

typedef struct dns_rr {
    uint16_t type;
    uint16_t owner;  /* arena offset of the owner name */
    uint16_t target; /* CNAME: arena offset of the canonical name */
    uint32_t ttl;
    cf_addr addr; /* A/AAAA */
} dns_rr;

typedef struct dns_work {
    uint8_t arena[ARENA_BYTES];
    uint32_t used;
    uint16_t question[CF_DNS_MAX_QUESTIONS];
    unsigned n_questions;
    dns_rr rr[CF_DNS_MAX_RECORDS];
    unsigned n_rr;
} dns_work;

/* Reads the name at *off of msg into wire (uncompressed, root label
 * included) and its length into *wlen; *off moves past the name as it sits
 * in the message (after the first pointer when it is compressed).
 * Returns 0; NAME_TOO_LONG for a name past CF_NAME_RAW_MAX bytes, whose
 * end in the message is still found (*off is set: the record can be
 * skipped); NAME_BAD for a name cut short, with a reserved label type or
 * more than CF_DNS_MAX_JUMPS pointers (*off unknown: the message ends
 * there). Every label read adds to a name bounded by CF_NAME_RAW_MAX, or
 * lies in place before the first pointer, or is one of CF_DNS_MAX_JUMPS
 * pointers, so the walk ends. */
#define NAME_TOO_LONG 1
#define NAME_BAD (-1)
static int dns_name(const cf_cur *msg, uint32_t *off, uint8_t wire[WIRE_MAX], uint32_t *wlen)
{
    uint32_t pos = *off, n = 0, jumps = 0;
    int jumped = 0, too_long = 0;
    for (;;) {
        uint8_t len, lo;
        if (!cf_get_u8(msg, pos, &len))
            return NAME_BAD;
        if ((len & 0xC0) == 0xC0) {
            if (!cf_get_u8(msg, pos + 1, &lo) || ++jumps > CF_DNS_MAX_JUMPS)
                return NAME_BAD;
            if (!jumped)
                *off = pos + 2;
            if (too_long) /* the end in place is known: that is all we need */
                return NAME_TOO_LONG;
            jumped = 1;
            pos = (uint32_t)(len & 0x3F) << 8 | lo;
            continue;
        }
        if (len & 0xC0)
            return NAME_BAD;
        if (len == 0) {
            if (!jumped)
                *off = pos + 1;
            if (too_long)
                return NAME_TOO_LONG;
            wire[n++] = 0;
            *wlen = n;
            return 0;
        }
        /* this label, its length byte and the root still to come */
        if (!too_long && n + len + 2 > CF_NAME_RAW_MAX) {
            too_long = 1;
            if (jumped)
                return NAME_TOO_LONG;
        }
        if (!too_long) {
            wire[n] = len;
            if (!cf_get_bytes(msg, pos + 1, wire + n + 1, len))
                return NAME_BAD;
            n += 1u + len;
        }
        pos += 1u + len;
    }
}

/* Copies a wire name into the arena; its offset, or -1 when full. */
static int arena_add(dns_work *w, const uint8_t *wire, uint32_t wlen)
{
    if (wlen > ARENA_BYTES - w->used)
        return -1;
    memcpy(w->arena + w->used, wire, wlen);
    w->used += wlen;
    return (int)(w->used - wlen);
}

/* Wire names equal under ASCII case folding (RFC 4343). Length bytes are
 * below 0x40 and so unchanged by folding: equal folded bytes mean equal
 * label structure. */
static int wire_eq(const uint8_t *a, const uint8_t *b)
{
    for (;;) {
        if (*a != *b)
            return 0;
        uint8_t len = *a++;
        b++;
        if (len == 0)
            return 1;
        for (uint8_t k = 0; k < len; k++)
            if (cf_ascii_lower(a[k]) != cf_ascii_lower(b[k]))
                return 0;
        a += len;
        b += len;
    }
}

/* The text of a wire name, labels joined by dots (escapes: name_text.h). */
static void wire_text(const uint8_t *wire, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = '\0';
    while (*wire) {
        static const uint8_t dot = '.';
        if (len > 0 && cf_name_append(out, outlen, &len, &dot, 1, 0) < 0)
            return;
        if (cf_name_append(out, outlen, &len, wire + 1, *wire, 1) < 0)
            return;
        wire += 1 + *wire;
    }
}

/* The question an owner name leads back to through CNAMEs, or -1. */
static int chain_to_question(const dns_work *w, const uint8_t *name)
{
    for (unsigned link = 0; link <= CF_DNS_MAX_CHAIN; link++) {
        for (unsigned q = 0; q < w->n_questions; q++)
            if (wire_eq(w->arena + w->question[q], name))
                return (int)q;
        const uint8_t *alias = NULL;
        for (unsigned k = 0; k < w->n_rr && !alias; k++)
            if (w->rr[k].type == T_CNAME && wire_eq(w->arena + w->rr[k].target, name))
                alias = w->arena + w->rr[k].owner;
        if (!alias)
            return -1;
        name = alias;
    }
    return -1;
}

/* Keeps a record's names; 0, or -1 when the arena is full. The owner of
 * consecutive records is usually the same name: it is stored once. */
static int keep_rr(dns_work *w, dns_rr *rr, const uint8_t *owner, uint32_t owner_len,
                   const uint8_t *target, uint32_t target_len)
{
    int o;
    if (w->n_rr > 0 && wire_eq(w->arena + w->rr[w->n_rr - 1].owner, owner))
        o = w->rr[w->n_rr - 1].owner;
    else if ((o = arena_add(w, owner, owner_len)) < 0)
        return -1;
    rr->owner = (uint16_t)o;
    if (target) {
        int t = arena_add(w, target, target_len);
        if (t < 0)
            return -1;
        rr->target = (uint16_t)t;
    }
    w->rr[w->n_rr++] = *rr;
    return 0;
}

/* First pass: questions and records, until the message or the work area
 * ends. A malformed or cut record ends the pass; what was kept stays. */
static void collect(const cf_cur *msg, unsigned flags, dns_work *w)
{
    uint16_t qd, an, ns, ar;
    uint8_t wire[WIRE_MAX], target[WIRE_MAX];
    uint32_t wlen, tlen = 0, off = DNS_HEADER;
    const int mdns = (flags & CF_DNS_MDNS) != 0;

    if (!cf_get_be16(msg, 4, &qd) || !cf_get_be16(msg, 6, &an) || !cf_get_be16(msg, 8, &ns) ||
        !cf_get_be16(msg, 10, &ar))
        return;
    for (unsigned i = 0; i < qd; i++) {
        int r = dns_name(msg, &off, wire, &wlen);
        if (r == NAME_BAD || !cf_cur_has(msg, off, 4))
            return;
        off += 4; /* QTYPE, QCLASS */
        if (r == 0 && w->n_questions < CF_DNS_MAX_QUESTIONS) {
            int o = arena_add(w, wire, wlen);
            if (o < 0)
                return;
            w->question[w->n_questions++] = (uint16_t)o;
        }
    }
    const uint32_t total = (uint32_t)an + ns + ar;
    for (uint32_t i = 0; i < total && w->n_rr < CF_DNS_MAX_RECORDS; i++) {
        const int section = i < an                  ? SEC_ANSWER
                            : i < (uint32_t)an + ns ? SEC_AUTHORITY
                                                    : SEC_ADDITIONAL;
        uint16_t type, cls, rdlen;
        dns_rr rr = {0};
        cf_cur rdata;
        const int owner_ok = dns_name(msg, &off, wire, &wlen);
        if (owner_ok == NAME_BAD)
            return;
        if (!cf_get_be16(msg, off, &type) || !cf_get_be16(msg, off + 2, &cls) ||
            !cf_get_be32(msg, off + 4, &rr.ttl) || !cf_get_be16(msg, off + 8, &rdlen) ||
            !cf_sub(msg, off + 10, rdlen, &rdata))
            return;
        const uint32_t rdoff = off + 10;
        off = rdoff + rdlen;
        if (mdns)
            cls &= 0x7FFF; /* cache-flush bit */
        if (owner_ok != 0 || cls != C_IN ||
            !(section == SEC_ANSWER || (mdns && section == SEC_ADDITIONAL)))
            continue;
        rr.type = type;
        if (type == T_A && rdlen == 4) {
            rr.addr.family = 4;
            memcpy(rr.addr.b, rdata.p, 4);
        } else if (type == T_AAAA && rdlen == 16) {
            rr.addr.family = 6;
            memcpy(rr.addr.b, rdata.p, 16);
        } else if (type == T_CNAME) {
            /* the name may point anywhere before it in the message */
            uint32_t toff = rdoff;
            if (dns_name(msg, &toff, target, &tlen) != 0)
                continue;
        } else {
            continue;
        }
        if (keep_rr(w, &rr, wire, wlen, type == T_CNAME ? target : NULL, tlen) < 0)
            return;
    }
}

int cf_dns_parse(cf_cur msg, unsigned flags, cf_dns_addr_fn fn, void *ctx)
{
    uint16_t hflags;
    if (!cf_cur_has(&msg, 0, DNS_HEADER) || !cf_get_be16(&msg, 2, &hflags))
        return -1;
    if (!(hflags & 0x8000) || ((hflags >> 11) & 0xF) != 0) /* QR, OPCODE (RFC 1035 §4.1.1) */
        return -1;

    dns_work w;
    w.used = 0;
    w.n_questions = 0;
    w.n_rr = 0;
    collect(&msg, flags, &w);

    int reported = 0;
    char text[CF_NAME_TEXT_MAX];
    for (unsigned k = 0; k < w.n_rr; k++) {
        const dns_rr *rr = &w.rr[k];
        if (rr->type != T_A && rr->type != T_AAAA)
            continue;
        const uint8_t *owner = w.arena + rr->owner;
        int q = chain_to_question(&w, owner);
        if (q >= 0)
            wire_text(w.arena + w.question[q], text, sizeof text);
        else if (flags & CF_DNS_MDNS)
            wire_text(owner, text, sizeof text);
        else
            continue;
        fn(ctx, text, &rr->addr, rr->ttl);
        reported++;
    }
    return reported;
}

int cf_dns_parse_tcp(cf_cur seg, cf_dns_addr_fn fn, void *ctx)
{
    int total = -1;
    uint16_t mlen;
    while (cf_get_be16(&seg, 0, &mlen)) {
        cf_skip(&seg, 2);
        cf_cur m = seg;
        cf_cur_limit(&m, mlen);
        int r = cf_dns_parse(m, 0, fn, ctx);
        if (r < 0)
            break;
        total = total < 0 ? r : total + r;
        if (!cf_skip(&seg, mlen))
            break;
    }
    return total;
}
