/* Rotation intervals and output file names (rotate.h). */
#include "sink/rotate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "customflow.h"

int cf_rotate_parse(const char *text, int64_t *interval_us, char *err, size_t errlen)
{
    const char *p = text ? text : "";
    uint64_t v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (v > UINT64_C(1) << 40)
            break; /* far beyond the limit below; stop before overflow */
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    int64_t unit = 0;
    if (digits && p[0] && !p[1]) {
        switch (p[0]) {
        case 's':
            unit = 1000000;
            break;
        case 'm':
            unit = 60 * INT64_C(1000000);
            break;
        case 'h':
            unit = 3600 * INT64_C(1000000);
            break;
        case 'd':
            unit = CF_US_PER_DAY;
            break;
        }
    }
    if (!unit || v == 0) {
        snprintf(err, errlen,
                 "--rotate %s: expected a positive whole number and a unit s, m, h or d "
                 "(30s, 15m, 1h, 1d)",
                 text ? text : "");
        return -1;
    }
    /* 100 years: far more than any capture, and far from int64 overflow. */
    const uint64_t max_us = (uint64_t)36525 * (uint64_t)CF_US_PER_DAY;
    if (v > max_us / (uint64_t)unit) {
        snprintf(err, errlen, "--rotate %s: longer than 100 years", text);
        return -1;
    }
    *interval_us = (int64_t)v * unit;
    return 0;
}

void cf_rotate_format(int64_t interval_us, char *buf, size_t len)
{
    static const struct {
        int64_t us;
        char unit;
    } units[] = {
        {CF_US_PER_DAY, 'd'}, {3600 * INT64_C(1000000), 'h'}, {60 * INT64_C(1000000), 'm'}};
    if (len)
        buf[0] = 0;
    if (interval_us <= 0)
        return;
    for (size_t k = 0; k < sizeof units / sizeof *units; k++) {
        if (interval_us % units[k].us == 0) {
            snprintf(buf, len, "%" PRId64 "%c", interval_us / units[k].us, units[k].unit);
            return;
        }
    }
    snprintf(buf, len, "%" PRId64 "s", interval_us / 1000000);
}

int64_t cf_rotate_start(int64_t t_us, int64_t interval_us)
{
    if (interval_us <= 0)
        return INT64_MIN;
    int64_t rem = t_us % interval_us;
    if (rem < 0)
        rem += interval_us;
    /* t - rem >= t - interval + 1; below INT64_MIN only at the very end. */
    if (t_us < INT64_MIN + rem)
        return INT64_MIN;
    return t_us - rem;
}

int64_t cf_rotate_end(int64_t start_us, int64_t interval_us)
{
    if (interval_us <= 0 || start_us > INT64_MAX - interval_us)
        return INT64_MAX;
    return start_us + interval_us;
}

/* Floor division for the calendar split of a timestamp. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Civil date of a day count since 1970-01-01 in the proleptic Gregorian
 * calendar, by the era/day-of-era method of H. Hinnant's "chrono-Compatible
 * Low-Level Date Algorithms" (civil_from_days), written out here. */
static void civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    days += 719468; /* days from 0000-03-01 to 1970-01-01 */
    int64_t era = floor_div(days, 146097);
    int64_t doe = days - era * 146097;                                   /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11], from March */
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

void cf_rotate_label(int64_t start_us, int64_t interval_us, char *buf, size_t len)
{
    int64_t secs = floor_div(start_us, 1000000);
    int64_t days = floor_div(secs, 86400);
    int64_t sod = secs - days * 86400;
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    char y[24];
    if (year >= 0 && year <= 9999)
        snprintf(y, sizeof y, "%04" PRId64, year);
    else
        snprintf(y, sizeof y, "%+05" PRId64, year);
    if (interval_us > 0 && interval_us % CF_US_PER_DAY == 0)
        snprintf(buf, len, "%s-%02d-%02d", y, month, day);
    else
        snprintf(buf, len, "%s-%02d-%02dT%02d-%02d-%02d", y, month, day, (int)(sod / 3600),
                 (int)(sod / 60 % 60), (int)(sod % 60));
}

int64_t cf_outname_bucket(const cf_outname *o, int64_t first_seen, int64_t *end_us)
{
    int64_t iv = o->rotate_us > 0 ? o->rotate_us : o->partition ? CF_US_PER_DAY : 0;
    if (!iv) {
        *end_us = INT64_MAX;
        return INT64_MIN;
    }
    int64_t start = cf_rotate_start(first_seen, iv);
    *end_us = cf_rotate_end(start, iv);
    return start;
}

int cf_outname_path(const cf_outname *o, int variant, int64_t start_us, unsigned seq, char *dir,
                    size_t dirlen, char *path, size_t pathlen)
{
    const char *stem = o->stem && *o->stem ? o->stem : NULL;
    char label[CF_ROTATE_LABEL_MAX] = "";
    if (o->rotate_us > 0)
        cf_rotate_label(start_us, o->rotate_us, label, sizeof label);
    /* The file's own name, without directory, suffix and extension. */
    char name[512];
    int n;
    if (*label && stem)
        n = snprintf(name, sizeof name, "%s_%s", stem, label);
    else
        n = snprintf(name, sizeof name, "%s", *label ? label : stem ? stem : "flows");
    if (n < 0 || (size_t)n >= sizeof name)
        return -1;
    if (o->partition) {
        char date[CF_ROTATE_LABEL_MAX];
        cf_rotate_label(start_us, CF_US_PER_DAY, date, sizeof date);
        n = snprintf(dir, dirlen, "%s/variant=%s/date=%s", o->dir, cf_enum_name("variant", variant),
                     date);
    } else {
        n = snprintf(dir, dirlen, "%s/%s", o->dir, cf_enum_name("variant", variant));
    }
    if (n < 0 || (size_t)n >= dirlen)
        return -1;
    char suffix[16] = "";
    if (seq)
        snprintf(suffix, sizeof suffix, "-%u", seq);
    n = snprintf(path, pathlen, "%s/%s%s%s.%s", dir, o->partition ? "part-" : "", name, suffix,
                 o->ext);
    return n < 0 || (size_t)n >= pathlen ? -1 : 0;
}
