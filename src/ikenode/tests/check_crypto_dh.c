/*
 * Key exchange. Published vectors: RFC 5903 §8.1, §8.2 and §8.3
 * (ECP-256/384/521, transcribed via public test suites quoting the RFC;
 * the §8.3 values agree across three of them), RFC 5114 Appendix A.8
 * (ECP-521 again; strongSwan's test_vectors/ecp.c), RFC 7748 §6.1 and §6.2
 * (X25519, X448). MODP has no published IKE vector with a private key we
 * can import; it is checked by round trips and the RFC 6989 range rejects.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "common/buf.h"
#include "common/secret.h"
#include "ikenode/crypto_dh.h"
#include "ikenode/crypto_ids.h"

Suite *crypto_dh_suite(void);

struct dh_vector {
	const char *name;
	uint16_t group;
	const char *i, *gi, *r, *gr, *gir;
};

static const struct dh_vector dh_vectors[] = {
	{ "RFC 5903 8.1 ECP-256", 19,
	  "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
	  "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c37725811805271a0461cdb8252d61f"
	  "1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
	  "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
	  "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf6356fbf3ca366cc23e8157"
	  "854c13c58d6aac23f046ada30f8353e74f33039872ab",
	  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
	{ "RFC 5903 8.2 ECP-384", 20,
	  "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655e35b538041e649ee3fae"
	  "f896783ab194",
	  "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6de3ac808acb4bdb4c887"
	  "32aee95f41aa9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38eeb9fcff3"
	  "c2c947dae69b4c634573a81c",
	  NULL,
	  "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d0d1ac43a0336def96fda"
	  "41d0774a3571dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1fff83fa401"
	  "42209dff5eaad96db9e6386c",
	  "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4d603135569b9e9d09cf5"
	  "d4a270f59746" },
	{ "RFC 5903 8.3 ECP-521", 21,
	  "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c2952c67"
	  "71d937ba9777f5957b2639bab072462f68c27a57382d4a52",
	  "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbee1e3bf42e00b8e380aea"
	  "e57c2d107564941885942af5a7f4601723c4195d176ced3e017cae20b6641d2eeb695786d8c946146239"
	  "d099e18e1d5a514c739d7cb4a10ad8a788015ac405d7799dc75e7b7d5b6cf2261a6a7f1507438bf01beb"
	  "6ca3926f9582",
	  "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e9c677d600b343757a3bd"
	  "bf2a3163e4c2f869cca7458aa4a4effc311f5cb151685eb9",
	  "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a219b97c356436adc6e95bb"
	  "0352f6be64a6c2912d4ef2d0433ced2b6171640012d9460f015c68226383956e3bd066e797b623c27ce0"
	  "eac2f551a10c2c724d9852077b87220b6536c5c408a1d2aebb8e86d678ae49cb57091f4732296579ab44"
	  "fcd17f0fc56a",
	  "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4baa240a34"
	  "786859810c06b3c715a3a8cc3151f2bee417996d19f3ddea" },
	{ "RFC 5114 A.8 ECP-521", 21,
	  "0113f82da825735e3d97276683b2b74277bad27335ea71664af2430cc4f33459b9669ee78b3ffb9b8683"
	  "015d344dcbfef6fb9af4c6c470be254516cd3c1a1fb47362",
	  "01ebb34dd75721abf8adc9dbed17889cbb9765d90a7c60f2cef007bb0f2b26e14881fd4442e689d61cb2"
	  "dd046ee30e3ffd20f9a45bbdf6413d583a2dbf59924fd35c00f6b632d194c0388e22d8437e558c552ae1"
	  "95adfd153f92d74908351b2f8c4eda94edb0916d1b53c020b5eecaed1a5fc38a233e4830587bb2ee3489"
	  "b3b42a5a86a4",
	  "00cee3480d8645a17d249f2776d28bae616952d1791fdb4b70f7c3378732aa1b22928448bcd1dc2496d4"
	  "35b01048066ebe4f72903c361b1a9dc1193dc2c9d0891b96",
	  "010ebfafc6e85e08d24bfffcc1a4511db0e634beeb1b6dec8c5939ae44766201af6200430ba97c8ac6a0"
	  "e9f08b33ce7e9feeb5ba4ee5e0d81510c24295b8a08d023500a4a6ec300df9e257b0372b5e7abfef0934"
	  "36719a77887ebb0b18cf8099b9f4212b6e30a1419c18e029d36863cc9d448f4dba4d2a0e60711be57291"
	  "5fbd4fef2695",
	  "00cdea89621cfa46b132f9e4cfe2261cde2d4368eb5656634c7cc98c7a00cde54ed1866a0dd3e6126c9d"
	  "2f845daff82ceb1da08f5d87521bb0ebeca77911169c20cc" },
	{ "RFC 7748 6.1 X25519", 31,
	  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
	{ "RFC 7748 6.2 X448", 32,
	  "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a94197448973910063"
	  "82a6f127ab1d9ac2d8c0a598726b",
	  "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b"
	  "12da88120d53177f80e532c41fa0",
	  "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c"
	  "9c921b09d1b0366f10b65173992d",
	  "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706"
	  "dcb57aec3dae07bdc1c67bf33609",
	  "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c"
	  "24403085d59a449a5037514a879d" },
};

static const uint16_t all_groups[] = {
	CRYPTO_DH_MODP_2048, CRYPTO_DH_MODP_3072, CRYPTO_DH_MODP_4096, CRYPTO_DH_ECP_256,
	CRYPTO_DH_ECP_384,   CRYPTO_DH_ECP_521,   CRYPTO_DH_CURVE25519, CRYPTO_DH_CURVE448,
};

static struct secret sunhex(const char *hex)
{
	struct secret s = { 0 };
	size_t n;

	ck_assert_int_eq(secret_alloc(&s, strlen(hex) / 2), 0);
	ck_assert_int_eq(hex_decode(hex, s.ptr, s.len, &n), 0);
	ck_assert_uint_eq(n, s.len);
	return s;
}

static struct crypto_dh_groups *groups_new(void)
{
	struct crypto_dh_groups *g = NULL;

	ck_assert_int_eq(crypto_dh_groups_new(&g, NULL, NULL), 0);
	return g;
}

START_TEST(test_crypto_dh_input)
{
	struct crypto_dh_groups *g = groups_new();
	struct crypto_dh *dh = NULL;
	struct secret s = { 0 }, priv = sunhex("01");
	uint8_t peer[32] = { 9 };
	size_t len;

	ck_assert_int_eq(crypto_dh_groups_new(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(crypto_dh_new(NULL, g, CRYPTO_DH_CURVE25519), -EINVAL);
	ck_assert_int_eq(crypto_dh_new(&dh, NULL, CRYPTO_DH_CURVE25519), -EINVAL);
	ck_assert_int_eq(crypto_dh_new(&dh, g, 2 /* MODP-1024 */), -ENOTSUP);
	ck_assert_ptr_null(dh);
	ck_assert_int_eq(crypto_dh_new_from_private(&dh, g, CRYPTO_DH_CURVE25519, NULL), -EINVAL);
	ck_assert_int_eq(crypto_dh_new_from_private(&dh, g, CRYPTO_DH_CURVE25519, &priv),
			 -EINVAL);
	ck_assert_int_eq(crypto_dh_new_from_private(&dh, g, CRYPTO_DH_MODP_2048, &priv),
			 -ENOTSUP);
	ck_assert_int_eq(crypto_dh_new(&dh, g, CRYPTO_DH_CURVE25519), 0);
	ck_assert_int_eq(crypto_dh_derive(NULL, peer, 32, &s), -EINVAL);
	ck_assert_int_eq(crypto_dh_derive(dh, NULL, 32, &s), -EINVAL);
	ck_assert_int_eq(crypto_dh_derive(dh, peer, 32, NULL), -EINVAL);
	ck_assert_ptr_null(crypto_dh_public(dh, NULL));
	ck_assert_ptr_null(crypto_dh_public(NULL, &len));
	ck_assert_uint_eq(crypto_dh_public_len_of(1), 0);
	ck_assert(!crypto_dh_groups_has(NULL, CRYPTO_DH_CURVE25519));
	crypto_dh_free(dh);
	crypto_dh_free(NULL);
	crypto_dh_groups_free(g);
	crypto_dh_groups_free(NULL);
	secret_free(&priv);
}
END_TEST

