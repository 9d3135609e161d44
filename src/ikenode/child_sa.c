/*
 * CHILD_SAs (RFC 7296 §1.3, §2.9, §2.17) created in IKE_AUTH: child config
 * and ESP proposal selection, traffic-selector narrowing, KEYMAT, and their
 * installation in the data plane (kernel_ipsec.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/prefix.h"
#include "ikenode/crypto_kdf.h"
#include "ikenode/ike_sa_int.h"
#include "ikenode/keylog.h"
#include "ikenode/ts.h"
#include "kernel/kernel_ipsec.h"
#include "segment/classify.h"

static const char *const child_state_names[] = {
	[CHILD_SA_INSTALLED] = "INSTALLED",
	[CHILD_SA_DELETING] = "DELETING",
};

const char *child_sa_state_name(enum child_sa_state state)
{
	return (size_t)state < ARRAY_SIZE(child_state_names) ? child_state_names[state] : "?";
}

/* Our ESP proposals for a child, without DH: IKE_AUTH carries no KE (RFC 7296 §1.2). */
static int child_proposals(const struct child_cfg *cfg, struct proposal *out, size_t cap,
			   size_t *n)
{
	char err[128];
	size_t total = 0;
	int rc = 0;

	if (!cfg->esp_proposals.count)
		rc = proposal_list_parse(IKE_PROTO_ESP, "default", out, cap, &total, err,
					 sizeof(err));
	for (size_t i = 0; rc == 0 && i < cfg->esp_proposals.count; i++) {
		size_t got = 0;

		rc = proposal_list_parse(IKE_PROTO_ESP, cfg->esp_proposals.items[i], out + total,
					 cap - total, &got, err, sizeof(err));
		total += got;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < total; i++)
		out[i].n_algs[PROPOSAL_I_DH] = 0;
	*n = total;
	return 0;
}

