/* A store (store.h) as Python data: numpy columns for pandas, one dict a
 * record for iteration, fixed-size matrices for models. With the GIL. */
#ifndef CFPY_COLUMNS_H
#define CFPY_COLUMNS_H

#include <Python.h>

#include "store.h"

/* Once, at module import (datetime's C API). 0 or -1. */
int cfpy_columns_init(void);

/* {name: ndarray}: "variant" int8, "first_seen" int64 µs, uint8/uint16/int64
 * scalar columns, object arrays of str for strings (None for a missing
 * remote name); with lists, the packet list columns as object arrays holding one
 * ndarray per row (views of one flat array; pkt_payload rows are object
 * arrays of bytes); with context, context_rows and context_files so too.
 * Moves the scalar buffers out of st, which is left
 * empty. */
PyObject *cfpy_columns(cfpy_store *st, int lists, int context);

/* [dict per record], keys as the schema's column names plus "variant";
 * first_seen a timezone-aware datetime, lists as Python lists, pkt_payload
 * a list of bytes. */
PyObject *cfpy_records(const cfpy_store *st);

/* The model input with i packets and j payload bytes: "offset_us" (n, i)
 * int64, "size" (n, i) int32, "direction" (n, i) int8, each -1 past a
 * record's packets; "payload" (n, i, j) uint8 zero-padded; "payload_len"
 * (n, i) int32 (0 past the packets); "n_packets" (n,) int32. */
PyObject *cfpy_matrices(const cfpy_store *st, Py_ssize_t i, Py_ssize_t j);

#endif
