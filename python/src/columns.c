/* Stores as Python data (columns.h). Scalar columns are handed to numpy
 * without a copy: the store's malloc'ed buffer becomes the array's memory,
 * freed by a capsule when the array goes. */
#include "columns.h"

#include <datetime.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "np.h"

/* 1970-01-01T00:00:00+00:00, made once. */
static PyObject *epoch_utc;

int cfpy_columns_init(void)
{
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI)
        return -1;
    epoch_utc = PyDateTimeAPI->DateTime_FromDateAndTime(
        1970, 1, 1, 0, 0, 0, 0, PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
    return epoch_utc ? 0 : -1;
}

/* ---- helpers ---- */

static void free_buffer(PyObject *capsule)
{
    free(PyCapsule_GetPointer(capsule, "customflow.buffer"));
}

/* A 1-d array of n elements over *buf, which it then owns (*buf = NULL). */
static PyObject *take_array(void **buf, size_t n, size_t elem, int typenum)
{
    npy_intp dims[1] = {(npy_intp)n};
    if (n == 0)
        return PyArray_ZEROS(1, dims, typenum, 0);
    void *p = realloc(*buf, n * elem); /* give back the growth slack */
    if (!p)
        p = *buf;
    *buf = NULL;
    PyObject *capsule = PyCapsule_New(p, "customflow.buffer", free_buffer);
    if (!capsule) {
        free(p);
        return NULL;
    }
    PyObject *arr = PyArray_SimpleNewFromData(1, dims, typenum, p);
    if (!arr) {
        Py_DECREF(capsule);
        return NULL;
    }
    if (PyArray_SetBaseObject((PyArrayObject *)arr, capsule) != 0) {
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

/* One Python str per string id, made on first use. */
typedef struct strcache {
    const cfpy_strtab *t;
    PyObject **objs;
} strcache;

static int strcache_init(strcache *c, const cfpy_strtab *t)
{
    c->t = t;
    c->objs = calloc(t->count ? t->count : 1, sizeof *c->objs);
    if (!c->objs) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* A borrowed str for id (None for CFPY_NO_STRING), or NULL. */
static PyObject *strcache_get(strcache *c, uint32_t id)
{
    if (id == CFPY_NO_STRING)
        return Py_None;
    if (!c->objs[id])
        c->objs[id] =
            PyUnicode_DecodeUTF8(cfpy_strtab_get(c->t, id), c->t->len[id], "surrogateescape");
    return c->objs[id];
}

static void strcache_free(strcache *c)
{
    for (uint32_t k = 0; c->objs && k < c->t->count; k++)
        Py_XDECREF(c->objs[k]);
    free(c->objs);
}

/* An object array of n Nones, to be filled. */
static PyObject *none_array(size_t n)
{
    npy_intp dims[1] = {(npy_intp)n};
    PyObject *arr = PyArray_SimpleNew(1, dims, NPY_OBJECT);
    if (!arr)
        return NULL;
    PyObject **out = PyArray_DATA((PyArrayObject *)arr);
    for (size_t k = 0; k < n; k++)
        out[k] = Py_NewRef(Py_None);
    return arr;
}

/* An object array of n strings by id. */
static PyObject *string_column(strcache *c, const uint32_t *ids, size_t n)
{
    PyObject *arr = none_array(n);
    if (!arr)
        return NULL;
    PyObject **out = PyArray_DATA((PyArrayObject *)arr);
    for (size_t k = 0; k < n; k++) {
        PyObject *s = strcache_get(c, ids[k]);
        if (!s) {
            Py_DECREF(arr);
            return NULL;
        }
        Py_SETREF(out[k], Py_NewRef(s));
    }
    return arr;
}

/* An object array with, per row, a view of flat[start[k] .. start[k+1]). */
static PyObject *list_column(PyObject *flat, const uint64_t *start, size_t rows)
{
    PyObject *arr = none_array(rows);
    if (!arr)
        return NULL;
    PyObject **out = PyArray_DATA((PyArrayObject *)arr);
    PyArray_Descr *descr = PyArray_DESCR((PyArrayObject *)flat);
    char *base = PyArray_BYTES((PyArrayObject *)flat);
    for (size_t k = 0; k < rows; k++) {
        npy_intp len[1] = {(npy_intp)(start[k + 1] - start[k])};
        Py_INCREF(descr);
        PyObject *view =
            PyArray_NewFromDescr(&PyArray_Type, descr, 1, len, NULL,
                                 base + start[k] * (size_t)descr->elsize, NPY_ARRAY_CARRAY, NULL);
        if (!view || PyArray_SetBaseObject((PyArrayObject *)view, Py_NewRef(flat)) != 0) {
            Py_XDECREF(view);
            Py_DECREF(arr);
            return NULL;
        }
        Py_SETREF(out[k], view);
    }
    return arr;
}

/* bytes of packet p's payload. */
static PyObject *payload_bytes(const cfpy_store *st, size_t p)
{
    return PyBytes_FromStringAndSize((const char *)st->payload + st->payload_start[p],
                                     st->payload_len[p]);
}

/* An object array with, per row, an object array of its packets' bytes. */
static PyObject *payload_column(const cfpy_store *st)
{
    PyObject *arr = none_array(st->rows);
    if (!arr)
        return NULL;
    PyObject **out = PyArray_DATA((PyArrayObject *)arr);
    for (size_t k = 0; k < st->rows; k++) {
        size_t len = st->pkt_start[k + 1] - st->pkt_start[k];
        PyObject *row = none_array(len);
        if (!row) {
            Py_DECREF(arr);
            return NULL;
        }
        PyObject **cells = PyArray_DATA((PyArrayObject *)row);
        Py_SETREF(out[k], row);
        for (size_t m = 0; m < len; m++) {
            PyObject *b = payload_bytes(st, st->pkt_start[k] + (size_t)m);
            if (!b) {
                Py_DECREF(arr);
                return NULL;
            }
            Py_SETREF(cells[m], b);
        }
    }
    return arr;
}

/* An object array with, per row, an object array of str by id. */
static PyObject *string_list_column(strcache *c, const uint32_t *ids, const uint64_t *start,
                                    size_t rows)
{
    PyObject *arr = none_array(rows);
    if (!arr)
        return NULL;
    PyObject **out = PyArray_DATA((PyArrayObject *)arr);
    for (size_t k = 0; k < rows; k++) {
        PyObject *row = string_column(c, ids + start[k], start[k + 1] - start[k]);
        if (!row) {
            Py_DECREF(arr);
            return NULL;
        }
        Py_SETREF(out[k], row);
    }
    return arr;
}

/* put of a list column: a flat array taken from *buf, split per row. */
static int put_list(PyObject *d, const char *key, void **buf, size_t n, size_t elem, int typenum,
                    const uint64_t *start, size_t rows)
{
    PyObject *flat = take_array(buf, n, elem, typenum);
    if (!flat)
        return -1;
    PyObject *col = list_column(flat, start, rows);
    Py_DECREF(flat);
    return cfpy_put(d, key, col);
}

/* ---- columns ---- */

PyObject *cfpy_columns(cfpy_store *st, int lists, int context)
{
    strcache cache;
    if (strcache_init(&cache, &st->strings) != 0)
        return NULL;
    PyObject *d = PyDict_New();
    size_t n = st->rows;
#define TAKE(field, type) take_array((void **)&st->field, n, sizeof *st->field, type)
    int fail = !d || cfpy_put(d, "variant", TAKE(variant, NPY_INT8)) ||
               cfpy_put(d, CF_COL_DEVICE, string_column(&cache, st->device, n)) ||
               cfpy_put(d, CF_COL_FIRST_SEEN, TAKE(first_seen, NPY_INT64)) ||
               cfpy_put(d, CF_COL_REMOTE_IP, string_column(&cache, st->remote_ip, n)) ||
               cfpy_put(d, CF_COL_PROTOCOL, TAKE(protocol, NPY_UINT8)) ||
               cfpy_put(d, CF_COL_DEVICE_PORT, TAKE(device_port, NPY_UINT16)) ||
               cfpy_put(d, CF_COL_REMOTE_PORT, TAKE(remote_port, NPY_UINT16)) ||
               cfpy_put(d, CF_COL_TOTAL_BYTES, TAKE(total_bytes, NPY_INT64)) ||
               cfpy_put(d, CF_COL_TOTAL_PACKETS, TAKE(total_packets, NPY_INT64));
#undef TAKE
    if (!fail && lists) {
        size_t p = st->pkts;
        fail = put_list(d, CF_COL_PKT_OFFSET, (void **)&st->offset_us, p, sizeof *st->offset_us,
                        NPY_INT64, st->pkt_start, n) ||
               put_list(d, CF_COL_PKT_SIZE, (void **)&st->size, p, sizeof *st->size, NPY_INT32,
                        st->pkt_start, n) ||
               put_list(d, CF_COL_PKT_DIRECTION, (void **)&st->direction, p, sizeof *st->direction,
                        NPY_INT8, st->pkt_start, n) ||
               cfpy_put(d, CF_COL_PKT_PAYLOAD, payload_column(st));
    }
    if (!fail && cfpy_store_names(st))
        fail = cfpy_put(d, CF_COL_REMOTE_NAME, string_column(&cache, st->remote_name, n));
    if (!fail && context && cfpy_store_context(st))
        fail = cfpy_put(d, CF_COL_CONTEXT_FILES,
                        string_list_column(&cache, st->ctx_file, st->ctx_start, n)) ||
               put_list(d, CF_COL_CONTEXT_ROWS, (void **)&st->ctx_rows, st->ctxs,
                        sizeof *st->ctx_rows, NPY_INT64, st->ctx_start, n);
    strcache_free(&cache);
    cfpy_store_free(st);
    if (fail) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

/* ---- records ---- */

/* A timezone-aware UTC datetime for µs since the epoch. */
static PyObject *utc_datetime(int64_t us)
{
    int64_t day_us = 86400LL * 1000000LL;
    int64_t days = us / day_us, rest = us % day_us;
    if (rest < 0) {
        rest += day_us;
        days--;
    }
    PyObject *delta = PyDelta_FromDSU((int)days, (int)(rest / 1000000), (int)(rest % 1000000));
    PyObject *t = delta ? PyNumber_Add(epoch_utc, delta) : NULL;
    Py_XDECREF(delta);
    return t;
}

/* A list of k values of a flat array, from first. */
#define INT_LIST(out, arr, first, k, conv)                                                         \
    do {                                                                                           \
        out = PyList_New((Py_ssize_t)(k));                                                         \
        for (size_t m_ = 0; out && m_ < (k); m_++) {                                               \
            PyObject *v_ = conv((arr)[(first) + m_]);                                              \
            if (!v_) {                                                                             \
                Py_CLEAR(out);                                                                     \
                break;                                                                             \
            }                                                                                      \
            PyList_SET_ITEM(out, (Py_ssize_t)m_, v_);                                              \
        }                                                                                          \
    } while (0)

/* The packet lists of row k into d; 0 or -1. */
static int put_packet_lists(PyObject *d, const cfpy_store *st, size_t k)
{
    size_t first = st->pkt_start[k], n = st->pkt_start[k + 1] - first;
    PyObject *list;
    INT_LIST(list, st->offset_us, first, n, PyLong_FromLongLong);
    if (cfpy_put(d, CF_COL_PKT_OFFSET, list) != 0)
        return -1;
    INT_LIST(list, st->size, first, n, PyLong_FromLong);
    if (cfpy_put(d, CF_COL_PKT_SIZE, list) != 0)
        return -1;
    INT_LIST(list, st->direction, first, n, PyLong_FromLong);
    if (cfpy_put(d, CF_COL_PKT_DIRECTION, list) != 0)
        return -1;
    list = PyList_New((Py_ssize_t)n);
    for (size_t m = 0; list && m < n; m++) {
        PyObject *b = payload_bytes(st, first + m);
        if (!b)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)m, b);
    }
    return cfpy_put(d, CF_COL_PKT_PAYLOAD, list);
}

/* The context lists of row k into d; 0 or -1. */
static int put_context_lists(PyObject *d, const cfpy_store *st, strcache *c, size_t k)
{
    size_t first = st->ctx_start[k], n = st->ctx_start[k + 1] - first;
    PyObject *list;
    INT_LIST(list, st->ctx_rows, first, n, PyLong_FromLongLong);
    if (cfpy_put(d, CF_COL_CONTEXT_ROWS, list) != 0)
        return -1;
    list = PyList_New((Py_ssize_t)n);
    for (size_t m = 0; list && m < n; m++) {
        PyObject *s = strcache_get(c, st->ctx_file[first + m]);
        if (!s)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)m, Py_NewRef(s));
    }
    return cfpy_put(d, CF_COL_CONTEXT_FILES, list);
}

