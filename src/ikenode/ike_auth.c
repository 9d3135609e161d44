/*
 * IKE_AUTH (RFC 7296 §1.2, §2.15, §3.8): identities, PSK and certificate
 * authentication (RFC 7427 signatures), and the first CHILD_SA; responder
 * and initiator.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "common/log.h"
#include "ikenode/auth.h"
#include "ikenode/cred.h"
#include "ikenode/crypto_prf.h"
#include "ikenode/ike_sa_int.h"

#define ID_BODY_MAX 1024

/* Everything our AUTH side adds to a message, and the storage it points into. */
struct own_auth {
	struct ike_id id;
	uint8_t id_body[ID_BODY_MAX];
	size_t id_body_len;
	X509 *cert; /* borrowed from the credential store */
	uint8_t *cert_der;
	int cert_der_len;
	uint8_t method;
	uint8_t *auth; /* malloc'd */
	size_t auth_len;
	struct secret psk_auth;
};

static void own_auth_clear(struct own_auth *oa)
{
	ike_id_free(&oa->id);
	OPENSSL_free(oa->cert_der);
	free(oa->auth);
	secret_free(&oa->psk_auth);
	memset(oa, 0, sizeof(*oa));
}

static const char *id_str(const struct ike_id *id, char *buf, size_t len)
{
	ike_id_to_str(id, buf, len);
	return buf;
}

/* The signed octets of one side: its IKE_SA_INIT message | the other's nonce | prf(SK_p, ID'). */
static int octets_of(struct ike_sa *sa, bool of_initiator, const uint8_t *id_body, size_t id_len,
		     uint8_t **out, size_t *out_len)
{
	if (of_initiator)
		return auth_octets(sa->prf, &sa->sk_pi, sa->init_req, sa->init_req_len, sa->nonce_r,
				   sa->nonce_r_len, id_body, id_len, out, out_len);
	return auth_octets(sa->prf, &sa->sk_pr, sa->init_resp, sa->init_resp_len, sa->nonce_i,
			   sa->nonce_i_len, id_body, id_len, out, out_len);
}

/* Our identity and AUTH value for the connection's first local round. */
static int make_own_auth(struct ike_sa *sa, struct own_auth *oa)
{
	const struct config_auth *la = sa->conn->n_local ? &sa->conn->local[0] : NULL;
	bool pubkey = la && la->class_ == CONFIG_AUTH_PUBKEY;
	uint8_t *octets = NULL;
	size_t octets_len = 0;
	int rc = 0;

	if (pubkey) {
		EVP_PKEY *key;
		uint16_t hash = 0;

		if (!sa->mgr->deps.creds || !la->certs.count ||
		    !(oa->cert = cred_store_cert(sa->mgr->deps.creds, la->certs.items[0]))) {
			ike_sa_log(sa, LOG_ERR, "no certificate loaded for %s", la->name);
			return -ENOENT;
		}
		key = cred_store_key_for(sa->mgr->deps.creds, oa->cert);
		if (!key) {
			ike_sa_log(sa, LOG_ERR, "no private key for the certificate of %s", la->name);
			return -ENOENT;
		}
		rc = la->id ? ike_id_from_str(la->id, &oa->id) : cred_cert_subject_id(oa->cert, &oa->id);
		if (rc == 0 && !cred_cert_matches_id(oa->cert, &oa->id)) {
			ike_sa_log(sa, LOG_ERR, "our identity '%s' is not in our certificate",
				   la->id);
			rc = -EINVAL;
		}
		if (rc == 0) {
			oa->cert_der_len = i2d_X509(oa->cert, &oa->cert_der);
			if (oa->cert_der_len <= 0)
				rc = -ENOMEM;
		}
		if (rc == 0)
			oa->id_body_len = ike_id_body(&oa->id, oa->id_body, sizeof(oa->id_body));
		if (rc == 0 && !oa->id_body_len)
			rc = -EINVAL;
		if (rc == 0)
			rc = octets_of(sa, sa->initiator, oa->id_body, oa->id_body_len, &octets,
				       &octets_len);
		if (rc == 0)
			rc = auth_sig_choose(key, sa->peer_sig_hashes, sa->peer_sig_hashes_len,
					     &oa->method, &hash);
		if (rc == 0)
			rc = auth_sig_sign(key, oa->method, hash, false, octets, octets_len,
					   &oa->auth, &oa->auth_len);
	} else {
		const struct secret *psk;
		char lid[256], rid[256];

		rc = ike_sa_own_id(sa, la, &oa->id);
		if (rc == 0)
			oa->id_body_len = ike_id_body(&oa->id, oa->id_body, sizeof(oa->id_body));
		if (rc == 0 && !oa->id_body_len)
			rc = -EINVAL;
		if (rc)
			goto out;
		psk = config_find_psk(sa->snap->cfg, id_str(&oa->id, lid, sizeof(lid)),
				      sa->id_remote.len || sa->id_remote.type
					      ? id_str(&sa->id_remote, rid, sizeof(rid))
					      : NULL);
		if (!psk) {
			ike_sa_log(sa, LOG_NOTICE, "no PSK for '%s'", lid);
			rc = -ENOENT;
			goto out;
		}
		oa->method = IKE_AUTH_PSK;
		rc = octets_of(sa, sa->initiator, oa->id_body, oa->id_body_len, &octets, &octets_len);
		if (rc == 0)
			rc = auth_psk_compute(sa->prf, psk, octets, octets_len, &oa->psk_auth);
	}
out:
	free(octets);
	return rc;
}

