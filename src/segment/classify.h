/*
 * Inner classification: the segment of traffic from the protected networks,
 * by its destination. A table of IPv4/IPv6 prefixes (virtual IPs and remote
 * traffic selectors) -> segment; the longest matching prefix wins, so the
 * node that owns a peer also encrypts for it (docs/segments.md).
 */
#ifndef IKN_SEGMENT_CLASSIFY_H
#define IKN_SEGMENT_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "segment/segment.h"

struct classify;

/* A table for at most @max prefixes (1 .. 65536); NULL on out-of-memory or a bad @max. */
struct classify *classify_new(size_t max);
void classify_free(struct classify *c);

/*
 * Adds @prefix/@len -> @segment. @prefix is borrowed; its family is AF_INET
 * (len 0..32) or AF_INET6 (len 0..128); host bits beyond @len are ignored.
 * Returns 0, -EINVAL (bad argument, segment >= SEGMENT_MAX), -EEXIST (the
 * prefix is already in the table) or -ENOSPC (the table is full).
 */
MUST_CHECK int classify_add(struct classify *c, const struct flow_key *prefix, unsigned int len,
			    unsigned int segment);

/* Removes @prefix/@len. Returns 0, -EINVAL or -ENOENT. */
MUST_CHECK int classify_remove(struct classify *c, const struct flow_key *prefix,
			       unsigned int len);

/* The segment of the longest prefix holding @addr, or -ENOENT, or -EINVAL. */
MUST_CHECK int classify_lookup(const struct classify *c, const struct flow_key *addr);

/* How many prefixes the table holds. */
size_t classify_size(const struct classify *c);

#endif
