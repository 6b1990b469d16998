/* pcapng reader, after the IETF draft "PCAP Now Generic (pcapng) Capture
 * File Format" (draft-ietf-opsawg-pcapng, formerly draft-tuexen-opsawg-pcapng):
 *   every block: type(4) total_length(4) body total_length(4), the length a
 *   multiple of 4 and >= 12; a Section Header Block (SHB) gives the byte
 *   order of its section and resets the interface list; Interface
 *   Description Blocks (IDB) number the interfaces; packets come in
 *   Enhanced (EPB), Simple (SPB) and obsolete Packet Blocks (PB, type 2).
 *   Other block types (NRB, ISB, DSB, custom, ...) are skipped.
 */
#include "capture/capture_int.h"

#include <stdlib.h>

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_PB 2u
#define BT_SPB 3u
#define BT_EPB 6u
#define BOM 0x1a2b3c4du

/* Byte order of a section from its byte-order magic: 0 LE, 1 BE, -1 bad. */
static int bom_order(const uint8_t *p)
{
    if (p[0] == 0x1a && p[1] == 0x2b && p[2] == 0x3c && p[3] == 0x4d)
        return 1;
    if (p[0] == 0x4d && p[1] == 0x3c && p[2] == 0x2b && p[3] == 0x1a)
        return 0;
    return -1;
}

static void iface_set_units(cf_iface *i, uint64_t units)
{
    i->units = units;
    i->div = i->mul = 0;
    if (units % 1000000u == 0)
        i->div = units / 1000000u;
    else if (1000000u % units == 0)
        i->mul = 1000000u / units;
}

static int64_t iface_ts(const cf_iface *i, uint64_t ts)
{
    __int128 us;
    if (i->div == 1)
        us = ts;
    else if (i->div)
        us = ts / i->div;
    else if (i->mul)
        us = (__int128)ts * i->mul;
    else
        us = (__int128)((unsigned __int128)ts * 1000000u / i->units);
    return cf_ts_clamp(us + i->off_us);
}

/* Reads the block at the current position into the window.
 * 1: block of *len bytes at cf_in_ptr(), *type set; 0: clean end of file;
 * -1: damaged/truncated (message in err). SHBs switch c->swap. */
static int read_block(cf_capture *c, uint32_t *type, uint32_t *len, char *err, size_t errlen)
{
    cf_in *in = &c->in;
    unsigned long long off = (unsigned long long)cf_in_offset(in);
    int r = cf_in_need(in, 12);
    if (r < 1) {
        if (r < 0) {
            cf_cap_copy(err, errlen, in->msg);
            return -1;
        }
        if (cf_in_avail(in) == 0)
            return 0;
        cf_cap_err(c, err, errlen, "truncated block at byte %llu (%zu bytes left)", off,
                   cf_in_avail(in));
        return -1;
    }
    const uint8_t *p = cf_in_ptr(in);
    uint32_t t = cf_rd32(p, c->swap);
    if (t == BT_SHB) { /* a palindrome: readable in either byte order */
        int be = bom_order(p + 8);
        if (be < 0) {
            cf_cap_err(c, err, errlen,
                       "damaged block at byte %llu (bad section byte-order magic "
                       "%02x%02x%02x%02x)",
                       off, p[8], p[9], p[10], p[11]);
            return -1;
        }
        c->swap = be != CF_HOST_BE;
    }
    uint32_t l = cf_rd32(p + 4, c->swap);
    if (l < 12 || l % 4 != 0 || l > CF_MAX_BLOCK) {
        cf_cap_err(c, err, errlen, "damaged block at byte %llu (block type 0x%x, length %u)", off,
                   t, l);
        return -1;
    }
    r = cf_in_need(in, l);
    if (r < 1) {
        if (r < 0) {
            cf_cap_copy(err, errlen, in->msg);
            return -1;
        }
        cf_cap_err(c, err, errlen,
                   "truncated block at byte %llu (block type 0x%x, length %u, %zu bytes left)", off,
                   t, l, cf_in_avail(in));
        return -1;
    }
    p = cf_in_ptr(in);
    uint32_t l2 = cf_rd32(p + l - 4, c->swap);
    if (l2 != l) {
        cf_cap_err(c, err, errlen,
                   "damaged block at byte %llu (block type 0x%x, lengths %u and %u differ)", off, t,
                   l, l2);
        return -1;
    }
    *type = t;
    *len = l;
    return 1;
}

