/*
 * SK/SKF decryption for ikenode-decode: a key-table entry (decode_keys.h)
 * put to the crypto suite (ike_sk.h), picking SK_ei/SK_ai for messages from
 * the original initiator and SK_er/SK_ar for the others.
 */
#ifndef IKN_IKENODE_DECODE_SK_H
#define IKN_IKENODE_DECODE_SK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "ikenode/decode_keys.h"

/* The crypto suite's algorithms, fetched once. */
struct decode_sk;

/* Returns 0, -EINVAL, -ENOMEM. */
MUST_CHECK int decode_sk_new(struct decode_sk **out);
/* Accepts NULL. */
void decode_sk_free(struct decode_sk *ds);

/*
 * Verifies and decrypts the SK/SKF payload of msg (all len bytes, borrowed
 * for the call) whose IV starts at iv_off; the plaintext inner chain,
 * padding removed, goes to plain (cap bytes), its length to *plain_len.
 * from_initiator: the header's I flag. Returns 0; -EACCES when the
 * integrity check fails; -EBADMSG when the payload cannot hold IV,
 * ciphertext and ICV, or when a good ICV (CBC+HMAC) is followed by a bad
 * pad length: the SK_e key is wrong; -ENOTSUP for an algorithm or key size
 * the suite lacks; -ENOBUFS, -ENOMEM, -EINVAL, -EIO.
 */
MUST_CHECK int decode_sk_open(struct decode_sk *ds, const struct decode_key *key,
			      bool from_initiator, const uint8_t *msg, size_t len, size_t iv_off,
			      uint8_t *plain, size_t cap, size_t *plain_len);

#endif
