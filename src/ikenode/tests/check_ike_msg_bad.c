/*
 * Malformed IKE messages: a table of bad payloads (each length rule of RFC
 * 7296 §3 and RFC 7383 §2.5), bad headers, every truncation and payload
 * length change of every sample, unknown payloads (critical and not), and
 * the codec's count limits. Each must give -EBADMSG, the right error, and
 * the right notify from ike_msg_error_notify().
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ikenode/ike_msg.h"
#include "ikenode/ike_msg_samples.h"
#include "ikenode/ike_rules.h"

Suite *ike_msg_bad_suite(void);

#define E(x) IKE_MSG_E_##x
#define N(x) IKE_N_##x

struct bad_case {
	const char *name;
	uint8_t first; /* header's next payload */
	const char *chain; /* payload bytes in hex */
	size_t zeros; /* then this many zero bytes */
	enum ike_msg_errcode code;
	uint16_t notify;
	uint8_t pld_type; /* payload the error names */
};

static const struct bad_case bad_cases[] = {
	{ "generic header truncated", 33, "2100", 0, E(TRUNCATED), N(INVALID_SYNTAX), 33 },
	{ "Payload Length below 4", 43, "00000003", 0, E(PLD_LENGTH), N(INVALID_SYNTAX), 43 },
	{ "Payload Length past the end", 43, "00000010aabb", 0, E(TRUNCATED), N(INVALID_SYNTAX), 43 },
	{ "Nonce of 8 octets", 40, "0000000c", 8, E(PLD_LENGTH), N(INVALID_SYNTAX), 40 },
	{ "Nonce of 257 octets", 40, "00000105", 257, E(PLD_LENGTH), N(INVALID_SYNTAX), 40 },
	{ "KE shorter than its header", 34, "000000060013", 0, E(PLD_LENGTH), N(INVALID_SYNTAX), 34 },
	{ "KE ECP_256 with 32 octets", 34, "0000002800130000", 32, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 34 },
	{ "KE Curve25519 with 31 octets", 34, "00000027001f0000", 31, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 34 },
	{ "ID_IPV4_ADDR of 3 octets", 35, "0000000b01000000c00002", 0, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 35 },
	{ "ID_IPV6_ADDR of 4 octets", 36, "0000000c05000000c0000201", 0, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 36 },
	{ "CERT without encoding", 37, "00000004", 0, E(PLD_LENGTH), N(INVALID_SYNTAX), 37 },
	{ "AUTH shorter than its header", 39, "0000000702000000", 0, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 39 },
	{ "AUTH RFC 7427 AlgorithmIdentifier past the data", 39, "0000000c0e00000005300a06",
	  0, E(SUB_LENGTH), N(INVALID_SYNTAX), 39 },
	{ "Notify SPI size 3", 41, "0000000b030340090000aa", 0, E(BAD_VALUE), N(INVALID_SYNTAX), 41 },
	{ "Notify IKE SPI size 4", 41, "0000000c010440090000aa00", 0, E(BAD_VALUE),
	  N(INVALID_SYNTAX), 41 },
	{ "Notify SPI past the payload", 41, "0000000a030440090000", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 41 },
	{ "NAT_DETECTION_SOURCE_IP of 19 octets", 41, "0000001b00004004", 19, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 41 },
	{ "INVALID_KE_PAYLOAD of 1 octet", 41, "0000000900000011", 1, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 41 },
	{ "COOKIE of 65 octets", 41, "0000004900004006", 65, E(PLD_LENGTH), N(INVALID_SYNTAX), 41 },
	{ "SIGNATURE_HASH_ALGORITHMS odd", 41, "0000000b0000402f000200", 0, E(PLD_LENGTH),
	  N(INVALID_SYNTAX), 41 },
	{ "Delete Num of SPIs * SPI Size > length", 42, "0000000c03040002c1000001", 0,
	  E(COUNT), N(INVALID_SYNTAX), 42 },
	{ "Delete Num of SPIs * SPI Size < length", 42, "0000000c03040000c1000001", 0,
	  E(COUNT), N(INVALID_SYNTAX), 42 },
	{ "Delete IKE with SPI size 4", 42, "0000000c01040001c1000001", 0, E(BAD_VALUE),
	  N(INVALID_SYNTAX), 42 },
	{ "Delete ESP with SPI size 8", 42, "0000000803080000", 0, E(BAD_VALUE), N(INVALID_SYNTAX), 42 },
	{ "Delete of protocol 7", 42, "0000000807000000", 0, E(BAD_VALUE), N(INVALID_SYNTAX), 42 },
	{ "SA shorter than a proposal", 33, "0000000800000008", 0, E(PLD_LENGTH), N(INVALID_SYNTAX), 33 },
	{ "SA Proposal Length past the payload", 33, "0000000c" "0000001001010000", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 33 },
	{ "SA Proposal Length below 8", 33, "0000000c0000000401010000", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 33 },
	{ "SA Transform Length past the proposal", 33,
	  "00000014" "0000001001010001" "0000000c0100000c", 0, E(SUB_LENGTH), N(INVALID_SYNTAX), 33 },
	{ "SA Transform Length below 8", 33, "00000014" "0000001001010001" "000000040100000c", 0,
	  E(SUB_LENGTH), N(INVALID_SYNTAX), 33 },
	{ "SA Num Transforms 2 with 1 transform", 33, "00000014" "0000001001010002" "000000080100000c",
	  0, E(COUNT), N(INVALID_SYNTAX), 33 },
	{ "SA ESP proposal with SPI size 0", 33, "00000014" "0000001001030001" "000000080100000c", 0,
	  E(BAD_VALUE), N(INVALID_SYNTAX), 33 },
	{ "SA IKE proposal with SPI size 4", 33,
	  "00000018" "0000001401010401" "c1000001" "000000080100000c",
	  0, E(BAD_VALUE), N(INVALID_SYNTAX), 33 },
	{ "SA proposal SPI past the proposal", 33, "0000000c0000000801030401", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 33 },
	{ "SA Proposal Num 0", 33, "00000014" "0000001000010001" "000000080100000c", 0, E(BAD_VALUE),
	  N(INVALID_SYNTAX), 33 },
	{ "SA Proposal Nums 1 then 3", 33,
	  "00000024" "0200001001010001" "000000080100000c" "0000001003010001" "000000080100000c", 0,
	  E(BAD_VALUE), N(INVALID_SYNTAX), 33 },
	{ "SA last proposal says more follow", 33, "00000014" "0200001001010001" "000000080100000c", 0,
	  E(BAD_VALUE), N(INVALID_SYNTAX), 33 },
	{ "SA Last Substruc 1", 33, "00000014" "0100001001010001" "000000080100000c", 0, E(BAD_VALUE),
	  N(INVALID_SYNTAX), 33 },
	{ "SA last transform says more follow", 33, "00000014" "0000001001010001" "030000080100000c",
	  0, E(BAD_VALUE), N(INVALID_SYNTAX), 33 },
	{ "SA Key Length as TLV", 33, "0000001a" "0000001601010001" "0000000e0100000c" "000e00020080", 0,
	  E(BAD_VALUE), N(INVALID_SYNTAX), 33 },
	{ "SA TLV attribute past the transform", 33,
	  "0000001a" "0000001601010001" "0000000e0100000c" "0011000a0080", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 33 },
	{ "SA attribute of 2 octets", 33, "00000016" "0000001201010001" "0000000a0100000c" "800e", 0,
	  E(SUB_LENGTH), N(INVALID_SYNTAX), 33 },
	{ "TS IPv4 selector of 20 octets", 44, "0000001c01000000070000140000ffff", 12, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 44 },
	{ "TS IPv6 selector of 16 octets", 44, "0000001801000000080000100000ffff", 8, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 44 },
	{ "TS Number of TSs 2 with 1 selector", 44, "0000001802000000070000100000ffff", 8, E(COUNT),
	  N(INVALID_SYNTAX), 44 },
	{ "TS Number of TSs 0 with 1 selector", 44, "0000001800000000070000100000ffff", 8, E(COUNT),
	  N(INVALID_SYNTAX), 44 },
	{ "TS Selector Length past the payload", 44, "0000001801000000070000200000ffff", 8,
	  E(SUB_LENGTH), N(INVALID_SYNTAX), 44 },
	{ "TS Selector Length below 4", 44, "0000000c0100000009000002", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 44 },
	{ "CP INTERNAL_IP4_ADDRESS of 3 octets", 47, "0000000f0200000000010003", 3, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 47 },
	{ "CP INTERNAL_IP6_ADDRESS of 16 octets", 47, "0000001c0200000000080010", 16,
	  E(SUB_LENGTH), N(INVALID_SYNTAX), 47 },
	{ "CP SUPPORTED_ATTRIBUTES odd", 47, "0000000f02000000000e0003", 3, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 47 },
	{ "CP attribute past the payload", 47, "0000000e0200000000070004", 2, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 47 },
	{ "CP attribute header cut", 47, "0000000a020000000007", 0, E(SUB_LENGTH), N(INVALID_SYNTAX), 47 },
	{ "EAP Length longer than the payload", 48, "0000000a0101000701aa", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 48 },
	{ "EAP Length shorter than the payload", 48, "0000000a0101000501aa", 0, E(SUB_LENGTH),
	  N(INVALID_SYNTAX), 48 },
	{ "EAP Request without a Type", 48, "0000000801010004", 0, E(SUB_LENGTH), N(INVALID_SYNTAX), 48 },
	{ "EAP Success with data", 48, "0000000903010005aa", 0, E(SUB_LENGTH), N(INVALID_SYNTAX), 48 },
	{ "EAP shorter than its header", 48, "00000007030100", 0, E(PLD_LENGTH), N(INVALID_SYNTAX), 48 },
	{ "SKF shorter than its header", 53, "230000060001", 0, E(PLD_LENGTH), N(INVALID_SYNTAX), 53 },
	{ "SKF Fragment Number 0", 53, "2300000c00000002", 4, E(BAD_VALUE), N(INVALID_SYNTAX), 53 },
	{ "SKF Total Fragments 0", 53, "2300000c00010000", 4, E(BAD_VALUE), N(INVALID_SYNTAX), 53 },
	{ "SKF Fragment Number above Total", 53, "2300000c00030002", 4, E(BAD_VALUE),
	  N(INVALID_SYNTAX), 53 },
	{ "bytes after SK", 46, "23000008", 8, E(SK_NOT_LAST), N(INVALID_SYNTAX), 46 },
	{ "bytes after SKF", 53, "2300000c00010001", 8, E(SK_NOT_LAST), N(INVALID_SYNTAX), 53 },
	{ "bytes after the last payload", 43, "00000008", 8, E(TRAILING), N(INVALID_SYNTAX), 0 },
	{ "next payload missing", 43, "28000008", 4, E(TRUNCATED), N(INVALID_SYNTAX), 40 },
	{ "unknown critical payload", 43, "63000008" "00000000" "00800004", 0, E(CRITICAL),
	  N(UNSUPPORTED_CRITICAL_PAYLOAD), 99 },
	{ "unknown critical payload first", 99, "00800004", 0, E(CRITICAL),
	  N(UNSUPPORTED_CRITICAL_PAYLOAD), 99 },
	{ "IKEv1 payload type 1 critical", 1, "00800004", 0, E(CRITICAL),
	  N(UNSUPPORTED_CRITICAL_PAYLOAD), 1 },
};

