#include "ikenode/auth.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "common/buf.h"
#include "ikenode/crypto_prf.h"

/* RFC 7296 §2.15: the pad that turns a shared secret into a PRF key (17 bytes, no NUL) */
static const char key_pad[] = "Key Pad for IKEv2";
#define KEY_PAD_LEN (sizeof(key_pad) - 1)

#define PRF_MAX_LEN 64
/* the RFC 7427 length octet bounds an AlgorithmIdentifier */
#define ALGID_MAX 255

/* DER tags */
#define DER_INTEGER 0x02
#define DER_NULL 0x05
#define DER_OID 0x06
#define DER_SEQUENCE 0x30
#define DER_CTX(n) (0xa0 | (n)) /* [n] EXPLICIT, constructed */

/* ---- key types ------------------------------------------------------------------------------ */

enum key_kind {
	KEY_NONE,
	KEY_RSA,
	KEY_RSA_PSS, /* an RSASSA-PSS-only key */
	KEY_EC,
	KEY_ED25519,
	KEY_ED448,
};

static enum key_kind key_kind(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "RSA"))
		return KEY_RSA;
	if (EVP_PKEY_is_a(key, "RSA-PSS"))
		return KEY_RSA_PSS;
	if (EVP_PKEY_is_a(key, "EC"))
		return KEY_EC;
	if (EVP_PKEY_is_a(key, "ED25519"))
		return KEY_ED25519;
	if (EVP_PKEY_is_a(key, "ED448"))
		return KEY_ED448;
	return KEY_NONE;
}

static bool kind_is_rsa(enum key_kind k)
{
	return k == KEY_RSA || k == KEY_RSA_PSS;
}

/* The classic ECDSA method of an EC key's curve (RFC 4754), or 0 for other curves. */
static uint8_t ec_classic_method(EVP_PKEY *key)
{
	char name[64];
	size_t n = 0;
	int nid;

	if (EVP_PKEY_get_group_name(key, name, sizeof(name), &n) != 1)
		return 0;
	nid = OBJ_sn2nid(name);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(name);
	switch (nid) {
	case NID_X9_62_prime256v1:
		return AUTH_METHOD_ECDSA_256;
	case NID_secp384r1:
		return AUTH_METHOD_ECDSA_384;
	case NID_secp521r1:
		return AUTH_METHOD_ECDSA_521;
	default:
		return 0;
	}
}

/* ---- hashes ------------------------------------------------------------------------------ */

struct hash_info {
	uint16_t id; /* AUTH_HASH_* */
	const char *md; /* OpenSSL digest name */
	size_t len;
	uint8_t oid_len;
	uint8_t oid[9]; /* contents of the OID */
};

/* 2.16.840.1.101.3.4.2.n (NIST hash algorithms) */
#define NIST_HASH_ 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02

static const struct hash_info hashes[] = {
	{ AUTH_HASH_SHA1, "SHA1", 20, 5, { 0x2b, 0x0e, 0x03, 0x02, 0x1a } },
	{ AUTH_HASH_SHA2_256, "SHA256", 32, 9, { NIST_HASH_, 0x01 } },
	{ AUTH_HASH_SHA2_384, "SHA384", 48, 9, { NIST_HASH_, 0x02 } },
	{ AUTH_HASH_SHA2_512, "SHA512", 64, 9, { NIST_HASH_, 0x03 } },
};

static const struct hash_info *hash_by_id(uint16_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(hashes); i++)
		if (hashes[i].id == id)
			return &hashes[i];
	return NULL;
}

static const struct hash_info *hash_by_oid(const struct rbuf *oid)
{
	for (size_t i = 0; i < ARRAY_SIZE(hashes); i++)
		if (hashes[i].oid_len == oid->len && !memcmp(hashes[i].oid, oid->ptr, oid->len))
			return &hashes[i];
	return NULL;
}

/* ---- signature algorithms of RFC 7427 -------------------------------------------------------- */

enum sig_kind {
	SIG_RSA_PKCS1,
	SIG_RSA_PSS,
	SIG_ECDSA,
	SIG_ED25519,
	SIG_ED448,
};

enum sig_params {
	/* PKCS#1 v1.5 sends NULL; ECDSA omits it (strongSwan accepts NULL) */
	PARAMS_NULL_OPT,
	PARAMS_ABSENT, /* RFC 8410 */
	PARAMS_PSS,
};

struct sig_alg {
	enum sig_kind kind;
	uint16_t hash; /* AUTH_HASH_*; PSS: from the parameters */
	enum sig_params params;
	bool send_null; /* our encoding carries a NULL parameter */
	uint8_t oid_len;
	uint8_t oid[9];
};

/* 1.2.840.113549.1.1.n (PKCS #1) and 1.2.840.10045.4.n (ANSI X9.62 signatures) */
#define PKCS1_ 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01
#define X962_SIG_ 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04

