/*
 * kernel_ipsec over the null backend: argument validation (key lengths from
 * RFC 4106 §8.1 / RFC 7634 §2 for AEAD salts, RFC 2404 / RFC 4868 for HMAC
 * keys, SPI range from RFC 4303 §2.1), SPI allocation, SA and policy
 * bookkeeping, sequence and replay state round trips with their edges, the
 * simulated events, the log (backend at INFO, no key bytes), and that free()
 * releases everything (the sanitizer build checks for leaks).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "kernel/kernel_ipsec.h"
#include "kernel/kernel_null.h"

Suite *kernel_ipsec_suite(void);

static struct sockaddr_storage v4(const char *a, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET, a, &in->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *a, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *in = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	in->sin6_family = AF_INET6;
	in->sin6_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET6, a, &in->sin6_addr), 1);
	return ss;
}

static struct kernel_ts ts4(const char *from, const char *to)
{
	struct kernel_ts ts = { .family = AF_INET, .port_to = 65535 };

	ck_assert_int_eq(inet_pton(AF_INET, from, ts.from), 1);
	ck_assert_int_eq(inet_pton(AF_INET, to, ts.to), 1);
	return ts;
}

/* Key bytes a test can look for in logs ("K3Y!" = 4b 33 59 21); the longest key is 64 bytes. */
static const char key_text[65] = "K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!K3Y!";
/* borrowed into struct secret, never written */
#define KEY ((uint8_t *)(uintptr_t)key_text)

/* A valid outbound AES-GCM-16/128 SA moon -> carol, UDP-encapsulated. */
static struct kernel_sa base_sa(uint32_t spi)
{
	struct kernel_sa sa = {
		.spi = spi,
		.protocol = IPPROTO_ESP,
		.inbound = false,
		.src = v4("192.168.0.1", 4500),
		.dst = v4("192.168.0.100", 4500),
		.encap = true,
		.reqid = 7,
		.mode = KERNEL_MODE_TUNNEL,
		.encr_id = KERNEL_ENCR_AES_GCM_16,
		.encr_key_bits = 128,
		.integ_id = KERNEL_INTEG_NONE,
		.encr_key = { KEY, 16 + 4 }, /* RFC 4106 §8.1: key + 4-octet salt */
		.replay_window = 32,
		.soft_time = 3000,
		.hard_time = 3600,
		.segment = 3,
	};
	return sa;
}

static struct kernel_ipsec *null_new(void)
{
	struct kernel_ipsec *k = NULL;

	ck_assert_int_eq(kernel_ipsec_new(&k, "null", NULL, NULL, NULL), 0);
	ck_assert_ptr_nonnull(k);
	return k;
}

START_TEST(test_kernel_ipsec_input)
{
	struct kernel_ipsec *k = NULL;
	struct sockaddr_storage a = v4("192.0.2.1", 500), b = v4("192.0.2.2", 500);
	struct sockaddr_storage c6 = v6("2001:db8::1", 500), none = { 0 };
	struct kernel_sa sa = base_sa(0x1000);
	struct kernel_sa_state st = { 0 };
	struct kernel_policy p = { 0 };
	uint32_t spi;

	ck_assert_int_eq(kernel_ipsec_new(NULL, "null", NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_new(&k, NULL, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_new(&k, "bogus", NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_new(&k, "", NULL, NULL, NULL), -EINVAL);
	/* uesp and xfrm need a loop */
	ck_assert_int_eq(kernel_ipsec_new(&k, "uesp", NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_new(&k, "xfrm", NULL, NULL, NULL), -EINVAL);
	ck_assert_ptr_null(k);
	kernel_ipsec_free(NULL);
	ck_assert_ptr_null(kernel_ipsec_backend(NULL));
	ck_assert_uint_eq(kernel_ipsec_sa_count(NULL), 0);
	ck_assert_uint_eq(kernel_ipsec_policy_count(NULL), 0);

	k = null_new();
	ck_assert_int_eq(kernel_ipsec_alloc_spi(NULL, &a, &b, IPPROTO_ESP, &spi), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_alloc_spi(k, NULL, &b, IPPROTO_ESP, &spi), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &a, NULL, IPPROTO_ESP, &spi), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &a, &b, IPPROTO_ESP, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &a, &c6, IPPROTO_ESP, &spi), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &none, &b, IPPROTO_ESP, &spi), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &a, &b, IPPROTO_UDP, &spi), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &a, &b, IPPROTO_AH, &spi), -ENOTSUP);

	ck_assert_int_eq(kernel_ipsec_add_sa(NULL, &sa), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_update_sa(NULL, 0x1000, IPPROTO_ESP, &b, &a, &b, false),
			 -EINVAL);
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0x1000, IPPROTO_ESP, NULL, &a, &b, false),
			 -EINVAL);
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0x1000, IPPROTO_ESP, &b, NULL, &b, false),
			 -EINVAL);
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0x1000, IPPROTO_ESP, &b, &a, NULL, false),
			 -EINVAL);
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0x1000, IPPROTO_ESP, &b, &a, &c6, false),
			 -EINVAL);
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0xff, IPPROTO_ESP, &b, &a, &b, false), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_query_sa(NULL, 0x1000, IPPROTO_ESP, &b, &st), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x1000, IPPROTO_ESP, NULL, &st), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x1000, IPPROTO_ESP, &b, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x1000, 0, &b, &st), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x1000, IPPROTO_ESP, &none, &st), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_set_seq(NULL, 0x1000, IPPROTO_ESP, &b, 5), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x1000, IPPROTO_ESP, NULL, 5), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_set_replay(NULL, 0x1000, IPPROTO_ESP, &b, &st), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x1000, IPPROTO_ESP, NULL, &st), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x1000, IPPROTO_ESP, &b, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_del_sa(NULL, 0x1000, IPPROTO_ESP, &b), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x1000, IPPROTO_ESP, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0, IPPROTO_ESP, &b), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_add_policy(NULL, &p), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL); /* family 0 */
	ck_assert_int_eq(kernel_ipsec_del_policy(NULL, &p), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_del_policy(k, NULL), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &p), -EINVAL);
	ck_assert_int_eq(kernel_null_expire(NULL, 0x1000, IPPROTO_ESP, &b, false), -EINVAL);
	ck_assert_int_eq(kernel_null_expire(k, 0x1000, IPPROTO_ESP, NULL, false), -EINVAL);
	ck_assert_int_eq(kernel_null_acquire(NULL, &p), -EINVAL);
	ck_assert_int_eq(kernel_null_acquire(k, NULL), -EINVAL);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 0);
	ck_assert_uint_eq(kernel_ipsec_policy_count(k), 0);
	kernel_ipsec_free(k);
}
END_TEST

