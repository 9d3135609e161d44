/*
 * IKE_SA_INIT (RFC 7296 §1.2, §2.6, §2.23): proposal selection, key
 * exchange, nonces, NAT detection; responder and initiator.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/workpool.h"
#include "ikenode/auth.h"
#include "ikenode/cred.h"
#include "ikenode/crypto_dh.h"
#include "ikenode/ike_sa_int.h"
#include "ikenode/natd.h"

/* How many times an initiator restarts on INVALID_KE_PAYLOAD or COOKIE. */
#define INIT_MAX_RESTARTS 3

static void addr_key(const uint8_t spi_i[8], const struct sockaddr_storage *sa, char *out,
		     size_t len)
{
	char spi[17], addr[40];
	const uint8_t *a;
	size_t alen;

	hex_encode(spi_i, 8, spi);
	if (sa->ss_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		alen = 4;
	} else {
		a = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		alen = 16;
	}
	hex_encode(a, alen, addr);
	snprintf(out, len, "%s-%s-%u", spi, addr,
		 sa->ss_family == AF_INET ? ntohs(((const struct sockaddr_in *)sa)->sin_port)
					  : ntohs(((const struct sockaddr_in6 *)sa)->sin6_port));
}

/* Our IKE proposals of a connection: every listed string, `default` as two. */
static int conn_proposals(const struct conn_cfg *conn, struct proposal *out, size_t cap, size_t *n)
{
	char err[128];
	size_t total = 0;

	if (!conn->proposals.count)
		return proposal_list_parse(IKE_PROTO_IKE, "default", out, cap, n, err, sizeof(err));
	for (size_t i = 0; i < conn->proposals.count; i++) {
		size_t got = 0;
		int rc = proposal_list_parse(IKE_PROTO_IKE, conn->proposals.items[i], out + total,
					     cap - total, &got, err, sizeof(err));

		if (rc)
			return rc;
		total += got;
	}
	*n = total;
	return 0;
}

static bool addr_matches(const struct config_addr_list *l, const struct sockaddr_storage *sa)
{
	return config_addr_list_matches(l, (const struct sockaddr *)sa);
}

void ike_init_natd_plds(const uint8_t spi_i[8], const uint8_t spi_r[8],
			const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
			uint8_t hash_src[20], uint8_t hash_dst[20], struct ike_pld *plds)
{
	if (natd_hash(spi_i, spi_r, src, hash_src) || natd_hash(spi_i, spi_r, dst, hash_dst)) {
		/* cannot happen for AF_INET/AF_INET6; an all-zero hash only claims a NAT */
		memset(hash_src, 0, 20);
		memset(hash_dst, 0, 20);
	}
	plds[0] = ike_notify_pld(IKE_N_NAT_DETECTION_SOURCE_IP, hash_src, 20);
	plds[1] = ike_notify_pld(IKE_N_NAT_DETECTION_DESTINATION_IP, hash_dst, 20);
}

/*
 * Evaluates the peer's NAT_DETECTION notifies of msg (whose header SPIs they
 * hash): the peer is behind a NAT when none of its source hashes matches its
 * address as we see it; we are when its destination hash does not match ours.
 */
static void natd_check(struct ike_sa *sa, const struct ike_msg *msg)
{
	const struct ike_pld *p = NULL;
	bool have_src = false, have_dst = false, src_ok = false, dst_ok = false;
	uint8_t h_remote[20], h_local[20];

	if (natd_hash(msg->hdr.spi_i, msg->hdr.spi_r, &sa->remote, h_remote) ||
	    natd_hash(msg->hdr.spi_i, msg->hdr.spi_r, &sa->local, h_local))
		return;
	while ((p = ike_msg_find(msg, IKE_PLD_NOTIFY, p))) {
		const struct ike_pld_notify *n = &p->u.notify;

		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			have_src = true;
			src_ok |= n->len == 20 && !memcmp(n->data, h_remote, 20);
		} else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			have_dst = true;
			dst_ok |= n->len == 20 && !memcmp(n->data, h_local, 20);
		}
	}
	if (!have_src || !have_dst)
		return;
	sa->nat_remote = !src_ok;
	/* encap = yes: we claim to be behind a NAT (our faked source hash), so we act as if */
	sa->nat_local = !dst_ok || (sa->conn && sa->conn->encap);
}

