/*
 * segment_of(): which segment a flow belongs to. Pure, versioned and
 * identical on every node (docs/segments.md).
 *
 * Version 1 is defined to equal the kernel's nftables expression
 * `jhash ip saddr mod N seed S` (`jhash ip6 saddr ...` for IPv6) and the
 * xt_cluster match: Bob Jenkins' lookup3 hash as the Linux kernel's jhash()
 * computes it, over the address bytes exactly as they lie in the packet
 * (network order, no byte swap; 4 or 16 bytes), then ((u64)hash * N) >> 32.
 * Segments are numbered from 0 to N - 1, as nft's `mod N` numbers them;
 * xt_cluster's --cluster-local-node is that number plus one.
 */
#ifndef IKN_SEGMENT_SEGMENT_H
#define IKN_SEGMENT_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

/* the largest segment count; segment numbers are 0 .. SEGMENT_MAX - 1 */
#define SEGMENT_MAX 64
#define SEGMENT_VERSION_1 1

/* A documented value type: a flow's source address. */
struct flow_key {
	uint8_t family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order; AF_INET uses addr[0..3] */
};

struct segment_cfg {
	uint8_t version; /* SEGMENT_VERSION_1 */
	uint8_t count;	 /* 1 .. SEGMENT_MAX */
	uint32_t seed;	 /* nft's `seed S` */
};

/*
 * The segment (0 .. cfg->count - 1) of @key, or -EINVAL for a NULL
 * argument, an unknown family or version, or a count outside 1..64.
 * Both arguments are borrowed for the call.
 */
MUST_CHECK int segment_of(const struct flow_key *key, const struct segment_cfg *cfg);

/*
 * The Linux kernel's jhash(key, len, initval), bit-exact as computed by a
 * little-endian kernel (x86, arm64): 32-bit words are read little-endian.
 */
uint32_t segment_jhash(const uint8_t *key, size_t len, uint32_t initval);

/* The kernel's reciprocal_scale(): maps a 32-bit hash onto 0 .. n - 1. */
static inline uint32_t segment_scale(uint32_t hash, uint32_t n)
{
	return (uint32_t)(((uint64_t)hash * n) >> 32);
}

#endif