/* HDR (IKE_SA_INIT request) + chain + zeros, with next payload and length set */
static size_t build(const struct bad_case *c, uint8_t *buf, size_t cap)
{
	struct wbuf w = wbuf_init(buf, cap);
	size_t n = 0;

	ck_assert_int_eq(wbuf_put_bytes(&w, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), 0);
	ck_assert_int_eq(wbuf_put_zero(&w, 8), 0);
	ck_assert_int_eq(wbuf_put_u8(&w, c->first), 0);
	ck_assert_int_eq(wbuf_put_u8(&w, 0x20), 0);
	ck_assert_int_eq(wbuf_put_u8(&w, IKE_EXCH_IKE_SA_INIT), 0);
	ck_assert_int_eq(wbuf_put_u8(&w, IKE_HDR_F_INITIATOR), 0);
	ck_assert_int_eq(wbuf_put_zero(&w, 8), 0);
	ck_assert_int_eq(hex_decode(c->chain, buf + w.len, cap - w.len, &n), 0);
	w.len += n;
	ck_assert_int_eq(wbuf_put_zero(&w, c->zeros), 0);
	ck_assert_int_eq(wbuf_set_u32(&w, 24, (uint32_t)w.len), 0);
	return w.len;
}

static void expect_bad(const uint8_t *buf, size_t len, enum ike_msg_errcode code, uint16_t notify,
		       const char *name)
{
	struct ike_msg *m = (struct ike_msg *)1;
	struct ike_msg_err err;
	struct ike_err_notify n;
	int rc = ike_msg_parse(buf, len, &m, &err);

	ck_assert_msg(rc == -EBADMSG, "%s: parse gave %d", name, rc);
	ck_assert_ptr_null(m);
	ck_assert_msg(err.code == code, "%s: got %s (%s), want %s", name, ike_msg_err_name(err.code),
		      err.detail ? err.detail : "-", ike_msg_err_name(code));
	ck_assert_ptr_nonnull(err.detail);
	ck_assert_uint_le(err.offset, len);
	if (notify) {
		ck_assert_int_eq(ike_msg_error_notify(&err, &n), 0);
		ck_assert_msg(n.type == notify, "%s: notify %u, want %u", name, n.type, notify);
	} else {
		ck_assert_int_eq(ike_msg_error_notify(&err, &n), -ENOENT);
	}
}

