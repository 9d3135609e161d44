/*
 * The segment filter (filter.h), both backends, in a private network
 * namespace per test (unshare(CLONE_NEWNET) in Check's forked child; tests
 * are skipped with a message when that is not permitted). Packets go over
 * the loopback path: a datagram from a made-up source (IP_TRANSPARENT) to
 * an address on lo passes PREROUTING like one from the wire.
 *
 * NFQUEUE: an iptables-nft `-j NFQUEUE` rule (the native nft `queue`
 * statement is not in every kernel) sends packets to the filter; which
 * sources get through must be exactly the owned segments. nft: the table
 * is read back with `nft list`, and the kernel's own jhash decides which
 * datagrams arrive -- checked against segment_of(), an independent
 * implementation of the same function.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "segment/classify.h"
#include "segment/filter.h"
#include "segment/segment.h"

Suite *filter_suite(void);

#define PORT 4500
#define NSRC 200
#define SEED 0xdeadbeefu
#define COUNT 4
#define QUEUE 7
#define TABLE "iknfilter"

union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

/* Runs a shell command; its exit status (-1 when it did not run). */
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* Enters a fresh netns with lo up; false (and a message) when not permitted. */
static bool netns_enter(const char *test)
{
	struct ifreq ifr = { 0 };
	int fd;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
		printf("%s: skipped: needs root for a private network namespace\n", test);
		return false;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ck_assert_int_eq(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_int_eq(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
	return true;
}

static bool have_tool(const char *test, const char *tool)
{
	if (sh("command -v %s >/dev/null 2>&1", tool) == 0)
		return true;
	printf("%s: skipped: %s not installed\n", test, tool);
	return false;
}

static void make_sa(union sa *s, int family, const uint8_t *addr, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	if (family == AF_INET) {
		s->in.sin_family = AF_INET;
		memcpy(&s->in.sin_addr, addr, 4);
		s->in.sin_port = htons(port);
	} else {
		s->in6.sin6_family = AF_INET6;
		memcpy(&s->in6.sin6_addr, addr, 16);
		s->in6.sin6_port = htons(port);
	}
}

static socklen_t sa_len(int family)
{
	return family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* source i: 198.18.x.y or 2001:db8:1::x:y, distinct for i < 65000 */
static void source(struct flow_key *k, int family, unsigned int i)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	if (family == AF_INET) {
		k->addr[0] = 198;
		k->addr[1] = 18;
		k->addr[2] = (uint8_t)(i / 250);
		k->addr[3] = (uint8_t)(i % 250 + 1);
	} else {
		k->addr[0] = 0x20;
		k->addr[1] = 0x01;
		k->addr[2] = 0x0d;
		k->addr[3] = 0xb8;
		k->addr[5] = 1;
		k->addr[14] = (uint8_t)(i / 250);
		k->addr[15] = (uint8_t)(i % 250 + 1);
	}
}

/* One datagram from @src (not configured anywhere) to @dst:PORT. */
static void send_from(const struct flow_key *src, const uint8_t *dst)
{
	union sa s, d;
	int one = 1, fd;

	fd = socket(src->family, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	if (src->family == AF_INET)
		ck_assert_int_eq(setsockopt(fd, IPPROTO_IP, IP_TRANSPARENT, &one, sizeof(one)), 0);
	else
		ck_assert_int_eq(setsockopt(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)),
				 0);
	make_sa(&s, src->family, src->addr, 40000);
	make_sa(&d, src->family, dst, PORT);
	ck_assert_int_eq(bind(fd, &s.sa, sa_len(src->family)), 0);
	ck_assert_int_eq(sendto(fd, "seg", 3, 0, &d.sa, sa_len(src->family)), 3);
	close(fd);
}

static int rx_open(int family, const uint8_t *addr)
{
	union sa a;
	int fd, big = 1 << 20;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	make_sa(&a, family, addr, PORT);
	ck_assert_int_eq(bind(fd, &a.sa, sa_len(family)), 0);
	return fd;
}

/* Reads what arrived within @ms; got[i] = datagrams from source i. */
static unsigned int rx_drain(int fd, int family, unsigned int *got, unsigned int n, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned int total = 0, i;
	struct flow_key k;
	union sa from;
	socklen_t len;
	char buf[64];

	memset(got, 0, n * sizeof(*got));
	while (poll(&p, 1, ms) > 0) {
		len = sizeof(from);
		if (recvfrom(fd, buf, sizeof(buf), 0, &from.sa, &len) < 0)
			continue;
		total++;
		for (i = 0; i < n; i++) {
			source(&k, family, i);
			if (family == AF_INET ? !memcmp(&from.in.sin_addr, k.addr, 4)
					      : !memcmp(&from.in6.sin6_addr, k.addr, 16)) {
				got[i]++;
				break;
			}
		}
	}
	return total;
}

static struct seg_filter_cfg base_cfg(enum seg_filter_backend b, int family)
{
	struct seg_filter_cfg cfg = {
		.backend = b,
		.seg = { .version = SEGMENT_VERSION_1, .count = COUNT, .seed = SEED },
		.family = family,
		.queue_num = QUEUE,
		.nft_table = TABLE,
	};

	if (family == AF_INET)
		inet_pton(AF_INET, "10.9.0.5", cfg.cluster_ip);
	else
		inet_pton(AF_INET6, "fd00:9::5", cfg.cluster_ip);
	return cfg;
}

static void add_cluster_ip(int family)
{
	if (family == AF_INET)
		ck_assert_int_eq(sh("ip addr add 10.9.0.5/32 dev lo"), 0);
	else
		ck_assert_int_eq(sh("ip addr add fd00:9::5/128 dev lo nodad"), 0);
}

/* NFQUEUE: lets the filter judge until @n packets are judged (or 2 s pass). */
static void nfq_judge(struct seg_filter *f, unsigned int n)
{
	unsigned int judged = 0;
	int i, rc;

	for (i = 0; i < 2000 && judged < n; i++) {
		rc = seg_filter_dispatch(f);
		ck_assert_int_ge(rc, 0);
		judged += (unsigned int)rc;
		if (!rc)
			usleep(1000);
	}
	ck_assert_uint_eq(judged, n);
}

/*
 * Sends one datagram from each of NSRC sources to the cluster IP and checks
 * that exactly the sources of owned segments arrive, and the counters grow
 * by the expected amounts.
 */
static void check_round(struct seg_filter *f, const struct seg_filter_cfg *cfg, int rx,
			uint64_t owned)
{
	unsigned int got[NSRC], i, seg;
	uint64_t acc0[COUNT], drop0[COUNT], acc, drop;
	unsigned int want_acc[COUNT] = { 0 }, want_drop[COUNT] = { 0 }, want_total = 0;
	struct flow_key k;
	int s;

	for (seg = 0; seg < COUNT; seg++)
		ck_assert_int_eq(seg_filter_counters(f, seg, &acc0[seg], &drop0[seg]), 0);
	ck_assert_int_eq(seg_filter_set_owned(f, owned), 0);
	ck_assert_uint_eq(seg_filter_owned(f), owned);
	for (i = 0; i < NSRC; i++) {
		source(&k, cfg->family, i);
		send_from(&k, cfg->cluster_ip);
	}
	if (cfg->backend == SEG_FILTER_NFQUEUE)
		nfq_judge(f, NSRC);
	rx_drain(rx, cfg->family, got, NSRC, 100);
	for (i = 0; i < NSRC; i++) {
		source(&k, cfg->family, i);
		s = segment_of(&k, &cfg->seg);
		ck_assert_int_ge(s, 0);
		if (owned & (UINT64_C(1) << s)) {
			ck_assert_msg(got[i] == 1, "source %u (segment %d, owned) arrived %u times",
				      i, s, got[i]);
			want_acc[s]++;
			want_total++;
		} else {
			ck_assert_msg(got[i] == 0, "source %u (segment %d, not owned) arrived", i,
				      s);
			want_drop[s]++;
		}
	}
	for (seg = 0; seg < COUNT; seg++) {
		ck_assert_int_eq(seg_filter_counters(f, seg, &acc, &drop), 0);
		ck_assert_uint_eq(acc - acc0[seg], want_acc[seg]);
		ck_assert_uint_eq(drop - drop0[seg], want_drop[seg]);
	}
	/* a sample of 200 hits every one of 4 segments */
	for (seg = 0; seg < COUNT; seg++)
		ck_assert_uint_gt(want_acc[seg] + want_drop[seg], 0);
	ck_assert(owned == 0 || want_total > 0);
}

START_TEST(test_filter_input)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFQUEUE, AF_INET), bad;
	struct seg_filter *f = NULL;
	char longname[SEG_FILTER_TABLE_MAX + 2];
	uint64_t a, d;

	ck_assert_int_eq(seg_filter_new(NULL, &cfg, NULL), -EINVAL);
	ck_assert_int_eq(seg_filter_new(&f, NULL, NULL), -EINVAL);
	bad = cfg;
	bad.seg.version = 2;
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	bad = cfg;
	bad.seg.count = 0;
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	bad.seg.count = SEGMENT_MAX + 1;
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	bad = cfg;
	bad.family = AF_UNIX;
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	bad = cfg;
	bad.backend = (enum seg_filter_backend)7;
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	bad = base_cfg(SEG_FILTER_NFT, AF_INET);
	bad.nft_table = NULL;
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	bad.nft_table = "";
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	bad.nft_table = longname;
	ck_assert_int_eq(seg_filter_new(&f, &bad, NULL), -EINVAL);
	ck_assert_ptr_null(f);

	ck_assert_int_eq(seg_filter_set_owned(NULL, 0), -EINVAL);
	ck_assert_uint_eq(seg_filter_owned(NULL), 0);
	ck_assert_int_eq(seg_filter_counters(NULL, 0, &a, &d), -EINVAL);
	ck_assert_uint_eq(seg_filter_malformed(NULL), 0);
	ck_assert_int_eq(seg_filter_dispatch(NULL), -EINVAL);
	seg_filter_set_classifier(NULL, NULL);
	seg_filter_free(NULL);
	ck_assert_str_eq(seg_filter_backend_name(SEG_FILTER_NFQUEUE), "nfqueue");
	ck_assert_str_eq(seg_filter_backend_name(SEG_FILTER_NFT), "nft");
	ck_assert_ptr_null(seg_filter_backend_name((enum seg_filter_backend)7));

	/* segment numbers and mask bits beyond the count, on live filters */
	if (!netns_enter("test_filter_input (live part)"))
		return;
	for (int b = 0; b < 2; b++) {
		cfg = base_cfg(b ? SEG_FILTER_NFT : SEG_FILTER_NFQUEUE, AF_INET);
		ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
		ck_assert_int_eq(seg_filter_set_owned(f, 0x5), 0);
		ck_assert_int_eq(seg_filter_set_owned(f, UINT64_C(1) << COUNT), -EINVAL);
		ck_assert_int_eq(seg_filter_set_owned(f, UINT64_MAX), -EINVAL);
		ck_assert_uint_eq(seg_filter_owned(f), 0x5);
		ck_assert_int_eq(seg_filter_counters(f, COUNT, &a, &d), -EINVAL);
		ck_assert_int_eq(seg_filter_counters(f, 64, &a, &d), -EINVAL);
		ck_assert_int_eq(seg_filter_counters(f, COUNT - 1, NULL, NULL), 0);
		ck_assert_int_eq(seg_filter_dispatch(f), b ? -EINVAL : 0);
		seg_filter_free(f);
		f = NULL;
	}
	/* 64 segments: every bit is a segment */
	cfg.seg.count = 64;
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	ck_assert_int_eq(seg_filter_set_owned(f, UINT64_MAX), 0);
	ck_assert_uint_eq(seg_filter_owned(f), UINT64_MAX);
	seg_filter_free(f);
}
END_TEST

