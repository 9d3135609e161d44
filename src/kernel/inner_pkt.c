/*
 * inner_pkt: the selector fields and TCP coalescing checks of inner packets
 * (inner_pkt.h).
 */
#include "kernel/inner_pkt.h"

#include <netinet/in.h>
#include <sys/socket.h>

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_UDPLITE;
}

bool inner_flow_parse(const uint8_t *p, size_t len, struct inner_flow *f)
{
	size_t off;
	bool first_frag = true;

	if (len < 1)
		return false;
	if (p[0] >> 4 == 4) {
		if (len < 20 || (p[0] & 0xf) < 5 || (size_t)(p[0] & 0xf) * 4 > len)
			return false;
		f->family = AF_INET;
		f->src = p + 12;
		f->dst = p + 16;
		f->proto = p[9];
		off = (size_t)(p[0] & 0xf) * 4;
		first_frag = ((p[6] & 0x1f) | p[7]) == 0;
	} else if (p[0] >> 4 == 6) {
		uint8_t nh;

		if (len < 40)
			return false;
		f->family = AF_INET6;
		f->src = p + 8;
		f->dst = p + 24;
		nh = p[6];
		off = 40;
		/* hop-by-hop, routing, destination options, fragment */
		while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && off + 8 <= len) {
			if (nh == 44) {
				first_frag = (((p[off + 2] << 8) | p[off + 3]) & 0xfff8) == 0;
				nh = p[off];
				off += 8;
			} else {
				uint8_t next = p[off];

				off += ((size_t)p[off + 1] + 1) * 8;
				nh = next;
			}
		}
		f->proto = nh;
	} else {
		return false;
	}
	f->sport = f->dport = 0;
	if (has_ports(f->proto) && first_frag && off + 4 <= len) {
		f->sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		f->dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	} else if ((f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6) && off + 2 <= len) {
		/* RFC 4301 §4.4.1.1: ICMP type and code where the ports are */
		f->sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		f->dport = f->sport;
	}
	return true;
}

bool inner_tcp_coalescable(const uint8_t *p, size_t len, size_t *iphl, size_t *tcphl)
{
	bool v6;

	if (len < 40)
		return false; /* 20-byte IPv4 and 20-byte TCP headers at least */
	v6 = p[0] >> 4 == 6;
	*iphl = v6 ? 40 : 20;
	if (v6 ? p[6] != IPPROTO_TCP : (p[0] != 0x45 || p[9] != IPPROTO_TCP || (p[6] & 0x3f) || p[7]))
		return false; /* IPv4 options, fragments, extension headers */
	if (len < *iphl + 20)
		return false;
	*tcphl = (size_t)(p[*iphl + 12] >> 4) * 4;
	if (*tcphl < 20 || *iphl + *tcphl >= len)
		return false; /* no payload: nothing to coalesce */
	return (p[*iphl + 13] & (uint8_t)~0x18) == 0; /* ACK and PSH only */
}
