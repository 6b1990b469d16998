/* One decoded frame: what the flow engine needs of a packet.
 *
 * cf_decode_frame() walks link layer -> IP -> transport through the
 * bounds-checked accessors of decode/getbytes.h and fills a cf_packet, or
 * returns the reason it skipped the frame. It keeps no state across frames:
 * attributing non-first fragments to their first fragment's ports is the
 * flow engine's job (flow/fragments.h).
 */
#ifndef CF_DECODE_PACKET_H
#define CF_DECODE_PACKET_H

#include <stdint.h>

/* An IPv4 or IPv6 address; IPv4 uses the first 4 bytes, the rest are 0. */
typedef struct cf_addr {
    uint8_t family; /* 4 or 6 */
    uint8_t b[16];
} cf_addr;

/* Why a frame gave no packet. Counted per reason in the summary. */
typedef enum {
    CF_DECODED = 0,
    CF_SKIP_LINKTYPE,      /* link type not supported */
    CF_SKIP_LINK_SHORT,    /* link-layer header cut short */
    CF_SKIP_NOT_IP,        /* ARP, LLDP, EAPOL, 802.3/LLC, non-IP tunnels, ... */
    CF_SKIP_IP_SHORT,      /* IP header (IPv4 options, IPv6 extension headers included)
                              cut short by the capture */
    CF_SKIP_IP_VERSION,    /* IP version does not match the link type/ethertype */
    CF_SKIP_IP_HEADER_LEN, /* IPv4 IHL < 5 */
    CF_SKIP_IP_LENGTH,     /* IP length shorter than its header (IPv6: than the
                              extension headers it declares) */
    CF_SKIP__COUNT
} cf_skip_reason;

const char *cf_skip_reason_name(cf_skip_reason r); /* "not-ip", ... */

typedef struct cf_packet {
    int64_t ts_us;     /* capture timestamp, microseconds since the epoch */
    uint32_t wire_len; /* original frame length */
    uint32_t cap_len;  /* captured frame length */

    uint8_t has_mac; /* Ethernet frames only (not SLL/SLL2/raw/null) */
    uint8_t src_mac[6], dst_mac[6];

    cf_addr src, dst;
    uint8_t protocol;            /* after IPv6 extension headers */
    uint16_t src_port, dst_port; /* 0 where the protocol has none or not captured */

    /* Fragments: is_fragment for any fragment (not for an IPv6 atomic
     * fragment, offset 0 without M: RFC 6946); frag_offset in bytes;
     * frag_id is the IPv4 identification or IPv6 fragment header id.
     * A non-first fragment (frag_offset > 0) has ports 0 here and its
     * payload is all its data. */
    uint8_t is_fragment;
    uint8_t more_fragments;
    uint32_t frag_offset;
    uint32_t frag_id;

    /* Lengths by the IP length fields (TSO/jumbo 0 = to end of frame):
     * ip_len: IPv4 total length, IPv6 40 + payload length;
     * transport_len: ip_len minus IP header and extension headers;
     * payload_len: transport_len minus the transport header. */
    uint32_t ip_len;
    uint32_t transport_len;
    uint32_t payload_len;

    /* Captured payload bytes: at most payload_len, never past the capture
     * and never link-layer padding. Points into the frame buffer. */
    const uint8_t *payload;
    uint32_t payload_caplen;
} cf_packet;

/* LINKTYPE_* numbers (tcpdump.org link-layer header types). */
enum {
    CF_LINKTYPE_NULL = 0,
    CF_LINKTYPE_ETHERNET = 1,
    CF_LINKTYPE_RAW_12 = 12, /* DLT_RAW on some BSDs */
    CF_LINKTYPE_RAW_14 = 14, /* DLT_RAW on OpenBSD */
    CF_LINKTYPE_RAW = 101,
    CF_LINKTYPE_LOOP = 108,
    CF_LINKTYPE_LINUX_SLL = 113,
    CF_LINKTYPE_IPV4 = 228,
    CF_LINKTYPE_IPV6 = 229,
    CF_LINKTYPE_LINUX_SLL2 = 276,
};

/* Decodes one frame of the given link type. ts_us, wire_len and cap_len are
 * copied into *out. Returns CF_DECODED or a skip reason. */
cf_skip_reason cf_decode_frame(int linktype, const uint8_t *frame, uint32_t cap_len,
                               uint32_t wire_len, int64_t ts_us, cf_packet *out);

/* 1 when the link type is one cf_decode_frame understands. */
int cf_linktype_supported(int linktype);

#endif
