/* customflow._customflow.Run: one capture (or several merged) converted in
 * memory on a thread of its own, through cf_sink_callback, while the
 * interpreter waits without the GIL (runner.h).
 *
 * Streaming (flows()): the callback copies records into batches of at most
 * BATCH_ROWS records or BATCH_BYTES bytes and hands each to a queue of
 * QUEUE_BATCHES; when the queue is full the conversion thread waits for
 * the consumer, so memory stays bounded whatever the capture's size.
 * Collecting (to_pandas(), to_numpy()): one store takes every record.
 *
 * Live (an interface, cf_source_open_live): records come as they become
 * final, a few at a time, so the consumer does not wait for a full batch:
 * when the queue is empty it takes the batch being filled (take_partial).
 * The capture ends with cf_session_stop, which makes the library emit the
 * open records and return normally: after `duration` seconds (checked on
 * the library's progress calls, at least every 200 ms of a live run), at
 * the max_records-th record (later ones are dropped), or on stop(). */
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "module.h"
#include "options.h"
#include "report.h"
#include "runner.h"
#include "store.h"

#define BATCH_ROWS 4096
#define BATCH_BYTES (4u << 20)
#define QUEUE_BATCHES 2

typedef struct {
    PyObject_HEAD cf_session *session;
    cf_source *source;
    cf_sink *sink;
    cfpy_runner runner;
    int runner_ready; /* runner and warnings initialised */
    cfpy_warnings warnings;
    int streaming;
    int live;                         /* the source is an interface */
    double duration;                  /* live: seconds until cf_session_stop; 0 none */
    unsigned long long max_records;   /* records passed on at most; 0 no limit */
    unsigned long long emitted;       /* records passed on, under add_mu */
    atomic_int partial;               /* live streaming: current holds records, set under add_mu */
    int names, context;               /* columns of the session's records */
    pthread_mutex_t add_mu;           /* the library may call sinks from several threads */
    cfpy_store *current;              /* filled by the conversion thread(s), under add_mu */
    cfpy_store *queue[QUEUE_BATCHES]; /* streaming: full batches, under runner.mu */
    size_t q_head, q_len;
    int out_of_memory;
    int status; /* cf_run's */
    char err[1024];
    cf_report rep;
    int finished; /* the thread is joined and its outcome turned into Python */
} RunObject;

static cfpy_store *new_store(RunObject *run)
{
    cfpy_store *st = malloc(sizeof *st);
    if (st) {
        cfpy_store_init(st);
        st->want_names = run->names;
        st->want_context = run->context;
    }
    return st;
}

static void drop_store(cfpy_store *st)
{
    if (st) {
        cfpy_store_free(st);
        free(st);
    }
}

/* ---- conversion thread ---- */

/* Queues the current batch and starts a new one; 0, or 1 to stop the run
 * (the consumer is gone, or no memory). */
static int push_batch(RunObject *run)
{
    cfpy_runner *r = &run->runner;
    pthread_mutex_lock(&r->mu);
    while (run->q_len == QUEUE_BATCHES && !atomic_load(&r->cancelled))
        pthread_cond_wait(&r->cond, &r->mu);
    if (atomic_load(&r->cancelled)) {
        pthread_mutex_unlock(&r->mu);
        return 1;
    }
    run->queue[(run->q_head + run->q_len) % QUEUE_BATCHES] = run->current;
    run->q_len++;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
    if (!(run->current = new_store(run))) {
        run->out_of_memory = 1;
        return 1;
    }
    return 0;
}

/* Live streaming: tells a waiting consumer that the batch being filled has
 * records (take_partial); with add_mu held. */
static void announce_partial(RunObject *run)
{
    cfpy_runner *r = &run->runner;
    atomic_store(&run->partial, 1);
    pthread_mutex_lock(&r->mu);
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
}

static int on_record(void *ctx, const cf_record *rec)
{
    RunObject *run = ctx;
    int stop = 0;
    if (atomic_load(&run->runner.cancelled))
        return 1;
    pthread_mutex_lock(&run->add_mu);
    if (run->max_records && run->emitted >= run->max_records) {
        /* past the limit: the run is stopping and emits its open records */
    } else if (!run->current || cfpy_store_add(run->current, rec) != 0) {
        run->out_of_memory = 1;
        stop = 1;
    } else {
        if (++run->emitted == run->max_records)
            cf_session_stop(run->session);
        if (run->streaming &&
            (run->current->rows >= BATCH_ROWS || cfpy_store_bytes(run->current) >= BATCH_BYTES))
            stop = push_batch(run);
        else if (run->streaming && run->live)
            announce_partial(run);
    }
    pthread_mutex_unlock(&run->add_mu);
    return stop;
}

/* Live: the capture ends after `duration` seconds (the library calls this
 * on every tick, at least every 200 ms). */
static void on_progress(void *ctx, const cf_progress *p)
{
    RunObject *run = ctx;
    if (run->duration > 0 && p->seconds >= run->duration)
        cf_session_stop(run->session);
}

