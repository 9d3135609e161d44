/*
 * Internal to the segment filter (filter.c and its two backends
 * filter_nfq.c, filter_nft.c); not for other modules. filter.c validates
 * every argument before it calls a backend.
 */
#ifndef IKN_SEGMENT_FILTER_INT_H
#define IKN_SEGMENT_FILTER_INT_H

#include <stdint.h>

#include <qb/qbloop.h>

#include "common/defs.h"
#include "segment/classify.h"
#include "segment/filter.h"

/* per segment, kept by the NFQUEUE backend */
struct seg_filter_count {
	uint64_t accepted;
	uint64_t dropped;
};

struct seg_nfq;
struct seg_nft;

/* @cfg borrowed for the call, @loop borrowed (may be NULL); owned *out. */
MUST_CHECK int seg_nfq_new(struct seg_nfq **out, const struct seg_filter_cfg *cfg, qb_loop_t *loop);
void seg_nfq_free(struct seg_nfq *q);
void seg_nfq_set_owned(struct seg_nfq *q, uint64_t owned);
void seg_nfq_set_classifier(struct seg_nfq *q, const struct classify *c);
/* borrowed, valid until seg_nfq_free(): SEGMENT_MAX counters */
const struct seg_filter_count *seg_nfq_counts(const struct seg_nfq *q);
uint64_t seg_nfq_malformed(const struct seg_nfq *q);
MUST_CHECK int seg_nfq_dispatch(struct seg_nfq *q);

MUST_CHECK int seg_nft_new(struct seg_nft **out, const struct seg_filter_cfg *cfg);
void seg_nft_free(struct seg_nft *t);
MUST_CHECK int seg_nft_set_owned(struct seg_nft *t, uint64_t owned);
MUST_CHECK int seg_nft_counters(const struct seg_nft *t, unsigned int seg, uint64_t *accepted,
				uint64_t *dropped);

#endif
