/*
 * The nft fast path of the segment filter (filter.h): our own nftables
 * table, built with libnftnl messages in libmnl batches (one transaction per
 * change, no `nft` binary). Layout, for table T of family ip (ip6: the same
 * with 16-byte addresses at the IPv6 offsets):
 *
 *   table ip T {
 *     counter all0 .. all<N-1>, drop0 .. drop<N-1>
 *     map cnt_all  { type integer : counter; elements = { 0 : "all0", ... } }
 *     map cnt_drop { type integer : counter; elements = { 0 : "drop0", ... } }
 *     set owned    { type integer; }            (host-order u32 segment numbers)
 *     chain pre {
 *       type filter hook prerouting priority -150; policy accept;
 *       ip daddr CLUSTER_IP  jhash ip saddr mod N seed S  counter name @cnt_all
 *           != @owned  counter name @cnt_drop  drop
 *     }
 *   }
 *
 * The rule keeps the hash in register 1 for the counter maps and the set
 * lookup, so each packet is hashed once and counted in at most two counters.
 * The hash is nft_hash.c's jhash over the raw address, i.e. segment_of().
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "common/log.h"
#include "segment/filter_int.h"

#define NFT_CHAIN "pre"
#define NFT_PRIO (-150)
#define NFT_SET_OWNED "owned"
#define NFT_MAP_ALL "cnt_all"
#define NFT_MAP_DROP "cnt_drop"
#define NFT_BATCH_BUF (128 * 1024)
#define NFT_ACK_TIMEOUT_MS 5000
/* nft's TYPE_INTEGER and BYTEORDER_HOST_ENDIAN, for `nft list` */
#define NFT_TYPE_INTEGER 4
#define NFT_BYTEORDER_HOST 1
/* set IDs inside the creating transaction */
enum { ID_OWNED = 1, ID_ALL, ID_DROP };

struct seg_nft {
	struct mnl_socket *nl;
	unsigned int portid;
	uint32_t seq;
	uint16_t family; /* NFPROTO_IPV4 / NFPROTO_IPV6 */
	unsigned int count;
	char table[SEG_FILTER_TABLE_MAX + 1];
};

/* One nftables transaction under construction. */
struct txn {
	struct mnl_nlmsg_batch *b;
	uint32_t first_seq;
	uint32_t last_seq; /* of the last message, the one asking for an ACK */
	bool full;
	char *buf;
};

static int txn_start(struct txn *x, struct seg_nft *t)
{
	x->buf = malloc(NFT_BATCH_BUF);
	if (!x->buf)
		return -ENOMEM;
	/* the limit leaves room for the message that overflows it */
	x->b = mnl_nlmsg_batch_start(x->buf, NFT_BATCH_BUF / 2);
	x->full = false;
	x->first_seq = t->seq;
	nftnl_batch_begin(mnl_nlmsg_batch_current(x->b), t->seq++);
	(void)mnl_nlmsg_batch_next(x->b);
	return 0;
}

static void txn_free(struct txn *x)
{
	if (x->b)
		mnl_nlmsg_batch_stop(x->b);
	free(x->buf);
}

/* The header of the next message; its payload is built by the caller, then txn_next(). */
static struct nlmsghdr *txn_hdr(struct txn *x, struct seg_nft *t, uint16_t type, uint16_t flags)
{
	x->last_seq = t->seq;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(x->b), type, t->family, flags,
				     t->seq++);
}

static void txn_next(struct txn *x)
{
	if (!mnl_nlmsg_batch_next(x->b))
		x->full = true;
}

/* Reads NLMSG_ERROR replies until the one for @last (or a batch-level error). */
static int wait_acks(const struct seg_nft *t, uint32_t first, uint32_t last)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(t->nl), .events = POLLIN };
	const struct nlmsghdr *nlh;
	int err = 0, n;

	for (;;) {
		n = poll(&pfd, 1, NFT_ACK_TIMEOUT_MS);
		if (n <= 0)
			return err ? err : (n == 0 ? -ETIMEDOUT : -errno);
		n = (int)mnl_socket_recvfrom(t->nl, buf, sizeof(buf));
		if (n < 0)
			return err ? err : -errno;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error && !err)
				err = e->error;
			if (nlh->nlmsg_seq == last || (e->error && nlh->nlmsg_seq == first))
				return err;
		}
	}
}

