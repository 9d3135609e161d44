/*
 * A sorted array, ordered by (family, prefix length descending, masked
 * address). Lookup tries each prefix length in use, longest first, with a
 * binary search for the masked address: O(lengths x log n), no per-packet
 * allocation, and a structure simple enough to be obviously right. Changes
 * (rare: a peer comes or goes) shift the array, O(n).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "segment/classify.h"

#define CLASSIFY_MAX 65536

struct classify_entry {
	uint8_t family;
	uint8_t len;
	uint8_t segment;
	uint8_t addr[16]; /* masked to len bits */
};

struct classify {
	size_t n, max;
	/* how many entries of each length: [0] IPv4, [1] IPv6 */
	uint32_t per_len[2][129];
	struct classify_entry *e;
};

static int family_bits(uint8_t family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : -1;
}

static void mask(uint8_t *out, const uint8_t *in, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (len >= 8 * (i + 1))
			out[i] = in[i];
		else if (len > 8 * i)
			out[i] = in[i] & (uint8_t)(0xff << (8 - (len - 8 * i)));
		else
			out[i] = 0;
	}
}

static int entry_cmp(const struct classify_entry *x, const struct classify_entry *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* the position of @key, or where it would go; *found says which */
static size_t find(const struct classify *c, const struct classify_entry *key, bool *found)
{
	size_t lo = 0, hi = c->n, mid;
	int r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = entry_cmp(&c->e[mid], key);
		if (r == 0) {
			*found = true;
			return mid;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static int make_key(const struct flow_key *p, unsigned int len, struct classify_entry *key)
{
	int bits = p ? family_bits(p->family) : -1;

	if (bits < 0 || len > (unsigned int)bits)
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	key->family = p->family;
	key->len = (uint8_t)len;
	mask(key->addr, p->addr, len);
	return 0;
}

struct classify *classify_new(size_t max)
{
	struct classify *c;

	if (max < 1 || max > CLASSIFY_MAX)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->e = calloc(max, sizeof(*c->e));
	if (!c->e) {
		free(c);
		return NULL;
	}
	c->max = max;
	return c;
}

void classify_free(struct classify *c)
{
	if (!c)
		return;
	free(c->e);
	free(c);
}

int classify_add(struct classify *c, const struct flow_key *prefix, unsigned int len,
		 unsigned int segment)
{
	struct classify_entry key;
	size_t at;
	bool found;

	if (!c || segment >= SEGMENT_MAX || make_key(prefix, len, &key) < 0)
		return -EINVAL;
	key.segment = (uint8_t)segment;
	at = find(c, &key, &found);
	if (found)
		return -EEXIST;
	if (c->n == c->max)
		return -ENOSPC;
	memmove(&c->e[at + 1], &c->e[at], (c->n - at) * sizeof(*c->e));
	c->e[at] = key;
	c->n++;
	c->per_len[key.family == AF_INET6][len]++;
	return 0;
}

int classify_remove(struct classify *c, const struct flow_key *prefix, unsigned int len)
{
	struct classify_entry key;
	size_t at;
	bool found;

	if (!c || make_key(prefix, len, &key) < 0)
		return -EINVAL;
	at = find(c, &key, &found);
	if (!found)
		return -ENOENT;
	memmove(&c->e[at], &c->e[at + 1], (c->n - at - 1) * sizeof(*c->e));
	c->n--;
	c->per_len[key.family == AF_INET6][len]--;
	return 0;
}

int classify_lookup(const struct classify *c, const struct flow_key *addr)
{
	struct classify_entry key;
	const uint32_t *per_len;
	size_t at;
	bool found;
	int len;

	if (!c || !addr || family_bits(addr->family) < 0)
		return -EINVAL;
	per_len = c->per_len[addr->family == AF_INET6];
	for (len = family_bits(addr->family); len >= 0; len--) {
		if (!per_len[len])
			continue;
		if (make_key(addr, (unsigned int)len, &key) < 0)
			return -EINVAL;
		at = find(c, &key, &found);
		if (found)
			return c->e[at].segment;
	}
	return -ENOENT;
}

size_t classify_size(const struct classify *c)
{
	return c ? c->n : 0;
}
