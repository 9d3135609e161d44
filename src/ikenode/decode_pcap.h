/*
 * The packet layer of ikenode-decode: finds IKE messages in captured frames
 * (Ethernet with VLAN tags, Linux cooked SLL/SLL2, raw IP; IPv4 and IPv6;
 * UDP 500, and UDP 4500 behind the non-ESP marker, RFC 3948).
 */
#ifndef IKN_IKENODE_DECODE_PCAP_H
#define IKN_IKENODE_DECODE_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "common/defs.h"

/* One IKE message found in a frame. */
struct decode_pkt {
	int family; /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16]; /* network order; 4 bytes used for AF_INET */
	uint16_t sport, dport;
	/* the IKE message (non-ESP marker removed); borrowed from the frame */
	const uint8_t *ike;
	size_t ike_len;
};

/*
 * Looks for an IKE message in one captured frame of the given pcap link type.
 * Returns 0 and fills *pkt, -ENOENT when the frame holds no IKE message (other
 * traffic, ESP in UDP, a NAT keepalive, an IP fragment), -EBADMSG when its
 * headers are malformed or truncated, -EPROTONOSUPPORT for a link type we do
 * not read, -EINVAL for bad arguments.
 */
MUST_CHECK int decode_frame(int linktype, const uint8_t *frame, size_t caplen,
			    struct decode_pkt *pkt);

struct pcap;
/* Called for each IKE message found; a non-zero return stops the walk. */
typedef int (*decode_pkt_fn)(void *ctx, unsigned long frame, const struct timeval *ts,
			     const struct decode_pkt *pkt);

/* What a walk over a capture saw besides IKE messages. */
struct decode_pcap_stats {
	unsigned long frames, ike, other, malformed;
};

/*
 * Walks every frame of an open capture (borrowed), calling fn for each IKE
 * message. Returns 0 at the end of the capture, fn's non-zero return, or
 * -EBADMSG when the capture itself is corrupt (err holds libpcap's words).
 */
MUST_CHECK int decode_pcap_each(struct pcap *p, decode_pkt_fn fn, void *ctx,
				struct decode_pcap_stats *stats, char *err, size_t err_len);

/* Formats the addresses and ports as "a.b.c.d:500 -> e.f.g.h:500". */
void decode_pkt_endpoints(const struct decode_pkt *pkt, char *buf, size_t len);

#endif
