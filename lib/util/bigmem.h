/* Large zeroed blocks for the structures that grow with the traffic: the
 * flow tables, the record slabs and the payload slabs.
 *
 * Their first touch was most of a flow-heavy run's system time: one page
 * fault per 4 KiB page (66,000 faults on the flood preset, a third of its
 * run time on a virtual machine). A block of CF_BIG_MIN bytes or more is
 * mapped on its own, aligned to 2 MiB and marked for transparent huge
 * pages (madvise(2) MADV_HUGEPAGE), so that the kernel can map 2 MiB per
 * fault where its transparent_hugepage setting is "madvise" or "always";
 * smaller blocks come from calloc. Either way the memory is zeroed, and
 * the block is returned with its size. */
#ifndef CF_UTIL_BIGMEM_H
#define CF_UTIL_BIGMEM_H

#include <stddef.h>

/* The size of a huge page on x86-64 and arm64 with 4 KiB base pages. */
#define CF_BIG_MIN ((size_t)2 << 20)

/* bytes zeroed bytes (bytes > 0), 2 MiB-aligned when bytes >= CF_BIG_MIN;
 * NULL when out of memory. */
void *cf_big_alloc(size_t bytes);
/* Frees a block of cf_big_alloc(bytes); NULL is ignored. */
void cf_big_free(void *p, size_t bytes);

#endif
