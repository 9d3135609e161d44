/*
 * Which payloads each exchange carries (RFC 7296 §1.2-1.5, RFC 5723,
 * RFC 9242, RFC 9370): one row per payload type, one table per exchange
 * and direction.
 */
#include "ikenode/ike_rules.h"

#include <assert.h>
#include <errno.h>

#include "ikenode/ike_pld_ops.h"

#define RULES_MAX 16 /* rows in the largest table */

#define ANY UINT8_MAX /* "any number": bounded anyway by IKE_MSG_MAX_PLDS */
#define C IKE_RULE_CLEAR
#define E IKE_RULE_ENCRYPTED

static const struct ike_pld_rule sa_init_i[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, C, 0 }, { IKE_PLD_SA, 1, 1, C, 0 },
	{ IKE_PLD_KE, 1, 1, C, 0 },       { IKE_PLD_NONCE, 1, 1, C, 0 },
	{ IKE_PLD_VENDOR, 0, ANY, C, 0 },
};

/* an error Notify, COOKIE or REDIRECT may stand alone (see notify_waives) */
static const struct ike_pld_rule sa_init_r[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, C, 0 }, { IKE_PLD_SA, 1, 1, C, 0 },
	{ IKE_PLD_KE, 1, 1, C, 0 },          { IKE_PLD_NONCE, 1, 1, C, 0 },
	{ IKE_PLD_CERTREQ, 0, ANY, C, 0 },   { IKE_PLD_VENDOR, 0, ANY, C, 0 },
};

/*
 * IKE_AUTH runs in rounds (EAP, RFC 4739 multiple auth): a request starts
 * a round with IDi, or continues one with EAP or ends it with AUTH alone;
 * a response carries AUTH, or EAP in a middle round. SA/TS are optional
 * (RFC 6023 childless).
 */
#define S IKE_RULE_F_SUFFICIENT
static const struct ike_pld_rule auth_i[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 }, { IKE_PLD_EAP, 0, 1, E, S },
	{ IKE_PLD_AUTH, 0, 1, E, S },     { IKE_PLD_IDI, 1, 1, E, 0 },
	{ IKE_PLD_CERT, 0, ANY, E, 0 },   { IKE_PLD_CERTREQ, 0, ANY, E, 0 },
	{ IKE_PLD_IDR, 0, 1, E, 0 },      { IKE_PLD_SA, 0, 1, E, 0 },
	{ IKE_PLD_TSI, 0, 1, E, 0 },      { IKE_PLD_TSR, 0, 1, E, 0 },
	{ IKE_PLD_CP, 0, 1, E, 0 },       { IKE_PLD_VENDOR, 0, ANY, E, 0 },
};

static const struct ike_pld_rule auth_r[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 }, { IKE_PLD_EAP, 0, 1, E, S },
	{ IKE_PLD_AUTH, 1, 1, E, 0 },        { IKE_PLD_CERT, 0, ANY, E, 0 },
	{ IKE_PLD_IDR, 0, 1, E, 0 },         { IKE_PLD_SA, 0, 1, E, 0 },
	{ IKE_PLD_TSI, 0, 1, E, 0 },         { IKE_PLD_TSR, 0, 1, E, 0 },
	{ IKE_PLD_CP, 0, 1, E, 0 },          { IKE_PLD_VENDOR, 0, ANY, E, 0 },
};

static const struct ike_pld_rule child_i[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 }, { IKE_PLD_SA, 1, 1, E, 0 },
	{ IKE_PLD_NONCE, 1, 1, E, 0 },    { IKE_PLD_KE, 0, 1, E, 0 },
	{ IKE_PLD_TSI, 0, 1, E, 0 },      { IKE_PLD_TSR, 0, 1, E, 0 },
	{ IKE_PLD_CP, 0, 1, E, 0 },       { IKE_PLD_VENDOR, 0, ANY, E, 0 },
};

static const struct ike_pld_rule child_r[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 }, { IKE_PLD_SA, 1, 1, E, 0 },
	{ IKE_PLD_NONCE, 1, 1, E, 0 },       { IKE_PLD_KE, 0, 1, E, 0 },
	{ IKE_PLD_TSI, 0, 1, E, 0 },         { IKE_PLD_TSR, 0, 1, E, 0 },
	{ IKE_PLD_CP, 0, 1, E, 0 },          { IKE_PLD_VENDOR, 0, ANY, E, 0 },
};

/* an empty INFORMATIONAL is a liveness check */
static const struct ike_pld_rule info[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 },
	{ IKE_PLD_DELETE, 0, ANY, E, 0 },
	{ IKE_PLD_CP, 0, 1, E, 0 },
	{ IKE_PLD_VENDOR, 0, ANY, E, 0 },
};

/* RFC 5723 §4.1: Ni, N(TICKET_OPAQUE) [, N+]; the response Nr [, N+] */
static const struct ike_pld_rule resume_i[] = {
	{ IKE_PLD_NONCE, 1, 1, C, 0 },
	{ IKE_PLD_NOTIFY, 1, ANY, C, 0 },
	{ IKE_PLD_VENDOR, 0, ANY, C, 0 },
};

static const struct ike_pld_rule resume_r[] = {
	{ IKE_PLD_NONCE, 1, 1, C, 0 },
	{ IKE_PLD_NOTIFY, 0, ANY, C, 0 },
	{ IKE_PLD_VENDOR, 0, ANY, C, 0 },
};

static const struct ike_pld_rule intermediate_i[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 },
	{ IKE_PLD_KE, 0, 1, E, 0 },
};

static const struct ike_pld_rule intermediate_r[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 },
	{ IKE_PLD_KE, 0, 1, E, 0 },
};

