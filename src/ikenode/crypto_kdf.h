/*
 * IKEv2 key derivation (RFC 7296 §2.14, §2.17, §2.18). Every output is a
 * struct secret owned by the caller (free with secret_free() or
 * crypto_ike_keys_free()). All inputs are borrowed for the call. The prf
 * (crypto_prf.h) is the negotiated PRF; it is re-keyed by every call.
 */
#ifndef IKN_IKENODE_CRYPTO_KDF_H
#define IKN_IKENODE_CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "common/secret.h"

struct crypto_prf;

#define CRYPTO_SPI_LEN 8

/* The keys of an IKE SA, in the order prf+ produces them. */
struct crypto_ike_keys {
	struct secret sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

/* Lengths of the keys an IKE SA needs, from its negotiated transforms. */
struct crypto_ike_key_lens {
	size_t prf;   /* SK_d, SK_pi, SK_pr: the PRF's preferred key length */
	size_t integ; /* SK_ai, SK_ar: 0 for AEAD */
	size_t encr;  /* SK_ei, SK_er: cipher key, plus the 4-byte salt for AEAD */
};

/*
 * Fills *lens for the transforms: prf_id, encr_id with its key length
 * attribute encr_key_bits (0 allowed for ChaCha20-Poly1305), integ_id
 * (CRYPTO_INTEG_NONE for AEAD, required otherwise).
 * Returns 0, -EINVAL, -ENOTSUP (unknown transform or key size).
 */
MUST_CHECK int crypto_kdf_key_lens(uint16_t prf_id, uint16_t encr_id, uint16_t encr_key_bits,
				   uint16_t integ_id, struct crypto_ike_key_lens *lens);

/* Integrity key and ICV length of an INTEG transform; -ENOTSUP if unknown. */
MUST_CHECK int crypto_integ_lens(uint16_t integ_id, size_t *key_len, size_t *icv_len);

/* SKEYSEED = prf(Ni | Nr, g^ir). */
MUST_CHECK int crypto_kdf_skeyseed(struct crypto_prf *prf, const uint8_t *ni, size_t ni_len,
				   const uint8_t *nr, size_t nr_len, const struct secret *gir,
				   struct secret *skeyseed);

/* Rekeyed IKE SA: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr). */
MUST_CHECK int crypto_kdf_rekey_skeyseed(struct crypto_prf *prf, const struct secret *sk_d_old,
					 const struct secret *gir_new, const uint8_t *ni,
					 size_t ni_len, const uint8_t *nr, size_t nr_len,
					 struct secret *skeyseed);

/*
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *   = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * with the lengths in lens. spi_i/spi_r: the 8 bytes as on the wire.
 * On failure *keys holds nothing. Returns 0, -EINVAL, -EIO, -ENOMEM.
 */
MUST_CHECK int crypto_kdf_ike_keys(struct crypto_prf *prf, const struct secret *skeyseed,
				   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
				   size_t nr_len, const uint8_t spi_i[CRYPTO_SPI_LEN],
				   const uint8_t spi_r[CRYPTO_SPI_LEN],
				   const struct crypto_ike_key_lens *lens, struct crypto_ike_keys *keys);

/* Wipes and releases all seven keys; accepts NULL. */
void crypto_ike_keys_free(struct crypto_ike_keys *keys);

/*
 * Child SA key material (RFC 7296 §2.17):
 *   KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr)
 * gir_new is NULL without a new key exchange. len bytes go to *keymat.
 */
MUST_CHECK int crypto_kdf_keymat(struct crypto_prf *prf, const struct secret *sk_d,
				 const struct secret *gir_new, const uint8_t *ni, size_t ni_len,
				 const uint8_t *nr, size_t nr_len, size_t len,
				 struct secret *keymat);

#endif