START_TEST(test_kernel_ipsec_backend_null)
{
	struct kernel_ipsec *k = null_new();

	ck_assert_str_eq(kernel_ipsec_backend(k), "null");
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 0);
	ck_assert_uint_eq(kernel_ipsec_policy_count(k), 0);
	kernel_ipsec_free(k);
}
END_TEST

/* The SA a table row starts from and what it changes. */
enum sa_field {
	F_NONE,
	F_SPI,
	F_PROTOCOL,
	F_DST_V6,
	F_SRC_UNSPEC,
	F_SRC_PORT0,
	F_MODE,
	F_ENCR, /* encr_id, encr_key_bits, key length */
	F_INTEG, /* integ_id, key length */
	F_KEY_NULL,
	F_REPLAY,
	F_INBOUND_ESN_REPLAY,
	F_SOFT_TIME,
	F_SOFT_BYTES,
	F_SOFT_PACKETS,
	F_TS_NULL,
	F_TS_RANGE,
	F_TS_PORTS,
	F_TS_FAMILY,
	F_NO_ENCAP_NO_PORTS,
};

static const struct {
	const char *what;
	enum sa_field field;
	uint32_t a, b, c; /* field values */
	int rc;
} sa_cases[] = {
	{ "valid aes128gcm16", F_NONE, 0, 0, 0, 0 },
	{ "spi 0 reserved", F_SPI, 0, 0, 0, -EINVAL },
	{ "spi 255 reserved", F_SPI, 255, 0, 0, -EINVAL },
	{ "spi 256 first valid", F_SPI, 256, 0, 0, 0 },
	{ "spi 0xffffffff", F_SPI, 0xffffffff, 0, 0, 0 },
	{ "AH not supported", F_PROTOCOL, IPPROTO_AH, 0, 0, -ENOTSUP },
	{ "UDP is no IPsec protocol", F_PROTOCOL, IPPROTO_UDP, 0, 0, -EINVAL },
	{ "src v4 dst v6", F_DST_V6, 0, 0, 0, -EINVAL },
	{ "src AF_UNSPEC", F_SRC_UNSPEC, 0, 0, 0, -EINVAL },
	{ "encap without source port", F_SRC_PORT0, 0, 0, 0, -EINVAL },
	{ "no encap, no ports", F_NO_ENCAP_NO_PORTS, 0, 0, 0, 0 },
	{ "mode 2", F_MODE, 2, 0, 0, -EINVAL },
	{ "transport mode", F_MODE, KERNEL_MODE_TRANSPORT, 0, 0, 0 },
	/* RFC 4106 §8.1: 16/24/32-octet AES key + 4-octet salt */
	{ "aes192gcm16 28 bytes", F_ENCR, KERNEL_ENCR_AES_GCM_16, 192, 28, 0 },
	{ "aes256gcm16 36 bytes", F_ENCR, KERNEL_ENCR_AES_GCM_16, 256, 36, 0 },
	{ "aes128gcm8 20 bytes", F_ENCR, KERNEL_ENCR_AES_GCM_8, 128, 20, 0 },
	{ "aes256gcm12 36 bytes", F_ENCR, KERNEL_ENCR_AES_GCM_12, 256, 36, 0 },
	{ "aes128gcm16 without salt", F_ENCR, KERNEL_ENCR_AES_GCM_16, 128, 16, -EINVAL },
	{ "aes256gcm16 key of 128", F_ENCR, KERNEL_ENCR_AES_GCM_16, 256, 20, -EINVAL },
	{ "aes gcm 64-bit key", F_ENCR, KERNEL_ENCR_AES_GCM_16, 64, 12, -EINVAL },
	{ "aes gcm no key length", F_ENCR, KERNEL_ENCR_AES_GCM_16, 0, 20, -EINVAL },
	/* RFC 7634 §2: 256-bit key + 4-octet salt; no key length attribute */
	{ "chacha20poly1305 bits 0", F_ENCR, KERNEL_ENCR_CHACHA20_POLY1305, 0, 36, 0 },
	{ "chacha20poly1305 bits 256", F_ENCR, KERNEL_ENCR_CHACHA20_POLY1305, 256, 36, 0 },
	{ "chacha20poly1305 bits 128", F_ENCR, KERNEL_ENCR_CHACHA20_POLY1305, 128, 20, -EINVAL },
	{ "chacha20poly1305 without salt", F_ENCR, KERNEL_ENCR_CHACHA20_POLY1305, 0, 32, -EINVAL },
	{ "3des not supported", F_ENCR, 3, 192, 24, -ENOTSUP },
	{ "aes gcm with integrity", F_INTEG, KERNEL_INTEG_HMAC_SHA2_256_128, 32, 0, -EINVAL },
	{ "aes gcm with integrity key only", F_INTEG, KERNEL_INTEG_NONE, 32, 0, -EINVAL },
	/* non-AEAD: AES-CBC (RFC 3602) with HMAC (RFC 2404, RFC 4868 §2.1.1 key = output) */
	{ "aes128 without integrity", F_ENCR, KERNEL_ENCR_AES_CBC, 128, 16, -EINVAL },
	{ "aes128 with 4 salt bytes", F_ENCR, KERNEL_ENCR_AES_CBC, 128, 20, -EINVAL },
	{ "aes128-sha1", F_INTEG, KERNEL_INTEG_HMAC_SHA1_96, 20, 1, 0 },
	{ "aes128-sha1 16-byte key", F_INTEG, KERNEL_INTEG_HMAC_SHA1_96, 16, 1, -EINVAL },
	{ "aes128-sha256", F_INTEG, KERNEL_INTEG_HMAC_SHA2_256_128, 32, 1, 0 },
	{ "aes128-sha256 16-byte key", F_INTEG, KERNEL_INTEG_HMAC_SHA2_256_128, 16, 1, -EINVAL },
	{ "aes128-sha384", F_INTEG, KERNEL_INTEG_HMAC_SHA2_384_192, 48, 1, 0 },
	{ "aes128-sha512", F_INTEG, KERNEL_INTEG_HMAC_SHA2_512_256, 64, 1, 0 },
	{ "aes128-sha512 32-byte key", F_INTEG, KERNEL_INTEG_HMAC_SHA2_512_256, 32, 1, -EINVAL },
	{ "aes128-aesxcbc not supported", F_INTEG, 5, 16, 1, -ENOTSUP },
	{ "encr key NULL with length", F_KEY_NULL, 0, 0, 0, -EINVAL },
	{ "replay window max", F_REPLAY, KERNEL_REPLAY_WINDOW_MAX, 0, 0, 0 },
	{ "replay window max + 1", F_REPLAY, KERNEL_REPLAY_WINDOW_MAX + 1, 0, 0, -EINVAL },
	{ "inbound esn window 0", F_INBOUND_ESN_REPLAY, 0, 0, 0, -EINVAL },
	{ "inbound esn window 1", F_INBOUND_ESN_REPLAY, 1, 0, 0, 0 },
	{ "soft time above hard", F_SOFT_TIME, 3601, 3600, 0, -EINVAL },
	{ "soft time equal hard", F_SOFT_TIME, 3600, 3600, 0, 0 },
	{ "soft time without hard", F_SOFT_TIME, 3600, 0, 0, 0 },
	{ "soft bytes above hard", F_SOFT_BYTES, 2000, 1000, 0, -EINVAL },
	{ "soft bytes below hard", F_SOFT_BYTES, 1000, 2000, 0, 0 },
	{ "soft packets above hard", F_SOFT_PACKETS, 20, 10, 0, -EINVAL },
	{ "hard packets only", F_SOFT_PACKETS, 0, 10, 0, 0 },
	{ "ts count without array", F_TS_NULL, 0, 0, 0, -EINVAL },
	{ "ts from above to", F_TS_RANGE, 0, 0, 0, -EINVAL },
	{ "ts ports reversed", F_TS_PORTS, 0, 0, 0, -EINVAL },
	{ "ts family 0", F_TS_FAMILY, 0, 0, 0, -EINVAL },
};