/* `nft list ...` output, or NULL */
static char *nft_list(const char *what)
{
	char cmd[256], *out = NULL;
	size_t len = 0;
	FILE *p, *m;
	int c;

	snprintf(cmd, sizeof(cmd), "nft list %s 2>/dev/null", what);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	m = open_memstream(&out, &len);
	while ((c = fgetc(p)) != EOF)
		fputc(c, m);
	fclose(m);
	if (pclose(p) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The elements of set owned as a mask, from `nft list set`. */
static uint64_t nft_owned(const char *family)
{
	char what[64], *out, *p, *end;
	uint64_t m = 0;
	unsigned long v;

	snprintf(what, sizeof(what), "set %s %s owned", family, TABLE);
	out = nft_list(what);
	ck_assert_ptr_nonnull(out);
	p = strstr(out, "elements = {");
	if (p) {
		p += strlen("elements = {");
		for (;;) {
			v = strtoul(p, &end, 0);
			ck_assert_ptr_ne(end, p);
			ck_assert_uint_lt(v, 64);
			m |= UINT64_C(1) << v;
			p = end + strspn(end, " \t\n");
			if (*p != ',')
				break;
			p++;
		}
		ck_assert_int_eq(*p, '}');
	}
	free(out);
	return m;
}

/* The NFQUEUE filter's placement of a packet, without a queue: table cases. */
START_TEST(test_filter_packet_segment)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFQUEUE, AF_INET);
	struct classify *cls = classify_new(4);
	struct flow_key k = { .family = AF_INET }, pfx = { .family = AF_INET };
	uint8_t p[40] = { 0x45 };
	int want;

	ck_assert_ptr_nonnull(cls);
	/* outer: 198.18.0.7 -> the cluster IP, by source */
	memcpy(p + 12, "\xc6\x12\x00\x07", 4);
	memcpy(p + 16, cfg.cluster_ip, 4);
	memcpy(k.addr, p + 12, 4);
	want = segment_of(&k, &cfg.seg);
	ck_assert_int_ge(want, 0);
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, NULL, p, 20), want);
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, cls, p, 20), want);
	/* inner: to 10.200.1.9; without a table not judged, with one by prefix, else by hash */
	memcpy(p + 16, "\x0a\xc8\x01\x09", 4);
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, NULL, p, 20), -ENOENT);
	memcpy(k.addr, p + 16, 4);
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, cls, p, 20), segment_of(&k, &cfg.seg));
	memcpy(pfx.addr, "\x0a\xc8\x00\x00", 4);
	ck_assert_int_eq(classify_add(cls, &pfx, 16, 3), 0);
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, cls, p, 20), 3);
	/* too short, not IP, an IPv6 header cut short */
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, cls, p, 19), -EBADMSG);
	p[0] = 0x15;
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, cls, p, 20), -EBADMSG);
	p[0] = 0x60;
	ck_assert_int_eq(seg_filter_packet_segment(&cfg, cls, p, 39), -EBADMSG);
	ck_assert_int_eq(seg_filter_packet_segment(NULL, cls, p, 40), -EINVAL);
	classify_free(cls);
}
END_TEST

