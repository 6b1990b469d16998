/* libcustomflow: packet traffic to custom flows (SPEC: README "Output
 * schema" and "Semantics").
 *
 * The one header a program embeds; the command-line tool, the Python
 * module and any other program use nothing below it. Data flows one way:
 *
 *   cf_source (capture file, stdin/FIFO, merged files, live interface,
 *              or frames of the program's own)
 *     -> decode -> flow table -> record
 *     -> cf_sink (the configured files: Parquet, JSON lines or CSV, rotated
 *                 or not; a stream on a file descriptor; a callback)
 *
 * A cf_config holds the options, set by their command-line names; a
 * cf_session is a validated configuration (device list loaded, filter
 * compiled), shared by threads; cf_run drives one source into its sinks;
 * cf_convert_inputs does what the command line does for a list of inputs.
 * A cf_reader reads back the files customflow wrote.
 *
 * Example: every record of a capture through a callback (compiled and run
 * by the tests as tests/examples/embed.c):
 *
 *     static int on_record(void *ctx, const cf_record *r)
 *     {
 *         printf("%s %s %u\n", r->device, r->remote_ip, r->remote_port);
 *         return 0;                       // non-zero stops the run
 *     }
 *
 *     char err[512];
 *     cf_config *cfg = cf_config_new();
 *     if (cf_config_set(cfg, "devices", "List_Of_Devices.txt", err, sizeof err) != 0 ||
 *         cf_config_set(cfg, "variant", "bidirectional", err, sizeof err) != 0)
 *         fail(err);
 *     cf_session *s = cf_session_new(cfg, NULL, NULL, err, sizeof err);
 *     cf_source *src = s ? cf_source_open(s, "16-09-23.pcap", err, sizeof err) : NULL;
 *     cf_sink *sink = src ? cf_sink_callback(s, on_record, NULL, err, sizeof err) : NULL;
 *     cf_report rep;
 *     int st = sink ? cf_run(s, src, &sink, 1, &rep, NULL, NULL, err, sizeof err) : -1;
 *     cf_report_free(&rep);   // (after a successful cf_run)
 *     cf_sink_free(sink);
 *     cf_source_close(src);
 *     cf_session_free(s);
 *     cf_config_free(cfg);
 *
 * Every function that can fail takes (char *err, size_t errlen) and writes
 * a one-line message there, naming the file or option at fault.
 */
#ifndef CUSTOMFLOW_H
#define CUSTOMFLOW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(CF_BUILDING_LIBRARY)
#define CF_API __attribute__((visibility("default")))
#else
#define CF_API
#endif

/* One version, used for --version, Parquet's created_by and the
 * customflow.version metadata key. */
#define CF_VERSION_MAJOR 0
#define CF_VERSION_MINOR 2
#define CF_VERSION_PATCH 0
#define CF_STR_(x) #x
#define CF_STR(x) CF_STR_(x)
#define CF_VERSION_STRING                                                                          \
    CF_STR(CF_VERSION_MAJOR) "." CF_STR(CF_VERSION_MINOR) "." CF_STR(CF_VERSION_PATCH)

/* The linked library's version ("0.2.0"), and one line naming the versions
 * of the libraries it runs on ("libpcap 1.10.3, zstd 1.5.4, zlib 1.2.13"). */
CF_API const char *cf_version(void);
CF_API const char *cf_library_versions(void);

/* ---- Enumerations (parsed and named through cf_enum_parse/cf_enum_name
 * with the option that takes them) ---- */

enum { CF_VARIANT_BI = 1, CF_VARIANT_UNI = 2, CF_VARIANT_BOTH = 3 };
typedef enum { CF_SIZE_WIRE, CF_SIZE_IP, CF_SIZE_TRANSPORT, CF_SIZE_PAYLOAD } cf_size_mode;
typedef enum { CF_CODEC_ZSTD, CF_CODEC_SNAPPY, CF_CODEC_GZIP, CF_CODEC_NONE } cf_codec;
typedef enum { CF_LAYOUT_NESTED, CF_LAYOUT_WIDE } cf_layout;
typedef enum { CF_HASH_XXH3, CF_HASH_SHA256, CF_HASH_NONE } cf_input_hash;
typedef enum { CF_FORMAT_PARQUET, CF_FORMAT_JSONL, CF_FORMAT_CSV } cf_format;

/* The value of an enumerated option's text ("variant", "bidirectional" ->
 * CF_VARIANT_BI), or -1; and the text of a value, or NULL. Options:
 * "variant", "size", "compression", "layout", "input-hash", "format". */
CF_API int cf_enum_parse(const char *option, const char *text);
CF_API const char *cf_enum_name(const char *option, int value);

/* ---- Configuration ---- */

typedef struct cf_config cf_config;

