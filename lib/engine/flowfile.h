/* One output file of custom flow records: the Parquet schema of a layout
 * (SPEC §2 nested, §6 wide) and the mapping of a cf_record to its row. */
#ifndef CF_ENGINE_FLOWFILE_H
#define CF_ENGINE_FLOWFILE_H

#include <stddef.h>
#include "customflow.h"
#include "engine/config.h"

typedef struct cf_flowfile cf_flowfile;

typedef struct cf_widectx cf_widectx;

/* Opens PATH (written under a temporary name until cf_flowfile_close).
 * hist: the wide layout's --context history of the run, shared by its
 * files (created here when *hist is NULL; the caller frees it with
 * cf_widectx_free after the last file); unused otherwise. */
cf_flowfile *cf_flowfile_open(const char *path, const cf_config *cfg, cf_widectx **hist, char *err,
                              size_t errlen);
/* Adds a key-value pair to the file's metadata. */
int cf_flowfile_kv(cf_flowfile *f, const char *key, const char *value);
/* One record as a row (remote_ip is written as the record gives it). */
int cf_flowfile_write(cf_flowfile *f, const cf_record *r);
int cf_flowfile_close(cf_flowfile *f, char *err, size_t errlen);
void cf_flowfile_abort(cf_flowfile *f);
const char *cf_flowfile_error(const cf_flowfile *f);

#endif
