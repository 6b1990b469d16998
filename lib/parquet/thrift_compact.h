/* Thrift compact protocol writer (Apache Thrift "compact protocol" spec):
 * just enough to serialize Parquet's footer and page headers. Fields must
 * be written in increasing id order within a struct. Errors (out of memory,
 * nesting too deep) are sticky in tc->err. */
#ifndef CF_THRIFT_COMPACT_H
#define CF_THRIFT_COMPACT_H

#include "parquet/pq_buf.h"
#include "parquet/pq_format.h" /* the TC_* type ids */

#define TC_MAX_DEPTH 16

typedef struct tc_writer {
    pq_buf *b;
    int depth;
    int16_t last[TC_MAX_DEPTH]; /* last field id per open struct */
    int err;
} tc_writer;

/* Starts a top-level struct appended to b. */
void tc_init(tc_writer *t, pq_buf *b);
/* Ends the top-level struct (stop byte). Returns 0 or -1 on any error. */
int tc_finish(tc_writer *t);

void tc_field_bool(tc_writer *t, int16_t id, int v);
void tc_field_i8(tc_writer *t, int16_t id, int8_t v);
void tc_field_i16(tc_writer *t, int16_t id, int16_t v);
void tc_field_i32(tc_writer *t, int16_t id, int32_t v);
void tc_field_i64(tc_writer *t, int16_t id, int64_t v);
void tc_field_binary(tc_writer *t, int16_t id, const void *p, size_t n);
void tc_field_string(tc_writer *t, int16_t id, const char *s);
void tc_field_struct_begin(tc_writer *t, int16_t id);
void tc_struct_end(tc_writer *t);
/* List header; then n elements written with tc_elem_* (or raw bytes). */
void tc_field_list_begin(tc_writer *t, int16_t id, int elem_type, size_t n);
void tc_elem_i32(tc_writer *t, int32_t v);
void tc_elem_binary(tc_writer *t, const void *p, size_t n);
void tc_elem_struct_begin(tc_writer *t);
/* Appends already-serialized bytes (e.g. list elements built elsewhere). */
void tc_raw(tc_writer *t, const void *p, size_t n);

#endif
