/* Options by name: the one table behind the command line's options and
 * --help, the Python keyword arguments and the plans of a cluster run. Each
 * value is checked here, with the message the command line prints. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/config.h"
#include "sink/rotate.h"

/* ---- Enumerations ---- */

typedef struct enum_item {
    const char *text;
    int value;
} enum_item;

typedef struct enum_table {
    const char *option;
    const enum_item *items;
    size_t n;
} enum_table;

static const enum_item variant_items[] = {{"both", CF_VARIANT_BOTH},
                                          {"bidirectional", CF_VARIANT_BI},
                                          {"unidirectional", CF_VARIANT_UNI}};
static const enum_item size_items[] = {{"wire", CF_SIZE_WIRE},
                                       {"ip", CF_SIZE_IP},
                                       {"transport", CF_SIZE_TRANSPORT},
                                       {"payload", CF_SIZE_PAYLOAD}};
static const enum_item codec_items[] = {{"zstd", CF_CODEC_ZSTD},
                                        {"snappy", CF_CODEC_SNAPPY},
                                        {"gzip", CF_CODEC_GZIP},
                                        {"none", CF_CODEC_NONE}};
static const enum_item layout_items[] = {{"nested", CF_LAYOUT_NESTED}, {"wide", CF_LAYOUT_WIDE}};
static const enum_item hash_items[] = {
    {"xxh3", CF_HASH_XXH3}, {"sha256", CF_HASH_SHA256}, {"none", CF_HASH_NONE}};
static const enum_item format_items[] = {
    {"parquet", CF_FORMAT_PARQUET}, {"jsonl", CF_FORMAT_JSONL}, {"csv", CF_FORMAT_CSV}};

#define ENUM_TABLE(opt, items)                                                                     \
    {                                                                                              \
        opt, items, sizeof items / sizeof items[0]                                                 \
    }
static const enum_table enums[] = {
    ENUM_TABLE("variant", variant_items),   ENUM_TABLE("size", size_items),
    ENUM_TABLE("compression", codec_items), ENUM_TABLE("layout", layout_items),
    ENUM_TABLE("input-hash", hash_items),   ENUM_TABLE("format", format_items),
};

static const enum_table *find_enum(const char *option)
{
    for (size_t k = 0; k < sizeof enums / sizeof enums[0]; k++)
        if (!strcmp(enums[k].option, option))
            return &enums[k];
    return NULL;
}

int cf_enum_parse(const char *option, const char *text)
{
    const enum_table *t = find_enum(option);
    for (size_t k = 0; t && text && k < t->n; k++)
        if (!strcmp(t->items[k].text, text))
            return t->items[k].value;
    return -1;
}

const char *cf_enum_name(const char *option, int value)
{
    const enum_table *t = find_enum(option);
    for (size_t k = 0; t && k < t->n; k++)
        if (t->items[k].value == value)
            return t->items[k].text;
    return NULL;
}

/* "a, b or c" for messages. */
static void enum_choices(const enum_table *t, char *out, size_t len)
{
    size_t pos = 0;
    out[0] = 0;
    for (size_t k = 0; k < t->n && pos < len; k++)
        pos += (size_t)snprintf(out + pos, len - pos, "%s%s",
                                k == 0 ? "" : (k + 1 == t->n ? " or " : ", "), t->items[k].text);
}

/* ---- The option table ---- */

typedef enum {
    OPT_UINT,     /* whole number in [lo, hi] */
    OPT_SIZE,     /* bytes, with an optional K, M or G suffix (powers of 1024) */
    OPT_SECONDS,  /* positive seconds, fractions allowed, stored in µs */
    OPT_INTERVAL, /* --rotate: "30s", "15m", "1h", "1d" (sink/rotate.h), stored in µs */
    OPT_ENUM,     /* one of the enum table's words */
    OPT_TEXT,     /* a string (path, expression) */
    OPT_LIST,     /* a string, repeatable */
    OPT_BOOL,     /* true/false (NULL: true) */
    OPT_NEGATION, /* switch that sets a bool option to false */
    OPT_ALIAS,    /* switch that sets another option to a fixed text */
} opt_kind;

