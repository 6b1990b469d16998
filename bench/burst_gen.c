/* The payload-heavy capture of the benchmark: what a gateway sees under a
 * scan or a DNS flood. One device (192.168.1.100) sends one-packet UDP
 * flows with PAYLOAD-byte payloads, each to a fresh public address and
 * source port, RATE packets per second for SECONDS seconds (defaults: 1000
 * bytes, 20,000/s, 60 s: 1.2M flows, a 1.27 GB capture). Classic pcap,
 * microseconds, Ethernet; payload bytes are pseudo-random (they do not
 * compress). Same arguments, same bytes.
 *
 *   burst_gen OUT [SECONDS [RATE [PAYLOAD]]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* A public unicast IPv4 address (not private, loopback, multicast, CGN or
 * link-local), so that the remote end is never taken for a device. */
static uint32_t public_ip(void)
{
    for (;;) {
        uint32_t v = (uint32_t)next_rand();
        uint8_t a = (uint8_t)(v >> 24), b = (uint8_t)(v >> 16);
        if (a == 0 || a == 10 || a == 127 || a >= 224 || (v & 0xff) == 0 || (v & 0xff) == 255)
            continue;
        if ((a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168) || (a == 169 && b == 254) ||
            (a == 100 && (b & 0xc0) == 64))
            continue;
        return v;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: burst_gen OUT [SECONDS [RATE [PAYLOAD]]]\n");
        return 2;
    }
    long seconds = argc > 2 ? atol(argv[2]) : 60, rate = argc > 3 ? atol(argv[3]) : 20000;
    long payload = argc > 4 ? atol(argv[4]) : 1000;
    if (seconds <= 0 || rate <= 0 || rate > 1000000 || payload < 0 || payload > 1472) {
        fprintf(stderr, "burst_gen: SECONDS and RATE (1..1000000) must be positive, PAYLOAD "
                        "0..1472\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    uint8_t hdr[24] = {0};
    put32le(hdr, 0xa1b2c3d4);
    hdr[4] = 2;
    hdr[6] = 4;
    put32le(hdr + 16, 65535);
    put32le(hdr + 20, 1);
    fwrite(hdr, 1, sizeof hdr, f);

    uint32_t frame_len = 14 + 20 + 8 + (uint32_t)payload;
    uint8_t *fr = calloc(1, 16 + frame_len);
    if (!fr)
        return 1;
    uint8_t *eth = fr + 16, *ip = eth + 14, *udp = ip + 20, *pl = udp + 8;
    static const uint8_t dev_mac[6] = {0x70, 0xee, 0x50, 0x18, 0x34, 0x43};
    static const uint8_t gw_mac[6] = {0x14, 0xcc, 0x20, 0x51, 0x33, 0xea};
    memcpy(eth, gw_mac, 6);
    memcpy(eth + 6, dev_mac, 6);
    put16(eth + 12, 0x0800);
    ip[0] = 0x45;
    put16(ip + 2, 20 + 8 + (uint32_t)payload);
    ip[8] = 64;
    ip[9] = 17;
    ip[12] = 192, ip[13] = 168, ip[14] = 1, ip[15] = 100;
    put16(udp + 2, 53);
    put16(udp + 4, 8 + (uint32_t)payload);
    uint64_t start_us = 1700000000ull * 1000000, n = (uint64_t)seconds * (uint64_t)rate;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t t = start_us + k * 1000000 / (uint64_t)rate;
        put32le(fr, (uint32_t)(t / 1000000));
        put32le(fr + 4, (uint32_t)(t % 1000000));
        put32le(fr + 8, frame_len);
        put32le(fr + 12, frame_len);
        uint32_t dst = public_ip();
        ip[16] = (uint8_t)(dst >> 24), ip[17] = (uint8_t)(dst >> 16);
        ip[18] = (uint8_t)(dst >> 8), ip[19] = (uint8_t)dst;
        put16(ip + 4, (uint32_t)k);
        put16(udp, 1024 + (uint32_t)(next_rand() % 64000));
        for (long m = 0; m + 8 <= payload; m += 8) {
            uint64_t r = next_rand();
            memcpy(pl + m, &r, 8);
        }
        for (long m = payload & ~7L; m < payload; m++)
            pl[m] = (uint8_t)next_rand();
        if (fwrite(fr, 1, 16 + frame_len, f) != 16 + frame_len) {
            perror(argv[1]);
            return 1;
        }
    }
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    free(fr);
    return 0;
}
