/* Packet sources (internal side of cf_source in customflow.h).
 *
 * A source hands out frames in arrival order. A live source also wakes the
 * pipeline when no frame comes, so that the wall clock can close records
 * of a quiet network (SPEC §7). The pipeline does not know whether frames
 * come from a file, a pipe, several merged files or an interface.
 */
#ifndef CF_ENGINE_SOURCE_H
#define CF_ENGINE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "customflow.h"

enum {
    CF_SRC_END = 0,      /* no more frames */
    CF_SRC_FRAME = 1,    /* *f holds a frame (valid until the next call) */
    CF_SRC_TICK = 2,     /* no frame now; *now_us is the wall clock (live only) */
    CF_SRC_DAMAGED = -1, /* the input is damaged from here on (message in err) */
};

typedef struct cf_source_ops {
    /* Next frame, a tick or the end. Live sources return CF_SRC_TICK at
     * least every 250 ms when no frame arrives, and CF_SRC_END once the
     * session is stopping. */
    int (*next)(cf_source *src, cf_frame *f, int64_t *now_us, char *err, size_t errlen);
    /* Bytes consumed so far (progress); 0 for live. */
    uint64_t (*offset)(const cf_source *src);
    /* The input's identity (customflow.input_xxh3_128 or input_sha256 per
     * the session's input-hash option): hex digest into hex, byte count
     * into *bytes. Called after the last frame; may wait for a hashing
     * thread. 0, or -1 with a message. Live sources leave hex empty. */
    int (*identity)(cf_source *src, char hex[65], uint64_t *bytes, char *err, size_t errlen);
    /* Live: interface, kernel counts, capture start/end into rep. */
    void (*live_stats)(cf_source *src, cf_report *rep);
    /* A note about the input for the user (e.g. the filter cannot be
     * compiled for a link type met mid-file), or NULL. */
    const char *(*warning)(const cf_source *src);
    void (*close)(cf_source *src);
    /* Optional: frames stay valid until lag more bytes have been read
     * (another thread may use them meanwhile). 1 if so, 0 (or no such op)
     * when a frame is only valid until the next call. */
    int (*hold_frames)(cf_source *src, uint64_t lag);
} cf_source_ops;

struct cf_source {
    const cf_source_ops *ops;
    cf_session *session;
    int live;        /* frames come from an interface: live rules apply */
    int blocking;    /* a read may wait for data (pipe, FIFO, stdin, interface) */
    char name[1024]; /* input as named (path, "-", interface) */
    char stem[256];  /* output stem */
};

/* cf_source_open with the input's identity computed by hash (CF_HASH_NONE:
 * not at all) rather than by the session's input-hash; and the merged
 * source of such inputs (a day's task takes the set's identity from the
 * plan). */
cf_source *cf_source_open_hashing(cf_session *s, const char *input, cf_input_hash hash, char *err,
                                  size_t errlen);
cf_source *cf_source_open_merged_hashing(cf_session *s, const char *const *inputs, size_t n,
                                         cf_input_hash hash, char *err, size_t errlen);

#endif