/* Import of private key a gives public value ga; with the peer's gb the
 * shared secret is gab. */
static void check_side(const struct crypto_dh_groups *g, uint16_t group, const char *a,
		       const char *ga, const char *gb, const char *gab, const char *name)
{
	struct secret priv = sunhex(a), peer = sunhex(gb), want_pub = sunhex(ga);
	struct secret want = sunhex(gab), got = { 0 };
	struct crypto_dh *dh = NULL;
	const uint8_t *pub;
	size_t len;

	ck_assert_int_eq(crypto_dh_new_from_private(&dh, g, group, &priv), 0);
	ck_assert_uint_eq(crypto_dh_group(dh), group);
	pub = crypto_dh_public(dh, &len);
	ck_assert_uint_eq(len, want_pub.len);
	ck_assert_uint_eq(len, crypto_dh_public_len_of(group));
	ck_assert_msg(memcmp(pub, want_pub.ptr, len) == 0, "%s: public value", name);
	ck_assert_int_eq(crypto_dh_derive(dh, peer.ptr, peer.len, &got), 0);
	ck_assert_uint_eq(got.len, crypto_dh_shared_len_of(group));
	ck_assert_msg(secret_equal(&got, &want), "%s: shared secret", name);
	secret_free(&got);
	crypto_dh_free(dh);
	secret_free(&priv);
	secret_free(&peer);
	secret_free(&want_pub);
	secret_free(&want);
}