struct child_sa *child_sa_by_spi_out(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

struct child_sa *child_sa_by_spi_in(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

static void to_kernel_ts(const struct ike_ts *t, struct kernel_ts *k)
{
	size_t alen = t->type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->family = alen == 16 ? AF_INET6 : AF_INET;
	memcpy(k->from, t->start, alen);
	memcpy(k->to, t->end, alen);
	k->proto = t->ip_proto;
	k->port_from = t->start_port;
	k->port_to = t->end_port;
}

/*
 * Every (local, remote) selector pair as in/out/fwd policies; add or delete.
 * A policy another CHILD_SA already installed (same selectors, e.g. many SAs
 * from one address) is shared: only the ones this child added are removed
 * with it (bit k of policies_added, for the first 64).
 */
static int child_policies(struct ike_sa *sa, struct child_sa *c, bool add)
{
	struct kernel_ipsec *k = sa->mgr->deps.kernel;
	static const uint8_t dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	unsigned int idx = 0;

	for (size_t i = 0; i < c->n_ts_local; i++) {
		for (size_t j = 0; j < c->n_ts_remote; j++) {
			struct kernel_ts l, r;

			to_kernel_ts(&c->ts_local[i], &l);
			to_kernel_ts(&c->ts_remote[j], &r);
			if (l.family != r.family)
				continue;
			for (size_t d = 0; d < ARRAY_SIZE(dirs); d++, idx++) {
				struct kernel_policy p = {
					.dir = dirs[d],
					.reqid = c->reqid,
					.priority = 0,
					.mode = c->transport ? KERNEL_MODE_TRANSPORT
							     : KERNEL_MODE_TUNNEL,
					.segment = sa->segment,
				};
				bool out = dirs[d] == KERNEL_DIR_OUT;
				uint64_t bit = idx < 64 ? 1ull << idx : 0;
				int rc;

				if (c->transport && dirs[d] == KERNEL_DIR_FWD)
					continue;
				p.src = out ? l : r;
				p.dst = out ? r : l;
				p.tmpl_src = out ? sa->local : sa->remote;
				p.tmpl_dst = out ? sa->remote : sa->local;
				if (!add) {
					if ((c->policies_added & bit) &&
					    kernel_ipsec_del_policy(k, &p))
						ike_sa_log(sa, LOG_WARNING, "removing a policy failed");
					continue;
				}
				rc = kernel_ipsec_add_policy(k, &p);
				if (rc == 0)
					c->policies_added |= bit;
				else if (rc != -EEXIST)
					return rc;
			}
		}
	}
	if (!add)
		c->policies_added = 0;
	return 0;
}

static uint16_t alg_id(const struct proposal *p, int type)
{
	return p->n_algs[type] ? p->algs[type][0].id : 0;
}

/*
 * Derives KEYMAT and installs both directions and the policies. The keys
 * from initiator to responder come first (RFC 7296 §2.17).
 */
static int child_install(struct ike_sa *sa, struct child_sa *c)
{
	struct ike_mgr *mgr = sa->mgr;
	uint16_t encr = alg_id(&c->proposal, PROPOSAL_I_ENCR);
	uint16_t bits = c->proposal.algs[PROPOSAL_I_ENCR][0].key_len;
	uint16_t integ = alg_id(&c->proposal, PROPOSAL_I_INTEG);
	uint16_t prf = alg_id(&sa->proposal, PROPOSAL_I_PRF);
	struct crypto_ike_key_lens lens;
	struct secret keymat = { 0 };
	struct secret ei = { 0 }, ai = { 0 }, er = { 0 }, ar = { 0 };
	struct kernel_sa in = { 0 }, out = { 0 };
	struct kernel_ts tl[IKE_MAX_TS], tr[IKE_MAX_TS];
	int rc;

	rc = crypto_kdf_key_lens(prf, encr, bits, integ, &lens);
	if (rc == 0)
		rc = crypto_kdf_keymat(sa->prf, &sa->sk_d, NULL, sa->nonce_i, sa->nonce_i_len,
				       sa->nonce_r, sa->nonce_r_len, 2 * (lens.encr + lens.integ),
				       &keymat);
	if (rc == 0) {
		const uint8_t *k = keymat.ptr;

		rc = secret_dup(&ei, k, lens.encr);
		if (rc == 0 && lens.integ)
			rc = secret_dup(&ai, k + lens.encr, lens.integ);
		k += lens.encr + lens.integ;
		if (rc == 0)
			rc = secret_dup(&er, k, lens.encr);
		if (rc == 0 && lens.integ)
			rc = secret_dup(&ar, k + lens.encr, lens.integ);
	}
	secret_free(&keymat);
	if (rc)
		goto out;
	for (size_t i = 0; i < c->n_ts_local; i++)
		to_kernel_ts(&c->ts_local[i], &tl[i]);
	for (size_t i = 0; i < c->n_ts_remote; i++)
		to_kernel_ts(&c->ts_remote[i], &tr[i]);
	in.spi = c->spi_in;
	in.protocol = IPPROTO_ESP;
	in.inbound = true;
	in.src = sa->remote;
	in.dst = sa->local;
	in.encap = c->encap;
	in.reqid = c->reqid;
	in.mode = c->transport ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
	in.encr_id = encr;
	in.encr_key_bits = bits;
	in.integ_id = integ;
	in.esn = alg_id(&c->proposal, PROPOSAL_I_ESN) == IKE_ESN_YES;
	in.replay_window = c->cfg ? c->cfg->replay_window : CONFIG_REPLAY_WINDOW_DEFAULT;
	if (in.esn && !in.replay_window)
		in.replay_window = 1; /* RFC 4303 ESN needs the window's top to infer the high bits */
	in.segment = sa->segment;
	in.ts_local = tl;
	in.n_ts_local = c->n_ts_local;
	in.ts_remote = tr;
	in.n_ts_remote = c->n_ts_remote;
	if (c->cfg) {
		in.soft_time = c->cfg->rekey_time;
		in.hard_time = c->cfg->life_time;
		in.soft_bytes = c->cfg->rekey_bytes;
		in.hard_bytes = c->cfg->life_bytes;
		in.soft_packets = c->cfg->rekey_packets;
		in.hard_packets = c->cfg->life_packets;
	}
	out = in;
	out.spi = c->spi_out;
	out.inbound = false;
	out.src = sa->local;
	out.dst = sa->remote;
	/* inbound carries the peer's direction: initiator->responder when we respond */
	in.encr_key = sa->initiator ? er : ei;
	in.integ_key = sa->initiator ? ar : ai;
	out.encr_key = sa->initiator ? ei : er;
	out.integ_key = sa->initiator ? ai : ar;
	rc = kernel_ipsec_add_sa(mgr->deps.kernel, &in);
	if (rc == 0) {
		c->installed_in = true;
		rc = kernel_ipsec_add_sa(mgr->deps.kernel, &out);
	}
	if (rc == 0) {
		c->installed_out = true;
		rc = child_policies(sa, c, true);
	}
	if (rc == 0 && mgr->deps.keylog_esp) {
		if (keylog_esp(mgr->deps.keylog_esp, &in.src, &in.dst, in.spi, encr, bits, integ,
			       &in.encr_key, &in.integ_key) ||
		    keylog_esp(mgr->deps.keylog_esp, &out.src, &out.dst, out.spi, encr, bits, integ,
			       &out.encr_key, &out.integ_key))
			ike_sa_log(sa, LOG_WARNING, "could not write the ESP key log");
	}
out:
	secret_free(&ei);
	secret_free(&ai);
	secret_free(&er);
	secret_free(&ar);
	return rc;
}

static struct child_sa *child_new(struct ike_sa *sa, const struct child_cfg *cfg)
{
	struct child_sa *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->id = sa->mgr->next_id++;
	c->cfg = cfg;
	c->reqid = sa->mgr->next_reqid++;
	c->encap = sa->nat_local || sa->nat_remote;
	return c;
}

static void child_log_up(struct ike_sa *sa, struct child_sa *c)
{
	char l[64] = "", r[64] = "", p[160] = "";

	if (c->n_ts_local)
		ts_to_str(&c->ts_local[0], l, sizeof(l));
	if (c->n_ts_remote)
		ts_to_str(&c->ts_remote[0], r, sizeof(r));
	if (proposal_to_str(&c->proposal, p, sizeof(p)))
		p[0] = '\0';
	ike_sa_log(sa, LOG_NOTICE,
		   "CHILD_SA %s{%" PRIu64 "} installed, SPIs %08x_i %08x_o, %s === %s%s (%s)%s",
		   c->cfg ? c->cfg->name : "-", c->id, c->spi_in, c->spi_out, l, r,
		   c->n_ts_local > 1 || c->n_ts_remote > 1 ? " ..." : "", p,
		   c->encap ? ", UDP-encapsulated" : "");
}

/* ---- inner classification: the remote selectors -> this IKE_SA's segment ---- */

/* Appends the prefix to the child's list if the table took it (not another's). */
static void classify_prefix(struct ike_sa *sa, struct child_sa *c, int family, const uint8_t *a,
			    unsigned int len)
{
	struct child_prefix p = { .key = { .family = (uint8_t)family }, .len = (uint8_t)len };
	struct child_prefix *grown;

	memcpy(p.key.addr, a, family == AF_INET ? 4 : 16);
	if (classify_add(sa->mgr->deps.classify, &p.key, len, sa->segment))
		return; /* already there for another CHILD_SA, or the table is full */
	grown = realloc(c->classified, (c->n_classified + 1) * sizeof(*grown));
	if (!grown) {
		(void)!classify_remove(sa->mgr->deps.classify, &p.key, len);
		return;
	}
	c->classified = grown;
	c->classified[c->n_classified++] = p;
}

struct classify_walk {
	struct ike_sa *sa;
	struct child_sa *c;
	int family;
};

static void classify_one(void *ctx, const uint8_t *addr, unsigned int plen)
{
	struct classify_walk *w = ctx;

	classify_prefix(w->sa, w->c, w->family, addr, plen);
}

/* A selector's address range as the fewest prefixes (at most 64 per selector). */
static void classify_range(struct ike_sa *sa, struct child_sa *c, int family,
			   const uint8_t *from, const uint8_t *to)
{
	struct classify_walk w = { sa, c, family };

	(void)!prefix_cover(from, to, family == AF_INET ? 4 : 16, 64, classify_one, &w);
}

static void child_classify(struct ike_sa *sa, struct child_sa *c)
{
	if (!sa->mgr->deps.classify)
		return;
	for (size_t i = 0; i < c->n_ts_remote; i++) {
		const struct ike_ts *t = &c->ts_remote[i];

		if (t->type == IKE_TS_IPV4_ADDR_RANGE)
			classify_range(sa, c, AF_INET, t->start, t->end);
		else if (t->type == IKE_TS_IPV6_ADDR_RANGE)
			classify_range(sa, c, AF_INET6, t->start, t->end);
	}
}

static void child_unclassify(struct ike_sa *sa, struct child_sa *c)
{
	for (size_t i = 0; i < c->n_classified; i++)
		(void)!classify_remove(sa->mgr->deps.classify, &c->classified[i].key,
				       c->classified[i].len);
	free(c->classified);
	c->classified = NULL;
	c->n_classified = 0;
}

static void child_link(struct ike_sa *sa, struct child_sa *c)
{
	c->state = CHILD_SA_INSTALLED;
	c->installed_at = ike_now_ms() / 1000u;
	c->next = sa->children;
	sa->children = c;
	sa->mgr->n_children++;
	child_classify(sa, c);
	child_log_up(sa, c);
	ike_mgr_emit(sa->mgr, IKE_EV_CHILD_UP, sa, c);
}

static void child_unwind(struct ike_sa *sa, struct child_sa *c)
{
	struct kernel_ipsec *k = sa->mgr->deps.kernel;

	if (c->policies_added)
		(void)child_policies(sa, c, false);
	if (c->installed_in && kernel_ipsec_del_sa(k, c->spi_in, IPPROTO_ESP, &sa->local))
		ike_sa_log(sa, LOG_WARNING, "removing inbound SA %08x failed", c->spi_in);
	if (c->installed_out && kernel_ipsec_del_sa(k, c->spi_out, IPPROTO_ESP, &sa->remote))
		ike_sa_log(sa, LOG_WARNING, "removing outbound SA %08x failed", c->spi_out);
	c->installed_in = c->installed_out = false;
}

void child_sa_destroy(struct ike_sa *sa, struct child_sa *child)
{
	for (struct child_sa **pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == child) {
			*pp = child->next;
			sa->mgr->n_children--;
			break;
		}
	}
	child_unwind(sa, child);
	child_unclassify(sa, child);
	ike_sa_log(sa, LOG_NOTICE, "CHILD_SA %s{%" PRIu64 "} removed",
		   child->cfg ? child->cfg->name : "-", child->id);
	ike_mgr_emit(sa->mgr, IKE_EV_CHILD_DOWN, sa, child);
	free(child);
}

/*
 * Our selectors of cfg for this SA: local with our address, remote with the
 * peer's (remote_host, normally its IKE address).
 */
static int cfg_ts_for(struct ike_sa *sa, const struct child_cfg *cfg,
		      const struct sockaddr_storage *remote_host, struct ike_ts *loc, size_t *n_loc,
		      struct ike_ts *rem, size_t *n_rem)
{
	static const struct config_ts dynamic = { .dynamic = true };
	int rc;

	rc = ts_from_config(cfg->local_ts.count ? cfg->local_ts.items : &dynamic,
			    cfg->local_ts.count ? cfg->local_ts.count : 1, &sa->local, loc,
			    IKE_MAX_TS, n_loc);
	if (rc == 0)
		rc = ts_from_config(cfg->remote_ts.count ? cfg->remote_ts.items : &dynamic,
				    cfg->remote_ts.count ? cfg->remote_ts.count : 1, remote_host,
				    rem, IKE_MAX_TS, n_rem);
	return rc;
}

static int cfg_ts(struct ike_sa *sa, const struct child_cfg *cfg, struct ike_ts *loc,
		  size_t *n_loc, struct ike_ts *rem, size_t *n_rem)
{
	return cfg_ts_for(sa, cfg, &sa->remote, loc, n_loc, rem, n_rem);
}

/*
 * Behind a NAT the peer's own address (its first TSi, a single host) is not
 * the IKE address we see; "dynamic" then stands for that inner address, as
 * strongSwan's responder does. Returns false when TSi is no single host.
 */
static bool nat_inner_host(const struct ike_sa *sa, const struct ike_pld_ts *tsi,
			   struct sockaddr_storage *out)
{
	const struct ike_ts *t = tsi->n_ts ? &tsi->ts[0] : NULL;
	size_t n;

	if (!sa->nat_remote || !t ||
	    (t->type != IKE_TS_IPV4_ADDR_RANGE && t->type != IKE_TS_IPV6_ADDR_RANGE))
		return false;
	n = t->type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;
	if (memcmp(t->start, t->end, n))
		return false;
	memset(out, 0, sizeof(*out));
	if (n == 4) {
		out->ss_family = AF_INET;
		memcpy(&((struct sockaddr_in *)out)->sin_addr, t->start, 4);
	} else {
		out->ss_family = AF_INET6;
		memcpy(&((struct sockaddr_in6 *)out)->sin6_addr, t->start, 16);
	}
	return true;
}

int child_sa_respond(struct ike_sa *sa, const struct ike_msg *msg, struct child_resp_store *st,
		     struct ike_pld *plds, size_t *n, uint16_t *notify)
{
	const struct ike_pld *sa_p = ike_msg_find(msg, IKE_PLD_SA, NULL);
	const struct ike_pld *tsi_p = ike_msg_find(msg, IKE_PLD_TSI, NULL);
	const struct ike_pld *tsr_p = ike_msg_find(msg, IKE_PLD_TSR, NULL);
	bool want_transport = ike_msg_find_notify(msg, IKE_N_USE_TRANSPORT_MODE) != NULL;
	const struct child_cfg *cfg = NULL;
	struct proposal *ours = NULL, sel;
	struct child_sa *c = NULL;
	struct sockaddr_storage inner;
	bool have_inner;
	size_t n_ours = 0, k = 0;
	int rc;

	*notify = IKE_N_TS_UNACCEPTABLE;
	if (!sa_p || !tsi_p || !tsr_p) {
		*notify = IKE_N_INVALID_SYNTAX;
		return -EBADMSG;
	}
	c = child_new(sa, NULL);
	if (!c) {
		*notify = IKE_N_TEMPORARY_FAILURE;
		return -ENOMEM;
	}
	/* the first child config whose selectors fit (TSi is the peer's side) */
	have_inner = nat_inner_host(sa, &tsi_p->u.ts, &inner);
	for (size_t i = 0; i < sa->conn->n_children && !cfg; i++) {
		const struct child_cfg *cc = &sa->conn->children[i];
		struct ike_ts loc[IKE_MAX_TS], rem[IKE_MAX_TS];
		size_t nl = 0, nr = 0;

		if (cfg_ts_for(sa, cc, have_inner ? &inner : &sa->remote, loc, &nl, rem, &nr))
			continue;
		if (ts_narrow(rem, nr, tsi_p->u.ts.ts, tsi_p->u.ts.n_ts, c->ts_remote, IKE_MAX_TS,
			      &c->n_ts_remote) ||
		    ts_narrow(loc, nl, tsr_p->u.ts.ts, tsr_p->u.ts.n_ts, c->ts_local, IKE_MAX_TS,
			      &c->n_ts_local))
			continue;
		cfg = cc;
	}
	if (!cfg) {
		ike_sa_log(sa, LOG_NOTICE, "no child config for the traffic selectors, "
			   "answering TS_UNACCEPTABLE");
		rc = -ENOENT;
		goto fail;
	}
	c->cfg = cfg;
	ours = calloc(PROPOSAL_MAX, sizeof(*ours));
	rc = ours ? child_proposals(cfg, ours, PROPOSAL_MAX, &n_ours) : -ENOMEM;
	if (rc == 0)
		rc = proposal_select(ours, n_ours, sa_p->u.sa.proposals, sa_p->u.sa.n_proposals, 0,
				     &sel);
	free(ours);
	if (rc) {
		*notify = IKE_N_NO_PROPOSAL_CHOSEN;
		ike_sa_log(sa, LOG_NOTICE, "CHILD_SA %s: no acceptable ESP proposal", cfg->name);
		goto fail;
	}
	c->proposal = sel;
	c->spi_out = (uint32_t)sel.spi[0] << 24 | (uint32_t)sel.spi[1] << 16 |
		     (uint32_t)sel.spi[2] << 8 | sel.spi[3];
	c->transport = want_transport && cfg->mode == CONFIG_MODE_TRANSPORT;
	rc = kernel_ipsec_alloc_spi(sa->mgr->deps.kernel, &sa->remote, &sa->local, IPPROTO_ESP,
				    &c->spi_in);
	if (rc == 0)
		rc = child_install(sa, c);
	if (rc) {
		*notify = IKE_N_TEMPORARY_FAILURE;
		ike_sa_log(sa, LOG_ERR, "CHILD_SA %s: installing failed: %s", cfg->name,
			   strerror(-rc));
		child_unwind(sa, c);
		goto fail;
	}
	/* answer with our SPI in the peer's proposal number */
	sel.spi_size = 4;
	sel.spi[0] = (uint8_t)(c->spi_in >> 24);
	sel.spi[1] = (uint8_t)(c->spi_in >> 16);
	sel.spi[2] = (uint8_t)(c->spi_in >> 8);
	sel.spi[3] = (uint8_t)c->spi_in;
	rc = proposal_to_ike(&sel, sel.num, &st->prop);
	if (rc) {
		child_unwind(sa, c);
		*notify = IKE_N_TEMPORARY_FAILURE;
		goto fail;
	}
	/* proposal_to_ike points at sel's SPI: keep a copy that outlives this frame */
	memcpy(st->spi, sel.spi, 4);
	st->prop.prop.spi = st->spi;
	memcpy(st->tsi, c->ts_remote, c->n_ts_remote * sizeof(st->tsi[0]));
	memcpy(st->tsr, c->ts_local, c->n_ts_local * sizeof(st->tsr[0]));
	if (c->transport)
		plds[k++] = ike_notify_pld(IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	plds[k].type = IKE_PLD_SA;
	plds[k].u.sa.proposals = &st->prop.prop;
	plds[k++].u.sa.n_proposals = 1;
	plds[k].type = IKE_PLD_TSI;
	plds[k].u.ts.ts = st->tsi;
	plds[k++].u.ts.n_ts = c->n_ts_remote;
	plds[k].type = IKE_PLD_TSR;
	plds[k].u.ts.ts = st->tsr;
	plds[k++].u.ts.n_ts = c->n_ts_local;
	*n = k;
	child_link(sa, c);
	return 0;
fail:
	sa->mgr->stats.child_failed++;
	free(c);
	return rc ? rc : -ENOENT;
}

int child_sa_request(struct ike_sa *sa, const struct child_cfg *cfg, struct child_req_store *st,
		     struct ike_pld *plds, size_t *n)
{
	size_t k = 0, n_loc = 0, n_rem = 0;
	int rc;

	rc = child_proposals(cfg, st->props, PROPOSAL_MAX, &st->n_props);
	if (rc == 0)
		rc = kernel_ipsec_alloc_spi(sa->mgr->deps.kernel, &sa->remote, &sa->local,
					    IPPROTO_ESP, &st->spi);
	if (rc == 0)
		rc = cfg_ts(sa, cfg, st->tsi, &n_loc, st->tsr, &n_rem);
	if (rc)
		return rc;
	for (size_t i = 0; i < st->n_props; i++) {
		struct proposal *p = &st->props[i];

		p->spi_size = 4;
		p->spi[0] = (uint8_t)(st->spi >> 24);
		p->spi[1] = (uint8_t)(st->spi >> 16);
		p->spi[2] = (uint8_t)(st->spi >> 8);
		p->spi[3] = (uint8_t)st->spi;
		rc = proposal_to_ike(p, (uint8_t)(i + 1), &st->ike[i]);
		if (rc)
			return rc;
		st->list[i] = st->ike[i].prop;
	}
	if (cfg->mode == CONFIG_MODE_TRANSPORT)
		plds[k++] = ike_notify_pld(IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	plds[k].type = IKE_PLD_SA;
	plds[k].u.sa.proposals = st->list;
	plds[k++].u.sa.n_proposals = st->n_props;
	st->n_tsi = n_loc;
	st->n_tsr = n_rem;
	plds[k].type = IKE_PLD_TSI;
	plds[k].u.ts.ts = st->tsi;
	plds[k++].u.ts.n_ts = n_loc;
	plds[k].type = IKE_PLD_TSR;
	plds[k].u.ts.ts = st->tsr;
	plds[k++].u.ts.n_ts = n_rem;
	*n = k;
	return 0;
}

int child_sa_complete(struct ike_sa *sa, const struct child_cfg *cfg,
		      const struct child_req_store *st, const struct ike_msg *msg)
{
	const struct ike_pld *sa_p = ike_msg_find(msg, IKE_PLD_SA, NULL);
	const struct ike_pld *tsi_p = ike_msg_find(msg, IKE_PLD_TSI, NULL);
	const struct ike_pld *tsr_p = ike_msg_find(msg, IKE_PLD_TSR, NULL);
	struct child_sa *c;
	struct proposal sel;
	int rc;

	if (!sa_p || !tsi_p || !tsr_p || sa_p->u.sa.n_proposals != 1 ||
	    tsi_p->u.ts.n_ts > IKE_MAX_TS || tsr_p->u.ts.n_ts > IKE_MAX_TS) {
		ike_sa_log(sa, LOG_NOTICE, "CHILD_SA %s: incomplete answer", cfg->name);
		return -EBADMSG;
	}
	rc = proposal_select(st->props, st->n_props, sa_p->u.sa.proposals, 1, 0, &sel);
	if (rc) {
		ike_sa_log(sa, LOG_NOTICE, "CHILD_SA %s: the peer chose a proposal we did not offer",
			   cfg->name);
		return -EPROTO;
	}
	/* RFC 7296 §2.9: the responder may only narrow what we asked for */
	if (!ts_list_is_subset(tsi_p->u.ts.ts, tsi_p->u.ts.n_ts, st->tsi, st->n_tsi) ||
	    !ts_list_is_subset(tsr_p->u.ts.ts, tsr_p->u.ts.n_ts, st->tsr, st->n_tsr)) {
		ike_sa_log(sa, LOG_NOTICE, "CHILD_SA %s: the peer widened the traffic selectors",
			   cfg->name);
		return -EPROTO;
	}
	c = child_new(sa, cfg);
	if (!c)
		return -ENOMEM;
	c->proposal = sel;
	c->spi_in = st->spi;
	c->spi_out = (uint32_t)sel.spi[0] << 24 | (uint32_t)sel.spi[1] << 16 |
		     (uint32_t)sel.spi[2] << 8 | sel.spi[3];
	c->transport = cfg->mode == CONFIG_MODE_TRANSPORT &&
		       ike_msg_find_notify(msg, IKE_N_USE_TRANSPORT_MODE) != NULL;
	c->n_ts_local = tsi_p->u.ts.n_ts;
	memcpy(c->ts_local, tsi_p->u.ts.ts, c->n_ts_local * sizeof(c->ts_local[0]));
	c->n_ts_remote = tsr_p->u.ts.n_ts;
	memcpy(c->ts_remote, tsr_p->u.ts.ts, c->n_ts_remote * sizeof(c->ts_remote[0]));
	for (size_t i = 0; i < c->n_ts_local; i++)
		c->ts_local[i].raw = NULL;
	for (size_t i = 0; i < c->n_ts_remote; i++)
		c->ts_remote[i].raw = NULL;
	rc = child_install(sa, c);
	if (rc) {
		ike_sa_log(sa, LOG_ERR, "CHILD_SA %s: installing failed: %s", cfg->name,
			   strerror(-rc));
		child_unwind(sa, c);
		free(c);
		return rc;
	}
	child_link(sa, c);
	return 0;
}