static const struct sig_alg sig_algs[] = {
	{ SIG_RSA_PKCS1, AUTH_HASH_SHA1, PARAMS_NULL_OPT, true, 9, { PKCS1_, 0x05 } },
	{ SIG_RSA_PKCS1, AUTH_HASH_SHA2_256, PARAMS_NULL_OPT, true, 9, { PKCS1_, 0x0b } },
	{ SIG_RSA_PKCS1, AUTH_HASH_SHA2_384, PARAMS_NULL_OPT, true, 9, { PKCS1_, 0x0c } },
	{ SIG_RSA_PKCS1, AUTH_HASH_SHA2_512, PARAMS_NULL_OPT, true, 9, { PKCS1_, 0x0d } },
	{ SIG_RSA_PSS, 0, PARAMS_PSS, false, 9, { PKCS1_, 0x0a } },
	{ SIG_ECDSA, AUTH_HASH_SHA1, PARAMS_NULL_OPT, false, 7, { X962_SIG_, 0x01 } },
	{ SIG_ECDSA, AUTH_HASH_SHA2_256, PARAMS_NULL_OPT, false, 8, { X962_SIG_, 0x03, 0x02 } },
	{ SIG_ECDSA, AUTH_HASH_SHA2_384, PARAMS_NULL_OPT, false, 8, { X962_SIG_, 0x03, 0x03 } },
	{ SIG_ECDSA, AUTH_HASH_SHA2_512, PARAMS_NULL_OPT, false, 8, { X962_SIG_, 0x03, 0x04 } },
	{ SIG_ED25519, AUTH_HASH_IDENTITY, PARAMS_ABSENT, false, 3, { 0x2b, 0x65, 0x70 } },
	{ SIG_ED448, AUTH_HASH_IDENTITY, PARAMS_ABSENT, false, 3, { 0x2b, 0x65, 0x71 } },
};

/* id-mgf1, 1.2.840.113549.1.1.8 */
static const uint8_t oid_mgf1[] = { PKCS1_, 0x08 };

static const struct sig_alg *sig_alg_find(enum sig_kind kind, uint16_t hash)
{
	for (size_t i = 0; i < ARRAY_SIZE(sig_algs); i++)
		if (sig_algs[i].kind == kind && (kind == SIG_RSA_PSS || sig_algs[i].hash == hash))
			return &sig_algs[i];
	return NULL;
}

static const struct sig_alg *sig_alg_by_oid(const struct rbuf *oid)
{
	for (size_t i = 0; i < ARRAY_SIZE(sig_algs); i++)
		if (sig_algs[i].oid_len == oid->len && !memcmp(sig_algs[i].oid, oid->ptr, oid->len))
			return &sig_algs[i];
	return NULL;
}

/* RSASSA-PSS parameters (RFC 4055 §3.1), defaults SHA-1, MGF1-SHA-1, 20 */
struct pss_params {
	const struct hash_info *hash;
	const struct hash_info *mgf1_hash;
	uint32_t salt_len;
};

/* ---- DER writing ------------------------------------------------------------------------- */

static int der_put_hdr(struct wbuf *w, uint8_t tag, size_t len)
{
	TRY(wbuf_put_u8(w, tag));
	if (len < 0x80)
		return wbuf_put_u8(w, (uint8_t)len);
	if (len <= 0xff) {
		TRY(wbuf_put_u8(w, 0x81));
		return wbuf_put_u8(w, (uint8_t)len);
	}
	TRY(wbuf_put_u8(w, 0x82));
	return wbuf_put_u16(w, (uint16_t)len);
}

static int der_put(struct wbuf *w, uint8_t tag, const void *content, size_t len)
{
	TRY(der_put_hdr(w, tag, len));
	return wbuf_put_bytes(w, content, len);
}

/* AlgorithmIdentifier { oid, NULL } of a hash (RFC 4055 sends the NULL, as strongSwan does) */
static int der_put_hash_algid(struct wbuf *w, const struct hash_info *h)
{
	uint8_t buf[32];
	struct wbuf in = wbuf_init(buf, sizeof(buf));

	TRY(der_put(&in, DER_OID, h->oid, h->oid_len));
	TRY(der_put(&in, DER_NULL, NULL, 0));
	return der_put(w, DER_SEQUENCE, in.ptr, in.len);
}

/*
 * RSASSA-PSS-params for hash h: hashAlgorithm [0], maskGenAlgorithm [1] MGF1 with h, saltLength
 * [2] = hash length; trailerField left at its DEFAULT 1 (RFC 7427 erratum 4513, strongSwan).
 */
