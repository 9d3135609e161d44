/*
 * The IKE codec behind the crypto suite: parse a message; when it ends in
 * SK or SKF, verify and decrypt it with fixed keys (AES-CBC-128 with
 * HMAC-SHA2-256-128, and AES-GCM-16-128), then parse the inner chain and
 * check the exchange rules. The seed corpus holds messages really sealed
 * with these keys, so that mutations reach the inner parser.
 *
 * IKN_FUZZ_WRITE_SEEDS=DIR ./fuzz_ike_msg_sk writes those seeds into DIR
 * and exits (how testing/fuzz/corpus/ike_msg_sk/sealed-* were made).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/secret.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_ids.h"
#include "ikenode/ike_msg.h"
#include "ikenode/ike_rules.h"
#include "ikenode/ike_sk.h"

#define MAX_MSG 65536

/* fixed test keys: bytes 0x00, 0x01, ... of each length */
enum { SUITE_CBC, SUITE_GCM, N_SUITES };
static const struct suite {
	uint16_t encr, bits, integ;
	size_t encr_len, integ_len;
} suites[N_SUITES] = {
	[SUITE_CBC] = { CRYPTO_ENCR_AES_CBC, 128, CRYPTO_INTEG_HMAC_SHA2_256_128, 16, 32 },
	[SUITE_GCM] = { CRYPTO_ENCR_AES_GCM_16, 128, CRYPTO_INTEG_NONE, 16 + 4, 0 },
};

/* a result the fuzzer does not care about (warn_unused_result) */
static void ignore(int rc)
{
	(void)rc;
}

static int suite_sk(const struct crypto_algs *algs, int suite, struct ike_sk **sk)
{
	const struct suite *s = &suites[suite];
	struct secret ek = { 0 }, ak = { 0 };
	uint8_t bytes[64];
	int rc;

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i + 0x10 * suite);
	rc = secret_dup(&ek, bytes, s->encr_len);
	if (rc == 0 && s->integ_len)
		rc = secret_dup(&ak, bytes + 32, s->integ_len);
	if (rc == 0)
		rc = ike_sk_new(sk, algs, s->encr, s->bits, s->integ, &ek,
				 s->integ_len ? &ak : NULL);
	secret_free(&ek);
	secret_free(&ak);
	return rc;
}

static void try_open(const struct crypto_algs *algs, const uint8_t *data, size_t size,
		     const struct ike_pld *p, struct ike_msg *m)
{
	uint8_t *plain = malloc(p->u.sk.body_len + 1);

	for (int s = 0; s < N_SUITES && plain; s++) {
		struct ike_sk *sk = NULL;
		struct ike_msg_err err;
		struct ike_msg *frag;
		size_t len;

		if (suite_sk(algs, s, &sk))
			__builtin_trap(); /* the harness itself is wrong */
		if (ike_sk_open(sk, data, size, p->u.sk.body_off, plain, p->u.sk.body_len + 1,
				&len) == 0) {
			if (ike_msg_parse_inner(m, plain, len, &err) == 0) {
				ignore(ike_rules_check(m, IKE_RULES_FULL, &err));
			} else if ((frag = ike_msg_new()) != NULL) {
				/* an SKF fragment: its piece of the chain on its own */
				ignore(ike_msg_parse_chain(frag, p->u.sk.inner_next, plain, len,
							   true, &err));
				ike_msg_free(frag);
			}
			ike_sk_free(sk);
			break;
		}
		ike_sk_free(sk);
	}
	free(plain);
}

static void fuzz_one(const struct crypto_algs *algs, const uint8_t *data, size_t size)
{
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	const struct ike_pld *last;

	if (ike_msg_parse(data, size, &m, &err))
		return;
	ignore(ike_rules_check(m, IKE_RULES_OUTER, &err));
	last = m->n_plds ? &m->plds[m->n_plds - 1] : NULL;
	if (last && ike_pld_is_sk(last->type))
		try_open(algs, data, size, last, m);
	ike_msg_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fetched once for the process (a harness, not src/: STYLE.md 5) */
	static struct crypto_algs *algs;

	if (!algs && crypto_algs_new(&algs, NULL, NULL))
		__builtin_trap();
	fuzz_one(algs, data, size);
	return 0;
}

/* --- seeds: real messages sealed with the keys above --- */

/* a1a2a3a4a5a6a7a8, b1b2b3b4b5b6b7b8 (CBC) or ...b9 (GCM): also in fuzz_decode_pcap.c */
static const uint8_t spi_i[8] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8 };
static const uint8_t spi_r[8] = { 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8 };

