/*
 * Exchange tests: two in-process IKE SA managers (carol initiates, moon
 * responds) connected by a mock transport that can drop datagrams and play
 * a NAT, each with its own null data plane (STYLE.md §9).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/log.h"
#include "common/settings.h"
#include "common/workpool.h"
#include "ikenode/config_swanctl.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_dh.h"
#include "ikenode/ike_mgr.h"
#include "ikenode/keylog.h"
#include "kernel/kernel_ipsec.h"
#include "kernel/kernel_null.h"
#include "segment/classify.h"
#include "segment/segment.h"

#define MAX_QUEUE 64

Suite *ike_mgr_suite(void);

struct peer {
	const char *name;
	struct ike_mgr *mgr;
	struct kernel_ipsec *kernel;
	struct keylog *keylog_esp;
	char keylog_path[64];
	struct sockaddr_storage addr;	/* its own address (port 0: any port) */
	struct classify *classify;	/* its inner classification table (4 segments) */
	struct workpool *pool;		/* moon in the worker-pool test */
};

struct queued {
	struct peer *to;
	uint8_t data[4096];
	size_t len;
	struct sockaddr_storage local, remote;
};

struct net_mock {
	struct peer carol, moon;
	qb_loop_t *loop;
	struct crypto_algs *algs;
	struct crypto_dh_groups *groups;
	struct queued q[MAX_QUEUE];
	size_t n;
	size_t sent_by_carol, sent_by_moon;
	/* drop moon's datagrams whose 0-based send index has its bit set / every datagram to moon */
	uint32_t drop_moon_mask;
	bool moon_dead;
	/* carol behind a NAT: moon sees her at nat_addr with ports + 10000 */
	bool nat;
	struct sockaddr_storage nat_addr;
};

static void sa_set(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		inet_pton(AF_INET6, ip, &s->sin6_addr);
		s->sin6_port = htons(port);
	} else {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		inet_pton(AF_INET, ip, &s->sin_addr);
		s->sin_port = htons(port);
	}
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static int mock_send_carol(void *ctx, const struct sockaddr_storage *local,
			   const struct sockaddr_storage *remote, const uint8_t *data, size_t len)
{
	struct net_mock *net = ctx;
	struct queued *q;

	net->sent_by_carol++;
	if (net->moon_dead || net->n == MAX_QUEUE || len > sizeof(q->data))
		return 0;
	q = &net->q[net->n++];
	q->to = &net->moon;
	memcpy(q->data, data, len);
	q->len = len;
	q->local = *remote;
	q->remote = *local;
	if (net->nat) {
		uint16_t p = port_of(local);

		q->remote = net->nat_addr;
		set_port(&q->remote, (uint16_t)(p + 10000));
	}
	return 0;
}

static int mock_send(void *ctx, const struct sockaddr_storage *local,
		     const struct sockaddr_storage *remote, const uint8_t *data, size_t len)
{
	struct net_mock *net = ctx;
	struct queued *q;

	net->sent_by_moon++;
	if (net->sent_by_moon <= 32 && (net->drop_moon_mask >> (net->sent_by_moon - 1)) & 1)
		return 0;
	if (net->n == MAX_QUEUE || len > sizeof(q->data))
		return 0;
	q = &net->q[net->n++];
	q->to = &net->carol;
	memcpy(q->data, data, len);
	q->len = len;
	q->local = *remote;
	q->remote = *local;
	if (net->nat) {
		/* back through the NAT: carol's real address, the port before mapping */
		q->local = net->carol.addr;
		set_port(&q->local, (uint16_t)(port_of(remote) - 10000));
	}
	return 0;
}

/* Delivers queued datagrams (and what they cause) until nothing is left. */
static void pump(struct net_mock *net)
{
	for (int rounds = 0; net->n && rounds < 100; rounds++) {
		struct queued q = net->q[0];
		struct ike_dgram dg = { .data = q.data, .len = q.len, .local = q.local,
					.remote = q.remote };

		memmove(net->q, net->q + 1, (net->n - 1) * sizeof(net->q[0]));
		net->n--;
		ike_mgr_receive(q.to->mgr, &dg);
	}
}

static void stop_loop(void *data)
{
	qb_loop_stop(data);
}

