/*
 * SK payload protection. Published vectors, wrapped into an SK body:
 *   RFC 8439 §2.8.2 (ChaCha20-Poly1305 AEAD: AAD, key, nonce = 07000000 |
 *     IV, ciphertext, tag), the shape RFC 7634 uses for IKEv2;
 *   Wycheproof aes_gcm_test.json tcId 2 (AES-128) and 91 (AES-256), 96-bit
 *     IV and AAD, split as salt (4) | IV (8);
 *   RFC 3602 §4 cases 2 and 3 (AES-128-CBC), with an HMAC-SHA2-256-128 ICV
 *     computed by OpenSSL's one-shot EVP_Q_mac (not by ike_sk).
 * The last decrypted byte of each published plaintext is read as the pad
 * length, so the vectors also test padding removal (RFC 3602 case 3 has
 * pad length 0xdf > 63 bytes: a published "wrong pad length").
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/buf.h"
#include "common/secret.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_ids.h"
#include "ikenode/ike_sk.h"

Suite *ike_sk_suite(void);

struct aead_vector {
	const char *name;
	uint16_t encr_id, bits;
	const char *key_salt, *aad, *iv, *ct, *tag, *plain; /* plain: before padding */
	int rc;
};

static const struct aead_vector aead_vectors[] = {
	{ "RFC 8439 2.8.2", CRYPTO_ENCR_CHACHA20_POLY1305, 256,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f07000000",
	  "50515253c0c1c2c3c4c5c6c7", "4041424344454647",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb"
	  "69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad6"
	  "75945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116",
	  "1ae10b594f09e26a7e902ecbd0600691",
	  /* "Ladies and Gentlemen of the class of '99: If I could offer you only": the first 67 bytes; "." (46) is the pad length */
	  "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a2049"
	  "66204920636f756c64206f6666657220796f75206f6e6c79",
	  0 },
	{ "Wycheproof AES-GCM tcId 2", CRYPTO_ENCR_AES_GCM_16, 128,
	  "5b9604fe14eadba931b0ccf34843dab9921d2507", "00112233445566778899aabbccddeeff",
	  "fa8007b7bd067d34", "49d8b9783e911913d87094d1f63cc765",
	  "1e348ba07cca2cf04c618cb4d43a5b92", "001d0c231287c1", 0 },
	{ "Wycheproof AES-GCM tcId 91", CRYPTO_ENCR_AES_GCM_16, 256,
	  "92ace3e348cd821092cd921aa3546374299ab46209691bc28b8752d17f123c2000112233",
	  "00000000ffffffff", "445566778899aabb", "e27abdd2d2a53d2f136b",
	  "9a4a2579529301bcfb71c78d4060f52c", "", 0 },
	{ "Wycheproof AES-GCM tcId 91, tag changed", CRYPTO_ENCR_AES_GCM_16, 256,
	  "92ace3e348cd821092cd921aa3546374299ab46209691bc28b8752d17f123c2000112233",
	  "00000000ffffffff", "445566778899aabb", "e27abdd2d2a53d2f136b",
	  "9a4a2579529301bcfb71c78d4060f52d", "", -EBADMSG },
};

struct cbc_vector {
	const char *name, *key, *iv, *ct, *plain;
	int rc;
};

static const struct cbc_vector cbc_vectors[] = {
	{ "RFC 3602 case 2", "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1", "", 0 },
	{ "RFC 3602 case 3 (pad length 0xdf)", "56e47a38c5598974bc46903dba290349",
	  "8ce82eefbea0da3c44699ed7db51b7d9",
	  "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e35907aa632c3ffdf868bb7"
	  "b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55",
	  NULL, -EBADMSG },
};

struct suite_cfg {
	uint16_t encr_id, bits, integ_id;
	size_t key_len, integ_len;
};

static const struct suite_cfg suites[] = {
	{ CRYPTO_ENCR_AES_CBC, 128, CRYPTO_INTEG_HMAC_SHA1_96, 16, 20 },
	{ CRYPTO_ENCR_AES_CBC, 192, CRYPTO_INTEG_HMAC_SHA2_256_128, 24, 32 },
	{ CRYPTO_ENCR_AES_CBC, 256, CRYPTO_INTEG_HMAC_SHA2_384_192, 32, 48 },
	{ CRYPTO_ENCR_AES_CBC, 256, CRYPTO_INTEG_HMAC_SHA2_512_256, 32, 64 },
	{ CRYPTO_ENCR_AES_CBC, 128, CRYPTO_INTEG_HMAC_SHA2_256_128, 16, 32 },
	{ CRYPTO_ENCR_AES_GCM_16, 128, CRYPTO_INTEG_NONE, 20, 0 },
	{ CRYPTO_ENCR_AES_GCM_16, 256, CRYPTO_INTEG_NONE, 36, 0 },
	{ CRYPTO_ENCR_CHACHA20_POLY1305, 256, CRYPTO_INTEG_NONE, 36, 0 },
};