/* encap = yes, as strongSwan: a random source hash makes the peer see a NAT. */
static void natd_fake(const struct ike_sa *sa, uint8_t hash_src[20])
{
	if (sa->conn && sa->conn->encap && RAND_bytes(hash_src, 20) != 1)
		memset(hash_src, 0, 20);
}

static int dup_bytes(uint8_t **dst, size_t *dst_len, const uint8_t *src, size_t len)
{
	free(*dst);
	*dst = malloc(len ? len : 1);
	if (!*dst)
		return -ENOMEM;
	memcpy(*dst, src, len);
	*dst_len = len;
	return 0;
}

static void remember_sig_hashes(struct ike_sa *sa, const struct ike_msg *msg)
{
	const struct ike_pld *p = ike_msg_find_notify(msg, IKE_N_SIGNATURE_HASH_ALGORITHMS);

	if (p && dup_bytes(&sa->peer_sig_hashes, &sa->peer_sig_hashes_len, p->u.notify.data,
			   p->u.notify.len))
		sa->peer_sig_hashes_len = 0;
}

/* An unencrypted error response to an IKE_SA_INIT request; no state is kept. */
static void init_error(struct ike_mgr *mgr, const struct ike_dgram *dg, const struct ike_msg *req,
		       uint16_t type, const uint8_t *data, size_t len)
{
	struct ike_pld n = ike_notify_pld(type, data, len);
	struct ike_msg m = { .plds = &n, .n_plds = 1 };
	struct wbuf w = wbuf_init(mgr->buf, IKE_MAX_MSG);

	memcpy(m.hdr.spi_i, req->hdr.spi_i, 8);
	m.hdr.major = 2;
	m.hdr.exchange = IKE_EXCH_IKE_SA_INIT;
	m.hdr.flags = IKE_HDR_F_RESPONSE;
	if (ike_msg_gen(&m, &w) == 0 &&
	    mgr->deps.send(mgr->deps.send_ctx, &dg->local, &dg->remote, w.ptr, w.len) == 0)
		mgr->stats.tx++;
}

/* The same for a request whose SA exists already (its KE turned out invalid). */
static void init_error_sa(struct ike_sa *sa, uint16_t type)
{
	struct ike_dgram dg = { .local = sa->local, .remote = sa->remote };
	struct ike_msg req = { 0 };

	memcpy(req.hdr.spi_i, sa->spi_i, 8);
	init_error(sa->mgr, &dg, &req, type, NULL, 0);
}

static void half_open_timer(void *data)
{
	struct ike_sa *sa = data;

	sa->half_open_timer_on = false;
	ike_sa_log(sa, LOG_INFO, "half-open IKE_SA timed out in state %s",
		   ike_sa_state_name(sa->state));
	ike_sa_destroy(sa);
}

static void start_half_open_timer(struct ike_sa *sa)
{
	uint64_t ms = sa->mgr->deps.timing.half_open_timeout_ms;

	if (!ms || sa->half_open_timer_on)
		return;
	if (qb_loop_timer_add(sa->mgr->deps.loop, QB_LOOP_MED, ms * 1000000ull, sa,
			      half_open_timer, &sa->half_open_timer) == 0)
		sa->half_open_timer_on = true;
}

/* Our response payloads, with the storage they point into. */
struct init_resp_store {
	struct proposal_ike prop;
	struct ike_pld plds[10];
	uint8_t natd_src[20], natd_dst[20];
	uint8_t sig_hashes[16];
	uint8_t *certreq;
};

