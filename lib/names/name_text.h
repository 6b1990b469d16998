/* Names as text: what the DNS, TLS and HTTP parsers of lib/names hand out.
 *
 * Every name becomes NUL-terminated printable ASCII, so it is valid UTF-8
 * (Parquet STRING) whatever bytes were on the wire: bytes 0x20..0x7e are
 * kept except the backslash, which becomes "\\"; every other byte becomes
 * "\DDD" (three decimal digits), the escape of RFC 1035 §5.1 master files.
 * A dot inside a DNS label (where it is not a separator) becomes "\.".
 *
 * The longest text is that of a 255-byte DNS name made of bytes needing
 * escapes: under 4 * 255 characters, so CF_NAME_TEXT_MAX bytes hold any
 * name the parsers accept (SNI and Host values longer than CF_NAME_RAW_MAX
 * bytes are refused, not cut).
 */
#ifndef CF_NAMES_NAME_TEXT_H
#define CF_NAMES_NAME_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define CF_NAME_RAW_MAX 255
#define CF_NAME_TEXT_MAX 1024

/* Appends n bytes at p, escaped as above (dots too when escape_dot), to the
 * text of *len characters in out (size outlen, kept NUL-terminated).
 * Returns 0, or -1 (out unchanged beyond *len) when it does not fit. */
int cf_name_append(char *out, size_t outlen, size_t *len, const uint8_t *p, size_t n,
                   int escape_dot);

/* ASCII case folding, the only kind DNS names and HTTP field names have
 * (RFC 4343, RFC 9110 §5.1). */
static inline uint8_t cf_ascii_lower(uint8_t b)
{
    return b >= 'A' && b <= 'Z' ? (uint8_t)(b + 32) : b;
}

/* Outcome of the SNI and Host parsers. */
typedef enum {
    CF_NAME_NOT_PROTOCOL = 0, /* the bytes do not start a ClientHello / HTTP/1.x request */
    CF_NAME_FOUND,            /* the name is in the output buffer */
    CF_NAME_ABSENT,           /* the message is whole and names nothing (or an unusable name) */
    CF_NAME_TRUNCATED,        /* the message goes on past the bytes given before a name was
                                 found: more of the stream might hold it */
} cf_name_status;

#endif
