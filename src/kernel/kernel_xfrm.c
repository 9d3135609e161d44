/*
 * The xfrm backend (kernel_xfrm.h): XFRM netlink messages built with
 * libnl's nlmsg/nla API on the structs of <linux/xfrm.h>. libnl-xfrm's
 * object API is not used: it has no ALLOCSPI, and one code path for every
 * message keeps control of the attributes (AUTH_TRUNC only, ESN replay
 * sizes) and lets every buffer that carried keys be wiped.
 *
 * Requests go over one blocking socket (NETLINK_EXT_ACK for the kernel's
 * error text, NETLINK_CAP_ACK so that errors never echo keys back), events
 * (XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE) over a second, non-blocking one
 * polled on the qb loop. kernel_ipsec.c has validated every argument.
 */
#include "kernel/kernel_xfrm.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <openssl/crypto.h>

#include "common/log.h"

#define XFRM_BUF_LEN 65536
#define XFRM_RECV_TIMEOUT_S 5
#define XFRM_EV_RCVBUF (1 << 20)
/* The largest XFRMA_REPLAY_ESN_VAL the kernel accepts (XFRMA_REPLAY_ESN_MAX, bytes of bitmap). */
#define XFRM_ESN_BMP_MAX 4096

/* An SA or SPI reservation (larval) this object added. */
struct xfrm_sa_ent {
	uint32_t spi;
	uint8_t protocol;
	bool larval, inbound, esn;
	uint32_t reqid;
	struct sockaddr_storage dst;
};

/* A policy this object added. */
struct xfrm_pol_ent {
	struct xfrm_selector sel;
	uint8_t dir;
	uint32_t reqid;
	int tmpl_family;
};

struct kernel_xfrm {
	struct kernel_ipsec *k;
	qb_loop_t *loop;
	struct nl_sock *sk; /* requests */
	struct nl_sock *ev; /* events */
	int ev_fd;
	bool polled;
	struct xfrm_sa_ent *sas;
	size_t n_sas, cap_sas, n_live;
	struct xfrm_pol_ent *pols;
	size_t n_pols, cap_pols;
	uint8_t *buf; /* replies, wiped after each */
	uint8_t *evbuf; /* events; separate since event callbacks may send requests */
	char err_msg[128]; /* the kernel's text for the last error */
};

/* Replay state of an SA as GETAE reports it. */
struct xfrm_ae {
	bool esn_val; /* XFRMA_REPLAY_ESN_VAL (else XFRMA_REPLAY_VAL) */
	struct xfrm_replay_state legacy;
	union {
		struct xfrm_replay_state_esn esn;
		uint8_t raw[sizeof(struct xfrm_replay_state_esn) + XFRM_ESN_BMP_MAX];
	} u;
	size_t esn_len;
	struct xfrm_lifetime_cur cur;
};

/* What query/set_* need from GETSA (no keys). */
struct xfrm_sa_info {
	struct xfrm_usersa_info info;
};

typedef int (*reply_fn)(struct nlmsghdr *h, void *arg);

static const struct nla_policy xfrma_policy[XFRMA_MAX + 1] = {
	[XFRMA_ALG_AUTH] = { .minlen = sizeof(struct xfrm_algo) },
	[XFRMA_ALG_CRYPT] = { .minlen = sizeof(struct xfrm_algo) },
	[XFRMA_ALG_COMP] = { .minlen = sizeof(struct xfrm_algo) },
	[XFRMA_ALG_AEAD] = { .minlen = sizeof(struct xfrm_algo_aead) },
	[XFRMA_ALG_AUTH_TRUNC] = { .minlen = sizeof(struct xfrm_algo_auth) },
	[XFRMA_ENCAP] = { .minlen = sizeof(struct xfrm_encap_tmpl) },
	[XFRMA_TMPL] = { .minlen = sizeof(struct xfrm_user_tmpl) },
	[XFRMA_LTIME_VAL] = { .minlen = sizeof(struct xfrm_lifetime_cur) },
	[XFRMA_REPLAY_VAL] = { .minlen = sizeof(struct xfrm_replay_state) },
	[XFRMA_REPLAY_ESN_VAL] = { .minlen = sizeof(struct xfrm_replay_state_esn) },
	[XFRMA_MARK] = { .minlen = sizeof(struct xfrm_mark) },
	[XFRMA_SA_EXTRA_FLAGS] = { .minlen = sizeof(uint32_t) },
	[XFRMA_TFCPAD] = { .minlen = sizeof(uint32_t) },
	[XFRMA_IF_ID] = { .minlen = sizeof(uint32_t) },
};

/* Attributes of a GETSA reply that NEWSA takes back (update_sa). ENCAP is handled apart. */
static const int readd_attrs[] = {
	XFRMA_ALG_AEAD, XFRMA_ALG_AUTH_TRUNC, XFRMA_ALG_CRYPT, XFRMA_ALG_COMP, XFRMA_LTIME_VAL,
	XFRMA_MARK,	XFRMA_SA_EXTRA_FLAGS, XFRMA_TFCPAD,    XFRMA_IF_ID,
};

