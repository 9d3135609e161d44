/*
 * prefix: an address range as the fewest CIDR prefixes (the shape routes,
 * selectors and classification tables need).
 */
#ifndef IKN_COMMON_PREFIX_H
#define IKN_COMMON_PREFIX_H

#include <stddef.h>
#include <stdint.h>

/* One prefix: addr (n bytes, borrowed for the call) / plen. */
typedef void (*prefix_fn)(void *ctx, const uint8_t *addr, unsigned int plen);

/*
 * Covers from..to (inclusive, n = 4 or 16 bytes, network order, from <= to)
 * with the fewest prefixes, in ascending order, calling fn for each of the
 * first max. Returns how many there were, or -E2BIG when more than max are
 * needed (fn was called for the first max).
 */
int prefix_cover(const uint8_t *from, const uint8_t *to, size_t n, unsigned int max,
		 prefix_fn fn, void *ctx);

#endif
