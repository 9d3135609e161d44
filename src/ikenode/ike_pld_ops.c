/*
 * The payload operations table (one row per payload type, shared by the
 * parser and the generator) and the payloads with a flat body: KE, IDi/IDr,
 * CERT, CERTREQ, AUTH, Nonce, Notify, Delete, Vendor ID, SK, SKF, EAP.
 * SA lives in ike_pld_sa.c, TS and CP in ike_pld_ts.c.
 */
#include "ikenode/ike_pld_ops.h"

#include <errno.h>
#include <stddef.h>

/* Fixed public value lengths (RFC 7296 §3.4 and the group definitions). */
static const struct {
	uint16_t group;
	uint16_t len;
} ke_lengths[] = {
	{ IKE_DH_MODP768, 96 },      { IKE_DH_MODP1024, 128 },    { IKE_DH_MODP1536, 192 },
	{ IKE_DH_MODP2048, 256 },    { IKE_DH_MODP3072, 384 },    { IKE_DH_MODP4096, 512 },
	{ IKE_DH_MODP6144, 768 },    { IKE_DH_MODP8192, 1024 },   { IKE_DH_ECP256, 64 },
	{ IKE_DH_ECP384, 96 },       { IKE_DH_ECP521, 132 },      { IKE_DH_MODP1024_160, 128 },
	{ IKE_DH_MODP2048_224, 256 }, { IKE_DH_MODP2048_256, 256 }, { IKE_DH_ECP192, 48 },
	{ IKE_DH_ECP224, 56 },       { IKE_DH_BRAINPOOL224, 56 }, { IKE_DH_BRAINPOOL256, 64 },
	{ IKE_DH_BRAINPOOL384, 96 }, { IKE_DH_BRAINPOOL512, 128 }, { IKE_DH_CURVE25519, 32 },
	{ IKE_DH_CURVE448, 56 },
};

/* Notification Data lengths we know (RFC 7296 §3.10.1 and the extensions). */
enum { ND_EVEN = 1 };
static const struct {
	uint16_t type;
	uint16_t min, max;
	uint8_t flags;
} notify_lengths[] = {
	{ IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, 1, 1, 0 },
	{ IKE_N_INVALID_MESSAGE_ID, 4, 4, 0 },
	{ IKE_N_INVALID_KE_PAYLOAD, 2, 2, 0 },
	{ IKE_N_SET_WINDOW_SIZE, 4, 4, 0 },
	{ IKE_N_IPCOMP_SUPPORTED, 3, 3, 0 },
	{ IKE_N_NAT_DETECTION_SOURCE_IP, 20, 20, 0 },
	{ IKE_N_NAT_DETECTION_DESTINATION_IP, 20, 20, 0 },
	{ IKE_N_COOKIE, 1, 64, 0 },
	{ IKE_N_ADDITIONAL_IP4_ADDRESS, 4, 4, 0 },
	{ IKE_N_ADDITIONAL_IP6_ADDRESS, 16, 16, 0 },
	{ IKE_N_AUTH_LIFETIME, 4, 4, 0 },
	{ IKE_N_IKEV2_MESSAGE_ID_SYNC, 12, 12, 0 },
	{ IKE_N_SIGNATURE_HASH_ALGORITHMS, 0, 65535, ND_EVEN },
	{ IKE_N_USE_AGGFRAG, 1, 1, 0 },
};

/* the public value length fits the group (any length for unknown groups) */
static bool ke_len_ok(uint16_t group, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(ke_lengths); i++)
		if (ke_lengths[i].group == group)
			return ke_lengths[i].len == len;
	return true;
}

static int ke_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_ke *v = &p->u.ke;

	TRY(rbuf_get_u16(b, &v->group));
	TRY(rbuf_skip(b, 2));
	v->len = rbuf_left(b);
	if (!ke_len_ok(v->group, v->len))
		return ike_pld_fail(c, IKE_MSG_E_PLD_LENGTH, b->ptr, (uint32_t)v->len,
				    "KE data length does not match its group");
	return rbuf_get_ptr(b, &v->data, v->len);
}

static int ke_gen(const struct ike_pld *p, struct wbuf *w)
{
	if (!ke_len_ok(p->u.ke.group, p->u.ke.len))
		return -EINVAL;
	TRY(wbuf_put_u16(w, p->u.ke.group));
	TRY(wbuf_put_u16(w, 0));
	return wbuf_put_bytes(w, p->u.ke.data, p->u.ke.len);
}

