/* The summary's distributions as files: CSV tables (--cdf DIR) and
 * gnuplot figures (--plot DIR, SVG and PNG): Table I as a bar chart,
 * packets per record and payload bytes per packet as CDFs with the share
 * at i and at j marked (the paper's "92 % of records have at most 10
 * packets"). */
#ifndef CF_SUMMARY_FIGURES_H
#define CF_SUMMARY_FIGURES_H

#include <stdint.h>

#include "tally.h"

/* One variant's numbers, as the summary computed them. */
typedef struct figure_data {
    const char *variant;
    const label *devices; /* in table order */
    size_t n_devices;
    uint64_t records;
    const u64map *packets; /* total_packets -> records */
    const u64map *payload; /* payload bytes -> packets */
    uint64_t ilimit, jlimit;
    uint64_t rec_within, rec_total, pay_within, pay_total;
    uint64_t pay_p99;
} figure_data;

/* Writes DIR/VARIANT_packets_per_record.csv, .._payload_bytes_per_packet.csv
 * and .._records_per_device.csv. 0, or -1 with a message on stderr. */
int write_cdf(const char *dir, const figure_data *d);

/* 1 when gnuplot can be run (found on PATH). */
int have_gnuplot(void);

/* Writes DIR/VARIANT.gp and runs gnuplot on it: VARIANT_records_per_device,
 * VARIANT_packets_per_record and VARIANT_payload_bytes_per_packet, each
 * .svg and .png. 0, or -1 with a message on stderr. */
int write_plots(const char *dir, const figure_data *d);

#endif
