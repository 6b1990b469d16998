/* customflow._customflow: the module (types, functions, exception and
 * warning classes). Everything goes through the public customflow.h. */
#define CFPY_NUMPY_MAIN
#include "np.h"

#include "batch.h"
#include "columns.h"
#include "files.h"
#include "module.h"
#include "run.h"

PyObject *cfpy_Error, *cfpy_Warning, *cfpy_DamagedWarning;

void cfpy_raise(const char *msg)
{
    PyObject *m = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
    if (m) {
        PyErr_SetObject(cfpy_Error, m);
        Py_DECREF(m);
    }
}

int cfpy_put(PyObject *d, const char *key, PyObject *value)
{
    if (!value)
        return -1;
    int st = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return st;
}

static PyObject *version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(arg))
{
    return PyUnicode_FromString(cf_version());
}

static PyObject *library_versions(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(arg))
{
    return PyUnicode_FromString(cf_library_versions());
}

/* [(name, short, arg, help)] in --help order. */
static PyObject *options(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(arg))
{
    size_t n = 0;
    const cf_option_info *o = cf_options(&n);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t k = 0; list && k < n; k++) {
        char short_name[2] = {o[k].short_name, 0};
        PyObject *t =
            Py_BuildValue("(sszs)", o[k].name, short_name, o[k].arg, o[k].help ? o[k].help : "");
        if (!t)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)k, t);
    }
    return list;
}

/* Skip reasons by index (index 0 unused). */
static PyObject *skip_names(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(arg))
{
    int n = cf_skip_count();
    PyObject *list = PyList_New(0);
    for (int k = 1; list && k < n; k++) {
        const char *name = cf_skip_name(k);
        PyObject *s = PyUnicode_FromString(name ? name : "");
        if (!s || PyList_Append(list, s) != 0)
            Py_CLEAR(list);
        Py_XDECREF(s);
    }
    return list;
}

static PyMethodDef module_methods[] = {
    {"convert", cfpy_convert, METH_VARARGS,
     "convert(options, inputs) -> [report dict]: cf_convert_inputs, into files."},
    {"read_files", cfpy_read_files, METH_VARARGS,
     "read_files(paths) -> Batch: the records of files customflow wrote."},
    {"file_info", cfpy_file_info, METH_VARARGS,
     "file_info(paths) -> [(rows, context)]: each file's record count and --context K."},
    {"version", version, METH_NOARGS, "The linked library's version."},
    {"library_versions", library_versions, METH_NOARGS, "The versions of the libraries under it."},
    {"options", options, METH_NOARGS, "[(name, short, arg, help)] of every option."},
    {"skip_names", skip_names, METH_NOARGS, "The names of the skip reasons."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "customflow._customflow",
    .m_doc = "C extension over libcustomflow (customflow.h); use the customflow package.",
    .m_size = -1,
    .m_methods = module_methods,
};

static int add_class(PyObject *m, const char *name, PyObject *base, PyObject **out)
{
    char qualified[128];
    snprintf(qualified, sizeof qualified, "customflow.%s", name);
    *out = PyErr_NewException(qualified, base, NULL);
    return *out ? PyModule_AddObjectRef(m, name, *out) : -1;
}

PyMODINIT_FUNC PyInit__customflow(void)
{
    import_array();
    if (cfpy_columns_init() != 0 || PyType_Ready(&cfpy_BatchType) != 0 ||
        PyType_Ready(&cfpy_RunType) != 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    if (add_class(m, "Error", PyExc_Exception, &cfpy_Error) != 0 ||
        add_class(m, "CustomflowWarning", PyExc_UserWarning, &cfpy_Warning) != 0 ||
        add_class(m, "DamagedWarning", cfpy_Warning, &cfpy_DamagedWarning) != 0 ||
        PyModule_AddObjectRef(m, "Batch", (PyObject *)&cfpy_BatchType) != 0 ||
        PyModule_AddObjectRef(m, "Run", (PyObject *)&cfpy_RunType) != 0 ||
        PyModule_AddStringConstant(m, "HEADER_VERSION", CF_VERSION_STRING) != 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
