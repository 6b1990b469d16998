/* Conversion thread and interruptible wait (runner.h). */
#include "runner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "module.h"

/* How often the waiting thread looks at Python's signal handlers. */
#define CHECK_SIGNALS_NS 100000000L

void cfpy_runner_init(cfpy_runner *r, cf_session *s)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cond, NULL);
    atomic_init(&r->cancelled, 0);
    r->session = s;
}

typedef struct thread_start {
    cfpy_runner *r;
    void (*body)(void *);
    void *arg;
} thread_start;

static void *thread_main(void *p)
{
    thread_start ts = *(thread_start *)p;
    free(p);
    ts.body(ts.arg);
    pthread_mutex_lock(&ts.r->mu);
    ts.r->done = 1;
    pthread_cond_broadcast(&ts.r->cond);
    pthread_mutex_unlock(&ts.r->mu);
    return NULL;
}

int cfpy_runner_start(cfpy_runner *r, void (*body)(void *), void *arg)
{
    thread_start *ts = malloc(sizeof *ts);
    if (!ts) {
        PyErr_NoMemory();
        return -1;
    }
    *ts = (thread_start){r, body, arg};
    int e = pthread_create(&r->thread, NULL, thread_main, ts);
    if (e != 0) {
        free(ts);
        errno = e;
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    r->started = 1;
    return 0;
}

int cfpy_runner_wait(cfpy_runner *r, int (*ready)(void *ctx), void *ctx)
{
    for (;;) {
        int finished;
        Py_BEGIN_ALLOW_THREADS;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += CHECK_SIGNALS_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&r->mu);
        finished = r->done || (ready && ready(ctx));
        if (!finished) {
            pthread_cond_timedwait(&r->cond, &r->mu, &until);
            finished = r->done || (ready && ready(ctx));
        }
        pthread_mutex_unlock(&r->mu);
        Py_END_ALLOW_THREADS;
        if (finished)
            return 0;
        if (PyErr_CheckSignals() != 0) {
            cfpy_runner_cancel(r);
            return -1;
        }
    }
}

void cfpy_runner_cancel(cfpy_runner *r)
{
    if (!r->started)
        return;
    if (r->session)
        cf_session_stop(r->session);
    pthread_mutex_lock(&r->mu);
    atomic_store(&r->cancelled, 1);
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
    cfpy_runner_join(r);
}

void cfpy_runner_join(cfpy_runner *r)
{
    if (!r->started || r->joined)
        return;
    Py_BEGIN_ALLOW_THREADS;
    pthread_join(r->thread, NULL);
    Py_END_ALLOW_THREADS;
    r->joined = 1;
}

void cfpy_runner_destroy(cfpy_runner *r)
{
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->mu);
}

/* ---- warnings ---- */

/* Beyond this many kept messages, only a count. */
#define MAX_WARNINGS 100

void cfpy_warnings_init(cfpy_warnings *w)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
}

void cfpy_warnings_add(void *ctx, const char *msg)
{
    cfpy_warnings *w = ctx;
    pthread_mutex_lock(&w->mu);
    if (w->n == w->cap && w->cap < MAX_WARNINGS) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        char **m = realloc(w->msgs, cap * sizeof *m);
        if (m) {
            w->msgs = m;
            w->cap = cap;
        }
    }
    char *copy = w->n < w->cap ? strdup(msg) : NULL;
    if (copy)
        w->msgs[w->n++] = copy;
    else
        w->dropped++;
    pthread_mutex_unlock(&w->mu);
}

int cfpy_warnings_emit(cfpy_warnings *w)
{
    pthread_mutex_lock(&w->mu);
    char **msgs = w->msgs;
    size_t n = w->n, dropped = w->dropped;
    w->msgs = NULL;
    w->n = w->cap = w->dropped = 0;
    pthread_mutex_unlock(&w->mu);
    int st = 0;
    for (size_t k = 0; k < n; k++) {
        if (st == 0 && PyErr_WarnEx(cfpy_Warning, msgs[k], 2) != 0)
            st = -1;
        free(msgs[k]);
    }
    free(msgs);
    if (st == 0 && dropped > 0)
        st = PyErr_WarnFormat(cfpy_Warning, 2, "%zu more messages not shown", dropped);
    return st;
}

void cfpy_warnings_destroy(cfpy_warnings *w)
{
    for (size_t k = 0; k < w->n; k++)
        free(w->msgs[k]);
    free(w->msgs);
    pthread_mutex_destroy(&w->mu);
}
