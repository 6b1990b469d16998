/* Large zeroed blocks, see bigmem.h. */
#include "util/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

static size_t mapped_size(size_t bytes)
{
    return (bytes + CF_BIG_MIN - 1) & ~(CF_BIG_MIN - 1);
}

void *cf_big_alloc(size_t bytes)
{
    if (bytes < CF_BIG_MIN)
        return calloc(1, bytes);
    size_t len = mapped_size(bytes);
    if (len < bytes || len > SIZE_MAX - CF_BIG_MIN)
        return NULL;
    /* One huge page more than needed, then the unaligned ends unmapped:
     * mmap only promises page alignment. */
    char *map =
        mmap(NULL, len + CF_BIG_MIN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    char *at = (char *)(((uintptr_t)map + CF_BIG_MIN - 1) & ~(uintptr_t)(CF_BIG_MIN - 1));
    if (at > map)
        munmap(map, (size_t)(at - map));
    if (map + len + CF_BIG_MIN > at + len)
        munmap(at + len, (size_t)(map + len + CF_BIG_MIN - (at + len)));
#ifdef MADV_HUGEPAGE
    /* Advice only: without transparent huge pages the block still works,
     * a page at a time. */
    madvise(at, len, MADV_HUGEPAGE);
#endif
    return at;
}

void cf_big_free(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes < CF_BIG_MIN)
        free(p);
    else
        munmap(p, mapped_size(bytes));
}
