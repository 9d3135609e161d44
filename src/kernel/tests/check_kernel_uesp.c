/*
 * uesp in a private network namespace (root only; skipped otherwise): the
 * TUN device, the routes and the rule it installs and removes, a packet
 * routed into the tunnel leaving as ESP in UDP (opened here with a peer's
 * esp_sa) or as raw ESP, ESP from the peer arriving at a local socket, and
 * the drops: unknown SPI, replay, inner addresses outside the policies.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/esp.h"
#include "kernel/kernel_ipsec.h"
#include "kernel/kernel_uesp.h"

Suite *kernel_uesp_suite(void);

static const uint8_t key_out[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
static const uint8_t key_in[20] = { 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40 };

struct capture {
	uint8_t pkt[2048];
	size_t len;
	size_t n;
	struct sockaddr_storage src, dst;
};

static size_t capture_out(void *ctx, const struct uesp_dgram *d, size_t n)
{
	struct capture *c = ctx;

	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_le(d[i].len, sizeof(c->pkt));
		memcpy(c->pkt, d[i].data, d[i].len);
		c->len = d[i].len;
		c->src = *d[i].src;
		c->dst = *d[i].dst;
		c->n++;
	}
	return n;
}

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

static struct kernel_ts ts4(const char *from, const char *to)
{
	struct kernel_ts t = { .family = AF_INET, .port_to = 65535 };

	ck_assert_int_eq(inet_pton(AF_INET, from, t.from), 1);
	ck_assert_int_eq(inet_pton(AF_INET, to, t.to), 1);
	return t;
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* Whether the output of cmd contains needle. */
static bool output_has(const char *cmd, const char *needle)
{
	char line[512];
	bool found = false;
	FILE *f = popen(cmd, "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		found = found || strstr(line, needle);
	pclose(f);
	return found;
}

static int32_t stop_loop(void *data)
{
	qb_loop_stop(data);
	return 0;
}

static void stop_timer(void *data)
{
	qb_loop_stop(data);
}

/* Runs the loop for ms milliseconds. */
static void spin(qb_loop_t *loop, unsigned ms)
{
	qb_loop_timer_handle t;

	(void)stop_loop;
	ck_assert_int_eq(qb_loop_timer_add(loop, QB_LOOP_LOW, (uint64_t)ms * 1000000u, loop,
					   stop_timer, &t),
			 0);
	qb_loop_run(loop);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4/UDP packet (UDP checksum 0: allowed for IPv4) into buf; its length. */
static size_t udp4(uint8_t *buf, const char *src, uint16_t sport, const char *dst, uint16_t dport,
		   const char *payload)
{
	size_t plen = strlen(payload), total = 28 + plen;
	uint16_t c;

	memset(buf, 0, 28);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(total >> 8);
	buf[3] = (uint8_t)total;
	buf[8] = 64;
	buf[9] = IPPROTO_UDP;
	ck_assert_int_eq(inet_pton(AF_INET, src, buf + 12), 1);
	ck_assert_int_eq(inet_pton(AF_INET, dst, buf + 16), 1);
	c = csum(buf, 20);
	buf[10] = (uint8_t)(c >> 8);
	buf[11] = (uint8_t)c;
	buf[20] = (uint8_t)(sport >> 8);
	buf[21] = (uint8_t)sport;
	buf[22] = (uint8_t)(dport >> 8);
	buf[23] = (uint8_t)dport;
	buf[24] = (uint8_t)((8 + plen) >> 8);
	buf[25] = (uint8_t)(8 + plen);
	memcpy(buf + 28, payload, plen);
	return total;
}

static struct esp_sa *peer_sa(uint32_t spi, bool inbound, const uint8_t *key)
{
	struct secret k = { .ptr = (uint8_t *)key, .len = 20 };
	struct esp_params p = {
		.spi = spi,
		.inbound = inbound,
		.encr_id = KERNEL_ENCR_AES_GCM_16,
		.encr_key_bits = 128,
		.encr_key = &k,
		.replay_window = inbound ? 64 : 0,
		.node_id = 9,
	};
	struct esp_sa *sa = NULL;

	ck_assert_int_eq(esp_sa_new(&sa, &p), 0);
	return sa;
}

static void add_sa(struct kernel_ipsec *k, uint32_t spi, bool inbound, bool encap,
		   const uint8_t *key)
{
	struct kernel_sa sa = {
		.spi = spi,
		.protocol = IPPROTO_ESP,
		.inbound = inbound,
		.src = inbound ? v4("192.168.0.100", encap ? 4500 : 0) : v4("192.168.0.1", encap ? 4500 : 0),
		.dst = inbound ? v4("192.168.0.1", encap ? 4500 : 0) : v4("192.168.0.100", encap ? 4500 : 0),
		.encap = encap,
		.reqid = 7,
		.mode = KERNEL_MODE_TUNNEL,
		.encr_id = KERNEL_ENCR_AES_GCM_16,
		.encr_key_bits = 128,
		.encr_key = { .ptr = (uint8_t *)key, .len = 20 },
		.replay_window = inbound ? 64 : 0,
	};

	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
}

static struct kernel_policy policy(const char *src_from, const char *src_to, const char *dst_from,
				   const char *dst_to, uint8_t dir)
{
	struct kernel_policy p = {
		.src = ts4(src_from, src_to),
		.dst = ts4(dst_from, dst_to),
		.dir = dir,
		.reqid = 7,
		.priority = 100,
		.mode = KERNEL_MODE_TUNNEL,
	};

	p.tmpl_src = dir == KERNEL_DIR_OUT ? v4("192.168.0.1", 0) : v4("192.168.0.100", 0);
	p.tmpl_dst = dir == KERNEL_DIR_OUT ? v4("192.168.0.100", 0) : v4("192.168.0.1", 0);
	return p;
}

/* A private namespace with lo up, 10.1.0.1/24 on one interface and 192.168.0.1/24 on another. */
static bool enter_netns(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "kernel_uesp: not root, the namespace tests are skipped\n");
		return false;
	}
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	/* veth pairs: the kernel may lack the dummy driver */
	ck_assert_int_eq(run("ip link set lo up && ip link add in0 type veth peer name in1 && "
			     "ip addr add 10.1.0.1/24 dev in0 && ip link set in0 up && "
			     "ip link set in1 up && "
			     "ip link add ext0 type veth peer name ext1 && "
			     "ip addr add 192.168.0.1/24 dev ext0 && ip link set ext0 up && "
			     "ip link set ext1 up && sysctl -qw net.ipv4.conf.all.rp_filter=0 "
			     "net.ipv4.conf.default.rp_filter=0 "
			     /* no IPv6 router solicitations or MLD reports into the TUN device */
			     "net.ipv6.conf.default.disable_ipv6=1"),
			 0);
	return true;
}