/* Runs the loop (timers) for ms, pumping datagrams every few ms. */
static void pump_timer(void *data);

static void run_for(struct net_mock *net, unsigned int ms)
{
	qb_loop_timer_handle h, p;

	ck_assert_int_eq(qb_loop_timer_add(net->loop, QB_LOOP_HIGH, ms * 1000000ull, net->loop,
					   stop_loop, &h), 0);
	ck_assert_int_eq(qb_loop_timer_add(net->loop, QB_LOOP_MED, 2000000ull, net, pump_timer,
					   &p), 0);
	qb_loop_run(net->loop);
	qb_loop_timer_del(net->loop, p);
}

static void pump_timer(void *data)
{
	struct net_mock *net = data;
	qb_loop_timer_handle p;

	pump(net);
	(void)qb_loop_timer_add(net->loop, QB_LOOP_MED, 2000000ull, net, pump_timer, &p);
}

static struct config *load(const char *text)
{
	struct settings_errors *errs = settings_errors_new();
	struct settings *s = NULL;
	struct config *cfg = NULL;
	struct config_diag diag;

	config_diag_init(&diag);
	ck_assert_int_eq(settings_parse_buffer("test", text, strlen(text), NULL, &s, errs), 0);
	ck_assert_int_eq(config_swanctl_load(settings_root(s), &cfg, &diag), 0);
	config_diag_clear(&diag);
	settings_free(s);
	settings_errors_free(errs);
	return cfg;
}

/* the data plane's events go to the peer's manager, as the daemon wires them */
static void peer_kernel_event(void *ctx, const struct kernel_event *ev)
{
	struct peer *p = ctx;

	ike_mgr_kernel_event(p->mgr, ev);
}

static void peer_init(struct net_mock *net, struct peer *p, const char *name, const char *ip,
		      ike_send_fn send, bool pool)
{
	struct ike_mgr_deps deps = {
		.loop = net->loop,
		.algs = net->algs,
		.groups = net->groups,
		.send = send,
		.send_ctx = net,
		.timing = { .retransmit_timeout_ms = 40, .retransmit_base = 1.0,
			    .retransmit_tries = 2, .half_open_timeout_ms = 5000 },
	};

	p->name = name;
	sa_set(&p->addr, ip, 0);
	ck_assert_int_eq(kernel_ipsec_new(&p->kernel, "null", NULL, peer_kernel_event, p), 0);
	snprintf(p->keylog_path, sizeof(p->keylog_path), "/tmp/ikn-test-%s-%d.esp", name,
		 (int)getpid());
	unlink(p->keylog_path);
	ck_assert_int_eq(keylog_open(&p->keylog_esp, p->keylog_path), 0);
	deps.kernel = p->kernel;
	deps.keylog_esp = p->keylog_esp;
	p->classify = classify_new(64);
	ck_assert_ptr_nonnull(p->classify);
	deps.classify = p->classify;
	deps.segments = 4;
	if (pool) {
		ck_assert_int_eq(workpool_new(&p->pool, net->loop, 2), 0);
		deps.workpool = p->pool;
	}
	ck_assert_int_eq(ike_mgr_new(&p->mgr, &deps), 0);
}

static void peer_fini(struct peer *p)
{
	struct classify *cls = p->classify;

	workpool_free(p->pool);
	p->pool = NULL;
	ike_mgr_free(p->mgr);
	/* every CHILD_SA took its prefixes with it */
	ck_assert_uint_eq(classify_size(cls), 0);
	classify_free(cls);
	kernel_ipsec_free(p->kernel);
	keylog_close(p->keylog_esp);
	unlink(p->keylog_path);
}

static struct net_mock *net_new_pool(bool pool)
{
	struct net_mock *net = calloc(1, sizeof(*net));

	ck_assert_ptr_nonnull(net);
	net->loop = qb_loop_create();
	ck_assert_ptr_nonnull(net->loop);
	ck_assert_int_eq(crypto_algs_new(&net->algs, NULL, NULL), 0);
	ck_assert_int_eq(crypto_dh_groups_new(&net->groups, NULL, NULL), 0);
	peer_init(net, &net->carol, "carol", "192.168.0.100", mock_send_carol, false);
	peer_init(net, &net->moon, "moon", "192.168.0.1", mock_send, pool);
	sa_set(&net->nat_addr, "192.0.2.99", 0);
	return net;
}

