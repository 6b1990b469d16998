/* HTTP/1.x request Host header (see http_host.h). */
#include "names/http_host.h"

#include <string.h>

#define METHOD_MAX 20

/* tchar of RFC 9110 §5.6.2 */
static int is_tchar(uint8_t b)
{
    if ((b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z'))
        return 1;
    return b && strchr("!#$%&'*+-.^_`|~", b) != NULL;
}

/* The end of the line starting at off (a memchr bounded by the window): *eol is the offset of its
 * LF, *next of the line after it, and the line's text stops before a CR that precedes the LF. 0
 * when no LF was given. */
static int line_end(const cf_cur *c, uint32_t off, uint32_t *text_end, uint32_t *next)
{
    const uint8_t *lf = off < c->len ? memchr(c->p + off, '\n', c->len - off) : NULL;
    if (!lf)
        return 0;
    uint32_t at = (uint32_t)(lf - c->p);
    *next = at + 1;
    uint8_t b;
    if (at > off && cf_get_u8(c, at - 1, &b) && b == '\r')
        at--;
    *text_end = at;
    return 1;
}

/* The request line "METHOD SP TARGET SP HTTP/1.d": the offset of the first
 * header line in *next; CF_NAME_FOUND when it is one, else the status. */
static cf_name_status request_line(const cf_cur *c, uint32_t *next)
{
    static const char version[] = "HTTP/1.";
    uint32_t off = 0, end;
    uint8_t b;
    while (cf_get_u8(c, off, &b) && is_tchar(b) && off < METHOD_MAX)
        off++;
    if (off == 0 || off == METHOD_MAX)
        return CF_NAME_NOT_PROTOCOL;
    if (off == c->len)
        return CF_NAME_TRUNCATED;
    if (b != ' ')
        return CF_NAME_NOT_PROTOCOL;
    off++;
    const uint32_t target = off;
    while (cf_get_u8(c, off, &b) && b > ' ' && b != 0x7f)
        off++;
    if (off == c->len)
        return CF_NAME_TRUNCATED;
    if (off == target || b != ' ')
        return CF_NAME_NOT_PROTOCOL;
    off++;
    for (uint32_t k = 0; k < sizeof version - 1; k++, off++) {
        if (!cf_get_u8(c, off, &b))
            return CF_NAME_TRUNCATED;
        if (b != (uint8_t)version[k])
            return CF_NAME_NOT_PROTOCOL;
    }
    if (!cf_get_u8(c, off, &b))
        return CF_NAME_TRUNCATED;
    if (b < '0' || b > '9')
        return CF_NAME_NOT_PROTOCOL;
    off++;
    if (!line_end(c, off, &end, next))
        return CF_NAME_TRUNCATED;
    return end == off ? CF_NAME_FOUND : CF_NAME_NOT_PROTOCOL;
}

/* 1 when the header line is a Host field; *value is its value without
 * the whitespace around it. */
static int host_field(cf_cur line, cf_cur *value)
{
    static const char host[] = "host:";
    uint8_t b;
    for (uint32_t k = 0; k < sizeof host - 1; k++)
        if (!cf_get_u8(&line, k, &b) || cf_ascii_lower(b) != (uint8_t)host[k])
            return 0;
    cf_skip(&line, sizeof host - 1);
    while (cf_get_u8(&line, 0, &b) && (b == ' ' || b == '\t'))
        cf_skip(&line, 1);
    while (line.len > 0 && cf_get_u8(&line, (uint32_t)line.len - 1, &b) && (b == ' ' || b == '\t'))
        cf_cur_limit(&line, line.len - 1);
    *value = line;
    return 1;
}

cf_name_status cf_http_host(cf_cur data, char *name, size_t len)
{
    uint32_t off, end, next;
    if (len)
        name[0] = '\0';
    cf_name_status st = request_line(&data, &off);
    if (st != CF_NAME_FOUND)
        return st;
    while (line_end(&data, off, &end, &next)) {
        cf_cur line, v;
        if (end == off) /* the empty line: end of the header section */
            return CF_NAME_ABSENT;
        if (!cf_sub(&data, off, end - off, &line)) /* cannot fail: line_end stays inside */
            return CF_NAME_ABSENT;
        if (host_field(line, &v)) {
            size_t tlen = 0;
            if (v.len == 0 || v.len > CF_NAME_RAW_MAX ||
                cf_name_append(name, len, &tlen, v.p, v.len, 0) < 0)
                return CF_NAME_ABSENT;
            return CF_NAME_FOUND;
        }
        off = next;
    }
    return CF_NAME_TRUNCATED;
}
