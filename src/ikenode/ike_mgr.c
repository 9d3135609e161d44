/*
 * The IKE SA manager: the SA tables, datagram dispatch, configuration
 * snapshots and the event subscribers. The exchanges live one per file
 * (ike_init.c, ike_auth.c, ike_info.c, child_sa.c).
 */
#include "ikenode/ike_mgr.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/buf.h"
#include "common/log.h"
#include "ikenode/config_swanctl.h"
#include "ikenode/crypto_dh.h"
#include "ikenode/ike_rules.h"
#include "ikenode/ike_sa_int.h"
#include "ikenode/net.h"
#include "kernel/kernel_ipsec.h"

uint64_t ike_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct cfg_snap *cfg_snap_ref(struct cfg_snap *snap)
{
	if (snap)
		snap->refs++;
	return snap;
}

void cfg_snap_unref(struct cfg_snap *snap)
{
	if (!snap || --snap->refs)
		return;
	config_free(snap->cfg);
	free(snap);
}

int ike_mgr_new(struct ike_mgr **out, const struct ike_mgr_deps *deps)
{
	struct ike_mgr *mgr;

	if (!out || !deps || !deps->loop || !deps->algs || !deps->groups || !deps->kernel ||
	    !deps->send)
		return -EINVAL;
	mgr = calloc(1, sizeof(*mgr));
	if (!mgr)
		return -ENOMEM;
	mgr->deps = *deps;
	if (!mgr->deps.segments)
		mgr->deps.segments = 1;
	if (!mgr->deps.port_natt)
		mgr->deps.port_natt = 4500;
	mgr->next_id = 1;
	mgr->next_reqid = 1;
	mgr->by_spi = qb_hashtable_create(1024);
	mgr->half_open = qb_hashtable_create(1024);
	mgr->buf = malloc(IKE_MAX_MSG);
	mgr->plain = malloc(IKE_MAX_MSG);
	if (!mgr->by_spi || !mgr->half_open || !mgr->buf || !mgr->plain) {
		ike_mgr_free(mgr);
		return -ENOMEM;
	}
	*out = mgr;
	return 0;
}

/*
 * Every SA in a malloc'd array (NULL when there are none or on OOM). A
 * libqb hashtable iterator keeps a reference on its current node until it
 * moves on, so every walk goes to the end before anything is removed.
 */
static struct ike_sa **ike_mgr_collect(const struct ike_mgr *mgr, size_t *n)
{
	qb_map_iter_t *it = qb_map_iter_create(mgr->by_spi);
	struct ike_sa **all = mgr->n_sas ? calloc(mgr->n_sas, sizeof(*all)) : NULL;
	void *data;

	*n = 0;
	if (!it) {
		free(all);
		return NULL;
	}
	while (qb_map_iter_next(it, &data))
		if (all && *n < mgr->n_sas)
			all[(*n)++] = data;
	qb_map_iter_free(it);
	return all;
}

void ike_mgr_free(struct ike_mgr *mgr)
{
	if (!mgr)
		return;
	if (mgr->by_spi) {
		size_t n = 0;
		struct ike_sa **all = ike_mgr_collect(mgr, &n);

		for (size_t i = 0; all && i < n; i++)
			ike_sa_destroy(all[i]);
		free(all);
		qb_map_destroy(mgr->by_spi);
	}
	if (mgr->half_open)
		qb_map_destroy(mgr->half_open);
	cfg_snap_unref(mgr->snap);
	for (size_t i = 0; i < ARRAY_SIZE(mgr->dh_cache); i++)
		crypto_dh_free(mgr->dh_cache[i]);
	free(mgr->buf);
	if (mgr->plain)
		OPENSSL_cleanse(mgr->plain, IKE_MAX_MSG);
	free(mgr->plain);
	free(mgr);
}

void ike_mgr_set_config(struct ike_mgr *mgr, struct config *cfg)
{
	struct cfg_snap *snap = calloc(1, sizeof(*snap));

	if (!snap) {
		/* keep the old one rather than run without */
		config_free(cfg);
		log_cfg(LOG_ERR, "out of memory installing the new configuration");
		return;
	}
	snap->cfg = cfg;
	snap->refs = 1;
	cfg_snap_unref(mgr->snap);
	mgr->snap = snap;
}