static struct net_mock *net_new(void)
{
	return net_new_pool(false);
}

static void net_free(struct net_mock *net)
{
	peer_fini(&net->carol);
	peer_fini(&net->moon);
	crypto_dh_groups_free(net->groups);
	crypto_algs_free(net->algs);
	qb_loop_destroy(net->loop);
	free(net);
}

static const char carol_conf[] =
	"connections { home { remote_addrs = 192.168.0.1\n local_addrs = 192.168.0.100\n"
	"  proposals = %s\n dpd_delay = %s\n"
	"  local { auth = psk\n id = carol@strongswan.org }\n"
	"  remote { auth = psk\n id = moon.strongswan.org }\n"
	"  children { home { remote_ts = 10.1.0.0/16\n esp_proposals = %s\n"
	"   dpd_action = clear } } } }\n"
	"secrets { ike-1 { id-1 = carol@strongswan.org\n id-2 = moon.strongswan.org\n"
	"  secret = %s } }\n";

static const char moon_conf[] =
	"connections { rw { local_addrs = 192.168.0.1\n proposals = %s\n"
	"  local { auth = psk\n id = moon.strongswan.org }\n"
	"  remote { auth = psk }\n"
	"  children { net { local_ts = 10.1.0.0/16\n esp_proposals = %s } } } }\n"
	"secrets { ike-1 { id-1 = carol@strongswan.org\n id-2 = moon.strongswan.org\n"
	"  secret = %s } }\n";

static void configure(struct net_mock *net, const char *c_props, const char *m_props,
		      const char *c_psk, const char *m_psk, const char *dpd)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), carol_conf, c_props, dpd, "aes128gcm16, aes128-sha256",
		 c_psk);
	ike_mgr_set_config(net->carol.mgr, load(buf));
	snprintf(buf, sizeof(buf), moon_conf, m_props, "aes256gcm16, aes128-sha256", m_psk);
	ike_mgr_set_config(net->moon.mgr, load(buf));
}

static struct json_object *first_sa(struct ike_mgr *mgr)
{
	struct json_object *root = ike_mgr_list_sas_json(mgr), *list, *sa;

	ck_assert_ptr_nonnull(root);
	ck_assert(json_object_object_get_ex(root, "ike_sas", &list));
	if (json_object_array_length(list) == 0) {
		json_object_put(root);
		return NULL;
	}
	sa = json_object_get(json_object_array_get_idx(list, 0));
	json_object_put(root);
	return sa;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, k, &v), "no %s", k);
	return json_object_get_string(v);
}

static struct json_object *jchild(struct json_object *sa, size_t i)
{
	struct json_object *c;

	ck_assert(json_object_object_get_ex(sa, "children", &c));
	return i < json_object_array_length(c) ? json_object_array_get_idx(c, i) : NULL;
}

static size_t n_sas(struct ike_mgr *mgr)
{
	struct ike_mgr_counts c;

	ike_mgr_get_counts(mgr, &c);
	return c.ike_sas;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static const size_t cap = 8192;
	char *buf = calloc(1, cap);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_ike_mgr_input)
{
	struct ike_mgr *mgr = NULL;
	struct ike_mgr_deps deps = { 0 };

	ck_assert_int_eq(ike_mgr_new(NULL, &deps), -EINVAL);
	ck_assert_int_eq(ike_mgr_new(&mgr, NULL), -EINVAL);
	ck_assert_int_eq(ike_mgr_new(&mgr, &deps), -EINVAL);
	ike_mgr_free(NULL);
}
END_TEST