static int send_init_response(struct ike_sa *sa)
{
	struct ike_mgr *mgr = sa->mgr;
	struct init_resp_store *st = calloc(1, sizeof(*st));
	struct ike_msg m = { 0 };
	struct wbuf w = wbuf_init(mgr->buf, IKE_MAX_MSG);
	size_t n = 0, dh_len = 0, hlen = 0, creq_len = 0;
	const uint8_t *pub = crypto_dh_public(sa->dh, &dh_len);
	int rc;

	if (!st)
		return -ENOMEM;
	rc = proposal_to_ike(&sa->proposal, sa->proposal.num, &st->prop);
	if (rc)
		goto out;
	st->plds[n].type = IKE_PLD_SA;
	st->plds[n].u.sa.proposals = &st->prop.prop;
	st->plds[n++].u.sa.n_proposals = 1;
	st->plds[n].type = IKE_PLD_KE;
	st->plds[n].u.ke.group = sa->dh_group;
	st->plds[n].u.ke.data = pub;
	st->plds[n++].u.ke.len = dh_len;
	st->plds[n].type = IKE_PLD_NONCE;
	st->plds[n].u.nonce.data = sa->nonce_r;
	st->plds[n++].u.nonce.len = sa->nonce_r_len;
	ike_init_natd_plds(sa->spi_i, sa->spi_r, &sa->local, &sa->remote, st->natd_src,
			   st->natd_dst, &st->plds[n]);
	natd_fake(sa, st->natd_src);
	n += 2;
	if (sa->mgr->deps.creds && sa->conn->n_remote &&
	    sa->conn->remote[0].class_ == CONFIG_AUTH_PUBKEY &&
	    cred_certreq_hashes(sa->mgr->deps.creds, &st->certreq, &creq_len) == 0 && creq_len) {
		st->plds[n].type = IKE_PLD_CERTREQ;
		st->plds[n].u.cert.encoding = IKE_CERT_X509_SIG;
		st->plds[n].u.cert.data = st->certreq;
		st->plds[n++].u.cert.len = creq_len;
	}
	if (auth_sig_hash_notify(st->sig_hashes, sizeof(st->sig_hashes), &hlen) == 0)
		st->plds[n++] = ike_notify_pld(IKE_N_SIGNATURE_HASH_ALGORITHMS, st->sig_hashes,
					       hlen);
	memcpy(m.hdr.spi_i, sa->spi_i, 8);
	memcpy(m.hdr.spi_r, sa->spi_r, 8);
	m.hdr.major = 2;
	m.hdr.exchange = IKE_EXCH_IKE_SA_INIT;
	m.hdr.flags = IKE_HDR_F_RESPONSE;
	m.plds = st->plds;
	m.n_plds = n;
	rc = ike_msg_gen(&m, &w);
	if (rc == 0)
		rc = dup_bytes(&sa->init_resp, &sa->init_resp_len, w.ptr, w.len);
	if (rc == 0)
		ike_mgr_send(mgr, sa, sa->init_resp, sa->init_resp_len);
out:
	free(st->certreq);
	free(st);
	return rc;
}

/* The first connection for these addresses whose proposals match the peer's. */
static const struct conn_cfg *select_conn(struct ike_mgr *mgr, const struct ike_dgram *dg,
					  const struct ike_pld_sa *peer, uint16_t ke_group,
					  struct proposal *sel, bool *addr_match)
{
	const struct config *cfg = ike_mgr_config(mgr);
	struct proposal *ours = calloc(PROPOSAL_MAX, sizeof(*ours));
	const struct conn_cfg *found = NULL;

