/* Synthetic captures: the project's own packet builder and capture writer.
 *
 * Tests craft exact packets with it; cf-gencap builds the bundled sample and
 * the benchmark captures from it (a deterministic IoT home: devices, DNS,
 * NTP, TLS to clouds, keep-alive sessions, mDNS/SSDP multicast, ARP,
 * device-to-device traffic). No code here reads captures.
 */
#ifndef CF_GEN_SYNTH_H
#define CF_GEN_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Capture files ---------------------------------------------------- */

typedef enum {
    SYN_PCAP_US,    /* classic pcap, microseconds, little endian */
    SYN_PCAP_NS,    /* classic pcap, nanoseconds, little endian */
    SYN_PCAP_US_BE, /* classic pcap, microseconds, big endian */
    SYN_PCAPNG,     /* pcapng, one IDB per link type added; each IDB has
                       if_tsresol = 9 (nanoseconds); little endian */
    /* Added: */
    SYN_PCAP_NS_BE, /* classic pcap, nanoseconds, big endian */
    SYN_PCAPNG_US,  /* pcapng, IDBs without if_tsresol (microseconds) */
    SYN_PCAPNG_BE,  /* pcapng as SYN_PCAPNG, big-endian section */
} syn_format;

typedef struct syn_writer syn_writer;

/* Opens PATH for writing captures of the given format; snaplen applies to
 * every frame (frames longer are cut, their wire length kept).
 * For pcap formats, linktype is the file's link type; for pcapng it is the
 * first interface's (more are added by syn_write_frame on demand). */
syn_writer *syn_open(const char *path, syn_format fmt, int linktype, uint32_t snaplen);

/* Writes one frame: ts_ns nanoseconds since the epoch, data/len the whole
 * frame (wire length = len unless wire_len > len). linktype must equal the
 * file's for pcap formats. Returns 0 or -1. */
int syn_write_frame(syn_writer *w, int linktype, int64_t ts_ns, const uint8_t *data, uint32_t len,
                    uint32_t wire_len);
int syn_close(syn_writer *w);
/* PATH "-" writes to stdout. snaplen 0 means 262144. */

/* Bytes written to the file so far (headers included), frames written, and
 * the per-frame bytes a frame of cap_len captured bytes adds besides them. */
uint64_t syn_bytes_written(const syn_writer *w);
uint64_t syn_frames_written(const syn_writer *w);
uint32_t syn_frame_overhead(const syn_writer *w, uint32_t cap_len);

/* ---- Packet builder --------------------------------------------------- */

/* A frame under construction; bytes are appended at the end. */
typedef struct syn_buf {
    uint8_t data[70000];
    uint32_t len;
} syn_buf;

typedef struct syn_l3 {
    int family;      /* 4 or 6 */
    uint8_t src[16]; /* IPv4 in the first 4 bytes */
    uint8_t dst[16];
    uint8_t protocol; /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP, ... */
    uint8_t ttl;      /* 0: 64 */
    uint16_t ip_id;   /* IPv4 identification */
    /* IPv4 fragment fields, in bytes / flag */
    uint16_t frag_offset;
    uint8_t more_fragments;
    /* Overrides for malformed/TSO tests: when set, written as is. */
    int ip_len_override; /* -1: computed */
} syn_l3;

/* Parses "10.0.0.1" or "fe80::1" into a syn_l3 address slot; returns family
 * (4 or 6), or 0 (and a zeroed slot) when the text is not an address. */
int syn_addr(const char *text, uint8_t out[16]);
/* Parses "aa:bb:cc:dd:ee:ff". */
void syn_mac(const char *text, uint8_t out[6]);

/* Link layers: each writes its header into b (b->len = header length). */
void syn_ether(syn_buf *b, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype);
/* Ethernet with a list of (TPID, VID) tags before ethertype. Each vids[i] is
 * written as the whole 16-bit TCI (VID in the low 12 bits; PCP/DEI bits, if
 * any, as given). */
void syn_ether_vlan(syn_buf *b, const uint8_t dst[6], const uint8_t src[6], const uint16_t *tpids,
                    const uint16_t *vids, int ntags, uint16_t ethertype);
/* SLL: packet type 0, ARPHRD_ETHER, address length 6, src, protocol.
 * SLL2: protocol, reserved 0, interface index 1, ARPHRD_ETHER, packet type 0,
 * address length 6, src (padded to 8). */