START_TEST(test_ike_mgr_psk_establishes)
{
	struct net_mock *net = net_new();
	struct json_object *c, *m, *cc, *mc;
	char *carol_keys, *moon_keys;
	uint64_t id = 0;

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "0x73656372657421",
		  "\"secret!\"", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", &id), 0);
	pump(net);
	c = first_sa(net->carol.mgr);
	m = first_sa(net->moon.mgr);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(jstr(c, "state"), "ESTABLISHED");
	ck_assert_str_eq(jstr(m, "state"), "ESTABLISHED");
	ck_assert_str_eq(jstr(c, "spi_i"), jstr(m, "spi_i"));
	ck_assert_str_eq(jstr(c, "spi_r"), jstr(m, "spi_r"));
	ck_assert_str_eq(jstr(m, "remote_id"), "carol@strongswan.org");
	ck_assert_str_eq(jstr(c, "remote_id"), "moon.strongswan.org");
	ck_assert_str_eq(jstr(m, "name"), "rw");
	cc = jchild(c, 0);
	mc = jchild(m, 0);
	ck_assert_ptr_nonnull(cc);
	ck_assert_ptr_nonnull(mc);
	ck_assert_str_eq(jstr(cc, "spi_in"), jstr(mc, "spi_out"));
	ck_assert_str_eq(jstr(cc, "spi_out"), jstr(mc, "spi_in"));
	/* moon prefers aes256gcm16 but carol offered only aes128gcm16 and aes128-sha256 */
	ck_assert_ptr_nonnull(strstr(jstr(mc, "proposal"), "AES_CBC_128"));
	ck_assert_int_eq(kernel_ipsec_sa_count(net->carol.kernel), 2);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->moon.kernel), 2);
	ck_assert_uint_gt(kernel_ipsec_policy_count(net->moon.kernel), 0);
	/* the ESP keys each side installed are the other side's, direction for direction */
	carol_keys = slurp(net->carol.keylog_path);
	moon_keys = slurp(net->moon.keylog_path);
	ck_assert_uint_gt(strlen(carol_keys), 0);
	{
		char *line = strtok(carol_keys, "\n");
		size_t lines = 0;

		for (; line; line = strtok(NULL, "\n"), lines++)
			ck_assert_msg(strstr(moon_keys, line), "moon lacks: %s", line);
		ck_assert_uint_eq(lines, 2);
	}
	free(carol_keys);
	free(moon_keys);
	json_object_put(c);
	json_object_put(m);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_wrong_psk_fails_cleanly)
{
	struct net_mock *net = net_new();
	struct json_object *st;
	struct json_object *counters, *v;

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "carols-guess",
		  "moons-secret", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 0);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 0);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->moon.kernel), 0);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->carol.kernel), 0);
	st = ike_mgr_stats_json(net->moon.mgr);
	ck_assert(json_object_object_get_ex(st, "counters", &counters));
	ck_assert(json_object_object_get_ex(counters, "ike_auth_failed", &v));
	ck_assert_int_eq(json_object_get_int(v), 1);
	json_object_put(st);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_no_proposal_chosen)
{
	struct net_mock *net = net_new();

	configure(net, "aes128-sha256-modp2048", "aes256gcm16-prfsha384-ecp384", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 0);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 0);
	ck_assert_uint_eq(net->sent_by_moon, 1);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_invalid_ke_retry)
{
	struct net_mock *net = net_new();
	struct json_object *c;

	/* carol's first KE is x25519; moon accepts only ecp384 and says so */
	configure(net, "aes256-sha384-x25519-ecp384", "aes256-sha384-ecp384", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	c = first_sa(net->carol.mgr);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(jstr(c, "state"), "ESTABLISHED");
	ck_assert_ptr_nonnull(strstr(jstr(c, "proposal"), "ECP_384"));
	json_object_put(c);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_delete_from_each_side)
{
	struct net_mock *net = net_new();
	struct json_object *m;
	size_t n = 0;

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 1);
	if (_i == 0) {
		ck_assert_int_eq(ike_mgr_terminate(net->carol.mgr, "home", &n), 0);
	} else {
		m = first_sa(net->moon.mgr);
		ck_assert_int_eq(ike_mgr_terminate(net->moon.mgr, jstr(m, "id"), &n), 0);
		json_object_put(m);
	}
	ck_assert_uint_eq(n, 1);
	pump(net);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 0);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 0);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->carol.kernel), 0);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->moon.kernel), 0);
	ck_assert_int_eq(kernel_ipsec_policy_count(net->moon.kernel), 0);
	ck_assert_int_eq(ike_mgr_terminate(net->carol.mgr, "home", &n), -ENOENT);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_lost_response_retransmitted)
{
	struct net_mock *net = net_new();
	struct json_object *c, *st, *counters, *v;

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	/* lose moon's IKE_SA_INIT response (send #0), then its IKE_AUTH response (#2) */
	net->drop_moon_mask = 1u << 0 | 1u << 2;
	pump(net);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 1);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 1);
	run_for(net, 300);
	ck_assert_uint_eq(net->sent_by_moon, 4); /* INIT, INIT again, AUTH, AUTH again */
	c = first_sa(net->carol.mgr);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(jstr(c, "state"), "ESTABLISHED");
	st = ike_mgr_stats_json(net->moon.mgr);
	ck_assert(json_object_object_get_ex(st, "counters", &counters));
	ck_assert(json_object_object_get_ex(counters, "ike_rx_retransmits", &v));
	ck_assert_int_eq(json_object_get_int(v), 2);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->moon.kernel), 2);
	json_object_put(st);
	json_object_put(c);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_dpd_detects_dead_peer)
{
	struct net_mock *net = net_new();

	if (getenv("IKN_TEST_LOG"))
		log_init("check", LOG_TARGET_STDERR, LOG_DEBUG);

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "1s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 1);
	/* alive: DPD requests are answered */
	run_for(net, 1300);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 1);
	net->moon_dead = true;
	/* 1 s until the check, then 40 ms x 3 tries */
	run_for(net, 1500);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 0);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->carol.kernel), 0);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_nat_detected_and_floated)
{
	struct net_mock *net = net_new();
	struct json_object *c, *m;

	net->nat = true;
	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	c = first_sa(net->carol.mgr);
	m = first_sa(net->moon.mgr);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(jstr(m, "state"), "ESTABLISHED");
	ck_assert(json_object_get_boolean(json_object_object_get(c, "nat_local")));
	ck_assert(json_object_get_boolean(json_object_object_get(m, "nat_remote")));
	ck_assert_str_eq(jstr(c, "remote"), "192.168.0.1[4500]");
	ck_assert_str_eq(jstr(m, "remote"), "192.0.2.99[14500]");
	ck_assert(json_object_get_boolean(json_object_object_get(jchild(m, 0), "encap")));
	json_object_put(c);
	json_object_put(m);
	net_free(net);
}
END_TEST

