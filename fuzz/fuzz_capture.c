/* libFuzzer harness: capture bytes through the pcap/pcapng/.gz/.zst readers.
 * The input is handed over as an in-memory file (memfd). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-capture", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[512];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    cf_capture *c = cf_capture_open(path, NULL, CF_HASH_NONE, err, sizeof err);
    if (c) {
        cf_frame f;
        uint64_t sum = 0;
        while (cf_capture_next(c, &f, err, sizeof err) == 1)
            if (f.cap_len)
                sum += f.data[0] + f.data[f.cap_len - 1]; /* touch the frame bounds */
        (void)sum;
        cf_capture_close(c);
    }
    close(fd);
    return 0;
}
