#include "engine/meta.h"

#include "engine/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cf_meta_init(cf_meta *m)
{
    memset(m, 0, sizeof *m);
}

void cf_meta_free(cf_meta *m)
{
    for (size_t k = 0; k < m->n; k++) {
        free(m->keys[k]);
        free(m->values[k]);
    }
    free(m->keys);
    free(m->values);
    cf_meta_init(m);
}

const char *cf_meta_get(const cf_meta *m, const char *key)
{
    for (size_t k = 0; k < m->n; k++)
        if (!strcmp(m->keys[k], key))
            return m->values[k];
    return NULL;
}

int cf_meta_set(cf_meta *m, const char *key, const char *value)
{
    char *v = strdup(value ? value : "");
    if (!v)
        return -1;
    for (size_t k = 0; k < m->n; k++)
        if (!strcmp(m->keys[k], key)) {
            free(m->values[k]);
            m->values[k] = v;
            return 0;
        }
    if (m->n == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 32;
        char **nk = realloc(m->keys, ncap * sizeof *nk);
        if (nk)
            m->keys = nk;
        char **nv = nk ? realloc(m->values, ncap * sizeof *nv) : NULL;
        if (!nv) {
            free(v);
            return -1;
        }
        m->values = nv;
        m->cap = ncap;
    }
    char *k = strdup(key);
    if (!k) {
        free(v);
        return -1;
    }
    m->keys[m->n] = k;
    m->values[m->n++] = v;
    return 0;
}

int cf_meta_setf(cf_meta *m, const char *key, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cf_meta_set(m, key, buf);
}

const char *const cf_meta_option_keys[] = {
    CF_META_PACKETS,   CF_META_PAYLOAD_BYTES, CF_META_LIFETIME, CF_META_SIZE,
    CF_META_ANONYMIZE, CF_META_LAYOUT,        CF_META_FILTER,   NULL};

int cf_meta_options(cf_meta *m, const cf_config *cfg)
{
    char v[64];
    int bad = 0;
    bad |= cf_meta_set(m, CF_META_PACKETS, cf_config_get(cfg, "packets", v, sizeof v));
    bad |= cf_meta_set(m, CF_META_PAYLOAD_BYTES, cf_config_get(cfg, "payload-bytes", v, sizeof v));
    bad |= cf_meta_set(m, CF_META_LIFETIME, cf_config_get(cfg, "lifetime", v, sizeof v));
    bad |= cf_meta_set(m, CF_META_SIZE, cf_enum_name("size", cfg->size_mode));
    bad |= cf_meta_set(m, CF_META_ANONYMIZE, cfg->anonymize ? "true" : "false");
    bad |= cf_meta_set(m, CF_META_LAYOUT, cf_enum_name("layout", cfg->layout));
    bad |= cf_meta_set(m, CF_META_FILTER, cfg->filter ? cfg->filter : "");
    return bad ? -1 : 0;
}
