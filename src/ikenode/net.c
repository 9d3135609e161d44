/* IKE UDP sockets: binding, receive with the local address, send from it. */
#include "ikenode/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

#define NET_MAX_SOCKS 16
#define NET_BATCH 64
/* datagrams per recvmmsg(), each in a NET_BUF slot (an IKE message may fill one) */
#define NET_RX_SLOTS 16
#define NET_BUF 65536
#define NET_NATT_RCVBUF (4 << 20)
/* one UDP GSO send: at most this many datagrams and bytes (the kernel's limits are 64, 64 KiB) */
#define NET_GSO_SEGS 64
#define NET_GSO_BYTES 65000
#define NON_ESP_MARKER_LEN 4

struct net_sock {
	int fd;
	int family;
	uint16_t port;
	bool natt;
	bool wildcard; /* bound to the any address */
	struct sockaddr_storage bound;
	struct net *net;
};

struct net {
	qb_loop_t *loop;
	struct net_sock socks[NET_MAX_SOCKS];
	size_t n_socks;
	uint16_t port, port_natt;
	net_recv_fn recv;
	void *recv_ctx;
	net_esp_fn esp;
	void *esp_ctx;
	struct net_stats stats;
	uint8_t *buf; /* NET_RX_SLOTS x NET_BUF bytes: received datagrams (handlers borrow them) */
	uint8_t *sbuf; /* NET_BUF + marker: marker-prefixed sends */
	uint8_t *gsobuf; /* NET_GSO_BYTES: a run of ESP datagrams sent with UDP_SEGMENT */
	bool no_gso; /* the kernel refused UDP_SEGMENT once: plain sends from then on */
};

static uint16_t sa_port(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)sa)->sin6_port)
					 : ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

static void sa_set_port(struct sockaddr_storage *sa, uint16_t port)
{
	if (sa->ss_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons(port);
}

static socklen_t sa_len(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static bool sa_is_any(const struct sockaddr_storage *sa)
{
	static const struct in6_addr any6 = IN6ADDR_ANY_INIT;

	if (sa->ss_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
	return !memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &any6, sizeof(any6));
}

static bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family || (a->ss_family != AF_INET && a->ss_family != AF_INET6))
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
}

bool net_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return a && b && addr_equal(a, b) && sa_port(a) == sa_port(b);
}

int net_addr_parse(const char *s, uint16_t port, struct sockaddr_storage *sa)
{
	if (!s || !sa)
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, s, &((struct sockaddr_in *)sa)->sin_addr) == 1) {
		sa->ss_family = AF_INET;
	} else if (inet_pton(AF_INET6, s, &((struct sockaddr_in6 *)sa)->sin6_addr) == 1) {
		sa->ss_family = AF_INET6;
	} else {
		return -EINVAL;
	}
	sa_set_port(sa, port);
	return 0;
}

int net_addr_to_str(const struct sockaddr_storage *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	int n;

	if (!buf || !len)
		return -EINVAL;
	if (!sa) {
		buf[0] = '\0';
		return -EINVAL;
	}
	if (sa->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, a, sizeof(a));
	else if (sa->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, a, sizeof(a));
	n = snprintf(buf, len, "%s[%u]", a, sa_port(sa));
	return n < 0 || (size_t)n >= len ? -ENOBUFS : 0;
}

static void drop(struct net *net, const struct net_pkt *pkt, size_t len, const char *why)
{
	char from[64];

	net->stats.rx_dropped++;
	if (net_addr_to_str(&pkt->remote, from, sizeof(from)))
		strcpy(from, "?");
	log_net(LOG_DEBUG, "dropped %zu bytes from %s: %s", len, from, why);
}

