/*
 * Wireshark key logs. IKE lines are read back by ikenode-decode's parser
 * (decode_keys.h) and compared with the form strongSwan's save-keys plugin
 * writes (save_keys_listener.c: "%.16"PRIx64",%.16"PRIx64",%+B,%+B,\"%s\",
 * %+B,%+B,\"%s\"" and "\"%s\",\"%H\",\"%H\",\"0x%.8x\",\"%s\",\"0x%+B\",
 * \"%s\",\"0x%+B\""), with the algorithm names of Wireshark 4.0's
 * packet-isakmp.c and packet-esp.c (where strongSwan's "TripleDes-CBC" is
 * refused by Wireshark, we write "TripleDES-CBC"). When tshark is installed,
 * every line must load as tshark's UAT table, and ESP packets
 * built here with OpenSSL (RFC 4303 with AES-CBC + HMAC, RFC 4106 AES-GCM)
 * must be decrypted and authenticated by tshark given nothing but our line.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/secret.h"
#include "ikenode/decode_keys.h"
#include "ikenode/ike_names.h"
#include "ikenode/keylog.h"

Suite *keylog_suite(void);

struct tmpdir {
	char dir[64];
	char path[96];
};

static void tmp_make(struct tmpdir *t)
{
	strcpy(t->dir, "/tmp/ikn-keylog-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/keys", t->dir);
}

static void tmp_remove(struct tmpdir *t)
{
	char pcap[128];

	snprintf(pcap, sizeof(pcap), "%s/esp.pcap", t->dir);
	unlink(pcap);
	unlink(t->path);
	rmdir(t->dir);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A key of len bytes: seed, seed + 1, ... */
static struct secret key_of(size_t len, uint8_t seed)
{
	struct secret s = { 0 };

	if (len) {
		ck_assert_int_eq(secret_alloc(&s, len), 0);
		for (size_t i = 0; i < len; i++)
			s.ptr[i] = (uint8_t)(seed + i);
	}
	return s;
}

static void hex(const struct secret *s, char *out)
{
	out[0] = '\0';
	for (size_t i = 0; s->ptr && i < s->len; i++)
		sprintf(out + 2 * i, "%02x", s->ptr[i]);
}

static struct sockaddr_storage sa_of(const char *addr)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
	return ss;
}

static bool have_tshark(void);
static bool tshark_takes(const struct tmpdir *t, const char *table, const char *lines, char *out,
			 size_t cap);

static const uint8_t spi_i[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t spi_r[8] = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 };

START_TEST(test_keylog_input)
{
	struct secret ek = key_of(16, 1), ak = key_of(32, 2);
	struct sockaddr_storage a = sa_of("192.0.2.1"), b = sa_of("2001:db8::1");
	struct tmpdir t;
	struct keylog *kl = NULL;

	tmp_make(&t);
	ck_assert_int_eq(keylog_open(NULL, t.path), -EINVAL);
	ck_assert_int_eq(keylog_open(&kl, NULL), -EINVAL);
	ck_assert_int_eq(keylog_open(&kl, ""), -EINVAL);
	ck_assert_int_eq(keylog_open(&kl, "/nonexistent-dir/keys"), -ENOENT);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	keylog_close(NULL);

	ck_assert_int_eq(keylog_ike(NULL, spi_i, spi_r, 12, 128, 12, &ek, &ek, &ak, &ak), -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, NULL, spi_r, 12, 128, 12, &ek, &ek, &ak, &ak), -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, NULL, 12, 128, 12, &ek, &ek, &ak, &ak), -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 128, 12, NULL, &ek, &ak, &ak), -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 128, 12, &ek, NULL, &ak, &ak), -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 128, 12, &ek, &ek, NULL, &ak), -EINVAL);
	ck_assert_int_eq(keylog_esp(NULL, &a, &a, 1, 12, 128, 12, &ek, &ak), -EINVAL);
	ck_assert_int_eq(keylog_esp(kl, NULL, &a, 1, 12, 128, 12, &ek, &ak), -EINVAL);
	ck_assert_int_eq(keylog_esp(kl, &a, NULL, 1, 12, 128, 12, &ek, &ak), -EINVAL);
	/* one family per SA */
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, 12, 128, 12, &ek, &ak), -EINVAL);
	ck_assert_int_eq(keylog_esp(kl, &a, &a, 1, 12, 128, 12, NULL, &ak), -EINVAL);
	keylog_close(kl);
	/* nothing was written */
	{
		char *text = slurp(t.path);

		ck_assert_str_eq(text, "");
		free(text);
	}
	secret_free(&ek);
	secret_free(&ak);
	tmp_remove(&t);
}
END_TEST

