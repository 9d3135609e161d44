/*
 * uesp: userspace ESP over TUN (kernel_uesp.h). The null backend keeps the
 * books (SPI reservations, duplicate and existence checks); this file adds
 * the packet path: the SA tables, the policy lookups, the TUN device, the
 * routes and rule into it, and the raw ESP sockets.
 */
#include "kernel/kernel_uesp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>


#include "common/log.h"
#include "kernel/esp.h"
#include "kernel/inner_pkt.h"
#include "kernel/kernel_null.h"
#include "kernel/uesp_offload.h"
#include "kernel/uesp_route.h"

/* packets read from the TUN device (or one socket) per wake-up */
#define UESP_BATCH 64
#define SA_BUCKETS 1024u
/* raw ESP reception: datagrams per recvmmsg() and the room for each */
#define UESP_RAW_SLOTS 16
#define UESP_RAW_SLOT 65536u
/* in front of an opened packet: a transport-mode IP header and the virtio header */
#define OPEN_HEADROOM 64

struct uesp_sa {
	struct uesp_sa *next; /* bucket chain (by SPI inbound, by reqid outbound) */
	uint32_t spi, reqid;
	bool inbound, encap;
	uint8_t mode;
	struct sockaddr_storage src, dst;
	uint64_t added; /* order of installation: the newest outbound SA of a reqid wins */
	struct esp_sa *esp;
	uint8_t protocol;
	uint64_t born_ms; /* monotonic milliseconds at add_sa */
	uint64_t soft_time, hard_time, soft_bytes, hard_bytes, soft_packets, hard_packets;
	bool soft_sent;
};

struct uesp_policy {
	struct uesp_policy *next; /* sorted by priority within its direction */
	struct kernel_policy p;
};




struct uesp {
	struct kernel_ipsec *k;
	qb_loop_t *loop;
	void *book; /* the null backend's state */
	const struct kernel_opts *opts;
	int tun_fd, ifindex, raw4, raw6;
	struct uesp_sa *in_sas[SA_BUCKETS], *out_sas[SA_BUCKETS];
	size_t n_sas;
	uint64_t install_seq;
	struct uesp_policy *pol[3]; /* by KERNEL_DIR_* */
	struct uesp_routes routes;
	qb_loop_timer_handle life_timer;
	bool life_timer_on;
	uesp_udp_out_fn udp_out;
	void *udp_ctx;
	struct uesp_stats st;
	size_t buf_len; /* each buffer: mtu + headroom for the outer headers and ESP */
	size_t rx_len; /* a TUN read: virtio header + a TSO super-packet of up to 64 KiB */
	uint8_t *rx; /* one cleartext (after its virtio header) or ESP packet as read */
	uint8_t *seg; /* one segment cut from a TSO packet (mtu bytes) */
	uint8_t *raw_rx; /* UESP_RAW_SLOTS x UESP_RAW_SLOT: raw ESP as received */
	uint8_t *tx; /* UESP_BATCH sealed packets */
	uint8_t *open_buf; /* one opened packet (+ room for a rebuilt transport header) */
	struct uesp_gro gro; /* data: gro_buf + OPEN_HEADROOM */
	uint8_t *gro_buf;
	bool gro_pending; /* gro_job() is scheduled on the loop */
};

static struct uesp *uesp_of(const struct kernel_ipsec *k)
{
	if (!k || kernel_ipsec_ops(k) != &kernel_uesp_ops)
		return NULL;
	return kernel_ipsec_priv(k);
}

