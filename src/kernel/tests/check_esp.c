/*
 * esp: known-answer packets (draft-mcgrew-gcm-test-01 for AES-GCM in ESP,
 * RFC 7634 Appendix A for ChaCha20-Poly1305) opened by esp_open(); every
 * algorithm's esp_seal() output decrypted and verified by plain EVP calls
 * written here; round trips, tampering, truncation; the anti-replay window
 * at its edges against a reference model (a list of accepted numbers), ESN
 * inference across the 2^32 boundary (RFC 4303 Appendix A2.2); set_seq and
 * set_replay against the null backend of kernel_ipsec.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "kernel/esp.h"
#include "kernel/kernel_ipsec.h"

Suite *esp_suite(void);

#define SPI_T 0x0badcafeu
#define PKT_MAX 4096

/* ---- helpers ---- */

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue; /* spaces, newlines */
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_int_eq(hi, -1);
	return n;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 0x3b * i + (i >> 5));
}

/* ---- algorithms under test, with the OpenSSL names the checks use ---- */

static const struct alg {
	const char *name;
	uint16_t encr, bits, integ;
	const char *evp; /* cipher */
	const char *md; /* HMAC digest, NULL for AEAD */
	size_t key_len, ikey_len, iv_len, icv_len, block;
} algs[] = {
	{ "aes128gcm16", KERNEL_ENCR_AES_GCM_16, 128, 0, "AES-128-GCM", NULL, 16, 0, 8, 16, 4 },
	{ "aes192gcm16", KERNEL_ENCR_AES_GCM_16, 192, 0, "AES-192-GCM", NULL, 24, 0, 8, 16, 4 },
	{ "aes256gcm16", KERNEL_ENCR_AES_GCM_16, 256, 0, "AES-256-GCM", NULL, 32, 0, 8, 16, 4 },
	{ "aes128gcm8", KERNEL_ENCR_AES_GCM_8, 128, 0, "AES-128-GCM", NULL, 16, 0, 8, 8, 4 },
	{ "aes256gcm12", KERNEL_ENCR_AES_GCM_12, 256, 0, "AES-256-GCM", NULL, 32, 0, 8, 12, 4 },
	{ "chacha20poly1305", KERNEL_ENCR_CHACHA20_POLY1305, 256, 0, "ChaCha20-Poly1305", NULL, 32,
	  0, 8, 16, 4 },
	{ "aes128-sha1", KERNEL_ENCR_AES_CBC, 128, KERNEL_INTEG_HMAC_SHA1_96, "AES-128-CBC", "SHA1",
	  16, 20, 16, 12, 16 },
	{ "aes192-sha256", KERNEL_ENCR_AES_CBC, 192, KERNEL_INTEG_HMAC_SHA2_256_128, "AES-192-CBC",
	  "SHA256", 24, 32, 16, 16, 16 },
	{ "aes256-sha384", KERNEL_ENCR_AES_CBC, 256, KERNEL_INTEG_HMAC_SHA2_384_192, "AES-256-CBC",
	  "SHA384", 32, 48, 16, 24, 16 },
	{ "aes256-sha512", KERNEL_ENCR_AES_CBC, 256, KERNEL_INTEG_HMAC_SHA2_512_256, "AES-256-CBC",
	  "SHA512", 32, 64, 16, 32, 16 },
};

/* keys of an algorithm: cipher key (+ salt for AEAD) and integrity key */
struct keys {
	uint8_t ek[36], ik[64];
	struct secret encr, integ;
};

static void keys_of(const struct alg *a, struct keys *k)
{
	bool aead = a->md == NULL;

	fill(k->ek, sizeof(k->ek), 0x11);
	fill(k->ik, sizeof(k->ik), 0x77);
	k->encr = (struct secret){ k->ek, a->key_len + (aead ? 4 : 0) };
	k->integ = (struct secret){ k->ik, a->ikey_len };
}

static struct esp_sa *sa_make(const struct alg *a, bool inbound, bool esn, uint32_t window,
			      uint16_t node_id)
{
	struct keys k;
	struct esp_sa *sa = NULL;
	struct esp_params p;

	keys_of(a, &k);
	p = (struct esp_params){
		.spi = SPI_T,
		.inbound = inbound,
		.encr_id = a->encr,
		.encr_key_bits = a->bits,
		.integ_id = a->integ,
		.encr_key = &k.encr,
		.integ_key = &k.integ,
		.esn = esn,
		.replay_window = window,
		.node_id = node_id,
	};
	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	ck_assert_ptr_nonnull(sa);
	return sa;
}

/*
 * Reference AEAD seal (RFC 4106 / RFC 7634), independent of esp.c: pt is
 * the whole plaintext with its trailer. Returns the packet length.
 */
static size_t ref_aead_seal(const char *cipher, const uint8_t *key, const uint8_t *salt,
			    uint32_t spi, uint64_t seq, bool esn, const uint8_t *iv,
			    const uint8_t *pt, size_t pt_len, size_t icv_len, uint8_t *out)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, cipher, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[12], aad[12];
	size_t aad_len = esn ? 12 : 8;
	int l1 = 0, l2 = 0;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(ctx);
	memcpy(nonce, salt, 4);
	memcpy(nonce + 4, iv, 8);
	wr32(aad, spi);
	if (esn) {
		wr32(aad + 4, (uint32_t)(seq >> 32));
		wr32(aad + 8, (uint32_t)seq);
	} else {
		wr32(aad + 4, (uint32_t)seq);
	}
	wr32(out, spi);
	wr32(out + 4, (uint32_t)seq);
	memcpy(out + 8, iv, 8);
	ck_assert_int_eq(EVP_EncryptInit_ex2(ctx, c, key, nonce, NULL), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(ctx, NULL, &l1, aad, (int)aad_len), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(ctx, out + 16, &l1, pt, (int)pt_len), 1);
	ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, out + 16 + l1, &l2), 1);
	ck_assert_uint_eq((size_t)(l1 + l2), pt_len);
	ck_assert_int_eq(
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)icv_len, out + 16 + pt_len),
		1);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return 16 + pt_len + icv_len;
}

/* Reference AEAD open: true when the ICV verifies; pt gets the whole plaintext. */
static bool ref_aead_open(const char *cipher, const uint8_t *key, const uint8_t *salt,
			  const uint8_t *pkt, size_t len, uint32_t seq_hi, bool esn, size_t icv_len,
			  uint8_t *pt, size_t *pt_len)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, cipher, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[12], aad[12], tag[16];
	size_t ct_len = len - 16 - icv_len;
	int l1 = 0, l2 = 0, ok;

	ck_assert_ptr_nonnull(c);
	memcpy(nonce, salt, 4);
	memcpy(nonce + 4, pkt + 8, 8);
	memcpy(aad, pkt, 4);
	if (esn) {
		wr32(aad + 4, seq_hi);
		memcpy(aad + 8, pkt + 4, 4);
	} else {
		memcpy(aad + 4, pkt + 4, 4);
	}
	memcpy(tag, pkt + 16 + ct_len, icv_len);
	ck_assert_int_eq(EVP_DecryptInit_ex2(ctx, c, key, nonce, NULL), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)icv_len, tag), 1);
	ck_assert_int_eq(EVP_DecryptUpdate(ctx, NULL, &l1, aad, esn ? 12 : 8), 1);
	ck_assert_int_eq(EVP_DecryptUpdate(ctx, pt, &l1, pkt + 16, (int)ct_len), 1);
	ok = EVP_DecryptFinal_ex(ctx, pt + l1, &l2);
	*pt_len = (size_t)(l1 + l2);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ok == 1;
}