/* the identification data length fits the ID type (fixed for addresses, NULL) */
static bool id_len_ok(uint8_t id_type, size_t len)
{
	switch (id_type) {
	case IKE_ID_IPV4_ADDR:
		return len == 4;
	case IKE_ID_IPV6_ADDR:
		return len == 16;
	case IKE_ID_NULL:
		return len == 0;
	default:
		return true;
	}
}

static int id_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_id *v = &p->u.id;

	TRY(rbuf_get_u8(b, &v->id_type));
	TRY(rbuf_skip(b, 3));
	v->len = rbuf_left(b);
	if (!id_len_ok(v->id_type, v->len))
		return ike_pld_fail(c, IKE_MSG_E_PLD_LENGTH, b->ptr, (uint32_t)v->len,
				    "ID data length does not match its ID type");
	return rbuf_get_ptr(b, &v->data, v->len);
}

static int id_gen(const struct ike_pld *p, struct wbuf *w)
{
	if (!id_len_ok(p->u.id.id_type, p->u.id.len))
		return -EINVAL;
	TRY(wbuf_put_u8(w, p->u.id.id_type));
	TRY(wbuf_put_zero(w, 3));
	return wbuf_put_bytes(w, p->u.id.data, p->u.id.len);
}

static int cert_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	UNUSED(c);
	TRY(rbuf_get_u8(b, &p->u.cert.encoding));
	p->u.cert.len = rbuf_left(b);
	return rbuf_get_ptr(b, &p->u.cert.data, p->u.cert.len);
}

static int cert_gen(const struct ike_pld *p, struct wbuf *w)
{
	TRY(wbuf_put_u8(w, p->u.cert.encoding));
	return wbuf_put_bytes(w, p->u.cert.data, p->u.cert.len);
}

static int auth_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_auth *v = &p->u.auth;
	struct rbuf d;

	TRY(rbuf_get_u8(b, &v->method));
	TRY(rbuf_skip(b, 3));
	v->len = rbuf_left(b);
	v->data = b->ptr;
	d = rbuf_init(v->data, v->len);
	TRY(rbuf_skip(b, v->len));
	if (v->method == IKE_AUTH_DIGITAL_SIG) {
		/* RFC 7427 §3: ASN.1 length (1), AlgorithmIdentifier, signature */
		uint8_t alen;

		if (rbuf_get_u8(&d, &alen) || rbuf_get_ptr(&d, &v->sig_alg, alen))
			return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, d.ptr, v->len,
					    "AlgorithmIdentifier runs past the AUTH data");
		v->sig_alg_len = alen;
		v->sig_len = rbuf_left(&d);
		v->sig = d.ptr;
	}
	return 0;
}

static int auth_gen(const struct ike_pld *p, struct wbuf *w)
{
	TRY(wbuf_put_u8(w, p->u.auth.method));
	TRY(wbuf_put_zero(w, 3));
	return wbuf_put_bytes(w, p->u.auth.data, p->u.auth.len);
}

static int nonce_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	p->u.nonce.len = rbuf_left(b);
	if (p->u.nonce.len > IKE_NONCE_MAX)
		return ike_pld_fail(c, IKE_MSG_E_PLD_LENGTH, b->ptr, (uint32_t)p->u.nonce.len,
				    "Nonce longer than 256 octets");
	return rbuf_get_ptr(b, &p->u.nonce.data, p->u.nonce.len);
}

static int nonce_gen(const struct ike_pld *p, struct wbuf *w)
{
	if (p->u.nonce.len < IKE_NONCE_MIN || p->u.nonce.len > IKE_NONCE_MAX)
		return -EINVAL;
	return wbuf_put_bytes(w, p->u.nonce.data, p->u.nonce.len);
}

static int data_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	UNUSED(c);
	p->u.vendor.len = rbuf_left(b);
	return rbuf_get_ptr(b, &p->u.vendor.data, p->u.vendor.len);
}

static int data_gen(const struct ike_pld *p, struct wbuf *w)
{
	return wbuf_put_bytes(w, p->u.vendor.data, p->u.vendor.len);
}

static bool spi_size_ok(uint8_t protocol, uint8_t spi_size)
{
	switch (protocol) {
	case IKE_PROTO_IKE:
		return spi_size == 0 || spi_size == IKE_IKE_SPI_LEN;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		return spi_size == 4;
	default:
		return false;
	}
}

