/* Capture file writer: classic pcap (microsecond and nanosecond magic, either
 * byte order) and pcapng (draft-ietf-opsawg-pcapng: SHB, one IDB per link
 * type, EPB). Every write is checked; the first failure sticks and makes
 * syn_write_frame/syn_close return -1. */
#include "gen/synth.h"

#include <stdlib.h>
#include <string.h>

#define SYN_MAX_IFACES 64
#define SYN_DEFAULT_SNAPLEN 262144u
#define SYN_STDIO_BUF (4u << 20)

struct syn_writer {
    FILE *f;
    int is_stdout;
    syn_format fmt;
    int big_endian; /* byte order of every field written */
    int ns;         /* timestamps in nanoseconds */
    int pcapng;
    int linktype; /* pcap: the file's link type */
    uint32_t snaplen;
    int nifaces;
    int iface_linktype[SYN_MAX_IFACES];
    int error;
    uint64_t bytes;
    uint64_t frames;
    char *iobuf;
};

static void put16(uint8_t *p, uint16_t v, int be)
{
    if (be) {
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
    } else {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
    }
}

static void put32(uint8_t *p, uint32_t v, int be)
{
    if (be) {
        p[0] = (uint8_t)(v >> 24);
        p[1] = (uint8_t)(v >> 16);
        p[2] = (uint8_t)(v >> 8);
        p[3] = (uint8_t)v;
    } else {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)(v >> 24);
    }
}

static void wr(syn_writer *w, const void *p, size_t n)
{
    if (w->error || n == 0)
        return;
    if (fwrite(p, 1, n, w->f) != n) {
        w->error = 1;
        return;
    }
    w->bytes += n;
}

static void write_idb(syn_writer *w, int linktype)
{
    /* Block type 1, fixed part 16 bytes + if_tsresol option (8) + end (4). */
    uint8_t b[32];
    uint32_t total = w->ns ? 32 : 20;
    int be = w->big_endian;
    memset(b, 0, sizeof b);
    put32(b, 1, be);
    put32(b + 4, total, be);
    put16(b + 8, (uint16_t)linktype, be);
    put16(b + 10, 0, be);
    put32(b + 12, w->snaplen, be);
    if (w->ns) {
        put16(b + 16, 9, be); /* if_tsresol */
        put16(b + 18, 1, be);
        b[20] = 9;            /* 10^-9 s; bytes 21..23 padding */
        put16(b + 24, 0, be); /* opt_endofopt */
        put16(b + 26, 0, be);
        put32(b + 28, total, be);
    } else {
        put32(b + 16, total, be);
    }
    wr(w, b, total);
}

syn_writer *syn_open(const char *path, syn_format fmt, int linktype, uint32_t snaplen)
{
    if (!path || linktype < 0 || linktype > 0xffff)
        return NULL;
    syn_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->fmt = fmt;
    w->snaplen = snaplen ? snaplen : SYN_DEFAULT_SNAPLEN;
    w->linktype = linktype;
    switch (fmt) {
    case SYN_PCAP_US:
        break;
    case SYN_PCAP_NS:
        w->ns = 1;
        break;
    case SYN_PCAP_US_BE:
        w->big_endian = 1;
        break;
    case SYN_PCAP_NS_BE:
        w->ns = 1;
        w->big_endian = 1;
        break;
    case SYN_PCAPNG:
        w->pcapng = 1;
        w->ns = 1;
        break;
    case SYN_PCAPNG_US:
        w->pcapng = 1;
        break;
    case SYN_PCAPNG_BE:
        w->pcapng = 1;
        w->ns = 1;
        w->big_endian = 1;
        break;
    default:
        free(w);
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        w->f = stdout;
        w->is_stdout = 1;
    } else {
        w->f = fopen(path, "wb");
    }
    if (!w->f) {
        free(w);
        return NULL;
    }
    if (!w->is_stdout) {
        w->iobuf = malloc(SYN_STDIO_BUF);
        if (w->iobuf)
            setvbuf(w->f, w->iobuf, _IOFBF, SYN_STDIO_BUF);
    }
    int be = w->big_endian;
    if (!w->pcapng) {
        uint8_t h[24];
        put32(h, w->ns ? 0xa1b23c4du : 0xa1b2c3d4u, be);
        put16(h + 4, 2, be);
        put16(h + 6, 4, be);
        put32(h + 8, 0, be);  /* thiszone */
        put32(h + 12, 0, be); /* sigfigs */
        put32(h + 16, w->snaplen, be);
        put32(h + 20, (uint32_t)linktype, be);
        wr(w, h, sizeof h);
    } else {
        uint8_t h[28];
        put32(h, 0x0a0d0d0au, be);
        put32(h + 4, 28, be);
        put32(h + 8, 0x1a2b3c4du, be);
        put16(h + 12, 1, be);
        put16(h + 14, 0, be);
        put32(h + 16, 0xffffffffu, be); /* section length: unknown (-1) */
        put32(h + 20, 0xffffffffu, be);
        put32(h + 24, 28, be);
        wr(w, h, sizeof h);
        w->iface_linktype[0] = linktype;
        w->nifaces = 1;
        write_idb(w, linktype);
    }
    return w;
}