static int der_put_pss_params(struct wbuf *w, const struct hash_info *h)
{
	uint8_t hbuf[32], mbuf[64], mgf[64], pbuf[160];
	struct wbuf hw = wbuf_init(hbuf, sizeof(hbuf)), mw = wbuf_init(mbuf, sizeof(mbuf));
	struct wbuf gw = wbuf_init(mgf, sizeof(mgf)), pw = wbuf_init(pbuf, sizeof(pbuf));
	uint8_t salt[3] = { DER_INTEGER, 1, (uint8_t)h->len }; /* hash lengths are < 0x80 */

	TRY(der_put_hash_algid(&hw, h));
	TRY(der_put(&gw, DER_OID, oid_mgf1, sizeof(oid_mgf1)));
	TRY(wbuf_put_bytes(&gw, hw.ptr, hw.len));
	TRY(der_put(&mw, DER_SEQUENCE, gw.ptr, gw.len));
	TRY(der_put(&pw, DER_CTX(0), hw.ptr, hw.len));
	TRY(der_put(&pw, DER_CTX(1), mw.ptr, mw.len));
	TRY(der_put(&pw, DER_CTX(2), salt, sizeof(salt)));
	return der_put(w, DER_SEQUENCE, pw.ptr, pw.len);
}

/* The AlgorithmIdentifier we send for alg (with hash h for PSS). */
static int der_put_sig_algid(struct wbuf *w, const struct sig_alg *alg, const struct hash_info *h)
{
	uint8_t buf[ALGID_MAX];
	struct wbuf in = wbuf_init(buf, sizeof(buf));

	TRY(der_put(&in, DER_OID, alg->oid, alg->oid_len));
	if (alg->params == PARAMS_PSS)
		TRY(der_put_pss_params(&in, h));
	else if (alg->send_null)
		TRY(der_put(&in, DER_NULL, NULL, 0));
	return der_put(w, DER_SEQUENCE, in.ptr, in.len);
}

/* ---- DER reading (strict: definite, minimal lengths; AUTH data is small) -------------------- */

static bool der_peek(const struct rbuf *r, uint8_t tag)
{
	return r->len && r->ptr[0] == tag;
}

static int der_get(struct rbuf *r, uint8_t tag, struct rbuf *content)
{
	struct rbuf save = *r;
	uint8_t t = 0, b = 0;
	uint16_t len = 0;
	int rc;

	rc = rbuf_get_u8(r, &t);
	if (!rc && t != tag)
		rc = -EBADMSG;
	if (!rc)
		rc = rbuf_get_u8(r, &b);
	if (!rc && b < 0x80) {
		len = b;
	} else if (!rc && b == 0x81) {
		rc = rbuf_get_u8(r, &b);
		if (!rc && b < 0x80)
			rc = -EBADMSG; /* not minimal */
		len = b;
	} else if (!rc && b == 0x82) {
		rc = rbuf_get_u16(r, &len);
		if (!rc && len <= 0xff)
			rc = -EBADMSG;
	} else if (!rc) {
		rc = -EBADMSG; /* indefinite, or longer than anything we accept */
	}
	if (!rc)
		rc = rbuf_sub(r, content, len);
	if (rc)
		*r = save;
	return rc;
}

/* A SEQUENCE that must fill r exactly. */
static int der_get_only_seq(struct rbuf *r, struct rbuf *content)
{
	TRY(der_get(r, DER_SEQUENCE, content));
	return rbuf_left(r) ? -EBADMSG : 0;
}

/* AlgorithmIdentifier filling r: its OID contents and the raw parameters (possibly empty) */
static int der_get_algid(struct rbuf *r, struct rbuf *oid, struct rbuf *params)
{
	struct rbuf seq;

	TRY(der_get_only_seq(r, &seq));
	TRY(der_get(&seq, DER_OID, oid));
	if (!oid->len)
		return -EBADMSG;
	*params = seq;
	return 0;
}

static bool is_der_null(const struct rbuf *params)
{
	return params->len == 2 && params->ptr[0] == DER_NULL && params->ptr[1] == 0;
}

/* A hash AlgorithmIdentifier filling r; parameters absent or NULL (RFC 4055 §2.1). */
static int der_get_hash_algid(struct rbuf *r, const struct hash_info **h)
{
	struct rbuf oid, params;

	TRY(der_get_algid(r, &oid, &params));
	if (params.len && !is_der_null(&params))
		return -EBADMSG;
	*h = hash_by_oid(&oid);
	return *h ? 0 : -ENOTSUP;
}

/* A non-negative DER INTEGER filling r, at most 0xffff. */
static int der_get_small_uint(struct rbuf *r, uint32_t *v)
{
	struct rbuf in;

	TRY(der_get(r, DER_INTEGER, &in));
	if (rbuf_left(r) || !in.len || in.ptr[0] & 0x80)
		return -EBADMSG; /* trailing bytes, empty, negative */
	if (in.len > 1 && in.ptr[0] == 0 && !(in.ptr[1] & 0x80))
		return -EBADMSG; /* not minimal */
	if (in.ptr[0] == 0) {
		in.ptr++;
		in.len--;
	}
	if (in.len > 2)
		return -EBADMSG;
	*v = 0;
	for (size_t i = 0; i < in.len; i++)
		*v = *v << 8 | in.ptr[i];
	return 0;
}

