/* Small captures packed into shared tasks (customflow plan --task-bytes):
 * a scheduler spends about the same on every task, so a task of a few
 * kilobytes costs far more to start than to run. */
#ifndef CF_CLUSTER_PACK_H
#define CF_CLUSTER_PACK_H

#include <stddef.h>
#include <stdint.h>

/* First-fit decreasing: bytes[0..n) (largest first) go into groups of at
 * most target bytes; a capture of target bytes or more is a group of its
 * own. group[k] receives capture k's group, numbered 0.. with the groups
 * in decreasing total size (ties: the group of the earlier capture
 * first). Returns the number of groups, or 0 when memory ran out (n > 0).
 * target 0: every capture its own group. */
size_t pack_captures(const uint64_t *bytes, size_t n, uint64_t target, size_t *group);

#endif
