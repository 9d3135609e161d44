/*
 * The null backend (kernel_null.h): SAs, SPI reservations and policies in
 * two chained hash tables. kernel_ipsec.c has validated every argument.
 */
#include "kernel/kernel_null.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

/* Tries for a free random SPI before giving up with -ENOSPC. */
#define NULL_SPI_TRIES 64
#define NULL_TABLE_MIN 64

/* An intrusive chained hash table; nodes are the first member of their entry. */
struct node {
	struct node *next;
	uint32_t hash;
};

struct table {
	struct node **b;
	size_t n; /* buckets, a power of two */
	size_t count;
};

/* A live SA, or (larval) an SPI reservation with only spi, protocol and dst. */
struct null_sa {
	struct node node;
	bool larval;
	struct kernel_sa sa; /* keys and selectors owned (ts_*_own) */
	struct kernel_ts *ts_local_own, *ts_remote_own;
	uint64_t seq_out;
	uint64_t replay_top;
	uint8_t replay_bitmap[KERNEL_REPLAY_WINDOW_MAX / 8];
};

struct null_policy {
	struct node node;
	struct kernel_policy p;
};

struct kernel_null {
	struct kernel_ipsec *k;
	struct table sas; /* live and larval, hashed by SPI */
	size_t n_live;
	struct table policies; /* hashed by (src, dst, dir) */
};

static int table_init(struct table *t)
{
	t->b = calloc(NULL_TABLE_MIN, sizeof(*t->b));
	t->n = NULL_TABLE_MIN;
	t->count = 0;
	return t->b ? 0 : -ENOMEM;
}

static struct node *table_first(const struct table *t, uint32_t hash)
{
	return t->b[hash & (t->n - 1)];
}

/* Doubles the buckets when full; a failed resize only costs speed. */
static void table_insert(struct table *t, struct node *nd)
{
	struct node **b;

	if (t->count >= t->n && (b = calloc(2 * t->n, sizeof(*b)))) {
		for (size_t i = 0; i < t->n; i++) {
			while (t->b[i]) {
				struct node *m = t->b[i];

				t->b[i] = m->next;
				m->next = b[m->hash & (2 * t->n - 1)];
				b[m->hash & (2 * t->n - 1)] = m;
			}
		}
		free(t->b);
		t->b = b;
		t->n *= 2;
	}
	nd->next = t->b[nd->hash & (t->n - 1)];
	t->b[nd->hash & (t->n - 1)] = nd;
	t->count++;
}

static void table_remove(struct table *t, struct node *nd)
{
	for (struct node **pp = &t->b[nd->hash & (t->n - 1)]; *pp; pp = &(*pp)->next) {
		if (*pp == nd) {
			*pp = nd->next;
			t->count--;
			return;
		}
	}
}

/* murmur3's finalizer: SPIs chosen by peers need not be random */
static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static struct null_sa *sa_of(struct node *nd)
{
	return (struct null_sa *)nd;
}

static struct null_sa *sa_find(const struct kernel_null *kn, uint32_t spi, uint8_t protocol,
			       const struct sockaddr_storage *dst)
{
	for (struct node *nd = table_first(&kn->sas, mix32(spi)); nd; nd = nd->next) {
		struct null_sa *e = sa_of(nd);

		if (e->sa.spi == spi && e->sa.protocol == protocol &&
		    kernel_ipsec_addr_equal(&e->sa.dst, dst))
			return e;
	}
	return NULL;
}

static struct null_sa *live_find(const struct kernel_null *kn, uint32_t spi, uint8_t protocol,
				 const struct sockaddr_storage *dst)
{
	struct null_sa *e = sa_find(kn, spi, protocol, dst);

	return e && !e->larval ? e : NULL;
}

static bool spi_used(const struct kernel_null *kn, uint32_t spi, uint8_t protocol)
{
	for (struct node *nd = table_first(&kn->sas, mix32(spi)); nd; nd = nd->next)
		if (sa_of(nd)->sa.spi == spi && sa_of(nd)->sa.protocol == protocol)
			return true;
	return false;
}

