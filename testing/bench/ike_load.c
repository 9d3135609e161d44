/*
 * ike-load: a load initiator for benchmarks, built from ikenode's own IKE
 * SA manager. It keeps CONCURRENCY IKE_SAs (PSK, one CHILD_SA each) in
 * flight against a responder and counts how many complete per second. As
 * the issue allows, it reuses one DH key pair per group (so the responder,
 * not the load, is the bottleneck) and sends no INITIAL_CONTACT (so a
 * responder keeps every SA). Established SAs stay up; nothing is deleted.
 *
 *   ike-load --local IP --remote IP [--port 500] [--concurrency 64]
 *            [--duration S | --count N] [--proposal P] [--esp P] [--psk SECRET]
 *
 * Prints one line: "established N failed F seconds T rate R".
 *
 *   ike-load --crypto-limit [--duration S]
 *
 * measures the responder's public-key work per IKE_SA on this core (one
 * X25519 key generation and one derivation, as ikenode does them) and prints
 * "crypto-limit R" (IKE_SA/s if nothing else cost anything).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/secret.h"
#include "common/settings.h"
#include "ikenode/config_swanctl.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_dh.h"
#include "ikenode/ike_mgr.h"
#include "ikenode/net.h"
#include "kernel/kernel_ipsec.h"

struct load {
	qb_loop_t *loop;
	struct net *net;
	struct ike_mgr *mgr;
	unsigned int concurrency, in_flight;
	uint64_t established, failed, target;
	double started, duration;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_dgram(void *ctx, const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote, const uint8_t *data, size_t len)
{
	struct load *l = ctx;

	return net_send(l->net, local, remote, data, len);
}

static void recv_dgram(void *ctx, const struct net_pkt *pkt)
{
	struct load *l = ctx;
	struct ike_dgram dg = { .data = pkt->data, .len = pkt->len, .local = pkt->local,
				.remote = pkt->remote };

	ike_mgr_receive(l->mgr, &dg);
}

static int crypto_limit(double duration)
{
	struct crypto_dh_groups *groups = NULL;
	struct crypto_dh *peer = NULL;
	const uint8_t *pub;
	size_t pub_len = 0;
	uint64_t n = 0;
	double start;

	if (crypto_dh_groups_new(&groups, NULL, NULL) || crypto_dh_new(&peer, groups, 31))
		return 1;
	pub = crypto_dh_public(peer, &pub_len);
	start = now_s();
	while (now_s() - start < duration) {
		struct crypto_dh *dh = NULL;
		struct secret gir = { 0 };

		if (crypto_dh_new(&dh, groups, 31) || crypto_dh_derive(dh, pub, pub_len, &gir))
			return 1;
		secret_free(&gir);
		crypto_dh_free(dh);
		n++;
	}
	printf("crypto-limit %.1f\n", (double)n / (now_s() - start));
	crypto_dh_free(peer);
	crypto_dh_groups_free(groups);
	return 0;
}

static bool done(const struct load *l)
{
	if (l->target)
		return l->established >= l->target;
	return now_s() - l->started >= l->duration;
}

static void refill(struct load *l)
{
	while (!done(l) && l->in_flight < l->concurrency) {
		if (l->target && l->established + l->in_flight >= l->target)
			break;
		if (ike_mgr_initiate(l->mgr, "load", "load", NULL)) {
			fprintf(stderr, "ike-load: initiate failed\n");
			qb_loop_stop(l->loop);
			return;
		}
		l->in_flight++;
	}
	if (done(l))
		qb_loop_stop(l->loop);
}

static void on_event(void *ctx, const struct ike_event *ev)
{
	struct load *l = ctx;

	if (ev->type == IKE_EV_CHILD_UP) {
		l->established++;
		l->in_flight -= l->in_flight > 0;
	} else if (ev->type == IKE_EV_IKE_DOWN) {
		l->failed++;
		l->in_flight -= l->in_flight > 0;
	}
}

static void tick(void *data)
{
	struct load *l = data;
	qb_loop_timer_handle h;

	refill(l);
	(void)qb_loop_timer_add(l->loop, QB_LOOP_HIGH, 1000000ull, l, tick, &h);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", required_argument, NULL, 'l' },
		{ "remote", required_argument, NULL, 'r' },
		{ "port", required_argument, NULL, 'p' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "proposal", required_argument, NULL, 'P' },
		{ "esp", required_argument, NULL, 'E' },
		{ "psk", required_argument, NULL, 'k' },
		{ "crypto-limit", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	const char *local = NULL, *remote = NULL, *proposal = "aes128-sha256-x25519";
	const char *esp = "aes128gcm16", *psk = "0x6c6f61642d74657374";
	unsigned int port = 500;
	struct load l = { .concurrency = 64, .duration = 10 };
	struct crypto_algs *algs = NULL;
	struct crypto_dh_groups *groups = NULL;
	struct kernel_ipsec *kernel = NULL;
	struct settings *s = NULL;
	struct config *cfg = NULL;
	struct config_diag diag;
	char text[2048];
	bool limit = false;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': local = optarg; break;
		case 'r': remote = optarg; break;
		case 'p': port = (unsigned int)atoi(optarg); break;
		case 'c': l.concurrency = (unsigned int)atoi(optarg); break;
		case 'd': l.duration = atof(optarg); break;
		case 'n': l.target = strtoull(optarg, NULL, 10); break;
		case 'P': proposal = optarg; break;
		case 'E': esp = optarg; break;
		case 'k': psk = optarg; break;
		case 'L': limit = true; break;
		default: return 2;
		}
	}
	if (limit)
		return crypto_limit(l.duration);
	if (!local || !remote || !l.concurrency) {
		fprintf(stderr, "usage: ike-load --local IP --remote IP [options]\n");
		return 2;
	}
	log_init("ike-load", LOG_TARGET_STDERR, LOG_WARNING);
	snprintf(text, sizeof(text),
		 "connections { load { local_addrs = %s\n remote_addrs = %s\n remote_port = %u\n"
		 " proposals = %s\n local { auth = psk\n id = load@bench }\n"
		 " remote { auth = psk\n id = %%any }\n"
		 " children { load { esp_proposals = %s } } } }\n"
		 "secrets { ike { secret = %s } }\n",
		 local, remote, port, proposal, esp, psk);
	config_diag_init(&diag);
	if (settings_parse_buffer("ike-load", text, strlen(text), NULL, &s, NULL) ||
	    config_swanctl_load(settings_root(s), &cfg, &diag)) {
		fprintf(stderr, "ike-load: bad options (configuration refused)\n");
		return 2;
	}
	config_diag_clear(&diag);
	settings_free(s);
	l.loop = qb_loop_create();
	if (!l.loop || crypto_algs_new(&algs, NULL, NULL) ||
	    crypto_dh_groups_new(&groups, NULL, NULL) ||
	    kernel_ipsec_new(&kernel, "null", NULL, NULL, NULL)) {
		fprintf(stderr, "ike-load: setup failed\n");
		return 1;
	}
	{
		const char *addrs[] = { local };
		struct net_cfg ncfg = { .addrs = addrs, .n_addrs = 1, .port = 500, .port_natt = 4500 };
		struct ike_mgr_deps deps = {
			.loop = l.loop, .algs = algs, .groups = groups, .kernel = kernel,
			.send = send_dgram, .send_ctx = &l,
			.timing = { .retransmit_timeout_ms = 2000, .retransmit_base = 1.8,
				    .retransmit_tries = 3, .half_open_timeout_ms = 30000 },
			.port_natt = 4500, .load_generator = true,
		};

		if (net_new(&l.net, l.loop, &ncfg, recv_dgram, &l) || ike_mgr_new(&l.mgr, &deps) ||
		    ike_mgr_subscribe(l.mgr, on_event, &l)) {
			fprintf(stderr, "ike-load: cannot open sockets on %s\n", local);
			return 1;
		}
	}
	ike_mgr_set_config(l.mgr, cfg);
	l.started = now_s();
	refill(&l);
	{
		qb_loop_timer_handle h;

		(void)qb_loop_timer_add(l.loop, QB_LOOP_HIGH, 1000000ull, &l, tick, &h);
	}
	qb_loop_run(l.loop);
	{
		double t = now_s() - l.started;

		printf("established %llu failed %llu seconds %.3f rate %.1f\n",
		       (unsigned long long)l.established, (unsigned long long)l.failed, t,
		       (double)l.established / t);
	}
	ike_mgr_free(l.mgr);
	net_free(l.net);
	kernel_ipsec_free(kernel);
	crypto_dh_groups_free(groups);
	crypto_algs_free(algs);
	qb_loop_destroy(l.loop);
	log_fini();
	return 0;
}