typedef struct opt_def {
    cf_option_info info;
    opt_kind kind;
    size_t offset;      /* of the field in cf_config */
    size_t width;       /* of an OPT_UINT field: 4 or 8 */
    uint64_t lo, hi;    /* OPT_UINT bounds */
    const char *target; /* OPT_NEGATION / OPT_ALIAS: the option set */
    const char *fixed;  /* OPT_ALIAS: the value given to it */
    int hidden;         /* not on the command line (a switch spells it) */
} opt_def;

#define F(field) offsetof(cf_config, field)
#define W(field) sizeof(((cf_config *)0)->field)

/* Command-line order, as --help lists them. */
static const opt_def opts[] = {
    {{"output", 'o', "DIR", "output directory, - for standard output (default: flows)"},
     OPT_TEXT,
     F(output),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"devices", 'd', "FILE", "device list (name and MAC/IP/CIDR per line)"},
     OPT_TEXT,
     F(devices_path),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"local", 0, "CIDR", "add a local address range (repeatable)"},
     OPT_LIST,
     F(local),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"packets", 'n', "N", "packets listed per record, i (default 10)"},
     OPT_UINT,
     F(packets),
     W(packets),
     1,
     10000,
     NULL,
     NULL,
     0},
    {{"payload-bytes", 'b', "N", "payload bytes kept per packet, j (default 1000)"},
     OPT_UINT,
     F(payload_bytes),
     W(payload_bytes),
     0,
     65535,
     NULL,
     NULL,
     0},
    {{"lifetime", 't', "SECONDS", "record lifetime L (default 60, fractions allowed)"},
     OPT_SECONDS,
     F(lifetime_us),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"variant", 0, "V", "both|bidirectional|unidirectional (default both)"},
     OPT_ENUM,
     F(variants),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"size", 0, "MODE", "wire|ip|transport|payload (default wire)"},
     OPT_ENUM,
     F(size_mode),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"anonymize", 0, "BOOL", "write local remote addresses as 0.0.0.0 / :: (default true)"},
     OPT_BOOL,
     F(anonymize),
     0,
     0,
     0,
     NULL,
     NULL,
     1},
    {{"no-anonymize", 0, NULL, "write local remote addresses as they are"},
     OPT_NEGATION,
     0,
     0,
     0,
     0,
     "anonymize",
     NULL,
     0},
    {{"input-hash", 0, "KIND", "input identity in the metadata: xxh3|sha256|none (default xxh3)"},
     OPT_ENUM,
     F(input_hash),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"no-input-hash", 0, NULL, "same as --input-hash none"},
     OPT_ALIAS,
     0,
     0,
     0,
     0,
     "input-hash",
     "none",
     0},
    {{"compression", 0, "C", "zstd|snappy|gzip|none (default zstd)"},
     OPT_ENUM,
     F(codec),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"filter", 'f', "EXPR", "BPF filter (libpcap syntax) applied first"},
     OPT_TEXT,
     F(filter),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"interface", 'i', "IFACE", "capture live from IFACE (root or CAP_NET_RAW) until SIGINT"},
     OPT_TEXT,
     F(interface),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"buffer-size", 'B', "MIB", "live: kernel capture buffer in MiB (default 16)"},
     OPT_UINT,
     F(buffer_mib),
     W(buffer_mib),
     1,
     2047,
     NULL,
     NULL,
     0},
    {{"promisc", 0, "BOOL", "live: promiscuous mode (default true)"},
     OPT_BOOL,
     F(promisc),
     0,
     0,
     0,
     NULL,
     NULL,
     1},
    {{"no-promisc", 0, NULL, "live: leave the interface out of promiscuous mode"},
     OPT_NEGATION,
     0,
     0,
     0,
     0,
     "promisc",
     NULL,
     0},
    {{"max-flows", 0, "N", "cap on open records per variant (default 1000000)"},
     OPT_UINT,
     F(max_flows),
     W(max_flows),
     1,
     100000000,
     NULL,
     NULL,
     0},
    {{"max-memory", 0, "SIZE",
      "bytes held by open and waiting records, K/M/G suffixes (default 1G; at most a quarter of "
      "the RAM, which 0 selects)"},
     OPT_SIZE,
     F(max_memory),
     W(max_memory),
     0,
     UINT64_MAX,
     NULL,
     NULL,
     0},
    {{"layout", 0, "L", "nested|wide (default nested; wide: the published dataset's matrix)"},
     OPT_ENUM,
     F(layout),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"payload-cells", 0, "B", "wide layout: payload cells C_000.. (default 3000)"},
     OPT_UINT,
     F(payload_cells),
     W(payload_cells),
     2,
     100000,
     NULL,
     NULL,
     0},
    {{"names", 0, NULL,
      "remote_name column: TLS server name or HTTP Host, else the name a DNS answer gave"},
     OPT_BOOL,
     F(names),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"context", 0, "K",
      "context_rows and context_files columns: the device's previous K records, across rotated "
      "files too (wide: H1_..HK_ columns; default 0)"},
     OPT_UINT,
     F(context),
     W(context),
     0,
     64,
     NULL,
     NULL,
     0},
    {{"format", 0, "F", "parquet|jsonl|csv (default parquet)"},
     OPT_ENUM,
     F(format),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"rotate", 0, "INTERVAL", "a file per INTERVAL of first_seen (30s, 15m, 1h, 1d; UTC)"},
     OPT_INTERVAL,
     F(rotate_us),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"merge", 0, NULL,
      "read all inputs as one capture in timestamp order (as mergecap); files named after the "
      "first"},
     OPT_BOOL,
     F(merge),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"skip-existing", 0, NULL,
      "skip an input whose files exist with the same input identity and options"},
     OPT_BOOL,
     F(skip_existing),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"partition", 0, NULL,
      "hive layout for engines: OUT/variant=V/date=YYYY-MM-DD/part-STEM.parquet"},
     OPT_BOOL,
     F(partition),
     0,
     0,
     0,
     NULL,
     NULL,
     0},
    {{"jobs", 'j', "N", "captures converted in parallel (default: cores)"},
     OPT_UINT,
     F(jobs),
     W(jobs),
     1,
     256,
     NULL,
     NULL,
     0},
    {{"threads", 0, "N", "threads of one conversion (default: the cores --jobs leaves)"},
     OPT_UINT,
     F(threads),
     W(threads),
     1,
     256,
     NULL,
     NULL,
     0},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