void ike_mgr_set_creds(struct ike_mgr *mgr, struct cred_store *creds)
{
	mgr->deps.creds = creds;
}

const struct config *ike_mgr_config(const struct ike_mgr *mgr)
{
	return mgr->snap ? mgr->snap->cfg : NULL;
}

int ike_mgr_subscribe(struct ike_mgr *mgr, ike_event_fn fn, void *ctx)
{
	if (mgr->n_subs == IKE_MAX_SUBSCRIBERS)
		return -ENOSPC;
	mgr->subs[mgr->n_subs].fn = fn;
	mgr->subs[mgr->n_subs].ctx = ctx;
	mgr->n_subs++;
	return 0;
}

void ike_mgr_emit(struct ike_mgr *mgr, enum ike_event_type type, const struct ike_sa *sa,
		  const struct child_sa *child)
{
	struct ike_event ev = {
		.type = type,
		.ike_id = sa->id,
		.child_id = child ? child->id : 0,
		.segment = sa->segment,
	};

	for (size_t i = 0; i < mgr->n_subs; i++)
		mgr->subs[i].fn(mgr->subs[i].ctx, &ev);
}

int ike_mgr_send(struct ike_mgr *mgr, struct ike_sa *sa, const uint8_t *data, size_t len)
{
	int rc = mgr->deps.send(mgr->deps.send_ctx, &sa->local, &sa->remote, data, len);

	if (rc) {
		mgr->stats.tx_errors++;
		ike_sa_log(sa, LOG_DEBUG, "sending %zu bytes failed: %s", len, strerror(-rc));
		return rc;
	}
	mgr->stats.tx++;
	return 0;
}

void ike_mgr_get_counts(const struct ike_mgr *mgr, struct ike_mgr_counts *c)
{
	c->ike_sas = mgr->n_sas;
	c->half_open = mgr->n_half_open;
	c->established = mgr->n_established;
	c->child_sas = mgr->n_children;
}

void ike_mgr_count_by_segment(const struct ike_mgr *mgr, uint32_t counts[64])
{
	qb_map_iter_t *it;
	void *data;

	memset(counts, 0, 64 * sizeof(*counts));
	it = qb_map_iter_create(mgr->by_spi);
	if (!it)
		return;
	while (qb_map_iter_next(it, &data)) {
		const struct ike_sa *sa = data;

		if (sa->segment < 64)
			counts[sa->segment]++;
	}
	qb_map_iter_free(it);
}

void ike_mgr_kernel_event(struct ike_mgr *mgr, const struct kernel_event *ev)
{
	qb_map_iter_t *it;
	struct ike_sa *sa, *owner = NULL;
	struct child_sa *child = NULL;
	void *data;

	if (!mgr || !ev || ev->type == KERNEL_EV_ACQUIRE)
		return; /* no trap policies are installed */
	it = qb_map_iter_create(mgr->by_spi);
	if (!it)
		return;
	/* the walk goes to the end: a libqb iterator holds its node until it moves on */
	while (qb_map_iter_next(it, &data)) {
		struct child_sa *c;

		sa = data;
		if (child)
			continue;
		c = child_sa_by_spi_in(sa, ev->spi);
		if (!c)
			c = child_sa_by_spi_out(sa, ev->spi);
		if (c) {
			child = c;
			owner = sa;
		}
	}
	qb_map_iter_free(it);
	if (!child)
		return;
	if (ev->type == KERNEL_EV_EXPIRE_SOFT) {
		/* rekeying needs CREATE_CHILD_SA, which is not there yet: the hard limit will end it */
		ike_sa_log(owner, LOG_INFO, "CHILD_SA %08x/%08x reached its soft lifetime",
			   child->spi_in, child->spi_out);
		return;
	}
	if (ev->spi == child->spi_in)
		child->installed_in = false; /* the data plane removed it already */
	else
		child->installed_out = false;
	ike_sa_log(owner, LOG_NOTICE, "CHILD_SA %08x/%08x reached its hard lifetime: deleting",
		   child->spi_in, child->spi_out);
	ike_sa_queue(owner, IKE_TASK_DELETE_CHILD, child->spi_in);
	ike_sa_run_queue(owner);
}

