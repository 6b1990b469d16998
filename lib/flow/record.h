/* A custom flow record (SPEC §2) and the assembler that builds them from
 * decoded packets (SPEC §1). */
#ifndef CF_FLOW_RECORD_H
#define CF_FLOW_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "decode/packet.h"
#include "flow/devices.h"

/* CF_VARIANT_BI/UNI and cf_size_mode come from the public header. One
 * assembler builds both variants from one pass, sharing attribution (device
 * lookup) and fragment tracking. The unidirectional variant sees only
 * device -> remote packets (SPEC §2). */
#include "customflow.h"

typedef struct cf_flowrec {
    const char *device; /* label, interned: valid while the assembler lives */
    int64_t first_seen; /* µs */
    cf_addr device_ip;
    cf_addr remote_ip; /* the real address; anonymised when written */
    uint8_t protocol;
    uint16_t device_port, remote_port;
    int64_t total_bytes;
    int64_t total_packets;
    uint32_t n;         /* packets kept: min(total_packets, i) */
    int64_t *offset_us; /* [i] */
    int32_t *size;      /* [i] */
    int8_t *direction;  /* [i] */
    uint8_t **payload;  /* [i], each payload_len[k] bytes */
    uint32_t *payload_len;
    uint64_t seq;            /* creation order, tie-break for equal first_seen */
    const char *remote_name; /* with options.names: "" unknown; else NULL */
} cf_flowrec;

struct cf_namecache;

typedef struct cf_assembler_options {
    /* --names: DNS answers to devices feed this cache, and each record
     * gets a remote name (names/recname.h); NULL: off. */
    struct cf_namecache *names;
    uint32_t packets;       /* i */
    uint32_t payload_bytes; /* j */
    int64_t lifetime_us;    /* L */
    cf_size_mode size_mode;
    int variants; /* CF_VARIANT_BI | CF_VARIANT_UNI */
    /* Cap on open records, and on closed records waiting for their turn to
     * be emitted (0: no cap). Past it the oldest open records are closed
     * early and the oldest waiting ones emitted at once; only when the
     * capture's clock also steps back can a record then leave out of
     * first_seen order (counted in out_of_order). */
    size_t max_flows;
    /* Budget of bytes held by open and waiting records (the records, their
     * per-packet arrays and the payload copies they refer to; a packet's
     * payload is held once however many records list it). Past it the
     * oldest records are let go as under max_flows: closed early (counted
     * in early_closed) and emitted. Never more than a quarter of the
     * machine's memory; 0: that quarter. */
    uint64_t max_memory_bytes;
    /* G, how far back in time a later packet may go and still be placed
     * as an unbounded-memory assembler would place it. Records are emitted
     * before cf_assembler_finish once no packet within G of the newest
     * timestamp can change them: an open record whose first_seen + L <=
     * newest - G is closed (it can take no packet at or after newest - G),
     * and a closed record is emitted once its first_seen <= newest - G and
     * it precedes every open record. 0 means G = L; < 0 keeps every record
     * until finish (exact for any capture, memory grows with it). A capture
     * whose clock jumps back by more than G may therefore split a record an
     * unbounded assembler would keep whole, and may give records out of
     * first_seen order (counted in out_of_order). A packet more than G
     * older than the newest timestamp restarts the clock from its own
     * time, so a single bogus future timestamp splits each record open at
     * that moment once, not every record after it. */
    int64_t hold_us;
    /* Read-back check of a day's task (engine/window.h), for a stream
     * that starts at anchor_from_us (frames before it left out) and never
     * goes back in time. A record is anchored when its key's record
     * boundaries are those of the whole stream: its first packet follows
     * the key's previous packet by at least L (so it starts a record
     * whatever came before), or the record follows an anchored one. The
     * first packet of a key is such a gap only when at least L of stream
     * precedes it (ts >= anchor_from_us + L). Each packet with a
     * timestamp in [check_from_us, check_to_us) that goes into a record
     * not anchored, and each non-first fragment whose first fragment was
     * not seen (it may be before anchor_from_us), counts in unanchored.
     * check 0: off. */
    int check;
    int64_t anchor_from_us, check_from_us, check_to_us;
} cf_assembler_options;

/* Called for each finished record of a variant, in first_seen order per
 * variant (ties by creation order). The record is only valid during the
 * call. Non-zero return stops the assembly (cf_assembler_add then returns
 * that value). */
typedef int (*cf_record_sink)(void *ctx, int variant, const cf_flowrec *r);

typedef struct cf_assembler cf_assembler;

/* Payload sizes of every packet in a record (not only the first i), for
 * the summary's payload-size distribution: payload_hist[n] counts packets
 * with a transport payload of n bytes; the last slot, CF_PAYLOAD_HIST_MAX,
 * counts every packet of that size or more. */
#define CF_PAYLOAD_HIST_MAX 65535

typedef struct cf_variant_stats {
    uint64_t *payload_hist; /* [CF_PAYLOAD_HIST_MAX + 1], NULL when off */
    uint64_t records;       /* records emitted */
    uint64_t early_closed;  /* records closed early by max_flows */
    uint64_t max_open;      /* peak of open records */
    uint64_t out_of_order;  /* records emitted before an already emitted
                               one (clock jumped back by more than G) */
} cf_variant_stats;

typedef struct cf_assembler_stats {
    uint64_t packets_in;         /* packets offered */
    uint64_t packets_attributed; /* packets that went into at least one record */
    uint64_t packets_no_device;  /* neither endpoint is a device */
    uint64_t unanchored;         /* see check in cf_assembler_options */
    cf_variant_stats bi, uni;
} cf_assembler_stats;

cf_assembler *cf_assembler_new(const cf_assembler_options *o, const cf_devices *devices,
                               const cf_localnets *local, cf_record_sink sink, void *ctx);
/* Offers one decoded packet. Returns 0, or the sink's non-zero value. */
int cf_assembler_add(cf_assembler *a, const cf_packet *p);
/* Live capture: the wall clock NOW_US is the newest time. Every open
 * record whose first_seen + L <= now_us - CF_ASSEMBLER_LIVE_SLACK_US is
 * closed, and every closed record with first_seen at or before that
 * instant is emitted (in order), so that a quiet network's records come
 * out. The slack covers packets still in the kernel's ring when the clock
 * is read: a packet is stamped when it arrives, and the capture hands a
 * block of the ring over when it is full or CF_LIVE_TIMEOUT_MS old
 * (capture/live.h), so a packet stamped up to that long before now may
 * still come; the slack is five times that. A packet older than the slack
 * after all (a reader far behind the kernel, a clock step) opens a new
 * record and may come out of order (out_of_order). Offline conversion
 * never calls this: its records close by the packet clock alone. Returns
 * 0, or the sink's non-zero value. */
#define CF_ASSEMBLER_LIVE_SLACK_US 500000
int cf_assembler_advance(cf_assembler *a, int64_t now_us);
/* Closes every open record (end of capture), emitting them in order. */
int cf_assembler_finish(cf_assembler *a);
const cf_assembler_stats *cf_assembler_stats_get(const cf_assembler *a);
/* The earliest first_seen a record emitted from now on can have (for
 * closing rotated files): the oldest open or waiting record, or the
 * clock minus G (live: or the wall clock of cf_assembler_advance minus its
 * slack, when later). Only a clock that steps back by more than G can break it
 * (such records are counted in out_of_order). INT64_MIN before any packet
 * or with G < 0. */
int64_t cf_assembler_horizon(const cf_assembler *a);
void cf_assembler_free(cf_assembler *a);

#endif