static int handle_shb(cf_capture *c, const uint8_t *p, uint32_t len, char *err, size_t errlen)
{
    unsigned long long off = (unsigned long long)cf_in_offset(&c->in);
    if (len < 28) {
        cf_cap_err(c, err, errlen, "damaged block at byte %llu (section header length %u)", off,
                   len);
        return -1;
    }
    uint16_t vmaj = cf_rd16(p + 12, c->swap), vmin = cf_rd16(p + 14, c->swap);
    /* Version 1.0; 1.2 was written by some old tools and is the same format
     * (the draft and libpcap accept it). Anything else is rejected. */
    if (vmaj != 1 || (vmin != 0 && vmin != 2)) {
        cf_cap_err(c, err, errlen, "unsupported pcapng version %u.%u (section at byte %llu)", vmaj,
                   vmin, off);
        return -1;
    }
    c->n_ifaces = 0; /* a new section has its own interfaces */
    return 0;
}

static int handle_idb(cf_capture *c, const uint8_t *p, uint32_t len, char *err, size_t errlen)
{
    unsigned long long off = (unsigned long long)cf_in_offset(&c->in);
    if (len < 20) {
        cf_cap_err(c, err, errlen, "damaged block at byte %llu (interface block length %u)", off,
                   len);
        return -1;
    }
    if (c->n_ifaces >= CF_MAX_IFACES) {
        cf_cap_err(c, err, errlen, "damaged block at byte %llu (more than %u interfaces)", off,
                   CF_MAX_IFACES);
        return -1;
    }
    if (c->n_ifaces == c->cap_ifaces) {
        uint32_t ncap = c->cap_ifaces ? c->cap_ifaces * 2 : 8;
        cf_iface *n = realloc(c->ifaces, ncap * sizeof *n);
        if (!n) {
            cf_cap_err(c, err, errlen, "out of memory");
            return -1;
        }
        c->ifaces = n;
        c->cap_ifaces = ncap;
    }
    cf_iface i;
    memset(&i, 0, sizeof i);
    i.linktype = cf_rd16(p + 8, c->swap);
    i.snaplen = cf_rd32(p + 12, c->swap);
    iface_set_units(&i, 1000000); /* default if_tsresol 6 */
    /* Options: code(2) length(2) value padded to 4 bytes; opt_endofopt 0. */
    uint32_t o = 16, end = len - 4;
    while (o + 4 <= end) {
        uint16_t code = cf_rd16(p + o, c->swap), olen = cf_rd16(p + o + 2, c->swap);
        if (code == 0)
            break;
        if (olen > end - o - 4) {
            cf_cap_err(c, err, errlen,
                       "damaged block at byte %llu (interface option %u of length %u overruns "
                       "the block)",
                       off, code, olen);
            return -1;
        }
        const uint8_t *v = p + o + 4;
        if (code == 9 && olen >= 1) { /* if_tsresol */
            uint8_t r = v[0];
            uint64_t units = 1;
            if (r & 0x80) { /* power of two */
                if ((r & 0x7f) > 63) {
                    cf_cap_err(c, err, errlen,
                               "damaged block at byte %llu (unsupported if_tsresol 0x%02x)", off,
                               r);
                    return -1;
                }
                units = (uint64_t)1 << (r & 0x7f);
            } else {
                if (r > 19) {
                    cf_cap_err(c, err, errlen,
                               "damaged block at byte %llu (unsupported if_tsresol %u)", off, r);
                    return -1;
                }
                for (uint8_t k = 0; k < r; k++)
                    units *= 10;
            }
            iface_set_units(&i, units);
        } else if (code == 14 && olen >= 8) { /* if_tsoffset, seconds */
            int64_t s = (int64_t)cf_rd64(v, c->swap);
            i.off_us = cf_ts_clamp((__int128)s * 1000000);
        }
        o += 4 + (((uint32_t)olen + 3) & ~3u);
    }
    c->ifaces[c->n_ifaces++] = i;
    return 0;
}