/* Ends, sends and waits for the transaction; frees @x. */
static int txn_commit(struct txn *x, struct seg_nft *t)
{
	struct nlmsghdr *last = NULL, *nlh;
	size_t len;
	int rc;

	if (x->full) {
		rc = -E2BIG;
		goto out;
	}
	/* only the last real message asks for an ACK; errors are reported anyway */
	len = mnl_nlmsg_batch_size(x->b);
	for (nlh = mnl_nlmsg_batch_head(x->b); (char *)nlh < x->buf + len;
	     nlh = (struct nlmsghdr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len)))
		if (nlh->nlmsg_seq == x->last_seq)
			last = nlh;
	if (!last) {
		rc = -EINVAL;
		goto out;
	}
	last->nlmsg_flags |= NLM_F_ACK;
	nftnl_batch_end(mnl_nlmsg_batch_current(x->b), t->seq++);
	(void)mnl_nlmsg_batch_next(x->b);
	if (mnl_socket_sendto(t->nl, mnl_nlmsg_batch_head(x->b), mnl_nlmsg_batch_size(x->b)) < 0)
		rc = -errno;
	else
		rc = wait_acks(t, x->first_seq, x->last_seq);
out:
	txn_free(x);
	return rc;
}

static int put_table(struct txn *x, struct seg_nft *t, uint16_t type, uint16_t flags)
{
	struct nftnl_table *tb = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!tb)
		return -ENOMEM;
	nftnl_table_set_str(tb, NFTNL_TABLE_NAME, t->table);
	nftnl_table_set_u32(tb, NFTNL_TABLE_FAMILY, t->family);
	nlh = txn_hdr(x, t, type, flags);
	nftnl_table_nlmsg_build_payload(nlh, tb);
	txn_next(x);
	nftnl_table_free(tb);
	return 0;
}

static int put_chain(struct txn *x, struct seg_nft *t)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, t->table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, NFT_CHAIN);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, t->family);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_PRE_ROUTING);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NFT_PRIO);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = txn_hdr(x, t, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	txn_next(x);
	nftnl_chain_free(c);
	return 0;
}

static int put_counter(struct txn *x, struct seg_nft *t, const char *name)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	if (!o)
		return -ENOMEM;
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, t->table);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, t->family);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = txn_hdr(x, t, NFT_MSG_NEWOBJ, NLM_F_CREATE);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	txn_next(x);
	nftnl_obj_free(o);
	return 0;
}

static struct nftnl_set *set_new(const struct seg_nft *t, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return NULL;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, t->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, t->family);
	return s;
}

/* A set of u32 keys; @prefix non-NULL: a map to the counters <prefix><key>. */
static int put_set(struct txn *x, struct seg_nft *t, const char *name, uint32_t id,
		   const char *prefix)
{
	struct nftnl_set *s = set_new(t, name);
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);
	struct nlmsghdr *nlh;
	char obj[32];
	unsigned int j;
	int rc = -ENOMEM;

	if (!s || !ud)
		goto out;
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, sizeof(uint32_t));
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, NFT_TYPE_INTEGER);
	if (!nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, NFT_BYTEORDER_HOST))
		goto out;
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	if (prefix) {
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_OBJECT | NFT_SET_CONSTANT);
		nftnl_set_set_u32(s, NFTNL_SET_OBJ_TYPE, NFT_OBJECT_COUNTER);
	}
	nlh = txn_hdr(x, t, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	txn_next(x);
	if (prefix) {
		for (j = 0; j < t->count; j++) {
			struct nftnl_set_elem *e = nftnl_set_elem_alloc();

			if (!e)
				goto out;
			snprintf(obj, sizeof(obj), "%s%u", prefix, j);
			nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_KEY, j);
			nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_OBJREF, obj);
			nftnl_set_elem_add(s, e);
		}
		nlh = txn_hdr(x, t, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		txn_next(x);
	}
	rc = 0;
out:
	nftnl_udata_buf_free(ud);
	nftnl_set_free(s);
	return rc;
}

static struct nftnl_expr *expr_payload(uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	}
	return e;
}

static struct nftnl_expr *expr_objref_map(const char *map, uint32_t id)
{
	struct nftnl_expr *e = nftnl_expr_alloc("objref");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_SET_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_SET_NAME, map);
		nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_SET_ID, id);
	}
	return e;
}

