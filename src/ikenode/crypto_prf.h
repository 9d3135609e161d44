/*
 * IKEv2 pseudorandom functions (RFC 7296 §2.13): PRF_HMAC_SHA1 (2),
 * PRF_HMAC_SHA2_256 (5), _384 (6), _512 (7), and prf+.
 *
 * A crypto_prf keeps one HMAC context, re-keyed per call, so it serves one
 * thread at a time; create one per thread or per job. For the HMAC PRFs
 * the key is used as given, of any length (RFC 7296 §2.14: the nonces are
 * used as-is), and the preferred key length equals the output length.
 */
#ifndef IKN_IKENODE_CRYPTO_PRF_H
#define IKN_IKENODE_CRYPTO_PRF_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

struct crypto_algs;
struct crypto_prf;

/* One piece of a concatenated input: len bytes at base (borrowed). */
struct crypto_iov {
	const void *base;
	size_t len;
};

/*
 * Creates a PRF for the IKEv2 PRF transform prf_id. algs (borrowed) must
 * outlive the prf. Returns 0, -EINVAL, -ENOTSUP (unknown prf_id or the
 * hash is unavailable), -ENOMEM.
 */
MUST_CHECK int crypto_prf_new(struct crypto_prf **out, const struct crypto_algs *algs,
			      uint16_t prf_id);

/* Releases the prf (OpenSSL wipes the key state); accepts NULL. */
void crypto_prf_free(struct crypto_prf *prf);

/* Output length in bytes, which is also the preferred key length. */
size_t crypto_prf_len(const struct crypto_prf *prf);

/* Output length for prf_id without creating a prf; 0 if unknown. */
size_t crypto_prf_len_of(uint16_t prf_id);

/*
 * out (crypto_prf_len() bytes) = prf(key, data[0] | ... | data[n - 1]).
 * key may be empty; all pointers are borrowed for the call.
 * Returns 0, -EINVAL, -EIO (OpenSSL failure).
 */
MUST_CHECK int crypto_prf_compute(struct crypto_prf *prf, const uint8_t *key, size_t key_len,
				  const struct crypto_iov *data, size_t n, uint8_t *out);

/*
 * prf+ (RFC 7296 §2.13): out_len bytes of
 *   T1 | T2 | ... with T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n)
 * where S = seed[0] | ... | seed[n - 1]. At most 255 * crypto_prf_len()
 * bytes. Intermediate blocks are wiped. Returns 0, -EINVAL (also for
 * out_len beyond the limit), -EIO.
 */
MUST_CHECK int crypto_prf_plus(struct crypto_prf *prf, const uint8_t *key, size_t key_len,
			       const struct crypto_iov *seed, size_t n, uint8_t *out,
			       size_t out_len);

#endif
