/* Parquet files (engine/flowfile.h, either layout) as a cf_filewriter_ops
 * of files.h. writer_ctx: the run's cf_config (layout, i, B, codec). */
#ifndef CF_SINK_PARQUETFILE_H
#define CF_SINK_PARQUETFILE_H

#include "sink/files.h"

extern const cf_filewriter_ops cf_parquetfile_ops;

#endif