static const struct {
	uint16_t id;
	const char *name;
	uint16_t icv_bits;
} aead_algs[] = {
	{ KERNEL_ENCR_AES_GCM_8, "rfc4106(gcm(aes))", 64 },
	{ KERNEL_ENCR_AES_GCM_12, "rfc4106(gcm(aes))", 96 },
	{ KERNEL_ENCR_AES_GCM_16, "rfc4106(gcm(aes))", 128 },
	{ KERNEL_ENCR_CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", 128 },
};

static const struct {
	uint16_t id;
	const char *name;
	uint16_t trunc_bits;
} integ_algs[] = {
	{ KERNEL_INTEG_HMAC_SHA1_96, "hmac(sha1)", 96 },
	{ KERNEL_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 128 },
	{ KERNEL_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 192 },
	{ KERNEL_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 256 },
};

/* ---- addresses -------------------------------------------------------- */

static size_t fam_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static void addr_to_xfrm(const struct sockaddr_storage *a, xfrm_address_t *x)
{
	memset(x, 0, sizeof(*x));
	if (a->ss_family == AF_INET)
		memcpy(x, &((const struct sockaddr_in *)a)->sin_addr, 4);
	else if (a->ss_family == AF_INET6)
		memcpy(x, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
}

static void addr_from_xfrm(int family, const xfrm_address_t *x, struct sockaddr_storage *a)
{
	memset(a, 0, sizeof(*a));
	a->ss_family = (sa_family_t)family;
	if (family == AF_INET)
		memcpy(&((struct sockaddr_in *)a)->sin_addr, x, 4);
	else
		memcpy(&((struct sockaddr_in6 *)a)->sin6_addr, x, 16);
}

/* Port in network order, as XFRM wants it. */
static uint16_t addr_port_be(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_port;
	return ((const struct sockaddr_in6 *)a)->sin6_port;
}

static void sa_id_fill(struct xfrm_usersa_id *id, uint32_t spi, uint8_t protocol,
		       const struct sockaddr_storage *dst)
{
	memset(id, 0, sizeof(*id));
	addr_to_xfrm(dst, &id->daddr);
	id->spi = htonl(spi);
	id->family = dst->ss_family;
	id->proto = protocol;
}

/* ---- netlink ---------------------------------------------------------- */

/* Negative kernel errno -> the interface's errnos. */
static int map_err(int err)
{
	switch (err) {
	case 0:
	case -EEXIST:
	case -EINVAL:
	case -ENOMEM:
	case -ENOENT:
	case -ERANGE:
	case -ENOSPC:
	case -EPERM:
		return err;
	case -ESRCH:
		return -ENOENT;
	case -ENOSYS:
	case -EPROTONOSUPPORT:
	case -EOPNOTSUPP:
	case -EAFNOSUPPORT:
	case -ENOPROTOOPT:
		return -ENOTSUP;
	default:
		return -EIO;
	}
}

static struct nl_msg *msg_new(int type, int flags, size_t size)
{
	struct nl_msg *m = nlmsg_alloc_size(size);

	if (m && !nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, flags)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

/* Frees a message that may hold keys. */
static void msg_free(struct nl_msg *m)
{
	if (!m)
		return;
	OPENSSL_cleanse(nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
	nlmsg_free(m);
}

/* The error of an NLMSG_ERROR message; keeps the kernel's text in x->err_msg. */
static int ack_parse(struct kernel_xfrm *x, struct nlmsghdr *h)
{
	struct nlmsgerr *e = nlmsg_data(h);
	int len = nlmsg_datalen(h);
	size_t off;

	if (len < (int)sizeof(*e))
		return -EIO;
	if (e->error && (h->nlmsg_flags & NLM_F_ACK_TLVS)) {
		off = NLMSG_ALIGN(sizeof(*e));
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off = NLMSG_ALIGN(sizeof(*e) + e->msg.nlmsg_len - NLMSG_HDRLEN);
		if (off < (size_t)len) {
			struct nlattr *a = nla_find((struct nlattr *)((uint8_t *)e + off),
						    len - (int)off, NLMSGERR_ATTR_MSG);

			if (a && nla_len(a) > 0)
				snprintf(x->err_msg, sizeof(x->err_msg), "%.*s", nla_len(a),
					 (const char *)nla_data(a));
		}
	}
	return e->error > 0 ? -e->error : e->error;
}

/*
 * Sends m (not freed) and reads until the kernel's ACK or error; replies
 * go to fn (may be NULL). Returns the kernel's negative errno (not mapped),
 * fn's error, or -EIO.
 */
static int talk(struct kernel_xfrm *x, struct nl_msg *m, reply_fn fn, void *arg)
{
	int fd = nl_socket_get_fd(x->sk);
	int fn_rc = 0, ack_rc = 0;
	bool done = false;
	uint32_t seq;

	x->err_msg[0] = '\0';
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
	if (nl_send_auto(x->sk, m) < 0) {
		log_knl(LOG_WARNING, "xfrm: sending a netlink request failed");
		return -EIO;
	}
	seq = nlmsg_hdr(m)->nlmsg_seq;
	while (!done) {
		ssize_t n = recv(fd, x->buf, XFRM_BUF_LEN, 0);
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_knl(LOG_WARNING, "xfrm: no netlink reply: %s",
				n < 0 ? strerror(errno) : "EOF");
			return -EIO;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)x->buf; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				ack_rc = ack_parse(x, h);
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (fn && fn_rc == 0)
				fn_rc = fn(h, arg);
		}
		OPENSSL_cleanse(x->buf, (size_t)n);
	}
	return ack_rc ? ack_rc : fn_rc;
}

/* talk() and free m; maps the error, logs unexpected ones with the kernel's text. */
static int talk_free(struct kernel_xfrm *x, struct nl_msg *m, reply_fn fn, void *arg,
		     const char *what, uint32_t spi)
{
	int err = m ? talk(x, m, fn, arg) : -ENOMEM;
	int rc = map_err(err);

	msg_free(m);
	if (rc && rc != -ENOENT && rc != -EEXIST && rc != -ENOMEM)
		log_knl(LOG_WARNING, "xfrm: %s %08" PRIx32 ": %s%s%s", what, spi, strerror(-err),
			x->err_msg[0] ? ": " : "", x->err_msg);
	else if (rc)
		log_knl(LOG_DEBUG, "xfrm: %s %08" PRIx32 ": %s", what, spi, strerror(-err));
	return rc;
}

/* ---- tracking ---------------------------------------------------------- */

static struct xfrm_sa_ent *sa_find(struct kernel_xfrm *x, uint32_t spi, uint8_t protocol,
				   const struct sockaddr_storage *dst)
{
	for (size_t i = 0; i < x->n_sas; i++) {
		struct xfrm_sa_ent *e = &x->sas[i];

		if (e->spi == spi && e->protocol == protocol &&
		    kernel_ipsec_addr_equal(&e->dst, dst))
			return e;
	}
	return NULL;
}

static struct xfrm_sa_ent *sa_push(struct kernel_xfrm *x)
{
	if (x->n_sas == x->cap_sas) {
		size_t cap = x->cap_sas ? 2 * x->cap_sas : 16;
		struct xfrm_sa_ent *n = realloc(x->sas, cap * sizeof(*n));

		if (!n)
			return NULL;
		x->sas = n;
		x->cap_sas = cap;
	}
	memset(&x->sas[x->n_sas], 0, sizeof(x->sas[0]));
	return &x->sas[x->n_sas++];
}

static void sa_forget(struct kernel_xfrm *x, struct xfrm_sa_ent *e)
{
	if (!e->larval)
		x->n_live--;
	*e = x->sas[--x->n_sas];
}

static struct xfrm_pol_ent *pol_find(struct kernel_xfrm *x, const struct xfrm_selector *sel,
				     uint8_t dir)
{
	for (size_t i = 0; i < x->n_pols; i++)
		if (x->pols[i].dir == dir && !memcmp(&x->pols[i].sel, sel, sizeof(*sel)))
			return &x->pols[i];
	return NULL;
}

/* ---- events ------------------------------------------------------------ */

static void on_expire(struct kernel_xfrm *x, struct nlmsghdr *h)
{
	struct xfrm_user_expire *ue = nlmsg_data(h);
	struct kernel_event ev = { 0 };
	struct xfrm_sa_ent *e;

	if (nlmsg_datalen(h) < (int)sizeof(*ue))
		return;
	addr_from_xfrm(ue->state.family, &ue->state.id.daddr, &ev.dst);
	ev.spi = ntohl(ue->state.id.spi);
	ev.protocol = ue->state.id.proto;
	e = sa_find(x, ev.spi, ev.protocol, &ev.dst);
	if (!e)
		return;
	if (e->larval) {
		log_knl(LOG_DEBUG, "xfrm: SPI reservation %08" PRIx32 " expired", ev.spi);
		sa_forget(x, e);
		return;
	}
	ev.type = ue->hard ? KERNEL_EV_EXPIRE_HARD : KERNEL_EV_EXPIRE_SOFT;
	ev.reqid = e->reqid;
	if (ue->hard)
		sa_forget(x, e);
	kernel_ipsec_emit(x->k, &ev);
}

static void on_acquire(struct kernel_xfrm *x, struct nlmsghdr *h)
{
	struct xfrm_user_acquire *ua = nlmsg_data(h);
	struct kernel_event ev = { 0 };
	struct xfrm_pol_ent *p;

	if (nlmsg_datalen(h) < (int)sizeof(*ua))
		return;
	p = pol_find(x, &ua->policy.sel, ua->policy.dir);
	if (!p)
		return;
	ev.type = KERNEL_EV_ACQUIRE;
	ev.protocol = ua->id.proto;
	addr_from_xfrm(p->tmpl_family, &ua->id.daddr, &ev.dst);
	ev.reqid = p->reqid;
	kernel_ipsec_emit(x->k, &ev);
}

static int32_t ev_dispatch(int32_t fd, int32_t revents, void *data)
{
	struct kernel_xfrm *x = data;

	UNUSED(revents);
	for (;;) {
		ssize_t n = recv(fd, x->evbuf, XFRM_BUF_LEN, MSG_DONTWAIT);
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			log_knl(LOG_WARNING, "xfrm: event socket overrun, events lost");
			continue;
		}
		if (n <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)x->evbuf; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (h->nlmsg_type == XFRM_MSG_EXPIRE)
				on_expire(x, h);
			else if (h->nlmsg_type == XFRM_MSG_ACQUIRE)
				on_acquire(x, h);
		}
		OPENSSL_cleanse(x->evbuf, (size_t)n);
	}
	return 0;
}