	*addr_match = false;
	if (!cfg || !ours) {
		free(ours);
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_conns && !found; i++) {
		const struct conn_cfg *c = &cfg->conns[i];
		size_t n = 0;

		if (!addr_matches(&c->local_addrs, &dg->local) ||
		    !addr_matches(&c->remote_addrs, &dg->remote))
			continue;
		*addr_match = true;
		if (conn_proposals(c, ours, PROPOSAL_MAX, &n))
			continue;
		if (proposal_select(ours, n, peer->proposals, peer->n_proposals, ke_group, sel) == 0)
			found = c;
	}
	free(ours);
	return found;
}

static int new_spi_r(struct ike_mgr *mgr, struct ike_sa *sa)
{
	char key[17];
	int rc;

	do {
		rc = ike_random(sa->spi_r, 8);
		hex_encode(sa->spi_r, 8, key);
	} while (!rc && qb_map_get(mgr->by_spi, key));
	return rc;
}

/*
 * The responder's part after its key exchange: keys, the response. rc is
 * the key exchange's result; an invalid KE value is answered with
 * INVALID_SYNTAX. Returns non-zero when the SA must go.
 */
static int finish_init(struct ike_sa *sa, const struct secret *gir, int rc)
{
	if (rc == -EPROTO || rc == -EBADMSG) {
		ike_sa_log(sa, LOG_INFO, "invalid KE public value, answering INVALID_SYNTAX");
		init_error_sa(sa, IKE_N_INVALID_SYNTAX);
		return rc;
	}
	if (rc == 0)
		rc = ike_sa_derive_keys(sa, gir);
	if (rc == 0)
		rc = send_init_response(sa);
	if (rc == 0)
		ike_sa_log(sa, LOG_INFO, "IKE_SA_INIT answered (%s)%s%s", sa->proposal_str,
			   sa->nat_remote ? ", peer behind NAT" : "",
			   sa->nat_local ? ", we are behind NAT" : "");
	return rc;
}

static int dh_inline(struct ike_sa *sa, const uint8_t *peer, size_t len)
{
	struct secret gir = { 0 };
	int rc = crypto_dh_new(&sa->dh, sa->mgr->deps.groups, sa->dh_group);

	if (rc == 0)
		rc = crypto_dh_derive(sa->dh, peer, len, &gir);
	rc = finish_init(sa, &gir, rc);
	secret_free(&gir);
	return rc;
}

/*
 * The key exchange as a worker-pool job (DESIGN.md §3): it carries copies of
 * its inputs and names its SA by SPI and id, so an SA that went meanwhile is
 * simply not found when the result comes back.
 */
struct dh_job {
	struct ike_mgr *mgr;
	const struct crypto_dh_groups *groups;
	char key[17];
	uint64_t sa_id;
	uint16_t group;
	uint8_t peer[IKE_MAX_KE];
	size_t peer_len;
	struct crypto_dh *dh;
	struct secret gir;
};

static int dh_work(void *arg)
{
	struct dh_job *j = arg;
	int rc = crypto_dh_new(&j->dh, j->groups, j->group);

	if (rc == 0)
		rc = crypto_dh_derive(j->dh, j->peer, j->peer_len, &j->gir);
	return rc;
}

static void dh_done(void *arg, int status)
{
	struct dh_job *j = arg;
	struct ike_sa *sa = qb_map_get(j->mgr->by_spi, j->key);

	j->mgr->dh_jobs--;
	if (sa && sa->id == j->sa_id && sa->state == IKE_SA_CONNECTING && !sa->dh) {
		sa->dh = j->dh;
		j->dh = NULL;
		if (finish_init(sa, &j->gir, status)) {
			ike_sa_log(sa, LOG_INFO, "IKE_SA_INIT failed");
			ike_sa_destroy(sa);
		}
	}
	crypto_dh_free(j->dh);
	secret_free(&j->gir);
	free(j);
}

