/* cfdump FILE...: every record of customflow record files (either layout)
 * through the public reader, one line each: the key fields, then per
 * packet offset/size/direction/payload-hex. For tests that compare the
 * records of two conversions whatever their files' metadata. Exit 1 on a
 * file that cannot be read. */
#include <stdio.h>

#include "customflow.h"

int main(int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        char err[1024];
        cf_reader *r = cf_reader_open(argv[k], err, sizeof err);
        if (!r) {
            fprintf(stderr, "cfdump: %s\n", err);
            return 1;
        }
        cf_record x;
        int st;
        while ((st = cf_reader_next(r, &x, err, sizeof err)) == 1) {
            printf("%d %s %lld %s %u %u %u %lld %lld %u:", x.variant, x.device,
                   (long long)x.first_seen, x.remote_ip, x.protocol, x.device_port, x.remote_port,
                   (long long)x.total_bytes, (long long)x.total_packets, x.n);
            for (uint32_t m = 0; m < x.n; m++) {
                printf(" %lld/%d/%d/", (long long)x.offset_us[m], x.size[m], x.direction[m]);
                for (uint32_t b = 0; b < x.payload_len[m]; b++)
                    printf("%02x", x.payload[m][b]);
            }
            putchar('\n');
        }
        cf_reader_close(r);
        if (st < 0) {
            fprintf(stderr, "cfdump: %s\n", err);
            return 1;
        }
    }
    return 0;
}