/* Reference CBC + HMAC open (RFC 4303 §3.3.2.1 with ESN's seq_hi appended to the MAC input). */
static bool ref_cbc_open(const struct alg *a, const struct keys *k, const uint8_t *pkt, size_t len,
			 uint32_t seq_hi, bool esn, uint8_t *pt, size_t *pt_len)
{
	uint8_t mac_in[PKT_MAX + 4], mac[64];
	size_t auth_len = len - a->icv_len, mac_len = 0;
	EVP_CIPHER *c;
	EVP_CIPHER_CTX *ctx;
	int l1 = 0, l2 = 0;

	memcpy(mac_in, pkt, auth_len);
	if (esn)
		wr32(mac_in + auth_len, seq_hi);
	ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, a->md, NULL, k->ik, a->ikey_len, mac_in,
					auth_len + (esn ? 4 : 0), mac, sizeof(mac), &mac_len));
	ck_assert_uint_ge(mac_len, a->icv_len);
	if (memcmp(mac, pkt + auth_len, a->icv_len))
		return false;
	c = EVP_CIPHER_fetch(NULL, a->evp, NULL);
	ctx = EVP_CIPHER_CTX_new();
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_DecryptInit_ex2(ctx, c, k->ek, pkt + 8, NULL), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_set_padding(ctx, 0), 1);
	ck_assert_int_eq(EVP_DecryptUpdate(ctx, pt, &l1, pkt + 24, (int)(auth_len - 24)), 1);
	ck_assert_int_eq(EVP_DecryptFinal_ex(ctx, pt + l1, &l2), 1);
	*pt_len = (size_t)(l1 + l2);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return true;
}

/* ---- input validation ---- */

START_TEST(test_esp_input)
{
	const struct alg *gcm = &algs[0], *cbc = &algs[6];
	struct keys k;
	struct esp_sa *sa = NULL, *in = NULL, *out = NULL;
	struct esp_params p;
	struct secret empty = { NULL, 0 }, bad_ptr = { NULL, 16 }, short_key, long_key;
	struct kernel_sa_state st;
	uint8_t buf[256], inner[16] = { 0 }, nh = 0;
	size_t len = 0;

	keys_of(gcm, &k);
	p = (struct esp_params){ .spi = SPI_T,
				 .inbound = true,
				 .encr_id = gcm->encr,
				 .encr_key_bits = 128,
				 .encr_key = &k.encr,
				 .replay_window = 64 };
	ck_assert_int_eq(esp_sa_new(NULL, &p), -EINVAL);
	sa = (struct esp_sa *)buf; /* must be cleared */
	ck_assert_int_eq(esp_sa_new(&sa, NULL), -EINVAL);
	ck_assert_ptr_null(sa);

	/* encryption keys: missing, NULL bytes, wrong lengths (salt missing or extra) */
	p.encr_key = NULL;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.encr_key = &bad_ptr;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	short_key = (struct secret){ k.ek, 16 };
	p.encr_key = &short_key;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	long_key = (struct secret){ k.ek, 21 };
	p.encr_key = &long_key;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.encr_key = &k.encr;
	p.encr_key_bits = 160;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.encr_key_bits = 0; /* AES has no default size */
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.encr_key_bits = 256; /* 16 + 4 bytes given */
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.encr_key_bits = 128;

	/* AEAD with integrity */
	p.integ_id = KERNEL_INTEG_HMAC_SHA2_256_128;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.integ_id = KERNEL_INTEG_NONE;
	p.integ_key = &k.integ;
	k.integ.len = 32;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.integ_key = &empty;

	/* replay windows: above the maximum; none with ESN inbound */
	p.replay_window = KERNEL_REPLAY_WINDOW_MAX + 1;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.replay_window = 0;
	p.esn = true;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.inbound = false; /* outbound: the window is not used */
	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	esp_sa_free(sa);
	p.inbound = true;
	p.esn = false;
	p.replay_window = KERNEL_REPLAY_WINDOW_MAX;
	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	esp_sa_free(sa);

	/* unknown transforms */
	p.encr_id = 3; /* 3DES */
	ck_assert_int_eq(esp_sa_new(&sa, &p), -ENOTSUP);
	p.encr_id = KERNEL_ENCR_CHACHA20_POLY1305; /* 0 or 256 bits, 32 + 4 bytes */
	p.encr_key_bits = 128;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.encr_key_bits = 0;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	k.encr.len = 36;
	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	esp_sa_free(sa);

	/* CBC: integrity required, known, with its key length */
	keys_of(cbc, &k);
	p = (struct esp_params){ .spi = SPI_T,
				 .inbound = true,
				 .encr_id = cbc->encr,
				 .encr_key_bits = 128,
				 .encr_key = &k.encr,
				 .replay_window = 64 };
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.integ_id = 5; /* AES-XCBC */
	p.integ_key = &k.integ;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -ENOTSUP);
	p.integ_id = KERNEL_INTEG_HMAC_SHA1_96;
	p.integ_key = NULL;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	k.integ.len = 32;
	p.integ_key = &k.integ;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	k.integ.len = 20;
	p.encr_key = &long_key; /* a salt is not expected for CBC */
	long_key.len = 20;
	ck_assert_int_eq(esp_sa_new(&sa, &p), -EINVAL);
	p.encr_key = &k.encr;
	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	esp_sa_free(sa);
	esp_sa_free(NULL);

	/* directions and NULLs of the packet calls */
	in = sa_make(gcm, true, false, 64, 1);
	out = sa_make(gcm, false, false, 0, 1);
	ck_assert_int_eq(esp_seal(NULL, inner, 16, 4, buf, sizeof(buf), &len), -EINVAL);
	ck_assert_int_eq(esp_seal(in, inner, 16, 4, buf, sizeof(buf), &len), -EINVAL);
	ck_assert_int_eq(esp_seal(out, NULL, 16, 4, buf, sizeof(buf), &len), -EINVAL);
	ck_assert_int_eq(esp_seal(out, inner, 16, 4, NULL, sizeof(buf), &len), -EINVAL);
	ck_assert_int_eq(esp_seal(out, inner, 16, 4, buf, sizeof(buf), NULL), -EINVAL);
	ck_assert_int_eq(esp_seal(out, inner, 16, 4, buf, 16 + esp_overhead(out, 16) - 1, &len),
			 -ENOSPC);
	ck_assert_int_eq(esp_seal(out, inner, 16, 4, buf, sizeof(buf), &len), 0);
	ck_assert_int_eq(esp_open(NULL, buf, len, buf + 128, 128, &len, &nh), -EINVAL);
	ck_assert_int_eq(esp_open(out, buf, len, buf + 128, 128, &len, &nh), -EINVAL);
	ck_assert_int_eq(esp_open(in, NULL, len, buf + 128, 128, &len, &nh), -EINVAL);
	ck_assert_int_eq(esp_open(in, buf, len, NULL, 128, &len, &nh), -EINVAL);
	ck_assert_int_eq(esp_open(in, buf, len, buf + 128, 128, NULL, &nh), -EINVAL);
	ck_assert_int_eq(esp_open(in, buf, len, buf + 128, 128, &len, NULL), -EINVAL);
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.drops_other, 4);
	esp_sa_state(out, &st);
	ck_assert_uint_eq(st.drops_other, 1);
	ck_assert_uint_eq(st.packets, 1);
	ck_assert_int_eq(esp_sa_set_seq(NULL, 5), -EINVAL);
	ck_assert_int_eq(esp_sa_set_seq(in, 5), -EINVAL);
	ck_assert_int_eq(esp_sa_set_replay(NULL, &st), -EINVAL);
	ck_assert_int_eq(esp_sa_set_replay(in, NULL), -EINVAL);
	st.replay_window = 0;
	ck_assert_int_eq(esp_sa_set_replay(out, &st), -EINVAL);
	ck_assert_uint_eq(esp_pkt_spi(NULL, 8), 0);
	ck_assert_uint_eq(esp_pkt_spi(buf, 7), 0);
	ck_assert_uint_eq(esp_pkt_spi(buf, 8), SPI_T);
	ck_assert_uint_eq(esp_overhead(NULL, 10), ESP_OVERHEAD_MAX);
	esp_sa_state(NULL, &st);
	ck_assert_uint_eq(st.packets, 0);
	esp_sa_state(in, NULL);
	esp_sa_touch(NULL, 5);
	esp_sa_free(in);
	esp_sa_free(out);
}
END_TEST

