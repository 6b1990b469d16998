/* customflow summary: see summary.h. Files are read through the public
 * reader with the per-packet lists skipped (only device, first_seen and
 * total_packets are counted; payload sizes come from the files' metadata),
 * so memory stays bounded by one row group's key columns, whatever the
 * number of files. A file counts only when it was read completely. */
#include "summary.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/progutil.h"
#include "customflow.h"
#include "figures.h"
#include "summary_int.h"

#define MAX_WALK_DEPTH 64
#define MAX_LABEL 1024

static const struct {
    const char *key, *what;
} setting_keys[N_SETTINGS] = {
    [SET_LIFETIME] = {CF_META_LIFETIME, "lifetime (-t)"},
    [SET_LAYOUT] = {CF_META_LAYOUT, "layout"},
    [SET_PACKETS] = {CF_META_PACKETS, "packets listed (-n)"},
    [SET_PAYLOAD] = {CF_META_PAYLOAD_BYTES, "payload bytes (-b)"},
    [SET_FILTER] = {CF_META_FILTER, "filter"},
};

typedef struct summary {
    variant *v;
    size_t nv;
    int force;
    int mixed; /* files of different settings met (refused without --force) */
    int status;
} summary;

static void free_variant(variant *v)
{
    free(v->name);
    for (size_t k = 0; k < v->n_files; k++) {
        free(v->files[k].path);
        free(v->files[k].identity);
    }
    free(v->files);
    for (int k = 0; k < N_SETTINGS; k++)
        free(v->setting[k]);
    stats_free(&v->st);
}

static variant *get_variant(summary *s, const char *name)
{
    for (size_t k = 0; k < s->nv; k++)
        if (!strcmp(s->v[k].name, name))
            return &s->v[k];
    variant *nv = realloc(s->v, (s->nv + 1) * sizeof *nv);
    if (!nv)
        return NULL;
    s->v = nv;
    variant *v = &s->v[s->nv];
    memset(v, 0, sizeof *v);
    if (!(v->name = strdup(name)))
        return NULL;
    v->meta_packets = v->meta_payload = -1;
    s->nv++;
    return v;
}

static int add_file(variant *v, const char *path, char *identity, long same_as)
{
    if (v->n_files == v->cap_files) {
        size_t nc = v->cap_files ? 2 * v->cap_files : 16;
        file_rec *nf = realloc(v->files, nc * sizeof *nf);
        if (!nf)
            return -1;
        v->files = nf;
        v->cap_files = nc;
    }
    file_rec *f = &v->files[v->n_files];
    if (!(f->path = strdup(path)))
        return -1;
    f->identity = identity;
    f->same_as = same_as;
    v->n_files++;
    return 0;
}

/* ------------------------------------------------------------ one file */

static int64_t meta_number(const cf_reader *r, const char *key)
{
    const char *v = cf_reader_meta(r, key);
    uint64_t n;
    const char *end;
    if (!v || parse_u64(v, &end, &n) || *end || n > INT32_MAX)
        return -1;
    return (int64_t)n;
}

/* The name of the folder holding path ("" when none). */
static void parent_name(const char *path, char *out, size_t outlen)
{
    const char *end = path + strlen(path);
    while (end > path && end[-1] != '/')
        end--; /* end: start of the file name */
    while (end > path && end[-1] == '/')
        end--;
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    size_t n = (size_t)(end - start);
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, start, n);
    out[n] = 0;
}

/* Text from a file, safe to print: control characters become '?'. */
static void copy_label(char *dst, const char *p, size_t max)
{
    size_t n = strlen(p);
    if (n > max)
        n = max;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)p[k];
        dst[k] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    dst[n] = 0;
}

static int fail_file(summary *s, const char *msg)
{
    fprintf(stderr, "customflow summary: %s\n", msg);
    s->status = 1;
    return -1;
}

/* The input a file was made from, as a key: its digest (or, without one,
 * its name), its size, the capture start of a live run, and the rotation
 * interval of a rotated file (one input gives a file per interval).
 * NULL when the file names no input. */