/* encap = yes without a NAT: both sides see one (our faked source hash) and encapsulate */
START_TEST(test_ike_mgr_encap_forced)
{
	struct net_mock *net = net_new();
	struct json_object *c, *m;

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s",
		  "0s\n encap = yes");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	c = first_sa(net->carol.mgr);
	m = first_sa(net->moon.mgr);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(jstr(m, "state"), "ESTABLISHED");
	ck_assert(json_object_get_boolean(json_object_object_get(c, "nat_local")));
	ck_assert(!json_object_get_boolean(json_object_object_get(c, "nat_remote")));
	ck_assert(json_object_get_boolean(json_object_object_get(m, "nat_remote")));
	ck_assert(!json_object_get_boolean(json_object_object_get(m, "nat_local")));
	ck_assert_str_eq(jstr(c, "remote"), "192.168.0.1[4500]");
	ck_assert(json_object_get_boolean(json_object_object_get(jchild(m, 0), "encap")));
	ck_assert(json_object_get_boolean(json_object_object_get(jchild(c, 0), "encap")));
	json_object_put(c);
	json_object_put(m);
	net_free(net);
}
END_TEST

/*
 * A hard expiry in moon's data plane (its inbound SA gone) deletes the
 * CHILD_SA with carol; a soft one changes nothing. The IKE_SA stays.
 */
START_TEST(test_ike_mgr_child_hard_expiry)
{
	struct net_mock *net = net_new();
	struct json_object *m, *c;
	struct sockaddr_storage moon_addr;
	uint32_t spi_in;

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	m = first_sa(net->moon.mgr);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(jchild(m, 0));
	spi_in = (uint32_t)strtoul(jstr(jchild(m, 0), "spi_in"), NULL, 16);
	json_object_put(m);
	sa_set(&moon_addr, "192.168.0.1", 500);
	ck_assert_int_eq(kernel_null_expire(net->moon.kernel, spi_in, IPPROTO_ESP, &moon_addr, false),
			 0);
	pump(net);
	m = first_sa(net->moon.mgr);
	ck_assert_ptr_nonnull(jchild(m, 0));
	json_object_put(m);
	ck_assert_int_eq(kernel_null_expire(net->moon.kernel, spi_in, IPPROTO_ESP, &moon_addr, true),
			 0);
	pump(net);
	m = first_sa(net->moon.mgr);
	c = first_sa(net->carol.mgr);
	ck_assert_str_eq(jstr(m, "state"), "ESTABLISHED");
	ck_assert_ptr_null(jchild(m, 0));
	ck_assert_ptr_null(jchild(c, 0));
	ck_assert_int_eq(kernel_ipsec_sa_count(net->moon.kernel), 0);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->carol.kernel), 0);
	json_object_put(m);
	json_object_put(c);
	net_free(net);
}
END_TEST

