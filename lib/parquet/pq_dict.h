/* Hash dictionary for RLE_DICTIONARY columns. Entries are kept PLAIN-encoded
 * in `plain`, which is exactly the body of the dictionary page. */
#ifndef CF_PQ_DICT_H
#define CF_PQ_DICT_H

#include "parquet/pq_buf.h"
#include "util/hmap.h"

typedef struct pq_dict {
    pq_buf plain;   /* PLAIN-encoded entries, in index order */
    uint32_t *offs; /* byte arrays: offset of entry i in plain */
    cf_hmap index;  /* entries by value: entry index + 1 */
    uint32_t n, ecap;
    int width; /* 4 or 8 for INT32/INT64, 0 for byte arrays */
} pq_dict;

void pq_dict_init(pq_dict *d, int width);
void pq_dict_free(pq_dict *d);
/* Forgets all entries, keeping memory for the next column chunk. */
void pq_dict_reset(pq_dict *d);

/* Finds or adds a value; *idx gets its index, *added 1 if it is new.
 * Returns 0, or -1 when out of memory or plain would pass 4 GiB. */
int pq_dict_bytes(pq_dict *d, const void *p, uint32_t len, uint32_t *idx, int *added);
int pq_dict_i32(pq_dict *d, int32_t v, uint32_t *idx, int *added);
int pq_dict_i64(pq_dict *d, int64_t v, uint32_t *idx, int *added);

#endif