/* Fills IDx, [CERT], AUTH payloads from oa; returns how many. */
static size_t own_auth_plds(struct own_auth *oa, bool initiator, struct ike_pld *plds)
{
	size_t n = 0;

	plds[n].type = initiator ? IKE_PLD_IDI : IKE_PLD_IDR;
	plds[n].u.id.id_type = oa->id.type;
	plds[n].u.id.data = oa->id.data;
	plds[n++].u.id.len = oa->id.len;
	if (oa->cert_der) {
		plds[n].type = IKE_PLD_CERT;
		plds[n].u.cert.encoding = IKE_CERT_X509_SIG;
		plds[n].u.cert.data = oa->cert_der;
		plds[n++].u.cert.len = (size_t)oa->cert_der_len;
	}
	plds[n].type = IKE_PLD_AUTH;
	plds[n].u.auth.method = oa->method;
	if (oa->method == IKE_AUTH_PSK) {
		plds[n].u.auth.data = oa->psk_auth.ptr;
		plds[n++].u.auth.len = oa->psk_auth.len;
	} else {
		plds[n].u.auth.data = oa->auth;
		plds[n++].u.auth.len = oa->auth_len;
	}
	return n;
}

/* Verifies the peer's AUTH with the remote round ra; 0 or -EACCES (logged). */
static int verify_peer(struct ike_sa *sa, const struct config_auth *ra, const struct ike_msg *msg,
		       const struct ike_pld *id_p, const struct ike_pld *auth_p)
{
	struct ike_mgr *mgr = sa->mgr;
	uint8_t id_body[ID_BODY_MAX];
	uint8_t *octets = NULL;
	size_t octets_len = 0, id_len;
	char rid[256], lid[256];
	int rc;

	/* the ID payload body as received: type, reserved, data */
	id_len = id_p->body_len;
	if (id_len > sizeof(id_body))
		return -EACCES;
	memcpy(id_body, id_p->body, id_len);
	rc = octets_of(sa, !sa->initiator, id_body, id_len, &octets, &octets_len);
	if (rc)
		return rc;
	id_str(&sa->id_remote, rid, sizeof(rid));
	if (auth_p->u.auth.method == IKE_AUTH_PSK) {
		struct ike_id own = { 0 };
		const struct secret *psk = NULL;

		if (ra && ra->class_ != CONFIG_AUTH_PSK) {
			rc = -EACCES;
			ike_sa_log(sa, LOG_NOTICE, "'%s' authenticated with PSK, %s expected", rid,
				   ra->auth);
			goto out;
		}
		if (ike_sa_own_id(sa, sa->conn->n_local ? &sa->conn->local[0] : NULL, &own) == 0) {
			psk = config_find_psk(sa->snap->cfg, id_str(&own, lid, sizeof(lid)), rid);
			ike_id_free(&own);
		}
		rc = psk ? auth_psk_verify(sa->prf, psk, octets, octets_len, auth_p->u.auth.data,
					   auth_p->u.auth.len)
			 : -EACCES;
	} else {
		const struct ike_pld *c = NULL;
		STACK_OF(X509) *chain = sk_X509_new_null();
		X509 *leaf = NULL;
		char err[256] = "";

		if (ra && ra->class_ != CONFIG_AUTH_PUBKEY) {
			rc = -EACCES;
			ike_sa_log(sa, LOG_NOTICE, "'%s' authenticated with %s, PSK expected", rid,
				   ike_auth_method_name(auth_p->u.auth.method));
			sk_X509_free(chain);
			goto out;
		}
		rc = chain && mgr->deps.creds ? 0 : -EACCES;
		while (rc == 0 && (c = ike_msg_find(msg, IKE_PLD_CERT, c))) {
			X509 *x = NULL;

			if (cred_cert_from_pld(c->u.cert.encoding, c->u.cert.data, c->u.cert.len, &x))
				continue;
			if (!leaf)
				leaf = x;
			else if (!sk_X509_push(chain, x))
				X509_free(x);
		}
		if (rc == 0 && !leaf && ra && ra->certs.count) {
			/* a pinned peer certificate needs no CERT payload */
			leaf = cred_store_cert(mgr->deps.creds, ra->certs.items[0]);
			if (leaf)
				X509_up_ref(leaf);
		}
		if (rc == 0 && !leaf) {
			ike_sa_log(sa, LOG_NOTICE, "'%s' sent no certificate", rid);
			rc = -EACCES;
		}
		if (rc == 0) {
			X509 *anchors[16];
			size_t n_anchors = 0;

			for (size_t i = 0; ra && i < ra->cacerts.count && n_anchors < 16; i++) {
				X509 *ca = cred_store_cacert(mgr->deps.creds, ra->cacerts.items[i]);

				if (ca)
					anchors[n_anchors++] = ca;
			}
			rc = cred_verify_chain(mgr->deps.creds, leaf, chain, anchors, n_anchors, err,
					       sizeof(err));
			if (rc)
				ike_sa_log(sa, LOG_NOTICE, "certificate of '%s' not trusted: %s", rid,
					   err);
		}
		if (rc == 0 && !cred_cert_matches_id(leaf, &sa->id_remote)) {
			ike_sa_log(sa, LOG_NOTICE, "identity '%s' not confirmed by its certificate",
				   rid);
			rc = -EACCES;
		}
		if (rc == 0)
			rc = auth_sig_verify(X509_get0_pubkey(leaf), auth_p->u.auth.method,
					     auth_p->u.auth.data, auth_p->u.auth.len, octets,
					     octets_len);
		X509_free(leaf);
		sk_X509_pop_free(chain, X509_free);
	}
out:
	free(octets);
	if (rc) {
		mgr->stats.auth_failed++;
		ike_sa_log(sa, LOG_NOTICE, "authentication of '%s' with %s failed", rid,
			   ike_auth_method_name(auth_p->u.auth.method));
		return -EACCES;
	}
	ike_sa_log(sa, LOG_INFO, "authentication of '%s' with %s successful", rid,
		   ike_auth_method_name(auth_p->u.auth.method));
	return 0;
}

