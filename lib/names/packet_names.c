/* Picks the name parser for a decoded packet (see packet_names.h). */
#include "names/packet_names.h"

#include "names/http_host.h"
#include "names/tls_sni.h"

#define P_TCP 6
#define P_UDP 17

static int has_payload(const cf_packet *p)
{
    return p->payload_caplen > 0 && !(p->is_fragment && p->frag_offset != 0);
}

int cf_packet_dns(const cf_packet *p, cf_dns_addr_fn fn, void *ctx)
{
    const cf_cur payload = cf_cur_make(p->payload, p->payload_caplen);
    if (!has_payload(p))
        return 0;
    if (p->protocol == P_UDP) {
        if (p->src_port == CF_MDNS_PORT || p->dst_port == CF_MDNS_PORT)
            return cf_dns_parse(payload, CF_DNS_MDNS, fn, ctx) >= 0;
        if (p->src_port == CF_DNS_PORT)
            return cf_dns_parse(payload, 0, fn, ctx) >= 0;
    } else if (p->protocol == P_TCP && p->src_port == CF_DNS_PORT) {
        return cf_dns_parse_tcp(payload, fn, ctx) >= 0;
    }
    return 0;
}

cf_names_kind cf_packet_names(const cf_packet *p, cf_dns_addr_fn fn, void *ctx, char *name,
                              size_t len, cf_name_status *status)
{
    const cf_cur payload = cf_cur_make(p->payload, p->payload_caplen);
    *status = CF_NAME_NOT_PROTOCOL;
    if (len)
        name[0] = '\0';
    if (cf_packet_dns(p, fn, ctx))
        return CF_NAMES_DNS;
    if (!has_payload(p) || p->protocol != P_TCP || p->src_port == CF_DNS_PORT)
        return CF_NAMES_NONE;
    if ((*status = cf_tls_sni(payload, name, len)) != CF_NAME_NOT_PROTOCOL)
        return CF_NAMES_SNI;
    if ((*status = cf_http_host(payload, name, len)) != CF_NAME_NOT_PROTOCOL)
        return CF_NAMES_HOST;
    return CF_NAMES_NONE;
}
