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
		rc = ike_sk_verify(sk, msg, len);
		if (rc == -EBADMSG)
			rc = -EACCES;
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
