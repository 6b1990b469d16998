/* The public API end to end, without files: frames of the program's own
 * (cf_source_new) through cf_run into a callback sink; the stop request;
 * the report. Uses customflow.h only. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "customflow.h"

/* Ethernet + IPv4 + UDP frames from a device 192.168.1.10 to 8.8.8.8:53. */
typedef struct frames {
    uint8_t buf[64];
    int sent, count;
    int64_t step_us;
} frames;

static int next_frame(void *ctx, cf_frame *f, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    frames *fr = ctx;
    if (fr->sent == fr->count)
        return 0;
    static const uint8_t head[] = {
        0x02, 0,    0,   0,  0, 0x02, 0x02, 0, 0,  0,  0, 0x01, 0x08, 0x00, /* Ethernet */
        0x45, 0,    0,   32, 0, 1,    0,    0, 64, 17, 0, 0,    192,  168,
        1,    10,   8,   8,  8, 8,             /* IPv4, 32 bytes */
        0x30, 0x39, 0,   53, 0, 12,   0,    0, /* UDP 12345 -> 53, 4 bytes of payload */
        'a',  'b',  'c', 'd'};
    memcpy(fr->buf, head, sizeof head);
    f->data = fr->buf;
    f->cap_len = f->wire_len = sizeof head;
    f->ts_us = 1700000000000000 + fr->sent * fr->step_us;
    f->linktype = 1;
    fr->sent++;
    return 1;
}

typedef struct seen {
    int records;
    cf_record first;
    char device[64], remote[64], payload[8];
    int stop_after_first;
} seen;

static int on_record(void *ctx, const cf_record *r)
{
    seen *s = ctx;
    if (s->stop_after_first && s->records == 1)
        return 1;
    if (s->records++ == 0) {
        s->first = *r;
        snprintf(s->device, sizeof s->device, "%s", r->device);
        snprintf(s->remote, sizeof s->remote, "%s", r->remote_ip);
        if (r->n && r->payload_len[0] < sizeof s->payload)
            memcpy(s->payload, r->payload[0], r->payload_len[0]);
    }
    return 0;
}

static int run_frames(cf_config *cfg, frames *fr, seen *sn, cf_report *rep)
{
    char err[512];
    cf_session *s = cf_session_new(cfg, NULL, NULL, err, sizeof err);
    CHECK(s != NULL);
    cf_source *src = cf_source_new(s, "own-frames", next_frame, fr, err, sizeof err);
    cf_sink *sink = cf_sink_callback(s, on_record, sn, err, sizeof err);
    CHECK(src && sink);
    int rc = cf_run(s, src, &sink, 1, rep, NULL, NULL, err, sizeof err);
    cf_sink_free(sink);
    cf_source_close(src);
    cf_session_free(s);
    return rc;
}

/* cf_capture_scan and the refusals of cf_convert_window: a pcap of the
 * frames of next_frame at the given timestamps (the last one goes back). */
