#include "ikenode/crypto_dh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include "common/secret.h"
#include "ikenode/crypto_ids.h"

enum dh_kind { DH_MODP, DH_ECP, DH_ECX };

/* the largest public value: MODP-4096 */
#define DH_MAX_PUBLIC 512

static const struct dh_info {
	uint16_t id;
	enum dh_kind kind;
	const char *name; /* group name (MODP, ECP) or key type (ECX) */
	size_t len;	  /* prime / field / key length in bytes */
	int nid;	  /* ECP curve */
} dh_info[] = {
	{ CRYPTO_DH_MODP_2048, DH_MODP, "modp_2048", 256, 0 },
	{ CRYPTO_DH_MODP_3072, DH_MODP, "modp_3072", 384, 0 },
	{ CRYPTO_DH_MODP_4096, DH_MODP, "modp_4096", 512, 0 },
	{ CRYPTO_DH_ECP_256, DH_ECP, "P-256", 32, NID_X9_62_prime256v1 },
	{ CRYPTO_DH_ECP_384, DH_ECP, "P-384", 48, NID_secp384r1 },
	{ CRYPTO_DH_ECP_521, DH_ECP, "P-521", 66, NID_secp521r1 },
	{ CRYPTO_DH_CURVE25519, DH_ECX, "X25519", 32, 0 },
	{ CRYPTO_DH_CURVE448, DH_ECX, "X448", 56, 0 },
};

#define DH_GROUPS ARRAY_SIZE(dh_info)

struct crypto_dh_groups {
	OSSL_LIB_CTX *libctx;
	char *propq;
	/* domain parameters (MODP, ECP); NULL for ECX and unavailable groups */
	EVP_PKEY *params[DH_GROUPS];
	/* MODP: p - 1, big-endian, padded to the prime length */
	uint8_t *p_minus_1[DH_GROUPS];
	bool available[DH_GROUPS];
};

struct crypto_dh {
	const struct crypto_dh_groups *groups;
	const struct dh_info *info;
	size_t idx;
	EVP_PKEY *key;
	uint8_t pub[DH_MAX_PUBLIC];
	size_t pub_len;
};

static const struct dh_info *find_group(uint16_t group, size_t *idx)
{
	size_t i;

	for (i = 0; i < DH_GROUPS; i++)
		if (dh_info[i].id == group) {
			if (idx)
				*idx = i;
			return &dh_info[i];
		}
	return NULL;
}

size_t crypto_dh_public_len_of(uint16_t group)
{
	const struct dh_info *info = find_group(group, NULL);

	if (!info)
		return 0;
	return info->kind == DH_ECP ? 2 * info->len : info->len;
}

size_t crypto_dh_shared_len_of(uint16_t group)
{
	const struct dh_info *info = find_group(group, NULL);

	return info ? info->len : 0;
}

static EVP_PKEY *build_params(OSSL_LIB_CTX *libctx, const char *propq,
			      const struct dh_info *info)
{
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;

	ctx = EVP_PKEY_CTX_new_from_name(libctx, info->kind == DH_MODP ? "DH" : "EC", propq);
	if (!ctx)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)info->name, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEY_PARAMETERS, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static uint8_t *modp_p_minus_1(const EVP_PKEY *params, size_t len)
{
	BIGNUM *p = NULL;
	uint8_t *out = NULL;

	if (!EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p))
		return NULL;
	if ((size_t)BN_num_bytes(p) == len && BN_sub_word(p, 1)) {
		out = malloc(len);
		if (out && BN_bn2binpad(p, out, (int)len) != (int)len) {
			free(out);
			out = NULL;
		}
	}
	BN_free(p);
	return out;
}

static bool ecx_available(OSSL_LIB_CTX *libctx, const char *propq, const char *name)
{
	EVP_KEYMGMT *km = EVP_KEYMGMT_fetch(libctx, name, propq);

	EVP_KEYMGMT_free(km);
	return km != NULL;
}