/*
 * Inner classification: moon's table maps carol's selector (her address:
 * `dynamic`) to the segment of her IKE_SA, computed here with segment_of();
 * the entry goes with the CHILD_SA.
 */
START_TEST(test_ike_mgr_inner_classification)
{
	struct net_mock *net = net_new();
	struct segment_cfg scfg = { .version = SEGMENT_VERSION_1, .count = 4 };
	struct flow_key carol = { .family = AF_INET };
	struct json_object *m;
	int seg;

	ck_assert_int_eq(inet_pton(AF_INET, "192.168.0.100", carol.addr), 1);
	seg = segment_of(&carol, &scfg);
	ck_assert_int_ge(seg, 0);
	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	m = first_sa(net->moon.mgr);
	ck_assert_ptr_nonnull(jchild(m, 0));
	ck_assert_int_eq(json_object_get_int(json_object_object_get(m, "segment")), seg);
	json_object_put(m);
	ck_assert_int_eq(classify_lookup(net->moon.classify, &carol), seg);
	ck_assert_uint_eq(classify_size(net->moon.classify), 1);
	/* carol's table: moon's side, 10.1.0.0/16, to the segment of moon's address */
	carol.addr[0] = 10, carol.addr[1] = 1, carol.addr[2] = 7, carol.addr[3] = 9;
	ck_assert_int_ge(classify_lookup(net->carol.classify, &carol), 0);
	ck_assert_int_eq(ike_mgr_terminate(net->carol.mgr, "home", NULL), 0);
	pump(net);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 0);
	ck_assert_uint_eq(classify_size(net->moon.classify), 0);
	ck_assert_uint_eq(classify_size(net->carol.classify), 0);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_garbage_leaves_sas_intact)
{
	struct net_mock *net = net_new();
	struct json_object *m;
	uint8_t buf[600];
	struct ike_dgram dg = { .data = buf };

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	m = first_sa(net->moon.mgr);
	sa_set(&dg.local, "192.168.0.1", 500);
	sa_set(&dg.remote, "192.168.0.100", 500);
	srand(7);
	for (int i = 0; i < 3000; i++) {
		size_t len = (size_t)(rand() % (int)sizeof(buf));

		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rand();
		if (i % 3 == 0 && len >= 28) {
			/* a valid-looking header for the live SA, garbage after it */
			uint64_t spi_i = strtoull(jstr(m, "spi_i"), NULL, 16);
			uint64_t spi_r = strtoull(jstr(m, "spi_r"), NULL, 16);

			for (int k = 0; k < 8; k++) {
				buf[k] = (uint8_t)(spi_i >> (56 - 8 * k));
				buf[8 + k] = (uint8_t)(spi_r >> (56 - 8 * k));
			}
			buf[17] = 0x20;
			buf[18] = (uint8_t)(34 + i % 4);
			buf[19] = 0x08;
			buf[24] = (uint8_t)(len >> 24);
			buf[25] = (uint8_t)(len >> 16);
			buf[26] = (uint8_t)(len >> 8);
			buf[27] = (uint8_t)len;
		}
		dg.len = len;
		ike_mgr_receive(net->moon.mgr, &dg);
	}
	net->n = 0;
	ck_assert_uint_eq(n_sas(net->moon.mgr), 1);
	json_object_put(m);
	m = first_sa(net->moon.mgr);
	ck_assert_str_eq(jstr(m, "state"), "ESTABLISHED");
	json_object_put(m);
	/* and the SA still works: a delete from carol goes through */
	ck_assert_int_eq(ike_mgr_terminate(net->carol.mgr, "home", NULL), 0);
	pump(net);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 0);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_initial_contact_replaces_stale_sa)
{
	struct net_mock *net = net_new();
	struct json_object *st, *counters, *v, *m;
	char old_spi[17];

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	m = first_sa(net->moon.mgr);
	snprintf(old_spi, sizeof(old_spi), "%s", jstr(m, "spi_r"));
	json_object_put(m);
	/* carol reboots: her new SA carries INITIAL_CONTACT, moon's old one is stale */
	peer_fini(&net->carol);
	peer_init(net, &net->carol, "carol", "192.168.0.100", mock_send_carol, false);
	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 1);
	m = first_sa(net->moon.mgr);
	ck_assert_str_ne(jstr(m, "spi_r"), old_spi);
	ck_assert_str_eq(jstr(m, "state"), "ESTABLISHED");
	ck_assert_ptr_nonnull(jchild(m, 0));
	json_object_put(m);
	/* the new CHILD_SA's SAs and policies are in place, the old ones gone */
	ck_assert_int_eq(kernel_ipsec_sa_count(net->moon.kernel), 2);
	ck_assert_int_eq(kernel_ipsec_policy_count(net->moon.kernel), 3);
	st = ike_mgr_stats_json(net->moon.mgr);
	ck_assert(json_object_object_get_ex(st, "counters", &counters));
	ck_assert(json_object_object_get_ex(counters, "ike_replaced", &v));
	ck_assert_int_eq(json_object_get_int(v), 1);
	json_object_put(st);
	net_free(net);
}
END_TEST

