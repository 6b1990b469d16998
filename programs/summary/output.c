/* customflow summary: the tables in text, Markdown, CSV and JSON; see
 * summary_int.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "summary_int.h"

static void iso_time(int64_t us, char *out, size_t n)
{
    int64_t sec = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, n, "%" PRId64 "us", us);
        return;
    }
    size_t len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + len, n - len, ".%06dZ", (int)frac);
}

void pct_text(char *out, size_t n, uint64_t part, uint64_t whole)
{
    if (!whole)
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%.2f", 100.0 * (double)part / (double)whole);
}

static int sort_by_name; /* for cmp_label (qsort has no context) */
static int cmp_label(const void *a, const void *b)
{
    const label *x = a, *y = b;
    if (!sort_by_name && x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
}

int make_view(const variant *v, int by_name, int64_t opt_packets, int64_t opt_payload, view *w)
{
    memset(w, 0, sizeof *w);
    w->v = v;
    w->labels = malloc((v->st.devices.n ? v->st.devices.n : 1) * sizeof *w->labels);
    if (!w->labels)
        return -1;
    for (size_t i = 0; i < v->st.devices.cap; i++)
        if (v->st.devices.slot[i].name)
            w->labels[w->nlabels++] = v->st.devices.slot[i];
    sort_by_name = by_name;
    qsort(w->labels, w->nlabels, sizeof *w->labels, cmp_label);
    w->ilimit = (uint64_t)(opt_packets >= 0       ? opt_packets
                           : v->meta_packets >= 0 ? v->meta_packets
                                                  : 10);
    w->jlimit = (uint64_t)(opt_payload >= 0       ? opt_payload
                           : v->meta_payload >= 0 ? v->meta_payload
                                                  : 1000);
    percentiles(&v->st.packets, w->ilimit, &w->rec_total, &w->rec_within, w->rec_p);
    percentiles(&v->st.payload, w->jlimit, &w->pay_total, &w->pay_within, w->pay_p);
    pct_text(w->rec_share, sizeof w->rec_share, w->rec_within, w->rec_total);
    pct_text(w->pay_share, sizeof w->pay_share, w->pay_within, w->pay_total);
    if (v->st.have_t) {
        iso_time(v->st.tmin, w->tmin, sizeof w->tmin);
        iso_time(v->st.tmax, w->tmax, sizeof w->tmax);
    }
    return 0;
}

/* Two rows of the text or markdown summary: "LIMITED: N of TOTAL (S%)" and
 * "PER: p50 A, p90 B, p95 C, p99 D" ("-" for both when TOTAL is 0). */
static void within_rows(FILE *f, const char *pre, const char *sep, const char *post,
                        const char *limited, uint64_t within, uint64_t total, const char *share,
                        const char *per, const uint64_t p[4])
{
    char line[256];
    snprintf(line, sizeof line, "%" PRIu64 " of %" PRIu64 " (%s%%)", within, total, share);
    fprintf(f, "%s%s%s%s%s", pre, limited, sep, total ? line : "-", post);
    if (total)
        fprintf(f, "%s%s%sp50 %" PRIu64 ", p90 %" PRIu64 ", p95 %" PRIu64 ", p99 %" PRIu64 "%s",
                pre, per, sep, p[0], p[1], p[2], p[3], post);
    else
        fprintf(f, "%s%s%s-%s", pre, per, sep, post);
}

void print_text(FILE *f, const view *w, int md)
{
    const variant *v = w->v;
    char share[32];
    size_t width = 6;
    for (size_t i = 0; i < w->nlabels; i++)
        if (strlen(w->labels[i].name) > width)
            width = strlen(w->labels[i].name);
    if (md) {
        fprintf(f, "## %s\n\n", v->name);
        fprintf(f, "Table I: records per device\n\n| device | records | share |\n|---|--:|--:|\n");
        for (size_t i = 0; i < w->nlabels; i++) {
            pct_text(share, sizeof share, w->labels[i].count, v->st.records);
            fputs("| ", f);
            md_cell(f, w->labels[i].name);
            fprintf(f, " | %" PRIu64 " | %s%% |\n", w->labels[i].count, share);
        }
        fprintf(f, "| **total** | **%" PRIu64 "** | %s |\n\n", v->st.records,
                v->st.records ? "100.00%" : "-");
        fprintf(f, "| statistic | value |\n|---|--:|\n");
    } else {
        fprintf(f, "%s: %zu file%s, %" PRIu64 " records\n\n", v->name, v->counted,
                v->counted == 1 ? "" : "s", v->st.records);
        fprintf(f, "Table I: records per device\n");
        fprintf(f, "  %-*s %12s %8s\n", (int)width, "device", "records", "share");
        for (size_t i = 0; i < w->nlabels; i++) {
            pct_text(share, sizeof share, w->labels[i].count, v->st.records);
            fprintf(f, "  %-*s %12" PRIu64 " %7s%%\n", (int)width, w->labels[i].name,
                    w->labels[i].count, share);
        }
        fprintf(f, "  %-*s %12" PRIu64 " %8s\n\n", (int)width, "total", v->st.records,
                v->st.records ? "100.00%" : "-");
    }
    char limited[128];
    const char *pre = md ? "| " : "";
    const char *sep = md ? " | " : ": ";
    const char *post = md ? " |\n" : "\n";
    snprintf(limited, sizeof limited, "records with at most %" PRIu64 " packets", w->ilimit);
    within_rows(f, pre, sep, post, limited, w->rec_within, w->rec_total, w->rec_share,
                "packets per record", w->rec_p);
    snprintf(limited, sizeof limited, "packets with a payload of at most %" PRIu64 " bytes",
             w->jlimit);
    within_rows(f, pre, sep, post, limited, w->pay_within, w->pay_total, w->pay_share,
                "payload bytes per packet", w->pay_p);
    if (v->files_no_hist)
        fprintf(f, "%spayload sizes%snot recorded in %zu file%s%s", pre, sep, v->files_no_hist,
                v->files_no_hist == 1 ? "" : "s", post);
    if (v->st.have_t)
        fprintf(f, "%sfirst seen%s%s .. %s%s", pre, sep, w->tmin, w->tmax, post);
    else
        fprintf(f, "%sfirst seen%s-%s", pre, sep, post);
    if (v->st.names_files) {
        char pct[32], named[96];
        pct_text(pct, sizeof pct, v->st.named, v->st.name_rows);
        snprintf(named, sizeof named, "%" PRIu64 " of %" PRIu64 " (%s%%)", v->st.named,
                 v->st.name_rows, pct);
        fprintf(f, "%srecords with a remote name%s%s%s", pre, sep, named, post);
    }
    fprintf(f, "%sfiles%s%zu%s", pre, sep, v->counted, post);
    /* Which files were read, and which were not counted (same input). */
    fprintf(f, md ? "\nFiles read:\n\n" : "\nfiles read:\n");
    for (size_t k = 0; k < v->n_files; k++) {
        const file_rec *fr = &v->files[k];
        fputs(md ? "- " : "  ", f);
        if (md)
            md_cell(f, fr->path);
        else
            fputs(fr->path, f);
        if (fr->same_as >= 0)
            fprintf(f, "  (same input as %s: not counted)", v->files[fr->same_as].path);
        fputc('\n', f);
    }
    if (md)
        fputc('\n', f);
}

static void csv_row(FILE *f, const char *variant, const char *metric, const char *key,
                    const char *value)
{
    csv_field(f, variant);
    fputc(',', f);
    fputs(metric, f);
    fputc(',', f);
    csv_field(f, key);
    fputc(',', f);
    csv_field(f, value);
    fputc('\n', f);
}

static void csv_num(FILE *f, const char *variant, const char *metric, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, v);
    csv_row(f, variant, metric, "", b);
}

