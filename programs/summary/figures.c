/* The summary's distributions as CSV and gnuplot figures; see figures.h.
 * The gnuplot script carries its data inline (datablocks), so DIR holds
 * only the script and the figures; gnuplot runs in DIR as a child process
 * (no shell), its messages on our stderr. */
#include "figures.h"
#include "summary_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A variant name (from file metadata: untrusted) as a file name part. */
static void safe_name(const char *in, char *out, size_t n)
{
    size_t k = 0;
    for (; in[k] && k + 1 < n && k < 64; k++) {
        char c = in[k];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
        out[k] = ok ? c : '_';
    }
    out[k] = 0;
    if (!k)
        snprintf(out, n, "unknown");
}

/* Opens DIR/STEM.EXT.tmp for writing; the name is left in path. */
static FILE *open_tmp(const char *dir, const char *stem, const char *ext, char *path, size_t n)
{
    snprintf(path, n, "%s/%s.%s.tmp", dir, stem, ext);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "customflow summary: %s: cannot write: %s\n", path, strerror(errno));
    return f;
}

/* Closes f and renames PATH.tmp to PATH, so that a file appears whole. */
static int close_tmp(FILE *f, const char *tmp)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    char final[4200];
    size_t n = strlen(tmp) - 4; /* ".tmp" */
    snprintf(final, sizeof final, "%.*s", (int)n, tmp);
    if (bad || rename(tmp, final) != 0) {
        fprintf(stderr, "customflow summary: %s: cannot write: %s\n", final, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

/* The rows of a distribution by ascending key: "KEY,COUNT,SHARE" (CSV,
 * share 0..1) or "KEY PERCENT" (gnuplot data, cumulative percent). */
static void cdf_rows(FILE *f, const u64map *m, int csv)
{
    kvpair *p = u64map_sorted(m);
    uint64_t total = 0, cum = 0;
    for (size_t k = 0; p && k < m->n; k++)
        total += p[k].v;
    for (size_t k = 0; p && k < m->n; k++) {
        cum += p[k].v;
        double share = (double)cum / (double)total;
        if (csv)
            fprintf(f, "%" PRIu64 ",%" PRIu64 ",%.6f\n", p[k].k, p[k].v, share);
        else
            fprintf(f, "%" PRIu64 " %.4f\n", p[k].k, 100 * share);
    }
    free(p);
}

static int write_dist(const char *dir, const char *stem, const char *header, const u64map *m)
{
    char tmp[4200];
    FILE *f = open_tmp(dir, stem, "csv", tmp, sizeof tmp);
    if (!f)
        return -1;
    fprintf(f, "%s\n", header);
    cdf_rows(f, m, 1);
    return close_tmp(f, tmp);
}

int write_cdf(const char *dir, const figure_data *d)
{
    char name[80], stem[160], tmp[4200];
    safe_name(d->variant, name, sizeof name);
    snprintf(stem, sizeof stem, "%s_packets_per_record", name);
    int rc = write_dist(dir, stem, "packets,records,cumulative_share", d->packets);
    snprintf(stem, sizeof stem, "%s_payload_bytes_per_packet", name);
    rc |= write_dist(dir, stem, "payload_bytes,packets,cumulative_share", d->payload);
    snprintf(stem, sizeof stem, "%s_records_per_device", name);
    FILE *f = open_tmp(dir, stem, "csv", tmp, sizeof tmp);
    if (!f)
        return -1;
    fputs("device,records,share\n", f);
    for (size_t k = 0; k < d->n_devices; k++) {
        csv_field(f, d->devices[k].name);
        fprintf(f, ",%" PRIu64 ",%.6f\n", d->devices[k].count,
                d->records ? (double)d->devices[k].count / (double)d->records : 0.0);
    }
    rc |= close_tmp(f, tmp);
    return rc ? -1 : 0;
}

int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char buf[4200];
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)n, n ? path : ".");
        if (access(buf, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

/* A device label inside a gnuplot data string: no double quotes or line
 * breaks (labels come from the files). */
static void gp_label(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : (*s == '\n' || *s == '\r' || *s == '\\') ? ' ' : *s, f);
    fputc('"', f);
}

/* A distribution as (value, cumulative percent) rows in datablock $NAME,
 * and the mark at LIMIT in $NAME_MARK. */
static void gp_cdf_block(FILE *f, const char *block, const u64map *m, uint64_t limit, double share)
{
    fprintf(f, "$%s << EOD\n", block);
    cdf_rows(f, m, 0);
    fprintf(f, "EOD\n$%s_MARK << EOD\n%" PRIu64 " %.4f\nEOD\n", block, limit, 100 * share);
}

/* One CDF figure with the share at LIMIT marked by dashed lines to both
 * axes and a label: "92.3 % of records have at most 10 packets". */
static void gp_cdf(FILE *f, const char *name, const char *what, const char *xlabel,
                   const char *ylabel, const char *block, uint64_t limit, double share,
                   const char *label, int logx, double xmax)
{
    double y = 100 * share;
    fprintf(f, "  reset\n  set key off\n  set grid\n");
    fprintf(f, "  set title '%s (%s)' noenhanced\n", what, name);
    fprintf(f, "  set xlabel '%s'\n  set ylabel '%s'\n", xlabel, ylabel);
    fprintf(f, "  set yrange [0:105]\n  set ytics 0,25,100\n  set format y '%%.0f %%%%'\n");
    if (logx)
        fprintf(f, "  set logscale x\n  set xrange [1:*]\n");
    else
        fprintf(f, "  set xrange [0:%.0f]\n", xmax);
    fprintf(f,
            "  set arrow 1 from %" PRIu64 ", graph 0 to %" PRIu64
            ", first %.4f nohead dt 2 lw 1.5 lc rgb '#cc3311'\n",
            limit, limit, y);
    fprintf(f,
            "  set arrow 2 from graph 0, first %.4f to %" PRIu64
            ", first %.4f nohead dt 2 lw 1.5 lc rgb '#cc3311'\n",
            y, limit, y);
    /* In the lower right corner, which a CDF leaves free. */
    fprintf(f,
            "  set style textbox opaque noborder\n  set label 1 '%.1f %% %s %" PRIu64
            "%s' at graph 0.97, graph 0.08 right front boxed tc rgb '#cc3311' noenhanced\n",
            y, label, limit, logx ? " packets" : " bytes");
    fprintf(f,
            "  plot $%s using 1:2 with steps lw 2 lc rgb '#4477aa', $%s_MARK using 1:2 with "
            "points pt 7 ps 1.3 lc rgb '#cc3311'\n",
            block, block);
}

static int run_gnuplot(const char *dir, const char *script)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "customflow summary: cannot start gnuplot: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "customflow summary: gnuplot failed on %s/%s (status %d)\n", dir, script,
                WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -1;
    }
    return 0;
}

