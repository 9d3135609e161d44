/*
 * The SA payload (RFC 7296 §3.3): proposals, their transforms and the
 * transforms' attributes, each length checked against its parent.
 */
#include <errno.h>

#include "ikenode/ike_pld_ops.h"

#define LAST_PROPOSAL_MORE 2
#define LAST_TRANSFORM_MORE 3
#define TATTR_AF 0x8000u
#define SUBSTRUC_HDR_LEN 8
#define TATTR_HDR_LEN 4

static bool proposal_spi_ok(uint8_t protocol, uint8_t spi_size)
{
	/* 0 in IKE_SA_INIT, 8 when rekeying the IKE SA, 4 for AH and ESP */
	if (protocol == IKE_PROTO_IKE)
		return spi_size == 0 || spi_size == IKE_IKE_SPI_LEN;
	return (protocol == IKE_PROTO_AH || protocol == IKE_PROTO_ESP) && spi_size == 4;
}

static int tattr_parse(struct rbuf *b, struct ike_pld_pctx *c, const struct ike_tattr **out)
{
	struct ike_tattr *a = ike_msg_store_take(c->store, IKE_POOL_TATTR);
	const uint8_t *at = b->ptr;
	uint16_t t;

	if (!a)
		return ike_pld_fail(c, IKE_MSG_E_TOO_MANY, at, IKE_MSG_MAX_TATTRS,
				    "too many transform attributes");
	*out = a;
	if (rbuf_get_u16(b, &t) || rbuf_get_u16(b, &a->tv_value))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at, 0,
				    "transform attribute runs past its transform");
	a->type = t & ~TATTR_AF;
	a->tv = t & TATTR_AF;
	if (!a->tv) {
		a->len = a->tv_value;
		a->tv_value = 0;
		if (rbuf_get_ptr(b, &a->value, a->len))
			return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at, a->len,
					    "transform attribute value runs past its transform");
	}
	/* RFC 7296 §3.3.5: Key Length is a TV attribute */
	if (a->type == IKE_TATTR_KEY_LENGTH && !a->tv)
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, at, a->type,
				    "Key Length attribute not in TV format");
	return 0;
}

static int transform_parse(struct rbuf *b, bool *more, struct ike_pld_pctx *c,
			   const struct ike_transform **out)
{
	struct ike_transform *t = ike_msg_store_take(c->store, IKE_POOL_TRANSFORM);
	const uint8_t *at = b->ptr;
	uint8_t last, reserved;
	uint16_t len;
	struct rbuf attrs;

	if (!t)
		return ike_pld_fail(c, IKE_MSG_E_TOO_MANY, at, IKE_MSG_MAX_TRANSFORMS,
				    "too many transforms");
	*out = t;
	if (rbuf_left(b) < SUBSTRUC_HDR_LEN)
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at, (uint32_t)rbuf_left(b),
				    "transform header runs past its proposal");
	TRY(rbuf_get_u8(b, &last));
	TRY(rbuf_get_u8(b, &reserved));
	TRY(rbuf_get_u16(b, &len));
	TRY(rbuf_get_u8(b, &t->type));
	TRY(rbuf_get_u8(b, &reserved));
	TRY(rbuf_get_u16(b, &t->id));
	if (last != 0 && last != LAST_TRANSFORM_MORE)
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, at, last,
				    "transform Last Substruc neither 0 nor 3");
	if (len < SUBSTRUC_HDR_LEN || rbuf_sub(b, &attrs, len - SUBSTRUC_HDR_LEN))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at + 2, len,
				    "Transform Length inconsistent with its proposal");
	*more = last == LAST_TRANSFORM_MORE;
	t->n_attrs = 0;
	t->attrs = NULL;
	while (rbuf_left(&attrs)) {
		const struct ike_tattr *a = NULL;

		TRY(tattr_parse(&attrs, c, &a));
		/* consecutive takes are consecutive items: the first is the array */
		if (!t->n_attrs)
			t->attrs = a;
		t->n_attrs++;
	}
	return 0;
}

static int proposal_parse(struct rbuf *b, bool *more, struct ike_pld_pctx *c,
			  const struct ike_proposal **out)
{
	struct ike_proposal *p = ike_msg_store_take(c->store, IKE_POOL_PROPOSAL);
	const uint8_t *at = b->ptr;
	uint8_t last, reserved, n_transforms;
	uint16_t len;
	struct rbuf body;
	bool tmore = false;

	if (!p)
		return ike_pld_fail(c, IKE_MSG_E_TOO_MANY, at, IKE_MSG_MAX_PROPOSALS,
				    "too many proposals");
	*out = p;
	if (rbuf_left(b) < SUBSTRUC_HDR_LEN)
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at, (uint32_t)rbuf_left(b),
				    "proposal header runs past the SA payload");
	TRY(rbuf_get_u8(b, &last));
	TRY(rbuf_get_u8(b, &reserved));
	TRY(rbuf_get_u16(b, &len));
	TRY(rbuf_get_u8(b, &p->num));
	TRY(rbuf_get_u8(b, &p->protocol));
	TRY(rbuf_get_u8(b, &p->spi_size));
	TRY(rbuf_get_u8(b, &n_transforms));
	if (last != 0 && last != LAST_PROPOSAL_MORE)
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, at, last,
				    "proposal Last Substruc neither 0 nor 2");
	if (len < SUBSTRUC_HDR_LEN || rbuf_sub(b, &body, len - SUBSTRUC_HDR_LEN))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at + 2, len,
				    "Proposal Length inconsistent with the SA payload");
	if (!proposal_spi_ok(p->protocol, p->spi_size))
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, at + 6, p->spi_size,
				    "proposal protocol or SPI size invalid");
	if (rbuf_get_ptr(&body, &p->spi, p->spi_size))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at + 2, len,
				    "proposal SPI runs past the proposal");
	if (!p->spi_size)
		p->spi = NULL;
	*more = last == LAST_PROPOSAL_MORE;
	p->n_transforms = 0;
	p->transforms = NULL;
	while (rbuf_left(&body)) {
		const struct ike_transform *t = NULL;

		if (p->n_transforms && !tmore)
			return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, body.ptr, 0,
					    "transform after the last transform");
		TRY(transform_parse(&body, &tmore, c, &t));
		if (!p->n_transforms)
			p->transforms = t;
		p->n_transforms++;
	}
	if (tmore)
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, body.ptr, 0,
				    "last transform marked as not last");
	if (p->n_transforms != n_transforms)
		return ike_pld_fail(c, IKE_MSG_E_COUNT, at + 7, n_transforms,
				    "Num Transforms does not match the transforms present");
	return 0;
}