/* an IKE_AUTH request's inner chain: IDi, N, AUTH, SA, TSi, TSr, CP */
static size_t auth_chain(uint8_t *buf, size_t cap)
{
	static const uint8_t idi[] = "carol@strongswan.org", auth[32] = { 1, 2, 3 };
	static const uint8_t spi[4] = { 0xc1, 0x43, 0xfa, 0x01 };
	static const struct ike_tattr klen = { .type = IKE_TATTR_KEY_LENGTH, .tv = true,
					       .tv_value = 128 };
	const struct ike_transform xf[] = {
		{ .type = IKE_TT_ENCR, .id = IKE_ENCR_AES_CBC, .attrs = &klen, .n_attrs = 1 },
		{ .type = IKE_TT_INTEG, .id = IKE_INTEG_HMAC_SHA2_256_128 },
		{ .type = IKE_TT_ESN, .id = IKE_ESN_NO },
	};
	const struct ike_proposal prop = { .num = 1, .protocol = IKE_PROTO_ESP, .spi_size = 4,
					   .spi = spi, .transforms = xf, .n_transforms = 3 };
	struct ike_ts ts = { .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535,
			     .start = { 192, 168, 0, 100 }, .end = { 192, 168, 0, 100 } };
	struct ike_cfg_attr ca = { .type = IKE_CFGA_INTERNAL_IP4_ADDRESS };
	struct ike_pld p[] = {
		{ .type = IKE_PLD_IDI, .u.id = { IKE_ID_RFC822_ADDR, idi, sizeof(idi) - 1 } },
		{ .type = IKE_PLD_NOTIFY, .u.notify = { .type = IKE_N_INITIAL_CONTACT } },
		{ .type = IKE_PLD_AUTH, .u.auth = { .method = IKE_AUTH_PSK, .data = auth,
						    .len = sizeof(auth) } },
		{ .type = IKE_PLD_SA, .u.sa = { &prop, 1 } },
		{ .type = IKE_PLD_TSI, .u.ts = { &ts, 1 } },
		{ .type = IKE_PLD_TSR, .u.ts = { &ts, 1 } },
		{ .type = IKE_PLD_CP, .u.cp = { IKE_CFG_REQUEST, &ca, 1 } },
	};
	struct wbuf w = wbuf_init(buf, cap);

	if (ike_msg_gen_chain(p, ARRAY_SIZE(p), &w))
		return 0;
	return w.len;
}

/* header + SK (or SKF frag/total) around plain, sealed with the suite's key */
static size_t seal(const struct crypto_algs *algs, int suite, uint8_t exchange, uint8_t flags,
		   uint16_t frag, uint16_t total, uint8_t inner_next, const uint8_t *plain,
		   size_t plain_len, uint8_t *out, size_t cap)
{
	struct ike_hdr h = { .major = 2, .exchange = exchange, .flags = flags, .msgid = 1 };
	struct ike_pld_sk sk = { .inner_next = inner_next, .frag_num = frag, .total_frags = total };
	struct wbuf w = wbuf_init(out, cap);
	struct ike_sk *s = NULL;
	size_t iv_off, len = 0;

	memcpy(h.spi_i, spi_i, 8);
	memcpy(h.spi_r, spi_r, 8);
	h.spi_r[7] += (uint8_t)suite;
	if (suite_sk(algs, suite, &s) == 0 &&
	    ike_msg_gen_sk_hdr(&h, &sk, ike_sk_sealed_len(s, plain_len), &w, &iv_off) == 0 &&
	    ike_sk_seal(s, out, cap, iv_off, plain, plain_len, &len) != 0)
		len = 0;
	ike_sk_free(s);
	return len;
}

static void write_seed(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || !len) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	fclose(f);
}

static void write_seeds(const char *dir)
{
	static const char *const names[N_SUITES] = { "cbc", "gcm" };
	uint8_t *plain = malloc(MAX_MSG), *msg = malloc(MAX_MSG);
	struct crypto_algs *algs = NULL;
	size_t n, len, half;
	char name[64];

	if (!plain || !msg || crypto_algs_new(&algs, NULL, NULL) || !(n = auth_chain(plain, MAX_MSG)))
		exit(1);
	half = n / 2;
	for (int s = 0; s < N_SUITES; s++) {
		/* IKE_AUTH request in SK; the same chain in two SKF fragments */
		len = seal(algs, s, IKE_EXCH_IKE_AUTH, IKE_HDR_F_INITIATOR, 0, 0, IKE_PLD_IDI,
			   plain, n, msg, MAX_MSG);
		snprintf(name, sizeof(name), "sealed-%s-auth", names[s]);
		write_seed(dir, name, msg, len);
		len = seal(algs, s, IKE_EXCH_IKE_AUTH, IKE_HDR_F_INITIATOR, 1, 2, IKE_PLD_IDI,
			   plain, half, msg, MAX_MSG);
		snprintf(name, sizeof(name), "sealed-%s-skf1", names[s]);
		write_seed(dir, name, msg, len);
		len = seal(algs, s, IKE_EXCH_IKE_AUTH, IKE_HDR_F_INITIATOR, 2, 2, 0, plain + half,
			   n - half, msg, MAX_MSG);
		snprintf(name, sizeof(name), "sealed-%s-skf2", names[s]);
		write_seed(dir, name, msg, len);
		/* an empty INFORMATIONAL response (a liveness check) */
		len = seal(algs, s, IKE_EXCH_INFORMATIONAL, IKE_HDR_F_RESPONSE, 0, 0, 0, plain, 0,
			   msg, MAX_MSG);
		snprintf(name, sizeof(name), "sealed-%s-empty", names[s]);
		write_seed(dir, name, msg, len);
	}
	crypto_algs_free(algs);
	free(plain);
	free(msg);
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("IKN_FUZZ_WRITE_SEEDS");

	(void)argc;
	(void)argv;
	if (dir)
		write_seeds(dir);
	return 0;
}
