/*
 * Traffic Selector payloads (RFC 7296 §3.13) and the Configuration payload
 * (§3.15): both a short header followed by a list of length-prefixed items.
 */
#include <errno.h>
#include <string.h>

#include "ikenode/ike_pld_ops.h"

#define TS_HDR_LEN 4 /* type, protocol, selector length */
#define CFG_ATTR_R 0x8000u

/* Selector Length of the address-range types, or 0 for other types. */
static size_t ts_fixed_len(uint8_t type)
{
	if (type == IKE_TS_IPV4_ADDR_RANGE)
		return TS_HDR_LEN + 4 + 2 * 4;
	if (type == IKE_TS_IPV6_ADDR_RANGE)
		return TS_HDR_LEN + 4 + 2 * 16;
	return 0;
}

static size_t ts_addr_len(uint8_t type)
{
	return type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
}

static int selector_parse(struct rbuf *b, struct ike_pld_pctx *c, const struct ike_ts **out)
{
	struct ike_ts *ts = ike_msg_store_take(c->store, IKE_POOL_TS);
	const uint8_t *at = b->ptr;
	uint16_t len;
	size_t fixed;
	struct rbuf sel;

	if (!ts)
		return ike_pld_fail(c, IKE_MSG_E_TOO_MANY, at, IKE_MSG_MAX_TS,
				    "too many traffic selectors");
	*out = ts;
	if (rbuf_get_u8(b, &ts->type) || rbuf_get_u8(b, &ts->ip_proto) ||
	    rbuf_get_u16(b, &len))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at, 0,
				    "selector header runs past the TS payload");
	if (len < TS_HDR_LEN || rbuf_sub(b, &sel, len - TS_HDR_LEN))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at + 2, len,
				    "Selector Length inconsistent with the TS payload");
	fixed = ts_fixed_len(ts->type);
	if (!fixed) {
		ts->raw_len = rbuf_left(&sel);
		return rbuf_get_ptr(&sel, &ts->raw, ts->raw_len);
	}
	/* 16 for IPv4, 40 for IPv6 */
	if (len != fixed)
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at + 2, len,
				    "Selector Length wrong for its TS type");
	TRY(rbuf_get_u16(&sel, &ts->start_port));
	TRY(rbuf_get_u16(&sel, &ts->end_port));
	TRY(rbuf_get_bytes(&sel, ts->start, ts_addr_len(ts->type)));
	return rbuf_get_bytes(&sel, ts->end, ts_addr_len(ts->type));
}

int ike_pld_ts_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_ts *v = &p->u.ts;
	const uint8_t *at = b->ptr;
	uint8_t n;

	TRY(rbuf_get_u8(b, &n));
	TRY(rbuf_skip(b, 3));
	v->n_ts = 0;
	v->ts = NULL;
	while (rbuf_left(b)) {
		const struct ike_ts *ts = NULL;

		if (v->n_ts == n)
			return ike_pld_fail(c, IKE_MSG_E_COUNT, at, n,
					    "more selectors than Number of TSs");
		TRY(selector_parse(b, c, &ts));
		if (!v->n_ts)
			v->ts = ts;
		v->n_ts++;
	}
	if (v->n_ts != n)
		return ike_pld_fail(c, IKE_MSG_E_COUNT, at, n,
				    "fewer selectors than Number of TSs");
	return 0;
}

static int selector_gen(const struct ike_ts *ts, struct wbuf *w)
{
	size_t fixed = ts_fixed_len(ts->type);
	size_t len = fixed ? fixed : TS_HDR_LEN + ts->raw_len;

	if (len > UINT16_MAX)
		return -EINVAL;
	TRY(wbuf_put_u8(w, ts->type));
	TRY(wbuf_put_u8(w, ts->ip_proto));
	TRY(wbuf_put_u16(w, (uint16_t)len));
	if (!fixed)
		return wbuf_put_bytes(w, ts->raw, ts->raw_len);
	TRY(wbuf_put_u16(w, ts->start_port));
	TRY(wbuf_put_u16(w, ts->end_port));
	TRY(wbuf_put_bytes(w, ts->start, ts_addr_len(ts->type)));
	return wbuf_put_bytes(w, ts->end, ts_addr_len(ts->type));
}