static void sa_release(struct null_sa *e)
{
	secret_free(&e->sa.encr_key);
	secret_free(&e->sa.integ_key);
	free(e->ts_local_own);
	free(e->ts_remote_own);
	e->ts_local_own = e->ts_remote_own = NULL;
	e->sa.ts_local = e->sa.ts_remote = NULL;
}

static void sa_unlink(struct kernel_null *kn, struct null_sa *e)
{
	table_remove(&kn->sas, &e->node);
	if (!e->larval)
		kn->n_live--;
	sa_release(e);
	free(e);
}

static size_t ts_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static bool ts_equal(const struct kernel_ts *a, const struct kernel_ts *b)
{
	size_t len = ts_len(a->family);

	return a->family == b->family && !memcmp(a->from, b->from, len) &&
	       !memcmp(a->to, b->to, len) && a->proto == b->proto && a->port_from == b->port_from &&
	       a->port_to == b->port_to;
}

/* FNV-1a over the identity of a selector */
static uint32_t ts_hash(uint32_t h, const struct kernel_ts *ts)
{
	size_t len = ts_len(ts->family);
	uint8_t extra[5] = { (uint8_t)ts->family, (uint8_t)(ts->port_from >> 8),
			     (uint8_t)ts->port_from, (uint8_t)(ts->port_to >> 8),
			     (uint8_t)ts->port_to };

	for (size_t i = 0; i < len; i++)
		h = (h ^ ts->from[i]) * 16777619u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ ts->to[i]) * 16777619u;
	for (size_t i = 0; i < sizeof(extra); i++)
		h = (h ^ extra[i]) * 16777619u;
	return (h ^ ts->proto) * 16777619u;
}

static uint32_t policy_hash(const struct kernel_policy *p)
{
	return mix32(ts_hash(ts_hash((2166136261u ^ p->dir) * 16777619u, &p->src), &p->dst));
}

static struct null_policy *policy_find(const struct kernel_null *kn, const struct kernel_policy *p)
{
	for (struct node *nd = table_first(&kn->policies, policy_hash(p)); nd; nd = nd->next) {
		struct null_policy *e = (struct null_policy *)nd;

		if (e->p.dir == p->dir && ts_equal(&e->p.src, &p->src) &&
		    ts_equal(&e->p.dst, &p->dst))
			return e;
	}
	return NULL;
}

static int null_create(struct kernel_ipsec *k, qb_loop_t *loop, void **priv)
{
	struct kernel_null *kn = calloc(1, sizeof(*kn));

	UNUSED(loop);
	if (!kn)
		return -ENOMEM;
	kn->k = k;
	if (table_init(&kn->sas) || table_init(&kn->policies)) {
		free(kn->sas.b);
		free(kn->policies.b);
		free(kn);
		return -ENOMEM;
	}
	*priv = kn;
	return 0;
}

static void null_destroy(void *priv)
{
	struct kernel_null *kn = priv;

	for (size_t i = 0; i < kn->sas.n; i++) {
		while (kn->sas.b[i])
			sa_unlink(kn, sa_of(kn->sas.b[i]));
	}
	for (size_t i = 0; i < kn->policies.n; i++) {
		while (kn->policies.b[i]) {
			struct node *nd = kn->policies.b[i];

			table_remove(&kn->policies, nd);
			free(nd);
		}
	}
	free(kn->sas.b);
	free(kn->policies.b);
	free(kn);
}

static int null_alloc_spi(void *priv, const struct sockaddr_storage *src,
			  const struct sockaddr_storage *dst, uint8_t protocol, uint32_t *spi)
{
	struct kernel_null *kn = priv;
	struct null_sa *e;
	uint32_t v = 0;
	int i;

	for (i = 0; i < NULL_SPI_TRIES; i++) {
		uint8_t r[4];

		if (RAND_bytes(r, sizeof(r)) != 1)
			return -EIO;
		v = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3];
		if (v >= KERNEL_SPI_MIN && !spi_used(kn, v, protocol))
			break;
	}
	if (i == NULL_SPI_TRIES)
		return -ENOSPC;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->larval = true;
	e->sa.spi = v;
	e->sa.protocol = protocol;
	e->sa.inbound = true;
	e->sa.src = *src;
	e->sa.dst = *dst;
	e->node.hash = mix32(v);
	table_insert(&kn->sas, &e->node);
	*spi = v;
	return 0;
}