static struct kernel_ipsec *start(qb_loop_t *loop, struct capture *cap)
{
	struct kernel_opts o = { .tun_name = "iktest0", .mtu = 1400 };
	struct kernel_ipsec *k = NULL;

	ck_assert_int_eq(kernel_ipsec_new_opts(&k, "uesp", loop, NULL, NULL, &o), 0);
	ck_assert_int_eq(kernel_uesp_set_udp_output(k, capture_out, cap), 0);
	return k;
}

START_TEST(test_kernel_uesp_input)
{
	struct kernel_opts bad = { .tun_name = "a/b" };
	struct kernel_ipsec *k = NULL;
	struct uesp_stats st;

	ck_assert_int_eq(kernel_uesp_set_udp_output(NULL, capture_out, NULL), -EINVAL);
	ck_assert_int_eq(kernel_uesp_stats(NULL, &st), -EINVAL);
	ck_assert_int_eq(kernel_uesp_tun(NULL, NULL, NULL), -EINVAL);
	/* not the uesp backend */
	ck_assert_int_eq(kernel_ipsec_new(&k, "null", NULL, NULL, NULL), 0);
	ck_assert_int_eq(kernel_uesp_set_udp_output(k, capture_out, NULL), -EINVAL);
	ck_assert_int_eq(kernel_uesp_stats(k, &st), -EINVAL);
	kernel_uesp_input(k, (const uint8_t *)"x", 1, NULL, NULL);
	kernel_ipsec_free(k);
	/* uesp needs a loop; names and MTUs are checked */
	ck_assert_int_eq(kernel_ipsec_new(&k, "uesp", NULL, NULL, NULL), -EINVAL);
	qb_loop_t *loop = qb_loop_create();
	ck_assert_int_eq(kernel_ipsec_new_opts(&k, "uesp", loop, NULL, NULL, &bad), -EINVAL);
	bad.tun_name = "a-name-far-too-long";
	ck_assert_int_eq(kernel_ipsec_new_opts(&k, "uesp", loop, NULL, NULL, &bad), -EINVAL);
	bad.tun_name = "ok0";
	bad.mtu = 100;
	ck_assert_int_eq(kernel_ipsec_new_opts(&k, "uesp", loop, NULL, NULL, &bad), -EINVAL);
	ck_assert_ptr_null(k);
	qb_loop_destroy(loop);
}
END_TEST