/* Transforms ikenode-decode reads: each written, parsed back, compared. */
static const struct ike_case {
	uint16_t encr, bits, integ;
	size_t ek_len, ak_len;
	const char *encr_name, *integ_name; /* Wireshark 4.0 packet-isakmp.c */
} ike_cases[] = {
	{ 12, 128, 2, 16, 20, "AES-CBC-128 [RFC3602]", "HMAC_SHA1_96 [RFC2404]" },
	{ 12, 192, 12, 24, 32, "AES-CBC-192 [RFC3602]", "HMAC_SHA2_256_128 [RFC4868]" },
	{ 12, 256, 13, 32, 48, "AES-CBC-256 [RFC3602]", "HMAC_SHA2_384_192 [RFC4868]" },
	{ 12, 256, 14, 32, 64, "AES-CBC-256 [RFC3602]", "HMAC_SHA2_512_256 [RFC4868]" },
	{ 20, 128, 0, 20, 0, "AES-GCM-128 with 16 octet ICV [RFC5282]", "NONE [RFC4306]" },
	{ 20, 192, 0, 28, 0, "AES-GCM-192 with 16 octet ICV [RFC5282]", "NONE [RFC4306]" },
	{ 20, 256, 0, 36, 0, "AES-GCM-256 with 16 octet ICV [RFC5282]", "NONE [RFC4306]" },
};

START_TEST(test_keylog_ike_decode_keys)
{
	const struct ike_case *tc = &ike_cases[_i];
	struct secret ei = key_of(tc->ek_len, 0x10), er = key_of(tc->ek_len, 0x50);
	struct secret ai = key_of(tc->ak_len, 0x90), ar = key_of(tc->ak_len, 0xc0);
	char hei[80], her[80], hai[140], har[140], want[1024], err[128], out[4096];
	struct decode_keys *keys = NULL;
	const struct decode_key *k;
	struct keylog *kl;
	struct tmpdir t;
	char *text;

	tmp_make(&t);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	ck_assert_int_eq(
		keylog_ike(kl, spi_i, spi_r, tc->encr, tc->bits, tc->integ, &ei, &er, &ai, &ar), 0);
	keylog_close(kl);
	text = slurp(t.path);

	/* strongSwan save-keys' line */
	hex(&ei, hei);
	hex(&er, her);
	hex(&ai, hai);
	hex(&ar, har);
	snprintf(want, sizeof(want),
		 "0123456789abcdef,fedcba9876543210,%s,%s,\"%s\",%s,%s,\"%s\"\n", hei, her,
		 tc->encr_name, hai, har, tc->integ_name);
	ck_assert_str_eq(text, want);

	/* what tshark loads ... */
	ck_assert_msg(tshark_takes(&t, "ikev2_decryption_table", text, out, sizeof(out)),
		      "tshark: %s", out);
	/* ... and what ikenode-decode reads from it */
	ck_assert_int_eq(decode_keys_parse(text, strlen(text), &keys, err, sizeof(err)), 0);
	ck_assert_uint_eq(decode_keys_count(keys), 1);
	k = decode_keys_find(keys, spi_i, spi_r);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->encr_id, tc->encr);
	ck_assert_uint_eq(k->encr_key_bits, tc->bits);
	ck_assert_uint_eq(k->integ_id, tc->integ);
	ck_assert(secret_equal(&k->sk_ei, &ei));
	ck_assert(secret_equal(&k->sk_er, &er));
	ck_assert_uint_eq(k->sk_ai.len, tc->ak_len);
	ck_assert_uint_eq(k->sk_ar.len, tc->ak_len);
	if (tc->ak_len) {
		ck_assert(secret_equal(&k->sk_ai, &ai));
		ck_assert(secret_equal(&k->sk_ar, &ar));
	}
	decode_keys_free(keys);
	free(text);
	secret_free(&ei);
	secret_free(&er);
	secret_free(&ai);
	secret_free(&ar);
	tmp_remove(&t);
}
END_TEST

