/*
 * An IKE_SA's life: creation and registration, keys, message protection,
 * the request window with retransmission, the response cache, the task
 * queue and the liveness timers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/buf.h"
#include "common/log.h"
#include "ikenode/crypto_dh.h"
#include "ikenode/crypto_prf.h"
#include "ikenode/ike_rules.h"
#include "ikenode/ike_sa_int.h"
#include "ikenode/ike_sk.h"
#include "ikenode/keylog.h"
#include "segment/segment.h"

#define NSEC_PER_MS 1000000ull

static const char *const state_names[] = {
	[IKE_SA_CONNECTING] = "CONNECTING",
	[IKE_SA_AUTHENTICATING] = "AUTHENTICATING",
	[IKE_SA_ESTABLISHED] = "ESTABLISHED",
	[IKE_SA_DELETING] = "DELETING",
	[IKE_SA_DESTROYING] = "DESTROYING",
};

const char *ike_sa_state_name(enum ike_sa_state state)
{
	return (size_t)state < ARRAY_SIZE(state_names) ? state_names[state] : "?";
}

int ike_random(void *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

const uint8_t *ike_sa_local_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

void ike_sa_log(const struct ike_sa *sa, int prio, const char *fmt, ...)
{
	char msg[512], si[17], sr[17];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hex_encode(sa->spi_i, 8, si);
	hex_encode(sa->spi_r, 8, sr);
	log_ike(prio, "%s[%" PRIu64 "] %s_i %s_r: %s", sa->conn ? sa->conn->name : "-", sa->id, si,
		sr, msg);
}

struct ike_pld ike_notify_pld(uint16_t type, const uint8_t *data, size_t len)
{
	struct ike_pld p = { .type = IKE_PLD_NOTIFY };

	p.u.notify.type = type;
	p.u.notify.data = data;
	p.u.notify.len = len;
	return p;
}

size_t ike_id_body(const struct ike_id *id, uint8_t *buf, size_t cap)
{
	if (cap < 4 + id->len)
		return 0;
	buf[0] = id->type;
	buf[1] = buf[2] = buf[3] = 0;
	if (id->len)
		memcpy(buf + 4, id->data, id->len);
	return 4 + id->len;
}

int ike_sa_own_id(const struct ike_sa *sa, const struct config_auth *auth, struct ike_id *out)
{
	char addr[64];

	if (auth && auth->id)
		return ike_id_from_str(auth->id, out);
	/* strongSwan's default: our IP address (a certificate's subject is set by the caller) */
	if (sa->local.ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)&sa->local)->sin_addr, addr,
			  sizeof(addr));
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&sa->local)->sin6_addr, addr,
			  sizeof(addr));
	return ike_id_from_str(addr, out);
}

int ike_sa_new(struct ike_mgr *mgr, bool initiator, struct ike_sa **out)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return -ENOMEM;
	sa->mgr = mgr;
	sa->id = mgr->next_id++;
	sa->initiator = initiator;
	sa->state = IKE_SA_CONNECTING;
	sa->last_rx = ike_now_ms();
	mgr->n_sas++;
	mgr->n_half_open++;
	if (initiator) {
		int rc;

		do {
			rc = ike_random(sa->spi_i, 8);
			hex_encode(sa->spi_i, 8, sa->key);
		} while (!rc && qb_map_get(mgr->by_spi, sa->key));
		if (rc == 0)
			rc = ike_sa_register(sa);
		if (rc) {
			ike_sa_destroy(sa);
			return rc;
		}
	}
	*out = sa;
	return 0;
}

int ike_sa_register(struct ike_sa *sa)
{
	hex_encode(ike_sa_local_spi(sa), 8, sa->key);
	qb_map_put(sa->mgr->by_spi, sa->key, sa);
	return 0;
}

void ike_sa_set_conn(struct ike_sa *sa, struct cfg_snap *snap, const struct conn_cfg *conn)
{
	if (sa->snap != snap) {
		cfg_snap_unref(sa->snap);
		sa->snap = cfg_snap_ref(snap);
	}
	sa->conn = conn;
}

static void timer_stop(struct ike_sa *sa, qb_loop_timer_handle *h, bool *on)
{
	if (*on) {
		qb_loop_timer_del(sa->mgr->deps.loop, *h);
		*on = false;
	}
}