static char *identity_of(const cf_reader *r, const stats *fs)
{
    const char *xxh = cf_reader_meta(r, CF_META_INPUT_XXH3);
    const char *sha = cf_reader_meta(r, CF_META_INPUT_SHA256);
    const char *name = cf_reader_meta(r, CF_META_INPUT);
    const char *bytes = cf_reader_meta(r, CF_META_INPUT_BYTES);
    const char *start = cf_reader_meta(r, CF_META_CAPTURE_START);
    const char *rotate = cf_reader_meta(r, CF_META_ROTATE);
    char id[1024];
    int n;
    if (xxh && *xxh)
        n = snprintf(id, sizeof id, "xxh3_128 %s", xxh);
    else if (sha && *sha)
        n = snprintf(id, sizeof id, "sha256 %s", sha);
    else if (name && *name)
        n = snprintf(id, sizeof id, "name %s", name);
    else
        return NULL;
    if (bytes && *bytes && n > 0 && (size_t)n < sizeof id)
        n += snprintf(id + n, sizeof id - (size_t)n, ", %s bytes", bytes);
    if (start && *start && n > 0 && (size_t)n < sizeof id)
        n += snprintf(id + n, sizeof id - (size_t)n, ", started %s", start);
    double rs = rotate ? strtod(rotate, NULL) : 0;
    if (rs > 0 && isfinite(rs) && fs->have_t && n > 0 && (size_t)n < sizeof id)
        snprintf(id + n, sizeof id - (size_t)n, ", interval %.0f",
                 floor((double)fs->tmin / (rs * 1e6)));
    return strdup(id);
}

/* Compares the file's settings with the table's; the first file counted
 * sets them. */
static void check_settings(summary *s, variant *v, const cf_reader *r, const char *path)
{
    for (int k = 0; k < N_SETTINGS; k++) {
        const char *val = cf_reader_meta(r, setting_keys[k].key);
        if (!val)
            val = "";
        if (v->counted == 0) {
            free(v->setting[k]);
            v->setting[k] = strdup(val);
            v->setting_file = v->n_files;
            continue;
        }
        if (!v->setting[k] || !strcmp(v->setting[k], val))
            continue;
        fprintf(stderr, "customflow summary: %s%s: %s has %s \"%s\", %s has \"%s\": %s\n",
                s->force ? "warning: " : "", v->name, path, setting_keys[k].what, val,
                v->files[v->setting_file].path, v->setting[k],
                s->force ? "mixed in one table (--force)"
                         : "not mixed in one table (--force mixes them)");
        /* Reported once per setting and table: the rest would repeat it. */
        free(v->setting[k]);
        v->setting[k] = NULL;
        s->mixed = 1;
    }
}