START_TEST(test_kernel_ipsec_add_sa_validation)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_sa sa = base_sa(0x1000);
	struct kernel_ts tl = ts4("10.1.0.0", "10.1.255.255"), tr = ts4("10.3.0.10", "10.3.0.10");
	struct kernel_sa_state st;
	int rc;

	sa.ts_local = &tl;
	sa.n_ts_local = 1;
	sa.ts_remote = &tr;
	sa.n_ts_remote = 1;
	switch (sa_cases[_i].field) {
	case F_NONE:
		break;
	case F_SPI:
		sa.spi = sa_cases[_i].a;
		break;
	case F_PROTOCOL:
		sa.protocol = (uint8_t)sa_cases[_i].a;
		break;
	case F_DST_V6:
		sa.dst = v6("2001:db8::100", 4500);
		break;
	case F_SRC_UNSPEC:
		sa.src.ss_family = AF_UNSPEC;
		break;
	case F_SRC_PORT0:
		sa.src = v4("192.168.0.1", 0);
		break;
	case F_NO_ENCAP_NO_PORTS:
		sa.encap = false;
		sa.src = v4("192.168.0.1", 0);
		sa.dst = v4("192.168.0.100", 0);
		break;
	case F_MODE:
		sa.mode = (uint8_t)sa_cases[_i].a;
		break;
	case F_ENCR:
		sa.encr_id = (uint16_t)sa_cases[_i].a;
		sa.encr_key_bits = (uint16_t)sa_cases[_i].b;
		sa.encr_key.len = sa_cases[_i].c;
		break;
	case F_INTEG:
		if (sa_cases[_i].c) { /* switch to aes128 (CBC) */
			sa.encr_id = KERNEL_ENCR_AES_CBC;
			sa.encr_key.len = 16;
		}
		sa.integ_id = (uint16_t)sa_cases[_i].a;
		sa.integ_key = (struct secret){ KEY, sa_cases[_i].b };
		break;
	case F_KEY_NULL:
		sa.encr_key.ptr = NULL;
		break;
	case F_REPLAY:
		sa.inbound = true;
		sa.replay_window = sa_cases[_i].a;
		break;
	case F_INBOUND_ESN_REPLAY:
		sa.inbound = true;
		sa.esn = true;
		sa.replay_window = sa_cases[_i].a;
		break;
	case F_SOFT_TIME:
		sa.soft_time = sa_cases[_i].a;
		sa.hard_time = sa_cases[_i].b;
		break;
	case F_SOFT_BYTES:
		sa.soft_bytes = sa_cases[_i].a;
		sa.hard_bytes = sa_cases[_i].b;
		break;
	case F_SOFT_PACKETS:
		sa.soft_packets = sa_cases[_i].a;
		sa.hard_packets = sa_cases[_i].b;
		break;
	case F_TS_NULL:
		sa.ts_remote = NULL;
		break;
	case F_TS_RANGE:
		tl = ts4("10.1.255.255", "10.1.0.0");
		break;
	case F_TS_PORTS:
		tr.port_from = 500;
		tr.port_to = 499;
		break;
	case F_TS_FAMILY:
		tr.family = 0;
		break;
	}
	rc = kernel_ipsec_add_sa(k, &sa);
	ck_assert_msg(rc == sa_cases[_i].rc, "%s: got %d, want %d", sa_cases[_i].what, rc,
		      sa_cases[_i].rc);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), rc == 0 ? 1 : 0);
	if (rc == 0 && sa.spi >= KERNEL_SPI_MIN && sa.protocol == IPPROTO_ESP)
		ck_assert_int_eq(kernel_ipsec_query_sa(k, sa.spi, sa.protocol, &sa.dst, &st), 0);
	kernel_ipsec_free(k);
}
END_TEST

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Random SPIs: never reserved values, unique, and they cover the range. */
START_TEST(test_kernel_ipsec_alloc_spi)
{
	struct kernel_ipsec *k = null_new();
	struct sockaddr_storage carol = v4("192.168.0.100", 4500), moon = v4("192.168.0.1", 4500);
	enum { N = 4000 };
	uint32_t *spis = calloc(N, sizeof(*spis)), *sorted;
	uint32_t or_bits = 0, and_bits = 0xffffffff;
	struct kernel_sa sa;

	ck_assert_ptr_nonnull(spis);
	for (size_t i = 0; i < N; i++) {
		ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &carol, &moon, IPPROTO_ESP, &spis[i]),
				 0);
		ck_assert_uint_ge(spis[i], 0x100);
		or_bits |= spis[i];
		and_bits &= spis[i];
	}
	sorted = malloc(N * sizeof(*sorted));
	ck_assert_ptr_nonnull(sorted);
	memcpy(sorted, spis, N * sizeof(*sorted));
	qsort(sorted, N, sizeof(*sorted), cmp_u32);
	for (size_t i = 1; i < N; i++)
		if (sorted[i] == sorted[i - 1])
			ck_abort_msg("SPI %08x allocated twice", sorted[i]);
	free(sorted);
	/* every bit seen both set and clear: not a counter, not a constant */
	ck_assert_uint_eq(or_bits, 0xffffffff);
	ck_assert_uint_eq(and_bits, 0);
	/* reservations are not SAs */
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 0);

	/* add_sa of a reserved SPI ends the reservation and makes an SA */
	sa = base_sa(spis[0]);
	sa.inbound = true;
	sa.src = carol;
	sa.dst = moon;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 1);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), -EEXIST);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, spis[0], IPPROTO_ESP, &moon), 0);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, spis[0], IPPROTO_ESP, &moon), -ENOENT);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 0);

	/* a reservation is no SA to query, update or set, but del_sa ends it */
	ck_assert_int_eq(kernel_ipsec_query_sa(k, spis[1], IPPROTO_ESP, &moon,
					       &(struct kernel_sa_state){ 0 }),
			 -ENOENT);
	ck_assert_int_eq(
		kernel_ipsec_update_sa(k, spis[1], IPPROTO_ESP, &moon, &carol, &moon, true),
		-ENOENT);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, spis[1], IPPROTO_ESP, &carol), -ENOENT);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, spis[1], IPPROTO_ESP, &moon), 0);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, spis[1], IPPROTO_ESP, &moon), -ENOENT);
	free(spis);
	kernel_ipsec_free(k); /* releases the other reservations */
}
END_TEST