void ike_sa_set_state(struct ike_sa *sa, enum ike_sa_state state)
{
	struct ike_mgr *mgr = sa->mgr;

	if (sa->state == state)
		return;
	if (sa->state < IKE_SA_ESTABLISHED && state >= IKE_SA_ESTABLISHED) {
		mgr->n_half_open--;
		timer_stop(sa, &sa->half_open_timer, &sa->half_open_timer_on);
	}
	if (sa->state != IKE_SA_ESTABLISHED && state == IKE_SA_ESTABLISHED)
		mgr->n_established++;
	if (sa->state == IKE_SA_ESTABLISHED && state != IKE_SA_ESTABLISHED)
		mgr->n_established--;
	sa->state = state;
}

void ike_sa_destroy(struct ike_sa *sa)
{
	struct ike_mgr *mgr = sa->mgr;
	while (sa->children)
		child_sa_destroy(sa, sa->children);
	/* set_state counts a half-open SA leaving; DOWN goes out for failed ones too */
	ike_sa_set_state(sa, IKE_SA_DESTROYING);
	ike_mgr_emit(mgr, IKE_EV_IKE_DOWN, sa, NULL);
	ike_sa_request_done(sa);
	timer_stop(sa, &sa->half_open_timer, &sa->half_open_timer_on);
	timer_stop(sa, &sa->dpd_timer, &sa->dpd_timer_on);
	timer_stop(sa, &sa->keepalive_timer, &sa->keepalive_timer_on);
	if (sa->key[0] && qb_map_get(mgr->by_spi, sa->key) == sa)
		qb_map_rm(mgr->by_spi, sa->key);
	if (sa->half_key[0] && qb_map_get(mgr->half_open, sa->half_key) == sa)
		qb_map_rm(mgr->half_open, sa->half_key);
	mgr->n_sas--;
	if (!sa->dh_shared)
		crypto_dh_free(sa->dh);
	crypto_prf_free(sa->prf);
	ike_sk_free(sa->sk_in);
	ike_sk_free(sa->sk_out);
	secret_free(&sa->sk_d);
	secret_free(&sa->sk_pi);
	secret_free(&sa->sk_pr);
	free(sa->nonce_i);
	free(sa->nonce_r);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->cookie);
	free(sa->peer_sig_hashes);
	free(sa->last_resp);
	free(sa->child_req);
	ike_id_free(&sa->id_local);
	ike_id_free(&sa->id_remote);
	cfg_snap_unref(sa->snap);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

int ike_sa_derive_keys(struct ike_sa *sa, const struct secret *gir)
{
	const struct proposal *p = &sa->proposal;
	uint16_t prf_id = p->algs[PROPOSAL_I_PRF][0].id;
	uint16_t encr_id = p->algs[PROPOSAL_I_ENCR][0].id;
	uint16_t encr_bits = p->algs[PROPOSAL_I_ENCR][0].key_len;
	uint16_t integ_id = p->n_algs[PROPOSAL_I_INTEG] ? p->algs[PROPOSAL_I_INTEG][0].id : 0;
	struct crypto_ike_key_lens lens;
	struct crypto_ike_keys keys = { 0 };
	struct secret skeyseed = { 0 };
	struct ike_sk *sk_i = NULL, *sk_r = NULL;
	int rc;

	rc = crypto_kdf_key_lens(prf_id, encr_id, encr_bits, integ_id, &lens);
	if (rc == 0)
		rc = crypto_prf_new(&sa->prf, sa->mgr->deps.algs, prf_id);
	if (rc == 0)
		rc = crypto_kdf_skeyseed(sa->prf, sa->nonce_i, sa->nonce_i_len, sa->nonce_r,
					 sa->nonce_r_len, gir, &skeyseed);
	if (rc == 0)
		rc = crypto_kdf_ike_keys(sa->prf, &skeyseed, sa->nonce_i, sa->nonce_i_len,
					 sa->nonce_r, sa->nonce_r_len, sa->spi_i, sa->spi_r, &lens,
					 &keys);
	secret_free(&skeyseed);
	if (rc == 0)
		rc = ike_sk_new(&sk_i, sa->mgr->deps.algs, encr_id, encr_bits, integ_id, &keys.sk_ei,
				&keys.sk_ai);
	if (rc == 0)
		rc = ike_sk_new(&sk_r, sa->mgr->deps.algs, encr_id, encr_bits, integ_id, &keys.sk_er,
				&keys.sk_ar);
	if (rc == 0 && sa->mgr->deps.keylog &&
	    keylog_ike(sa->mgr->deps.keylog, sa->spi_i, sa->spi_r, encr_id, encr_bits, integ_id,
		       &keys.sk_ei, &keys.sk_er, &keys.sk_ai, &keys.sk_ar))
		ike_sa_log(sa, LOG_WARNING, "could not write the key log");
	if (rc) {
		ike_sk_free(sk_i);
		ike_sk_free(sk_r);
		crypto_ike_keys_free(&keys);
		return rc;
	}
	sa->sk_in = sa->initiator ? sk_r : sk_i;
	sa->sk_out = sa->initiator ? sk_i : sk_r;
	/* the SA keeps SK_d and SK_pi/pr; SK_ei/er and SK_ai/ar live only in the sk objects */
	sa->sk_d = keys.sk_d;
	sa->sk_pi = keys.sk_pi;
	sa->sk_pr = keys.sk_pr;
	keys.sk_d = keys.sk_pi = keys.sk_pr = (struct secret){ 0 };
	crypto_ike_keys_free(&keys);
	return 0;
}

