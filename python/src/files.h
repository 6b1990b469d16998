/* The module's two whole-run functions: convert() (what the command line
 * does, into files) and read_files() (files customflow wrote, back). */
#ifndef CFPY_FILES_H
#define CFPY_FILES_H

#include <Python.h>

/* convert(options, inputs) -> [report dict, ...] */
PyObject *cfpy_convert(PyObject *self, PyObject *args);
/* read_files(paths) -> Batch */
PyObject *cfpy_read_files(PyObject *self, PyObject *args);

#endif
