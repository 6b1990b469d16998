/* craftcap: writes a capture from a line-per-packet description, so that
 * tests state their packets in plain text next to their expectations.
 *
 *   craftcap [-f pcap|pcap-ns|pcap-be|pcapng] [-s SNAPLEN] DESCRIPTION OUT
 *
 * Each non-empty line (# starts a comment) is one frame, as key=value words:
 *   t=SECONDS        timestamp, decimal seconds (up to 9 decimals) [required]
 *   link=L           eth (default), vlan:VID, qinq:OUTER,INNER (802.1ad then
 *                    802.1Q), tag9100:VID, sll, sll2, raw (101), raw4 (228),
 *                    raw6 (229), null (host order), loop (108, network order)
 *   smac= dmac=      Ethernet addresses (default 02:00:00:00:00:01 / :02)
 *   src= dst=        IP addresses, IPv4 or IPv6       [required]
 *   proto=           udp, tcp, icmp, icmp6, sctp, dccp, udplite or a number
 *   sport= dport=    ports (udp, tcp, sctp, dccp, udplite)
 *   len=N            payload length; bytes are (seq + k) & 0xff unless
 *   hex=HEX          the payload bytes
 *   pad=1            pad the Ethernet frame to 60 bytes
 *   iplen=N          IPv4 total length / IPv6 payload length as written
 *   frag=OFF,MF,ID   IPv4 fragment: offset in bytes, more-fragments, id
 *   ext=A,B,...      IPv6 extension headers (0, 43, 60, 44) before transport
 *   wire=N           original length (default: the frame's length)
 *   raw=HEX          the whole frame as given (link header included)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet.h"
#include "gen/synth.h"

static int fail(int line, const char *msg, const char *arg)
{
    fprintf(stderr, "craftcap: line %d: %s%s%s\n", line, msg, arg ? ": " : "", arg ? arg : "");
    return -1;
}

static int hexbytes(const char *s, uint8_t *out, uint32_t max, uint32_t *n)
{
    *n = 0;
    while (s[0] && s[1]) {
        unsigned v;
        if (*n >= max || sscanf(s, "%2x", &v) != 1)
            return -1;
        out[(*n)++] = (uint8_t)v;
        s += 2;
    }
    return s[0] ? -1 : 0;
}

static int proto_number(const char *s)
{
    static const struct {
        const char *name;
        int num;
    } names[] = {{"udp", 17},   {"tcp", 6},   {"icmp", 1},      {"icmp6", 58},
                 {"sctp", 132}, {"dccp", 33}, {"udplite", 136}, {"igmp", 2}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(s, names[k].name))
            return names[k].num;
    char *end;
    long v = strtol(s, &end, 10);
    return (*s && !*end && v >= 0 && v <= 255) ? (int)v : -1;
}

static int64_t parse_time_ns(const char *s)
{
    char *end;
    long long sec = strtoll(s, &end, 10);
    int64_t ns = 0;
    if (*end == '.') {
        int digits = 0;
        for (end++; isdigit((unsigned char)*end) && digits < 9; end++, digits++)
            ns = ns * 10 + (*end - '0');
        for (; digits < 9; digits++)
            ns *= 10;
    }
    return (int64_t)sec * 1000000000 + (s[0] == '-' ? -ns : ns);
}

/* Transport header (if the protocol has one) and payload. */
static void transport(syn_buf *b, int proto, uint16_t sp, uint16_t dp, const uint8_t *pl,
                      uint32_t len)
{
    uint8_t h[12] = {0};
    switch (proto) {
    case 6:
        syn_tcp(b, sp, dp, 1000, 0, 0x18, pl, len);
        return;
    case 17:
    case 136:
        syn_udp(b, sp, dp, pl, len);
        return;
    case 132: /* SCTP common header, RFC 4960 */
        h[0] = (uint8_t)(sp >> 8), h[1] = (uint8_t)sp, h[2] = (uint8_t)(dp >> 8),
        h[3] = (uint8_t)dp;
        syn_append(b, h, 12);
        break;
    case 33: /* DCCP generic header, data offset 3 words, RFC 4340 */
        h[0] = (uint8_t)(sp >> 8), h[1] = (uint8_t)sp, h[2] = (uint8_t)(dp >> 8),
        h[3] = (uint8_t)dp, h[4] = 3;
        syn_append(b, h, 12);
        break;
    default:
        break;
    }
    syn_append(b, pl, len);
}

static uint32_t transport_header_len(int proto)
{
    switch (proto) {
    case 6:
        return 20;
    case 17:
    case 136:
        return 8;
    case 132:
    case 33:
        return 12;
    default:
        return 0;
    }
}

