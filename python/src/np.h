/* numpy's C API, imported once by module.c (CFPY_NUMPY_MAIN) and shared by
 * the other files through one table. */
#ifndef CFPY_NP_H
#define CFPY_NP_H

#define PY_ARRAY_UNIQUE_SYMBOL cfpy_ARRAY_API
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#ifndef CFPY_NUMPY_MAIN
#define NO_IMPORT_ARRAY
#endif
#include <Python.h>
#include <numpy/arrayobject.h>

#endif
