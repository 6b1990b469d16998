/* The output files of one input (cf_sink_files): per variant, one file per
 * bucket of first_seen (a --rotate interval, a UTC day with --partition, or
 * the whole input), named by rotate.h's cf_outname_path, in a format given
 * by a writer (Parquet through flowfile, JSON lines or CSV through
 * textfile.h).
 *
 * Every file is written under a temporary name and renamed into place,
 * complete, once its bucket can receive no more records: when advance()
 * passes the bucket's end, or at finish(). Without rotation or partitions
 * the files of every configured variant are opened at begin(), so an input
 * without records still gives (empty) files; rotated buckets give a file
 * only when they hold a record.
 *
 * A record for a bucket whose file is already closed (the capture's clock
 * stepped back by more than the assembler can hold, counted in
 * out_of_order, or a bucket closed early to bound memory) is not lost: it
 * goes to a further file of that bucket, NAME-1.EXT (then -2, ...: the
 * first name not yet on disk). Reading a bucket means reading NAME.EXT and
 * its NAME-K.EXT siblings.
 *
 * --context K (options.context): each record's context_rows and
 * context_files are set here, from the files the device's previous records
 * went to: a row index in its file and the file's path relative to the
 * variant directory ("STEM_LABEL.EXT", with --partition
 * "date=YYYY-MM-DD/part-NAME.EXT"), "" when it is the record's own file.
 *
 * Memory: at most max_open files are open per variant (each Parquet file
 * buffers up to one row group); a record for another bucket beyond that
 * first closes the open bucket with the oldest start.
 */
#ifndef CF_SINK_FILES_H
#define CF_SINK_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "customflow.h"
#include "sink/rotate.h"

/* One file format. open() creates PATH's temporary file; close() completes
 * it and renames it to PATH; abort() removes it. */
typedef struct cf_filewriter_ops {
    void *(*open)(void *ctx, const char *path, char *err, size_t errlen);
    int (*write)(void *file, const cf_record *r, char *err, size_t errlen);
    /* Key-value metadata; NULL when the format has no place for it. */
    int (*kv)(void *file, const char *key, const char *value);
    int (*close)(void *file, char *err, size_t errlen);
    void (*abort)(void *file);
} cf_filewriter_ops;

/* Metadata of the file of (variant, [start_us, end_us)) about to close:
 * the provider calls put(put_ctx, key, value) for each key (put returns 0,
 * or -1 when out of memory). 0, or -1 to fail the file. */
typedef int (*cf_files_put_fn)(void *put_ctx, const char *key, const char *value);
typedef int (*cf_files_meta_fn)(void *ctx, int variant, int64_t start_us, int64_t end_us,
                                cf_files_put_fn put, void *put_ctx);

typedef struct cf_files_options {
    cf_outname names;                /* directory, stem, extension, rotation, partition */
    int variants;                    /* CF_VARIANT_BI | CF_VARIANT_UNI */
    const cf_filewriter_ops *writer; /* the format */
    void *writer_ctx;
    cf_files_meta_fn meta; /* may be NULL */
    void *meta_ctx;
    size_t max_open; /* open files per variant; 0: 4 */
    /* abort() also removes the files already renamed into place (a file
     * conversion that fails leaves nothing; a live capture keeps them). */
    int remove_published_on_abort;
    uint32_t context; /* --context K: set each record's context references */
} cf_files_options;

typedef struct cf_files cf_files;

/* Copies the options (and the strings of o->names). NULL when out of
 * memory. */
cf_files *cf_files_new(const cf_files_options *o);
/* Sets the stem (the input's, when the options gave none). */
int cf_files_set_stem(cf_files *f, const char *stem);
/* Changes remove_published_on_abort (known once the source is). */
void cf_files_set_remove_on_abort(cf_files *f, int on);
/* Opens the one file per variant when there is no rotation or partition. */
int cf_files_begin(cf_files *f, char *err, size_t errlen);
int cf_files_record(cf_files *f, const cf_record *r, char *err, size_t errlen);
/* Closes (renames into place) every bucket that ends at or before
 * horizon_us. */
int cf_files_advance(cf_files *f, int64_t horizon_us, char *err, size_t errlen);
/* Closes every open file. On failure every file of the run not yet renamed
 * is removed (and, with remove_published_on_abort, the renamed ones). */
int cf_files_finish(cf_files *f, char *err, size_t errlen);
/* Removes the open files (and, with remove_published_on_abort, every file
 * renamed into place so far, also after finish). */
void cf_files_abort(cf_files *f);
void cf_files_free(cf_files *f);

typedef struct cf_files_stats {
    uint64_t published;    /* files renamed into place */
    uint64_t extra_files;  /* of them, NAME-K files of an already closed bucket */
    uint64_t early_closed; /* buckets closed early to keep max_open */
} cf_files_stats;
cf_files_stats cf_files_get_stats(const cf_files *f);

/* mkdir -p. 0, or -1 with a message naming the directory. */
int cf_mkdirs(const char *path, char *err, size_t errlen);

#endif
