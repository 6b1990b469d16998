/* JSON lines or CSV files (text.h) as a cf_filewriter_ops of files.h:
 * written to PATH.tmp-XXXXXX, flushed, synced and renamed to PATH on close.
 * Text files carry no key-value metadata. */
#ifndef CF_SINK_TEXTFILE_H
#define CF_SINK_TEXTFILE_H

#include "sink/files.h"
#include "sink/text.h"

typedef struct cf_textfile_config {
    cf_format format; /* CF_FORMAT_JSONL or CF_FORMAT_CSV */
    unsigned columns; /* CF_TEXT_* */
} cf_textfile_config;

/* writer_ctx: a cf_textfile_config that outlives the files. */
extern const cf_filewriter_ops cf_textfile_ops;

#endif