static int summarize_file(summary *s, const char *path)
{
    char err[768];
    cf_reader *r = cf_reader_open(path, err, sizeof err);
    if (!r)
        return fail_file(s, err);
    cf_reader_skip_lists(r, 1);
    char vname[256];
    const char *vk = cf_reader_meta(r, CF_META_VARIANT);
    if (vk && *vk) {
        copy_label(vname, vk, 200);
    } else {
        parent_name(path, vname, sizeof vname);
        if (strcmp(vname, "bidirectional") && strcmp(vname, "unidirectional"))
            strcpy(vname, "unknown");
    }
    stats fs;
    memset(&fs, 0, sizeof fs);
    int rc = 0, has_hist = 0;
    const char *hist = cf_reader_meta(r, CF_META_PAYLOAD_HIST);
    if (hist) {
        if (parse_hist(hist, &fs.payload)) {
            snprintf(err, sizeof err, "%s: malformed %s", path, CF_META_PAYLOAD_HIST);
            rc = -1;
        } else {
            has_hist = 1;
        }
    }
    char label[MAX_LABEL + 1];
    cf_record rec;
    int st = 0;
    while (!rc && (st = cf_reader_next(r, &rec, err, sizeof err)) == 1) {
        copy_label(label, rec.device, MAX_LABEL);
        int64_t pk = rec.total_packets;
        if (labelmap_add(&fs.devices, label, 1) ||
            u64map_add(&fs.packets, pk < 0 ? 0 : (uint64_t)pk, 1)) {
            snprintf(err, sizeof err, "%s: out of memory", path);
            rc = -1;
        }
        if (!fs.have_t || rec.first_seen < fs.tmin)
            fs.tmin = rec.first_seen;
        if (!fs.have_t || rec.first_seen > fs.tmax)
            fs.tmax = rec.first_seen;
        fs.have_t = 1;
        fs.records++;
        if (rec.remote_name) { /* a --names file */
            fs.names_files = 1;
            fs.named += rec.remote_name[0] != '\0';
            fs.name_rows++;
        }
    }
    if (st < 0)
        rc = -1;
    variant *v = NULL;
    char *id = NULL;
    if (!rc && !(v = get_variant(s, vname))) {
        snprintf(err, sizeof err, "%s: out of memory", path);
        rc = -1;
    }
    if (!rc)
        id = identity_of(r, &fs); /* NULL: the file names no input */
    long same = -1;
    for (size_t k = 0; !rc && id && k < v->n_files && same < 0; k++)
        if (v->files[k].identity && v->files[k].same_as < 0 && !strcmp(v->files[k].identity, id))
            same = (long)k;
    if (!rc && same >= 0) {
        fprintf(stderr,
                "customflow summary: warning: %s and %s hold the same input (%s); counted "
                "once\n",
                v->files[same].path, path, id);
    } else if (!rc) {
        check_settings(s, v, r, path);
        if (stats_merge(&v->st, &fs)) {
            snprintf(err, sizeof err, "%s: out of memory", path);
            rc = -1;
        } else {
            v->counted++;
            v->files_no_hist += !has_hist;
            if (v->meta_packets < 0)
                v->meta_packets = meta_number(r, CF_META_PACKETS);
            if (v->meta_payload < 0)
                v->meta_payload = meta_number(r, CF_META_PAYLOAD_BYTES);
        }
    }
    if (!rc && add_file(v, path, id, same)) {
        snprintf(err, sizeof err, "%s: out of memory", path);
        rc = -1;
    } else if (rc) {
        free(id);
    }
    stats_free(&fs);
    cf_reader_close(r);
    return rc ? fail_file(s, err) : 0;
}

/* ------------------------------------------------------------ finding files */
typedef struct pathlist {
    char **p;
    size_t n, cap;
} pathlist;

static int push_path(pathlist *l, const char *p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        char **np = realloc(l->p, nc * sizeof *np);
        if (!np)
            return -1;
        l->p = np;
        l->cap = nc;
    }
    if (!(l->p[l->n] = strdup(p)))
        return -1;
    l->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static void walk_dir(summary *s, const char *dir, int depth, pathlist *out)
{
    if (depth > MAX_WALK_DEPTH) {
        fprintf(stderr, "customflow summary: %s: folders nested too deeply, skipped\n", dir);
        s->status = 1;
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "customflow summary: %s: cannot open folder: %s\n", dir, strerror(errno));
        s->status = 1;
        return;
    }
    pathlist here = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p)
            break;
        snprintf(p, n, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e->d_name);
        if (push_path(&here, p))
            s->status = 1;
        free(p);
    }
    closedir(d);
    if (here.n)
        qsort(here.p, here.n, sizeof *here.p, cmp_str);
    for (size_t k = 0; k < here.n; k++) {
        struct stat st;
        const char *p = here.p[k];
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_dir(s, p, depth + 1, out); /* symlinked folders are not followed */
        } else if (ends_with(p, ".parquet") && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            if (push_path(out, p))
                s->status = 1;
        }
        free(here.p[k]);
    }
    free(here.p);
}

/* Drops the second naming of a file met twice (a folder and a file in it,
 * or the same folder twice): it is one file, read once. */
static void drop_repeats(pathlist *files)
{
    char **real = calloc(files->n ? files->n : 1, sizeof *real);
    if (!real)
        return;
    size_t kept = 0;
    for (size_t k = 0; k < files->n; k++) {
        char *rp = realpath(files->p[k], NULL);
        int seen = 0;
        for (size_t m = 0; rp && m < kept && !seen; m++)
            seen = real[m] && !strcmp(real[m], rp);
        if (seen) {
            fprintf(stderr, "customflow summary: warning: %s named twice; read once\n",
                    files->p[k]);
            free(files->p[k]);
            free(rp);
            continue;
        }
        real[kept] = rp;
        files->p[kept++] = files->p[k];
    }
    for (size_t k = 0; k < kept; k++)
        free(real[k]);
    free(real);
    files->n = kept;
}