static struct ike_sa *find_sa(struct ike_mgr *mgr, const uint8_t spi[8])
{
	char key[17];

	hex_encode(spi, 8, key);
	return qb_map_get(mgr->by_spi, key);
}

static bool spi_is_zero(const uint8_t spi[8])
{
	static const uint8_t zero[8];

	return !memcmp(spi, zero, 8);
}

/*
 * RFC 7296 §2.23: behind a NAT, the peer's address and port are what its
 * latest authentic message came from (and it floats to the NAT-T port).
 */
static void ike_sa_follow_peer(struct ike_sa *sa, const struct ike_dgram *dg)
{
	if (net_addr_equal(&sa->remote, &dg->remote) && net_addr_equal(&sa->local, &dg->local))
		return;
	if (!sa->nat_local && !sa->nat_remote && sa->state != IKE_SA_CONNECTING)
		return;
	sa->remote = dg->remote;
	sa->local = dg->local;
	sa->natt = ntohs(((const struct sockaddr_in *)&dg->local)->sin_port) ==
		   sa->mgr->deps.port_natt;
	ike_mgr_emit(sa->mgr, IKE_EV_IKE_UPDATE, sa, NULL);
}

/* A request of the peer for an SA we know. */
static void dispatch_request(struct ike_sa *sa, const struct ike_dgram *dg, const struct ike_hdr *hdr)
{
	struct ike_mgr *mgr = sa->mgr;
	struct ike_msg *msg = NULL;

	if (sa->have_last_resp && hdr->msgid + 1 == sa->msgid_in) {
		/* RFC 7296 §2.1: a retransmitted request gets the same response again */
		mgr->stats.rx_retransmit++;
		ike_sa_log(sa, LOG_DEBUG, "retransmitting response to request %" PRIu32,
			   hdr->msgid);
		ike_mgr_send(mgr, sa, sa->last_resp, sa->last_resp_len);
		return;
	}
	if (hdr->msgid != sa->msgid_in) {
		mgr->stats.rx_bad_msgid++;
		ike_sa_log(sa, LOG_DEBUG, "request with message ID %" PRIu32 ", expected %" PRIu32
			   ", dropped", hdr->msgid, sa->msgid_in);
		return;
	}
	if (ike_sa_open(sa, dg, &msg))
		return;
	sa->last_rx = ike_now_ms();
	ike_sa_follow_peer(sa, dg);
	switch (hdr->exchange) {
	case IKE_EXCH_IKE_AUTH:
		if (!sa->initiator && sa->state == IKE_SA_CONNECTING)
			ike_auth_respond(sa, msg);
		else
			ike_sa_log(sa, LOG_DEBUG, "IKE_AUTH request in state %s, dropped",
				   ike_sa_state_name(sa->state));
		break;
	case IKE_EXCH_INFORMATIONAL:
		ike_info_respond(sa, msg);
		break;
	case IKE_EXCH_CREATE_CHILD_SA: {
		/* rekeying and more CHILD_SAs come with a later issue */
		struct ike_pld n = ike_notify_pld(IKE_N_NO_ADDITIONAL_SAS, NULL, 0);

		if (sa->state == IKE_SA_ESTABLISHED)
			ike_sa_send_response(sa, IKE_EXCH_CREATE_CHILD_SA, hdr->msgid, &n, 1);
		break;
	}
	default:
		ike_sa_log(sa, LOG_DEBUG, "%s request not handled", ike_exchange_name(hdr->exchange));
		break;
	}
	ike_msg_free(msg);
	if (sa->state == IKE_SA_DESTROYING)
		ike_sa_destroy(sa);
}