/* ---- create / destroy --------------------------------------------------- */

static int sock_open(struct nl_sock **out)
{
	struct nl_sock *s = nl_socket_alloc();
	int rc;

	*out = s;
	if (!s)
		return -ENOMEM;
	errno = 0;
	rc = nl_connect(s, NETLINK_XFRM);
	if (rc < 0) {
		rc = errno == EPROTONOSUPPORT ? -ENOTSUP : errno ? map_err(-errno) : -EIO;
		log_knl(LOG_ERR, "xfrm: cannot open NETLINK_XFRM: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static void xfrm_destroy(void *priv);

static int xfrm_create(struct kernel_ipsec *k, qb_loop_t *loop, void **priv)
{
	struct kernel_xfrm *x = calloc(1, sizeof(*x));
	struct timeval tv = { .tv_sec = XFRM_RECV_TIMEOUT_S };
	int one = 1, fd, rc;

	if (!x)
		return -ENOMEM;
	x->k = k;
	x->loop = loop;
	x->ev_fd = -1;
	x->buf = malloc(XFRM_BUF_LEN);
	x->evbuf = malloc(XFRM_BUF_LEN);
	rc = x->buf && x->evbuf ? 0 : -ENOMEM;
	if (rc == 0)
		rc = sock_open(&x->sk);
	if (rc == 0) {
		fd = nl_socket_get_fd(x->sk);
		/* best effort: without them errors carry no text / echo the request */
		(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
		(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
			rc = -errno;
	}
	if (rc == 0)
		rc = sock_open(&x->ev);
	if (rc == 0) {
		nl_socket_disable_seq_check(x->ev);
		if (nl_socket_add_memberships(x->ev, XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, 0) < 0) {
			rc = -EPERM;
			log_knl(LOG_ERR, "xfrm: cannot join the acquire/expire groups");
		}
	}
	if (rc == 0) {
		x->ev_fd = nl_socket_get_fd(x->ev);
		(void)nl_socket_set_buffer_size(x->ev, XFRM_EV_RCVBUF, 0);
		if (nl_socket_set_nonblocking(x->ev) < 0)
			rc = -EIO;
	}
	if (rc == 0) {
		rc = qb_loop_poll_add(loop, QB_LOOP_HIGH, x->ev_fd, POLLIN, x, ev_dispatch);
		x->polled = rc == 0;
	}
	if (rc) {
		xfrm_destroy(x);
		return rc;
	}
	*priv = x;
	return 0;
}

static int del_sa_msg(struct kernel_xfrm *x, uint32_t spi, uint8_t protocol,
		      const struct sockaddr_storage *dst)
{
	struct nl_msg *m = msg_new(XFRM_MSG_DELSA, 0, 256);
	struct xfrm_usersa_id id;

	sa_id_fill(&id, spi, protocol, dst);
	if (m && nlmsg_append(m, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return talk_free(x, m, NULL, NULL, "delete SA", spi);
}

static int del_policy_msg(struct kernel_xfrm *x, const struct xfrm_selector *sel, uint8_t dir)
{
	struct nl_msg *m = msg_new(XFRM_MSG_DELPOLICY, 0, 256);
	struct xfrm_userpolicy_id id = { .sel = *sel, .dir = dir };

	if (m && nlmsg_append(m, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return talk_free(x, m, NULL, NULL, "delete policy", 0);
}

static void xfrm_destroy(void *priv)
{
	struct kernel_xfrm *x = priv;

	if (x->sk && x->buf) {
		for (size_t i = 0; i < x->n_pols; i++)
			if (del_policy_msg(x, &x->pols[i].sel, x->pols[i].dir))
				log_knl(LOG_DEBUG, "xfrm: a policy was gone already");
		for (size_t i = 0; i < x->n_sas; i++)
			if (del_sa_msg(x, x->sas[i].spi, x->sas[i].protocol, &x->sas[i].dst))
				log_knl(LOG_DEBUG, "xfrm: SA %08" PRIx32 " was gone already",
					x->sas[i].spi);
	}
	if (x->polled)
		qb_loop_poll_del(x->loop, x->ev_fd);
	nl_socket_free(x->sk);
	nl_socket_free(x->ev);
	free(x->sas);
	free(x->pols);
	if (x->buf)
		OPENSSL_cleanse(x->buf, XFRM_BUF_LEN);
	if (x->evbuf)
		OPENSSL_cleanse(x->evbuf, XFRM_BUF_LEN);
	free(x->buf);
	free(x->evbuf);
	free(x);
}

/* ---- SPIs and SAs ------------------------------------------------------- */

static int usersa_reply(struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type != XFRM_MSG_NEWSA ||
	    nlmsg_datalen(h) < (int)sizeof(struct xfrm_usersa_info))
		return -EIO;
	memcpy(arg, nlmsg_data(h), sizeof(struct xfrm_usersa_info));
	return 0;
}

static int xfrm_alloc_spi(void *priv, const struct sockaddr_storage *src,
			  const struct sockaddr_storage *dst, uint8_t protocol, uint32_t *spi)
{
	struct kernel_xfrm *x = priv;
	struct nl_msg *m = msg_new(XFRM_MSG_ALLOCSPI, 0, 512);
	struct xfrm_userspi_info u;
	struct xfrm_usersa_info got;
	struct xfrm_sa_ent *e;
	int rc;

	memset(&u, 0, sizeof(u));
	memset(&got, 0, sizeof(got));
	u.info.family = dst->ss_family;
	addr_to_xfrm(dst, &u.info.id.daddr);
	addr_to_xfrm(src, &u.info.saddr);
	u.info.id.proto = protocol;
	u.min = KERNEL_SPI_MIN;
	u.max = 0xffffffffu;
	if (m && nlmsg_append(m, &u, sizeof(u), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	rc = talk_free(x, m, usersa_reply, &got, "allocate SPI", 0);
	if (rc)
		return rc == -EEXIST ? -ENOSPC : rc;
	e = sa_push(x);
	if (!e) {
		(void)del_sa_msg(x, ntohl(got.id.spi), protocol, dst);
		return -ENOMEM;
	}
	e->spi = ntohl(got.id.spi);
	e->protocol = protocol;
	e->larval = true;
	e->inbound = true;
	e->dst = *dst;
	*spi = e->spi;
	return 0;
}

static uint64_t lim(uint64_t v)
{
	return v ? v : XFRM_INF;
}

/* Puts an attribute of len bytes and returns its payload (NULL: no room). */
static void *attr_reserve(struct nl_msg *m, int type, size_t len)
{
	struct nlattr *a = nla_reserve(m, type, (int)len);

	return a ? nla_data(a) : NULL;
}

static int put_algs(struct nl_msg *m, const struct kernel_sa *sa)
{
	size_t i;

	if (kernel_ipsec_is_aead(sa->encr_id)) {
		struct xfrm_algo_aead *a;

		for (i = 0; i < ARRAY_SIZE(aead_algs) && aead_algs[i].id != sa->encr_id; i++)
			;
		if (i == ARRAY_SIZE(aead_algs))
			return -ENOTSUP;
		a = attr_reserve(m, XFRMA_ALG_AEAD, sizeof(*a) + sa->encr_key.len);
		if (!a)
			return -ENOMEM;
		memset(a, 0, sizeof(*a));
		snprintf(a->alg_name, sizeof(a->alg_name), "%s", aead_algs[i].name);
		a->alg_key_len = (unsigned int)(sa->encr_key.len * 8);
		a->alg_icv_len = aead_algs[i].icv_bits;
		memcpy(a->alg_key, sa->encr_key.ptr, sa->encr_key.len);
		return 0;
	}
	if (sa->encr_id == KERNEL_ENCR_AES_CBC) {
		struct xfrm_algo *c =
			attr_reserve(m, XFRMA_ALG_CRYPT, sizeof(*c) + sa->encr_key.len);
		struct xfrm_algo_auth *a;

		if (!c)
			return -ENOMEM;
		memset(c, 0, sizeof(*c));
		snprintf(c->alg_name, sizeof(c->alg_name), "cbc(aes)");
		c->alg_key_len = (unsigned int)(sa->encr_key.len * 8);
		memcpy(c->alg_key, sa->encr_key.ptr, sa->encr_key.len);
		for (i = 0; i < ARRAY_SIZE(integ_algs) && integ_algs[i].id != sa->integ_id; i++)
			;
		if (i == ARRAY_SIZE(integ_algs))
			return -ENOTSUP;
		a = attr_reserve(m, XFRMA_ALG_AUTH_TRUNC, sizeof(*a) + sa->integ_key.len);
		if (!a)
			return -ENOMEM;
		memset(a, 0, sizeof(*a));
		snprintf(a->alg_name, sizeof(a->alg_name), "%s", integ_algs[i].name);
		a->alg_key_len = (unsigned int)(sa->integ_key.len * 8);
		a->alg_trunc_len = integ_algs[i].trunc_bits;
		memcpy(a->alg_key, sa->integ_key.ptr, sa->integ_key.len);
		return 0;
	}
	return -ENOTSUP;
}

static int put_encap(struct nl_msg *m, const struct sockaddr_storage *src,
		     const struct sockaddr_storage *dst)
{
	struct xfrm_encap_tmpl t;

	memset(&t, 0, sizeof(t));
	t.encap_type = UDP_ENCAP_ESPINUDP;
	t.encap_sport = addr_port_be(src);
	t.encap_dport = addr_port_be(dst);
	return nla_put(m, XFRMA_ENCAP, sizeof(t), &t) < 0 ? -ENOMEM : 0;
}

/* A host selector for transport mode: src/32 -> dst/32 (or /128). */
static void host_sel(struct xfrm_selector *sel, const struct sockaddr_storage *src,
		     const struct sockaddr_storage *dst)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = src->ss_family;
	addr_to_xfrm(src, &sel->saddr);
	addr_to_xfrm(dst, &sel->daddr);
	sel->prefixlen_s = sel->prefixlen_d = (uint8_t)(fam_len(src->ss_family) * 8);
}

static int sa_msg(const struct kernel_sa *sa, int type, struct nl_msg **out)
{
	struct nl_msg *m = msg_new(type, 0, 4096);
	struct xfrm_usersa_info info;
	uint32_t window = sa->inbound ? sa->replay_window : (sa->esn ? 1 : 0);
	bool esn_val;
	int rc;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	if (sa->mode == KERNEL_MODE_TRANSPORT)
		host_sel(&info.sel, &sa->src, &sa->dst);
	addr_to_xfrm(&sa->dst, &info.id.daddr);
	info.id.spi = htonl(sa->spi);
	info.id.proto = sa->protocol;
	addr_to_xfrm(&sa->src, &info.saddr);
	info.lft.soft_byte_limit = lim(sa->soft_bytes);
	info.lft.hard_byte_limit = lim(sa->hard_bytes);
	info.lft.soft_packet_limit = lim(sa->soft_packets);
	info.lft.hard_packet_limit = lim(sa->hard_packets);
	info.lft.soft_add_expires_seconds = sa->soft_time;
	info.lft.hard_add_expires_seconds = sa->hard_time;
	info.reqid = sa->reqid;
	info.family = sa->dst.ss_family;
	info.mode = sa->mode;
	if (sa->esn)
		info.flags |= XFRM_STATE_ESN;
	esn_val = window && (sa->esn || window > 32);
	if (!esn_val)
		info.replay_window = (uint8_t)window;
	rc = nlmsg_append(m, &info, sizeof(info), NLMSG_ALIGNTO) < 0 ? -ENOMEM : 0;
	if (rc == 0 && esn_val) {
		uint32_t words = (window + 31) / 32;
		struct xfrm_replay_state_esn *r =
			attr_reserve(m, XFRMA_REPLAY_ESN_VAL, sizeof(*r) + 4 * words);

		if (r) {
			memset(r, 0, sizeof(*r) + 4 * words);
			r->bmp_len = words;
			r->replay_window = window;
		}
		rc = r ? 0 : -ENOMEM;
	}
	if (rc == 0)
		rc = put_algs(m, sa);
	if (rc == 0 && sa->encap)
		rc = put_encap(m, &sa->src, &sa->dst);
	if (rc) {
		msg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

static int xfrm_add_sa(void *priv, const struct kernel_sa *sa)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_sa_ent *e = sa_find(x, sa->spi, sa->protocol, &sa->dst);
	bool update = e && e->larval;
	struct nl_msg *m;
	int rc;

	if (e && !e->larval)
		return -EEXIST;
	rc = sa_msg(sa, update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, &m);
	if (rc)
		return rc;
	rc = talk_free(x, m, NULL, NULL, update ? "install reserved SA" : "add SA", sa->spi);
	if (rc == -ENOENT && update) {
		/* the kernel dropped the reservation (xfrm_acq_expires) */
		rc = sa_msg(sa, XFRM_MSG_NEWSA, &m);
		if (rc == 0)
			rc = talk_free(x, m, NULL, NULL, "add SA", sa->spi);
	} else if (rc == -ENOENT) {
		rc = -ENOTSUP; /* an algorithm the kernel's crypto cannot instantiate */
	}
	if (rc)
		return rc;
	if (!e)
		e = sa_push(x);
	if (!e) {
		(void)del_sa_msg(x, sa->spi, sa->protocol, &sa->dst);
		return -ENOMEM;
	}
	e->spi = sa->spi;
	e->protocol = sa->protocol;
	e->larval = false;
	e->inbound = sa->inbound;
	e->esn = sa->esn;
	e->reqid = sa->reqid;
	e->dst = sa->dst;
	x->n_live++;
	return 0;
}

/* A copy of a GETSA reply (keys included: wiped on free). */
struct sa_copy {
	struct nlmsghdr *h;
};

static int copy_reply(struct nlmsghdr *h, void *arg)
{
	struct sa_copy *c = arg;

	if (h->nlmsg_type != XFRM_MSG_NEWSA ||
	    nlmsg_datalen(h) < (int)sizeof(struct xfrm_usersa_info))
		return -EIO;
	c->h = malloc(h->nlmsg_len);
	if (!c->h)
		return -ENOMEM;
	memcpy(c->h, h, h->nlmsg_len);
	return 0;
}

static void sa_copy_free(struct sa_copy *c)
{
	if (c->h) {
		OPENSSL_cleanse(c->h, c->h->nlmsg_len);
		free(c->h);
	}
	c->h = NULL;
}

static struct nl_msg *getsa_msg(uint32_t spi, uint8_t protocol, const struct sockaddr_storage *dst)
{
	struct nl_msg *m = msg_new(XFRM_MSG_GETSA, 0, 256);
	struct xfrm_usersa_id id;

	sa_id_fill(&id, spi, protocol, dst);
	if (m && nlmsg_append(m, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

/*
 * NEWSA from a GETSA reply: with new outer addresses and encapsulation
 * (src NULL: as in the reply), the outbound sequence number margin ahead.
 */
static int readd_msg(struct nlmsghdr *h, const struct sockaddr_storage *src,
		     const struct sockaddr_storage *dst, bool encap, uint32_t margin,
		     struct nl_msg **out)
{
	struct xfrm_usersa_info info = *(struct xfrm_usersa_info *)nlmsg_data(h);
	struct nlattr *tb[XFRMA_MAX + 1];
	struct nl_msg *m;
	int rc = 0;

	*out = NULL;
	if (nlmsg_parse(h, sizeof(info), tb, XFRMA_MAX, xfrma_policy) < 0)
		return -EIO;
	if (src) {
		addr_to_xfrm(src, &info.saddr);
		addr_to_xfrm(dst, &info.id.daddr);
		info.family = dst->ss_family;
		if (info.mode == KERNEL_MODE_TRANSPORT && info.sel.family)
			host_sel(&info.sel, src, dst);
	}
	m = msg_new(XFRM_MSG_NEWSA, 0, h->nlmsg_len + 512);
	if (!m || nlmsg_append(m, &info, sizeof(info), NLMSG_ALIGNTO) < 0)
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(readd_attrs); i++) {
		struct nlattr *a = tb[readd_attrs[i]];

		if (a && nla_put(m, readd_attrs[i], nla_len(a), nla_data(a)) < 0)
			rc = -ENOMEM;
	}
	if (rc == 0 && tb[XFRMA_REPLAY_VAL]) {
		struct xfrm_replay_state r;

		memcpy(&r, nla_data(tb[XFRMA_REPLAY_VAL]), sizeof(r));
		r.oseq = r.oseq > UINT32_MAX - margin ? UINT32_MAX : r.oseq + margin;
		rc = nla_put(m, XFRMA_REPLAY_VAL, sizeof(r), &r) < 0 ? -ENOMEM : 0;
	}
	if (rc == 0 && tb[XFRMA_REPLAY_ESN_VAL]) {
		struct nlattr *a = tb[XFRMA_REPLAY_ESN_VAL];
		struct xfrm_replay_state_esn *r = attr_reserve(m, XFRMA_REPLAY_ESN_VAL, nla_len(a));

		if (r) {
			uint64_t o;

			memcpy(r, nla_data(a), nla_len(a));
			o = ((uint64_t)r->oseq_hi << 32 | r->oseq) + margin;
			if (!(info.flags & XFRM_STATE_ESN) && o > UINT32_MAX)
				o = UINT32_MAX;
			r->oseq = (uint32_t)o;
			r->oseq_hi = (uint32_t)(o >> 32);
		}
		rc = r ? 0 : -ENOMEM;
	}
	if (rc == 0 && src && encap)
		rc = put_encap(m, src, dst);
	else if (rc == 0 && !src && tb[XFRMA_ENCAP])
		rc = nla_put(m, XFRMA_ENCAP, nla_len(tb[XFRMA_ENCAP]), nla_data(tb[XFRMA_ENCAP])) <
				     0
			     ? -ENOMEM
			     : 0;
	OPENSSL_cleanse(&info, sizeof(info));
	if (rc) {
		msg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

static int xfrm_update_sa(void *priv, uint32_t spi, uint8_t protocol,
			  const struct sockaddr_storage *dst_old,
			  const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
			  bool encap)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_sa_ent *e = sa_find(x, spi, protocol, dst_old);
	struct xfrm_sa_ent *other = sa_find(x, spi, protocol, dst);
	uint32_t margin = e && !e->inbound ? KERNEL_XFRM_UPDATE_SEQ_MARGIN : 0;
	struct sa_copy c = { 0 };
	struct nl_msg *m = NULL;
	int rc;

	if (e && e->larval)
		return -ENOENT;
	if (other && other != e)
		return -EEXIST;
	rc = talk_free(x, getsa_msg(spi, protocol, dst_old), copy_reply, &c, "read SA", spi);
	if (rc == 0)
		rc = readd_msg(c.h, src, dst, encap, margin, &m);
	if (rc == 0)
		rc = del_sa_msg(x, spi, protocol, dst_old);
	if (rc == 0) {
		rc = talk_free(x, m, NULL, NULL, "re-add SA", spi);
		m = NULL;
		if (rc) {
			struct nl_msg *back = NULL;

			/* put the old one back as it was */
			if (readd_msg(c.h, NULL, NULL, false, margin, &back) ||
			    talk_free(x, back, NULL, NULL, "restore SA", spi)) {
				log_knl(LOG_ERR, "xfrm: SA %08" PRIx32 " lost in an update", spi);
				if (e)
					sa_forget(x, e);
			}
		} else if (e) {
			e->dst = *dst;
		}
	}
	msg_free(m);
	sa_copy_free(&c);
	return rc;
}

static int info_reply(struct nlmsghdr *h, void *arg)
{
	struct xfrm_sa_info *si = arg;

	if (h->nlmsg_type != XFRM_MSG_NEWSA || nlmsg_datalen(h) < (int)sizeof(si->info))
		return -EIO;
	memcpy(&si->info, nlmsg_data(h), sizeof(si->info));
	return 0;
}

static int sa_info_get(struct kernel_xfrm *x, uint32_t spi, uint8_t protocol,
		       const struct sockaddr_storage *dst, struct xfrm_sa_info *si)
{
	memset(si, 0, sizeof(*si));
	return talk_free(x, getsa_msg(spi, protocol, dst), info_reply, si, "read SA", spi);
}

static int ae_reply(struct nlmsghdr *h, void *arg)
{
	struct xfrm_ae *ae = arg;
	struct nlattr *tb[XFRMA_MAX + 1];
	struct nlattr *a;

	if (h->nlmsg_type != XFRM_MSG_NEWAE ||
	    nlmsg_parse(h, sizeof(struct xfrm_aevent_id), tb, XFRMA_MAX, xfrma_policy) < 0)
		return -EIO;
	if (tb[XFRMA_LTIME_VAL])
		memcpy(&ae->cur, nla_data(tb[XFRMA_LTIME_VAL]), sizeof(ae->cur));
	a = tb[XFRMA_REPLAY_ESN_VAL];
	if (a) {
		const struct xfrm_replay_state_esn *r = nla_data(a);
		size_t want = sizeof(*r) + 4 * (size_t)r->bmp_len;

		if ((size_t)nla_len(a) < want || want > sizeof(ae->u.raw) ||
		    r->replay_window > 32 * r->bmp_len)
			return -EIO;
		memcpy(ae->u.raw, r, want);
		ae->esn_len = want;
		ae->esn_val = true;
		return 0;
	}
	if (!tb[XFRMA_REPLAY_VAL])
		return -EIO;
	memcpy(&ae->legacy, nla_data(tb[XFRMA_REPLAY_VAL]), sizeof(ae->legacy));
	return 0;
}

static void aevent_id_fill(struct xfrm_aevent_id *id, uint32_t spi, uint8_t protocol,
			   const struct sockaddr_storage *dst, const struct xfrm_usersa_info *info)
{
	memset(id, 0, sizeof(*id));
	sa_id_fill(&id->sa_id, spi, protocol, dst);
	if (info) {
		id->saddr = info->saddr;
		id->reqid = info->reqid;
	}
	id->flags = XFRM_AE_RVAL;
}

static int ae_get(struct kernel_xfrm *x, uint32_t spi, uint8_t protocol,
		  const struct sockaddr_storage *dst, const struct xfrm_usersa_info *info,
		  struct xfrm_ae *ae)
{
	struct nl_msg *m = msg_new(XFRM_MSG_GETAE, 0, 256);
	struct xfrm_aevent_id id;

	memset(ae, 0, sizeof(*ae));
	aevent_id_fill(&id, spi, protocol, dst, info);
	if (m && nlmsg_append(m, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return talk_free(x, m, ae_reply, ae, "read replay state", spi);
}

static int ae_set(struct kernel_xfrm *x, uint32_t spi, uint8_t protocol,
		  const struct sockaddr_storage *dst, const struct xfrm_usersa_info *info,
		  const struct xfrm_ae *ae)
{
	struct nl_msg *m = msg_new(XFRM_MSG_NEWAE, NLM_F_REPLACE, 8192);
	struct xfrm_aevent_id id;
	int rc = m ? 0 : -ENOMEM;

	aevent_id_fill(&id, spi, protocol, dst, info);
	if (rc == 0 && nlmsg_append(m, &id, sizeof(id), NLMSG_ALIGNTO) < 0)
		rc = -ENOMEM;
	if (rc == 0 && ae->esn_val)
		rc = nla_put(m, XFRMA_REPLAY_ESN_VAL, (int)ae->esn_len, ae->u.raw) < 0 ? -ENOMEM
										       : 0;
	else if (rc == 0)
		rc = nla_put(m, XFRMA_REPLAY_VAL, sizeof(ae->legacy), &ae->legacy) < 0 ? -ENOMEM
										       : 0;
	if (rc) {
		msg_free(m);
		return rc;
	}
	return talk_free(x, m, NULL, NULL, "write replay state", spi);
}

/* The replay window of the SA: ESN_VAL's, else the legacy one (at most 32). */
static uint32_t ae_window(const struct xfrm_ae *ae, const struct xfrm_usersa_info *info)
{
	return ae->esn_val ? ae->u.esn.replay_window : info->replay_window;
}

static uint64_t ae_seq_out(const struct xfrm_ae *ae)
{
	if (ae->esn_val)
		return ((uint64_t)ae->u.esn.oseq_hi << 32 | ae->u.esn.oseq) + 1;
	return (uint64_t)ae->legacy.oseq + 1;
}

static uint64_t ae_top(const struct xfrm_ae *ae)
{
	if (ae->esn_val)
		return (uint64_t)ae->u.esn.seq_hi << 32 | ae->u.esn.seq;
	return ae->legacy.seq;
}

/*
 * The kernel's bit for replay_top - i in a circular bitmap of window w
 * (xfrm_replay_advance_esn(): sequence s sits at (s - 1) % w).
 */
static uint32_t esn_bitnr(uint32_t seq_lo, uint32_t w, uint32_t i)
{
	uint32_t pos = (seq_lo - 1) % w;

	return pos >= i ? pos - i : w - (i - pos);
}

static void set_bit(uint8_t *bm, uint32_t i)
{
	bm[i / 8] |= (uint8_t)(1u << (i % 8));
}

static bool get_bit(const uint8_t *bm, uint32_t i)
{
	return bm[i / 8] >> (i % 8) & 1;
}

static void ae_to_state(const struct xfrm_ae *ae, const struct xfrm_usersa_info *info,
			struct kernel_sa_state *st)
{
	uint32_t w = ae_window(ae, info);
	uint64_t top = ae_top(ae);

	if (w > KERNEL_REPLAY_WINDOW_MAX)
		w = KERNEL_REPLAY_WINDOW_MAX;
	st->seq_out = ae_seq_out(ae);
	st->replay_top = top;
	st->replay_window = w;
	for (uint32_t i = 0; i < w && i < top; i++) {
		bool on;

		if (ae->esn_val) {
			uint32_t b = esn_bitnr(ae->u.esn.seq, ae->u.esn.replay_window, i);

			on = ae->u.esn.bmp[b / 32] >> (b % 32) & 1;
		} else {
			on = i < 32 && (ae->legacy.bitmap >> i & 1);
		}
		if (on)
			set_bit(st->replay_bitmap, i);
	}
}

static uint64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

static int xfrm_query_sa(void *priv, uint32_t spi, uint8_t protocol,
			 const struct sockaddr_storage *dst, struct kernel_sa_state *st)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_sa_ent *e = sa_find(x, spi, protocol, dst);
	struct xfrm_sa_info si;
	struct xfrm_ae ae;
	int rc = e && e->larval ? -ENOENT : sa_info_get(x, spi, protocol, dst, &si);

	if (rc == 0)
		rc = ae_get(x, spi, protocol, dst, &si.info, &ae);
	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	st->bytes = si.info.curlft.bytes;
	st->packets = si.info.curlft.packets;
	if (si.info.curlft.use_time) {
		uint64_t real = (uint64_t)time(NULL), mono = mono_now();
		uint64_t ago = real > si.info.curlft.use_time ? real - si.info.curlft.use_time : 0;

		st->last_use = mono > ago ? mono - ago : 1;
	}
	ae_to_state(&ae, &si.info, st);
	st->drops_icv = si.info.stats.integrity_failed;
	st->drops_replay = (uint64_t)si.info.stats.replay + si.info.stats.replay_window;
	return 0;
}

static int xfrm_set_seq(void *priv, uint32_t spi, uint8_t protocol,
			const struct sockaddr_storage *dst, uint64_t seq_out)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_sa_ent *e = sa_find(x, spi, protocol, dst);
	struct xfrm_sa_info si;
	struct xfrm_ae ae;
	bool esn;
	int rc;

	if (e && e->larval)
		return -ENOENT;
	if (e && e->inbound)
		return -EINVAL;
	rc = sa_info_get(x, spi, protocol, dst, &si);
	if (rc == 0)
		rc = ae_get(x, spi, protocol, dst, &si.info, &ae);
	if (rc)
		return rc;
	esn = si.info.flags & XFRM_STATE_ESN;
	if (seq_out < ae_seq_out(&ae) || (!esn && seq_out > (uint64_t)UINT32_MAX + 1))
		return -ERANGE;
	if (ae.esn_val) {
		ae.u.esn.oseq = (uint32_t)(seq_out - 1);
		ae.u.esn.oseq_hi = (uint32_t)((seq_out - 1) >> 32);
	} else {
		ae.legacy.oseq = (uint32_t)(seq_out - 1);
	}
	return ae_set(x, spi, protocol, dst, &si.info, &ae);
}

static int xfrm_set_replay(void *priv, uint32_t spi, uint8_t protocol,
			   const struct sockaddr_storage *dst, const struct kernel_sa_state *st)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_sa_ent *e = sa_find(x, spi, protocol, dst);
	struct xfrm_sa_info si;
	struct xfrm_ae ae;
	uint32_t w;
	bool esn;
	int rc;

	if (e && e->larval)
		return -ENOENT;
	if (e && !e->inbound)
		return -EINVAL;
	rc = sa_info_get(x, spi, protocol, dst, &si);
	if (rc == 0)
		rc = ae_get(x, spi, protocol, dst, &si.info, &ae);
	if (rc)
		return rc;
	esn = si.info.flags & XFRM_STATE_ESN;
	w = ae_window(&ae, &si.info);
	if (st->replay_window != w)
		return -EINVAL;
	if (st->replay_top < ae_top(&ae) || (!esn && st->replay_top > UINT32_MAX))
		return -ERANGE;
	if (ae.esn_val) {
		struct xfrm_replay_state_esn *r = &ae.u.esn;

		r->seq = (uint32_t)st->replay_top;
		r->seq_hi = (uint32_t)(st->replay_top >> 32);
		memset(r->bmp, 0, 4 * (size_t)r->bmp_len);
		for (uint32_t i = 0; i < w && i < st->replay_top; i++) {
			if (get_bit(st->replay_bitmap, i)) {
				uint32_t b = esn_bitnr(r->seq, w, i);

				r->bmp[b / 32] |= 1u << (b % 32);
			}
		}
	} else {
		ae.legacy.seq = (uint32_t)st->replay_top;
		ae.legacy.bitmap = 0;
		for (uint32_t i = 0; i < w && i < 32 && i < st->replay_top; i++)
			if (get_bit(st->replay_bitmap, i))
				ae.legacy.bitmap |= 1u << i;
	}
	return ae_set(x, spi, protocol, dst, &si.info, &ae);
}

static int xfrm_del_sa(void *priv, uint32_t spi, uint8_t protocol,
		       const struct sockaddr_storage *dst)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_sa_ent *e = sa_find(x, spi, protocol, dst);
	int rc = del_sa_msg(x, spi, protocol, dst);

	if (e && (rc == 0 || rc == -ENOENT)) {
		sa_forget(x, e); /* gone either way */
		rc = 0;
	}
	return rc;
}

/* ---- policies ----------------------------------------------------------- */

/* from..to as one prefix, else -ENOTSUP. */
static int ts_prefix(const struct kernel_ts *ts, xfrm_address_t *addr, uint8_t *plen)
{
	size_t n = fam_len(ts->family);
	size_t p = 0;

	while (p < 8 * n && ((ts->from[p / 8] ^ ts->to[p / 8]) >> (7 - p % 8) & 1) == 0)
		p++;
	for (size_t b = p; b < 8 * n; b++) {
		if ((ts->from[b / 8] >> (7 - b % 8) & 1) != 0 ||
		    (ts->to[b / 8] >> (7 - b % 8) & 1) != 1)
			return -ENOTSUP;
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, ts->from, n);
	*plen = (uint8_t)p;
	return 0;
}

/* from..to as port/mask (network order), else -ENOTSUP. */
static int ts_ports(const struct kernel_ts *ts, uint16_t *port, uint16_t *mask)
{
	uint32_t size = (uint32_t)ts->port_to - ts->port_from + 1;

	if ((size & (size - 1)) != 0 || ts->port_from % size != 0)
		return -ENOTSUP;
	*port = size == 65536 ? 0 : htons(ts->port_from);
	*mask = size == 65536 ? 0 : htons((uint16_t) ~(size - 1));
	return 0;
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static int policy_sel(const struct kernel_policy *p, struct xfrm_selector *sel)
{
	uint8_t proto = p->src.proto ? p->src.proto : p->dst.proto;
	int rc;

	memset(sel, 0, sizeof(*sel));
	if (p->src.proto && p->dst.proto && p->src.proto != p->dst.proto)
		return -ENOTSUP;
	if (is_icmp(proto) && (p->src.port_from || p->src.port_to != 65535 || p->dst.port_from ||
			       p->dst.port_to != 65535))
		return -ENOTSUP;
	sel->family = (uint16_t)p->src.family;
	sel->proto = proto;
	rc = ts_prefix(&p->src, &sel->saddr, &sel->prefixlen_s);
	if (rc == 0)
		rc = ts_prefix(&p->dst, &sel->daddr, &sel->prefixlen_d);
	if (rc == 0)
		rc = ts_ports(&p->src, &sel->sport, &sel->sport_mask);
	if (rc == 0)
		rc = ts_ports(&p->dst, &sel->dport, &sel->dport_mask);
	if (rc)
		log_knl(LOG_WARNING, "xfrm: a selector is not a prefix with an aligned port block "
				     "(or restricts ICMP type/code): not supported");
	return rc;
}

static int xfrm_add_policy(void *priv, const struct kernel_policy *p)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_userpolicy_info pi;
	struct xfrm_user_tmpl t;
	struct xfrm_pol_ent *e;
	struct nl_msg *m;
	int rc;

	memset(&pi, 0, sizeof(pi));
	memset(&t, 0, sizeof(t));
	rc = policy_sel(p, &pi.sel);
	if (rc)
		return rc;
	if (pol_find(x, &pi.sel, p->dir))
		return -EEXIST;
	pi.lft.soft_byte_limit = pi.lft.hard_byte_limit = XFRM_INF;
	pi.lft.soft_packet_limit = pi.lft.hard_packet_limit = XFRM_INF;
	pi.priority = p->priority;
	pi.dir = p->dir;
	pi.action = XFRM_POLICY_ALLOW;
	pi.share = XFRM_SHARE_ANY;
	t.family = p->tmpl_dst.ss_family == AF_UNSPEC ? (uint16_t)p->src.family
						      : p->tmpl_dst.ss_family;
	if (p->tmpl_dst.ss_family != AF_UNSPEC) {
		addr_to_xfrm(&p->tmpl_dst, &t.id.daddr);
		addr_to_xfrm(&p->tmpl_src, &t.saddr);
	}
	t.id.proto = IPPROTO_ESP;
	t.reqid = p->reqid;
	t.mode = p->mode;
	t.share = XFRM_SHARE_ANY;
	t.aalgos = t.ealgos = t.calgos = ~0u;
	m = msg_new(XFRM_MSG_NEWPOLICY, 0, 1024);
	if (m && (nlmsg_append(m, &pi, sizeof(pi), NLMSG_ALIGNTO) < 0 ||
		  nla_put(m, XFRMA_TMPL, sizeof(t), &t) < 0)) {
		nlmsg_free(m);
		m = NULL;
	}
	rc = talk_free(x, m, NULL, NULL, "add policy, reqid", p->reqid);
	if (rc)
		return rc;
	if (x->n_pols == x->cap_pols) {
		size_t cap = x->cap_pols ? 2 * x->cap_pols : 16;
		struct xfrm_pol_ent *n = realloc(x->pols, cap * sizeof(*n));

		if (!n) {
			(void)del_policy_msg(x, &pi.sel, p->dir);
			return -ENOMEM;
		}
		x->pols = n;
		x->cap_pols = cap;
	}
	e = &x->pols[x->n_pols++];
	e->sel = pi.sel;
	e->dir = p->dir;
	e->reqid = p->reqid;
	e->tmpl_family = t.family;
	return 0;
}

static int xfrm_del_policy(void *priv, const struct kernel_policy *p)
{
	struct kernel_xfrm *x = priv;
	struct xfrm_selector sel;
	struct xfrm_pol_ent *e;
	int rc = policy_sel(p, &sel);

	if (rc)
		return rc == -ENOTSUP ? -ENOENT : rc; /* could not have been added */
	rc = del_policy_msg(x, &sel, p->dir);
	e = pol_find(x, &sel, p->dir);
	if (e && (rc == 0 || rc == -ENOENT)) {
		*e = x->pols[--x->n_pols];
		rc = 0;
	}
	return rc;
}

static size_t xfrm_sa_count(const void *priv)
{
	return ((const struct kernel_xfrm *)priv)->n_live;
}

static size_t xfrm_policy_count(const void *priv)
{
	return ((const struct kernel_xfrm *)priv)->n_pols;
}

const struct kernel_ops kernel_xfrm_ops = {
	.name = "xfrm",
	.needs_loop = true,
	.create = xfrm_create,
	.destroy = xfrm_destroy,
	.alloc_spi = xfrm_alloc_spi,
	.add_sa = xfrm_add_sa,
	.update_sa = xfrm_update_sa,
	.query_sa = xfrm_query_sa,
	.set_seq = xfrm_set_seq,
	.set_replay = xfrm_set_replay,
	.del_sa = xfrm_del_sa,
	.add_policy = xfrm_add_policy,
	.del_policy = xfrm_del_policy,
	.sa_count = xfrm_sa_count,
	.policy_count = xfrm_policy_count,
};
