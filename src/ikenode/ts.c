/*
 * Traffic selectors: resolution of configured ones, narrowing (RFC 7296
 * §2.9, as strongSwan's traffic_selector.c get_subset()/is_contained_in() and
 * traffic_selector_list.c select()/remove_duplicate_ts() do it), printing.
 */
#include "ikenode/ts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikenode/config_swanctl.h"
#include "ikenode/ike_names.h"

#define PORT_ANY_FROM 0
#define PORT_ANY_TO 0xffff

/* IANA protocol numbers under their /etc/protocols names (as config_ts_to_str() prints them). */
static const struct {
	uint8_t num;
	const char *name;
} proto_names[] = {
	{ 1, "icmp" },	     { 2, "igmp" },	  { 4, "ipencap" },	{ 6, "tcp" },
	{ 8, "egp" },	     { 17, "udp" },	  { 41, "ipv6" },	{ 43, "ipv6-route" },
	{ 44, "ipv6-frag" }, { 46, "rsvp" },	  { 47, "gre" },	{ 50, "esp" },
	{ 51, "ah" },	     { 58, "ipv6-icmp" }, { 59, "ipv6-nonxt" }, { 60, "ipv6-opts" },
	{ 89, "ospf" },	     { 94, "ipip" },	  { 103, "pim" },	{ 112, "vrrp" },
	{ 115, "l2tp" },     { 132, "sctp" },	  { 136, "udplite" },	{ 137, "mpls-in-ip" },
};

static bool is_ip(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV4_ADDR_RANGE || t->type == IKE_TS_IPV6_ADDR_RANGE;
}

static size_t addr_len(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;
}

static bool is_opaque(const struct ike_ts *t)
{
	return t->start_port == 0xffff && t->end_port == 0;
}

static bool is_any_port(const struct ike_ts *t)
{
	return t->start_port == PORT_ANY_FROM && t->end_port == PORT_ANY_TO;
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* strongSwan's traffic_selector_create(): an ICMP "port" below 256 is a type. */
static struct ike_ts normalized(const struct ike_ts *t)
{
	struct ike_ts n = *t;

	n.raw = NULL;
	n.raw_len = 0;
	if (is_icmp(n.ip_proto)) {
		if (n.start_port < 256)
			n.start_port = (uint16_t)(n.start_port << 8);
		if (n.end_port < 256)
			n.end_port = (uint16_t)(n.end_port << 8);
	}
	return n;
}

static bool is_v4_mapped(const struct in6_addr *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a->s6_addr, prefix, sizeof(prefix)) == 0;
}

/*
 * The address of sa as a selector type and bytes (IPv4-mapped IPv6 as IPv4)
 * and its port in host order. false for other families.
 */
static bool sa_addr(const struct sockaddr_storage *sa, uint8_t *type, uint8_t addr[16],
		    uint16_t *port)
{
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		*type = IKE_TS_IPV4_ADDR_RANGE;
		memcpy(addr, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return true;
	}
	if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (is_v4_mapped(&in6->sin6_addr)) {
			*type = IKE_TS_IPV4_ADDR_RANGE;
			memcpy(addr, &in6->sin6_addr.s6_addr[12], 4);
		} else {
			*type = IKE_TS_IPV6_ADDR_RANGE;
			memcpy(addr, &in6->sin6_addr, 16);
		}
		*port = ntohs(in6->sin6_port);
		return true;
	}
	return false;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int ts_from_config(const struct config_ts *cfg, size_t n, const struct sockaddr_storage *host,
		   struct ike_ts *out, size_t cap, size_t *n_out)
{
	size_t k = 0;

	if ((n && !cfg) || (cap && !out) || !n_out)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const struct config_ts *c = &cfg[i];
		struct ike_ts t = { 0 };

		if (c->dynamic) {
			uint16_t port;

			if (!host || !sa_addr(host, &t.type, t.start, &port))
				return -EINVAL;
			if (all_zero(t.start, addr_len(&t))) {
				/* %any: the whole family, as strongSwan's set_address() */
				memset(t.end, 0xff, addr_len(&t));
			} else {
				memcpy(t.end, t.start, addr_len(&t));
			}
		} else if (c->family == AF_INET || c->family == AF_INET6) {
			t.type = c->family == AF_INET ? IKE_TS_IPV4_ADDR_RANGE
						      : IKE_TS_IPV6_ADDR_RANGE;
			memcpy(t.start, c->from, addr_len(&t));
			memcpy(t.end, c->to, addr_len(&t));
		} else {
			return -EINVAL;
		}
		t.ip_proto = c->proto;
		t.start_port = c->port_from;
		t.end_port = c->port_to;
		if (k == cap)
			return -ENOBUFS;
		out[k++] = normalized(&t);
	}
	*n_out = k;
	return 0;
}