static struct ike_hdr make_hdr(const struct ike_sa *sa, uint8_t exchange, uint32_t msgid,
			       bool response)
{
	struct ike_hdr h = { .major = 2, .exchange = exchange, .msgid = msgid };

	memcpy(h.spi_i, sa->spi_i, 8);
	memcpy(h.spi_r, sa->spi_r, 8);
	h.flags = (sa->initiator ? IKE_HDR_F_INITIATOR : 0) | (response ? IKE_HDR_F_RESPONSE : 0);
	return h;
}

static int build_encrypted(struct ike_sa *sa, uint8_t exchange, uint32_t msgid, bool response,
			   const struct ike_pld *plds, size_t n, size_t *len)
{
	struct ike_mgr *mgr = sa->mgr;
	struct ike_hdr hdr = make_hdr(sa, exchange, msgid, response);
	struct ike_pld_sk sk = { .inner_next = n ? plds[0].type : IKE_PLD_NONE };
	struct wbuf plain = wbuf_init(mgr->plain, IKE_MAX_MSG / 2);
	struct wbuf out = wbuf_init(mgr->buf, IKE_MAX_MSG);
	size_t iv_off, sealed;
	int rc;

	rc = ike_msg_gen_chain(plds, n, &plain);
	if (rc)
		return rc;
	sealed = ike_sk_sealed_len(sa->sk_out, plain.len);
	rc = ike_msg_gen_sk_hdr(&hdr, &sk, sealed, &out, &iv_off);
	if (rc == 0)
		rc = ike_sk_seal(sa->sk_out, mgr->buf, IKE_MAX_MSG, iv_off, mgr->plain, plain.len,
				 len);
	OPENSSL_cleanse(mgr->plain, plain.len);
	return rc;
}

static uint32_t retransmit_ms(const struct ike_timing *t, unsigned int tries)
{
	double ms = (double)t->retransmit_timeout_ms;

	for (unsigned int i = 0; i < tries && ms < 3600000.0; i++)
		ms *= t->retransmit_base;

	if (t->retransmit_limit_ms && ms > t->retransmit_limit_ms)
		ms = t->retransmit_limit_ms;
	return ms > 3600000.0 ? 3600000u : (uint32_t)ms;
}

static void retransmit_timer(void *data);
static void dpd_timer(void *data);

static void arm_retransmit(struct ike_sa *sa)
{
	uint64_t ns = retransmit_ms(&sa->mgr->deps.timing, sa->req_tries) * NSEC_PER_MS;

	if (qb_loop_timer_add(sa->mgr->deps.loop, QB_LOOP_MED, ns, sa, retransmit_timer,
			      &sa->req_timer) == 0)
		sa->req_timer_on = true;
}

