/* cf_report -> dict: counts as ints, skip reasons by name (every reason,
 * zero or not, so a key's absence never means zero), the per-device table
 * as {label: {"bidirectional": n, "unidirectional": n}}. */
#include "report.h"

#include "module.h"

static const char *status_name(cf_status s)
{
    switch (s) {
    case CF_STATUS_DONE:
        return "done";
    case CF_STATUS_DAMAGED:
        return "damaged";
    case CF_STATUS_FAILED:
        return "failed";
    case CF_STATUS_SKIPPED:
        return "skipped";
    }
    return "unknown";
}

#define U64(x) PyLong_FromUnsignedLongLong((unsigned long long)(x))

static PyObject *skipped_dict(const cf_report *rep)
{
    PyObject *d = PyDict_New();
    int count = cf_skip_count();
    for (int k = 1; d && k < count && k < 16; k++) {
        const char *name = cf_skip_name(k);
        if (name && cfpy_put(d, name, U64(rep->skipped[k])) != 0)
            Py_CLEAR(d);
    }
    return d;
}

static PyObject *devices_dict(const cf_report *rep)
{
    PyObject *d = PyDict_New();
    for (size_t k = 0; d && k < rep->n_devices; k++) {
        const cf_device_count *dc = &rep->devices[k];
        PyObject *row = Py_BuildValue("{sKsK}", "bidirectional", (unsigned long long)dc->bi,
                                      "unidirectional", (unsigned long long)dc->uni);
        if (cfpy_put(d, dc->label ? dc->label : "", row) != 0)
            Py_CLEAR(d);
    }
    return d;
}

PyObject *cfpy_report_dict(const cf_report *rep)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    if (cfpy_put(d, "input", PyUnicode_DecodeFSDefault(rep->input)) ||
        cfpy_put(d, "stem", PyUnicode_DecodeFSDefault(rep->stem)) ||
        cfpy_put(d, "status", PyUnicode_FromString(status_name(rep->status))) ||
        cfpy_put(d, "message",
                 PyUnicode_DecodeUTF8(rep->message, strlen(rep->message), "replace")) ||
        cfpy_put(d, "frames", U64(rep->frames)) || cfpy_put(d, "bytes", U64(rep->bytes)) ||
        cfpy_put(d, "packets_decoded", U64(rep->packets_decoded)) ||
        cfpy_put(d, "packets_attributed", U64(rep->packets_attributed)) ||
        cfpy_put(d, "packets_no_device", U64(rep->packets_no_device)) ||
        cfpy_put(d, "skipped", skipped_dict(rep)) ||
        cfpy_put(d, "records_bi", U64(rep->records_bi)) ||
        cfpy_put(d, "records_uni", U64(rep->records_uni)) ||
        cfpy_put(d, "early_closed", U64(rep->early_closed)) ||
        cfpy_put(d, "out_of_order", U64(rep->out_of_order)) ||
        cfpy_put(d, "input_digest", PyUnicode_FromString(rep->input_digest)) ||
        cfpy_put(d, "input_bytes", U64(rep->input_bytes)) ||
        cfpy_put(d, "live", PyBool_FromLong(rep->live)) ||
        cfpy_put(d, "kernel_received", U64(rep->kernel_received)) ||
        cfpy_put(d, "kernel_dropped", U64(rep->kernel_dropped)) ||
        cfpy_put(d, "iface_dropped", U64(rep->iface_dropped)) ||
        cfpy_put(d, "capture_start_us", PyLong_FromLongLong(rep->capture_start_us)) ||
        cfpy_put(d, "capture_end_us", PyLong_FromLongLong(rep->capture_end_us)) ||
        cfpy_put(d, "devices", devices_dict(rep))) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}