START_TEST(test_kernel_uesp_tunnel)
{
	qb_loop_t *loop;
	struct capture cap = { 0 };
	struct kernel_ipsec *k;
	struct kernel_policy out, in, fwd;
	struct sockaddr_storage peer = v4("192.168.0.100", 4500), us = v4("192.168.0.1", 4500);
	struct sockaddr_storage to = v4("10.2.0.5", 9999), local = v4("10.1.0.1", 9999);
	struct esp_sa *peer_in, *peer_out;
	struct kernel_sa_state st;
	struct uesp_stats us_st;
	uint8_t inner[2048], esp[2048];
	size_t inner_len, esp_len;
	uint8_t nh;
	char got[64];
	int fd;

	if (!enter_netns())
		return;
	loop = qb_loop_create();
	k = start(loop, &cap);
	ck_assert(output_has("ip -o link show iktest0", "UP"));
	add_sa(k, 0x1001, false, true, key_out);
	add_sa(k, 0x2002, true, true, key_in);
	out = policy("10.1.0.0", "10.1.0.255", "10.2.0.0", "10.2.0.255", KERNEL_DIR_OUT);
	in = policy("10.2.0.0", "10.2.0.255", "10.1.0.0", "10.1.0.255", KERNEL_DIR_IN);
	fwd = in;
	fwd.dir = KERNEL_DIR_FWD;
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &out), 0);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &in), 0);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &fwd), 0);
	ck_assert(output_has("ip route show table 220", "10.2.0.0/24 dev iktest0"));
	/* what the host sends itself leaves from its address inside the local selector */
	ck_assert(output_has("ip route show table 220", "src 10.1.0.1"));
	ck_assert(output_has("ip rule", "not from all fwmark 0x42 lookup 220"));

	/* out: a datagram to 10.2.0.5 is routed into the TUN and leaves as ESP in UDP */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&local, sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(sendto(fd, "hello", 5, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in)),
			 5);
	spin(loop, 100);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert(kernel_ipsec_addr_equal(&cap.src, &us));
	ck_assert(kernel_ipsec_addr_equal(&cap.dst, &peer));
	ck_assert_uint_eq(esp_pkt_spi(cap.pkt, cap.len), 0x1001);
	peer_in = peer_sa(0x1001, true, key_out);
	ck_assert_int_eq(esp_open(peer_in, cap.pkt, cap.len, inner, sizeof(inner), &inner_len, &nh), 0);
	ck_assert_uint_eq(nh, IPPROTO_IPIP);
	ck_assert_uint_eq(inner_len, 28 + 5);
	ck_assert_mem_eq(inner + 12, "\x0a\x01\x00\x01\x0a\x02\x00\x05", 8);
	ck_assert_mem_eq(inner + 28, "hello", 5);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x1001, IPPROTO_ESP, &peer, &st), 0);
	ck_assert_uint_eq(st.packets, 1);
	ck_assert_uint_eq(st.seq_out, 2);

	/* in: ESP from the peer comes out of the TUN to our socket */
	peer_out = peer_sa(0x2002, false, key_in);
	inner_len = udp4(inner, "10.2.0.5", 7777, "10.1.0.1", 9999, "world");
	ck_assert_int_eq(esp_seal(peer_out, inner, inner_len, IPPROTO_IPIP, esp, sizeof(esp), &esp_len), 0);
	kernel_uesp_input(k, esp, esp_len, &peer, &us);
	struct pollfd pfd = { fd, POLLIN, 0 };
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert_int_eq(recv(fd, got, sizeof(got), 0), 5);
	ck_assert_mem_eq(got, "world", 5);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x2002, IPPROTO_ESP, &us, &st), 0);
	ck_assert_uint_eq(st.packets, 1);
	ck_assert_uint_eq(st.replay_top, 1);

	/* the same packet again: a replay */
	kernel_uesp_input(k, esp, esp_len, &peer, &us);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x2002, IPPROTO_ESP, &us, &st), 0);
	ck_assert_uint_eq(st.drops_replay, 1);
	/* inner source outside the inbound policy */
	inner_len = udp4(inner, "10.3.0.5", 7777, "10.1.0.1", 9999, "evil!");
	ck_assert_int_eq(esp_seal(peer_out, inner, inner_len, IPPROTO_IPIP, esp, sizeof(esp), &esp_len), 0);
	kernel_uesp_input(k, esp, esp_len, &peer, &us);
	/* an unknown SPI, and our outbound SPI arriving inbound */
	esp[0] = 0x77;
	kernel_uesp_input(k, esp, esp_len, &peer, &us);
	memcpy(esp, "\x00\x00\x10\x01", 4);
	kernel_uesp_input(k, esp, esp_len, &peer, &us);
	ck_assert_int_eq(poll(&pfd, 1, 200), 0);
	ck_assert_int_eq(kernel_uesp_stats(k, &us_st), 0);
	ck_assert_uint_eq(us_st.bad_inner, 1);
	ck_assert_uint_eq(us_st.no_sa, 2);
	ck_assert_uint_eq(us_st.esp_drops, 1);
	ck_assert_uint_eq(us_st.tun_tx, 1);
	ck_assert_uint_eq(us_st.esp_tx, 1);

	/* a datagram no outbound policy covers is not routed to us at all; one that is
	 * routed but has no SA is dropped and counted */
	ck_assert_int_eq(kernel_ipsec_del_sa(k, 0x1001, IPPROTO_ESP, &peer), 0);
	ck_assert_int_eq(sendto(fd, "again", 5, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in)),
			 5);
	spin(loop, 100);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_int_eq(kernel_uesp_stats(k, &us_st), 0);
	ck_assert_uint_eq(us_st.no_policy, 1);

	/* the route goes with the policy, the rule and the device with the backend */
	ck_assert_int_eq(kernel_ipsec_del_policy(k, &out), 0);
	ck_assert(!output_has("ip route show table 220", "10.2.0.0/24"));
	kernel_ipsec_free(k);
	ck_assert(!output_has("ip rule", "lookup 220"));
	ck_assert(!output_has("ip -o link", "iktest0"));
	esp_sa_free(peer_in);
	esp_sa_free(peer_out);
	close(fd);
	qb_loop_destroy(loop);
}
END_TEST