/* RSASSA-PSS-params (RFC 4055 §3.1): fields in order, each optional; nothing else. */
static int der_get_pss_params(struct rbuf params, struct pss_params *p)
{
	struct rbuf seq, field, oid, mgf_params;
	uint32_t trailer;

	p->hash = hash_by_id(AUTH_HASH_SHA1);
	p->mgf1_hash = p->hash;
	p->salt_len = 20;
	/* the parameters are required in a signature AlgorithmIdentifier, and not NULL */
	TRY(der_get_only_seq(&params, &seq));
	if (der_peek(&seq, DER_CTX(0))) {
		TRY(der_get(&seq, DER_CTX(0), &field));
		TRY(der_get_hash_algid(&field, &p->hash));
	}
	if (der_peek(&seq, DER_CTX(1))) {
		TRY(der_get(&seq, DER_CTX(1), &field));
		TRY(der_get_algid(&field, &oid, &mgf_params));
		if (oid.len != sizeof(oid_mgf1) || memcmp(oid.ptr, oid_mgf1, oid.len))
			return -ENOTSUP;
		TRY(der_get_hash_algid(&mgf_params, &p->mgf1_hash));
	}
	if (der_peek(&seq, DER_CTX(2))) {
		TRY(der_get(&seq, DER_CTX(2), &field));
		TRY(der_get_small_uint(&field, &p->salt_len));
	}
	if (der_peek(&seq, DER_CTX(3))) {
		TRY(der_get(&seq, DER_CTX(3), &field));
		TRY(der_get_small_uint(&field, &trailer));
		if (trailer != 1)
			return -EBADMSG; /* trailerFieldBC is the only one defined */
	}
	/* a field out of order, repeated, or unknown */
	return rbuf_left(&seq) ? -EBADMSG : 0;
}

/*
 * Splits method 14 AUTH data into the AlgorithmIdentifier (parsed into *alg and, for PSS, *pss)
 * and the signature. 0, -EBADMSG, -ENOTSUP.
 */
static int parse_sig_data(const uint8_t *data, size_t len, const struct sig_alg **alg,
			  struct pss_params *pss, struct rbuf *sig)
{
	struct rbuf r = rbuf_init(data, len), algid, oid, params;
	uint8_t algid_len;

	TRY(rbuf_get_u8(&r, &algid_len));
	TRY(rbuf_sub(&r, &algid, algid_len));
	TRY(der_get_algid(&algid, &oid, &params));
	*alg = sig_alg_by_oid(&oid);
	if (!*alg)
		return -ENOTSUP;
	switch ((*alg)->params) {
	case PARAMS_NULL_OPT:
		if (params.len && !is_der_null(&params))
			return -EBADMSG;
		break;
	case PARAMS_ABSENT:
		if (params.len)
			return -EBADMSG;
		break;
	case PARAMS_PSS:
		TRY(der_get_pss_params(params, pss));
		break;
	}
	if (!rbuf_left(&r))
		return -EBADMSG;
	*sig = r;
	return 0;
}

/* ---- EVP signing and verification ---------------------------------------------------------- */

/* md NULL for EdDSA; pss NULL unless RSASSA-PSS */
static int evp_sign(EVP_PKEY *key, const char *md, const struct pss_params *pss, const uint8_t *tbs,
		    size_t tbs_len, uint8_t *sig, size_t *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int rc = -EIO;

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestSignInit_ex(ctx, &pctx, md, NULL, NULL, key, NULL) != 1)
		goto out;
	if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, pss->mgf1_hash->md, NULL) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)pss->salt_len) != 1))
		goto out;
	if (EVP_DigestSign(ctx, sig, sig_len, tbs, tbs_len) == 1)
		rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* The signature size of key (an upper bound for ECDSA DER). */
static int sig_max_len(EVP_PKEY *key, size_t *len)
{
	int n = EVP_PKEY_get_size(key);

	if (n <= 0)
		return -EIO;
	*len = (size_t)n;
	return 0;
}

static int evp_verify(EVP_PKEY *pub, const char *md, const struct pss_params *pss,
		      const uint8_t *sig, size_t sig_len, const uint8_t *tbs, size_t tbs_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int rc = -EACCES;

	if (!ctx)
		return -ENOMEM;
	/* anything that fails here comes from the peer's choice of algorithm: not accepted */
	if (EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL, pub, NULL) != 1)
		goto out;
	if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, pss->mgf1_hash->md, NULL) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)pss->salt_len) != 1))
		goto out;
	if (EVP_DigestVerify(ctx, sig, sig_len, tbs, tbs_len) == 1)
		rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* DER Ecdsa-Sig-Value -> r | s, each flen bytes (RFC 4754 §7) */