START_TEST(test_crypto_dh_vectors)
{
	const struct dh_vector *v = &dh_vectors[_i];
	struct crypto_dh_groups *g = groups_new();

	check_side(g, v->group, v->i, v->gi, v->gr, v->gir, v->name);
	if (v->r)
		check_side(g, v->group, v->r, v->gr, v->gi, v->gir, v->name);
	crypto_dh_groups_free(g);
}
END_TEST

static void round_trip(const struct crypto_dh_groups *g, uint16_t group)
{
	struct crypto_dh *a = NULL, *b = NULL;
	struct secret sa = { 0 }, sb = { 0 };
	const uint8_t *pa, *pb;
	size_t la, lb;

	ck_assert_int_eq(crypto_dh_new(&a, g, group), 0);
	ck_assert_int_eq(crypto_dh_new(&b, g, group), 0);
	pa = crypto_dh_public(a, &la);
	pb = crypto_dh_public(b, &lb);
	ck_assert_uint_eq(la, crypto_dh_public_len_of(group));
	ck_assert_uint_eq(lb, la);
	ck_assert_int_ne(memcmp(pa, pb, la), 0);
	ck_assert_int_eq(crypto_dh_derive(a, pb, lb, &sa), 0);
	ck_assert_int_eq(crypto_dh_derive(b, pa, la, &sb), 0);
	ck_assert_uint_eq(sa.len, crypto_dh_shared_len_of(group));
	ck_assert(secret_equal(&sa, &sb));
	secret_free(&sa);
	secret_free(&sb);
	crypto_dh_free(a);
	crypto_dh_free(b);
}

