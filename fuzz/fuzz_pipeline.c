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
    cf_config cfg;
    cf_config_init(&cfg);
    cfg.payload_bytes = 64;
    cfg.max_flows = 1000;
    char err[256];
    session = cf_session_new(&cfg, err, sizeof err, NULL, NULL);
    if (!session || !mkdtemp(outdir))
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
    cf_convert(session, path, outdir, &rep, NULL, NULL, NULL, err, sizeof err);
    cf_report_free(&rep);
    close(fd);
    /* The stem of /proc/self/fd/N is N. */
    snprintf(out, sizeof out, "%s/bidirectional/%d.parquet", outdir, fd);
    remove(out);
    snprintf(out, sizeof out, "%s/unidirectional/%d.parquet", outdir, fd);
    remove(out);
    return 0;
}