static int ts_dup(const struct kernel_ts *ts, size_t n, struct kernel_ts **out)
{
	*out = NULL;
	if (!n)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	memcpy(*out, ts, n * sizeof(**out));
	return 0;
}

static int null_add_sa(void *priv, const struct kernel_sa *sa)
{
	struct kernel_null *kn = priv;
	struct null_sa *e = sa_find(kn, sa->spi, sa->protocol, &sa->dst);
	struct null_sa *n;
	int rc;

	if (e && !e->larval)
		return -EEXIST;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->sa = *sa;
	n->sa.encr_key = (struct secret){ 0 };
	n->sa.integ_key = (struct secret){ 0 };
	rc = secret_dup(&n->sa.encr_key, sa->encr_key.ptr, sa->encr_key.len);
	if (rc == 0)
		rc = secret_dup(&n->sa.integ_key, sa->integ_key.ptr, sa->integ_key.len);
	if (rc == 0)
		rc = ts_dup(sa->ts_local, sa->n_ts_local, &n->ts_local_own);
	if (rc == 0)
		rc = ts_dup(sa->ts_remote, sa->n_ts_remote, &n->ts_remote_own);
	if (rc) {
		sa_release(n);
		free(n);
		return rc;
	}
	n->sa.ts_local = n->ts_local_own;
	n->sa.ts_remote = n->ts_remote_own;
	n->seq_out = sa->inbound ? 0 : 1;
	n->node.hash = mix32(sa->spi);
	if (e)
		sa_unlink(kn, e); /* the reservation ends */
	table_insert(&kn->sas, &n->node);
	kn->n_live++;
	return 0;
}

static int null_update_sa(void *priv, uint32_t spi, uint8_t protocol,
			  const struct sockaddr_storage *dst_old,
			  const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
			  bool encap)
{
	struct kernel_null *kn = priv;
	struct null_sa *e = live_find(kn, spi, protocol, dst_old);
	struct null_sa *other = sa_find(kn, spi, protocol, dst);

	if (!e)
		return -ENOENT;
	if (other && other != e)
		return -EEXIST;
	e->sa.src = *src;
	e->sa.dst = *dst;
	e->sa.encap = encap;
	return 0;
}

static int null_query_sa(void *priv, uint32_t spi, uint8_t protocol,
			 const struct sockaddr_storage *dst, struct kernel_sa_state *st)
{
	struct null_sa *e = live_find(priv, spi, protocol, dst);

	if (!e)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->seq_out = e->seq_out;
	st->replay_top = e->replay_top;
	memcpy(st->replay_bitmap, e->replay_bitmap, sizeof(st->replay_bitmap));
	st->replay_window = e->sa.replay_window;
	return 0;
}

static int null_set_seq(void *priv, uint32_t spi, uint8_t protocol,
			const struct sockaddr_storage *dst, uint64_t seq_out)
{
	struct null_sa *e = live_find(priv, spi, protocol, dst);

	if (!e)
		return -ENOENT;
	if (e->sa.inbound)
		return -EINVAL;
	if (seq_out < e->seq_out || (!e->sa.esn && seq_out > (uint64_t)UINT32_MAX + 1))
		return -ERANGE;
	e->seq_out = seq_out;
	return 0;
}

