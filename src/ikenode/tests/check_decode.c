#include <check.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "common/buf.h"
#include "ikenode/decode_emit.h"
#include "ikenode/decode_frag.h"
#include "ikenode/decode_keys.h"
#include "ikenode/decode_pcap.h"
#include "ikenode/decode_print.h"
#include "ikenode/decode_sk.h"
#include "ikenode/ike_names.h"

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
	ck_assert_int_eq(decode_pcap_each(NULL, NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(decode_emit_new(NULL, stdout, false), -EINVAL);
	ck_assert_int_eq(decode_printer_new(NULL, stdout, false, NULL), -EINVAL);
	ck_assert_int_eq(decode_printer_message(NULL, NULL, b, 1), -EINVAL);
	ck_assert_int_eq(decode_sk_new(NULL), -EINVAL);
	ck_assert_int_eq(decode_frags_new(NULL), -EINVAL);
}
END_TEST

static int count_pkt(void *ctx, unsigned long frame, const struct timeval *ts,
		     const struct decode_pkt *pkt)
{
	unsigned long *n = ctx;

	ck_assert_uint_gt(frame, 0);
	ck_assert_ptr_nonnull(ts);
	ck_assert_uint_eq(pkt->dport == 500 || pkt->dport == 4500, 1);
	(*n)++;
	return 0;
}

START_TEST(test_decode_walks_a_capture)
{
	char errbuf[PCAP_ERRBUF_SIZE], err[PCAP_ERRBUF_SIZE + 64];
	struct decode_pcap_stats stats;
	pcap_t *p = pcap_open_offline(SAMPLE_PCAP, errbuf);
	unsigned long n = 0;

	ck_assert_msg(p != NULL, "%s", errbuf);
	ck_assert_int_eq(decode_pcap_each(p, count_pkt, &n, &stats, err, sizeof(err)), 0);
	pcap_close(p);
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(stats.frames, 12);
	ck_assert_uint_eq(stats.ike, 12);
	ck_assert_uint_eq(stats.other + stats.malformed, 0);
}
END_TEST

/* both forms of one message with a peer string that needs escaping */
static char *emit_sample(bool json)
{
	static const uint8_t spi[8] = { 0x16, 0x4a, 0x4e, 0xd0, 0x91, 0x7b, 0x76, 0x92 };
	struct decode_emit *e;
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(decode_emit_new(&e, f, json), 0);
	decode_emit_message_begin(e, "frame 1");
	decode_emit_hex(e, "spi_i", spi, sizeof(spi));
	decode_emit_named(e, "exchange", 34, "IKE_SA_INIT");
	decode_emit_list(e, "payloads");
	decode_emit_begin_typed(e, "payload", "type", 35, "IDi");
	decode_emit_str(e, "id", "a\"b\\\xff\n", 6);
	decode_emit_bool(e, "critical", false);
	decode_emit_end(e);
	decode_emit_end(e);
	decode_emit_message_end(e);
	decode_emit_message_begin(e, "frame 2");
	decode_emit_uint(e, "length", 28);
	decode_emit_message_end(e);
	decode_emit_free(e);
	fclose(f);
	return text;
}

START_TEST(test_decode_emits_text_and_valid_json)
{
	char *text = emit_sample(false), *json = emit_sample(true);
	struct json_object *root = json_tokener_parse(json), *m, *v;

	ck_assert_ptr_nonnull(strstr(text, "frame 1\n  spi_i: 164a4ed0917b7692\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  exchange: IKE_SA_INIT (34)\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  payload IDi (35)\n    id: a\"b\\x5c\\xff\\x0a\n"));
	ck_assert_msg(root != NULL, "%s", json);
	ck_assert_int_eq(json_object_array_length(root), 2);
	m = json_object_array_get_idx(root, 0);
	ck_assert(json_object_object_get_ex(m, "exchange_name", &v));
	ck_assert_str_eq(json_object_get_string(v), "IKE_SA_INIT");
	ck_assert(json_object_object_get_ex(m, "payloads", &v));
	v = json_object_array_get_idx(v, 0);
	ck_assert(json_object_object_get_ex(v, "type", &m));
	ck_assert_int_eq(json_object_get_int(m), 35);
	json_object_put(root);
	free(text);
	free(json);
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
	{ "0102030405060708,1112131415161718,00112233445566778899aabbccddeeff,"
	  "00112233445566778899aabbccddeeff,\"AES-CBC-128 [RFC3602]\","
	  "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f,"
	  "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f,"
	  "\"HMAC_SHA2_256_128 [RFC4868]\"\r\n", NULL },
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
	{ "0102030405060708,1112131415161718,\"00112233445566778899aabbccddeeff\","
	  "00112233445566778899aabbccddeeff,\"AES-CBC-128 [RFC3602]\",,,\"NONE [RFC4306]\"",
	  "1: SK_ei is quoted" },
	{ "0102030405060708,1112131415161718,00,00,AES-CBC-128,,,NONE", "unsupported encryption" },
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

/* The sample capture through the printer (JSON), with the given key table text. */
struct printed {
	struct json_object *msgs;
	struct decode_print_stats stats;
	int icv_rc; /* how many messages returned -EACCES */
};

static int print_pkt(void *ctx, unsigned long frame, const struct timeval *ts,
		     const struct decode_pkt *pkt)
{
	struct decode_source src = { .index = frame, .ts = ts, .pkt = pkt };
	int *icv = ((void **)ctx)[1];

	if (decode_printer_message(((void **)ctx)[0], &src, pkt->ike, pkt->ike_len) == -EACCES)
		(*icv)++;
	return 0;
}

static void print_sample(const char *keys_text, struct printed *out)
{
	char errbuf[PCAP_ERRBUF_SIZE], err[PCAP_ERRBUF_SIZE + 64];
	pcap_t *p = pcap_open_offline(SAMPLE_PCAP, errbuf);
	struct decode_keys *keys = NULL;
	struct decode_printer *pr;
	struct decode_pcap_stats ps;
	char *json = NULL;
	size_t len;
	FILE *f = open_memstream(&json, &len);
	void *ctx[2];

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(f);
	if (keys_text)
		ck_assert_int_eq(decode_keys_parse(keys_text, strlen(keys_text), &keys, err,
						   sizeof(err)), 0);
	ck_assert_int_eq(decode_printer_new(&pr, f, true, keys), 0);
	out->icv_rc = 0;
	ctx[0] = pr;
	ctx[1] = &out->icv_rc;
	ck_assert_int_eq(decode_pcap_each(p, print_pkt, ctx, &ps, err, sizeof(err)), 0);
	decode_printer_stats(pr, &out->stats);
	decode_printer_free(pr);
	fclose(f);
	pcap_close(p);
	decode_keys_free(keys);
	out->msgs = json_tokener_parse(json);
	ck_assert_msg(out->msgs != NULL, "not JSON: %.200s", json);
	free(json);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* "IDi AUTH SA TSi TSr": the payload types of a JSON payload list */
static void types_of(struct json_object *list, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "",
			 get_str(json_object_array_get_idx(list, i), "type_name"));
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	static const size_t cap = 4096;
	char *t = calloc(1, cap);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(t);
	n = fread(t, 1, cap - 1, f);
	t[n] = '\0';
	fclose(f);
	return t;
}

START_TEST(test_decode_decrypts_a_real_capture)
{
	char *keys = read_text(SAMPLE_KEYS);
	struct printed out;
	char types[256];

	print_sample(keys, &out);
	ck_assert_int_eq(json_object_array_length(out.msgs), 12);
	for (size_t i = 0; i < 12; i++) {
		struct json_object *m = json_object_array_get_idx(out.msgs, i), *pl, *hdr, *sk;
		bool response;

		ck_assert(json_object_object_get_ex(m, "header", &hdr));
		ck_assert(json_object_object_get_ex(m, "payloads", &pl));
		if (strcmp(get_str(hdr, "exchange_name"), "IKE_SA_INIT") == 0) {
			types_of(pl, types, sizeof(types));
			ck_assert_msg(strncmp(types, "SA KE Nonce Notify Notify", 25) == 0, "%s", types);
			continue;
		}
		sk = json_object_array_get_idx(pl, json_object_array_length(pl) - 1);
		ck_assert_str_eq(get_str(sk, "type_name"), "SK");
		ck_assert_str_eq(get_str(sk, "decryption"), "ok");
		ck_assert(json_object_object_get_ex(sk, "payloads", &pl));
		types_of(pl, types, sizeof(types));
		response = strchr(get_str(hdr, "flags_name"), 'R') != NULL;
		if (strcmp(get_str(hdr, "exchange_name"), "IKE_AUTH") == 0)
			ck_assert_msg(strstr(types, response ? "IDr" : "IDi") && strstr(types, "AUTH") &&
					      strstr(types, "SA TSi TSr"),
				      "frame %zu: %s", i + 1, types);
		else if (!response) /* MOBIKE's address update */
			ck_assert_msg(strcmp(types, "Notify") == 0, "frame %zu: %s", i + 1, types);
		else /* and its empty response */
			ck_assert_msg(strcmp(types, "") == 0, "frame %zu: %s", i + 1, types);
	}
	ck_assert_uint_eq(out.stats.messages, 12);
	ck_assert_uint_eq(out.stats.decrypted, 8); /* 2 x (IKE_AUTH + INFORMATIONAL), both ways */
	ck_assert_uint_eq(out.stats.icv_failed + out.stats.malformed + out.stats.no_key, 0);
	ck_assert_int_eq(out.icv_rc, 0);
	json_object_put(out.msgs);
	free(keys);
}
END_TEST

START_TEST(test_decode_wrong_key_is_an_icv_failure)
{
	char *keys = read_text(SAMPLE_KEYS), *comma;
	struct printed out;

	/* change the first digit of every key (fields 3, 4, 6, 7; AEAD has
	 * no integrity keys): every SK payload fails its ICV */
	for (char *line = keys; line && *line; line = strchr(line, '\n') + 1) {
		comma = line;
		for (int field = 1; field <= 7; field++) {
			comma = strchr(comma, ',') + 1;
			if ((field == 2 || field == 3 || field == 5 || field == 6) &&
			    *comma != ',')
				*comma = *comma == '0' ? '1' : '0';
		}
	}
	print_sample(keys, &out);
	ck_assert_uint_eq(out.stats.icv_failed, 8);
	ck_assert_int_eq(out.icv_rc, 8);
	ck_assert_uint_eq(out.stats.decrypted + out.stats.malformed, 0);
	json_object_put(out.msgs);
	free(keys);
}
END_TEST

START_TEST(test_decode_without_keys_shows_the_clear_part)
{
	struct printed out;

	print_sample(NULL, &out);
	ck_assert_uint_eq(out.stats.no_key, 8);
	ck_assert_uint_eq(out.stats.decrypted + out.stats.icv_failed + out.stats.malformed, 0);
	json_object_put(out.msgs);
}
END_TEST

START_TEST(test_decode_malformed_message_is_reported)
{
	static const uint8_t hdr_only[28] = { 1, 2, 3, 4, 5, 6, 7, 8, [16] = 33, 0x20, 34, 0x08,
					      [27] = 28 };
	struct decode_source src = { .index = 1 };
	struct decode_printer *pr;
	struct decode_print_stats st;
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_int_eq(decode_printer_new(&pr, f, false, NULL), 0);
	/* next payload SA, but nothing follows */
	ck_assert_int_eq(decode_printer_message(pr, &src, hdr_only, sizeof(hdr_only)), -EBADMSG);
	/* shorter than a header */
	ck_assert_int_eq(decode_printer_message(pr, &src, hdr_only, 27), -EBADMSG);
	decode_printer_stats(pr, &st);
	decode_printer_free(pr);
	fclose(f);
	ck_assert_uint_eq(st.malformed, 2);
	ck_assert_ptr_nonnull(strstr(text, "input 1  IKE_SA_INIT request"));
	ck_assert_ptr_nonnull(strstr(text, "  error: "));
	ck_assert_ptr_nonnull(strstr(text, "input 1  not an IKEv2 message"));
	free(text);
}
END_TEST

/* testing/fuzz/corpus/ike_msg_sk/sealed-*: sealed with fuzz_ike_msg_sk.c's fixed keys */
static const struct {
	const char *seed, *keys;
} sealed_seeds[] = {
#define SEED_SPIS "a1a2a3a4a5a6a7a8,b1b2b3b4b5b6b7b8,"
#define SEED_CBC                                                                                 \
	SEED_SPIS "000102030405060708090a0b0c0d0e0f,000102030405060708090a0b0c0d0e0f,"             \
		  "\"AES-CBC-128 [RFC3602]\","                                                      \
		  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,"             \
		  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,"             \
		  "\"HMAC_SHA2_256_128 [RFC4868]\""
#define SEED_GCM                                                                                 \
	"a1a2a3a4a5a6a7a8,b1b2b3b4b5b6b7b9,"                                                     \
	"101112131415161718191a1b1c1d1e1f20212223,101112131415161718191a1b1c1d1e1f20212223,"     \
	"\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\""
	{ "sealed-cbc-auth", SEED_CBC },  { "sealed-cbc-empty", SEED_CBC },
	{ "sealed-cbc-skf1", SEED_CBC },  { "sealed-cbc-skf2", SEED_CBC },
	{ "sealed-gcm-auth", SEED_GCM },  { "sealed-gcm-empty", SEED_GCM },
	{ "sealed-gcm-skf1", SEED_GCM },  { "sealed-gcm-skf2", SEED_GCM },
};

/* the fuzzer reaches the inner parser only while its seeds still decrypt */
START_TEST(test_decode_sealed_fuzz_seeds_decrypt)
{
	char path[512], err[256];
	uint8_t msg[2048];
	struct decode_keys *keys;
	struct decode_printer *pr;
	struct decode_print_stats st;
	struct decode_source src = { .index = 1 };
	FILE *f, *out = fopen("/dev/null", "w");
	size_t len;

	snprintf(path, sizeof(path), "%s/testing/fuzz/corpus/ike_msg_sk/%s", TOP_SRCDIR,
		 sealed_seeds[_i].seed);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	len = fread(msg, 1, sizeof(msg), f);
	fclose(f);
	ck_assert_int_eq(decode_keys_parse(sealed_seeds[_i].keys, strlen(sealed_seeds[_i].keys),
					   &keys, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(decode_printer_new(&pr, out, false, keys), 0);
	ck_assert_int_eq(decode_printer_message(pr, &src, msg, len), 0);
	decode_printer_stats(pr, &st);
	ck_assert_uint_eq(st.decrypted, 1);
	decode_printer_free(pr);
	decode_keys_free(keys);
	fclose(out);
}
END_TEST

static uint8_t *read_seed(const char *name, size_t *len)
{
	char path[512];
	uint8_t *msg = malloc(2048);
	FILE *f;

	snprintf(path, sizeof(path), "%s/testing/fuzz/corpus/ike_msg_sk/%s", TOP_SRCDIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_ptr_nonnull(msg);
	*len = fread(msg, 1, 2048, f);
	fclose(f);
	return msg;
}

/* the two SKF fragments of an IKE_AUTH request, in either order, are joined */
START_TEST(test_decode_reassembles_skf_fragments)
{
	static const char *const order[2][2] = { { "sealed-cbc-skf1", "sealed-cbc-skf2" },
						 { "sealed-cbc-skf2", "sealed-cbc-skf1" } };
	struct decode_source src = { .index = 1 };
	struct decode_keys *keys;
	struct decode_printer *pr;
	struct json_object *root, *sk, *pl;
	char *json = NULL, err[256], types[256];
	size_t len;
	FILE *f = open_memstream(&json, &len);

	ck_assert_int_eq(decode_keys_parse(SEED_CBC, strlen(SEED_CBC), &keys, err, sizeof(err)), 0);
	ck_assert_int_eq(decode_printer_new(&pr, f, true, keys), 0);
	for (int i = 0; i < 2; i++) {
		uint8_t *msg = read_seed(order[_i][i], &len);

		ck_assert_int_eq(decode_printer_message(pr, &src, msg, len), 0);
		free(msg);
	}
	decode_printer_free(pr);
	decode_keys_free(keys);
	fclose(f);
	root = json_tokener_parse(json);
	ck_assert_ptr_nonnull(root);
	/* the first fragment waits; the second carries the whole inner chain */
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(root, 0), "payloads", &pl));
	sk = json_object_array_get_idx(pl, 0);
	ck_assert_str_eq(get_str(sk, "reassembly"), "waiting for the other fragments");
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(root, 1), "payloads", &pl));
	sk = json_object_array_get_idx(pl, 0);
	ck_assert_msg(strncmp(get_str(sk, "reassembly"), "complete: 2 fragments", 21) == 0, "%s",
		      get_str(sk, "reassembly"));
	ck_assert(json_object_object_get_ex(sk, "payloads", &pl));
	types_of(pl, types, sizeof(types));
	ck_assert_str_eq(types, "IDi Notify AUTH SA TSi TSr CP");
	json_object_put(root);
	free(json);
}
END_TEST

START_TEST(test_decode_frag_limits)
{
	struct decode_frags *f;
	struct decode_frag_id id = { .msgid = 7, .num = 1, .total = 2, .inner_next = 35 };
	uint8_t *whole = NULL, first, a[3] = { 1, 2, 3 }, b[2] = { 4, 5 };
	size_t len;

	ck_assert_int_eq(decode_frags_new(&f), 0);
	ck_assert_int_eq(decode_frags_add(f, &id, a, 3, &whole, &len, &first), 0);
	ck_assert_int_eq(decode_frags_add(f, &id, a, 3, &whole, &len, &first), 0); /* again */
	id.total = 3;
	ck_assert_int_eq(decode_frags_add(f, &id, b, 2, &whole, &len, &first), -EBADMSG);
	id.total = 2;
	id.num = 3;
	ck_assert_int_eq(decode_frags_add(f, &id, b, 2, &whole, &len, &first), -EBADMSG);
	id.num = 0;
	ck_assert_int_eq(decode_frags_add(f, &id, b, 2, &whole, &len, &first), -EBADMSG);
	id.num = 65;
	id.total = 65;
	ck_assert_int_eq(decode_frags_add(f, &id, b, 2, &whole, &len, &first), -E2BIG);
	/* other messages (more than the pending limit) do not disturb it... */
	for (uint32_t m = 100; m < 106; m++) {
		struct decode_frag_id other = { .msgid = m, .num = 1, .total = 2 };

		ck_assert_int_eq(decode_frags_add(f, &other, a, 3, &whole, &len, &first), 0);
	}
	id.num = 2;
	id.total = 2;
	ck_assert_int_eq(decode_frags_add(f, &id, b, 2, &whole, &len, &first), 1);
	ck_assert_uint_eq(len, 5);
	ck_assert_uint_eq(first, 35);
	ck_assert_int_eq(memcmp(whole, "\1\2\3\4\5", 5), 0);
	free(whole);
	/* ...until there are too many: the oldest is dropped */
	for (uint32_t m = 200; m < 210; m++) {
		struct decode_frag_id other = { .msgid = m, .num = 1, .total = 2 };

		ck_assert_int_eq(decode_frags_add(f, &other, a, 3, &whole, &len, &first), 0);
	}
	decode_frags_free(f);
}
END_TEST

Suite *decode_suite(void);
Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_decode_input);
	tcase_add_test(tc, test_decode_finds_every_message_of_a_real_capture);
	tcase_add_test(tc, test_decode_walks_a_capture);
	tcase_add_test(tc, test_decode_emits_text_and_valid_json);
	tcase_add_test(tc, test_decode_skips_esp_keepalive_and_fragments);
	tcase_add_test(tc, test_decode_truncated_frames_are_malformed);
	tcase_add_test(tc, test_decode_ipv6_vlan_and_cooked);
	tcase_add_loop_test(tc, test_decode_key_table_lines, 0, ARRAY_SIZE(key_lines));
	tcase_add_test(tc, test_decode_sample_key_file_loads);
	tcase_add_test(tc, test_decode_decrypts_a_real_capture);
	tcase_add_test(tc, test_decode_wrong_key_is_an_icv_failure);
	tcase_add_test(tc, test_decode_without_keys_shows_the_clear_part);
	tcase_add_test(tc, test_decode_malformed_message_is_reported);
	tcase_add_loop_test(tc, test_decode_sealed_fuzz_seeds_decrypt, 0, ARRAY_SIZE(sealed_seeds));
	tcase_add_loop_test(tc, test_decode_reassembles_skf_fragments, 0, 2);
	tcase_add_test(tc, test_decode_frag_limits);
	suite_add_tcase(s, tc);
	return s;
}