/* the Notification Data length fits the notify type (any for types not listed) */
static bool notify_len_ok(uint16_t type, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(notify_lengths); i++) {
		if (notify_lengths[i].type != type)
			continue;
		return len >= notify_lengths[i].min && len <= notify_lengths[i].max &&
		       !((notify_lengths[i].flags & ND_EVEN) && len % 2);
	}
	return true;
}

static int notify_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_notify *v = &p->u.notify;

	TRY(rbuf_get_u8(b, &v->protocol));
	TRY(rbuf_get_u8(b, &v->spi_size));
	TRY(rbuf_get_u16(b, &v->type));
	/* the protocol is ignored when there is no SPI (RFC 7296 §3.10) */
	if (v->spi_size && !spi_size_ok(v->protocol, v->spi_size))
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, b->ptr - 3, v->spi_size,
				    "Notify SPI size invalid for its protocol");
	if (rbuf_get_ptr(b, &v->spi, v->spi_size))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, b->ptr, v->spi_size,
				    "Notify SPI runs past the payload");
	if (!v->spi_size)
		v->spi = NULL;
	v->len = rbuf_left(b);
	if (!notify_len_ok(v->type, v->len))
		return ike_pld_fail(c, IKE_MSG_E_PLD_LENGTH, b->ptr, (uint32_t)v->len,
				    "Notification Data length invalid for its type");
	return rbuf_get_ptr(b, &v->data, v->len);
}

static int notify_gen(const struct ike_pld *p, struct wbuf *w)
{
	const struct ike_pld_notify *v = &p->u.notify;

	if ((v->spi_size && !spi_size_ok(v->protocol, v->spi_size)) ||
	    !notify_len_ok(v->type, v->len))
		return -EINVAL;
	TRY(wbuf_put_u8(w, v->protocol));
	TRY(wbuf_put_u8(w, v->spi_size));
	TRY(wbuf_put_u16(w, v->type));
	TRY(wbuf_put_bytes(w, v->spi, v->spi_size));
	return wbuf_put_bytes(w, v->data, v->len);
}

static bool delete_ok(uint8_t protocol, uint8_t spi_size, uint16_t n)
{
	if (protocol == IKE_PROTO_IKE)
		return spi_size == 0 && n == 0;
	return (protocol == IKE_PROTO_AH || protocol == IKE_PROTO_ESP) && spi_size == 4;
}

static int delete_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_delete *v = &p->u.del;
	const uint8_t *at = b->ptr;

	TRY(rbuf_get_u8(b, &v->protocol));
	TRY(rbuf_get_u8(b, &v->spi_size));
	TRY(rbuf_get_u16(b, &v->n_spis));
	if (!delete_ok(v->protocol, v->spi_size, v->n_spis))
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, at, v->spi_size,
				    "Delete protocol, SPI size and count inconsistent");
	if (rbuf_left(b) != (size_t)v->n_spis * v->spi_size)
		return ike_pld_fail(c, IKE_MSG_E_COUNT, b->ptr, v->n_spis,
				    "Delete length is not Num of SPIs * SPI Size");
	return rbuf_get_ptr(b, &v->spis, rbuf_left(b));
}

static int delete_gen(const struct ike_pld *p, struct wbuf *w)
{
	const struct ike_pld_delete *v = &p->u.del;

	if (!delete_ok(v->protocol, v->spi_size, v->n_spis))
		return -EINVAL;
	TRY(wbuf_put_u8(w, v->protocol));
	TRY(wbuf_put_u8(w, v->spi_size));
	TRY(wbuf_put_u16(w, v->n_spis));
	return wbuf_put_bytes(w, v->spis, (size_t)v->n_spis * v->spi_size);
}

static int sk_body(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	p->u.sk.body_len = rbuf_left(b);
	p->u.sk.body_off = ike_pld_off(c, b->ptr);
	return rbuf_get_ptr(b, &p->u.sk.body, p->u.sk.body_len);
}

static int sk_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	p->u.sk.frag_num = p->u.sk.total_frags = 0;
	return sk_body(p, b, c);
}

static int sk_gen(const struct ike_pld *p, struct wbuf *w)
{
	return wbuf_put_bytes(w, p->u.sk.body, p->u.sk.body_len);
}

static bool skf_ok(uint16_t num, uint16_t total)
{
	return num >= 1 && total >= 1 && num <= total;
}

static int skf_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_sk *v = &p->u.sk;

	TRY(rbuf_get_u16(b, &v->frag_num));
	TRY(rbuf_get_u16(b, &v->total_frags));
	/* RFC 7383 §2.5: numbers start at 1, never above the total */
	if (!skf_ok(v->frag_num, v->total_frags))
		return ike_pld_fail(c, IKE_MSG_E_BAD_VALUE, b->ptr - 4, v->frag_num,
				    "SKF Fragment Number not in 1 .. Total Fragments");
	return sk_body(p, b, c);
}

