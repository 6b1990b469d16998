/* Live capture (capture/live.h): snap length, option checks and error
 * messages everywhere; as root, a capture on the loopback interface of a
 * network namespace of the test's own (unshare), where it sends a few UDP
 * datagrams to itself: frames with their sizes and payload, the filter in
 * the kernel, ticks on an idle interface, the stop condition, the kernel
 * counts. Nothing leaves that namespace. */
#include "capture/live.h"
#include "check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static char errbuf[512];
static int skipped;

static void test_snaplen(void)
{
    CHECK_EQ_INT(cf_live_snaplen(0), CF_LIVE_HEADER_ROOM);
    CHECK_EQ_INT(cf_live_snaplen(1000), 1000 + CF_LIVE_HEADER_ROOM);
    CHECK_EQ_INT(cf_live_snaplen(65535), 65535 + CF_LIVE_HEADER_ROOM);
    CHECK_EQ_INT(cf_live_snaplen(UINT32_MAX), CF_LIVE_MAX_SNAPLEN);
    CHECK_EQ_INT(cf_live_snaplen(CF_LIVE_MAX_SNAPLEN), CF_LIVE_MAX_SNAPLEN);
}

static void test_errors(void)
{
    cf_live_options o = {.iface = "cf-no-such-if0", .payload_bytes = 100};
    cf_live *l = cf_live_open(&o, errbuf, sizeof errbuf);
    CHECK(l == NULL);
    /* As root: no such interface; otherwise libpcap may report the
     * permission first. Either way one line naming the interface. */
    CHECK(strncmp(errbuf, "cf-no-such-if0: ", 16) == 0);
    CHECK(strchr(errbuf, '\n') == NULL);
    if (geteuid() == 0)
        CHECK(strstr(errbuf, "no such interface") != NULL);
    else
        CHECK(strstr(errbuf, "no such interface") || strstr(errbuf, "CAP_NET_RAW"));
    cf_live_close(l);

    o.iface = "";
    CHECK(cf_live_open(&o, errbuf, sizeof errbuf) == NULL);
    CHECK(strstr(errbuf, "not an interface name") != NULL);
    o.iface = "lo";
    o.buffer_mib = CF_LIVE_MAX_BUFFER_MIB + 1;
    CHECK(cf_live_open(&o, errbuf, sizeof errbuf) == NULL);
    CHECK(strstr(errbuf, "buffer size") != NULL);
}

/* Brings the namespace's loopback interface up. */
static int lo_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

static void send_udp(uint16_t port, const char *payload, size_t n)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(s >= 0 && sendto(s, payload, n, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)n);
    if (s >= 0)
        close(s);
}

static volatile int stop_now;
static int stop_cb(const void *ctx)
{
    (void)ctx;
    return stop_now;
}

/* Reads until a frame or the deadline; returns 1 with *f, or 0. Ticks seen
 * are counted with the largest gap between two of them. */
static int next_frame(cf_live *l, cf_frame *f, int64_t deadline_us, int *ticks, int64_t *max_gap)
{
    static int64_t last = 0;
    for (;;) {
        int64_t now = 0;
        int r = cf_live_next(l, f, &now, errbuf, sizeof errbuf);
        if (r == CF_LIVE_FRAME)
            return 1;
        CHECK_EQ_INT(r, CF_LIVE_TICK);
        if (r != CF_LIVE_TICK)
            return 0;
        int64_t wall = cf_live_now_us();
        CHECK(now <= wall && now > wall - 1000000);
        if (last && now - last > *max_gap)
            *max_gap = now - last;
        last = now;
        (*ticks)++;
        if (now >= deadline_us)
            return 0;
    }
}

