/* Per-exchange payload rules: a table of messages and the verdict on each. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "ikenode/ike_msg.h"
#include "ikenode/ike_rules.h"

Suite *ike_rules_suite(void);

struct rp {
	uint8_t type;
	bool enc;
	uint16_t notify;
};

struct rules_case {
	const char *name;
	uint8_t exchange;
	bool response;
	enum ike_rules_phase phase;
	struct rp plds[8]; /* up to the first type 0 */
	enum ike_msg_errcode code;
	uint8_t pld_type;
};

#define X(x) IKE_EXCH_##x
#define P(t) { IKE_PLD_##t, false, 0 }
#define PE(t) { IKE_PLD_##t, true, 0 }
#define PN(n) { IKE_PLD_NOTIFY, false, IKE_N_##n }
#define PNE(n) { IKE_PLD_NOTIFY, true, IKE_N_##n }
#define OUTER IKE_RULES_OUTER
#define FULL IKE_RULES_FULL
#define OK IKE_MSG_E_NONE, 0
#define BAD(c, t) IKE_MSG_E_##c, IKE_PLD_##t

static const struct rules_case rules_cases[] = {
	{ "IKE_SA_INIT request", X(IKE_SA_INIT), false, FULL,
	  { P(SA), P(KE), P(NONCE), PN(NAT_DETECTION_SOURCE_IP), P(VENDOR) }, OK },
	{ "IKE_SA_INIT request without KE", X(IKE_SA_INIT), false, FULL,
	  { P(SA), P(NONCE), PN(NAT_DETECTION_SOURCE_IP) }, BAD(MISSING, KE) },
	{ "IKE_SA_INIT request without SA", X(IKE_SA_INIT), false, FULL, { P(KE), P(NONCE) },
	  BAD(MISSING, SA) },
	{ "IKE_SA_INIT request without KE, outer phase", X(IKE_SA_INIT), false, OUTER,
	  { P(SA), P(NONCE) }, BAD(MISSING, KE) },
	{ "IKE_SA_INIT request with two KE", X(IKE_SA_INIT), false, FULL,
	  { P(SA), P(KE), P(KE), P(NONCE) }, BAD(TOO_OFTEN, KE) },
	{ "IKE_SA_INIT request with IDi", X(IKE_SA_INIT), false, FULL,
	  { P(SA), P(KE), P(NONCE), P(IDI) }, BAD(NOT_ALLOWED, IDI) },
	{ "IKE_SA_INIT request with CERTREQ", X(IKE_SA_INIT), false, FULL,
	  { P(SA), P(KE), P(NONCE), P(CERTREQ) }, BAD(NOT_ALLOWED, CERTREQ) },
	{ "IKE_SA_INIT request encrypted", X(IKE_SA_INIT), false, OUTER, { P(SK) },
	  BAD(SK_FORBIDDEN, SK) },
	{ "IKE_SA_INIT request with an unknown payload", X(IKE_SA_INIT), false, FULL,
	  { P(SA), P(KE), { 99, false, 0 }, P(NONCE) }, OK },
	{ "IKE_SA_INIT response", X(IKE_SA_INIT), true, FULL,
	  { P(SA), P(KE), P(NONCE), P(CERTREQ), PN(MULTIPLE_AUTH_SUPPORTED) }, OK },
	{ "IKE_SA_INIT response COOKIE", X(IKE_SA_INIT), true, FULL, { PN(COOKIE) }, OK },
	{ "IKE_SA_INIT response NO_PROPOSAL_CHOSEN", X(IKE_SA_INIT), true, FULL,
	  { PN(NO_PROPOSAL_CHOSEN) }, OK },
	{ "IKE_SA_INIT response INVALID_KE_PAYLOAD", X(IKE_SA_INIT), true, FULL,
	  { PN(INVALID_KE_PAYLOAD) }, OK },
	{ "IKE_SA_INIT response only NAT-D", X(IKE_SA_INIT), true, FULL,
	  { PN(NAT_DETECTION_SOURCE_IP), PN(NAT_DETECTION_DESTINATION_IP) }, BAD(MISSING, SA) },
	{ "IKE_AUTH request in the clear", X(IKE_AUTH), false, OUTER, { P(IDI), P(AUTH) },
	  BAD(NO_SK, NONE) },
	{ "IKE_AUTH request with IDi beside SK", X(IKE_AUTH), false, OUTER, { P(IDI), P(SK) },
	  BAD(NOT_ENCRYPTED, IDI) },
	{ "IKE_AUTH request, outer", X(IKE_AUTH), false, OUTER, { P(SK) }, OK },
	{ "IKE_AUTH request as SKF, outer", X(IKE_AUTH), false, OUTER, { P(SKF) }, OK },
	{ "IKE_AUTH request", X(IKE_AUTH), false, FULL,
	  { P(SK), PE(IDI), PE(AUTH), PNE(INITIAL_CONTACT), PE(SA), PE(TSI), PE(TSR) }, OK },
	{ "IKE_AUTH request with two AUTH", X(IKE_AUTH), false, FULL,
	  { P(SK), PE(IDI), PE(AUTH), PE(AUTH) }, BAD(TOO_OFTEN, AUTH) },
	{ "IKE_AUTH request with KE", X(IKE_AUTH), false, FULL, { P(SK), PE(IDI), PE(KE) },
	  BAD(NOT_ALLOWED, KE) },
	{ "IKE_AUTH request, empty", X(IKE_AUTH), false, FULL, { P(SK) }, BAD(MISSING, IDI) },
	{ "IKE_AUTH request, only INITIAL_CONTACT", X(IKE_AUTH), false, FULL,
	  { P(SK), PNE(INITIAL_CONTACT) }, BAD(MISSING, IDI) },
	{ "IKE_AUTH request starting EAP", X(IKE_AUTH), false, FULL,
	  { P(SK), PE(IDI), PE(SA), PE(TSI), PE(TSR) }, OK },
	{ "IKE_AUTH request EAP round", X(IKE_AUTH), false, FULL, { P(SK), PE(EAP) }, OK },
	{ "IKE_AUTH request final AUTH after EAP", X(IKE_AUTH), false, FULL, { P(SK), PE(AUTH) },
	  OK },
	{ "IKE_AUTH response", X(IKE_AUTH), true, FULL,
	  { P(SK), PE(IDR), PE(AUTH), PE(SA), PE(TSI), PE(TSR) }, OK },
	{ "IKE_AUTH response without AUTH", X(IKE_AUTH), true, FULL,
	  { P(SK), PE(IDR), PE(SA), PE(TSI), PE(TSR) }, BAD(MISSING, AUTH) },
	{ "IKE_AUTH response EAP round", X(IKE_AUTH), true, FULL, { P(SK), PE(EAP) }, OK },
	{ "IKE_AUTH response AUTHENTICATION_FAILED", X(IKE_AUTH), true, FULL,
	  { P(SK), PNE(AUTHENTICATION_FAILED) }, OK },
	{ "IKE_AUTH response with IDi", X(IKE_AUTH), true, FULL, { P(SK), PE(IDI) },
	  BAD(NOT_ALLOWED, IDI) },
	{ "CREATE_CHILD_SA request", X(CREATE_CHILD_SA), false, FULL,
	  { P(SK), PNE(REKEY_SA), PE(SA), PE(NONCE), PE(KE), PE(TSI), PE(TSR) }, OK },
	{ "CREATE_CHILD_SA request without Nonce", X(CREATE_CHILD_SA), false, FULL,
	  { P(SK), PE(SA), PE(TSI), PE(TSR) }, BAD(MISSING, NONCE) },
	{ "CREATE_CHILD_SA request without Nonce, outer", X(CREATE_CHILD_SA), false, OUTER,
	  { P(SK) }, OK },
	{ "CREATE_CHILD_SA response NO_ADDITIONAL_SAS", X(CREATE_CHILD_SA), true, FULL,
	  { P(SK), PNE(NO_ADDITIONAL_SAS) }, OK },
	{ "INFORMATIONAL request, empty", X(INFORMATIONAL), false, FULL, { P(SK) }, OK },
	{ "INFORMATIONAL request, three Deletes", X(INFORMATIONAL), false, FULL,
	  { P(SK), PE(DELETE), PE(DELETE), PE(DELETE) }, OK },
	{ "INFORMATIONAL response with SA", X(INFORMATIONAL), true, FULL, { P(SK), PE(SA) },
	  BAD(NOT_ALLOWED, SA) },
	{ "INFORMATIONAL request with two CP", X(INFORMATIONAL), false, FULL,
	  { P(SK), PE(CP), PE(CP) }, BAD(TOO_OFTEN, CP) },
	{ "IKE_SESSION_RESUME request", X(IKE_SESSION_RESUME), false, FULL,
	  { P(NONCE), PN(TICKET_OPAQUE) }, OK },
	{ "IKE_SESSION_RESUME request without ticket", X(IKE_SESSION_RESUME), false, FULL,
	  { P(NONCE) }, BAD(MISSING, NOTIFY) },
	{ "IKE_INTERMEDIATE request", X(IKE_INTERMEDIATE), false, FULL, { P(SK), PE(KE) }, OK },
	{ "IKE_FOLLOWUP_KE request without KE", X(IKE_FOLLOWUP_KE), false, FULL,
	  { P(SK), PNE(ADDITIONAL_KEY_EXCHANGE) }, BAD(MISSING, KE) },
	{ "exchange 99", 99, false, FULL, { P(SA) }, BAD(UNKNOWN_EXCHANGE, NONE) },
};