static uint64_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint32_t bucket(uint32_t v)
{
	v ^= v >> 16;
	v *= 0x7feb352du;
	v ^= v >> 15;
	return v & (SA_BUCKETS - 1);
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static const uint8_t *ss_addr(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
	return (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
}

/* ---- SA tables ---- */

static struct uesp_sa *in_sa_find(const struct uesp *u, uint32_t spi)
{
	for (struct uesp_sa *s = u->in_sas[bucket(spi)]; s; s = s->next)
		if (s->spi == spi)
			return s;
	return NULL;
}

static struct uesp_sa **sa_slot(struct uesp *u, uint32_t spi, const struct sockaddr_storage *dst)
{
	struct uesp_sa **pp;

	for (pp = &u->in_sas[bucket(spi)]; *pp; pp = &(*pp)->next)
		if ((*pp)->spi == spi && kernel_ipsec_addr_equal(&(*pp)->dst, dst))
			return pp;
	for (size_t b = 0; b < SA_BUCKETS; b++)
		for (pp = &u->out_sas[b]; *pp; pp = &(*pp)->next)
			if ((*pp)->spi == spi && kernel_ipsec_addr_equal(&(*pp)->dst, dst))
				return pp;
	return NULL;
}

static struct uesp_sa *out_sa_find(const struct uesp *u, uint32_t reqid)
{
	struct uesp_sa *best = NULL;

	for (struct uesp_sa *s = u->out_sas[bucket(reqid)]; s; s = s->next)
		if (s->reqid == reqid && (!best || s->added > best->added))
			best = s;
	return best;
}

static void sa_free(struct uesp_sa *s)
{
	if (!s)
		return;
	esp_sa_free(s->esp);
	free(s);
}

/* ---- selectors ---- */

static bool ts_match(const struct kernel_ts *ts, int family, const uint8_t *addr, uint8_t proto,
		     uint16_t port)
{
	size_t n = addr_len(family);

	if (ts->family != family || memcmp(addr, ts->from, n) < 0 || memcmp(addr, ts->to, n) > 0)
		return false;
	if (ts->proto && ts->proto != proto)
		return false;
	return port >= ts->port_from && port <= ts->port_to;
}

static bool policy_match(const struct kernel_policy *p, const struct inner_flow *f)
{
	return ts_match(&p->src, f->family, f->src, f->proto, f->sport) &&
	       ts_match(&p->dst, f->family, f->dst, f->proto, f->dport);
}

static const struct kernel_policy *policy_lookup(const struct uesp *u, uint8_t dir,
						 const struct inner_flow *f)
{
	for (const struct uesp_policy *e = u->pol[dir]; e; e = e->next)
		if (policy_match(&e->p, f))
			return &e->p;
	return NULL;
}

/* Inbound check (RFC 4301 §5.2): the inner packet must match an in or fwd policy of the SA. */
static bool inbound_allowed(const struct uesp *u, uint32_t reqid, const struct inner_flow *f)
{
	const struct kernel_policy *p = policy_lookup(u, KERNEL_DIR_IN, f);

	if (p && p->reqid == reqid)
		return true;
	p = policy_lookup(u, KERNEL_DIR_FWD, f);
	return p && p->reqid == reqid;
}

/* ---- the packet path ---- */

static void ss_set(struct sockaddr_storage *ss, int family, const uint8_t *addr, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		memcpy(&in->sin_addr, addr, 4);
		in->sin_port = htons(port);
	} else {
		struct sockaddr_in6 *in = (struct sockaddr_in6 *)ss;

		memcpy(&in->sin6_addr, addr, 16);
		in->sin6_port = htons(port);
	}
}

union raw_cbuf {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* msg (with iov, to and cbuf, the caller's) sending pkt as raw ESP from sa's src to its dst */
static void raw_msg(const struct uesp_sa *sa, const uint8_t *pkt, size_t len, struct msghdr *msg,
		    struct iovec *iov, struct sockaddr_storage *to, union raw_cbuf *cbuf)
{
	struct cmsghdr *c = (struct cmsghdr *)cbuf->buf;

	*to = sa->dst;
	*iov = (struct iovec){ (void *)pkt, len };
	*msg = (struct msghdr){ .msg_name = to, .msg_iov = iov, .msg_iovlen = 1,
				.msg_control = cbuf->buf };
	memset(cbuf, 0, sizeof(*cbuf));
	if (sa->dst.ss_family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		((struct sockaddr_in *)to)->sin_port = 0;
		msg->msg_namelen = sizeof(struct sockaddr_in);
		memcpy(&pi.ipi_spec_dst, ss_addr(&sa->src), 4);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		((struct sockaddr_in6 *)to)->sin6_port = 0;
		msg->msg_namelen = sizeof(struct sockaddr_in6);
		memcpy(&pi.ipi6_addr, ss_addr(&sa->src), 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
}

/* Seals one cleartext packet for its SA; 0 and *sa_out, or a drop. */
static int seal_one(struct uesp *u, const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
		    size_t *out_len, struct uesp_sa **sa_out)
{
	const struct kernel_policy *p;
	struct uesp_sa *sa;
	struct inner_flow f;
	uint8_t nh;
	size_t hl = 0;
	int rc;

	if (!inner_flow_parse(pkt, len, &f))
		return -EBADMSG;
	p = policy_lookup(u, KERNEL_DIR_OUT, &f);
	if (!p || !p->reqid || !(sa = out_sa_find(u, p->reqid)))
		return -ENOENT;
	if (sa->mode == KERNEL_MODE_TUNNEL) {
		nh = f.family == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
	} else {
		/* transport mode: the payload after the IP header; the kernel writes the outer one */
		if (f.family == AF_INET) {
			hl = (size_t)(pkt[0] & 0xf) * 4;
		} else {
			if (pkt[6] != f.proto)
				return -EBADMSG; /* extension headers in transport mode: not supported */
			hl = 40;
		}
		nh = f.proto;
	}
	rc = esp_seal(sa->esp, pkt + hl, len - hl, nh, out, cap, out_len);
	if (rc)
		return rc;
	*sa_out = sa;
	return 0;
}

/* ---- the outbound path: TUN -> ESP ---- */

/* Sealed packets of one wake-up: ESP in UDP for the daemon's sockets, raw ESP for ours. */
struct out_batch {
	struct uesp_dgram d[UESP_BATCH];
	const struct uesp_sa *raw[UESP_BATCH]; /* non-NULL: d[i] leaves as raw ESP of this SA */
	size_t n;
	uint64_t now;
};

/* The raw ESP packets of b for one family in one sendmmsg(). */
static void raw_flush(struct uesp *u, const struct out_batch *b, int family)
{
	struct mmsghdr mm[UESP_BATCH];
	struct iovec iov[UESP_BATCH];
	struct sockaddr_storage to[UESP_BATCH];
	union raw_cbuf cb[UESP_BATCH];
	int fd = family == AF_INET ? u->raw4 : u->raw6, r;
	unsigned int k = 0;

	for (size_t i = 0; i < b->n; i++) {
		if (!b->raw[i] || b->raw[i]->dst.ss_family != family)
			continue;
		raw_msg(b->raw[i], b->d[i].data, b->d[i].len, &mm[k].msg_hdr, &iov[k], &to[k],
			&cb[k]);
		k++;
	}
	if (!k)
		return;
	r = fd < 0 ? -1 : sendmmsg(fd, mm, k, MSG_DONTWAIT);
	r = r < 0 ? 0 : r;
	u->st.esp_tx += (uint64_t)r;
	u->st.tx_errors += k - (unsigned int)r;
}

static void out_flush(struct uesp *u, struct out_batch *b)
{
	struct uesp_dgram udp[UESP_BATCH];
	size_t n = 0, sent;

	if (!b->n)
		return;
	for (size_t i = 0; i < b->n; i++)
		if (!b->raw[i])
			udp[n++] = b->d[i];
	if (n) {
		sent = u->udp_out ? u->udp_out(u->udp_ctx, udp, n) : 0;
		u->st.esp_tx += sent;
		u->st.tx_errors += n - sent;
	}
	if (n < b->n) {
		raw_flush(u, b, AF_INET);
		raw_flush(u, b, AF_INET6);
	}
	b->n = 0;
}

/* Seals one cleartext packet and queues (ESP in UDP) or sends (raw ESP) it. */
static void out_one(struct uesp *u, struct out_batch *b, const uint8_t *pkt, size_t len)
{
	uint8_t *out;
	size_t out_len;
	struct uesp_sa *sa;
	int rc;

	if (b->n == UESP_BATCH)
		out_flush(u, b);
	out = u->tx + b->n * u->buf_len;
	rc = seal_one(u, pkt, len, out, u->buf_len, &out_len, &sa);
	if (rc) {
		if (rc == -ENOENT || rc == -EBADMSG)
			u->st.no_policy++;
		else
			u->st.tx_errors++; /* sequence numbers exhausted, too large */
		return;
	}
	esp_sa_touch(sa->esp, b->now);
	b->raw[b->n] = sa->encap ? NULL : sa;
	b->d[b->n++] = (struct uesp_dgram){ out, out_len, &sa->src, &sa->dst };
}

/* uesp_tso_segment()'s segments go the way of every cleartext packet */
struct tso_ctx {
	struct uesp *u;
	struct out_batch *b;
};

static void tso_emit(void *ctx, const uint8_t *pkt, size_t len)
{
	struct tso_ctx *t = ctx;

	out_one(t->u, t->b, pkt, len);
}

static void tun_read(struct uesp *u)
{
	struct out_batch b = { .n = 0, .now = now_sec() };

	for (int i = 0; i < UESP_BATCH; i++) {
		ssize_t got = read(u->tun_fd, u->rx, u->rx_len);
		struct virtio_net_hdr vh;
		uint8_t *pkt = u->rx + sizeof(vh);
		size_t len;

		if (got <= (ssize_t)sizeof(vh))
			break;
		len = (size_t)got - sizeof(vh);
		memcpy(&vh, u->rx, sizeof(vh));
		u->st.tun_rx++;
		if ((vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4 ||
		    (vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV6) {
			struct tso_ctx t = { u, &b };

			if (uesp_tso_segment(pkt, len, vh.gso_size, u->seg, u->opts->mtu, tso_emit, &t))
				u->st.no_policy++;
			continue;
		}
		if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
			u->st.no_policy++;
			continue;
		}
		if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			/* checksum offload: the kernel left the pseudo-header sum in the field */
			if (uesp_csum_complete(pkt, len, vh.csum_start, vh.csum_offset)) {
				u->st.no_policy++;
				continue;
			}
		}
		out_one(u, &b, pkt, len);
	}
	out_flush(u, &b);
}

static int tun_ready(int32_t fd, int32_t revents, void *data)
{
	struct uesp *u = data;

	(void)fd;
	if (revents & POLLIN)
		tun_read(u);
	return 0;
}

/* An IPv4 or IPv6 header for a decrypted transport-mode payload, written in front of it. */
static size_t transport_header(uint8_t *hdr_end, const struct uesp_sa *sa, uint8_t proto,
			       size_t payload_len)
{
	if (sa->dst.ss_family == AF_INET) {
		uint8_t *h = hdr_end - 20;
		uint32_t sum = 0;
		size_t total = payload_len + 20;

		memset(h, 0, 20);
		h[0] = 0x45;
		h[2] = (uint8_t)(total >> 8);
		h[3] = (uint8_t)total;
		h[8] = 64;
		h[9] = proto;
		memcpy(h + 12, ss_addr(&sa->src), 4);
		memcpy(h + 16, ss_addr(&sa->dst), 4);
		for (int i = 0; i < 20; i += 2)
			sum += (uint32_t)(h[i] << 8 | h[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		h[10] = (uint8_t)(~sum >> 8);
		h[11] = (uint8_t)~sum;
		return 20;
	}
	uint8_t *h = hdr_end - 40;

	memset(h, 0, 40);
	h[0] = 0x60;
	h[4] = (uint8_t)(payload_len >> 8);
	h[5] = (uint8_t)payload_len;
	h[6] = proto;
	h[7] = 64;
	memcpy(h + 8, ss_addr(&sa->src), 16);
	memcpy(h + 24, ss_addr(&sa->dst), 16);
	return 40;
}

/* ---- the inbound path: ESP -> TUN, TCP segments coalesced (GRO) ---- */

/* Writes one packet to the TUN device; pkt must have the virtio header's room in front. */
static void tun_write(struct uesp *u, uint8_t *pkt, size_t len, const struct virtio_net_hdr *vh)
{
	pkt -= sizeof(*vh);
	memcpy(pkt, vh, sizeof(*vh));
	if (write(u->tun_fd, pkt, len + sizeof(*vh)) != (ssize_t)(len + sizeof(*vh)))
		u->st.tx_errors++;
	else
		u->st.tun_tx++;
}

/* Decrypted packets were authenticated by the ICV: the kernel need not verify checksums. */
static void write_plain(struct uesp *u, uint8_t *pkt, size_t len)
{
	const struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_DATA_VALID,
					   .gso_type = VIRTIO_NET_HDR_GSO_NONE };

	tun_write(u, pkt, len, &vh);
}

static void gro_flush(struct uesp *u)
{
	struct uesp_gro *g = &u->gro;
	struct virtio_net_hdr vh;
	unsigned int segs = g->segs;
	size_t len;

	if (!segs)
		return;
	if (segs == 1) {
		write_plain(u, g->data, g->len);
		g->segs = 0;
		return;
	}
	len = uesp_gro_finish(g, &vh);
	tun_write(u, g->data, len, &vh);
	u->st.tun_gro += segs;
}

static void gro_job(void *data)
{
	struct uesp *u = data;

	u->gro_pending = false;
	gro_flush(u);
}

/* Hands a decrypted packet to the TUN device, coalescing a TCP flow's segments per batch. */
static void deliver(struct uesp *u, uint8_t *pkt, size_t len)
{
	struct uesp_gro *g = &u->gro;
	size_t iphl, tcphl;

	if (!inner_tcp_coalescable(pkt, len, &iphl, &tcphl)) {
		gro_flush(u);
		write_plain(u, pkt, len);
		return;
	}
	if (uesp_gro_append(g, pkt, len, iphl, tcphl))
		return;
	gro_flush(u);
	uesp_gro_start(g, pkt, len, iphl, tcphl);
	/* flushed once this loop iteration's packets are in */
	if (!u->gro_pending && qb_loop_job_add(u->loop, QB_LOOP_HIGH, u, gro_job) == 0)
		u->gro_pending = true;
	else if (!u->gro_pending)
		gro_flush(u);
}

static void esp_in(struct uesp *u, const uint8_t *pkt, size_t len,
		   const struct sockaddr_storage *src, const struct sockaddr_storage *dst)
{
	struct uesp_sa *sa;
	size_t inner_len;
	uint8_t nh, *inner = u->open_buf + OPEN_HEADROOM;
	struct inner_flow f;
	int rc;

	(void)src;
	u->st.esp_rx++;
	sa = in_sa_find(u, esp_pkt_spi(pkt, len));
	if (!sa || !sa->inbound || !kernel_ipsec_addr_equal(&sa->dst, dst)) {
		u->st.no_sa++;
		return;
	}
	rc = esp_open(sa->esp, pkt, len, inner, u->buf_len, &inner_len, &nh);
	if (rc) {
		u->st.esp_drops++;
		return;
	}
	esp_sa_touch(sa->esp, now_sec());
	if (sa->mode == KERNEL_MODE_TRANSPORT) {
		size_t hl = transport_header(inner, sa, nh, inner_len);

		inner -= hl;
		inner_len += hl;
	} else if (nh != IPPROTO_IPIP && nh != IPPROTO_IPV6) {
		u->st.bad_inner++; /* RFC 4303 §2.6: 59 (dummy) and others are dropped */
		return;
	}
	if (!inner_flow_parse(inner, inner_len, &f) || !inbound_allowed(u, sa->reqid, &f)) {
		u->st.bad_inner++;
		return;
	}
	deliver(u, inner, inner_len);
}

void kernel_uesp_input(struct kernel_ipsec *k, const uint8_t *pkt, size_t len,
		       const struct sockaddr_storage *src, const struct sockaddr_storage *dst)
{
	struct uesp *u = uesp_of(k);

	if (!u || !pkt || !src || !dst)
		return;
	esp_in(u, pkt, len, src, dst);
}

/* Raw ESP as it arrives (IPv4 with its header), UESP_RAW_SLOTS per recvmmsg(). */
static void raw_read(struct uesp *u, int fd, int family)
{
	struct mmsghdr mm[UESP_RAW_SLOTS];
	struct iovec iov[UESP_RAW_SLOTS];
	struct sockaddr_storage from[UESP_RAW_SLOTS], to;
	union raw_cbuf cb[UESP_RAW_SLOTS];

	for (int round = 0; round < UESP_BATCH / UESP_RAW_SLOTS; round++) {
		int n;

		for (int i = 0; i < UESP_RAW_SLOTS; i++) {
			iov[i] = (struct iovec){ u->raw_rx + (size_t)i * UESP_RAW_SLOT, UESP_RAW_SLOT };
			mm[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
							 .msg_namelen = sizeof(from[i]),
							 .msg_iov = &iov[i], .msg_iovlen = 1,
							 .msg_control = cb[i].buf,
							 .msg_controllen = sizeof(cb[i].buf) };
		}
		n = recvmmsg(fd, mm, UESP_RAW_SLOTS, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			const uint8_t *pkt = iov[i].iov_base;
			size_t len = mm[i].msg_len, hl;
			struct msghdr *msg = &mm[i].msg_hdr;

			if (msg->msg_flags & MSG_TRUNC)
				continue;
			if (family == AF_INET) {
				/* raw IPv4 sockets hand over the IP header */
				if (len < 20 || (hl = (size_t)(pkt[0] & 0xf) * 4) < 20 || hl > len)
					continue;
				ss_set(&to, AF_INET, pkt + 16, 0);
				pkt += hl;
				len -= hl;
			} else {
				memset(&to, 0, sizeof(to));
				for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
					if (c->cmsg_level == IPPROTO_IPV6 &&
					    c->cmsg_type == IPV6_PKTINFO) {
						struct in6_pktinfo pi;

						memcpy(&pi, CMSG_DATA(c), sizeof(pi));
						ss_set(&to, AF_INET6, (uint8_t *)&pi.ipi6_addr, 0);
					}
				if (to.ss_family != AF_INET6)
					continue;
			}
			esp_in(u, pkt, len, &from[i], &to);
		}
		if (n < UESP_RAW_SLOTS)
			return;
	}
}

static int raw4_ready(int32_t fd, int32_t revents, void *data)
{
	(void)revents;
	raw_read(data, fd, AF_INET);
	return 0;
}

static int raw6_ready(int32_t fd, int32_t revents, void *data)
{
	(void)revents;
	raw_read(data, fd, AF_INET6);
	return 0;
}

/* ---- lifetimes: checked once a second, as the kernel's timers would ---- */

static bool reached(uint64_t limit, uint64_t value)
{
	return limit && value >= limit;
}

/* Soft: an event, once. Hard: the SA goes, then the event (the kernel's order). */
static void life_check(struct uesp *u, struct uesp_sa **pp, uint64_t now)
{
	struct uesp_sa *s = *pp;
	uint64_t bytes, packets, age = (now - s->born_ms) / 1000u; /* whole seconds */
	struct kernel_event ev = { .spi = s->spi, .protocol = s->protocol, .dst = s->dst,
				   .reqid = s->reqid };

	esp_sa_counts(s->esp, &bytes, &packets);
	if (reached(s->hard_time, age) || reached(s->hard_bytes, bytes) ||
	    reached(s->hard_packets, packets)) {
		*pp = s->next;
		(void)!kernel_null_ops.del_sa(u->book, s->spi, s->protocol, &s->dst);
		u->n_sas--;
		sa_free(s);
		ev.type = KERNEL_EV_EXPIRE_HARD;
		kernel_ipsec_emit(u->k, &ev);
		return;
	}
	if (!s->soft_sent && (reached(s->soft_time, age) || reached(s->soft_bytes, bytes) ||
			      reached(s->soft_packets, packets))) {
		s->soft_sent = true;
		ev.type = KERNEL_EV_EXPIRE_SOFT;
		kernel_ipsec_emit(u->k, &ev);
	}
}

static void life_tick(void *data)
{
	struct uesp *u = data;
	uint64_t now = now_ms();
	struct uesp_sa **tables[2] = { u->in_sas, u->out_sas };

	for (int t = 0; t < 2; t++)
		for (size_t b = 0; b < SA_BUCKETS; b++)
			for (struct uesp_sa **pp = &tables[t][b]; *pp;) {
				struct uesp_sa *before = *pp;

				life_check(u, pp, now);
				if (*pp == before)
					pp = &(*pp)->next;
			}
	u->life_timer_on = qb_loop_timer_add(u->loop, QB_LOOP_LOW, 1000000000ull, u, life_tick,
					     &u->life_timer) == 0;
}

/* ---- setup ---- */

static int tun_open(struct uesp *u)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), s, rc = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	/* the virtio header carries checksum and segmentation offloads both ways */
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	strncpy(ifr.ifr_name, u->opts->tun_name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	u->tun_fd = fd;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	ifr.ifr_mtu = (int)u->opts->mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	if (!rc) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0 || ioctl(s, SIOCGIFINDEX, &ifr) < 0)
			rc = -errno;
		else
			u->ifindex = ifr.ifr_ifindex;
	}
	close(s);
	return rc;
}

static int raw_open(int family, uint32_t mark)
{
	int one = 1, size = 4 << 20;
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);

	if (fd < 0)
		return -errno;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		(void)!setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0 ||
	    (family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

static void uesp_destroy(void *priv)
{
	struct uesp *u = priv;

	if (!u)
		return;
	for (int d = 0; d < 3; d++)
		while (u->pol[d]) {
			struct uesp_policy *e = u->pol[d];

			u->pol[d] = e->next;
			(void)!uesp_routes_policy(&u->routes, &e->p, false);
			free(e);
		}
	uesp_routes_fini(&u->routes);
	for (size_t b = 0; b < SA_BUCKETS; b++) {
		while (u->in_sas[b]) {
			struct uesp_sa *s = u->in_sas[b];

			u->in_sas[b] = s->next;
			sa_free(s);
		}
		while (u->out_sas[b]) {
			struct uesp_sa *s = u->out_sas[b];

			u->out_sas[b] = s->next;
			sa_free(s);
		}
	}
	if (u->loop) {
		if (u->gro_pending)
			qb_loop_job_del(u->loop, QB_LOOP_HIGH, u, gro_job);
		if (u->life_timer_on)
			qb_loop_timer_del(u->loop, u->life_timer);
		if (u->tun_fd >= 0)
			qb_loop_poll_del(u->loop, u->tun_fd);
		if (u->raw4 >= 0)
			qb_loop_poll_del(u->loop, u->raw4);
		if (u->raw6 >= 0)
			qb_loop_poll_del(u->loop, u->raw6);
	}
	if (u->tun_fd >= 0)
		close(u->tun_fd);
	if (u->raw4 >= 0)
		close(u->raw4);
	if (u->raw6 >= 0)
		close(u->raw6);
	if (u->book)
		kernel_null_ops.destroy(u->book);
	free(u->rx);
	free(u->seg);
	free(u->raw_rx);
	free(u->tx);
	free(u->open_buf);
	free(u->gro_buf);
	free(u);
}

static int uesp_create(struct kernel_ipsec *k, qb_loop_t *loop, void **priv)
{
	struct uesp *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return -ENOMEM;
	u->k = k;
	u->opts = kernel_ipsec_opts(k);
	u->tun_fd = u->raw4 = u->raw6 = -1;
	u->buf_len = u->opts->mtu + ESP_OVERHEAD_MAX + 64;
	u->rx_len = sizeof(struct virtio_net_hdr) + 65535;
	u->rx = malloc(u->rx_len);
	u->seg = malloc(u->opts->mtu);
	u->raw_rx = malloc((size_t)UESP_RAW_SLOTS * UESP_RAW_SLOT);
	u->tx = malloc(u->buf_len * UESP_BATCH);
	u->open_buf = malloc(u->buf_len + OPEN_HEADROOM);
	u->gro_buf = malloc(OPEN_HEADROOM + 65535);
	u->gro.data = u->gro_buf ? u->gro_buf + OPEN_HEADROOM : NULL;
	if (!u->rx || !u->seg || !u->raw_rx || !u->tx || !u->open_buf || !u->gro_buf) {
		uesp_destroy(u);
		return -ENOMEM;
	}
	rc = kernel_null_ops.create(k, loop, &u->book);
	if (rc) {
		u->book = NULL;
		uesp_destroy(u);
		return rc;
	}
	rc = tun_open(u);
	if (rc) {
		log_knl(LOG_ERR, "uesp: TUN device %s: %s", u->opts->tun_name, strerror(-rc));
		goto fail;
	}
	rc = uesp_routes_init(&u->routes, u->ifindex, u->opts->tun_name, u->opts->route_table,
			      u->opts->fwmark);
	if (rc) {
		log_knl(LOG_ERR, "uesp: rtnetlink socket failed");
		goto fail;
	}
	u->raw4 = raw_open(AF_INET, u->opts->fwmark);
	u->raw6 = raw_open(AF_INET6, u->opts->fwmark);
	if (u->raw4 < 0 || u->raw6 < 0)
		log_knl(LOG_WARNING, "uesp: raw ESP socket: %s; only ESP in UDP will work",
			strerror(-(u->raw4 < 0 ? u->raw4 : u->raw6)));
	u->loop = loop;
	rc = qb_loop_poll_add(loop, QB_LOOP_HIGH, u->tun_fd, POLLIN, u, tun_ready);
	if (!rc && u->raw4 >= 0)
		rc = qb_loop_poll_add(loop, QB_LOOP_HIGH, u->raw4, POLLIN, u, raw4_ready);
	if (!rc && u->raw6 >= 0)
		rc = qb_loop_poll_add(loop, QB_LOOP_HIGH, u->raw6, POLLIN, u, raw6_ready);
	if (rc) {
		rc = rc < 0 ? rc : -EIO;
		goto fail;
	}
	u->life_timer_on = qb_loop_timer_add(loop, QB_LOOP_LOW, 1000000000ull, u, life_tick,
					     &u->life_timer) == 0;
	log_knl(LOG_INFO, "uesp: TUN device %s (index %d, MTU %u), routes in table %u, mark 0x%x",
		u->opts->tun_name, u->ifindex, u->opts->mtu, u->opts->route_table,
		u->opts->fwmark);
	*priv = u;
	return 0;
fail:
	uesp_destroy(u);
	return rc;
}

/* ---- kernel_ops ---- */

static int uesp_alloc_spi(void *priv, const struct sockaddr_storage *src,
			  const struct sockaddr_storage *dst, uint8_t protocol, uint32_t *spi)
{
	struct uesp *u = priv;

	return kernel_null_ops.alloc_spi(u->book, src, dst, protocol, spi);
}

static int uesp_add_sa(void *priv, const struct kernel_sa *sa)
{
	struct uesp *u = priv;
	struct esp_params ep = {
		.spi = sa->spi,
		.inbound = sa->inbound,
		.encr_id = sa->encr_id,
		.encr_key_bits = sa->encr_key_bits,
		.integ_id = sa->integ_id,
		.encr_key = &sa->encr_key,
		.integ_key = &sa->integ_key,
		.esn = sa->esn,
		.replay_window = sa->replay_window,
		.node_id = u->opts->node_id,
	};
	struct uesp_sa *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	rc = esp_sa_new(&s->esp, &ep);
	if (!rc)
		rc = kernel_null_ops.add_sa(u->book, sa);
	if (rc) {
		sa_free(s);
		return rc;
	}
	s->spi = sa->spi;
	s->reqid = sa->reqid;
	s->inbound = sa->inbound;
	s->encap = sa->encap;
	s->mode = sa->mode;
	s->src = sa->src;
	s->dst = sa->dst;
	s->added = ++u->install_seq;
	s->protocol = sa->protocol;
	s->born_ms = now_ms();
	s->soft_time = sa->soft_time;
	s->hard_time = sa->hard_time;
	s->soft_bytes = sa->soft_bytes;
	s->hard_bytes = sa->hard_bytes;
	s->soft_packets = sa->soft_packets;
	s->hard_packets = sa->hard_packets;
	if (sa->inbound) {
		s->next = u->in_sas[bucket(s->spi)];
		u->in_sas[bucket(s->spi)] = s;
	} else {
		s->next = u->out_sas[bucket(s->reqid)];
		u->out_sas[bucket(s->reqid)] = s;
	}
	u->n_sas++;
	return 0;
}

static int uesp_update_sa(void *priv, uint32_t spi, uint8_t protocol,
			  const struct sockaddr_storage *dst_old, const struct sockaddr_storage *src,
			  const struct sockaddr_storage *dst, bool encap)
{
	struct uesp *u = priv;
	struct uesp_sa **pp = sa_slot(u, spi, dst_old);
	int rc = kernel_null_ops.update_sa(u->book, spi, protocol, dst_old, src, dst, encap);

	if (rc)
		return rc;
	if (pp) {
		(*pp)->src = *src;
		(*pp)->dst = *dst;
		(*pp)->encap = encap;
	}
	return 0;
}

static int uesp_query_sa(void *priv, uint32_t spi, uint8_t protocol,
			 const struct sockaddr_storage *dst, struct kernel_sa_state *st)
{
	struct uesp *u = priv;
	struct uesp_sa **pp;
	int rc = kernel_null_ops.query_sa(u->book, spi, protocol, dst, st);

	if (rc)
		return rc;
	pp = sa_slot(u, spi, dst);
	if (pp)
		esp_sa_state((*pp)->esp, st);
	return 0;
}

static int uesp_set_seq(void *priv, uint32_t spi, uint8_t protocol,
			const struct sockaddr_storage *dst, uint64_t seq_out)
{
	struct uesp *u = priv;
	struct uesp_sa **pp = sa_slot(u, spi, dst);
	int rc;

	if (!pp)
		return -ENOENT;
	rc = esp_sa_set_seq((*pp)->esp, seq_out);
	if (!rc)
		(void)!kernel_null_ops.set_seq(u->book, spi, protocol, dst, seq_out);
	return rc;
}

static int uesp_set_replay(void *priv, uint32_t spi, uint8_t protocol,
			   const struct sockaddr_storage *dst, const struct kernel_sa_state *st)
{
	struct uesp *u = priv;
	struct uesp_sa **pp = sa_slot(u, spi, dst);
	int rc;

	if (!pp)
		return -ENOENT;
	rc = esp_sa_set_replay((*pp)->esp, st);
	if (!rc)
		(void)!kernel_null_ops.set_replay(u->book, spi, protocol, dst, st);
	return rc;
}

static int uesp_del_sa(void *priv, uint32_t spi, uint8_t protocol,
		       const struct sockaddr_storage *dst)
{
	struct uesp *u = priv;
	struct uesp_sa **pp;
	int rc = kernel_null_ops.del_sa(u->book, spi, protocol, dst);

	if (rc)
		return rc;
	pp = sa_slot(u, spi, dst);
	if (pp) {
		struct uesp_sa *s = *pp;

		*pp = s->next;
		sa_free(s);
		u->n_sas--;
	}
	return 0;
}

static int uesp_add_policy(void *priv, const struct kernel_policy *p)
{
	struct uesp *u = priv;
	struct uesp_policy *e = calloc(1, sizeof(*e)), **pp;
	int rc;

	if (!e)
		return -ENOMEM;
	rc = kernel_null_ops.add_policy(u->book, p);
	if (rc) {
		free(e);
		return rc;
	}
	e->p = *p;
	/* lower priority value wins; among equals the older stays first */
	for (pp = &u->pol[p->dir]; *pp && (*pp)->p.priority <= p->priority; pp = &(*pp)->next)
		;
	e->next = *pp;
	*pp = e;
	rc = uesp_routes_policy(&u->routes, p, true);
	if (rc) {
		*pp = e->next;
		(void)!uesp_routes_policy(&u->routes, p, false);
		(void)!kernel_null_ops.del_policy(u->book, p);
		free(e);
	}
	return rc;
}

static bool ts_equal(const struct kernel_ts *a, const struct kernel_ts *b)
{
	size_t n = addr_len(a->family);

	return a->family == b->family && !memcmp(a->from, b->from, n) &&
	       !memcmp(a->to, b->to, n) && a->proto == b->proto &&
	       a->port_from == b->port_from && a->port_to == b->port_to;
}

static int uesp_del_policy(void *priv, const struct kernel_policy *p)
{
	struct uesp *u = priv;
	int rc = kernel_null_ops.del_policy(u->book, p);

	if (rc)
		return rc;
	for (struct uesp_policy **pp = &u->pol[p->dir]; *pp; pp = &(*pp)->next) {
		struct uesp_policy *e = *pp;

		if (ts_equal(&e->p.src, &p->src) && ts_equal(&e->p.dst, &p->dst)) {
			*pp = e->next;
			(void)!uesp_routes_policy(&u->routes, &e->p, false);
			free(e);
			break;
		}
	}
	return 0;
}

static size_t uesp_sa_count(const void *priv)
{
	const struct uesp *u = priv;

	return kernel_null_ops.sa_count(u->book);
}

static size_t uesp_policy_count(const void *priv)
{
	const struct uesp *u = priv;

	return kernel_null_ops.policy_count(u->book);
}

const struct kernel_ops kernel_uesp_ops = {
	.name = "uesp",
	.needs_loop = true,
	.create = uesp_create,
	.destroy = uesp_destroy,
	.alloc_spi = uesp_alloc_spi,
	.add_sa = uesp_add_sa,
	.update_sa = uesp_update_sa,
	.query_sa = uesp_query_sa,
	.set_seq = uesp_set_seq,
	.set_replay = uesp_set_replay,
	.del_sa = uesp_del_sa,
	.add_policy = uesp_add_policy,
	.del_policy = uesp_del_policy,
	.sa_count = uesp_sa_count,
	.policy_count = uesp_policy_count,
};

int kernel_uesp_set_udp_output(struct kernel_ipsec *k, uesp_udp_out_fn fn, void *ctx)
{
	struct uesp *u = uesp_of(k);

	if (!u)
		return -EINVAL;
	u->udp_out = fn;
	u->udp_ctx = ctx;
	return 0;
}

int kernel_uesp_stats(const struct kernel_ipsec *k, struct uesp_stats *st)
{
	const struct uesp *u = uesp_of(k);

	if (!u || !st)
		return -EINVAL;
	*st = u->st;
	return 0;
}

int kernel_uesp_tun(const struct kernel_ipsec *k, const char **name, int *ifindex)
{
	const struct uesp *u = uesp_of(k);

	if (!u)
		return -EINVAL;
	if (name)
		*name = u->opts->tun_name;
	if (ifindex)
		*ifindex = u->ifindex;
	return 0;
}