/*
 * RFC 7296 §3.3.1: numbers count up by one from the first; the first is 1
 * in a request and the accepted number in a response (so any but 0 here).
 * prev: the previous proposal's number, -1 for the first proposal.
 */
static bool proposal_num_ok(int prev, uint8_t num)
{
	return prev < 0 ? num != 0 : num == prev + 1;
}

int ike_pld_sa_parse(struct ike_pld *pld, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_sa *v = &pld->u.sa;
	bool more = true;

	v->n_proposals = 0;
	v->proposals = NULL;
	while (rbuf_left(b)) {
		const struct ike_proposal *p = NULL;
		const uint8_t *at = b->ptr;

		if (!more)
			return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, b->ptr, 0,
					    "proposal after the last proposal");
		TRY(proposal_parse(b, &more, c, &p));
		if (!proposal_num_ok(v->n_proposals ? v->proposals[v->n_proposals - 1].num : -1,
				     p->num))
			return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, at + 4, p->num,
					    "Proposal Num 0 or not one more than the previous");
		if (!v->n_proposals)
			v->proposals = p;
		v->n_proposals++;
	}
	if (more)
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, b->ptr, 0,
				    "last proposal marked as not last");
	return 0;
}

static int tattr_gen(const struct ike_tattr *a, struct wbuf *w)
{
	if (a->type & TATTR_AF)
		return -EINVAL;
	if (a->tv) {
		TRY(wbuf_put_u16(w, (uint16_t)(a->type | TATTR_AF)));
		return wbuf_put_u16(w, a->tv_value);
	}
	if (a->type == IKE_TATTR_KEY_LENGTH)
		return -EINVAL;
	TRY(wbuf_put_u16(w, a->type));
	TRY(wbuf_put_u16(w, a->len));
	return wbuf_put_bytes(w, a->value, a->len);
}

static int transform_gen(const struct ike_transform *t, bool last, struct wbuf *w)
{
	size_t start = w->len, len_off;

	TRY(wbuf_put_u8(w, last ? 0 : LAST_TRANSFORM_MORE));
	TRY(wbuf_put_u8(w, 0));
	TRY(wbuf_reserve(w, 2, &len_off));
	TRY(wbuf_put_u8(w, t->type));
	TRY(wbuf_put_u8(w, 0));
	TRY(wbuf_put_u16(w, t->id));
	for (size_t i = 0; i < t->n_attrs; i++)
		TRY(tattr_gen(&t->attrs[i], w));
	if (w->len - start > UINT16_MAX)
		return -EINVAL;
	return wbuf_set_u16(w, len_off, (uint16_t)(w->len - start));
}

static int proposal_gen(const struct ike_proposal *p, bool last, struct wbuf *w)
{
	size_t start = w->len, len_off;

	if (!proposal_spi_ok(p->protocol, p->spi_size) || p->n_transforms > UINT8_MAX)
		return -EINVAL;
	TRY(wbuf_put_u8(w, last ? 0 : LAST_PROPOSAL_MORE));
	TRY(wbuf_put_u8(w, 0));
	TRY(wbuf_reserve(w, 2, &len_off));
	TRY(wbuf_put_u8(w, p->num));
	TRY(wbuf_put_u8(w, p->protocol));
	TRY(wbuf_put_u8(w, p->spi_size));
	TRY(wbuf_put_u8(w, (uint8_t)p->n_transforms));
	TRY(wbuf_put_bytes(w, p->spi, p->spi_size));
	for (size_t i = 0; i < p->n_transforms; i++)
		TRY(transform_gen(&p->transforms[i], i + 1 == p->n_transforms, w));
	if (w->len - start > UINT16_MAX)
		return -EINVAL;
	return wbuf_set_u16(w, len_off, (uint16_t)(w->len - start));
}

int ike_pld_sa_gen(const struct ike_pld *pld, struct wbuf *w)
{
	const struct ike_pld_sa *v = &pld->u.sa;

	if (!v->n_proposals)
		return -EINVAL;
	for (size_t i = 0; i < v->n_proposals; i++)
		if (!proposal_num_ok(i ? v->proposals[i - 1].num : -1, v->proposals[i].num))
			return -EINVAL;
	for (size_t i = 0; i < v->n_proposals; i++)
		TRY(proposal_gen(&v->proposals[i], i + 1 == v->n_proposals, w));
	return 0;
}
