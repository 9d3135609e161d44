/*
 * Traffic selectors. The narrowing, containment, inclusion and printing
 * vectors are strongSwan's own (src/libstrongswan/tests/suites/
 * test_traffic_selector.c: list_select_tests, test_subset*,
 * is_contained_in_tests, include_tests, the %R forms), with the RFC 7296
 * §2.9 cases (narrowing to a subset, the trigger selector first) added;
 * expected selectors are parsed by this file's own small parser and
 * compared field by field.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikenode/config_swanctl.h"
#include "ikenode/ike_names.h"
#include "ikenode/ts.h"

Suite *ts_suite(void);

#define MAX_LIST 8

/*
 * One selector: "10.1.0.0/16", "10.1.0.5..10.1.0.9" or "fec1::/64",
 * optionally "|proto|from-to" (numbers).
 */
static void parse_one(const char *text, struct ike_ts *t)
{
	char buf[128], *net = buf, *proto, *ports, *dots, *slash;
	int family;
	size_t n;

	memset(t, 0, sizeof(*t));
	ck_assert_uint_lt(strlen(text), sizeof(buf));
	strcpy(buf, text);
	proto = strchr(buf, '|');
	ports = NULL;
	t->end_port = 0xffff;
	if (proto) {
		*proto++ = '\0';
		ports = strchr(proto, '|');
		ck_assert_ptr_nonnull(ports);
		*ports++ = '\0';
		t->ip_proto = (uint8_t)atoi(proto);
		ck_assert_int_eq(sscanf(ports, "%hu-%hu", &t->start_port, &t->end_port), 2);
	}
	family = strchr(net, ':') ? AF_INET6 : AF_INET;
	t->type = family == AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	n = family == AF_INET6 ? 16 : 4;
	dots = strstr(net, "..");
	slash = strchr(net, '/');
	if (dots) {
		*dots = '\0';
		ck_assert_int_eq(inet_pton(family, net, t->start), 1);
		ck_assert_int_eq(inet_pton(family, dots + 2, t->end), 1);
	} else {
		int prefix;

		ck_assert_ptr_nonnull(slash);
		*slash = '\0';
		prefix = atoi(slash + 1);
		ck_assert_int_eq(inet_pton(family, net, t->start), 1);
		for (size_t i = 0; i < n; i++) {
			int bits = prefix - (int)i * 8;
			uint8_t mask = bits >= 8   ? 0xff
				       : bits <= 0 ? 0
						   : (uint8_t)(0xff << (8 - bits));

			t->start[i] &= mask;
			t->end[i] = t->start[i] | (uint8_t)~mask;
		}
	}
}

/* A space-separated list of selectors; returns the count. */
static size_t parse_list(const char *text, struct ike_ts *v)
{
	char buf[512], *save = NULL;
	size_t n = 0;

	if (!text)
		return 0;
	ck_assert_uint_lt(strlen(text), sizeof(buf));
	strcpy(buf, text);
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		ck_assert_uint_lt(n, MAX_LIST);
		parse_one(tok, &v[n++]);
	}
	return n;
}

static bool same(const struct ike_ts *a, const struct ike_ts *b)
{
	size_t n = a->type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;

	return a->type == b->type && a->ip_proto == b->ip_proto && a->start_port == b->start_port &&
	       a->end_port == b->end_port && !memcmp(a->start, b->start, n) &&
	       !memcmp(a->end, b->end, n) && !b->raw;
}

static void assert_list(const struct ike_ts *got, size_t n_got, const char *want)
{
	struct ike_ts w[MAX_LIST];
	size_t n = parse_list(want, w);
	char s[128];

	ck_assert_uint_eq(n_got, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(ts_to_str(&got[i], s, sizeof(s)), 0);
		ck_assert_msg(same(&w[i], &got[i]), "selector %zu is %s, want %s", i, s, want);
	}
}

static struct sockaddr_storage sa_of(const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
	return ss;
}

