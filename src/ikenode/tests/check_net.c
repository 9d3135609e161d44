/*
 * IKE UDP sockets: sockets bound to 127.0.0.1 / ::1 on ephemeral ports, a
 * libqb loop run until the expected datagrams arrived (or a timer stops it),
 * plain test sockets on the other side. Receive with local and remote
 * filled, reply from the receiving address, the RFC 3948 handling on the
 * NAT-T port (non-ESP marker stripped and prepended, keepalives, ESP, runts),
 * the source address on a wildcard socket, bind errors and freebind.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <qb/qbloop.h>

#include "common/defs.h"
#include "ikenode/net.h"

Suite *net_suite(void);

#define TIMEOUT_NS (3ULL * 1000 * 1000 * 1000)
#define MAX_SEEN 128

struct seen {
	uint8_t data[256];
	size_t len;
	struct sockaddr_storage local, remote;
	bool natt;
};

struct ctx {
	qb_loop_t *loop;
	struct net *net;
	struct seen ike[MAX_SEEN], esp[4];
	unsigned int n_ike, n_esp, target;
	bool timed_out, reply;
	int reply_rc;
};

static void record(struct seen *s, const struct net_pkt *pkt)
{
	ck_assert_uint_le(pkt->len, sizeof(s->data));
	memcpy(s->data, pkt->data, pkt->len);
	s->len = pkt->len;
	s->local = pkt->local;
	s->remote = pkt->remote;
	s->natt = pkt->natt;
}

static void on_ike(void *data, const struct net_pkt *pkt)
{
	struct ctx *c = data;

	if (c->n_ike < MAX_SEEN)
		record(&c->ike[c->n_ike], pkt);
	c->n_ike++;
	if (c->reply) /* echo back from where it arrived, reversed */
		c->reply_rc = net_send(c->net, &pkt->local, &pkt->remote, pkt->data, pkt->len);
	if (c->n_ike + c->n_esp >= c->target)
		qb_loop_stop(c->loop);
}

static void on_esp(void *data, const struct net_pkt *pkt)
{
	struct ctx *c = data;

	if (c->n_esp < ARRAY_SIZE(c->esp))
		record(&c->esp[c->n_esp], pkt);
	c->n_esp++;
	if (c->n_ike + c->n_esp >= c->target)
		qb_loop_stop(c->loop);
}

static void on_timeout(void *data)
{
	struct ctx *c = data;

	c->timed_out = true;
	qb_loop_stop(c->loop);
}

/* Runs the loop until target IKE + ESP packets were delivered. */
static void run_until(struct ctx *c, unsigned int target)
{
	qb_loop_timer_handle th;

	c->target = target;
	if (c->n_ike + c->n_esp >= target)
		return;
	ck_assert_int_eq(qb_loop_timer_add(c->loop, QB_LOOP_LOW, TIMEOUT_NS, c, on_timeout, &th),
			 0);
	qb_loop_run(c->loop);
	ck_assert_msg(!c->timed_out, "timed out with %u of %u packets", c->n_ike + c->n_esp,
		      target);
	qb_loop_timer_del(c->loop, th);
}

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

static socklen_t sa_len(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static uint16_t port_of(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)sa)->sin6_port)
					 : ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

/* A plain UDP socket bound to ip on an ephemeral port; its address in *sa. -1 if unavailable. */
static int peer_sock(const char *ip, struct sockaddr_storage *sa)
{
	socklen_t len = sizeof(*sa);
	int fd;

	mk_addr(ip, 0, sa);
	fd = socket(sa->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)sa, sa_len(sa))) {
		close(fd);
		return -1;
	}
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	return fd;
}

static void peer_send(int fd, const struct sockaddr_storage *to, const void *data, size_t len)
{
	ck_assert_int_eq(sendto(fd, data, len, 0, (const struct sockaddr *)to, sa_len(to)),
			 (ssize_t)len);
}

/* Receives one datagram within a second; its length, the sender in *from. */
static ssize_t peer_recv(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t len = sizeof(*from);

	ck_assert_int_eq(poll(&p, 1, 1000), 1);
	memset(from, 0, sizeof(*from));
	return recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, &len);
}