static PyObject *record_dict(const cfpy_store *st, strcache *c, size_t k)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    const char *variant = cf_enum_name("variant", st->variant[k]);
    int fail = cfpy_put(d, "variant", PyUnicode_FromString(variant ? variant : "")) ||
               cfpy_put(d, CF_COL_DEVICE, Py_XNewRef(strcache_get(c, st->device[k]))) ||
               cfpy_put(d, CF_COL_FIRST_SEEN, utc_datetime(st->first_seen[k])) ||
               cfpy_put(d, CF_COL_REMOTE_IP, Py_XNewRef(strcache_get(c, st->remote_ip[k]))) ||
               cfpy_put(d, CF_COL_PROTOCOL, PyLong_FromLong(st->protocol[k])) ||
               cfpy_put(d, CF_COL_DEVICE_PORT, PyLong_FromLong(st->device_port[k])) ||
               cfpy_put(d, CF_COL_REMOTE_PORT, PyLong_FromLong(st->remote_port[k])) ||
               cfpy_put(d, CF_COL_TOTAL_BYTES, PyLong_FromLongLong(st->total_bytes[k])) ||
               cfpy_put(d, CF_COL_TOTAL_PACKETS, PyLong_FromLongLong(st->total_packets[k])) ||
               put_packet_lists(d, st, k) ||
               (cfpy_store_names(st) &&
                cfpy_put(d, CF_COL_REMOTE_NAME, Py_XNewRef(strcache_get(c, st->remote_name[k])))) ||
               (cfpy_store_context(st) && put_context_lists(d, st, c, k));
    if (fail) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