static void dpd_failed(struct ike_sa *sa)
{
	const struct child_cfg *restart = NULL;
	struct ike_mgr *mgr = sa->mgr;
	struct cfg_snap *snap = NULL;
	const char *conn = sa->conn ? sa->conn->name : NULL;
	char conn_name[128] = "";

	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->cfg && c->cfg->dpd_action == CONFIG_ACTION_START)
			restart = c->cfg;
	if (restart && conn) {
		snprintf(conn_name, sizeof(conn_name), "%s", conn);
		snap = cfg_snap_ref(sa->snap);
	}
	ike_sa_destroy(sa);
	if (snap) {
		/* dpd_action = restart: only if the connection still exists as it was */
		if (snap == mgr->snap && ike_mgr_initiate(mgr, conn_name, restart->name, NULL))
			log_ike(LOG_WARNING, "%s: restart after DPD failed", conn_name);
		cfg_snap_unref(snap);
	}
}

static void retransmit_timer(void *data)
{
	struct ike_sa *sa = data;
	struct ike_mgr *mgr = sa->mgr;

	sa->req_timer_on = false;
	if (!sa->req)
		return;
	if (sa->req_tries >= mgr->deps.timing.retransmit_tries) {
		ike_sa_log(sa, LOG_NOTICE, "giving up after %u retransmits of %s request %" PRIu32,
			   sa->req_tries, ike_exchange_name(sa->req_exchange), sa->req_msgid);
		if (sa->state == IKE_SA_ESTABLISHED && sa->req_exchange == IKE_EXCH_INFORMATIONAL) {
			mgr->stats.dpd_dead++;
			dpd_failed(sa);
			return;
		}
		ike_sa_destroy(sa);
		return;
	}
	sa->req_tries++;
	mgr->stats.tx_retransmit++;
	ike_sa_log(sa, LOG_DEBUG, "retransmit %u of request %" PRIu32, sa->req_tries, sa->req_msgid);
	ike_mgr_send(mgr, sa, sa->req, sa->req_len);
	arm_retransmit(sa);
}

void ike_sa_request_done(struct ike_sa *sa)
{
	timer_stop(sa, &sa->req_timer, &sa->req_timer_on);
	free(sa->req);
	sa->req = NULL;
	sa->req_len = 0;
	sa->req_handler = NULL;
	sa->req_tries = 0;
}

static int keep_request(struct ike_sa *sa, const uint8_t *data, size_t len, uint8_t exchange,
			uint32_t msgid, ike_resp_fn handler)
{
	uint8_t *copy = malloc(len);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	ike_sa_request_done(sa);
	sa->req = copy;
	sa->req_len = len;
	sa->req_msgid = msgid;
	sa->req_exchange = exchange;
	sa->req_handler = handler;
	ike_mgr_send(sa->mgr, sa, copy, len);
	arm_retransmit(sa);
	return 0;
}

int ike_sa_send_request(struct ike_sa *sa, uint8_t exchange, const struct ike_pld *plds, size_t n,
			ike_resp_fn handler)
{
	size_t len;
	int rc;

	if (sa->req)
		return -EBUSY;
	rc = build_encrypted(sa, exchange, sa->msgid_out, false, plds, n, &len);
	if (rc == 0)
		rc = keep_request(sa, sa->mgr->buf, len, exchange, sa->msgid_out, handler);
	if (rc == 0) {
		sa->msgid_out++;
		ike_mgr_emit(sa->mgr, IKE_EV_IKE_UPDATE, sa, NULL);
	}
	return rc;
}

int ike_sa_send_plain_request(struct ike_sa *sa, const struct ike_msg *msg, ike_resp_fn handler,
			      uint8_t **copy, size_t *copy_len)
{
	struct wbuf w = wbuf_init(sa->mgr->buf, IKE_MAX_MSG);
	int rc = ike_msg_gen(msg, &w);

	if (rc)
		return rc;
	if (copy) {
		free(*copy);
		*copy = malloc(w.len);
		if (!*copy)
			return -ENOMEM;
		memcpy(*copy, w.ptr, w.len);
		*copy_len = w.len;
	}
	return keep_request(sa, w.ptr, w.len, msg->hdr.exchange, msg->hdr.msgid, handler);
}