/* Identity is (spi, protocol, dst address): ports do not count, families do. */
START_TEST(test_kernel_ipsec_sa_identity)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_sa a = base_sa(0x2000), b = base_sa(0x2000), c = base_sa(0x2000);
	struct kernel_sa_state st;
	struct sockaddr_storage other_port = v4("192.168.0.100", 1234);

	b.dst = v4("192.168.0.200", 4500);
	c.src = v6("2001:db8::1", 4500);
	c.dst = v6("2001:db8::100", 4500);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &a), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &b), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &c), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &a), -EEXIST);
	a.dst = other_port;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &a), -EEXIST);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 3);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x2000, IPPROTO_ESP, &other_port, &st), 0);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x2001, IPPROTO_ESP, &other_port, &st), -ENOENT);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x2000, IPPROTO_ESP, &b.dst), 0);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x2000, IPPROTO_ESP, &b.dst), -ENOENT);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x2000, IPPROTO_ESP, &c.dst), 0);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x2000, IPPROTO_ESP, &other_port), 0);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 0);
	kernel_ipsec_free(k);
}
END_TEST

/* add_sa copies keys and selectors: the caller's buffers may go right away. */
START_TEST(test_kernel_ipsec_add_sa_copies)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_sa sa = base_sa(0x3000);
	struct kernel_ts *ts = malloc(2 * sizeof(*ts));
	struct kernel_sa_state st;

	ck_assert_ptr_nonnull(ts);
	ts[0] = ts4("10.1.0.0", "10.1.255.255");
	ts[1] = ts4("10.2.0.0", "10.2.255.255");
	sa.encr_id = KERNEL_ENCR_AES_CBC;
	sa.encr_key_bits = 256;
	sa.integ_id = KERNEL_INTEG_HMAC_SHA2_256_128;
	ck_assert_int_eq(secret_dup(&sa.encr_key, KEY, 32), 0);
	ck_assert_int_eq(secret_dup(&sa.integ_key, KEY, 32), 0);
	sa.ts_local = ts;
	sa.n_ts_local = 2;
	sa.ts_remote = ts + 1;
	sa.n_ts_remote = 1;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	secret_free(&sa.encr_key);
	secret_free(&sa.integ_key);
	free(ts);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x3000, IPPROTO_ESP, &sa.dst, &st), 0);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x3000, IPPROTO_ESP, &sa.dst), 0);
	kernel_ipsec_free(k);
}
END_TEST

