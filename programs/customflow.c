/* customflow: the command-line front end of libcustomflow.
 *
 *   customflow [OPTIONS] CAPTURE...
 *
 * Exit status: 0 every input read completely; 1 some input damaged or
 * unreadable, or the run was interrupted; 2 usage errors. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "customflow.h"
#include "summary/summary.h"

static volatile int stop_flag;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_flag = 1;
    stop_signal = sig;
}

static void usage(FILE *f)
{
    fputs("usage: customflow [OPTIONS] CAPTURE...\n"
          "       customflow summary [OPTIONS] DIR...   (see customflow summary --help)\n"
          "Turns pcap/pcapng captures (optionally .gz/.zst) into custom flow records:\n"
          "OUT/bidirectional/STEM.parquet and OUT/unidirectional/STEM.parquet.\n"
          "\n"
          "  -o, --output DIR         output directory (default: flows)\n"
          "  -d, --devices FILE       device list (name and MAC/IP/CIDR per line)\n"
          "      --local CIDR         add a local address range (repeatable)\n"
          "  -n, --packets N          packets listed per record, i (default 10)\n"
          "  -b, --payload-bytes N    payload bytes kept per packet, j (default 1000)\n"
          "  -t, --lifetime SECONDS   record lifetime L (default 60, fractions allowed)\n"
          "      --variant V          both|bidirectional|unidirectional (default both)\n"
          "      --size MODE          wire|ip|transport|payload (default wire)\n"
          "      --no-anonymize       write local remote addresses as they are\n"
          "      --no-input-hash      leave customflow.input_sha256 empty (saves the\n"
          "                           SHA-256 pass over the input: a core, or time)\n"
          "      --compression C      zstd|snappy|gzip|none (default zstd)\n"
          "  -f, --filter EXPR        BPF filter (libpcap syntax) applied first\n"
          "      --max-flows N        cap on open records per variant (default 1000000)\n"
          "      --layout L           nested|wide (default nested; wide: the published\n"
          "                           dataset's matrix, one column per cell)\n"
          "      --payload-cells B    wide layout: payload cells C_000.. (default 3000)\n"
          "  -j, --jobs N             captures converted in parallel (default: cores)\n"
          "  -q, --quiet              no summary, no progress\n"
          "      --version            print the version\n"
          "  -h, --help               this help\n",
          f);
}

static int parse_u32(const char *opt, const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v < lo || v > hi) {
        fprintf(stderr,
                "customflow: %s: '%s' is not a whole number from %" PRIu32 " to %" PRIu32 "\n", opt,
                s, lo, hi);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Usage errors return from main at many places; what main allocated is
 * freed here so that leak checkers see a clean exit. */
static void *cleanup_local, *cleanup_stems;
static void free_at_exit(void)
{
    free(cleanup_local);
    free(cleanup_stems);
}

static void print_warning(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "customflow: warning: %s\n", msg);
}

/* mkdir -p: the output directory and its missing parents. */
static int mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t k = 1; k <= n; k++) {
        if (buf[k] != '/' && buf[k] != 0)
            continue;
        char c = buf[k];
        buf[k] = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        buf[k] = c;
    }
    return 0;
}

/* Progress over the whole run, shared by the jobs: files done of all, bytes
 * and packets read so far (finished files plus each job's current one), and
 * the rates since the start. At most one line a second, on stderr, only on
 * a terminal. */
typedef struct {
    pthread_mutex_t lock;
    struct timespec start;
    time_t last;
    int shown;
    int files_done, files;
    uint64_t bytes_done, frames_done;
    uint32_t jobs;
    uint64_t *bytes_now, *frames_now; /* per job: its current file so far */
} progress_state;

typedef struct {
    progress_state *p;
    uint32_t job;
} job_progress;

static void show_progress(void *ctx, uint64_t bytes, uint64_t frames)
{
    job_progress *jp = ctx;
    progress_state *p = jp->p;
    pthread_mutex_lock(&p->lock);
    p->bytes_now[jp->job] = bytes;
    p->frames_now[jp->job] = frames;
    time_t now = time(NULL);
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double secs = (double)(t.tv_sec - p->start.tv_sec) + (t.tv_nsec - p->start.tv_nsec) / 1e9;
    if (now != p->last && secs > 0) {
        p->last = now;
        p->shown = 1;
        uint64_t b = p->bytes_done, f = p->frames_done;
        for (uint32_t k = 0; k < p->jobs; k++) {
            b += p->bytes_now[k];
            f += p->frames_now[k];
        }
        fprintf(stderr,
                "\r  files %d/%d, %.1f MB, %" PRIu64 " packets, %.1f MB/s, %.0f packets/s \033[K",
                p->files_done, p->files, b / 1e6, f, b / 1e6 / secs, f / secs);
    }
    pthread_mutex_unlock(&p->lock);
}

