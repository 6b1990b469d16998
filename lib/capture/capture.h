/* Capture input: pcap and pcapng files, read by the project's own readers
 * (libpcap refuses pcapng files that mix link types, and cannot say where a
 * damaged record sits), transparently from .gz (zlib) and .zst (libzstd)
 * archives as well. BPF filters are compiled and run by libpcap
 * (pcap_open_dead + pcap_compile + pcap_offline_filter, one program per link
 * type met).
 *
 * cf_capture_next() hands out one frame at a time with its link type (pcapng
 * files may mix interfaces of different link types) and a microsecond
 * timestamp (nanosecond files are truncated to microseconds).
 */
#ifndef CF_CAPTURE_CAPTURE_H
#define CF_CAPTURE_CAPTURE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "customflow.h"

typedef struct cf_capture cf_capture;

/* Opens a capture ("-": standard input). filter (may be NULL) is a BPF
 * expression in libpcap syntax, applied to every frame; hash the digest
 * cf_capture_digest gives. Returns NULL with a one-line message ("FILE:
 * what is wrong") in err. (cf_frame is the public type of customflow.h.) */
cf_capture *cf_capture_open(const char *path, const char *filter, cf_input_hash hash, char *err,
                            size_t errlen);

/* 1: *f holds the next frame (valid until the next call); 0: end of file;
 * -1: the file is damaged from here on, message in err (frames before it
 * were delivered). */
int cf_capture_next(cf_capture *c, cf_frame *f, char *err, size_t errlen);

/* Bytes of the (decompressed) capture consumed so far, for progress. */
uint64_t cf_capture_offset(const cf_capture *c);

void cf_capture_close(cf_capture *c);

/* Digest of the capture file as stored (see cf_in_digest), "" when the
 * kind is none: for a regular file it may run on another thread while frames
 * are read; for a pipe, call it once reading is over. 0, or -1 with a
 * message in err. */
int cf_capture_digest(cf_capture *c, char hex[65], char *err, size_t errlen);
/* 1 when cf_capture_digest may run concurrently with cf_capture_next (a
 * mapped file, not digested inline). */
int cf_capture_hash_concurrent(const cf_capture *c);
/* 1 when the file is read through a mapping (reads never block). */
int cf_capture_is_mapped(const cf_capture *c);
/* Frames stay valid for lag bytes of reading after they are handed out
 * (see cf_in_hold_frames): 1 when that holds (a plain mapped file), 0 when
 * a frame is overwritten by the next read. */
int cf_capture_hold_frames(cf_capture *c, uint64_t lag);
/* Digest a mapped file inline, as it is consumed, instead (call before the
 * first frame; ignored for pipes, which are always digested as read). */
void cf_capture_digest_inline(cf_capture *c);
/* Size of the capture file as stored (0 for a pipe until read to its end). */
uint64_t cf_capture_file_bytes(const cf_capture *c);
/* A raised *stop makes a read blocked on a slow pipe give up when a signal
 * arrives (instead of waiting for data). */
void cf_capture_set_stop(cf_capture *c, const atomic_int *stop);

/* Checks that a BPF expression compiles (against Ethernet), so that a bad
 * --filter is a usage error before any work. 0, or -1 with a message. */
int cf_capture_check_filter(const char *filter, char *err, size_t errlen);

/* Added. Timestamps are clamped to +-CF_CAPTURE_TS_MAX (9999-12-31
 * 23:59:59.999999 UTC, the last instant most Parquet readers can show):
 * pcapng allows 64-bit timestamps far beyond it. */
#define CF_CAPTURE_TS_MAX INT64_C(253402300799999999)

/* Added. Frames dropped by the filter so far. */
uint64_t cf_capture_filtered(const cf_capture *c);

/* Added. A non-fatal note about the input (e.g. the filter cannot be
 * compiled for a link type met mid-file, whose frames are then dropped),
 * or NULL. */
const char *cf_capture_warning(const cf_capture *c);

/* STEM of a capture path: file name without directory, capture
 * (.pcap, .pcapng, .cap, .dmp) and compression (.gz, .zst, .zstd) extensions,
 * one of each, compression first, ASCII case-insensitive; a name that is
 * nothing but an extension (".pcap") is kept whole. */
void cf_capture_stem(const char *path, char *stem, size_t len);

#endif
