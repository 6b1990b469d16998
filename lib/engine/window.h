/* A day's task of a split --merge conversion (cf_convert_window in
 * customflow.h): the pieces the pipeline and the files sink lend it.
 *
 * Why reading back is needed, and how far. A record of a key opens at the
 * first packet at or after the previous record's first_seen + L, so where
 * a key's records start inside a day can depend on its packets long
 * before the day (a keepalive every 30 s with L = 60 s chains records for
 * as long as the session lives). The task reads the merged stream from a
 * start S (frames before S left out) and the assembler checks
 * (flow/record.h, check) that every packet of the day went into an
 * anchored record: one whose boundaries cannot depend on what came before
 * S, because a gap of at least L of the key, wholly inside what was read,
 * precedes it or a record chained to it. A packet at t following its
 * key's previous packet by >= L starts a record in any stream that holds
 * both, and from one common record start on, two streams with the same
 * packets give the same records. When some packet is not anchored (or a
 * non-first fragment meets no first fragment), the task reads further
 * back and runs again; from the first frame of the set on, everything is
 * anchored.
 *
 * The files' metadata: the whole conversion writes the run-final keys
 * (early_closed, out_of_order, input identity, input_damaged) only into
 * files that close at its end; a rotated file closes on the way at the
 * first IP packet after which no record of its interval can come (the
 * flow table's horizon passes the interval's end; pipeline.c), which
 * depends on timestamps and records only. The task finds out which: from
 * the day's end + L on, the only records its flow table can hold from
 * before the day's end are the day's own, the same as the whole
 * conversion's, so the horizons agree; it reads to the day's end + 2L at
 * most, when every record of the day is closed, and past that only
 * whether the set has a later IP packet matters (the plan's scan says). */
#ifndef CF_ENGINE_WINDOW_H
#define CF_ENGINE_WINDOW_H

#include <stdint.h>

#include "customflow.h"

typedef struct cf_run_check {
    int64_t anchor_from_us;             /* S: frames before it are counted, not used */
    int64_t check_from_us, check_to_us; /* the day: one --rotate 1d interval */
    /* The whole conversion closes the day's files on its way (without the
     * run-final keys) at the first packet after which its horizon reaches
     * the day's end, else at its end (with them). later_packet: the set has
     * an IP packet at or after the day's end + 2L (which surely does). */
    int later_packet;
    uint64_t unanchored; /* out */
    int undetermined;    /* out: the run was abandoned for it */
    int closed_mid_run;  /* out */
} cf_run_check;

/* cf_run with the read-back check: when the records of the day are not
 * determined, the run removes its files and returns -1 with
 * check->undetermined set. */
int cf_run_checked(cf_session *s, cf_source *src, cf_sink *const *sinks, size_t n_sinks,
                   cf_report *rep, cf_progress_fn progress, void *progress_ctx, cf_run_check *check,
                   char *err, size_t errlen);

/* cf_sink_files that keeps only records with first_seen in [from_us,
 * to_us) and publishes its files at finish only (an abandoned attempt
 * leaves nothing). */
cf_sink *cf_sink_files_window(cf_session *s, const char *stem, int64_t from_us, int64_t to_us,
                              char *err, size_t errlen);

/* The identity of a merged set from its inputs' digests and sizes, as
 * the merged source computes it. hex[65]. 0, or -1 out of memory. */
int cf_merged_identity(cf_input_hash kind, const char *const *digests, const uint64_t *bytes,
                       size_t n, char hex[65], uint64_t *total);

#endif
