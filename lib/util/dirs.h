/* Directories: mkdir -p, for the output directories of the library. */
#ifndef CF_UTIL_DIRS_H
#define CF_UTIL_DIRS_H

#include <stddef.h>

/* mkdir -p: the directory and its missing parents. 0, or -1 with errno set
 * and, when failed is not NULL, the directory that could not be made in
 * failed ("" for a path that is empty or longer than 4095 bytes, errno
 * ENAMETOOLONG). */
int cf_mkdir_p(const char *path, char *failed, size_t failed_len);

#endif