/* ---- known answers ---- */

/*
 * draft-mcgrew-gcm-test-01 §4 (all AES-GCM with 16-byte ICV): key || salt,
 * SPI, the full sequence number (ESN when given in 8 bytes: AAD of 12
 * bytes), the plaintext packet with its ESP trailer and the ESP packet.
 */
static const struct gcm_kat {
	const char *key, *salt;
	uint32_t spi;
	uint64_t seq;
	bool esn;
	const char *plain, *packet;
} gcm_kats[] = {
	{ "4c80cdefbb5d10da906ac73c3613a634", "2e443b68", 0x00004321, 0x8765432100000000, true,
	  "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
	  "00000000045f736970045f756470037369700963796265726369747902646b00"
	  "0021000101020201",
	  "00004321000000004956ed7e3b244cfe"
	  "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
	  "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
	  "61bc17d768fd9732459018148f6cbe722fd04796562dfdb4" },
	{ "feffe9928665731c6d6a8f9467308308", "cafebabe", 0x0000a5f8, 0x0000000a, false,
	  "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	  "0001000000000000037369700963796265726369747902646b00000100010001",
	  "0000a5f80000000afacedbaddecaf888"
	  "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
	  "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
	  "83b70d3aa8bc6ee4c309e9d85a41ad4a" },
	{ "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "11223344",
	  0x4a2cbfe3, 0x00000002, false,
	  "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	  "7002400020bf0000020405b40101040201020201",
	  "4a2cbfe3000000020102030405060708"
	  "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
	  "748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49"
	  "15956c96" },
	{ "00000000000000000000000000000000", "00000000", 0x00000000, 0x00000001, false,
	  "4500003c99c500008001cb7a40679318010101010800075c0200440061626364"
	  "65666768696a6b6c6d6e6f70717273747576776162636465666768690102020"
	  "1",
	  "00000000000000010000000000000000"
	  "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284"
	  "456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3"
	  "f821d496eeb096e98ad2b69e4799c71d" },
	{ "3de09874b388e6491988d0c3607eae1f", "57690e43", 0x42f67e3f, 0x1010101010101010, true,
	  "4500003c99c300008001cb7c40679318010101010800085c0200430061626364"
	  "65666768696a6b6c6d6e6f70717273747576776162636465666768690102020"
	  "1",
	  "42f67e3f101010104e280000a2fca1a3"
	  "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c357917"
	  "65acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a"
	  "e0d731cc978ecafaeae88f00e80d6e48" },
	{ "3de09874b388e6491988d0c3607eae1f", "57690e43", 0x42f67e3f, 0x1010101010101010, true,
	  "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
	  "42f67e3f101010104e280000a2fca1a3"
	  "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed369f071f"
	  "35e034be95f112e4e7d05d35" },
	{ "feffe9928665731c6d6a8f9467308308feffe9928665731c", "cafebabe", 0x0000a5f8, 0x0000000a,
	  false,
	  "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e"
	  "501016d075680001",
	  "0000a5f80000000afacedbaddecaf888"
	  "a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0"
	  "315b27452144cc7795457b9652037f5318027b5b4cd7a636" },
	{ "abbccddef00112233445566778899aab", "decaf888", 0x00000100, 0x0000000000000001, true,
	  "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d5"
	  "00004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec95"
	  "9b6266c04722b14923010101",
	  "0000010000000001cafedebaceface74"
	  "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f"
	  "9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c22"
	  "6f2127b27db35724e7845d68651f57e65f354f75ff17015769623436" },
	{ "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74",
	  0x17405e67, 0x156f3126dd0db99b, true,
	  "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
	  "50101f646d540001",
	  "17405e67dd0db99b616e640169766563"
	  "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57f"
	  "f4d3a31ce673119e451626c2415771e3b7eebca614c89b35" },
	{ "3de09874b388e6491988d0c3607eae1f", "57690e43", 0x42f67e3f, 0x1010101010101010, true,
	  "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b"
	  "000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b32"
	  "5ae270c03899493915010101",
	  "42f67e3f101010104e280000a2fca1a3"
	  "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d541828"
	  "00cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39"
	  "ab533163aad4550ee5160975cdb608c5769189609763b8e18caa81e2" },
	{ "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74",
	  0x17405e67, 0x156f3126dd0db99b, true,
	  "636973636f0172756c657301746865016e6574776501646566696e6501746865"
	  "746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f"
	  "72726f7701020201",
	  "17405e67dd0db99b616e640169766563"
	  "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18"
	  "d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b0"
	  "12a49363412364f8c0cac587f249e56b11e24f30e44ccc76" },
	{ "7d773d00c144c525ac619d18c84a3f47", "d9664267", 0x335467ae, 0xffffffff, false, "01020201",
	  "335467aeffffffff43457e9182443bc6"
	  "437f866bcb3f699fe9b0822bac961c4504bef270" },
	{ "abbccddef00112233445566778899aab", "decaf888", 0x00000100, 0x0000000000000001, true,
	  "746f016265016f72016e6f7401746f0162650001",
	  "0000010000000001cafedebaceface74"
	  "29c9fc69a197d038ccdd14e2ddfcaa054333216441250352430"
	  "3ed3c6c5f283843af8c3e" },
	{ "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961", "7475726e",
	  0x796b6963, 0xffffffffffffffff, true,
	  "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
	  "65666768696a6b6c6d6e6f707172737401020201",
	  "796b6963ffffffff333021696765746d"
	  "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a86"
	  "4cd3d78ca4ae68a32b42458fb57dbe821dcc63b9d0937ba2945f669368661a32"
	  "9fb4c053" },
};

/* Opens a known-answer packet; the inner packet is the plaintext without its trailer. */
static void kat_open(uint16_t encr, const uint8_t *key, size_t key_len, uint32_t spi, uint64_t seq,
		     bool esn, const uint8_t *plain, size_t plain_len, const uint8_t *pkt,
		     size_t pkt_len)
{
	struct secret ks = { (uint8_t *)key, key_len };
	struct esp_params p = {
		.spi = spi,
		.inbound = true,
		.encr_id = encr,
		.encr_key_bits = (uint16_t)((key_len - 4) * 8),
		.encr_key = &ks,
		.esn = esn,
		.replay_window = 64,
	};
	struct esp_sa *sa = NULL;
	struct kernel_sa_state st;
	uint8_t out[PKT_MAX], forged[PKT_MAX], nh = 0;
	size_t out_len = 0, want_len;

	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	if (seq > 1) { /* the window just below, so that ESN infers the high bits */
		memset(&st, 0, sizeof(st));
		st.replay_window = 64;
		st.replay_top = seq - 1;
		ck_assert_int_eq(esp_sa_set_replay(sa, &st), 0);
	}
	ck_assert_uint_ge(plain_len, 2);
	want_len = plain_len - 2 - plain[plain_len - 2];
	ck_assert_int_eq(esp_open(sa, pkt, pkt_len, out, sizeof(out), &out_len, &nh), 0);
	ck_assert_uint_eq(out_len, want_len);
	ck_assert_mem_eq(out, plain, want_len);
	ck_assert_uint_eq(nh, plain[plain_len - 1]);
	esp_sa_state(sa, &st);
	ck_assert_uint_eq(st.replay_top, seq);
	ck_assert_uint_eq(st.replay_bitmap[0] & 1, 1);
	ck_assert_uint_eq(st.packets, 1);
	ck_assert_uint_eq(st.bytes, want_len);
	/* the same packet again is a replay; with one bit flipped in the ICV a forgery */
	ck_assert_int_eq(esp_open(sa, pkt, pkt_len, out, sizeof(out), &out_len, &nh), -EALREADY);
	esp_sa_free(sa);
	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	if (seq > 1) {
		memset(&st, 0, sizeof(st));
		st.replay_window = 64;
		st.replay_top = seq - 1;
		ck_assert_int_eq(esp_sa_set_replay(sa, &st), 0);
	}
	memcpy(forged, pkt, pkt_len);
	forged[pkt_len - 1] ^= 0x80;
	ck_assert_int_eq(esp_open(sa, forged, pkt_len, out, sizeof(out), &out_len, &nh), -EACCES);
	esp_sa_free(sa);
}