START_TEST(test_ike_mgr_key_exchange_on_worker_pool)
{
	struct net_mock *net = net_new_pool(true);
	struct json_object *c, *m;

	configure(net, "aes128-sha256-x25519", "aes128-sha256-x25519", "s", "s", "0s");
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	/* moon's key exchanges are on the workers: nothing answered yet */
	ck_assert_uint_eq(net->sent_by_moon, 0);
	run_for(net, 300);
	ck_assert_uint_eq(n_sas(net->carol.mgr), 5);
	ck_assert_uint_eq(n_sas(net->moon.mgr), 5);
	c = first_sa(net->carol.mgr);
	m = first_sa(net->moon.mgr);
	ck_assert_str_eq(jstr(c, "state"), "ESTABLISHED");
	ck_assert_str_eq(jstr(m, "state"), "ESTABLISHED");
	json_object_put(c);
	json_object_put(m);
	ck_assert_int_eq(kernel_ipsec_sa_count(net->moon.kernel), 10);
	/* an SA gone while its job runs: the result is dropped, nothing leaks */
	ck_assert_int_eq(ike_mgr_initiate(net->carol.mgr, "home", "home", NULL), 0);
	pump(net);
	peer_fini(&net->moon);
	peer_init(net, &net->moon, "moon", "192.168.0.1", mock_send, true);
	net_free(net);
}
END_TEST

Suite *ike_mgr_suite(void)
{
	Suite *s = suite_create("ike_mgr");
	TCase *tc = tcase_create("exchanges");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ike_mgr_input);
	tcase_add_test(tc, test_ike_mgr_psk_establishes);
	tcase_add_test(tc, test_ike_mgr_wrong_psk_fails_cleanly);
	tcase_add_test(tc, test_ike_mgr_no_proposal_chosen);
	tcase_add_test(tc, test_ike_mgr_invalid_ke_retry);
	tcase_add_loop_test(tc, test_ike_mgr_delete_from_each_side, 0, 2);
	tcase_add_test(tc, test_ike_mgr_lost_response_retransmitted);
	tcase_add_test(tc, test_ike_mgr_dpd_detects_dead_peer);
	tcase_add_test(tc, test_ike_mgr_nat_detected_and_floated);
	tcase_add_test(tc, test_ike_mgr_encap_forced);
	tcase_add_test(tc, test_ike_mgr_child_hard_expiry);
	tcase_add_test(tc, test_ike_mgr_inner_classification);
	tcase_add_test(tc, test_ike_mgr_garbage_leaves_sas_intact);
	tcase_add_test(tc, test_ike_mgr_initial_contact_replaces_stale_sa);
	tcase_add_test(tc, test_ike_mgr_key_exchange_on_worker_pool);
	suite_add_tcase(s, tc);
	return s;
}
