/* convert() and read_files() (files.h). Both run without the GIL: convert
 * on a thread of its own (runner.h) so Ctrl-C stops it through
 * cf_session_stop, read_files on the calling thread, taking the GIL back
 * every READ_CHECK_ROWS records to look at signal handlers. */
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "module.h"
#include "options.h"
#include "report.h"
#include "runner.h"
#include "store.h"

#define READ_CHECK_ROWS 65536

typedef struct convert_job {
    cf_session *session;
    char **paths;
    size_t n;
    cf_report *reps;
    size_t n_reps;
    int status;
    char err[1024];
} convert_job;

static void convert_body(void *p)
{
    convert_job *job = p;
    job->status =
        cf_convert_inputs(job->session, (const char *const *)job->paths, job->n, &job->reps,
                          &job->n_reps, NULL, NULL, job->err, sizeof job->err);
}

static PyObject *report_list(const convert_job *job)
{
    PyObject *list = PyList_New((Py_ssize_t)job->n_reps);
    for (size_t k = 0; list && k < job->n_reps; k++) {
        PyObject *d = cfpy_report_dict(&job->reps[k]);
        if (!d)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)k, d);
    }
    return list;
}

PyObject *cfpy_convert(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *options, *inputs, *result = NULL;
    if (!PyArg_ParseTuple(args, "OO", &options, &inputs))
        return NULL;
    cfpy_warnings warnings;
    cfpy_warnings_init(&warnings);
    convert_job job = {0};
    cfpy_runner runner;
    if (!(job.session = cfpy_session_new(options, &warnings)))
        goto out;
    if (!(job.paths = cfpy_paths(inputs, &job.n)))
        goto out;
    cfpy_runner_init(&runner, job.session);
    if (cfpy_runner_start(&runner, convert_body, &job) == 0 &&
        cfpy_runner_wait(&runner, NULL, NULL) == 0) {
        cfpy_runner_join(&runner);
        if (cfpy_warnings_emit(&warnings) == 0) {
            if (job.status < 0)
                cfpy_raise(job.err);
            else
                result = report_list(&job);
        }
    }
    cfpy_runner_destroy(&runner);
    if (job.reps)
        cf_reports_free(job.reps, job.n_reps);
out:
    cfpy_paths_free(job.paths, job.n);
    cf_session_free(job.session);
    cfpy_warnings_destroy(&warnings);
    return result;
}

/* ---- reading ---- */

/* Raises customflow.Error for path with the reader's message, naming the
 * file when the message does not. */
static void raise_for(const char *path, const char *msg)
{
    if (strstr(msg, path)) {
        cfpy_raise(msg);
        return;
    }
    char line[2048];
    snprintf(line, sizeof line, "%s: %s", path, msg);
    cfpy_raise(line);
}

/* The variant of a file's records, from its metadata, or 0. */
static int file_variant(const cf_reader *rd)
{
    const char *v = cf_reader_meta(rd, CF_META_VARIANT);
    int k = v ? cf_enum_parse("variant", v) : -1;
    return k == CF_VARIANT_BI || k == CF_VARIANT_UNI ? k : 0;
}

/* A reader of path, or NULL with an exception set. */
static cf_reader *open_reader(const char *path)
{
    char err[1024] = "";
    cf_reader *rd;
    Py_BEGIN_ALLOW_THREADS;
    rd = cf_reader_open(path, err, sizeof err);
    Py_END_ALLOW_THREADS;
    if (!rd)
        raise_for(path, err[0] ? err : "cannot be read");
    return rd;
}

/* Appends every record of path to st; 0, or -1 with an exception set. */
static int read_one(const char *path, cfpy_store *st)
{
    char err[1024] = "";
    cf_reader *rd = open_reader(path);
    if (!rd)
        return -1;
    int variant = file_variant(rd);
    const char *names = cf_reader_meta(rd, CF_META_NAMES);
    const char *context = cf_reader_meta(rd, CF_META_CONTEXT);
    st->want_names |= names && strcmp(names, "true") == 0;
    st->want_context |= context && *context && strcmp(context, "0") != 0;
    int rc, out_of_memory = 0, interrupted = 0;
    cf_record rec;
    size_t count = 0;
    Py_BEGIN_ALLOW_THREADS;
    while ((rc = cf_reader_next(rd, &rec, err, sizeof err)) == 1) {
        if (!rec.variant)
            rec.variant = variant;
        if (cfpy_store_add(st, &rec) != 0) {
            out_of_memory = 1;
            break;
        }
        if (++count % READ_CHECK_ROWS == 0) {
            Py_BLOCK_THREADS;
            interrupted = PyErr_CheckSignals() != 0;
            Py_UNBLOCK_THREADS;
            if (interrupted)
                break;
        }
    }
    cf_reader_close(rd);
    Py_END_ALLOW_THREADS;
    if (interrupted)
        return -1;
    if (out_of_memory) {
        PyErr_NoMemory();
        return -1;
    }
    if (rc < 0) {
        raise_for(path, err[0] ? err : "damaged");
        return -1;
    }
    return 0;
}

/* The paths of a function's one argument (cfpy_paths), or NULL with an
 * exception set. */
static char **paths_arg(PyObject *args, size_t *n)
{
    PyObject *inputs;
    if (!PyArg_ParseTuple(args, "O", &inputs))
        return NULL;
    return cfpy_paths(inputs, n);
}

PyObject *cfpy_read_files(PyObject *Py_UNUSED(self), PyObject *args)
{
    size_t n = 0;
    char **paths = paths_arg(args, &n);
    if (!paths)
        return NULL;
    cfpy_store *st = malloc(sizeof *st);
    if (!st) {
        cfpy_paths_free(paths, n);
        return PyErr_NoMemory();
    }
    cfpy_store_init(st);
    for (size_t k = 0; k < n; k++) {
        if (read_one(paths[k], st) != 0) {
            cfpy_paths_free(paths, n);
            cfpy_store_free(st);
            free(st);
            return NULL;
        }
    }
    cfpy_paths_free(paths, n);
    return cfpy_batch_new(st);
}

PyObject *cfpy_file_info(PyObject *Py_UNUSED(self), PyObject *args)
{
    size_t n = 0;
    char **paths = paths_arg(args, &n);
    if (!paths)
        return NULL;
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t k = 0; list && k < n; k++) {
        cf_reader *rd = open_reader(paths[k]);
        if (!rd) {
            Py_CLEAR(list);
            break;
        }
        const char *context = cf_reader_meta(rd, CF_META_CONTEXT);
        PyObject *v = Py_BuildValue("(KK)", (unsigned long long)cf_reader_rows(rd),
                                    context ? strtoull(context, NULL, 10) : 0ull);
        cf_reader_close(rd);
        if (!v)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)k, v);
    }
    cfpy_paths_free(paths, n);
    return list;
}
