/* Live capture from a network interface with libpcap.
 *
 * pcap_create + pcap_activate with: a snap length that keeps the headers
 * and the first -b payload bytes of every packet; the kernel ring size
 * (-B MiB); promiscuous mode unless turned off; a read timeout of
 * CF_LIVE_TIMEOUT_MS without immediate mode, so that the kernel hands
 * packets over a block at a time; nanosecond timestamps where the kernel
 * gives them (truncated to microseconds as the file readers do); the BPF
 * filter compiled for the interface's link type and set in the kernel.
 *
 * cf_live_next() returns frames and, at least every CF_LIVE_TICK_MS, a
 * tick with a time up to which every packet has been handed out, so that
 * the caller can close the records of a quiet network
 * (cf_assembler_advance, which subtracts CF_ASSEMBLER_LIVE_SLACK_US for
 * packets stamped but still in a block the kernel has not handed over):
 * the wall clock once the ring is drained, the last frame's stamp while
 * frames keep coming (the ring may hold a backlog older than the clock).
 */
#ifndef CF_CAPTURE_LIVE_H
#define CF_CAPTURE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"

/* The read timeout handed to libpcap (a kernel ring block is handed over
 * when full or this old) and the longest time between two ticks. */
#define CF_LIVE_TIMEOUT_MS 100
#define CF_LIVE_TICK_MS 200
/* Once the stop condition holds, frames already in the ring are still
 * handed out, for at most this long. */
#define CF_LIVE_DRAIN_MS 1000

/* Snap length: room for every header before the payload (link layer, VLAN
 * tags, IPv6 extension headers, TCP options, with a wide margin) plus the
 * payload bytes kept, at most 262144 (libpcap's largest). */
#define CF_LIVE_HEADER_ROOM 2048u
#define CF_LIVE_MAX_SNAPLEN 262144u
uint32_t cf_live_snaplen(uint32_t payload_bytes);

/* Largest -B in MiB (libpcap takes the buffer size as an int of bytes). */
#define CF_LIVE_MAX_BUFFER_MIB 2047u

typedef struct cf_live_options {
    const char *iface;
    const char *filter;     /* BPF expression, or NULL */
    uint32_t payload_bytes; /* j: sets the snap length */
    uint32_t buffer_mib;    /* kernel ring; 0: libpcap's default (2 MiB) */
    int no_promisc;         /* set: capture only traffic to this host */
    /* Returns non-zero once the capture should end (checked before every
     * wait, and a wait lasts at most one tick); may be NULL. */
    int (*stopping)(const void *ctx);
    const void *stop_ctx;
} cf_live_options;

/* The kernel's counts (pcap_stats, made 64-bit) and the wall-clock span of
 * the capture (µs since the epoch; end is 0 while it runs). received: the
 * packets the filter passed (the kernel counts them as they arrive, before
 * the ring, so it includes the dropped ones); dropped: packets that passed
 * the filter but found the ring full (a slow reader: raise -B); iface_dropped:
 * packets the interface or its driver dropped before the kernel saw them. */
typedef struct cf_live_stats {
    uint64_t received, dropped, iface_dropped;
    int64_t start_us, end_us;
} cf_live_stats;

typedef struct cf_live cf_live;

/* Opens and activates the capture. NULL with a one-line message
 * ("IFACE: what is wrong") in err. A non-fatal note (promiscuous mode
 * refused, no nanosecond timestamps, ...) is kept for cf_live_warning. */
cf_live *cf_live_open(const cf_live_options *o, char *err, size_t errlen);

enum { CF_LIVE_END = 0, CF_LIVE_FRAME = 1, CF_LIVE_TICK = 2, CF_LIVE_ERROR = -1 };

/* CF_LIVE_FRAME: *f holds a frame (valid until the next call);
 * CF_LIVE_TICK: *now_us is the time up to which frames are all out (the
 * wall clock when none is waiting);
 * CF_LIVE_END: the stop condition holds and the ring is drained (or
 * CF_LIVE_DRAIN_MS passed); CF_LIVE_ERROR: message in err
 * (e.g. the interface went away). */
int cf_live_next(cf_live *l, cf_frame *f, int64_t *now_us, char *err, size_t errlen);

/* Reads the kernel's counts now (after the capture ended: the final ones). */
void cf_live_stats_get(cf_live *l, cf_live_stats *st);
/* Ends the capture: the final counts are read, end_us set; frames stop. */
void cf_live_stop(cf_live *l);
/* The link type (LINKTYPE_*) of the interface. */
int cf_live_linktype(const cf_live *l);
/* 1: timestamps are the kernel's nanoseconds (truncated to µs). */
int cf_live_nanosecond(const cf_live *l);
uint32_t cf_live_snaplen_used(const cf_live *l);
const char *cf_live_iface(const cf_live *l);
const char *cf_live_warning(const cf_live *l);
void cf_live_close(cf_live *l);

/* The wall clock (CLOCK_REALTIME, the kernel's packet clock) in µs. */
int64_t cf_live_now_us(void);

#endif
