/* Shared by the parts of customflow summary: the files read and the
 * statistics of one variant (one table). */
#ifndef CF_SUMMARY_INT_H
#define CF_SUMMARY_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tally.h"

/* The settings that must agree within one table (file metadata keys):
 * records made with another lifetime, list length, payload length, layout
 * or filter do not count the same things. */
enum { SET_LIFETIME, SET_LAYOUT, SET_PACKETS, SET_PAYLOAD, SET_FILTER, N_SETTINGS };

typedef struct file_rec {
    char *path;
    char *identity; /* input identity key; NULL when the file records none */
    long same_as;   /* index of the file counted for the same input, or -1 */
} file_rec;

typedef struct variant {
    char *name;
    file_rec *files; /* in the order read */
    size_t n_files, cap_files;
    size_t counted, files_no_hist;
    stats st;
    /* The settings of the first file counted ("" when not recorded). */
    char *setting[N_SETTINGS];
    size_t setting_file;
    int64_t meta_packets, meta_payload; /* -1 when not recorded */
} variant;

/* Everything printed for one variant, computed once. */
typedef struct view {
    const variant *v;
    label *labels; /* in table order */
    size_t nlabels;
    uint64_t ilimit, jlimit;
    uint64_t rec_total, rec_within, rec_p[4];
    uint64_t pay_total, pay_within, pay_p[4];
    char rec_share[32], pay_share[32], tmin[64], tmax[64];
} view;

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_MD } out_format;

/* i and j: from --packets/--payload-bytes (>= 0), else the files'. */
int make_view(const variant *v, int sort_by_name, int64_t opt_packets, int64_t opt_payload,
              view *w);
void print_text(FILE *f, const view *w, int markdown);
void print_csv(FILE *f, const view *w);
void print_json(FILE *f, const view *w);
/* s as one CSV field (quoted when it holds a comma, quote or line end). */
void csv_field(FILE *f, const char *s);
/* "12.34" percent, or "-" when whole is 0. */
void pct_text(char *out, size_t n, uint64_t part, uint64_t whole);

#endif
