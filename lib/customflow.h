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

/* ==== From the public API draft (branch api): records, the reader and
 * the schema names. ==== */

#if defined(__GNUC__) && defined(CF_BUILDING_LIBRARY)
#define CF_API __attribute__((visibility("default")))
#else
#define CF_API
#endif

/* ---- Records ---- */

/* One custom flow as written (SPEC §2). Pointers are valid during the
 * callback (or until the next cf_reader_next) only. */
typedef struct cf_record {
    int variant;           /* CF_VARIANT_BI or CF_VARIANT_UNI */
    const char *device;    /* label */
    int64_t first_seen;    /* microseconds since the epoch, UTC */
    const char *remote_ip; /* as written: local remotes anonymised */
    uint8_t protocol;      /* IP protocol number */
    uint16_t device_port, remote_port;
    int64_t total_bytes, total_packets;
    uint32_t n;                       /* packets listed: min(total_packets, i) */
    const int64_t *offset_us;         /* [n] timestamp - first_seen */
    const int32_t *size;              /* [n] per --size */
    const int8_t *direction;          /* [n] 1 device -> remote, 0 remote -> device */
    const uint8_t *const *payload;    /* [n] first j payload bytes */
    const uint32_t *payload_len;      /* [n] */
    const char *remote_name;          /* --names: the remote's name, "" unknown;
                                         NULL without --names */
    uint32_t n_context;               /* --context K: the device's previous records */
    const int64_t *context_rows;      /* [n_context] row index in its file */
    const char *const *context_files; /* [n_context] the file ("" this one) */
} cf_record;

typedef int (*cf_record_fn)(void *ctx, const cf_record *r);

/* ---- Reading the files customflow wrote ---- */

typedef struct cf_reader cf_reader;

/* Either layout; a file that is not a customflow record file is an error. */
CF_API cf_reader *cf_reader_open(const char *path, char *err, size_t errlen);
CF_API uint64_t cf_reader_rows(const cf_reader *r);
/* A key-value metadata entry (CF_META_*), or NULL when absent. */
CF_API const char *cf_reader_meta(const cf_reader *r, const char *key);
/* 1: *rec holds the next record (valid until the next call); 0: end; -1:
 * the file is damaged (message in err). */
CF_API int cf_reader_next(cf_reader *r, cf_record *rec, char *err, size_t errlen);
CF_API void cf_reader_close(cf_reader *r);
/* Reading only the record keys: cf_reader_next leaves out the per-packet
 * lists (n = 0, their pointers NULL) and their columns are not decoded, so
 * counting records (customflow summary) reads a small part of a file (in
 * the wide layout the payload cells are nearly all of it). Call before the
 * first cf_reader_next. */
CF_API void cf_reader_skip_lists(cf_reader *r, int skip);

/* ---- The schema, defined once ---- */

/* Nested layout column names (SPEC §2); the wide layout's are in the README. */
#define CF_COL_DEVICE "device"
#define CF_COL_FIRST_SEEN "first_seen"
#define CF_COL_REMOTE_IP "remote_ip"
#define CF_COL_PROTOCOL "protocol"
#define CF_COL_DEVICE_PORT "device_port"
#define CF_COL_REMOTE_PORT "remote_port"
#define CF_COL_TOTAL_BYTES "total_bytes"
#define CF_COL_TOTAL_PACKETS "total_packets"
#define CF_COL_PKT_OFFSET "pkt_offset_us"
#define CF_COL_PKT_SIZE "pkt_size"
#define CF_COL_PKT_DIRECTION "pkt_direction"
#define CF_COL_PKT_PAYLOAD "pkt_payload"
#define CF_COL_REMOTE_NAME "remote_name"
#define CF_COL_CONTEXT_ROWS "context_rows"
#define CF_COL_CONTEXT_FILES "context_files"

/* Key-value metadata of every file. */
#define CF_META_VERSION "customflow.version"
#define CF_META_VARIANT "customflow.variant"
#define CF_META_PACKETS "customflow.packets"
#define CF_META_PAYLOAD_BYTES "customflow.payload_bytes"
#define CF_META_LIFETIME "customflow.lifetime_s"
#define CF_META_SIZE "customflow.size"
#define CF_META_ANONYMIZE "customflow.anonymize"
#define CF_META_LAYOUT "customflow.layout"
#define CF_META_FILTER "customflow.filter"
#define CF_META_INPUT "customflow.input"
#define CF_META_INPUT_XXH3 "customflow.input_xxh3_128"
#define CF_META_INPUT_SHA256 "customflow.input_sha256"
#define CF_META_INPUT_BYTES "customflow.input_bytes"
#define CF_META_EARLY_CLOSED "customflow.early_closed"
#define CF_META_OUT_OF_ORDER "customflow.out_of_order"
#define CF_META_PAYLOAD_HIST "customflow.payload_hist"
#define CF_META_INPUT_DAMAGED "customflow.input_damaged"
#define CF_META_INTERFACE "customflow.interface"
#define CF_META_CAPTURE_START "customflow.capture_start_us"
#define CF_META_CAPTURE_END "customflow.capture_end_us"
#define CF_META_KERNEL_RECEIVED "customflow.kernel_received"
#define CF_META_KERNEL_DROPPED "customflow.kernel_dropped"
#define CF_META_IFACE_DROPPED "customflow.iface_dropped"
#define CF_META_ROTATE "customflow.rotate_s"
#define CF_META_CONTEXT "customflow.context"
#define CF_META_NAMES "customflow.names"

#endif
