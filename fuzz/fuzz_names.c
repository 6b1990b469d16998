/* libFuzzer harness: the same bytes through every name parser of lib/names
 * (DNS, mDNS, DNS over TCP, TLS ClientHello server_name, HTTP/1.x Host) and
 * the per-packet dispatcher, checking that every name handed out is
 * NUL-terminated printable ASCII. Names reported by the DNS parsers also go
 * through a small name cache, so that its eviction runs too, and the bytes
 * cut in two segments (at a place the first byte picks) go through a
 * record's name joiner. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names/http_host.h"
#include "names/namecache.h"
#include "names/packet_names.h"
#include "names/recname.h"
#include "names/tls_sni.h"

static cf_namecache *cache;

static void check_text(const char *s)
{
    size_t n = strlen(s);
    if (n >= CF_NAME_TEXT_MAX)
        abort();
    for (size_t k = 0; k < n; k++)
        if (s[k] < 0x20 || s[k] > 0x7e)
            abort();
}

static void on_addr(void *ctx, const char *name, const cf_addr *addr, uint32_t ttl)
{
    (void)ttl;
    check_text(name);
    if (addr->family != 4 && addr->family != 6)
        abort();
    cf_namecache_put(cache, ctx, addr, name, 0);
    if (!cf_namecache_get(cache, ctx, addr, NULL, NULL))
        abort(); /* just put: at least the any-host entry fits a 4 KiB cache */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char device[] = "fuzz";
    char name[CF_NAME_TEXT_MAX];
    if (!cache)
        cache = cf_namecache_new(4096 + 8192); /* buckets + a few entries */
    if (size > UINT32_MAX)
        return 0;
    /* an exactly sized copy, so that ASan sees any over-read */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    const cf_cur c = cf_cur_make(copy, (uint32_t)size);

    cf_dns_parse(c, 0, on_addr, (void *)device);
    cf_dns_parse(c, CF_DNS_MDNS, on_addr, (void *)device);
    cf_dns_parse_tcp(c, on_addr, NULL);
    if (cf_tls_sni(c, name, sizeof name) == CF_NAME_FOUND)
        check_text(name);
    if (cf_http_host(c, name, sizeof name) == CF_NAME_FOUND)
        check_text(name);

    /* the dispatcher on a TCP and a UDP packet carrying the bytes */
    cf_packet p;
    cf_name_status st;
    memset(&p, 0, sizeof p);
    p.payload = copy;
    p.payload_caplen = p.payload_len = (uint32_t)size;
    p.protocol = 6;
    p.src_port = 443;
    p.dst_port = 50000;
    cf_packet_names(&p, on_addr, NULL, name, sizeof name, &st);
    check_text(name);
    p.protocol = 17;
    p.src_port = 53;
    cf_packet_names(&p, on_addr, NULL, name, sizeof name, &st);

    cf_recname r;
    if (size > 0 && cf_recname_init(&r, "cached.example") == 0) {
        const uint32_t cut = (uint32_t)(copy[0] % size);
        cf_recname_packet(&r, 6, 1, copy, cut, cut);
        cf_recname_packet(&r, 6, 0, copy, (uint32_t)size, (uint32_t)size);
        cf_recname_packet(&r, 6, 1, copy + cut, (uint32_t)size - cut, (uint32_t)size - cut);
        check_text(cf_recname_get(&r));
        cf_recname_free(&r);
    }
    free(copy);
    return 0;
}
