/* Private to the Parquet reader: the reader's state, shared by the footer
 * and schema parser (pq_read_footer.c) and the page decoder
 * (pq_read_pages.c). See pq_reader.h for the interface. */
#ifndef CF_PQ_READER_INT_H
#define CF_PQ_READER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "parquet/pq_reader.h"

typedef struct chunk_meta {
    int present; /* ColumnMetaData was given */
    int type, codec;
    int64_t num_values, data_off, dict_off, comp_size;
} chunk_meta;

typedef struct row_group {
    int64_t rows;
    chunk_meta *cols; /* nleaves */
} row_group;

struct pq_reader {
    char *path;
    int fd;
    uint64_t size;
    int64_t num_rows;
    const char *created_by;
    pq_leaf *leaves;
    size_t nleaves;
    pq_kv *kv;
    size_t nkv;
    row_group *rg;
    size_t nrg;
    char **strs; /* owned strings */
    size_t nstrs, capstrs;
    /* column reading scratch, reused */
    uint8_t *chunk;
    size_t chunk_cap;
    uint8_t *page;
    size_t page_cap;
    uint32_t *u32;
    size_t u32_cap;
    pq_column dict;
    void *zstd; /* ZSTD_DCtx, made on the first zstd page and reused */
    size_t dict_n;
    int have_dict;
};

/* A one-line message into err (when err is non-NULL). */
void pqr_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reads n bytes at off exactly; -1 on an error or the end of the file. */
int pqr_pread_all(int fd, void *buf, size_t n, uint64_t off);

#endif
