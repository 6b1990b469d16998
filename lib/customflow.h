/* libcustomflow: packet captures to custom flows (see SPEC in the README).
 *
 * The one header a program embeds. Typical use:
 *
 *     cf_config cfg;
 *     cf_config_init(&cfg);
 *     cfg.devices_path = "List_Of_Devices.txt";
 *     char err[512];
 *     cf_session *s = cf_session_new(&cfg, err, sizeof err);
 *     cf_report rep;
 *     int st = cf_convert(s, "16-09-23.pcap", "flows", &rep, err, sizeof err);
 *     cf_report_free(&rep);
 *     cf_session_free(s);
 */
#ifndef CUSTOMFLOW_H
#define CUSTOMFLOW_H

#include <stddef.h>
#include <stdint.h>

#define CF_VERSION_STRING "0.1.0"

/* The record variants (SPEC §2); a bit set. */
enum { CF_VARIANT_BI = 1, CF_VARIANT_UNI = 2 };

/* What a packet's size is (SPEC §2). */
typedef enum { CF_SIZE_WIRE, CF_SIZE_IP, CF_SIZE_TRANSPORT, CF_SIZE_PAYLOAD } cf_size_mode;

typedef enum { CF_CODEC_ZSTD, CF_CODEC_SNAPPY, CF_CODEC_GZIP, CF_CODEC_NONE } cf_codec;

typedef enum { CF_LAYOUT_NESTED, CF_LAYOUT_WIDE } cf_layout;

typedef struct cf_config {
    uint32_t packets;         /* i: packets listed per record (default 10) */
    uint32_t payload_bytes;   /* j: payload bytes kept per packet (default 1000) */
    int64_t lifetime_us;      /* L (default 60 s) */
    int variants;             /* CF_VARIANT_BI | CF_VARIANT_UNI (default both) */
    cf_size_mode size_mode;   /* default CF_SIZE_WIRE */
    int anonymize;            /* write local remotes as 0.0.0.0 / :: (default 1) */
    cf_codec codec;           /* default zstd */
    cf_layout layout;         /* default nested */
    uint32_t payload_cells;   /* wide layout: B (default 3000) */
    const char *filter;       /* BPF expression or NULL */
    const char *devices_path; /* device list or NULL */
    const char *const *local; /* extra local prefixes (CIDR text) */
    size_t n_local;
    size_t max_flows; /* open records cap per variant (0: none) */
    int input_hash;   /* record the input's SHA-256 in the metadata (default 1);
                         it costs a second core, or the wall time of hashing */
} cf_config;

void cf_config_init(cf_config *c);

/* A loaded configuration: device list, local ranges. Reusable across
 * captures and safe to share between threads converting different files. */
typedef struct cf_session cf_session;

/* NULL with a one-line message in err on failure (unreadable device list,
 * bad prefix, bad numbers). warn, if set, receives non-fatal messages
 * (e.g. skipped device-list lines). */
cf_session *cf_session_new(const cf_config *c, char *err, size_t errlen,
                           void (*warn)(void *ctx, const char *msg), void *warn_ctx);
void cf_session_free(cf_session *s);

/* Per-input counters of one conversion. */
typedef struct cf_device_count {
    char *label;
    uint64_t bi, uni; /* records per variant */
} cf_device_count;

typedef struct cf_report {
    char stem[256];
    uint64_t frames;             /* frames read from the capture */
    uint64_t bytes;              /* bytes of (decompressed) capture read */
    uint64_t packets_decoded;    /* frames that decoded to IP packets */
    uint64_t packets_attributed; /* packets in at least one record */
    uint64_t packets_no_device;  /* IP packets between two non-devices */
    uint64_t skipped[16];        /* by reason, see cf_skip_name() */
    uint64_t records_bi, records_uni;
    uint64_t early_closed; /* records closed early by max_flows */
    uint64_t out_of_order; /* records written out of first_seen order
                              (only: max_flows reached and the clock
                              stepped back) */
    int damaged;           /* input ended early: message in damage */
    char damage[512];
    cf_device_count *devices; /* sorted by label */
    size_t n_devices;
} cf_report;

/* Name of skip reason k (0 < k < cf_skip_count()), e.g. "not-ip". */
const char *cf_skip_name(int k);
int cf_skip_count(void);

/* Progress callback: called now and then with bytes and frames done. */
typedef void (*cf_progress_fn)(void *ctx, uint64_t bytes, uint64_t frames);

/* Converts one capture into OUT/bidirectional/STEM.parquet and/or
 * OUT/unidirectional/STEM.parquet. Returns 0 when the capture was read
 * completely, 1 when it was damaged part way (the files hold the records of
 * the packets before the damage; rep->damage says where), -1 when nothing
 * could be written (message in err; no output file left behind).
 * stop, if non-NULL, is polled: when it becomes non-zero the conversion is
 * abandoned, its files removed, and -1 returned. */
int cf_convert(cf_session *s, const char *capture_path, const char *out_dir, cf_report *rep,
               cf_progress_fn progress, void *progress_ctx, volatile const int *stop, char *err,
               size_t errlen);

void cf_report_free(cf_report *rep);

#endif
