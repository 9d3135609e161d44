/*
 * segment_of() version 1: the kernel's jhash (lookup3, Bob Jenkins 2006,
 * as include/linux/jhash.h arranges it) over the raw address bytes, scaled
 * onto the segment count like nft_hash.c's reciprocal_scale().
 */
#include <errno.h>
#include <sys/socket.h>

#include "segment/segment.h"

#define JHASH_INITVAL 0xdeadbeefu

static uint32_t rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* little-endian load: what the kernel's get_unaligned_cpu32() gives on x86 */
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct jstate {
	uint32_t a, b, c;
};

static void jmix(struct jstate *s)
{
	s->a -= s->c; s->a ^= rol32(s->c, 4);  s->c += s->b;
	s->b -= s->a; s->b ^= rol32(s->a, 6);  s->a += s->c;
	s->c -= s->b; s->c ^= rol32(s->b, 8);  s->b += s->a;
	s->a -= s->c; s->a ^= rol32(s->c, 16); s->c += s->b;
	s->b -= s->a; s->b ^= rol32(s->a, 19); s->a += s->c;
	s->c -= s->b; s->c ^= rol32(s->b, 4);  s->b += s->a;
}

static void jfinal(struct jstate *s)
{
	s->c ^= s->b; s->c -= rol32(s->b, 14);
	s->a ^= s->c; s->a -= rol32(s->c, 11);
	s->b ^= s->a; s->b -= rol32(s->a, 25);
	s->c ^= s->b; s->c -= rol32(s->b, 16);
	s->a ^= s->c; s->a -= rol32(s->c, 4);
	s->b ^= s->a; s->b -= rol32(s->a, 14);
	s->c ^= s->b; s->c -= rol32(s->b, 24);
}

uint32_t segment_jhash(const uint8_t *key, size_t len, uint32_t initval)
{
	struct jstate s;
	uint8_t tail[12] = { 0 };
	size_t i;

	s.a = s.b = s.c = JHASH_INITVAL + (uint32_t)len + initval;
	/* all but the last block, which may be 1..12 bytes long */
	for (; len > 12; len -= 12, key += 12) {
		s.a += le32(key);
		s.b += le32(key + 4);
		s.c += le32(key + 8);
		jmix(&s);
	}
	if (len == 0)
		return s.c; /* the kernel returns without the final mix */
	/* the kernel adds the tail bytes little-endian, zero-padded */
	for (i = 0; i < len; i++)
		tail[i] = key[i];
	s.a += le32(tail);
	s.b += le32(tail + 4);
	s.c += le32(tail + 8);
	jfinal(&s);
	return s.c;
}

int segment_of(const struct flow_key *key, const struct segment_cfg *cfg)
{
	size_t len;

	if (!key || !cfg || cfg->version != SEGMENT_VERSION_1 || cfg->count < 1 ||
	    cfg->count > SEGMENT_MAX)
		return -EINVAL;
	if (key->family == AF_INET)
		len = 4;
	else if (key->family == AF_INET6)
		len = 16;
	else
		return -EINVAL;
	return (int)segment_scale(segment_jhash(key->addr, len, cfg->seed), cfg->count);
}
