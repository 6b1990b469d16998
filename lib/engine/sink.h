/* Record sinks (internal side of cf_sink in customflow.h).
 *
 * The pipeline hands a sink each final record, in first_seen order per
 * variant (records counted in out_of_order excepted), then tells it how far
 * the clock has gone, so that a sink holding files per --rotate interval can
 * close the intervals that can receive no more records, and at the end
 * finishes or aborts it. A sink never sees packets, sources or the flow
 * table: source -> decode -> flow table -> record -> sink.
 */
#ifndef CF_ENGINE_SINK_H
#define CF_ENGINE_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "customflow.h"

/* Key-value metadata of one output file, built by the pipeline (run
 * parameters, input identity, counts): see meta.h. */
typedef struct cf_meta cf_meta;

/* What the pipeline knows when it asks a sink for a file's metadata:
 * variant and the first_seen interval [start_us, end_us) the file holds
 * (INT64_MIN/INT64_MAX without --rotate). The provider adds every key; the
 * sink calls it when it closes a file. */
typedef int (*cf_meta_fn)(void *ctx, int variant, int64_t start_us, int64_t end_us, cf_meta *m);

typedef struct cf_sink_ops {
    /* Called once before the first record: the input's name and stem, and
     * the metadata provider for the files it will close. */
    int (*begin)(cf_sink *k, const char *input, const char *stem, cf_meta_fn meta, void *meta_ctx,
                 char *err, size_t errlen);
    /* One final record (r->variant says which). Non-zero: stop the run
     * (message in err). */
    int (*record)(cf_sink *k, const cf_record *r, char *err, size_t errlen);
    /* No record with first_seen < horizon_us will come any more (offline:
     * driven by packet timestamps; live: also by the wall clock). */
    int (*advance)(cf_sink *k, int64_t horizon_us, char *err, size_t errlen);
    /* The run is complete: write, close and rename everything. */
    int (*finish)(cf_sink *k, char *err, size_t errlen);
    /* The run failed or was interrupted (offline rule): remove every file
     * not yet closed. */
    void (*abort)(cf_sink *k);
    void (*destroy)(cf_sink *k);
    /* Optional: advance() for one variant's files only. A sink that has it
     * keeps each variant's output apart, so that record() and
     * advance_variant() of one variant may run on one thread while those
     * of the other run on another (cf_sink_async gives each variant a
     * thread). */
    int (*advance_variant)(cf_sink *k, int variant, int64_t horizon_us, char *err, size_t errlen);
    /* The sink may run on a thread of its own (cf_sink_async): it touches
     * nothing of the caller's but the metadata provider, which it calls
     * mid-run only for files that close before the end. */
    int threadable;
} cf_sink_ops;

struct cf_sink {
    const cf_sink_ops *ops;
    cf_session *session;
    /* Set by cf_run before begin: the source is a live capture (rotated
     * files are named by interval alone and kept when the run fails; a
     * stream writes each record through at once). */
    int live;
};

/* A sink run on a thread of its own (sink_async.c), for file conversions
 * with a spare core: records are copied and the inner sink gets the same
 * calls in the same order on the new thread (begin, finish and abort on
 * the caller's, once everything before them is done), so its output is
 * the same. With advance_variant and both variants, each variant gets a
 * thread (its records and horizons in their order). Destroying the wrapper leaves the inner sink
 * alive. NULL when out of memory or no thread can be made. */
cf_sink *cf_sink_async_new(cf_sink *inner);
/* Waits until the thread has handed the inner sink everything given so
 * far; -1 (message in err) when the inner sink failed. The pipeline calls
 * it before the run-final state the metadata provider reads is set. */
int cf_sink_async_drain(cf_sink *k, char *err, size_t errlen);

/* The text columns (sink/text.h CF_TEXT_*) of a configuration's JSON
 * lines or CSV: "variant" first when both variants share one stream. */
unsigned cf_sink_text_columns(const cf_config *cfg, int shared_stream);

#endif
