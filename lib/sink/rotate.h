/* Rotation intervals (--rotate, SPEC §7) and the names of output files.
 *
 * An interval is a whole number of seconds; intervals are aligned to the
 * Unix epoch in UTC (a day starts at 00:00 UTC), and a record belongs to
 * the interval that holds its first_seen. Timestamps before 1970 and far in
 * the future are placed and named like any other (arithmetic saturates at
 * the ends of int64 rather than overflowing).
 */
#ifndef CF_SINK_ROTATE_H
#define CF_SINK_ROTATE_H

#include <stddef.h>
#include <stdint.h>

#define CF_US_PER_DAY INT64_C(86400000000)

/* Parses "30s", "15m", "1h", "1d" (a positive whole number and one unit,
 * up to 100 years) into microseconds. 0, or -1 with the CLI's one-line
 * message naming the option. */
int cf_rotate_parse(const char *text, int64_t *interval_us, char *err, size_t errlen);

/* The text of an interval as --rotate takes it, in its largest whole unit
 * ("1d", "90m", "30s"); "" for 0 (no rotation). */
void cf_rotate_format(int64_t interval_us, char *buf, size_t len);

/* Start of the interval holding t_us. */
int64_t cf_rotate_start(int64_t t_us, int64_t interval_us);
/* End (exclusive) of the interval starting at start_us. */
int64_t cf_rotate_end(int64_t start_us, int64_t interval_us);

/* The interval's label: "YYYY-MM-DD" when interval_us is a whole number of
 * days, "YYYY-MM-DDTHH-MM-SS" otherwise (years outside 0..9999 as "-0001",
 * "+10000"). buf needs CF_ROTATE_LABEL_MAX bytes. */
#define CF_ROTATE_LABEL_MAX 40
void cf_rotate_label(int64_t start_us, int64_t interval_us, char *buf, size_t len);

/* Where the files of one sink go. */
typedef struct cf_outname {
    const char *dir;   /* the output directory */
    const char *stem;  /* input stem; NULL or "" for a live capture */
    const char *ext;   /* "parquet", "jsonl", "csv" */
    int64_t rotate_us; /* 0: one file per variant and input */
    int partition;     /* hive layout (--partition) */
} cf_outname;

/* The interval a record at first_seen goes to under o: --rotate's, a UTC
 * day with --partition alone, or [INT64_MIN, INT64_MAX) for one file. */
int64_t cf_outname_bucket(const cf_outname *o, int64_t first_seen, int64_t *end_us);

/* The directory and file name of the bucket starting at start_us
 * (seq > 0: the seq-th extra file of that bucket, "NAME-SEQ.EXT"):
 *   DIR/VARIANT/STEM.EXT                       one file per input
 *   DIR/VARIANT/STEM_LABEL.EXT                 --rotate, offline
 *   DIR/VARIANT/LABEL.EXT                      --rotate, live (no stem)
 *   DIR/variant=VARIANT/date=YYYY-MM-DD/part-NAME.EXT   --partition
 * 0, or -1 when it does not fit. */
int cf_outname_path(const cf_outname *o, int variant, int64_t start_us, unsigned seq, char *dir,
                    size_t dirlen, char *path, size_t pathlen);

#endif