void print_csv(FILE *f, const view *w)
{
    const variant *v = w->v;
    char b[64];
    const char *n = v->name;
    csv_num(f, n, "files", v->counted);
    for (size_t i = 0; i < w->nlabels; i++) {
        snprintf(b, sizeof b, "%" PRIu64, w->labels[i].count);
        csv_row(f, n, "records", w->labels[i].name, b);
    }
    for (size_t i = 0; i < w->nlabels; i++) {
        pct_text(b, sizeof b, w->labels[i].count, v->st.records);
        csv_row(f, n, "records_pct", w->labels[i].name, b);
    }
    csv_num(f, n, "records_total", v->st.records);
    csv_num(f, n, "packets_limit", w->ilimit);
    csv_num(f, n, "records_within_packets_limit", w->rec_within);
    csv_row(f, n, "records_within_packets_limit_pct", "", w->rec_total ? w->rec_share : "");
    for (int k = 0; k < 4; k++) {
        char m[48];
        snprintf(m, sizeof m, "packets_per_record_p%d", summary_pcts[k]);
        snprintf(b, sizeof b, "%" PRIu64, w->rec_p[k]);
        csv_row(f, n, m, "", w->rec_total ? b : "");
    }
    csv_num(f, n, "payload_limit", w->jlimit);
    csv_num(f, n, "payload_packets", w->pay_total);
    csv_num(f, n, "packets_within_payload_limit", w->pay_within);
    csv_row(f, n, "packets_within_payload_limit_pct", "", w->pay_total ? w->pay_share : "");
    for (int k = 0; k < 4; k++) {
        char m[48];
        snprintf(m, sizeof m, "payload_bytes_p%d", summary_pcts[k]);
        snprintf(b, sizeof b, "%" PRIu64, w->pay_p[k]);
        csv_row(f, n, m, "", w->pay_total ? b : "");
    }
    csv_num(f, n, "payload_not_recorded_files", v->files_no_hist);
    csv_row(f, n, "first_seen_min", "", v->st.have_t ? w->tmin : "");
    csv_row(f, n, "first_seen_max", "", v->st.have_t ? w->tmax : "");
    for (size_t k = 0; k < v->n_files; k++) {
        const file_rec *fr = &v->files[k];
        if (fr->same_as < 0)
            csv_row(f, n, "file", fr->path, "counted");
        else
            csv_row(f, n, "file_same_input", fr->path, v->files[fr->same_as].path);
    }
}