/* a fake IKE header plus SK generic header: 28 + 4 bytes */
#define HDR_LEN 32

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n;

	ck_assert_int_eq(hex_decode(hex, out, cap, &n), 0);
	return n;
}

static struct secret key_of(size_t len, uint8_t seed)
{
	struct secret s = { 0 };
	size_t i;

	ck_assert_int_eq(secret_alloc(&s, len), 0);
	for (i = 0; i < len; i++)
		s.ptr[i] = (uint8_t)(seed + i * 7);
	return s;
}

static struct crypto_algs *algs_new(void)
{
	struct crypto_algs *algs = NULL;

	ck_assert_int_eq(crypto_algs_new(&algs, NULL, NULL), 0);
	return algs;
}

static struct ike_sk *sk_of(const struct crypto_algs *algs, const struct suite_cfg *c)
{
	struct secret ek = key_of(c->key_len, 1), ik = key_of(c->integ_len, 99);
	struct ike_sk *sk = NULL;

	ck_assert_int_eq(ike_sk_new(&sk, algs, c->encr_id, c->bits, c->integ_id, &ek,
				    c->integ_len ? &ik : NULL), 0);
	secret_free(&ek);
	secret_free(&ik);
	return sk;
}

START_TEST(test_ike_sk_input)
{
	struct crypto_algs *algs = algs_new();
	struct secret ek = key_of(16, 1), ik = key_of(20, 2), gk = key_of(20, 3);
	struct ike_sk *sk = NULL;
	uint8_t msg[128], plain[64];
	size_t len;

	ck_assert_int_eq(ike_sk_new(NULL, algs, 12, 128, 2, &ek, &ik), -EINVAL);
	ck_assert_int_eq(ike_sk_new(&sk, NULL, 12, 128, 2, &ek, &ik), -EINVAL);
	ck_assert_int_eq(ike_sk_new(&sk, algs, 12, 128, 2, NULL, &ik), -EINVAL);
	ck_assert_int_eq(ike_sk_new(&sk, algs, 12, 128, 0, &ek, NULL), -EINVAL);
	ck_assert_int_eq(ike_sk_new(&sk, algs, 12, 128, 2, &ek, NULL), -EINVAL);
	ck_assert_int_eq(ike_sk_new(&sk, algs, 12, 256, 2, &ek, &ik), -EINVAL); /* key length */
	ck_assert_int_eq(ike_sk_new(&sk, algs, 20, 128, 2, &gk, &ik), -EINVAL); /* AEAD + integ */
	ck_assert_int_eq(ike_sk_new(&sk, algs, 20, 128, 0, &ek, NULL), -EINVAL); /* no salt */
	ck_assert_int_eq(ike_sk_new(&sk, algs, 3, 0, 2, &ek, &ik), -ENOTSUP);	 /* 3DES */
	ck_assert_int_eq(ike_sk_new(&sk, algs, 12, 100, 2, &ek, &ik), -ENOTSUP);
	ck_assert_int_eq(ike_sk_new(&sk, algs, 12, 128, 5, &ek, &ik), -ENOTSUP); /* XCBC */
	ck_assert_ptr_null(sk);
	ck_assert_int_eq(ike_sk_new(&sk, algs, 12, 128, 2, &ek, &ik), 0);
	ck_assert_int_eq(ike_sk_seal(NULL, msg, 128, 32, plain, 1, &len), -EINVAL);
	ck_assert_int_eq(ike_sk_seal(sk, NULL, 128, 32, plain, 1, &len), -EINVAL);
	ck_assert_int_eq(ike_sk_seal(sk, msg, 128, 32, NULL, 1, &len), -EINVAL);
	ck_assert_int_eq(ike_sk_seal(sk, msg, 128, 32, plain, 1, NULL), -EINVAL);
	ck_assert_int_eq(ike_sk_seal(sk, msg, 40, 32, plain, 1, &len), -ENOBUFS);
	ck_assert_int_eq(ike_sk_open(NULL, msg, 128, 32, plain, 64, &len), -EINVAL);
	ck_assert_int_eq(ike_sk_open(sk, NULL, 128, 32, plain, 64, &len), -EINVAL);
	ck_assert_int_eq(ike_sk_open(sk, msg, 128, 32, NULL, 64, &len), -EINVAL);
	ck_assert_int_eq(ike_sk_open(sk, msg, 128, 32, plain, 64, NULL), -EINVAL);
	ck_assert_int_eq(ike_sk_open(sk, msg, 128, 129, plain, 64, &len), -EBADMSG);
	ck_assert_int_eq(ike_sk_open(sk, msg, 60, 32, plain, 64, &len), -EBADMSG); /* short */
	ck_assert_int_eq(ike_sk_open(sk, msg, 32 + 16 + 17 + 12, 32, plain, 64, &len), -EBADMSG);
	ck_assert_uint_eq(ike_sk_iv_len(NULL), 0);
	ck_assert_uint_eq(ike_sk_sealed_len(NULL, 1), 0);
	ike_sk_free(sk);
	ike_sk_free(NULL);
	secret_free(&ek);
	secret_free(&ik);
	secret_free(&gk);
	crypto_algs_free(algs);
}
END_TEST

