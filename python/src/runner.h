/* A conversion on a thread of its own, and the interpreter waiting for it
 * without holding the GIL. The waiting thread takes the GIL back every
 * 100 ms to run Python's signal handlers (PyErr_CheckSignals), so Ctrl-C
 * raises KeyboardInterrupt promptly whatever the library is doing and
 * whichever thread does it: the run is then stopped with cf_session_stop
 * and joined before the exception propagates. */
#ifndef CFPY_RUNNER_H
#define CFPY_RUNNER_H

#include <Python.h>
#include <pthread.h>
#include <stdatomic.h>

#include "customflow.h"

typedef struct cfpy_runner {
    pthread_mutex_t mu; /* guards done and whatever the owner's ready() reads */
    pthread_cond_t cond;
    pthread_t thread;
    int started, joined;
    int done;             /* the body returned */
    atomic_int cancelled; /* the consumer is gone: the body stops as soon as it can */
    cf_session *session;  /* what cf_session_stop is called on */
} cfpy_runner;

void cfpy_runner_init(cfpy_runner *r, cf_session *s);
/* Runs body(arg) on a new thread, then marks the runner done; 0, or -1 with
 * a Python exception set. */
int cfpy_runner_start(cfpy_runner *r, void (*body)(void *), void *arg);
/* With the GIL held: waits until ready(ctx) (called with mu held; NULL: never)
 * or the body is done. 0; -1 when a signal handler raised, after cancelling
 * (the exception stays set). */
int cfpy_runner_wait(cfpy_runner *r, int (*ready)(void *ctx), void *ctx);
/* With the GIL held: stops the run and joins its thread (idempotent). */
void cfpy_runner_cancel(cfpy_runner *r);
/* Joins a finished (or cancelled) thread, GIL released; idempotent. */
void cfpy_runner_join(cfpy_runner *r);
/* Frees the mutex and condition (after join). */
void cfpy_runner_destroy(cfpy_runner *r);

/* Non-fatal messages from the library (cf_warn_fn), kept until the
 * interpreter can turn them into Python warnings. */
typedef struct cfpy_warnings {
    pthread_mutex_t mu;
    char **msgs;
    size_t n, cap, dropped;
} cfpy_warnings;

void cfpy_warnings_init(cfpy_warnings *w);
void cfpy_warnings_add(void *w, const char *msg); /* a cf_warn_fn */
/* With the GIL: issues each kept message as customflow.CustomflowWarning
 * and forgets it; -1 when a warning filter turned one into an exception. */
int cfpy_warnings_emit(cfpy_warnings *w);
void cfpy_warnings_destroy(cfpy_warnings *w);

#endif