int ike_sa_send_response(struct ike_sa *sa, uint8_t exchange, uint32_t msgid,
			 const struct ike_pld *plds, size_t n)
{
	uint8_t *copy;
	size_t len;
	int rc;

	rc = build_encrypted(sa, exchange, msgid, true, plds, n, &len);
	if (rc) {
		ike_sa_log(sa, LOG_ERR, "cannot build %s response: %s", ike_exchange_name(exchange),
			   strerror(-rc));
		return rc;
	}
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, sa->mgr->buf, len);
	free(sa->last_resp);
	sa->last_resp = copy;
	sa->last_resp_len = len;
	sa->have_last_resp = true;
	sa->msgid_in = msgid + 1;
	ike_mgr_emit(sa->mgr, IKE_EV_IKE_UPDATE, sa, NULL);
	return ike_mgr_send(sa->mgr, sa, copy, len);
}

int ike_sa_open(struct ike_sa *sa, const struct ike_dgram *dg, struct ike_msg **out)
{
	struct ike_mgr *mgr = sa->mgr;
	struct ike_msg_err err = { 0 };
	struct ike_msg *msg = NULL;
	const struct ike_pld *sk;
	size_t plain_len = 0;
	int rc;

	*out = NULL;
	if (!sa->sk_in) {
		mgr->stats.rx_bad_parse++;
		return -EPROTO;
	}
	rc = ike_msg_parse(dg->data, dg->len, &msg, &err);
	if (rc == 0)
		rc = ike_rules_check(msg, IKE_RULES_OUTER, &err);
	if (rc) {
		mgr->stats.rx_bad_parse++;
		ike_sa_log(sa, LOG_DEBUG, "malformed message: %s", ike_msg_err_name(err.code));
		ike_msg_free(msg);
		return rc;
	}
	sk = ike_msg_find(msg, IKE_PLD_SK, NULL);
	if (!sk) {
		/* fragments (RFC 7383) are not announced by us, so a peer must not send them */
		mgr->stats.rx_bad_parse++;
		ike_msg_free(msg);
		return -EBADMSG;
	}
	rc = ike_sk_open(sa->sk_in, dg->data, dg->len, sk->u.sk.body_off, mgr->plain, IKE_MAX_MSG,
			 &plain_len);
	if (rc) {
		mgr->stats.rx_bad_icv++;
		ike_sa_log(sa, LOG_DEBUG, "message %" PRIu32 " failed integrity check, dropped",
			   msg->hdr.msgid);
		ike_msg_free(msg);
		return rc;
	}
	/* the plaintext must outlive the shared buffer: the message borrows it */
	{
		uint8_t *plain = malloc(plain_len ? plain_len : 1);

		if (!plain) {
			OPENSSL_cleanse(mgr->plain, plain_len);
			ike_msg_free(msg);
			return -ENOMEM;
		}
		memcpy(plain, mgr->plain, plain_len);
		OPENSSL_cleanse(mgr->plain, plain_len);
		rc = ike_msg_parse_inner(msg, plain, plain_len, &err);
		if (rc == 0)
			rc = ike_rules_check(msg, IKE_RULES_FULL, &err);
		if (rc == 0)
			rc = ike_msg_adopt(msg, plain, plain_len);
		if (rc) {
			OPENSSL_cleanse(plain, plain_len);
			free(plain);
			mgr->stats.rx_bad_parse++;
			ike_sa_log(sa, LOG_DEBUG, "bad %s: %s (%s)",
				   ike_exchange_name(msg->hdr.exchange), ike_msg_err_name(err.code),
				   err.detail ? err.detail : "");
			ike_msg_free(msg);
			return rc ? rc : -EBADMSG;
		}
	}
	*out = msg;
	return 0;
}

void ike_sa_queue(struct ike_sa *sa, enum ike_task task, uint32_t arg)
{
	for (size_t i = 0; i < sa->queue_len; i++)
		if (sa->queue[i] == task && sa->queue_arg[i] == arg)
			return;
	if (sa->queue_len == IKE_QUEUE_LEN)
		return;
	sa->queue[sa->queue_len] = task;
	sa->queue_arg[sa->queue_len] = arg;
	sa->queue_len++;
}