START_TEST(test_esp_kat_gcm_draft)
{
	const struct gcm_kat *t = &gcm_kats[_i];
	uint8_t key[40], plain[256], pkt[512];
	size_t key_len, plain_len, pkt_len;

	key_len = unhex(t->key, key, sizeof(key));
	key_len += unhex(t->salt, key + key_len, sizeof(key) - key_len);
	plain_len = unhex(t->plain, plain, sizeof(plain));
	pkt_len = unhex(t->packet, pkt, sizeof(pkt));
	/* the packet's own header agrees with the test case's fields */
	ck_assert_uint_eq(be32(pkt), t->spi);
	ck_assert_uint_eq(be32(pkt + 4), (uint32_t)t->seq);
	ck_assert_uint_eq(pkt_len, 16 + plain_len + 16);
	kat_open(KERNEL_ENCR_AES_GCM_16, key, key_len, t->spi, t->seq, t->esn, plain, plain_len,
		 pkt, pkt_len);
}
END_TEST

/* RFC 7634 Appendix A: ESP with ChaCha20-Poly1305 (tunnel mode, ICMP inside). */
START_TEST(test_esp_kat_chacha_rfc7634)
{
	uint8_t key[36], plain[128], pkt[256], ct[256];
	size_t key_len, plain_len, ct_len;

	key_len = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
			"a0a1a2a3",
			key, sizeof(key));
	plain_len = unhex("45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
			  "0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
			  "2425262728292a2b2c2d2e2f303132333435363701020204",
			  plain, sizeof(plain));
	ct_len = unhex("24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
		       "14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3"
		       "cbec163fac469b502773f6fb94e664da9165b82829f641e0"
		       "76aaa8266b7fb0f7b11b369907e1ad43",
		       ct, sizeof(ct));
	ck_assert_uint_eq(ct_len, plain_len + 16);
	/* SPI 0x01020304, sequence number 5, IV 0x1011121314151617 */
	unhex("01020304000000051011121314151617", pkt, 16);
	memcpy(pkt + 16, ct, ct_len);
	kat_open(KERNEL_ENCR_CHACHA20_POLY1305, key, key_len, 0x01020304, 5, false, plain,
		 plain_len, pkt, 16 + ct_len);
}
END_TEST

/* ---- seal, checked by an independent open ---- */

static const size_t lens[] = { 0, 1, 2, 13, 14, 15, 16, 17, 30, 31, 64, 1400 };

/* _i: algorithm * 2 + esn */
START_TEST(test_esp_seal_independent_open)
{
	const struct alg *a = &algs[_i / 2];
	bool esn = _i % 2, aead = a->md == NULL;
	uint64_t seq = esn ? UINT64_C(0x00000001fffffff0) : 0x7ffffff0;
	struct esp_sa *sa = sa_make(a, false, esn, 0, 0xa5c3);
	struct keys k;
	uint8_t inner[1400], pkt[PKT_MAX], pt[PKT_MAX];
	struct kernel_sa_state st;
	uint64_t bytes = 0;

	keys_of(a, &k);
	fill(inner, sizeof(inner), 0x42);
	ck_assert_int_eq(esp_sa_set_seq(sa, seq), 0);
	for (size_t t = 0; t < ARRAY_SIZE(lens); t++, seq++) {
		size_t len = lens[t], pkt_len = 0, pt_len = 0, pad, ct_len;
		uint8_t nh = t % 2 ? 6 : 4;

		ck_assert_int_eq(esp_seal(sa, inner, len, nh, pkt, sizeof(pkt), &pkt_len), 0);
		bytes += len;
		/* our own padding rule: bytes 1, 2, ..., the trailer aligned to the block */
		pad = (a->block - (len + 2) % a->block) % a->block;
		ct_len = len + pad + 2;
		ck_assert_uint_eq(ct_len % a->block, 0);
		ck_assert_uint_eq(pkt_len, 8 + a->iv_len + ct_len + a->icv_len);
		ck_assert_uint_eq(pkt_len, len + esp_overhead(sa, len));
		ck_assert_uint_eq(be32(pkt), SPI_T);
		ck_assert_uint_eq(be32(pkt + 4), (uint32_t)seq);
		if (aead) {
			/* IV = node_id (16 bits) || low 48 bits of the sequence number */
			ck_assert_uint_eq(be32(pkt + 8), 0xa5c30000u | (uint32_t)(seq >> 32));
			ck_assert_uint_eq(be32(pkt + 12), (uint32_t)seq);
			ck_assert(ref_aead_open(a->evp, k.ek, k.ek + a->key_len, pkt, pkt_len,
						(uint32_t)(seq >> 32), esn, a->icv_len, pt,
						&pt_len));
			/* without ESN the high bits are not authenticated: a wrong hi still opens
			 */
			if (esn)
				ck_assert(!ref_aead_open(a->evp, k.ek, k.ek + a->key_len, pkt,
							 pkt_len, (uint32_t)(seq >> 32) + 1, esn,
							 a->icv_len, pt, &pt_len));
		} else {
			ck_assert(ref_cbc_open(a, &k, pkt, pkt_len, (uint32_t)(seq >> 32), esn, pt,
					       &pt_len));
			if (esn)
				ck_assert(!ref_cbc_open(a, &k, pkt, pkt_len,
							(uint32_t)(seq >> 32) - 1, esn, pt,
							&pt_len));
		}
		ck_assert_uint_eq(pt_len, ct_len);
		ck_assert_mem_eq(pt, inner, len);
		for (size_t i = 0; i < pad; i++)
			ck_assert_uint_eq(pt[len + i], i + 1);
		ck_assert_uint_eq(pt[ct_len - 2], pad);
		ck_assert_uint_eq(pt[ct_len - 1], nh);
	}
	esp_sa_state(sa, &st);
	ck_assert_uint_eq(st.seq_out, seq);
	ck_assert_uint_eq(st.packets, ARRAY_SIZE(lens));
	ck_assert_uint_eq(st.bytes, bytes);
	esp_sa_free(sa);
}
END_TEST

/* CBC IVs are random: no two packets share one. */
START_TEST(test_esp_cbc_iv_random)
{
	struct esp_sa *sa = sa_make(&algs[7], false, false, 0, 1);
	uint8_t ivs[600][16]; /* more than one pool of 4 KiB */
	uint8_t pkt[128], inner[10] = { 0 };
	size_t len = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ivs); i++) {
		ck_assert_int_eq(esp_seal(sa, inner, sizeof(inner), 4, pkt, sizeof(pkt), &len), 0);
		memcpy(ivs[i], pkt + 8, 16);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ivs); i++)
		for (size_t j = i + 1; j < ARRAY_SIZE(ivs); j++)
			ck_assert(memcmp(ivs[i], ivs[j], 16) != 0);
	esp_sa_free(sa);
}
END_TEST

/* ---- round trips, tampering, truncation ---- */