/* Names in Wireshark's table that ikenode-decode does not read: only the line is checked. */
static const struct ike_case ike_more_cases[] = {
	{ 3, 0, 1, 24, 16, "3DES [RFC2451]", "HMAC_MD5_96 [RFC2403]" },
	{ 13, 128, 12, 20, 32, "AES-CTR-128 [RFC5930]", "HMAC_SHA2_256_128 [RFC4868]" },
	{ 12, 128, 7, 16, 20, "AES-CBC-128 [RFC3602]", "HMAC_SHA1_160 [RFC4595]" },
	{ 18, 256, 0, 36, 0, "AES-GCM-256 with 8 octet ICV [RFC5282]", "NONE [RFC4306]" },
	{ 19, 128, 0, 20, 0, "AES-GCM-128 with 12 octet ICV [RFC5282]", "NONE [RFC4306]" },
	{ 16, 128, 0, 19, 0, "AES-CCM-128 with 16 octet ICV [RFC5282]", "NONE [RFC4306]" },
	{ 14, 256, 0, 35, 0, "AES-CCM-256 with 8 octet ICV [RFC5282]", "NONE [RFC4306]" },
};

START_TEST(test_keylog_ike_names)
{
	const struct ike_case *tc = &ike_more_cases[_i];
	struct secret ei = key_of(tc->ek_len, 1), er = key_of(tc->ek_len, 2);
	struct secret ai = key_of(tc->ak_len, 3), ar = key_of(tc->ak_len, 4);
	struct keylog *kl;
	struct tmpdir t;
	char *text, out[4096];

	tmp_make(&t);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	/* AEAD: SK_a* may also be left out */
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, tc->encr, tc->bits, tc->integ, &ei, &er,
				    tc->ak_len ? &ai : NULL, tc->ak_len ? &ar : NULL),
			 0);
	keylog_close(kl);
	text = slurp(t.path);
	ck_assert_ptr_nonnull(strstr(text, tc->encr_name));
	ck_assert_ptr_nonnull(strstr(text, tc->integ_name));
	ck_assert_msg(tshark_takes(&t, "ikev2_decryption_table", text, out, sizeof(out)),
		      "tshark: %s", out);
	free(text);
	secret_free(&ei);
	secret_free(&er);
	secret_free(&ai);
	secret_free(&ar);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_keylog_ike_unsupported)
{
	struct secret e16 = key_of(16, 1), e20 = key_of(20, 1), e36 = key_of(36, 1);
	struct secret a32 = key_of(32, 2), a20 = key_of(20, 2), none = { 0 };
	struct keylog *kl;
	struct tmpdir t;
	char *text;

	tmp_make(&t);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	/* Wireshark 4.0 has no ChaCha20-Poly1305, AES-XCBC, AES-CMAC or odd key sizes */
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, IKE_ENCR_CHACHA20_POLY1305, 0, 0, &e36, &e36,
				    &none, &none),
			 -ENOTSUP);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, IKE_ENCR_CHACHA20_POLY1305, 256, 0, &e36,
				    &e36, &none, &none),
			 -ENOTSUP);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 128, IKE_INTEG_AES_XCBC_96, &e16, &e16,
				    &a32, &a32),
			 -ENOTSUP);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 100, 12, &e16, &e16, &a32, &a32),
			 -ENOTSUP);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 0, 12, &e16, &e16, &a32, &a32), -ENOTSUP);
	/* keys that do not fit, integrity with AEAD */
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 128, 12, &e20, &e16, &a32, &a32),
			 -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 12, 128, 12, &e16, &e16, &a20, &a32),
			 -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 20, 128, 0, &e16, &e16, &none, &none),
			 -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 20, 128, 12, &e20, &e20, &a32, &a32),
			 -EINVAL);
	ck_assert_int_eq(keylog_ike(kl, spi_i, spi_r, 20, 128, 0, &e20, &e20, &a32, &a32), -EINVAL);
	keylog_close(kl);
	text = slurp(t.path);
	ck_assert_str_eq(text, "");
	free(text);
	/* why: Wireshark 4.0 refuses a table naming ChaCha20-Poly1305 (the name
	 * ikenode-decode accepts), as it refuses keys of the wrong size */
	if (have_tshark()) {
		char out[4096];

		ck_assert(!tshark_takes(&t, "ikev2_decryption_table",
					"0123456789abcdef,fedcba9876543210,"
					"000102030405060708090a0b0c0d0e0f101112131415161718191a1b"
					"1c1d1e1f20212223,000102030405060708090a0b0c0d0e0f10111213"
					"1415161718191a1b1c1d1e1f20212223,"
					"\"ChaCha20-Poly1305 [RFC7634]\",,,\"NONE [RFC4306]\"\n",
					out, sizeof(out)));
		ck_assert_ptr_nonnull(strstr(out, "invalid value"));
		ck_assert(!tshark_takes(
			&t, "ikev2_decryption_table",
			"0123456789abcdef,fedcba9876543210,"
			"000102030405060708090a0b0c0d0e0f,000102030405060708090a0b0c0d0e0f,"
			"\"AES-CBC-128 [RFC3602]\",0001,0001,"
			"\"HMAC_SHA2_256_128 [RFC4868]\"\n",
			out, sizeof(out)));
	}
	secret_free(&e16);
	secret_free(&e20);
	secret_free(&e36);
	secret_free(&a32);
	secret_free(&a20);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_keylog_esp_lines)
{
	struct secret cbc = key_of(16, 0x11), sha = key_of(32, 0x22), gcm = key_of(36, 0x33);
	struct secret none = { 0 };
	struct sockaddr_storage a4 = sa_of("192.0.2.1"), b4 = sa_of("::ffff:198.51.100.7");
	struct sockaddr_storage a6 = sa_of("2001:db8::1"), b6 = sa_of("2001:db8:0:1::2");
	char want[2048], hk[80], ha[80], hg[80];
	struct keylog *kl;
	struct tmpdir t;
	struct stat st;
	char *text;

	tmp_make(&t);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	ck_assert_int_eq(keylog_esp(kl, &a4, &b4, 0xc1a2b3d4, IKE_ENCR_AES_CBC, 128,
				    IKE_INTEG_HMAC_SHA2_256_128, &cbc, &sha),
			 0);
	keylog_close(kl);
	/* appends, and the file is private */
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	ck_assert_int_eq(keylog_esp(kl, &a6, &b6, 0x1234, IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE,
				    &gcm, NULL),
			 0);
	ck_assert_int_eq(keylog_esp(kl, &b6, &a6, 0x5678, IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE,
				    &gcm, &none),
			 0);
	keylog_close(kl);
	ck_assert_int_eq(stat(t.path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	text = slurp(t.path);
	hex(&cbc, hk);
	hex(&sha, ha);
	hex(&gcm, hg);
	snprintf(want, sizeof(want),
		 "\"IPv4\",\"192.0.2.1\",\"198.51.100.7\",\"0xc1a2b3d4\",\"AES-CBC [RFC3602]\","
		 "\"0x%s\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x%s\"\n"
		 "\"IPv6\",\"2001:db8::1\",\"2001:db8:0:1::2\",\"0x00001234\","
		 "\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x%s\",\"NULL\",\"0x\"\n"
		 "\"IPv6\",\"2001:db8:0:1::2\",\"2001:db8::1\",\"0x00005678\","
		 "\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x%s\",\"NULL\",\"0x\"\n",
		 hk, ha, hg, hg);
	ck_assert_str_eq(text, want);
	free(text);
	secret_free(&cbc);
	secret_free(&sha);
	secret_free(&gcm);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_keylog_esp_unsupported)
{
	struct secret e16 = key_of(16, 1), e19 = key_of(19, 1), e20 = key_of(20, 1);
	struct secret e36 = key_of(36, 1), a16 = key_of(16, 2), a32 = key_of(32, 2);
	struct sockaddr_storage a = sa_of("192.0.2.1"), b = sa_of("192.0.2.2");
	struct keylog *kl;
	struct tmpdir t;
	char *text;

	tmp_make(&t);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	/* no ESP name in Wireshark 4.0: AES-CCM, ChaCha20-Poly1305, HMAC-MD5-128 */
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_AES_CCM_16, 128, 0, &e19, NULL),
			 -ENOTSUP);
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_CHACHA20_POLY1305, 256, 0, &e36, NULL),
			 -ENOTSUP);
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_MD5_128,
				    &e16, &a16),
			 -ENOTSUP);
	/* wrong sizes; integrity with AEAD */
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_AES_CBC, 128, 12, &e20, &a32), -EINVAL);
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_AES_CBC, 128, 12, &e16, &a16), -EINVAL);
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_AES_GCM_16, 128, 12, &e20, &a32),
			 -EINVAL);
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_AES_GCM_16, 128, 0, &e16, NULL),
			 -EINVAL);
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 1, IKE_ENCR_AES_CBC, 128, 0, &e16, &a16), -EINVAL);
	keylog_close(kl);
	text = slurp(t.path);
	ck_assert_str_eq(text, "");
	free(text);
	/* strongSwan's save-keys spells 3DES "TripleDes-CBC", which Wireshark refuses */
	if (have_tshark()) {
		char out[4096];

		ck_assert(!tshark_takes(&t, "esp_sa",
					"\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x00000001\","
					"\"TripleDes-CBC [RFC2451]\",\"0x00\",\"NULL\",\"0x\"\n",
					out, sizeof(out)));
		ck_assert_ptr_nonnull(strstr(out, "invalid value"));
	}
	secret_free(&e16);
	secret_free(&e19);
	secret_free(&e20);
	secret_free(&e36);
	secret_free(&a16);
	secret_free(&a32);
	tmp_remove(&t);
}
END_TEST