static bool auth_fits(const struct config_auth *ra, uint8_t method)
{
	if (!ra)
		return true;
	return (method == IKE_AUTH_PSK) == (ra->class_ == CONFIG_AUTH_PSK);
}

/*
 * Responder: the connection for the peer's identity among those for these
 * addresses (strongSwan's peer config selection): the best remote id match,
 * then the best local id match when IDr was sent; the auth class must fit.
 */
static const struct conn_cfg *select_peer_conn(struct ike_sa *sa, const struct ike_id *idr,
					       uint8_t method)
{
	const struct config *cfg = sa->snap->cfg;
	const struct conn_cfg *best = NULL;
	int best_score = -1;

	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct conn_cfg *c = &cfg->conns[i];
		const struct config_auth *ra = c->n_remote ? &c->remote[0] : NULL;
		const struct config_auth *la = c->n_local ? &c->local[0] : NULL;
		int rm = IKE_ID_MATCH_ANY, lm = IKE_ID_MATCH_ANY;

		if (!config_addr_list_matches(&c->local_addrs, (const struct sockaddr *)&sa->local) ||
		    !config_addr_list_matches(&c->remote_addrs,
					      (const struct sockaddr *)&sa->remote) ||
		    !auth_fits(ra, method))
			continue;
		if (ra && ra->id) {
			struct ike_id pat = { 0 };

			if (ike_id_from_str(ra->id, &pat))
				continue;
			rm = ike_id_match(&sa->id_remote, &pat);
			ike_id_free(&pat);
		}
		if (idr && la && la->id) {
			struct ike_id pat = { 0 };

			if (ike_id_from_str(la->id, &pat))
				continue;
			lm = ike_id_match(idr, &pat);
			ike_id_free(&pat);
		}
		if (rm == IKE_ID_MATCH_NONE || lm == IKE_ID_MATCH_NONE)
			continue;
		if (rm * 4 + lm > best_score) {
			best_score = rm * 4 + lm;
			best = c;
		}
	}
	return best;
}

