/*
 * The daemon: builds every module from the configuration, wires the
 * sockets to the IKE SA manager, and reloads on SIGHUP or `hactl reload`.
 */
#include "ikenode/daemon.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/settings.h"
#include "common/workpool.h"
#include "ikenode/config_daemon.h"
#include "ikenode/config_swanctl.h"
#include "ikenode/cred.h"
#include "ikenode/crypto_algs.h"
#include "ikenode/crypto_dh.h"
#include "ikenode/daemon_int.h"
#include "ikenode/ike_mgr.h"
#include "ikenode/keylog.h"
#include "ikenode/net.h"
#include "kernel/kernel_ipsec.h"
#include "kernel/kernel_uesp.h"
#include "segment/classify.h"
#include "segment/filter.h"
#include "segment/segment.h"

#define DEFAULT_CONF "/etc/ikenode.conf"

/* Appends one line to a malloc'd text (NULL allowed); logs it too. */
static void add_error(char **errors, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_error(char **errors, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_cfg(LOG_ERR, "%s", line);
	if (errors) {
		size_t old = *errors ? strlen(*errors) : 0;
		char *n = realloc(*errors, old + strlen(line) + 2);

		if (n) {
			memcpy(n + old, line, strlen(line));
			n[old + strlen(line)] = '\n';
			n[old + strlen(line) + 1] = '\0';
			*errors = n;
		}
	}
}

static void cred_problem(void *ctx, const char *file, const char *message)
{
	UNUSED(ctx);
	log_cfg(LOG_WARNING, "%s: %s", file, message);
}

int ikenode_load_conns(struct ikenode *d, struct config **cfg, struct cred_store **creds,
		       char **errors)
{
	const char *path = d->opts.swanctl_conf ? d->opts.swanctl_conf : d->dcfg->swanctl_conf;
	const char *dir = d->opts.swanctl_dir ? d->opts.swanctl_dir : d->dcfg->swanctl_dir;
	struct settings_errors *errs = settings_errors_new();
	struct settings *s = NULL;
	struct config_diag diag;
	int rc;

	*cfg = NULL;
	*creds = NULL;
	config_diag_init(&diag);
	if (!errs)
		return -ENOMEM;
	rc = settings_parse_file(path, &s, errs);
	if (rc) {
		for (size_t i = 0; i < settings_errors_count(errs); i++)
			add_error(errors, "%s", settings_errors_get(errs, i)->text);
		if (!settings_errors_count(errs))
			add_error(errors, "%s: %s", path, strerror(-rc));
		rc = -EBADMSG;
		goto out;
	}
	rc = config_swanctl_load(settings_root(s), cfg, &diag);
	for (size_t i = 0; i < diag.count; i++) {
		char line[1024];

		if (config_diag_format(&diag.items[i], line, sizeof(line)) < 0)
			continue;
		if (diag.items[i].severity == CONFIG_ERROR)
			add_error(errors, "%s", line);
		else
			log_cfg(LOG_WARNING, "%s", line);
	}
	if (rc)
		goto out;
	rc = cred_store_new(creds);
	if (rc == 0) {
		rc = cred_store_load_dir(*creds, dir, cred_problem, d);
		if (rc == -ENOENT) {
			log_cfg(LOG_INFO, "no credential directory %s", dir);
			rc = 0;
		}
	}
out:
	if (rc) {
		config_free(*cfg);
		*cfg = NULL;
		cred_store_free(*creds);
		*creds = NULL;
	}
	config_diag_clear(&diag);
	settings_free(s);
	settings_errors_free(errs);
	return rc;
}

int ikenode_reload(struct ikenode *d, char **errors)
{
	struct config *cfg = NULL;
	struct cred_store *creds = NULL;
	int rc = ikenode_load_conns(d, &cfg, &creds, errors);

	if (rc) {
		log_cfg(LOG_ERR, "new configuration refused; the running one stays");
		return rc;
	}
	log_cfg(LOG_NOTICE, "configuration reloaded: %zu connections, %zu secrets", cfg->n_conns,
		cfg->n_secrets);
	ike_mgr_set_config(d->mgr, cfg);
	ike_mgr_set_creds(d->mgr, creds);
	cred_store_free(d->creds);
	d->creds = creds;
	return 0;
}

void ikenode_start_actions(struct ikenode *d)
{
	const struct config *cfg = ike_mgr_config(d->mgr);

	for (size_t i = 0; cfg && i < cfg->n_conns; i++) {
		const struct conn_cfg *c = &cfg->conns[i];

		for (size_t j = 0; j < c->n_children; j++) {
			const struct child_cfg *ch = &c->children[j];

			if (ch->start_action == CONFIG_ACTION_TRAP)
				log_cfg(LOG_WARNING, "%s.%s: start_action = trap is not supported yet",
					c->name, ch->name);
			if (ch->start_action != CONFIG_ACTION_START)
				continue;
			if (ike_mgr_initiate(d->mgr, c->name, ch->name, NULL))
				log_ike(LOG_WARNING, "%s.%s: cannot initiate", c->name, ch->name);
		}
	}
}

static int send_dgram(void *ctx, const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote, const uint8_t *data, size_t len)
{
	struct ikenode *d = ctx;

	if (len == 1 && data[0] == 0xff)
		return net_send_keepalive(d->net, local, remote);
	return net_send(d->net, local, remote, data, len);
}

static void recv_dgram(void *ctx, const struct net_pkt *pkt)
{
	struct ikenode *d = ctx;
	struct ike_dgram dg = {
		.data = pkt->data,
		.len = pkt->len,
		.local = pkt->local,
		.remote = pkt->remote,
	};

	ike_mgr_receive(d->mgr, &dg);
}

/* expiries from the data plane end their CHILD_SAs */
static void on_kernel_event(void *ctx, const struct kernel_event *ev)
{
	struct ikenode *d = ctx;

	if (d->mgr)
		ike_mgr_kernel_event(d->mgr, ev);
}

/* uesp's ESP-in-UDP, both ways through the NAT-T sockets */
static void esp_from_net(void *ctx, const struct net_pkt *pkt)
{
	struct ikenode *d = ctx;

	kernel_uesp_input(d->kernel, pkt->data, pkt->len, &pkt->remote, &pkt->local);
}

static size_t esp_to_net(void *ctx, const struct uesp_dgram *dg, size_t n)
{
	struct ikenode *d = ctx;
	struct net_dgram nd[64];
	size_t sent = 0;

	for (size_t i = 0; i < n; i += 64) {
		size_t k = n - i < 64 ? n - i : 64;

		for (size_t j = 0; j < k; j++)
			nd[j] = (struct net_dgram){ dg[i + j].src, dg[i + j].dst, dg[i + j].data,
						    dg[i + j].len };
		sent += net_send_esp_batch(d->net, nd, k);
	}
	return sent;
}

static int32_t on_stop(int32_t sig, void *data)
{
	struct ikenode *d = data;

	log_ike(LOG_NOTICE, "signal %d, shutting down", sig);
	qb_loop_stop(d->loop);
	return 0;
}

static int32_t on_hup(int32_t sig, void *data)
{
	UNUSED(sig);
	/* a refused configuration is logged by the reload itself */
	if (ikenode_reload(data, NULL))
		log_cfg(LOG_WARNING, "SIGHUP: reload refused");
	return 0;
}

static int load_daemon_conf(struct ikenode *d)
{
	const char *path = d->opts.conf;
	struct settings_errors *errs = settings_errors_new();
	struct settings *s = NULL;
	char **errors = NULL;
	size_t n_errors = 0;
	int rc = 0;

	if (!errs)
		return -ENOMEM;
	if (!path && access(DEFAULT_CONF, F_OK) == 0)
		path = DEFAULT_CONF;
	if (path)
		rc = settings_parse_file(path, &s, errs);
	else
		rc = settings_parse_buffer("(defaults)", "", 0, NULL, &s, errs);
	if (rc) {
		for (size_t i = 0; i < settings_errors_count(errs); i++)
			log_cfg(LOG_ERR, "%s", settings_errors_get(errs, i)->text);
		if (!settings_errors_count(errs))
			log_cfg(LOG_ERR, "%s: %s", path, strerror(-rc));
		goto out;
	}
	rc = config_daemon_load(settings_root(s), &d->dcfg, &errors, &n_errors);
	for (size_t i = 0; i < n_errors; i++)
		log_cfg(strncmp(errors[i], "warning: ", 9) ? LOG_ERR : LOG_WARNING, "%s",
			errors[i]);
	config_daemon_free_errors(errors, n_errors);
out:
	settings_free(s);
	settings_errors_free(errs);
	return rc;
}

/*
 * The segment filter of ha { filter }: this node accepts the packets of the
 * segments in ha { active } (all by default) until the operator or the
 * cluster moves them.
 */
static int start_filter(struct ikenode *d)
{
	const struct daemon_cfg *c = d->dcfg;
	struct seg_filter_cfg fc = {
		.backend = c->seg_filter == CONFIG_DAEMON_FILTER_NFT ? SEG_FILTER_NFT
								     : SEG_FILTER_NFQUEUE,
		.seg = { .version = SEGMENT_VERSION_1,
			 .count = (uint8_t)config_daemon_segment_count(c),
			 .seed = c->segment_seed },
		.family = c->cluster_ip.ss_family,
		.queue_num = (uint16_t)c->seg_queue,
		.nft_table = c->seg_nft_table ? c->seg_nft_table : "ikenode",
	};
	int rc;

	if (c->seg_filter == CONFIG_DAEMON_FILTER_NONE)
		return 0;
	if (fc.family == AF_INET)
		memcpy(fc.cluster_ip, &((const struct sockaddr_in *)&c->cluster_ip)->sin_addr, 4);
	else
		memcpy(fc.cluster_ip, &((const struct sockaddr_in6 *)&c->cluster_ip)->sin6_addr, 16);
	rc = seg_filter_new(&d->filter, &fc, d->loop);
	if (!rc)
		rc = seg_filter_set_owned(d->filter, config_daemon_segment_active(c));
	if (!rc && fc.backend == SEG_FILTER_NFQUEUE) {
		/* inner traffic follows its peer: the CHILD_SAs' remote selectors -> segments */
		d->classify = classify_new(DAEMON_CLASSIFY_MAX);
		if (d->classify)
			seg_filter_set_classifier(d->filter, d->classify);
		else
			rc = -ENOMEM;
	}
	if (rc) {
		log_seg(LOG_ERR, "segment filter (%s): %s", seg_filter_backend_name(fc.backend),
			strerror(-rc));
		return rc;
	}
	log_seg(LOG_INFO, "segment filter %s: %u segments, seed 0x%x, active 0x%" PRIx64,
		seg_filter_backend_name(fc.backend), fc.seg.count, fc.seg.seed,
		seg_filter_owned(d->filter));
	return 0;
}

/*
 * The crypto worker pool: `workers` threads, or one per CPU this process may
 * run on. With a single CPU, workers would only add thread switches to the
 * same work, so the key exchanges stay on the loop thread (no pool).
 */
static int start_workers(struct ikenode *d)
{
	unsigned int n = d->dcfg->workers;

	if (!n) {
		cpu_set_t set;

		CPU_ZERO(&set);
		n = sched_getaffinity(0, sizeof(set), &set) == 0 ? (unsigned int)CPU_COUNT(&set) : 1;
		if (n <= 1)
			return 0;
	}
	return workpool_new(&d->workpool, d->loop, n);
}

int ikenode_new(struct ikenode **out, const struct ikenode_opts *opts)
{
	struct ikenode *d = calloc(1, sizeof(*d));
	struct config *cfg = NULL;
	struct net_cfg ncfg = { 0 };
	struct kernel_opts kopts = { 0 };
	bool uesp;
	struct ike_mgr_deps deps = { 0 };
	const char *keylog;
	int rc;

	if (!d)
		return -ENOMEM;
	d->opts = *opts;
	d->started = time(NULL);
	rc = load_daemon_conf(d);
	if (rc)
		goto fail;
	/* -f keeps stderr; -d keeps debug; otherwise ikenode.conf's log section decides */
	if (!opts->foreground || opts->log_level < 0) {
		int level = opts->log_level >= 0 ? opts->log_level : d->dcfg->log_level;
		int target = opts->foreground ? LOG_TARGET_STDERR : d->dcfg->log_target;

		if (log_set_target(target, d->dcfg->log_file, level))
			log_cfg(LOG_ERR, "cannot log to %s; logging stays where it was",
				d->dcfg->log_file ? d->dcfg->log_file : "the configured target");
	}
	d->loop = qb_loop_create();
	if (!d->loop) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = crypto_algs_new(&d->algs, NULL, NULL);
	if (rc == 0)
		rc = crypto_dh_groups_new(&d->groups, NULL, NULL);
	if (rc) {
		log_ike(LOG_ERR, "cannot set up OpenSSL: %s", strerror(-rc));
		goto fail;
	}
	kopts.tun_name = d->dcfg->kernel_tun;
	kopts.mtu = d->dcfg->kernel_mtu;
	kopts.route_table = d->dcfg->kernel_route_table;
	kopts.fwmark = d->dcfg->kernel_fwmark;
	kopts.node_id = (uint16_t)d->dcfg->node_id;
	rc = kernel_ipsec_new_opts(&d->kernel, d->dcfg->kernel_backend, d->loop, on_kernel_event,
				   d, &kopts);
	if (rc) {
		log_knl(LOG_ERR, "data plane backend '%s': %s", d->dcfg->kernel_backend,
			strerror(-rc));
		goto fail;
	}
	rc = start_filter(d);
	if (rc)
		goto fail;
	keylog = opts->keylog ? opts->keylog : d->dcfg->keylog;
	if (keylog) {
		char esp[4096];

		snprintf(esp, sizeof(esp), "%s.esp", keylog);
		rc = keylog_open(&d->keylog, keylog);
		if (rc == 0)
			rc = keylog_open(&d->keylog_esp, esp);
		if (rc) {
			log_ike(LOG_ERR, "cannot open key log %s: %s", keylog, strerror(-rc));
			goto fail;
		}
		log_ike(LOG_WARNING, "writing IKE keys to %s and ESP keys to %s, as asked", keylog,
			esp);
	}
	rc = ikenode_load_conns(d, &cfg, &d->creds, NULL);
	if (rc) {
		log_cfg(LOG_ERR, "configuration refused");
		goto fail;
	}
	rc = start_workers(d);
	if (rc) {
		log_ike(LOG_ERR, "cannot start the crypto workers: %s", strerror(-rc));
		goto fail;
	}
	deps.workpool = d->workpool;
	deps.loop = d->loop;
	deps.algs = d->algs;
	deps.groups = d->groups;
	deps.kernel = d->kernel;
	deps.creds = d->creds;
	deps.keylog = d->keylog;
	deps.keylog_esp = d->keylog_esp;
	deps.send = send_dgram;
	deps.send_ctx = d;
	deps.timing.retransmit_timeout_ms = d->dcfg->retransmit_timeout_ms;
	deps.timing.retransmit_base = d->dcfg->retransmit_base;
	deps.timing.retransmit_tries = d->dcfg->retransmit_tries;
	deps.timing.retransmit_limit_ms = d->dcfg->retransmit_limit_ms;
	deps.timing.half_open_timeout_ms = 30000;
	deps.timing.half_open_limit = d->dcfg->half_open_limit;
	deps.timing.keep_alive_s = d->dcfg->keep_alive_s;
	deps.ha = d->dcfg->ha_enabled;
	deps.segments = (uint8_t)config_daemon_segment_count(d->dcfg);
	deps.segment_seed = d->dcfg->segment_seed;
	deps.classify = d->classify;
	deps.port_natt = d->dcfg->port_natt;
	rc = ike_mgr_new(&d->mgr, &deps);
	if (rc)
		goto fail;
	ike_mgr_set_config(d->mgr, cfg);
	cfg = NULL;
	ncfg.addrs = (const char *const *)d->dcfg->listen;
	ncfg.n_addrs = d->dcfg->n_listen;
	ncfg.port = d->dcfg->port;
	ncfg.port_natt = d->dcfg->port_natt;
	ncfg.freebind = d->dcfg->freebind;
	uesp = !strcmp(kernel_ipsec_backend(d->kernel), "uesp");
	/* our packets must not be routed into uesp's tunnel device */
	ncfg.fwmark = uesp ? kernel_ipsec_opts(d->kernel)->fwmark : 0;
	rc = net_new(&d->net, d->loop, &ncfg, recv_dgram, d);
	if (rc) {
		log_net(LOG_ERR, "cannot open the IKE sockets: %s", strerror(-rc));
		goto fail;
	}
	if (uesp) {
		net_set_esp_handler(d->net, esp_from_net, d);
		rc = kernel_uesp_set_udp_output(d->kernel, esp_to_net, d);
		if (rc)
			goto fail;
	}
	rc = ikenode_ctl_init(d);
	if (rc) {
		log_ctl(LOG_ERR, "cannot start the control server: %s", strerror(-rc));
		goto fail;
	}
	rc = ike_mgr_subscribe(d->mgr, ikenode_ctl_event, d);
	if (rc)
		goto fail;
	qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGTERM, d, on_stop, NULL);
	qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGINT, d, on_stop, NULL);
	qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGHUP, d, on_hup, NULL);
	log_ike(LOG_NOTICE,
		"ikenode started: %zu connections, data plane '%s', IKE on ports %u/%u, %u crypto workers",
		ike_mgr_config(d->mgr)->n_conns, kernel_ipsec_backend(d->kernel), net_port(d->net),
		net_port_natt(d->net), d->workpool ? workpool_threads(d->workpool) : 0);
	*out = d;
	return 0;
fail:
	config_free(cfg);
	ikenode_free(d);
	return rc < 0 ? rc : -EINVAL;
}

void ikenode_run(struct ikenode *d)
{
	ikenode_start_actions(d);
	qb_loop_run(d->loop);
}

void ikenode_free(struct ikenode *d)
{
	if (!d)
		return;
	ikenode_ctl_fini(d);
	/* first: its last completions still reach the manager */
	workpool_free(d->workpool);
	ike_mgr_free(d->mgr);
	net_free(d->net);
	seg_filter_free(d->filter);
	classify_free(d->classify);
	kernel_ipsec_free(d->kernel);
	cred_store_free(d->creds);
	keylog_close(d->keylog);
	keylog_close(d->keylog_esp);
	crypto_dh_groups_free(d->groups);
	crypto_algs_free(d->algs);
	config_daemon_free(d->dcfg);
	if (d->loop)
		qb_loop_destroy(d->loop);
	free(d);
}