int write_plots(const char *dir, const figure_data *d)
{
    char name[80], stem[160], tmp[4200];
    safe_name(d->variant, name, sizeof name);
    if (!d->records) {
        fprintf(stderr, "customflow summary: %s: no records, no figures\n", d->variant);
        return 0;
    }
    snprintf(stem, sizeof stem, "%s", name);
    FILE *f = open_tmp(dir, stem, "gp", tmp, sizeof tmp);
    if (!f)
        return -1;
    fprintf(f, "# customflow summary: figures of the %s records (gnuplot 5)\n", name);
    fputs("$DEVICES << EOD\n", f);
    for (size_t k = 0; k < d->n_devices; k++) {
        gp_label(f, d->devices[k].name);
        fprintf(f, " %" PRIu64 "\n", d->devices[k].count);
    }
    fputs("EOD\n", f);
    double rec_share = d->rec_total ? (double)d->rec_within / (double)d->rec_total : 0;
    double pay_share = d->pay_total ? (double)d->pay_within / (double)d->pay_total : 0;
    gp_cdf_block(f, "PACKETS", d->packets, d->ilimit, rec_share);
    gp_cdf_block(f, "PAYLOAD", d->payload, d->jlimit, pay_share);
    double xmax = (double)d->jlimit * 1.2;
    if ((double)d->pay_p99 * 1.1 > xmax)
        xmax = (double)d->pay_p99 * 1.1;
    if (xmax < 10)
        xmax = 10;
    fputs("do for [fmt in 'svg png'] {\n", f);
    static const char *const terms =
        "  if (fmt eq 'svg') { set terminal svg size 1000,560 dynamic noenhanced font 'Sans,12' "
        "background '#ffffff' } else { set terminal pngcairo size 1000,560 noenhanced font "
        "'Sans,11' background '#ffffff' }\n";
    fputs(terms, f);
    fprintf(f, "  set output sprintf('%s_records_per_device.%%s', fmt)\n", name);
    fprintf(f,
            "  reset\n  set key off\n  set title 'Table I: records per device (%s)' "
            "noenhanced\n",
            name);
    fputs("  set style data histograms\n  set style histogram clustered gap 1\n"
          "  set style fill solid 0.85 border -1\n  set boxwidth 0.8\n"
          "  set xtics rotate by -40 scale 0 font ',9' noenhanced\n"
          "  set ylabel 'records'\n  set grid ytics\n  set yrange [0:*]\n"
          "  set bmargin 9\n"
          "  plot $DEVICES using 2:xtic(1) lc rgb '#4477aa'\n",
          f);
    fputs(terms, f);
    fprintf(f, "  set output sprintf('%s_packets_per_record.%%s', fmt)\n", name);
    gp_cdf(f, name, "Packets per record", "packets in the record (log scale)",
           "records (cumulative)", "PACKETS", d->ilimit, rec_share, "of records have at most", 1,
           0);
    fputs(terms, f);
    fprintf(f, "  set output sprintf('%s_payload_bytes_per_packet.%%s', fmt)\n", name);
    gp_cdf(f, name, "Payload bytes per packet", "transport payload bytes", "packets (cumulative)",
           "PAYLOAD", d->jlimit, pay_share, "of packets carry at most", 0, xmax);
    fputs("  unset output\n}\n", f);
    if (close_tmp(f, tmp))
        return -1;
    snprintf(stem, sizeof stem, "%s.gp", name);
    return run_gnuplot(dir, stem);
}