/* NAT and MOBIKE: new outer addresses, ports and encapsulation. */
START_TEST(test_kernel_ipsec_update_sa)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_sa sa = base_sa(0x4000), other = base_sa(0x4000);
	struct kernel_sa_state st;
	struct sockaddr_storage moon = sa.src, nat = v4("203.0.113.7", 61000);
	struct sockaddr_storage moon6 = v6("2001:db8::1", 500), carol6 = v6("2001:db8::100", 500);
	struct sockaddr_storage noport = v4("203.0.113.7", 0);

	other.dst = v4("203.0.113.9", 4500);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &other), 0);
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0x4001, IPPROTO_ESP, &sa.dst, &moon, &nat, true),
			 -ENOENT);
	ck_assert_int_eq(
		kernel_ipsec_update_sa(k, 0x4000, IPPROTO_ESP, &sa.dst, &moon, &noport, true),
		-EINVAL);
	ck_assert_int_eq(
		kernel_ipsec_update_sa(k, 0x4000, IPPROTO_ESP, &sa.dst, &moon, &other.dst, true),
		-EEXIST);
	/* behind a NAT now */
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0x4000, IPPROTO_ESP, &sa.dst, &moon, &nat, true),
			 0);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x4000, IPPROTO_ESP, &sa.dst, &st), -ENOENT);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x4000, IPPROTO_ESP, &nat, &st), 0);
	/* the same address again (port change only) */
	nat = v4("203.0.113.7", 61001);
	ck_assert_int_eq(kernel_ipsec_update_sa(k, 0x4000, IPPROTO_ESP, &nat, &moon, &nat, true),
			 0);
	/* MOBIKE to IPv6 without encapsulation: ports no longer needed */
	moon6 = v6("2001:db8::1", 0);
	carol6 = v6("2001:db8::100", 0);
	ck_assert_int_eq(
		kernel_ipsec_update_sa(k, 0x4000, IPPROTO_ESP, &nat, &moon6, &carol6, false), 0);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x4000, IPPROTO_ESP, &carol6, &st), 0);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x4000, IPPROTO_ESP, &carol6), 0);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 1);
	kernel_ipsec_free(k);
}
END_TEST

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/* Fresh state, counters stay zero, the outbound sequence number round-trips. */
START_TEST(test_kernel_ipsec_query_and_set_seq)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_sa out = base_sa(0x5000), in = base_sa(0x5001), esn = base_sa(0x5002);
	struct kernel_sa_state st;

	in.inbound = true;
	in.replay_window = 64;
	esn.esn = true;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &out), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &in), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &esn), 0);

	memset(&st, 0xaa, sizeof(st));
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x5000, IPPROTO_ESP, &out.dst, &st), 0);
	ck_assert_uint_eq(st.seq_out, 1); /* RFC 4303 §3.3.3: the first packet carries 1 */
	ck_assert_uint_eq(st.bytes, 0);
	ck_assert_uint_eq(st.packets, 0);
	ck_assert_uint_eq(st.last_use, 0);
	ck_assert_uint_eq(st.replay_top, 0);
	ck_assert_uint_eq(st.replay_window, 32);
	ck_assert_uint_eq(st.drops_icv + st.drops_replay + st.drops_other, 0);
	ck_assert(all_zero(st.replay_bitmap, sizeof(st.replay_bitmap)));
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x5001, IPPROTO_ESP, &in.dst, &st), 0);
	ck_assert_uint_eq(st.seq_out, 0);
	ck_assert_uint_eq(st.replay_window, 64);

	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5000, IPPROTO_ESP, &out.dst, 100000), 0);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x5000, IPPROTO_ESP, &out.dst, &st), 0);
	ck_assert_uint_eq(st.seq_out, 100000);
	ck_assert_uint_eq(st.packets, 0);
	/* never backwards (nonce reuse); the same value is fine */
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5000, IPPROTO_ESP, &out.dst, 99999), -ERANGE);
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5000, IPPROTO_ESP, &out.dst, 100000), 0);
	/* 32-bit sequence numbers: 2^32 means exhausted, nothing beyond */
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5000, IPPROTO_ESP, &out.dst, 0x100000000ull), 0);
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5000, IPPROTO_ESP, &out.dst, 0x100000001ull),
			 -ERANGE);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x5000, IPPROTO_ESP, &out.dst, &st), 0);
	ck_assert_uint_eq(st.seq_out, 0x100000000ull);
	/* 64-bit with ESN */
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5002, IPPROTO_ESP, &esn.dst, 0x123456789abull),
			 0);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x5002, IPPROTO_ESP, &esn.dst, &st), 0);
	ck_assert_uint_eq(st.seq_out, 0x123456789abull);
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5002, IPPROTO_ESP, &esn.dst, 0), -ERANGE);
	/* inbound SAs have no outbound sequence; unknown SAs none at all */
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5001, IPPROTO_ESP, &in.dst, 5), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_set_seq(k, 0x5009, IPPROTO_ESP, &out.dst, 5), -ENOENT);
	kernel_ipsec_free(k);
}
END_TEST

