/*
 * PRF vectors: RFC 2202 §3 (HMAC-SHA1) and RFC 4231 §4 (HMAC-SHA2), test
 * cases 1-4 and 6 (the truncated TC5 does not apply to a PRF). Transcribed
 * from strongSwan's test_vectors plugin (sha1_hmac.c, sha2_hmac.c) and
 * checked against Python's hmac module.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_ids.h"
#include "ikenode/crypto_prf.h"

Suite *crypto_prf_suite(void);

struct prf_vector {
	uint16_t prf_id;
	const char *name;
	const char *key, *data, *out;
};

static const struct prf_vector prf_vectors[] = {
	{ 2, "RFC 2202 TC1",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ 2, "RFC 2202 TC2",
	  "4a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ 2, "RFC 2202 TC3",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	  "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
	{ 2, "RFC 2202 TC4",
	  "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
	{ 2, "RFC 2202 TC6",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
	  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ 5, "RFC 4231 TC1",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ 5, "RFC 4231 TC2",
	  "4a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ 5, "RFC 4231 TC3",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ 5, "RFC 4231 TC4",
	  "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ 5, "RFC 4231 TC6",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ 6, "RFC 4231 TC1",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6" },
	{ 6, "RFC 4231 TC3",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27" },
	{ 6, "RFC 4231 TC4",
	  "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb" },
	{ 6, "RFC 4231 TC6",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952" },
	{ 7, "RFC 4231 TC1",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ 7, "RFC 4231 TC3",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
	{ 7, "RFC 4231 TC4",
	  "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
	{ 7, "RFC 4231 TC6",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
};

static uint8_t *unhex(const char *hex, size_t *len)
{
	size_t cap = strlen(hex) / 2 + 1;
	uint8_t *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(hex_decode(hex, buf, cap, len), 0);
	return buf;
}

static struct crypto_algs *algs_new(void)
{
	struct crypto_algs *algs = NULL;

	ck_assert_int_eq(crypto_algs_new(&algs, NULL, NULL), 0);
	return algs;
}

START_TEST(test_crypto_prf_input)
{
	struct crypto_algs *algs = algs_new();
	struct crypto_prf *prf = NULL;
	uint8_t out[64], key[4] = { 0 };
	struct crypto_iov bad = { NULL, 3 };

	ck_assert_int_eq(crypto_prf_new(NULL, algs, CRYPTO_PRF_HMAC_SHA1), -EINVAL);
	ck_assert_int_eq(crypto_prf_new(&prf, NULL, CRYPTO_PRF_HMAC_SHA1), -EINVAL);
	ck_assert_int_eq(crypto_prf_new(&prf, algs, 4 /* AES128_XCBC */), -ENOTSUP);
	ck_assert_ptr_null(prf);
	ck_assert_int_eq(crypto_algs_new(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(crypto_prf_new(&prf, algs, CRYPTO_PRF_HMAC_SHA2_256), 0);
	ck_assert_int_eq(crypto_prf_compute(NULL, key, 4, NULL, 0, out), -EINVAL);
	ck_assert_int_eq(crypto_prf_compute(prf, NULL, 4, NULL, 0, out), -EINVAL);
	ck_assert_int_eq(crypto_prf_compute(prf, key, 4, &bad, 1, out), -EINVAL);
	ck_assert_int_eq(crypto_prf_compute(prf, key, 4, NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(crypto_prf_plus(prf, key, 4, NULL, 0, NULL, 1), -EINVAL);
	ck_assert_uint_eq(crypto_prf_len(NULL), 0);
	ck_assert_uint_eq(crypto_prf_len_of(99), 0);
	crypto_prf_free(prf);
	crypto_prf_free(NULL);
	crypto_algs_free(algs);
	crypto_algs_free(NULL);
}
END_TEST

START_TEST(test_crypto_prf_vectors)
{
	const struct prf_vector *v = &prf_vectors[_i];
	struct crypto_algs *algs = algs_new();
	struct crypto_prf *prf = NULL;
	size_t key_len, data_len, out_len, half;
	uint8_t *key = unhex(v->key, &key_len), *data = unhex(v->data, &data_len);
	uint8_t *want = unhex(v->out, &out_len), got[64];
	struct crypto_iov iov[2];

	ck_assert_int_eq(crypto_prf_new(&prf, algs, v->prf_id), 0);
	ck_assert_uint_eq(crypto_prf_len(prf), out_len);
	ck_assert_uint_eq(crypto_prf_len_of(v->prf_id), out_len);
	iov[0] = (struct crypto_iov){ data, data_len };
	ck_assert_int_eq(crypto_prf_compute(prf, key, key_len, iov, 1, got), 0);
	ck_assert_msg(memcmp(got, want, out_len) == 0, "%s", v->name);
	/* the context is reused: a second call, with the data split, agrees */
	half = data_len / 2;
	iov[0] = (struct crypto_iov){ data, half };
	iov[1] = (struct crypto_iov){ data + half, data_len - half };
	memset(got, 0, sizeof(got));
	ck_assert_int_eq(crypto_prf_compute(prf, key, key_len, iov, 2, got), 0);
	ck_assert_msg(memcmp(got, want, out_len) == 0, "%s (split)", v->name);
	free(key);
	free(data);
	free(want);
	crypto_prf_free(prf);
	crypto_algs_free(algs);
}
END_TEST

/* prf+ block 1 is prf(K, S | 0x01); block 2 is prf(K, T1 | S | 0x02). */
START_TEST(test_crypto_prf_plus_structure)
{
	static const uint8_t key[] = "key", seed[] = "seed";
	struct crypto_algs *algs = algs_new();
	struct crypto_prf *prf = NULL;
	uint8_t plus[3 * 20 - 5], t1[20], t2[20], c;
	struct crypto_iov iov[3];

	ck_assert_int_eq(crypto_prf_new(&prf, algs, CRYPTO_PRF_HMAC_SHA1), 0);
	iov[0] = (struct crypto_iov){ seed, 4 };
	ck_assert_int_eq(crypto_prf_plus(prf, key, 3, iov, 1, plus, sizeof(plus)), 0);
	c = 1;
	iov[1] = (struct crypto_iov){ &c, 1 };
	ck_assert_int_eq(crypto_prf_compute(prf, key, 3, iov, 2, t1), 0);
	ck_assert_mem_eq(plus, t1, 20);
	c = 2;
	iov[0] = (struct crypto_iov){ t1, 20 };
	iov[1] = (struct crypto_iov){ seed, 4 };
	iov[2] = (struct crypto_iov){ &c, 1 };
	ck_assert_int_eq(crypto_prf_compute(prf, key, 3, iov, 3, t2), 0);
	ck_assert_mem_eq(plus + 20, t2, 20);
	/* at most 255 blocks */
	ck_assert_int_eq(crypto_prf_plus(prf, key, 3, NULL, 0, plus, 255 * 20 + 1), -EINVAL);
	crypto_prf_free(prf);
	crypto_algs_free(algs);
}
END_TEST

Suite *crypto_prf_suite(void)
{
	Suite *s = suite_create("crypto_prf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_crypto_prf_input);
	tcase_add_loop_test(tc, test_crypto_prf_vectors, 0, (int)ARRAY_SIZE(prf_vectors));
	tcase_add_test(tc, test_crypto_prf_plus_structure);
	suite_add_tcase(s, tc);
	return s;
}
