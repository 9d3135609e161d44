/*
 * NAT detection hashes (RFC 7296 §2.23): against SHA-1 of hand-built bytes
 * (OpenSSL's EVP_Q_digest) and digests computed with Python's hashlib, and
 * against the NAT_DETECTION_DESTINATION_IP notifies of a real strongSwan 5.9
 * IKE_SA_INIT exchange between 192.168.0.100[500] and 192.168.0.1[500]
 * (testing/data/strongswan-psk.pcap).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/buf.h"
#include "common/defs.h"
#include "ikenode/natd.h"
#include "ikenode/tests/strongswan_msgs.h"

Suite *natd_suite(void);

#define N_NATD_SRC 16388 /* NAT_DETECTION_SOURCE_IP (IANA notify message types) */
#define N_NATD_DST 16389
#define PLD_NOTIFY 41

static const uint8_t spi_a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t spi_b[8] = { 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8 };
static const uint8_t spi_zero[8];

static void mk_addr(const char *ip, uint16_t port, struct sockaddr_storage *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
	}
}

START_TEST(test_natd_input)
{
	struct sockaddr_storage sa;
	uint8_t out[NATD_HASH_LEN];

	mk_addr("192.0.2.1", 500, &sa);
	ck_assert_int_eq(natd_hash(NULL, spi_b, &sa, out), -EINVAL);
	ck_assert_int_eq(natd_hash(spi_a, NULL, &sa, out), -EINVAL);
	ck_assert_int_eq(natd_hash(spi_a, spi_b, NULL, out), -EINVAL);
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &sa, NULL), -EINVAL);
	memset(&sa, 0, sizeof(sa));
	sa.ss_family = AF_UNIX;
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &sa, out), -EINVAL);
	sa.ss_family = AF_UNSPEC;
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &sa, out), -EINVAL);
}
END_TEST

/* Digests from Python: hashlib.sha1(spi_i + spi_r + inet_pton(ip) + struct.pack('>H', port)) */
static const struct {
	const uint8_t *spi_r;
	const char *ip;
	uint16_t port;
	const char *sha1;
} vectors[] = {
	{ spi_b, "2001:db8::1", 4500, "8824088739dbe8e361194781f800db0c6f425d20" },
	{ spi_b, "192.0.2.1", 500, "2e531089ab4769fcc300eead72f379aab0c57726" },
	{ spi_zero, "198.51.100.7", 65535, "ed1b6bcbead87259953c794d32350165764cceeb" },
};

START_TEST(test_natd_hash_vectors)
{
	struct sockaddr_storage sa;
	uint8_t out[NATD_HASH_LEN], want[NATD_HASH_LEN], bytes[8 + 8 + 16 + 2],
		ref[EVP_MAX_MD_SIZE];
	size_t n = 0, alen, ref_len = 0;
	bool v6 = strchr(vectors[_i].ip, ':') != NULL;

	mk_addr(vectors[_i].ip, vectors[_i].port, &sa);
	ck_assert_int_eq(natd_hash(spi_a, vectors[_i].spi_r, &sa, out), 0);
	ck_assert_int_eq(hex_decode(vectors[_i].sha1, want, sizeof(want), &n), 0);
	ck_assert_uint_eq(n, NATD_HASH_LEN);
	ck_assert_mem_eq(out, want, NATD_HASH_LEN);

	/* the same bytes built by hand, through OpenSSL's one-shot digest */
	memcpy(bytes, spi_a, 8);
	memcpy(bytes + 8, vectors[_i].spi_r, 8);
	alen = v6 ? 16 : 4;
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, vectors[_i].ip, bytes + 16), 1);
	bytes[16 + alen] = (uint8_t)(vectors[_i].port >> 8);
	bytes[16 + alen + 1] = (uint8_t)vectors[_i].port;
	ck_assert_int_eq(EVP_Q_digest(NULL, "SHA1", NULL, bytes, 16 + alen + 2, ref, &ref_len), 1);
	ck_assert_uint_eq(ref_len, NATD_HASH_LEN);
	ck_assert_mem_eq(out, ref, NATD_HASH_LEN);
}
END_TEST