/* Replay window edges: what set_replay stores is what query returns, masked to the window. */
static const struct {
	uint32_t window;
	bool esn;
	uint64_t top;
	uint8_t fill; /* every bitmap byte */
	int rc;
	size_t full_bytes; /* bytes that read back as fill */
	uint8_t last; /* the next byte as read back */
} replay_cases[] = {
	{ 32, false, 1000, 0xff, 0, 4, 0x00 },
	{ 33, false, 1000, 0xff, 0, 4, 0x01 },
	{ 39, false, 1000, 0xa5, 0, 4, 0x25 },
	{ 1, false, 5, 0xff, 0, 0, 0x01 },
	{ 0, false, 0, 0xff, 0, 0, 0x00 },
	{ 64, false, 0xffffffffull, 0x5a, 0, 8, 0x00 },
	{ 64, false, 0x100000000ull, 0x5a, -ERANGE, 0, 0 },
	{ 64, true, 0x100000000ull, 0x5a, 0, 8, 0x00 },
	{ KERNEL_REPLAY_WINDOW_MAX, true, 0xfffffffffffull, 0xc3, 0, KERNEL_REPLAY_WINDOW_MAX / 8,
	  0 },
};

START_TEST(test_kernel_ipsec_set_replay)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_sa in = base_sa(0x6000);
	struct kernel_sa_state st, got;
	int rc;

	in.inbound = true;
	in.esn = replay_cases[_i].esn;
	in.replay_window = replay_cases[_i].window;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &in), 0);
	memset(&st, 0, sizeof(st));
	st.replay_window = replay_cases[_i].window;
	st.replay_top = replay_cases[_i].top;
	memset(st.replay_bitmap, replay_cases[_i].fill, sizeof(st.replay_bitmap));
	rc = kernel_ipsec_set_replay(k, 0x6000, IPPROTO_ESP, &in.dst, &st);
	ck_assert_int_eq(rc, replay_cases[_i].rc);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x6000, IPPROTO_ESP, &in.dst, &got), 0);
	ck_assert_uint_eq(got.replay_window, replay_cases[_i].window);
	if (rc) {
		ck_assert_uint_eq(got.replay_top, 0);
		ck_assert(all_zero(got.replay_bitmap, sizeof(got.replay_bitmap)));
	} else {
		size_t n = replay_cases[_i].full_bytes;

		ck_assert_uint_eq(got.replay_top, replay_cases[_i].top);
		for (size_t i = 0; i < n; i++)
			ck_assert_uint_eq(got.replay_bitmap[i], replay_cases[_i].fill);
		if (n < sizeof(got.replay_bitmap)) {
			ck_assert_uint_eq(got.replay_bitmap[n], replay_cases[_i].last);
			ck_assert(all_zero(got.replay_bitmap + n + 1,
					   sizeof(got.replay_bitmap) - n - 1));
		}
	}
	kernel_ipsec_free(k);
}
END_TEST

START_TEST(test_kernel_ipsec_set_replay_errors)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_sa in = base_sa(0x6100), out = base_sa(0x6101);
	struct kernel_sa_state st = { .replay_window = 32, .replay_top = 500 };

	in.inbound = true;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &in), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &out), 0);
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x6101, IPPROTO_ESP, &out.dst, &st), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x6102, IPPROTO_ESP, &in.dst, &st), -ENOENT);
	st.replay_window = 64;
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x6100, IPPROTO_ESP, &in.dst, &st), -EINVAL);
	st.replay_window = KERNEL_REPLAY_WINDOW_MAX + 1;
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x6100, IPPROTO_ESP, &in.dst, &st), -EINVAL);
	st.replay_window = 32;
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x6100, IPPROTO_ESP, &in.dst, &st), 0);
	/* the window never moves back (that would accept replays) */
	st.replay_top = 499;
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x6100, IPPROTO_ESP, &in.dst, &st), -ERANGE);
	st.replay_top = 500;
	ck_assert_int_eq(kernel_ipsec_set_replay(k, 0x6100, IPPROTO_ESP, &in.dst, &st), 0);
	kernel_ipsec_free(k);
}
END_TEST

static struct kernel_policy base_policy(uint8_t dir)
{
	struct kernel_policy p = {
		.src = ts4("10.1.0.0", "10.1.255.255"),
		.dst = ts4("10.3.0.10", "10.3.0.10"),
		.dir = dir,
		.reqid = 7,
		.priority = 1000,
		.mode = KERNEL_MODE_TUNNEL,
		.tmpl_src = v4("192.168.0.1", 4500),
		.tmpl_dst = v4("192.168.0.100", 4500),
		.segment = 3,
	};
	return p;
}

