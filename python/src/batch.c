/* The Batch type (batch.h): len(), records(), columns(lists=True),
 * matrices(packets, payload_bytes); context= (default: lists) says whether
 * the context lists come with the columns. columns() moves the data out, so a
 * frame of a million rows is not held twice; the batch is empty after. */
#include "batch.h"

#include <stdlib.h>

#include "columns.h"

typedef struct {
    PyObject_HEAD cfpy_store *st;
} BatchObject;

PyObject *cfpy_batch_new(cfpy_store *st)
{
    BatchObject *b = PyObject_New(BatchObject, &cfpy_BatchType);
    if (!b) {
        cfpy_store_free(st);
        free(st);
        return NULL;
    }
    b->st = st;
    return (PyObject *)b;
}

static void batch_dealloc(BatchObject *b)
{
    if (b->st) {
        cfpy_store_free(b->st);
        free(b->st);
    }
    PyObject_Free(b);
}

static Py_ssize_t batch_len(BatchObject *b)
{
    return (Py_ssize_t)b->st->rows;
}

static PyObject *batch_records(BatchObject *b, PyObject *Py_UNUSED(arg))
{
    return cfpy_records(b->st);
}

static PyObject *batch_columns(BatchObject *b, PyObject *args, PyObject *kw)
{
    static char *names[] = {"lists", "context", NULL};
    int lists = 1, context = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|pp", names, &lists, &context))
        return NULL;
    return cfpy_columns(b->st, lists, context < 0 ? lists : context);
}

static PyObject *batch_matrices(BatchObject *b, PyObject *args)
{
    Py_ssize_t i, j;
    if (!PyArg_ParseTuple(args, "nn", &i, &j))
        return NULL;
    return cfpy_matrices(b->st, i, j);
}

static PyObject *batch_variants(BatchObject *b, void *Py_UNUSED(closure))
{
    return PyLong_FromLong(b->st->variants);
}

static PyMethodDef batch_methods[] = {
    {"records", (PyCFunction)batch_records, METH_NOARGS, "A list with one dict per record."},
    {"columns", (PyCFunction)(void (*)(void))batch_columns, METH_VARARGS | METH_KEYWORDS,
     "columns(lists=True, context=lists) -> {column: ndarray}; empties the batch."},
    {"matrices", (PyCFunction)batch_matrices, METH_VARARGS,
     "matrices(packets, payload_bytes): fixed-size model input arrays."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef batch_getset[] = {
    {"variants", (getter)batch_variants, NULL, "bit mask of the variants held (1 bi, 2 uni)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods batch_as_sequence = {.sq_length = (lenfunc)batch_len};

PyTypeObject cfpy_BatchType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "customflow._customflow.Batch",
    .tp_basicsize = sizeof(BatchObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Custom-flow records held in C.",
    .tp_dealloc = (destructor)batch_dealloc,
    .tp_as_sequence = &batch_as_sequence,
    .tp_methods = batch_methods,
    .tp_getset = batch_getset,
};
