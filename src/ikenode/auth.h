/*
 * IKE_AUTH authentication values: the signed octets (RFC 7296 §2.15), the
 * shared-key MIC (AUTH method 2), and digital signatures: the classic
 * methods 1 (RSA PKCS#1 v1.5 with SHA-1) and 9/10/11 (ECDSA, RFC 4754), and
 * method 14 (RFC 7427) with RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, Ed25519 and
 * Ed448 (RFC 8420).
 *
 * Method 14 AUTH data is: a length octet, the DER AlgorithmIdentifier of
 * the signature algorithm, the signature (ECDSA: DER Ecdsa-Sig-Value). We
 * send the encodings strongSwan sends (RFC 7427 Appendix A; RSASSA-PSS
 * without the trailerField, as corrected by erratum 4513). On receipt the
 * AlgorithmIdentifier is parsed by a strict DER reader: PKCS#1 and ECDSA
 * identifiers with absent or NULL parameters, EdDSA without parameters,
 * RSASSA-PSS with its parameters parsed field by field.
 *
 * The functions are pure (no logging, no daemon state), so they may run in
 * a crypto worker. Keys are borrowed for the call. Hash algorithm numbers
 * are those of the IANA "IKEv2 Hash Algorithms" registry (AUTH_HASH_*).
 */
#ifndef IKN_IKENODE_AUTH_H
#define IKN_IKENODE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "common/defs.h"
#include "common/secret.h"

struct crypto_prf;

/* IANA "IKEv2 Hash Algorithms" (RFC 7427 §7) */
#define AUTH_HASH_SHA1 1
#define AUTH_HASH_SHA2_256 2
#define AUTH_HASH_SHA2_384 3
#define AUTH_HASH_SHA2_512 4
#define AUTH_HASH_IDENTITY 5

/* AUTH methods (IANA "IKEv2 Authentication Method") handled here */
#define AUTH_METHOD_RSA_SIG 1
#define AUTH_METHOD_PSK 2
#define AUTH_METHOD_ECDSA_256 9
#define AUTH_METHOD_ECDSA_384 10
#define AUTH_METHOD_ECDSA_521 11
#define AUTH_METHOD_DIGITAL_SIG 14

/* Length of our SIGNATURE_HASH_ALGORITHMS notify data (auth_sig_hash_notify()). */
#define AUTH_SIG_HASH_NOTIFY_LEN 8

/*
 * RFC 7296 §2.15 signed octets: msg | nonce | prf(SK_p, IDx'), where IDx'
 * is the ID payload body (type, 3 reserved bytes, data; at least 4 bytes).
 * msg is the sender's IKE_SA_INIT message, nonce the other side's nonce,
 * sk_p the sender's SK_pi/SK_pr. All inputs are borrowed for the call.
 * *out is malloc'd (the caller free()s it), *out_len its length; on error
 * *out is NULL. Returns 0, -EINVAL, -ENOMEM, -EIO (OpenSSL failure).
 */
MUST_CHECK int auth_octets(struct crypto_prf *prf, const struct secret *sk_p, const uint8_t *msg,
			   size_t msg_len, const uint8_t *nonce, size_t nonce_len,
			   const uint8_t *id_body, size_t id_body_len, uint8_t **out,
			   size_t *out_len);

/*
 * Shared-key AUTH (RFC 7296 §2.15):
 *   AUTH = prf(prf(psk, "Key Pad for IKEv2"), octets)
 * out (caller-owned struct, overwritten) receives crypto_prf_len() bytes;
 * free it with secret_free(). psk must not be empty. The intermediate key
 * is wiped. Returns 0, -EINVAL, -ENOMEM, -EIO; on error *out is empty.
 */
MUST_CHECK int auth_psk_compute(struct crypto_prf *prf, const struct secret *psk,
				const uint8_t *octets, size_t len, struct secret *out);

/*
 * Computes the expected shared-key AUTH and compares it with the received
 * auth_data in constant time. Returns 0, -EACCES on mismatch (also a wrong
 * length, including 0), -EINVAL (bad arguments), -ENOMEM, -EIO.
 */
MUST_CHECK int auth_psk_verify(struct crypto_prf *prf, const struct secret *psk,
			       const uint8_t *octets, size_t len, const uint8_t *auth_data,
			       size_t auth_len);

/*
 * Our SIGNATURE_HASH_ALGORITHMS notify data (RFC 7427 §4): 2-byte IDs,
 * big-endian, in the order strongSwan sends them: SHA2-256, SHA2-384,
 * SHA2-512, Identity (SHA-1 is left out, RFC 8247 §3.2). Writes the whole
 * IDs that fit into buf (cap bytes) and their length to *len. Returns 0,
 * -ENOBUFS when cap < AUTH_SIG_HASH_NOTIFY_LEN (the list is truncated),
 * -EINVAL.
 */