/* strongSwan's get_subset(): the intersection of a and b, or false. */
static bool subset(const struct ike_ts *a_in, const struct ike_ts *b_in, struct ike_ts *out)
{
	struct ike_ts s = { 0 }, an = normalized(a_in), bn = normalized(b_in);
	const struct ike_ts *a = &an, *b = &bn;
	const uint8_t *from, *to;
	size_t n;

	if (a->type != b->type || !is_ip(a))
		return false;
	if (a->ip_proto != b->ip_proto && a->ip_proto && b->ip_proto)
		return false;
	s.type = a->type;
	s.ip_proto = a->ip_proto > b->ip_proto ? a->ip_proto : b->ip_proto;
	if ((is_opaque(a) && is_opaque(b)) || (is_opaque(a) && is_any_port(b)) ||
	    (is_opaque(b) && is_any_port(a))) {
		s.start_port = 0xffff;
		s.end_port = 0;
	} else {
		s.start_port = a->start_port > b->start_port ? a->start_port : b->start_port;
		s.end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
		if (s.start_port > s.end_port)
			return false;
	}
	n = addr_len(a);
	from = memcmp(a->start, b->start, n) > 0 ? a->start : b->start;
	to = memcmp(a->end, b->end, n) > 0 ? b->end : a->end;
	if (memcmp(from, to, n) > 0)
		return false;
	memcpy(s.start, from, n);
	memcpy(s.end, to, n);
	*out = s;
	return true;
}

static bool ts_equal(const struct ike_ts *a, const struct ike_ts *b)
{
	return a->type == b->type && a->ip_proto == b->ip_proto && a->start_port == b->start_port &&
	       a->end_port == b->end_port && memcmp(a->start, b->start, addr_len(a)) == 0 &&
	       memcmp(a->end, b->end, addr_len(a)) == 0;
}

/* strongSwan's is_contained_in(): a's intersection with b is a itself. */
static bool contained_in(const struct ike_ts *a, const struct ike_ts *b)
{
	struct ike_ts s, an = normalized(a);

	return subset(a, b, &s) && ts_equal(&s, &an);
}

static void remove_at(struct ike_ts *v, size_t *n, size_t i)
{
	memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
	(*n)--;
}

/*
 * strongSwan's remove_duplicate_ts() on an array: for each selector, the
 * first other one that it contains is removed (and the scan starts over), or
 * it is removed when contained in the first other one containing it.
 */
static void remove_contained(struct ike_ts *v, size_t *n)
{
	size_t i = 0;

	while (i < *n) {
		bool restart = false, removed = false;

		for (size_t j = 0; j < *n; j++) {
			if (j == i)
				continue;
			if (contained_in(&v[j], &v[i])) {
				remove_at(v, n, j);
				restart = true;
				break;
			}
			if (contained_in(&v[i], &v[j])) {
				remove_at(v, n, i);
				removed = true;
				break;
			}
		}
		if (restart)
			i = 0;
		else if (!removed)
			i++;
	}
}

int ts_narrow(const struct ike_ts *ours, size_t n_ours, const struct ike_ts *peer, size_t n_peer,
	      struct ike_ts *out, size_t cap, size_t *n_out)
{
	struct ike_ts *v = out, *heap = NULL;
	size_t max, k = 0;

	if ((n_ours && !ours) || (n_peer && !peer) || (cap && !out) || !n_out)
		return -EINVAL;
	for (size_t i = 0; i < n_ours; i++)
		if (!is_ip(&ours[i]))
			return -EINVAL;
	*n_out = 0;
	if (n_peer && n_ours > SIZE_MAX / sizeof(*v) / n_peer)
		return -ENOMEM;
	max = n_ours * n_peer;
	if (max > cap) {
		/* every intersection first, as strongSwan collects them, then the removal */
		heap = calloc(max, sizeof(*heap));
		if (!heap)
			return -ENOMEM;
		v = heap;
	}
	for (size_t i = 0; i < n_ours; i++)
		for (size_t j = 0; j < n_peer; j++)
			if (subset(&ours[i], &peer[j], &v[k]))
				k++;
	remove_contained(v, &k);
	if (heap) {
		if (k && k <= cap)
			memcpy(out, heap, k * sizeof(*out));
		free(heap);
		if (k > cap)
			return -ENOBUFS;
	}
	*n_out = k;
	return k ? 0 : -ENOENT;
}

