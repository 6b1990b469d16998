/* Private state of a cf_capture, shared by capture.c and the two readers. */
#ifndef CF_CAPTURE_CAPTURE_INT_H
#define CF_CAPTURE_CAPTURE_INT_H

#include "capture/capture.h"
#include "capture/instream.h"

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* A pcap record's captured length above max(snaplen, 256 KiB) is damage;
 * no record or block may exceed 256 MiB whatever the header says. */
#define CF_PCAP_MIN_MAXCAP 262144u
#define CF_MAX_BLOCK (256u * 1024 * 1024)
#define CF_MAX_IFACES 65536u

/* How an interface's timestamp units become microseconds. */
typedef struct cf_iface {
    int linktype;
    uint32_t snaplen;
    uint64_t units; /* timestamp units per second */
    uint64_t div;   /* units % 1e6 == 0: us = ts / div */
    uint64_t mul;   /* 1e6 % units == 0: us = ts * mul */
    int64_t off_us; /* if_tsoffset in microseconds */
} cf_iface;

typedef struct cf_bpf_prog cf_bpf_prog;

struct cf_capture {
    cf_in in;
    char *path;
    int format; /* 1 pcap, 2 pcapng */
    int swap;   /* file byte order differs from the host's */
    /* pcap */
    int nsec;
    int linktype;
    uint32_t snaplen, maxcap;
    /* pcapng */
    cf_iface *ifaces;
    uint32_t n_ifaces, cap_ifaces;
    int64_t last_ts;
    /* filter */
    char *filter;
    cf_bpf_prog *progs;
    int n_progs;
    int last_prog; /* index of the program used for the previous frame */
    uint64_t filtered;
    char warning[512];
    uint64_t scout_at; /* offset of the furthest record asked for ahead */
    uint32_t ahead;    /* records between the reader and scout_at */
};

static inline uint16_t cf_rd16(const uint8_t *p, int swap)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return swap ? __builtin_bswap16(v) : v;
}
static inline uint32_t cf_rd32(const uint8_t *p, int swap)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

static inline uint64_t cf_rd64(const uint8_t *p, int swap)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return swap ? __builtin_bswap64(v) : v;
}

/* Keeps the memory fetches CF_SCOUT_AHEAD records ahead of the reader,
 * called once the reader has moved to its next record. A record's length
 * is the 32-bit field at len_off plus fixed bytes (pcap: caplen at 8, plus
 * the 16-byte header; pcapng: the block length at 4). The scout reads the
 * length of the record it asked for on an earlier call (in cache by now)
 * to find the next one, and asks for that. Records are often a page apart:
 * without this, half the conversion time was spent waiting for record
 * headers. Lengths are only trusted to stay inside the buffer; the readers
 * check every record they return. */
#define CF_SCOUT_AHEAD 3
static inline void cf_capture_scout(cf_capture *c, size_t len_off, uint32_t fixed)
{
    cf_in *in = &c->in;
    uint64_t here = cf_in_offset(in);
    if (c->scout_at < here || c->ahead == 0) {
        c->scout_at = here;
        c->ahead = 0;
    } else {
        c->ahead--;
    }
    uint64_t end = in->base + in->end;
    while (c->ahead < CF_SCOUT_AHEAD && c->scout_at + len_off + 4 <= end) {
        const uint8_t *p = in->buf + (c->scout_at - in->base);
        uint64_t next = c->scout_at + fixed + cf_rd32(p + len_off, c->swap);
        if (next <= c->scout_at || next + 128 > end)
            break;
        c->scout_at = next;
        c->ahead++;
        __builtin_prefetch(in->buf + (next - in->base));
        __builtin_prefetch(in->buf + (next - in->base) + 64);
    }
}

/* Host is big endian? */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CF_HOST_BE 1
#else
#define CF_HOST_BE 0
#endif

static inline void cf_cap_copy(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

void cf_cap_err(const cf_capture *c, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Readers: open parses the file header (the stream sits at its start). */
int cf_pcap_open(cf_capture *c, char *err, size_t errlen);
int cf_pcap_next(cf_capture *c, cf_frame *f, char *err, size_t errlen);
int cf_pcapng_open(cf_capture *c, char *err, size_t errlen);
int cf_pcapng_next(cf_capture *c, cf_frame *f, char *err, size_t errlen);
/* Link type of the first interface of a pcapng file if its first IDB
 * follows the SHB, else -1 (does not consume anything). */
int cf_pcapng_first_linktype(cf_capture *c);

/* Clamps a microsecond timestamp to [-CF_CAPTURE_TS_MAX, CF_CAPTURE_TS_MAX]. */
static inline int64_t cf_ts_clamp(__int128 us)
{
    if (us > CF_CAPTURE_TS_MAX)
        return CF_CAPTURE_TS_MAX;
    if (us < -CF_CAPTURE_TS_MAX)
        return -CF_CAPTURE_TS_MAX;
    return (int64_t)us;
}

#endif