static bool v6_available(void)
{
	struct sockaddr_storage sa;
	int fd = peer_sock("::1", &sa);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void ctx_open(struct ctx *c, const char *const *addrs, size_t n)
{
	struct net_cfg cfg = { .addrs = addrs, .n_addrs = n };

	memset(c, 0, sizeof(*c));
	c->loop = qb_loop_create();
	ck_assert_ptr_nonnull(c->loop);
	ck_assert_int_eq(net_new(&c->net, c->loop, &cfg, on_ike, c), 0);
	ck_assert_uint_ne(net_port(c->net), 0);
	ck_assert_uint_ne(net_port_natt(c->net), 0);
	ck_assert_uint_ne(net_port(c->net), net_port_natt(c->net));
}

static void ctx_close(struct ctx *c)
{
	net_free(c->net);
	qb_loop_destroy(c->loop);
}

START_TEST(test_net_input)
{
	static const char *const good[] = { "127.0.0.1" };
	static const char *const bad[] = { "127.0.0.1", "localhost" };
	struct net_cfg cfg = { .addrs = good, .n_addrs = 1 };
	struct sockaddr_storage a, b;
	qb_loop_t *loop = qb_loop_create();
	struct net *net = NULL;
	uint8_t byte = 0;
	char s[64];

	ck_assert_ptr_nonnull(loop);
	ck_assert_int_eq(net_new(NULL, loop, &cfg, on_ike, NULL), -EINVAL);
	ck_assert_int_eq(net_new(&net, NULL, &cfg, on_ike, NULL), -EINVAL);
	ck_assert_int_eq(net_new(&net, loop, NULL, on_ike, NULL), -EINVAL);
	ck_assert_int_eq(net_new(&net, loop, &cfg, NULL, NULL), -EINVAL);
	cfg.n_addrs = 0;
	ck_assert_int_eq(net_new(&net, loop, &cfg, on_ike, NULL), -EINVAL);
	cfg.addrs = bad;
	cfg.n_addrs = 2;
	ck_assert_int_eq(net_new(&net, loop, &cfg, on_ike, NULL), -EINVAL);
	ck_assert_ptr_null(net);

	ck_assert_int_eq(net_addr_parse(NULL, 500, &a), -EINVAL);
	ck_assert_int_eq(net_addr_parse("192.0.2.1", 500, NULL), -EINVAL);
	ck_assert_int_eq(net_addr_parse("", 500, &a), -EINVAL);
	ck_assert_int_eq(net_addr_parse("192.0.2.256", 500, &a), -EINVAL);
	ck_assert_int_eq(net_addr_parse("192.0.2.1:500", 500, &a), -EINVAL);
	ck_assert_int_eq(net_addr_parse("2001:db8::1::2", 500, &a), -EINVAL);
	ck_assert_int_eq(net_addr_parse("[2001:db8::1]", 500, &a), -EINVAL);
	ck_assert_int_eq(net_addr_to_str(NULL, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(net_addr_to_str(&a, NULL, sizeof(s)), -EINVAL);
	ck_assert_int_eq(net_addr_to_str(&a, s, 0), -EINVAL);
	ck_assert(!net_addr_equal(NULL, &a));
	ck_assert(!net_addr_equal(&a, NULL));

	cfg.addrs = good;
	cfg.n_addrs = 1;
	ck_assert_int_eq(net_new(&net, loop, &cfg, on_ike, NULL), 0);
	ck_assert_int_eq(net_addr_parse("127.0.0.1", net_port(net), &a), 0);
	ck_assert_int_eq(net_addr_parse("::1", 500, &b), 0);
	ck_assert_int_eq(net_send(NULL, &a, &a, &byte, 1), -EINVAL);
	ck_assert_int_eq(net_send(net, NULL, &a, &byte, 1), -EINVAL);
	ck_assert_int_eq(net_send(net, &a, NULL, &byte, 1), -EINVAL);
	ck_assert_int_eq(net_send(net, &a, &a, NULL, 1), -EINVAL);
	ck_assert_int_eq(net_send(net, &a, &b, &byte, 1), -EINVAL); /* families differ */
	ck_assert_int_eq(net_send_keepalive(NULL, &a, &a), -EINVAL);
	ck_assert_int_eq(net_send_keepalive(net, NULL, &a), -EINVAL);
	ck_assert_int_eq(net_send_keepalive(net, &a, NULL), -EINVAL);
	ck_assert_int_eq(net_send_keepalive(net, &a, &b), -EINVAL);
	net_free(net);
	net_free(NULL);
	qb_loop_destroy(loop);
}
END_TEST

static const struct {
	const char *in;
	uint16_t port;
	int family;
	const char *str;
} addr_cases[] = {
	{ "192.0.2.1", 500, AF_INET, "192.0.2.1[500]" },
	{ "0.0.0.0", 4500, AF_INET, "0.0.0.0[4500]" },
	{ "255.255.255.255", 65535, AF_INET, "255.255.255.255[65535]" },
	{ "2001:db8::1", 4500, AF_INET6, "2001:db8::1[4500]" },
	{ "2001:DB8:0:0:0:0:0:1", 500, AF_INET6, "2001:db8::1[500]" },
	{ "::", 0, AF_INET6, "::[0]" },
	{ "::ffff:192.0.2.1", 500, AF_INET6, "::ffff:192.0.2.1[500]" },
};

START_TEST(test_net_addr_parse_print)
{
	struct sockaddr_storage sa, ref;
	uint8_t raw[16];
	char s[64];

	ck_assert_int_eq(net_addr_parse(addr_cases[_i].in, addr_cases[_i].port, &sa), 0);
	ck_assert_int_eq(sa.ss_family, addr_cases[_i].family);
	ck_assert_uint_eq(port_of(&sa), addr_cases[_i].port);
	ck_assert_int_eq(inet_pton(addr_cases[_i].family, addr_cases[_i].in, raw), 1);
	if (sa.ss_family == AF_INET)
		ck_assert_mem_eq(&((struct sockaddr_in *)&sa)->sin_addr, raw, 4);
	else
		ck_assert_mem_eq(&((struct sockaddr_in6 *)&sa)->sin6_addr, raw, 16);
	ck_assert_int_eq(net_addr_to_str(&sa, s, sizeof(s)), 0);
	ck_assert_str_eq(s, addr_cases[_i].str);

	/* truncation is reported and terminated */
	ck_assert_int_eq(net_addr_to_str(&sa, s, strlen(addr_cases[_i].str)), -ENOBUFS);
	ck_assert_uint_eq(strlen(s), strlen(addr_cases[_i].str) - 1);

	/* equality: address and port and family */
	mk_addr(addr_cases[_i].in, addr_cases[_i].port, &ref);
	ck_assert(net_addr_equal(&sa, &ref));
	mk_addr(addr_cases[_i].in, (uint16_t)(addr_cases[_i].port + 1), &ref);
	ck_assert(!net_addr_equal(&sa, &ref));
	mk_addr(sa.ss_family == AF_INET ? "192.0.2.77" : "2001:db8::77", addr_cases[_i].port, &ref);
	ck_assert(!net_addr_equal(&sa, &ref));
}
END_TEST

START_TEST(test_net_addr_family_differs)
{
	struct sockaddr_storage v4, v6;

	ck_assert_int_eq(net_addr_parse("0.0.0.0", 500, &v4), 0);
	ck_assert_int_eq(net_addr_parse("::", 500, &v6), 0);
	ck_assert(!net_addr_equal(&v4, &v6));
	ck_assert(net_addr_equal(&v4, &v4));
	memset(&v4, 0, sizeof(v4));
	memset(&v6, 0, sizeof(v6));
	ck_assert(!net_addr_equal(&v4, &v6)); /* AF_UNSPEC is never equal */
}
END_TEST

/* Receive on port 500 and the NAT-T port with local/remote filled; reply from there. */
static const char *const lo_ips[] = { "127.0.0.1", "::1" };

START_TEST(test_net_recv_and_reply)
{
	const char *ip = lo_ips[_i];
	const char *const addrs[] = { "127.0.0.1", "::1" };
	static const uint8_t ike[] = "an IKE message, not parsed here";
	uint8_t marked[4 + sizeof(ike)] = { 0 }, buf[512];
	struct sockaddr_storage me, net_ike, net_natt, from;
	struct net_stats st;
	struct ctx c;
	ssize_t n;
	int fd;

	if (_i == 1 && !v6_available())
		return;
	ctx_open(&c, addrs, v6_available() ? 2 : 1);
	c.reply = true;
	fd = peer_sock(ip, &me);
	ck_assert_int_ge(fd, 0);
	mk_addr(ip, net_port(c.net), &net_ike);
	mk_addr(ip, net_port_natt(c.net), &net_natt);

	/* port 500: as is */
	peer_send(fd, &net_ike, ike, sizeof(ike));
	run_until(&c, 1);
	ck_assert_uint_eq(c.ike[0].len, sizeof(ike));
	ck_assert_mem_eq(c.ike[0].data, ike, sizeof(ike));
	ck_assert(!c.ike[0].natt);
	ck_assert(net_addr_equal(&c.ike[0].local, &net_ike));
	ck_assert(net_addr_equal(&c.ike[0].remote, &me));
	ck_assert_int_eq(c.reply_rc, 0);
	n = peer_recv(fd, buf, sizeof(buf), &from);
	ck_assert_int_eq(n, (ssize_t)sizeof(ike));
	ck_assert_mem_eq(buf, ike, sizeof(ike));
	ck_assert(net_addr_equal(&from, &net_ike));

	/* NAT-T port: the marker stripped on receive and prepended on send */
	memcpy(marked + 4, ike, sizeof(ike));
	peer_send(fd, &net_natt, marked, sizeof(marked));
	run_until(&c, 2);
	ck_assert_uint_eq(c.ike[1].len, sizeof(ike));
	ck_assert_mem_eq(c.ike[1].data, ike, sizeof(ike));
	ck_assert(c.ike[1].natt);
	ck_assert(net_addr_equal(&c.ike[1].local, &net_natt));
	ck_assert(net_addr_equal(&c.ike[1].remote, &me));
	ck_assert_int_eq(c.reply_rc, 0);
	n = peer_recv(fd, buf, sizeof(buf), &from);
	ck_assert_int_eq(n, (ssize_t)sizeof(marked));
	ck_assert_mem_eq(buf, marked, sizeof(marked));
	ck_assert(net_addr_equal(&from, &net_natt));

	net_get_stats(c.net, &st);
	ck_assert_uint_eq(st.rx, 2);
	ck_assert_uint_eq(st.tx, 2);
	ck_assert_uint_eq(st.rx_dropped, 0);
	ck_assert_uint_eq(st.tx_errors, 0);
	close(fd);
	ctx_close(&c);
}
END_TEST

/* Keepalives, runts, ESP with and without a handler on the NAT-T port; port 500 unaffected. */
START_TEST(test_net_natt_classify)
{
	const char *const addrs[] = { "127.0.0.1" };
	static const uint8_t ka = 0xff, zero4[4] = { 0 }, one_zero = 0;
	static const uint8_t esp[] = { 0xc0, 0x01, 0xbe, 0xef, 0, 0, 0, 1, 0xaa, 0xbb };
	static const uint8_t ike[] = { 0, 0, 0, 0, 'i', 'k', 'e' };
	struct sockaddr_storage me, net_ike, net_natt;
	struct net_stats st;
	struct ctx c;
	int fd;

	ctx_open(&c, addrs, 1);
	fd = peer_sock("127.0.0.1", &me);
	ck_assert_int_ge(fd, 0);
	mk_addr("127.0.0.1", net_port(c.net), &net_ike);
	mk_addr("127.0.0.1", net_port_natt(c.net), &net_natt);

	/* datagrams of one socket are read in order: the final IKE one ends the run */
	peer_send(fd, &net_natt, &ka, 1); /* keepalive */
	peer_send(fd, &net_natt, &one_zero, 1); /* runts */
	peer_send(fd, &net_natt, zero4, 3);
	peer_send(fd, &net_natt, esp, 2);
	peer_send(fd, &net_natt, zero4, 0);
	peer_send(fd, &net_natt, esp, sizeof(esp)); /* ESP without a handler */
	peer_send(fd, &net_natt, zero4, 4); /* a marker and nothing: empty IKE */
	peer_send(fd, &net_natt, ike, sizeof(ike));
	run_until(&c, 1);
	ck_assert_uint_eq(c.n_ike, 1);
	ck_assert_uint_eq(c.ike[0].len, 3);
	ck_assert_mem_eq(c.ike[0].data, "ike", 3);
	net_get_stats(c.net, &st);
	ck_assert_uint_eq(st.rx, 1);
	ck_assert_uint_eq(st.rx_keepalive, 1);
	ck_assert_uint_eq(st.rx_esp, 0);
	ck_assert_uint_eq(st.rx_dropped, 6);

	/* ESP to the handler, whole (SPI included) */
	net_set_esp_handler(c.net, on_esp, &c);
	peer_send(fd, &net_natt, esp, sizeof(esp));
	run_until(&c, 2);
	ck_assert_uint_eq(c.n_esp, 1);
	ck_assert_uint_eq(c.esp[0].len, sizeof(esp));
	ck_assert_mem_eq(c.esp[0].data, esp, sizeof(esp));
	ck_assert(c.esp[0].natt);
	ck_assert(net_addr_equal(&c.esp[0].remote, &me));
	ck_assert(net_addr_equal(&c.esp[0].local, &net_natt));

	/* port 500: a 0xFF byte and marker-like bytes are IKE, an empty datagram is dropped */
	peer_send(fd, &net_ike, zero4, 0);
	peer_send(fd, &net_ike, &ka, 1);
	peer_send(fd, &net_ike, esp, sizeof(esp));
	peer_send(fd, &net_ike, ike, sizeof(ike));
	run_until(&c, 5);
	ck_assert_uint_eq(c.n_ike, 4);
	ck_assert_uint_eq(c.ike[1].len, 1);
	ck_assert_uint_eq(c.ike[1].data[0], 0xff);
	ck_assert_uint_eq(c.ike[2].len, sizeof(esp));
	ck_assert_mem_eq(c.ike[2].data, esp, sizeof(esp));
	ck_assert_uint_eq(c.ike[3].len, sizeof(ike));
	ck_assert_mem_eq(c.ike[3].data, ike, sizeof(ike));
	ck_assert(!c.ike[3].natt);
	net_get_stats(c.net, &st);
	ck_assert_uint_eq(st.rx, 4);
	ck_assert_uint_eq(st.rx_esp, 1);
	ck_assert_uint_eq(st.rx_keepalive, 1);
	ck_assert_uint_eq(st.rx_dropped, 7);
	close(fd);
	ctx_close(&c);
}
END_TEST

/* More datagrams than one wakeup's batch, all delivered in order. */
START_TEST(test_net_recv_drains_batches)
{
	const char *const addrs[] = { "127.0.0.1" };
	struct sockaddr_storage me, net_ike;
	struct ctx c;
	int fd;

	ctx_open(&c, addrs, 1);
	fd = peer_sock("127.0.0.1", &me);
	ck_assert_int_ge(fd, 0);
	mk_addr("127.0.0.1", net_port(c.net), &net_ike);
	for (unsigned int i = 0; i < MAX_SEEN; i++) {
		uint8_t b[2] = { (uint8_t)i, (uint8_t)~i };

		peer_send(fd, &net_ike, b, sizeof(b));
	}
	run_until(&c, MAX_SEEN);
	for (unsigned int i = 0; i < MAX_SEEN; i++) {
		ck_assert_uint_eq(c.ike[i].len, 2);
		ck_assert_uint_eq(c.ike[i].data[0], (uint8_t)i);
		ck_assert_uint_eq(c.ike[i].data[1], (uint8_t)~i);
	}
	close(fd);
	ctx_close(&c);
}
END_TEST

START_TEST(test_net_send_keepalive)
{
	const char *ip = lo_ips[_i];
	const char *const addrs[] = { ip };
	struct sockaddr_storage me, local, from;
	struct net_stats st;
	uint8_t buf[16];
	struct ctx c;
	int fd;

	if (_i == 1 && !v6_available())
		return;
	ctx_open(&c, addrs, 1);
	fd = peer_sock(ip, &me);
	ck_assert_int_ge(fd, 0);
	mk_addr(ip, net_port(c.net), &local); /* the port is replaced by the NAT-T one */
	ck_assert_int_eq(net_send_keepalive(c.net, &local, &me), 0);
	ck_assert_int_eq(peer_recv(fd, buf, sizeof(buf), &from), 1);
	ck_assert_uint_eq(buf[0], 0xff);
	mk_addr(ip, net_port_natt(c.net), &local);
	ck_assert(net_addr_equal(&from, &local));
	net_get_stats(c.net, &st);
	ck_assert_uint_eq(st.tx, 1);
	close(fd);
	ctx_close(&c);
}
END_TEST

/*
 * ESP batches: a run of equal datagrams to one peer leaves in one UDP GSO
 * send, a shorter last one included; the peer receives each datagram as sent
 * (no marker), in order, from the NAT-T port; another peer's datagram in the
 * middle starts a new run.
 */
START_TEST(test_net_send_esp_batch)
{
	const char *ip = lo_ips[_i];
	const char *const addrs[] = { ip };
	struct sockaddr_storage a, b, local, from;
	struct net_dgram d[8];
	uint8_t data[8][1400], buf[2048];
	static const size_t lens[8] = { 1400, 1400, 1400, 900, 1400, 1400, 1400, 1400 };
	struct net_stats st;
	struct ctx c;
	int fa, fb;

	if (_i == 1 && !v6_available())
		return;
	ctx_open(&c, addrs, 1);
	fa = peer_sock(ip, &a);
	fb = peer_sock(ip, &b);
	ck_assert_int_ge(fa, 0);
	ck_assert_int_ge(fb, 0);
	mk_addr(ip, net_port_natt(c.net), &local);
	for (size_t i = 0; i < 8; i++) {
		memset(data[i], (int)(0x10 + i), sizeof(data[i]));
		/* 0..3 to a (the 4th shorter ends the run), 4 to b, 5..7 to a again */
		d[i] = (struct net_dgram){ &local, i == 4 ? &b : &a, data[i], lens[i] };
	}
	ck_assert_uint_eq(net_send_esp_batch(c.net, d, 8), 8);
	for (size_t i = 0; i < 8; i++) {
		if (i == 4)
			continue;
		ck_assert_int_eq(peer_recv(fa, buf, sizeof(buf), &from), (ssize_t)lens[i]);
		ck_assert_uint_eq(buf[0], 0x10 + i);
		ck_assert_uint_eq(buf[lens[i] - 1], 0x10 + i);
		ck_assert(net_addr_equal(&from, &local));
	}
	ck_assert_int_eq(peer_recv(fb, buf, sizeof(buf), &from), 1400);
	ck_assert_uint_eq(buf[0], 0x14);
	net_get_stats(c.net, &st);
	ck_assert_uint_eq(st.tx, 8);
	ck_assert_uint_eq(st.tx_errors, 0);
	/* the IKE port is not the NAT-T port: nothing sent, counted */
	mk_addr(ip, net_port(c.net), &local);
	ck_assert_uint_eq(net_send_esp_batch(c.net, d, 2), 0);
	net_get_stats(c.net, &st);
	ck_assert_uint_eq(st.tx_errors, 2);
	close(fa);
	close(fb);
	ctx_close(&c);
}
END_TEST

/*
 * A wildcard socket: the local address of a datagram comes from IP_PKTINFO
 * and a reply leaves from it (all of 127/8 is local on Linux).
 */
START_TEST(test_net_wildcard_pktinfo)
{
	const char *const addrs[] = { "0.0.0.0" };
	static const uint8_t ike[] = "to 127.0.0.3";
	struct sockaddr_storage me, to, from, local;
	uint8_t buf[64];
	struct ctx c;
	int fd;

	ctx_open(&c, addrs, 1);
	c.reply = true;
	fd = peer_sock("127.0.0.1", &me);
	ck_assert_int_ge(fd, 0);
	mk_addr("127.0.0.3", net_port(c.net), &to);
	peer_send(fd, &to, ike, sizeof(ike));
	run_until(&c, 1);
	ck_assert(net_addr_equal(&c.ike[0].local, &to));
	ck_assert(net_addr_equal(&c.ike[0].remote, &me));
	ck_assert_int_eq(c.reply_rc, 0);
	ck_assert_int_eq(peer_recv(fd, buf, sizeof(buf), &from), (ssize_t)sizeof(ike));
	ck_assert(net_addr_equal(&from, &to));

	/* an explicit source, and a zero one (the kernel picks 127.0.0.1 towards 127.0.0.1) */
	mk_addr("127.0.0.2", net_port_natt(c.net), &local);
	ck_assert_int_eq(net_send(c.net, &local, &me, ike, sizeof(ike)), 0);
	ck_assert_int_eq(peer_recv(fd, buf, sizeof(buf), &from), (ssize_t)sizeof(ike) + 4);
	ck_assert(net_addr_equal(&from, &local));
	mk_addr("0.0.0.0", net_port(c.net), &local);
	ck_assert_int_eq(net_send(c.net, &local, &me, ike, sizeof(ike)), 0);
	ck_assert_int_eq(peer_recv(fd, buf, sizeof(buf), &from), (ssize_t)sizeof(ike));
	mk_addr("127.0.0.1", net_port(c.net), &local);
	ck_assert(net_addr_equal(&from, &local));
	close(fd);
	ctx_close(&c);
}
END_TEST

/* Errors: no socket for local, a too large datagram, an address in use, freebind. */
START_TEST(test_net_errors)
{
	static const char *const lo[] = { "127.0.0.1" };
	static const char *const foreign[] = { "198.51.100.77" };
	struct net_cfg cfg = { .addrs = lo, .n_addrs = 1 };
	struct sockaddr_storage me, local;
	struct net_stats st;
	struct ctx c;
	struct net *net2 = NULL;
	uint8_t *big;
	int fd;

	ctx_open(&c, lo, 1);
	fd = peer_sock("127.0.0.1", &me);
	ck_assert_int_ge(fd, 0);

	/* no socket: another address, port, or family */
	mk_addr("127.0.0.2", net_port(c.net), &local);
	ck_assert_int_eq(net_send(c.net, &local, &me, (const uint8_t *)"x", 1), -EADDRNOTAVAIL);
	mk_addr("127.0.0.1", port_of(&me), &local);
	ck_assert_int_eq(net_send(c.net, &local, &me, (const uint8_t *)"x", 1), -EADDRNOTAVAIL);

	/* larger than any UDP datagram */
	big = calloc(1, 70000);
	ck_assert_ptr_nonnull(big);
	mk_addr("127.0.0.1", net_port(c.net), &local);
	ck_assert_int_eq(net_send(c.net, &local, &me, big, 70000), -EMSGSIZE);
	mk_addr("127.0.0.1", net_port_natt(c.net), &local);
	ck_assert_int_eq(net_send(c.net, &local, &me, big, 70000), -EMSGSIZE);
	free(big);
	net_get_stats(c.net, &st);
	ck_assert_uint_eq(st.tx, 0);
	ck_assert_uint_ge(st.tx_errors, 1);

	/* the same ports again */
	cfg.port = net_port(c.net);
	ck_assert_int_eq(net_new(&net2, c.loop, &cfg, on_ike, NULL), -EADDRINUSE);
	cfg.port = 0;
	cfg.port_natt = net_port_natt(c.net);
	ck_assert_int_eq(net_new(&net2, c.loop, &cfg, on_ike, NULL), -EADDRINUSE);
	ck_assert_ptr_null(net2);

	/* an address not configured here: only with freebind */
	cfg.addrs = foreign;
	cfg.port_natt = 0;
	ck_assert_int_eq(net_new(&net2, c.loop, &cfg, on_ike, NULL), -EADDRNOTAVAIL);
	cfg.freebind = true;
	ck_assert_int_eq(net_new(&net2, c.loop, &cfg, on_ike, NULL), 0);
	net_free(net2);
	close(fd);
	ctx_close(&c);
}
END_TEST

Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("net");

	tcase_add_test(tc, test_net_input);
	tcase_add_loop_test(tc, test_net_addr_parse_print, 0, (int)ARRAY_SIZE(addr_cases));
	tcase_add_test(tc, test_net_addr_family_differs);
	tcase_add_loop_test(tc, test_net_recv_and_reply, 0, (int)ARRAY_SIZE(lo_ips));
	tcase_add_test(tc, test_net_natt_classify);
	tcase_add_test(tc, test_net_recv_drains_batches);
	tcase_add_loop_test(tc, test_net_send_esp_batch, 0, 2);
	tcase_add_loop_test(tc, test_net_send_keepalive, 0, (int)ARRAY_SIZE(lo_ips));
	tcase_add_test(tc, test_net_wildcard_pktinfo);
	tcase_add_test(tc, test_net_errors);
	suite_add_tcase(s, tc);
	return s;
}
