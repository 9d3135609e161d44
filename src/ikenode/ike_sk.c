#include "ikenode/ike_sk.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/secret.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_ids.h"
#include "ikenode/crypto_kdf.h"

#define CBC_BLOCK 16
#define AEAD_IV_LEN 8
#define AEAD_ICV_LEN 16
#define AEAD_NONCE_LEN (CRYPTO_AEAD_SALT_LEN + AEAD_IV_LEN)
#define MAX_MAC_LEN 64

struct ike_sk {
	bool aead;
	EVP_CIPHER_CTX *enc, *dec; /* keyed once; re-initialised with the IV per message */
	EVP_MAC_CTX *mac;	   /* CBC only: keyed once, reset per message */
	size_t iv_len, icv_len, block;
	uint8_t salt[CRYPTO_AEAD_SALT_LEN];
	/* AEAD IVs: the last one used. The HA work will put the node ID in
	 * the top bits so that nodes sharing a key never repeat a nonce. */
	uint64_t iv_counter;
};

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

static int cipher_ctx_new(const EVP_CIPHER *cipher, const uint8_t *key, int enc,
			  EVP_CIPHER_CTX **out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	*out = NULL;
	if (!ctx)
		return -ENOMEM;
	if (!EVP_CipherInit_ex2(ctx, cipher, key, NULL, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0)) {
		EVP_CIPHER_CTX_free(ctx);
		ERR_clear_error();
		return -EIO;
	}
	*out = ctx;
	return 0;
}

/* Checks the transforms and key lengths; fills the shape of sk. */
static int sk_shape(struct ike_sk *sk, uint16_t encr_id, uint16_t encr_key_bits,
		    uint16_t integ_id, const struct secret *encr_key,
		    const struct secret *integ_key, size_t *cipher_key_len)
{
	struct crypto_ike_key_lens lens;
	size_t integ_len = integ_key ? integ_key->len : 0;
	int rc;

	/* the PRF does not matter here; any known one gives the other lengths */
	rc = crypto_kdf_key_lens(CRYPTO_PRF_HMAC_SHA2_256, encr_id, encr_key_bits, integ_id,
				 &lens);
	if (rc)
		return rc;
	if (encr_key->len != lens.encr || integ_len != lens.integ)
		return -EINVAL;
	if (lens.integ && !integ_key->ptr)
		return -EINVAL;
	sk->aead = encr_id != CRYPTO_ENCR_AES_CBC;
	if (sk->aead) {
		sk->iv_len = AEAD_IV_LEN;
		sk->icv_len = AEAD_ICV_LEN;
		sk->block = 1;
		*cipher_key_len = lens.encr - CRYPTO_AEAD_SALT_LEN;
		return 0;
	}
	sk->iv_len = CBC_BLOCK;
	sk->block = CBC_BLOCK;
	*cipher_key_len = lens.encr;
	return crypto_integ_lens(integ_id, NULL, &sk->icv_len);
}

int ike_sk_new(struct ike_sk **out, const struct crypto_algs *algs, uint16_t encr_id,
	       uint16_t encr_key_bits, uint16_t integ_id, const struct secret *encr_key,
	       const struct secret *integ_key)
{
	const EVP_CIPHER *cipher;
	struct ike_sk *sk;
	enum crypto_hash hash;
	size_t key_len = 0;
	int rc;

	if (!out || !algs || !encr_key || !encr_key->ptr)
		return -EINVAL;
	*out = NULL;
	if (encr_id == CRYPTO_ENCR_CHACHA20_POLY1305 && encr_key_bits == 0)
		encr_key_bits = 256;
	sk = calloc(1, sizeof(*sk));
	if (!sk)
		return -ENOMEM;
	rc = sk_shape(sk, encr_id, encr_key_bits, integ_id, encr_key, integ_key, &key_len);
	if (rc)
		goto err;
	cipher = crypto_algs_cipher(algs, encr_id, encr_key_bits);
	rc = -ENOTSUP;
	if (!cipher || (size_t)EVP_CIPHER_get_key_length(cipher) != key_len)
		goto err;
	rc = cipher_ctx_new(cipher, encr_key->ptr, 1, &sk->enc);
	if (!rc)
		rc = cipher_ctx_new(cipher, encr_key->ptr, 0, &sk->dec);
	if (rc)
		goto err;
	if (sk->aead) {
		memcpy(sk->salt, encr_key->ptr + key_len, CRYPTO_AEAD_SALT_LEN);
	} else {
		rc = integ_hash(integ_id, &hash);
		if (!rc)
			rc = crypto_algs_hmac_new(algs, hash, &sk->mac);
		if (rc)
			goto err;
		if (!EVP_MAC_init(sk->mac, integ_key->ptr, integ_key->len, NULL)) {
			rc = -EIO;
			goto err;
		}
	}
	*out = sk;
	return 0;
err:
	ERR_clear_error();
	ike_sk_free(sk);
	return rc;
}

