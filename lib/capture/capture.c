/* Capture input: format detection, BPF filtering, file-name stems. */
#include "capture/capture_int.h"

#include <ctype.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>

struct cf_bpf_prog {
    int linktype;
    int ok; /* 0: the filter does not compile for this link type */
    struct bpf_program prog;
};

void cf_cap_err(const cf_capture *c, char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    int n = snprintf(err, errlen, "%s: ", c->path);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* LINKTYPE_ values (files) to DLT_ values (pcap_open_dead) where they
 * differ, after the libpcap link-layer header types list (pcap-linktype(7)). */
static int linktype_to_dlt(int lt)
{
    switch (lt) {
    case 100:
        return DLT_ATM_RFC1483;
    case 101:
        return DLT_RAW;
    case 102:
        return DLT_SLIP_BSDOS;
    case 103:
        return DLT_PPP_BSDOS;
    case 106:
        return DLT_ATM_CLIP;
    default:
        return lt;
    }
}

/* Compiles the filter for a link type; returns the program slot (ok or not)
 * or NULL when out of memory; msg gets libpcap's message on failure. */
static cf_bpf_prog *compile_for(cf_capture *c, int linktype, char *msg, size_t msglen)
{
    cf_bpf_prog *n = realloc(c->progs, ((size_t)c->n_progs + 1) * sizeof *n);
    if (!n)
        return NULL;
    c->progs = n;
    cf_bpf_prog *p = &c->progs[c->n_progs];
    memset(p, 0, sizeof *p);
    p->linktype = linktype;
    pcap_t *dead = pcap_open_dead(linktype_to_dlt(linktype), 262144);
    if (!dead) {
        snprintf(msg, msglen, "pcap_open_dead failed");
    } else {
        if (pcap_compile(dead, &p->prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) == 0)
            p->ok = 1;
        else
            snprintf(msg, msglen, "%s", pcap_geterr(dead));
        pcap_close(dead);
    }
    c->n_progs++;
    return p;
}

static int filter_match(cf_capture *c, const cf_frame *f)
{
    cf_bpf_prog *p = NULL;
    if (c->last_prog >= 0 && c->progs[c->last_prog].linktype == f->linktype) {
        p = &c->progs[c->last_prog];
    } else {
        for (int i = 0; i < c->n_progs; i++) {
            if (c->progs[i].linktype == f->linktype) {
                p = &c->progs[i];
                c->last_prog = i;
                break;
            }
        }
        if (!p) {
            char msg[256] = "";
            p = compile_for(c, f->linktype, msg, sizeof msg);
            if (!p)
                return 0;
            c->last_prog = c->n_progs - 1;
            if (!p->ok && !c->warning[0])
                snprintf(c->warning, sizeof c->warning,
                         "%s: filter \"%s\" does not compile for link type %d (%s): its "
                         "frames are dropped",
                         c->path, c->filter, f->linktype, msg);
        }
    }
    if (!p->ok)
        return 0;
    struct pcap_pkthdr h;
    /* Flooring division keeps pre-1970 timestamps consistent. */
    int64_t sec = f->ts_us / 1000000, us = f->ts_us % 1000000;
    if (us < 0) {
        us += 1000000;
        sec--;
    }
    h.ts.tv_sec = (time_t)sec;
    h.ts.tv_usec = (suseconds_t)us;
    h.caplen = f->cap_len;
    h.len = f->wire_len;
    return pcap_offline_filter(&p->prog, &h, f->data) != 0;
}

cf_capture *cf_capture_open(const char *path, const char *filter, cf_input_hash hash, char *err,
                            size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    cf_capture *c = calloc(1, sizeof *c);
    if (!c) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    c->last_prog = -1;
    c->path = strdup(strcmp(path, "-") ? path : "stdin"); /* for messages */
    if (!c->path || (filter && !(c->filter = strdup(filter)))) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", path);
        cf_capture_close(c);
        return NULL;
    }
    if (cf_in_open(&c->in, strcmp(path, "-") ? c->path : "-", hash, err, errlen) < 0) {
        cf_capture_close(c);
        return NULL;
    }
    int r = cf_in_need(&c->in, 8);
    if (r < 0) {
        cf_cap_copy(err, errlen, c->in.msg);
        cf_capture_close(c);
        return NULL;
    }
    const uint8_t *p = cf_in_ptr(&c->in);
    size_t avail = cf_in_avail(&c->in);
    uint32_t m = 0;
    for (size_t i = 0; i < 4 && i < avail; i++)
        m = m << 8 | p[i];
    int rc = -1;
    if (avail >= 4 &&
        (m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du || m == 0x4d3cb2a1u)) {
        c->format = 1;
        rc = cf_pcap_open(c, err, errlen);
    } else if (avail >= 4 && m == 0x0a0d0d0au) {
        c->format = 2;
        rc = cf_pcapng_open(c, err, errlen);
    } else if (avail >= 8 && memcmp(p, "snoop\0\0\0", 8) == 0) {
        cf_cap_err(c, err, errlen, "Solaris snoop format not supported (convert it to pcap)");
    } else if (avail >= 4 && (m == 0xa1b2cd34u || m == 0x34cdb2a1u)) {
        cf_cap_err(c, err, errlen, "modified (Kuznetsov) pcap format not supported");
    } else if (avail >= 6 && memcmp(p,
                                    "\xfd"
                                    "7zXZ\0",
                                    6) == 0) {
        cf_cap_err(c, err, errlen, "xz-compressed input not supported (use gzip or zstd)");
    } else if (avail >= 3 && memcmp(p, "BZh", 3) == 0) {
        cf_cap_err(c, err, errlen, "bzip2-compressed input not supported (use gzip or zstd)");
    } else if (avail < 4) {
        cf_cap_err(c, err, errlen, "not a pcap or pcapng file (only %zu bytes)", avail);
    } else {
        cf_cap_err(c, err, errlen, "not a pcap or pcapng file (magic 0x%08x)", m);
    }
    if (rc < 0) {
        cf_capture_close(c);
        return NULL;
    }
    if (c->filter) {
        /* Compile eagerly for the first link type, so that a bad expression
         * fails at open. */
        int lt = c->format == 1 ? c->linktype : cf_pcapng_first_linktype(c);
        if (lt < 0)
            lt = 1; /* no interface yet: check the syntax against Ethernet */
        char msg[256] = "";
        cf_bpf_prog *bp = compile_for(c, lt, msg, sizeof msg);
        if (!bp || !bp->ok) {
            cf_cap_err(c, err, errlen, "filter \"%s\" does not compile for link type %d: %s",
                       c->filter, lt, bp ? msg : "out of memory");
            cf_capture_close(c);
            return NULL;
        }
    }
    return c;
}