int crypto_dh_groups_new(struct crypto_dh_groups **out, OSSL_LIB_CTX *libctx, const char *propq)
{
	struct crypto_dh_groups *g;
	size_t i;

	if (!out)
		return -EINVAL;
	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->libctx = libctx;
	if (propq) {
		g->propq = strdup(propq);
		if (!g->propq) {
			free(g);
			return -ENOMEM;
		}
	}
	for (i = 0; i < DH_GROUPS; i++) {
		const struct dh_info *info = &dh_info[i];

		if (info->kind == DH_ECX) {
			g->available[i] = ecx_available(libctx, propq, info->name);
			continue;
		}
		g->params[i] = build_params(libctx, propq, info);
		if (g->params[i] && info->kind == DH_MODP) {
			g->p_minus_1[i] = modp_p_minus_1(g->params[i], info->len);
			if (!g->p_minus_1[i]) {
				EVP_PKEY_free(g->params[i]);
				g->params[i] = NULL;
			}
		}
		g->available[i] = g->params[i] != NULL;
	}
	/* unavailable groups are not an error for the caller's error queue */
	ERR_clear_error();
	*out = g;
	return 0;
}

void crypto_dh_groups_free(struct crypto_dh_groups *groups)
{
	size_t i;

	if (!groups)
		return;
	for (i = 0; i < DH_GROUPS; i++) {
		EVP_PKEY_free(groups->params[i]);
		free(groups->p_minus_1[i]);
	}
	free(groups->propq);
	free(groups);
}

bool crypto_dh_groups_has(const struct crypto_dh_groups *groups, uint16_t group)
{
	size_t idx;

	return groups && find_group(group, &idx) && groups->available[idx];
}

/* Our public value in wire format, from the key's encoded form. */
static int export_public(struct crypto_dh *dh)
{
	const struct dh_info *info = dh->info;
	unsigned char *enc = NULL;
	size_t len = EVP_PKEY_get1_encoded_public_key(dh->key, &enc);
	size_t want = crypto_dh_public_len_of(info->id);
	int rc = 0;

	if (!len)
		return -EIO;
	switch (info->kind) {
	case DH_MODP:
		/* OpenSSL pads to the prime length; accept shorter and pad */
		if (len > want) {
			rc = -EIO;
			break;
		}
		memset(dh->pub, 0, want - len);
		memcpy(dh->pub + want - len, enc, len);
		break;
	case DH_ECP:
		if (len != want + 1 || enc[0] != POINT_CONVERSION_UNCOMPRESSED) {
			rc = -EIO;
			break;
		}
		memcpy(dh->pub, enc + 1, want);
		break;
	case DH_ECX:
		if (len != want) {
			rc = -EIO;
			break;
		}
		memcpy(dh->pub, enc, want);
		break;
	}
	dh->pub_len = want;
	OPENSSL_free(enc);
	return rc;
}

static int dh_alloc(struct crypto_dh **out, const struct crypto_dh_groups *groups, uint16_t group)
{
	struct crypto_dh *dh;
	size_t idx;
	const struct dh_info *info;

	*out = NULL;
	if (!groups)
		return -EINVAL;
	info = find_group(group, &idx);
	if (!info || !groups->available[idx])
		return -ENOTSUP;
	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return -ENOMEM;
	dh->groups = groups;
	dh->info = info;
	dh->idx = idx;
	*out = dh;
	return 0;
}

int crypto_dh_new(struct crypto_dh **out, const struct crypto_dh_groups *groups, uint16_t group)
{
	struct crypto_dh *dh;
	EVP_PKEY_CTX *ctx;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	rc = dh_alloc(&dh, groups, group);
	if (rc)
		return rc;
	if (dh->info->kind == DH_ECX)
		ctx = EVP_PKEY_CTX_new_from_name(groups->libctx, dh->info->name, groups->propq);
	else
		ctx = EVP_PKEY_CTX_new_from_pkey(groups->libctx, groups->params[dh->idx],
						 groups->propq);
	if (!ctx)
		rc = -ENOMEM;
	else if (EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &dh->key) <= 0)
		rc = -EIO;
	EVP_PKEY_CTX_free(ctx);
	if (!rc)
		rc = export_public(dh);
	if (rc) {
		crypto_dh_free(dh);
		return rc;
	}
	*out = dh;
	return 0;
}

