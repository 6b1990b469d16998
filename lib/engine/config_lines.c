/* A configuration as "NAME=VALUE" lines and back (cf_config_write_lines,
 * cf_config_read_lines): how a plan carries the options of a conversion to
 * the tasks that run it on other machines. Only the options that differ
 * from their defaults are written, so a plan reads back the same under a
 * later version whose defaults are unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/config.h"

/* Longest value written or read: a BPF filter or a path. */
#define VALUE_MAX 65536

typedef struct text_buf {
    char *s;
    size_t len, cap;
} text_buf;

static int append(text_buf *t, const char *name, const char *value, size_t vlen)
{
    size_t need = t->len + strlen(name) + vlen + 3;
    if (need > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(t->s, cap);
        if (!grown)
            return -1;
        t->s = grown;
        t->cap = cap;
    }
    t->len += (size_t)sprintf(t->s + t->len, "%s=%.*s\n", name, (int)vlen, value);
    return 0;
}

char *cf_config_write_lines(const cf_config *c, char *err, size_t errlen)
{
    cf_config *defaults = cf_config_new();
    char *value = malloc(VALUE_MAX), *dvalue = malloc(VALUE_MAX);
    text_buf t = {calloc(1, 1), 0, 1};
    int bad = !defaults || !value || !dvalue || !t.s;
    if (bad)
        snprintf(err, errlen, "out of memory");
    const char *name;
    for (size_t k = 0; !bad && (name = cf_config_value_option(k)); k++) {
        const char *v = cf_config_get(c, name, value, VALUE_MAX);
        const char *d = cf_config_get(defaults, name, dvalue, VALUE_MAX);
        if (!v || !d || !strcmp(v, d))
            continue;
        if (strlen(v) + 1 >= VALUE_MAX || strchr(v, '\n')) {
            snprintf(err, errlen, "--%s: a value %s cannot be written as one line", name,
                     strchr(v, '\n') ? "holding a newline" : "this long");
            bad = 1;
            break;
        }
        /* A repeatable option reads back as its values joined by commas
         * (CIDR ranges hold none): one line per value. */
        int repeatable = !strcmp(name, "local");
        for (const char *p = v; !bad;) {
            size_t n = repeatable ? strcspn(p, ",") : strlen(p);
            if (append(&t, name, p, n) != 0) {
                snprintf(err, errlen, "out of memory");
                bad = 1;
            }
            if (!p[n])
                break;
            p += n + 1;
        }
    }
    cf_config_free(defaults);
    free(value);
    free(dvalue);
    if (bad) {
        free(t.s);
        return NULL;
    }
    return t.s;
}

int cf_config_read_lines(cf_config *c, const char *text, char *err, size_t errlen)
{
    int line = 0;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        line++;
        if (n > 0 && p[0] != '#') {
            const char *eq = memchr(p, '=', n);
            if (!eq || eq == p || (size_t)(eq - p) >= 64) {
                snprintf(err, errlen, "line %d: '%.*s' is not NAME=VALUE", line,
                         (int)(n < 80 ? n : 80), p);
                return -1;
            }
            char name[64];
            memcpy(name, p, (size_t)(eq - p));
            name[eq - p] = 0;
            char *value = strndup(eq + 1, n - (size_t)(eq - p) - 1);
            if (!value) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            char msg[512];
            int rc = cf_config_set(c, name, value, msg, sizeof msg);
            free(value);
            if (rc != 0) {
                snprintf(err, errlen, "line %d: %s", line, msg);
                return -1;
            }
        }
        p += n + (p[n] == '\n');
    }
    return 0;
}