/* Every ESP name we write, as Wireshark 4.0's packet-esp.c spells it (and tshark loads it). */
static const struct esp_case {
	uint16_t encr, bits, integ;
	size_t ek_len, ak_len;
	const char *encr_name, *integ_name;
} esp_cases[] = {
	{ IKE_ENCR_NULL, 0, IKE_INTEG_HMAC_SHA2_256_128, 0, 32, "NULL",
	  "HMAC-SHA-256-128 [RFC4868]" },
	{ IKE_ENCR_3DES, 0, IKE_INTEG_HMAC_MD5_96, 24, 16, "TripleDES-CBC [RFC2451]",
	  "HMAC-MD5-96 [RFC2403]" },
	{ IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA1_96, 24, 20, "AES-CBC [RFC3602]",
	  "HMAC-SHA-1-96 [RFC2404]" },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_384_192, 32, 48, "AES-CBC [RFC3602]",
	  "HMAC-SHA-384-192 [RFC4868]" },
	{ IKE_ENCR_AES_CTR, 128, IKE_INTEG_HMAC_SHA2_512_256, 20, 64, "AES-CTR [RFC3686]",
	  "HMAC-SHA-512-256 [RFC4868]" },
	{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_NONE, 16, 0, "AES-CBC [RFC3602]", "NULL" },
	{ IKE_ENCR_AES_GCM_8, 128, IKE_INTEG_NONE, 20, 0, "AES-GCM with 8 octet ICV [RFC4106]",
	  "NULL" },
	{ IKE_ENCR_AES_GCM_12, 192, IKE_INTEG_NONE, 28, 0, "AES-GCM with 12 octet ICV [RFC4106]",
	  "NULL" },
	{ IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 36, 0, "AES-GCM with 16 octet ICV [RFC4106]",
	  "NULL" },
};