static void dispatch_response(struct ike_sa *sa, const struct ike_dgram *dg, const struct ike_hdr *hdr)
{
	struct ike_mgr *mgr = sa->mgr;
	struct ike_msg *msg = NULL;
	ike_resp_fn handler = sa->req_handler;

	if (!sa->req || hdr->msgid != sa->req_msgid || hdr->exchange != sa->req_exchange) {
		mgr->stats.rx_bad_msgid++;
		ike_sa_log(sa, LOG_DEBUG, "unexpected response %" PRIu32 ", dropped", hdr->msgid);
		return;
	}
	if (ike_sa_open(sa, dg, &msg))
		return;
	sa->last_rx = ike_now_ms();
	ike_sa_request_done(sa);
	sa->rx_raw = dg->data;
	sa->rx_raw_len = dg->len;
	handler(sa, msg);
	sa->rx_raw = NULL;
	ike_msg_free(msg);
	if (sa->state == IKE_SA_DESTROYING) {
		ike_sa_destroy(sa);
		return;
	}
	ike_sa_run_queue(sa);
}

static void dispatch_init_response(struct ike_sa *sa, const struct ike_dgram *dg,
				   const struct ike_hdr *hdr)
{
	struct ike_mgr *mgr = sa->mgr;
	struct ike_msg *msg = NULL;
	struct ike_msg_err err = { 0 };
	ike_resp_fn handler = sa->req_handler;

	if (!sa->initiator || sa->state != IKE_SA_CONNECTING || !sa->req || hdr->msgid != 0) {
		mgr->stats.rx_bad_msgid++;
		return;
	}
	if (ike_msg_parse(dg->data, dg->len, &msg, &err) ||
	    ike_rules_check(msg, IKE_RULES_FULL, &err)) {
		mgr->stats.rx_bad_parse++;
		ike_sa_log(sa, LOG_DEBUG, "bad IKE_SA_INIT response: %s (%s)",
			   ike_msg_err_name(err.code), err.detail ? err.detail : "");
		ike_msg_free(msg);
		return;
	}
	/* the response tells where the peer answered from; keep talking to it there */
	sa->last_rx = ike_now_ms();
	ike_sa_request_done(sa);
	sa->rx_raw = dg->data;
	sa->rx_raw_len = dg->len;
	handler(sa, msg);
	sa->rx_raw = NULL;
	ike_msg_free(msg);
	if (sa->state == IKE_SA_DESTROYING)
		ike_sa_destroy(sa);
	else
		ike_sa_run_queue(sa);
}

void ike_mgr_receive(struct ike_mgr *mgr, const struct ike_dgram *dg)
{
	struct ike_hdr hdr;
	struct ike_msg_err err = { 0 };
	struct ike_sa *sa;
	bool response;

	mgr->stats.rx++;
	if (ike_msg_parse_hdr(dg->data, dg->len, &hdr, &err) || hdr.major != 2) {
		mgr->stats.rx_bad_hdr++;
		return;
	}
	response = hdr.flags & IKE_HDR_F_RESPONSE;
	if (hdr.exchange == IKE_EXCH_IKE_SA_INIT && !response) {
		struct ike_msg *msg = NULL;

		if (!spi_is_zero(hdr.spi_r) || hdr.msgid != 0 || !(hdr.flags & IKE_HDR_F_INITIATOR)) {
			mgr->stats.rx_bad_hdr++;
			return;
		}
		if (ike_msg_parse(dg->data, dg->len, &msg, &err) ||
		    ike_rules_check(msg, IKE_RULES_FULL, &err)) {
			mgr->stats.rx_bad_parse++;
			log_ike(LOG_DEBUG, "bad IKE_SA_INIT request: %s (%s)",
				ike_msg_err_name(err.code), err.detail ? err.detail : "");
			ike_msg_free(msg);
			return;
		}
		ike_init_respond(mgr, dg, msg);
		ike_msg_free(msg);
		return;
	}
	/* the SPI we chose names the SA: the responder's if the sender is the initiator */
	sa = find_sa(mgr, (hdr.flags & IKE_HDR_F_INITIATOR) ? hdr.spi_r : hdr.spi_i);
	if (!sa || (sa->initiator == !!(hdr.flags & IKE_HDR_F_INITIATOR))) {
		mgr->stats.rx_no_sa++;
		log_ike(LOG_DEBUG, "%s %s for an unknown IKE_SA, dropped",
			ike_exchange_name(hdr.exchange), response ? "response" : "request");
		return;
	}
	if (sa->ha_passive)
		return;
	if (hdr.exchange == IKE_EXCH_IKE_SA_INIT) {
		if (response && memcmp(sa->spi_i, hdr.spi_i, 8) == 0)
			dispatch_init_response(sa, dg, &hdr);
		return;
	}
	/* the other SPI must match too once both are known */
	if (memcmp(sa->spi_i, hdr.spi_i, 8) || memcmp(sa->spi_r, hdr.spi_r, 8)) {
		mgr->stats.rx_no_sa++;
		return;
	}
	if (response)
		dispatch_response(sa, dg, &hdr);
	else
		dispatch_request(sa, dg, &hdr);
}

