/*
 * kernel_ipsec: argument validation, logging and dispatch to the backend's
 * struct kernel_ops (kernel_null.c; uesp and xfrm later).
 */
#include "kernel/kernel_ipsec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "kernel/kernel_null.h"
#include "kernel/kernel_uesp.h"
#include "kernel/kernel_xfrm.h"

struct kernel_ipsec {
	const struct kernel_ops *ops;
	struct kernel_opts opts;
	char tun_name[16];
	void *priv;
	kernel_event_fn ev;
	void *ctx;
};

/* NULL ops: a known backend not built yet (-ENOTSUP). */
static const struct {
	const char *name;
	const struct kernel_ops *ops;
} backends[] = {
	{ "null", &kernel_null_ops },
	{ "uesp", &kernel_uesp_ops },
	{ "xfrm", &kernel_xfrm_ops },
};

/* Encryption transforms: key sizes allowed (0 = unused slot), AEAD or not. */
static const struct {
	uint16_t id;
	bool aead;
	uint16_t bits[3];
	uint16_t default_bits; /* encr_key_bits 0 stands for this (fixed-size keys), else 0 */
} encr_algs[] = {
	{ KERNEL_ENCR_AES_CBC, false, { 128, 192, 256 }, 0 },
	{ KERNEL_ENCR_AES_GCM_8, true, { 128, 192, 256 }, 0 },
	{ KERNEL_ENCR_AES_GCM_12, true, { 128, 192, 256 }, 0 },
	{ KERNEL_ENCR_AES_GCM_16, true, { 128, 192, 256 }, 0 },
	{ KERNEL_ENCR_CHACHA20_POLY1305, true, { 256 }, 256 },
};

/* AEAD salt (RFC 4106 §8.1, RFC 7634 §2) */
#define AEAD_SALT_LEN 4

static const struct {
	uint16_t id;
	uint16_t key_len; /* bytes */
} integ_algs[] = {
	{ KERNEL_INTEG_HMAC_SHA1_96, 20 },
	{ KERNEL_INTEG_HMAC_SHA2_256_128, 32 },
	{ KERNEL_INTEG_HMAC_SHA2_384_192, 48 },
	{ KERNEL_INTEG_HMAC_SHA2_512_256, 64 },
};

static size_t family_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static const uint8_t *addr_bytes(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr;
	return (const uint8_t *)&((const struct sockaddr_in6 *)a)->sin6_addr;
}

static uint16_t addr_port(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)a)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
}

static bool addr_valid(const struct sockaddr_storage *a)
{
	return a && family_len(a->ss_family);
}

bool kernel_ipsec_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (!addr_valid(a) || !addr_valid(b) || a->ss_family != b->ss_family)
		return false;
	return memcmp(addr_bytes(a), addr_bytes(b), family_len(a->ss_family)) == 0;
}

/* Outer addresses: both valid, one family, ports with encap. */
static bool outer_valid(const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
			bool encap)
{
	if (!addr_valid(src) || !addr_valid(dst) || src->ss_family != dst->ss_family)
		return false;
	return !encap || (addr_port(src) && addr_port(dst));
}

static bool ts_valid(const struct kernel_ts *ts)
{
	size_t len = family_len(ts->family);

	return len && memcmp(ts->from, ts->to, len) <= 0 && ts->port_from <= ts->port_to;
}

static bool ts_list_valid(const struct kernel_ts *ts, size_t n)
{
	if (n && !ts)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ts_valid(&ts[i]))
			return false;
	return true;
}

static bool mode_valid(uint8_t mode)
{
	return mode == KERNEL_MODE_TRANSPORT || mode == KERNEL_MODE_TUNNEL;
}

static bool secret_ok(const struct secret *s)
{
	return s->ptr || !s->len;
}

bool kernel_ipsec_is_aead(uint16_t encr_id)
{
	for (size_t i = 0; i < ARRAY_SIZE(encr_algs); i++)
		if (encr_algs[i].id == encr_id)
			return encr_algs[i].aead;
	return false;
}

