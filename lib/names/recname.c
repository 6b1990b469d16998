/* A record's remote name from its own payloads, else the cached one (see
 * recname.h). */
#include "names/recname.h"

#include <stdlib.h>
#include <string.h>

#include "decode/getbytes.h"
#include "names/http_host.h"
#include "names/tls_sni.h"

#define P_TCP 6

static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

int cf_recname_init(cf_recname *r, const char *cached)
{
    memset(r, 0, sizeof *r);
    if (cached && *cached && !(r->name = copy_text(cached)))
        return -1;
    return 0;
}

/* Reads the bytes joined so far: 1 when the name is decided. */
static int decide(cf_recname *r, const uint8_t *p, uint32_t n)
{
    char name[CF_NAME_TEXT_MAX];
    cf_cur c = cf_cur_make(p, n);
    cf_name_status st = cf_tls_sni(c, name, sizeof name);
    if (st == CF_NAME_NOT_PROTOCOL)
        st = cf_http_host(c, name, sizeof name);
    if (st == CF_NAME_TRUNCATED)
        return 0;
    if (st == CF_NAME_FOUND) {
        char *found = copy_text(name);
        if (found) {
            free(r->name);
            r->name = found;
            r->from_payload = 1;
        }
    }
    return 1;
}

static void finish(cf_recname *r)
{
    r->decided = 1;
    free(r->stream);
    r->stream = NULL;
    r->len = 0;
}

int cf_recname_packet(cf_recname *r, uint8_t protocol, int from_device, const uint8_t *payload,
                      uint32_t payload_caplen, uint32_t payload_len)
{
    if (r->decided)
        return 0;
    if (protocol != P_TCP) {
        finish(r);
        return 0;
    }
    if (!from_device || payload_len == 0)
        return 0; /* handshake, ACKs, the remote's side */
    const int first = r->len == 0;
    /* the first segment is read in place, and copied only when cut short */
    if (first && (decide(r, payload, payload_caplen) || payload_caplen < payload_len)) {
        finish(r);
        return 0;
    }
    if (!r->stream && !(r->stream = malloc(CF_RECNAME_STREAM_MAX))) {
        finish(r);
        return -1;
    }
    const uint32_t room = CF_RECNAME_STREAM_MAX - r->len;
    const uint32_t n = payload_caplen < room ? payload_caplen : room;
    memcpy(r->stream + r->len, payload, n);
    r->len += n;
    /* a gap (this segment captured short, or not all of it kept) ends the
     * join: what follows would not be the stream */
    const int gap = n < payload_len;
    if ((!first && decide(r, r->stream, r->len)) || gap)
        finish(r);
    return 0;
}

const char *cf_recname_get(const cf_recname *r)
{
    return r->name ? r->name : "";
}

int cf_recname_from_payload(const cf_recname *r)
{
    return r->from_payload;
}

void cf_recname_free(cf_recname *r)
{
    free(r->stream);
    free(r->name);
    memset(r, 0, sizeof *r);
}