START_TEST(test_keylog_esp_names)
{
	const struct esp_case *tc = &esp_cases[_i];
	struct secret ek = key_of(tc->ek_len, 1), ak = key_of(tc->ak_len, 2);
	struct sockaddr_storage a = sa_of("192.0.2.1"), b = sa_of("192.0.2.2");
	char want[512], hk[80], ha[140], out[4096];
	struct keylog *kl;
	struct tmpdir t;
	char *text;

	tmp_make(&t);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	ck_assert_int_eq(keylog_esp(kl, &a, &b, 0xabcdef, tc->encr, tc->bits, tc->integ, &ek, &ak),
			 0);
	keylog_close(kl);
	text = slurp(t.path);
	hex(&ek, hk);
	hex(&ak, ha);
	snprintf(want, sizeof(want),
		 "\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x00abcdef\",\"%s\",\"0x%s\",\"%s\","
		 "\"0x%s\"\n",
		 tc->encr_name, hk, tc->integ_name, ha);
	ck_assert_str_eq(text, want);
	ck_assert_msg(tshark_takes(&t, "esp_sa", text, out, sizeof(out)), "tshark: %s", out);
	free(text);
	secret_free(&ek);
	secret_free(&ak);
	tmp_remove(&t);
}
END_TEST

/* ---- tshark: decrypting ESP with our line ---- */

