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

#endif