START_TEST(test_ts_input)
{
	struct ike_ts t, out[2];
	struct config_ts c = { .dynamic = true };
	struct sockaddr_storage host = sa_of("10.0.1.1", 0), bad;
	size_t n = 7;
	char s[64];

	parse_one("10.0.0.0/8", &t);
	ck_assert_int_eq(ts_from_config(NULL, 1, &host, out, 2, &n), -EINVAL);
	ck_assert_int_eq(ts_from_config(&c, 1, &host, NULL, 2, &n), -EINVAL);
	ck_assert_int_eq(ts_from_config(&c, 1, &host, out, 2, NULL), -EINVAL);
	/* dynamic needs a host of a known family */
	ck_assert_int_eq(ts_from_config(&c, 1, NULL, out, 2, &n), -EINVAL);
	memset(&bad, 0, sizeof(bad));
	bad.ss_family = AF_UNIX;
	ck_assert_int_eq(ts_from_config(&c, 1, &bad, out, 2, &n), -EINVAL);
	/* a configured selector without a family */
	c.dynamic = false;
	c.family = AF_UNSPEC;
	ck_assert_int_eq(ts_from_config(&c, 1, &host, out, 2, &n), -EINVAL);
	ck_assert_int_eq(ts_from_config(NULL, 0, NULL, NULL, 0, &n), 0);
	ck_assert_uint_eq(n, 0);

	ck_assert_int_eq(ts_narrow(NULL, 1, &t, 1, out, 2, &n), -EINVAL);
	ck_assert_int_eq(ts_narrow(&t, 1, NULL, 1, out, 2, &n), -EINVAL);
	ck_assert_int_eq(ts_narrow(&t, 1, &t, 1, NULL, 2, &n), -EINVAL);
	ck_assert_int_eq(ts_narrow(&t, 1, &t, 1, out, 2, NULL), -EINVAL);
	t.type = IKE_TS_FC_ADDR_RANGE;
	ck_assert_int_eq(ts_narrow(&t, 1, out, 0, out, 2, &n), -EINVAL);
	parse_one("10.0.0.0/8", &t);
	ck_assert_int_eq(ts_narrow(&t, 1, NULL, 0, out, 2, &n), -ENOENT);
	ck_assert_uint_eq(n, 0);

	ck_assert(!ts_list_is_subset(NULL, 1, &t, 1));
	ck_assert(!ts_list_is_subset(&t, 1, NULL, 1));
	ck_assert(!ts_list_is_subset(&t, 1, NULL, 0));
	ck_assert(ts_list_is_subset(NULL, 0, &t, 1));

	ck_assert_int_eq(ts_to_str(NULL, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(ts_to_str(&t, NULL, sizeof(s)), -EINVAL);
	ck_assert_int_eq(ts_to_str(&t, s, 0), -EINVAL);

	ck_assert(!ts_contains_addr(NULL, &host));
	ck_assert(!ts_contains_addr(&t, NULL));
	ck_assert(!ts_contains_addr(&t, &bad));
}
END_TEST

/* Configured selectors resolved with host; want is the wire list. */
START_TEST(test_ts_from_config)
{
	struct config_ts c[3];
	struct ike_ts out[4];
	struct sockaddr_storage host;
	size_t n;

	memset(c, 0, sizeof(c));
	/* "dynamic[tcp/80]" and a configured IPv6 subnet, with an IPv4 host */
	c[0].dynamic = true;
	c[0].family = AF_UNSPEC;
	c[0].proto = 6;
	c[0].port_from = c[0].port_to = 80;
	c[1].family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, "fd00:1::", c[1].from), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "fd00:1::ffff:ffff:ffff:ffff", c[1].to), 1);
	c[1].port_to = 0xffff;
	host = sa_of("192.168.0.100", 500);
	ck_assert_int_eq(ts_from_config(c, 2, &host, out, 4, &n), 0);
	assert_list(out, n, "192.168.0.100/32|6|80-80 fd00:1::/64");

	/* an IPv6 host, and the IPv4-mapped form of an IPv4 one */
	c[0].proto = 0;
	c[0].port_from = 0;
	c[0].port_to = 0xffff;
	host = sa_of("2001:db8::5", 4500);
	ck_assert_int_eq(ts_from_config(c, 1, &host, out, 4, &n), 0);
	assert_list(out, n, "2001:db8::5/128");
	host = sa_of("::ffff:10.0.1.1", 4500);
	ck_assert_int_eq(ts_from_config(c, 1, &host, out, 4, &n), 0);
	assert_list(out, n, "10.0.1.1/32");
	/* %any gives the whole family, as strongSwan's set_address() */
	host = sa_of("0.0.0.0", 0);
	ck_assert_int_eq(ts_from_config(c, 1, &host, out, 4, &n), 0);
	assert_list(out, n, "0.0.0.0/0");

	/* OPAQUE ports stay as configured (%opaque: from 0xffff to 0) */
	c[2].family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, "10.1.0.5", c[2].from), 1);
	ck_assert_int_eq(inet_pton(AF_INET, "10.1.0.9", c[2].to), 1);
	c[2].proto = 17;
	c[2].port_from = 0xffff;
	c[2].port_to = 0;
	ck_assert_int_eq(ts_from_config(&c[2], 1, NULL, out, 4, &n), 0);
	assert_list(out, n, "10.1.0.5..10.1.0.9|17|65535-0");

	ck_assert_int_eq(ts_from_config(c, 3, &host, out, 2, &n), -ENOBUFS);
}
END_TEST