START_TEST(test_filter_nft_table)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFT, _i ? AF_INET6 : AF_INET);
	const char *fam = _i ? "ip6" : "ip";
	struct seg_filter *f = NULL, *f2 = NULL;
	char what[64], *out;
	static const uint64_t masks[] = { 0x5, 0x0, 0xf, 0x8, 0xa };
	unsigned int i;

	if (!netns_enter("test_filter_nft_table") || !have_tool("test_filter_nft_table", "nft"))
		return;
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	snprintf(what, sizeof(what), "table %s %s", fam, TABLE);
	out = nft_list(what);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "chain pre {"));
	ck_assert_ptr_nonnull(
		strstr(out, "type filter hook prerouting priority mangle; policy accept;"));
	ck_assert_ptr_nonnull(strstr(out, "set owned {"));
	ck_assert_ptr_nonnull(strstr(out, _i ? "ip6 daddr fd00:9::5 " : "ip daddr 10.9.0.5 "));
	ck_assert_ptr_nonnull(strstr(out, _i ? "jhash ip6 saddr mod 4 seed 0xdeadbeef != @owned"
					     : "jhash ip saddr mod 4 seed 0xdeadbeef != @owned"));
	ck_assert_ptr_nonnull(strstr(out, "map @cnt_drop drop\n"));
	ck_assert_ptr_nonnull(strstr(out, "elements = { 0 : \"all0\", 1 : \"all1\", 2 : \"all2\", "
					  "3 : \"all3\" }"));
	ck_assert_ptr_nonnull(strstr(out, "counter drop3 {"));
	ck_assert_ptr_null(strstr(out, "counter drop4 {"));
	free(out);
	/* a new filter owns nothing */
	ck_assert_uint_eq(nft_owned(fam), 0);
	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		ck_assert_int_eq(seg_filter_set_owned(f, masks[i]), 0);
		ck_assert_uint_eq(nft_owned(fam), masks[i]);
	}
	/* a refused mask leaves the set as it was */
	ck_assert_int_eq(seg_filter_set_owned(f, 0x10), -EINVAL);
	ck_assert_uint_eq(nft_owned(fam), masks[ARRAY_SIZE(masks) - 1]);
	/* a second filter with the table name replaces the table (restart) */
	ck_assert_int_eq(seg_filter_new(&f2, &cfg, NULL), 0);
	ck_assert_uint_eq(nft_owned(fam), 0);
	seg_filter_free(f2);
	ck_assert_ptr_null(nft_list(what));
	seg_filter_free(f); /* its table is gone already: logs, does not fail */
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	seg_filter_free(f);
	ck_assert_ptr_null(nft_list(what));
}
END_TEST

