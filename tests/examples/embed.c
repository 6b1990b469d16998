/* The example of customflow.h, as a program: every bidirectional record of
 * a capture through a callback, one line each ("device remote_ip
 * remote_port"), then the number of records on standard error. Built by
 * `make` and run by tests/e2e/embed.sh; it uses nothing but the public
 * header.
 *
 *   embed CAPTURE [DEVICE_LIST]
 */
#include <stdio.h>
#include <stdlib.h>

#include "customflow.h"

static int on_record(void *ctx, const cf_record *r)
{
    unsigned long *count = ctx;
    (*count)++;
    printf("%s %s %u\n", r->device, r->remote_ip, r->remote_port);
    return 0; /* non-zero stops the run */
}

static int fail(const char *msg)
{
    fprintf(stderr, "embed: %s\n", msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return fail("usage: embed CAPTURE [DEVICE_LIST]");
    char err[512];
    unsigned long count = 0;
    cf_config *cfg = cf_config_new();
    if (!cfg)
        return fail("out of memory");
    if ((argc == 3 && cf_config_set(cfg, "devices", argv[2], err, sizeof err) != 0) ||
        cf_config_set(cfg, "variant", "bidirectional", err, sizeof err) != 0) {
        cf_config_free(cfg);
        return fail(err);
    }
    cf_session *s = cf_session_new(cfg, NULL, NULL, err, sizeof err);
    cf_source *src = s ? cf_source_open(s, argv[1], err, sizeof err) : NULL;
    cf_sink *sink = src ? cf_sink_callback(s, on_record, &count, err, sizeof err) : NULL;
    cf_report rep = {0};
    int st = sink ? cf_run(s, src, &sink, 1, &rep, NULL, NULL, err, sizeof err) : -1;
    cf_report_free(&rep); /* zeroed when the run did not start */
    cf_sink_free(sink);
    cf_source_close(src);
    cf_session_free(s);
    cf_config_free(cfg);
    if (st < 0)
        return fail(err);
    fprintf(stderr, "embed: %lu records\n", count);
    return st == 0 ? 0 : 1;
}