static int ecdsa_der_to_raw(const uint8_t *der, size_t der_len, size_t flen, uint8_t *raw)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	const BIGNUM *r, *s;
	int rc = -EIO;

	if (!es)
		return -EIO;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, raw, (int)flen) == (int)flen &&
	    BN_bn2binpad(s, raw + flen, (int)flen) == (int)flen)
		rc = 0;
	ECDSA_SIG_free(es);
	return rc;
}

/* r | s (2 * flen bytes) -> malloc'd DER Ecdsa-Sig-Value */
static int ecdsa_raw_to_der(const uint8_t *raw, size_t flen, uint8_t **der, size_t *der_len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)flen, NULL), *s = BN_bin2bn(raw + flen, (int)flen, NULL);
	unsigned char *out = NULL;
	int n, rc = -ENOMEM;

	if (!es || !r || !s)
		goto out;
	if (ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by es */
	n = i2d_ECDSA_SIG(es, &out);
	if (n <= 0)
		goto out;
	*der = out;
	*der_len = (size_t)n;
	rc = 0;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return rc;
}

/* The field size in bytes of a classic ECDSA method. */
static size_t ecdsa_field_len(uint8_t method)
{
	switch (method) {
	case AUTH_METHOD_ECDSA_256:
		return 32;
	case AUTH_METHOD_ECDSA_384:
		return 48;
	case AUTH_METHOD_ECDSA_521:
		return 66;
	default:
		return 0;
	}
}

static uint16_t ecdsa_classic_hash(uint8_t method)
{
	return method == AUTH_METHOD_ECDSA_256	 ? AUTH_HASH_SHA2_256
	       : method == AUTH_METHOD_ECDSA_384 ? AUTH_HASH_SHA2_384
						 : AUTH_HASH_SHA2_512;
}

/* ---- public API ------------------------------------------------------------------------------ */

int auth_octets(struct crypto_prf *prf, const struct secret *sk_p, const uint8_t *msg,
		size_t msg_len, const uint8_t *nonce, size_t nonce_len, const uint8_t *id_body,
		size_t id_body_len, uint8_t **out, size_t *out_len)
{
	struct crypto_iov iov;
	size_t plen, total;
	uint8_t *buf;
	int rc;

	if (out)
		*out = NULL;
	if (!prf || !sk_p || !sk_p->ptr || !sk_p->len || !msg || !msg_len || !nonce || !nonce_len ||
	    !id_body || id_body_len < 4 || !out || !out_len)
		return -EINVAL;
	plen = crypto_prf_len(prf);
	if (msg_len > SIZE_MAX - plen || nonce_len > SIZE_MAX - plen - msg_len)
		return -EINVAL;
	total = msg_len + nonce_len + plen;
	buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, msg, msg_len);
	memcpy(buf + msg_len, nonce, nonce_len);
	iov = (struct crypto_iov){ .base = id_body, .len = id_body_len };
	rc = crypto_prf_compute(prf, sk_p->ptr, sk_p->len, &iov, 1, buf + msg_len + nonce_len);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = total;
	return 0;
}

int auth_psk_compute(struct crypto_prf *prf, const struct secret *psk, const uint8_t *octets,
		     size_t len, struct secret *out)
{
	uint8_t key[PRF_MAX_LEN];
	struct crypto_iov pad = { key_pad, KEY_PAD_LEN }, data = { octets, len };
	size_t plen;
	int rc;

	if (out)
		*out = (struct secret){ NULL, 0 };
	if (!prf || !psk || !psk->ptr || !psk->len || !octets || !len || !out)
		return -EINVAL;
	plen = crypto_prf_len(prf);
	if (!plen || plen > sizeof(key))
		return -EINVAL;
	rc = secret_alloc(out, plen);
	if (rc)
		return rc;
	rc = crypto_prf_compute(prf, psk->ptr, psk->len, &pad, 1, key);
	if (!rc)
		rc = crypto_prf_compute(prf, key, plen, &data, 1, out->ptr);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc)
		secret_free(out);
	return rc;
}

int auth_psk_verify(struct crypto_prf *prf, const struct secret *psk, const uint8_t *octets,
		    size_t len, const uint8_t *auth_data, size_t auth_len)
{
	struct secret want = { NULL, 0 };
	int rc;

	if (!auth_data && auth_len)
		return -EINVAL;
	rc = auth_psk_compute(prf, psk, octets, len, &want);
	if (rc)
		return rc;
	/* the length is public (the PRF's); only the contents are compared in constant time */
	if (auth_len != want.len || CRYPTO_memcmp(want.ptr, auth_data, want.len))
		rc = -EACCES;
	secret_free(&want);
	return rc;
}