START_TEST(test_filter_nft_datapath)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFT, _i ? AF_INET6 : AF_INET);
	struct seg_filter *f = NULL;
	int rx;

	if (!netns_enter("test_filter_nft_datapath"))
		return;
	add_cluster_ip(cfg.family);
	rx = rx_open(cfg.family, cfg.cluster_ip);
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	check_round(f, &cfg, rx, 0x5);
	check_round(f, &cfg, rx, 0xa);
	check_round(f, &cfg, rx, 0x0);
	check_round(f, &cfg, rx, 0xf);
	seg_filter_free(f);
	close(rx);
}
END_TEST

/*
 * set_owned is one transaction: segments owned before and after a switch
 * never lose a packet while another segment moves back and forth.
 */
START_TEST(test_filter_nft_atomic)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFT, AF_INET);
	struct seg_filter *f = NULL;
	struct flow_key k, keep[16];
	unsigned int n = 0, i;
	uint64_t acc, drop, acc_total = 0;
	pid_t child;
	int s, st;

	if (!netns_enter("test_filter_nft_atomic"))
		return;
	add_cluster_ip(AF_INET);
	for (i = 0; i < NSRC && n < ARRAY_SIZE(keep); i++) {
		source(&k, AF_INET, i);
		s = segment_of(&k, &cfg.seg);
		if (s == 0 || s == 1)
			keep[n++] = k;
	}
	ck_assert_uint_eq(n, ARRAY_SIZE(keep));
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	ck_assert_int_eq(seg_filter_set_owned(f, 0x7), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		for (;;)
			for (i = 0; i < n; i++)
				send_from(&keep[i], cfg.cluster_ip);
	}
	/* at least 400 switches, and on until the sender got 200 packets through them
	 * (a loaded machine may schedule it late) */
	for (i = 0; i < 40000; i++) {
		ck_assert_int_eq(seg_filter_set_owned(f, i % 2 ? 0x7 : 0xb), 0);
		if (i < 400 || i % 50)
			continue;
		acc_total = 0;
		for (s = 0; s < 2; s++) {
			ck_assert_int_eq(seg_filter_counters(f, (unsigned int)s, &acc, NULL), 0);
			acc_total += acc;
		}
		if (acc_total > 200)
			break;
	}
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	acc_total = 0;
	for (s = 0; s < 2; s++) {
		ck_assert_int_eq(seg_filter_counters(f, (unsigned int)s, &acc, &drop), 0);
		ck_assert_uint_eq(drop, 0);
		acc_total += acc;
	}
	ck_assert_uint_gt(acc_total, 200);
	seg_filter_free(f);
}
END_TEST

