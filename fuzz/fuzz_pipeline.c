/* libFuzzer harness: capture bytes all the way to Parquet files in a
 * temporary directory (both variants, no device list), then removes them. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "customflow.h"

static cf_session *session;
static char outdir[] = "/tmp/cf-fuzz-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[256];
    cf_config *cfg = cf_config_new();
    if (!cfg || !mkdtemp(outdir) || cf_config_set(cfg, "payload-bytes", "64", err, sizeof err) ||
        cf_config_set(cfg, "max-flows", "1000", err, sizeof err) ||
        cf_config_set(cfg, "output", outdir, err, sizeof err))
        abort();
    session = cf_session_new(cfg, NULL, NULL, err, sizeof err);
    cf_config_free(cfg);
    if (!session)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz.pcap", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[512], out[128];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    cf_report rep;
    cf_source *src = cf_source_open(session, path, err, sizeof err);
    cf_sink *sink = src ? cf_sink_files(session, NULL, err, sizeof err) : NULL;
    if (sink) {
        cf_run(session, src, &sink, 1, &rep, NULL, NULL, err, sizeof err);
        cf_report_free(&rep);
    }
    cf_sink_free(sink);
    cf_source_close(src);
    close(fd);
    /* The stem of /proc/self/fd/N is N. */
    snprintf(out, sizeof out, "%s/bidirectional/%d.parquet", outdir, fd);
    remove(out);
    snprintf(out, sizeof out, "%s/unidirectional/%d.parquet", outdir, fd);
    remove(out);
    return 0;
}
