#include "ikenode/crypto_kdf.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "ikenode/crypto_ids.h"
#include "ikenode/crypto_prf.h"

int crypto_integ_lens(uint16_t integ_id, size_t *key_len, size_t *icv_len)
{
	size_t k, i;

	switch (integ_id) {
	case CRYPTO_INTEG_HMAC_SHA1_96:
		k = 20, i = 12;
		break;
	case CRYPTO_INTEG_HMAC_SHA2_256_128:
		k = 32, i = 16;
		break;
	case CRYPTO_INTEG_HMAC_SHA2_384_192:
		k = 48, i = 24;
		break;
	case CRYPTO_INTEG_HMAC_SHA2_512_256:
		k = 64, i = 32;
		break;
	default:
		return -ENOTSUP;
	}
	if (key_len)
		*key_len = k;
	if (icv_len)
		*icv_len = i;
	return 0;
}

int crypto_kdf_key_lens(uint16_t prf_id, uint16_t encr_id, uint16_t encr_key_bits,
			uint16_t integ_id, struct crypto_ike_key_lens *lens)
{
	bool aead;
	int rc;

	if (!lens)
		return -EINVAL;
	memset(lens, 0, sizeof(*lens));
	lens->prf = crypto_prf_len_of(prf_id);
	if (!lens->prf)
		return -ENOTSUP;
	switch (encr_id) {
	case CRYPTO_ENCR_AES_CBC:
	case CRYPTO_ENCR_AES_GCM_16:
		if (encr_key_bits != 128 && encr_key_bits != 192 && encr_key_bits != 256)
			return -ENOTSUP;
		aead = encr_id == CRYPTO_ENCR_AES_GCM_16;
		break;
	case CRYPTO_ENCR_CHACHA20_POLY1305:
		if (encr_key_bits != 256 && encr_key_bits != 0)
			return -ENOTSUP;
		encr_key_bits = 256;
		aead = true;
		break;
	default:
		return -ENOTSUP;
	}
	lens->encr = encr_key_bits / 8 + (aead ? CRYPTO_AEAD_SALT_LEN : 0);
	if (aead)
		return integ_id == CRYPTO_INTEG_NONE ? 0 : -EINVAL;
	if (integ_id == CRYPTO_INTEG_NONE)
		return -EINVAL;
	rc = crypto_integ_lens(integ_id, &lens->integ, NULL);
	return rc;
}

static bool secret_valid(const struct secret *s)
{
	return s && (s->ptr || !s->len);
}

/* prf(key, data...) into a new secret of the PRF's output length */
static int prf_to_secret(struct crypto_prf *prf, const uint8_t *key, size_t key_len,
			 const struct crypto_iov *data, size_t n, struct secret *out)
{
	int rc = secret_alloc(out, crypto_prf_len(prf));

	if (rc)
		return rc;
	rc = crypto_prf_compute(prf, key, key_len, data, n, out->ptr);
	if (rc)
		secret_free(out);
	return rc;
}

int crypto_kdf_skeyseed(struct crypto_prf *prf, const uint8_t *ni, size_t ni_len,
			const uint8_t *nr, size_t nr_len, const struct secret *gir,
			struct secret *skeyseed)
{
	struct secret key = { 0 };
	struct crypto_iov data;
	int rc;

	if (!prf || !ni || !nr || !secret_valid(gir) || !skeyseed)
		return -EINVAL;
	/* the key is Ni | Nr, as-is for the HMAC PRFs (RFC 7296 §2.14) */
	rc = secret_alloc(&key, ni_len + nr_len);
	if (rc)
		return rc;
	memcpy(key.ptr, ni, ni_len);
	memcpy(key.ptr + ni_len, nr, nr_len);
	data = (struct crypto_iov){ gir->ptr, gir->len };
	rc = prf_to_secret(prf, key.ptr, key.len, &data, 1, skeyseed);
	secret_free(&key);
	return rc;
}