/* A configuration with every option at its default. */
CF_API cf_config *cf_config_new(void);
CF_API cf_config *cf_config_dup(const cf_config *c);
CF_API void cf_config_free(cf_config *c);

/* Sets option NAME (its long command-line name; '_' and '-' alike, so
 * "payload_bytes" is "payload-bytes") from its text, checked as the command
 * line checks it. Switches ("merge", "names") take NULL, "true" or "false";
 * "no-anonymize" is "anonymize" "false". "local" adds one range per call.
 * 0, or -1 with the message the command line prints. */
CF_API int cf_config_set(cf_config *c, const char *name, const char *value, char *err,
                         size_t errlen);
/* The text of option NAME's value (in buf; "" for an unset path), or NULL
 * for a name that is not an option. */
CF_API const char *cf_config_get(const cf_config *c, const char *name, char *buf, size_t len);

/* The options, in --help order. */
typedef struct cf_option_info {
    const char *name; /* long name: "payload-bytes" */
    char short_name;  /* 'b', or 0 */
    const char *arg;  /* placeholder of the value ("N"); NULL for a switch */
    const char *help; /* one line */
} cf_option_info;
CF_API const cf_option_info *cf_options(size_t *count);

/* A configuration as text: one "NAME=VALUE" line for each option that
 * differs from its default (every option that holds a value, those that
 * cf_options leaves out included; a repeatable option one line per value),
 * in option-table order. Reading the text back into a new configuration
 * with cf_config_read_lines gives one whose every cf_config_get equals c's.
 * Returns a malloc'd string (free() it), or NULL with a message when a
 * value holds a newline (it could not be read back) or memory ran out. */
CF_API char *cf_config_write_lines(const cf_config *c, char *err, size_t errlen);
/* Applies "NAME=VALUE" lines (NAME as in cf_config_set, VALUE everything
 * after the first '='; empty lines and lines starting with '#' skipped) to
 * c with cf_config_set, in order. 0, or -1 with "line N: " and the
 * message of the first line that does not apply. */
CF_API int cf_config_read_lines(cf_config *c, const char *text, char *err, size_t errlen);

/* ---- Session ---- */

typedef struct cf_session cf_session;
typedef void (*cf_warn_fn)(void *ctx, const char *msg);

/* Checks the whole configuration (every option, combinations, the BPF
 * filter, the device list), loads what it names, and returns a session
 * that threads may share; NULL with a one-line message on any error. warn,
 * if set, receives non-fatal messages (skipped device-list lines, ...). */
CF_API cf_session *cf_session_new(const cf_config *c, cf_warn_fn warn, void *warn_ctx, char *err,
                                  size_t errlen);
CF_API void cf_session_free(cf_session *s);
/* A copy of the session's configuration is kept; this is it. */
CF_API const cf_config *cf_session_config(const cf_session *s);

/* Asks every run of the session to stop. Safe from a signal handler and
 * from any thread: it is one store to a lock-free atomic int, read by the
 * runs with atomic loads. A live run then emits its open records, closes its
 * files and returns 0; a file conversion is abandoned, leaves no output
 * file and returns -1 ("interrupted"). */
CF_API void cf_session_stop(cf_session *s);
CF_API int cf_session_stopping(const cf_session *s);

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

/* ---- Reports ---- */

typedef struct cf_device_count {
    char *label;
    uint64_t bi, uni; /* records per variant */
} cf_device_count;

typedef enum {
    CF_STATUS_DONE,    /* read completely */
    CF_STATUS_DAMAGED, /* input ended early (message); records before it written */
    CF_STATUS_FAILED,  /* nothing written (message) */
    CF_STATUS_SKIPPED, /* --skip-existing: outputs already there (message) */
} cf_status;

typedef struct cf_report {
    char input[1024]; /* the input as named; the interface for live capture */
    char stem[256];
    cf_status status;
    char message[1024];          /* damage, failure or skip reason */
    uint64_t frames;             /* frames read */
    uint64_t bytes;              /* bytes of (decompressed) capture read */
    uint64_t packets_decoded;    /* frames that decoded to IP packets */
    uint64_t packets_attributed; /* packets in at least one record */
    uint64_t packets_no_device;  /* IP packets between two non-devices */
    uint64_t skipped[16];        /* by reason, see cf_skip_name() */
    uint64_t records_bi, records_uni;
    uint64_t early_closed; /* records closed early (--max-flows, --max-memory) */
    uint64_t out_of_order; /* records written out of first_seen order */
    /* Input identity (customflow.input_xxh3_128 / input_sha256 and
     * customflow.input_bytes): hex digest, "" when off or live. */
    char input_digest[65];
    uint64_t input_bytes;
    /* Live capture: the kernel's counts (pcap_stats) and the capture's
     * wall-clock start and end (µs since the epoch). */
    int live;
    uint64_t kernel_received, kernel_dropped, iface_dropped;
    int64_t capture_start_us, capture_end_us;
    cf_device_count *devices; /* sorted by label */
    size_t n_devices;
} cf_report;

