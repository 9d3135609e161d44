/* API frozen: change only compatibly */
/*
 * Per-exchange payload rules (RFC 7296 §1 and §2): which payloads a request
 * or response of each exchange may carry, how often, and whether inside SK
 * or in the clear. One table row per exchange and direction (ike_rules.c).
 */
#ifndef IKN_IKENODE_IKE_RULES_H
#define IKN_IKENODE_IKE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "ikenode/ike_msg.h"

enum ike_rule_where {
	IKE_RULE_CLEAR = 1,     /* outside SK */
	IKE_RULE_ENCRYPTED = 2, /* inside SK/SKF */
};

enum {
	/* when present, the minimum counts of the other rows are waived */
	IKE_RULE_F_SUFFICIENT = 1u << 0,
};

struct ike_pld_rule {
	uint8_t type; /* enum ike_pld_type */
	uint8_t min, max;
	uint8_t where; /* enum ike_rule_where */
	uint8_t flags; /* IKE_RULE_F_* */
};

struct ike_exchange_rules {
	uint8_t exchange; /* enum ike_exchange */
	bool response;
	bool encrypted; /* payloads go inside SK/SKF */
	const struct ike_pld_rule *rules;
	size_t n_rules;
};

/* The rules for an exchange and direction (static, borrowed), or NULL. */
const struct ike_exchange_rules *ike_rules_find(uint8_t exchange, bool response);

enum ike_rules_phase {
	/*
	 * Before decryption: the exchange is known, the clear payloads are
	 * allowed, and SK/SKF is present exactly when required. Counts of
	 * encrypted payloads are not checked.
	 */
	IKE_RULES_OUTER,
	/* After ike_msg_parse_inner() (or for an unencrypted exchange): all. */
	IKE_RULES_FULL,
};

/*
 * Checks msg against the rules of its exchange and direction (header R
 * flag). Unknown payload types (skipped, non-critical) are always allowed.
 * A Notify of an error type (< 16384), COOKIE or REDIRECT waives minimum
 * counts, as does any payload of a row flagged SUFFICIENT. Returns 0, -EBADMSG with err filled
 * (IKE_MSG_E_UNKNOWN_EXCHANGE, MISSING, TOO_OFTEN, NOT_ALLOWED,
 * NOT_ENCRYPTED, NOT_CLEAR, NO_SK, SK_FORBIDDEN; err->pld_type names the
 * payload), -EINVAL on NULL or FULL before the inner chain was parsed.
 */
MUST_CHECK int ike_rules_check(const struct ike_msg *msg, enum ike_rules_phase phase,
			       struct ike_msg_err *err);

#endif