/* Classifies one datagram (RFC 3948 §2 on the NAT-T port) and hands it on. */
static void deliver(struct net *net, const struct net_sock *s, const uint8_t *data, size_t len,
		    struct net_pkt *pkt)
{
	pkt->natt = s->natt;
	if (s->natt) {
		if (len == 1 && data[0] == 0xff) {
			net->stats.rx_keepalive++;
			return;
		}
		if (len < NON_ESP_MARKER_LEN) {
			drop(net, pkt, len, "runt on the NAT-T port");
			return;
		}
		if (data[0] | data[1] | data[2] | data[3]) {
			if (!net->esp) {
				drop(net, pkt, len, "ESP-in-UDP without a handler");
				return;
			}
			net->stats.rx_esp++;
			pkt->data = data;
			pkt->len = len;
			net->esp(net->esp_ctx, pkt);
			return;
		}
		data += NON_ESP_MARKER_LEN;
		len -= NON_ESP_MARKER_LEN;
	}
	if (len == 0) {
		drop(net, pkt, len, "empty IKE datagram");
		return;
	}
	net->stats.rx++;
	pkt->data = data;
	pkt->len = len;
	net->recv(net->recv_ctx, pkt);
}

static int32_t on_readable(int32_t fd, int32_t revents, void *data)
{
	struct net_sock *s = data;
	struct net *net = s->net;
	struct mmsghdr mm[NET_RX_SLOTS];
	struct iovec iov[NET_RX_SLOTS];
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf[NET_RX_SLOTS];
	struct net_pkt pkt[NET_RX_SLOTS];

	UNUSED(revents);
	/* up to NET_BATCH datagrams per wake-up, NET_RX_SLOTS per recvmmsg() */
	for (int round = 0; round < NET_BATCH / NET_RX_SLOTS; round++) {
		int n;

		for (int i = 0; i < NET_RX_SLOTS; i++) {
			memset(&pkt[i], 0, sizeof(pkt[i]));
			iov[i] = (struct iovec){ net->buf + (size_t)i * NET_BUF, NET_BUF };
			mm[i].msg_hdr = (struct msghdr){
				.msg_name = &pkt[i].remote,
				.msg_namelen = sizeof(pkt[i].remote),
				.msg_iov = &iov[i],
				.msg_iovlen = 1,
				.msg_control = cbuf[i].buf,
				.msg_controllen = sizeof(cbuf[i].buf),
			};
		}
		n = recvmmsg(fd, mm, NET_RX_SLOTS, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			struct msghdr *msg = &mm[i].msg_hdr;
			struct sockaddr_in6 *l6;

			if (msg->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
				drop(net, &pkt[i], mm[i].msg_len, "truncated");
				continue;
			}
			pkt[i].local = s->bound;
			l6 = (struct sockaddr_in6 *)&pkt[i].local;
			for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
				if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
					struct in_pktinfo pi;

					memcpy(&pi, CMSG_DATA(c), sizeof(pi));
					((struct sockaddr_in *)&pkt[i].local)->sin_addr = pi.ipi_addr;
				} else if (c->cmsg_level == IPPROTO_IPV6 &&
					   c->cmsg_type == IPV6_PKTINFO) {
					struct in6_pktinfo pi;

					memcpy(&pi, CMSG_DATA(c), sizeof(pi));
					l6->sin6_addr = pi.ipi6_addr;
					if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
						l6->sin6_scope_id = (uint32_t)pi.ipi6_ifindex;
				}
			}
			deliver(net, s, iov[i].iov_base, mm[i].msg_len, &pkt[i]);
		}
		if (n < NET_RX_SLOTS)
			break;
	}
	return 0;
}