static void nfq_rule(const char *op, const char *dst)
{
	ck_assert_int_eq(sh("%s -t mangle %s PREROUTING -d %s -p udp --dport %d "
			    "-j NFQUEUE --queue-num %d",
			    strchr(dst, ':') ? "ip6tables-nft" : "iptables-nft", op, dst, PORT, QUEUE),
			 0);
}

/* _i: IPv4, IPv6 */
START_TEST(test_filter_nfqueue_verdicts)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFQUEUE, _i ? AF_INET6 : AF_INET);
	struct seg_filter *f = NULL;
	int rx;

	if (!netns_enter("test_filter_nfqueue_verdicts") ||
	    !have_tool("test_filter_nfqueue_verdicts", _i ? "ip6tables-nft" : "iptables-nft"))
		return;
	add_cluster_ip(cfg.family);
	nfq_rule("-A", _i ? "fd00:9::5" : "10.9.0.5");
	rx = rx_open(cfg.family, cfg.cluster_ip);
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	check_round(f, &cfg, rx, 0x5);
	check_round(f, &cfg, rx, 0xa);
	check_round(f, &cfg, rx, 0x0);
	check_round(f, &cfg, rx, 0xf);
	check_round(f, &cfg, rx, 0x6);
	ck_assert_uint_eq(seg_filter_malformed(f), 0);
	seg_filter_free(f);
	close(rx);
}
END_TEST