static const struct conn_cfg *find_conn(const struct config *cfg, const char *conn, const char *child,
					const struct child_cfg **child_out)
{
	*child_out = NULL;
	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct conn_cfg *c = &cfg->conns[i];

		if (conn && strcmp(c->name, conn))
			continue;
		if (!child) {
			if (conn) {
				*child_out = c->n_children ? &c->children[0] : NULL;
				return c;
			}
			continue;
		}
		for (size_t j = 0; j < c->n_children; j++) {
			if (!strcmp(c->children[j].name, child)) {
				*child_out = &c->children[j];
				return c;
			}
		}
	}
	return NULL;
}

/* The first usable address of a list: an IP, or a name resolved now. */
static int pick_addr(const struct config_addr_list *l, int family, uint16_t port,
		     struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < l->count; i++) {
		const struct config_addr *a = &l->items[i];

		if (family && a->family && a->family != family)
			continue;
		if (a->kind == CONFIG_ADDR_IP) {
			if (a->family == AF_INET) {
				struct sockaddr_in *s = (struct sockaddr_in *)out;

				s->sin_family = AF_INET;
				memcpy(&s->sin_addr, a->from, 4);
				s->sin_port = htons(port);
			} else {
				struct sockaddr_in6 *s = (struct sockaddr_in6 *)out;

				s->sin6_family = AF_INET6;
				memcpy(&s->sin6_addr, a->from, 16);
				s->sin6_port = htons(port);
			}
			return 0;
		}
		if (a->kind == CONFIG_ADDR_FQDN && a->text) {
			struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_DGRAM };
			struct addrinfo *res = NULL;

			if (getaddrinfo(a->text, NULL, &hints, &res) || !res)
				continue;
			memcpy(out, res->ai_addr, res->ai_addrlen);
			freeaddrinfo(res);
			if (out->ss_family == AF_INET)
				((struct sockaddr_in *)out)->sin_port = htons(port);
			else
				((struct sockaddr_in6 *)out)->sin6_port = htons(port);
			return 0;
		}
	}
	return -ENOENT;
}

/* The source address the kernel would use towards remote (no packet is sent). */
static int route_source(const struct sockaddr_storage *remote, uint16_t port,
			struct sockaddr_storage *out)
{
	socklen_t len = sizeof(*out);
	int fd = socket(remote->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)remote,
		    remote->ss_family == AF_INET ? sizeof(struct sockaddr_in)
						 : sizeof(struct sockaddr_in6)) ||
	    getsockname(fd, (struct sockaddr *)out, &len))
		rc = -errno;
	close(fd);
	if (!rc) {
		if (out->ss_family == AF_INET)
			((struct sockaddr_in *)out)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)out)->sin6_port = htons(port);
	}
	return rc;
}

