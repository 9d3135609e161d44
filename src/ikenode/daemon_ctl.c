/*
 * The daemon's answers to hactl (reply shapes in ctl.h): status, list-sas,
 * list-conns, initiate, terminate, reload, stats; the HA commands say that
 * HA is not configured until the HA sync exists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/log.h"
#include "ikenode/config_daemon.h"
#include "ikenode/config_swanctl.h"
#include "ikenode/ctl.h"
#include "ikenode/daemon_int.h"
#include "ikenode/ike_mgr.h"
#include "ikenode/net.h"
#include "kernel/kernel_ipsec.h"
#include "kernel/kernel_uesp.h"
#include "segment/filter.h"

#define INITIATE_TIMEOUT_S 30

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static const char *arg_str(struct json_object *args, const char *k)
{
	struct json_object *v;

	if (!args || !json_object_object_get_ex(args, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int on_status(void *ctx, struct ctl_req *req, struct json_object *args,
		     struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	struct ike_mgr_counts c;
	struct json_object *o = json_object_new_object();
	struct json_object *listen = json_object_new_array();
	const struct config *cfg = ike_mgr_config(d->mgr);
	char buf[128];

	UNUSED(req);
	UNUSED(args);
	if (!o || !listen) {
		json_object_put(o);
		json_object_put(listen);
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	ike_mgr_get_counts(d->mgr, &c);
	add_str(o, "version", PACKAGE_VERSION);
	add_int(o, "uptime", (int64_t)(time(NULL) - d->started));
	add_int(o, "ike_sas", (int64_t)c.ike_sas);
	add_int(o, "half_open", (int64_t)c.half_open);
	add_int(o, "child_sas", (int64_t)c.child_sas);
	add_str(o, "kernel", kernel_ipsec_backend(d->kernel));
	add_int(o, "conns", cfg ? (int64_t)cfg->n_conns : 0);
	for (size_t i = 0; i < d->dcfg->n_listen; i++) {
		snprintf(buf, sizeof(buf), "%s[%u]", d->dcfg->listen[i], net_port(d->net));
		json_object_array_add(listen, json_object_new_string(buf));
		snprintf(buf, sizeof(buf), "%s[%u]", d->dcfg->listen[i], net_port_natt(d->net));
		json_object_array_add(listen, json_object_new_string(buf));
	}
	json_object_object_add(o, "listen", listen);
	*reply = o;
	return 0;
}

static int on_list_sas(void *ctx, struct ctl_req *req, struct json_object *args,
		       struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;

	UNUSED(req);
	UNUSED(args);
	*reply = ike_mgr_list_sas_json(d->mgr);
	if (!*reply) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int on_stats(void *ctx, struct ctl_req *req, struct json_object *args,
		    struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	struct json_object *counters;
	struct net_stats ns;
	struct uesp_stats us;

	UNUSED(req);
	UNUSED(args);
	*reply = ike_mgr_stats_json(d->mgr);
	if (!*reply || !json_object_object_get_ex(*reply, "counters", &counters)) {
		json_object_put(*reply);
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	net_get_stats(d->net, &ns);
	add_int(counters, "net_rx", (int64_t)ns.rx);
	add_int(counters, "net_tx", (int64_t)ns.tx);
	add_int(counters, "net_rx_keepalive", (int64_t)ns.rx_keepalive);
	add_int(counters, "net_rx_esp", (int64_t)ns.rx_esp);
	add_int(counters, "net_rx_dropped", (int64_t)ns.rx_dropped);
	add_int(counters, "net_tx_errors", (int64_t)ns.tx_errors);
	add_int(counters, "kernel_sas", (int64_t)kernel_ipsec_sa_count(d->kernel));
	add_int(counters, "kernel_policies", (int64_t)kernel_ipsec_policy_count(d->kernel));
	if (!kernel_uesp_stats(d->kernel, &us)) {
		add_int(counters, "uesp_tun_rx", (int64_t)us.tun_rx);
		add_int(counters, "uesp_tun_tx", (int64_t)us.tun_tx);
		add_int(counters, "uesp_tun_gro", (int64_t)us.tun_gro);
		add_int(counters, "uesp_esp_rx", (int64_t)us.esp_rx);
		add_int(counters, "uesp_esp_tx", (int64_t)us.esp_tx);
		add_int(counters, "uesp_no_policy", (int64_t)us.no_policy);
		add_int(counters, "uesp_no_sa", (int64_t)us.no_sa);
		add_int(counters, "uesp_bad_inner", (int64_t)us.bad_inner);
		add_int(counters, "uesp_esp_drops", (int64_t)us.esp_drops);
		add_int(counters, "uesp_tx_errors", (int64_t)us.tx_errors);
	}
	return 0;
}

static struct json_object *strlist(const char *const *items, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	return a;
}

static struct json_object *auth_list(const struct config_auth *a, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < n; i++) {
		struct json_object *o = json_object_new_object();

		if (!o)
			continue;
		add_str(o, "auth", a[i].auth);
		add_str(o, "id", a[i].id ? a[i].id : "%any");
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *action_name(enum config_action a)
{
	return a == CONFIG_ACTION_START ? "start" : a == CONFIG_ACTION_TRAP ? "trap" : "none";
}

static int on_list_conns(void *ctx, struct ctl_req *req, struct json_object *args,
			 struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	const struct config *cfg = ike_mgr_config(d->mgr);
	struct json_object *root = json_object_new_object();
	struct json_object *conns = json_object_new_array();

	UNUSED(req);
	UNUSED(args);
	if (!root || !conns) {
		json_object_put(root);
		json_object_put(conns);
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; cfg && i < cfg->n_conns; i++) {
		const struct conn_cfg *c = &cfg->conns[i];
		struct json_object *o = json_object_new_object();
		struct json_object *children = json_object_new_array();

		if (!o || !children) {
			json_object_put(o);
			json_object_put(children);
			continue;
		}
		add_str(o, "name", c->name);
		json_object_object_add(o, "local_addrs",
				       strlist((const char *const *)c->local_addrs.raw.items,
					       c->local_addrs.raw.count));
		json_object_object_add(o, "remote_addrs",
				       strlist((const char *const *)c->remote_addrs.raw.items,
					       c->remote_addrs.raw.count));
		json_object_object_add(o, "local", auth_list(c->local, c->n_local));
		json_object_object_add(o, "remote", auth_list(c->remote, c->n_remote));
		for (size_t j = 0; j < c->n_children; j++) {
			const struct child_cfg *ch = &c->children[j];
			struct json_object *co = json_object_new_object();

			if (!co)
				continue;
			add_str(co, "name", ch->name);
			json_object_object_add(co, "local_ts",
					       strlist((const char *const *)ch->local_ts.raw.items,
						       ch->local_ts.raw.count));
			json_object_object_add(co, "remote_ts",
					       strlist((const char *const *)ch->remote_ts.raw.items,
						       ch->remote_ts.raw.count));
			add_str(co, "mode", ch->mode == CONFIG_MODE_TRANSPORT ? "TRANSPORT" : "TUNNEL");
			add_str(co, "start_action", action_name(ch->start_action));
			json_object_array_add(children, co);
		}
		json_object_object_add(o, "children", children);
		json_object_array_add(conns, o);
	}
	json_object_object_add(root, "conns", conns);
	*reply = root;
	return 0;
}

static struct json_object *initiate_reply(uint64_t id, const char *state)
{
	struct json_object *o = json_object_new_object();

	if (o) {
		add_int(o, "ike_sa", (int64_t)id);
		add_str(o, "state", state);
	}
	return o;
}

static void pending_remove(struct ikenode *d, size_t i)
{
	d->pending[i] = d->pending[--d->n_pending];
}

static void pending_timer(void *data)
{
	struct ikenode *d = data;
	uint64_t now = (uint64_t)time(NULL) * 1000u;

	d->pending_timer_on = false;
	for (size_t i = 0; i < d->n_pending;) {
		struct pending_initiate *p = &d->pending[i];

		if (now >= p->deadline_ms) {
			const char *st = ike_mgr_sa_state(d->mgr, p->ike_id);

			ctl_reply(d->ctl, p->req, NULL, st ? "timed out while the IKE_SA was connecting"
							   : "IKE_SA failed");
			pending_remove(d, i);
			continue;
		}
		i++;
	}
	if (d->n_pending && qb_loop_timer_add(d->loop, QB_LOOP_LOW, 1000000000ull, d, pending_timer,
					      &d->pending_timer) == 0)
		d->pending_timer_on = true;
}

void ikenode_ctl_event(void *ctx, const struct ike_event *ev)
{
	struct ikenode *d = ctx;

	for (size_t i = 0; i < d->n_pending;) {
		struct pending_initiate *p = &d->pending[i];

		if (p->ike_id != ev->ike_id) {
			i++;
			continue;
		}
		if (ev->type == IKE_EV_CHILD_UP || (ev->type == IKE_EV_IKE_UP && !p->want_child)) {
			ctl_reply(d->ctl, p->req, initiate_reply(ev->ike_id, "ESTABLISHED"), NULL);
			pending_remove(d, i);
			continue;
		}
		if (ev->type == IKE_EV_IKE_DOWN) {
			ctl_reply(d->ctl, p->req, NULL, "IKE_SA failed or was deleted");
			pending_remove(d, i);
			continue;
		}
		i++;
	}
}

static int on_initiate(void *ctx, struct ctl_req *req, struct json_object *args,
		       struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	const char *child = arg_str(args, "child");
	const char *ike = arg_str(args, "ike");
	struct json_object *t;
	int64_t timeout = INITIATE_TIMEOUT_S;
	uint64_t id = 0;
	int rc;

	if (!child && !ike) {
		snprintf(err, err_len, "initiate needs --child NAME or --ike NAME");
		return -EINVAL;
	}
	if (args && json_object_object_get_ex(args, "timeout", &t))
		timeout = json_object_get_int64(t);
	rc = ike_mgr_initiate(d->mgr, ike, child, &id);
	if (rc) {
		snprintf(err, err_len, "%s", rc == -ENOENT ? "no such connection or child"
				       : rc == -EINVAL ? "no usable remote address"
						       : strerror(-rc));
		return rc;
	}
	if (timeout <= 0 || d->n_pending == IKENODE_MAX_PENDING) {
		*reply = initiate_reply(id, ike_mgr_sa_state(d->mgr, id));
		return 0;
	}
	d->pending[d->n_pending].req = req;
	d->pending[d->n_pending].ike_id = id;
	d->pending[d->n_pending].want_child = child != NULL;
	d->pending[d->n_pending].deadline_ms = ((uint64_t)time(NULL) + (uint64_t)timeout) * 1000u;
	d->n_pending++;
	if (!d->pending_timer_on &&
	    qb_loop_timer_add(d->loop, QB_LOOP_LOW, 1000000000ull, d, pending_timer,
			      &d->pending_timer) == 0)
		d->pending_timer_on = true;
	return CTL_DEFERRED;
}

static int on_terminate(void *ctx, struct ctl_req *req, struct json_object *args,
			struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	const char *ike = arg_str(args, "ike");
	size_t n = 0;
	int rc;

	UNUSED(req);
	if (!ike) {
		snprintf(err, err_len, "terminate needs --ike NAME|ID");
		return -EINVAL;
	}
	rc = ike_mgr_terminate(d->mgr, ike, &n);
	if (rc) {
		snprintf(err, err_len, "no IKE_SA matches '%s'", ike);
		return rc;
	}
	*reply = json_object_new_object();
	if (*reply)
		add_int(*reply, "terminated", (int64_t)n);
	return 0;
}

static int on_reload(void *ctx, struct ctl_req *req, struct json_object *args,
		     struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	char *errors = NULL;
	const struct config *cfg;
	int rc;

	UNUSED(req);
	UNUSED(args);
	rc = ikenode_reload(d, &errors);
	if (rc) {
		snprintf(err, err_len, "configuration refused:\n%s", errors ? errors : "");
		free(errors);
		return rc;
	}
	free(errors);
	cfg = ike_mgr_config(d->mgr);
	*reply = json_object_new_object();
	if (*reply) {
		add_int(*reply, "conns", (int64_t)cfg->n_conns);
		add_int(*reply, "secrets", (int64_t)cfg->n_secrets);
	}
	return 0;
}

static const char no_filter[] = "no segment filter: set ha { filter, cluster_ip } in ikenode.conf";

static int on_segments(void *ctx, struct ctl_req *req, struct json_object *args,
		       struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	unsigned int n = config_daemon_segment_count(d->dcfg);
	uint64_t owned = seg_filter_owned(d->filter);
	struct json_object *list;
	uint32_t sas[64];
	char ip[INET6_ADDRSTRLEN] = "";

	UNUSED(req);
	UNUSED(args);
	if (!d->filter) {
		snprintf(err, err_len, "%s", no_filter);
		return -ENOTSUP;
	}
	ike_mgr_count_by_segment(d->mgr, sas);
	inet_ntop(d->dcfg->cluster_ip.ss_family,
		  d->dcfg->cluster_ip.ss_family == AF_INET
			  ? (const void *)&((const struct sockaddr_in *)&d->dcfg->cluster_ip)->sin_addr
			  : (const void *)&((const struct sockaddr_in6 *)&d->dcfg->cluster_ip)->sin6_addr,
		  ip, sizeof(ip));
	*reply = json_object_new_object();
	list = json_object_new_array();
	if (!*reply || !list) {
		json_object_put(*reply);
		json_object_put(list);
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	add_str(*reply, "filter",
		d->dcfg->seg_filter == CONFIG_DAEMON_FILTER_NFT ? "nft" : "nfqueue");
	add_str(*reply, "cluster_ip", ip);
	add_int(*reply, "count", n);
	add_int(*reply, "seed", d->dcfg->segment_seed);
	for (unsigned int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		uint64_t acc = 0, drop = 0;
		bool mine = owned >> i & 1;

		if (!o)
			continue;
		if (seg_filter_counters(d->filter, i, &acc, &drop))
			acc = drop = 0;
		add_int(o, "segment", i);
		add_str(o, "state", mine ? "active" : "inactive");
		add_str(o, "owner", mine ? "local" : "");
		add_int(o, "accepted", (int64_t)acc);
		add_int(o, "dropped", (int64_t)drop);
		add_int(o, "ike_sas", sas[i]);
		json_object_array_add(list, o);
	}
	json_object_object_add(*reply, "segments", list);
	return 0;
}

/* args {"action": "activate"|"deactivate", "segment": n}: this node only, at once */
static int on_segment(void *ctx, struct ctl_req *req, struct json_object *args,
		      struct json_object **reply, char *err, size_t err_len)
{
	struct ikenode *d = ctx;
	const char *action = arg_str(args, "action");
	unsigned int n = config_daemon_segment_count(d->dcfg);
	struct json_object *v;
	uint64_t owned, want;
	int64_t seg = -1;
	bool on;
	int rc;