int cf_pcapng_open(cf_capture *c, char *err, size_t errlen)
{
    uint32_t type, len;
    int r = read_block(c, &type, &len, err, errlen);
    if (r == 0) {
        cf_cap_err(c, err, errlen, "empty file");
        return -1;
    }
    if (r < 0)
        return -1;
    if (handle_shb(c, cf_in_ptr(&c->in), len, err, errlen) < 0)
        return -1;
    cf_in_skip(&c->in, len);
    return 0;
}

int cf_pcapng_first_linktype(cf_capture *c)
{
    cf_in *in = &c->in;
    if (cf_in_need(in, 12) < 1)
        return -1;
    const uint8_t *p = cf_in_ptr(in);
    if (cf_rd32(p, c->swap) != BT_IDB)
        return -1;
    return cf_rd16(p + 8, c->swap);
}

int cf_pcapng_next(cf_capture *c, cf_frame *f, char *err, size_t errlen)
{
    for (;;) {
        uint32_t type, len;
        int r = read_block(c, &type, &len, err, errlen);
        if (r < 1)
            return r;
        const uint8_t *p = cf_in_ptr(&c->in);
        unsigned long long off = (unsigned long long)cf_in_offset(&c->in);
        if (type == BT_EPB || type == BT_PB) {
            if (len < 32) {
                cf_cap_err(c, err, errlen, "damaged block at byte %llu (packet block length %u)",
                           off, len);
                return -1;
            }
            uint32_t ifid = type == BT_EPB ? cf_rd32(p + 8, c->swap) : cf_rd16(p + 8, c->swap);
            uint32_t caplen = cf_rd32(p + 20, c->swap), origlen = cf_rd32(p + 24, c->swap);
            if (ifid >= c->n_ifaces) {
                cf_cap_err(c, err, errlen,
                           "damaged block at byte %llu (packet of undefined interface %u)", off,
                           ifid);
                return -1;
            }
            if (caplen > len - 32) {
                cf_cap_err(c, err, errlen,
                           "damaged block at byte %llu (captured length %u exceeds block "
                           "length %u)",
                           off, caplen, len);
                return -1;
            }
            const cf_iface *i = &c->ifaces[ifid];
            uint64_t ts = (uint64_t)cf_rd32(p + 12, c->swap) << 32 | cf_rd32(p + 16, c->swap);
            f->ts_us = iface_ts(i, ts);
            c->last_ts = f->ts_us;
            f->data = p + 28;
            f->cap_len = caplen;
            f->wire_len = origlen < caplen ? caplen : origlen;
            f->linktype = i->linktype;
            cf_in_skip(&c->in, len);
            cf_capture_scout(c, 4, 0); /* block total length at offset 4 */
            return 1;
        }
        if (type == BT_SPB) {
            if (len < 16) {
                cf_cap_err(c, err, errlen,
                           "damaged block at byte %llu (simple packet block length %u)", off, len);
                return -1;
            }
            if (c->n_ifaces == 0) {
                cf_cap_err(c, err, errlen,
                           "damaged block at byte %llu (simple packet block before any "
                           "interface)",
                           off);
                return -1;
            }
            /* The captured length is min(original length, interface 0's
             * snaplen, room in the block). SPBs have no timestamp: the
             * previous packet's is used. */
            const cf_iface *i = &c->ifaces[0];
            uint32_t origlen = cf_rd32(p + 8, c->swap);
            uint32_t caplen = origlen;
            if (caplen > len - 16)
                caplen = len - 16;
            if (i->snaplen && caplen > i->snaplen)
                caplen = i->snaplen;
            f->ts_us = c->last_ts;
            f->data = p + 12;
            f->cap_len = caplen;
            f->wire_len = origlen < caplen ? caplen : origlen;
            f->linktype = i->linktype;
            cf_in_skip(&c->in, len);
            cf_capture_scout(c, 4, 0); /* block total length at offset 4 */
            return 1;
        }
        if (type == BT_SHB) {
            if (handle_shb(c, p, len, err, errlen) < 0)
                return -1;
        } else if (type == BT_IDB) {
            if (handle_idb(c, p, len, err, errlen) < 0)
                return -1;
        }
        cf_in_skip(&c->in, len);
    }
}