/* ------------------------------------------------------------ main */
static void usage(FILE *f)
{
    fputs("usage: customflow summary [--sort count|name] [--format text|csv|json|markdown]\n"
          "                          [--packets I] [--payload-bytes J] [--force]\n"
          "                          [--cdf DIR] [--plot DIR] DIR_OR_FILE...\n"
          "Summarises customflow record files (*.parquet, searched recursively), per variant:\n"
          "records per device (Table I), the share of records with at most I packets and of\n"
          "packets with a payload of at most J bytes (with percentiles), the time span and the\n"
          "files read. I and J default to the files' own settings (else 10 and 1000).\n"
          "\n"
          "A capture converted more than once (same input identity in the files' metadata)\n"
          "is counted once, with a warning naming both files. Files made with a different\n"
          "lifetime, layout, -n, -b or filter are not mixed in one table:\n"
          "  --force       mix them anyway (with a warning)\n"
          "  --cdf DIR     write the distributions as CSV: VARIANT_packets_per_record.csv,\n"
          "                VARIANT_payload_bytes_per_packet.csv, VARIANT_records_per_device.csv\n"
          "  --plot DIR    draw them with gnuplot, SVG and PNG: Table I as a bar chart, the\n"
          "                two CDFs with the shares at I and J marked (needs gnuplot-nox)\n",
          f);
}