/* The message of a case; plds is the caller's storage. */
static void build(const struct rules_case *c, struct ike_msg *m, struct ike_pld *plds)
{
	size_t n = 0;
	bool inner = false;

	memset(m, 0, sizeof(*m));
	m->hdr.major = 2;
	m->hdr.exchange = c->exchange;
	m->hdr.flags = c->response ? IKE_HDR_F_RESPONSE : IKE_HDR_F_INITIATOR;
	/* the parser puts outer payloads first, then the inner ones */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < 8 && c->plds[i].type; i++) {
			if (c->plds[i].enc != (pass == 1))
				continue;
			memset(&plds[n], 0, sizeof(plds[n]));
			plds[n].type = c->plds[i].type;
			plds[n].encrypted = c->plds[i].enc;
			plds[n].u.notify.type = c->plds[i].notify;
			if (ike_pld_is_sk(c->plds[i].type))
				inner = true;
			n++;
		}
	}
	m->plds = plds;
	m->n_plds = n;
	m->inner_parsed = inner && c->phase == IKE_RULES_FULL;
}

START_TEST(test_ike_rules_input)
{
	struct ike_msg_err err;
	struct ike_pld plds[8];
	struct ike_msg m;

	ck_assert_int_eq(ike_rules_check(NULL, IKE_RULES_FULL, &err), -EINVAL);
	build(&rules_cases[0], &m, plds);
	ck_assert_int_eq(ike_rules_check(&m, IKE_RULES_FULL, NULL), -EINVAL);
	/* FULL on an encrypted exchange needs the inner chain */
	build(&rules_cases[16], &m, plds);
	ck_assert_int_eq(ike_rules_check(&m, IKE_RULES_FULL, &err), -EINVAL);
	ck_assert_ptr_null(ike_rules_find(99, false));
}
END_TEST

