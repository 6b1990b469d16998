/* A cf_report as a Python dict (the package wraps it in customflow.Report). */
#ifndef CFPY_REPORT_H
#define CFPY_REPORT_H

#include <Python.h>

#include "customflow.h"

PyObject *cfpy_report_dict(const cf_report *rep);

#endif
