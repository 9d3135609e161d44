/*
 * SKF reassembly for ikenode-decode (RFC 7383 §2.6): the decrypted
 * plaintexts of the fragments of one message, keyed by IKE_SA, message ID
 * and direction, joined once every fragment is there. Bounded: a few
 * messages at a time (the oldest is dropped), a limited fragment count and
 * size; retransmitted fragments are ignored.
 */
#ifndef IKN_IKENODE_DECODE_FRAG_H
#define IKN_IKENODE_DECODE_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

struct decode_frags;

/* Returns 0, -EINVAL, -ENOMEM. */
MUST_CHECK int decode_frags_new(struct decode_frags **out);
/* Wipes and frees every pending fragment; accepts NULL. */
void decode_frags_free(struct decode_frags *f);

/* Which message a fragment belongs to, and where it goes. */
struct decode_frag_id {
	uint8_t spi_i[8], spi_r[8];
	uint32_t msgid;
	bool response;
	uint16_t num, total; /* 1 .. total */
	uint8_t inner_next;  /* the first inner payload type, in fragment 1 */
};

/*
 * Adds one fragment's plaintext (copied). Returns 1 when this completes the
 * message: *whole (malloc'ed, the caller frees it) holds the fragments'
 * plaintexts in order, *first_type the first inner payload type. Returns 0
 * while fragments are missing (or for a retransmission), -EBADMSG when the
 * fragment contradicts the others (another total) or is out of range,
 * -E2BIG beyond the limits, -ENOMEM, -EINVAL.
 */
MUST_CHECK int decode_frags_add(struct decode_frags *f, const struct decode_frag_id *id,
				const uint8_t *plain, size_t len, uint8_t **whole,
				size_t *whole_len, uint8_t *first_type);

#endif
