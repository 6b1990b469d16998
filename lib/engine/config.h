/* The configuration behind cf_config (customflow.h): every option's value,
 * read directly by the engine. Set only through cf_config_set, which checks
 * each value as the command line does. */
#ifndef CF_ENGINE_CONFIG_H
#define CF_ENGINE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "customflow.h"

struct cf_config {
    /* records (SPEC §2) */
    uint32_t packets;       /* i */
    uint32_t payload_bytes; /* j */
    int64_t lifetime_us;    /* L */
    int variants;           /* CF_VARIANT_BI | CF_VARIANT_UNI */
    cf_size_mode size_mode;
    int anonymize;
    char *devices_path; /* NULL: no list */
    char **local;       /* extra local prefixes, CIDR text */
    size_t n_local;
    char *filter; /* BPF expression or NULL */
    /* live capture */
    char *interface;     /* NULL: read captures */
    uint32_t buffer_mib; /* kernel ring (0: libpcap's default) */
    int promisc;
    /* bounds */
    uint64_t max_flows;  /* open records per variant (0: none) */
    uint64_t max_memory; /* bytes held by open and waiting records (at most a
                            quarter of the RAM, 0: that quarter) */
    /* output */
    char *output; /* directory, "-" for standard output */
    cf_format format;
    int64_t rotate_us; /* --rotate interval (0: one file per input and variant) */
    cf_layout layout;
    uint32_t payload_cells; /* wide layout: B */
    int names;              /* --names: remote_name column */
    uint32_t context;       /* --context K: the device's previous K records (0: off) */
    cf_codec codec;
    cf_input_hash input_hash;
    /* inputs */
    int merge;         /* all inputs read as one capture, in timestamp order */
    int skip_existing; /* an input whose files hold the same input and options is skipped */
    int partition;     /* hive layout: OUT/variant=V/date=YYYY-MM-DD/part-STEM.EXT */
    /* running */
    uint32_t jobs;    /* captures at once (0: one per core) */
    uint32_t threads; /* threads of one conversion (0: the cores --jobs leaves) */
};

/* Defaults of a new configuration. */
void cf_config_defaults(cf_config *c);

/* The name of the k-th option that holds a value (hidden ones included;
 * switches that only set another option left out), in table order; NULL
 * past the last. cf_config_write_lines writes these. */
const char *cf_config_value_option(size_t k);

#endif
