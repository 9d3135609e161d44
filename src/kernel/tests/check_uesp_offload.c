/*
 * uesp_offload: a TCP super-packet cut into segments whose IPv4 header and
 * TCP checksums are verified here with an independent RFC 1071 sum (and the
 * kernel's rules for flags and sequence numbers), then coalesced back into
 * one super-packet with the payload intact; partial checksums completed.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "common/defs.h"
#include "kernel/inner_pkt.h"
#include "kernel/uesp_offload.h"

Suite *uesp_offload_suite(void);

#define PAYLOAD 5000
#define MSS 1000

/* RFC 1071 over big-endian 16-bit words, byte by byte (independent of the module) */
static uint16_t rfc1071(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static bool tcp4_checksum_ok(const uint8_t *ip, size_t len)
{
	size_t tcp_len = len - 20;
	uint8_t pseudo[12];

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = (uint8_t)(tcp_len >> 8);
	pseudo[11] = (uint8_t)tcp_len;
	return rfc1071(ip + 20, tcp_len, rfc1071(pseudo, 12, 0)) == 0xffff;
}

/* IPv4 + TCP (ports 1234 -> 80, seq 1000, ACK|PSH|FIN|CWR) + PAYLOAD bytes i & 0xff */
static size_t super_packet(uint8_t *p)
{
	size_t len = 40 + PAYLOAD;

	memset(p, 0, 40);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x12; /* ID 0x1234 */
	p[5] = 0x34;
	p[6] = 0x40; /* DF */
	p[8] = 64;
	p[9] = IPPROTO_TCP;
	memcpy(p + 12, "\x0a\x01\x00\x01\x0a\x02\x00\x05", 8);
	p[20] = 0x04, p[21] = 0xd2, p[23] = 80;
	p[24 + 2] = 0x03, p[24 + 3] = 0xe8; /* seq 1000 */
	p[32] = 0x50;
	p[33] = 0x80 | 0x10 | 0x08 | 0x01; /* CWR ACK PSH FIN */
	p[34] = 0xff; /* window */
	for (size_t i = 0; i < PAYLOAD; i++)
		p[40 + i] = (uint8_t)i;
	return len;
}

struct segs {
	uint8_t pkt[8][2048];
	size_t len[8];
	size_t n;
};

static void collect(void *ctx, const uint8_t *pkt, size_t len)
{
	struct segs *s = ctx;

	ck_assert_uint_lt(s->n, 8);
	ck_assert_uint_le(len, sizeof(s->pkt[0]));
	memcpy(s->pkt[s->n], pkt, len);
	s->len[s->n++] = len;
}

START_TEST(test_uesp_offload_input)
{
	uint8_t p[64] = { 0x45 }, seg[2048];
	struct segs s = { .n = 0 };

	ck_assert_int_eq(uesp_csum_complete(p, 20, 10, 11), -EINVAL);
	ck_assert_int_eq(uesp_csum_complete(p, 20, 21, 0), -EINVAL);
	ck_assert_int_eq(uesp_tso_segment(p, 39, MSS, seg, sizeof(seg), collect, &s), -EINVAL);
	p[9] = IPPROTO_UDP;
	ck_assert_int_eq(uesp_tso_segment(p, 64, MSS, seg, sizeof(seg), collect, &s), -EINVAL);
	p[9] = IPPROTO_TCP;
	p[32] = 0x50;
	ck_assert_int_eq(uesp_tso_segment(p, 64, 0, seg, sizeof(seg), collect, &s), -EINVAL);
	/* a segment that would not fit the buffer */
	ck_assert_int_eq(uesp_tso_segment(p, 64, MSS, seg, 100, collect, &s), -EINVAL);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(test_uesp_offload_tso_then_gro)
{
	static uint8_t sup[40 + PAYLOAD], seg[2048], gro_data[65535];
	struct segs s = { .n = 0 };
	struct uesp_gro g = { .data = gro_data };
	struct virtio_net_hdr vh;
	size_t len = super_packet(sup), iphl, tcphl, out;

	ck_assert_int_eq(uesp_tso_segment(sup, len, MSS, seg, sizeof(seg), collect, &s), 0);
	ck_assert_uint_eq(s.n, PAYLOAD / MSS);
	for (size_t i = 0; i < s.n; i++) {
		const uint8_t *p = s.pkt[i];
		uint32_t seq = (uint32_t)p[24] << 24 | (uint32_t)p[25] << 16 | p[26] << 8 | p[27];

		ck_assert_uint_eq(s.len[i], 40 + MSS);
		ck_assert_uint_eq((size_t)(p[2] << 8 | p[3]), 40 + MSS);
		ck_assert_uint_eq((unsigned)(p[4] << 8 | p[5]), 0x1234 + i);
		ck_assert_uint_eq(rfc1071(p, 20, 0), 0xffff);
		ck_assert(tcp4_checksum_ok(p, s.len[i]));
		ck_assert_uint_eq(seq, 1000 + i * MSS);
		ck_assert_uint_eq(!!(p[33] & 0x01), i == s.n - 1); /* FIN last */
		ck_assert_uint_eq(!!(p[33] & 0x08), i == s.n - 1); /* PSH last */
		ck_assert_uint_eq(!!(p[33] & 0x80), i == 0); /* CWR first */
		ck_assert_mem_eq(p + 40, sup + 40 + i * MSS, MSS);
	}
	/* back together, from the second segment on */
	ck_assert(inner_tcp_coalescable(s.pkt[1], s.len[1], &iphl, &tcphl));
	uesp_gro_start(&g, s.pkt[1], s.len[1], iphl, tcphl);
	ck_assert(uesp_gro_append(&g, s.pkt[2], s.len[2], iphl, tcphl));
	ck_assert(uesp_gro_append(&g, s.pkt[3], s.len[3], iphl, tcphl));
	/* a repeated segment is not the next one */
	ck_assert(!uesp_gro_append(&g, s.pkt[3], s.len[3], iphl, tcphl));
	/* the next one without FIN/PSH: appended, unless its flow differs (port) */
	s.pkt[4][33] &= (uint8_t)~0x09;
	s.pkt[4][21] ^= 1;
	ck_assert(!uesp_gro_append(&g, s.pkt[4], s.len[4], iphl, tcphl));
	s.pkt[4][21] ^= 1;
	ck_assert(uesp_gro_append(&g, s.pkt[4], s.len[4], iphl, tcphl));
	ck_assert_uint_eq(g.segs, 4);
	out = uesp_gro_finish(&g, &vh);
	ck_assert_uint_eq(out, 40 + 4 * MSS);
	ck_assert_uint_eq((size_t)(gro_data[2] << 8 | gro_data[3]), out);
	ck_assert_uint_eq(rfc1071(gro_data, 20, 0), 0xffff);
	ck_assert_mem_eq(gro_data + 40, sup + 40 + MSS, 4 * MSS);
	ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	ck_assert_uint_eq(vh.gso_size, MSS);
	ck_assert_uint_eq(vh.hdr_len, 40);
	ck_assert_uint_eq(vh.csum_start, 20);
	ck_assert_uint_eq(vh.csum_offset, 16);
	ck_assert_uint_eq(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(g.segs, 0);
	/* the field holds the pseudo-header sum: completing it gives a valid checksum */
	ck_assert_int_eq(uesp_csum_complete(gro_data, out, 20, 16), 0);
	ck_assert(tcp4_checksum_ok(gro_data, out));
}
END_TEST

Suite *uesp_offload_suite(void)
{
	Suite *s = suite_create("uesp_offload");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_uesp_offload_input);
	tcase_add_test(tc, test_uesp_offload_tso_then_gro);
	suite_add_tcase(s, tc);
	return s;
}
