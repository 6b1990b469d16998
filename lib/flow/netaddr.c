/* Address helpers: local ranges (SPEC §3), address/CIDR text parsing and
 * RFC 5952 text output.
 *
 * Parsing is written against explicit lengths (cf_prefix_parse_n) so that
 * the device-list reader can try tokens in place without copying them. The
 * accepted forms: IPv4 dotted quad with exactly four decimal parts of 1-3
 * digits, no leading zeros (as inet_pton); IPv6 text per RFC 4291 §2.2
 * (1-4 hex digits a group, one "::" at most, an optional trailing dotted
 * quad), no zone index; an optional "/bits" of 1-3 decimal digits, at most
 * 32 or 128. Host bits below the prefix length are cleared. */
#include "flow/netaddr.h"

#include <stdlib.h>
#include <string.h>

void cf_localnets_init(cf_localnets *l)
{
    memset(l, 0, sizeof *l);
}

void cf_localnets_free(cf_localnets *l)
{
    free(l->extra);
    memset(l, 0, sizeof *l);
}

int cf_localnets_add(cf_localnets *l, const char *cidr)
{
    cf_prefix p;
    if (!cidr || cf_prefix_parse(cidr, &p) != 0)
        return -1;
    if (l->n_extra == l->cap_extra) {
        size_t ncap = l->cap_extra ? l->cap_extra * 2 : 4;
        cf_prefix *n = realloc(l->extra, ncap * sizeof *n);
        if (!n)
            return -1;
        l->extra = n;
        l->cap_extra = ncap;
    }
    l->extra[l->n_extra++] = p;
    return 0;
}

int cf_is_local(const cf_localnets *l, const cf_addr *a)
{
    const uint8_t *b = a->b;
    if (a->family == 4) {
        if (b[0] == 10) /* RFC 1918 10/8 */
            return 1;
        if (b[0] == 172 && (b[1] & 0xf0) == 16) /* RFC 1918 172.16/12 */
            return 1;
        if (b[0] == 192 && b[1] == 168) /* RFC 1918 192.168/16 */
            return 1;
        if (b[0] == 169 && b[1] == 254) /* RFC 3927 link local */
            return 1;
    } else if (a->family == 6) {
        if ((b[0] & 0xfe) == 0xfc) /* RFC 4193 fc00::/7 */
            return 1;
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* RFC 4291 fe80::/10 */
            return 1;
    } else {
        return 0;
    }
    if (l) {
        for (size_t k = 0; k < l->n_extra; k++)
            if (cf_prefix_contains(&l->extra[k], a))
                return 1;
    }
    return 0;
}

int cf_is_unspecified(const cf_addr *a)
{
    if (a->family != 4 && a->family != 6)
        return 0;
    size_t n = a->family == 4 ? 4 : 16;
    for (size_t k = 0; k < n; k++)
        if (a->b[k])
            return 0;
    return 1;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cf_ipv4_parse_n(const char *s, size_t n, uint8_t out[4])
{
    size_t pos = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (pos >= n || s[pos] != '.')
                return -1;
            pos++;
        }
        size_t start = pos;
        unsigned v = 0;
        while (pos < n && s[pos] >= '0' && s[pos] <= '9' && pos - start < 3) {
            v = v * 10 + (unsigned)(s[pos] - '0');
            pos++;
        }
        size_t len = pos - start;
        if (len == 0 || v > 255 || (len > 1 && s[start] == '0'))
            return -1;
        if (pos < n && s[pos] >= '0' && s[pos] <= '9')
            return -1; /* a fourth digit */
        out[part] = (uint8_t)v;
    }
    return pos == n ? 0 : -1;
}

int cf_ipv6_parse_n(const char *s, size_t n, uint8_t out[16])
{
    uint16_t head[8], tail[8];
    int nhead = 0, ntail = 0, gap = 0; /* gap: "::" seen */
    size_t pos = 0;
    uint8_t v4[4];
    int have_v4 = 0;

    if (n < 2)
        return -1;
    if (s[0] == ':') {
        if (s[1] != ':')
            return -1;
        gap = 1;
        pos = 2;
        if (pos == n)
            goto done;
    }
    for (;;) {
        /* One group (or the trailing dotted quad) at pos. */
        size_t start = pos;
        unsigned v = 0;
        while (pos < n && pos - start < 5 && hexval((unsigned char)s[pos]) >= 0) {
            v = v * 16 + (unsigned)hexval((unsigned char)s[pos]);
            pos++;
        }
        if (pos < n && s[pos] == '.') {
            /* Dotted quad: the rest of the text, in the last 32 bits. */
            if (cf_ipv4_parse_n(s + start, n - start, v4) != 0)
                return -1;
            have_v4 = 1;
            pos = n;
            break;
        }
        size_t len = pos - start;
        if (len == 0 || len > 4 || nhead + ntail >= 8)
            return -1;
        if (gap)
            tail[ntail++] = (uint16_t)v;
        else
            head[nhead++] = (uint16_t)v;
        if (pos == n)
            break;
        if (s[pos] != ':')
            return -1;
        pos++;
        if (pos < n && s[pos] == ':') {
            if (gap)
                return -1; /* a second "::" */
            gap = 1;
            pos++;
            if (pos == n)
                break;
        } else if (pos == n) {
            return -1; /* trailing single ':' */
        }
    }
done:;
    int groups = nhead + ntail + (have_v4 ? 2 : 0);
    if (groups > 8 || (!gap && groups != 8) || (gap && groups > 7))
        return -1;
    uint16_t w[8] = {0};
    for (int k = 0; k < nhead; k++)
        w[k] = head[k];
    int tail_end = have_v4 ? 6 : 8;
    for (int k = 0; k < ntail; k++)
        w[tail_end - ntail + k] = tail[k];
    if (have_v4) {
        w[6] = (uint16_t)(v4[0] << 8 | v4[1]);
        w[7] = (uint16_t)(v4[2] << 8 | v4[3]);
    }
    for (int k = 0; k < 8; k++) {
        out[2 * k] = (uint8_t)(w[k] >> 8);
        out[2 * k + 1] = (uint8_t)w[k];
    }
    return 0;
}