/* _i: algorithm * 2 + esn */
START_TEST(test_esp_round_trip)
{
	const struct alg *a = &algs[_i / 2];
	bool esn = _i % 2;
	struct esp_sa *out = sa_make(a, false, esn, 0, 7), *in = sa_make(a, true, esn, 128, 7);
	struct kernel_sa_state st;
	uint8_t inner[1400], pkt[PKT_MAX], got[PKT_MAX], nh = 0;
	uint64_t bytes = 0;
	size_t n = 0;

	fill(inner, sizeof(inner), 9);
	if (esn) { /* across the 2^32 boundary */
		ck_assert_int_eq(esp_sa_set_seq(out, 0xfffffffa), 0);
		memset(&st, 0, sizeof(st));
		st.replay_window = 128;
		st.replay_top = 0xfffffff0;
		ck_assert_int_eq(esp_sa_set_replay(in, &st), 0);
	}
	for (size_t t = 0; t < ARRAY_SIZE(lens); t++) {
		for (uint8_t nh_in = 4; nh_in <= 6; nh_in += 2, n++) {
			size_t len = lens[t], pkt_len = 0, got_len = 0;

			ck_assert_int_eq(
				esp_seal(out, inner, len, nh_in, pkt, sizeof(pkt), &pkt_len), 0);
			/* out_cap must hold the decrypted trailer too */
			ck_assert_int_eq(esp_open(in, pkt, pkt_len, got,
						  pkt_len - 8 - a->iv_len - a->icv_len - 1,
						  &got_len, &nh),
					 -ENOSPC);
			ck_assert_int_eq(esp_open(in, pkt, pkt_len, got,
						  pkt_len - 8 - a->iv_len - a->icv_len, &got_len,
						  &nh),
					 0);
			ck_assert_uint_eq(got_len, len);
			ck_assert_mem_eq(got, inner, len);
			ck_assert_uint_eq(nh, nh_in);
			bytes += len;
		}
	}
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.packets, n);
	ck_assert_uint_eq(st.bytes, bytes);
	ck_assert_uint_eq(st.drops_other, n); /* the -ENOSPC ones */
	ck_assert_uint_eq(st.seq_out, 0);
	ck_assert_uint_eq(st.replay_top, esn ? 0xfffffffa + n - 1 : n);
	ck_assert_uint_eq(st.replay_window, 128);
	esp_sa_state(out, &st);
	ck_assert_uint_eq(st.seq_out, esn ? 0xfffffffa + n : n + 1);
	ck_assert_uint_eq(st.bytes, bytes);
	esp_sa_free(out);
	esp_sa_free(in);
}
END_TEST

/* _i: algorithm * 2 + esn. Every flipped bit, every truncation, a wrong SPI: dropped, nothing
 * moves. */
START_TEST(test_esp_tamper)
{
	const struct alg *a = &algs[_i / 2];
	bool esn = _i % 2;
	struct esp_sa *out = sa_make(a, false, esn, 0, 3), *in = sa_make(a, true, esn, 64, 3);
	struct kernel_sa_state st0, st;
	uint8_t inner[45], pkt[256], bad[260], got[PKT_MAX], nh = 0;
	size_t pkt_len = 0, got_len = 0;
	uint64_t icv = 0, replay = 0, other = 0;
	struct esp_params p;
	struct keys k;
	struct esp_sa *wrong = NULL;

	fill(inner, sizeof(inner), 1);
	ck_assert_int_eq(esp_seal(out, inner, sizeof(inner), 4, pkt, sizeof(pkt), &pkt_len), 0);
	esp_sa_state(in, &st0);
	for (size_t i = 0; i < pkt_len; i++) {
		for (int b = 0; b < 8; b++) {
			int rc;

			memcpy(bad, pkt, pkt_len);
			bad[i] ^= (uint8_t)(1u << b);
			rc = esp_open(in, bad, pkt_len, got, sizeof(got), &got_len, &nh);
			if (i < 4) {
				ck_assert_int_eq(rc, -EINVAL);
				other++;
			} else if (i == 7 && b == 0) { /* sequence number 1 becomes 0 */
				ck_assert_int_eq(rc, -EALREADY);
				replay++;
			} else {
				ck_assert_int_eq(rc, -EACCES);
				icv++;
			}
		}
	}
	for (size_t len = 0; len < pkt_len; len++) {
		int rc = esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh);

		if (len < 8 + a->iv_len + a->icv_len + 2 ||
		    (a->md && (len - 8 - a->iv_len - a->icv_len) % 16)) {
			ck_assert_int_eq(rc, -EBADMSG);
			other++;
		} else {
			ck_assert_int_eq(rc, -EACCES);
			icv++;
		}
	}
	memcpy(bad, pkt, pkt_len);
	bad[pkt_len] = 0;
	ck_assert_int_eq(esp_open(in, bad, pkt_len + 1, got, sizeof(got), &got_len, &nh),
			 a->md ? -EBADMSG : -EACCES);
	if (a->md)
		other++;
	else
		icv++;
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.drops_icv, icv);
	ck_assert_uint_eq(st.drops_replay, replay);
	ck_assert_uint_eq(st.drops_other, other);
	ck_assert_uint_eq(st.replay_top, st0.replay_top);
	ck_assert_mem_eq(st.replay_bitmap, st0.replay_bitmap, sizeof(st.replay_bitmap));
	ck_assert_uint_eq(st.packets, 0);

	/* an SA of another SPI with the same keys */
	keys_of(a, &k);
	p = (struct esp_params){ .spi = SPI_T + 1,
				 .inbound = true,
				 .encr_id = a->encr,
				 .encr_key_bits = a->bits,
				 .integ_id = a->integ,
				 .encr_key = &k.encr,
				 .integ_key = &k.integ,
				 .esn = esn,
				 .replay_window = 64 };
	ck_assert_int_eq(esp_sa_new(&wrong, &p), 0);
	ck_assert_int_eq(esp_open(wrong, pkt, pkt_len, got, sizeof(got), &got_len, &nh), -EINVAL);
	esp_sa_state(wrong, &st);
	ck_assert_uint_eq(st.drops_other, 1);
	esp_sa_free(wrong);

	/* the untouched packet still opens, once */
	ck_assert_int_eq(esp_open(in, pkt, pkt_len, got, sizeof(got), &got_len, &nh), 0);
	ck_assert_uint_eq(got_len, sizeof(inner));
	ck_assert_mem_eq(got, inner, sizeof(inner));
	ck_assert_int_eq(esp_open(in, pkt, pkt_len, got, sizeof(got), &got_len, &nh), -EALREADY);
	esp_sa_free(out);
	esp_sa_free(in);
}
END_TEST

/*
 * Authentic packets (sealed here with EVP) whose padding is wrong: dropped
 * as -EBADMSG after the ICV, without moving the window.
 */
START_TEST(test_esp_bad_padding)
{
	const struct alg *a = &algs[0];
	static const struct {
		const char *trailer; /* after 8 bytes of payload */
		int rc;
	} cases[] = {
		{ "01020204", 0 }, /* pad 1, 2, pad length 2, next header 4 */
		{ "01030204", -EBADMSG }, /* pad bytes not 1, 2 */
		{ "00000204", -EBADMSG },
		{ "0102ff04", -EBADMSG }, /* pad length beyond the payload */
		{ "0102", -EBADMSG }, /* ten bytes, pad length 10 > 8 */
		{ "00000004", 0 }, /* no padding, only the trailer: zeroes are payload */
	};
	struct keys k;
	struct esp_sa *in = sa_make(a, true, false, 64, 0);
	uint8_t pt[32], pkt[128], got[128], iv[8] = { 0 }, nh = 0;
	struct kernel_sa_state st;
	size_t got_len = 0;

	keys_of(a, &k);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t pt_len, pkt_len;

		fill(pt, 8, 0x50);
		pt_len = 8 + unhex(cases[i].trailer, pt + 8, sizeof(pt) - 8);
		if (pt_len == 10)
			pt[8] = 10;
		iv[7] = (uint8_t)i;
		pkt_len = ref_aead_seal(a->evp, k.ek, k.ek + 16, SPI_T, i + 1, false, iv, pt,
					pt_len, 16, pkt);
		ck_assert_int_eq(esp_open(in, pkt, pkt_len, got, sizeof(got), &got_len, &nh),
				 cases[i].rc);
		esp_sa_state(in, &st);
		ck_assert_uint_eq(st.replay_top, cases[i].rc ? 1 : i + 1);
	}
	ck_assert_uint_eq(got_len, 10); /* the last: 8 bytes and 00 00 */
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.drops_other, 4);
	ck_assert_uint_eq(st.drops_icv, 0);
	esp_sa_free(in);
}
END_TEST