static bool have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * An ESP packet (transport mode, next header UDP 1234 -> 5555 carrying
 * "ikenode keylog") in an IPv4 or IPv6 header: RFC 4303 with AES-CBC and
 * HMAC (ICV truncated to icv_len), or RFC 4106 AES-GCM with a 16-byte ICV
 * (key = AES key || 4-byte salt). Returns the packet length.
 */
static size_t esp_packet(bool v6, const char *src, const char *dst, uint32_t spi, bool gcm,
			 const struct secret *ek, const EVP_MD *md, const struct secret *ak,
			 size_t icv_len, uint8_t *pkt)
{
	static const char data[] = "ikenode keylog";
	uint8_t plain[128], *esp, *ct;
	size_t hdr = v6 ? 40 : 20, udp_len = 8 + sizeof(data) - 1, plen, blk = gcm ? 4 : 16;
	size_t iv_len = gcm ? 8 : 16, esp_len;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, fin = 0;

	/* payload: UDP header and data, padding 1, 2, ..., pad length, next header */
	memset(plain, 0, sizeof(plain));
	put16(plain, 1234);
	put16(plain + 2, 5555);
	put16(plain + 4, (uint16_t)udp_len);
	memcpy(plain + 8, data, sizeof(data) - 1);
	plen = udp_len;
	{
		size_t pad = (blk - (plen + 2) % blk) % blk;

		for (size_t i = 0; i < pad; i++)
			plain[plen++] = (uint8_t)(i + 1);
		plain[plen++] = (uint8_t)pad;
		plain[plen++] = 17;
	}
	esp = pkt + hdr;
	put32(esp, spi);
	put32(esp + 4, 1);
	for (size_t i = 0; i < iv_len; i++)
		esp[8 + i] = (uint8_t)(0xa0 + i);
	ct = esp + 8 + iv_len;
	ck_assert_ptr_nonnull(ctx);
	if (gcm) {
		uint8_t nonce[12];
		size_t klen = ek->len - 4;
		const EVP_CIPHER *c = klen == 16   ? EVP_aes_128_gcm()
				      : klen == 24 ? EVP_aes_192_gcm()
						   : EVP_aes_256_gcm();

		memcpy(nonce, ek->ptr + klen, 4);
		memcpy(nonce + 4, esp + 8, 8);
		ck_assert_int_eq(EVP_EncryptInit_ex(ctx, c, NULL, ek->ptr, nonce), 1);
		/* AAD: SPI and sequence number */
		ck_assert_int_eq(EVP_EncryptUpdate(ctx, NULL, &outl, esp, 8), 1);
		ck_assert_int_eq(EVP_EncryptUpdate(ctx, ct, &outl, plain, (int)plen), 1);
		ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, ct + outl, &fin), 1);
		ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, ct + plen), 1);
		esp_len = 8 + iv_len + plen + 16;
	} else {
		const EVP_CIPHER *c = ek->len == 16   ? EVP_aes_128_cbc()
				      : ek->len == 24 ? EVP_aes_192_cbc()
						      : EVP_aes_256_cbc();
		uint8_t mac[EVP_MAX_MD_SIZE];
		unsigned int mac_len = 0;

		ck_assert_int_eq(EVP_EncryptInit_ex(ctx, c, NULL, ek->ptr, esp + 8), 1);
		EVP_CIPHER_CTX_set_padding(ctx, 0);
		ck_assert_int_eq(EVP_EncryptUpdate(ctx, ct, &outl, plain, (int)plen), 1);
		ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, ct + outl, &fin), 1);
		ck_assert_uint_eq((size_t)(outl + fin), plen);
		ck_assert_ptr_nonnull(
			HMAC(md, ak->ptr, (int)ak->len, esp, 8 + iv_len + plen, mac, &mac_len));
		memcpy(ct + plen, mac, icv_len);
		esp_len = 8 + iv_len + plen + icv_len;
	}
	EVP_CIPHER_CTX_free(ctx);
	if (v6) {
		memset(pkt, 0, 40);
		pkt[0] = 0x60;
		put16(pkt + 4, (uint16_t)esp_len);
		pkt[6] = 50;
		pkt[7] = 64;
		ck_assert_int_eq(inet_pton(AF_INET6, src, pkt + 8), 1);
		ck_assert_int_eq(inet_pton(AF_INET6, dst, pkt + 24), 1);
	} else {
		memset(pkt, 0, 20);
		pkt[0] = 0x45;
		put16(pkt + 2, (uint16_t)(20 + esp_len));
		pkt[8] = 64;
		pkt[9] = 50;
		ck_assert_int_eq(inet_pton(AF_INET, src, pkt + 12), 1);
		ck_assert_int_eq(inet_pton(AF_INET, dst, pkt + 16), 1);
		put16(pkt + 10, ip_checksum(pkt, 20));
	}
	return hdr + esp_len;
}

