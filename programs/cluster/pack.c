/* First-fit decreasing packing of captures into tasks (pack.h). */
#include "pack.h"

#include <stdlib.h>

typedef struct bin {
    uint64_t total;
    size_t first; /* its first capture: ties by input order */
    size_t rank;  /* final number */
} bin;

static int larger_total(const void *a, const void *b)
{
    const bin *x = *(const bin *const *)a, *y = *(const bin *const *)b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

size_t pack_captures(const uint64_t *bytes, size_t n, uint64_t target, size_t *group)
{
    if (n == 0)
        return 0;
    bin *bins = calloc(n, sizeof *bins);
    bin **order = calloc(n, sizeof *order);
    if (!bins || !order) {
        free(bins);
        free(order);
        return 0;
    }
    size_t n_bins = 0;
    /* Bins below target still take captures; the first of them that is
     * open is searched from here (the ones before it are full). */
    size_t first_open = 0;
    for (size_t k = 0; k < n; k++) {
        size_t b = n_bins;
        if (target && bytes[k] < target)
            for (size_t m = first_open; m < n_bins; m++)
                if (bins[m].total < target && bins[m].total + bytes[k] <= target) {
                    b = m;
                    break;
                }
        if (b == n_bins)
            bins[n_bins++] = (bin){0, k, 0};
        bins[b].total += bytes[k];
        group[k] = b;
        while (first_open < n_bins && (!target || bins[first_open].total >= target))
            first_open++;
    }
    for (size_t m = 0; m < n_bins; m++)
        order[m] = &bins[m];
    qsort(order, n_bins, sizeof *order, larger_total);
    for (size_t m = 0; m < n_bins; m++)
        order[m]->rank = m;
    for (size_t k = 0; k < n; k++)
        group[k] = bins[group[k]].rank;
    free(bins);
    free(order);
    return n_bins;
}
