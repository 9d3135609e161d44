/*
 * Key logs for decrypting our traffic in Wireshark/tshark, written only
 * when the operator asks for them: the SK keys of IKE_SAs as lines of
 * Wireshark's ikev2_decryption_table, ESP keys as lines of its esp_sa table
 * (the UAT files in a Wireshark profile, or `tshark -o uat:esp_sa:LINE`), in
 * Wireshark 4.0's formats and algorithm names (epan/dissectors/
 * packet-isakmp.c vs_ikev2_encr_algs/vs_ikev2_auth_algs, packet-esp.c
 * esp_encryption_type_vals/esp_authentication_type_vals), as strongSwan's
 * save-keys plugin writes them. ikenode-decode reads the IKE table
 * (decode_keys.h).
 *
 * Each line leaves in one write(2) on a file opened O_APPEND, so nothing
 * stays buffered; the formatted line is wiped from memory afterwards. The
 * file holds keys: it is created 0600 (an existing file keeps its mode).
 */
#ifndef IKN_IKENODE_KEYLOG_H
#define IKN_IKENODE_KEYLOG_H

#include <stdint.h>
#include <sys/socket.h>

#include "common/defs.h"
#include "common/secret.h"

struct keylog;

/*
 * Opens path (borrowed) for appending, creating it with mode 0600; the
 * caller decides whether the operator asked for it. On success *out is
 * owned by the caller (keylog_close()). 0, -EINVAL, -ENOMEM, or open(2)'s
 * negative errno.
 */
MUST_CHECK int keylog_open(struct keylog **out, const char *path);
/* Closes; accepts NULL. */
void keylog_close(struct keylog *kl);

/*
 * One line of Wireshark's ikev2_decryption_table:
 *   SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity"
 * SPIs and keys in unquoted lower-case hex, names quoted, e.g.
 *   0123456789abcdef,fedcba9876543210,<hex>,<hex>,"AES-CBC-128 [RFC3602]",<hex>,<hex>,
 *   "HMAC_SHA2_256_128 [RFC4868]"
 * encr_id/encr_key_bits/integ_id are IKEv2 transform IDs (ike_names.h) and
 * the KEY_LENGTH attribute. Names exist for 3DES (key bits 0 or 192), NULL,
 * AES-CBC, AES-CTR, AES-GCM and AES-CCM with 8, 12 and 16 octet ICVs (128,
 * 192, 256 bits); integrity NONE, HMAC_MD5_96, HMAC_SHA1_96, HMAC_MD5_128,
 * HMAC_SHA1_160, HMAC_SHA2_256_128/384_192/512_256. Wireshark 4.0 has no
 * name for ChaCha20-Poly1305 (nor does a table with an unknown name load),
 * so that is -ENOTSUP. Keys (borrowed): SK_e* of bits/8 bytes plus the salt
 * of AES-CTR/GCM (4) and AES-CCM (3); SK_a* of the integrity key length;
 * AEAD ciphers take integ_id 0 (NONE) and empty (or NULL) SK_a*.
 * 0, -ENOTSUP (Wireshark has no name), -EINVAL (NULL arguments, key lengths
 * that do not fit the algorithms, integrity with AEAD), -EIO.
 */
MUST_CHECK int keylog_ike(struct keylog *kl, const uint8_t spi_i[8], const uint8_t spi_r[8],
			  uint16_t encr_id, uint16_t encr_key_bits, uint16_t integ_id,
			  const struct secret *sk_ei, const struct secret *sk_er,
			  const struct secret *sk_ai, const struct secret *sk_ar);

/*
 * One line of Wireshark's esp_sa table for one direction of a CHILD_SA:
 *   "IPv4","192.0.2.1","192.0.2.2","0x0000abcd","AES-CBC [RFC3602]","0x<hex>",
 *   "HMAC-SHA-256-128 [RFC4868]","0x<hex>"
 * ("IPv6" and inet_ntop's IPv6 text; src and dst borrowed, of one family
 * after IPv4-mapped IPv6 is taken as IPv4; the SPI as it is on the wire, in
 * host order here). The caller writes to a separate file (keylog_open of
 * "<path>.esp"), since Wireshark keeps the tables apart. Names exist for
 * NULL, 3DES, AES-CBC (128/192/256), AES-CTR and AES-GCM with 8, 12 or 16
 * octet ICV ("AES-GCM with 16 octet ICV [RFC4106]"; integ_id must be 0,
 * written as "NULL"); integrity NONE ("NULL"), HMAC-MD5-96, HMAC-SHA-1-96,
 * HMAC-SHA-256-128, HMAC-SHA-384-192, HMAC-SHA-512-256. AES-CCM and
 * ChaCha20-Poly1305 have no ESP name in Wireshark 4.0: -ENOTSUP. encr_key
 * (borrowed) is bits/8 bytes plus the 4-byte salt (nonce) of AES-CTR/GCM;
 * integ_key (borrowed, NULL or empty for none, written "0x") of the
 * integrity key length. 0, -ENOTSUP, -EINVAL (as keylog_ike()), -EIO.
 */
MUST_CHECK int keylog_esp(struct keylog *kl, const struct sockaddr_storage *src,
			  const struct sockaddr_storage *dst, uint32_t spi, uint16_t encr_id,
			  uint16_t encr_key_bits, uint16_t integ_id, const struct secret *encr_key,
			  const struct secret *integ_key);

#endif
