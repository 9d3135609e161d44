#include "ikenode/crypto_algs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "ikenode/crypto_ids.h"

/* AES key sizes in the order of the cipher arrays below. */
static const uint16_t aes_bits[] = { 128, 192, 256 };

static const struct {
	const char *md_name;
	size_t len;
} hash_info[CRYPTO_HASH_COUNT] = {
	[CRYPTO_HASH_SHA1] = { "SHA1", 20 },
	[CRYPTO_HASH_SHA2_256] = { "SHA2-256", 32 },
	[CRYPTO_HASH_SHA2_384] = { "SHA2-384", 48 },
	[CRYPTO_HASH_SHA2_512] = { "SHA2-512", 64 },
};

static const char *const aes_cbc_names[] = { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" };
static const char *const aes_gcm_names[] = { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" };

struct crypto_algs {
	/* keyless HMAC contexts with the digest set, copied by users */
	EVP_MAC_CTX *hmac[CRYPTO_HASH_COUNT];
	EVP_CIPHER *aes_cbc[ARRAY_SIZE(aes_bits)];
	EVP_CIPHER *aes_gcm[ARRAY_SIZE(aes_bits)];
	EVP_CIPHER *chacha20_poly1305;
};

size_t crypto_hash_len(enum crypto_hash hash)
{
	if ((unsigned)hash >= CRYPTO_HASH_COUNT)
		return 0;
	return hash_info[hash].len;
}

/* An algorithm the providers lack is optional: forget the error. */
static EVP_CIPHER *fetch_cipher(OSSL_LIB_CTX *libctx, const char *name, const char *propq)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(libctx, name, propq);

	if (!c)
		ERR_clear_error();
	return c;
}

/*
 * A template HMAC context: digest set and keyed once with a dummy key,
 * because OpenSSL 3.0 cannot duplicate an HMAC context that was never
 * initialised. Every user re-keys its copy before use.
 */
static EVP_MAC_CTX *hmac_template(EVP_MAC *mac, const char *md, const char *propq)
{
	static const uint8_t dummy[1] = { 0 };
	OSSL_PARAM params[3], *p = params;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);

	if (!ctx)
		return NULL;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
	if (propq)
		*p++ = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_PROPERTIES, (char *)propq,
							 0);
	*p = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, dummy, sizeof(dummy), params)) {
		EVP_MAC_CTX_free(ctx);
		ERR_clear_error();
		return NULL;
	}
	return ctx;
}

int crypto_algs_new(struct crypto_algs **out, OSSL_LIB_CTX *libctx, const char *propq)
{
	struct crypto_algs *algs;
	EVP_MAC *mac;
	size_t i;

	if (!out)
		return -EINVAL;
	*out = NULL;
	algs = calloc(1, sizeof(*algs));
	if (!algs)
		return -ENOMEM;
	mac = EVP_MAC_fetch(libctx, OSSL_MAC_NAME_HMAC, propq);
	if (mac) {
		for (i = 0; i < CRYPTO_HASH_COUNT; i++)
			algs->hmac[i] = hmac_template(mac, hash_info[i].md_name, propq);
		/* the contexts keep their own reference */
		EVP_MAC_free(mac);
	} else {
		ERR_clear_error();
	}
	for (i = 0; i < ARRAY_SIZE(aes_bits); i++) {
		algs->aes_cbc[i] = fetch_cipher(libctx, aes_cbc_names[i], propq);
		algs->aes_gcm[i] = fetch_cipher(libctx, aes_gcm_names[i], propq);
	}
	algs->chacha20_poly1305 = fetch_cipher(libctx, "ChaCha20-Poly1305", propq);
	*out = algs;
	return 0;
}

void crypto_algs_free(struct crypto_algs *algs)
{
	size_t i;

	if (!algs)
		return;
	for (i = 0; i < CRYPTO_HASH_COUNT; i++)
		EVP_MAC_CTX_free(algs->hmac[i]);
	for (i = 0; i < ARRAY_SIZE(aes_bits); i++) {
		EVP_CIPHER_free(algs->aes_cbc[i]);
		EVP_CIPHER_free(algs->aes_gcm[i]);
	}
	EVP_CIPHER_free(algs->chacha20_poly1305);
	free(algs);
}

int crypto_algs_hmac_new(const struct crypto_algs *algs, enum crypto_hash hash, EVP_MAC_CTX **out)
{
	if (!algs || !out || (unsigned)hash >= CRYPTO_HASH_COUNT)
		return -EINVAL;
	*out = NULL;
	if (!algs->hmac[hash])
		return -ENOTSUP;
	*out = EVP_MAC_CTX_dup(algs->hmac[hash]);
	return *out ? 0 : -ENOMEM;
}

static int aes_index(uint16_t key_bits)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(aes_bits); i++)
		if (aes_bits[i] == key_bits)
			return (int)i;
	return -1;
}

const EVP_CIPHER *crypto_algs_cipher(const struct crypto_algs *algs, uint16_t encr_id,
				     uint16_t key_bits)
{
	int i;

	if (!algs)
		return NULL;
	switch (encr_id) {
	case CRYPTO_ENCR_AES_CBC:
		i = aes_index(key_bits);
		return i < 0 ? NULL : algs->aes_cbc[i];
	case CRYPTO_ENCR_AES_GCM_16:
		i = aes_index(key_bits);
		return i < 0 ? NULL : algs->aes_gcm[i];
	case CRYPTO_ENCR_CHACHA20_POLY1305:
		return key_bits == 256 || key_bits == 0 ? algs->chacha20_poly1305 : NULL;
	default:
		return NULL;
	}
}
