/* Parquet files (engine/flowfile.h, either layout) as a cf_filewriter_ops
 * of files.h. writer_ctx: a cf_parquetfile_ctx. */
#ifndef CF_SINK_PARQUETFILE_H
#define CF_SINK_PARQUETFILE_H

#include "engine/config.h"
#include "engine/flowfile.h"
#include "sink/files.h"

typedef struct cf_parquetfile_ctx {
    const cf_config *cfg; /* layout, i, B, codec */
    /* Wide layout with --context: the H1_..HK_ history of the run's files
     * (a rotated file's first rows show records of earlier files); NULL
     * until the first file. */
    cf_widectx *hist;
} cf_parquetfile_ctx;

/* Forgets the history (a new run, or the end). */
void cf_parquetfile_ctx_reset(cf_parquetfile_ctx *c);

extern const cf_filewriter_ops cf_parquetfile_ops;

#endif