/* Algorithms and key lengths: -ENOTSUP for unknown transforms, else -EINVAL. */
static int check_algs(const struct kernel_sa *sa)
{
	size_t i, j;
	uint16_t bits = sa->encr_key_bits;
	size_t want;

	if (!secret_ok(&sa->encr_key) || !secret_ok(&sa->integ_key))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(encr_algs) && encr_algs[i].id != sa->encr_id; i++)
		;
	if (i == ARRAY_SIZE(encr_algs))
		return -ENOTSUP;
	if (bits == 0)
		bits = encr_algs[i].default_bits;
	for (j = 0; j < ARRAY_SIZE(encr_algs[i].bits); j++)
		if (bits && encr_algs[i].bits[j] == bits)
			break;
	if (j == ARRAY_SIZE(encr_algs[i].bits))
		return -EINVAL;
	want = bits / 8u + (encr_algs[i].aead ? AEAD_SALT_LEN : 0);
	if (sa->encr_key.len != want)
		return -EINVAL;
	if (encr_algs[i].aead)
		return sa->integ_id == KERNEL_INTEG_NONE && sa->integ_key.len == 0 ? 0 : -EINVAL;
	if (sa->integ_id == KERNEL_INTEG_NONE)
		return -EINVAL;
	for (j = 0; j < ARRAY_SIZE(integ_algs) && integ_algs[j].id != sa->integ_id; j++)
		;
	if (j == ARRAY_SIZE(integ_algs))
		return -ENOTSUP;
	return sa->integ_key.len == integ_algs[j].key_len ? 0 : -EINVAL;
}

static bool lifetime_valid(uint64_t soft, uint64_t hard)
{
	return !soft || !hard || soft <= hard;
}

static int check_protocol(uint8_t protocol)
{
	if (protocol == IPPROTO_ESP)
		return 0;
	return protocol == IPPROTO_AH ? -ENOTSUP : -EINVAL;
}

static int check_sa(const struct kernel_sa *sa)
{
	int rc = check_protocol(sa->protocol);

	if (rc)
		return rc;
	if (sa->spi < KERNEL_SPI_MIN || !outer_valid(&sa->src, &sa->dst, sa->encap) ||
	    !mode_valid(sa->mode) || sa->replay_window > KERNEL_REPLAY_WINDOW_MAX ||
	    (sa->inbound && sa->esn && sa->replay_window == 0) ||
	    !lifetime_valid(sa->soft_time, sa->hard_time) ||
	    !lifetime_valid(sa->soft_bytes, sa->hard_bytes) ||
	    !lifetime_valid(sa->soft_packets, sa->hard_packets) ||
	    !ts_list_valid(sa->ts_local, sa->n_ts_local) ||
	    !ts_list_valid(sa->ts_remote, sa->n_ts_remote))
		return -EINVAL;
	return check_algs(sa);
}

/* (spi, protocol, dst) of an existing SA. */
static int check_id(const struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
		    const struct sockaddr_storage *dst)
{
	int rc;

	if (!k || !addr_valid(dst))
		return -EINVAL;
	rc = check_protocol(protocol);
	if (rc)
		return rc;
	return spi < KERNEL_SPI_MIN ? -EINVAL : 0;
}

static int check_policy(const struct kernel_policy *p)
{
	bool tmpl_none = p->tmpl_src.ss_family == AF_UNSPEC && p->tmpl_dst.ss_family == AF_UNSPEC;

	if (!ts_valid(&p->src) || !ts_valid(&p->dst) || p->src.family != p->dst.family ||
	    p->dir > KERNEL_DIR_FWD || !mode_valid(p->mode))
		return -EINVAL;
	if (p->mode == KERNEL_MODE_TRANSPORT && tmpl_none)
		return 0;
	return outer_valid(&p->tmpl_src, &p->tmpl_dst, false) ? 0 : -EINVAL;
}

/* "192.0.2.1" or "2001:db8::1"; "?" for anything else. */
static const char *addr_str(const struct sockaddr_storage *a, char *buf, size_t len)
{
	if (!addr_valid(a) || !inet_ntop(a->ss_family, addr_bytes(a), buf, (socklen_t)len))
		return "?";
	return buf;
}

static const char *ts_str(const struct kernel_ts *ts, char *buf, size_t len)
{
	char f[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];

	if (!inet_ntop(ts->family, ts->from, f, sizeof(f)) ||
	    !inet_ntop(ts->family, ts->to, t, sizeof(t)))
		return "?";
	snprintf(buf, len, "%s..%s[%u/%u-%u]", f, t, ts->proto, ts->port_from, ts->port_to);
	return buf;
}

static const char *const dir_names[] = { "in", "out", "fwd" };

int kernel_ipsec_new(struct kernel_ipsec **out, const char *backend, qb_loop_t *loop,
		     kernel_event_fn ev, void *ctx)
{
	return kernel_ipsec_new_opts(out, backend, loop, ev, ctx, NULL);
}

/* A Linux interface name: 1..15 bytes, no '/', no whitespace. */
static bool ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 16 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ')
			return false;
	return true;
}

