/* Key-value metadata of one output file (the CF_META_* keys), in the order
 * they are set; setting a key again replaces its value. */
#ifndef CF_ENGINE_META_H
#define CF_ENGINE_META_H

#include <stddef.h>

typedef struct cf_meta {
    char **keys, **values;
    size_t n, cap;
} cf_meta;

void cf_meta_init(cf_meta *m);
void cf_meta_free(cf_meta *m);
/* 0, or -1 when out of memory. */
int cf_meta_set(cf_meta *m, const char *key, const char *value);
int cf_meta_setf(cf_meta *m, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value of key, or NULL. */
const char *cf_meta_get(const cf_meta *m, const char *key);

struct cf_config;
/* The run's options as every file records them (packets, payload_bytes,
 * lifetime_s, size, anonymize, layout, filter): the keys that decide
 * whether two files hold the same records of an input. 0, or -1 when out
 * of memory. */
int cf_meta_options(cf_meta *m, const struct cf_config *cfg);
/* The keys cf_meta_options sets, NULL-terminated. */
extern const char *const cf_meta_option_keys[];

#endif