static void test_scan_and_window(void)
{
    char path[] = "/tmp/cf-test-api-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    const uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    fwrite(hdr, sizeof hdr, 1, f);
    const int64_t day = INT64_C(86400000000), midnight = 19676 * day; /* 2023-11-15 */
    const int64_t ts[] = {midnight - 1000000, midnight + 1000000, midnight + 500000};
    frames fr = {.count = 3, .step_us = 0};
    for (int k = 0; k < 3; k++) {
        cf_frame fm;
        char e[8];
        next_frame(&fr, &fm, e, sizeof e);
        uint32_t rec[4] = {(uint32_t)(ts[k] / 1000000), (uint32_t)(ts[k] % 1000000), fm.cap_len,
                           fm.wire_len};
        fwrite(rec, sizeof rec, 1, f);
        fwrite(fm.data, fm.cap_len, 1, f);
    }
    fclose(f);
    char err[512];
    cf_config *cfg = cf_config_new();
    cf_session *s = cf_session_new(cfg, NULL, NULL, err, sizeof err);
    CHECK(s != NULL);
    cf_capture_info info = {.path = path};
    CHECK_EQ_INT(cf_capture_scan(s, &info, err, sizeof err), 0);
    CHECK(info.frames == 3 && info.first_us == ts[0] && info.last_us == ts[1]);
    CHECK(info.last_packet_us == ts[1]);
    CHECK_EQ_INT(info.ordered, 0);
    CHECK(info.n_days == 2 && info.days[0] == 19675 && info.days[1] == 19676);
    CHECK_EQ_INT((int)strlen(info.digest), 32);
    cf_report rep;
    /* No file per day: refused. */
    CHECK_EQ_INT(
        cf_convert_window(s, &info, 1, midnight, midnight + day, &rep, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "a file per day") != NULL);
    cf_report_free(&rep);
    cf_session_free(s);
    CHECK(cf_config_set(cfg, "rotate", "1d", err, sizeof err) == 0);
    CHECK(cf_config_set(cfg, "merge", "true", err, sizeof err) == 0);
    s = cf_session_new(cfg, NULL, NULL, err, sizeof err);
    CHECK(s != NULL);
    /* Not a UTC day; a capture going back in time. */
    CHECK_EQ_INT(
        cf_convert_window(s, &info, 1, midnight + 1, midnight + day, &rep, NULL, err, sizeof err),
        -1);
    CHECK(strstr(err, "not a UTC day") != NULL);
    cf_report_free(&rep);
    CHECK_EQ_INT(
        cf_convert_window(s, &info, 1, midnight, midnight + day, &rep, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "go back in time") != NULL);
    cf_report_free(&rep);
    cf_capture_info_free(&info);
    CHECK(info.days == NULL && info.n_days == 0);
    cf_session_free(s);
    cf_config_free(cfg);
    unlink(path);
}

int main(void)
{
    char err[256];
    cf_config *cfg = cf_config_new();
    CHECK(cf_config_set(cfg, "variant", "bidirectional", err, sizeof err) == 0);
    CHECK(cf_config_set(cfg, "lifetime", "10", err, sizeof err) == 0);
    /* 25 frames 1 s apart: records of 10 s, 10 s and 5 s. */
    frames fr = {.count = 25, .step_us = 1000000};
    seen sn = {0};
    cf_report rep;
    CHECK(run_frames(cfg, &fr, &sn, &rep) == 0);
    CHECK_EQ_INT(sn.records, 3);
    CHECK_EQ_STR(sn.device, "02:00:00:00:00:01");
    CHECK_EQ_STR(sn.remote, "8.8.8.8");
    CHECK_EQ_STR(sn.payload, "abcd");
    CHECK_EQ_INT(sn.first.variant, CF_VARIANT_BI);
    CHECK_EQ_INT(sn.first.protocol, 17);
    CHECK_EQ_INT(sn.first.device_port, 12345);
    CHECK_EQ_INT(sn.first.remote_port, 53);
    CHECK_EQ_INT(sn.first.total_packets, 10);
    CHECK_EQ_INT(sn.first.total_bytes, 10 * 46);
    CHECK(sn.first.first_seen == 1700000000000000);
    CHECK(sn.first.remote_name == NULL && sn.first.n_context == 0);
    CHECK_EQ_INT(rep.status, CF_STATUS_DONE);
    CHECK(rep.frames == 25 && rep.packets_decoded == 25 && rep.records_bi == 3);
    CHECK(rep.records_uni == 0);
    CHECK_EQ_STR(rep.input, "own-frames");
    CHECK(rep.n_devices == 1 && rep.devices[0].bi == 3);
    cf_report_free(&rep);
    /* A callback that returns non-zero stops the run: -1, reported failed. */
    frames fr2 = {.count = 25, .step_us = 1000000};
    seen sn2 = {.stop_after_first = 1};
    CHECK(run_frames(cfg, &fr2, &sn2, &rep) == -1);
    CHECK_EQ_INT(sn2.records, 1); /* the second call said stop */
    CHECK_EQ_INT(rep.status, CF_STATUS_FAILED);
    CHECK(strstr(rep.message, "stopped by the record callback") != NULL);
    cf_report_free(&rep);
    cf_config_free(cfg);
    test_scan_and_window();
    return check_report();
}