int syn_write_frame(syn_writer *w, int linktype, int64_t ts_ns, const uint8_t *data, uint32_t len,
                    uint32_t wire_len)
{
    if (!w || (!data && len))
        return -1;
    if (w->error)
        return -1;
    uint32_t cap = len < w->snaplen ? len : w->snaplen;
    uint32_t orig = wire_len > len ? wire_len : len;
    int be = w->big_endian;
    /* Floor division so that times before the epoch stay ordered. */
    int64_t sec = ts_ns / 1000000000;
    int64_t frac = ts_ns % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        sec -= 1;
    }
    if (!w->pcapng) {
        if (linktype != w->linktype)
            return -1;
        uint8_t h[16];
        put32(h, (uint32_t)sec, be);
        put32(h + 4, (uint32_t)(w->ns ? frac : frac / 1000), be);
        put32(h + 8, cap, be);
        put32(h + 12, orig, be);
        wr(w, h, sizeof h);
        wr(w, data, cap);
    } else {
        int iface = -1;
        for (int i = 0; i < w->nifaces; i++)
            if (w->iface_linktype[i] == linktype) {
                iface = i;
                break;
            }
        if (iface < 0) {
            if (w->nifaces >= SYN_MAX_IFACES || linktype < 0 || linktype > 0xffff)
                return -1;
            iface = w->nifaces++;
            w->iface_linktype[iface] = linktype;
            write_idb(w, linktype);
        }
        uint64_t units = w->ns ? (uint64_t)ts_ns : (uint64_t)(sec * 1000000 + frac / 1000);
        uint32_t padded = (cap + 3u) & ~3u;
        uint32_t total = 32 + padded;
        uint8_t h[28];
        put32(h, 6, be);
        put32(h + 4, total, be);
        put32(h + 8, (uint32_t)iface, be);
        put32(h + 12, (uint32_t)(units >> 32), be);
        put32(h + 16, (uint32_t)units, be);
        put32(h + 20, cap, be);
        put32(h + 24, orig, be);
        wr(w, h, sizeof h);
        wr(w, data, cap);
        static const uint8_t zero[4];
        wr(w, zero, padded - cap);
        uint8_t t[4];
        put32(t, total, be);
        wr(w, t, 4);
    }
    if (w->error)
        return -1;
    w->frames++;
    return 0;
}

int syn_close(syn_writer *w)
{
    if (!w)
        return -1;
    int rc = w->error ? -1 : 0;
    if (fflush(w->f) != 0 || ferror(w->f))
        rc = -1;
    if (!w->is_stdout && fclose(w->f) != 0) {
        rc = -1;
    }
    free(w->iobuf);
    free(w);
    return rc;
}

uint64_t syn_bytes_written(const syn_writer *w)
{
    return w ? w->bytes : 0;
}

uint64_t syn_frames_written(const syn_writer *w)
{
    return w ? w->frames : 0;
}

uint32_t syn_frame_overhead(const syn_writer *w, uint32_t cap_len)
{
    if (!w)
        return 0;
    if (!w->pcapng)
        return 16;
    return 32 + (((cap_len + 3u) & ~3u) - cap_len);
}
