/* See progutil.h. */
#include "progutil.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

int make_dirs(const char *path)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t k = 1; k <= n; k++) {
        if (buf[k] != '/' && buf[k] != 0)
            continue;
        char c = buf[k];
        buf[k] = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        buf[k] = c;
    }
    return 0;
}

static cf_session *volatile running; /* for the signal handler */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
    cf_session *s = running;
    if (s)
        cf_session_stop(s);
}

void stop_on_signals(cf_session *s)
{
    running = s;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int stop_signal_received(void)
{
    return (int)stop_signal;
}

void stop_on_signals_end(void)
{
    running = NULL;
}
