#include <check.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "ikenode/decode_keys.h"
#include "ikenode/decode_pcap.h"

#define SAMPLE_PCAP TOP_SRCDIR "/testing/data/strongswan-psk.pcap"
#define SAMPLE_KEYS TOP_SRCDIR "/testing/data/strongswan-psk.keys"

/* Ethernet + IPv4 + UDP 192.168.0.100:4500 -> 192.168.0.1:4500 around a payload */
static size_t frame_v4(uint8_t *f, const uint8_t *payload, size_t len, uint16_t port)
{
	struct wbuf w = wbuf_init(f, 1500);
	static const uint8_t src[4] = { 192, 168, 0, 100 }, dst[4] = { 192, 168, 0, 1 };

	ck_assert_int_eq(wbuf_put_zero(&w, 12), 0);
	ck_assert_int_eq(wbuf_put_u16(&w, 0x0800), 0);
	ck_assert_int_eq(wbuf_put_u8(&w, 0x45), 0);
	ck_assert_int_eq(wbuf_put_u8(&w, 0), 0);
	ck_assert_int_eq(wbuf_put_u16(&w, (uint16_t)(28 + len)), 0);
	ck_assert_int_eq(wbuf_put_u32(&w, 0), 0); /* id, no fragment */
	ck_assert_int_eq(wbuf_put_u16(&w, 0x4011), 0); /* ttl, UDP */
	ck_assert_int_eq(wbuf_put_u16(&w, 0), 0);
	ck_assert_int_eq(wbuf_put_bytes(&w, src, 4), 0);
	ck_assert_int_eq(wbuf_put_bytes(&w, dst, 4), 0);
	ck_assert_int_eq(wbuf_put_u16(&w, port), 0);
	ck_assert_int_eq(wbuf_put_u16(&w, port), 0);
	ck_assert_int_eq(wbuf_put_u16(&w, (uint16_t)(8 + len)), 0);
	ck_assert_int_eq(wbuf_put_u16(&w, 0), 0);
	ck_assert_int_eq(wbuf_put_bytes(&w, payload, len), 0);
	return w.len;
}

START_TEST(test_decode_input)
{
	struct decode_pkt pkt;
	struct decode_keys *keys;
	uint8_t b[1] = { 0 };
	char err[64];

	ck_assert_int_eq(decode_frame(DLT_EN10MB, NULL, 0, &pkt), -EINVAL);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, b, 1, NULL), -EINVAL);
	ck_assert_int_eq(decode_frame(12345, b, 1, &pkt), -EPROTONOSUPPORT);
	ck_assert_int_eq(decode_keys_parse(NULL, 0, &keys, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(decode_keys_load("/nonexistent/keys", &keys, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/keys"));
}
END_TEST

/* the strongSwan capture: 12 IKE messages, IKE_SA_INIT on 500, the rest on 4500 */
START_TEST(test_decode_finds_every_message_of_a_real_capture)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(SAMPLE_PCAP, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	int n = 0, on500 = 0;

	ck_assert_msg(p != NULL, "%s", errbuf);
	while (pcap_next_ex(p, &h, &data) == 1) {
		struct decode_pkt pkt;
		uint8_t version;

		ck_assert_int_eq(decode_frame(pcap_datalink(p), data, h->caplen, &pkt), 0);
		ck_assert_int_eq(pkt.family, AF_INET);
		ck_assert_uint_ge(pkt.ike_len, 28);
		/* the IKE header's version byte: major 2, minor 0 */
		version = pkt.ike[17];
		ck_assert_uint_eq(version, 0x20);
		on500 += pkt.sport == 500;
		n++;
	}
	pcap_close(p);
	ck_assert_int_eq(n, 12);
	ck_assert_int_eq(on500, 4); /* two IKE_SA_INIT exchanges */
}
END_TEST

START_TEST(test_decode_skips_esp_keepalive_and_fragments)
{
	uint8_t f[1500], esp[32] = { 0xc1, 0x43, 0xfa, 0x01 }, keepalive[1] = { 0xff };
	uint8_t ike[32] = { 0 };
	struct decode_pkt pkt;
	size_t len;

	len = frame_v4(f, esp, sizeof(esp), 4500);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, len, &pkt), -ENOENT);
	len = frame_v4(f, keepalive, sizeof(keepalive), 4500);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, len, &pkt), -ENOENT);
	len = frame_v4(f, ike, sizeof(ike), 53);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, len, &pkt), -ENOENT);
	/* marker + message on 4500: the marker is removed */
	len = frame_v4(f, ike, sizeof(ike), 4500);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, len, &pkt), 0);
	ck_assert_uint_eq(pkt.ike_len, sizeof(ike) - 4);
	/* more fragments set */
	f[20] = 0x20;
	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, len, &pkt), -ENOENT);
}
END_TEST

START_TEST(test_decode_truncated_frames_are_malformed)
{
	uint8_t f[1500], ike[40] = { 0 };
	struct decode_pkt pkt;
	size_t len = frame_v4(f, ike, sizeof(ike), 500);

	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, len, &pkt), 0);
	ck_assert_uint_eq(pkt.ike_len, sizeof(ike));
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(decode_frame(DLT_EN10MB, f, cut, &pkt), -EBADMSG);
	/* an IP header length below 20 */
	f[14] = 0x44;
	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, len, &pkt), -EBADMSG);
}
END_TEST