START_TEST(test_ike_sk_aead_vectors)
{
	const struct aead_vector *v = &aead_vectors[_i];
	struct crypto_algs *algs = algs_new();
	struct ike_sk *sk = NULL;
	uint8_t key[64], msg[512], want[256], plain[256];
	size_t klen = unhex(v->key_salt, key, sizeof(key)), len = 0, wlen, plen = 0;
	struct secret ek = { 0 };

	len += unhex(v->aad, msg, sizeof(msg));
	size_t iv_off = len;
	len += unhex(v->iv, msg + len, sizeof(msg) - len);
	len += unhex(v->ct, msg + len, sizeof(msg) - len);
	len += unhex(v->tag, msg + len, sizeof(msg) - len);
	wlen = unhex(v->plain, want, sizeof(want));
	ck_assert_int_eq(secret_dup(&ek, key, klen), 0);
	ck_assert_int_eq(ike_sk_new(&sk, algs, v->encr_id, v->bits, CRYPTO_INTEG_NONE, &ek, NULL),
			 0);
	ck_assert_uint_eq(ike_sk_iv_len(sk), 8);
	ck_assert_uint_eq(ike_sk_icv_len(sk), 16);
	ck_assert_int_eq(ike_sk_open(sk, msg, len, iv_off, plain, sizeof(plain), &plen), v->rc);
	if (v->rc == 0) {
		ck_assert_uint_eq(plen, wlen);
		ck_assert_msg(memcmp(plain, want, wlen) == 0, "%s", v->name);
	}
	ike_sk_free(sk);
	secret_free(&ek);
	crypto_algs_free(algs);
}
END_TEST

START_TEST(test_ike_sk_cbc_vectors)
{
	const struct cbc_vector *v = &cbc_vectors[_i];
	struct crypto_algs *algs = algs_new();
	struct secret ek = { 0 }, ik = key_of(32, 5);
	struct ike_sk *sk = NULL;
	uint8_t key[16], msg[256], plain[128], mac[64];
	size_t len = HDR_LEN, plen = 0, mlen = 0;

	memset(msg, 0x2e, HDR_LEN);
	ck_assert_int_eq(secret_dup(&ek, key, unhex(v->key, key, sizeof(key))), 0);
	len += unhex(v->iv, msg + len, sizeof(msg) - len);
	len += unhex(v->ct, msg + len, sizeof(msg) - len);
	ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA2-256", NULL, ik.ptr, ik.len, msg,
					len, mac, sizeof(mac), &mlen));
	memcpy(msg + len, mac, 16);
	len += 16;
	ck_assert_int_eq(ike_sk_new(&sk, algs, CRYPTO_ENCR_AES_CBC, 128,
				    CRYPTO_INTEG_HMAC_SHA2_256_128, &ek, &ik), 0);
	ck_assert_int_eq(ike_sk_open(sk, msg, len, HDR_LEN, plain, sizeof(plain), &plen), v->rc);
	if (v->rc == 0)
		ck_assert_uint_eq(plen, strlen(v->plain) / 2);
	/* the ICV covers the header: change it and nothing is decrypted */
	msg[0] ^= 1;
	ck_assert_int_eq(ike_sk_open(sk, msg, len, HDR_LEN, plain, sizeof(plain), &plen), -EBADMSG);
	ike_sk_free(sk);
	secret_free(&ek);
	secret_free(&ik);
	crypto_algs_free(algs);
}
END_TEST