static int opts_fill(struct kernel_ipsec *k, const struct kernel_opts *o)
{
	const char *tun = o && o->tun_name ? o->tun_name : "ikn0";

	if (!ifname_valid(tun))
		return -EINVAL;
	if (o && o->mtu && (o->mtu < 576 || o->mtu > 65535))
		return -EINVAL;
	memcpy(k->tun_name, tun, strlen(tun) + 1);
	k->opts.tun_name = k->tun_name;
	k->opts.mtu = o && o->mtu ? o->mtu : 1400;
	k->opts.route_table = o && o->route_table ? o->route_table : 220;
	k->opts.fwmark = o && o->fwmark ? o->fwmark : 0x42;
	k->opts.node_id = o ? o->node_id : 0;
	return 0;
}

int kernel_ipsec_new_opts(struct kernel_ipsec **out, const char *backend, qb_loop_t *loop,
			  kernel_event_fn ev, void *ctx, const struct kernel_opts *opts)
{
	const struct kernel_ops *ops = NULL;
	struct kernel_ipsec *k;
	size_t i;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!backend)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(backends) && strcmp(backends[i].name, backend); i++)
		;
	if (i == ARRAY_SIZE(backends))
		return -EINVAL;
	ops = backends[i].ops;
	if (!ops)
		return -ENOTSUP;
	if (ops->needs_loop && !loop)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->ops = ops;
	k->ev = ev;
	k->ctx = ctx;
	rc = opts_fill(k, opts);
	if (rc) {
		free(k);
		return rc;
	}
	rc = ops->create(k, loop, &k->priv);
	if (rc) {
		free(k);
		return rc;
	}
	log_knl(LOG_INFO, "data plane backend: %s", ops->name);
	*out = k;
	return 0;
}

void kernel_ipsec_free(struct kernel_ipsec *k)
{
	if (!k)
		return;
	log_knl(LOG_DEBUG, "%s: removing %zu SAs and %zu policies", k->ops->name,
		k->ops->sa_count(k->priv), k->ops->policy_count(k->priv));
	k->ops->destroy(k->priv);
	free(k);
}

const char *kernel_ipsec_backend(const struct kernel_ipsec *k)
{
	return k ? k->ops->name : NULL;
}

void *kernel_ipsec_priv(const struct kernel_ipsec *k)
{
	return k ? k->priv : NULL;
}

const struct kernel_opts *kernel_ipsec_opts(const struct kernel_ipsec *k)
{
	return k ? &k->opts : NULL;
}

const struct kernel_ops *kernel_ipsec_ops(const struct kernel_ipsec *k)
{
	return k ? k->ops : NULL;
}

void kernel_ipsec_emit(struct kernel_ipsec *k, const struct kernel_event *ev)
{
	if (k && ev && k->ev)
		k->ev(k->ctx, ev);
}

int kernel_ipsec_alloc_spi(struct kernel_ipsec *k, const struct sockaddr_storage *src,
			   const struct sockaddr_storage *dst, uint8_t protocol, uint32_t *spi)
{
	int rc;

	if (!k || !spi || !outer_valid(src, dst, false))
		return -EINVAL;
	rc = check_protocol(protocol);
	if (rc == 0)
		rc = k->ops->alloc_spi(k->priv, src, dst, protocol, spi);
	if (rc == 0)
		log_knl(LOG_DEBUG, "%s: allocated SPI %08" PRIx32, k->ops->name, *spi);
	return rc;
}

int kernel_ipsec_add_sa(struct kernel_ipsec *k, const struct kernel_sa *sa)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int rc;

	if (!k || !sa)
		return -EINVAL;
	rc = check_sa(sa);
	if (rc == 0)
		rc = k->ops->add_sa(k->priv, sa);
	log_knl(LOG_DEBUG,
		"%s: add SA %08" PRIx32 " %s %s -> %s%s reqid %" PRIu32 " %s encr %u/%u integ %u "
		"segment %" PRIu32 ": %s",
		k->ops->name, sa->spi, sa->inbound ? "in" : "out", addr_str(&sa->src, s, sizeof(s)),
		addr_str(&sa->dst, d, sizeof(d)), sa->encap ? " (UDP)" : "", sa->reqid,
		sa->mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport", sa->encr_id,
		sa->encr_key_bits, sa->integ_id, sa->segment, rc ? strerror(-rc) : "ok");
	return rc;
}