static int open_sock(struct net *net, const struct sockaddr_storage *addr, bool natt, bool freebind,
		     uint32_t fwmark)
{
	struct net_sock *s = &net->socks[net->n_socks];
	int one = 1, fd, rc = 0;
	socklen_t len = sizeof(s->bound);
	char text[64];

	if (net->n_socks == NET_MAX_SOCKS)
		return -ENOSPC;
	fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (addr->ss_family == AF_INET6)
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	else
		rc = setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	if (!rc && freebind)
		rc = addr->ss_family == AF_INET6
			     ? setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one))
			     : setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	if (!rc && fwmark)
		rc = setsockopt(fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark));
	if (!rc && natt) {
		/* ESP in UDP arrives in bursts: room for them beyond the default ~200 KiB */
		int size = NET_NATT_RCVBUF;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
			(void)!setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	if (!rc)
		rc = bind(fd, (const struct sockaddr *)addr, sa_len(addr));
	if (!rc)
		rc = getsockname(fd, (struct sockaddr *)&s->bound, &len);
	if (rc) {
		rc = -errno;
		net_addr_to_str(addr, text, sizeof(text));
		log_net(LOG_ERR, "cannot bind %s: %s", text, strerror(-rc));
		close(fd);
		return rc;
	}
	s->fd = fd;
	s->family = addr->ss_family;
	s->port = sa_port(&s->bound);
	s->natt = natt;
	s->wildcard = sa_is_any(&s->bound);
	s->net = net;
	rc = qb_loop_poll_add(net->loop, QB_LOOP_MED, fd, POLLIN, s, on_readable);
	if (rc) {
		close(fd);
		return rc;
	}
	net->n_socks++;
	net_addr_to_str(&s->bound, text, sizeof(text));
	log_net(LOG_INFO, "listening on %s%s", text, natt ? " (NAT-T)" : "");
	return 0;
}

int net_new(struct net **out, qb_loop_t *loop, const struct net_cfg *cfg, net_recv_fn recv,
	    void *ctx)
{
	struct net *net;
	int rc = 0;

	if (!out || !loop || !cfg || !recv || !cfg->n_addrs || !cfg->addrs)
		return -EINVAL;
	net = calloc(1, sizeof(*net));
	if (!net)
		return -ENOMEM;
	net->buf = malloc((size_t)NET_RX_SLOTS * NET_BUF);
	net->sbuf = malloc(NET_BUF + NON_ESP_MARKER_LEN);
	net->gsobuf = malloc(NET_GSO_BYTES);
	if (!net->buf || !net->sbuf || !net->gsobuf) {
		free(net->buf);
		free(net->sbuf);
		free(net->gsobuf);
		free(net);
		return -ENOMEM;
	}
	net->loop = loop;
	net->recv = recv;
	net->recv_ctx = ctx;
	net->port = cfg->port;
	net->port_natt = cfg->port_natt;
	for (size_t i = 0; rc == 0 && i < cfg->n_addrs; i++) {
		struct sockaddr_storage a;

		rc = net_addr_parse(cfg->addrs[i], net->port, &a);
		if (rc) {
			log_net(LOG_ERR, "listen address '%s' is not an IP address", cfg->addrs[i]);
			break;
		}
		rc = open_sock(net, &a, false, cfg->freebind, cfg->fwmark);
		if (rc == 0 && !net->port)
			net->port = net->socks[net->n_socks - 1].port;
		sa_set_port(&a, net->port_natt);
		if (rc == 0)
			rc = open_sock(net, &a, true, cfg->freebind, cfg->fwmark);
		if (rc == 0 && !net->port_natt)
			net->port_natt = net->socks[net->n_socks - 1].port;
	}
	if (rc) {
		net_free(net);
		return rc;
	}
	*out = net;
	return 0;
}

void net_free(struct net *net)
{
	if (!net)
		return;
	for (size_t i = 0; i < net->n_socks; i++) {
		qb_loop_poll_del(net->loop, net->socks[i].fd);
		close(net->socks[i].fd);
	}
	free(net->buf);
	free(net->sbuf);
	free(net->gsobuf);
	free(net);
}

void net_set_esp_handler(struct net *net, net_esp_fn fn, void *ctx)
{
	net->esp = fn;
	net->esp_ctx = ctx;
}

uint16_t net_port(const struct net *net)
{
	return net->port;
}

uint16_t net_port_natt(const struct net *net)
{
	return net->port_natt;
}

void net_get_stats(const struct net *net, struct net_stats *st)
{
	*st = net->stats;
}

/*
 * The socket for local: same family and port, bound to local's address, else
 * the wildcard one; for a zero local address the wildcard one, else any.
 */
static struct net_sock *pick(struct net *net, const struct sockaddr_storage *local)
{
	struct net_sock *any = NULL, *first = NULL;

