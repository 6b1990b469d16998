/* Counting for customflow summary: counts by number (packets per record,
 * payload bytes per packet), counts by label (records per device), and the
 * statistics of a set of record files built from them. */
#ifndef CF_SUMMARY_TALLY_H
#define CF_SUMMARY_TALLY_H

#include <stddef.h>
#include <stdint.h>

/* Counts by a number key (open addressing). */
typedef struct u64map {
    uint64_t *key, *val;
    uint8_t *used;
    size_t n, cap;
} u64map;

int u64map_add(u64map *m, uint64_t k, uint64_t v);
void u64map_free(u64map *m);

typedef struct kvpair {
    uint64_t k, v;
} kvpair;

/* The (key, count) pairs by ascending key; NULL when empty or out of
 * memory. */
kvpair *u64map_sorted(const u64map *m);

/* Counts by a text key. */
typedef struct label {
    char *name;
    uint64_t count;
} label;

typedef struct labelmap {
    label *slot;
    size_t n, cap;
} labelmap;

int labelmap_add(labelmap *m, const char *name, uint64_t v);
void labelmap_free(labelmap *m);

/* What the summary counts of a set of files. */
typedef struct stats {
    uint64_t records;
    labelmap devices;   /* label -> records */
    u64map packets;     /* total_packets -> records */
    u64map payload;     /* payload bytes -> packets (customflow.payload_hist) */
    int64_t tmin, tmax; /* first_seen span */
    int have_t;
} stats;

void stats_free(stats *s);
/* Adds s into d; -1 when out of memory. */
int stats_merge(stats *d, const stats *s);

/* "SIZE:COUNT,SIZE:COUNT,..." (customflow.payload_hist) added into m;
 * -1 when malformed. */
int parse_hist(const char *text, u64map *m);

/* A decimal number that fills s whole; -1 when not one. */
int parse_u64(const char *s, const char **end, uint64_t *out);

/* Nearest-rank percentiles (50, 90, 95, 99: summary_pcts) of the counts
 * in m, and the weight at or below limit. */
extern const int summary_pcts[4];
void percentiles(const u64map *m, uint64_t limit, uint64_t *total, uint64_t *within,
                 uint64_t out[4]);

#endif