static const struct narrow_case {
	const char *ours, *host; /* host: resolves a "dynamic" in ours */
	const char *peer;
	int rc;
	const char *want;
} narrow_cases[] = {
	/* strongSwan list_select_tests (single host, not forced) */
	{ "dynamic", "10.0.1.1", "0.0.0.0/0", 0, "10.0.1.1/32" },
	{ "dynamic", "10.0.1.1", "10.0.1.1/32", 0, "10.0.1.1/32" },
	{ "0.0.0.0/0", NULL, "0.0.0.0/0", 0, "0.0.0.0/0" },
	{ "0.0.0.0/0", NULL, "10.0.1.0/24", 0, "10.0.1.0/24" },
	{ "0.0.0.0/0", NULL, "10.0.1.0/24 10.0.2.0/24", 0, "10.0.1.0/24 10.0.2.0/24" },
	{ "0.0.0.0/0", NULL, "10.0.2.0/24 10.0.1.0/24", 0, "10.0.2.0/24 10.0.1.0/24" },
	{ "10.0.1.0/24", NULL, "0.0.0.0/0", 0, "10.0.1.0/24" },
	{ "10.0.1.0/24 10.0.2.0/24", NULL, "0.0.0.0/0", 0, "10.0.1.0/24 10.0.2.0/24" },
	{ "10.0.2.0/24 10.0.1.0/24", NULL, "0.0.0.0/0", 0, "10.0.2.0/24 10.0.1.0/24" },
	{ "10.0.1.0/24 10.0.2.0/24", NULL, "10.0.2.0/24 10.0.1.0/24", 0,
	  "10.0.1.0/24 10.0.2.0/24" },
	{ "10.0.1.0/24 10.0.2.0/24", NULL, "10.0.1.1/32 10.0.1.0/24", 0, "10.0.1.0/24" },
	{ "10.0.1.0/24 10.0.2.0/24", NULL, "10.0.2.1/32 10.0.1.0/24", 0,
	  "10.0.1.0/24 10.0.2.1/32" },
	/* strongSwan test_subset*: superset/subset both ways, IPv6, ports, equal */
	{ "10.1.0.0/16", NULL, "10.1.5.0/24", 0, "10.1.5.0/24" },
	{ "10.1.5.0/24", NULL, "10.1.0.0/16", 0, "10.1.5.0/24" },
	{ "fec1::/64", NULL, "fec1::1/128", 0, "fec1::1/128" },
	{ "fec1::1/128", NULL, "fec1::/64", 0, "fec1::1/128" },
	{ "10.0.0.0/8|6|55-60", NULL, "10.2.7.16/30", 0, "10.2.7.16/30|6|55-60" },
	{ "10.1.0.0/16|6|80-80", NULL, "10.1.0.0/16|6|80-80", 0, "10.1.0.0/16|6|80-80" },
	/* ... and the disjoint ones: net, ports, protocol, family */
	{ "10.1.0.0/16", NULL, "10.2.0.0/16", -ENOENT, NULL },
	{ "10.1.0.0/16|0|0-9999", NULL, "10.1.0.0/16|0|10000-65535", -ENOENT, NULL },
	{ "10.1.0.0/16|6|0-65535", NULL, "10.1.0.0/16|17|0-65535", -ENOENT, NULL },
	{ "0.0.0.0/0", NULL, "::/0", -ENOENT, NULL },
	/* strongSwan test_subset_opaque: OPAQUE meets OPAQUE or any port only */
	{ "10.0.0.0/8|0|65535-0", NULL, "10.2.7.16/30|6|80-80", -ENOENT, NULL },
	{ "10.2.7.16/30|6|80-80", NULL, "10.0.0.0/8|0|65535-0", -ENOENT, NULL },
	{ "10.0.0.0/8|0|65535-0", NULL, "10.2.7.16/30|6|65535-0", 0, "10.2.7.16/30|6|65535-0" },
	{ "10.0.0.0/8|0|65535-0", NULL, "10.2.7.16/30|6|0-65535", 0, "10.2.7.16/30|6|65535-0" },
	{ "10.2.7.16/30|6|0-65535", NULL, "10.0.0.0/8|0|65535-0", 0, "10.2.7.16/30|6|65535-0" },
	/* protocol any meets a protocol; port ranges overlap */
	{ "10.1.0.0/16", NULL, "10.1.2.3/32|17|500-500", 0, "10.1.2.3/32|17|500-500" },
	{ "10.1.0.0/16|17|1000-2000", NULL, "10.1.0.0/24|17|1500-3000", 0,
	  "10.1.0.0/24|17|1500-2000" },
	/* ICMP: a port below 256 is a type, so 8 (echo request) is 0x0800 */
	{ "10.1.0.0/16|1|8-8", NULL, "10.1.0.0/24|1|2048-2048", 0, "10.1.0.0/24|1|2048-2048" },
	{ "10.1.0.0/16|1|0-65535", NULL, "10.1.0.0/24|1|3-4", 0, "10.1.0.0/24|1|768-1024" },
	/* ranges that are not subnets */
	{ "10.1.0.5..10.1.0.20", NULL, "10.1.0.0/28", 0, "10.1.0.5..10.1.0.15" },
	/* RFC 7296 §2.9: the peer's first selector is the packet that triggered
	 * its request; kept as an ordinary one, it is inside the second and goes */
	{ "10.1.0.0/16", NULL, "10.1.0.5/32|6|80-80 10.0.0.0/8", 0, "10.1.0.0/16" },
	{ "10.1.0.0/24", NULL, "10.1.0.5/32|6|80-80 10.0.0.0/8|17|0-65535", 0,
	  "10.1.0.5/32|6|80-80 10.1.0.0/24|17|0-65535" },
	/* several of ours, mixed families, peer's in their order within ours */
	{ "10.1.0.0/16 fd00::/64", NULL, "::/0 0.0.0.0/0", 0, "10.1.0.0/16 fd00::/64" },
	{ "10.1.0.0/16 10.1.0.0/16", NULL, "10.1.0.0/24", 0, "10.1.0.0/24" },
	{ "10.1.0.0/24 10.2.0.0/24 10.3.0.0/24", NULL, "10.2.0.0/16 10.3.0.128/25", 0,
	  "10.2.0.0/24 10.3.0.128/25" },
	{ "fd00::/16", NULL, "fd00:1::/32 fd00:2::1..fd00:2::9 fe80::/10", 0,
	  "fd00:1::/32 fd00:2::1..fd00:2::9" },
};