	for (size_t i = 0; i < net->n_socks; i++) {
		struct net_sock *s = &net->socks[i];

		if (s->family != local->ss_family || s->port != sa_port(local))
			continue;
		if (!s->wildcard && addr_equal(&s->bound, local))
			return s;
		if (s->wildcard && !any)
			any = s;
		if (!first)
			first = s;
	}
	if (!any && sa_is_any(local))
		return first;
	return any;
}

union net_cbuf {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* msg (with iov and cbuf, both the caller's) sending from local to remote on s */
static void build_msg(const struct net_sock *s, const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote, struct iovec *iov, struct msghdr *msg,
		      union net_cbuf *cbuf)
{
	*msg = (struct msghdr){
		.msg_name = (void *)remote,
		.msg_namelen = sa_len(remote),
		.msg_iov = iov,
		.msg_iovlen = 1,
	};
	memset(cbuf, 0, sizeof(*cbuf));
	if (s->wildcard && !sa_is_any(local)) {
		struct cmsghdr *c;

		msg->msg_control = cbuf->buf;
		if (local->ss_family == AF_INET) {
			struct in_pktinfo pi = {
				.ipi_spec_dst = ((const struct sockaddr_in *)local)->sin_addr
			};

			msg->msg_controllen = CMSG_SPACE(sizeof(pi));
			c = CMSG_FIRSTHDR(msg);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		} else {
			const struct sockaddr_in6 *l6 = (const struct sockaddr_in6 *)local;
			struct in6_pktinfo pi = { .ipi6_addr = l6->sin6_addr,
						  .ipi6_ifindex = (int)l6->sin6_scope_id };

			msg->msg_controllen = CMSG_SPACE(sizeof(pi));
			c = CMSG_FIRSTHDR(msg);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
}

/* Whether d[j] may follow d[j - 1] in one UDP GSO send: same endpoints, no longer. */
static bool gso_follows(const struct net_dgram *d, size_t j, size_t seg)
{
	return net_addr_equal(d[j].local, d[j - 1].local) &&
	       net_addr_equal(d[j].remote, d[j - 1].remote) && d[j].len <= seg &&
	       d[j - 1].len == seg;
}

/*
 * d[0 .. k - 1] (same endpoints, all seg bytes but maybe the last, shorter
 * one) in one sendmsg() with UDP_SEGMENT: the kernel cuts the datagrams, so
 * the IP and UDP work is done once per run. Returns how many were sent;
 * -1 when the kernel does not do UDP GSO (the caller sends them one by one).
 */
static ssize_t send_gso(struct net *net, struct net_sock *s, const struct net_dgram *d, size_t k,
			size_t seg)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint16_t))];
	} cb;
	union net_cbuf pi;
	struct iovec iov = { net->gsobuf, 0 };
	struct msghdr msg;
	struct cmsghdr *c;
	uint16_t gso = (uint16_t)seg;

	for (size_t j = 0; j < k; j++) {
		memcpy(net->gsobuf + iov.iov_len, d[j].data, d[j].len);
		iov.iov_len += d[j].len;
	}
	build_msg(s, d[0].local, d[0].remote, &iov, &msg, &pi);
	memset(&cb, 0, sizeof(cb));
	if (msg.msg_controllen)
		memcpy(cb.buf, pi.buf, msg.msg_controllen);
	msg.msg_control = cb.buf;
	msg.msg_controllen += CMSG_SPACE(sizeof(gso));
	c = CMSG_FIRSTHDR(&msg);
	if (msg.msg_controllen > CMSG_SPACE(sizeof(gso)))
		c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = IPPROTO_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(gso));
	memcpy(CMSG_DATA(c), &gso, sizeof(gso));
	if (sendmsg(s->fd, &msg, MSG_DONTWAIT) < 0) {
		if (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT) {
			net->no_gso = true;
			return -1;
		}
		net->stats.tx_errors += k;
		return 0;
	}
	net->stats.tx += k;
	return (ssize_t)k;
}

