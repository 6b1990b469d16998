/* Live capture with libpcap (see live.h). */
#include "capture/live.h"

#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cf_live {
    pcap_t *p;
    char iface[256];
    int fd; /* pcap_get_selectable_fd */
    int linktype;
    int nsec;
    uint32_t snaplen;
    int (*stopping)(const void *ctx);
    const void *stop_ctx;
    int64_t last_tick_us;
    int64_t last_frame_us;  /* stamp of the last frame handed out (0: none) */
    unsigned since_check;   /* frames since the clock was last read */
    int64_t drain_until_us; /* stopping: frames already in the ring, until then */
    int stopped;
    /* pcap_stats counters are 32-bit and wrap: the last raw values and the
     * 64-bit sums of their increments. */
    unsigned raw_recv, raw_drop, raw_ifdrop;
    cf_live_stats st;
    char warning[512];
};

uint32_t cf_live_snaplen(uint32_t payload_bytes)
{
    uint64_t n = (uint64_t)payload_bytes + CF_LIVE_HEADER_ROOM;
    return n > CF_LIVE_MAX_SNAPLEN ? CF_LIVE_MAX_SNAPLEN : (uint32_t)n;
}

int64_t cf_live_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void live_err(char *err, size_t errlen, const char *iface, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void live_err(char *err, size_t errlen, const char *iface, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    int n = snprintf(err, errlen, "%s: ", iface);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* libpcap messages sometimes end with a newline or repeat the interface. */
static const char *pcap_msg(pcap_t *p)
{
    static _Thread_local char buf[PCAP_ERRBUF_SIZE];
    snprintf(buf, sizeof buf, "%s", pcap_geterr(p));
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '.'))
        buf[--n] = 0;
    return buf;
}

/* What pcap_activate's error codes mean for the user (pcap_activate(3PCAP)). */
static void activate_error(cf_live *l, int rc, char *err, size_t errlen)
{
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        live_err(err, errlen, l->iface, "no such interface");
        break;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        live_err(err, errlen, l->iface,
                 "permission denied: live capture needs root or CAP_NET_RAW (e.g. setcap "
                 "cap_net_raw,cap_net_admin=eip customflow) (%s)",
                 pcap_msg(l->p));
        break;
    case PCAP_ERROR_IFACE_NOT_UP:
        live_err(err, errlen, l->iface, "interface is down");
        break;
    case PCAP_ERROR_RFMON_NOTSUP:
        live_err(err, errlen, l->iface, "monitor mode not supported");
        break;
    default:
        live_err(err, errlen, l->iface, "cannot capture: %s", pcap_msg(l->p));
        break;
    }
}