START_TEST(test_ts_narrow)
{
	const struct narrow_case *tc = &narrow_cases[_i];
	struct ike_ts ours[MAX_LIST], peer[MAX_LIST], out[MAX_LIST];
	size_t n_ours, n_peer, n = 99;

	if (strcmp(tc->ours, "dynamic") == 0) {
		struct config_ts c = { .dynamic = true, .port_to = 0xffff };
		struct sockaddr_storage host = sa_of(tc->host, 0);

		ck_assert_int_eq(ts_from_config(&c, 1, &host, ours, MAX_LIST, &n_ours), 0);
	} else {
		n_ours = parse_list(tc->ours, ours);
	}
	n_peer = parse_list(tc->peer, peer);
	ck_assert_int_eq(ts_narrow(ours, n_ours, peer, n_peer, out, MAX_LIST, &n), tc->rc);
	if (tc->rc == 0)
		assert_list(out, n, tc->want);
	else
		ck_assert_uint_eq(n, 0);
	/* what we answer is what an initiator accepts */
	if (tc->rc == 0)
		ck_assert(ts_list_is_subset(out, n, peer, n_peer));
}
END_TEST

START_TEST(test_ts_narrow_cap)
{
	struct ike_ts ours[1], peer[4], out[2], one;
	size_t n_ours = parse_list("0.0.0.0/0", ours);
	size_t n_peer = parse_list("10.0.1.0/24 10.0.1.0/24 10.0.1.7/32 10.0.1.0/25", peer);
	size_t n = 0;

	/* four intersections collapse into one: fits a single entry */
	ck_assert_int_eq(ts_narrow(ours, n_ours, peer, n_peer, &one, 1, &n), 0);
	assert_list(&one, n, "10.0.1.0/24");
	n_peer = parse_list("10.0.1.0/24 10.0.2.0/24 10.0.3.0/24", peer);
	ck_assert_int_eq(ts_narrow(ours, n_ours, peer, n_peer, out, 2, &n), -ENOBUFS);
	/* peer selectors of other types are ignored */
	peer[0].type = IKE_TS_FC_ADDR_RANGE;
	ck_assert_int_eq(ts_narrow(ours, n_ours, peer, 1, out, 2, &n), -ENOENT);
	ck_assert_int_eq(ts_narrow(ours, n_ours, peer, 2, out, 2, &n), 0);
	assert_list(out, n, "10.0.2.0/24");
}
END_TEST