size_t net_send_esp_batch(struct net *net, const struct net_dgram *d, size_t n)
{
	struct mmsghdr mm[NET_BATCH];
	struct iovec iov[NET_BATCH];
	union net_cbuf cb[NET_BATCH];
	size_t sent = 0, i = 0;

	if (!net || !d)
		return 0;
	while (i < n) {
		struct net_sock *s = pick(net, d[i].local);
		size_t k = 1, total = d[i].len, seg = d[i].len;
		int r;

		if (!s || !s->natt || d[i].local->ss_family != d[i].remote->ss_family) {
			net->stats.tx_errors++;
			i++;
			continue;
		}
		/* a run of equal datagrams to one peer (the segments of one TSO packet) */
		while (!net->no_gso && i + k < n && k < NET_GSO_SEGS &&
		       total + d[i + k].len <= NET_GSO_BYTES && gso_follows(d + i, k, seg))
			total += d[i + k++].len;
		if (k > 1) {
			ssize_t g = send_gso(net, s, d + i, k, seg);

			if (g >= 0) {
				sent += (size_t)g;
				i += k;
				continue;
			}
		}
		/* otherwise a run for the same socket goes out in one sendmmsg() */
		k = 0;
		while (i + k < n && k < NET_BATCH && pick(net, d[i + k].local) == s &&
		       d[i + k].remote->ss_family == s->family) {
			iov[k] = (struct iovec){ (void *)d[i + k].data, d[i + k].len };
			build_msg(s, d[i + k].local, d[i + k].remote, &iov[k], &mm[k].msg_hdr, &cb[k]);
			k++;
		}
		r = sendmmsg(s->fd, mm, (unsigned int)k, MSG_DONTWAIT);
		if (r < 0)
			r = 0;
		sent += (size_t)r;
		net->stats.tx += (uint64_t)r;
		net->stats.tx_errors += k - (size_t)r;
		i += k;
	}
	return sent;
}

static int send_raw(struct net *net, struct net_sock *s, const struct sockaddr_storage *local,
		    const struct sockaddr_storage *remote, const uint8_t *data, size_t len)
{
	union net_cbuf cbuf;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg;

	build_msg(s, local, remote, &iov, &msg, &cbuf);
	if (sendmsg(s->fd, &msg, MSG_DONTWAIT) < 0) {
		net->stats.tx_errors++;
		return -errno;
	}
	net->stats.tx++;
	return 0;
}

int net_send_esp(struct net *net, const struct sockaddr_storage *local,
		 const struct sockaddr_storage *remote, const uint8_t *data, size_t len)
{
	struct net_sock *s;

	if (!net || !local || !remote || !data || local->ss_family != remote->ss_family)
		return -EINVAL;
	s = pick(net, local);
	if (!s || !s->natt)
		return -EADDRNOTAVAIL;
	return send_raw(net, s, local, remote, data, len);
}

int net_send(struct net *net, const struct sockaddr_storage *local,
	     const struct sockaddr_storage *remote, const uint8_t *data, size_t len)
{
	struct net_sock *s;

	if (!net || !local || !remote || !data || local->ss_family != remote->ss_family)
		return -EINVAL;
	s = pick(net, local);
	if (!s)
		return -EADDRNOTAVAIL;
	if (!s->natt)
		return send_raw(net, s, local, remote, data, len);
	if (len > NET_BUF)
		return -EMSGSIZE;
	memset(net->sbuf, 0, NON_ESP_MARKER_LEN);
	memcpy(net->sbuf + NON_ESP_MARKER_LEN, data, len);
	return send_raw(net, s, local, remote, net->sbuf, len + NON_ESP_MARKER_LEN);
}

int net_send_keepalive(struct net *net, const struct sockaddr_storage *local,
		       const struct sockaddr_storage *remote)
{
	static const uint8_t ka = 0xff;
	struct sockaddr_storage l;
	struct net_sock *s;

	if (!net || !local || !remote || local->ss_family != remote->ss_family)
		return -EINVAL;
	l = *local;
	sa_set_port(&l, net->port_natt);
	s = pick(net, &l);
	if (!s)
		return -EADDRNOTAVAIL;
	return send_raw(net, s, &l, remote, &ka, 1);
}