static void test_loopback(void)
{
    if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0 || lo_up() != 0) {
        fprintf(stderr, "SKIP: live capture on a private loopback needs root (unshare: %s)\n",
                strerror(errno));
        skipped++;
        return;
    }
    cf_live_options o = {.iface = "lo",
                         .filter = "udp dst port 40001",
                         .payload_bytes = 4,
                         .buffer_mib = 4,
                         .stopping = stop_cb};
    cf_live *l = cf_live_open(&o, errbuf, sizeof errbuf);
    CHECK(l != NULL);
    if (!l) {
        fprintf(stderr, "open: %s\n", errbuf);
        return;
    }
    CHECK_EQ_INT(cf_live_linktype(l), 1); /* loopback is Ethernet-framed */
    CHECK_EQ_INT(cf_live_snaplen_used(l), 4 + CF_LIVE_HEADER_ROOM);
    CHECK_EQ_STR(cf_live_iface(l), "lo");

    /* Idle: ticks at least every 250 ms. */
    int ticks = 0;
    int64_t gap = 0;
    cf_frame f;
    int64_t t0 = cf_live_now_us();
    CHECK_EQ_INT(next_frame(l, &f, t0 + 800000, &ticks, &gap), 0);
    CHECK(ticks >= 3);
    CHECK(gap <= 250000);

    /* The filter is in the kernel: port 40002 never shows. */
    int64_t before = cf_live_now_us();
    send_udp(40002, "nope", 4);
    send_udp(40001, "hello world", 11);
    send_udp(40001, "x", 1);
    int64_t after = cf_live_now_us();
    int got = next_frame(l, &f, after + 2000000, &ticks, &gap);
    CHECK(got);
    if (got) {
        CHECK_EQ_INT(f.wire_len, 14 + 20 + 8 + 11);
        CHECK_EQ_INT(f.cap_len, f.wire_len); /* below the snap length */
        CHECK(f.ts_us >= before - 1000 && f.ts_us <= after + 1000);
        CHECK(f.cap_len >= 53 && memcmp(f.data + 42, "hello world", 11) == 0);
        CHECK_EQ_INT(f.linktype, 1);
    }
    got = next_frame(l, &f, after + 2000000, &ticks, &gap);
    CHECK(got);
    if (got)
        CHECK_EQ_INT(f.wire_len, 14 + 20 + 8 + 1);
    /* Nothing else passes the filter. */
    CHECK_EQ_INT(next_frame(l, &f, cf_live_now_us() + 400000, &ticks, &gap), 0);

    cf_live_stats st;
    cf_live_stats_get(l, &st);
    /* On loopback the kernel counts each datagram twice (sent and received;
     * libpcap drops the sent copy), so only a lower bound holds. */
    uint64_t received = st.received;
    CHECK(received >= 2);
    CHECK_EQ_INT(st.dropped, 0);
    CHECK(st.start_us >= t0 - 1000000 && st.start_us <= t0);
    CHECK_EQ_INT(st.end_us, 0);

    /* A packet queued before the stop is still handed out, then the end. */
    send_udp(40001, "last", 4);
    usleep(300000); /* past the read timeout: the kernel hands the block over */
    stop_now = 1;
    int64_t now;
    CHECK_EQ_INT(cf_live_next(l, &f, &now, errbuf, sizeof errbuf), CF_LIVE_FRAME);
    CHECK_EQ_INT(f.wire_len, 14 + 20 + 8 + 4);
    CHECK_EQ_INT(cf_live_next(l, &f, &now, errbuf, sizeof errbuf), CF_LIVE_END);
    cf_live_stop(l);
    cf_live_stats_get(l, &st);
    CHECK(st.received > received);
    CHECK(st.end_us >= st.start_us);
    CHECK_EQ_INT(cf_live_next(l, &f, &now, errbuf, sizeof errbuf), CF_LIVE_END);
    cf_live_close(l);

    /* A filter that does not compile: one line naming the interface. */
    o.filter = "udp port nonsense";
    stop_now = 0;
    CHECK(cf_live_open(&o, errbuf, sizeof errbuf) == NULL);
    CHECK(strncmp(errbuf, "lo: filter \"udp port nonsense\" does not compile", 47) == 0);
}

int main(void)
{
    test_snaplen();
    test_errors();
    test_loopback();
    printf("%d passed, %d failed, %d skipped\n", check_passed, check_failed, skipped);
    return check_failed ? 1 : 0;
}
