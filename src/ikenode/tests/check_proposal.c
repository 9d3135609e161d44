/*
 * Proposals: strongSwan keyword strings (IDs asserted as numbers from the
 * IANA "IKEv2 Parameters" registry), invalid strings, RFC 7296 §2.7
 * selection against hand-built peer proposals and against the real
 * strongSwan IKE_SA_INIT request, generation through the codec, log names.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ikenode/ike_msg.h"
#include "ikenode/ike_names.h"
#include "ikenode/proposal.h"
#include "ikenode/tests/strongswan_msgs.h"

Suite *proposal_suite(void);

#define P_IKE 1 /* IANA protocol IDs */
#define P_ESP 3



START_TEST(test_proposal_input)
{
	struct proposal p, sel;
	struct proposal_ike pi;
	struct ike_proposal peer = { .num = 1, .protocol = P_IKE };
	char err[128], s[64];
	size_t n = 0;

	ck_assert_int_eq(proposal_parse(P_IKE, NULL, &p, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(proposal_parse(P_IKE, "aes128-sha256-x25519", NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(proposal_parse(2 /* AH */, "aes128-sha256", &p, NULL, 0), -EINVAL);
	ck_assert_int_eq(proposal_parse(0, "aes128-sha256", &p, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(proposal_list_parse(P_IKE, NULL, &p, 1, &n, NULL, 0), -EINVAL);
	ck_assert_int_eq(proposal_list_parse(P_IKE, "aes128-sha256-x25519", NULL, 1, &n, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(proposal_list_parse(P_IKE, "aes128-sha256-x25519", &p, 1, NULL, NULL, 0),
			 -EINVAL);

	ck_assert_int_eq(proposal_parse(P_IKE, "aes128-sha256-x25519", &p, NULL, 0), 0);
	ck_assert_int_eq(proposal_select(NULL, 1, &peer, 1, 0, &sel), -EINVAL);
	ck_assert_int_eq(proposal_select(&p, 0, &peer, 1, 0, &sel), -EINVAL);
	ck_assert_int_eq(proposal_select(&p, 1, NULL, 1, 0, &sel), -EINVAL);
	ck_assert_int_eq(proposal_select(&p, 1, &peer, 0, 0, &sel), -EINVAL);
	ck_assert_int_eq(proposal_select(&p, 1, &peer, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(proposal_to_ike(NULL, 1, &pi), -EINVAL);
	ck_assert_int_eq(proposal_to_ike(&p, 0, &pi), -EINVAL);
	ck_assert_int_eq(proposal_to_ike(&p, 1, NULL), -EINVAL);
	ck_assert_int_eq(proposal_to_str(NULL, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(proposal_to_str(&p, NULL, sizeof(s)), -EINVAL);
	ck_assert_int_eq(proposal_to_str(&p, s, 0), -EINVAL);
	ck_assert_uint_eq(proposal_dh_group(NULL), 0);
	ck_assert(!proposal_has_alg(NULL, 1, 12));
	ck_assert(!proposal_has_alg(&p, 0, 12));
	ck_assert(!proposal_has_alg(&p, 6, 12));
}
END_TEST

/* expected transforms per type (ENCR, PRF, INTEG, DH, ESN), IANA numbers */
struct alg_list {
	uint8_t n;
	struct proposal_alg a[4];
};

static const struct parse_case {
	uint8_t proto;
	const char *str;
	struct alg_list want[5];
	const char *log;
} parse_cases[] = {
	{ P_IKE, "aes128-sha256-x25519",
	  { { 1, { { 12, 128 } } }, { 1, { { 5, 0 } } }, { 1, { { 12, 0 } } },
	    { 1, { { 31, 0 } } }, { 0, { { 0, 0 } } } },
	  "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519" },
	{ P_IKE, "aes256gcm16-prfsha384-ecp384",
	  { { 1, { { 20, 256 } } }, { 1, { { 6, 0 } } }, { 0, { { 0, 0 } } },
	    { 1, { { 20, 0 } } }, { 0, { { 0, 0 } } } },
	  "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384" },
	{ P_IKE, "chacha20poly1305-prfsha256-x25519",
	  { { 1, { { 28, 0 } } }, { 1, { { 5, 0 } } }, { 0, { { 0, 0 } } },
	    { 1, { { 31, 0 } } }, { 0, { { 0, 0 } } } },
	  "IKE:CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_25519" },
	{ P_IKE, "aes128-sha1-modp2048",
	  { { 1, { { 12, 128 } } }, { 1, { { 2, 0 } } }, { 1, { { 2, 0 } } },
	    { 1, { { 14, 0 } } }, { 0, { { 0, 0 } } } },
	  "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048" },
	{ P_ESP, "aes128-sha256",
	  { { 1, { { 12, 128 } } }, { 0, { { 0, 0 } } }, { 1, { { 12, 0 } } },
	    { 0, { { 0, 0 } } }, { 1, { { 0, 0 } } } },
	  "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ" },
	{ P_ESP, "aes256gcm16",
	  { { 1, { { 20, 256 } } }, { 0, { { 0, 0 } } }, { 0, { { 0, 0 } } },
	    { 0, { { 0, 0 } } }, { 1, { { 0, 0 } } } },
	  "ESP:AES_GCM_16_256/NO_EXT_SEQ" },
	{ P_ESP, "aes128-sha256-esn",
	  { { 1, { { 12, 128 } } }, { 0, { { 0, 0 } } }, { 1, { { 12, 0 } } },
	    { 0, { { 0, 0 } } }, { 1, { { 1, 0 } } } },
	  "ESP:AES_CBC_128/HMAC_SHA2_256_128/EXT_SEQ" },
	/* several of one type; PRFs derived from the INTEGs in their order */
	{ P_IKE, "aes128-aes256-sha256-sha384-x25519-ecp256",
	  { { 2, { { 12, 128 }, { 12, 256 } } }, { 2, { { 5, 0 }, { 6, 0 } } },
	    { 2, { { 12, 0 }, { 13, 0 } } }, { 2, { { 31, 0 }, { 19, 0 } } },
	    { 0, { { 0, 0 } } } },
	  "IKE:AES_CBC_128/AES_CBC_256/HMAC_SHA2_256_128/HMAC_SHA2_384_192/"
	  "PRF_HMAC_SHA2_256/PRF_HMAC_SHA2_384/CURVE_25519/ECP_256" },
	/* an explicit prf replaces the derived ones */
	{ P_IKE, "aes192-sha512-prfsha512-curve448",
	  { { 1, { { 12, 192 } } }, { 1, { { 7, 0 } } }, { 1, { { 14, 0 } } },
	    { 1, { { 32, 0 } } }, { 0, { { 0, 0 } } } },
	  "IKE:AES_CBC_192/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/CURVE_448" },
	{ P_IKE, "aes128gcm128-aes256gcm128-prfsha1-modp3072-modp4096-ecp521-x448",
	  { { 2, { { 20, 128 }, { 20, 256 } } }, { 1, { { 2, 0 } } }, { 0, { { 0, 0 } } },
	    { 4, { { 15, 0 }, { 16, 0 }, { 21, 0 }, { 32, 0 } } }, { 0, { { 0, 0 } } } },
	  "IKE:AES_GCM_16_128/AES_GCM_16_256/PRF_HMAC_SHA1/MODP_3072/MODP_4096/ECP_521/"
	  "CURVE_448" },
	/* ESP with PFS, explicit noesn, duplicates dropped */
	{ P_ESP, "aes256-sha512-sha512-modp4096-noesn",
	  { { 1, { { 12, 256 } } }, { 0, { { 0, 0 } } }, { 1, { { 14, 0 } } },
	    { 1, { { 16, 0 } } }, { 1, { { 0, 0 } } } },
	  "ESP:AES_CBC_256/HMAC_SHA2_512_256/MODP_4096/NO_EXT_SEQ" },
	{ P_ESP, "chacha20poly1305-esn-noesn",
	  { { 1, { { 28, 0 } } }, { 0, { { 0, 0 } } }, { 0, { { 0, 0 } } },
	    { 0, { { 0, 0 } } }, { 2, { { 1, 0 }, { 0, 0 } } } },
	  "ESP:CHACHA20_POLY1305/EXT_SEQ/NO_EXT_SEQ" },
};

START_TEST(test_proposal_parse_valid)
{
	const struct parse_case *c = &parse_cases[_i];
	struct proposal p;
	char err[160] = "x", s[256];

	ck_assert_msg(proposal_parse(c->proto, c->str, &p, err, sizeof(err)) == 0, "%s: %s",
		      c->str, err);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(p.protocol, c->proto);
	ck_assert_uint_eq(p.num, 0);
	ck_assert_uint_eq(p.spi_size, 0);
	for (int t = 0; t < 5; t++) {
		ck_assert_msg(p.n_algs[t] == c->want[t].n, "%s type %d: %u algs", c->str, t + 1,
			      p.n_algs[t]);
		for (int i = 0; i < c->want[t].n; i++) {
			ck_assert_uint_eq(p.algs[t][i].id, c->want[t].a[i].id);
			ck_assert_uint_eq(p.algs[t][i].key_len, c->want[t].a[i].key_len);
		}
	}
	ck_assert_int_eq(proposal_to_str(&p, s, sizeof(s)), 0);
	ck_assert_str_eq(s, c->log);
}
END_TEST

static const struct bad_case {
	uint8_t proto;
	const char *str;
	const char *err; /* expected in the message */
} bad_cases[] = {
	{ P_IKE, "aes128-sha256-x25519-foo", "unknown keyword 'foo'" },
	{ P_IKE, "aes128-sha256-modp1024", "unknown keyword 'modp1024'" },
	{ P_IKE, "AES128-sha256-x25519", "unknown keyword 'AES128'" },
	{ P_IKE, "aes128gcm16-sha256-prfsha256-x25519", "'sha256' with an AEAD" },
	{ P_ESP, "sha256-aes256gcm16", "'aes256gcm16' with an integrity" },
	{ P_IKE, "aes128-sha256", "no key exchange" },
	{ P_IKE, "aes128-x25519", "no integrity" },
	{ P_ESP, "aes128", "no integrity" },
	{ P_IKE, "aes256gcm16-x25519", "needs a prf" },
	{ P_IKE, "sha256-x25519", "no encryption" },
	{ P_ESP, "sha256", "no encryption" },
	{ P_ESP, "aes128-sha256-prfsha256", "'prfsha256' is for IKE" },
	{ P_IKE, "aes128-sha256-x25519-esn", "'esn' is for ESP" },
	{ P_IKE, "aes128--sha256-x25519", "empty keyword" },
	{ P_IKE, "aes128-sha256-x25519-", "empty keyword" },
	{ P_IKE, "", "empty keyword" },
	{ P_IKE, "aes128gcm16-aes128-prfsha256-x25519", "mixed" },
	{ P_IKE, "default-x25519", "default must stand alone" },
};

START_TEST(test_proposal_parse_invalid)
{
	const struct bad_case *c = &bad_cases[_i];
	struct proposal p;
	char err[160] = "";

	ck_assert_int_eq(proposal_parse(c->proto, c->str, &p, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, c->err), "'%s': got '%s', want '%s'", c->str, err, c->err);
	/* a NULL or tiny error buffer is fine too */
	ck_assert_int_eq(proposal_parse(c->proto, c->str, &p, NULL, 0), -EINVAL);
	ck_assert_int_eq(proposal_parse(c->proto, c->str, &p, err, 4), -EINVAL);
	ck_assert_uint_eq(strlen(err), 3);
}
END_TEST

START_TEST(test_proposal_default_and_lists)
{
	struct proposal p[4];
	char err[160], s[512];
	size_t n = 0;

	ck_assert_int_eq(proposal_parse(P_IKE, "default", &p[0], err, sizeof(err)), 0);
	ck_assert(proposal_has_alg(&p[0], 1, 12));
	ck_assert(proposal_has_alg(&p[0], 2, 5));
	ck_assert(proposal_has_alg(&p[0], 3, 12));
	ck_assert_uint_eq(proposal_dh_group(&p[0]), 31);
	ck_assert_int_eq(proposal_parse(P_ESP, "default", &p[0], err, sizeof(err)), 0);
	ck_assert_uint_eq(p[0].n_algs[PROPOSAL_I_DH], 0);
	ck_assert(proposal_has_alg(&p[0], 5, 0));

	ck_assert_int_eq(proposal_list_parse(P_IKE,
					     "aes256gcm16-prfsha384-ecp384, aes128-sha256-x25519",
					     p, 4, &n, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(proposal_to_str(&p[0], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384");
	ck_assert_int_eq(proposal_to_str(&p[1], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519");

	/* default in a list: the AEAD proposal first, then CBC/HMAC */
	ck_assert_int_eq(proposal_list_parse(P_ESP, "aes128-sha256,default", p, 4, &n, err,
					     sizeof(err)),
			 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(p[1].algs[PROPOSAL_I_ENCR][0].id, 20);
	ck_assert_uint_eq(p[1].n_algs[PROPOSAL_I_INTEG], 0);
	ck_assert_uint_eq(p[2].algs[PROPOSAL_I_ENCR][0].id, 12);

	ck_assert_int_eq(proposal_list_parse(P_IKE, "aes128-sha256-x25519, bogus", p, 4, &n, err,
					     sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'bogus'"));
	ck_assert_int_eq(proposal_list_parse(P_IKE, " , ", p, 4, &n, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "empty"));
	ck_assert_int_eq(proposal_list_parse(P_IKE, "default, default, default", p, 4, &n, err,
					     sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "more than 4"));

	/* truncated log name */
	ck_assert_int_eq(proposal_parse(P_IKE, "aes128-sha256-x25519", &p[0], NULL, 0), 0);
	ck_assert_int_eq(proposal_to_str(&p[0], s, 10), -ENOBUFS);
	ck_assert_uint_lt(strlen(s), 10);
}
END_TEST

/* A peer transform: type, IANA id, KEY_LENGTH (0: no attribute). */
struct tspec {
	uint8_t type;
	uint16_t id;
	uint16_t kl;
};
#define E(id, kl) { 1, id, kl }
#define PRF(id) { 2, id, 0 }
#define I(id) { 3, id, 0 }
#define D(id) { 4, id, 0 }
#define N(id) { 5, id, 0 }
#define MAX_PEER_TF 12

struct peer_spec {
	uint8_t proto;
	uint8_t num;
	uint8_t spi_size;
	struct tspec t[MAX_PEER_TF]; /* ends at type 0 */
};

static const struct select_case {
	const char *name;
	uint8_t proto;
	const char *ours;
	struct peer_spec peer[3];
	size_t n_peer;
	uint16_t ke;
	int ret;
	const char *want; /* proposal_to_str() of the selection */
	uint8_t num;
} select_cases[] = {
	{ "match", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12), D(31) } } }, 1, 0, 0,
	  "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519", 1 },
	{ "our order wins", P_IKE, "aes256gcm16-prfsha384-ecp384, aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12), D(31) } },
	    { P_IKE, 2, 0, { E(20, 256), PRF(6), D(20) } } },
	  2, 0, 0, "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384", 2 },
	{ "our preference within types", P_IKE, "aes256-aes128-sha384-sha256-ecp384-x25519",
	  { { P_IKE, 1, 0,
	      { E(12, 128), E(12, 256), PRF(5), PRF(6), I(12), I(13), D(31), D(20) } } },
	  1, 0, 0, "IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_384", 1 },
	{ "key length mismatch", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 256), PRF(5), I(12), D(31) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "key length missing", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 0), PRF(5), I(12), D(31) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "key length where none belongs", P_IKE, "chacha20poly1305-prfsha256-x25519",
	  { { P_IKE, 1, 0, { E(28, 256), PRF(5), D(31) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "missing DH", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "other DH only", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12), D(14) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "integ mismatch", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(14), D(31) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "prf mismatch", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(7), I(12), D(31) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "multiple peer proposals", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(20, 128), PRF(5), D(31) } },
	    { P_IKE, 2, 0, { E(12, 192), PRF(5), I(12), D(31) } },
	    { P_IKE, 3, 0, { E(12, 256), E(12, 128), PRF(7), PRF(5), I(12), D(19), D(31) } } },
	  3, 0, 0, "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519", 3 },
	{ "KE group preferred when acceptable", P_IKE, "aes128-sha256-ecp256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12), D(31), D(19) } } }, 1, 31, 0,
	  "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519", 1 },
	{ "our group without KE hint", P_IKE, "aes128-sha256-ecp256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12), D(31), D(19) } } }, 1, 0, 0,
	  "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256", 1 },
	{ "KE group we do not take", P_IKE, "aes128-sha256-ecp256",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12), D(31), D(19) } } }, 1, 31, 0,
	  "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256", 1 },
	{ "protocol mismatch", P_IKE, "aes128-sha256-x25519",
	  { { P_ESP, 1, 4, { E(12, 128), PRF(5), I(12), D(31) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "IKE transform the IKE SA has no use for", P_IKE, "aes128-sha256-x25519",
	  { { P_IKE, 1, 0, { E(12, 128), PRF(5), I(12), D(31), N(0) } } }, 1, 0, -ENOENT, NULL,
	  0 },
	{ "ESP", P_ESP, "aes128-sha256",
	  { { P_ESP, 1, 4, { E(12, 128), I(12), N(0) } } }, 1, 0, 0,
	  "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ", 1 },
	{ "ESP AEAD, peer's INTEG NONE", P_ESP, "aes256gcm16, aes128-sha256",
	  { { P_ESP, 7, 4, { E(20, 256), I(0), N(0), N(1) } } }, 1, 0, 0,
	  "ESP:AES_GCM_16_256/NO_EXT_SEQ", 7 },
	{ "ESP ESN required by us", P_ESP, "aes128-sha256-esn",
	  { { P_ESP, 1, 4, { E(12, 128), I(12), N(0) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "ESP PFS demanded by peer", P_ESP, "aes128-sha256",
	  { { P_ESP, 1, 4, { E(12, 128), I(12), D(31), N(0) } } }, 1, 0, -ENOENT, NULL, 0 },
	{ "ESP PFS optional for peer", P_ESP, "aes128-sha256",
	  { { P_ESP, 1, 4, { E(12, 128), I(12), D(31), D(0), N(0) } } }, 1, 0, 0,
	  "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ", 1 },
	{ "ESP PFS", P_ESP, "aes128-sha256-ecp256-x25519",
	  { { P_ESP, 1, 4, { E(12, 128), I(12), D(31), N(0) } } }, 1, 0, 0,
	  "ESP:AES_CBC_128/HMAC_SHA2_256_128/CURVE_25519/NO_EXT_SEQ", 1 },
	{ "ESP without SPI", P_ESP, "aes128-sha256",
	  { { P_ESP, 1, 0, { E(12, 128), I(12), N(0) } } }, 1, 0, -ENOENT, NULL, 0 },
};

static const uint8_t peer_spi[8] = { 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8 };

START_TEST(test_proposal_select)
{
	const struct select_case *c = &select_cases[_i];
	struct ike_transform tf[3][MAX_PEER_TF];
	struct ike_tattr at[3][MAX_PEER_TF];
	struct ike_proposal pp[3];
	struct proposal ours[4], sel;
	char err[160], s[256];
	size_t n_ours = 0;

	ck_assert_int_eq(proposal_list_parse(c->proto, c->ours, ours, 4, &n_ours, err,
					     sizeof(err)),
			 0);
	memset(tf, 0, sizeof(tf));
	memset(at, 0, sizeof(at));
	for (size_t k = 0; k < c->n_peer; k++) {
		const struct peer_spec *ps = &c->peer[k];
		size_t n = 0;

		for (; n < MAX_PEER_TF && ps->t[n].type; n++) {
			tf[k][n].type = ps->t[n].type;
			tf[k][n].id = ps->t[n].id;
			if (ps->t[n].kl) {
				at[k][n].type = 14; /* KEY_LENGTH */
				at[k][n].tv = true;
				at[k][n].tv_value = ps->t[n].kl;
				tf[k][n].attrs = &at[k][n];
				tf[k][n].n_attrs = 1;
			}
		}
		pp[k] = (struct ike_proposal){ .num = ps->num,
					       .protocol = ps->proto,
					       .spi_size = ps->spi_size,
					       .spi = ps->spi_size ? peer_spi : NULL,
					       .transforms = tf[k],
					       .n_transforms = n };
	}
	ck_assert_int_eq(proposal_select(ours, n_ours, pp, c->n_peer, c->ke, &sel), c->ret);
	if (c->ret)
		return;
	ck_assert_int_eq(proposal_to_str(&sel, s, sizeof(s)), 0);
	ck_assert_msg(!strcmp(s, c->want), "%s: got %s", c->name, s);
	ck_assert_uint_eq(sel.num, c->num);
	for (int t = 0; t < PROPOSAL_N_TYPES; t++)
		ck_assert_uint_le(sel.n_algs[t], 1);
	if (c->proto == P_ESP) {
		ck_assert_uint_eq(sel.spi_size, 4);
		ck_assert_mem_eq(sel.spi, peer_spi, 4);
	} else {
		ck_assert_uint_eq(sel.spi_size, 0);
	}
}
END_TEST

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	ck_assert_int_eq(hex_decode(hex, out, cap, &n), 0);
	return n;
}

START_TEST(test_proposal_select_strongswan_request)
{
	uint8_t buf[512];
	size_t len = unhex(strongswan_sa_init_req_hex, buf, sizeof(buf));
	struct ike_msg *msg = NULL;
	struct ike_msg_err merr;
	const struct ike_pld *sa, *ke;
	struct proposal ours[2], sel;
	char err[160], s[256];
	size_t n = 0;

	ck_assert_int_eq(ike_msg_parse(buf, len, &msg, &merr), 0);
	sa = ike_msg_find(msg, IKE_PLD_SA, NULL);
	ke = ike_msg_find(msg, IKE_PLD_KE, NULL);
	ck_assert_ptr_nonnull(sa);
	ck_assert_ptr_nonnull(ke);
	ck_assert_uint_eq(ke->u.ke.group, 31);

	ck_assert_int_eq(proposal_list_parse(P_IKE,
					     "aes256gcm16-prfsha384-ecp384, aes128-sha256-x25519",
					     ours, 2, &n, err, sizeof(err)),
			 0);
	ck_assert_int_eq(proposal_select(ours, n, sa->u.sa.proposals, sa->u.sa.n_proposals,
					 ke->u.ke.group, &sel),
			 0);
	ck_assert_int_eq(proposal_to_str(&sel, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519");
	ck_assert_uint_eq(sel.num, 1);
	ck_assert_uint_eq(sel.spi_size, 0);
	ck_assert_uint_eq(proposal_dh_group(&sel), ke->u.ke.group);

	/* only the first of ours: NO_PROPOSAL_CHOSEN */
	ck_assert_int_eq(proposal_select(ours, 1, sa->u.sa.proposals, sa->u.sa.n_proposals,
					 ke->u.ke.group, &sel),
			 -ENOENT);
	/* ecp256 preferred and offered by nobody else: x25519 still chosen */
	ck_assert_int_eq(proposal_parse(P_IKE, "aes128-sha256-ecp256-x25519", &ours[0], NULL, 0),
			 0);
	ck_assert_int_eq(proposal_select(ours, 1, sa->u.sa.proposals, sa->u.sa.n_proposals, 0,
					 &sel),
			 0);
	ck_assert_uint_eq(proposal_dh_group(&sel), 31);
	ike_msg_free(msg);
}
END_TEST

/* Generation: the codec's struct, written by ike_msg_gen_chain and parsed back. */
START_TEST(test_proposal_to_ike)
{
	struct proposal p, esp, sel;
	struct proposal_ike pi;
	struct ike_pld pld;
	struct ike_msg *msg = ike_msg_new();
	struct ike_msg_err merr;
	uint8_t buf[512];
	struct wbuf w = wbuf_init(buf, sizeof(buf));
	uint16_t kl = 0;
	char s[256];
	static const uint8_t want[][3] = {
		/* type, id, has key length */
		{ 1, 12, 1 }, { 1, 12, 1 }, { 2, 5, 0 }, { 3, 12, 0 }, { 4, 31, 0 }, { 4, 19, 0 },
	};

	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(proposal_parse(P_IKE, "aes128-aes256-sha256-x25519-ecp256", &p, NULL, 0),
			 0);
	ck_assert_int_eq(proposal_to_ike(&p, 1, &pi), 0);
	ck_assert_uint_eq(pi.prop.num, 1);
	ck_assert_uint_eq(pi.prop.protocol, 1);
	ck_assert_uint_eq(pi.prop.spi_size, 0);
	ck_assert_uint_eq(pi.prop.n_transforms, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		ck_assert_uint_eq(pi.prop.transforms[i].type, want[i][0]);
		ck_assert_uint_eq(pi.prop.transforms[i].id, want[i][1]);
		ck_assert_int_eq(ike_transform_key_length(&pi.prop.transforms[i], &kl),
				 want[i][2]);
	}
	ck_assert_int_eq(ike_transform_key_length(&pi.prop.transforms[1], &kl), 1);
	ck_assert_uint_eq(kl, 256);

	memset(&pld, 0, sizeof(pld));
	pld.type = IKE_PLD_SA;
	pld.u.sa.proposals = &pi.prop;
	pld.u.sa.n_proposals = 1;
	ck_assert_int_eq(ike_msg_gen_chain(&pld, 1, &w), 0);
	ck_assert_int_eq(ike_msg_parse_chain(msg, IKE_PLD_SA, buf, w.len, false, &merr), 0);
	ck_assert_uint_eq(msg->n_plds, 1);
	ck_assert_int_eq(proposal_select(&p, 1, msg->plds[0].u.sa.proposals,
					 msg->plds[0].u.sa.n_proposals, 0, &sel),
			 0);
	ck_assert_int_eq(proposal_to_str(&sel, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519");
	ike_msg_free(msg);

	/* an ESP selection is answered with the peer's number and SPI */
	ck_assert_int_eq(proposal_parse(P_ESP, "aes256gcm16", &esp, NULL, 0), 0);
	esp.num = 5;
	esp.spi_size = 4;
	memcpy(esp.spi, "\x01\x02\x03\x04", 4);
	ck_assert_int_eq(proposal_to_ike(&esp, esp.num, &pi), 0);
	ck_assert_uint_eq(pi.prop.num, 5);
	ck_assert_uint_eq(pi.prop.protocol, 3);
	ck_assert_uint_eq(pi.prop.spi_size, 4);
	ck_assert_mem_eq(pi.prop.spi, "\x01\x02\x03\x04", 4);
	ck_assert_uint_eq(pi.prop.n_transforms, 2);
	ck_assert_uint_eq(pi.prop.transforms[0].id, 20);
	ck_assert_uint_eq(pi.prop.transforms[1].type, 5);
	ck_assert_uint_eq(pi.prop.transforms[1].id, 0);
}
END_TEST

Suite *proposal_suite(void)
{
	Suite *s = suite_create("proposal");
	TCase *tc = tcase_create("proposal");

	tcase_add_test(tc, test_proposal_input);
	tcase_add_loop_test(tc, test_proposal_parse_valid, 0, (int)ARRAY_SIZE(parse_cases));
	tcase_add_loop_test(tc, test_proposal_parse_invalid, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_proposal_default_and_lists);
	tcase_add_loop_test(tc, test_proposal_select, 0, (int)ARRAY_SIZE(select_cases));
	tcase_add_test(tc, test_proposal_select_strongswan_request);
	tcase_add_test(tc, test_proposal_to_ike);
	suite_add_tcase(s, tc);
	return s;
}