struct events {
	struct kernel_event ev[8];
	size_t n;
};

static void on_event(void *ctx, const struct kernel_event *ev)
{
	struct events *e = ctx;

	if (e->n < 8)
		e->ev[e->n++] = *ev;
}

/*
 * Lifetimes, checked once a second: the soft limit raises one event and the
 * SA stays; the hard limit removes the SA and then raises its event.
 */
START_TEST(test_kernel_uesp_lifetimes)
{
	qb_loop_t *loop;
	struct capture cap = { 0 };
	struct events evs = { .n = 0 };
	struct kernel_opts o = { .tun_name = "iktest0" };
	struct kernel_ipsec *k = NULL;
	struct kernel_policy out;
	struct sockaddr_storage to = v4("10.2.0.5", 9999), local = v4("10.1.0.1", 0);
	struct sockaddr_storage peer = v4("192.168.0.100", 4500), us = v4("192.168.0.1", 4500);
	struct kernel_sa sa = {
		.spi = 0x1001,
		.protocol = IPPROTO_ESP,
		.src = us,
		.dst = peer,
		.encap = true,
		.reqid = 7,
		.mode = KERNEL_MODE_TUNNEL,
		.encr_id = KERNEL_ENCR_AES_GCM_16,
		.encr_key_bits = 128,
		.encr_key = { .ptr = (uint8_t *)key_out, .len = 20 },
		.soft_packets = 1,
		.hard_packets = 2,
	};
	struct kernel_sa_state st;
	int fd;

	if (!enter_netns())
		return;
	loop = qb_loop_create();
	ck_assert_int_eq(kernel_ipsec_new_opts(&k, "uesp", loop, on_event, &evs, &o), 0);
	ck_assert_int_eq(kernel_uesp_set_udp_output(k, capture_out, &cap), 0);
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	/* an inbound SA that lives one second */
	sa = (struct kernel_sa){ .spi = 0x2002, .protocol = IPPROTO_ESP, .inbound = true,
				 .src = peer, .dst = us, .encap = true, .reqid = 7,
				 .mode = KERNEL_MODE_TUNNEL, .encr_id = KERNEL_ENCR_AES_GCM_16,
				 .encr_key_bits = 128,
				 .encr_key = { .ptr = (uint8_t *)key_in, .len = 20 },
				 .replay_window = 64, .hard_time = 1 };
	ck_assert_int_eq(kernel_ipsec_add_sa(k, &sa), 0);
	out = policy("10.1.0.0", "10.1.0.255", "10.2.0.0", "10.2.0.255", KERNEL_DIR_OUT);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &out), 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&local, sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(sendto(fd, "one", 3, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in)), 3);
	/* two checks: the soft limit after one packet; the inbound SA's second is up */
	spin(loop, 2300);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_uint_eq(evs.n, 2);
	for (size_t i = 0; i < evs.n; i++) {
		if (evs.ev[i].spi == 0x1001) {
			ck_assert_int_eq(evs.ev[i].type, KERNEL_EV_EXPIRE_SOFT);
			ck_assert(kernel_ipsec_addr_equal(&evs.ev[i].dst, &peer));
		} else {
			ck_assert_uint_eq(evs.ev[i].spi, 0x2002);
			ck_assert_int_eq(evs.ev[i].type, KERNEL_EV_EXPIRE_HARD);
			ck_assert_uint_eq(evs.ev[i].reqid, 7);
		}
	}
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x2002, IPPROTO_ESP, &us, &st), -ENOENT);
	ck_assert_int_eq(kernel_ipsec_query_sa(k, 0x1001, IPPROTO_ESP, &peer, &st), 0);
	/* the second packet reaches the hard limit: the SA goes at the next check */
	ck_assert_int_eq(sendto(fd, "two", 3, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in)), 3);
	spin(loop, 1100);
	ck_assert_uint_eq(cap.n, 2);
	ck_assert_uint_eq(evs.n, 3);
	ck_assert_int_eq(evs.ev[2].type, KERNEL_EV_EXPIRE_HARD);
	ck_assert_uint_eq(evs.ev[2].spi, 0x1001);
	ck_assert_uint_eq(kernel_ipsec_sa_count(k), 0);
	kernel_ipsec_free(k);
	close(fd);
	qb_loop_destroy(loop);
}
END_TEST

