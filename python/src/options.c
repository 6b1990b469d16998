/* Options and input paths from Python (options.h). */
#include "options.h"

#include <stdlib.h>
#include <string.h>

#include "module.h"

cf_session *cfpy_session_new(PyObject *pairs, cfpy_warnings *warnings)
{
    char err[1024];
    PyObject *seq = PySequence_Fast(pairs, "options must be a sequence of (name, value) pairs");
    if (!seq)
        return NULL;
    cf_config *c = cf_config_new();
    if (!c) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, k);
        const char *name, *value = NULL;
        PyObject *v;
        if (!PyTuple_Check(pair) || !PyArg_ParseTuple(pair, "sO", &name, &v))
            goto fail_type;
        if (v != Py_None && !(value = PyUnicode_AsUTF8(v)))
            goto fail_type;
        if (cf_config_set(c, name, value, err, sizeof err) != 0) {
            cfpy_raise(err);
            goto fail;
        }
    }
    Py_DECREF(seq);
    cf_session *s = cf_session_new(c, cfpy_warnings_add, warnings, err, sizeof err);
    cf_config_free(c);
    if (cfpy_warnings_emit(warnings) != 0) {
        cf_session_free(s);
        return NULL;
    }
    if (!s)
        cfpy_raise(err);
    return s;
fail_type:
    if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "each option must be a (str, str or None) pair");
    }
fail:
    Py_DECREF(seq);
    cf_config_free(c);
    return NULL;
}

void cfpy_session_columns(const cf_session *s, int *names, int *context)
{
    char buf[64];
    const cf_config *c = cf_session_config(s);
    const char *v = cf_config_get(c, "names", buf, sizeof buf);
    *names = v && strcmp(v, "true") == 0;
    v = cf_config_get(c, "context", buf, sizeof buf);
    *context = v && *v && strcmp(v, "0") != 0;
}

/* A UTF-8 copy of one path (str, bytes or os.PathLike), or NULL. */
static char *path_copy(PyObject *obj)
{
    PyObject *b = NULL;
    if (!PyUnicode_FSConverter(obj, &b))
        return NULL;
    const char *s = PyBytes_AS_STRING(b);
    char *copy = strdup(s);
    Py_DECREF(b);
    if (!copy)
        PyErr_NoMemory();
    return copy;
}

char **cfpy_paths(PyObject *obj, size_t *n)
{
    int single =
        PyUnicode_Check(obj) || PyBytes_Check(obj) || PyObject_HasAttrString(obj, "__fspath__");
    PyObject *seq = single ? PyTuple_Pack(1, obj)
                           : PySequence_Fast(obj, "inputs must be a path or a sequence of paths");
    if (!seq)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    char **paths = calloc((size_t)count + 1, sizeof *paths);
    if (!paths) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        if (!(paths[k] = path_copy(PySequence_Fast_GET_ITEM(seq, k)))) {
            cfpy_paths_free(paths, (size_t)k);
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    *n = (size_t)count;
    return paths;
}

void cfpy_paths_free(char **paths, size_t n)
{
    if (!paths)
        return;
    for (size_t k = 0; k < n; k++)
        free(paths[k]);
    free(paths);
}