MUST_CHECK int auth_sig_hash_notify(uint8_t *buf, size_t cap, size_t *len);

/*
 * Chooses the method and hash for signing with key (borrowed). If the peer
 * sent SIGNATURE_HASH_ALGORITHMS (peer_hashes: the notify data, peer_len
 * bytes, an odd last byte ignored; NULL/0 when it did not): method 14 with
 * the strongest hash both support among SHA2-512, SHA2-384, SHA2-256 (RSA,
 * ECDSA on any curve), or Identity for Ed25519/Ed448, which the peer must
 * list. Otherwise, or if RSA/ECDSA find no common hash, the classic
 * methods: RSA -> 1 (hash SHA1), ECDSA P-256/384/521 -> 9/10/11 (hash
 * SHA2-256/384/512). Returns 0, -ENOTSUP (no method fits, e.g. EdDSA
 * without RFC 7427, or ECDSA on another curve), -EINVAL.
 */
MUST_CHECK int auth_sig_choose(EVP_PKEY *key, const uint8_t *peer_hashes, size_t peer_len,
			       uint8_t *method, uint16_t *hash);

/*
 * Signs octets with key (borrowed, a private key), producing the AUTH
 * payload data for method:
 *  - 14: length octet | AlgorithmIdentifier DER | signature, where hash is
 *    AUTH_HASH_SHA2_256/384/512 for RSA PKCS#1 v1.5
 *    (sha256/384/512WithRSAEncryption), RSASSA-PSS when rsa_pss (RFC 7427
 *    A.4: MGF1 with the same hash, salt length = hash length, trailer 1;
 *    an RSA-PSS key always signs PSS) and ECDSA (ecdsa-with-SHA256/384/512,
 *    DER Ecdsa-Sig-Value), and AUTH_HASH_IDENTITY for Ed25519/Ed448
 *    (1.3.101.112/113, no parameters);
 *  - 1: RSA PKCS#1 v1.5 with SHA-1 (hash must be 0 or AUTH_HASH_SHA1);
 *  - 9/10/11: ECDSA on P-256/384/521 with SHA2-256/384/512, raw r | s
 *    (RFC 4754); hash must be 0 or that hash.
 * *auth_data is malloc'd (the caller free()s it), *auth_len its length.
 * Returns 0, -EINVAL (bad arguments), -ENOTSUP (method, hash or rsa_pss
 * not usable with this key type or curve), -EIO (OpenSSL failure),
 * -ENOMEM.
 */
MUST_CHECK int auth_sig_sign(EVP_PKEY *key, uint8_t method, uint16_t hash, bool rsa_pss,
			     const uint8_t *octets, size_t len, uint8_t **auth_data,
			     size_t *auth_len);

/*
 * Verifies a received AUTH payload (method and data as received) over
 * octets with the peer's public key (borrowed). Method 14: the
 * AlgorithmIdentifier is parsed (bounds-checked DER; PKCS#1 v1.5 and ECDSA
 * with SHA-1/SHA2-256/384/512, RSASSA-PSS with SHA-1/SHA2-256/384/512 in
 * hash and MGF1, Ed25519, Ed448) and must fit the key type. Methods 1 and
 * 9/10/11 as for auth_sig_sign(); 9/10/11 need the matching curve.
 * Returns 0; -EACCES (bad signature, or algorithm/curve not fitting the
 * key); -ENOTSUP (unknown OID or hash, or not a signature method);
 * -EBADMSG (malformed: length octet past the end, bad DER, parameters not
 * allowed or inconsistent, empty signature, wrong r|s length); -EINVAL
 * (bad arguments); -ENOMEM.
 */
MUST_CHECK int auth_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth_data,
			       size_t auth_len, const uint8_t *octets, size_t len);

/*
 * Name for logs, as strongSwan names the schemes: "RSA_EMSA_PKCS1_SHA1",
 * "RSA_EMSA_PKCS1_SHA2_256", "RSA_EMSA_PSS_SHA2_256", "ECDSA_WITH_SHA2_256"
 * (method 14), "ECDSA_256" (method 9), "ED25519", "ED448"; "UNKNOWN"
 * otherwise. key may be NULL (then only the classic methods are named).
 * Returns a static string.
 */
const char *auth_sig_name(EVP_PKEY *key, uint8_t method, uint16_t hash, bool rsa_pss);

/*
 * Name for logs of the algorithm in received method 14 AUTH data (borrowed
 * for the call), as auth_sig_name() names it; "UNKNOWN" when the data does
 * not parse or names an algorithm we do not know. Returns a static string.
 */
const char *auth_sig_data_name(const uint8_t *auth_data, size_t auth_len);

#endif
