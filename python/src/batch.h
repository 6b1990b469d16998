/* customflow._customflow.Batch: records held in C (a store), turned into
 * Python data on request. */
#ifndef CFPY_BATCH_H
#define CFPY_BATCH_H

#include <Python.h>

#include "store.h"

extern PyTypeObject cfpy_BatchType;

/* A Batch owning st (freed with it); NULL (st freed) on error. */
PyObject *cfpy_batch_new(cfpy_store *st);

#endif