static void auth_fail_response(struct ike_sa *sa, uint32_t msgid)
{
	struct ike_pld n = ike_notify_pld(IKE_N_AUTHENTICATION_FAILED, NULL, 0);

	ike_sa_send_response(sa, IKE_EXCH_IKE_AUTH, msgid, &n, 1);
	ike_sa_set_state(sa, IKE_SA_DESTROYING);
}

void ike_auth_respond(struct ike_sa *sa, const struct ike_msg *msg)
{
	const struct ike_pld *idi_p = ike_msg_find(msg, IKE_PLD_IDI, NULL);
	const struct ike_pld *idr_p = ike_msg_find(msg, IKE_PLD_IDR, NULL);
	const struct ike_pld *auth_p = ike_msg_find(msg, IKE_PLD_AUTH, NULL);
	const struct conn_cfg *conn;
	struct ike_id idr = { 0 };
	struct own_auth oa = { 0 };
	struct child_resp_store *cst = NULL;
	struct ike_pld plds[12] = { { 0 } };
	size_t n = 0, n_child = 0;
	uint16_t child_err = 0;
	int rc;

	if (!idi_p || !auth_p) {
		ike_sa_log(sa, LOG_NOTICE, "IKE_AUTH without %s (EAP is not supported)",
			   idi_p ? "AUTH" : "IDi");
		auth_fail_response(sa, msg->hdr.msgid);
		return;
	}
	if (ike_id_from_pld(idi_p->u.id.id_type, idi_p->u.id.data, idi_p->u.id.len,
			    &sa->id_remote) ||
	    (idr_p && ike_id_from_pld(idr_p->u.id.id_type, idr_p->u.id.data, idr_p->u.id.len, &idr))) {
		ike_sa_log(sa, LOG_NOTICE, "IKE_AUTH with an invalid identity");
		auth_fail_response(sa, msg->hdr.msgid);
		return;
	}
	conn = select_peer_conn(sa, idr_p ? &idr : NULL, auth_p->u.auth.method);
	ike_id_free(&idr);
	if (!conn) {
		char rid[256];

		sa->mgr->stats.auth_failed++;
		ike_sa_log(sa, LOG_NOTICE, "no connection for peer '%s'",
			   id_str(&sa->id_remote, rid, sizeof(rid)));
		auth_fail_response(sa, msg->hdr.msgid);
		return;
	}
	ike_sa_set_conn(sa, sa->snap, conn);
	if (verify_peer(sa, conn->n_remote ? &conn->remote[0] : NULL, msg, idi_p, auth_p)) {
		auth_fail_response(sa, msg->hdr.msgid);
		return;
	}
	rc = make_own_auth(sa, &oa);
	if (rc) {
		own_auth_clear(&oa);
		auth_fail_response(sa, msg->hdr.msgid);
		return;
	}
	if (ike_id_copy(&sa->id_local, &oa.id)) {
		own_auth_clear(&oa);
		auth_fail_response(sa, msg->hdr.msgid);
		return;
	}
	/* before the new CHILD_SA: the stale ones' policies go first */
	if (ike_msg_find_notify(msg, IKE_N_INITIAL_CONTACT))
		ike_mgr_drop_contacts(sa->mgr, sa);
	n = own_auth_plds(&oa, false, plds);
	cst = calloc(1, sizeof(*cst));
	if (cst && ike_msg_find(msg, IKE_PLD_SA, NULL)) {
		if (child_sa_respond(sa, msg, cst, plds + n, &n_child, &child_err) == 0)
			n += n_child;
		else
			plds[n++] = ike_notify_pld(child_err, NULL, 0);
	}
	if (sa->mgr->deps.ha)
		plds[n++] = ike_notify_pld(IKE_N_IKEV2_MESSAGE_ID_SYNC_SUPPORTED, NULL, 0);
	ike_sa_established(sa);
	rc = ike_sa_send_response(sa, IKE_EXCH_IKE_AUTH, msg->hdr.msgid, plds, n);
	free(cst);
	own_auth_clear(&oa);
	if (rc)
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
}

