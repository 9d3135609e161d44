/*
 * The NFQUEUE backend of the segment filter (filter.h): libnetfilter_queue's
 * netlink message helpers over a libmnl socket on the qb loop. The kernel
 * copies the first SEG_FILTER_COPY_RANGE bytes of each queued packet; we
 * read what is waiting (up to NFQ_BATCH packets), judge each one, and send
 * all verdicts of that batch in one datagram.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "common/log.h"
#include "segment/filter_int.h"

/* packets read per dispatch before the verdicts go out */
#define NFQ_BATCH 128
/* one verdict message: nlmsghdr + nfgenmsg + NFQA_VERDICT_HDR */
#define NFQ_VERDICT_LEN 32
#define NFQ_RXBUF 16384
#define NFQ_TXBUF (NFQ_BATCH * NFQ_VERDICT_LEN + 2 * NFQ_VERDICT_LEN)
#define NFQ_MAXLEN 4096
#define NFQ_RCVBUF (4 << 20)

struct seg_nfq {
	struct mnl_socket *nl;
	int fd;
	unsigned int portid;
	qb_loop_t *loop;
	uint16_t queue;
	int family;
	struct seg_filter_cfg cfg; /* segments, family and cluster IP: what judge() needs */
	uint64_t owned;
	const struct classify *cls;
	struct seg_filter_count cnt[SEGMENT_MAX];
	uint64_t malformed;
	uint64_t send_errors;
	struct mnl_nlmsg_batch *tx;
	unsigned int judged; /* in the current dispatch */
	char rxbuf[NFQ_RXBUF];
	char txbuf[NFQ_TXBUF];
};

static void count(struct seg_nfq *q, int seg, int verdict)
{
	if (verdict == NF_ACCEPT)
		q->cnt[seg].accepted++;
	else
		q->cnt[seg].dropped++;
}

/* The verdict for a packet whose first @len bytes (from the IP header) are @pkt. */
static int judge(struct seg_nfq *q, const uint8_t *pkt, size_t len)
{
	int seg = seg_filter_packet_segment(&q->cfg, q->cls, pkt, len), verdict;

	if (seg == -ENOENT)
		return NF_ACCEPT; /* inner traffic is not filtered */
	if (seg < 0) {
		q->malformed++;
		log_seg(LOG_DEBUG, "nfqueue: dropped a packet that is not IPv4/IPv6 (%zu bytes)",
			len);
		return NF_DROP;
	}
	assert(seg < SEGMENT_MAX);
	verdict = q->owned & (UINT64_C(1) << seg) ? NF_ACCEPT : NF_DROP;
	count(q, seg, verdict);
	return verdict;
}

static void flush_verdicts(struct seg_nfq *q)
{
	size_t len = mnl_nlmsg_batch_size(q->tx);

	if (len && mnl_socket_sendto(q->nl, mnl_nlmsg_batch_head(q->tx), len) < 0) {
		/* the packets stay queued; the kernel drops them when we close */
		if (q->send_errors++ % 1024 == 0)
			log_seg(LOG_WARNING, "nfqueue %u: sending verdicts failed: %s (%llu times)",
				q->queue, strerror(errno), (unsigned long long)q->send_errors);
	}
	mnl_nlmsg_batch_reset(q->tx);
}

static void put_verdict(struct seg_nfq *q, uint32_t id, int verdict)
{
	struct nlmsghdr *nlh =
		nfq_nlmsg_put(mnl_nlmsg_batch_current(q->tx), NFQNL_MSG_VERDICT, q->queue);

	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	/* full: send what fits; the reset keeps the message that did not */
	if (!mnl_nlmsg_batch_next(q->tx))
		flush_verdicts(q);
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct seg_nfq *q = data;
	struct nlattr *attr[NFQA_MAX + 1] = { NULL };
	const struct nfqnl_msg_packet_hdr *ph;
	const uint8_t *pkt = NULL;
	size_t len = 0;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET))
		return MNL_CB_OK;
	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR]) {
		q->malformed++; /* no packet id: nothing to answer */
		return MNL_CB_OK;
	}
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	if (attr[NFQA_PAYLOAD]) {
		pkt = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	}
	put_verdict(q, ntohl(ph->packet_id), judge(q, pkt, len));
	q->judged++;
	return MNL_CB_OK;
}

/* Runs the messages of one datagram; 0 when an ACK ended it, 1 to go on, or -errno. */
static int run_msgs(struct seg_nfq *q, ssize_t n, unsigned int seq)
{
	int rc = mnl_cb_run(q->rxbuf, (size_t)n, seq, q->portid, on_msg, q);

	if (rc == MNL_CB_ERROR)
		return -errno;
	return rc == MNL_CB_STOP ? 0 : 1;
}