/* A job's file is done: its counts move to the finished total. */
static void progress_file_done(progress_state *p, uint32_t job, const cf_report *r)
{
    pthread_mutex_lock(&p->lock);
    p->files_done++;
    p->bytes_done += r->bytes;
    p->frames_done += r->frames;
    p->bytes_now[job] = p->frames_now[job] = 0;
    pthread_mutex_unlock(&p->lock);
}

/* Inputs are handed to worker threads one at a time; each keeps its result
 * until all are done so that messages come out in input order. */
typedef struct {
    int done, rc;
    cf_report rep;
    char err[1024];
} job_result;

typedef struct {
    cf_session *s;
    char **inputs;
    int n, next;
    const char *out_dir;
    progress_state *progress; /* NULL: none */
    job_result *results;
    pthread_mutex_t lock;
    uint32_t next_job; /* worker numbers, for the progress slots */
} job_queue;

static void *convert_worker(void *arg)
{
    job_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    job_progress jp = {q->progress, q->next_job++};
    pthread_mutex_unlock(&q->lock);
    for (;;) {
        pthread_mutex_lock(&q->lock);
        int k = stop_flag ? q->n : q->next++;
        pthread_mutex_unlock(&q->lock);
        if (k >= q->n)
            return NULL;
        job_result *r = &q->results[k];
        r->rc =
            cf_convert(q->s, q->inputs[k], q->out_dir, &r->rep, q->progress ? show_progress : NULL,
                       &jp, &stop_flag, r->err, sizeof r->err);
        if (q->progress)
            progress_file_done(q->progress, jp.job, &r->rep);
        r->done = 1;
    }
}

static void print_report(const char *path, const cf_report *r, int variants)
{
    fprintf(stderr, "%s:\n", path);
    fprintf(stderr,
            "  packets read %" PRIu64 ", IP %" PRIu64 ", attributed %" PRIu64
            ", between non-devices %" PRIu64 "\n",
            r->frames, r->packets_decoded, r->packets_attributed, r->packets_no_device);
    int any = 0;
    for (int k = 1; k < cf_skip_count(); k++) {
        if (!r->skipped[k])
            continue;
        fprintf(stderr, "%s%s %" PRIu64, any ? ", " : "  skipped: ", cf_skip_name(k),
                r->skipped[k]);
        any = 1;
    }
    if (any)
        fputc('\n', stderr);
    if (variants & CF_VARIANT_BI)
        fprintf(stderr, "  records: bidirectional %" PRIu64, r->records_bi);
    if (variants & CF_VARIANT_UNI)
        fprintf(stderr, "%sunidirectional %" PRIu64,
                variants & CF_VARIANT_BI ? ", " : "  records: ", r->records_uni);
    fputc('\n', stderr);
    if (r->out_of_order)
        fprintf(stderr,
                "  records written out of first_seen order (clock stepped back under "
                "--max-flows): %" PRIu64 "\n",
                r->out_of_order);
    if (r->early_closed)
        fprintf(stderr, "  records closed early by --max-flows: %" PRIu64 "\n", r->early_closed);
    if (r->n_devices) {
        fprintf(stderr, "  %-36s %14s %14s\n", "device", "bidirectional", "unidirectional");
        for (size_t k = 0; k < r->n_devices; k++)
            fprintf(stderr, "  %-36s %14" PRIu64 " %14" PRIu64 "\n", r->devices[k].label,
                    r->devices[k].bi, r->devices[k].uni);
    }
}

