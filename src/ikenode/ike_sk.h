/* API frozen: change only compatibly */
/*
 * SK (and SKF, RFC 7383) payload protection: one direction's cipher and
 * integrity state for an IKE SA.
 *
 * Supported (IKEv2 transform IDs, see crypto_ids.h):
 *   ENCR_AES_CBC (12), 128/192/256-bit keys, with AUTH_HMAC_SHA1_96 (2),
 *     AUTH_HMAC_SHA2_256_128 (12), _384_192 (13), _512_256 (14);
 *   ENCR_AES_GCM_16 (20), 128/256-bit keys, RFC 5282: the key material is
 *     the AES key followed by a 4-byte salt; 8-byte explicit IV; 16-byte ICV;
 *   ENCR_CHACHA20_POLY1305 (28), 256-bit key, RFC 7634: the same shape
 *     (32-byte key + 4-byte salt, 8-byte IV, 16-byte ICV).
 *
 * Layout of an SK payload body (what follows the 4-byte generic payload
 * header, or the 8-byte SKF header):
 *   IV | ciphertext of (plaintext | padding | pad length byte) | ICV
 * The padding is (pad length) bytes; seal writes zeros, open accepts any
 * content (RFC 7296 §3.14) but requires pad length + 1 <= decrypted length.
 *
 * An ike_sk is not thread safe; one object serves one direction of one SA
 * on one thread at a time. It keeps its OpenSSL contexts between calls.
 */
#ifndef IKN_IKENODE_IKE_SK_H
#define IKN_IKENODE_IKE_SK_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

struct crypto_algs;
struct secret;
struct ike_sk;

/*
 * Creates one direction's SK state in *out.
 * algs: fetched algorithms (crypto_algs.h), borrowed, must outlive the sk.
 * encr_id/encr_key_bits: ENCR transform and its Key Length attribute
 *   (ChaCha20-Poly1305: 256; 0 is accepted there as "no attribute").
 * integ_id: INTEG transform, CRYPTO_INTEG_NONE (0) for AEAD ciphers.
 * encr_key: SK_e*, including the 4-byte salt for AEAD; copied.
 * integ_key: SK_a*, copied; NULL (or empty) for AEAD.
 * Returns 0, -EINVAL (NULL arguments, key length not matching the
 * transforms, integrity given with AEAD or missing without), -ENOTSUP
 * (transform or key size not implemented), -ENOMEM.
 */
MUST_CHECK int ike_sk_new(struct ike_sk **out, const struct crypto_algs *algs, uint16_t encr_id,
			  uint16_t encr_key_bits, uint16_t integ_id,
			  const struct secret *encr_key, const struct secret *integ_key);

/* Wipes the keys and releases everything; accepts NULL. */
void ike_sk_free(struct ike_sk *sk);

/* Length of the IV in the payload (CBC: 16, AEAD: 8). */
size_t ike_sk_iv_len(const struct ike_sk *sk);

/* Length of the ICV at the end (HMAC: truncated length, AEAD: 16). */
size_t ike_sk_icv_len(const struct ike_sk *sk);

/*
 * Length of the SK body (IV + ciphertext including padding and the pad
 * length byte + ICV) that ike_sk_seal() writes for plain_len bytes of
 * plaintext. CBC pads to the 16-byte block; AEAD adds only the pad length
 * byte (no padding). Returns 0 if plain_len is absurdly large (overflow).
 */
size_t ike_sk_sealed_len(const struct ike_sk *sk, size_t plain_len);

/*
 * Checks only the ICV of a CBC+HMAC protected message (the same msg as
 * ike_sk_open()), in constant time: 0 when it matches, -EBADMSG when not or
 * when msg is shorter than the ICV, -EOPNOTSUPP for AEAD ciphers (their tag
 * is checked only by decrypting), -EIO when OpenSSL fails. ike_sk_open()
 * calls it first; a tool that must tell a wrong SK_a from a bad body calls
 * it alone.
 */
MUST_CHECK int ike_sk_verify(struct ike_sk *sk, const uint8_t *msg, size_t msg_len);

/*
 * Verifies and decrypts the SK/SKF payload, which is the last payload of
 * the IKE message msg (msg_len bytes from the IKE header to the end,
 * borrowed for the call). iv_off is the offset of the IV in msg (after the
 * 4-byte SK generic header or the 8-byte SKF header); the ICV is the last
 * ike_sk_icv_len() bytes.
 *   CBC+HMAC: the ICV covers msg[0 .. msg_len - icv_len) and is verified in
 *     constant time before anything is decrypted.
 *   AEAD: the associated data is msg[0 .. iv_off) (RFC 5282 §5.1,
 *     RFC 7383 §2.5); the nonce is salt | IV.
 * The plaintext with padding and pad length removed goes to plain (cap
 * bytes), its length to *plain_len. cap must hold the decrypted length
 * (ciphertext length), padding included; plain may be written even on
 * failure and is then wiped.
 * Returns 0; -EBADMSG for every failure caused by the message (iv_off
 * beyond the message, too short, ciphertext not a block multiple, ICV
 * mismatch, bad pad length), without saying which; -ENOBUFS if cap is too
 * small for the decrypted length; -EINVAL for NULL arguments; -EIO for an
 * OpenSSL failure that is not about the message; -ENOMEM.
 * plain must not overlap msg.
 */
MUST_CHECK int ike_sk_open(struct ike_sk *sk, const uint8_t *msg, size_t msg_len, size_t iv_off,
			   uint8_t *plain, size_t cap, size_t *plain_len);

/*
 * Encrypts and protects plain (plain_len bytes, borrowed) into msg (cap
 * bytes). The caller has already written msg[0 .. iv_off): the IKE header
 * and the payloads before the SK payload, and the SK (or SKF) header, with
 * the final lengths (IKE length = iv_off + ike_sk_sealed_len(), SK payload
 * length = header length + ike_sk_sealed_len()). Seal writes IV,
 * ciphertext, padding, pad length and ICV after it; *msg_len receives
 * iv_off + ike_sk_sealed_len(sk, plain_len).
 * IVs: CBC takes a random IV (RAND_bytes) per message. AEAD takes the
 * IV from a per-sk 64-bit counter starting at 1, so an IV never repeats
 * for a key; the HA work will embed the node ID in the top bits of this
 * counter so that cluster nodes sharing a key never collide (DESIGN.md §6).
 * When the counter is exhausted seal fails with -EOVERFLOW (rekey).
 * plain must not overlap msg.
 * Returns 0, -ENOBUFS if cap is too small, -EINVAL (NULL arguments),
 * -EOVERFLOW, -EIO (OpenSSL failure, e.g. no randomness), -ENOMEM.
 */
MUST_CHECK int ike_sk_seal(struct ike_sk *sk, uint8_t *msg, size_t cap, size_t iv_off,
			   const uint8_t *plain, size_t plain_len, size_t *msg_len);

#endif
