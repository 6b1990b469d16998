/* The module's two whole-run functions: convert() (what the command line
 * does, into files) and read_files() (files customflow wrote, back). */
#ifndef CFPY_FILES_H
#define CFPY_FILES_H

#include <Python.h>

/* convert(options, inputs) -> [report dict, ...] */
PyObject *cfpy_convert(PyObject *self, PyObject *args);
/* read_files(paths) -> Batch */
PyObject *cfpy_read_files(PyObject *self, PyObject *args);
/* file_info(paths) -> [(rows, context)]: each file's record count and
 * --context K (0 without), from its footer only */
PyObject *cfpy_file_info(PyObject *self, PyObject *args);

#endif