static int linktype_of(const char *link)
{
    if (!strcmp(link, "sll"))
        return CF_LINKTYPE_LINUX_SLL;
    if (!strcmp(link, "sll2"))
        return CF_LINKTYPE_LINUX_SLL2;
    if (!strcmp(link, "raw"))
        return CF_LINKTYPE_RAW;
    if (!strcmp(link, "raw4"))
        return CF_LINKTYPE_IPV4;
    if (!strcmp(link, "raw6"))
        return CF_LINKTYPE_IPV6;
    if (!strcmp(link, "null"))
        return CF_LINKTYPE_NULL;
    if (!strcmp(link, "loop"))
        return CF_LINKTYPE_LOOP;
    return CF_LINKTYPE_ETHERNET;
}

static int build(char *line, int lineno, uint64_t seq, syn_buf *b, int *linktype, int64_t *ts_ns,
                 uint32_t *wire)
{
    static uint8_t payload[65536];
    const char *link = "eth", *smac = "02:00:00:00:00:01", *dmac = "02:00:00:00:00:02";
    const char *src = NULL, *dst = NULL, *hex = NULL, *raw = NULL, *ext = NULL, *frag = NULL;
    int proto = 17, have_t = 0, pad = 0;
    long sport = 0, dport = 0, len = 0, iplen = -1, wire_len = -1;
    for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return fail(lineno, "expected key=value", tok);
        *eq = 0;
        const char *k = tok, *v = eq + 1;
        if (!strcmp(k, "t"))
            *ts_ns = parse_time_ns(v), have_t = 1;
        else if (!strcmp(k, "link"))
            link = v;
        else if (!strcmp(k, "smac"))
            smac = v;
        else if (!strcmp(k, "dmac"))
            dmac = v;
        else if (!strcmp(k, "src"))
            src = v;
        else if (!strcmp(k, "dst"))
            dst = v;
        else if (!strcmp(k, "proto")) {
            if ((proto = proto_number(v)) < 0)
                return fail(lineno, "bad proto", v);
        } else if (!strcmp(k, "sport"))
            sport = strtol(v, NULL, 10);
        else if (!strcmp(k, "dport"))
            dport = strtol(v, NULL, 10);
        else if (!strcmp(k, "len"))
            len = strtol(v, NULL, 10);
        else if (!strcmp(k, "hex"))
            hex = v;
        else if (!strcmp(k, "raw"))
            raw = v;
        else if (!strcmp(k, "pad"))
            pad = atoi(v);
        else if (!strcmp(k, "iplen"))
            iplen = strtol(v, NULL, 10);
        else if (!strcmp(k, "wire"))
            wire_len = strtol(v, NULL, 10);
        else if (!strcmp(k, "frag"))
            frag = v;
        else if (!strcmp(k, "ext"))
            ext = v;
        else
            return fail(lineno, "unknown key", k);
    }
    if (!have_t)
        return fail(lineno, "t= is required", NULL);
    *linktype = linktype_of(link);
    b->len = 0;
    if (raw) {
        uint32_t n;
        if (hexbytes(raw, b->data, sizeof b->data, &n) != 0)
            return fail(lineno, "bad raw hex", NULL);
        b->len = n;
        *wire = wire_len >= 0 ? (uint32_t)wire_len : b->len;
        return 0;
    }
    if (!src || !dst)
        return fail(lineno, "src= and dst= are required", NULL);
    syn_l3 l3;
    memset(&l3, 0, sizeof l3);
    l3.family = syn_addr(src, l3.src);
    if (syn_addr(dst, l3.dst) != l3.family || (l3.family != 4 && l3.family != 6))
        return fail(lineno, "src and dst must be addresses of one family", NULL);
    l3.protocol = (uint8_t)proto;
    l3.ip_id = (uint16_t)(seq + 1);
    l3.ip_len_override = (int)iplen;
    if (frag) {
        unsigned off, mf, id;
        if (sscanf(frag, "%u,%u,%u", &off, &mf, &id) != 3)
            return fail(lineno, "frag=OFF,MF,ID", frag);
        l3.frag_offset = (uint16_t)off;
        l3.more_fragments = (uint8_t)mf;
        l3.ip_id = (uint16_t)id;
    }
    uint32_t plen = 0;
    if (hex) {
        if (hexbytes(hex, payload, sizeof payload, &plen) != 0)
            return fail(lineno, "bad hex", NULL);
    } else {
        if (len < 0 || len > (long)sizeof payload)
            return fail(lineno, "bad len", NULL);
        plen = (uint32_t)len;
        for (uint32_t k = 0; k < plen; k++)
            payload[k] = (uint8_t)(seq + k);
    }
    uint16_t ethertype = l3.family == 4 ? 0x0800 : 0x86dd;
    uint8_t sm[6], dm[6];
    syn_mac(smac, sm);
    syn_mac(dmac, dm);
    if (!strcmp(link, "eth")) {
        syn_ether(b, dm, sm, ethertype);
    } else if (!strncmp(link, "vlan:", 5) || !strncmp(link, "tag9100:", 8)) {
        uint16_t tpid = link[0] == 'v' ? 0x8100 : 0x9100;
        uint16_t vid = (uint16_t)atoi(strchr(link, ':') + 1);
        syn_ether_vlan(b, dm, sm, &tpid, &vid, 1, ethertype);
    } else if (!strncmp(link, "qinq:", 5)) {
        uint16_t tpids[2] = {0x88a8, 0x8100}, vids[2] = {0, 0};
        if (sscanf(link + 5, "%hu,%hu", &vids[0], &vids[1]) != 2)
            return fail(lineno, "qinq:OUTER,INNER", link);
        syn_ether_vlan(b, dm, sm, tpids, vids, 2, ethertype);
    } else if (!strcmp(link, "sll")) {
        syn_sll(b, sm, ethertype);
    } else if (!strcmp(link, "sll2")) {
        syn_sll2(b, sm, ethertype);
    } else if (!strcmp(link, "null")) {
        syn_null(b, l3.family == 4 ? 2 : 30);
    } else if (!strcmp(link, "loop")) {
        uint32_t fam = l3.family == 4 ? 2 : 30;
        uint8_t h[4] = {(uint8_t)(fam >> 24), (uint8_t)(fam >> 16), (uint8_t)(fam >> 8),
                        (uint8_t)fam};
        syn_append(b, h, 4);
    } else if (strcmp(link, "raw") && strcmp(link, "raw4") && strcmp(link, "raw6")) {
        return fail(lineno, "unknown link", link);
    }
    uint32_t l4 = frag && l3.frag_offset ? plen : transport_header_len(proto) + plen;
    if (ext) {
        uint8_t types[8];
        int n = 0;
        for (const char *p = ext; *p && n < 8; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
            types[n++] = (uint8_t)atoi(p);
        syn_ip6_ext(b, &l3, types, n, l4);
    } else {
        syn_ip(b, &l3, l4);
    }
    if (frag && l3.frag_offset)
        syn_append(b, payload, plen);
    else
        transport(b, proto, (uint16_t)sport, (uint16_t)dport, payload, plen);
    if (pad)
        syn_pad60(b);
    *wire = wire_len >= 0 ? (uint32_t)wire_len : b->len;
    return 0;
}