static int dh_submit(struct ike_sa *sa, const uint8_t *peer, size_t len)
{
	struct dh_job *j;
	int rc;

	if (len > IKE_MAX_KE)
		return -EBADMSG;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->mgr = sa->mgr;
	j->groups = sa->mgr->deps.groups;
	memcpy(j->key, sa->key, sizeof(j->key));
	j->sa_id = sa->id;
	j->group = sa->dh_group;
	memcpy(j->peer, peer, len);
	j->peer_len = len;
	rc = workpool_submit(sa->mgr->deps.workpool, dh_work, dh_done, j);
	if (rc) {
		free(j);
		/* a full queue: do it here rather than refuse the peer */
		return rc == -EAGAIN ? dh_inline(sa, peer, len) : rc;
	}
	sa->mgr->dh_jobs++;
	return 0;
}

void ike_init_respond(struct ike_mgr *mgr, const struct ike_dgram *dg, const struct ike_msg *msg)
{
	const struct ike_pld *sa_p = ike_msg_find(msg, IKE_PLD_SA, NULL);
	const struct ike_pld *ke_p = ike_msg_find(msg, IKE_PLD_KE, NULL);
	const struct ike_pld *ni_p = ike_msg_find(msg, IKE_PLD_NONCE, NULL);
	const struct conn_cfg *conn;
	struct proposal sel;
	struct ike_sa *sa;
	char hkey[64];
	bool addr_match;
	int rc;

	addr_key(msg->hdr.spi_i, &dg->remote, hkey, sizeof(hkey));
	sa = qb_map_get(mgr->half_open, hkey);
	if (sa) {
		/* RFC 7296 §2.1: answer a retransmitted IKE_SA_INIT with the same response */
		mgr->stats.rx_retransmit++;
		if (sa->init_resp)
			ike_mgr_send(mgr, sa, sa->init_resp, sa->init_resp_len);
		return;
	}
	if (!sa_p || !ke_p || !ni_p)
		return; /* the rules check guarantees them; an error notify carries none */
	if (mgr->deps.timing.half_open_limit && mgr->n_half_open >= mgr->deps.timing.half_open_limit) {
		mgr->stats.rx_half_open_limit++;
		log_ike(LOG_DEBUG, "half-open limit %u reached, IKE_SA_INIT dropped",
			mgr->deps.timing.half_open_limit);
		return;
	}
	conn = select_conn(mgr, dg, &sa_p->u.sa, ke_p->u.ke.group, &sel, &addr_match);
	if (!conn) {
		mgr->stats.init_no_proposal++;
		log_ike(LOG_INFO, "IKE_SA_INIT: %s, answering NO_PROPOSAL_CHOSEN",
			addr_match ? "no acceptable proposal" : "no connection for these addresses");
		init_error(mgr, dg, msg, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (proposal_dh_group(&sel) != ke_p->u.ke.group ||
	    !crypto_dh_groups_has(mgr->deps.groups, ke_p->u.ke.group)) {
		uint8_t group[2] = { (uint8_t)(proposal_dh_group(&sel) >> 8),
				     (uint8_t)proposal_dh_group(&sel) };

		mgr->stats.init_invalid_ke++;
		log_ike(LOG_INFO, "IKE_SA_INIT: KE group %u not acceptable, asking for %u",
			ke_p->u.ke.group, proposal_dh_group(&sel));
		init_error(mgr, dg, msg, IKE_N_INVALID_KE_PAYLOAD, group, sizeof(group));
		return;
	}
	if (ike_sa_new(mgr, false, &sa))
		return;
	memcpy(sa->spi_i, msg->hdr.spi_i, 8);
	sa->local = dg->local;
	sa->remote = dg->remote;
	sa->segment = ike_sa_segment_of(mgr, &dg->remote);
	sa->proposal = sel;
	sa->dh_group = ke_p->u.ke.group;
	sa->msgid_in = 1;
	ike_sa_set_conn(sa, mgr->snap, conn);
	rc = new_spi_r(mgr, sa);
	if (rc == 0)
		rc = ike_sa_register(sa);
	if (rc == 0) {
		snprintf(sa->half_key, sizeof(sa->half_key), "%s", hkey);
		qb_map_put(mgr->half_open, sa->half_key, sa);
		rc = dup_bytes(&sa->nonce_i, &sa->nonce_i_len, ni_p->u.nonce.data,
			       ni_p->u.nonce.len);
	}
	if (rc == 0) {
		sa->nonce_r = malloc(IKE_NONCE_LEN);
		sa->nonce_r_len = IKE_NONCE_LEN;
		rc = sa->nonce_r ? ike_random(sa->nonce_r, IKE_NONCE_LEN) : -ENOMEM;
	}
	if (rc == 0)
		rc = dup_bytes(&sa->init_req, &sa->init_req_len, dg->data, dg->len);
	if (rc == 0) {
		natd_check(sa, msg);
		remember_sig_hashes(sa, msg);
		if (proposal_to_str(&sa->proposal, sa->proposal_str, sizeof(sa->proposal_str)))
			sa->proposal_str[0] = '\0';
		start_half_open_timer(sa);
		if (mgr->deps.workpool)
			rc = dh_submit(sa, ke_p->u.ke.data, ke_p->u.ke.len);
		else
			rc = dh_inline(sa, ke_p->u.ke.data, ke_p->u.ke.len);
	}
	if (rc) {
		ike_sa_log(sa, LOG_INFO, "IKE_SA_INIT failed: %s", strerror(-rc));
		ike_sa_destroy(sa);
	}
}

/* ---- initiator ---- */

static void init_response(struct ike_sa *sa, const struct ike_msg *msg);

struct init_req_store {
	struct proposal props[PROPOSAL_MAX];
	struct proposal_ike ike[PROPOSAL_MAX];
	struct ike_proposal list[PROPOSAL_MAX];
	struct ike_pld plds[10];
	uint8_t natd_src[20], natd_dst[20];
	uint8_t sig_hashes[16];
};

/* A fresh key pair; a load generator reuses one per group (cheap, and allowed for tests only). */
static int initiator_dh(struct ike_sa *sa)
{
	struct ike_mgr *mgr = sa->mgr;
	struct crypto_dh **slot = NULL;

	if (!mgr->deps.load_generator)
		return crypto_dh_new(&sa->dh, mgr->deps.groups, sa->dh_group);
	for (size_t i = 0; i < ARRAY_SIZE(mgr->dh_cache) && !slot; i++)
		if (!mgr->dh_cache[i] || crypto_dh_group(mgr->dh_cache[i]) == sa->dh_group)
			slot = &mgr->dh_cache[i];
	if (!slot)
		return crypto_dh_new(&sa->dh, mgr->deps.groups, sa->dh_group);
	if (!*slot) {
		int rc = crypto_dh_new(slot, mgr->deps.groups, sa->dh_group);

		if (rc)
			return rc;
	}
	sa->dh = *slot;
	sa->dh_shared = true;
	return 0;
}

int ike_init_start(struct ike_sa *sa)
{
	struct init_req_store *st = calloc(1, sizeof(*st));
	struct ike_msg m = { 0 };
	size_t n_props = 0, n = 0, dh_len = 0, hlen = 0;
	const uint8_t *pub;
	int rc;

	if (!st)
		return -ENOMEM;
	rc = conn_proposals(sa->conn, st->props, PROPOSAL_MAX, &n_props);
	for (size_t i = 0; rc == 0 && i < n_props; i++) {
		rc = proposal_to_ike(&st->props[i], (uint8_t)(i + 1), &st->ike[i]);
		st->list[i] = st->ike[i].prop;
	}
	if (rc)
		goto out;
	if (!sa->dh_group)
		sa->dh_group = proposal_dh_group(&st->props[0]);
	if (!sa->dh_shared)
		crypto_dh_free(sa->dh);
	sa->dh = NULL;
	sa->dh_shared = false;
	rc = initiator_dh(sa);
	if (rc)
		goto out;
	if (!sa->nonce_i) {
		sa->nonce_i = malloc(IKE_NONCE_LEN);
		sa->nonce_i_len = IKE_NONCE_LEN;
		rc = sa->nonce_i ? ike_random(sa->nonce_i, IKE_NONCE_LEN) : -ENOMEM;
		if (rc)
			goto out;
	}
	sa->segment = ike_sa_segment_of(sa->mgr, &sa->remote);
	if (sa->cookie)
		st->plds[n++] = ike_notify_pld(IKE_N_COOKIE, sa->cookie, sa->cookie_len);
	st->plds[n].type = IKE_PLD_SA;
	st->plds[n].u.sa.proposals = st->list;
	st->plds[n++].u.sa.n_proposals = n_props;
	pub = crypto_dh_public(sa->dh, &dh_len);
	st->plds[n].type = IKE_PLD_KE;
	st->plds[n].u.ke.group = sa->dh_group;
	st->plds[n].u.ke.data = pub;
	st->plds[n++].u.ke.len = dh_len;
	st->plds[n].type = IKE_PLD_NONCE;
	st->plds[n].u.nonce.data = sa->nonce_i;
	st->plds[n++].u.nonce.len = sa->nonce_i_len;
	ike_init_natd_plds(sa->spi_i, sa->spi_r, &sa->local, &sa->remote, st->natd_src,
			   st->natd_dst, &st->plds[n]);
	natd_fake(sa, st->natd_src);
	n += 2;
	if (auth_sig_hash_notify(st->sig_hashes, sizeof(st->sig_hashes), &hlen) == 0)
		st->plds[n++] = ike_notify_pld(IKE_N_SIGNATURE_HASH_ALGORITHMS, st->sig_hashes,
					       hlen);
	memcpy(m.hdr.spi_i, sa->spi_i, 8);
	m.hdr.major = 2;
	m.hdr.exchange = IKE_EXCH_IKE_SA_INIT;
	m.hdr.flags = IKE_HDR_F_INITIATOR;
	m.plds = st->plds;
	m.n_plds = n;
	rc = ike_sa_send_plain_request(sa, &m, init_response, &sa->init_req, &sa->init_req_len);
	if (rc == 0) {
		sa->msgid_out = 1;
		start_half_open_timer(sa);
		ike_sa_log(sa, LOG_INFO, "initiating to %s", sa->conn->name);
	}
out:
	free(st);
	return rc;
}

static bool restart(struct ike_sa *sa, const char *why)
{
	if (++sa->init_retries > INIT_MAX_RESTARTS) {
		ike_sa_log(sa, LOG_NOTICE, "IKE_SA_INIT: %s again, giving up", why);
		return false;
	}
	if (ike_init_start(sa)) {
		ike_sa_log(sa, LOG_NOTICE, "IKE_SA_INIT: restart after %s failed", why);
		return false;
	}
	return true;
}

static void init_response(struct ike_sa *sa, const struct ike_msg *msg)
{
	struct ike_mgr *mgr = sa->mgr;
	const struct ike_pld *p;
	const struct ike_pld *sa_p = ike_msg_find(msg, IKE_PLD_SA, NULL);
	const struct ike_pld *ke_p = ike_msg_find(msg, IKE_PLD_KE, NULL);
	const struct ike_pld *nr_p = ike_msg_find(msg, IKE_PLD_NONCE, NULL);
	struct proposal *ours = NULL;
	struct secret gir = { 0 };
	size_t n_ours = 0;
	int rc;

	if ((p = ike_msg_find_notify(msg, IKE_N_COOKIE))) {
		if (dup_bytes(&sa->cookie, &sa->cookie_len, p->u.notify.data, p->u.notify.len) ||
		    !restart(sa, "COOKIE"))
			ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	if ((p = ike_msg_find_notify(msg, IKE_N_INVALID_KE_PAYLOAD))) {
		uint16_t group = p->u.notify.len == 2
					 ? (uint16_t)(p->u.notify.data[0] << 8 | p->u.notify.data[1])
					 : 0;

		ike_sa_log(sa, LOG_INFO, "peer asks for KE group %u", group);
		if (!group || group == sa->dh_group ||
		    !crypto_dh_groups_has(mgr->deps.groups, group)) {
			ike_sa_set_state(sa, IKE_SA_DESTROYING);
			return;
		}
		sa->dh_group = group;
		if (!restart(sa, "INVALID_KE_PAYLOAD"))
			ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	for (p = NULL; (p = ike_msg_find(msg, IKE_PLD_NOTIFY, p));) {
		if (p->u.notify.type < 16384) {
			ike_sa_log(sa, LOG_NOTICE, "IKE_SA_INIT failed: peer answered %s",
				   ike_notify_name(p->u.notify.type));
			ike_sa_set_state(sa, IKE_SA_DESTROYING);
			return;
		}
	}
	if (!sa_p || !ke_p || !nr_p || sa_p->u.sa.n_proposals != 1) {
		ike_sa_log(sa, LOG_NOTICE, "IKE_SA_INIT response incomplete");
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	ours = calloc(PROPOSAL_MAX, sizeof(*ours));
	rc = ours ? conn_proposals(sa->conn, ours, PROPOSAL_MAX, &n_ours) : -ENOMEM;
	/* the responder's choice must be one of ours, one transform per type */
	if (rc == 0)
		rc = proposal_select(ours, n_ours, sa_p->u.sa.proposals, 1, ke_p->u.ke.group,
				     &sa->proposal);
	free(ours);
	if (rc == 0 && (ke_p->u.ke.group != sa->dh_group ||
			proposal_dh_group(&sa->proposal) != sa->dh_group))
		rc = -EPROTO;
	if (rc) {
		ike_sa_log(sa, LOG_NOTICE, "IKE_SA_INIT response: proposal not acceptable");
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	memcpy(sa->spi_r, msg->hdr.spi_r, 8);
	rc = dup_bytes(&sa->nonce_r, &sa->nonce_r_len, nr_p->u.nonce.data, nr_p->u.nonce.len);
	if (rc == 0)
		rc = dup_bytes(&sa->init_resp, &sa->init_resp_len, sa->rx_raw, sa->rx_raw_len);
	if (rc == 0)
		rc = crypto_dh_derive(sa->dh, ke_p->u.ke.data, ke_p->u.ke.len, &gir);
	if (rc == 0)
		rc = ike_sa_derive_keys(sa, &gir);
	secret_free(&gir);
	if (rc) {
		ike_sa_log(sa, LOG_NOTICE, "IKE_SA_INIT response: key exchange failed: %s",
			   strerror(-rc));
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	natd_check(sa, msg);
	remember_sig_hashes(sa, msg);
	if (proposal_to_str(&sa->proposal, sa->proposal_str, sizeof(sa->proposal_str)))
		sa->proposal_str[0] = '\0';
	if (sa->nat_local || sa->nat_remote) {
		/* RFC 7296 §2.23: float to the NAT-T port */
		sa->natt = true;
		if (sa->local.ss_family == AF_INET) {
			((struct sockaddr_in *)&sa->local)->sin_port = htons(mgr->deps.port_natt);
			((struct sockaddr_in *)&sa->remote)->sin_port = htons(4500);
		} else {
			((struct sockaddr_in6 *)&sa->local)->sin6_port = htons(mgr->deps.port_natt);
			((struct sockaddr_in6 *)&sa->remote)->sin6_port = htons(4500);
		}
	}
	if (ike_auth_start(sa)) {
		ike_sa_log(sa, LOG_NOTICE, "cannot start IKE_AUTH");
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
	}
}
