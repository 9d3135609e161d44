/* API frozen: change only compatibly */
/*
 * Sample IKEv2 messages as values, for tests and tools: together they use
 * every payload type the codec knows (SA with IKE and ESP proposals and
 * attributes, KE, IDi/IDr, CERT, CERTREQ, AUTH (PSK and RFC 7427), Nonce,
 * Notify, Delete, Vendor ID, TSi/TSr with IPv4 and IPv6 ranges, SK, SKF, CP,
 * EAP), in several exchanges. Some carry in the clear what a real exchange
 * would encrypt, to show every payload to a dissector; those are flagged
 * rules_ok = false. SK/SKF bodies are dummies.
 */
#ifndef IKN_IKENODE_IKE_MSG_SAMPLES_H
#define IKN_IKENODE_IKE_MSG_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikenode/ike_msg.h"

struct ike_msg_sample {
	const char *name;
	uint16_t port; /* 500, or 4500 (send with the non-ESP marker) */
	bool rules_ok; /* passes ike_rules_check(IKE_RULES_OUTER) */
	struct ike_hdr hdr;
	const struct ike_pld *plds; /* encrypted ones: the inner chain of SK */
	size_t n_plds;
};

size_t ike_msg_sample_count(void);
/* The i-th sample (static, borrowed), or NULL past the end. */
const struct ike_msg_sample *ike_msg_sample_get(size_t i);

/*
 * Makes a generator-ready message of a sample: *msg refers to plds, a
 * caller array of at least s->n_plds entries (copied from the sample).
 * 0 or -EINVAL.
 */
MUST_CHECK int ike_msg_sample_msg(const struct ike_msg_sample *s, struct ike_msg *msg,
				  struct ike_pld *plds, size_t cap);

#endif
