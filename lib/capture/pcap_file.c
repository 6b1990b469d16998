/* Classic pcap reader, after the libpcap file format (pcap-savefile(5),
 * draft-ietf-opsawg-pcap "PCAP Capture File Format"):
 *   file header: magic(4) version_major(2) version_minor(2) thiszone(4)
 *                sigfigs(4) snaplen(4) linktype+FCS info(4)
 *   record header: ts_sec(4) ts_subsec(4) caplen(4) origlen(4)
 */
#include "capture/capture_int.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

int cf_pcap_open(cf_capture *c, char *err, size_t errlen)
{
    cf_in *in = &c->in;
    int r = cf_in_need(in, 24);
    if (r < 0) {
        cf_cap_copy(err, errlen, in->msg);
        return -1;
    }
    if (r == 0) {
        cf_cap_err(c, err, errlen, "truncated pcap file header (%zu of 24 bytes)", cf_in_avail(in));
        return -1;
    }
    const uint8_t *p = cf_in_ptr(in);
    uint32_t magic_be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    int file_be;
    if (magic_be == PCAP_MAGIC_US || magic_be == PCAP_MAGIC_NS) {
        file_be = 1;
        c->nsec = magic_be == PCAP_MAGIC_NS;
    } else {
        file_be = 0;
        c->nsec = __builtin_bswap32(magic_be) == PCAP_MAGIC_NS;
    }
    c->swap = file_be != CF_HOST_BE;
    uint16_t vmaj = cf_rd16(p + 4, c->swap), vmin = cf_rd16(p + 6, c->swap);
    /* Every 2.x header has the same layout (2.1 files from old tcpdumps, 2.4
     * today; Wireshark reads 2.5 too), so any 2.x is read as 2.4. */
    if (vmaj != 2) {
        cf_cap_err(c, err, errlen, "unsupported pcap version %u.%u", vmaj, vmin);
        return -1;
    }
    c->snaplen = cf_rd32(p + 16, c->swap);
    uint32_t lt = cf_rd32(p + 20, c->swap);
    /* draft-ietf-opsawg-pcap / pcap-linktype(7): bits 0-15 link type,
     * bits 16-25 reserved (must be 0), bit 26 "FCS length present",
     * bits 28-31 FCS length. Like libpcap, a file with reserved bits set is
     * rejected; the FCS bits are ignored (masked off): the frames keep any
     * FCS bytes, which the IP lengths make harmless. */
    if (lt & 0x03ff0000u) {
        cf_cap_err(c, err, errlen, "pcap link type field has reserved bits set (0x%08x)", lt);
        return -1;
    }
    c->linktype = (int)(lt & 0xffffu);
    uint64_t maxcap = c->snaplen > CF_PCAP_MIN_MAXCAP ? c->snaplen : CF_PCAP_MIN_MAXCAP;
    c->maxcap = maxcap > CF_MAX_BLOCK ? CF_MAX_BLOCK : (uint32_t)maxcap;
    cf_in_skip(in, 24);
    return 0;
}

int cf_pcap_next(cf_capture *c, cf_frame *f, char *err, size_t errlen)
{
    cf_in *in = &c->in;
    int r = cf_in_need(in, 16);
    if (r < 1) {
        if (r < 0) {
            cf_cap_copy(err, errlen, in->msg);
            return -1;
        }
        if (cf_in_avail(in) == 0)
            return 0;
        cf_cap_err(c, err, errlen,
                   "truncated record at byte %llu (record header cut after %zu of 16 bytes)",
                   (unsigned long long)cf_in_offset(in), cf_in_avail(in));
        return -1;
    }
    const uint8_t *p = cf_in_ptr(in);
    uint32_t sec = cf_rd32(p, c->swap), sub = cf_rd32(p + 4, c->swap);
    uint32_t caplen = cf_rd32(p + 8, c->swap), origlen = cf_rd32(p + 12, c->swap);
    if (caplen > c->maxcap) {
        cf_cap_err(c, err, errlen, "damaged record at byte %llu (caplen %u > %u)",
                   (unsigned long long)cf_in_offset(in), caplen, c->maxcap);
        return -1;
    }
    r = cf_in_need(in, 16 + (size_t)caplen);
    if (r < 1) {
        if (r < 0) {
            cf_cap_copy(err, errlen, in->msg);
            return -1;
        }
        cf_cap_err(c, err, errlen, "truncated record at byte %llu (caplen %u, %zu bytes left)",
                   (unsigned long long)cf_in_offset(in), caplen, cf_in_avail(in) - 16);
        return -1;
    }
    p = cf_in_ptr(in);
    /* Seconds are unsigned 32-bit (files up to 2106 read right). A
     * sub-second field at or above one second (>= 1e6 us / 1e9 ns) is
     * invalid; it is carried into the seconds (sec * 1e6 + sub), which keeps
     * the frame and orders it as libpcap's timeval arithmetic would.
     * Nanoseconds are truncated (floor) to microseconds. */
    f->ts_us = (int64_t)sec * 1000000 + (int64_t)(c->nsec ? sub / 1000 : sub);
    f->data = p + 16;
    f->cap_len = caplen;
    /* A frame is never shorter on the wire than captured. */
    f->wire_len = origlen < caplen ? caplen : origlen;
    f->linktype = c->linktype;
    cf_in_skip(in, 16 + (size_t)caplen);
    /* A record is a 16-byte header and caplen (at offset 8) bytes. */
    cf_capture_scout(c, 8, 16);
    return 1;
}