void ike_sk_free(struct ike_sk *sk)
{
	if (!sk)
		return;
	/* OpenSSL wipes the key schedules and HMAC state on free */
	EVP_CIPHER_CTX_free(sk->enc);
	EVP_CIPHER_CTX_free(sk->dec);
	EVP_MAC_CTX_free(sk->mac);
	OPENSSL_cleanse(sk, sizeof(*sk));
	free(sk);
}

size_t ike_sk_iv_len(const struct ike_sk *sk)
{
	return sk ? sk->iv_len : 0;
}

size_t ike_sk_icv_len(const struct ike_sk *sk)
{
	return sk ? sk->icv_len : 0;
}

/* Encrypted length: plaintext, padding to the block, pad length byte. */
static size_t enc_len(const struct ike_sk *sk, size_t plain_len)
{
	size_t n = plain_len + 1;

	return (n + sk->block - 1) / sk->block * sk->block;
}

size_t ike_sk_sealed_len(const struct ike_sk *sk, size_t plain_len)
{
	if (!sk || plain_len > SIZE_MAX / 2)
		return 0;
	return sk->iv_len + enc_len(sk, plain_len) + sk->icv_len;
}

/* HMAC over data, truncated to the ICV length into icv. */
static int mac_compute(struct ike_sk *sk, const uint8_t *data, size_t len, uint8_t *icv)
{
	uint8_t full[MAX_MAC_LEN];
	size_t out_len = 0;
	int rc = -EIO;

	if (EVP_MAC_init(sk->mac, NULL, 0, NULL) && EVP_MAC_update(sk->mac, data, len) &&
	    EVP_MAC_final(sk->mac, full, &out_len, sizeof(full)) && out_len >= sk->icv_len) {
		memcpy(icv, full, sk->icv_len);
		rc = 0;
	}
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

/* Runs a cipher over in into out; counts the output bytes in *done. */
static bool cipher_update(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len,
			  size_t *done)
{
	int outl = 0;

	if (!len)
		return true;
	if (len > INT_MAX || !EVP_CipherUpdate(ctx, out, &outl, in, (int)len))
		return false;
	*done += (size_t)outl;
	return true;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int ike_sk_seal(struct ike_sk *sk, uint8_t *msg, size_t cap, size_t iv_off, const uint8_t *plain,
		size_t plain_len, size_t *msg_len)
{
	uint8_t trailer[CBC_BLOCK], nonce[AEAD_NONCE_LEN];
	size_t sealed, elen, pad, done = 0;
	uint8_t *iv, *ct;
	int outl = 0;

	if (!sk || !msg || (!plain && plain_len) || !msg_len)
		return -EINVAL;
	sealed = ike_sk_sealed_len(sk, plain_len);
	if (!sealed || iv_off > cap || cap - iv_off < sealed || iv_off > INT_MAX)
		return -ENOBUFS;
	elen = enc_len(sk, plain_len);
	pad = elen - plain_len - 1;
	iv = msg + iv_off;
	ct = iv + sk->iv_len;
	memset(trailer, 0, sizeof(trailer));
	trailer[pad] = (uint8_t)pad;
	if (sk->aead) {
		if (sk->iv_counter == UINT64_MAX)
			return -EOVERFLOW;
		put_be64(iv, ++sk->iv_counter);
		memcpy(nonce, sk->salt, CRYPTO_AEAD_SALT_LEN);
		memcpy(nonce + CRYPTO_AEAD_SALT_LEN, iv, AEAD_IV_LEN);
		if (!EVP_CipherInit_ex2(sk->enc, NULL, NULL, nonce, 1, NULL) ||
		    (iv_off && !EVP_CipherUpdate(sk->enc, NULL, &outl, msg, (int)iv_off)))
			goto err;
	} else {
		if (RAND_bytes(iv, (int)sk->iv_len) != 1 ||
		    !EVP_CipherInit_ex2(sk->enc, NULL, NULL, iv, 1, NULL))
			goto err;
	}
	if (!cipher_update(sk->enc, ct, plain, plain_len, &done) ||
	    !cipher_update(sk->enc, ct + done, trailer, pad + 1, &done) ||
	    !EVP_CipherFinal_ex(sk->enc, ct + done, &outl) || done + (size_t)outl != elen)
		goto err;
	if (sk->aead) {
		if (!EVP_CIPHER_CTX_ctrl(sk->enc, EVP_CTRL_AEAD_GET_TAG, AEAD_ICV_LEN, ct + elen))
			goto err;
	} else if (mac_compute(sk, msg, iv_off + sk->iv_len + elen, ct + elen)) {
		goto err;
	}
	*msg_len = iv_off + sealed;
	return 0;
err:
	ERR_clear_error();
	OPENSSL_cleanse(iv, sealed);
	return -EIO;
}

int ike_sk_verify(struct ike_sk *sk, const uint8_t *msg, size_t msg_len)
{
	uint8_t icv[MAX_MAC_LEN];
	int rc = -EBADMSG;

	if (!sk || !msg)
		return -EINVAL;
	if (sk->aead)
		return -EOPNOTSUPP;
	if (msg_len < sk->icv_len)
		return -EBADMSG;
	if (mac_compute(sk, msg, msg_len - sk->icv_len, icv))
		rc = -EIO;
	else if (CRYPTO_memcmp(icv, msg + msg_len - sk->icv_len, sk->icv_len) == 0)
		rc = 0;
	OPENSSL_cleanse(icv, sizeof(icv));
	return rc;
}

int ike_sk_open(struct ike_sk *sk, const uint8_t *msg, size_t msg_len, size_t iv_off,
		uint8_t *plain, size_t cap, size_t *plain_len)
{
	uint8_t tag[AEAD_ICV_LEN], nonce[AEAD_NONCE_LEN];
	const uint8_t *iv, *ct;
	size_t clen, pad, done = 0;
	int outl = 0, rc = -EBADMSG;

	if (!sk || !msg || !plain || !plain_len)
		return -EINVAL;
	/* at least the pad length byte (AEAD) or one block (CBC) */
	if (iv_off > msg_len || msg_len - iv_off < sk->iv_len + sk->icv_len + sk->block ||
	    iv_off > INT_MAX)
		return -EBADMSG;
	clen = msg_len - iv_off - sk->iv_len - sk->icv_len;
	if (clen % sk->block)
		return -EBADMSG;
	if (clen > cap)
		return -ENOBUFS;
	iv = msg + iv_off;
	ct = iv + sk->iv_len;
	if (sk->aead) {
		memcpy(nonce, sk->salt, CRYPTO_AEAD_SALT_LEN);
		memcpy(nonce + CRYPTO_AEAD_SALT_LEN, iv, AEAD_IV_LEN);
		memcpy(tag, ct + clen, AEAD_ICV_LEN);
		if (!EVP_CipherInit_ex2(sk->dec, NULL, NULL, nonce, 0, NULL) ||
		    !EVP_CIPHER_CTX_ctrl(sk->dec, EVP_CTRL_AEAD_SET_TAG, AEAD_ICV_LEN, tag) ||
		    (iv_off && !EVP_CipherUpdate(sk->dec, NULL, &outl, msg, (int)iv_off))) {
			rc = -EIO;
			goto out;
		}
	} else {
		/* integrity first, before anything is decrypted */
		rc = ike_sk_verify(sk, msg, msg_len);
		if (rc)
			goto out;
		rc = -EBADMSG;
		if (!EVP_CipherInit_ex2(sk->dec, NULL, NULL, iv, 0, NULL)) {
			rc = -EIO;
			goto out;
		}
	}
	/* an AEAD tag mismatch shows in Final */
	if (!cipher_update(sk->dec, plain, ct, clen, &done) ||
	    !EVP_CipherFinal_ex(sk->dec, plain + done, &outl) || done + (size_t)outl != clen)
		goto out;
	pad = plain[clen - 1];
	if (pad + 1 > clen)
		goto out;
	*plain_len = clen - pad - 1;
	/* the padding is not plaintext: leave nothing of it behind */
	OPENSSL_cleanse(plain + *plain_len, pad + 1);
	rc = 0;
out:
	if (rc) {
		ERR_clear_error();
		OPENSSL_cleanse(plain, clen);
	}
	return rc;
}