static void run_body(void *p)
{
    RunObject *run = p;
    int timed = run->live && run->duration > 0;
    run->status = cf_run(run->session, run->source, &run->sink, 1, &run->rep,
                         timed ? on_progress : NULL, run, run->err, sizeof run->err);
    /* add_mu: a live consumer may be taking the current batch */
    pthread_mutex_lock(&run->add_mu);
    if (run->streaming && !run->out_of_memory && run->current && run->current->rows > 0)
        push_batch(run);
    pthread_mutex_unlock(&run->add_mu);
}

/* ---- Python side ---- */

static int run_init(RunObject *run, PyObject *args, PyObject *kw)
{
    static char *names[] = {"options",  "inputs",      "stream", "interface",
                            "duration", "max_records", NULL};
    PyObject *options, *inputs;
    int stream = 1;
    const char *iface = NULL;
    double duration = 0;
    unsigned long long max_records = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|pzdK", names, &options, &inputs, &stream, &iface,
                                     &duration, &max_records))
        return -1;
    if (run->runner_ready) {
        PyErr_SetString(PyExc_RuntimeError, "Run is already initialised");
        return -1;
    }
    run->streaming = stream;
    run->live = iface != NULL;
    run->duration = duration;
    run->max_records = max_records;
    atomic_init(&run->partial, 0);
    cfpy_warnings_init(&run->warnings);
    cfpy_runner_init(&run->runner, NULL);
    pthread_mutex_init(&run->add_mu, NULL);
    run->runner_ready = 1;
    if (!(run->session = cfpy_session_new(options, &run->warnings)))
        return -1;
    run->runner.session = run->session;
    cfpy_session_columns(run->session, &run->names, &run->context);

    char err[1024];
    size_t n = 0;
    char **paths = NULL;
    if (iface) {
        /* libpcap's activation: quick, but a system call or two */
        Py_BEGIN_ALLOW_THREADS;
        run->source = cf_source_open_live(run->session, iface, err, sizeof err);
        Py_END_ALLOW_THREADS;
        n = 1;
        /* a note of the library's (promiscuous mode refused, ...) now */
        if (cfpy_warnings_emit(&run->warnings) != 0)
            return -1;
    } else if (!(paths = cfpy_paths(inputs, &n))) {
        return -1;
    } else if (n == 0)
        cfpy_raise("no input given");
    else if (n == 1)
        run->source = cf_source_open(run->session, paths[0], err, sizeof err);
    else
        run->source =
            cf_source_open_merged(run->session, (const char *const *)paths, n, err, sizeof err);
    cfpy_paths_free(paths, n);
    if (n == 0)
        return -1;
    if (!run->source ||
        !(run->sink = cf_sink_callback(run->session, on_record, run, err, sizeof err))) {
        cfpy_raise(err);
        return -1;
    }
    if (!(run->current = new_store(run))) {
        PyErr_NoMemory();
        return -1;
    }
    return cfpy_runner_start(&run->runner, run_body, run);
}

/* After the thread is done: its outcome as Python (once). 0, or -1 with
 * an exception: customflow.Error for a failed run, MemoryError; a damaged
 * capture is a DamagedWarning. */
static int run_finish(RunObject *run)
{
    if (run->finished)
        return 0;
    cfpy_runner_join(&run->runner);
    run->finished = 1;
    if (cfpy_warnings_emit(&run->warnings) != 0)
        return -1;
    if (run->out_of_memory) {
        PyErr_SetString(PyExc_MemoryError, "customflow: out of memory holding the records");
        return -1;
    }
    if (run->status < 0) {
        cfpy_raise(run->err[0] ? run->err : "conversion failed");
        return -1;
    }
    if (run->status == 1) {
        const char *msg = run->rep.message[0] ? run->rep.message : run->err;
        if (PyErr_WarnEx(cfpy_DamagedWarning, msg, 2) != 0)
            return -1;
    }
    return 0;
}

static int queue_ready(void *ctx)
{
    RunObject *run = ctx;
    return run->q_len > 0 || atomic_load(&run->partial);
}

/* Live streaming, the queue empty: takes the batch being filled. 1 with *out
 * the batch (NULL: it had no records after all), 0 when the conversion
 * thread holds it now (try again: it may be waiting for room in the queue,
 * so this must not block), -1 with an exception. */
static int take_partial(RunObject *run, cfpy_store **out)
{
    *out = NULL;
    cfpy_store *fresh = new_store(run);
    if (!fresh) {
        PyErr_NoMemory();
        return -1;
    }
    if (pthread_mutex_trylock(&run->add_mu) != 0) {
        drop_store(fresh);
        return 0;
    }
    if (run->current && run->current->rows > 0) {
        *out = run->current;
        run->current = fresh;
        fresh = NULL;
    }
    atomic_store(&run->partial, 0);
    pthread_mutex_unlock(&run->add_mu);
    drop_store(fresh);
    return 1;
}