START_TEST(test_kernel_uesp_raw)
{
	qb_loop_t *loop;
	struct capture cap = { 0 };
	struct kernel_ipsec *k;
	struct kernel_policy out;
	struct sockaddr_storage to = v4("10.2.0.5", 9999);
	uint8_t buf[2048];
	int fd, raw;
	ssize_t n;

	if (!enter_netns())
		return;
	/* the peer's address is ours here, so a raw socket of the test sees what uesp sends */
	ck_assert_int_eq(run("ip addr add 192.168.0.100/24 dev ext0"), 0);
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_ESP);
	ck_assert_int_ge(raw, 0);
	loop = qb_loop_create();
	k = start(loop, &cap);
	add_sa(k, 0x3003, false, false, key_out);
	out = policy("10.1.0.0", "10.1.0.255", "10.2.0.0", "10.2.0.255", KERNEL_DIR_OUT);
	ck_assert_int_eq(kernel_ipsec_add_policy(k, &out), 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_storage local = v4("10.1.0.1", 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&local, sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(sendto(fd, "raw!", 4, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in)),
			 4);
	spin(loop, 100);
	ck_assert_uint_eq(cap.n, 0);
	struct pollfd pfd = { raw, POLLIN, 0 };
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	n = recv(raw, buf, sizeof(buf), 0);
	ck_assert_int_gt(n, 20 + 8);
	ck_assert_uint_eq(buf[9], IPPROTO_ESP);
	ck_assert_mem_eq(buf + 12, "\xc0\xa8\x00\x01\xc0\xa8\x00\x64", 8);
	ck_assert_uint_eq(esp_pkt_spi(buf + 20, (size_t)n - 20), 0x3003);
	kernel_ipsec_free(k);
	close(fd);
	close(raw);
	qb_loop_destroy(loop);
}
END_TEST

Suite *kernel_uesp_suite(void)
{
	Suite *s = suite_create("kernel_uesp");
	TCase *tc = tcase_create("uesp");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_kernel_uesp_input);
	tcase_add_test(tc, test_kernel_uesp_tunnel);
	tcase_add_test(tc, test_kernel_uesp_raw);
	tcase_add_test(tc, test_kernel_uesp_lifetimes);
	suite_add_tcase(s, tc);
	return s;
}
