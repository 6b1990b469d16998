/* Growable byte buffer: slow path. */
#include "parquet/pq_buf.h"

#include <stdlib.h>

int pq_buf_grow(pq_buf *b, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len)
        return -1;
    size_t need = b->len + n;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

void pq_buf_free(pq_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
