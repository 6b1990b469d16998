/* What the customflow command's parts share (customflow.c, summary/,
 * cluster/): creating directories and stopping a session on a signal. */
#ifndef CF_PROGRAMS_PROGUTIL_H
#define CF_PROGRAMS_PROGUTIL_H

#include "customflow.h"

/* mkdir -p: the directory and its missing parents. 0, or -1 with errno. */
int make_dirs(const char *path);

/* Until stop_on_signals_end(): SIGINT and SIGTERM stop the session
 * (cf_session_stop) and are remembered. */
void stop_on_signals(cf_session *s);
/* The signal that stopped the session, or 0. */
int stop_signal_received(void);
/* Signals no longer reach the session (it may be freed). */
void stop_on_signals_end(void);

#endif