/* Name of skip reason k (0 < k < cf_skip_count()), e.g. "not-ip". */
CF_API const char *cf_skip_name(int k);
CF_API int cf_skip_count(void);
CF_API void cf_report_free(cf_report *rep);

/* Progress of a run, now and then (at least once a second in live mode). */
typedef struct cf_progress {
    uint64_t bytes, frames, records; /* so far, whole run */
    uint32_t inputs_done, inputs;
    double seconds; /* since the run started */
    int live;
    uint64_t kernel_received, kernel_dropped, iface_dropped;
} cf_progress;
typedef void (*cf_progress_fn)(void *ctx, const cf_progress *p);

/* ---- Sources ---- */

typedef struct cf_source cf_source;

/* A frame handed to the engine by a source. */
typedef struct cf_frame {
    const uint8_t *data;
    uint32_t cap_len;  /* bytes at data */
    uint32_t wire_len; /* original length */
    int64_t ts_us;     /* microseconds since the epoch */
    int linktype;      /* LINKTYPE_* (tcpdump.org link-layer header types) */
} cf_frame;

/* A capture file (pcap or pcapng, also .gz/.zst), "-" for standard input,
 * or a FIFO. */
CF_API cf_source *cf_source_open(cf_session *s, const char *input, char *err, size_t errlen);
/* Several captures read as one, in timestamp order (ties in input order). */
CF_API cf_source *cf_source_open_merged(cf_session *s, const char *const *inputs, size_t n,
                                        char *err, size_t errlen);
/* A live interface (libpcap; needs root or CAP_NET_RAW). */
CF_API cf_source *cf_source_open_live(cf_session *s, const char *iface, char *err, size_t errlen);
/* Frames of the program's own: next returns 1 with *f filled (valid until
 * the next call), 0 at the end, -1 on error (message in err). name is the
 * input's name in reports and metadata. */
typedef int (*cf_frame_fn)(void *ctx, cf_frame *f, char *err, size_t errlen);
CF_API cf_source *cf_source_new(cf_session *s, const char *name, cf_frame_fn next, void *ctx,
                                char *err, size_t errlen);
CF_API void cf_source_close(cf_source *src);

/* ---- Sinks ---- */

typedef struct cf_sink cf_sink;

/* The configured files under the "output" option's directory, named by
 * STEM (NULL: the source's stem): per variant, a Parquet (or --format jsonl/csv) file, one per
 * --rotate interval, in the hive layout with --partition; each appears,
 * complete, once its records are final. Output "-" with jsonl or csv:
 * records on standard output as they become final. */
CF_API cf_sink *cf_sink_files(cf_session *s, const char *stem, char *err, size_t errlen);
/* JSON lines or CSV (per --format; Parquet is refused) on fd, a record a
 * line as soon as it is final (from a live source each record is written
 * through at once; from a file in batches at least every 100 ms). A reader
 * that closes the pipe makes the run fail with a one-line error: a program
 * that streams to a pipe should ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)),
 * since Linux may deliver it to any of the program's threads. */
CF_API cf_sink *cf_sink_stream(cf_session *s, int fd, char *err, size_t errlen);
/* Each record through fn (a non-zero return stops the run). */
CF_API cf_sink *cf_sink_callback(cf_session *s, cf_record_fn fn, void *ctx, char *err,
                                 size_t errlen);
CF_API void cf_sink_free(cf_sink *k);

/* ---- Running ---- */

/* Reads src to its end (or until cf_session_stop) and hands each record of
 * the configured variants, once final, to every sink; fills *rep. Returns 0
 * when the source was read completely (or a live run was stopped), 1 when
 * it was damaged part way (the records before the damage are written), -1
 * when the run failed or a file conversion was interrupted (message in err;
 * no output file left behind). rep needs cf_report_free in every case. */
CF_API int cf_run(cf_session *s, cf_source *src, cf_sink *const *sinks, size_t n_sinks,
                  cf_report *rep, cf_progress_fn progress, void *progress_ctx, char *err,
                  size_t errlen);

/* What the command line does: each input a capture, "-", or a directory
 * (every capture under it, recursively, in name order); one report per
 * capture (with --merge, one for all), --jobs captures at a time, into the
 * configured files. *reps (n_reps of them) is freed with cf_reports_free.
 * Returns 0 when every input was read completely, 1 when some input was
 * damaged, failed or the run was interrupted (see each report), -1 when
 * nothing could start (message in err). */
CF_API int cf_convert_inputs(cf_session *s, const char *const *inputs, size_t n, cf_report **reps,
                             size_t *n_reps, cf_progress_fn progress, void *progress_ctx, char *err,
                             size_t errlen);