	UNUSED(req);
	if (!d->filter) {
		snprintf(err, err_len, "%s", no_filter);
		return -ENOTSUP;
	}
	if (!action || (strcmp(action, "activate") && strcmp(action, "deactivate"))) {
		snprintf(err, err_len, "segment needs activate or deactivate");
		return -EINVAL;
	}
	if (args && json_object_object_get_ex(args, "segment", &v) &&
	    json_object_is_type(v, json_type_int))
		seg = json_object_get_int64(v);
	if (seg < 0 || seg >= (int64_t)n) {
		snprintf(err, err_len, "no segment %" PRId64 ": there are %u (0 .. %u)", seg, n,
			 n - 1);
		return -EINVAL;
	}
	on = action[0] == 'a';
	owned = seg_filter_owned(d->filter);
	want = on ? owned | 1ull << seg : owned & ~(1ull << seg);
	rc = want == owned ? 0 : seg_filter_set_owned(d->filter, want);
	if (rc) {
		snprintf(err, err_len, "the filter refused the change: %s", strerror(-rc));
		return rc;
	}
	if (want != owned)
		log_seg(LOG_NOTICE, "segment %" PRId64 " %s by the operator", seg,
			on ? "activated" : "deactivated");
	*reply = json_object_new_object();
	if (*reply) {
		add_int(*reply, "segment", seg);
		add_str(*reply, "state", on ? "active" : "inactive");
		add_str(*reply, "changed", want != owned ? "yes" : "no");
	}
	return 0;
}