START_TEST(test_kernel_ipsec_policies)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_policy out = base_policy(KERNEL_DIR_OUT), in = base_policy(KERNEL_DIR_IN);
	struct kernel_policy fwd = base_policy(KERNEL_DIR_FWD), p;

	ck_assert_int_eq(kernel_ipsec_add_policy(k, &out), 0);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &in), 0);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &fwd), 0);
	ck_assert_uint_eq(kernel_ipsec_policy_count(k), 3);
	/* identity is (src, dst, dir): priority, reqid, template do not count */
	p = out;
	p.priority = 0;
	p.reqid = 99;
	p.tmpl_dst = v4("192.168.0.200", 4500);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EEXIST);
	/* IPv4 selectors: the bytes after the fourth do not count */
	p.src.from[4] = p.src.to[15] = 0x77;
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EEXIST);
	/* other ports, protocol or range: another policy */
	p = out;
	p.dst.proto = IPPROTO_TCP;
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), 0);
	p.dst.port_from = p.dst.port_to = 443;
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), 0);
	p = out;
	p.src = ts4("10.1.0.0", "10.1.0.255");
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), 0);
	ck_assert_uint_eq(kernel_ipsec_policy_count(k), 6);
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &p), 0);
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &p), -ENOENT);
	/* del_policy ignores all but the identity */
	p = fwd;
	p.priority = 5;
	p.reqid = 0;
	memset(&p.tmpl_src, 0, sizeof(p.tmpl_src));
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &p), 0);
	ck_assert_uint_eq(kernel_ipsec_policy_count(k), 4);
	kernel_ipsec_free(k);
}
END_TEST

START_TEST(test_kernel_ipsec_policy_validation)
{
	struct kernel_ipsec *k = null_new();
	struct kernel_policy p;

	p = base_policy(3);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &p), -EINVAL);
	p = base_policy(KERNEL_DIR_OUT);
	p.mode = 4;
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	p = base_policy(KERNEL_DIR_OUT);
	p.dst.family = AF_INET6;
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &p), -EINVAL);
	p = base_policy(KERNEL_DIR_OUT);
	p.src = ts4("10.2.0.0", "10.1.0.0");
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	p = base_policy(KERNEL_DIR_OUT);
	p.src.port_from = 2;
	p.src.port_to = 1;
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	/* tunnel mode needs the endpoints, of one family */
	p = base_policy(KERNEL_DIR_OUT);
	memset(&p.tmpl_dst, 0, sizeof(p.tmpl_dst));
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	p.tmpl_dst = v6("2001:db8::100", 4500);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	/* transport mode: no template, or a whole one */
	p = base_policy(KERNEL_DIR_OUT);
	p.mode = KERNEL_MODE_TRANSPORT;
	memset(&p.tmpl_dst, 0, sizeof(p.tmpl_dst));
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EINVAL);
	memset(&p.tmpl_src, 0, sizeof(p.tmpl_src));
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), 0);
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &p), 0);
	/* IPv6 selectors */
	p = base_policy(KERNEL_DIR_OUT);
	p.src.family = p.dst.family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1::", p.src.from), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1::ffff", p.src.to), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:3::10", p.dst.from), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:3::10", p.dst.to), 1);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), 0);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), -EEXIST);
	ck_assert_uint_eq(kernel_ipsec_policy_count(k), 1);
	kernel_ipsec_free(k);
}
END_TEST

struct ev_log {
	size_t n;
	struct kernel_event last;
	size_t sas_at_event;
	struct kernel_ipsec *k;
};

static void on_event(void *ctx, const struct kernel_event *ev)
{
	struct ev_log *l = ctx;

	l->n++;
	l->last = *ev;
	l->sas_at_event = kernel_ipsec_sa_count(l->k);
}

START_TEST(test_kernel_ipsec_events)
{
	struct ev_log log = { 0 };
	struct kernel_ipsec *k = NULL;
	struct kernel_sa sa = base_sa(0x7000);
	struct kernel_policy trap = base_policy(KERNEL_DIR_OUT);

	ck_assert_int_eq(kernel_ipsec_new(&k, "null", NULL, on_event, &log), 0);
	log.k = k;
	sa.reqid = 42;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	ck_assert_int_eq(kernel_null_expire(k, 0x7001, IPPROTO_ESP, &sa.dst, false), -ENOENT);
	ck_assert_uint_eq(log.n, 0);

	ck_assert_int_eq(kernel_null_expire(k, 0x7000, IPPROTO_ESP, &sa.dst, false), 0);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(log.last.type, KERNEL_EV_EXPIRE_SOFT);
	ck_assert_uint_eq(log.last.spi, 0x7000);
	ck_assert_uint_eq(log.last.protocol, IPPROTO_ESP);
	ck_assert_uint_eq(log.last.reqid, 42);
	ck_assert_int_eq(memcmp(&log.last.dst, &sa.dst, sizeof(sa.dst)), 0);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 1); /* soft: the SA stays */

	ck_assert_int_eq(kernel_null_expire(k, 0x7000, IPPROTO_ESP, &sa.dst, true), 0);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.last.type, KERNEL_EV_EXPIRE_HARD);
	ck_assert_uint_eq(log.last.spi, 0x7000);
	ck_assert_uint_eq(log.last.reqid, 42);
	ck_assert_uint_eq(log.sas_at_event, 0); /* hard: gone before the event */
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x7000, IPPROTO_ESP, &sa.dst), -ENOENT);
	ck_assert_int_eq(kernel_null_expire(k, 0x7000, IPPROTO_ESP, &sa.dst, true), -ENOENT);
	ck_assert_uint_eq(log.n, 2);

	/* a trap policy (reqid, no SA) acquires towards its template */
	ck_assert_int_eq(kernel_null_acquire(k, &trap), -ENOENT);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &trap), 0);
	ck_assert_int_eq(kernel_null_acquire(k, &trap), 0);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_int_eq(log.last.type, KERNEL_EV_ACQUIRE);
	ck_assert_uint_eq(log.last.spi, 0);
	ck_assert_uint_eq(log.last.protocol, IPPROTO_ESP);
	ck_assert_uint_eq(log.last.reqid, 7);
	ck_assert_int_eq(memcmp(&log.last.dst, &trap.tmpl_dst, sizeof(trap.tmpl_dst)), 0);
	kernel_ipsec_free(k);

	/* without a callback events are dropped */
	k = null_new();
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	ck_assert_int_eq(kernel_null_expire(k, 0x7000, IPPROTO_ESP, &sa.dst, true), 0);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 0);
	kernel_ipsec_free(k);
}
END_TEST