static int parse_limit(const char *opt, const char *s, int64_t *out)
{
    uint64_t v;
    const char *end;
    if (parse_u64(s, &end, &v) || *end || v > INT32_MAX) {
        fprintf(stderr, "customflow summary: %s: '%s' is not a whole number from 0 to %d\n", opt, s,
                INT32_MAX);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

static int variant_rank(const char *n)
{
    return !strcmp(n, "bidirectional") ? 0 : !strcmp(n, "unidirectional") ? 1 : 2;
}

static int cmp_variant(const void *a, const void *b)
{
    const variant *x = a, *y = b;
    int rx = variant_rank(x->name), ry = variant_rank(y->name);
    if (rx != ry)
        return rx - ry;
    return strcmp(x->name, y->name);
}

static int figures(const view *w, const char *cdf_dir, const char *plot_dir)
{
    figure_data d = {
        .variant = w->v->name,
        .devices = w->labels,
        .n_devices = w->nlabels,
        .records = w->v->st.records,
        .packets = &w->v->st.packets,
        .payload = &w->v->st.payload,
        .ilimit = w->ilimit,
        .jlimit = w->jlimit,
        .rec_within = w->rec_within,
        .rec_total = w->rec_total,
        .pay_within = w->pay_within,
        .pay_total = w->pay_total,
        .pay_p99 = w->pay_p[3],
    };
    int rc = 0;
    if (cdf_dir && write_cdf(cdf_dir, &d))
        rc = -1;
    if (plot_dir && write_plots(plot_dir, &d))
        rc = -1;
    return rc;
}

int summary_main(int argc, char **argv)
{
    enum { OPT_FORCE = 256, OPT_CDF, OPT_PLOT };
    static const struct option longopts[] = {{"sort", required_argument, 0, 's'},
                                             {"format", required_argument, 0, 'f'},
                                             {"packets", required_argument, 0, 'n'},
                                             {"payload-bytes", required_argument, 0, 'b'},
                                             {"force", no_argument, 0, OPT_FORCE},
                                             {"cdf", required_argument, 0, OPT_CDF},
                                             {"plot", required_argument, 0, OPT_PLOT},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    summary s;
    memset(&s, 0, sizeof s);
    int64_t opt_packets = -1, opt_payload = -1;
    int sort_by_name = 0;
    const char *cdf_dir = NULL, *plot_dir = NULL;
    out_format format = FMT_TEXT;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+s:f:n:b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!strcmp(optarg, "count"))
                sort_by_name = 0;
            else if (!strcmp(optarg, "name"))
                sort_by_name = 1;
            else {
                fprintf(stderr, "customflow summary: --sort: '%s' is not count or name\n", optarg);
                return 2;
            }
            break;
        case 'f':
            if (!strcmp(optarg, "text"))
                format = FMT_TEXT;
            else if (!strcmp(optarg, "csv"))
                format = FMT_CSV;
            else if (!strcmp(optarg, "json"))
                format = FMT_JSON;
            else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
                format = FMT_MD;
            else {
                fprintf(stderr,
                        "customflow summary: --format: '%s' is not text, csv, json or markdown\n",
                        optarg);
                return 2;
            }
            break;
        case 'n':
            if (parse_limit("--packets", optarg, &opt_packets))
                return 2;
            break;
        case 'b':
            if (parse_limit("--payload-bytes", optarg, &opt_payload))
                return 2;
            break;
        case OPT_FORCE:
            s.force = 1;
            break;
        case OPT_CDF:
            cdf_dir = optarg;
            break;
        case OPT_PLOT:
            plot_dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            if (optopt)
                fprintf(stderr, "customflow summary: option -%c: unknown or missing its value\n",
                        optopt);
            else
                fprintf(stderr, "customflow summary: unknown option %s\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "customflow summary: no folder or file given\n");
        usage(stderr);
        return 2;
    }
    if (plot_dir && !have_gnuplot()) {
        fprintf(stderr, "customflow summary: --plot needs gnuplot, which is not installed "
                        "(Debian: apt-get install gnuplot-nox); --cdf DIR writes the same "
                        "distributions as CSV without it\n");
        return 2;
    }
    const char *dirs[2] = {cdf_dir, plot_dir};
    for (int k = 0; k < 2; k++)
        if (dirs[k] && make_dirs(dirs[k])) {
            fprintf(stderr, "customflow summary: %s: cannot create folder: %s\n", dirs[k],
                    strerror(errno));
            return 2;
        }
    pathlist files = {0};
    for (int k = optind; k < argc; k++) {
        struct stat st;
        if (stat(argv[k], &st) != 0) {
            fprintf(stderr, "customflow summary: %s: %s\n", argv[k], strerror(errno));
            s.status = 1;
        } else if (S_ISDIR(st.st_mode)) {
            walk_dir(&s, argv[k], 0, &files);
        } else if (push_path(&files, argv[k])) {
            s.status = 1;
        }
    }
    drop_repeats(&files);
    for (size_t k = 0; k < files.n; k++) {
        summarize_file(&s, files.p[k]);
        free(files.p[k]);
    }
    free(files.p);
    if (files.n == 0 && s.status == 0) {
        fprintf(stderr, "customflow summary: no .parquet files found\n");
        s.status = 1;
    }
    if (s.mixed && !s.force) {
        fprintf(stderr, "customflow summary: files made with different settings: no table "
                        "(summarise them apart, or --force)\n");
        s.status = 1;
    } else {
        if (s.nv)
            qsort(s.v, s.nv, sizeof *s.v, cmp_variant);
        FILE *f = stdout;
        if (format == FMT_CSV)
            fputs("variant,metric,key,value\n", f);
        else if (format == FMT_JSON)
            fputs("{\"variants\":[", f);
        else if (format == FMT_MD)
            fputs("# customflow summary\n\n", f);
        for (size_t k = 0; k < s.nv; k++) {
            view w;
            if (make_view(&s.v[k], sort_by_name, opt_packets, opt_payload, &w)) {
                fprintf(stderr, "customflow summary: out of memory\n");
                s.status = 1;
                continue;
            }
            if (format == FMT_CSV)
                print_csv(f, &w);
            else if (format == FMT_JSON) {
                if (k)
                    fputc(',', f);
                print_json(f, &w);
            } else {
                if (k)
                    fputc('\n', f);
                print_text(f, &w, format == FMT_MD);
            }
            if ((cdf_dir || plot_dir) && figures(&w, cdf_dir, plot_dir))
                s.status = 1;
            free(w.labels);
        }
        if (format == FMT_JSON)
            fputs("]}\n", f);
        fflush(f);
    }
    for (size_t k = 0; k < s.nv; k++)
        free_variant(&s.v[k]);
    free(s.v);
    return s.status;
}