/* A pcap file (LINKTYPE_RAW, native byte order) with one packet, or none (pkt NULL). */
static void write_pcap(const char *path, const uint8_t *pkt, size_t len)
{
	uint32_t gh[6] = { 0xa1b2c3d4, 2 | (4u << 16), 0, 0, 65535, 101 };
	uint32_t rh[4] = { 1700000000, 0, (uint32_t)len, (uint32_t)len };
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(gh, sizeof(gh), 1, f), 1);
	if (pkt) {
		ck_assert_uint_eq(fwrite(rh, sizeof(rh), 1, f), 1);
		ck_assert_uint_eq(fwrite(pkt, len, 1, f), 1);
	}
	ck_assert_int_eq(fclose(f), 0);
}

/* Runs argv (tshark ...); its stdout and stderr into out. Returns the exit status. */
static int run(char *const argv[], char *out, size_t cap)
{
	int fds[2], status = 0;
	size_t got = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], out + got, cap - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == cap - 1)
			break;
	}
	out[got] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* tshark decoding pcap with the ESP SA line. */
static int run_tshark(const char *pcap, const char *uat, char *out, size_t cap)
{
	char opt[1024];
	char *const argv[] = {
		"tshark", "-n",
		"-r",	  (char *)pcap,
		"-o",	  "esp.enable_encryption_decode:TRUE",
		"-o",	  "esp.enable_authentication_check:TRUE",
		"-o",	  opt,
		"-o",	  "data.show_as_text:TRUE",
		"-T",	  "fields",
		"-e",	  "udp.srcport",
		"-e",	  "udp.dstport",
		"-e",	  "esp.icv_good",
		"-e",	  "data.text",
		NULL,
	};

	snprintf(opt, sizeof(opt), "uat:esp_sa:%s", uat);
	return run(argv, out, cap);
}

/*
 * Whether tshark loads lines (one or more, each ending in a newline) as its
 * UAT table (ikev2_decryption_table, esp_sa): it checks the names, and for
 * IKE the key lengths, refusing the whole option on a bad line. Skipped
 * (true) without tshark.
 */
static bool tshark_takes(const struct tmpdir *t, const char *table, const char *lines, char *out,
			 size_t cap)
{
	char pcap[128], opt[2048], *copy, *save = NULL;
	bool ok = true;

	if (!have_tshark())
		return true;
	snprintf(pcap, sizeof(pcap), "%s/esp.pcap", t->dir);
	write_pcap(pcap, NULL, 0);
	copy = strdup(lines);
	ck_assert_ptr_nonnull(copy);
	for (char *l = strtok_r(copy, "\n", &save); l && ok; l = strtok_r(NULL, "\n", &save)) {
		char *const argv[] = { "tshark", "-n", "-r", pcap, "-o", opt, NULL };

		snprintf(opt, sizeof(opt), "uat:%s:%s", table, l);
		ok = run(argv, out, cap) == 0;
	}
	free(copy);
	return ok;
}

