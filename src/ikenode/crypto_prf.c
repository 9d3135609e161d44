#include "ikenode/crypto_prf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_ids.h"

#define PRF_MAX_LEN 64
#define PRF_PLUS_MAX_BLOCKS 255

struct crypto_prf {
	EVP_MAC_CTX *mac;
	size_t len;
};

static int prf_hash(uint16_t prf_id, enum crypto_hash *hash)
{
	switch (prf_id) {
	case CRYPTO_PRF_HMAC_SHA1:
		*hash = CRYPTO_HASH_SHA1;
		return 0;
	case CRYPTO_PRF_HMAC_SHA2_256:
		*hash = CRYPTO_HASH_SHA2_256;
		return 0;
	case CRYPTO_PRF_HMAC_SHA2_384:
		*hash = CRYPTO_HASH_SHA2_384;
		return 0;
	case CRYPTO_PRF_HMAC_SHA2_512:
		*hash = CRYPTO_HASH_SHA2_512;
		return 0;
	default:
		return -ENOTSUP;
	}
}

size_t crypto_prf_len_of(uint16_t prf_id)
{
	enum crypto_hash hash;

	if (prf_hash(prf_id, &hash))
		return 0;
	return crypto_hash_len(hash);
}

int crypto_prf_new(struct crypto_prf **out, const struct crypto_algs *algs, uint16_t prf_id)
{
	struct crypto_prf *prf;
	enum crypto_hash hash;
	int rc;

	if (!out || !algs)
		return -EINVAL;
	*out = NULL;
	rc = prf_hash(prf_id, &hash);
	if (rc)
		return rc;
	prf = calloc(1, sizeof(*prf));
	if (!prf)
		return -ENOMEM;
	rc = crypto_algs_hmac_new(algs, hash, &prf->mac);
	if (rc) {
		free(prf);
		return rc;
	}
	prf->len = crypto_hash_len(hash);
	*out = prf;
	return 0;
}

void crypto_prf_free(struct crypto_prf *prf)
{
	if (!prf)
		return;
	EVP_MAC_CTX_free(prf->mac);
	free(prf);
}

size_t crypto_prf_len(const struct crypto_prf *prf)
{
	return prf ? prf->len : 0;
}

static bool iov_valid(const struct crypto_iov *iov, size_t n)
{
	size_t i;

	if (n && !iov)
		return false;
	for (i = 0; i < n; i++)
		if (iov[i].len && !iov[i].base)
			return false;
	return true;
}

/* Keys the context; a zero-length key needs a non-NULL pointer. */
static int prf_init(struct crypto_prf *prf, const uint8_t *key, size_t key_len)
{
	static const uint8_t empty[1] = { 0 };

	if (!EVP_MAC_init(prf->mac, key_len ? key : empty, key_len, NULL))
		return -EIO;
	return 0;
}

static int prf_update(struct crypto_prf *prf, const struct crypto_iov *data, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (data[i].len && !EVP_MAC_update(prf->mac, data[i].base, data[i].len))
			return -EIO;
	return 0;
}

static int prf_final(struct crypto_prf *prf, uint8_t *out)
{
	size_t len = 0;

	if (!EVP_MAC_final(prf->mac, out, &len, prf->len) || len != prf->len)
		return -EIO;
	return 0;
}

int crypto_prf_compute(struct crypto_prf *prf, const uint8_t *key, size_t key_len,
		       const struct crypto_iov *data, size_t n, uint8_t *out)
{
	int rc;

	if (!prf || (!key && key_len) || !iov_valid(data, n) || !out)
		return -EINVAL;
	rc = prf_init(prf, key, key_len);
	if (!rc)
		rc = prf_update(prf, data, n);
	if (!rc)
		rc = prf_final(prf, out);
	return rc;
}

int crypto_prf_plus(struct crypto_prf *prf, const uint8_t *key, size_t key_len,
		    const struct crypto_iov *seed, size_t n, uint8_t *out, size_t out_len)
{
	uint8_t t[PRF_MAX_LEN];
	size_t done = 0, take;
	uint8_t counter;
	int rc = 0;

	if (!prf || (!key && key_len) || !iov_valid(seed, n) || (!out && out_len))
		return -EINVAL;
	if (out_len > PRF_PLUS_MAX_BLOCKS * prf->len)
		return -EINVAL;
	rc = prf_init(prf, key, key_len);
	for (counter = 1; !rc && done < out_len; counter++) {
		/* the key stays; re-initialise for the next block */
		if (counter > 1 && !EVP_MAC_init(prf->mac, NULL, 0, NULL)) {
			rc = -EIO;
			break;
		}
		if (counter > 1 && !EVP_MAC_update(prf->mac, t, prf->len)) {
			rc = -EIO;
			break;
		}
		rc = prf_update(prf, seed, n);
		if (!rc && !EVP_MAC_update(prf->mac, &counter, 1))
			rc = -EIO;
		if (!rc)
			rc = prf_final(prf, t);
		if (rc)
			break;
		take = out_len - done < prf->len ? out_len - done : prf->len;
		memcpy(out + done, t, take);
		done += take;
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (rc && out_len)
		OPENSSL_cleanse(out, out_len);
	return rc;
}