/* strongSwan is_contained_in_tests, plus lists */
static const struct subset_case {
	const char *a, *b;
	bool subset;
} subset_cases[] = {
	{ "10.0.0.0/16", "10.0.0.0/16", true },
	{ "10.0.1.0/24", "10.0.0.0/16", true },
	{ "10.0.1.0/24|17|123-456", "10.0.0.0/16", true },
	{ "10.0.1.0/24|17|123-456", "10.0.0.0/16|17|123-456", true },
	{ "10.0.0.0/8", "10.0.0.0/16", false },
	{ "10.0.1.0/24|17|0-65535", "10.0.0.0/16|17|123-456", false },
	{ "fec2::/64", "10.0.0.0/16|17|123-456", false },
	{ "10.0.1.0/24 10.0.2.0/24", "10.0.0.0/16", true },
	{ "10.0.1.0/24 10.1.2.0/24", "10.0.0.0/16", false },
	{ "10.0.1.0/24 fd00::1/128", "fd00::/64 10.0.0.0/16", true },
	{ "10.0.1.0/24|0|65535-0", "10.0.0.0/16", true },
	{ "10.0.1.0/24|6|80-80", "10.0.0.0/16|0|65535-0", false },
	{ "10.0.1.0/24", "10.0.0.0/16|6|0-65535", false },
};

