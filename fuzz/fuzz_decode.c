/* libFuzzer harness: one frame through cf_decode_frame. The first byte picks
 * the link type, so every decoder is reached. */
#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int linktypes[] = {CF_LINKTYPE_NULL,      CF_LINKTYPE_ETHERNET, CF_LINKTYPE_RAW_12,
                                    CF_LINKTYPE_RAW_14,    CF_LINKTYPE_RAW,      CF_LINKTYPE_LOOP,
                                    CF_LINKTYPE_LINUX_SLL, CF_LINKTYPE_IPV4,     CF_LINKTYPE_IPV6,
                                    CF_LINKTYPE_LINUX_SLL2};
    if (size < 1)
        return 0;
    int lt = linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])];
    cf_packet p;
    uint32_t len = (uint32_t)(size - 1);
    /* wire length may exceed the captured length: try both */
    cf_decode_frame(lt, data + 1, len, len, 0, &p);
    cf_decode_frame(lt, data + 1, len, len + (data[0] >> 4) * 100u, 0, &p);
    return 0;
}
