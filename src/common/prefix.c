/*
 * prefix: ranges as CIDR prefixes (prefix.h).
 */
#include "common/prefix.h"

#include <errno.h>
#include <string.h>

/* a with its host bits below bits set */
static void fill_host(uint8_t *a, size_t n, unsigned int bits)
{
	for (unsigned int b = 0; b < bits; b++)
		a[n - 1 - b / 8] |= (uint8_t)(1u << (b % 8));
}

int prefix_cover(const uint8_t *from, const uint8_t *to, size_t n, unsigned int max,
		 prefix_fn fn, void *ctx)
{
	uint8_t cur[16], last[16];
	unsigned int count = 0;

	memcpy(cur, from, n);
	for (;;) {
		unsigned int host = 0; /* host bits of the largest aligned block at cur within to */

		for (unsigned int bits = 1; bits <= n * 8; bits++) {
			if (cur[n - 1 - (bits - 1) / 8] & (1u << ((bits - 1) % 8)))
				break;
			memcpy(last, cur, n);
			fill_host(last, n, bits);
			if (memcmp(last, to, n) > 0)
				break;
			host = bits;
		}
		if (++count > max)
			return -E2BIG;
		fn(ctx, cur, (unsigned int)(n * 8 - host));
		memcpy(last, cur, n);
		fill_host(last, n, host);
		if (!memcmp(last, to, n))
			return (int)count;
		memcpy(cur, last, n); /* cur = last + 1 */
		for (size_t i = n; i-- > 0;)
			if (++cur[i])
				break;
	}
}