static int on_ha(void *ctx, struct ctl_req *req, struct json_object *args,
		 struct json_object **reply, char *err, size_t err_len)
{
	UNUSED(ctx);
	UNUSED(req);
	UNUSED(args);
	UNUSED(reply);
	snprintf(err, err_len, "not available: HA is not configured");
	return -ENOTSUP;
}

static const struct {
	const char *cmd;
	ctl_handler_fn fn;
} handlers[] = {
	{ "status", on_status },	   { "list-sas", on_list_sas },	  { "list-conns", on_list_conns },
	{ "initiate", on_initiate },	   { "terminate", on_terminate }, { "reload", on_reload },
	{ "stats", on_stats },		   { "segments", on_segments },	  { "segment", on_segment },
	{ "failover", on_ha },
	{ "handback", on_ha },		   { "resync", on_ha },
};

int ikenode_ctl_init(struct ikenode *d)
{
	struct ctl_cfg cfg = {
		.name = d->opts.ctl_socket ? d->opts.ctl_socket : d->dcfg->ctl_socket,
		.gid = d->dcfg->ctl_gid,
	};
	int rc = ctl_new(&d->ctl, d->loop, &cfg);

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(handlers); i++)
		rc = ctl_register(d->ctl, handlers[i].cmd, handlers[i].fn, d);
	return rc;
}

void ikenode_ctl_fini(struct ikenode *d)
{
	if (d->pending_timer_on)
		qb_loop_timer_del(d->loop, d->pending_timer);
	d->pending_timer_on = false;
	for (size_t i = 0; i < d->n_pending; i++)
		ctl_reply(d->ctl, d->pending[i].req, NULL, "ikenode is shutting down");
	d->n_pending = 0;
	ctl_free(d->ctl);
	d->ctl = NULL;
}