/* what we announce, in this order (strongSwan's) */
static const uint16_t our_hashes[] = {
	AUTH_HASH_SHA2_256,
	AUTH_HASH_SHA2_384,
	AUTH_HASH_SHA2_512,
	AUTH_HASH_IDENTITY,
};

int auth_sig_hash_notify(uint8_t *buf, size_t cap, size_t *len)
{
	struct wbuf w;

	if (!buf || !len)
		return -EINVAL;
	w = wbuf_init(buf, cap);
	*len = 0;
	for (size_t i = 0; i < ARRAY_SIZE(our_hashes); i++) {
		if (wbuf_put_u16(&w, our_hashes[i])) {
			*len = w.len;
			return -ENOBUFS;
		}
	}
	*len = w.len;
	return 0;
}

static bool peer_has_hash(const uint8_t *peer, size_t len, uint16_t hash)
{
	for (size_t i = 0; peer && i + 1 < len; i += 2)
		if ((uint16_t)(peer[i] << 8 | peer[i + 1]) == hash)
			return true;
	return false;
}

int auth_sig_choose(EVP_PKEY *key, const uint8_t *peer_hashes, size_t peer_len, uint8_t *method,
		    uint16_t *hash)
{
	static const uint16_t strongest_first[] = { AUTH_HASH_SHA2_512, AUTH_HASH_SHA2_384,
						    AUTH_HASH_SHA2_256 };
	enum key_kind kind;

	if (!key || (!peer_hashes && peer_len) || !method || !hash)
		return -EINVAL;
	kind = key_kind(key);
	switch (kind) {
	case KEY_ED25519:
	case KEY_ED448:
		if (!peer_has_hash(peer_hashes, peer_len, AUTH_HASH_IDENTITY))
			return -ENOTSUP;
		*method = AUTH_METHOD_DIGITAL_SIG;
		*hash = AUTH_HASH_IDENTITY;
		return 0;
	case KEY_RSA:
	case KEY_RSA_PSS:
	case KEY_EC:
		for (size_t i = 0; i < ARRAY_SIZE(strongest_first); i++) {
			if (peer_has_hash(peer_hashes, peer_len, strongest_first[i])) {
				*method = AUTH_METHOD_DIGITAL_SIG;
				*hash = strongest_first[i];
				return 0;
			}
		}
		break;
	case KEY_NONE:
		return -ENOTSUP;
	}
	/* no RFC 7427, or no common hash: the classic methods */
	if (kind == KEY_RSA) {
		*method = AUTH_METHOD_RSA_SIG;
		*hash = AUTH_HASH_SHA1;
		return 0;
	}
	if (kind == KEY_EC && ec_classic_method(key)) {
		*method = ec_classic_method(key);
		*hash = ecdsa_classic_hash(*method);
		return 0;
	}
	return -ENOTSUP;
}

/* Method 14: length octet | AlgorithmIdentifier | signature */
static int sign_digital(EVP_PKEY *key, enum key_kind kind, uint16_t hash, bool rsa_pss,
			const uint8_t *octets, size_t len, uint8_t **auth_data, size_t *auth_len)
{
	uint8_t algid[ALGID_MAX];
	struct wbuf w = wbuf_init(algid, sizeof(algid));
	const struct hash_info *h = NULL;
	const struct sig_alg *alg;
	struct pss_params pss;
	size_t max, sig_len;
	uint8_t *buf;
	int rc;

	switch (kind) {
	case KEY_RSA:
	case KEY_RSA_PSS:
		if (kind == KEY_RSA_PSS)
			rsa_pss = true;
		alg = sig_alg_find(rsa_pss ? SIG_RSA_PSS : SIG_RSA_PKCS1, hash);
		break;
	case KEY_EC:
		alg = sig_alg_find(SIG_ECDSA, hash);
		break;
	case KEY_ED25519:
		alg = sig_alg_find(SIG_ED25519, hash);
		break;
	case KEY_ED448:
		alg = sig_alg_find(SIG_ED448, hash);
		break;
	default:
		return -ENOTSUP;
	}
	if (!alg)
		return -ENOTSUP;
	if (alg->kind != SIG_ED25519 && alg->kind != SIG_ED448) {
		/* we sign with the SHA-2 hashes only (RFC 8247 §3.2) */
		h = hash == AUTH_HASH_SHA1 ? NULL : hash_by_id(hash);
		if (!h)
			return -ENOTSUP;
	}
	pss = (struct pss_params){ h, h, h ? (uint32_t)h->len : 0 };
	rc = der_put_sig_algid(&w, alg, h);
	if (rc)
		return -EIO; /* our tables do not fit: a bug */
	TRY(sig_max_len(key, &max));
	buf = malloc(1 + w.len + max);
	if (!buf)
		return -ENOMEM;
	buf[0] = (uint8_t)w.len;
	memcpy(buf + 1, w.ptr, w.len);
	sig_len = max;
	rc = evp_sign(key, h ? h->md : NULL, alg->kind == SIG_RSA_PSS ? &pss : NULL, octets, len,
		      buf + 1 + w.len, &sig_len);
	if (rc) {
		free(buf);
		return rc;
	}
	*auth_data = buf;
	*auth_len = 1 + w.len + sig_len;
	return 0;
}