PyObject *cfpy_records(const cfpy_store *st)
{
    strcache cache;
    if (strcache_init(&cache, &st->strings) != 0)
        return NULL;
    PyObject *list = PyList_New((Py_ssize_t)st->rows);
    for (size_t k = 0; list && k < st->rows; k++) {
        PyObject *d = record_dict(st, &cache, k);
        if (!d)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)k, d);
    }
    strcache_free(&cache);
    return list;
}

/* ---- matrices ---- */

PyObject *cfpy_matrices(const cfpy_store *st, Py_ssize_t i, Py_ssize_t j)
{
    if (i < 0 || j < 0) {
        PyErr_SetString(PyExc_ValueError, "packets and payload_bytes must be >= 0");
        return NULL;
    }
    npy_intp n = (npy_intp)st->rows;
    npy_intp d2[2] = {n, i}, d3[3] = {n, i, j}, d1[1] = {n};
    PyObject *off = PyArray_SimpleNew(2, d2, NPY_INT64);
    PyObject *size = PyArray_SimpleNew(2, d2, NPY_INT32);
    PyObject *dir = PyArray_SimpleNew(2, d2, NPY_INT8);
    PyObject *pay = PyArray_ZEROS(3, d3, NPY_UINT8, 0);
    PyObject *plen = PyArray_ZEROS(2, d2, NPY_INT32, 0);
    PyObject *np = PyArray_ZEROS(1, d1, NPY_INT32, 0);
    PyObject *d = NULL;
    if (off && size && dir && pay && plen && np) {
        int64_t *o = PyArray_DATA((PyArrayObject *)off);
        int32_t *s = PyArray_DATA((PyArrayObject *)size), *pl = PyArray_DATA((PyArrayObject *)plen);
        int32_t *cnt = PyArray_DATA((PyArrayObject *)np);
        int8_t *dr = PyArray_DATA((PyArrayObject *)dir);
        uint8_t *p = PyArray_DATA((PyArrayObject *)pay);
        for (npy_intp k = 0; k < n * i; k++) {
            o[k] = -1;
            s[k] = -1;
            dr[k] = -1;
        }
        for (npy_intp k = 0; k < n; k++) {
            size_t first = st->pkt_start[k], have = st->pkt_start[k + 1] - first;
            size_t take = have < (size_t)i ? have : (size_t)i;
            cnt[k] = (int32_t)take;
            for (size_t m = 0; m < take; m++) {
                size_t cell = (size_t)k * (size_t)i + m, q = first + m;
                o[cell] = st->offset_us[q];
                s[cell] = st->size[q];
                dr[cell] = st->direction[q];
                size_t len = st->payload_len[q] < (size_t)j ? st->payload_len[q] : (size_t)j;
                pl[cell] = (int32_t)len;
                if (len)
                    memcpy(p + cell * (size_t)j, st->payload + st->payload_start[q], len);
            }
        }
        d = Py_BuildValue("{sOsOsOsOsOsO}", "offset_us", off, "size", size, "direction", dir,
                          "payload", pay, "payload_len", plen, "n_packets", np);
    }
    Py_XDECREF(off);
    Py_XDECREF(size);
    Py_XDECREF(dir);
    Py_XDECREF(pay);
    Py_XDECREF(plen);
    Py_XDECREF(np);
    return d;
}
