/* Escaping names into printable text (see name_text.h). */
#include "names/name_text.h"

int cf_name_append(char *out, size_t outlen, size_t *len, const uint8_t *p, size_t n,
                   int escape_dot)
{
    size_t k = *len;
    if (k >= outlen)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        char esc[5];
        size_t m;
        if (b == '\\' || (escape_dot && b == '.')) {
            esc[0] = '\\';
            esc[1] = (char)b;
            m = 2;
        } else if (b >= 0x20 && b <= 0x7e) {
            esc[0] = (char)b;
            m = 1;
        } else {
            esc[0] = '\\';
            esc[1] = (char)('0' + b / 100);
            esc[2] = (char)('0' + b / 10 % 10);
            esc[3] = (char)('0' + b % 10);
            m = 4;
        }
        if (outlen - k <= m) /* room for m characters and the NUL */
            goto toolong;
        for (size_t j = 0; j < m; j++)
            out[k++] = esc[j];
    }
    out[k] = '\0';
    *len = k;
    return 0;
toolong:
    out[*len] = '\0';
    return -1;
}