/* Methods 9/10/11: raw r | s */
static int sign_ecdsa_classic(EVP_PKEY *key, uint8_t method, const uint8_t *octets, size_t len,
			      uint8_t **auth_data, size_t *auth_len)
{
	const struct hash_info *h = hash_by_id(ecdsa_classic_hash(method));
	size_t flen = ecdsa_field_len(method), max, der_len;
	uint8_t *der = NULL, *raw = NULL;
	int rc;

	TRY(sig_max_len(key, &max));
	der = malloc(max);
	raw = malloc(2 * flen);
	rc = der && raw ? 0 : -ENOMEM;
	der_len = max;
	if (!rc)
		rc = evp_sign(key, h->md, NULL, octets, len, der, &der_len);
	if (!rc)
		rc = ecdsa_der_to_raw(der, der_len, flen, raw);
	free(der);
	if (rc) {
		free(raw);
		return rc;
	}
	*auth_data = raw;
	*auth_len = 2 * flen;
	return 0;
}

int auth_sig_sign(EVP_PKEY *key, uint8_t method, uint16_t hash, bool rsa_pss, const uint8_t *octets,
		  size_t len, uint8_t **auth_data, size_t *auth_len)
{
	enum key_kind kind;
	size_t max = 0;
	int rc;

	if (auth_data)
		*auth_data = NULL;
	if (!key || !octets || !len || !auth_data || !auth_len)
		return -EINVAL;
	kind = key_kind(key);
	switch (method) {
	case AUTH_METHOD_DIGITAL_SIG:
		return sign_digital(key, kind, hash, rsa_pss, octets, len, auth_data, auth_len);
	case AUTH_METHOD_RSA_SIG:
		if (kind != KEY_RSA || rsa_pss || (hash && hash != AUTH_HASH_SHA1))
			return -ENOTSUP;
		TRY(sig_max_len(key, &max));
		*auth_data = malloc(max);
		if (!*auth_data)
			return -ENOMEM;
		rc = evp_sign(key, "SHA1", NULL, octets, len, *auth_data, &max);
		if (rc) {
			free(*auth_data);
			*auth_data = NULL;
			return rc;
		}
		*auth_len = max;
		return 0;
	case AUTH_METHOD_ECDSA_256:
	case AUTH_METHOD_ECDSA_384:
	case AUTH_METHOD_ECDSA_521:
		if (kind != KEY_EC || ec_classic_method(key) != method ||
		    (hash && hash != ecdsa_classic_hash(method)))
			return -ENOTSUP;
		return sign_ecdsa_classic(key, method, octets, len, auth_data, auth_len);
	default:
		return -ENOTSUP;
	}
}

static bool sig_fits_key(const struct sig_alg *alg, enum key_kind kind)
{
	switch (alg->kind) {
	case SIG_RSA_PKCS1:
		return kind == KEY_RSA;
	case SIG_RSA_PSS:
		return kind_is_rsa(kind);
	case SIG_ECDSA:
		return kind == KEY_EC;
	case SIG_ED25519:
		return kind == KEY_ED25519;
	case SIG_ED448:
		return kind == KEY_ED448;
	}
	return false;
}

static int verify_digital(EVP_PKEY *pub, enum key_kind kind, const uint8_t *auth_data,
			  size_t auth_len, const uint8_t *octets, size_t len)
{
	const struct sig_alg *alg = NULL;
	struct pss_params pss;
	const struct hash_info *h;
	struct rbuf sig;

	TRY(parse_sig_data(auth_data, auth_len, &alg, &pss, &sig));
	if (!sig_fits_key(alg, kind))
		return -EACCES;
	switch (alg->kind) {
	case SIG_RSA_PSS:
		return evp_verify(pub, pss.hash->md, &pss, sig.ptr, sig.len, octets, len);
	case SIG_ED25519:
	case SIG_ED448:
		return evp_verify(pub, NULL, NULL, sig.ptr, sig.len, octets, len);
	default:
		h = hash_by_id(alg->hash);
		return evp_verify(pub, h->md, NULL, sig.ptr, sig.len, octets, len);
	}
}