/* Without a listener (never started, or freed) queued packets are dropped. */
START_TEST(test_filter_nfqueue_fail_closed)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFQUEUE, AF_INET);
	struct seg_filter *f = NULL;
	unsigned int got[NSRC], i;
	struct flow_key k;
	int rx;

	if (!netns_enter("test_filter_nfqueue_fail_closed") ||
	    !have_tool("test_filter_nfqueue_fail_closed", "iptables-nft"))
		return;
	add_cluster_ip(AF_INET);
	rx = rx_open(AF_INET, cfg.cluster_ip);
	/* the path works without the rule */
	source(&k, AF_INET, 0);
	send_from(&k, cfg.cluster_ip);
	ck_assert_uint_eq(rx_drain(rx, AF_INET, got, NSRC, 100), 1);
	nfq_rule("-A", "10.9.0.5");
	for (i = 0; i < 20; i++) {
		source(&k, AF_INET, i);
		send_from(&k, cfg.cluster_ip);
	}
	ck_assert_uint_eq(rx_drain(rx, AF_INET, got, NSRC, 200), 0);
	/* a filter that owns everything, then goes away with packets queued */
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	ck_assert_int_eq(seg_filter_set_owned(f, 0xf), 0);
	for (i = 0; i < 20; i++) {
		source(&k, AF_INET, i);
		send_from(&k, cfg.cluster_ip);
	}
	seg_filter_free(f);
	ck_assert_uint_eq(rx_drain(rx, AF_INET, got, NSRC, 200), 0);
	for (i = 0; i < 20; i++) {
		source(&k, AF_INET, i);
		send_from(&k, cfg.cluster_ip);
	}
	ck_assert_uint_eq(rx_drain(rx, AF_INET, got, NSRC, 200), 0);
	/* and a queue held by one filter cannot be bound by a second one */
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	{
		struct seg_filter *f2 = NULL;

		ck_assert_int_eq(seg_filter_new(&f2, &cfg, NULL), -EPERM);
		ck_assert_ptr_null(f2);
	}
	seg_filter_free(f);
	close(rx);
}
END_TEST

/* Inner traffic: by the classify table's segment of the destination, else segment_of(dst). */
START_TEST(test_filter_nfqueue_inner)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFQUEUE, AF_INET);
	struct seg_filter *f = NULL;
	struct classify *c;
	struct flow_key pfx = { .family = AF_INET }, in = { .family = AF_INET },
			other = { .family = AF_INET }, src;
	unsigned int got[NSRC];
	int rx_in, rx_other, seg_other;
	uint64_t acc, drop;

	if (!netns_enter("test_filter_nfqueue_inner") ||
	    !have_tool("test_filter_nfqueue_inner", "iptables-nft"))
		return;
	inet_pton(AF_INET, "10.10.0.0", pfx.addr);
	inet_pton(AF_INET, "10.10.0.7", in.addr);
	inet_pton(AF_INET, "10.11.0.9", other.addr);
	ck_assert_int_eq(sh("ip addr add 10.10.0.7/32 dev lo && ip addr add 10.11.0.9/32 dev lo"),
			 0);
	nfq_rule("-A", "10.10.0.0/15");
	rx_in = rx_open(AF_INET, in.addr);
	rx_other = rx_open(AF_INET, other.addr);
	seg_other = segment_of(&other, &cfg.seg);
	ck_assert_int_ge(seg_other, 0);
	c = classify_new(8);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(classify_add(c, &pfx, 16, 1), 0);
	ck_assert_int_eq(seg_filter_new(&f, &cfg, NULL), 0);
	source(&src, AF_INET, 0);

	/* no classifier: inner traffic passes, counted nowhere */
	send_from(&src, in.addr);
	nfq_judge(f, 1);
	ck_assert_uint_eq(rx_drain(rx_in, AF_INET, got, 1, 100), 1);

	seg_filter_set_classifier(f, c);
	ck_assert_int_eq(seg_filter_set_owned(f, 0x2), 0);
	send_from(&src, in.addr);
	nfq_judge(f, 1);
	ck_assert_uint_eq(rx_drain(rx_in, AF_INET, got, 1, 100), 1);
	ck_assert_int_eq(seg_filter_set_owned(f, 0xd), 0);
	send_from(&src, in.addr);
	nfq_judge(f, 1);
	ck_assert_uint_eq(rx_drain(rx_in, AF_INET, got, 1, 100), 0);
	ck_assert_int_eq(seg_filter_counters(f, 1, &acc, &drop), 0);
	ck_assert_uint_eq(acc, 1);
	ck_assert_uint_eq(drop, 1);

	/* a destination in no prefix: segment_of(destination) */
	ck_assert_int_eq(seg_filter_set_owned(f, UINT64_C(1) << seg_other), 0);
	send_from(&src, other.addr);
	nfq_judge(f, 1);
	ck_assert_uint_eq(rx_drain(rx_other, AF_INET, got, 1, 100), 1);
	ck_assert_int_eq(seg_filter_set_owned(f, 0xf & ~(UINT64_C(1) << seg_other)), 0);
	send_from(&src, other.addr);
	nfq_judge(f, 1);
	ck_assert_uint_eq(rx_drain(rx_other, AF_INET, got, 1, 100), 0);

	seg_filter_free(f);
	classify_free(c);
	close(rx_in);
	close(rx_other);
}
END_TEST