START_TEST(test_crypto_dh_round_trip)
{
	struct crypto_dh_groups *g = groups_new();

	ck_assert(crypto_dh_groups_has(g, all_groups[_i]));
	round_trip(g, all_groups[_i]);
	crypto_dh_groups_free(g);
}
END_TEST

/* p of a MODP group, big-endian, from OpenSSL's named group (not our code). */
static void modp_prime(const char *name, uint8_t *p, size_t len)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn = NULL;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_PKEY_fromdata_init(ctx), 1);
	ck_assert_int_eq(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEY_PARAMETERS, params), 1);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_FFC_P, &bn), 1);
	ck_assert_int_eq(BN_bn2binpad(bn, p, (int)len), (int)len);
	BN_free(bn);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
}

/* big-endian p + delta for a small signed delta */
static void add_small(uint8_t *y, size_t len, int delta)
{
	int carry = delta;
	size_t i = len;

	while (i-- > 0 && carry) {
		int v = y[i] + carry;

		y[i] = (uint8_t)(v & 0xff);
		carry = v < 0 ? -1 : v >> 8;
	}
}

START_TEST(test_crypto_dh_modp_rejects)
{
	struct crypto_dh_groups *g = groups_new();
	struct crypto_dh *dh = NULL;
	struct secret s = { 0 };
	uint8_t p[256], y[257];

	modp_prime("modp_2048", p, sizeof(p));
	ck_assert_int_eq(crypto_dh_new(&dh, g, CRYPTO_DH_MODP_2048), 0);
	memset(y, 0, sizeof(y));
	ck_assert_int_eq(crypto_dh_derive(dh, y, 256, &s), -EPROTO); /* 0 */
	y[255] = 1;
	ck_assert_int_eq(crypto_dh_derive(dh, y, 256, &s), -EPROTO); /* 1 */
	memcpy(y, p, 256);
	ck_assert_int_eq(crypto_dh_derive(dh, y, 256, &s), -EPROTO); /* p */
	add_small(y, 256, -1);
	ck_assert_int_eq(crypto_dh_derive(dh, y, 256, &s), -EPROTO); /* p - 1 */
	memset(y, 0xff, 256);
	ck_assert_int_eq(crypto_dh_derive(dh, y, 256, &s), -EPROTO); /* > p */
	ck_assert_ptr_null(s.ptr);
	/* wrong lengths, before any arithmetic */
	ck_assert_int_eq(crypto_dh_derive(dh, y, 255, &s), -EBADMSG);
	ck_assert_int_eq(crypto_dh_derive(dh, y, 257, &s), -EBADMSG);
	/* the edges inside the range are accepted: 2 and p - 2 */
	memset(y, 0, 256);
	y[255] = 2;
	ck_assert_int_eq(crypto_dh_derive(dh, y, 256, &s), 0);
	ck_assert_uint_eq(s.len, 256);
	secret_free(&s);
	memcpy(y, p, 256);
	add_small(y, 256, -2);
	ck_assert_int_eq(crypto_dh_derive(dh, y, 256, &s), 0);
	secret_free(&s);
	crypto_dh_free(dh);
	crypto_dh_groups_free(g);
}
END_TEST