static void add_warning(cf_live *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_warning(cf_live *l, const char *fmt, ...)
{
    size_t n = strlen(l->warning);
    if (n + 4 >= sizeof l->warning)
        return;
    if (n)
        n += (size_t)snprintf(l->warning + n, sizeof l->warning - n, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->warning + n, sizeof l->warning - n, fmt, ap);
    va_end(ap);
}

/* DLT_ values (what pcap_datalink says) to LINKTYPE_ values (what files
 * and the decoder use) where they differ on Linux (pcap-linktype(7)). */
static int dlt_to_linktype(int dlt)
{
    return dlt == DLT_RAW ? 101 : dlt;
}

static int set_filter(cf_live *l, const char *filter, char *err, size_t errlen)
{
    bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
    char eb[PCAP_ERRBUF_SIZE];
    if (pcap_lookupnet(l->iface, &net, &mask, eb) != 0)
        mask = PCAP_NETMASK_UNKNOWN;
    struct bpf_program prog;
    if (pcap_compile(l->p, &prog, filter, 1, mask) != 0) {
        live_err(err, errlen, l->iface, "filter \"%s\" does not compile: %s", filter,
                 pcap_msg(l->p));
        return -1;
    }
    int rc = pcap_setfilter(l->p, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        live_err(err, errlen, l->iface, "cannot set filter \"%s\": %s", filter, pcap_msg(l->p));
        return -1;
    }
    return 0;
}

cf_live *cf_live_open(const cf_live_options *o, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    const char *name = o->iface ? o->iface : "";
    if (!*name || strlen(name) >= sizeof((cf_live *)0)->iface) {
        live_err(err, errlen, name, "not an interface name");
        return NULL;
    }
    if (o->buffer_mib > CF_LIVE_MAX_BUFFER_MIB) {
        live_err(err, errlen, name, "buffer size %u MiB is above %u MiB", o->buffer_mib,
                 CF_LIVE_MAX_BUFFER_MIB);
        return NULL;
    }
    cf_live *l = calloc(1, sizeof *l);
    if (!l) {
        live_err(err, errlen, name, "out of memory");
        return NULL;
    }
    snprintf(l->iface, sizeof l->iface, "%s", name);
    l->fd = -1;
    l->stopping = o->stopping;
    l->stop_ctx = o->stop_ctx;
    l->snaplen = cf_live_snaplen(o->payload_bytes);
    char eb[PCAP_ERRBUF_SIZE] = "";
    l->p = pcap_create(l->iface, eb);
    if (!l->p) {
        live_err(err, errlen, l->iface, "cannot capture: %s", eb);
        free(l);
        return NULL;
    }
    pcap_set_snaplen(l->p, (int)l->snaplen);
    pcap_set_promisc(l->p, !o->no_promisc);
    pcap_set_timeout(l->p, CF_LIVE_TIMEOUT_MS);
    if (o->buffer_mib)
        pcap_set_buffer_size(l->p, (int)(o->buffer_mib * 1048576u));
    l->nsec = pcap_set_tstamp_precision(l->p, PCAP_TSTAMP_PRECISION_NANO) == 0;
    int rc = pcap_activate(l->p);
    if (rc < 0) {
        activate_error(l, rc, err, errlen);
        cf_live_close(l);
        return NULL;
    }
    if (rc == PCAP_WARNING_PROMISC_NOTSUP)
        add_warning(l, "%s: promiscuous mode not supported: %s", l->iface, pcap_msg(l->p));
    else if (rc == PCAP_WARNING_TSTAMP_TYPE_NOTSUP)
        add_warning(l, "%s: timestamp type not supported", l->iface);
    else if (rc > 0)
        add_warning(l, "%s: %s", l->iface, pcap_msg(l->p));
    l->nsec = pcap_get_tstamp_precision(l->p) == PCAP_TSTAMP_PRECISION_NANO;
    if (!l->nsec)
        add_warning(l, "%s: no nanosecond timestamps, microseconds used", l->iface);
    l->linktype = dlt_to_linktype(pcap_datalink(l->p));
    if (o->filter && set_filter(l, o->filter, err, errlen) != 0) {
        cf_live_close(l);
        return NULL;
    }
    if (pcap_setnonblock(l->p, 1, eb) != 0) {
        live_err(err, errlen, l->iface, "cannot read without blocking: %s", eb);
        cf_live_close(l);
        return NULL;
    }
    l->fd = pcap_get_selectable_fd(l->p);
    if (l->fd < 0) {
        live_err(err, errlen, l->iface, "no file descriptor to wait on");
        cf_live_close(l);
        return NULL;
    }
    l->st.start_us = l->last_tick_us = cf_live_now_us();
    return l;
}

/* Adds the increments of pcap_stats' wrapping 32-bit counters. */
static void read_stats(cf_live *l)
{
    struct pcap_stat ps;
    if (!l->p || pcap_stats(l->p, &ps) != 0)
        return;
    l->st.received += (unsigned)(ps.ps_recv - l->raw_recv);
    l->st.dropped += (unsigned)(ps.ps_drop - l->raw_drop);
    l->st.iface_dropped += (unsigned)(ps.ps_ifdrop - l->raw_ifdrop);
    l->raw_recv = ps.ps_recv;
    l->raw_drop = ps.ps_drop;
    l->raw_ifdrop = ps.ps_ifdrop;
}

static int64_t frame_us(const cf_live *l, const struct pcap_pkthdr *h)
{
    int64_t frac = l->nsec ? (int64_t)h->ts.tv_usec / 1000 : (int64_t)h->ts.tv_usec;
    return (int64_t)h->ts.tv_sec * 1000000 + frac;
}

int cf_live_next(cf_live *l, cf_frame *f, int64_t *now_us, char *err, size_t errlen)
{
    for (;;) {
        if (l->stopped)
            return CF_LIVE_END;
        /* On stop, what the kernel has already queued is still handed out
         * (live traffic cannot be captured again), for at most
         * CF_LIVE_DRAIN_MS in case it keeps coming. */
        if (!l->drain_until_us && l->stopping && l->stopping(l->stop_ctx))
            l->drain_until_us = cf_live_now_us() + (int64_t)CF_LIVE_DRAIN_MS * 1000;
        if (l->drain_until_us && cf_live_now_us() >= l->drain_until_us)
            return CF_LIVE_END;
        /* A busy interface still gives a tick every CF_LIVE_TICK_MS (the
         * clock read every 64 frames): at the last frame's stamp, as the
         * ring may still hold older packets than the wall clock says. */
        if (!l->drain_until_us && ++l->since_check >= 64) {
            l->since_check = 0;
            int64_t now = cf_live_now_us();
            if (now >= l->last_tick_us + (int64_t)CF_LIVE_TICK_MS * 1000 && l->last_frame_us) {
                l->last_tick_us = now;
                read_stats(l);
                *now_us = l->last_frame_us;
                return CF_LIVE_TICK;
            }
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        int r = pcap_next_ex(l->p, &h, &data);
        if (r == 1) {
            f->data = data;
            f->cap_len = h->caplen;
            f->wire_len = h->len;
            f->ts_us = frame_us(l, h);
            f->linktype = l->linktype;
            l->last_frame_us = f->ts_us;
            return CF_LIVE_FRAME;
        }
        if (r == PCAP_ERROR_BREAK)
            return CF_LIVE_END;
        if (r < 0) {
            live_err(err, errlen, l->iface, "capture failed: %s", pcap_msg(l->p));
            return CF_LIVE_ERROR;
        }
        if (l->drain_until_us)
            return CF_LIVE_END;
        /* Nothing waiting: the ring is drained. Tick if one is due, else
         * wait for a block or for the next tick. */
        int64_t now = cf_live_now_us();
        int64_t due = l->last_tick_us + (int64_t)CF_LIVE_TICK_MS * 1000;
        if (now >= due || now < l->last_tick_us - 1000000) {
            l->last_tick_us = now;
            read_stats(l);
            *now_us = now;
            return CF_LIVE_TICK;
        }
        struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
        int wait_ms = (int)((due - now + 999) / 1000);
        if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) {
            live_err(err, errlen, l->iface, "poll: %s", strerror(errno));
            return CF_LIVE_ERROR;
        }
    }
}

void cf_live_stats_get(cf_live *l, cf_live_stats *st)
{
    if (!l->stopped)
        read_stats(l);
    *st = l->st;
}

void cf_live_stop(cf_live *l)
{
    if (l->stopped)
        return;
    read_stats(l);
    l->st.end_us = cf_live_now_us();
    l->stopped = 1;
}

int cf_live_linktype(const cf_live *l)
{
    return l->linktype;
}

int cf_live_nanosecond(const cf_live *l)
{
    return l->nsec;
}

uint32_t cf_live_snaplen_used(const cf_live *l)
{
    return l->snaplen;
}

const char *cf_live_iface(const cf_live *l)
{
    return l->iface;
}

const char *cf_live_warning(const cf_live *l)
{
    return l->warning[0] ? l->warning : NULL;
}

void cf_live_close(cf_live *l)
{
    if (!l)
        return;
    if (l->p)
        pcap_close(l->p);
    free(l);
}