static const struct tshark_case {
	bool v6, gcm;
	const char *src, *dst;
	uint16_t bits, integ;
	size_t ak_len, icv_len;
} tshark_cases[] = {
	{ false, false, "192.0.2.1", "198.51.100.7", 128, IKE_INTEG_HMAC_SHA2_256_128, 32, 16 },
	{ false, false, "192.0.2.1", "198.51.100.7", 256, IKE_INTEG_HMAC_SHA2_512_256, 64, 32 },
	{ false, true, "192.0.2.1", "198.51.100.7", 128, IKE_INTEG_NONE, 0, 16 },
	{ true, false, "2001:db8::1", "2001:db8:0:1::2", 256, IKE_INTEG_HMAC_SHA1_96, 20, 12 },
	{ true, true, "2001:db8::1", "2001:db8:0:1::2", 256, IKE_INTEG_NONE, 0, 16 },
};

START_TEST(test_keylog_esp_tshark)
{
	const struct tshark_case *tc = &tshark_cases[_i];
	struct secret ek = key_of(tc->bits / 8 + (tc->gcm ? 4 : 0), 0x40);
	struct secret ak = key_of(tc->ak_len, 0x70);
	struct sockaddr_storage src = sa_of(tc->src), dst = sa_of(tc->dst);
	const EVP_MD *md = tc->integ == IKE_INTEG_HMAC_SHA1_96	      ? EVP_sha1()
			   : tc->integ == IKE_INTEG_HMAC_SHA2_512_256 ? EVP_sha512()
								      : EVP_sha256();
	uint32_t spi = 0xc0ffee01;
	char pcap[128], out[4096], *line, *nl;
	uint8_t pkt[512];
	struct keylog *kl;
	struct tmpdir t;
	size_t len;
	int rc;

	if (!have_tshark()) {
		fprintf(stderr, "test_keylog_esp_tshark: SKIP, tshark not installed\n");
		return;
	}
	tmp_make(&t);
	ck_assert_int_eq(keylog_open(&kl, t.path), 0);
	ck_assert_int_eq(keylog_esp(kl, &src, &dst, spi,
				    tc->gcm ? IKE_ENCR_AES_GCM_16 : IKE_ENCR_AES_CBC, tc->bits,
				    tc->integ, &ek, &ak),
			 0);
	keylog_close(kl);
	line = slurp(t.path);
	nl = strchr(line, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';

	len = esp_packet(tc->v6, tc->src, tc->dst, spi, tc->gcm, &ek, md, &ak, tc->icv_len, pkt);
	snprintf(pcap, sizeof(pcap), "%s/esp.pcap", t.dir);
	write_pcap(pcap, pkt, len);
	rc = run_tshark(pcap, line, out, sizeof(out));
	ck_assert_msg(rc == 0, "tshark exit %d with %s: %s", rc, line, out);
	/* decrypted: UDP ports, the ICV checked good (HMAC or GCM tag), the payload */
	ck_assert_msg(strstr(out, "1234\t5555\t1\tikenode keylog\n") != NULL,
		      "tshark with %s said: %s", line, out);
	ck_assert_msg(!strstr(out, "rror"), "tshark with %s said: %s", line, out);
	free(line);
	secret_free(&ek);
	secret_free(&ak);
	tmp_remove(&t);
}
END_TEST

Suite *keylog_suite(void)
{
	Suite *s = suite_create("keylog");
	TCase *tc = tcase_create("keylog");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_keylog_input);
	tcase_add_loop_test(tc, test_keylog_ike_decode_keys, 0, (int)ARRAY_SIZE(ike_cases));
	tcase_add_loop_test(tc, test_keylog_ike_names, 0, (int)ARRAY_SIZE(ike_more_cases));
	tcase_add_test(tc, test_keylog_ike_unsupported);
	tcase_add_test(tc, test_keylog_esp_lines);
	tcase_add_test(tc, test_keylog_esp_unsupported);
	tcase_add_loop_test(tc, test_keylog_esp_names, 0, (int)ARRAY_SIZE(esp_cases));
	tcase_add_loop_test(tc, test_keylog_esp_tshark, 0, (int)ARRAY_SIZE(tshark_cases));
	suite_add_tcase(s, tc);
	return s;
}