/* Each input field changes the hash. */
START_TEST(test_natd_hash_covers_fields)
{
	struct sockaddr_storage sa, other;
	uint8_t h0[NATD_HASH_LEN], h[NATD_HASH_LEN];

	mk_addr("192.0.2.1", 500, &sa);
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &sa, h0), 0);
	ck_assert_int_eq(natd_hash(spi_b, spi_b, &sa, h), 0);
	ck_assert_mem_ne(h0, h, NATD_HASH_LEN);
	ck_assert_int_eq(natd_hash(spi_a, spi_a, &sa, h), 0);
	ck_assert_mem_ne(h0, h, NATD_HASH_LEN);
	mk_addr("192.0.2.1", 4500, &other);
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &other, h), 0);
	ck_assert_mem_ne(h0, h, NATD_HASH_LEN);
	mk_addr("192.0.2.2", 500, &other);
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &other, h), 0);
	ck_assert_mem_ne(h0, h, NATD_HASH_LEN);
	mk_addr("::ffff:192.0.2.1", 500, &other);
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &other, h), 0);
	ck_assert_mem_ne(h0, h, NATD_HASH_LEN);
	/* deterministic */
	ck_assert_int_eq(natd_hash(spi_a, spi_b, &sa, h), 0);
	ck_assert_mem_eq(h0, h, NATD_HASH_LEN);
}
END_TEST

/*
 * The data of notify type in an IKE message, walking the payload chain by
 * hand (RFC 7296 §3.2, §3.10): generic header, protocol ID, SPI size, type.
 */
static const uint8_t *find_notify(const uint8_t *msg, size_t len, uint16_t type, size_t *dlen)
{
	size_t off = 28;
	uint8_t next = msg[16];

	while (next && off + 4 <= len) {
		size_t plen = (size_t)msg[off + 2] << 8 | msg[off + 3];

		ck_assert_uint_ge(plen, 4);
		ck_assert_uint_le(off + plen, len);
		if (next == PLD_NOTIFY) {
			uint8_t spi_size = msg[off + 5];
			uint16_t t = (uint16_t)(msg[off + 6] << 8 | msg[off + 7]);

			if (t == type) {
				*dlen = plen - 8 - spi_size;
				return msg + off + 8 + spi_size;
			}
		}
		next = msg[off];
		off += plen;
	}
	return NULL;
}

static const struct {
	const char *name;
	const char *hex;
	const char *src, *dst; /* the sender and the receiver, port 500 */
} ss_msgs[] = {
	{ "request", strongswan_sa_init_req_hex, "192.168.0.100", "192.168.0.1" },
	{ "response", strongswan_sa_init_resp_hex, "192.168.0.1", "192.168.0.100" },
};

START_TEST(test_natd_hash_strongswan)
{
	uint8_t msg[1024], h[NATD_HASH_LEN];
	const uint8_t *data;
	struct sockaddr_storage sa;
	size_t len = 0, dlen = 0;

	ck_assert_int_eq(hex_decode(ss_msgs[_i].hex, msg, sizeof(msg), &len), 0);
	ck_assert_uint_ge(len, 28);

	/* the destination hash: both SPIs from the header (SPIr zero in the request) */
	data = find_notify(msg, len, N_NATD_DST, &dlen);
	ck_assert_msg(data != NULL, "%s: no NAT_DETECTION_DESTINATION_IP", ss_msgs[_i].name);
	ck_assert_uint_eq(dlen, NATD_HASH_LEN);
	mk_addr(ss_msgs[_i].dst, 500, &sa);
	ck_assert_int_eq(natd_hash(msg, msg + 8, &sa, h), 0);
	ck_assert_mem_eq(h, data, NATD_HASH_LEN);

	/*
	 * The source hash: both peers ran with swanctl "encap = yes"
	 * (testing/data/settings/), for which strongSwan sends a faked
	 * NAT_DETECTION_SOURCE_IP to force UDP encapsulation: it must not
	 * match the real source, which is how the peer detects "a NAT".
	 */
	data = find_notify(msg, len, N_NATD_SRC, &dlen);
	ck_assert_msg(data != NULL, "%s: no NAT_DETECTION_SOURCE_IP", ss_msgs[_i].name);
	ck_assert_uint_eq(dlen, NATD_HASH_LEN);
	mk_addr(ss_msgs[_i].src, 500, &sa);
	ck_assert_int_eq(natd_hash(msg, msg + 8, &sa, h), 0);
	ck_assert_mem_ne(h, data, NATD_HASH_LEN);
}
END_TEST

Suite *natd_suite(void)
{
	Suite *s = suite_create("natd");
	TCase *tc = tcase_create("natd");

	tcase_add_test(tc, test_natd_input);
	tcase_add_loop_test(tc, test_natd_hash_vectors, 0, (int)ARRAY_SIZE(vectors));
	tcase_add_test(tc, test_natd_hash_covers_fields);
	tcase_add_loop_test(tc, test_natd_hash_strongswan, 0, (int)ARRAY_SIZE(ss_msgs));
	suite_add_tcase(s, tc);
	return s;
}