START_TEST(test_ike_rules_table)
{
	const struct rules_case *c = &rules_cases[_i];
	struct ike_pld plds[8];
	struct ike_msg m;
	struct ike_msg_err err = { 0 };
	struct ike_err_notify n;
	int rc;

	build(c, &m, plds);
	rc = ike_rules_check(&m, c->phase, &err);
	if (c->code == IKE_MSG_E_NONE) {
		ck_assert_msg(rc == 0, "%s: %s (%s, payload %u)", c->name, ike_msg_err_name(err.code),
			      err.detail, err.pld_type);
		return;
	}
	ck_assert_msg(rc == -EBADMSG, "%s: passed", c->name);
	ck_assert_msg(err.code == c->code, "%s: got %s, want %s", c->name, ike_msg_err_name(err.code),
		      ike_msg_err_name(c->code));
	ck_assert_msg(err.pld_type == c->pld_type, "%s: payload %u, want %u", c->name, err.pld_type,
		      c->pld_type);
	ck_assert_ptr_nonnull(err.detail);
	/* rule violations are INVALID_SYNTAX; an unknown exchange is dropped */
	rc = ike_msg_error_notify(&err, &n);
	if (c->code == IKE_MSG_E_UNKNOWN_EXCHANGE) {
		ck_assert_int_eq(rc, -ENOENT);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(n.type, IKE_N_INVALID_SYNTAX);
	}
}
END_TEST

START_TEST(test_ike_rules_every_exchange_both_ways)
{
	static const uint8_t x[] = { IKE_EXCH_IKE_SA_INIT, IKE_EXCH_IKE_AUTH, IKE_EXCH_CREATE_CHILD_SA,
				     IKE_EXCH_INFORMATIONAL, IKE_EXCH_IKE_SESSION_RESUME,
				     IKE_EXCH_IKE_INTERMEDIATE, IKE_EXCH_IKE_FOLLOWUP_KE };

	for (size_t i = 0; i < sizeof(x); i++) {
		for (int r = 0; r < 2; r++) {
			const struct ike_exchange_rules *e = ike_rules_find(x[i], r);

			ck_assert_ptr_nonnull(e);
			ck_assert_uint_eq(e->exchange, x[i]);
			ck_assert_int_eq(e->response, r);
			ck_assert_uint_gt(e->n_rules, 0);
			ck_assert_int_eq(e->encrypted, x[i] != IKE_EXCH_IKE_SA_INIT &&
							       x[i] != IKE_EXCH_IKE_SESSION_RESUME);
			for (size_t k = 0; k < e->n_rules; k++)
				ck_assert_uint_le(e->rules[k].min, e->rules[k].max);
		}
	}
}
END_TEST

Suite *ike_rules_suite(void)
{
	Suite *s = suite_create("ike_rules");
	TCase *tc = tcase_create("ike_rules");

	tcase_add_test(tc, test_ike_rules_input);
	tcase_add_loop_test(tc, test_ike_rules_table, 0,
			    (int)(sizeof(rules_cases) / sizeof(rules_cases[0])));
	tcase_add_test(tc, test_ike_rules_every_exchange_both_ways);
	suite_add_tcase(s, tc);
	return s;
}