START_TEST(test_crypto_dh_ecp_rejects)
{
	const struct dh_vector *v = &dh_vectors[0]; /* RFC 5903 ECP-256 */
	struct crypto_dh_groups *g = groups_new();
	struct secret priv = sunhex(v->i), gr = sunhex(v->gr), s = { 0 };
	struct crypto_dh *dh = NULL;
	uint8_t bad[65];

	ck_assert_int_eq(crypto_dh_new_from_private(&dh, g, CRYPTO_DH_ECP_256, &priv), 0);
	memcpy(bad, gr.ptr, 64);
	bad[63] ^= 1; /* y changed: off the curve */
	ck_assert_int_eq(crypto_dh_derive(dh, bad, 64, &s), -EPROTO);
	memset(bad, 0, 64); /* (0, 0) is not on P-256 */
	ck_assert_int_eq(crypto_dh_derive(dh, bad, 64, &s), -EPROTO);
	memset(bad, 0xff, 64); /* coordinates beyond p */
	ck_assert_int_eq(crypto_dh_derive(dh, bad, 64, &s), -EPROTO);
	/* SEC 1 form with the 0x04 prefix is not IKE's encoding */
	bad[0] = 4;
	memcpy(bad + 1, gr.ptr, 64);
	ck_assert_int_eq(crypto_dh_derive(dh, bad, 65, &s), -EBADMSG);
	ck_assert_int_eq(crypto_dh_derive(dh, gr.ptr, 63, &s), -EBADMSG);
	ck_assert_ptr_null(s.ptr);
	/* and the genuine value still works afterwards */
	ck_assert_int_eq(crypto_dh_derive(dh, gr.ptr, 64, &s), 0);
	secret_free(&s);
	crypto_dh_free(dh);
	secret_free(&priv);
	secret_free(&gr);
	crypto_dh_groups_free(g);
}
END_TEST

/* RFC 8031 §2.3 / RFC 7748 §6: low-order points give an all-zero secret. */
START_TEST(test_crypto_dh_ecx_rejects_zero)
{
	struct crypto_dh_groups *g = groups_new();
	struct crypto_dh *x25519 = NULL, *x448 = NULL;
	struct secret s = { 0 };
	uint8_t u[56];

	ck_assert_int_eq(crypto_dh_new(&x25519, g, CRYPTO_DH_CURVE25519), 0);
	ck_assert_int_eq(crypto_dh_new(&x448, g, CRYPTO_DH_CURVE448), 0);
	memset(u, 0, sizeof(u));
	ck_assert_int_eq(crypto_dh_derive(x25519, u, 32, &s), -EPROTO); /* u = 0 */
	ck_assert_int_eq(crypto_dh_derive(x448, u, 56, &s), -EPROTO);
	u[0] = 1;
	ck_assert_int_eq(crypto_dh_derive(x25519, u, 32, &s), -EPROTO); /* u = 1 */
	ck_assert_int_eq(crypto_dh_derive(x448, u, 56, &s), -EPROTO);
	ck_assert_int_eq(crypto_dh_derive(x25519, u, 31, &s), -EBADMSG);
	ck_assert_ptr_null(s.ptr);
	crypto_dh_free(x25519);
	crypto_dh_free(x448);
	crypto_dh_groups_free(g);
}
END_TEST

/* Shared groups, separate key pairs: keygen and derive from several threads. */
static void *dh_thread(void *arg)
{
	const struct crypto_dh_groups *g = arg;
	size_t i;

	for (i = 0; i < 20; i++) {
		round_trip(g, CRYPTO_DH_CURVE25519);
		round_trip(g, CRYPTO_DH_ECP_256);
	}
	return NULL;
}

START_TEST(test_crypto_dh_threads)
{
	struct crypto_dh_groups *g = groups_new();
	pthread_t t[4];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, dh_thread, g), 0);
	for (i = 0; i < ARRAY_SIZE(t); i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	crypto_dh_groups_free(g);
}
END_TEST

Suite *crypto_dh_suite(void)
{
	Suite *s = suite_create("crypto_dh");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_crypto_dh_input);
	tcase_add_loop_test(tc, test_crypto_dh_vectors, 0, (int)ARRAY_SIZE(dh_vectors));
	tcase_add_loop_test(tc, test_crypto_dh_round_trip, 0, (int)ARRAY_SIZE(all_groups));
	tcase_add_test(tc, test_crypto_dh_modp_rejects);
	tcase_add_test(tc, test_crypto_dh_ecp_rejects);
	tcase_add_test(tc, test_crypto_dh_ecx_rejects_zero);
	tcase_add_test(tc, test_crypto_dh_threads);
	suite_add_tcase(s, tc);
	return s;
}