const cf_option_info *cf_options(size_t *count)
{
    /* The public table is the info part of every visible row. */
    static cf_option_info table[N_OPTS];
    static size_t n;
    if (!n) {
        size_t k = 0;
        for (size_t m = 0; m < N_OPTS; m++)
            if (!opts[m].hidden)
                table[k++] = opts[m].info;
        n = k;
    }
    *count = n;
    return table;
}

/* Option name with '_' read as '-'. */
static const opt_def *find_opt(const char *name)
{
    char norm[64];
    size_t k = 0;
    for (; name[k] && k + 1 < sizeof norm; k++)
        norm[k] = name[k] == '_' ? '-' : name[k];
    norm[k] = 0;
    for (size_t m = 0; m < N_OPTS; m++)
        if (!strcmp(opts[m].info.name, norm))
            return &opts[m];
    return NULL;
}

void cf_config_defaults(cf_config *c)
{
    memset(c, 0, sizeof *c);
    c->packets = 10;
    c->payload_bytes = 1000;
    c->lifetime_us = 60000000;
    c->variants = CF_VARIANT_BOTH;
    c->size_mode = CF_SIZE_WIRE;
    c->anonymize = 1;
    c->codec = CF_CODEC_ZSTD;
    c->layout = CF_LAYOUT_NESTED;
    c->payload_cells = 3000;
    c->max_flows = 1000000;
    c->max_memory = (uint64_t)1 << 30;
    c->input_hash = CF_HASH_XXH3;
    c->format = CF_FORMAT_PARQUET;
    /* 100,000 packets/s kept up with in bench/RESULTS.md (libpcap's 2 MiB
     * lost 11 % there). */
    c->buffer_mib = 16;
    c->promisc = 1;
}

