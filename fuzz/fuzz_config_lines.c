/* libFuzzer harness: cf_config_read_lines (the options of a plan), then
 * the round trip: what was read is written and read back into an equal
 * configuration (aborts otherwise). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "customflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), err[512];
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0; /* the lines are text: read up to the first NUL */
    cf_config *c = cf_config_new();
    if (c && cf_config_read_lines(c, text, err, sizeof err) == 0) {
        char *lines = cf_config_write_lines(c, err, sizeof err);
        if (lines) {
            cf_config *d = cf_config_new();
            if (!d || cf_config_read_lines(d, lines, err, sizeof err) != 0)
                abort();
            char *again = cf_config_write_lines(d, err, sizeof err);
            if (!again || strcmp(again, lines) != 0)
                abort();
            free(again);
            cf_config_free(d);
            free(lines);
        }
    }
    cf_config_free(c);
    free(text);
    return 0;
}
