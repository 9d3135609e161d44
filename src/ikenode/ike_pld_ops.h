/*
 * Internal to the codec: the per-payload operations table that drives both
 * parsing and generation (STYLE.md §6), and the parse context the payload
 * parsers share. Not for use outside ike_msg.c / ike_pld_*.c.
 */
#ifndef IKN_IKENODE_IKE_PLD_OPS_H
#define IKN_IKENODE_IKE_PLD_OPS_H

#include <stdint.h>

#include "common/buf.h"
#include "common/defs.h"
#include "ikenode/ike_msg.h"

/* The pools of a parsed message's storage (ike_msg.c). */
enum ike_store_pool {
	IKE_POOL_PROPOSAL,
	IKE_POOL_TRANSFORM,
	IKE_POOL_TATTR,
	IKE_POOL_TS,
	IKE_POOL_CFG_ATTR,
	IKE_POOL_COUNT,
};

/* What a payload parser needs besides its body. */
struct ike_pld_pctx {
	const uint8_t *base; /* start of the buffer parsed: offsets count from here */
	struct ike_msg_store *store;
	struct ike_msg_err *err;
	uint8_t type; /* payload being parsed */
};

/*
 * The next free item of a pool (zeroed; consecutive calls give consecutive
 * items), or NULL when the pool is full. Borrowed from the store.
 */
void *ike_msg_store_take(struct ike_msg_store *s, enum ike_store_pool pool);

/* Records an error at `at` (inside the parsed buffer) and returns -EBADMSG. */
int ike_pld_fail(struct ike_pld_pctx *c, enum ike_msg_errcode code, const uint8_t *at,
		 uint32_t value, const char *detail);

struct ike_pld_ops {
	/* the smallest Payload Length (generic header included) */
	uint16_t min_len;
	/* fills p->u from the body (exactly the payload's bytes after its header) */
	MUST_CHECK int (*parse)(struct ike_pld *p, struct rbuf *body, struct ike_pld_pctx *c);
	/* writes the body of p (not the generic header); -EINVAL on a bad value */
	MUST_CHECK int (*gen)(const struct ike_pld *p, struct wbuf *w);
};

/* The operations of a payload type, or NULL for types the codec does not know. */
const struct ike_pld_ops *ike_pld_ops_get(uint8_t type);

/* SA and TS live in their own files; the table in ike_pld_ops.c refers to them. */
MUST_CHECK int ike_pld_sa_parse(struct ike_pld *p, struct rbuf *body, struct ike_pld_pctx *c);
MUST_CHECK int ike_pld_sa_gen(const struct ike_pld *p, struct wbuf *w);
MUST_CHECK int ike_pld_ts_parse(struct ike_pld *p, struct rbuf *body, struct ike_pld_pctx *c);
MUST_CHECK int ike_pld_ts_gen(const struct ike_pld *p, struct wbuf *w);
MUST_CHECK int ike_pld_cp_parse(struct ike_pld *p, struct rbuf *body, struct ike_pld_pctx *c);
MUST_CHECK int ike_pld_cp_gen(const struct ike_pld *p, struct wbuf *w);

/* Offset of a position inside the buffer being parsed. */
static inline size_t ike_pld_off(const struct ike_pld_pctx *c, const uint8_t *at)
{
	return (size_t)(at - c->base);
}

#endif
