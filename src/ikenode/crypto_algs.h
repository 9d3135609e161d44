/*
 * The symmetric algorithms of the crypto suite, fetched from OpenSSL once.
 *
 * A crypto_algs holds the fetched ciphers and one keyless HMAC context per
 * hash that PRF and integrity objects copy (EVP_MAC_CTX_dup), so that no
 * per-SA object ever fetches an algorithm by name. It is immutable after
 * crypto_algs_new() and may be shared by any number of threads; it must
 * outlive every object created from it (crypto_prf, ike_sk).
 */
#ifndef IKN_IKENODE_CRYPTO_ALGS_H
#define IKN_IKENODE_CRYPTO_ALGS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "common/defs.h"

struct crypto_algs;

/* The hashes behind the HMAC PRFs and integrity algorithms. */
enum crypto_hash {
	CRYPTO_HASH_SHA1,
	CRYPTO_HASH_SHA2_256,
	CRYPTO_HASH_SHA2_384,
	CRYPTO_HASH_SHA2_512,
	CRYPTO_HASH_COUNT
};

/*
 * Fetches everything from libctx (borrowed, NULL for the default library
 * context, must outlive algs) with the property query propq (copied, may be
 * NULL). An algorithm the providers lack is left out; the objects that need
 * it then fail with -ENOTSUP. Returns 0, -EINVAL, -ENOMEM.
 */
MUST_CHECK int crypto_algs_new(struct crypto_algs **out, OSSL_LIB_CTX *libctx, const char *propq);

/* Releases everything; accepts NULL. */
void crypto_algs_free(struct crypto_algs *algs);

/*
 * A new HMAC context for hash, not yet keyed with anything meaningful
 * (call EVP_MAC_init() with the key). The caller owns *out and frees it
 * with EVP_MAC_CTX_free(). Returns 0, -EINVAL, -ENOTSUP, -ENOMEM.
 */
MUST_CHECK int crypto_algs_hmac_new(const struct crypto_algs *algs, enum crypto_hash hash,
				    EVP_MAC_CTX **out);

/* Output length of hash in bytes (20, 32, 48, 64); 0 if out of range. */
size_t crypto_hash_len(enum crypto_hash hash);

/*
 * The fetched cipher for an IKEv2 ENCR transform and key size (borrowed,
 * valid as long as algs), or NULL if not implemented.
 */
const EVP_CIPHER *crypto_algs_cipher(const struct crypto_algs *algs, uint16_t encr_id,
				     uint16_t key_bits);

#endif