static int put_rule(struct txn *x, struct seg_nft *t, const uint8_t *cluster_ip, uint32_t seed)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e[8];
	struct nlmsghdr *nlh;
	bool v6 = t->family == NFPROTO_IPV6;
	uint32_t alen = v6 ? 16 : 4;
	unsigned int i;
	int rc = -ENOMEM;

	e[0] = expr_payload(v6 ? 24 : 16, alen); /* daddr */
	e[1] = nftnl_expr_alloc("cmp");
	e[2] = expr_payload(v6 ? 8 : 12, alen); /* saddr */
	e[3] = nftnl_expr_alloc("hash");
	e[4] = expr_objref_map(NFT_MAP_ALL, ID_ALL);
	e[5] = nftnl_expr_alloc("lookup");
	e[6] = expr_objref_map(NFT_MAP_DROP, ID_DROP);
	e[7] = nftnl_expr_alloc("immediate");
	for (i = 0; i < ARRAY_SIZE(e); i++)
		if (!e[i])
			goto out;
	if (!r)
		goto out;
	nftnl_expr_set_u32(e[1], NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e[1], NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e[1], NFTNL_EXPR_CMP_DATA, cluster_ip, alen);
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_HASH_TYPE, NFT_HASH_JENKINS);
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_HASH_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_HASH_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_HASH_LEN, alen);
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_HASH_MODULUS, t->count);
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_HASH_SEED, seed); /* always: else a random seed */
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_HASH_OFFSET, 0);
	nftnl_expr_set_u32(e[5], NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e[5], NFTNL_EXPR_LOOKUP_SET, NFT_SET_OWNED);
	nftnl_expr_set_u32(e[5], NFTNL_EXPR_LOOKUP_SET_ID, ID_OWNED);
	nftnl_expr_set_u32(e[5], NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	nftnl_expr_set_u32(e[7], NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e[7], NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, t->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NFT_CHAIN);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, t->family);
	for (i = 0; i < ARRAY_SIZE(e); i++) {
		nftnl_rule_add_expr(r, e[i]); /* the rule owns it now */
		e[i] = NULL;
	}
	nlh = txn_hdr(x, t, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	txn_next(x);
	rc = 0;
out:
	for (i = 0; i < ARRAY_SIZE(e); i++)
		if (e[i])
			nftnl_expr_free(e[i]);
	if (r)
		nftnl_rule_free(r);
	return rc;
}

/* Flush the owned set and fill it with @owned, in transaction @x. */
static int put_owned(struct txn *x, struct seg_nft *t, uint64_t owned)
{
	struct nftnl_set *s;
	struct nlmsghdr *nlh;
	unsigned int j;

	/* DELSETELEM without an element list flushes the set */
	nlh = txn_hdr(x, t, NFT_MSG_DELSETELEM, 0);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, t->table);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, NFT_SET_OWNED);
	txn_next(x);
	if (!owned)
		return 0;
	s = set_new(t, NFT_SET_OWNED);
	if (!s)
		return -ENOMEM;
	for (j = 0; j < t->count; j++) {
		struct nftnl_set_elem *e;

		if (!(owned & (UINT64_C(1) << j)))
			continue;
		e = nftnl_set_elem_alloc();
		if (!e) {
			nftnl_set_free(s);
			return -ENOMEM;
		}
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_KEY, j);
		nftnl_set_elem_add(s, e);
	}
	nlh = txn_hdr(x, t, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	txn_next(x);
	nftnl_set_free(s);
	return 0;
}

static int build_all(struct txn *x, struct seg_nft *t, const struct seg_filter_cfg *cfg)
{
	char name[32];
	unsigned int j;

	/* create-or-keep, delete, create: replaces a table left by an earlier run */
	TRY(put_table(x, t, NFT_MSG_NEWTABLE, NLM_F_CREATE));
	TRY(put_table(x, t, NFT_MSG_DELTABLE, 0));
	TRY(put_table(x, t, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL));
	TRY(put_chain(x, t));
	for (j = 0; j < t->count; j++) {
		snprintf(name, sizeof(name), "all%u", j);
		TRY(put_counter(x, t, name));
		snprintf(name, sizeof(name), "drop%u", j);
		TRY(put_counter(x, t, name));
	}
	TRY(put_set(x, t, NFT_SET_OWNED, ID_OWNED, NULL));
	TRY(put_set(x, t, NFT_MAP_ALL, ID_ALL, "all"));
	TRY(put_set(x, t, NFT_MAP_DROP, ID_DROP, "drop"));
	return put_rule(x, t, cfg->cluster_ip, cfg->seg.seed);
}

