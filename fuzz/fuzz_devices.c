/* libFuzzer harness: the device-list parser, then one lookup. */
#include <stddef.h>
#include <stdint.h>

#include "flow/devices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    cf_devices *d = cf_devices_parse("fuzz", (const char *)data, size, err, sizeof err, NULL, NULL);
    if (!d)
        return 0;
    cf_localnets l;
    cf_localnets_init(&l);
    cf_addr a = {.family = 4, .b = {192, 168, 1, 10}};
    static const uint8_t mac[6] = {0x44, 0x65, 0x0d, 0x56, 0xcc, 0xd3};
    char label[128];
    cf_devices_match(d, &l, mac, &a, label, sizeof label);
    cf_devices_match(d, &l, NULL, &a, label, sizeof label);
    cf_localnets_free(&l);
    cf_devices_free(d);
    return 0;
}
