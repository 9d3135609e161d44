/*
 * The segment filter's front end: checks arguments, keeps the owned mask
 * and hands the work to the NFQUEUE or the nft backend (filter.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "segment/filter.h"
#include "segment/filter_int.h"

struct seg_filter {
	enum seg_filter_backend backend;
	unsigned int count;
	uint64_t owned;
	struct seg_nfq *nfq;
	struct seg_nft *nft;
};

static uint64_t all_mask(unsigned int count)
{
	return count >= 64 ? UINT64_MAX : (UINT64_C(1) << count) - 1;
}

static bool cfg_is_valid(const struct seg_filter_cfg *cfg)
{
	if (cfg->seg.version != SEGMENT_VERSION_1 || cfg->seg.count < 1 ||
	    cfg->seg.count > SEGMENT_MAX)
		return false;
	if (cfg->family != AF_INET && cfg->family != AF_INET6)
		return false;
	switch (cfg->backend) {
	case SEG_FILTER_NFQUEUE:
		return true;
	case SEG_FILTER_NFT:
		return cfg->nft_table && cfg->nft_table[0] &&
		       strlen(cfg->nft_table) <= SEG_FILTER_TABLE_MAX;
	}
	return false;
}

int seg_filter_packet_segment(const struct seg_filter_cfg *cfg, const struct classify *cls,
			      const uint8_t *pkt, size_t len)
{
	struct flow_key src = { 0 }, dst = { 0 };
	size_t alen;
	int seg;

	if (!cfg || !pkt)
		return -EINVAL;
	if (len >= 20 && pkt[0] >> 4 == 4) {
		src.family = dst.family = AF_INET;
		memcpy(src.addr, pkt + 12, 4);
		memcpy(dst.addr, pkt + 16, 4);
		alen = 4;
	} else if (len >= 40 && pkt[0] >> 4 == 6) {
		src.family = dst.family = AF_INET6;
		memcpy(src.addr, pkt + 8, 16);
		memcpy(dst.addr, pkt + 24, 16);
		alen = 16;
	} else {
		return -EBADMSG;
	}
	if (dst.family == cfg->family && memcmp(dst.addr, cfg->cluster_ip, alen) == 0)
		return segment_of(&src, &cfg->seg); /* outer: by source */
	if (!cls)
		return -ENOENT; /* inner traffic is not judged */
	seg = classify_lookup(cls, &dst);
	return seg == -ENOENT ? segment_of(&dst, &cfg->seg) : seg;
}

const char *seg_filter_backend_name(enum seg_filter_backend b)
{
	switch (b) {
	case SEG_FILTER_NFQUEUE:
		return "nfqueue";
	case SEG_FILTER_NFT:
		return "nft";
	}
	return NULL;
}

int seg_filter_new(struct seg_filter **out, const struct seg_filter_cfg *cfg, qb_loop_t *loop)
{
	struct seg_filter *f;
	int rc;

	if (!out || !cfg || !cfg_is_valid(cfg))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->backend = cfg->backend;
	f->count = cfg->seg.count;
	if (cfg->backend == SEG_FILTER_NFQUEUE)
		rc = seg_nfq_new(&f->nfq, cfg, loop);
	else
		rc = seg_nft_new(&f->nft, cfg);
	if (rc) {
		log_seg(LOG_ERR, "segment filter (%s): cannot start: %s",
			seg_filter_backend_name(cfg->backend), strerror(-rc));
		free(f);
		return rc;
	}
	log_seg(LOG_NOTICE, "segment filter (%s): started, %u segments, none owned",
		seg_filter_backend_name(cfg->backend), f->count);
	*out = f;
	return 0;
}

void seg_filter_free(struct seg_filter *f)
{
	if (!f)
		return;
	seg_nfq_free(f->nfq);
	seg_nft_free(f->nft);
	free(f);
}

int seg_filter_set_owned(struct seg_filter *f, uint64_t owned_mask)
{
	int rc = 0;

	if (!f || (owned_mask & ~all_mask(f->count)))
		return -EINVAL;
	if (f->nfq)
		seg_nfq_set_owned(f->nfq, owned_mask);
	else
		rc = seg_nft_set_owned(f->nft, owned_mask);
	if (rc) {
		log_seg(LOG_ERR, "segment filter: cannot set owned segments 0x%llx: %s",
			(unsigned long long)owned_mask, strerror(-rc));
		return rc;
	}
	if (owned_mask != f->owned)
		log_seg(LOG_NOTICE, "segment filter: owned segments 0x%llx -> 0x%llx",
			(unsigned long long)f->owned, (unsigned long long)owned_mask);
	f->owned = owned_mask;
	return 0;
}

uint64_t seg_filter_owned(const struct seg_filter *f)
{
	return f ? f->owned : 0;
}

int seg_filter_counters(const struct seg_filter *f, unsigned int seg, uint64_t *accepted,
			uint64_t *dropped)
{
	const struct seg_filter_count *c;

	if (!f || seg >= f->count)
		return -EINVAL;
	if (f->nft)
		return seg_nft_counters(f->nft, seg, accepted, dropped);
	c = seg_nfq_counts(f->nfq);
	if (accepted)
		*accepted = c[seg].accepted;
	if (dropped)
		*dropped = c[seg].dropped;
	return 0;
}

uint64_t seg_filter_malformed(const struct seg_filter *f)
{
	return f && f->nfq ? seg_nfq_malformed(f->nfq) : 0;
}

void seg_filter_set_classifier(struct seg_filter *f, const struct classify *c)
{
	if (f && f->nfq)
		seg_nfq_set_classifier(f->nfq, c);
}

int seg_filter_dispatch(struct seg_filter *f)
{
	if (!f || !f->nfq)
		return -EINVAL;
	return seg_nfq_dispatch(f->nfq);
}