int seg_nft_new(struct seg_nft **out, const struct seg_filter_cfg *cfg)
{
	struct seg_nft *t;
	struct txn x = { 0 };
	int rc;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->table, sizeof(t->table), "%s", cfg->nft_table);
	t->family = cfg->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	t->count = cfg->seg.count;
	t->seq = (uint32_t)time(NULL);
	t->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!t->nl) {
		rc = -errno;
		goto err;
	}
	if (mnl_socket_bind(t->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto err;
	}
	t->portid = mnl_socket_get_portid(t->nl);
	rc = txn_start(&x, t);
	if (rc)
		goto err;
	rc = build_all(&x, t, cfg);
	if (rc) {
		txn_free(&x);
		goto err;
	}
	rc = txn_commit(&x, t);
	if (rc)
		goto err;
	log_seg(LOG_INFO, "nft: table %s %s installed", t->family == NFPROTO_IPV6 ? "ip6" : "ip",
		t->table);
	*out = t;
	return 0;
err:
	if (t->nl)
		mnl_socket_close(t->nl);
	free(t);
	return rc;
}

void seg_nft_free(struct seg_nft *t)
{
	struct txn x = { 0 };
	int rc;

	if (!t)
		return;
	rc = txn_start(&x, t);
	if (!rc) {
		rc = put_table(&x, t, NFT_MSG_DELTABLE, 0);
		rc = rc ? (txn_free(&x), rc) : txn_commit(&x, t);
	}
	if (rc)
		log_seg(LOG_WARNING, "nft: cannot delete table %s: %s", t->table, strerror(-rc));
	mnl_socket_close(t->nl);
	free(t);
}

int seg_nft_set_owned(struct seg_nft *t, uint64_t owned)
{
	struct txn x = { 0 };
	int rc;

	rc = txn_start(&x, t);
	if (rc)
		return rc;
	rc = put_owned(&x, t, owned);
	if (rc) {
		txn_free(&x);
		return rc;
	}
	return txn_commit(&x, t);
}

struct ctr_req {
	uint64_t pkts;
	bool found;
};

static int on_obj(const struct nlmsghdr *nlh, void *data)
{
	struct ctr_req *req = data;
	struct nftnl_obj *o = nftnl_obj_alloc();

	if (!o)
		return MNL_CB_ERROR;
	if (nftnl_obj_nlmsg_parse(nlh, o) == 0 && nftnl_obj_is_set(o, NFTNL_OBJ_CTR_PKTS)) {
		req->pkts = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
		req->found = true;
	}
	nftnl_obj_free(o);
	return MNL_CB_OK;
}

static int read_counter(const struct seg_nft *t, const char *name, uint64_t *pkts)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct ctr_req req = { 0 };
	struct nlmsghdr *nlh;
	ssize_t n;
	int rc;

	if (!o)
		return -ENOMEM;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETOBJ, t->family, NLM_F_ACK, 0);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, t->table);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	if (mnl_socket_sendto(t->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(t->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, (size_t)n, 0, t->portid, on_obj, &req);
	} while (rc > 0);
	if (rc < 0)
		return -errno;
	if (!req.found)
		return -ENOENT;
	*pkts = req.pkts;
	return 0;
}

int seg_nft_counters(const struct seg_nft *t, unsigned int seg, uint64_t *accepted,
		     uint64_t *dropped)
{
	char name[32];
	uint64_t all, drop;

	/* drop first: a packet counted in drop is then always counted in all */
	snprintf(name, sizeof(name), "drop%u", seg);
	TRY(read_counter(t, name, &drop));
	snprintf(name, sizeof(name), "all%u", seg);
	TRY(read_counter(t, name, &all));
	if (accepted)
		*accepted = all >= drop ? all - drop : 0;
	if (dropped)
		*dropped = drop;
	return 0;
}