/* ---- initiator ---- */

static void auth_response(struct ike_sa *sa, const struct ike_msg *msg);

int ike_auth_start(struct ike_sa *sa)
{
	const struct config_auth *ra = sa->conn->n_remote ? &sa->conn->remote[0] : NULL;
	struct own_auth oa = { 0 };
	struct ike_pld plds[14] = { { 0 } };
	struct ike_id idr = { 0 };
	uint8_t *certreq = NULL;
	size_t n, creq_len = 0, n_child = 0;
	int rc;

	if (ra && ra->id) {
		rc = ike_id_from_str(ra->id, &idr);
		if (rc)
			return rc;
		/* for the PSK lookup, the identity we expect stands for the peer's */
		rc = ike_id_copy(&sa->id_remote, &idr);
		if (rc) {
			ike_id_free(&idr);
			return rc;
		}
	}
	rc = make_own_auth(sa, &oa);
	if (rc == 0)
		rc = ike_id_copy(&sa->id_local, &oa.id);
	if (rc)
		goto out;
	n = own_auth_plds(&oa, true, plds);
	/* IDi, [CERT], then CERTREQ and IDr go before AUTH (RFC 7296 §1.2 order) */
	{
		struct ike_pld auth = plds[n - 1];

		n--;
		if (ra && ra->class_ == CONFIG_AUTH_PUBKEY && sa->mgr->deps.creds &&
		    cred_certreq_hashes(sa->mgr->deps.creds, &certreq, &creq_len) == 0 && creq_len) {
			plds[n].type = IKE_PLD_CERTREQ;
			plds[n].u.cert.encoding = IKE_CERT_X509_SIG;
			plds[n].u.cert.data = certreq;
			plds[n++].u.cert.len = creq_len;
		}
		if (idr.type || idr.len) {
			plds[n].type = IKE_PLD_IDR;
			plds[n].u.id.id_type = idr.type;
			plds[n].u.id.data = idr.data;
			plds[n++].u.id.len = idr.len;
		}
		plds[n++] = auth;
	}
	/*
	 * RFC 7296 §2.4: INITIAL_CONTACT claims this is the only IKE_SA between
	 * the two identities, so the peer drops any other; only when the peer's
	 * identity is known and no other SA joins the two (as strongSwan does).
	 */
	if (!sa->mgr->deps.load_generator && ra && ra->id && !ike_mgr_has_contact(sa->mgr, sa))
		plds[n++] = ike_notify_pld(IKE_N_INITIAL_CONTACT, NULL, 0);
	if (sa->child_name) {
		const struct child_cfg *ch = NULL;

		for (size_t i = 0; i < sa->conn->n_children; i++)
			if (!strcmp(sa->conn->children[i].name, sa->child_name))
				ch = &sa->conn->children[i];
		sa->child_req = ch ? calloc(1, sizeof(*sa->child_req)) : NULL;
		if (sa->child_req &&
		    child_sa_request(sa, ch, sa->child_req, plds + n, &n_child) == 0) {
			sa->child_req_cfg = ch;
			n += n_child;
		} else {
			free(sa->child_req);
			sa->child_req = NULL;
		}
	}
	if (sa->mgr->deps.ha)
		plds[n++] = ike_notify_pld(IKE_N_IKEV2_MESSAGE_ID_SYNC_SUPPORTED, NULL, 0);
	rc = ike_sa_send_request(sa, IKE_EXCH_IKE_AUTH, plds, n, auth_response);
	if (rc == 0)
		ike_sa_set_state(sa, IKE_SA_AUTHENTICATING);
out:
	free(certreq);
	ike_id_free(&idr);
	own_auth_clear(&oa);
	return rc;
}