/* ---- the anti-replay window ---- */

/* a reference model: the accepted sequence numbers */
struct model {
	uint64_t *seen;
	size_t n, cap;
	uint64_t top;
};

static void model_add(struct model *m, uint64_t s)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->seen = realloc(m->seen, m->cap * sizeof(*m->seen));
		ck_assert_ptr_nonnull(m->seen);
	}
	m->seen[m->n++] = s;
	if (s > m->top)
		m->top = s;
}

/* The exported state agrees with the model: bit i set iff top - i was accepted. */
static void model_check(const struct model *m, const struct esp_sa *sa, uint32_t w)
{
	struct kernel_sa_state st;
	uint8_t want_bits[KERNEL_REPLAY_WINDOW_MAX / 8] = { 0 };

	for (size_t j = 0; j < m->n; j++) {
		uint64_t i = m->top - m->seen[j];

		if (i < w)
			want_bits[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	esp_sa_state(sa, &st);
	ck_assert_uint_eq(st.replay_top, m->top);
	ck_assert_uint_eq(st.replay_window, w);
	for (uint32_t i = 0; i < KERNEL_REPLAY_WINDOW_MAX; i++) {
		bool bit = st.replay_bitmap[i / 8] >> (i % 8) & 1;
		bool want = want_bits[i / 8] >> (i % 8) & 1;

		ck_assert_msg(bit == want, "bit %u (seq %llu): %d, want %d", i,
			      (unsigned long long)(m->top - i), bit, want);
	}
}

/* A packet of sequence number seq (64 bits: ESN high bits in the AAD), sealed by EVP. */
static size_t pkt_at(uint64_t seq, bool esn, uint8_t *pkt)
{
	const struct alg *a = &algs[0];
	struct keys k;
	uint8_t pt[8] = { 0x45, 0, 0, 0, 1, 2, 2, 4 }, iv[8];

	keys_of(a, &k);
	wr32(iv, (uint32_t)(seq >> 32));
	wr32(iv + 4, (uint32_t)seq);
	return ref_aead_seal(a->evp, k.ek, k.ek + 16, SPI_T, seq, esn, iv, pt, sizeof(pt), 16, pkt);
}

enum { ABS, REL, RUN };
struct step {
	int kind; /* ABS: seq = a * W + b; REL: seq = top + a * W + b; RUN: b packets top + 1.. */
	int64_t a, b;
	int rc;
};

#define OK 0
#define RP (-EALREADY)

/* windows of at least 2 */
static const struct step steps_w[] = {
	{ ABS, 0, 1, OK }, /* first */
	{ ABS, 0, 1, RP }, /* duplicate */
	{ ABS, 0, 0, RP }, /* 0 is never valid */
	{ REL, 1, 0, OK }, /* a jump of exactly the window: 1 falls out */
	{ REL, -1, 0, RP }, /* one left of the left edge (1, seen) */
	{ REL, -1, 1, OK }, /* exactly at the left edge (2, unseen) */
	{ REL, -1, 1, RP }, /* ... twice */
	{ REL, 0, -1, OK }, /* out of order inside */
	{ REL, 0, -1, RP }, { REL, 0, 0, RP }, /* the top again */
	{ REL, 1, 1, OK }, /* a jump of window + 1: everything falls out */
	{ REL, -1, 0, RP }, /* one left of the edge, unseen */
	{ REL, -1, 1, OK }, /* the edge, unseen */
	{ REL, 0, -2, OK }, { RUN, 0, 3, OK }, /* in order */
	{ REL, 0, 1, OK },  { REL, 0, 0x40000000, OK }, /* a huge jump */
	{ REL, 0, -1, OK }, { REL, -1, 0, RP },
	{ REL, -1, 1, OK }, { REL, 0, -0x40000000, RP }, /* far left */
	{ RUN, 2, 0, OK }, /* two windows in order */
	{ REL, -1, 0, RP }, { REL, -1, 1, RP },
};

/* a window of 1: only the top */
static const struct step steps_w1[] = {
	{ ABS, 0, 1, OK },	    { ABS, 0, 1, RP },	{ ABS, 0, 0, RP }, { ABS, 0, 3, OK },
	{ ABS, 0, 2, RP },	    { ABS, 0, 4, OK },	{ REL, 0, 0, RP }, { REL, 0, 1, OK },
	{ REL, 0, 0x40000000, OK }, { REL, 0, -1, RP }, { RUN, 0, 5, OK },
};

/* no window: everything is accepted, the top still follows */
static const struct step steps_w0[] = {
	{ ABS, 0, 1, OK }, { ABS, 0, 1, OK },	       { ABS, 0, 5, OK }, { ABS, 0, 2, OK },
	{ ABS, 0, 0, OK }, { ABS, 0, 0x7fffffff, OK }, { ABS, 0, 3, OK },
};

static const uint32_t windows[] = { 0, 1, 32, 64, 65, 1024, 4096 };

static void open_step(struct esp_sa *in, struct model *m, uint64_t seq, int rc, uint32_t w)
{
	uint8_t pkt[64], got[64], nh = 0;
	size_t len = pkt_at(seq, false, pkt), got_len = 0;

	ck_assert_msg(esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh) == rc,
		      "window %u seq %llu: want %d", w, (unsigned long long)seq, rc);
	if (rc == OK) {
		ck_assert_uint_eq(got_len, 4);
		model_add(m, seq);
	}
}

START_TEST(test_esp_replay_window)
{
	uint32_t w = windows[_i];
	const struct step *steps = w == 0 ? steps_w0 : w == 1 ? steps_w1 : steps_w;
	size_t n = w == 0   ? ARRAY_SIZE(steps_w0)
		   : w == 1 ? ARRAY_SIZE(steps_w1)
			    : ARRAY_SIZE(steps_w);
	struct esp_sa *in = sa_make(&algs[0], true, false, w, 0);
	struct model m = { 0 };
	uint64_t drops = 0;
	struct kernel_sa_state st;

	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];

		if (s->kind == RUN) {
			uint64_t count = (uint64_t)(s->a * w + s->b), from = m.top + 1;

			for (uint64_t j = 0; j < count; j++)
				open_step(in, &m, from + j, OK, w);
		} else {
			int64_t v = s->a * (int64_t)w + s->b;
			uint64_t seq = s->kind == ABS ? (uint64_t)v : m.top + (uint64_t)v;

			open_step(in, &m, seq, s->rc, w);
			drops += s->rc != OK;
		}
		model_check(&m, in, w);
	}
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.drops_replay, drops);
	ck_assert_uint_eq(st.drops_icv, 0);
	free(m.seen);
	esp_sa_free(in);
}
END_TEST

