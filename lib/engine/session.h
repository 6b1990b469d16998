/* The session behind cf_session (customflow.h): a checked configuration
 * with what it names loaded, shared read-only by the runs of all threads,
 * and the stop request they poll. */
#ifndef CF_ENGINE_SESSION_H
#define CF_ENGINE_SESSION_H

#include <stdatomic.h>

#include "customflow.h"
#include "engine/config.h"
#include "flow/devices.h"
#include "flow/netaddr.h"

struct cf_session {
    cf_config *cfg; /* the session's own copy */
    cf_devices *devices;
    cf_localnets local;
    cf_warn_fn warn;
    void *warn_ctx;
    atomic_int stop; /* lock-free: raised by cf_session_stop, also from signal handlers */
    /* Threads one conversion may use: --threads, else the cores that the
     * jobs of cf_convert_inputs leave (all of them outside it). */
    atomic_int run_threads;
};

/* Threads one conversion may use (at least 1). */
int cf_session_threads(const cf_session *s);
/* The machine's cores. */
int cf_cores(void);

/* The output directory ("flows" unless set). */
const char *cf_session_output(const cf_session *s);

/* Passes a non-fatal message to the session's warn function, if any. */
void cf_session_warn(const cf_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