int main(int argc, char **argv)
{
    syn_format fmt = SYN_PCAP_US;
    uint32_t snaplen = 262144;
    int a = 1;
    for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
        if (!strcmp(argv[a], "-f")) {
            const char *f = argv[a + 1];
            fmt = !strcmp(f, "pcapng")    ? SYN_PCAPNG
                  : !strcmp(f, "pcap-ns") ? SYN_PCAP_NS
                  : !strcmp(f, "pcap-be") ? SYN_PCAP_US_BE
                                          : SYN_PCAP_US;
        } else if (!strcmp(argv[a], "-s")) {
            snaplen = (uint32_t)strtoul(argv[a + 1], NULL, 10);
        }
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: craftcap [-f pcap|pcap-ns|pcap-be|pcapng] [-s SNAPLEN] DESC OUT\n");
        return 2;
    }
    FILE *in = fopen(argv[a], "r");
    if (!in) {
        perror(argv[a]);
        return 2;
    }
    static syn_buf b;
    static char line[1 << 17];
    syn_writer *w = NULL;
    int lineno = 0, rc = 0;
    uint64_t seq = 0;
    while (fgets(line, sizeof line, in)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        if (strspn(line, " \t\r\n") == strlen(line))
            continue;
        int linktype;
        int64_t ts;
        uint32_t wire;
        if (build(line, lineno, seq++, &b, &linktype, &ts, &wire) != 0) {
            rc = 1;
            break;
        }
        if (!w && !(w = syn_open(argv[a + 1], fmt, linktype, snaplen))) {
            perror(argv[a + 1]);
            rc = 1;
            break;
        }
        if (syn_write_frame(w, linktype, ts, b.data, b.len, wire) != 0) {
            fprintf(stderr, "craftcap: line %d: cannot write frame\n", lineno);
            rc = 1;
            break;
        }
    }
    fclose(in);
    if (!w && rc == 0)
        w = syn_open(argv[a + 1], fmt, 1, snaplen);
    if (w && syn_close(w) != 0)
        rc = 1;
    return rc;
}