int seg_nfq_dispatch(struct seg_nfq *q)
{
	unsigned int i;
	ssize_t n;
	int rc = 0;

	q->judged = 0;
	for (i = 0; i < NFQ_BATCH; i++) {
		n = mnl_socket_recvfrom(q->nl, q->rxbuf, sizeof(q->rxbuf));
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ENOBUFS)
				rc = -errno;
			break;
		}
		rc = run_msgs(q, n, 0);
		if (rc < 0) /* an error report, e.g. for a verdict on a vanished id */
			log_seg(LOG_DEBUG, "nfqueue %u: kernel reports %s", q->queue,
				strerror(-rc));
		rc = 0;
	}
	flush_verdicts(q);
	return rc ? rc : (int)q->judged;
}

static int32_t on_readable(int32_t fd, int32_t revents, void *data)
{
	struct seg_nfq *q = data;
	int rc;

	UNUSED(fd);
	UNUSED(revents);
	rc = seg_nfq_dispatch(q);
	if (rc < 0)
		log_seg(LOG_WARNING, "nfqueue %u: receive failed: %s", q->queue, strerror(-rc));
	return 0;
}

/* BIND, copy range, queue length and flags in one message; waits for its ACK. */
static int bind_queue(struct seg_nfq *q, bool fail_open)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->queue);
	uint32_t mask = NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO;
	uint32_t flags = NFQA_CFG_F_GSO | (fail_open ? NFQA_CFG_F_FAIL_OPEN : 0);
	unsigned int seq = (unsigned int)time(NULL);
	ssize_t n;
	int rc;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfq_nlmsg_cfg_put_cmd(nlh, (uint16_t)q->family, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, SEG_FILTER_COPY_RANGE);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, NFQ_MAXLEN);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(mask));
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	/* packets may arrive before the ACK: they are judged like any other */
	do {
		n = mnl_socket_recvfrom(q->nl, q->rxbuf, sizeof(q->rxbuf));
		if (n < 0)
			return -errno;
		rc = run_msgs(q, n, seq);
	} while (rc > 0);
	flush_verdicts(q);
	return rc;
}

int seg_nfq_new(struct seg_nfq **out, const struct seg_filter_cfg *cfg, qb_loop_t *loop)
{
	struct seg_nfq *q;
	int one = 1, rcvbuf = NFQ_RCVBUF, rc;

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->fd = -1;
	q->queue = cfg->queue_num;
	q->family = cfg->family;
	q->cfg = *cfg;
	q->cfg.nft_table = NULL; /* borrowed for the call only; not ours to keep */
	q->tx = mnl_nlmsg_batch_start(q->txbuf, NFQ_TXBUF - NFQ_VERDICT_LEN);
	if (!q->tx) {
		rc = -ENOMEM;
		goto err;
	}
	q->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!q->nl) {
		rc = -errno;
		goto err;
	}
	if (mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto err;
	}
	q->portid = mnl_socket_get_portid(q->nl);
	q->fd = mnl_socket_get_fd(q->nl);
	/* a full socket buffer drops packets (counted by the kernel), it is no error for us */
	(void)mnl_socket_setsockopt(q->nl, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	if (setsockopt(q->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(q->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	rc = bind_queue(q, cfg->fail_open);
	if (rc)
		goto err;
	if (fcntl(q->fd, F_SETFL, fcntl(q->fd, F_GETFL) | O_NONBLOCK) < 0) {
		rc = -errno;
		goto err;
	}
	if (loop) {
		rc = qb_loop_poll_add(loop, QB_LOOP_HIGH, q->fd, POLLIN, q, on_readable);
		if (rc)
			goto err;
		q->loop = loop;
	}
	log_seg(LOG_INFO, "nfqueue %u: bound, copying %d bytes per packet%s", q->queue,
		SEG_FILTER_COPY_RANGE, cfg->fail_open ? ", fail-open" : "");
	*out = q;
	return 0;
err:
	if (q->nl)
		mnl_socket_close(q->nl);
	if (q->tx)
		mnl_nlmsg_batch_stop(q->tx);
	free(q);
	return rc;
}

void seg_nfq_free(struct seg_nfq *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (!q)
		return;
	if (q->loop)
		(void)qb_loop_poll_del(q->loop, q->fd);
	/* closing alone also unbinds; waiting packets are dropped by the kernel */
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->queue);
	nfq_nlmsg_cfg_put_cmd(nlh, (uint16_t)q->family, NFQNL_CFG_CMD_UNBIND);
	(void)mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len);
	mnl_socket_close(q->nl);
	mnl_nlmsg_batch_stop(q->tx);
	free(q);
}

void seg_nfq_set_owned(struct seg_nfq *q, uint64_t owned)
{
	q->owned = owned;
}

void seg_nfq_set_classifier(struct seg_nfq *q, const struct classify *c)
{
	q->cls = c;
}

const struct seg_filter_count *seg_nfq_counts(const struct seg_nfq *q)
{
	return q->cnt;
}

uint64_t seg_nfq_malformed(const struct seg_nfq *q)
{
	return q->malformed;
}