static void auth_response(struct ike_sa *sa, const struct ike_msg *msg)
{
	const struct config_auth *ra = sa->conn->n_remote ? &sa->conn->remote[0] : NULL;
	const struct ike_pld *idr_p = ike_msg_find(msg, IKE_PLD_IDR, NULL);
	const struct ike_pld *auth_p = ike_msg_find(msg, IKE_PLD_AUTH, NULL);
	const struct ike_pld *p = NULL;
	struct ike_id expected = { 0 };
	char rid[256];

	while ((p = ike_msg_find(msg, IKE_PLD_NOTIFY, p))) {
		uint16_t t = p->u.notify.type;

		if (t < 16384 && (!idr_p || !auth_p)) {
			ike_sa_log(sa, LOG_NOTICE, "IKE_AUTH failed: peer answered %s",
				   ike_notify_name(t));
			sa->mgr->stats.auth_failed++;
			ike_sa_set_state(sa, IKE_SA_DESTROYING);
			return;
		}
	}
	if (!idr_p || !auth_p) {
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	ike_id_free(&sa->id_remote);
	if (ike_id_from_pld(idr_p->u.id.id_type, idr_p->u.id.data, idr_p->u.id.len,
			    &sa->id_remote)) {
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	if (ra && ra->id && ike_id_from_str(ra->id, &expected) == 0) {
		enum ike_id_match m = ike_id_match(&sa->id_remote, &expected);

		ike_id_free(&expected);
		if (m == IKE_ID_MATCH_NONE) {
			ike_sa_log(sa, LOG_NOTICE, "peer identity '%s' is not the one configured",
				   id_str(&sa->id_remote, rid, sizeof(rid)));
			ike_sa_set_state(sa, IKE_SA_DESTROYING);
			return;
		}
	}
	if (!auth_fits(ra, auth_p->u.auth.method) || verify_peer(sa, ra, msg, idr_p, auth_p)) {
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	ike_sa_established(sa);
	if (sa->child_req) {
		for (p = NULL; (p = ike_msg_find(msg, IKE_PLD_NOTIFY, p));) {
			if (p->u.notify.type < 16384) {
				sa->mgr->stats.child_failed++;
				ike_sa_log(sa, LOG_NOTICE, "CHILD_SA %s not created: peer answered %s",
					   sa->child_req_cfg->name,
					   ike_notify_name(p->u.notify.type));
				break;
			}
		}
		if (!p && child_sa_complete(sa, sa->child_req_cfg, sa->child_req, msg)) {
			sa->mgr->stats.child_failed++;
			/* RFC 7296 §1.2: an unusable CHILD_SA answer is deleted, the IKE_SA stays */
			ike_sa_queue(sa, IKE_TASK_DELETE_CHILD, sa->child_req->spi);
		}
		free(sa->child_req);
		sa->child_req = NULL;
	}
}