/* Seal then open for every algorithm and many lengths; the length matches
 * ike_sk_sealed_len() and CBC output is block aligned. */
START_TEST(test_ike_sk_round_trip)
{
	const struct suite_cfg *c = &suites[_i];
	struct crypto_algs *algs = algs_new();
	struct ike_sk *out = sk_of(algs, c), *in = sk_of(algs, c);
	uint8_t plain[300], msg[HDR_LEN + 400], back[400];
	size_t n, len, blen, ct;

	for (n = 0; n < sizeof(plain); n++)
		plain[n] = (uint8_t)(n * 13 + 1);
	for (n = 0; n < sizeof(plain); n += (n < 40 ? 1 : 37)) {
		memset(msg, 0xa5, HDR_LEN);
		ck_assert_int_eq(ike_sk_seal(out, msg, sizeof(msg), HDR_LEN, plain, n, &len), 0);
		ck_assert_uint_eq(len, HDR_LEN + ike_sk_sealed_len(out, n));
		ct = len - HDR_LEN - ike_sk_iv_len(out) - ike_sk_icv_len(out);
		if (c->encr_id == CRYPTO_ENCR_AES_CBC)
			ck_assert_uint_eq(ct % 16, 0);
		else
			ck_assert_uint_eq(ct, n + 1);
		ck_assert_int_eq(ike_sk_open(in, msg, len, HDR_LEN, back, sizeof(back), &blen), 0);
		ck_assert_uint_eq(blen, n);
		ck_assert_mem_eq(back, plain, n);
	}
	/* too small a buffer for the decrypted length */
	ck_assert_int_eq(ike_sk_open(in, msg, len, HDR_LEN, back, 8, &blen), -ENOBUFS);
	ike_sk_free(out);
	ike_sk_free(in);
	crypto_algs_free(algs);
}
END_TEST

/* Any changed byte (header, SK header, IV, ciphertext, ICV) is refused. */
START_TEST(test_ike_sk_tamper)
{
	const struct suite_cfg *c = &suites[_i];
	struct crypto_algs *algs = algs_new();
	struct ike_sk *sk = sk_of(algs, c);
	uint8_t plain[45], msg[HDR_LEN + 200], back[200];
	size_t i, len, blen;

	memset(plain, 0x11, sizeof(plain));
	memset(msg, 0x42, HDR_LEN);
	ck_assert_int_eq(ike_sk_seal(sk, msg, sizeof(msg), HDR_LEN, plain, sizeof(plain), &len), 0);
	for (i = 0; i < len; i++) {
		msg[i] ^= 0x80;
		ck_assert_msg(ike_sk_open(sk, msg, len, HDR_LEN, back, sizeof(back), &blen) ==
				      -EBADMSG,
			      "byte %zu", i);
		msg[i] ^= 0x80;
	}
	/* truncated, and a different IV offset (AAD / ICV coverage) */
	ck_assert_int_eq(ike_sk_open(sk, msg, len - 1, HDR_LEN, back, sizeof(back), &blen),
			 -EBADMSG);
	ck_assert_int_eq(ike_sk_open(sk, msg, len, HDR_LEN, back, sizeof(back), &blen), 0);
	ike_sk_free(sk);
	crypto_algs_free(algs);
}
END_TEST

/* AEAD IVs come from a counter: consecutive messages never share one. */
/* the ICV alone: CBC+HMAC only; any changed byte fails it, the body too */
START_TEST(test_ike_sk_verify_icv_only)
{
	const struct suite_cfg *c = &suites[_i];
	struct crypto_algs *algs = algs_new();
	struct ike_sk *out = sk_of(algs, c), *in = sk_of(algs, c);
	uint8_t plain[40] = { 1, 2, 3 }, msg[HDR_LEN + 200];
	size_t len;

	memset(msg, 0x5a, HDR_LEN);
	ck_assert_int_eq(ike_sk_seal(out, msg, sizeof(msg), HDR_LEN, plain, sizeof(plain), &len), 0);
	if (c->encr_id != CRYPTO_ENCR_AES_CBC) {
		ck_assert_int_eq(ike_sk_verify(in, msg, len), -EOPNOTSUPP);
	} else {
		ck_assert_int_eq(ike_sk_verify(in, msg, len), 0);
		ck_assert_int_eq(ike_sk_verify(in, msg, ike_sk_icv_len(in) - 1), -EBADMSG);
		for (size_t i = 0; i < len; i += 7) {
			msg[i] ^= 0x01;
			ck_assert_int_eq(ike_sk_verify(in, msg, len), -EBADMSG);
			msg[i] ^= 0x01;
		}
	}
	ck_assert_int_eq(ike_sk_verify(NULL, msg, len), -EINVAL);
	ike_sk_free(out);
	ike_sk_free(in);
	crypto_algs_free(algs);
}
END_TEST

