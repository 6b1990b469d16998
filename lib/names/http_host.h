/* The Host header of an HTTP/1.x request (RFC 9112 §3, RFC 9110 §7.2).
 *
 * The bytes given must start with a request line: a method (1 to 20
 * token characters, RFC 9110 §5.6.2), one space, a request target without
 * spaces or control bytes, one space and "HTTP/1." with a digit, then CRLF
 * (a bare LF is accepted, RFC 9112 §2.2). The header lines that follow are
 * read up to the empty line that ends them; the first field named "Host"
 * (any case) gives the name: its value without the optional whitespace
 * around it, port included as sent ("example.com:8080"), as text
 * (names/name_text.h). Obsolete line folding is not joined: a folded Host
 * value is its first line.
 *
 * Bytes that end before the empty line (a request head spread over TCP
 * segments, or cut by the snap length) give CF_NAME_TRUNCATED when no Host
 * line was complete in them. An empty Host value, or one longer than
 * CF_NAME_RAW_MAX bytes, gives CF_NAME_ABSENT. Every byte is read through
 * the bounds-checked cursor of decode/getbytes.h.
 */
#ifndef CF_NAMES_HTTP_HOST_H
#define CF_NAMES_HTTP_HOST_H

#include <stddef.h>

#include "decode/getbytes.h"
#include "names/name_text.h"

cf_name_status cf_http_host(cf_cur data, char *name, size_t len);

#endif