START_TEST(test_decode_ipv6_vlan_and_cooked)
{
	uint8_t f[200] = { 0 }, *ip;
	struct decode_pkt pkt;
	size_t hdr;

	/* SLL2: protocol 0x86dd, then 18 bytes */
	f[0] = 0x86, f[1] = 0xdd;
	hdr = 20;
	ip = f + hdr;
	ip[0] = 0x60;
	ip[5] = 8 + 28; /* payload length: UDP + 28-byte message */
	ip[6] = 17;
	ip[23] = 1, ip[39] = 2;
	ip[40] = 0x01, ip[41] = 0xf4, ip[42] = 0x01, ip[43] = 0xf4; /* 500 -> 500 */
	ip[45] = 8 + 28;
	ck_assert_int_eq(decode_frame(DLT_LINUX_SLL2, f, hdr + 40 + 8 + 28, &pkt), 0);
	ck_assert_int_eq(pkt.family, AF_INET6);
	ck_assert_uint_eq(pkt.ike_len, 28);
	ck_assert_uint_eq(pkt.dst[15], 2);

	/* the same IPv6 packet behind Ethernet with one VLAN tag */
	memmove(f + 18, ip, 40 + 8 + 28);
	memset(f, 0, 18);
	f[12] = 0x81, f[13] = 0x00, f[16] = 0x86, f[17] = 0xdd;
	ck_assert_int_eq(decode_frame(DLT_EN10MB, f, 18 + 40 + 8 + 28, &pkt), 0);
	ck_assert_uint_eq(pkt.ike_len, 28);
}
END_TEST

static const struct {
	const char *text;
	const char *error; /* NULL: accepted */
} key_lines[] = {
	{ "0102030405060708,1112131415161718,\"00112233445566778899aabbccddeeff\","
	  "\"00112233445566778899aabbccddeeff\",\"AES-CBC-128 [RFC3602]\","
	  "\"000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f\","
	  "\"000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f\","
	  "\"HMAC_SHA2_256_128 [RFC4868]\"", NULL },
	{ "# comment\n\n0102030405060708,1112131415161718,"
	  "00112233445566778899aabbccddeeff00112233,00112233445566778899aabbccddeeff00112233,"
	  "\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"", NULL },
	{ "0102030405060708,1112131415161718", "1: expected 8" },
	{ "01020304,1112131415161718,a,b,\"AES-CBC-128 [RFC3602]\",c,d,\"NONE [RFC4306]\"",
	  "1: SPIs" },
	{ "0102030405060708,1112131415161718,00,00,\"DES [RFC2405]\",,,\"NONE [RFC4306]\"",
	  "unsupported encryption" },
	{ "\n0102030405060708,1112131415161718,00,00,\"AES-CBC-128 [RFC3602]\",,,"
	  "\"NONE [RFC4306]\"", "2: AES-CBC needs" },
	{ "0102030405060708,1112131415161718,0011,0011,\"AES-GCM-128 with 16 octet ICV "
	  "[RFC5282]\",,,\"NONE [RFC4306]\"", "keys must be hex of 20" },
	{ "0102030405060708,1112131415161718,\"unterminated", "expected 8" },
};

START_TEST(test_decode_key_table_lines)
{
	struct decode_keys *keys = NULL;
	char err[128];
	const char *t = key_lines[_i].text;
	int rc = decode_keys_parse(t, strlen(t), &keys, err, sizeof(err));

	if (!key_lines[_i].error) {
		static const uint8_t spi_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		static const uint8_t spi_r[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };
		const struct decode_key *k;

		ck_assert_msg(rc == 0, "line %d: %s", _i, err);
		ck_assert_uint_eq(decode_keys_count(keys), 1);
		k = decode_keys_find(keys, spi_i, spi_r);
		ck_assert_ptr_nonnull(k);
		ck_assert_ptr_null(decode_keys_find(keys, spi_r, spi_i));
		ck_assert_uint_eq(k->encr_key_bits, 128);
		ck_assert_uint_eq(k->sk_ei.len, k->encr_id == 20 ? 20 : 16);
		decode_keys_free(keys);
	} else {
		ck_assert_int_eq(rc, -EBADMSG);
		ck_assert_msg(strstr(err, key_lines[_i].error), "got '%s'", err);
	}
}
END_TEST

START_TEST(test_decode_sample_key_file_loads)
{
	struct decode_keys *keys;
	char err[256];

	ck_assert_msg(decode_keys_load(SAMPLE_KEYS, &keys, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(decode_keys_count(keys), 2);
	decode_keys_free(keys);
}
END_TEST

Suite *decode_suite(void);
Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_decode_input);
	tcase_add_test(tc, test_decode_finds_every_message_of_a_real_capture);
	tcase_add_test(tc, test_decode_skips_esp_keepalive_and_fragments);
	tcase_add_test(tc, test_decode_truncated_frames_are_malformed);
	tcase_add_test(tc, test_decode_ipv6_vlan_and_cooked);
	tcase_add_loop_test(tc, test_decode_key_table_lines, 0, ARRAY_SIZE(key_lines));
	tcase_add_test(tc, test_decode_sample_key_file_loads);
	suite_add_tcase(s, tc);
	return s;
}
