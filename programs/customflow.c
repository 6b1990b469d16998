/* customflow: the command-line front end of libcustomflow.
 *
 *   customflow [OPTIONS] CAPTURE...
 *   customflow [OPTIONS] -i IFACE
 *   customflow summary [OPTIONS] DIR...
 *   customflow plan -o OUT [OPTIONS] INPUT...   (programs/cluster)
 *   customflow task OUT K
 *
 * The options are the library's (cf_options): this file turns argv into
 * cf_config_set calls, runs cf_convert_inputs and prints what it reports.
 * Exit status: 0 every input read completely; 1 some input damaged or
 * unreadable, or the run was interrupted (128+signal); 2 usage errors.
 * A live capture (-i) ends normally on SIGINT/SIGTERM: exit 0. */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cluster/cluster.h"
#include "common/progutil.h"
#include "customflow.h"
#include "summary/summary.h"

/* Options of the program itself, beside the library's. */
enum { OPT_QUIET = 'q', OPT_HELP = 'h', OPT_VERSION = 1000 };

static void usage(FILE *f)
{
    fputs("usage: customflow [OPTIONS] CAPTURE...\n"
          "       customflow [OPTIONS] -i IFACE         (live, until SIGINT or SIGTERM)\n"
          "       customflow summary [OPTIONS] DIR...   (see customflow summary --help)\n"
          "       customflow plan -o OUT [OPTIONS] INPUT... (see customflow plan --help)\n"
          "       customflow task OUT K                   (see customflow task --help)\n"
          "Turns pcap/pcapng captures (optionally .gz/.zst; - for standard input) into\n"
          "custom flow records: OUT/bidirectional/STEM.parquet and\n"
          "OUT/unidirectional/STEM.parquet.\n\n",
          f);
    size_t n;
    const cf_option_info *o = cf_options(&n);
    for (size_t k = 0; k < n; k++) {
        char left[64];
        if (o[k].short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o[k].short_name, o[k].name,
                     o[k].arg ? " " : "", o[k].arg ? o[k].arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o[k].name, o[k].arg ? " " : "",
                     o[k].arg ? o[k].arg : "");
        fprintf(f, "  %-26s %s\n", left, o[k].help);
    }
    fputs("  -q, --quiet                no summary, no progress\n"
          "      --version              print the version (and the libraries')\n"
          "  -h, --help                 this help\n",
          f);
}

static void print_warning(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "customflow: warning: %s\n", msg);
}

/* One progress line for the whole run, at most once a second, on stderr,
 * only on a terminal. */
typedef struct progress_line {
    time_t last;
    int shown;
} progress_line;

static void show_progress(void *ctx, const cf_progress *p)
{
    progress_line *pl = ctx;
    time_t now = time(NULL);
    if (now == pl->last || p->seconds <= 0)
        return;
    pl->last = now;
    pl->shown = 1;
    if (p->live)
        fprintf(stderr,
                "\r  %" PRIu64 " packets, %.0f packets/s, %" PRIu64
                " records, %.0f records/s, dropped %" PRIu64 " (interface %" PRIu64 ") \033[K",
                p->frames, p->frames / p->seconds, p->records, p->records / p->seconds,
                p->kernel_dropped, p->iface_dropped);
    else
        fprintf(stderr,
                "\r  files %" PRIu32 "/%" PRIu32 ", %.1f MB, %" PRIu64
                " packets, %.1f MB/s, %.0f packets/s \033[K",
                p->inputs_done, p->inputs, p->bytes / 1e6, p->frames, p->bytes / 1e6 / p->seconds,
                p->frames / p->seconds);
    fflush(stderr);
}

static void print_report(const cf_report *r, int variants)
{
    fprintf(stderr, "%s:\n", r->input);
    fprintf(stderr,
            "  packets read %" PRIu64 ", IP %" PRIu64 ", attributed %" PRIu64
            ", between non-devices %" PRIu64 "\n",
            r->frames, r->packets_decoded, r->packets_attributed, r->packets_no_device);
    if (r->live)
        fprintf(stderr,
                "  kernel: received %" PRIu64 ", dropped %" PRIu64
                ", dropped by the interface %" PRIu64 "\n",
                r->kernel_received, r->kernel_dropped, r->iface_dropped);
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
        fprintf(stderr, "  records closed early by --max-flows or --max-memory: %" PRIu64 "\n",
                r->early_closed);
    if (r->n_devices) {
        fprintf(stderr, "  %-36s %14s %14s\n", "device", "bidirectional", "unidirectional");
        for (size_t k = 0; k < r->n_devices; k++)
            fprintf(stderr, "  %-36s %14" PRIu64 " %14" PRIu64 "\n", r->devices[k].label,
                    r->devices[k].bi, r->devices[k].uni);
    }
}

