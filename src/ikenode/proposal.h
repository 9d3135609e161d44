/*
 * Proposals: strongSwan's proposal keyword strings (swanctl.conf `proposals`
 * and `esp_proposals`), proposal selection as a responder (RFC 7296 §2.7,
 * §3.3.6), conversion to the codec's struct ike_proposal for sending, and
 * strongSwan-style names for logs.
 *
 * struct proposal is a documented value type (STYLE.md §2): no pointers, so it
 * can be copied freely. Transforms are kept per transform type, in preference
 * order; index with proposal_type_idx() or use the PROPOSAL_I_* constants.
 */
#ifndef IKN_IKENODE_PROPOSAL_H
#define IKN_IKENODE_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "ikenode/ike_msg.h"

/* Most transforms of one type in one proposal. */
#define PROPOSAL_MAX_ALGS 16
/* Transform types 1 (ENCR) .. 5 (ESN). */
#define PROPOSAL_N_TYPES 5
/* Most transforms of one proposal on the wire. */
#define PROPOSAL_MAX_TRANSFORMS (PROPOSAL_N_TYPES * PROPOSAL_MAX_ALGS)
/* Most proposals proposal_list_parse() returns. */
#define PROPOSAL_MAX 16

enum {
	PROPOSAL_I_ENCR = 0, /* IKE_TT_ENCR - 1 */
	PROPOSAL_I_PRF,
	PROPOSAL_I_INTEG,
	PROPOSAL_I_DH,
	PROPOSAL_I_ESN,
};

/* One transform: an IANA transform ID and, for ENCR, the key length. */
struct proposal_alg {
	uint16_t id; /* enum ike_encr / ike_prf / ike_integ / ike_dh / ike_esn */
	uint16_t key_len; /* KEY_LENGTH attribute in bits; 0: none on the wire */
};

struct proposal {
	uint8_t protocol; /* IKE_PROTO_IKE or IKE_PROTO_ESP */
	/* proposal_select(): the peer's proposal number and SPI; else 0 */
	uint8_t num;
	uint8_t spi_size; /* 0 (IKE, initial exchange), 8 (IKE rekey) or 4 (ESP) */
	uint8_t spi[8];
	/* per type (PROPOSAL_I_*), most preferred first; one each after selection */
	uint8_t n_algs[PROPOSAL_N_TYPES];
	struct proposal_alg algs[PROPOSAL_N_TYPES][PROPOSAL_MAX_ALGS];
};

/*
 * Parses one strongSwan proposal string such as "aes128-sha256-x25519"
 * (protocol IKE_PROTO_IKE) or "aes128gcm16-esn" (IKE_PROTO_ESP) into *out.
 * Keywords: aes128 aes192 aes256 (AES-CBC); aes128gcm16 aes192gcm16
 * aes256gcm16 (and ...gcm128 aliases); chacha20poly1305; sha1 sha256 sha384
 * sha512 (also sha2_256 ...); prfsha1 prfsha256 prfsha384 prfsha512;
 * modp2048 modp3072 modp4096 ecp256 ecp384 ecp521 x25519 curve25519 x448
 * curve448; esn noesn (ESP only); `default`, alone:
 *   IKE: aes256-aes192-aes128-sha256-sha384-sha512-x25519-ecp256-ecp384-modp3072
 *   ESP: aes256-aes192-aes128-sha256-sha384-sha512
 * For IKE without a prf keyword the PRFs are derived from the integrity
 * algorithms, in order (sha256 -> prfsha256, ...), as strongSwan does. IKE
 * needs ENCR, PRF and DH, plus INTEG unless AEAD; ESP needs ENCR, plus INTEG
 * unless AEAD; DH in ESP is PFS; ESP without esn/noesn gets noesn. AEAD and
 * non-AEAD ciphers cannot be mixed in one proposal, and AEAD takes no INTEG.
 * Returns 0, or -EINVAL with a message naming the keyword in err (NULL ok,
 * err_len bytes, always terminated).
 */
MUST_CHECK int proposal_parse(uint8_t protocol, const char *str, struct proposal *out, char *err,
			      size_t err_len);

/*
 * Parses a swanctl list value ("aes256gcm16-prfsha384-ecp384, aes128-sha256-x25519")
 * into out[0..*n) (cap entries). `default` in a list stands for two
 * proposals, as in strongSwan: the AEAD one (IKE:
 * aes256gcm16-aes128gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512-x25519-ecp256-ecp384-modp3072;
 * ESP: aes256gcm16-aes128gcm16-chacha20poly1305), then the `default` above.
 * 0, -EINVAL (bad keyword, empty list, more than cap; err says), -ENOMEM.
 */
MUST_CHECK int proposal_list_parse(uint8_t protocol, const char *value, struct proposal *out,
				   size_t cap, size_t *n, char *err, size_t err_len);

/*
 * Selects as a responder: the first of ours (our order wins) that some peer
 * proposal of the same protocol matches: for each transform type we have,
 * the peer offers at least one of ours (ENCR key lengths equal); within a
 * type our most preferred one wins. A type we do not have matches only if
 * the peer leaves it out or offers NONE (INTEG for AEAD, DH without PFS).
 * Peer transforms with attributes other than KEY_LENGTH, ESP proposals
 * without a 4-byte SPI and IKE proposals with an SPI other than 0 or 8 bytes
 * are ignored. ke_group (0: none) is the group of the peer's KE payload: if
 * it is acceptable in the selected pair it is chosen over our preference.
 * On success *out holds exactly one transform per type, plus the peer's
 * proposal number and SPI. ours and peer are borrowed for the call.
 * 0, -ENOENT (no match: answer NO_PROPOSAL_CHOSEN), -EINVAL.
 */
MUST_CHECK int proposal_select(const struct proposal *ours, size_t n_ours,
			       const struct ike_proposal *peer, size_t n_peer, uint16_t ke_group,
			       struct proposal *out);

/*
 * The DH group a (selected) proposal requires: its first DH transform, or 0
 * for none. When the peer's KE payload carries another group, answer
 * INVALID_KE_PAYLOAD naming this group (RFC 7296 §1.2).
 */
uint16_t proposal_dh_group(const struct proposal *p);

/* true if p offers transform `id` of transform type `type` (IKE_TT_*) */
bool proposal_has_alg(const struct proposal *p, uint8_t type, uint16_t id);

/*
 * A proposal for the codec (ike_msg_gen()): after proposal_to_ike() success,
 * prop refers to tf[] and attrs[] in this same struct (do not copy or move
 * it while prop is in use) and to p->spi (borrowed from the proposal given).
 */
struct proposal_ike {
	struct ike_proposal prop;
	struct ike_transform tf[PROPOSAL_MAX_TRANSFORMS];
	struct ike_tattr attrs[PROPOSAL_MAX_TRANSFORMS];
};

/*
 * Fills *out with p as proposal number num (1 for a single proposal; p->num
 * for a selection we answer with), transforms in the order ENCR, PRF, INTEG,
 * DH, ESN, all alternatives of each type. 0 or -EINVAL (no ENCR, num 0).
 */
MUST_CHECK int proposal_to_ike(const struct proposal *p, uint8_t num, struct proposal_ike *out);

/*
 * strongSwan's log form, e.g. "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519"
 * (ENCR, INTEG, PRF, DH, ESN; unknown IDs as "ENCR_1234"). Writes a
 * terminated string into buf; 0, -ENOBUFS (truncated), -EINVAL.
 */
MUST_CHECK int proposal_to_str(const struct proposal *p, char *buf, size_t len);

#endif