/* ESN: the high 32 bits inferred as RFC 4303 Appendix A2.2 (W = 64). */
static const struct esn_case {
	uint64_t top; /* set first, with its own bit */
	struct {
		uint64_t seq; /* what the sender used (its low 32 bits are sent) */
		int rc;
	} pkts[8];
} esn_cases[] = {
	/* the wrap: case A up to 2^32, then case B (Tl < W - 1) just after it */
	{ 0xfffffffe,
	  { { 0xffffffff, OK }, /* case A, same high bits */
	    { UINT64_C(0x100000000), OK }, /* case A, Seql < Tl - W + 1: Th + 1 */
	    { UINT64_C(0x100000001), OK },
	    { 0xfffffffe, RP }, /* case B, Seql >= Tl - W + 1: Th - 1, seen */
	    { 0xfffffffd, OK }, /* Th - 1, inside */
	    { 0xffffffc2, OK }, /* exactly the left edge, across the wrap */
	    { 0xffffffc1, -EACCES }, /* infers Th (0x1_ffffffc1): ICV fails, nothing moves */
	    { UINT64_C(0x100000040), OK } } }, /* case B, Seql < Tl - W + 1: Th */
	/* case A far from the wrap */
	{ UINT64_C(0x500000100),
	  { { UINT64_C(0x5000000c1), OK }, /* the left edge */
	    { UINT64_C(0x5000000c0), -EACCES }, /* left of it: infers Th + 1, ICV fails */
	    { UINT64_C(0x600000005), OK }, /* the next 2^32: Th + 1 */
	    { UINT64_C(0x500000101), -EACCES }, /* case B, far left: infers Th, ICV fails */
	    { UINT64_C(0x5ffffffc6), OK },
	    { UINT64_C(0x5ffffffc5), -EACCES },
	    { 0, 0 } } },
	/* a fresh SA (top 0): Seql near 2^32 would be Th - 1 = -1: dropped as old */
	{ 0, { { 0xffffffff, RP }, { 0xffffffc2, RP }, { 1, OK }, { 0xffffffff, RP }, { 0, 0 } } },
	/* the end of the 64-bit space: Th + 1 does not exist */
	{ UINT64_C(0xffffffff000000ff),
	  { { UINT64_C(0xffffffff00000100), OK },
	    { UINT64_C(0xfffffffffffffff0), OK },
	    { UINT64_C(0xffffffffffffffff), OK },
	    { UINT64_C(0xffffffffffffffc0), OK }, /* the left edge */
	    { UINT64_C(0xffffffffffffffbf), RP }, /* left of it: Th + 1 does not exist */
	    { 0, 0 } } },
};

START_TEST(test_esp_replay_esn)
{
	const struct esn_case *c = &esn_cases[_i];
	struct esp_sa *in = sa_make(&algs[0], true, true, 64, 0);
	struct kernel_sa_state st;
	struct model m = { 0 };
	uint8_t pkt[64], got[64], nh = 0;
	size_t got_len = 0;

	memset(&st, 0, sizeof(st));
	st.replay_window = 64;
	st.replay_top = c->top;
	if (c->top) {
		st.replay_bitmap[0] = 1;
		model_add(&m, c->top);
	}
	ck_assert_int_eq(esp_sa_set_replay(in, &st), 0);
	model_check(&m, in, 64);
	for (size_t i = 0; i < ARRAY_SIZE(c->pkts) && c->pkts[i].seq; i++) {
		uint64_t seq = c->pkts[i].seq;
		size_t len = pkt_at(seq, true, pkt);

		ck_assert_msg(esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh) ==
				      c->pkts[i].rc,
			      "seq %llx: want %d", (unsigned long long)seq, c->pkts[i].rc);
		if (c->pkts[i].rc == OK)
			model_add(&m, seq);
		model_check(&m, in, 64);
	}
	free(m.seen);
	esp_sa_free(in);
}
END_TEST

/* ---- sequence numbers, set_seq / set_replay, nonces ---- */

START_TEST(test_esp_seq_exhausted)
{
	struct esp_sa *sa = sa_make(&algs[6], false, false, 0, 0);
	struct esp_sa *esn = sa_make(&algs[0], false, true, 0, 0);
	struct esp_sa *in = sa_make(&algs[0], true, true, 64, 0);
	uint8_t pkt[128], got[128], inner[4] = { 1, 2, 3, 4 }, nh = 0;
	struct kernel_sa_state st;
	size_t len = 0, got_len = 0;

	ck_assert_int_eq(esp_sa_set_seq(sa, 0xffffffff), 0);
	ck_assert_int_eq(esp_seal(sa, inner, 4, 4, pkt, sizeof(pkt), &len), 0);
	ck_assert_uint_eq(be32(pkt + 4), 0xffffffff);
	ck_assert_int_eq(esp_seal(sa, inner, 4, 4, pkt, sizeof(pkt), &len), -EOVERFLOW);
	esp_sa_state(sa, &st);
	ck_assert_uint_eq(st.seq_out, UINT64_C(0x100000000));
	ck_assert_uint_eq(st.packets, 1);

	/* ESN: 0xffffffff, then 2^32 with 0 on the wire; the receiver follows */
	ck_assert_int_eq(esp_sa_set_seq(esn, 0xffffffff), 0);
	memset(&st, 0, sizeof(st));
	st.replay_window = 64;
	st.replay_top = 0xfffffff0;
	ck_assert_int_eq(esp_sa_set_replay(in, &st), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(esp_seal(esn, inner, 4, 4, pkt, sizeof(pkt), &len), 0);
		ck_assert_uint_eq(be32(pkt + 4), i ? 0 : 0xffffffff);
		ck_assert_int_eq(esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh), 0);
	}
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.replay_top, UINT64_C(0x100000000));
	ck_assert_uint_eq(st.replay_bitmap[0], 3);
	/* AEAD IVs keep 48 bits of the sequence number: beyond that, no more packets */
	ck_assert_int_eq(esp_sa_set_seq(esn, (UINT64_C(1) << 48) - 1), 0);
	ck_assert_int_eq(esp_seal(esn, inner, 4, 4, pkt, sizeof(pkt), &len), 0);
	ck_assert_int_eq(esp_seal(esn, inner, 4, 4, pkt, sizeof(pkt), &len), -EOVERFLOW);
	esp_sa_free(sa);
	esp_sa_free(esn);
	esp_sa_free(in);
}
END_TEST

START_TEST(test_esp_node_id_nonces)
{
	struct esp_sa *a = sa_make(&algs[0], false, false, 0, 1);
	struct esp_sa *b = sa_make(&algs[0], false, false, 0, 2);
	uint8_t pa[128], pb[128], inner[20] = { 0 };
	size_t la = 0, lb = 0;

	/* after a takeover both nodes send sequence number 1000 with the same key */
	ck_assert_int_eq(esp_sa_set_seq(a, 1000), 0);
	ck_assert_int_eq(esp_sa_set_seq(b, 1000), 0);
	ck_assert_int_eq(esp_seal(a, inner, sizeof(inner), 4, pa, sizeof(pa), &la), 0);
	ck_assert_int_eq(esp_seal(b, inner, sizeof(inner), 4, pb, sizeof(pb), &lb), 0);
	ck_assert_mem_eq(pa, pb, 8); /* SPI and sequence number */
	ck_assert(memcmp(pa + 8, pb + 8, 8) != 0); /* IV */
	ck_assert_uint_eq(be32(pa + 8), 0x00010000);
	ck_assert_uint_eq(be32(pb + 8), 0x00020000);
	ck_assert_uint_eq(be32(pa + 12), 1000);
	ck_assert(memcmp(pa + 16, pb + 16, la - 16) != 0); /* keystream and ICV differ */
	esp_sa_free(a);
	esp_sa_free(b);
}
END_TEST

/* set_seq and set_replay as kernel_ipsec's null backend: same results, same state */
static struct kernel_ipsec *null_with_sa(bool inbound, bool esn, uint32_t w,
					 struct sockaddr_storage *dst)
{
	struct kernel_ipsec *k = NULL;
	const struct alg *a = &algs[0];
	struct keys keys;
	struct kernel_sa sa = { 0 };
	struct sockaddr_in *s = (struct sockaddr_in *)&sa.src, *d = (struct sockaddr_in *)&sa.dst;