/* The qb loop drives the NFQUEUE backend by itself. */
static int32_t stop_loop(int32_t sig, void *data)
{
	UNUSED(sig);
	qb_loop_stop(data);
	return 0;
}

static void on_timer(void *data)
{
	qb_loop_stop(data);
}

START_TEST(test_filter_nfqueue_loop)
{
	struct seg_filter_cfg cfg = base_cfg(SEG_FILTER_NFQUEUE, AF_INET);
	struct seg_filter *f = NULL;
	qb_loop_timer_handle th;
	unsigned int got[NSRC], i, want = 0;
	struct flow_key k;
	qb_loop_t *loop;
	uint64_t acc, drop, tacc = 0, tdrop = 0;
	int rx, s;

	if (!netns_enter("test_filter_nfqueue_loop") ||
	    !have_tool("test_filter_nfqueue_loop", "iptables-nft"))
		return;
	add_cluster_ip(AF_INET);
	nfq_rule("-A", "10.9.0.5");
	rx = rx_open(AF_INET, cfg.cluster_ip);
	loop = qb_loop_create();
	ck_assert_ptr_nonnull(loop);
	qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGTERM, loop, stop_loop, NULL);
	ck_assert_int_eq(seg_filter_new(&f, &cfg, loop), 0);
	ck_assert_int_eq(seg_filter_set_owned(f, 0x9), 0);
	for (i = 0; i < NSRC; i++) {
		source(&k, AF_INET, i);
		send_from(&k, cfg.cluster_ip);
		s = segment_of(&k, &cfg.seg);
		want += (0x9 >> s) & 1;
	}
	ck_assert_int_eq(
		qb_loop_timer_add(loop, QB_LOOP_LOW, 300 * 1000000ULL, loop, on_timer, &th), 0);
	qb_loop_run(loop);
	ck_assert_uint_eq(rx_drain(rx, AF_INET, got, NSRC, 100), want);
	for (i = 0; i < COUNT; i++) {
		ck_assert_int_eq(seg_filter_counters(f, i, &acc, &drop), 0);
		tacc += acc;
		tdrop += drop;
	}
	ck_assert_uint_eq(tacc, want);
	ck_assert_uint_eq(tdrop, NSRC - want);
	seg_filter_free(f);
	qb_loop_destroy(loop);
	close(rx);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_filter_input);
	tcase_add_test(tc, test_filter_packet_segment);
	tcase_add_loop_test(tc, test_filter_nft_table, 0, 2);
	tcase_add_loop_test(tc, test_filter_nft_datapath, 0, 2);
	tcase_add_test(tc, test_filter_nft_atomic);
	tcase_add_loop_test(tc, test_filter_nfqueue_verdicts, 0, 2);
	tcase_add_test(tc, test_filter_nfqueue_fail_closed);
	tcase_add_test(tc, test_filter_nfqueue_inner);
	tcase_add_test(tc, test_filter_nfqueue_loop);
	suite_add_tcase(s, tc);
	return s;
}
