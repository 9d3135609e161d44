/*
 * inner_pkt: selector fields of IPv4/IPv6 packets built here byte by byte
 * (RFC 791, RFC 8200 extension headers, RFC 4301 §4.4.1.1 for ICMP), and
 * which TCP packets the receive path may coalesce.
 */
#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "common/defs.h"
#include "kernel/inner_pkt.h"

Suite *inner_pkt_suite(void);

/* An IPv4 header (no options) + l4; returns the length. */
static size_t ip4(uint8_t *b, uint8_t proto, uint16_t frag, const uint8_t *l4, size_t n)
{
	static const uint8_t hdr[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 0, 0, 0,
					 10, 1, 0, 1, 10, 2, 0, 5 };

	memcpy(b, hdr, 20);
	b[2] = (uint8_t)((20 + n) >> 8);
	b[3] = (uint8_t)(20 + n);
	b[6] = (uint8_t)(frag >> 8);
	b[7] = (uint8_t)frag;
	b[9] = proto;
	memcpy(b + 20, l4, n);
	return 20 + n;
}

static size_t ip6(uint8_t *b, uint8_t nh, const uint8_t *rest, size_t n)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	b[4] = (uint8_t)(n >> 8);
	b[5] = (uint8_t)n;
	b[6] = nh;
	b[7] = 64;
	b[23] = 1;
	b[39] = 2;
	memcpy(b + 40, rest, n);
	return 40 + n;
}

/* TCP: ports 1234 -> 80, data offset 5, flags as given, then payload bytes */
static size_t tcp(uint8_t *b, uint8_t flags, size_t payload)
{
	memset(b, 0, 20 + payload);
	b[0] = 0x04;
	b[1] = 0xd2;
	b[3] = 80;
	b[12] = 0x50;
	b[13] = flags;
	return 20 + payload;
}

START_TEST(test_inner_pkt_input)
{
	struct inner_flow f;
	size_t a, b;
	uint8_t p[64] = { 0x45 };

	ck_assert(!inner_flow_parse(p, 0, &f));
	ck_assert(!inner_flow_parse(p, 19, &f)); /* short IPv4 header */
	p[0] = 0x44; /* IHL 4 */
	ck_assert(!inner_flow_parse(p, 40, &f));
	p[0] = 0x4f; /* IHL 15 = 60 bytes > 40 */
	ck_assert(!inner_flow_parse(p, 40, &f));
	p[0] = 0x60;
	ck_assert(!inner_flow_parse(p, 39, &f)); /* short IPv6 header */
	p[0] = 0x50; /* version 5 */
	ck_assert(!inner_flow_parse(p, 60, &f));
	ck_assert(!inner_tcp_coalescable(p, 0, &a, &b));
	ck_assert(!inner_tcp_coalescable(p, 39, &a, &b));
}
END_TEST

START_TEST(test_inner_pkt_ipv4)
{
	uint8_t p[256], l4[128];
	struct inner_flow f;
	size_t n;

	n = ip4(p, IPPROTO_TCP, 0x4000, l4, tcp(l4, 0x10, 10));
	ck_assert(inner_flow_parse(p, n, &f));
	ck_assert_int_eq(f.family, AF_INET);
	ck_assert_mem_eq(f.src, "\x0a\x01\x00\x01", 4);
	ck_assert_mem_eq(f.dst, "\x0a\x02\x00\x05", 4);
	ck_assert_uint_eq(f.proto, IPPROTO_TCP);
	ck_assert_uint_eq(f.sport, 1234);
	ck_assert_uint_eq(f.dport, 80);
	/* a later fragment carries no ports */
	n = ip4(p, IPPROTO_TCP, 0x0010, l4, tcp(l4, 0x10, 10));
	ck_assert(inner_flow_parse(p, n, &f));
	ck_assert_uint_eq(f.sport, 0);
	ck_assert_uint_eq(f.dport, 0);
	/* ICMP echo request: type 8 code 0 in both */
	memcpy(l4, "\x08\x00\x00\x00", 4);
	n = ip4(p, IPPROTO_ICMP, 0, l4, 4);
	ck_assert(inner_flow_parse(p, n, &f));
	ck_assert_uint_eq(f.sport, 0x0800);
	ck_assert_uint_eq(f.dport, 0x0800);
	/* ports cut off: the flow without them */
	n = ip4(p, IPPROTO_UDP, 0, l4, 2);
	ck_assert(inner_flow_parse(p, n, &f));
	ck_assert_uint_eq(f.sport, 0);
}
END_TEST