int ike_mgr_initiate(struct ike_mgr *mgr, const char *conn, const char *child, uint64_t *id)
{
	const struct config *cfg = ike_mgr_config(mgr);
	const struct conn_cfg *c;
	const struct child_cfg *ch;
	struct ike_sa *sa;
	int rc;

	if (!cfg)
		return -ENOENT;
	c = find_conn(cfg, conn, child, &ch);
	if (!c)
		return -ENOENT;
	rc = ike_sa_new(mgr, true, &sa);
	if (rc)
		return rc;
	ike_sa_set_conn(sa, mgr->snap, c);
	sa->child_name = ch ? ch->name : NULL;
	rc = pick_addr(&c->remote_addrs, 0, c->remote_port ? c->remote_port : 500, &sa->remote);
	if (!rc && pick_addr(&c->local_addrs, sa->remote.ss_family, c->local_port, &sa->local))
		rc = route_source(&sa->remote, c->local_port, &sa->local);
	if (rc) {
		log_ike(LOG_ERR, "connection '%s': no usable remote address to initiate to", c->name);
		ike_sa_destroy(sa);
		return -EINVAL;
	}
	rc = ike_init_start(sa);
	if (rc) {
		ike_sa_destroy(sa);
		return rc;
	}
	if (id)
		*id = sa->id;
	return 0;
}

int ike_mgr_terminate(struct ike_mgr *mgr, const char *name_or_id, size_t *n)
{
	qb_map_iter_t *it = qb_map_iter_create(mgr->by_spi);
	char *end = NULL;
	unsigned long long want = strtoull(name_or_id, &end, 10);
	bool by_id = end && end != name_or_id && !*end;
	struct ike_sa *hits[256];
	size_t count = 0;
	void *data;

	if (!it)
		return -ENOMEM;
	while (qb_map_iter_next(it, &data)) {
		struct ike_sa *sa = data;

		if (count < ARRAY_SIZE(hits) &&
		    (by_id ? sa->id == want : (sa->conn && !strcmp(sa->conn->name, name_or_id))))
			hits[count++] = sa;
	}
	qb_map_iter_free(it);
	for (size_t i = 0; i < count; i++) {
		struct ike_sa *sa = hits[i];

		if (sa->state == IKE_SA_ESTABLISHED) {
			ike_sa_queue(sa, IKE_TASK_DELETE_IKE, 0);
			ike_sa_run_queue(sa);
		} else if (sa->state != IKE_SA_DELETING) {
			ike_sa_log(sa, LOG_NOTICE, "terminated before it was established");
			ike_sa_destroy(sa);
		}
	}
	if (n)
		*n = count;
	return count ? 0 : -ENOENT;
}

bool ike_mgr_has_contact(const struct ike_mgr *mgr, const struct ike_sa *self)
{
	size_t n = 0;
	struct ike_sa **all = ike_mgr_collect(mgr, &n);
	bool found = false;

	for (size_t i = 0; all && i < n && !found; i++) {
		const struct ike_sa *o = all[i];

		found = o != self && o->state <= IKE_SA_ESTABLISHED &&
			ike_id_equal(&o->id_local, &self->id_local) &&
			ike_id_equal(&o->id_remote, &self->id_remote);
	}
	free(all);
	return found;
}

void ike_mgr_drop_contacts(struct ike_mgr *mgr, const struct ike_sa *self)
{
	size_t n = 0, dropped = 0;
	struct ike_sa **all = ike_mgr_collect(mgr, &n);

	for (size_t i = 0; all && i < n; i++) {
		struct ike_sa *o = all[i];

		if (o == self || o->state < IKE_SA_ESTABLISHED || o->state == IKE_SA_DESTROYING ||
		    !ike_id_equal(&o->id_local, &self->id_local) ||
		    !ike_id_equal(&o->id_remote, &self->id_remote))
			continue;
		ike_sa_log(o, LOG_NOTICE, "replaced: the peer sent INITIAL_CONTACT on a new IKE_SA");
		ike_sa_destroy(o);
		dropped++;
	}
	free(all);
	if (dropped)
		mgr->stats.ike_replaced += dropped;
}

const char *ike_mgr_sa_state(const struct ike_mgr *mgr, uint64_t id)
{
	qb_map_iter_t *it = qb_map_iter_create(mgr->by_spi);
	const char *state = NULL;
	void *data;

	if (!it)
		return NULL;
	while (qb_map_iter_next(it, &data)) {
		const struct ike_sa *sa = data;

		if (sa->id == id)
			state = ike_sa_state_name(sa->state);
	}
	qb_map_iter_free(it);
	return state;
}
