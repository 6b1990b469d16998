/* What the parts of the extension share: the module's exception and
 * warning classes and the entry points each file defines. */
#ifndef CFPY_MODULE_H
#define CFPY_MODULE_H

#include <Python.h>

#include "customflow.h"

extern PyObject *cfpy_Error;          /* customflow.Error */
extern PyObject *cfpy_Warning;        /* customflow.CustomflowWarning */
extern PyObject *cfpy_DamagedWarning; /* customflow.DamagedWarning */

/* Raises customflow.Error with the library's one-line message. */
void cfpy_raise(const char *msg);

#endif
