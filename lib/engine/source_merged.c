/* Several captures read as one (cf_source_open_merged, --merge): a k-way
 * merge by timestamp, ties in input order, as mergecap orders frames, so
 * that records continue across file boundaries (SPEC §7).
 *
 * Each input keeps one frame pending; the earliest is handed out, and its
 * input is advanced only at the next call, so the frame stays valid as long
 * as the pipeline may use it. A damaged input ends there (its frames
 * before the damage are merged); the merge reads the others to their end
 * and then reports the damage. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/session.h"
#include "engine/source.h"
#include "engine/window.h"
#include "util/digest.h"

enum { NEED, HAVE, ENDED };

typedef struct merged_source {
    cf_source base;
    size_t n;
    cf_source **in;
    cf_frame *pending;
    int *state;
    long handed; /* input of the frame handed out last, or -1 */
    int damaged;
    char damage[1024];
} merged_source;

static int merged_next(cf_source *src, cf_frame *f, int64_t *now_us, char *err, size_t errlen)
{
    merged_source *m = (merged_source *)src;
    if (m->handed >= 0)
        m->state[m->handed] = NEED;
    m->handed = -1;
    long best = -1;
    for (size_t k = 0; k < m->n; k++) {
        if (m->state[k] == NEED) {
            char e[1024] = "";
            int r = m->in[k]->ops->next(m->in[k], &m->pending[k], now_us, e, sizeof e);
            if (r == CF_SRC_FRAME) {
                m->state[k] = HAVE;
            } else {
                m->state[k] = ENDED;
                if (r == CF_SRC_DAMAGED && !m->damaged) {
                    m->damaged = 1;
                    snprintf(m->damage, sizeof m->damage, "%s", e);
                }
            }
        }
        if (m->state[k] == HAVE && (best < 0 || m->pending[k].ts_us < m->pending[best].ts_us))
            best = (long)k;
    }
    if (best < 0) {
        if (!m->damaged)
            return CF_SRC_END;
        snprintf(err, errlen, "%s", m->damage);
        return CF_SRC_DAMAGED;
    }
    *f = m->pending[best];
    m->handed = best;
    return CF_SRC_FRAME;
}

static uint64_t merged_offset(const cf_source *src)
{
    const merged_source *m = (const merged_source *)src;
    uint64_t sum = 0;
    for (size_t k = 0; k < m->n; k++)
        sum += m->in[k]->ops->offset(m->in[k]);
    return sum;
}

int cf_merged_identity(cf_input_hash kind, const char *const *digests, const uint64_t *bytes,
                       size_t n, char hex[65], uint64_t *total)
{
    cf_digest d;
    if (cf_digest_init(&d, kind) != 0)
        return -1;
    *total = 0;
    for (size_t k = 0; k < n; k++) {
        char line[128];
        int len = snprintf(line, sizeof line, "%s %" PRIu64 "\n", digests[k], bytes[k]);
        cf_digest_update(&d, line, (size_t)len);
        *total += bytes[k];
    }
    cf_digest_final(&d, hex);
    cf_digest_free(&d);
    return 0;
}

/* The identity of the set: the digest (of the session's kind) of each
 * input's "DIGEST BYTES" line in input order, and the bytes of all. */
static int merged_identity(cf_source *src, char hex[65], uint64_t *bytes, char *err, size_t errlen)
{
    merged_source *m = (merged_source *)src;
    char(*h)[65] = calloc(m->n, sizeof *h);
    const char **hp = calloc(m->n, sizeof *hp);
    uint64_t *b = calloc(m->n, sizeof *b);
    int rc = h && hp && b ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "out of memory");
    for (size_t k = 0; k < m->n && !rc; k++) {
        hp[k] = h[k];
        rc = m->in[k]->ops->identity(m->in[k], h[k], &b[k], err, errlen);
    }
    if (!rc && cf_merged_identity(src->session->cfg->input_hash, hp, b, m->n, hex, bytes) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    free(h);
    free(hp);
    free(b);
    return rc;
}

static const char *merged_warning(const cf_source *src)
{
    const merged_source *m = (const merged_source *)src;
    for (size_t k = 0; k < m->n; k++) {
        const char *w = m->in[k]->ops->warning ? m->in[k]->ops->warning(m->in[k]) : NULL;
        if (w)
            return w;
    }
    return NULL;
}

static void merged_close(cf_source *src)
{
    merged_source *m = (merged_source *)src;
    for (size_t k = 0; k < m->n; k++)
        cf_source_close(m->in[k]);
    free(m->in);
    free(m->pending);
    free(m->state);
    free(m);
}

static const cf_source_ops merged_ops = {
    .next = merged_next,
    .offset = merged_offset,
    .identity = merged_identity,
    .live_stats = NULL,
    .warning = merged_warning,
    .close = merged_close,
};

cf_source *cf_source_open_merged(cf_session *s, const char *const *inputs, size_t n, char *err,
                                 size_t errlen)
{
    return cf_source_open_merged_hashing(s, inputs, n, s->cfg->input_hash, err, errlen);
}

cf_source *cf_source_open_merged_hashing(cf_session *s, const char *const *inputs, size_t n,
                                         cf_input_hash hash, char *err, size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "no capture to merge");
        return NULL;
    }
    merged_source *m = calloc(1, sizeof *m);
    if (m) {
        m->in = calloc(n, sizeof *m->in);
        m->pending = calloc(n, sizeof *m->pending);
        m->state = calloc(n, sizeof *m->state);
    }
    if (!m || !m->in || !m->pending || !m->state) {
        if (m) {
            free(m->in);
            free(m->pending);
            free(m->state);
        }
        free(m);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->base.ops = &merged_ops;
    m->base.session = s;
    m->handed = -1;
    for (size_t k = 0; k < n; k++) {
        m->in[k] = cf_source_open_hashing(s, inputs[k], hash, err, errlen);
        if (!m->in[k]) {
            m->n = k;
            merged_close(&m->base);
            return NULL;
        }
        m->n = k + 1;
        m->base.blocking |= m->in[k]->blocking;
    }
    /* Named after the first input: its stem names the output files. */
    if (n == 1)
        snprintf(m->base.name, sizeof m->base.name, "%s", inputs[0]);
    else
        snprintf(m->base.name, sizeof m->base.name, "%s + %zu more (merged)", inputs[0], n - 1);
    cf_input_stem(inputs[0], m->base.stem, sizeof m->base.stem);
    return &m->base;
}