/* ECP public point from the private scalar: OpenSSL 3.0 does not derive it on import. */
static int ecp_public_from_private(const struct crypto_dh *dh, const BIGNUM *priv, uint8_t *out,
				   size_t out_len)
{
	EC_GROUP *group;
	EC_POINT *point = NULL;
	int rc = -EIO;

	group = EC_GROUP_new_by_curve_name_ex(dh->groups->libctx, dh->groups->propq,
					      dh->info->nid);
	if (group)
		point = EC_POINT_new(group);
	if (point && EC_POINT_mul(group, point, priv, NULL, NULL, NULL) &&
	    EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, out, out_len, NULL) ==
		    out_len)
		rc = 0;
	EC_POINT_free(point);
	EC_GROUP_free(group);
	return rc;
}

static int ecp_import_private(struct crypto_dh *dh, const struct secret *priv)
{
	const struct crypto_dh_groups *g = dh->groups;
	uint8_t pub[1 + DH_MAX_PUBLIC];
	size_t pub_len = 1 + 2 * dh->info->len;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *d;
	int rc = -ENOMEM;

	d = BN_secure_new();
	if (!d || !BN_bin2bn(priv->ptr, (int)priv->len, d))
		goto out;
	rc = -EINVAL;
	if (BN_is_zero(d))
		goto out;
	rc = ecp_public_from_private(dh, d, pub, pub_len);
	if (rc)
		goto out;
	rc = -ENOMEM;
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, dh->info->name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, pub_len))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_pkey(g->libctx, g->params[dh->idx], g->propq);
	if (!params || !ctx)
		goto out;
	rc = -EIO;
	if (EVP_PKEY_fromdata_init(ctx) > 0 &&
	    EVP_PKEY_fromdata(ctx, &dh->key, EVP_PKEY_KEYPAIR, params) > 0)
		rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params); /* the scalar sits in secure memory (BN_secure_new), wiped on free */
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	return rc;
}

int crypto_dh_new_from_private(struct crypto_dh **out, const struct crypto_dh_groups *groups,
			       uint16_t group, const struct secret *priv)
{
	struct crypto_dh *dh;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!priv || !priv->ptr)
		return -EINVAL;
	rc = dh_alloc(&dh, groups, group);
	if (rc)
		return rc;
	if (dh->info->kind == DH_MODP) {
		rc = -ENOTSUP;
	} else if (priv->len != dh->info->len) {
		rc = -EINVAL;
	} else if (dh->info->kind == DH_ECX) {
		dh->key = EVP_PKEY_new_raw_private_key_ex(groups->libctx, dh->info->name,
							  groups->propq, priv->ptr, priv->len);
		rc = dh->key ? 0 : -EIO;
	} else {
		rc = ecp_import_private(dh, priv);
	}
	if (!rc)
		rc = export_public(dh);
	if (rc) {
		ERR_clear_error();
		crypto_dh_free(dh);
		return rc;
	}
	*out = dh;
	return 0;
}

void crypto_dh_free(struct crypto_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}

uint16_t crypto_dh_group(const struct crypto_dh *dh)
{
	return dh ? dh->info->id : 0;
}

const uint8_t *crypto_dh_public(const struct crypto_dh *dh, size_t *len)
{
	if (!dh || !len)
		return NULL;
	*len = dh->pub_len;
	return dh->pub;
}

/* RFC 6989 for the safe-prime MODP groups: 1 < y < p - 1, on public bytes. */
static bool modp_in_range(const uint8_t *y, const uint8_t *p_minus_1, size_t len)
{
	size_t i;
	bool above_one = y[len - 1] > 1;

	for (i = 0; i + 1 < len && !above_one; i++)
		above_one = y[i] != 0;
	return above_one && memcmp(y, p_minus_1, len) < 0;
}

