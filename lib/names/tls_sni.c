/* TLS ClientHello server_name (see tls_sni.h). */
#include "names/tls_sni.h"

#define CT_HANDSHAKE 22
#define HS_CLIENT_HELLO 1
#define EXT_SERVER_NAME 0
#define NAME_TYPE_HOST 0
#define RANDOM_LEN 32
#define RECORD_HEADER 5
#define HANDSHAKE_HEADER 4
#define SESSION_ID_MAX 32

/* The ClientHello body: c holds the bytes given (within the first record),
 * declared is the length its handshake header states. Running out of c
 * inside declared means the rest was not given (truncated); a field that
 * would reach past declared means the message is malformed. */
typedef struct hello {
    cf_cur c;
    uint32_t declared;
} hello;

/* 1 when n bytes at off were given; else the status to return. */
static int have(const hello *h, uint32_t off, uint32_t n, cf_name_status *st)
{
    if (cf_cur_has(&h->c, off, n))
        return 1;
    *st = (uint64_t)off + n <= h->declared ? CF_NAME_TRUNCATED : CF_NAME_ABSENT;
    return 0;
}

#define HAVE(h, off, n)                                                                            \
    do {                                                                                           \
        if (!have((h), (off), (n), &st))                                                           \
            return st;                                                                             \
    } while (0)

/* The first host_name of a server_name extension whose data is at off
 * (elen bytes, inside the body). */
static cf_name_status server_name(const hello *h, uint32_t off, uint32_t elen, char *name,
                                  size_t len)
{
    cf_name_status st;
    uint16_t list_len = 0, nlen = 0; /* set by reads HAVE made sure of */
    uint8_t type = 0;
    HAVE(h, off, 2);
    cf_get_be16(&h->c, off, &list_len);
    if ((uint32_t)list_len + 2 > elen)
        return CF_NAME_ABSENT;
    const uint32_t end = off + 2 + list_len;
    off += 2;
    while (off + 3 <= end) {
        HAVE(h, off, 3);
        cf_get_u8(&h->c, off, &type);
        cf_get_be16(&h->c, off + 1, &nlen);
        off += 3;
        if ((uint64_t)off + nlen > end)
            return CF_NAME_ABSENT;
        if (type == NAME_TYPE_HOST) {
            size_t tlen = 0;
            if (nlen == 0 || nlen > CF_NAME_RAW_MAX)
                return CF_NAME_ABSENT;
            HAVE(h, off, nlen);
            if (cf_name_append(name, len, &tlen, h->c.p + off, nlen, 0) < 0)
                return CF_NAME_ABSENT;
            return CF_NAME_FOUND;
        }
        off += nlen;
    }
    return CF_NAME_ABSENT;
}

cf_name_status cf_tls_sni(cf_cur d, char *name, size_t len)
{
    uint8_t b = 0;
    uint16_t rlen, u16 = 0;
    uint32_t hlen;
    cf_name_status st;

    if (len)
        name[0] = '\0';
    /* Record header (RFC 8446 §5.1): any byte not given yet leaves the
     * bytes plausible, hence truncated; a wrong one is not TLS. */
    if (!cf_get_u8(&d, 0, &b))
        return CF_NAME_NOT_PROTOCOL;
    if (b != CT_HANDSHAKE)
        return CF_NAME_NOT_PROTOCOL;
    if (!cf_get_u8(&d, 1, &b))
        return CF_NAME_TRUNCATED;
    if (b != 3)
        return CF_NAME_NOT_PROTOCOL;
    if (!cf_get_be16(&d, 3, &rlen))
        return CF_NAME_TRUNCATED;
    if (rlen < HANDSHAKE_HEADER)
        return CF_NAME_NOT_PROTOCOL;
    if (!cf_get_u8(&d, RECORD_HEADER, &b))
        return CF_NAME_TRUNCATED;
    if (b != HS_CLIENT_HELLO)
        return CF_NAME_NOT_PROTOCOL;
    {
        uint8_t l[3];
        if (!cf_get_bytes(&d, RECORD_HEADER + 1, l, 3))
            return CF_NAME_TRUNCATED;
        hlen = (uint32_t)l[0] << 16 | (uint32_t)l[1] << 8 | l[2];
    }

    hello h = {d, hlen};
    cf_skip(&h.c, RECORD_HEADER + HANDSHAKE_HEADER);
    cf_cur_limit(&h.c, cf_min_u32(hlen, rlen - HANDSHAKE_HEADER));

    /* legacy_version, random, legacy_session_id */
    uint32_t off = 2 + RANDOM_LEN;
    HAVE(&h, off, 1);
    cf_get_u8(&h.c, off, &b);
    if (b > SESSION_ID_MAX)
        return CF_NAME_ABSENT;
    off += 1u + b;
    /* cipher_suites <2..2^16-2> */
    HAVE(&h, off, 2);
    cf_get_be16(&h.c, off, &u16);
    off += 2u + u16;
    /* legacy_compression_methods <1..2^8-1> */
    HAVE(&h, off, 1);
    cf_get_u8(&h.c, off, &b);
    off += 1u + b;
    if (off >= hlen) /* no extensions (allowed before TLS 1.2), or past the message */
        return CF_NAME_ABSENT;
    HAVE(&h, off, 2);
    cf_get_be16(&h.c, off, &u16);
    off += 2;
    const uint64_t ext_end = (uint64_t)off + u16;
    if (ext_end > hlen)
        return CF_NAME_ABSENT;
    while (off + 4 <= ext_end) {
        uint16_t type = 0, elen = 0;
        HAVE(&h, off, 4);
        cf_get_be16(&h.c, off, &type);
        cf_get_be16(&h.c, off + 2, &elen);
        off += 4;
        if (off + elen > ext_end)
            return CF_NAME_ABSENT;
        if (type == EXT_SERVER_NAME)
            return server_name(&h, off, elen, name, len);
        off += elen;
    }
    return CF_NAME_ABSENT;
}