cf_config *cf_config_new(void)
{
    cf_config *c = malloc(sizeof *c);
    if (c)
        cf_config_defaults(c);
    return c;
}

static void free_strings(cf_config *c)
{
    for (size_t m = 0; m < N_OPTS; m++)
        if (opts[m].kind == OPT_TEXT)
            free(*(char **)((char *)c + opts[m].offset));
    for (size_t k = 0; k < c->n_local; k++)
        free(c->local[k]);
    free(c->local);
}

void cf_config_free(cf_config *c)
{
    if (!c)
        return;
    free_strings(c);
    free(c);
}

cf_config *cf_config_dup(const cf_config *c)
{
    cf_config *d = malloc(sizeof *d);
    if (!d)
        return NULL;
    *d = *c;
    int bad = 0;
    for (size_t m = 0; m < N_OPTS; m++) {
        if (opts[m].kind != OPT_TEXT)
            continue;
        char **field = (char **)((char *)d + opts[m].offset);
        if (*field && !(*field = strdup(*field)))
            bad = 1;
    }
    d->local = c->n_local ? calloc(c->n_local, sizeof *d->local) : NULL;
    if (c->n_local && !d->local) {
        d->n_local = 0;
        bad = 1;
    }
    for (size_t k = 0; d->local && k < c->n_local; k++)
        if (!(d->local[k] = strdup(c->local[k])))
            bad = 1;
    if (bad) {
        cf_config_free(d);
        return NULL;
    }
    return d;
}