/* getopt_long's table and short-option string from the library's options. */
static int build_getopt(struct option **longopts, char **shortopts)
{
    size_t n;
    const cf_option_info *o = cf_options(&n);
    *longopts = calloc(n + 4, sizeof **longopts);
    *shortopts = calloc(3 * n + 8, 1);
    if (!*longopts || !*shortopts)
        return -1;
    char *sp = *shortopts;
    *sp++ = ':'; /* missing values reported as ':' */
    for (size_t k = 0; k < n; k++) {
        (*longopts)[k] = (struct option){o[k].name, o[k].arg ? required_argument : no_argument,
                                         NULL, o[k].short_name ? o[k].short_name : 2000 + (int)k};
        if (o[k].short_name) {
            *sp++ = o[k].short_name;
            if (o[k].arg)
                *sp++ = ':';
        }
    }
    strcpy(sp, "qh");
    (*longopts)[n] = (struct option){"quiet", no_argument, NULL, OPT_QUIET};
    (*longopts)[n + 1] = (struct option){"help", no_argument, NULL, OPT_HELP};
    (*longopts)[n + 2] = (struct option){"version", no_argument, NULL, OPT_VERSION};
    return 0;
}

/* The library option a getopt result stands for, or NULL. */
static const cf_option_info *option_of(int c)
{
    size_t n;
    const cf_option_info *o = cf_options(&n);
    if (c >= 2000 && (size_t)(c - 2000) < n)
        return &o[c - 2000];
    for (size_t k = 0; k < n; k++)
        if (o[k].short_name && o[k].short_name == c)
            return &o[k];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "summary"))
        return summary_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "plan"))
        return plan_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "task"))
        return task_main(argc - 1, argv + 1);
    struct option *longopts;
    char *shortopts;
    cf_config *cfg = cf_config_new();
    if (!cfg || build_getopt(&longopts, &shortopts) != 0) {
        fprintf(stderr, "customflow: out of memory\n");
        return 2;
    }
    int quiet = 0, c, status = 2;
    char err[1024] = "";
    cf_session *s = NULL;
    cf_report *reps = NULL;
    size_t n_reps = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        const cf_option_info *o = option_of(c);
        if (o) {
            if (cf_config_set(cfg, o->name, o->arg ? optarg : NULL, err, sizeof err) != 0) {
                fprintf(stderr, "customflow: %s\n", err);
                goto out;
            }
            continue;
        }
        switch (c) {
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_VERSION:
            printf("customflow %s (%s)\n", cf_version(), cf_library_versions());
            status = 0;
            goto out;
        case OPT_HELP:
            usage(stdout);
            status = 0;
            goto out;
        case ':':
            fprintf(stderr, "customflow: option '%s' needs a value (see --help)\n",
                    argv[optind - 1]);
            goto out;
        default:
            fprintf(stderr, "customflow: unknown option '%s' (see --help)\n", argv[optind - 1]);
            goto out;
        }
    }
    char iface[256];
    int live = *cf_config_get(cfg, "interface", iface, sizeof iface) != 0;
    if (optind >= argc && !live) {
        fprintf(stderr, "customflow: no capture given (see --help)\n");
        goto out;
    }
    s = cf_session_new(cfg, print_warning, NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "customflow: %s\n", err);
        goto out;
    }

    stop_on_signals(s);
    /* A file-size limit makes write() fail with EFBIG instead of killing us,
     * so the temporary file is removed and the error reported. */
    signal(SIGXFSZ, SIG_IGN);
    /* Likewise a reader of -o - that goes away: write() fails with EPIPE
     * and the run stops with one line, rather than dying of SIGPIPE (which
     * the kernel sends to the whole process, so the stream sink's own
     * per-write guard cannot catch it once several threads run). */
    signal(SIGPIPE, SIG_IGN);

    progress_line pl = {0};
    int tty = !quiet && isatty(2);
    int rc = cf_convert_inputs(s, (const char *const *)argv + optind, (size_t)(argc - optind),
                               &reps, &n_reps, tty ? show_progress : NULL, &pl, err, sizeof err);
    if (pl.shown)
        fputs("\r\033[K", stderr);
    if (rc < 0) {
        fprintf(stderr, "customflow: %s\n", err);
        goto out;
    }
    status = rc;
    char v[32];
    int variants = cf_enum_parse("variant", cf_config_get(cfg, "variant", v, sizeof v));
    /* Messages and summaries in input order, whatever order jobs ended in. */
    for (size_t k = 0; k < n_reps; k++) {
        const cf_report *r = &reps[k];
        if (r->status == CF_STATUS_FAILED && stop_signal_received() && !live)
            continue;
        if (r->status == CF_STATUS_FAILED || r->status == CF_STATUS_DAMAGED)
            fprintf(stderr, "customflow: %s\n", r->message);
        if (r->status == CF_STATUS_SKIPPED) {
            if (!quiet)
                fprintf(stderr, "%s\n", r->message);
            continue;
        }
        if (r->status != CF_STATUS_FAILED && !quiet)
            print_report(r, variants);
    }
    int sig = stop_signal_received();
    if (sig && !live) {
        fprintf(stderr, "customflow: interrupted by signal %d; unfinished outputs removed\n", sig);
        status = 128 + sig;
    }
out:
    stop_on_signals_end();
    cf_reports_free(reps, n_reps);
    cf_session_free(s);
    cf_config_free(cfg);
    free(longopts);
    free(shortopts);
    return status;
}