int cf_capture_next(cf_capture *c, cf_frame *f, char *err, size_t errlen)
{
    cf_in_release(&c->in); /* the previous frame is no longer in use */
    for (;;) {
        int r =
            c->format == 1 ? cf_pcap_next(c, f, err, errlen) : cf_pcapng_next(c, f, err, errlen);
        if (r != 1 || !c->filter)
            return r;
        if (filter_match(c, f))
            return 1;
        c->filtered++;
    }
}

uint64_t cf_capture_offset(const cf_capture *c)
{
    return cf_in_offset(&c->in);
}

uint64_t cf_capture_filtered(const cf_capture *c)
{
    return c->filtered;
}

const char *cf_capture_warning(const cf_capture *c)
{
    return c->warning[0] ? c->warning : NULL;
}

void cf_capture_close(cf_capture *c)
{
    if (!c)
        return;
    cf_in_close(&c->in);
    for (int i = 0; i < c->n_progs; i++)
        if (c->progs[i].ok)
            pcap_freecode(&c->progs[i].prog);
    free(c->progs);
    free(c->ifaces);
    free(c->filter);
    free(c->path);
    free(c);
}

/* Removes ext from the end of s[0..*n) if it is there (ASCII case
 * insensitive) and something is left before it. */
static int strip_ext(const char *s, size_t *n, const char *ext)
{
    size_t e = strlen(ext);
    if (*n <= e)
        return 0;
    for (size_t i = 0; i < e; i++)
        if (tolower((unsigned char)s[*n - e + i]) != ext[i])
            return 0;
    *n -= e;
    return 1;
}

void cf_capture_stem(const char *path, char *stem, size_t len)
{
    if (!stem || !len)
        return;
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    static const char *const comp[] = {".gz", ".zst", ".zstd"};
    static const char *const caps[] = {".pcapng", ".pcap", ".cap", ".dmp"};
    for (size_t i = 0; i < sizeof comp / sizeof comp[0]; i++)
        if (strip_ext(b, &n, comp[i]))
            break;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (strip_ext(b, &n, caps[i]))
            break;
    if (n >= len)
        n = len - 1;
    memcpy(stem, b, n);
    stem[n] = '\0';
}

int cf_capture_check_filter(const char *filter, char *err, size_t errlen)
{
    /* Syntax and names (ports, protocols) do not depend on the link type
     * for the expressions users write; Ethernet stands for all. */
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    if (!dead) {
        snprintf(err, errlen, "filter \"%s\": pcap_open_dead failed", filter);
        return -1;
    }
    struct bpf_program prog;
    int rc = 0;
    if (pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "filter \"%s\" does not compile: %s", filter, pcap_geterr(dead));
        rc = -1;
    } else {
        pcap_freecode(&prog);
    }
    pcap_close(dead);
    return rc;
}

int cf_capture_digest(cf_capture *c, char hex[65], char *err, size_t errlen)
{
    if (cf_in_digest(&c->in, hex) != 0) {
        cf_cap_copy(err, errlen, c->in.msg);
        return -1;
    }
    return 0;
}

int cf_capture_hash_concurrent(const cf_capture *c)
{
    return c->in.map != NULL && !c->in.digest_inline;
}

int cf_capture_is_mapped(const cf_capture *c)
{
    return c->in.map != NULL;
}

int cf_capture_hold_frames(cf_capture *c, uint64_t lag)
{
    return cf_in_hold_frames(&c->in, lag);
}

void cf_capture_digest_inline(cf_capture *c)
{
    c->in.digest_inline = c->in.map != NULL;
}

uint64_t cf_capture_file_bytes(const cf_capture *c)
{
    return c->in.map ? c->in.maplen : c->in.raw_bytes;
}

void cf_capture_set_stop(cf_capture *c, const atomic_int *stop)
{
    c->in.stop = stop;
}