START_TEST(test_inner_pkt_ipv6_extension_headers)
{
	uint8_t p[256], rest[128];
	struct inner_flow f;
	size_t n;

	/* hop-by-hop (8 bytes) -> fragment (offset 0) -> UDP 1234 -> 53 */
	memset(rest, 0, sizeof(rest));
	rest[0] = 44; /* hop-by-hop: next is fragment */
	rest[8] = IPPROTO_UDP; /* fragment header: next is UDP, offset 0 */
	memcpy(rest + 16, "\x04\xd2\x00\x35\x00\x08\x00\x00", 8);
	n = ip6(p, 0, rest, 24);
	ck_assert(inner_flow_parse(p, n, &f));
	ck_assert_int_eq(f.family, AF_INET6);
	ck_assert_uint_eq(f.proto, IPPROTO_UDP);
	ck_assert_uint_eq(f.sport, 1234);
	ck_assert_uint_eq(f.dport, 53);
	ck_assert_uint_eq(f.src[15], 1);
	ck_assert_uint_eq(f.dst[15], 2);
	/* a later fragment: no ports */
	rest[11] = 0x08;
	ck_assert(inner_flow_parse(p, ip6(p, 0, rest, 24), &f));
	ck_assert_uint_eq(f.sport, 0);
	/* a hop-by-hop header whose length runs past the packet: no ports read */
	rest[1] = 200;
	ck_assert(inner_flow_parse(p, ip6(p, 0, rest, 24), &f));
	ck_assert_uint_eq(f.sport, 0);
}
END_TEST

START_TEST(test_inner_pkt_coalescable)
{
	uint8_t p[256], l4[128];
	size_t iphl, tcphl, n;

	n = ip4(p, IPPROTO_TCP, 0x4000, l4, tcp(l4, 0x18, 100));
	ck_assert(inner_tcp_coalescable(p, n, &iphl, &tcphl));
	ck_assert_uint_eq(iphl, 20);
	ck_assert_uint_eq(tcphl, 20);
	/* no payload, SYN, FIN, a fragment, UDP, IPv4 options: not */
	ck_assert(!inner_tcp_coalescable(p, ip4(p, IPPROTO_TCP, 0x4000, l4, tcp(l4, 0x10, 0)), &iphl,
					 &tcphl));
	ck_assert(!inner_tcp_coalescable(p, ip4(p, IPPROTO_TCP, 0x4000, l4, tcp(l4, 0x12, 10)),
					 &iphl, &tcphl));
	ck_assert(!inner_tcp_coalescable(p, ip4(p, IPPROTO_TCP, 0x4000, l4, tcp(l4, 0x11, 10)),
					 &iphl, &tcphl));
	ck_assert(!inner_tcp_coalescable(p, ip4(p, IPPROTO_TCP, 0x2000, l4, tcp(l4, 0x10, 10)),
					 &iphl, &tcphl));
	ck_assert(!inner_tcp_coalescable(p, ip4(p, IPPROTO_UDP, 0, l4, tcp(l4, 0x10, 10)), &iphl,
					 &tcphl));
	n = ip4(p, IPPROTO_TCP, 0, l4, tcp(l4, 0x10, 10));
	p[0] = 0x46;
	ck_assert(!inner_tcp_coalescable(p, n, &iphl, &tcphl));
	/* a data offset beyond the packet */
	n = ip4(p, IPPROTO_TCP, 0, l4, tcp(l4, 0x10, 10));
	p[20 + 12] = 0xf0;
	ck_assert(!inner_tcp_coalescable(p, n, &iphl, &tcphl));
	/* IPv6 with TCP right after the header */
	n = ip6(p, IPPROTO_TCP, l4, tcp(l4, 0x10, 50));
	ck_assert(inner_tcp_coalescable(p, n, &iphl, &tcphl));
	ck_assert_uint_eq(iphl, 40);
}
END_TEST

Suite *inner_pkt_suite(void)
{
	Suite *s = suite_create("inner_pkt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_inner_pkt_input);
	tcase_add_test(tc, test_inner_pkt_ipv4);
	tcase_add_test(tc, test_inner_pkt_ipv6_extension_headers);
	tcase_add_test(tc, test_inner_pkt_coalescable);
	suite_add_tcase(s, tc);
	return s;
}
