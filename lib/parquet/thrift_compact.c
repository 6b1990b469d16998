/* Thrift compact protocol writer. */
#include "parquet/thrift_compact.h"

#include <string.h>

void tc_init(tc_writer *t, pq_buf *b)
{
    memset(t, 0, sizeof *t);
    t->b = b;
}

static void put_u8(tc_writer *t, uint8_t v)
{
    t->err |= pq_buf_u8(t->b, v) != 0;
}

static void put_varint(tc_writer *t, uint64_t v)
{
    t->err |= pq_buf_uvarint(t->b, v) != 0;
}

/* Short form when the id delta is 1..15, else type byte + zigzag i16 id. */
static void field_header(tc_writer *t, int16_t id, int type)
{
    int16_t delta = (int16_t)(id - t->last[t->depth]);
    if (delta > 0 && delta <= 15) {
        put_u8(t, (uint8_t)((delta << 4) | type));
    } else {
        put_u8(t, (uint8_t)type);
        put_varint(t, pq_zigzag32(id));
    }
    t->last[t->depth] = id;
}

int tc_finish(tc_writer *t)
{
    put_u8(t, TC_STOP);
    if (t->depth != 0)
        t->err = 1;
    return t->err ? -1 : 0;
}

void tc_field_bool(tc_writer *t, int16_t id, int v)
{
    field_header(t, id, v ? TC_BOOL_TRUE : TC_BOOL_FALSE);
}

void tc_field_i8(tc_writer *t, int16_t id, int8_t v)
{
    field_header(t, id, TC_BYTE);
    put_u8(t, (uint8_t)v);
}

void tc_field_i16(tc_writer *t, int16_t id, int16_t v)
{
    field_header(t, id, TC_I16);
    put_varint(t, pq_zigzag32(v));
}

void tc_field_i32(tc_writer *t, int16_t id, int32_t v)
{
    field_header(t, id, TC_I32);
    put_varint(t, pq_zigzag32(v));
}

void tc_field_i64(tc_writer *t, int16_t id, int64_t v)
{
    field_header(t, id, TC_I64);
    put_varint(t, pq_zigzag64(v));
}

void tc_elem_binary(tc_writer *t, const void *p, size_t n)
{
    put_varint(t, n);
    t->err |= pq_buf_append(t->b, p, n) != 0;
}

void tc_field_binary(tc_writer *t, int16_t id, const void *p, size_t n)
{
    field_header(t, id, TC_BINARY);
    tc_elem_binary(t, p, n);
}

void tc_field_string(tc_writer *t, int16_t id, const char *s)
{
    tc_field_binary(t, id, s, strlen(s));
}

static void push(tc_writer *t)
{
    if (t->depth + 1 >= TC_MAX_DEPTH) {
        t->err = 1;
        return;
    }
    t->last[++t->depth] = 0;
}

void tc_field_struct_begin(tc_writer *t, int16_t id)
{
    field_header(t, id, TC_STRUCT);
    push(t);
}

void tc_elem_struct_begin(tc_writer *t)
{
    push(t);
}

void tc_struct_end(tc_writer *t)
{
    put_u8(t, TC_STOP);
    if (t->depth > 0)
        t->depth--;
    else
        t->err = 1;
}

void tc_field_list_begin(tc_writer *t, int16_t id, int elem_type, size_t n)
{
    field_header(t, id, TC_LIST);
    if (n < 15) {
        put_u8(t, (uint8_t)((n << 4) | (size_t)elem_type));
    } else {
        put_u8(t, (uint8_t)(0xf0 | elem_type));
        put_varint(t, n);
    }
}

void tc_elem_i32(tc_writer *t, int32_t v)
{
    put_varint(t, pq_zigzag32(v));
}

void tc_raw(tc_writer *t, const void *p, size_t n)
{
    t->err |= pq_buf_append(t->b, p, n) != 0;
}
