/*
 * The SK key table of ikenode-decode, in Wireshark's ikev2_decryption_table
 * format, one IKE_SA a line:
 *   SPIi,SPIr,SK_ei,SK_er,"encryption algorithm",SK_ai,SK_ar,"integrity algorithm"
 * as strongSwan's save-keys plugin writes it: SPIs and keys in unquoted hex
 * (Wireshark reads a quoted buffer as text, so quoting one is an error here),
 * the algorithms quoted, named as Wireshark's packet-isakmp.c names them
 * ("AES-CBC-128 [RFC3602]", "HMAC_SHA2_256_128 [RFC4868]", ...); the
 * integrity keys of an AEAD line are empty. '#' starts a comment line.
 * Wireshark has no name for ChaCha20-Poly1305; we accept
 * "ChaCha20-Poly1305 [RFC7634]". AEAD keys include their 4-byte salt.
 */
#ifndef IKN_IKENODE_DECODE_KEYS_H
#define IKN_IKENODE_DECODE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "common/secret.h"

struct decode_key {
	uint8_t spi_i[8], spi_r[8];
	uint16_t encr_id;	/* IKEv2 transform ID */
	uint16_t encr_key_bits; /* without the AEAD salt */
	uint16_t integ_id;	/* 0 for AEAD */
	struct secret sk_ei, sk_er, sk_ai, sk_ar;
	unsigned int line;
};

struct decode_keys;

/*
 * Parses a key table. On a bad line, returns -EBADMSG and writes
 * "LINE: what is wrong" into err. *out is owned by the caller.
 */
MUST_CHECK int decode_keys_parse(const char *text, size_t len, struct decode_keys **out,
				 char *err, size_t err_len);
MUST_CHECK int decode_keys_load(const char *path, struct decode_keys **out, char *err,
				size_t err_len);
/* The entry for an IKE_SA, or NULL; borrowed, valid until decode_keys_free(). */
const struct decode_key *decode_keys_find(const struct decode_keys *keys, const uint8_t spi_i[8],
					  const uint8_t spi_r[8]);
size_t decode_keys_count(const struct decode_keys *keys);
/* Wipes every key; accepts NULL. */
void decode_keys_free(struct decode_keys *keys);

#endif
