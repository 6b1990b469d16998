/* Thrift compact protocol decoder; see pq_read_thrift.h. */
#include "parquet/pq_read_thrift.h"

void tr_init(tr_reader *t, const void *p, size_t n)
{
    t->p = p;
    t->end = t->p + n;
    t->depth = 0;
    t->err = NULL;
}

void tr_fail(tr_reader *t, const char *why)
{
    if (!t->err)
        t->err = why;
    t->p = t->end;
}

uint64_t tr_uvarint(tr_reader *t)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (t->p >= t->end) {
            tr_fail(t, "truncated varint");
            return 0;
        }
        uint8_t b = *t->p++;
        if (shift == 63 && (b & 0x7e)) {
            tr_fail(t, "varint too long");
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    tr_fail(t, "varint too long");
    return 0;
}

int64_t tr_i64(tr_reader *t)
{
    uint64_t u = tr_uvarint(t);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

int32_t tr_i32(tr_reader *t)
{
    int64_t v = tr_i64(t);
    if (v < INT32_MIN || v > INT32_MAX) {
        tr_fail(t, "i32 out of range");
        return 0;
    }
    return (int32_t)v;
}

int8_t tr_byte(tr_reader *t)
{
    if (t->p >= t->end) {
        tr_fail(t, "truncated byte");
        return 0;
    }
    return (int8_t)*t->p++;
}

const uint8_t *tr_binary(tr_reader *t, uint32_t *len)
{
    uint64_t n = tr_uvarint(t);
    *len = 0;
    if (t->err)
        return NULL;
    if (n > (uint64_t)(t->end - t->p)) {
        tr_fail(t, "binary length beyond the data");
        return NULL;
    }
    const uint8_t *p = t->p;
    t->p += n;
    *len = (uint32_t)n;
    return p;
}

void tr_struct_begin(tr_reader *t, int16_t *last)
{
    *last = 0;
    if (++t->depth > TR_MAX_DEPTH)
        tr_fail(t, "nesting too deep");
}

void tr_struct_end(tr_reader *t)
{
    t->depth--;
}

int tr_field(tr_reader *t, int16_t *last, int *type, int16_t *id)
{
    if (t->err)
        return 0;
    if (t->p >= t->end) {
        tr_fail(t, "truncated struct");
        return 0;
    }
    uint8_t h = *t->p++;
    if (h == 0)
        return 0;
    *type = h & 0x0f;
    int delta = h >> 4;
    if (delta) {
        int v = *last + delta;
        if (v > INT16_MAX) {
            tr_fail(t, "field id out of range");
            return 0;
        }
        *id = (int16_t)v;
    } else {
        int64_t v = tr_i64(t);
        if (v < INT16_MIN || v > INT16_MAX) {
            tr_fail(t, "field id out of range");
            return 0;
        }
        *id = (int16_t)v;
    }
    if (*type == TC_STOP || *type > TC_STRUCT) {
        tr_fail(t, "bad field type");
        return 0;
    }
    *last = *id;
    return t->err ? 0 : 1;
}

uint32_t tr_list(tr_reader *t, int *elem_type)
{
    if (t->p >= t->end) {
        tr_fail(t, "truncated list");
        *elem_type = 0;
        return 0;
    }
    uint8_t h = *t->p++;
    *elem_type = h & 0x0f;
    uint64_t n = h >> 4;
    if (n == 15)
        n = tr_uvarint(t);
    if (t->err)
        return 0;
    if (n && (*elem_type == TC_STOP || *elem_type > TC_STRUCT)) {
        tr_fail(t, "bad list element type");
        return 0;
    }
    if (n > (uint64_t)(t->end - t->p)) {
        tr_fail(t, "list longer than the data");
        return 0;
    }
    return (uint32_t)n;
}

int64_t tr_int_value(tr_reader *t, int type)
{
    switch (type) {
    case TC_BOOL_TRUE:
        return 1;
    case TC_BOOL_FALSE:
        return 0;
    case TC_BYTE:
        return tr_byte(t);
    case TC_I16:
    case TC_I32:
    case TC_I64:
        return tr_i64(t);
    default:
        tr_skip(t, type);
        tr_fail(t, "field has the wrong type");
        return 0;
    }
}

int tr_bool_elem(tr_reader *t)
{
    return tr_byte(t) == 1;
}

static void skip_bytes(tr_reader *t, size_t n)
{
    if (n > (size_t)(t->end - t->p))
        tr_fail(t, "truncated value");
    else
        t->p += n;
}

/* Skips a value that appears as a list/map element (bools take a byte). */
static void skip_elem(tr_reader *t, int type)
{
    if (type == TC_BOOL_TRUE || type == TC_BOOL_FALSE)
        skip_bytes(t, 1);
    else
        tr_skip(t, type);
}

void tr_skip(tr_reader *t, int type)
{
    if (t->err)
        return;
    if (++t->depth > TR_MAX_DEPTH) {
        tr_fail(t, "nesting too deep");
        t->depth--;
        return;
    }
    switch (type) {
    case TC_BOOL_TRUE:
    case TC_BOOL_FALSE:
        break;
    case TC_BYTE:
        skip_bytes(t, 1);
        break;
    case TC_I16:
    case TC_I32:
    case TC_I64:
        tr_uvarint(t);
        break;
    case TC_DOUBLE:
        skip_bytes(t, 8);
        break;
    case TC_BINARY: {
        uint32_t n;
        tr_binary(t, &n);
        break;
    }
    case TC_LIST:
    case TC_SET: {
        int et;
        uint32_t n = tr_list(t, &et);
        for (uint32_t i = 0; i < n && !t->err; i++)
            skip_elem(t, et);
        break;
    }
    case TC_MAP: {
        uint64_t n = tr_uvarint(t);
        if (n == 0 || t->err)
            break;
        if (n > (uint64_t)(t->end - t->p)) {
            tr_fail(t, "map longer than the data");
            break;
        }
        uint8_t kv = (uint8_t)tr_byte(t);
        int kt = kv >> 4, vt = kv & 0x0f;
        if (kt == 0 || kt > TC_STRUCT || vt == 0 || vt > TC_STRUCT) {
            tr_fail(t, "bad map element type");
            break;
        }
        for (uint64_t i = 0; i < n && !t->err; i++) {
            skip_elem(t, kt);
            skip_elem(t, vt);
        }
        break;
    }
    case TC_STRUCT: {
        int16_t last, id;
        int ft;
        tr_struct_begin(t, &last);
        while (tr_field(t, &last, &ft, &id))
            tr_skip(t, ft);
        tr_struct_end(t);
        break;
    }
    default:
        tr_fail(t, "bad type");
    }
    t->depth--;
}