void syn_sll(syn_buf *b, const uint8_t src[6], uint16_t protocol);
void syn_sll2(syn_buf *b, const uint8_t src[6], uint16_t protocol);
void syn_null(syn_buf *b, uint32_t family_host_order); /* 2 = AF_INET, 24/28/30 = AF_INET6 */

/* Appends an IP header for a payload of payload_len bytes that the caller
 * appends next (transport header included). IPv4 header checksum is filled. */
void syn_ip(syn_buf *b, const syn_l3 *l3, uint32_t payload_len);
/* IPv6 with extension headers: ext_types lists next-header values
 * (0 hop-by-hop, 43 routing, 60 destination options, 44 fragment) inserted
 * in order before the transport header; each is 8 bytes (hop-by-hop and
 * destination options hold one PadN; routing is type 0 with 0 segments
 * left; fragment takes frag_offset, more_fragments and ip_id from l3).
 * The payload length is payload_len + 8 * next (or ip_len_override).
 * syn_ip with family 6 writes the fixed header only, next header =
 * protocol, payload length = payload_len (or ip_len_override). */
void syn_ip6_ext(syn_buf *b, const syn_l3 *l3, const uint8_t *ext_types, int next,
                 uint32_t payload_len);

/* Transport headers followed by payload. Checksums are not computed (0). */
void syn_udp(syn_buf *b, uint16_t sport, uint16_t dport, const void *payload, uint32_t len);
void syn_tcp(syn_buf *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
             const void *payload, uint32_t len);
void syn_append(syn_buf *b, const void *data, uint32_t len);
/* Appends never write past data[]: bytes that do not fit are dropped (len
 * stops at sizeof data). syn_append with data NULL appends zeros. */

/* Added: TCP flag bits for syn_tcp. */
enum {
    SYN_TCP_FIN = 0x01,
    SYN_TCP_SYN = 0x02,
    SYN_TCP_RST = 0x04,
    SYN_TCP_PSH = 0x08,
    SYN_TCP_ACK = 0x10,
    SYN_TCP_URG = 0x20,
};

/* Added: ARP body (RFC 826, Ethernet/IPv4) appended after syn_ether(...,
 * 0x0806); op 1 request, 2 reply. */
void syn_arp(syn_buf *b, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
             const uint8_t tha[6], const uint8_t tpa[4]);

/* Added: fills the TCP or UDP checksum of the complete IPv4/IPv6 packet at
 * b->data + l3_off (IPv6 extension headers are walked; fragments and other
 * protocols are left alone). Returns 0, or -1 when nothing was filled. */
int syn_l4_checksum(syn_buf *b, uint32_t l3_off);

/* Convenience: one whole Ethernet/IPv4-or-IPv6/UDP-or-TCP frame.
 * proto 6 or 17 (other protocols: payload follows the IP header directly).
 * TTL 64, IP id 0; TCP has seq 1, ack 1, flags PSH|ACK; checksums of UDP/TCP
 * are 0; no padding (call syn_pad60 for that). */
void syn_eth_ip_frame(syn_buf *b, const char *src_mac, const char *dst_mac, const char *src_ip,
                      const char *dst_ip, uint8_t proto, uint16_t sport, uint16_t dport,
                      const void *payload, uint32_t len);

/* Ethernet minimum frame: pads b with zeros to 60 bytes. */
void syn_pad60(syn_buf *b);

/* ---- Traffic generator -------------------------------------------------- */

typedef struct syn_home_options {
    uint64_t seed;
    int64_t start_ns;     /* first timestamp */
    double duration_s;    /* simulated time */
    uint64_t max_packets; /* stop after this many (0: no limit) */
    uint64_t max_bytes;   /* stop after this many bytes of file (0: no limit) */
    int devices;          /* number of IoT devices (0: default 8) */
    int flood;            /* 1: a scan-like flood of short flows (many records) */
} syn_home_options;

/* Writes a deterministic IoT home capture; the same options give the same
 * bytes. Also writes the matching device list to devices_path if non-NULL.
 * Frames are Ethernet (the writer's link type must be 1), in non-decreasing
 * timestamp order. duration_s 0 means 300 s, start_ns 0 means 1700000000 s.
 * Returns 0, or -1 when a write failed. The home: gateway 192.168.1.1
 * (14:cc:20:51:33:ea, listed last in the device list) and devices
 * 192.168.1.100, .101, ... (kinds in this order: camera, plug, hub, speaker,
 * sensor, baby monitor, bulb, TV, repeating). */
int syn_generate_home(syn_writer *w, const syn_home_options *o, const char *devices_path);

#endif