int main(int argc, char **argv)
{
    enum {
        OPT_LOCAL = 256,
        OPT_VARIANT,
        OPT_SIZE,
        OPT_NO_ANON,
        OPT_NO_HASH,
        OPT_COMPRESSION,
        OPT_MAX_FLOWS,
        OPT_LAYOUT,
        OPT_CELLS,
        OPT_VERSION,
    };
    if (argc > 1 && !strcmp(argv[1], "summary"))
        return summary_main(argc - 1, argv + 1);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    uint32_t jobs = ncpu > 0 && ncpu < 1024 ? (uint32_t)ncpu : 1;
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},
        {"devices", required_argument, 0, 'd'},
        {"local", required_argument, 0, OPT_LOCAL},
        {"packets", required_argument, 0, 'n'},
        {"payload-bytes", required_argument, 0, 'b'},
        {"lifetime", required_argument, 0, 't'},
        {"variant", required_argument, 0, OPT_VARIANT},
        {"size", required_argument, 0, OPT_SIZE},
        {"no-anonymize", no_argument, 0, OPT_NO_ANON},
        {"no-input-hash", no_argument, 0, OPT_NO_HASH},
        {"compression", required_argument, 0, OPT_COMPRESSION},
        {"filter", required_argument, 0, 'f'},
        {"max-flows", required_argument, 0, OPT_MAX_FLOWS},
        {"layout", required_argument, 0, OPT_LAYOUT},
        {"payload-cells", required_argument, 0, OPT_CELLS},
        {"jobs", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"version", no_argument, 0, OPT_VERSION},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    cf_config cfg;
    cf_config_init(&cfg);
    const char *out_dir = "flows";
    const char **local = calloc((size_t)argc, sizeof *local);
    cleanup_local = local;
    atexit(free_at_exit);
    size_t n_local = 0;
    int quiet = 0, c;
    uint32_t u;
    if (!local)
        return 2;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:d:n:b:t:f:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out_dir = optarg;
            break;
        case 'd':
            cfg.devices_path = optarg;
            break;
        case OPT_LOCAL:
            local[n_local++] = optarg;
            break;
        case 'n':
            if (parse_u32("--packets", optarg, 1, 10000, &u))
                return 2;
            cfg.packets = u;
            break;
        case 'b':
            if (parse_u32("--payload-bytes", optarg, 0, 65535, &u))
                return 2;
            cfg.payload_bytes = u;
            break;
        case 't': {
            char *end;
            errno = 0;
            double v = strtod(optarg, &end);
            if (!*optarg || *end || errno || !isfinite(v) || v < 1e-6 || v > 31536000.0) {
                fprintf(stderr,
                        "customflow: --lifetime: '%s' is not a number of seconds from 0.000001 "
                        "to 31536000\n",
                        optarg);
                return 2;
            }
            cfg.lifetime_us = (int64_t)llround(v * 1e6);
            break;
        }
        case OPT_VARIANT:
            if (!strcmp(optarg, "both"))
                cfg.variants = CF_VARIANT_BI | CF_VARIANT_UNI;
            else if (!strcmp(optarg, "bidirectional"))
                cfg.variants = CF_VARIANT_BI;
            else if (!strcmp(optarg, "unidirectional"))
                cfg.variants = CF_VARIANT_UNI;
            else {
                fprintf(stderr,
                        "customflow: --variant: '%s' is not both, bidirectional or "
                        "unidirectional\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_SIZE:
            if (!strcmp(optarg, "wire"))
                cfg.size_mode = CF_SIZE_WIRE;
            else if (!strcmp(optarg, "ip"))
                cfg.size_mode = CF_SIZE_IP;
            else if (!strcmp(optarg, "transport"))
                cfg.size_mode = CF_SIZE_TRANSPORT;
            else if (!strcmp(optarg, "payload"))
                cfg.size_mode = CF_SIZE_PAYLOAD;
            else {
                fprintf(stderr, "customflow: --size: '%s' is not wire, ip, transport or payload\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_NO_ANON:
            cfg.anonymize = 0;
            break;
        case OPT_NO_HASH:
            cfg.input_hash = 0;
            break;
        case OPT_COMPRESSION:
            if (!strcmp(optarg, "zstd"))
                cfg.codec = CF_CODEC_ZSTD;
            else if (!strcmp(optarg, "snappy"))
                cfg.codec = CF_CODEC_SNAPPY;
            else if (!strcmp(optarg, "gzip"))
                cfg.codec = CF_CODEC_GZIP;
            else if (!strcmp(optarg, "none"))
                cfg.codec = CF_CODEC_NONE;
            else {
                fprintf(stderr,
                        "customflow: --compression: '%s' is not zstd, snappy, gzip or none\n",
                        optarg);
                return 2;
            }
            break;
        case 'f':
            cfg.filter = optarg;
            break;
        case OPT_MAX_FLOWS:
            if (parse_u32("--max-flows", optarg, 1, 100000000, &u))
                return 2;
            cfg.max_flows = u;
            break;
        case OPT_LAYOUT:
            if (!strcmp(optarg, "nested"))
                cfg.layout = CF_LAYOUT_NESTED;
            else if (!strcmp(optarg, "wide"))
                cfg.layout = CF_LAYOUT_WIDE;
            else {
                fprintf(stderr, "customflow: --layout: '%s' is not nested or wide\n", optarg);
                return 2;
            }
            break;
        case OPT_CELLS:
            if (parse_u32("--payload-cells", optarg, 2, 100000, &u))
                return 2;
            cfg.payload_cells = u;
            break;
        case 'j':
            if (parse_u32("--jobs", optarg, 1, 256, &jobs))
                return 2;
            break;
        case 'q':
            quiet = 1;
            break;
        case OPT_VERSION:
            printf("customflow %s\n", CF_VERSION_STRING);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "customflow: option '%s' needs a value (see --help)\n",
                    argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "customflow: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    cfg.local = local;
    cfg.n_local = n_local;
    int ninputs = argc - optind;
    char **inputs = argv + optind;
    if (ninputs <= 0) {
        fprintf(stderr, "customflow: no capture given (see --help)\n");
        return 2;
    }

    /* Everything that can be known to fail is checked before any work. */
    char(*stems)[256] = calloc((size_t)ninputs, sizeof *stems);
    cleanup_stems = stems;
    if (!stems)
        return 2;
    for (int k = 0; k < ninputs; k++) {
        struct stat st;
        if (stat(inputs[k], &st) != 0) {
            fprintf(stderr, "customflow: %s: %s\n", inputs[k], strerror(errno));
            return 2;
        }
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, "customflow: %s: is a directory, not a capture\n", inputs[k]);
            return 2;
        }
        cf_capture_stem(inputs[k], stems[k], sizeof stems[k]);
        for (int m = 0; m < k; m++)
            if (!strcmp(stems[k], stems[m])) {
                fprintf(stderr,
                        "customflow: %s and %s would both write %s.parquet: give them different "
                        "names or convert them separately\n",
                        inputs[m], inputs[k], stems[k]);
                return 2;
            }
    }
    if (mkdir_p(out_dir) != 0) {
        fprintf(stderr, "customflow: %s: cannot create output directory: %s\n", out_dir,
                strerror(errno));
        return 2;
    }
    struct stat ost;
    if (stat(out_dir, &ost) != 0 || !S_ISDIR(ost.st_mode) || access(out_dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "customflow: %s: output directory is not writable\n", out_dir);
        return 2;
    }
    char err[1024] = "";
    if (cfg.filter && cf_capture_check_filter(cfg.filter, err, sizeof err) != 0) {
        fprintf(stderr, "customflow: %s\n", err);
        return 2;
    }
    cf_session *s = cf_session_new(&cfg, err, sizeof err, print_warning, NULL);
    if (!s) {
        fprintf(stderr, "customflow: %s\n", err);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A file-size limit makes write() fail with EFBIG instead of killing us,
     * so the temporary file is removed and the error reported. */
    signal(SIGXFSZ, SIG_IGN);

    int status = 0;
    int tty = !quiet && isatty(2);
    if (jobs > (uint32_t)ninputs)
        jobs = (uint32_t)ninputs;
    progress_state ps = {.files = ninputs, .jobs = jobs};
    ps.bytes_now = calloc(jobs, sizeof *ps.bytes_now);
    ps.frames_now = calloc(jobs, sizeof *ps.frames_now);
    pthread_mutex_init(&ps.lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &ps.start);
    job_queue jq = {.s = s,
                    .inputs = inputs,
                    .n = ninputs,
                    .out_dir = out_dir,
                    .progress = tty ? &ps : NULL,
                    .results = calloc((size_t)ninputs, sizeof *jq.results)};
    if (!jq.results || !ps.bytes_now || !ps.frames_now) {
        fprintf(stderr, "customflow: out of memory\n");
        return 1;
    }
    pthread_mutex_init(&jq.lock, NULL);
    pthread_t *threads = calloc(jobs, sizeof *threads);
    uint32_t started = 0;
    for (; threads && started + 1 < jobs; started++)
        if (pthread_create(&threads[started], NULL, convert_worker, &jq) != 0)
            break;
    convert_worker(&jq); /* this thread works too */
    for (uint32_t k = 0; k < started; k++)
        pthread_join(threads[k], NULL);
    free(threads);
    if (ps.shown)
        fputs("\r\033[K", stderr);
    free(ps.bytes_now);
    free(ps.frames_now);
    pthread_mutex_destroy(&ps.lock);
    /* Messages and summaries in input order, whatever order jobs ended in. */
    for (int k = 0; k < ninputs; k++) {
        job_result *r = &jq.results[k];
        if (!r->done)
            continue;
        if (r->rc < 0) {
            fprintf(stderr, "customflow: %s\n", r->err);
            status = 1;
        } else {
            if (r->rc == 1) {
                fprintf(stderr, "customflow: %s\n", r->rep.damage);
                status = 1;
            }
            if (!quiet)
                print_report(inputs[k], &r->rep, cfg.variants);
        }
        cf_report_free(&r->rep);
    }
    free(jq.results);
    pthread_mutex_destroy(&jq.lock);
    cf_session_free(s);
    if (stop_flag) {
        fprintf(stderr, "customflow: interrupted by signal %d; unfinished outputs removed\n",
                (int)stop_signal);
        return 128 + stop_signal;
    }
    return status;
}