START_TEST(test_ts_list_is_subset)
{
	const struct subset_case *tc = &subset_cases[_i];
	struct ike_ts a[MAX_LIST], b[MAX_LIST];
	size_t n_a = parse_list(tc->a, a), n_b = parse_list(tc->b, b);

	ck_assert(ts_list_is_subset(a, n_a, b, n_b) == tc->subset);
}
END_TEST

/* strongSwan's %R forms (the numeric alternatives where it prints service names) */
static const struct str_case {
	const char *ts;
	const char *str;
} str_cases[] = {
	{ "10.1.0.0/16|6|80-80", "10.1.0.0/16[tcp/80]" },
	{ "10.1.0.1..10.1.0.99|17|1234-1235", "10.1.0.1..10.1.0.99[udp/1234-1235]" },
	{ "fec1::/64", "fec1::/64" },
	{ "fec1::1..fec1::ffff:ffff:ffff:ffff", "fec1::1..fec1::ffff:ffff:ffff:ffff" },
	{ "10.1.0.0/16", "10.1.0.0/16" },
	{ "10.1.0.1/32|17|0-65535", "10.1.0.1/32[udp]" },
	{ "10.1.0.1/32|0|53-53", "10.1.0.1/32[0/53]" },
	{ "10.1.0.1/32|17|1234-1235", "10.1.0.1/32[udp/1234-1235]" },
	{ "10.1.0.0/16|0|65535-0", "10.1.0.0/16[0/OPAQUE]" },
	{ "10.2.7.16/30|6|65535-0", "10.2.7.16/30[tcp/OPAQUE]" },
	{ "10.5.0.0/23", "10.5.0.0/23" },
	{ "2001:0:200::/39", "2001:0:200::/39" },
	{ "10.2.48.0..10.2.64.255", "10.2.48.0..10.2.64.255" },
	{ "129.64.0.0..143.255.255.255", "129.64.0.0..143.255.255.255" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "::/0", "::/0" },
	{ "10.5.6.7/32", "10.5.6.7/32" },
	/* icmp_tests: type << 8 | code, a port below 256 being a type */
	{ "10.0.0.0/8|1|0-0", "10.0.0.0/8[icmp/0]" },
	{ "10.0.0.0/8|1|3-3", "10.0.0.0/8[icmp/3]" },
	{ "10.0.0.0/8|1|775-775", "10.0.0.0/8[icmp/3(7)]" },
	{ "10.0.0.0/8|1|768-1039", "10.0.0.0/8[icmp/3-4(15)]" },
	{ "10.0.0.0/8|1|769-1039", "10.0.0.0/8[icmp/3(1)-4(15)]" },
	{ "fd00::/8|58|0-0", "fd00::/8[ipv6-icmp/0]" },
	{ "fd00::/8|58|1-1", "fd00::/8[ipv6-icmp/1]" },
	{ "fd00::/8|58|260-260", "fd00::/8[ipv6-icmp/1(4)]" },
	{ "fd00::/8|58|256-1039", "fd00::/8[ipv6-icmp/1-4(15)]" },
	{ "fd00::/8|58|257-1039", "fd00::/8[ipv6-icmp/1(1)-4(15)]" },
	{ "10.0.0.0/8|1|2048-2048", "10.0.0.0/8[icmp/8]" },
	{ "10.0.0.0/8|47|0-65535", "10.0.0.0/8[gre]" },
	{ "10.0.0.0/8|99|0-65535", "10.0.0.0/8[99]" },
	{ "10.0.0.1/32|17|1000-2000", "10.0.0.1/32[udp/1000-2000]" },
};