int ike_pld_ts_gen(const struct ike_pld *p, struct wbuf *w)
{
	const struct ike_pld_ts *v = &p->u.ts;

	if (v->n_ts > UINT8_MAX)
		return -EINVAL;
	TRY(wbuf_put_u8(w, (uint8_t)v->n_ts));
	TRY(wbuf_put_zero(w, 3));
	for (size_t i = 0; i < v->n_ts; i++)
		TRY(selector_gen(&v->ts[i], w));
	return 0;
}

/* Value lengths of the configuration attributes (RFC 7296 §3.15.1). */
enum { CFG_ANY = 0xffff, CFG_EVEN = 0xfffe };
static const struct {
	uint16_t type;
	uint16_t len; /* besides 0; or CFG_ANY / CFG_EVEN */
} cfg_lengths[] = {
	{ IKE_CFGA_INTERNAL_IP4_ADDRESS, 4 }, { IKE_CFGA_INTERNAL_IP4_NETMASK, 4 },
	{ IKE_CFGA_INTERNAL_IP4_DNS, 4 },     { IKE_CFGA_INTERNAL_IP4_NBNS, 4 },
	{ IKE_CFGA_INTERNAL_IP4_DHCP, 4 },    { IKE_CFGA_APPLICATION_VERSION, CFG_ANY },
	{ IKE_CFGA_INTERNAL_IP6_ADDRESS, 17 }, { IKE_CFGA_INTERNAL_IP6_DNS, 16 },
	{ IKE_CFGA_INTERNAL_IP6_DHCP, 16 },   { IKE_CFGA_INTERNAL_IP4_SUBNET, 8 },
	{ IKE_CFGA_SUPPORTED_ATTRIBUTES, CFG_EVEN }, { IKE_CFGA_INTERNAL_IP6_SUBNET, 17 },
};

static bool cfg_len_ok(uint16_t type, uint16_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(cfg_lengths); i++) {
		if (cfg_lengths[i].type != type)
			continue;
		if (cfg_lengths[i].len == CFG_ANY)
			return true;
		if (cfg_lengths[i].len == CFG_EVEN)
			return len % 2 == 0;
		return len == 0 || len == cfg_lengths[i].len;
	}
	return true; /* attributes we do not know: any length */
}

static int cfg_attr_parse(struct rbuf *b, struct ike_pld_pctx *c, const struct ike_cfg_attr **out)
{
	struct ike_cfg_attr *a = ike_msg_store_take(c->store, IKE_POOL_CFG_ATTR);
	const uint8_t *at = b->ptr;
	uint16_t t;

	if (!a)
		return ike_pld_fail(c, IKE_MSG_E_TOO_MANY, at, IKE_MSG_MAX_CFG_ATTRS,
				    "too many configuration attributes");
	*out = a;
	if (rbuf_get_u16(b, &t) || rbuf_get_u16(b, &a->len))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at, 0,
				    "configuration attribute header runs past the CP payload");
	a->type = t & ~CFG_ATTR_R; /* the R bit is ignored on receipt */
	if (rbuf_get_ptr(b, &a->value, a->len))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at + 2, a->len,
				    "configuration attribute runs past the CP payload");
	if (!a->len)
		a->value = NULL;
	if (!cfg_len_ok(a->type, a->len))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, at + 2, a->len,
				    "configuration attribute length invalid for its type");
	return 0;
}

int ike_pld_cp_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_cp *v = &p->u.cp;

	TRY(rbuf_get_u8(b, &v->cfg_type));
	TRY(rbuf_skip(b, 3));
	v->n_attrs = 0;
	v->attrs = NULL;
	while (rbuf_left(b)) {
		const struct ike_cfg_attr *a = NULL;

		TRY(cfg_attr_parse(b, c, &a));
		if (!v->n_attrs)
			v->attrs = a;
		v->n_attrs++;
	}
	return 0;
}

int ike_pld_cp_gen(const struct ike_pld *p, struct wbuf *w)
{
	const struct ike_pld_cp *v = &p->u.cp;

	TRY(wbuf_put_u8(w, v->cfg_type));
	TRY(wbuf_put_zero(w, 3));
	for (size_t i = 0; i < v->n_attrs; i++) {
		const struct ike_cfg_attr *a = &v->attrs[i];

		if ((a->type & CFG_ATTR_R) || !cfg_len_ok(a->type, a->len))
			return -EINVAL;
		TRY(wbuf_put_u16(w, a->type));
		TRY(wbuf_put_u16(w, a->len));
		TRY(wbuf_put_bytes(w, a->value, a->len));
	}
	return 0;
}
