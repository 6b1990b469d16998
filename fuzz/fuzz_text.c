/* libFuzzer harness: the text encoders (JSON lines, CSV) on labels of
 * arbitrary bytes, and --rotate parsing and interval names on arbitrary
 * text and timestamps. Checks that every JSON line holds no raw control
 * character and that the output is valid UTF-8 (written independently of
 * the encoder's own validator, by the RFC 3629 table). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sink/rotate.h"
#include "sink/text.h"

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t k = 0;
    while (k < n) {
        unsigned c = s[k];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || k + len > n)
            return 0;
        uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        for (size_t m = 1; m < len; m++) {
            if ((s[k + m] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[k + m] & 0x3f);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        k += len;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t t = 0;
    if (size >= 8)
        memcpy(&t, data, 8);
    char *label = malloc(size + 1);
    if (!label)
        return 0;
    for (size_t k = 0; k < size; k++)
        label[k] = data[k] ? (char)data[k] : ' ';
    label[size] = 0;

    /* --rotate and names. */
    int64_t iv = 0;
    char err[256], name[CF_ROTATE_LABEL_MAX];
    if (cf_rotate_parse(label, &iv, err, sizeof err) == 0 && iv <= 0)
        abort();
    if (iv <= 0)
        iv = 3600 * INT64_C(1000000);
    int64_t start = cf_rotate_start(t, iv);
    if (start > t || cf_rotate_end(start, iv) < start)
        abort();
    cf_rotate_label(start, iv, name, sizeof name);
    cf_rotate_label(t, CF_US_PER_DAY, name, sizeof name);

    /* One record with the label as device, remote name and context file. */
    const uint8_t *pay[1] = {data};
    uint32_t pay_len[1] = {(uint32_t)(size < 64 ? size : 64)};
    int64_t off[1] = {t};
    int32_t sz[1] = {(int32_t)size};
    int8_t dir[1] = {1};
    const char *files[1] = {label};
    cf_record r = {.variant = CF_VARIANT_BI,
                   .device = label,
                   .first_seen = t,
                   .remote_ip = label,
                   .n = 1,
                   .offset_us = off,
                   .size = sz,
                   .direction = dir,
                   .payload = pay,
                   .payload_len = pay_len,
                   .remote_name = label,
                   .n_context = 1,
                   .context_rows = off,
                   .context_files = files};
    for (int format = CF_FORMAT_JSONL; format <= CF_FORMAT_CSV; format++) {
        int fd = memfd_create("fuzz_text", 0);
        if (fd < 0)
            break;
        cf_textout *out = cf_textout_new(fd, "fuzz", (cf_format)format,
                                         CF_TEXT_VARIANT | CF_TEXT_NAMES | CF_TEXT_CONTEXT, -1);
        if (out && cf_textout_record(out, &r, err, sizeof err) == 0 &&
            cf_textout_flush(out, err, sizeof err) == 0) {
            off_t len = lseek(fd, 0, SEEK_END);
            unsigned char *text = len > 0 ? malloc((size_t)len) : NULL;
            if (text && pread(fd, text, (size_t)len, 0) == len) {
                if (!valid_utf8(text, (size_t)len) || text[len - 1] != '\n')
                    abort();
                if (format == CF_FORMAT_JSONL && memchr(text, '\n', (size_t)len - 1))
                    abort();
                for (off_t k = 0; format == CF_FORMAT_JSONL && k + 1 < len; k++)
                    if (text[k] < 0x20)
                        abort();
            }
            free(text);
        }
        cf_textout_free(out);
        close(fd);
    }
    free(label);
    return 0;
}