START_TEST(test_ts_to_str)
{
	struct ike_ts t;
	char s[128];

	parse_one(str_cases[_i].ts, &t);
	ck_assert_int_eq(ts_to_str(&t, s, sizeof(s)), 0);
	ck_assert_str_eq(s, str_cases[_i].str);
	/* one byte short: truncated, still terminated */
	ck_assert_int_eq(ts_to_str(&t, s, strlen(str_cases[_i].str)), -ENOBUFS);
	ck_assert_uint_eq(strlen(s), strlen(str_cases[_i].str) - 1);
}
END_TEST

START_TEST(test_ts_to_str_other_types)
{
	struct ike_ts t = { .type = IKE_TS_FC_ADDR_RANGE };
	char s[32];

	ck_assert_int_eq(ts_to_str(&t, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "TS_FC_ADDR_RANGE");
	t.type = 200;
	ck_assert_int_eq(ts_to_str(&t, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "TS_TYPE_200");
}
END_TEST

/* strongSwan include_tests, and ports */
static const struct contains_case {
	const char *ts, *addr;
	uint16_t port;
	bool in;
} contains_cases[] = {
	{ "0.0.0.0/0", "192.168.1.2", 0, true },
	{ "::/0", "fec2::1", 0, true },
	{ "fec2::/64", "fec2::afaf", 0, true },
	{ "10.1.0.0/16", "10.1.0.1", 0, true },
	{ "10.5.6.7/32", "10.5.6.7", 0, true },
	{ "0.0.0.0/0", "fec2::1", 0, false },
	{ "::/0", "1.2.3.4", 0, false },
	{ "10.0.0.0/16", "10.1.0.0", 0, false },
	{ "10.1.0.0/16", "10.0.255.255", 0, false },
	{ "fec2::/64", "fec2:0:0:1::afaf", 0, false },
	{ "10.1.0.0/16", "::ffff:10.1.2.3", 0, true },
	{ "10.1.0.0/16|6|80-80", "10.1.2.3", 80, true },
	{ "10.1.0.0/16|6|80-80", "10.1.2.3", 0, true },
	{ "10.1.0.0/16|6|80-80", "10.1.2.3", 81, false },
	{ "10.1.0.0/16|17|1000-2000", "10.1.2.3", 2000, true },
	{ "10.1.0.0/16|17|1000-2000", "10.1.2.3", 999, false },
	{ "10.1.0.0/16|0|65535-0", "10.1.2.3", 80, false },
	{ "10.1.0.5..10.1.0.9", "10.1.0.9", 0, true },
	{ "10.1.0.5..10.1.0.9", "10.1.0.10", 0, false },
};

START_TEST(test_ts_contains_addr)
{
	const struct contains_case *tc = &contains_cases[_i];
	struct sockaddr_storage sa = sa_of(tc->addr, tc->port);
	struct ike_ts t;

	parse_one(tc->ts, &t);
	ck_assert(ts_contains_addr(&t, &sa) == tc->in);
}
END_TEST

Suite *ts_suite(void)
{
	Suite *s = suite_create("ts");
	TCase *tc = tcase_create("ts");

	tcase_add_test(tc, test_ts_input);
	tcase_add_test(tc, test_ts_from_config);
	tcase_add_loop_test(tc, test_ts_narrow, 0, (int)ARRAY_SIZE(narrow_cases));
	tcase_add_test(tc, test_ts_narrow_cap);
	tcase_add_loop_test(tc, test_ts_list_is_subset, 0, (int)ARRAY_SIZE(subset_cases));
	tcase_add_loop_test(tc, test_ts_to_str, 0, (int)ARRAY_SIZE(str_cases));
	tcase_add_test(tc, test_ts_to_str_other_types);
	tcase_add_loop_test(tc, test_ts_contains_addr, 0, (int)ARRAY_SIZE(contains_cases));
	suite_add_tcase(s, tc);
	return s;
}
