/* libFuzzer harness: the Parquet reader on arbitrary bytes, as the summary
 * and the Python module meet untrusted files. The bytes become a file (an
 * anonymous memory file, opened by its /proc path); the reader parses its
 * footer and decodes every column of every row group; then the record
 * reader (cf_reader) reads every record, once whole and once keys only. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "customflow.h"
#include "parquet/pq_reader.h"

static void read_records(const char *path, int keys_only)
{
    char err[512];
    cf_reader *r = cf_reader_open(path, err, sizeof err);
    if (!r)
        return;
    cf_reader_skip_lists(r, keys_only);
    (void)cf_reader_rows(r);
    (void)cf_reader_meta(r, CF_META_VARIANT);
    cf_record rec;
    volatile uint64_t sum = 0;
    while (cf_reader_next(r, &rec, err, sizeof err) == 1) {
        /* Touch every field the record claims to have. */
        sum += (uint64_t)rec.first_seen + rec.device[0] + rec.remote_ip[0];
        for (uint32_t k = 0; k < rec.n; k++) {
            sum += (uint64_t)rec.offset_us[k] + (uint64_t)rec.size[k] + (uint64_t)rec.direction[k];
            if (rec.payload_len[k])
                sum += rec.payload[k][0] + rec.payload[k][rec.payload_len[k] - 1];
        }
        if (rec.remote_name)
            sum += (uint64_t)rec.remote_name[0];
        for (uint32_t k = 0; k < rec.n_context; k++)
            sum += (uint64_t)rec.context_rows[k] + (uint64_t)rec.context_files[k][0];
    }
    cf_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz.parquet", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char err[512];
    pq_reader *r = pq_reader_open(path, err, sizeof err);
    if (r) {
        pq_column col = {0};
        (void)pq_reader_created_by(r);
        for (size_t k = 0; k < pq_reader_num_kv(r); k++)
            (void)pq_reader_kv(r, k);
        for (size_t g = 0; g < pq_reader_num_row_groups(r); g++)
            for (size_t l = 0; l < pq_reader_num_leaves(r); l++)
                pq_read_column(r, g, l, &col, err, sizeof err);
        pq_column_free(&col);
        pq_reader_close(r);
        read_records(path, 0);
        read_records(path, 1);
    }
    close(fd);
    return 0;
}
