/* cf-gencap: writes a synthetic IoT home capture (gen/, libcfgen) and, on
 * request, its device list. Presets: sample (the README's bundled input),
 * iot-day (a simulated day, usually bounded with --max-bytes), flood (a scan
 * of many short flows). */
#include "gen/synth.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cf-gencap --preset sample|iot-day|flood [-o OUT] [--devices-out FILE]\n"
        "                 [--seed N] [--duration S] [--max-bytes N] [--max-packets N]\n"
        "                 [--devices N] [--start EPOCH_S] [--format pcap|pcap-ns|pcap-be|pcapng]\n"
        "\n"
        "Writes a deterministic synthetic IoT home capture (Ethernet).\n"
        "  --preset P        sample: ~5 min, 8 devices, < 1 MB (default input)\n"
        "                    iot-day: 24 h simulated with camera streams\n"
        "                    flood: 2 min with a scan of many short flows\n"
        "  -o OUT            output file ('-' for stdout; default PRESET.pcap)\n"
        "  --devices-out F   also write the device list (UNSW style, CRLF)\n"
        "  --seed N          PRNG seed (default 1); same options, same bytes\n"
        "  --duration S      simulated seconds (overrides the preset)\n"
        "  --start EPOCH_S   first timestamp, seconds since the epoch (default\n"
        "                    1700000000, 2023-11-14 22:13:20 UTC)\n"
        "  --max-bytes N     stop before the file exceeds N bytes (K/M/G suffix ok)\n"
        "  --max-packets N   stop after N packets\n"
        "  --devices N       number of IoT devices (1..150, default 8)\n"
        "  --format F        pcap (us, default), pcap-ns, pcap-be, pcapng (ns)\n");
}

static int bad(const char *msg, const char *arg)
{
    fprintf(stderr, "cf-gencap: %s%s%s (try --help)\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

/* Parses an unsigned count with an optional K/M/G (powers of 1000) suffix. */
static int parse_count(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    uint64_t mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1000, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1000000, end++;
    else if (*end == 'g' || *end == 'G')
        mul = 1000000000, end++;
    if (*end || (mul > 1 && v > UINT64_MAX / mul))
        return -1;
    *out = (uint64_t)v * mul;
    return 0;
}

int main(int argc, char **argv)
{
    const char *preset = NULL, *out = NULL, *devout = NULL, *format = "pcap";
    uint64_t seed = 1, max_bytes = 0, max_packets = 0, devices = 0, start = 1700000000;
    double duration = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        int known = !strcmp(a, "--preset") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
                    !strcmp(a, "--devices-out") || !strcmp(a, "--seed") ||
                    !strcmp(a, "--duration") || !strcmp(a, "--max-bytes") ||
                    !strcmp(a, "--max-packets") || !strcmp(a, "--format") ||
                    !strcmp(a, "--devices") || !strcmp(a, "--start");
        if (!known)
            return bad("unknown argument", a);
        if (i + 1 >= argc)
            return bad("missing value for", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--preset")) {
            preset = v;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            out = v;
        } else if (!strcmp(a, "--devices-out")) {
            devout = v;
        } else if (!strcmp(a, "--format")) {
            format = v;
        } else if (!strcmp(a, "--duration")) {
            char *end;
            errno = 0;
            duration = strtod(v, &end);
            if (errno || end == v || *end || !(duration > 0) || duration > 1e8)
                return bad("bad --duration (seconds, > 0)", v);
        } else {
            uint64_t n;
            if (parse_count(v, &n) != 0)
                return bad("bad number", v);
            if (!strcmp(a, "--seed"))
                seed = n;
            else if (!strcmp(a, "--start") && (n < 1 || n > 4000000000u))
                return bad("bad --start (seconds since the epoch, 1..4000000000)", v);
            else if (!strcmp(a, "--start"))
                start = n;
            else if (!strcmp(a, "--max-bytes"))
                max_bytes = n;
            else if (!strcmp(a, "--max-packets"))
                max_packets = n;
            else if (n < 1 || n > 150)
                return bad("--devices must be 1..150", v);
            else
                devices = n;
        }
    }
    if (!preset)
        return bad("--preset is required", NULL);
    syn_home_options o;
    memset(&o, 0, sizeof o);
    o.seed = seed;
    o.start_ns = (int64_t)start * 1000000000ll;
    o.devices = (int)devices;
    if (!strcmp(preset, "sample")) {
        o.duration_s = 300;
    } else if (!strcmp(preset, "iot-day")) {
        o.duration_s = 86400;
    } else if (!strcmp(preset, "flood")) {
        o.duration_s = 120;
        o.flood = 1;
    } else {
        return bad("unknown preset", preset);
    }
    if (duration > 0)
        o.duration_s = duration;
    o.max_bytes = max_bytes;
    o.max_packets = max_packets;
    syn_format fmt;
    const char *ext = ".pcap";
    if (!strcmp(format, "pcap")) {
        fmt = SYN_PCAP_US;
    } else if (!strcmp(format, "pcap-ns")) {
        fmt = SYN_PCAP_NS;
    } else if (!strcmp(format, "pcap-be")) {
        fmt = SYN_PCAP_US_BE;
    } else if (!strcmp(format, "pcapng")) {
        fmt = SYN_PCAPNG;
        ext = ".pcapng";
    } else {
        return bad("unknown format", format);
    }
    char defout[64];
    if (!out) {
        snprintf(defout, sizeof defout, "%s%s", preset, ext);
        out = defout;
    }
    syn_writer *w = syn_open(out, fmt, 1, 65535);
    if (!w) {
        fprintf(stderr, "cf-gencap: cannot write %s: %s\n", out, strerror(errno));
        return 1;
    }
    int rc = syn_generate_home(w, &o, devout);
    uint64_t frames = syn_frames_written(w), bytes = syn_bytes_written(w);
    if (syn_close(w) != 0 || rc != 0) {
        fprintf(stderr, "cf-gencap: writing %s%s%s failed\n", out, devout ? " or " : "",
                devout ? devout : "");
        return 1;
    }
    if (strcmp(out, "-") != 0)
        fprintf(stderr, "cf-gencap: %s: %llu packets, %llu bytes\n", out,
                (unsigned long long)frames, (unsigned long long)bytes);
    return 0;
}