static void json_pcts(FILE *f, const uint64_t p[4], int have)
{
    fputc('{', f);
    for (int k = 0; k < 4; k++) {
        if (have)
            fprintf(f, "%s\"p%d\":%" PRIu64, k ? "," : "", summary_pcts[k], p[k]);
        else
            fprintf(f, "%s\"p%d\":null", k ? "," : "", summary_pcts[k]);
    }
    fputc('}', f);
}

void print_json(FILE *f, const view *w)
{
    const variant *v = w->v;
    char b[32];
    fputs("{\"variant\":", f);
    json_str(f, v->name);
    fprintf(f, ",\"files\":%zu,\"records\":%" PRIu64 ",\"devices\":[", v->counted, v->st.records);
    for (size_t i = 0; i < w->nlabels; i++) {
        pct_text(b, sizeof b, w->labels[i].count, v->st.records);
        fprintf(f, "%s{\"device\":", i ? "," : "");
        json_str(f, w->labels[i].name);
        fprintf(f, ",\"records\":%" PRIu64 ",\"pct\":%s}", w->labels[i].count, b);
    }
    fprintf(f,
            "],\"packets\":{\"limit\":%" PRIu64 ",\"records_within\":%" PRIu64
            ",\"pct_within\":%s,\"percentiles\":",
            w->ilimit, w->rec_within, w->rec_total ? w->rec_share : "null");
    json_pcts(f, w->rec_p, w->rec_total != 0);
    fprintf(f,
            "},\"payload\":{\"limit\":%" PRIu64 ",\"packets\":%" PRIu64
            ",\"packets_within\":%" PRIu64 ",\"pct_within\":%s,\"percentiles\":",
            w->jlimit, w->pay_total, w->pay_within, w->pay_total ? w->pay_share : "null");
    json_pcts(f, w->pay_p, w->pay_total != 0);
    fprintf(f, ",\"files_not_recorded\":%zu},\"first_seen\":", v->files_no_hist);
    if (v->st.have_t)
        fprintf(f, "{\"min\":\"%s\",\"max\":\"%s\"}", w->tmin, w->tmax);
    else
        fputs("null", f);
    fputs(",\"files_read\":[", f);
    for (size_t k = 0; k < v->n_files; k++) {
        const file_rec *fr = &v->files[k];
        fputs(k ? ",{\"path\":" : "{\"path\":", f);
        json_str(f, fr->path);
        if (fr->same_as < 0) {
            fputs(",\"counted\":true}", f);
        } else {
            fputs(",\"counted\":false,\"same_input_as\":", f);
            json_str(f, v->files[fr->same_as].path);
            fputc('}', f);
        }
    }
    fputs("]}", f);
}
