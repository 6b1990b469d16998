/* The record as a sink receives it: customflow.h's public cf_record (SPEC
 * §2, remote address already anonymised and formatted), and the names the
 * sinks share with the public header (CF_COL_*, cf_format).
 *
 * Until the public API lands in customflow.h this holds a copy of those
 * definitions under the name cf_outrec (the engine's own record in
 * flow/record.h is also called cf_record); afterwards cf_outrec is simply
 * the public cf_record. */
#ifndef CF_SINK_OUTREC_H
#define CF_SINK_OUTREC_H

#include <stdint.h>

#include "customflow.h"

#ifdef CF_COL_DEVICE
typedef cf_record cf_outrec;
#else
enum { CF_VARIANT_BOTH = 3 };
typedef enum { CF_FORMAT_PARQUET, CF_FORMAT_JSONL, CF_FORMAT_CSV } cf_format;

typedef struct cf_outrec {
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
} cf_outrec;

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
#endif

/* The variant's name as written in metadata, directories and the text
 * stream's "variant" column. */
static inline const char *cf_variant_dir(int variant)
{
    return variant == CF_VARIANT_UNI ? "unidirectional" : "bidirectional";
}

#endif