	keys_of(a, &keys);
	s->sin_family = d->sin_family = AF_INET;
	s->sin_addr.s_addr = htonl(0x0a000001);
	d->sin_addr.s_addr = htonl(0x0a000002);
	sa.spi = SPI_T;
	sa.protocol = IPPROTO_ESP;
	sa.inbound = inbound;
	sa.reqid = 1;
	sa.mode = KERNEL_MODE_TUNNEL;
	sa.encr_id = a->encr;
	sa.encr_key_bits = a->bits;
	sa.encr_key = keys.encr;
	sa.esn = esn;
	sa.replay_window = w;
	ck_assert_int_eq(kernel_ipsec_new(&k, "null", NULL, NULL, NULL), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	*dst = sa.dst;
	return k;
}

START_TEST(test_esp_set_seq)
{
	static const uint64_t seqs[] = { 0,	     1,		  10,	       9, 10,
					 0xffffffff, 0x100000000, 0x100000001, 5, UINT64_MAX };

	for (int esn = 0; esn < 2; esn++) {
		struct sockaddr_storage dst;
		struct kernel_ipsec *k = null_with_sa(false, esn, 0, &dst);
		struct esp_sa *sa = sa_make(&algs[0], false, esn, 0, 0);
		struct kernel_sa_state a, b;

		for (size_t i = 0; i < ARRAY_SIZE(seqs); i++) {
			int want = kernel_ipsec_set_seq(k, SPI_T, IPPROTO_ESP, &dst, seqs[i]);

			ck_assert_int_eq(esp_sa_set_seq(sa, seqs[i]), want);
			ck_assert_int_eq(kernel_ipsec_query_sa(k, SPI_T, IPPROTO_ESP, &dst, &a), 0);
			esp_sa_state(sa, &b);
			ck_assert_uint_eq(b.seq_out, a.seq_out);
		}
		/* the rules themselves, not only agreement */
		esp_sa_state(sa, &b);
		ck_assert_uint_eq(b.seq_out, esn ? UINT64_MAX : 0x100000000);
		ck_assert_int_eq(esp_sa_set_seq(sa, 2), -ERANGE);
		kernel_ipsec_free(k);
		esp_sa_free(sa);
	}
}
END_TEST

START_TEST(test_esp_set_replay)
{
	for (int esn = 0; esn < 2; esn++) {
		uint32_t w = esn ? 100 : 65;
		struct sockaddr_storage dst;
		struct kernel_ipsec *k = null_with_sa(true, esn, w, &dst);
		struct esp_sa *sa = sa_make(&algs[0], true, esn, w, 0);
		struct kernel_sa_state st, a, b;
		static const uint64_t tops[] = { 50, 49, 50, 1000, 0x100000000, 0xffffffff, 2000 };

		for (size_t i = 0; i < ARRAY_SIZE(tops); i++) {
			int want;

			memset(&st, 0xff, sizeof(st)); /* every bit, also those above the window */
			st.replay_bitmap[1] = 0x5a;
			st.replay_window = w;
			st.replay_top = tops[i];
			want = kernel_ipsec_set_replay(k, SPI_T, IPPROTO_ESP, &dst, &st);
			ck_assert_int_eq(esp_sa_set_replay(sa, &st), want);
			ck_assert_int_eq(kernel_ipsec_query_sa(k, SPI_T, IPPROTO_ESP, &dst, &a), 0);
			esp_sa_state(sa, &b);
			ck_assert_uint_eq(b.replay_top, a.replay_top);
			ck_assert_uint_eq(b.replay_window, w);
			/* the same bits where they name sequence numbers from 1 on */
			for (uint32_t j = 0; j < KERNEL_REPLAY_WINDOW_MAX; j++) {
				bool bit_a = a.replay_bitmap[j / 8] >> (j % 8) & 1;
				bool bit_b = b.replay_bitmap[j / 8] >> (j % 8) & 1;

				ck_assert_int_eq(bit_b, j < a.replay_top ? bit_a : 0);
			}
		}
		/* a window of another size */
		st.replay_window = w + 1;
		ck_assert_int_eq(esp_sa_set_replay(sa, &st), -EINVAL);
		/* the state round trip: a second SA takes over the first's window */
		{
			struct esp_sa *sa2 = sa_make(&algs[0], true, esn, w, 0);
			struct kernel_sa_state c;
			uint8_t pkt[64], got[64], nh = 0;
			size_t len, got_len = 0;

			esp_sa_state(sa, &b);
			ck_assert_int_eq(esp_sa_set_replay(sa2, &b), 0);
			esp_sa_state(sa2, &c);
			ck_assert_mem_eq(&c, &b, sizeof(c));
			/* both now accept and refuse alike */
			for (uint64_t s = b.replay_top - w - 1; s <= b.replay_top + 1; s++) {
				len = pkt_at(s, esn, pkt);
				ck_assert_int_eq(
					esp_open(sa, pkt, len, got, sizeof(got), &got_len, &nh),
					esp_open(sa2, pkt, len, got, sizeof(got), &got_len, &nh));
			}
			esp_sa_free(sa2);
		}
		kernel_ipsec_free(k);
		esp_sa_free(sa);
	}
}
END_TEST

START_TEST(test_esp_touch_and_counters)
{
	struct esp_sa *out = sa_make(&algs[8], false, false, 0, 0);
	struct esp_sa *in = sa_make(&algs[8], true, false, 32, 0);
	uint8_t pkt[256], got[256], inner[100], nh = 0;
	struct kernel_sa_state st;
	size_t len = 0, got_len = 0;

	fill(inner, sizeof(inner), 0);
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.last_use, 0);
	esp_sa_touch(in, 1234);
	ck_assert_int_eq(esp_seal(out, inner, 100, 41, pkt, sizeof(pkt), &len), 0);
	ck_assert_int_eq(esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh), 0);
	ck_assert_int_eq(esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh), -EALREADY);
	pkt[len - 1] ^= 1;
	ck_assert_int_eq(esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh), -EALREADY);
	ck_assert_int_eq(esp_seal(out, inner, 50, 41, pkt, sizeof(pkt), &len), 0);
	pkt[len - 1] ^= 1;
	ck_assert_int_eq(esp_open(in, pkt, len, got, sizeof(got), &got_len, &nh), -EACCES);
	ck_assert_int_eq(esp_open(in, pkt, 20, got, sizeof(got), &got_len, &nh), -EBADMSG);
	esp_sa_state(in, &st);
	ck_assert_uint_eq(st.last_use, 1234);
	ck_assert_uint_eq(st.bytes, 100);
	ck_assert_uint_eq(st.packets, 1);
	ck_assert_uint_eq(st.drops_replay, 2);
	ck_assert_uint_eq(st.drops_icv, 1);
	ck_assert_uint_eq(st.drops_other, 1);
	ck_assert_uint_eq(st.replay_top, 1);
	ck_assert_uint_eq(nh, 41);
	esp_sa_state(out, &st);
	ck_assert_uint_eq(st.bytes, 150);
	ck_assert_uint_eq(st.packets, 2);
	ck_assert_uint_eq(st.seq_out, 3);
	ck_assert_uint_eq(st.replay_window, 0);
	esp_sa_free(out);
	esp_sa_free(in);
}
END_TEST

Suite *esp_suite(void)
{
	Suite *s = suite_create("esp");
	TCase *tc = tcase_create("esp");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_esp_input);
	tcase_add_loop_test(tc, test_esp_kat_gcm_draft, 0, (int)ARRAY_SIZE(gcm_kats));
	tcase_add_test(tc, test_esp_kat_chacha_rfc7634);
	tcase_add_loop_test(tc, test_esp_seal_independent_open, 0, 2 * (int)ARRAY_SIZE(algs));
	tcase_add_test(tc, test_esp_cbc_iv_random);
	tcase_add_loop_test(tc, test_esp_round_trip, 0, 2 * (int)ARRAY_SIZE(algs));
	tcase_add_loop_test(tc, test_esp_tamper, 0, 2 * (int)ARRAY_SIZE(algs));
	tcase_add_test(tc, test_esp_bad_padding);
	tcase_add_loop_test(tc, test_esp_replay_window, 0, (int)ARRAY_SIZE(windows));
	tcase_add_loop_test(tc, test_esp_replay_esn, 0, (int)ARRAY_SIZE(esn_cases));
	tcase_add_test(tc, test_esp_seq_exhausted);
	tcase_add_test(tc, test_esp_node_id_nonces);
	tcase_add_test(tc, test_esp_set_seq);
	tcase_add_test(tc, test_esp_set_replay);
	tcase_add_test(tc, test_esp_touch_and_counters);
	suite_add_tcase(s, tc);
	return s;
}
