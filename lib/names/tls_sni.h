/* The server name a TLS ClientHello asks for (RFC 6066 §3, in the
 * ClientHello of RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2).
 *
 * Reads one TLS record that starts at the first byte given: record header
 * (content type 22 handshake, version 3.x, length), handshake header (type
 * 1 ClientHello, 24-bit length), the fixed fields and the variable-length
 * vectors up to the extensions, then walks the extensions to server_name
 * (type 0) and takes its first host_name entry. Every byte is read through
 * the bounds-checked cursor of decode/getbytes.h, and every vector is kept
 * inside the one that holds it.
 *
 * The bytes given are one TCP segment's payload or several consecutive
 * ones joined by the caller. A ClientHello larger than them (post-quantum
 * key shares make ~1.8 KB ClientHellos common, two segments) gives
 * CF_NAME_TRUNCATED when the name was not in the part given; so does a
 * handshake message fragmented over several TLS records (RFC 8446 §5.1),
 * which is read only as far as its first record goes.
 *
 * The name is text (names/name_text.h); a host_name longer than
 * CF_NAME_RAW_MAX bytes, or empty, gives CF_NAME_ABSENT.
 */
#ifndef CF_NAMES_TLS_SNI_H
#define CF_NAMES_TLS_SNI_H

#include <stddef.h>

#include "decode/getbytes.h"
#include "names/name_text.h"

cf_name_status cf_tls_sni(cf_cur data, char *name, size_t len);

#endif
