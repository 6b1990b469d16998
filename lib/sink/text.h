/* Records as text (SPEC §7 "Text stream"): JSON lines or CSV, one record a
 * line, with the nested layout's column names (CF_COL_*).
 *
 * Values: first_seen in integer microseconds since the epoch; lists as JSON
 * arrays, or in CSV as one field whose items are separated by ';' (a CSV
 * list of n empty payloads is n-1 semicolons; pkt_payload always has as
 * many items as pkt_size); pkt_payload items as lowercase hex; strings
 * JSON-escaped or CSV-quoted (RFC 4180: a field holding ',', '"', CR or LF
 * is quoted, quotes doubled). Bytes that are not valid UTF-8 are written as
 * U+FFFD, one per byte, so every line is valid UTF-8 text.
 *
 * Columns, in this order: variant (with CF_TEXT_VARIANT, when both variants
 * go to one stream: "bidirectional" or "unidirectional"), device,
 * first_seen, remote_ip, protocol, device_port, remote_port, total_bytes,
 * total_packets, pkt_offset_us, pkt_size, pkt_direction, pkt_payload, then
 * remote_name (CF_TEXT_NAMES) and context_rows, context_files
 * (CF_TEXT_CONTEXT). CSV starts with a header line of these names.
 *
 * Writes are buffered (64 KiB). flush_ms says when a record is also written
 * through at once: 0 always (a live stream: a consumer of the pipe sees each
 * record as soon as it is final), N > 0 when N ms have passed since the last
 * write (a converted file streamed to a pipe: one write per batch, yet no
 * record waits long while records keep coming), < 0 never (files). A closed
 * pipe gives an error (EPIPE); SIGPIPE is held off in the writing thread
 * (a multi-threaded program must also ignore it: see text.c).
 */
#ifndef CF_SINK_TEXT_H
#define CF_SINK_TEXT_H

#include <stddef.h>

#include "customflow.h"

enum {
    CF_TEXT_VARIANT = 1, /* a "variant" column first */
    CF_TEXT_NAMES = 2,   /* remote_name column (--names) */
    CF_TEXT_CONTEXT = 4, /* context_rows and context_files columns (--context) */
};

typedef struct cf_textout cf_textout;

/* A writer of format (CF_FORMAT_JSONL or CF_FORMAT_CSV) on fd, which it does
 * not close; name is how errors name the output ("stdout", a path). NULL
 * when out of memory or for another format. */
cf_textout *cf_textout_new(int fd, const char *name, cf_format format, unsigned columns,
                           int flush_ms);
/* Changes flush_ms (see above). */
void cf_textout_set_flush(cf_textout *t, int flush_ms);
/* Appends one record. 0, or -1 with a one-line message. */
int cf_textout_record(cf_textout *t, const cf_record *r, char *err, size_t errlen);
/* Writes everything buffered (the CSV header at least). 0, or -1. */
int cf_textout_flush(cf_textout *t, char *err, size_t errlen);
/* Records written so far. */
unsigned long long cf_textout_records(const cf_textout *t);
/* Frees the writer (unflushed bytes are dropped); fd stays open. */
void cf_textout_free(cf_textout *t);

#endif