START_TEST(test_ike_sk_aead_iv_unique)
{
	struct crypto_algs *algs = algs_new();
	struct ike_sk *sk = sk_of(algs, &suites[7]);
	uint8_t msg1[HDR_LEN + 64], msg2[HDR_LEN + 64], p = 0;
	size_t l1, l2;

	memset(msg1, 0, HDR_LEN);
	memset(msg2, 0, HDR_LEN);
	ck_assert_int_eq(ike_sk_seal(sk, msg1, sizeof(msg1), HDR_LEN, &p, 1, &l1), 0);
	ck_assert_int_eq(ike_sk_seal(sk, msg2, sizeof(msg2), HDR_LEN, &p, 1, &l2), 0);
	ck_assert_int_ne(memcmp(msg1 + HDR_LEN, msg2 + HDR_LEN, 8), 0);
	ck_assert_int_ne(memcmp(msg1 + HDR_LEN + 8, msg2 + HDR_LEN + 8, l1 - HDR_LEN - 8), 0);
	ike_sk_free(sk);
	crypto_algs_free(algs);
}
END_TEST

/* A correctly authenticated AEAD message whose pad length exceeds it. */
START_TEST(test_ike_sk_aead_bad_pad)
{
	struct crypto_algs *algs = algs_new();
	struct secret ek = key_of(36, 1);
	struct ike_sk *sk = NULL;
	uint8_t msg[HDR_LEN + 64], nonce[12], pt[4] = { 1, 2, 3, 200 }, back[64];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl;
	size_t blen;

	memset(msg, 0x33, HDR_LEN);
	memcpy(nonce, ek.ptr + 32, 4);
	memset(nonce + 4, 7, 8);
	memcpy(msg + HDR_LEN, nonce + 4, 8);
	ck_assert_int_eq(EVP_EncryptInit_ex2(ctx, EVP_chacha20_poly1305(), ek.ptr, nonce, NULL), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(ctx, NULL, &outl, msg, HDR_LEN), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(ctx, msg + HDR_LEN + 8, &outl, pt, 4), 1);
	ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, msg + HDR_LEN + 12, &outl), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, msg + HDR_LEN + 12),
			 1);
	ck_assert_int_eq(ike_sk_new(&sk, algs, CRYPTO_ENCR_CHACHA20_POLY1305, 256, 0, &ek, NULL),
			 0);
	ck_assert_int_eq(ike_sk_open(sk, msg, HDR_LEN + 28, HDR_LEN, back, sizeof(back), &blen),
			 -EBADMSG);
	/* pad length 3: exactly fills, accepted with an empty payload */
	pt[3] = 3;
	ck_assert_int_eq(EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(ctx, NULL, &outl, msg, HDR_LEN), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(ctx, msg + HDR_LEN + 8, &outl, pt, 4), 1);
	ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, msg + HDR_LEN + 12, &outl), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, msg + HDR_LEN + 12),
			 1);
	ck_assert_int_eq(ike_sk_open(sk, msg, HDR_LEN + 28, HDR_LEN, back, sizeof(back), &blen), 0);
	ck_assert_uint_eq(blen, 0);
	EVP_CIPHER_CTX_free(ctx);
	ike_sk_free(sk);
	secret_free(&ek);
	crypto_algs_free(algs);
}
END_TEST

Suite *ike_sk_suite(void)
{
	Suite *s = suite_create("ike_sk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ike_sk_input);
	tcase_add_loop_test(tc, test_ike_sk_aead_vectors, 0, (int)ARRAY_SIZE(aead_vectors));
	tcase_add_loop_test(tc, test_ike_sk_cbc_vectors, 0, (int)ARRAY_SIZE(cbc_vectors));
	tcase_add_loop_test(tc, test_ike_sk_verify_icv_only, 0, ARRAY_SIZE(suites));
	tcase_add_loop_test(tc, test_ike_sk_round_trip, 0, (int)ARRAY_SIZE(suites));
	tcase_add_loop_test(tc, test_ike_sk_tamper, 0, (int)ARRAY_SIZE(suites));
	tcase_add_test(tc, test_ike_sk_aead_iv_unique);
	tcase_add_test(tc, test_ike_sk_aead_bad_pad);
	suite_add_tcase(s, tc);
	return s;
}
