/* What the parts of the extension share: the module's exception and
 * warning classes and the entry points each file defines. */
#ifndef CFPY_MODULE_H
#define CFPY_MODULE_H

#include <Python.h>

#include "customflow.h"

extern PyObject *cfpy_Error;          /* customflow.Error */
extern PyObject *cfpy_Warning;        /* customflow.CustomflowWarning */
extern PyObject *cfpy_DamagedWarning; /* customflow.DamagedWarning */

/* d[key] = value, stealing value; -1 when value is NULL (an exception is
 * set) or on error. */
int cfpy_put(PyObject *d, const char *key, PyObject *value);

/* Raises customflow.Error with the library's one-line message. */
void cfpy_raise(const char *msg);

#endif