bool ts_list_is_subset(const struct ike_ts *a, size_t n_a, const struct ike_ts *b, size_t n_b)
{
	if ((n_a && !a) || (n_b && !b))
		return false;
	for (size_t i = 0; i < n_a; i++) {
		bool found = false;

		for (size_t j = 0; j < n_b && !found; j++)
			found = contained_in(&a[i], &b[j]);
		if (!found)
			return false;
	}
	return true;
}

/*
 * strongSwan's calc_netbits(): the prefix length if start..end is exactly
 * one subnet, else -1.
 */
static int prefix_len(const uint8_t *start, const uint8_t *end, size_t n)
{
	size_t bits = n * 8, p = 0;

	/* the common prefix */
	while (p < bits && ((start[p / 8] ^ end[p / 8]) & (0x80 >> (p % 8))) == 0)
		p++;
	/* then start all zero bits and end all one bits */
	for (size_t b = p; b < bits; b++) {
		unsigned int mask = 0x80u >> (b % 8);

		if ((start[b / 8] & mask) || !(end[b / 8] & mask))
			return -1;
	}
	return (int)p;
}

static const char *proto_name(uint8_t num)
{
	for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++)
		if (proto_names[i].num == num)
			return proto_names[i].name;
	return NULL;
}

__attribute__((format(printf, 4, 5))) static bool out_add(char *buf, size_t len, size_t *pos,
							  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *pos) {
		*pos = len;
		return false;
	}
	*pos += (size_t)n;
	return true;
}

static bool out_icmp(char *buf, size_t len, size_t *pos, uint16_t port)
{
	unsigned int type = port >> 8, code = port & 0xff;

	if (code)
		return out_add(buf, len, pos, "%u(%u)", type, code);
	return out_add(buf, len, pos, "%u", type);
}

int ts_to_str(const struct ike_ts *ts_in, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	struct ike_ts tn;
	const struct ike_ts *ts = &tn;
	int family, prefix;
	size_t pos = 0;
	bool icmp, ok;

	if (!ts_in || !buf || !len)
		return -EINVAL;
	tn = normalized(ts_in);
	buf[0] = '\0';
	if (!is_ip(ts)) {
		const char *name = ike_ts_type_name(ts->type);

		ok = name ? out_add(buf, len, &pos, "%s", name)
			  : out_add(buf, len, &pos, "TS_TYPE_%u", (unsigned int)ts->type);
		return ok ? 0 : -ENOBUFS;
	}
	family = ts->type == IKE_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
	inet_ntop(family, ts->start, a, sizeof(a));
	prefix = prefix_len(ts->start, ts->end, addr_len(ts));
	if (prefix < 0) {
		inet_ntop(family, ts->end, b, sizeof(b));
		ok = out_add(buf, len, &pos, "%s..%s", a, b);
	} else {
		ok = out_add(buf, len, &pos, "%s/%d", a, prefix);
	}
	if (ts->ip_proto == 0 && is_any_port(ts))
		return ok ? 0 : -ENOBUFS;
	icmp = is_icmp(ts->ip_proto);
	if (ts->ip_proto && proto_name(ts->ip_proto))
		ok = ok && out_add(buf, len, &pos, "[%s", proto_name(ts->ip_proto));
	else
		ok = ok && out_add(buf, len, &pos, "[%u", (unsigned int)ts->ip_proto);
	if (!is_any_port(ts)) {
		ok = ok && out_add(buf, len, &pos, "/");
		if (ts->start_port == ts->end_port && icmp)
			ok = ok && out_icmp(buf, len, &pos, ts->start_port);
		else if (ts->start_port == ts->end_port)
			ok = ok && out_add(buf, len, &pos, "%u", (unsigned int)ts->start_port);
		else if (is_opaque(ts))
			ok = ok && out_add(buf, len, &pos, "OPAQUE");
		else if (icmp)
			ok = ok && out_icmp(buf, len, &pos, ts->start_port) &&
			     out_add(buf, len, &pos, "-") && out_icmp(buf, len, &pos, ts->end_port);
		else
			ok = ok && out_add(buf, len, &pos, "%u-%u", (unsigned int)ts->start_port,
					   (unsigned int)ts->end_port);
	}
	ok = ok && out_add(buf, len, &pos, "]");
	return ok ? 0 : -ENOBUFS;
}

bool ts_contains_addr(const struct ike_ts *ts, const struct sockaddr_storage *sa)
{
	uint8_t type, addr[16];
	uint16_t port;

	if (!ts || !sa || !is_ip(ts) || !sa_addr(sa, &type, addr, &port) || type != ts->type)
		return false;
	if (memcmp(ts->start, addr, addr_len(ts)) > 0 || memcmp(addr, ts->end, addr_len(ts)) > 0)
		return false;
	if (port == 0)
		return true;
	return !is_opaque(ts) && ts->start_port <= port && port <= ts->end_port;
}
