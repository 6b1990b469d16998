/* The floor of the benchmark: a bare libpcap read loop that touches every
 * packet (sums its first and last byte) and does nothing else. customflow's
 * time is reported as a ratio to this. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_floor CAPTURE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "pcap_floor: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    unsigned long long n = 0, bytes = 0, sum = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        n++;
        bytes += h->caplen;
        if (h->caplen)
            sum += d[0] + d[h->caplen - 1];
    }
    pcap_close(p);
    printf("%llu packets, %llu bytes (checksum %llu)\n", n, bytes, sum);
    return rc == PCAP_ERROR ? 1 : 0;
}
