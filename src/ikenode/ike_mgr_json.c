/*
 * hactl's views of the SA tables (reply shapes documented in ctl.h):
 * list-sas and stats.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/buf.h"
#include "ikenode/ike_sa_int.h"
#include "ikenode/net.h"
#include "ikenode/ts.h"
#include "kernel/kernel_ipsec.h"

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static struct json_object *ts_array(const struct ike_ts *ts, size_t n)
{
	struct json_object *a = json_object_new_array();
	char buf[128];

	for (size_t i = 0; a && i < n; i++) {
		ts_to_str(&ts[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

static struct json_object *child_json(const struct ike_sa *sa, const struct child_sa *c)
{
	struct json_object *o = json_object_new_object();
	struct kernel_sa_state in = { 0 }, out = { 0 };
	char buf[160];

	if (!o)
		return NULL;
	/* counters stay zero for an SA the data plane cannot report */
	if (kernel_ipsec_query_sa(sa->mgr->deps.kernel, c->spi_in, IPPROTO_ESP, &sa->local, &in))
		memset(&in, 0, sizeof(in));
	if (kernel_ipsec_query_sa(sa->mgr->deps.kernel, c->spi_out, IPPROTO_ESP, &sa->remote, &out))
		memset(&out, 0, sizeof(out));
	add_int(o, "id", (int64_t)c->id);
	add_str(o, "name", c->cfg ? c->cfg->name : "");
	add_str(o, "state", child_sa_state_name(c->state));
	add_str(o, "mode", c->transport ? "TRANSPORT" : "TUNNEL");
	add_bool(o, "encap", c->encap);
	snprintf(buf, sizeof(buf), "%08" PRIx32, c->spi_in);
	add_str(o, "spi_in", buf);
	snprintf(buf, sizeof(buf), "%08" PRIx32, c->spi_out);
	add_str(o, "spi_out", buf);
	if (proposal_to_str(&c->proposal, buf, sizeof(buf)))
		buf[0] = '\0';
	add_str(o, "proposal", buf);
	json_object_object_add(o, "local_ts", ts_array(c->ts_local, c->n_ts_local));
	json_object_object_add(o, "remote_ts", ts_array(c->ts_remote, c->n_ts_remote));
	add_int(o, "bytes_in", (int64_t)in.bytes);
	add_int(o, "bytes_out", (int64_t)out.bytes);
	add_int(o, "packets_in", (int64_t)in.packets);
	add_int(o, "packets_out", (int64_t)out.packets);
	add_int(o, "drops_icv", (int64_t)in.drops_icv);
	add_int(o, "drops_replay", (int64_t)in.drops_replay);
	add_int(o, "drops_other", (int64_t)in.drops_other);
	add_int(o, "seq_out", (int64_t)out.seq_out);
	add_int(o, "replay_top", (int64_t)in.replay_top);
	add_int(o, "installed", (int64_t)(ike_now_ms() / 1000u - c->installed_at));
	return o;
}

static struct json_object *sa_json(const struct ike_sa *sa)
{
	struct json_object *o = json_object_new_object();
	struct json_object *children = json_object_new_array();
	char buf[256];

	if (!o || !children) {
		json_object_put(o);
		json_object_put(children);
		return NULL;
	}
	add_int(o, "id", (int64_t)sa->id);
	add_str(o, "name", sa->conn ? sa->conn->name : "");
	add_str(o, "state", ike_sa_state_name(sa->state));
	add_str(o, "role", sa->initiator ? "initiator" : "responder");
	hex_encode(sa->spi_i, 8, buf);
	add_str(o, "spi_i", buf);
	hex_encode(sa->spi_r, 8, buf);
	add_str(o, "spi_r", buf);
	net_addr_to_str(&sa->local, buf, sizeof(buf));
	add_str(o, "local", buf);
	net_addr_to_str(&sa->remote, buf, sizeof(buf));
	add_str(o, "remote", buf);
	ike_id_to_str(&sa->id_local, buf, sizeof(buf));
	add_str(o, "local_id", buf);
	ike_id_to_str(&sa->id_remote, buf, sizeof(buf));
	add_str(o, "remote_id", buf);
	add_str(o, "proposal", sa->proposal_str);
	add_bool(o, "nat_local", sa->nat_local);
	add_bool(o, "nat_remote", sa->nat_remote);
	add_int(o, "segment", sa->segment);
	add_str(o, "ha_role", sa->ha_passive ? "passive" : "active");
	add_int(o, "established",
		sa->established_at ? (int64_t)(ike_now_ms() / 1000u - sa->established_at) : -1);
	add_int(o, "msgid_in", sa->msgid_in);
	add_int(o, "msgid_out", sa->msgid_out);
	for (const struct child_sa *c = sa->children; c; c = c->next) {
		struct json_object *co = child_json(sa, c);

		if (co)
			json_object_array_add(children, co);
	}
	json_object_object_add(o, "children", children);
	return o;
}

struct json_object *ike_mgr_list_sas_json(const struct ike_mgr *mgr)
{
	struct json_object *root = json_object_new_object();
	struct json_object *list = json_object_new_array();
	qb_map_iter_t *it = qb_map_iter_create(mgr->by_spi);
	void *data;

	if (!root || !list || !it) {
		json_object_put(root);
		json_object_put(list);
		if (it)
			qb_map_iter_free(it);
		return NULL;
	}
	while (qb_map_iter_next(it, &data)) {
		struct json_object *o = sa_json(data);

		if (o)
			json_object_array_add(list, o);
	}
	qb_map_iter_free(it);
	json_object_object_add(root, "ike_sas", list);
	return root;
}

struct json_object *ike_mgr_stats_json(const struct ike_mgr *mgr)
{
	const struct ike_mgr_stats *s = &mgr->stats;
	struct json_object *root = json_object_new_object();
	struct json_object *c = json_object_new_object();
	const struct {
		const char *name;
		uint64_t v;
	} rows[] = {
		{ "ike_rx", s->rx },
		{ "ike_rx_bad_header", s->rx_bad_hdr },
		{ "ike_rx_malformed", s->rx_bad_parse },
		{ "ike_rx_unknown_sa", s->rx_no_sa },
		{ "ike_rx_integrity_failed", s->rx_bad_icv },
		{ "ike_rx_bad_message_id", s->rx_bad_msgid },
		{ "ike_rx_retransmits", s->rx_retransmit },
		{ "ike_rx_half_open_limit", s->rx_half_open_limit },
		{ "ike_tx", s->tx },
		{ "ike_tx_retransmits", s->tx_retransmit },
		{ "ike_tx_errors", s->tx_errors },
		{ "ike_init_no_proposal", s->init_no_proposal },
		{ "ike_init_invalid_ke", s->init_invalid_ke },
		{ "ike_auth_failed", s->auth_failed },
		{ "child_failed", s->child_failed },
		{ "ike_established", s->ike_established },
		{ "ike_deleted", s->ike_deleted },
		{ "ike_dpd_dead", s->dpd_dead },
		{ "ike_replaced", s->ike_replaced },
		{ "ike_sas", mgr->n_sas },
		{ "ike_half_open", mgr->n_half_open },
		{ "child_sas", mgr->n_children },
	};

	if (!root || !c) {
		json_object_put(root);
		json_object_put(c);
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		add_int(c, rows[i].name, (int64_t)rows[i].v);
	json_object_object_add(root, "counters", c);
	return root;
}
