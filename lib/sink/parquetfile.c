/* Parquet output files through flowfile: it writes PATH.tmp-XXXXXX and
 * renames it to PATH when closed. */
#include "sink/parquetfile.h"

#include <stdio.h>

#include "engine/wide_context.h"

void cf_parquetfile_ctx_reset(cf_parquetfile_ctx *c)
{
    cf_widectx_free(c->hist);
    c->hist = NULL;
}

static void *parquetfile_open(void *ctx, const char *path, char *err, size_t errlen)
{
    cf_parquetfile_ctx *c = ctx;
    return cf_flowfile_open(path, c->cfg, &c->hist, err, errlen);
}

static int parquetfile_write(void *file, const cf_record *r, char *err, size_t errlen)
{
    if (cf_flowfile_write(file, r) == 0)
        return 0;
    snprintf(err, errlen, "%s", cf_flowfile_error(file));
    return -1;
}

static int parquetfile_kv(void *file, const char *key, const char *value)
{
    return cf_flowfile_kv(file, key, value);
}

static int parquetfile_close(void *file, char *err, size_t errlen)
{
    return cf_flowfile_close(file, err, errlen);
}

static void parquetfile_abort(void *file)
{
    cf_flowfile_abort(file);
}

const cf_filewriter_ops cf_parquetfile_ops = {
    .open = parquetfile_open,
    .write = parquetfile_write,
    .kv = parquetfile_kv,
    .close = parquetfile_close,
    .abort = parquetfile_abort,
};