int crypto_kdf_rekey_skeyseed(struct crypto_prf *prf, const struct secret *sk_d_old,
			      const struct secret *gir_new, const uint8_t *ni, size_t ni_len,
			      const uint8_t *nr, size_t nr_len, struct secret *skeyseed)
{
	struct crypto_iov data[3];

	if (!prf || !secret_valid(sk_d_old) || !secret_valid(gir_new) || !ni || !nr ||
	    !skeyseed)
		return -EINVAL;
	data[0] = (struct crypto_iov){ gir_new->ptr, gir_new->len };
	data[1] = (struct crypto_iov){ ni, ni_len };
	data[2] = (struct crypto_iov){ nr, nr_len };
	return prf_to_secret(prf, sk_d_old->ptr, sk_d_old->len, data, 3, skeyseed);
}

void crypto_ike_keys_free(struct crypto_ike_keys *keys)
{
	if (!keys)
		return;
	secret_free(&keys->sk_d);
	secret_free(&keys->sk_ai);
	secret_free(&keys->sk_ar);
	secret_free(&keys->sk_ei);
	secret_free(&keys->sk_er);
	secret_free(&keys->sk_pi);
	secret_free(&keys->sk_pr);
}

int crypto_kdf_ike_keys(struct crypto_prf *prf, const struct secret *skeyseed, const uint8_t *ni,
			size_t ni_len, const uint8_t *nr, size_t nr_len,
			const uint8_t spi_i[CRYPTO_SPI_LEN], const uint8_t spi_r[CRYPTO_SPI_LEN],
			const struct crypto_ike_key_lens *lens, struct crypto_ike_keys *keys)
{
	struct secret dkm = { 0 };
	struct crypto_iov seed[4];
	struct secret *parts[7];
	size_t lengths[7], total = 0, off = 0, i;
	int rc;

	if (!prf || !secret_valid(skeyseed) || !ni || !nr || !spi_i || !spi_r || !lens || !keys)
		return -EINVAL;
	memset(keys, 0, sizeof(*keys));
	parts[0] = &keys->sk_d, lengths[0] = lens->prf;
	parts[1] = &keys->sk_ai, lengths[1] = lens->integ;
	parts[2] = &keys->sk_ar, lengths[2] = lens->integ;
	parts[3] = &keys->sk_ei, lengths[3] = lens->encr;
	parts[4] = &keys->sk_er, lengths[4] = lens->encr;
	parts[5] = &keys->sk_pi, lengths[5] = lens->prf;
	parts[6] = &keys->sk_pr, lengths[6] = lens->prf;
	for (i = 0; i < ARRAY_SIZE(lengths); i++)
		total += lengths[i];
	seed[0] = (struct crypto_iov){ ni, ni_len };
	seed[1] = (struct crypto_iov){ nr, nr_len };
	seed[2] = (struct crypto_iov){ spi_i, CRYPTO_SPI_LEN };
	seed[3] = (struct crypto_iov){ spi_r, CRYPTO_SPI_LEN };
	rc = secret_alloc(&dkm, total);
	if (rc)
		return rc;
	rc = crypto_prf_plus(prf, skeyseed->ptr, skeyseed->len, seed, 4, dkm.ptr, total);
	for (i = 0; !rc && i < ARRAY_SIZE(parts); i++) {
		rc = secret_dup(parts[i], dkm.ptr + off, lengths[i]);
		off += lengths[i];
	}
	secret_free(&dkm);
	if (rc)
		crypto_ike_keys_free(keys);
	return rc;
}

int crypto_kdf_keymat(struct crypto_prf *prf, const struct secret *sk_d,
		      const struct secret *gir_new, const uint8_t *ni, size_t ni_len,
		      const uint8_t *nr, size_t nr_len, size_t len, struct secret *keymat)
{
	struct crypto_iov seed[3];
	size_t n = 0;
	int rc;

	if (!prf || !secret_valid(sk_d) || (gir_new && !secret_valid(gir_new)) || !ni || !nr ||
	    !keymat)
		return -EINVAL;
	if (gir_new)
		seed[n++] = (struct crypto_iov){ gir_new->ptr, gir_new->len };
	seed[n++] = (struct crypto_iov){ ni, ni_len };
	seed[n++] = (struct crypto_iov){ nr, nr_len };
	rc = secret_alloc(keymat, len);
	if (rc)
		return rc;
	rc = crypto_prf_plus(prf, sk_d->ptr, sk_d->len, seed, n, keymat->ptr, len);
	if (rc)
		secret_free(keymat);
	return rc;
}