int kernel_ipsec_update_sa(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
			   const struct sockaddr_storage *dst_old,
			   const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
			   bool encap)
{
	char o[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int rc = check_id(k, spi, protocol, dst_old);

	if (rc)
		return rc;
	if (!outer_valid(src, dst, encap))
		return -EINVAL;
	rc = k->ops->update_sa(k->priv, spi, protocol, dst_old, src, dst, encap);
	log_knl(LOG_DEBUG, "%s: update SA %08" PRIx32 " (dst %s) to %s:%u -> %s:%u%s: %s",
		k->ops->name, spi, addr_str(dst_old, o, sizeof(o)), addr_str(src, s, sizeof(s)),
		addr_port(src), addr_str(dst, d, sizeof(d)), addr_port(dst), encap ? " (UDP)" : "",
		rc ? strerror(-rc) : "ok");
	return rc;
}

int kernel_ipsec_query_sa(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
			  const struct sockaddr_storage *dst, struct kernel_sa_state *st)
{
	int rc = check_id(k, spi, protocol, dst);

	if (rc)
		return rc;
	if (!st)
		return -EINVAL;
	return k->ops->query_sa(k->priv, spi, protocol, dst, st);
}

int kernel_ipsec_set_seq(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
			 const struct sockaddr_storage *dst, uint64_t seq_out)
{
	int rc = check_id(k, spi, protocol, dst);

	if (rc)
		return rc;
	rc = k->ops->set_seq(k->priv, spi, protocol, dst, seq_out);
	log_knl(LOG_DEBUG, "%s: SA %08" PRIx32 " next sequence number %" PRIu64 ": %s",
		k->ops->name, spi, seq_out, rc ? strerror(-rc) : "ok");
	return rc;
}

int kernel_ipsec_set_replay(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
			    const struct sockaddr_storage *dst, const struct kernel_sa_state *st)
{
	int rc = check_id(k, spi, protocol, dst);

	if (rc)
		return rc;
	if (!st || st->replay_window > KERNEL_REPLAY_WINDOW_MAX)
		return -EINVAL;
	rc = k->ops->set_replay(k->priv, spi, protocol, dst, st);
	log_knl(LOG_DEBUG, "%s: SA %08" PRIx32 " replay top %" PRIu64 ": %s", k->ops->name, spi,
		st->replay_top, rc ? strerror(-rc) : "ok");
	return rc;
}

int kernel_ipsec_del_sa(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
			const struct sockaddr_storage *dst)
{
	char d[INET6_ADDRSTRLEN];
	int rc = check_id(k, spi, protocol, dst);

	if (rc)
		return rc;
	rc = k->ops->del_sa(k->priv, spi, protocol, dst);
	log_knl(LOG_DEBUG, "%s: delete SA %08" PRIx32 " dst %s: %s", k->ops->name, spi,
		addr_str(dst, d, sizeof(d)), rc ? strerror(-rc) : "ok");
	return rc;
}

int kernel_ipsec_add_policy(struct kernel_ipsec *k, const struct kernel_policy *p)
{
	char s[160], d[160];
	int rc;

	if (!k || !p)
		return -EINVAL;
	rc = check_policy(p);
	if (rc)
		return rc;
	rc = k->ops->add_policy(k->priv, p);
	log_knl(LOG_DEBUG,
		"%s: add policy %s === %s %s reqid %" PRIu32 " priority %" PRIu32
		" segment %" PRIu32 ": %s",
		k->ops->name, ts_str(&p->src, s, sizeof(s)), ts_str(&p->dst, d, sizeof(d)),
		dir_names[p->dir], p->reqid, p->priority, p->segment, rc ? strerror(-rc) : "ok");
	return rc;
}

int kernel_ipsec_del_policy(struct kernel_ipsec *k, const struct kernel_policy *p)
{
	char s[160], d[160];
	int rc;

	if (!k || !p || !ts_valid(&p->src) || !ts_valid(&p->dst) ||
	    p->src.family != p->dst.family || p->dir > KERNEL_DIR_FWD)
		return -EINVAL;
	rc = k->ops->del_policy(k->priv, p);
	log_knl(LOG_DEBUG, "%s: delete policy %s === %s %s: %s", k->ops->name,
		ts_str(&p->src, s, sizeof(s)), ts_str(&p->dst, d, sizeof(d)), dir_names[p->dir],
		rc ? strerror(-rc) : "ok");
	return rc;
}

size_t kernel_ipsec_sa_count(const struct kernel_ipsec *k)
{
	return k ? k->ops->sa_count(k->priv) : 0;
}

size_t kernel_ipsec_policy_count(const struct kernel_ipsec *k)
{
	return k ? k->ops->policy_count(k->priv) : 0;
}
