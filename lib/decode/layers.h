/* Internal interface between the per-layer decoders of lib/decode (not part
 * of the public contract: see packet.h for that).
 *
 * Each stage reads through a cf_cur (getbytes.h) and hands the next stage a
 * cursor on the bytes that follow its header:
 *   link      -> cursor at the IP header, required IP version (0: any)
 *   ipv4/ipv6 -> cursor on the transport region: the captured bytes after
 *                the IP header and extension headers, cut at the IP length
 *                (so link-layer padding is never part of it)
 *   transport -> ports, payload_len, payload/payload_caplen
 */
#ifndef CF_DECODE_LAYERS_H
#define CF_DECODE_LAYERS_H

#include "decode/getbytes.h"
#include "decode/packet.h"

/* Skips the link-layer header of linktype at *c. *version is set to 4 or 6
 * when the link layer names the IP version (ethertype, SLL protocol, BSD
 * family, LINKTYPE_IPV4/IPV6), 0 when it is to be read from the first
 * nibble (raw IP). Fills has_mac and the MACs for Ethernet. */
cf_skip_reason cf_decode_link(int linktype, cf_cur *c, int *version, cf_packet *out);

/* ip: the captured bytes from the IP header on; wire_avail: how many bytes
 * the frame had on the wire from the IP header on (>= ip.len). Fill src,
 * dst, protocol, fragment fields, ip_len and transport_len; *l4 is the
 * transport region. */
cf_skip_reason cf_decode_ipv4(cf_cur ip, uint32_t wire_avail, cf_packet *out, cf_cur *l4);
cf_skip_reason cf_decode_ipv6(cf_cur ip, uint32_t wire_avail, cf_packet *out, cf_cur *l4);

/* l4: the transport region (captured, at most out->transport_len bytes).
 * Fills src_port, dst_port, payload_len, payload, payload_caplen. */
void cf_decode_transport(cf_cur l4, cf_packet *out);

#endif
