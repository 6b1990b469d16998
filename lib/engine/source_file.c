/* The capture-file source: a pcap/pcapng file, compressed or not, standard
 * input or a FIFO (lib/capture). The input's identity (XXH3-128 or SHA-256 of
 * the file as stored) is computed on a second thread while a mapped file is
 * read, and as the bytes pass for a pipe. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "engine/session.h"
#include "engine/source.h"

typedef struct file_source {
    cf_source base;
    cf_capture *cap;
    pthread_t hasher;
    int hashing; /* the hash thread runs */
    int hash_failed;
    char hex[65];
    char hash_err[512];
} file_source;

static void *hash_thread(void *arg)
{
    file_source *fs = arg;
    fs->hash_failed = cf_capture_digest(fs->cap, fs->hex, fs->hash_err, sizeof fs->hash_err) != 0;
    return NULL;
}

static int file_next(cf_source *src, cf_frame *f, int64_t *now_us, char *err, size_t errlen)
{
    (void)now_us;
    file_source *fs = (file_source *)src;
    int r = cf_capture_next(fs->cap, f, err, errlen);
    return r == 1 ? CF_SRC_FRAME : r == 0 ? CF_SRC_END : CF_SRC_DAMAGED;
}

static uint64_t file_offset(const cf_source *src)
{
    return cf_capture_offset(((const file_source *)src)->cap);
}

static int file_identity(cf_source *src, char hex[65], uint64_t *bytes, char *err, size_t errlen)
{
    file_source *fs = (file_source *)src;
    if (fs->hashing) {
        pthread_join(fs->hasher, NULL);
        fs->hashing = 0;
    } else if (!fs->hex[0] && !fs->hash_failed) {
        hash_thread(fs);
    }
    if (fs->hash_failed) {
        snprintf(err, errlen, "%s", fs->hash_err);
        return -1;
    }
    memcpy(hex, fs->hex, sizeof fs->hex);
    *bytes = cf_capture_file_bytes(fs->cap);
    return 0;
}

static int file_hold_frames(cf_source *src, uint64_t lag)
{
    return cf_capture_hold_frames(((file_source *)src)->cap, lag);
}

static const char *file_warning(const cf_source *src)
{
    return cf_capture_warning(((const file_source *)src)->cap);
}

static void file_close(cf_source *src)
{
    file_source *fs = (file_source *)src;
    if (fs->hashing)
        pthread_join(fs->hasher, NULL);
    cf_capture_close(fs->cap);
    free(fs);
}

static const cf_source_ops file_ops = {
    .next = file_next,
    .offset = file_offset,
    .identity = file_identity,
    .live_stats = NULL,
    .warning = file_warning,
    .close = file_close,
    .hold_frames = file_hold_frames,
};

cf_source *cf_source_open(cf_session *s, const char *input, char *err, size_t errlen)
{
    return cf_source_open_hashing(s, input, s->cfg->input_hash, err, errlen);
}

cf_source *cf_source_open_hashing(cf_session *s, const char *input, cf_input_hash hash, char *err,
                                  size_t errlen)
{
    file_source *fs = calloc(1, sizeof *fs);
    if (!fs) {
        snprintf(err, errlen, "%s: out of memory", input);
        return NULL;
    }
    fs->base.ops = &file_ops;
    fs->base.session = s;
    snprintf(fs->base.name, sizeof fs->base.name, "%s", input);
    cf_input_stem(input, fs->base.stem, sizeof fs->base.stem);
    fs->cap = cf_capture_open(input, s->cfg->filter, hash, err, errlen);
    if (!fs->cap) {
        free(fs);
        return NULL;
    }
    cf_capture_set_stop(fs->cap, &s->stop);
    fs->base.blocking = !cf_capture_is_mapped(fs->cap);
    /* XXH3 of a mapped file is computed inline by whichever thread reads
     * it, as the mapping is consumed (about 0.15 s of CPU per GB, where a
     * thread of its own would add a copy of the file and a third thread
     * beside the decode stage's). SHA-256, a serial chain at ~1.5 GB/s,
     * runs on a thread of its own while the file is converted. */
    if (hash == CF_HASH_XXH3)
        cf_capture_digest_inline(fs->cap);
    if (hash != CF_HASH_NONE && cf_capture_hash_concurrent(fs->cap) &&
        pthread_create(&fs->hasher, NULL, hash_thread, fs) == 0)
        fs->hashing = 1;
    return &fs->base;
}

void cf_source_close(cf_source *src)
{
    if (src)
        src->ops->close(src);
}

/* ---- Frames of the embedding program's own ---- */

typedef struct custom_source {
    cf_source base;
    cf_frame_fn next;
    void *ctx;
} custom_source;

static int custom_next(cf_source *src, cf_frame *f, int64_t *now_us, char *err, size_t errlen)
{
    (void)now_us;
    custom_source *cs = (custom_source *)src;
    int r = cs->next(cs->ctx, f, err, errlen);
    return r > 0 ? CF_SRC_FRAME : r == 0 ? CF_SRC_END : CF_SRC_DAMAGED;
}

static uint64_t custom_offset(const cf_source *src)
{
    (void)src;
    return 0;
}

static void custom_close(cf_source *src)
{
    free(src);
}

static const cf_source_ops custom_ops = {
    .next = custom_next,
    .offset = custom_offset,
    .identity = NULL,
    .live_stats = NULL,
    .warning = NULL,
    .close = custom_close,
};

cf_source *cf_source_new(cf_session *s, const char *name, cf_frame_fn next, void *ctx, char *err,
                         size_t errlen)
{
    custom_source *cs = next ? calloc(1, sizeof *cs) : NULL;
    if (!cs) {
        snprintf(err, errlen, next ? "out of memory" : "no frame function");
        return NULL;
    }
    cs->base.ops = &custom_ops;
    cs->base.session = s;
    snprintf(cs->base.name, sizeof cs->base.name, "%s", name ? name : "frames");
    cf_input_stem(cs->base.name, cs->base.stem, sizeof cs->base.stem);
    cs->next = next;
    cs->ctx = ctx;
    return &cs->base;
}