static int parse_uint(const opt_def *o, const char *s, uint64_t *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    unsigned long long v = s ? strtoull(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || s[0] == '-' || v < o->lo || v > o->hi) {
        snprintf(err, errlen, "--%s: '%s' is not a whole number from %" PRIu64 " to %" PRIu64,
                 o->info.name, s ? s : "", o->lo, o->hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_size(const opt_def *o, const char *s, uint64_t *out, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = s ? strtoull(s, &end, 10) : 0;
    unsigned shift = 0;
    if (end && (*end == 'K' || *end == 'k'))
        shift = 10;
    else if (end && (*end == 'M' || *end == 'm'))
        shift = 20;
    else if (end && (*end == 'G' || *end == 'g'))
        shift = 30;
    if (shift)
        end++;
    if (!s || !*s || *end || errno || s[0] == '-' || v > (UINT64_MAX >> shift)) {
        snprintf(err, errlen, "--%s: '%s' is not a size (bytes, or N with K, M or G)", o->info.name,
                 s ? s : "");
        return -1;
    }
    *out = (uint64_t)v << shift;
    return 0;
}

static int parse_bool(const char *name, const char *s, int *out, char *err, size_t errlen)
{
    if (!s || !strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes")) {
        *out = 1;
        return 0;
    }
    if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no")) {
        *out = 0;
        return 0;
    }
    snprintf(err, errlen, "--%s: '%s' is not true or false", name, s);
    return -1;
}

int cf_config_set(cf_config *c, const char *name, const char *value, char *err, size_t errlen)
{
    const opt_def *o = find_opt(name ? name : "");
    if (!o) {
        snprintf(err, errlen, "unknown option '%s'", name ? name : "");
        return -1;
    }
    void *field = (char *)c + o->offset;
    if (o->info.arg && !value && o->kind != OPT_BOOL) {
        snprintf(err, errlen, "option '--%s' needs a value", o->info.name);
        return -1;
    }
    switch (o->kind) {
    case OPT_UINT: {
        uint64_t v;
        if (parse_uint(o, value, &v, err, errlen) != 0)
            return -1;
        if (o->width == 4)
            *(uint32_t *)field = (uint32_t)v;
        else
            *(uint64_t *)field = v;
        return 0;
    }
    case OPT_SIZE:
        return parse_size(o, value, (uint64_t *)field, err, errlen);
    case OPT_SECONDS: {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        if (!*value || *end || errno || !isfinite(v) || v < 1e-6 || v > 31536000.0) {
            snprintf(err, errlen, "--%s: '%s' is not a number of seconds from 0.000001 to 31536000",
                     o->info.name, value);
            return -1;
        }
        *(int64_t *)field = (int64_t)llround(v * 1e6);
        return 0;
    }
    case OPT_INTERVAL:
        return cf_rotate_parse(value, (int64_t *)field, err, errlen);
    case OPT_ENUM: {
        int v = cf_enum_parse(o->info.name, value);
        if (v < 0) {
            char choices[128];
            enum_choices(find_enum(o->info.name), choices, sizeof choices);
            snprintf(err, errlen, "--%s: '%s' is not %s", o->info.name, value, choices);
            return -1;
        }
        *(int *)field = v;
        return 0;
    }
    case OPT_TEXT: {
        char *copy = strdup(value);
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(*(char **)field);
        *(char **)field = copy;
        return 0;
    }
    case OPT_LIST: {
        char **grown = realloc(c->local, (c->n_local + 1) * sizeof *grown);
        char *copy = grown ? strdup(value) : NULL;
        if (grown)
            c->local = grown;
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        c->local[c->n_local++] = copy;
        return 0;
    }
    case OPT_BOOL:
        return parse_bool(o->info.name, value, (int *)field, err, errlen);
    case OPT_NEGATION: {
        int on;
        if (parse_bool(o->info.name, value, &on, err, errlen) != 0)
            return -1;
        return cf_config_set(c, o->target, on ? "false" : "true", err, errlen);
    }
    case OPT_ALIAS:
        return cf_config_set(c, o->target, o->fixed, err, errlen);
    }
    return -1;
}

const char *cf_config_get(const cf_config *c, const char *name, char *buf, size_t len)
{
    const opt_def *o = find_opt(name ? name : "");
    if (!o || !len)
        return NULL;
    const void *field = (const char *)c + o->offset;
    buf[0] = 0;
    switch (o->kind) {
    case OPT_UINT:
        snprintf(buf, len, "%" PRIu64,
                 o->width == 4 ? (uint64_t) * (const uint32_t *)field : *(const uint64_t *)field);
        break;
    case OPT_SIZE:
        snprintf(buf, len, "%" PRIu64, *(const uint64_t *)field);
        break;
    case OPT_SECONDS: {
        int64_t us = *(const int64_t *)field;
        snprintf(buf, len, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
        break;
    }
    case OPT_INTERVAL:
        cf_rotate_format(*(const int64_t *)field, buf, len);
        break;
    case OPT_ENUM: {
        const char *t = cf_enum_name(o->info.name, *(const int *)field);
        snprintf(buf, len, "%s", t ? t : "");
        break;
    }
    case OPT_TEXT: {
        const char *t = *(char *const *)field;
        snprintf(buf, len, "%s", t ? t : "");
        break;
    }
    case OPT_LIST: {
        size_t pos = 0;
        for (size_t k = 0; k < c->n_local && pos < len; k++)
            pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", k ? "," : "", c->local[k]);
        break;
    }
    case OPT_BOOL:
        snprintf(buf, len, "%s", *(const int *)field ? "true" : "false");
        break;
    case OPT_NEGATION:
    case OPT_ALIAS:
        return NULL;
    }
    return buf;
}

const char *cf_config_value_option(size_t k)
{
    for (size_t m = 0; m < N_OPTS; m++)
        if (opts[m].kind != OPT_NEGATION && opts[m].kind != OPT_ALIAS && k-- == 0)
            return opts[m].info.name;
    return NULL;
}