static int check_started(RunObject *run)
{
    if (!run->runner.started) {
        PyErr_SetString(PyExc_RuntimeError, "Run was not started");
        return -1;
    }
    return 0;
}

/* Streaming: the next Batch, or None after the last. */
static PyObject *run_next_batch(RunObject *run, PyObject *Py_UNUSED(arg))
{
    if (check_started(run) != 0)
        return NULL;
    if (!run->streaming) {
        PyErr_SetString(PyExc_RuntimeError, "next_batch() needs a streaming Run");
        return NULL;
    }
    for (;;) {
        if (!run->finished && cfpy_runner_wait(&run->runner, queue_ready, run) != 0)
            return NULL;
        cfpy_store *st = NULL;
        pthread_mutex_lock(&run->runner.mu);
        if (run->q_len > 0) {
            st = run->queue[run->q_head];
            run->q_head = (run->q_head + 1) % QUEUE_BATCHES;
            run->q_len--;
            pthread_cond_broadcast(&run->runner.cond);
        }
        pthread_mutex_unlock(&run->runner.mu);
        if (st)
            return cfpy_batch_new(st);
        if (run->finished || !atomic_load(&run->partial))
            break;
        int got = take_partial(run, &st);
        if (got < 0)
            return NULL;
        if (st)
            return cfpy_batch_new(st);
        if (got == 0) { /* busy: a moment, without the GIL */
            Py_BEGIN_ALLOW_THREADS;
            nanosleep(&(struct timespec){0, 1000000L}, NULL);
            Py_END_ALLOW_THREADS;
        }
    }
    if (run_finish(run) != 0)
        return NULL;
    Py_RETURN_NONE;
}

/* Collecting: waits for the end; the Batch of every record. */
static PyObject *run_collect(RunObject *run, PyObject *Py_UNUSED(arg))
{
    if (check_started(run) != 0)
        return NULL;
    if (run->streaming || !run->current) {
        PyErr_SetString(PyExc_RuntimeError, "collect() needs a collecting Run, once");
        return NULL;
    }
    if (cfpy_runner_wait(&run->runner, NULL, NULL) != 0 || run_finish(run) != 0)
        return NULL;
    cfpy_store *st = run->current;
    run->current = NULL;
    return cfpy_batch_new(st);
}

/* Stops the conversion (if running) and drops what it held. */
static void run_stop(RunObject *run)
{
    if (!run->runner_ready)
        return;
    cfpy_runner_cancel(&run->runner);
    run->finished = 1;
    for (; run->q_len > 0; run->q_len--, run->q_head = (run->q_head + 1) % QUEUE_BATCHES)
        drop_store(run->queue[run->q_head]);
}

static PyObject *run_close(RunObject *run, PyObject *Py_UNUSED(arg))
{
    run_stop(run);
    Py_RETURN_NONE;
}

/* Asks the run to end (cf_session_stop): a live capture emits its open
 * records and ends normally. Any thread; does not wait. */
static PyObject *run_end(RunObject *run, PyObject *Py_UNUSED(arg))
{
    if (run->session)
        cf_session_stop(run->session);
    Py_RETURN_NONE;
}

/* The report of a finished run (a dict), or None before the end. */
static PyObject *run_report(RunObject *run, PyObject *Py_UNUSED(arg))
{
    if (!run->finished || !run->runner.joined)
        Py_RETURN_NONE;
    return cfpy_report_dict(&run->rep);
}

static void run_dealloc(RunObject *run)
{
    run_stop(run);
    if (run->runner.started)
        cf_report_free(&run->rep);
    drop_store(run->current);
    cf_sink_free(run->sink);
    cf_source_close(run->source);
    cf_session_free(run->session);
    if (run->runner_ready) {
        cfpy_runner_destroy(&run->runner);
        pthread_mutex_destroy(&run->add_mu);
        cfpy_warnings_destroy(&run->warnings);
    }
    Py_TYPE(run)->tp_free((PyObject *)run);
}

static PyMethodDef run_methods[] = {
    {"next_batch", (PyCFunction)run_next_batch, METH_NOARGS,
     "The next Batch of records, or None at the end (streaming)."},
    {"collect", (PyCFunction)run_collect, METH_NOARGS, "Every record as one Batch (collecting)."},
    {"close", (PyCFunction)run_close, METH_NOARGS, "Stops the conversion."},
    {"stop", (PyCFunction)run_end, METH_NOARGS,
     "Asks a live capture to end: its open records come out, then the end."},
    {"report", (PyCFunction)run_report, METH_NOARGS, "The report (dict) once finished."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject cfpy_RunType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "customflow._customflow.Run",
    .tp_basicsize = sizeof(RunObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Run(options, inputs, stream=True, interface=None, duration=0, max_records=0): a "
              "capture (or a live interface) converted in memory.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)run_init,
    .tp_dealloc = (destructor)run_dealloc,
    .tp_methods = run_methods,
};