int cf_prefix_parse_n(const char *text, size_t n, cf_prefix *out)
{
    size_t slash = n;
    for (size_t k = 0; k < n; k++) {
        if (text[k] == '/') {
            slash = k;
            break;
        }
    }
    cf_prefix p;
    memset(&p, 0, sizeof p);
    int has_colon = memchr(text, ':', slash) != NULL;
    if (slash == 0)
        return -1;
    if (has_colon) {
        if (cf_ipv6_parse_n(text, slash, p.addr.b) != 0)
            return -1;
        p.addr.family = 6;
        p.bits = 128;
    } else {
        if (cf_ipv4_parse_n(text, slash, p.addr.b) != 0)
            return -1;
        p.addr.family = 4;
        p.bits = 32;
    }
    if (slash < n) {
        size_t start = slash + 1, len = n - start;
        if (len == 0 || len > 3)
            return -1;
        unsigned v = 0;
        for (size_t k = start; k < n; k++) {
            if (text[k] < '0' || text[k] > '9')
                return -1;
            v = v * 10 + (unsigned)(text[k] - '0');
        }
        if (v > p.bits)
            return -1;
        p.bits = (uint8_t)v;
    }
    /* Clear host bits so that containment is a plain comparison. */
    for (unsigned k = 0; k < 16; k++) {
        unsigned lo = k * 8;
        if (lo >= p.bits)
            p.addr.b[k] = 0;
        else if (p.bits - lo < 8)
            p.addr.b[k] &= (uint8_t)(0xff << (8 - (p.bits - lo)));
    }
    *out = p;
    return 0;
}

int cf_prefix_parse(const char *text, cf_prefix *out)
{
    if (!text)
        return -1;
    return cf_prefix_parse_n(text, strlen(text), out);
}

int cf_prefix_contains(const cf_prefix *p, const cf_addr *a)
{
    if (p->addr.family != a->family)
        return 0;
    unsigned full = p->bits / 8, rest = p->bits % 8;
    if (memcmp(p->addr.b, a->b, full) != 0)
        return 0;
    if (rest) {
        uint8_t mask = (uint8_t)(0xff << (8 - rest));
        if ((a->b[full] & mask) != p->addr.b[full])
            return 0;
    }
    return 1;
}

int cf_mac_parse_n(const char *s, size_t n, uint8_t out[6])
{
    if (n != 17)
        return -1;
    char sep = s[2];
    if (sep != ':' && sep != '-')
        return -1;
    for (int k = 0; k < 6; k++) {
        int hi = hexval((unsigned char)s[3 * k]), lo = hexval((unsigned char)s[3 * k + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        if (k < 5 && s[3 * k + 2] != sep)
            return -1;
        out[k] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static char *put_dec(char *o, unsigned v)
{
    if (v >= 100)
        *o++ = (char)('0' + v / 100);
    if (v >= 10)
        *o++ = (char)('0' + v / 10 % 10);
    *o++ = (char)('0' + v % 10);
    return o;
}

static char *put_v4(char *o, const uint8_t *b)
{
    for (int k = 0; k < 4; k++) {
        if (k)
            *o++ = '.';
        o = put_dec(o, b[k]);
    }
    return o;
}

static const char hexdig[] = "0123456789abcdef";

static char *put_hex16(char *o, unsigned v)
{
    int started = 0;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned d = (v >> shift) & 15;
        if (d || started || shift == 0) {
            *o++ = hexdig[d];
            started = 1;
        }
    }
    return o;
}

char *cf_addr_format(const cf_addr *a, char *out)
{
    char *o = out;
    if (a->family == 4) {
        o = put_v4(o, a->b);
        *o = 0;
        return out;
    }
    if (a->family != 6) {
        strcpy(out, "?");
        return out;
    }
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a->b, mapped, 12) == 0) {
        /* RFC 5952 §5: IPv4-mapped addresses in mixed notation. */
        memcpy(o, "::ffff:", 7);
        o = put_v4(o + 7, a->b + 12);
        *o = 0;
        return out;
    }
    unsigned w[8];
    for (int k = 0; k < 8; k++)
        w[k] = (unsigned)a->b[2 * k] << 8 | a->b[2 * k + 1];
    /* RFC 5952 §4.2: the longest run of two or more zero groups becomes
     * "::", the first such run on ties. */
    int best = -1, best_len = 1;
    for (int k = 0; k < 8;) {
        if (w[k] != 0) {
            k++;
            continue;
        }
        int start = k;
        while (k < 8 && w[k] == 0)
            k++;
        if (k - start > best_len) {
            best = start;
            best_len = k - start;
        }
    }
    for (int k = 0; k < 8; k++) {
        if (k == best) {
            *o++ = ':';
            *o++ = ':';
            k += best_len - 1;
            continue;
        }
        if (k > 0 && k != best + best_len)
            *o++ = ':';
        o = put_hex16(o, w[k]);
    }
    *o = 0;
    return out;
}

char *cf_mac_format(const uint8_t mac[6], char *out)
{
    for (int k = 0; k < 6; k++) {
        out[3 * k] = hexdig[mac[k] >> 4];
        out[3 * k + 1] = hexdig[mac[k] & 15];
        out[3 * k + 2] = k < 5 ? ':' : 0;
    }
    return out;
}
