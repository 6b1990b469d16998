/* customflow._customflow.Run: a capture converted in memory (run.c). */
#ifndef CFPY_RUN_H
#define CFPY_RUN_H

#include <Python.h>

extern PyTypeObject cfpy_RunType;

#endif
