#include "ikenode/decode_sk.h"

#include <errno.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/secret.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_ids.h"
#include "ikenode/ike_sk.h"

#define CBC_BLOCK 16

struct decode_sk {
	struct crypto_algs *algs;
};

int decode_sk_new(struct decode_sk **out)
{
	int rc;

	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	rc = crypto_algs_new(&(*out)->algs, NULL, NULL);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

void decode_sk_free(struct decode_sk *ds)
{
	if (!ds)
		return;
	crypto_algs_free(ds->algs);
	free(ds);
}

/*
 * ike_sk_open() answers -EBADMSG for every failure a message causes,
 * without saying which (so that a daemon leaks nothing). A decoder wants
 * to tell an ICV failure (wrong SK_a, or a corrupted message) from a bad
 * decryption: the structural failures are ruled out first, and for
 * CBC+HMAC the ICV is checked here as well, so that a good ICV followed by
 * a failure means a wrong SK_e (the pad length came out as garbage). For
 * AEAD the tag covers both: any failure is the ICV's.
 */
static bool body_fits(const struct ike_sk *sk, bool cbc, size_t body)
{
	size_t iv = ike_sk_iv_len(sk), icv = ike_sk_icv_len(sk), ct;

	if (body < iv + icv + 1)
		return false;
	ct = body - iv - icv;
	return !cbc || ct % CBC_BLOCK == 0;
}

static int integ_hash(uint16_t integ_id, enum crypto_hash *hash)
{
	switch (integ_id) {
	case CRYPTO_INTEG_HMAC_SHA1_96:
		*hash = CRYPTO_HASH_SHA1;
		return 0;
	case CRYPTO_INTEG_HMAC_SHA2_256_128:
		*hash = CRYPTO_HASH_SHA2_256;
		return 0;
	case CRYPTO_INTEG_HMAC_SHA2_384_192:
		*hash = CRYPTO_HASH_SHA2_384;
		return 0;
	case CRYPTO_INTEG_HMAC_SHA2_512_256:
		*hash = CRYPTO_HASH_SHA2_512;
		return 0;
	default:
		return -ENOTSUP;
	}
}

/* The HMAC ICV over msg[0 .. len - icv): 0 when it matches, -EACCES if not. */
static int cbc_icv_check(const struct decode_sk *ds, uint16_t integ_id,
			 const struct secret *key, const uint8_t *msg, size_t len, size_t icv)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	EVP_MAC_CTX *ctx = NULL;
	enum crypto_hash hash;
	size_t mac_len = 0;
	int rc;

	rc = integ_hash(integ_id, &hash);
	if (rc == 0)
		rc = crypto_algs_hmac_new(ds->algs, hash, &ctx);
	if (rc)
		return rc;
	if (icv > len || !EVP_MAC_init(ctx, key->ptr, key->len, NULL) ||
	    !EVP_MAC_update(ctx, msg, len - icv) || !EVP_MAC_final(ctx, mac, &mac_len, sizeof(mac)) ||
	    mac_len < icv)
		rc = -EIO;
	else if (CRYPTO_memcmp(mac, msg + len - icv, icv) != 0)
		rc = -EACCES;
	EVP_MAC_CTX_free(ctx);
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

int decode_sk_open(struct decode_sk *ds, const struct decode_key *key, bool from_initiator,
		   const uint8_t *msg, size_t len, size_t iv_off, uint8_t *plain, size_t cap,
		   size_t *plain_len)
{
	const struct secret *ek = from_initiator ? &key->sk_ei : &key->sk_er;
	const struct secret *ak = from_initiator ? &key->sk_ai : &key->sk_ar;
	struct ike_sk *sk = NULL;
	int rc;

	if (!ds || !key || !msg || !plain || !plain_len || iv_off > len)
		return -EINVAL;
	rc = ike_sk_new(&sk, ds->algs, key->encr_id, key->encr_key_bits, key->integ_id, ek,
			key->integ_id ? ak : NULL);
	if (rc == -EINVAL)
		rc = -ENOTSUP; /* the key table was checked: the suite refuses the sizes */
	if (rc)
		goto out;
	if (!body_fits(sk, key->integ_id != 0, len - iv_off)) {
		rc = -EBADMSG;
		goto out;
	}
	if (key->integ_id) {
		rc = cbc_icv_check(ds, key->integ_id, ak, msg, len, ike_sk_icv_len(sk));
		if (rc)
			goto out;
	}
	rc = ike_sk_open(sk, msg, len, iv_off, plain, cap, plain_len);
	if (rc == -EBADMSG)
		rc = key->integ_id ? -EBADMSG : -EACCES;
out:
	ike_sk_free(sk);
	return rc;
}
