/*
 * IKEv2 key exchange: MODP 2048/3072/4096 (groups 14/15/16, RFC 3526),
 * ECP 256/384/521 (19/20/21, RFC 5903), Curve25519/Curve448 (31/32,
 * RFC 8031).
 *
 * Wire formats (KE payload data and shared secret g^ir):
 *   MODP: public value and g^ir big-endian, zero-padded to the prime length;
 *   ECP:  public value x | y, each padded to the field size, no 0x04 prefix;
 *         g^ir is the x coordinate only (RFC 5903 §7);
 *   X25519/X448: raw 32/56 bytes (RFC 7748).
 *
 * Peer values are validated cheaply (RFC 7296 §2.12, RFC 6989, RFC 8031):
 * MODP 1 < y < p-1 (sufficient for these safe-prime groups); ECP the point
 * lies on the curve with coordinates below p (the encoding cannot express
 * infinity); X25519/X448 the shared secret is not all zero. OpenSSL's own
 * full check (a modular exponentiation for MODP) is switched off with
 * EVP_PKEY_derive_set_peer_ex(.., 0).
 *
 * Threads: a crypto_dh_groups is immutable after crypto_dh_groups_new()
 * and may be shared by all threads. A crypto_dh is one key pair, used by
 * one thread at a time; nothing here touches global state, so key
 * generation and derivation can run on worker threads (DESIGN.md §3).
 */
#ifndef IKN_IKENODE_CRYPTO_DH_H
#define IKN_IKENODE_CRYPTO_DH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "common/defs.h"

struct secret;
struct crypto_dh_groups;
struct crypto_dh;

/*
 * Builds the domain parameters of every supported group once.
 * libctx is borrowed (NULL: default) and must outlive groups; propq is
 * copied (may be NULL). A group the providers lack is left out.
 * Returns 0, -EINVAL, -ENOMEM.
 */
MUST_CHECK int crypto_dh_groups_new(struct crypto_dh_groups **out, OSSL_LIB_CTX *libctx,
				    const char *propq);

/* Releases the groups; accepts NULL. Every crypto_dh must be gone. */
void crypto_dh_groups_free(struct crypto_dh_groups *groups);

/* Whether group (IKEv2 transform type 4 ID) is available. */
bool crypto_dh_groups_has(const struct crypto_dh_groups *groups, uint16_t group);

/* Length of the KE payload data / of g^ir for group; 0 if unknown. */
size_t crypto_dh_public_len_of(uint16_t group);
size_t crypto_dh_shared_len_of(uint16_t group);

/*
 * Generates a fresh key pair for group. groups (borrowed) must outlive
 * the dh. Returns 0, -EINVAL, -ENOTSUP (unknown or unavailable group),
 * -EIO (OpenSSL failure), -ENOMEM.
 */
MUST_CHECK int crypto_dh_new(struct crypto_dh **out, const struct crypto_dh_groups *groups,
			     uint16_t group);

/*
 * Imports a fixed private key (known-answer tests, restoring state):
 * ECP the scalar big-endian padded to the field size, X25519/X448 the raw
 * 32/56 bytes. priv is borrowed. MODP is not supported (-ENOTSUP).
 * Returns 0, -EINVAL (wrong length, invalid scalar), -ENOTSUP, -EIO,
 * -ENOMEM.
 */
MUST_CHECK int crypto_dh_new_from_private(struct crypto_dh **out,
					  const struct crypto_dh_groups *groups, uint16_t group,
					  const struct secret *priv);

/* Wipes and releases the key pair; accepts NULL. */
void crypto_dh_free(struct crypto_dh *dh);

uint16_t crypto_dh_group(const struct crypto_dh *dh);

/* Our public value in IKE wire format; borrowed, valid as long as dh. */
const uint8_t *crypto_dh_public(const struct crypto_dh *dh, size_t *len);

/*
 * Computes g^ir from the peer's public value (peer_len bytes, borrowed)
 * into *shared (owned by the caller afterwards).
 * Returns 0; -EBADMSG if peer_len is not the group's public value length;
 * -EPROTO if the value is invalid (MODP out of range, ECP not on the
 * curve, X25519/X448 all-zero result); -EINVAL; -EIO; -ENOMEM.
 */
MUST_CHECK int crypto_dh_derive(struct crypto_dh *dh, const uint8_t *peer, size_t peer_len,
				struct secret *shared);

#endif