START_TEST(test_ike_msg_bad_input)
{
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	uint8_t b[4] = { 0 };

	ck_assert_int_eq(ike_msg_parse(NULL, 0, &m, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_parse_chain(NULL, 43, b, sizeof(b), false, &err), -EINVAL);
	m = ike_msg_new();
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(ike_msg_parse_chain(m, 43, NULL, 4, false, &err), -EINVAL);
	ike_msg_free(m);
}
END_TEST

START_TEST(test_ike_msg_bad_payloads)
{
	const struct bad_case *c = &bad_cases[_i];
	uint8_t buf[1024];
	size_t len = build(c, buf, sizeof(buf));
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	struct ike_err_notify n;

	expect_bad(buf, len, c->code, c->notify, c->name);
	ck_assert_int_eq(ike_msg_parse(buf, len, &m, &err), -EBADMSG);
	ck_assert_msg(err.pld_type == c->pld_type, "%s: error names payload %u, want %u", c->name,
		      err.pld_type, c->pld_type);
	if (c->code == IKE_MSG_E_CRITICAL) {
		/* RFC 7296 §3.10.1: the data is the payload type */
		ck_assert_int_eq(ike_msg_error_notify(&err, &n), 0);
		ck_assert_uint_eq(n.data_len, 1);
		ck_assert_uint_eq(n.data[0], c->pld_type);
	}
}
END_TEST

START_TEST(test_ike_msg_bad_headers)
{
	uint8_t buf[64];
	const struct bad_case ok = { "vendor", 43, "00000008aabbccdd", 0, E(NONE), 0, 0 };
	size_t len = build(&ok, buf, sizeof(buf));
	struct ike_msg *m = NULL;
	struct ike_msg_err err;

	ck_assert_int_eq(ike_msg_parse(buf, len, &m, &err), 0);
	ike_msg_free(m);
	expect_bad(buf, 27, E(SHORT_HEADER), 0, "27 octets");
	expect_bad(buf, 0, E(SHORT_HEADER), 0, "empty");
	buf[17] = 0x30;
	expect_bad(buf, len, E(MAJOR_VERSION), N(INVALID_MAJOR_VERSION), "version 3.0");
	buf[17] = 0x10;
	expect_bad(buf, len, E(MAJOR_VERSION), N(INVALID_MAJOR_VERSION), "IKEv1");
	buf[17] = 0x21; /* a minor version is ignored */
	ck_assert_int_eq(ike_msg_parse(buf, len, &m, &err), 0);
	ck_assert_uint_eq(m->hdr.minor, 1);
	ike_msg_free(m);
	buf[27] += 1;
	expect_bad(buf, len, E(HDR_LENGTH), N(INVALID_SYNTAX), "Length one more");
	buf[27] -= 2;
	expect_bad(buf, len, E(HDR_LENGTH), N(INVALID_SYNTAX), "Length one less");
	buf[27] += 1;
	expect_bad(buf, len - 1, E(HDR_LENGTH), N(INVALID_SYNTAX), "datagram cut");
}
END_TEST

static size_t gen_sample(size_t i, uint8_t *buf, size_t cap)
{
	struct ike_pld plds[IKE_MSG_MAX_PLDS];
	struct ike_msg m;
	struct wbuf w = wbuf_init(buf, cap);

	ck_assert_int_eq(ike_msg_sample_msg(ike_msg_sample_get(i), &m, plds, IKE_MSG_MAX_PLDS), 0);
	ck_assert_int_eq(ike_msg_gen(&m, &w), 0);
	return w.len;
}

/* every truncation of every sample, the header Length following the cut */
START_TEST(test_ike_msg_bad_truncations)
{
	uint8_t buf[4096];
	size_t len = gen_sample((size_t)_i, buf, sizeof(buf));

	for (size_t cut = IKE_HDR_LEN; cut < len; cut++) {
		uint8_t *c = malloc(cut);
		struct ike_msg *m = NULL;
		struct ike_msg_err err;
		struct ike_err_notify n;

		memcpy(c, buf, cut);
		c[24] = (uint8_t)(cut >> 24);
		c[25] = (uint8_t)(cut >> 16);
		c[26] = (uint8_t)(cut >> 8);
		c[27] = (uint8_t)cut;
		ck_assert_msg(ike_msg_parse(c, cut, &m, &err) == -EBADMSG,
			      "sample %d cut at %zu parsed", _i, cut);
		ck_assert_int_eq(ike_msg_error_notify(&err, &n), 0);
		ck_assert_uint_eq(n.type, IKE_N_INVALID_SYNTAX);
		free(c);
	}
}
END_TEST

/* each Payload Length of every sample one more or one less: rejected */
START_TEST(test_ike_msg_bad_payload_lengths)
{
	uint8_t buf[4096];
	size_t len = gen_sample((size_t)_i, buf, sizeof(buf));
	struct ike_msg *m = NULL;
	struct ike_msg_err err;

	ck_assert_int_eq(ike_msg_parse(buf, len, &m, &err), 0);
	for (size_t i = 0; i < m->n_plds; i++) {
		size_t at = m->plds[i].offset + 2;
		uint16_t plen = (uint16_t)(buf[at] << 8 | buf[at + 1]);

		for (int d = -1; d <= 1; d += 2) {
			uint8_t c[4096];
			struct ike_msg *m2 = NULL;
			struct ike_msg_err err2;
			uint16_t v = (uint16_t)(plen + d);

			memcpy(c, buf, len);
			c[at] = (uint8_t)(v >> 8);
			c[at + 1] = (uint8_t)v;
			ck_assert_msg(ike_msg_parse(c, len, &m2, &err2) == -EBADMSG,
				      "sample %d payload %zu length %+d parsed", _i, i, d);
		}
	}
	ike_msg_free(m);
}
END_TEST

/* unknown type without the critical bit: kept raw, skipped, regenerated */
START_TEST(test_ike_msg_bad_unknown_noncritical_skipped)
{
	uint8_t buf[4096], out[4096];
	size_t len = gen_sample(0, buf, sizeof(buf)); /* IKE_SA_INIT request */
	uint8_t first = buf[16];
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	struct wbuf w = wbuf_init(out, sizeof(out));

	/* insert payload 99 (non-critical, 6 octets) in front */
	memmove(buf + IKE_HDR_LEN + 6, buf + IKE_HDR_LEN, len - IKE_HDR_LEN);
	memcpy(buf + IKE_HDR_LEN, (const uint8_t[]){ first, 0x00, 0x00, 0x06, 0xde, 0xad }, 6);
	buf[16] = 99;
	len += 6;
	buf[26] = (uint8_t)(len >> 8);
	buf[27] = (uint8_t)len;
	ck_assert_int_eq(ike_msg_parse(buf, len, &m, &err), 0);
	ck_assert_uint_eq(m->plds[0].type, 99);
	ck_assert_uint_eq(m->plds[0].body_len, 2);
	ck_assert_uint_eq(m->plds[0].body[0], 0xde);
	ck_assert_uint_eq(m->plds[1].type, IKE_PLD_SA);
	ck_assert_int_eq(ike_rules_check(m, IKE_RULES_FULL, &err), 0);
	ck_assert_int_eq(ike_msg_gen(m, &w), 0);
	ck_assert_uint_eq(w.len, len);
	ck_assert_mem_eq(out, buf, len);
	ike_msg_free(m);
}
END_TEST

/* at most IKE_MSG_MAX_PLDS payloads, and as many proposals */
START_TEST(test_ike_msg_bad_limits)
{
	static uint8_t buf[IKE_HDR_LEN + 8 * 300];
	struct bad_case c = { "vendors", 43, "", 0, E(NONE), 0, 0 };
	size_t len = build(&c, buf, sizeof(buf));
	struct ike_msg *m = NULL;
	struct ike_msg_err err;

	for (size_t n = IKE_MSG_MAX_PLDS; n <= IKE_MSG_MAX_PLDS + 1; n++) {
		struct wbuf w = wbuf_init(buf, sizeof(buf));

		w.len = len;
		for (size_t i = 0; i < n; i++) {
			ck_assert_int_eq(wbuf_put_u8(&w, i + 1 < n ? 43 : 0), 0);
			ck_assert_int_eq(wbuf_put_u8(&w, 0), 0);
			ck_assert_int_eq(wbuf_put_u16(&w, 4), 0);
		}
		ck_assert_int_eq(wbuf_set_u32(&w, 24, (uint32_t)w.len), 0);
		if (n == IKE_MSG_MAX_PLDS) {
			ck_assert_int_eq(ike_msg_parse(buf, w.len, &m, &err), 0);
			ck_assert_uint_eq(m->n_plds, n);
			/* the chain parser cannot add to a full message */
			ck_assert_int_eq(ike_msg_parse_chain(m, 43, buf + len, 4, true, &err), -EBADMSG);
			ck_assert_int_eq(err.code, E(TOO_MANY));
			ck_assert_uint_eq(m->n_plds, n);
			ike_msg_free(m);
		} else {
			expect_bad(buf, w.len, E(TOO_MANY), N(INVALID_SYNTAX), "65 payloads");
		}
	}
	/* 65 IKE proposals of 8 octets each in one SA */
	{
		struct wbuf w = wbuf_init(buf, sizeof(buf));
		size_t n = IKE_MSG_MAX_PROPOSALS + 1;

		w.len = len;
		buf[16] = IKE_PLD_SA;
		ck_assert_int_eq(wbuf_put_u32(&w, (uint32_t)(4 + 8 * n)), 0);
		for (size_t i = 0; i < n; i++) {
			ck_assert_int_eq(wbuf_put_u8(&w, i + 1 < n ? 2 : 0), 0);
			ck_assert_int_eq(wbuf_put_u8(&w, 0), 0);
			ck_assert_int_eq(wbuf_put_u16(&w, 8), 0);
			ck_assert_int_eq(wbuf_put_u32(&w, (uint32_t)(i + 1) << 24 | 1u << 16), 0);
		}
		ck_assert_int_eq(wbuf_set_u32(&w, 24, (uint32_t)w.len), 0);
		expect_bad(buf, w.len, E(TOO_MANY), N(INVALID_SYNTAX), "65 proposals");
	}
}
END_TEST

/* a failing chain leaves the message as it was */
START_TEST(test_ike_msg_bad_chain_leaves_message)
{
	uint8_t good[] = { 0x00, 0x00, 0x00, 0x08, 1, 2, 3, 4 };
	uint8_t bad[] = { 0x2b, 0x00, 0x00, 0x08, 1, 2, 3, 4, 0x00, 0x00, 0x00, 0x09 };
	struct ike_msg *m = ike_msg_new();
	struct ike_msg_err err;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(ike_msg_parse_chain(m, 43, good, sizeof(good), false, &err), 0);
	ck_assert_uint_eq(m->n_plds, 1);
	ck_assert_int_eq(ike_msg_parse_chain(m, 43, bad, sizeof(bad), true, &err), -EBADMSG);
	ck_assert_int_eq(err.code, E(TRUNCATED));
	ck_assert_uint_eq(err.offset, 10);
	ck_assert_uint_eq(m->n_plds, 1);
	/* SK inside an encrypted chain */
	bad[0] = 0x00;
	bad[3] = 0x08;
	ck_assert_int_eq(ike_msg_parse_chain(m, IKE_PLD_SK, bad, 8, true, &err), -EBADMSG);
	ck_assert_int_eq(err.code, E(SK_NESTED));
	ck_assert_uint_eq(m->n_plds, 1);
	ike_msg_free(m);
}
END_TEST

Suite *ike_msg_bad_suite(void)
{
	Suite *s = suite_create("ike_msg_bad");
	TCase *tc = tcase_create("ike_msg_bad");
	int n = (int)ike_msg_sample_count();

	tcase_add_test(tc, test_ike_msg_bad_input);
	tcase_add_loop_test(tc, test_ike_msg_bad_payloads, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_ike_msg_bad_headers);
	tcase_add_loop_test(tc, test_ike_msg_bad_truncations, 0, n);
	tcase_add_loop_test(tc, test_ike_msg_bad_payload_lengths, 0, n);
	tcase_add_test(tc, test_ike_msg_bad_unknown_noncritical_skipped);
	tcase_add_test(tc, test_ike_msg_bad_limits);
	tcase_add_test(tc, test_ike_msg_bad_chain_leaves_message);
	suite_add_tcase(s, tc);
	return s;
}
