/*
 * The segment packet filter: a node accepts the packets of the segments it
 * owns and drops the others (docs/cluster.md, docs/segments.md). Two
 * backends implement one interface:
 *
 *  - SEG_FILTER_NFQUEUE: libnetfilter_queue on the qb loop. The kernel
 *    queues packets (iptables-nft `-j NFQUEUE --queue-num Q`, installed by
 *    cluster/ikenode-cluster; no --queue-bypass, so with no listener the
 *    packets are dropped). Outer traffic (to the cluster IP) is classified
 *    by segment_of(source); inner traffic (to any other destination) by the
 *    classify table, by destination. Only the first 128 bytes of each packet
 *    are copied to userspace; verdicts of one receive batch leave in one
 *    send.
 *  - SEG_FILTER_NFT: the kernel fast path. seg_filter_new() creates our own
 *    nftables table (family ip or ip6, name cfg->nft_table) with
 *      chain pre { type filter hook prerouting priority -150; policy accept; }
 *      set owned { segment numbers }
 *      map cnt_all, map cnt_drop { segment : counter "all<j>" / "drop<j>" }
 *    and one rule (expressions, registers shown):
 *      ip daddr == CLUSTER_IP; r1 = jhash(ip saddr) mod N seed S;
 *      counter name r1 map @cnt_all; r1 != @owned; counter name r1 map @cnt_drop; drop
 *    i.e. `ip daddr CLUSTER_IP jhash ip saddr mod N seed S != @owned drop`
 *    with one hash per packet and two named counters per segment (every
 *    packet, dropped packets); accepted = all - dropped. Inner traffic is
 *    not filtered by this backend. set_owned() flushes and refills the set
 *    in one nftables transaction.
 *
 * Both backends: single-threaded, on the loop thread. Segment numbers are
 * 0 .. cfg->seg.count - 1 (segment_of()); bit s of an owned mask is
 * segment s.
 */
#ifndef IKN_SEGMENT_FILTER_H
#define IKN_SEGMENT_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include <qb/qbloop.h>

#include "common/defs.h"
#include "segment/classify.h"
#include "segment/segment.h"

struct seg_filter;

enum seg_filter_backend {
	SEG_FILTER_NFQUEUE,
	SEG_FILTER_NFT,
};

/* Bytes of each queued packet copied to userspace (the headers). */
#define SEG_FILTER_COPY_RANGE 128
/* Longest nftables table name (NFT_TABLE_MAXNAMELEN - 1). */
#define SEG_FILTER_TABLE_MAX 255

struct seg_filter_cfg {
	enum seg_filter_backend backend;
	struct segment_cfg seg; /* version 1, count 1 .. SEGMENT_MAX, seed */
	int family; /* AF_INET or AF_INET6 */
	uint8_t cluster_ip[16]; /* network order; AF_INET uses [0..3]. Outer traffic: to this */
	uint16_t queue_num; /* NFQUEUE: the queue to bind */
	/* nft: our own table, e.g. "ikenode"; borrowed for seg_filter_new() */
	const char *nft_table;
	bool fail_open; /* NFQUEUE: accept when the queue overflows (default: drop) */
};

/*
 * Starts a filter owning no segment (everything to the cluster IP is
 * dropped until seg_filter_set_owned()). @cfg is borrowed for the call.
 * @loop is borrowed and must outlive the filter; the NFQUEUE backend adds
 * its netlink socket to it (QB_LOOP_HIGH). @loop may be NULL: then the
 * caller runs seg_filter_dispatch() (tests, tools). The nft backend does not
 * use the loop.
 * NFT: an existing table of the same name is replaced (deleted and created
 * in the same transaction), so a restarted daemon recovers its table.
 * Returns 0 and *out (owned by the caller, free with seg_filter_free()),
 * -EINVAL (NULL @out or @cfg, bad version/count/family/backend, nft without
 * a table name or with one longer than SEG_FILTER_TABLE_MAX), -ENOMEM, or the
 * negative errno of the netlink socket, of binding the queue (-EPERM: not
 * CAP_NET_ADMIN, or another socket holds the queue) or of the nftables
 * transaction (-EPERM: not CAP_NET_ADMIN).
 */
MUST_CHECK int seg_filter_new(struct seg_filter **out, const struct seg_filter_cfg *cfg,
			      qb_loop_t *loop);

/*
 * Removes what seg_filter_new() installed (NFQUEUE: unbinds the queue, whose
 * waiting packets the kernel then drops; nft: deletes the table) and frees
 * @f. Accepts NULL.
 */
void seg_filter_free(struct seg_filter *f);

/*
 * Switches the owned segments to exactly @owned_mask (bit s = segment s), at
 * once: NFQUEUE packets are judged by one mask or the other; nft flushes and
 * refills the set in one transaction. Returns 0, -EINVAL (NULL @f, a bit >=
 * count) or the negative errno of the transaction (the old set then stays).
 */
MUST_CHECK int seg_filter_set_owned(struct seg_filter *f, uint64_t owned_mask);

/* The owned mask last set successfully (0 for NULL). */
uint64_t seg_filter_owned(const struct seg_filter *f);

/*
 * Packets of segment @seg accepted and dropped since seg_filter_new() (nft:
 * read from the kernel's counters). Either output may be NULL. Returns 0,
 * -EINVAL (NULL @f, @seg >= count) or a netlink errno (nft).
 */
MUST_CHECK int seg_filter_counters(const struct seg_filter *f, unsigned int seg, uint64_t *accepted,
				   uint64_t *dropped);

/*
 * NFQUEUE: packets that were dropped without a segment (not IPv4/IPv6, too
 * short) or that came without a packet ID. 0 for nft or NULL.
 */
uint64_t seg_filter_malformed(const struct seg_filter *f);

/*
 * NFQUEUE only: inner traffic (a destination other than the cluster IP) is
 * judged by classify_lookup(@c, destination); a destination in no prefix is
 * judged by segment_of(destination). @c is borrowed and must stay valid
 * until replaced or the filter is freed; NULL (the default): inner traffic
 * is accepted. Ignored by the nft backend and for NULL @f.
 */
void seg_filter_set_classifier(struct seg_filter *f, const struct classify *c);

/*
 * NFQUEUE: handles the packets waiting on the queue socket now (does not
 * block), as the loop does when the socket is readable. Returns the number
 * of packets judged, -EINVAL (NULL, nft backend) or the socket's negative
 * errno.
 */
MUST_CHECK int seg_filter_dispatch(struct seg_filter *f);

/*
 * How the NFQUEUE filter places a packet (its first @len bytes, from the IP
 * header on; all borrowed): to @cfg's cluster IP by segment_of(source);
 * other destinations by @cls (longest prefix), else segment_of(destination).
 * Returns the segment (0 .. count - 1), -ENOENT (inner traffic and @cls
 * NULL: not judged), -EBADMSG (not IPv4/IPv6, or shorter than its header)
 * or -EINVAL (NULL @cfg or @pkt). Pure: every byte read is checked.
 */
MUST_CHECK int seg_filter_packet_segment(const struct seg_filter_cfg *cfg,
					 const struct classify *cls, const uint8_t *pkt,
					 size_t len);

/* "nfqueue" or "nft"; NULL for an unknown value. */
const char *seg_filter_backend_name(enum seg_filter_backend b);

#endif
