/* namedump: the names lib/names reads from each frame of a capture, one
 * line per name, for comparison with tshark (tests/e2e/names_tshark.sh).
 *
 *   namedump CAPTURE
 *
 * Frames are numbered from 1 like tshark's frame.number. Lines:
 *   N <tab> dns <tab> NAME <tab> ADDRESS   an address of a DNS/mDNS response
 *   N <tab> sni <tab> NAME                 a ClientHello's server_name
 *   N <tab> host <tab> NAME                an HTTP/1.x request's Host
 *   N <tab> sni-truncated / host-truncated the message goes on past the
 *                                          segment before a name was seen
 *   N <tab> undecoded <tab> REASON         a frame the decoder skips
 * Exit 0, or 1 with a one-line message for an unreadable capture.
 */
#include <stdio.h>

#include "capture/capture.h"
#include "flow/netaddr.h"
#include "names/packet_names.h"

typedef struct dump_ctx {
    uint64_t frame;
} dump_ctx;

static void on_address(void *ctx, const char *name, const cf_addr *addr, uint32_t ttl)
{
    (void)ttl;
    char text[46];
    printf("%llu\tdns\t%s\t%s\n", (unsigned long long)((dump_ctx *)ctx)->frame, name,
           cf_addr_format(addr, text));
}

int main(int argc, char **argv)
{
    char err[512], name[CF_NAME_TEXT_MAX];
    if (argc != 2) {
        fprintf(stderr, "usage: namedump CAPTURE\n");
        return 2;
    }
    cf_capture *cap = cf_capture_open(argv[1], NULL, CF_HASH_NONE, err, sizeof err);
    if (!cap) {
        fprintf(stderr, "namedump: %s\n", err);
        return 1;
    }
    dump_ctx ctx = {0};
    cf_frame f;
    int r;
    while ((r = cf_capture_next(cap, &f, err, sizeof err)) == 1) {
        cf_packet p;
        cf_name_status st;
        ctx.frame++;
        cf_skip_reason why =
            cf_decode_frame(f.linktype, f.data, f.cap_len, f.wire_len, f.ts_us, &p);
        if (why != CF_DECODED) {
            printf("%llu\tundecoded\t%s\n", (unsigned long long)ctx.frame,
                   cf_skip_reason_name(why));
            continue;
        }
        cf_names_kind k = cf_packet_names(&p, on_address, &ctx, name, sizeof name, &st);
        if (k != CF_NAMES_SNI && k != CF_NAMES_HOST)
            continue;
        const char *what = k == CF_NAMES_SNI ? "sni" : "host";
        if (st == CF_NAME_FOUND)
            printf("%llu\t%s\t%s\n", (unsigned long long)ctx.frame, what, name);
        else if (st == CF_NAME_TRUNCATED)
            printf("%llu\t%s-truncated\n", (unsigned long long)ctx.frame, what);
    }
    cf_capture_close(cap);
    if (r < 0) {
        fprintf(stderr, "namedump: %s\n", err);
        return 1;
    }
    return 0;
}