/* Many SAs (the tables grow), reservations and policies: free() releases all. */
START_TEST(test_kernel_ipsec_free_releases_everything)
{
	struct kernel_ipsec *k = null_new();
	struct sockaddr_storage carol = v4("192.168.0.100", 4500), moon = v4("192.168.0.1", 4500);
	struct kernel_ts tl = ts4("10.1.0.0", "10.1.255.255"), tr[3];
	struct kernel_sa_state st;
	enum { N = 3000 };

	for (int i = 0; i < 3; i++)
		tr[i] = ts4("10.3.0.10", "10.3.0.20");
	for (uint32_t i = 0; i < N; i++) {
		struct kernel_sa sa = base_sa(0x10000 + i);
		struct kernel_policy p = base_policy(KERNEL_DIR_OUT);
		uint32_t spi;

		sa.encr_id = KERNEL_ENCR_AES_CBC;
		sa.integ_id = KERNEL_INTEG_HMAC_SHA2_512_256;
		sa.encr_key.len = 16;
		sa.integ_key = (struct secret){ KEY, 64 };
		sa.ts_local = &tl;
		sa.n_ts_local = 1;
		sa.ts_remote = tr;
		sa.n_ts_remote = 3;
		ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
		ck_assert_int_eq(kernel_ipsec_alloc_spi(k, &carol, &moon, IPPROTO_ESP, &spi), 0);
		p.dst.to[3] = p.dst.from[3] = (uint8_t)i;
		p.dst.to[2] = p.dst.from[2] = (uint8_t)(i >> 8);
		ck_assert_int_eq(kernel_ipsec_add_policy(k, &p), 0);
	}
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), N);
	ck_assert_uint_eq(kernel_ipsec_policy_count(k), N);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x10000 + i, IPPROTO_ESP, &carol, &st),
				 0);
	for (uint32_t i = 0; i < N; i += 2)
		ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x10000 + i, IPPROTO_ESP, &carol), 0);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), N / 2);
	kernel_ipsec_free(k);
}
END_TEST

/* The backend is logged at LOG_INFO, SA changes at LOG_DEBUG, key bytes never. */
START_TEST(test_kernel_ipsec_log_names_backend_not_keys)
{
	char path[] = "/tmp/ikn-knl-XXXXXX", text[16384];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	struct kernel_ipsec *k;
	struct kernel_sa sa = base_sa(0x8000);
	FILE *f;
	size_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	log_init("check_kernel", LOG_TARGET_STDERR, LOG_DEBUG);
	k = null_new();
	sa.encr_key.len = 36;
	sa.encr_key_bits = 256;
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x8000, IPPROTO_ESP, &sa.dst), 0);
	kernel_ipsec_free(k);
	log_fini();
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	close(fd);
	unlink(path);
	ck_assert_msg(strstr(text, "knl") && strstr(text, "data plane backend: null"), "got: %s",
		      text);
	ck_assert_msg(strstr(text, "add SA 00008000") && strstr(text, "delete SA 00008000"),
		      "got: %s", text);
	ck_assert_ptr_null(strstr(text, "K3Y!"));
	ck_assert_ptr_null(strstr(text, "4b335921"));
	ck_assert_ptr_null(strstr(text, "4B335921"));
}
END_TEST

Suite *kernel_ipsec_suite(void)
{
	Suite *s = suite_create("kernel_ipsec");
	TCase *tc = tcase_create("null");

	tcase_add_test(tc, test_kernel_ipsec_input);
	tcase_add_test(tc, test_kernel_ipsec_backend_null);
	tcase_add_loop_test(tc, test_kernel_ipsec_add_sa_validation, 0, (int)ARRAY_SIZE(sa_cases));
	tcase_add_test(tc, test_kernel_ipsec_alloc_spi);
	tcase_add_test(tc, test_kernel_ipsec_sa_identity);
	tcase_add_test(tc, test_kernel_ipsec_add_sa_copies);
	tcase_add_test(tc, test_kernel_ipsec_update_sa);
	tcase_add_test(tc, test_kernel_ipsec_query_and_set_seq);
	tcase_add_loop_test(tc, test_kernel_ipsec_set_replay, 0, (int)ARRAY_SIZE(replay_cases));
	tcase_add_test(tc, test_kernel_ipsec_set_replay_errors);
	tcase_add_test(tc, test_kernel_ipsec_policies);
	tcase_add_test(tc, test_kernel_ipsec_policy_validation);
	tcase_add_test(tc, test_kernel_ipsec_events);
	tcase_add_test(tc, test_kernel_ipsec_free_releases_everything);
	tcase_add_test(tc, test_kernel_ipsec_log_names_backend_not_keys);
	suite_add_tcase(s, tc);
	return s;
}