static int null_set_replay(void *priv, uint32_t spi, uint8_t protocol,
			   const struct sockaddr_storage *dst, const struct kernel_sa_state *st)
{
	struct null_sa *e = live_find(priv, spi, protocol, dst);
	uint32_t w;

	if (!e)
		return -ENOENT;
	if (!e->sa.inbound || st->replay_window != e->sa.replay_window)
		return -EINVAL;
	if (st->replay_top < e->replay_top || (!e->sa.esn && st->replay_top > UINT32_MAX))
		return -ERANGE;
	w = e->sa.replay_window;
	e->replay_top = st->replay_top;
	memset(e->replay_bitmap, 0, sizeof(e->replay_bitmap));
	memcpy(e->replay_bitmap, st->replay_bitmap, w / 8);
	if (w % 8)
		e->replay_bitmap[w / 8] = st->replay_bitmap[w / 8] & (uint8_t)((1u << (w % 8)) - 1);
	return 0;
}

static int null_del_sa(void *priv, uint32_t spi, uint8_t protocol,
		       const struct sockaddr_storage *dst)
{
	struct kernel_null *kn = priv;
	struct null_sa *e = sa_find(kn, spi, protocol, dst);

	if (!e)
		return -ENOENT;
	sa_unlink(kn, e);
	return 0;
}

static int null_add_policy(void *priv, const struct kernel_policy *p)
{
	struct kernel_null *kn = priv;
	struct null_policy *e;

	if (policy_find(kn, p))
		return -EEXIST;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->p = *p;
	e->node.hash = policy_hash(p);
	table_insert(&kn->policies, &e->node);
	return 0;
}

static int null_del_policy(void *priv, const struct kernel_policy *p)
{
	struct kernel_null *kn = priv;
	struct null_policy *e = policy_find(kn, p);

	if (!e)
		return -ENOENT;
	table_remove(&kn->policies, &e->node);
	free(e);
	return 0;
}

static size_t null_sa_count(const void *priv)
{
	return ((const struct kernel_null *)priv)->n_live;
}

static size_t null_policy_count(const void *priv)
{
	return ((const struct kernel_null *)priv)->policies.count;
}

const struct kernel_ops kernel_null_ops = {
	.name = "null",
	.needs_loop = false,
	.create = null_create,
	.destroy = null_destroy,
	.alloc_spi = null_alloc_spi,
	.add_sa = null_add_sa,
	.update_sa = null_update_sa,
	.query_sa = null_query_sa,
	.set_seq = null_set_seq,
	.set_replay = null_set_replay,
	.del_sa = null_del_sa,
	.add_policy = null_add_policy,
	.del_policy = null_del_policy,
	.sa_count = null_sa_count,
	.policy_count = null_policy_count,
};

static struct kernel_null *null_of(struct kernel_ipsec *k)
{
	return kernel_ipsec_ops(k) == &kernel_null_ops ? kernel_ipsec_priv(k) : NULL;
}

int kernel_null_expire(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
		       const struct sockaddr_storage *dst, bool hard)
{
	struct kernel_null *kn = null_of(k);
	struct kernel_event ev = { 0 };
	struct null_sa *e;

	if (!kn || !dst)
		return -EINVAL;
	e = live_find(kn, spi, protocol, dst);
	if (!e)
		return -ENOENT;
	ev.type = hard ? KERNEL_EV_EXPIRE_HARD : KERNEL_EV_EXPIRE_SOFT;
	ev.spi = e->sa.spi;
	ev.protocol = e->sa.protocol;
	ev.dst = e->sa.dst;
	ev.reqid = e->sa.reqid;
	if (hard)
		sa_unlink(kn, e);
	kernel_ipsec_emit(k, &ev);
	return 0;
}

int kernel_null_acquire(struct kernel_ipsec *k, const struct kernel_policy *p)
{
	struct kernel_null *kn = null_of(k);
	struct kernel_event ev = { 0 };
	struct null_policy *e;

	if (!kn || !p || (p->src.family != AF_INET && p->src.family != AF_INET6))
		return -EINVAL;
	e = policy_find(kn, p);
	if (!e)
		return -ENOENT;
	ev.type = KERNEL_EV_ACQUIRE;
	ev.protocol = IPPROTO_ESP;
	ev.dst = e->p.tmpl_dst;
	ev.reqid = e->p.reqid;
	kernel_ipsec_emit(k, &ev);
	return 0;
}