void ike_sa_run_queue(struct ike_sa *sa)
{
	enum ike_task task;
	uint32_t arg;

	if (sa->req || !sa->queue_len || sa->state < IKE_SA_ESTABLISHED ||
	    sa->state == IKE_SA_DESTROYING)
		return;
	task = sa->queue[0];
	arg = sa->queue_arg[0];
	sa->queue_len--;
	memmove(sa->queue, sa->queue + 1, sa->queue_len * sizeof(sa->queue[0]));
	memmove(sa->queue_arg, sa->queue_arg + 1, sa->queue_len * sizeof(sa->queue_arg[0]));
	ike_info_send_task(sa, task, arg);
}

static void arm_dpd(struct ike_sa *sa, uint64_t ms)
{
	if (qb_loop_timer_add(sa->mgr->deps.loop, QB_LOOP_MED, ms * NSEC_PER_MS, sa, dpd_timer,
			      &sa->dpd_timer) == 0)
		sa->dpd_timer_on = true;
}

/* Liveness (RFC 7296 §2.4): a check once dpd_delay passed without a message from the peer. */
static void dpd_timer(void *data)
{
	struct ike_sa *sa = data;
	uint64_t delay_ms = sa->conn->dpd_delay * 1000u;
	uint64_t quiet = ike_now_ms() - sa->last_rx;

	sa->dpd_timer_on = false;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	if (quiet >= delay_ms) {
		ike_sa_queue(sa, IKE_TASK_DPD, 0);
		ike_sa_run_queue(sa);
		arm_dpd(sa, delay_ms);
	} else {
		arm_dpd(sa, delay_ms - quiet);
	}
}

void ike_sa_start_dpd(struct ike_sa *sa)
{
	if (!sa->conn || !sa->conn->dpd_delay || sa->dpd_timer_on)
		return;
	arm_dpd(sa, sa->conn->dpd_delay * 1000u);
}

static void keepalive_timer(void *data)
{
	struct ike_sa *sa = data;

	sa->keepalive_timer_on = false;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	/* RFC 3948 §2.3: one 0xFF octet; the transport adds no non-ESP marker for it */
	{
		static const uint8_t ka = 0xff;

		(void)sa->mgr->deps.send(sa->mgr->deps.send_ctx, &sa->local, &sa->remote, &ka, 1);
	}
	ike_sa_start_keepalive(sa);
}

void ike_sa_start_keepalive(struct ike_sa *sa)
{
	uint32_t s = sa->mgr->deps.timing.keep_alive_s;

	if (!sa->nat_local || !s || sa->keepalive_timer_on)
		return;
	if (qb_loop_timer_add(sa->mgr->deps.loop, QB_LOOP_MED, s * 1000000000ull, sa,
			      keepalive_timer, &sa->keepalive_timer) == 0)
		sa->keepalive_timer_on = true;
}

void ike_sa_established(struct ike_sa *sa)
{
	struct ike_mgr *mgr = sa->mgr;
	char lid[256], rid[256];

	ike_sa_set_state(sa, IKE_SA_ESTABLISHED);
	sa->established_at = ike_now_ms() / 1000u;
	mgr->stats.ike_established++;
	if (sa->half_key[0] && qb_map_get(mgr->half_open, sa->half_key) == sa)
		qb_map_rm(mgr->half_open, sa->half_key);
	sa->half_key[0] = '\0';
	ike_id_to_str(&sa->id_local, lid, sizeof(lid));
	ike_id_to_str(&sa->id_remote, rid, sizeof(rid));
	ike_sa_log(sa, LOG_NOTICE, "IKE_SA established between %s and %s (%s)", lid, rid,
		   sa->proposal_str);
	ike_mgr_emit(mgr, IKE_EV_IKE_UP, sa, NULL);
	ike_sa_start_dpd(sa);
	ike_sa_start_keepalive(sa);
}

uint32_t ike_sa_segment_of(const struct ike_mgr *mgr, const struct sockaddr_storage *addr)
{
	struct segment_cfg cfg = {
		.version = SEGMENT_VERSION_1,
		.count = mgr->deps.segments,
		.seed = mgr->deps.segment_seed,
	};
	struct flow_key key = { .family = (uint8_t)addr->ss_family };
	int seg;

	if (addr->ss_family == AF_INET)
		memcpy(key.addr, &((const struct sockaddr_in *)addr)->sin_addr, 4);
	else
		memcpy(key.addr, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
	seg = segment_of(&key, &cfg);
	return seg < 0 ? 0 : (uint32_t)seg;
}
