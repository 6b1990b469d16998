/* Thrift compact protocol decoder (Apache Thrift "compact protocol" spec),
 * for reading Parquet footers and page headers from untrusted bytes. Every
 * read is bounds-checked; the first error is sticky in t->err and later
 * reads return zeros, so parse loops only check t->err at their end. */
#ifndef CF_PQ_READ_THRIFT_H
#define CF_PQ_READ_THRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "parquet/pq_format.h" /* the TC_* type ids */

#define TR_MAX_DEPTH 32

typedef struct tr_reader {
    const uint8_t *p, *end;
    int depth;       /* open structs/containers */
    const char *err; /* first error, or NULL */
} tr_reader;

void tr_init(tr_reader *t, const void *p, size_t n);
void tr_fail(tr_reader *t, const char *why);

uint64_t tr_uvarint(tr_reader *t);
int64_t tr_i64(tr_reader *t);
int32_t tr_i32(tr_reader *t); /* zigzag varint that must fit i32 */
int8_t tr_byte(tr_reader *t);
/* Binary/string: pointer into the buffer and its length. */
const uint8_t *tr_binary(tr_reader *t, uint32_t *len);

/* Struct fields: call tr_struct_begin, then tr_field until it returns 0
 * (stop), reading or skipping each field's value, then tr_struct_end.
 * *type is the field's compact type; for TC_BOOL_TRUE/TC_BOOL_FALSE the value is
 * in the type and nothing more is read. */
void tr_struct_begin(tr_reader *t, int16_t *last);
int tr_field(tr_reader *t, int16_t *last, int *type, int16_t *id);
void tr_struct_end(tr_reader *t);

/* List/set header: element type and count (count checked against the
 * bytes left, every element taking at least one byte). */
uint32_t tr_list(tr_reader *t, int *elem_type);

/* A field's integer value of any integer type (bool fields: 1/0). */
int64_t tr_int_value(tr_reader *t, int type);
/* A bool list element. */
int tr_bool_elem(tr_reader *t);
/* Skips one value of the given type (recursively, depth-limited). */
void tr_skip(tr_reader *t, int type);

#endif