static int skf_gen(const struct ike_pld *p, struct wbuf *w)
{
	if (!skf_ok(p->u.sk.frag_num, p->u.sk.total_frags))
		return -EINVAL;
	TRY(wbuf_put_u16(w, p->u.sk.frag_num));
	TRY(wbuf_put_u16(w, p->u.sk.total_frags));
	return sk_gen(p, w);
}

static bool eap_has_type(uint8_t code)
{
	return code != IKE_EAP_CODE_SUCCESS && code != IKE_EAP_CODE_FAILURE;
}

static int eap_parse(struct ike_pld *p, struct rbuf *b, struct ike_pld_pctx *c)
{
	struct ike_pld_eap *v = &p->u.eap;
	uint16_t len;

	v->msg = b->ptr;
	v->len = rbuf_left(b);
	TRY(rbuf_get_u8(b, &v->code));
	TRY(rbuf_get_u8(b, &v->id));
	TRY(rbuf_get_u16(b, &len));
	if (len != v->len)
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, b->ptr - 2, len,
				    "EAP Length does not match the payload");
	v->type = 0;
	if (eap_has_type(v->code) && rbuf_get_u8(b, &v->type))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, b->ptr, len,
				    "EAP Request/Response without a Type");
	if (!eap_has_type(v->code) && rbuf_left(b))
		return ike_pld_fail(c, IKE_MSG_E_SUB_LENGTH, b->ptr, len,
				    "EAP Success/Failure longer than 4 octets");
	v->type_data_len = rbuf_left(b);
	v->type_data = v->type_data_len ? b->ptr : NULL;
	return rbuf_skip(b, v->type_data_len);
}

static int eap_gen(const struct ike_pld *p, struct wbuf *w)
{
	const struct ike_pld_eap *v = &p->u.eap;
	bool typed = eap_has_type(v->code);
	size_t len = 4 + (typed ? 1 : 0) + v->type_data_len;

	if (len > UINT16_MAX || (!typed && v->type_data_len))
		return -EINVAL;
	TRY(wbuf_put_u8(w, v->code));
	TRY(wbuf_put_u8(w, v->id));
	TRY(wbuf_put_u16(w, (uint16_t)len));
	if (typed)
		TRY(wbuf_put_u8(w, v->type));
	return wbuf_put_bytes(w, v->type_data, v->type_data_len);
}

static const struct ike_pld_ops pld_ops[] = {
	[IKE_PLD_SA] = { 12, ike_pld_sa_parse, ike_pld_sa_gen },
	[IKE_PLD_KE] = { 8, ke_parse, ke_gen },
	[IKE_PLD_IDI] = { 8, id_parse, id_gen },
	[IKE_PLD_IDR] = { 8, id_parse, id_gen },
	[IKE_PLD_CERT] = { 5, cert_parse, cert_gen },
	[IKE_PLD_CERTREQ] = { 5, cert_parse, cert_gen },
	[IKE_PLD_AUTH] = { 8, auth_parse, auth_gen },
	[IKE_PLD_NONCE] = { IKE_PLD_HDR_LEN + IKE_NONCE_MIN, nonce_parse, nonce_gen },
	[IKE_PLD_NOTIFY] = { 8, notify_parse, notify_gen },
	[IKE_PLD_DELETE] = { 8, delete_parse, delete_gen },
	[IKE_PLD_VENDOR] = { 4, data_parse, data_gen },
	[IKE_PLD_TSI] = { 8, ike_pld_ts_parse, ike_pld_ts_gen },
	[IKE_PLD_TSR] = { 8, ike_pld_ts_parse, ike_pld_ts_gen },
	[IKE_PLD_SK] = { 4, sk_parse, sk_gen },
	[IKE_PLD_CP] = { 8, ike_pld_cp_parse, ike_pld_cp_gen },
	[IKE_PLD_EAP] = { 8, eap_parse, eap_gen },
	[IKE_PLD_SKF] = { IKE_SKF_HDR_LEN, skf_parse, skf_gen },
};

const struct ike_pld_ops *ike_pld_ops_get(uint8_t type)
{
	if (type >= ARRAY_SIZE(pld_ops) || !pld_ops[type].parse)
		return NULL;
	return &pld_ops[type];
}