/* The peer's public key as an EVP_PKEY (no validation beyond OpenSSL's decoding). */
static int import_peer(const struct crypto_dh *dh, const uint8_t *peer, size_t len,
		       EVP_PKEY **out)
{
	const struct crypto_dh_groups *g = dh->groups;
	uint8_t ecpt[1 + DH_MAX_PUBLIC];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *y = NULL;
	int rc = -ENOMEM;

	bld = OSSL_PARAM_BLD_new();
	if (!bld)
		goto out;
	if (dh->info->kind != DH_ECX &&
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, dh->info->name, 0))
		goto out;
	switch (dh->info->kind) {
	case DH_MODP:
		y = BN_bin2bn(peer, (int)len, NULL);
		if (!y || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
			goto out;
		break;
	case DH_ECP:
		ecpt[0] = POINT_CONVERSION_UNCOMPRESSED;
		memcpy(ecpt + 1, peer, len);
		if (!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, ecpt, len + 1))
			goto out;
		break;
	case DH_ECX:
		if (!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, peer, len))
			goto out;
		break;
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	/* a context from our own key reuses its key management: no fetch */
	ctx = EVP_PKEY_CTX_new_from_pkey(g->libctx, dh->key, g->propq);
	if (!params || !ctx)
		goto out;
	rc = -EIO;
	if (EVP_PKEY_fromdata_init(ctx) <= 0)
		goto out;
	/* decoding fails for an ECP point off the curve */
	rc = EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) > 0 ? 0 : -EPROTO;
	if (rc || dh->info->kind != DH_ECP)
		goto out;
	/* ECP: on the curve, not infinity, coordinates below p; no scalar multiplication */
	EVP_PKEY_CTX_free(ctx);
	ctx = EVP_PKEY_CTX_new_from_pkey(g->libctx, *out, g->propq);
	if (!ctx)
		rc = -ENOMEM;
	else if (EVP_PKEY_public_check_quick(ctx) <= 0)
		rc = -EPROTO;
	if (rc) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	return rc;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

static int derive(struct crypto_dh *dh, EVP_PKEY *peer, struct secret *shared)
{
	const struct crypto_dh_groups *g = dh->groups;
	EVP_PKEY_CTX *ctx;
	size_t len = dh->info->len;
	int rc;

	ctx = EVP_PKEY_CTX_new_from_pkey(g->libctx, dh->key, g->propq);
	if (!ctx)
		return -ENOMEM;
	rc = secret_alloc(shared, len);
	if (rc)
		goto out;
	rc = -EIO;
	if (EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	if (dh->info->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	/* validate_peer = 0: our own cheap checks replace OpenSSL's full one */
	if (EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) <= 0)
		goto out;
	if (EVP_PKEY_derive(ctx, shared->ptr, &len) <= 0) {
		/* X25519/X448: OpenSSL refuses an all-zero result (RFC 8031) */
		rc = dh->info->kind == DH_ECX ? -EPROTO : -EIO;
		goto out;
	}
	if (len != dh->info->len)
		goto out;
	rc = dh->info->kind == DH_ECX && all_zero(shared->ptr, len) ? -EPROTO : 0;
out:
	if (rc)
		secret_free(shared);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int crypto_dh_derive(struct crypto_dh *dh, const uint8_t *peer, size_t peer_len,
		     struct secret *shared)
{
	EVP_PKEY *pkey = NULL;
	int rc;

	if (!dh || !peer || !shared)
		return -EINVAL;
	if (peer_len != dh->pub_len)
		return -EBADMSG;
	if (dh->info->kind == DH_MODP &&
	    !modp_in_range(peer, dh->groups->p_minus_1[dh->idx], peer_len))
		return -EPROTO;
	rc = import_peer(dh, peer, peer_len, &pkey);
	if (!rc)
		rc = derive(dh, pkey, shared);
	EVP_PKEY_free(pkey);
	if (rc)
		ERR_clear_error();
	return rc;
}