static int verify_ecdsa_classic(EVP_PKEY *pub, uint8_t method, const uint8_t *auth_data,
				size_t auth_len, const uint8_t *octets, size_t len)
{
	size_t flen = ecdsa_field_len(method), der_len = 0;
	const struct hash_info *h = hash_by_id(ecdsa_classic_hash(method));
	uint8_t *der = NULL;
	int rc;

	if (auth_len != 2 * flen)
		return -EBADMSG;
	if (ec_classic_method(pub) != method)
		return -EACCES;
	TRY(ecdsa_raw_to_der(auth_data, flen, &der, &der_len));
	rc = evp_verify(pub, h->md, NULL, der, der_len, octets, len);
	OPENSSL_free(der);
	return rc;
}

int auth_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth_data, size_t auth_len,
		    const uint8_t *octets, size_t len)
{
	enum key_kind kind;
	int rc;

	if (!pub || (!auth_data && auth_len) || !octets || !len)
		return -EINVAL;
	kind = key_kind(pub);
	/* keep OpenSSL's complaints about the peer's data out of the thread's error queue */
	ERR_set_mark();
	switch (method) {
	case AUTH_METHOD_DIGITAL_SIG:
		rc = verify_digital(pub, kind, auth_data, auth_len, octets, len);
		break;
	case AUTH_METHOD_RSA_SIG:
		if (!auth_len)
			rc = -EBADMSG;
		else if (kind != KEY_RSA)
			rc = -EACCES;
		else
			rc = evp_verify(pub, "SHA1", NULL, auth_data, auth_len, octets, len);
		break;
	case AUTH_METHOD_ECDSA_256:
	case AUTH_METHOD_ECDSA_384:
	case AUTH_METHOD_ECDSA_521:
		if (kind != KEY_EC)
			rc = auth_len == 2 * ecdsa_field_len(method) ? -EACCES : -EBADMSG;
		else
			rc = verify_ecdsa_classic(pub, method, auth_data, auth_len, octets, len);
		break;
	default:
		rc = -ENOTSUP;
		break;
	}
	ERR_pop_to_mark();
	return rc;
}

static const char *hash_suffix_name(const char *const names[4], uint16_t hash)
{
	return hash >= AUTH_HASH_SHA1 && hash <= AUTH_HASH_SHA2_512 ? names[hash - 1] : "UNKNOWN";
}

static const char *const pkcs1_names[] = { "RSA_EMSA_PKCS1_SHA1", "RSA_EMSA_PKCS1_SHA2_256",
					   "RSA_EMSA_PKCS1_SHA2_384", "RSA_EMSA_PKCS1_SHA2_512" };
static const char *const pss_names[] = { "RSA_EMSA_PSS_SHA1", "RSA_EMSA_PSS_SHA2_256",
					 "RSA_EMSA_PSS_SHA2_384", "RSA_EMSA_PSS_SHA2_512" };
static const char *const ecdsa_names[] = { "ECDSA_WITH_SHA1", "ECDSA_WITH_SHA2_256",
					   "ECDSA_WITH_SHA2_384", "ECDSA_WITH_SHA2_512" };

const char *auth_sig_name(EVP_PKEY *key, uint8_t method, uint16_t hash, bool rsa_pss)
{
	switch (method) {
	case AUTH_METHOD_RSA_SIG:
		return "RSA_EMSA_PKCS1_SHA1";
	case AUTH_METHOD_ECDSA_256:
		return "ECDSA_256";
	case AUTH_METHOD_ECDSA_384:
		return "ECDSA_384";
	case AUTH_METHOD_ECDSA_521:
		return "ECDSA_521";
	case AUTH_METHOD_DIGITAL_SIG:
		break;
	default:
		return "UNKNOWN";
	}
	switch (key ? key_kind(key) : KEY_NONE) {
	case KEY_RSA:
		return hash_suffix_name(rsa_pss ? pss_names : pkcs1_names, hash);
	case KEY_RSA_PSS:
		return hash_suffix_name(pss_names, hash);
	case KEY_EC:
		return hash_suffix_name(ecdsa_names, hash);
	case KEY_ED25519:
		return "ED25519";
	case KEY_ED448:
		return "ED448";
	default:
		return "UNKNOWN";
	}
}

const char *auth_sig_data_name(const uint8_t *auth_data, size_t auth_len)
{
	const struct sig_alg *alg = NULL;
	struct pss_params pss;
	struct rbuf sig;

	if (!auth_data || parse_sig_data(auth_data, auth_len, &alg, &pss, &sig))
		return "UNKNOWN";
	switch (alg->kind) {
	case SIG_RSA_PKCS1:
		return hash_suffix_name(pkcs1_names, alg->hash);
	case SIG_RSA_PSS:
		return hash_suffix_name(pss_names, pss.hash->id);
	case SIG_ECDSA:
		return hash_suffix_name(ecdsa_names, alg->hash);
	case SIG_ED25519:
		return "ED25519";
	case SIG_ED448:
		return "ED448";
	}
	return "UNKNOWN";
}