CF_API void cf_reports_free(cf_report *reps, size_t n);

/* The captures a list of inputs names: a file (or "-") stands for itself;
 * a directory for every capture under it, recursively, in name order (byte
 * order; symbolic links to directories not followed). Captures are told by
 * their first bytes (pcap, pcapng, gzip, zstd), not their names; other
 * files are skipped and counted in a warning through the session. Inputs
 * that do not exist are passed through (converting them reports the
 * error). *captures (*n_captures paths) is freed with cf_inputs_free. 0, or
 * -1 with a message (an unreadable directory, one with no capture). */
CF_API int cf_expand_inputs(cf_session *s, const char *const *inputs, size_t n, char ***captures,
                            size_t *n_captures, char *err, size_t errlen);
CF_API void cf_inputs_free(char **captures, size_t n);

/* The output stem of an input: file name without its directory, capture
 * (.pcap, .pcapng, .cap, .dmp) and compression (.gz, .zst, .zstd)
 * extensions; "stdin" for "-". */
CF_API void cf_input_stem(const char *input, char *stem, size_t len);

/* ---- A --merge conversion split by day (customflow plan / task) ----
 *
 * The records of one UTC day (or any window of whole --rotate intervals)
 * of a --merge --rotate conversion can be made apart from the others,
 * byte for byte as the whole conversion makes them: see
 * cf_convert_window. cf_capture_scan gives what it needs of each
 * capture. */

typedef struct cf_capture_info {
    const char *path;       /* set by the caller */
    int64_t first_us;       /* earliest frame timestamp (INT64_MAX: no frame) */
    int64_t last_us;        /* latest (INT64_MIN: no frame) */
    int64_t last_packet_us; /* latest of a frame that decodes to an IP packet */
    uint64_t frames;        /* frames read */
    int ordered;            /* 1: no frame's timestamp is before its predecessor's */
    char digest[65];        /* identity (per the session's input-hash; "" for none) */
    uint64_t bytes;         /* bytes of the file as stored (customflow.input_bytes) */
    int64_t *days;          /* the UTC days that have frames (day 0: 1970-01-01), */
    size_t n_days;          /* ascending; complete when ordered */
} cf_capture_info;

/* Reads info->path to its end: timestamps, order, days, identity (and
 * decodes each frame, for last_packet_us) into *info (cf_capture_info_free it in every case). 0, 1
 * when the capture is damaged part way (info covers the frames before the damage; message in err),
 * -1 when it cannot be read (message). */
CF_API int cf_capture_scan(cf_session *s, cf_capture_info *info, char *err, size_t errlen);
/* Frees info->days (the path is the caller's). */
CF_API void cf_capture_info_free(cf_capture_info *info);

/* Into the configured files: the records with first_seen in the UTC day
 * [from_us, to_us) of the --merge conversion of caps[0..n-1] (every
 * capture of the set, in the order --merge is given them, scanned by
 * cf_capture_scan and ordered; a set of one is converted as that capture
 * alone), byte for byte as that conversion writes them: same file names
 * (the first capture's stem), same records, same metadata (the set's
 * name and identity). The configuration needs a file per day (--rotate
 * 1d, or --partition without a shorter --rotate), a lifetime of at most a
 * day and no --names; records closed early (--max-flows, --max-memory)
 * fail it.
 *
 * Reads the captures that overlap [S, to_us + 2L) from S on, S = from_us -
 * L first; when some record of the window may depend on what came before
 * S (engine/window.h explains the check), it removes what it wrote and
 * reads again from one day before from_us, then 2, 4, ... days, at most
 * from the set's first frame: the reading costs at most about twice the
 * last attempt's. *read_from_us (may be NULL) gets the S of the attempt
 * that succeeded (INT64_MIN: the set's start). Files appear only once
 * complete. 0 done, -1 failed or interrupted (message in err; no file
 * left); *rep as cf_run fills it (cf_report_free it in every case). */
CF_API int cf_convert_window(cf_session *s, const cf_capture_info *caps, size_t n, int64_t from_us,
                             int64_t to_us, cf_report *rep, int64_t *read_from_us, char *err,
                             size_t errlen);

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
#define CF_WIDE_COL_REMOTE_NAME "RemoteName" /* the wide layout's remote_name */
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
/* How context_files names a file (CF_CONTEXT_FILES_SCHEME). */
#define CF_META_CONTEXT_FILES "customflow.context_files"
#define CF_CONTEXT_FILES_SCHEME "relative to the variant directory; empty: this file"
#define CF_META_NAMES "customflow.names"
#define CF_META_NAMES_EVICTED "customflow.names_evicted" /* name-cache entries dropped */

#ifdef __cplusplus
}
#endif

#endif