static const struct ike_pld_rule followup_i[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 },
	{ IKE_PLD_KE, 1, 1, E, 0 },
};

static const struct ike_pld_rule followup_r[] = {
	{ IKE_PLD_NOTIFY, 0, ANY, E, 0 },
	{ IKE_PLD_KE, 1, 1, E, 0 },
};

#define RULES_(x, resp, enc, t) { IKE_EXCH_##x, resp, enc, t, ARRAY_SIZE(t) }
static const struct ike_exchange_rules exchange_rules[] = {
	RULES_(IKE_SA_INIT, false, false, sa_init_i),
	RULES_(IKE_SA_INIT, true, false, sa_init_r),
	RULES_(IKE_AUTH, false, true, auth_i),
	RULES_(IKE_AUTH, true, true, auth_r),
	RULES_(CREATE_CHILD_SA, false, true, child_i),
	RULES_(CREATE_CHILD_SA, true, true, child_r),
	RULES_(INFORMATIONAL, false, true, info),
	RULES_(INFORMATIONAL, true, true, info),
	RULES_(IKE_SESSION_RESUME, false, false, resume_i),
	RULES_(IKE_SESSION_RESUME, true, false, resume_r),
	RULES_(IKE_INTERMEDIATE, false, true, intermediate_i),
	RULES_(IKE_INTERMEDIATE, true, true, intermediate_r),
	RULES_(IKE_FOLLOWUP_KE, false, true, followup_i),
	RULES_(IKE_FOLLOWUP_KE, true, true, followup_r),
};

const struct ike_exchange_rules *ike_rules_find(uint8_t exchange, bool response)
{
	for (size_t i = 0; i < ARRAY_SIZE(exchange_rules); i++)
		if (exchange_rules[i].exchange == exchange && exchange_rules[i].response == response)
			return &exchange_rules[i];
	return NULL;
}

static int fail(struct ike_msg_err *err, enum ike_msg_errcode code, uint8_t type, size_t off,
		uint32_t value, const char *detail)
{
	err->code = code;
	err->pld_type = type;
	err->offset = off;
	err->value = value;
	err->detail = detail;
	return -EBADMSG;
}

/* Notifies that make a message complete on their own (RFC 7296 §2.6, RFC 5685) */
static bool notify_waives(uint16_t type)
{
	return type < 16384 || type == IKE_N_COOKIE || type == IKE_N_REDIRECT;
}

static const struct ike_pld_rule *rule_of(const struct ike_exchange_rules *x, uint8_t type)
{
	for (size_t i = 0; i < x->n_rules; i++)
		if (x->rules[i].type == type)
			return &x->rules[i];
	return NULL;
}

int ike_rules_check(const struct ike_msg *msg, enum ike_rules_phase phase,
		    struct ike_msg_err *err)
{
	const struct ike_exchange_rules *x;
	size_t count[RULES_MAX] = { 0 };
	const struct ike_pld *sk = NULL;
	bool waived = false;

	if (!msg || !err || (msg->n_plds && !msg->plds))
		return -EINVAL;
	x = ike_rules_find(msg->hdr.exchange, msg->hdr.flags & IKE_HDR_F_RESPONSE);
	if (!x)
		return fail(err, IKE_MSG_E_UNKNOWN_EXCHANGE, 0, 18, msg->hdr.exchange,
			    "no rules for this exchange type");
	for (size_t i = 0; i < msg->n_plds; i++)
		if (!msg->plds[i].encrypted && ike_pld_is_sk(msg->plds[i].type))
			sk = &msg->plds[i];
	if (x->encrypted && !sk)
		return fail(err, IKE_MSG_E_NO_SK, 0, 16, msg->hdr.next_payload,
			    "exchange requires an SK or SKF payload");
	if (!x->encrypted && sk)
		return fail(err, IKE_MSG_E_SK_FORBIDDEN, sk->type, sk->offset, sk->type,
			    "exchange must not be encrypted");
	if (phase == IKE_RULES_FULL && x->encrypted && !msg->inner_parsed)
		return -EINVAL;
	assert(x->n_rules <= RULES_MAX);

	for (size_t i = 0; i < msg->n_plds; i++) {
		const struct ike_pld *p = &msg->plds[i];
		const struct ike_pld_rule *r;
		size_t k;

		if (p == sk || !ike_pld_ops_get(p->type))
			continue; /* the container; types the codec skips */
		r = rule_of(x, p->type);
		if (!r)
			return fail(err, IKE_MSG_E_NOT_ALLOWED, p->type, p->offset, p->type,
				    "payload not allowed in this message");
		if (p->encrypted && !(r->where & IKE_RULE_ENCRYPTED))
			return fail(err, IKE_MSG_E_NOT_CLEAR, p->type, p->offset, p->type,
				    "payload must be sent in the clear");
		if (!p->encrypted && !(r->where & IKE_RULE_CLEAR))
			return fail(err, IKE_MSG_E_NOT_ENCRYPTED, p->type, p->offset, p->type,
				    "payload must be inside SK");
		k = (size_t)(r - x->rules);
		if (++count[k] > r->max)
			return fail(err, IKE_MSG_E_TOO_OFTEN, p->type, p->offset,
				    (uint32_t)count[k], "payload occurs too often");
		if (r->flags & IKE_RULE_F_SUFFICIENT)
			waived = true;
		if (p->type == IKE_PLD_NOTIFY && notify_waives(p->u.notify.type))
			waived = true;
	}
	if (waived || (phase == IKE_RULES_OUTER && x->encrypted))
		return 0;
	for (size_t k = 0; k < x->n_rules; k++)
		if (count[k] < x->rules[k].min)
			return fail(err, IKE_MSG_E_MISSING, x->rules[k].type, 0, x->rules[k].min,
				    "required payload missing");
	return 0;
}
