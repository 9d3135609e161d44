#include "ikenode/decode_pcap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_VLAN 0x8100
#define ETH_P_QINQ 0x88a8
#define IKE_PORT 500
#define IKE_NATT_PORT 4500
#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT_HEADERS 8

enum { IPPROTO_UDP_ = 17 };

static int parse_udp(struct rbuf *r, struct decode_pkt *pkt)
{
	uint16_t len, csum;
	struct rbuf body;
	uint32_t marker;

	if (rbuf_get_u16(r, &pkt->sport) || rbuf_get_u16(r, &pkt->dport) ||
	    rbuf_get_u16(r, &len) || rbuf_get_u16(r, &csum) || len < 8)
		return -EBADMSG;
	/* the capture may be cut short (snaplen) but may also carry padding */
	if (rbuf_sub(r, &body, len - 8u))
		return -EBADMSG;
	if (pkt->sport == IKE_NATT_PORT || pkt->dport == IKE_NATT_PORT) {
		/* RFC 3948: a lone 0xff is a keepalive, a non-zero SPI is ESP */
		if (rbuf_left(&body) < 4)
			return -ENOENT;
		if (rbuf_get_u32(&body, &marker) || marker != 0)
			return -ENOENT;
	} else if (pkt->sport != IKE_PORT && pkt->dport != IKE_PORT) {
		return -ENOENT;
	}
	pkt->ike = body.ptr;
	pkt->ike_len = rbuf_left(&body);
	return 0;
}

static int parse_ipv4(struct rbuf *r, struct decode_pkt *pkt)
{
	uint8_t vihl, tos, ttl, proto;
	uint16_t total, id, frag, csum;
	struct rbuf ip;

	if (rbuf_get_u8(r, &vihl) || vihl >> 4 != 4 || (vihl & 0xf) < 5)
		return -EBADMSG;
	if (rbuf_get_u8(r, &tos) || rbuf_get_u16(r, &total) || rbuf_get_u16(r, &id) ||
	    rbuf_get_u16(r, &frag) || rbuf_get_u8(r, &ttl) || rbuf_get_u8(r, &proto) ||
	    rbuf_get_u16(r, &csum) || rbuf_get_bytes(r, pkt->src, 4) ||
	    rbuf_get_bytes(r, pkt->dst, 4))
		return -EBADMSG;
	if (total < (vihl & 0xf) * 4u || rbuf_skip(r, (vihl & 0xf) * 4u - 20))
		return -EBADMSG;
	if (proto != IPPROTO_UDP_)
		return -ENOENT;
	/* not reassembled: a fragment (MF set or an offset) carries no whole message */
	if (frag & 0x3fff)
		return -ENOENT;
	if (rbuf_sub(r, &ip, total - (vihl & 0xf) * 4u))
		return -EBADMSG;
	pkt->family = AF_INET;
	return parse_udp(&ip, pkt);
}

static int parse_ipv6(struct rbuf *r, struct decode_pkt *pkt)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t next, hops;
	struct rbuf ip;

	if (rbuf_get_u32(r, &vtf) || vtf >> 28 != 6 || rbuf_get_u16(r, &plen) ||
	    rbuf_get_u8(r, &next) || rbuf_get_u8(r, &hops) || rbuf_get_bytes(r, pkt->src, 16) ||
	    rbuf_get_bytes(r, pkt->dst, 16) || rbuf_sub(r, &ip, plen))
		return -EBADMSG;
	for (int i = 0; i < MAX_IPV6_EXT_HEADERS && next != IPPROTO_UDP_; i++) {
		uint8_t ext_len;

		/* hop-by-hop, routing and destination options are skipped;
		 * a fragment header means no whole message here */
		if (next != 0 && next != 43 && next != 60)
			return -ENOENT;
		if (rbuf_get_u8(&ip, &next) || rbuf_get_u8(&ip, &ext_len) ||
		    rbuf_skip(&ip, 6 + ext_len * 8u))
			return -EBADMSG;
	}
	if (next != IPPROTO_UDP_)
		return -ENOENT;
	pkt->family = AF_INET6;
	return parse_udp(&ip, pkt);
}

static int parse_ip(struct rbuf *r, uint16_t ethertype, struct decode_pkt *pkt)
{
	switch (ethertype) {
	case ETH_P_IPV4:
		return parse_ipv4(r, pkt);
	case ETH_P_IPV6:
		return parse_ipv6(r, pkt);
	default:
		return -ENOENT;
	}
}

static int parse_ethernet(struct rbuf *r, struct decode_pkt *pkt)
{
	uint16_t type, tci;

	if (rbuf_skip(r, 12) || rbuf_get_u16(r, &type))
		return -EBADMSG;
	for (int i = 0; i < MAX_VLAN_TAGS && (type == ETH_P_VLAN || type == ETH_P_QINQ); i++)
		if (rbuf_get_u16(r, &tci) || rbuf_get_u16(r, &type))
			return -EBADMSG;
	return parse_ip(r, type, pkt);
}

/* raw IP: the version nibble says which */
static int parse_raw(struct rbuf *r, struct decode_pkt *pkt)
{
	if (rbuf_left(r) < 1)
		return -EBADMSG;
	return parse_ip(r, r->ptr[0] >> 4 == 6 ? ETH_P_IPV6 : ETH_P_IPV4, pkt);
}

int decode_frame(int linktype, const uint8_t *frame, size_t caplen, struct decode_pkt *pkt)
{
	struct rbuf r = rbuf_init(frame, caplen);
	uint16_t proto;

	if (!frame || !pkt)
		return -EINVAL;
	memset(pkt, 0, sizeof(*pkt));
	switch (linktype) {
	case DLT_EN10MB:
		return parse_ethernet(&r, pkt);
	case DLT_LINUX_SLL: /* type, ARPHRD, addr len, 8 bytes addr, protocol */
		if (rbuf_skip(&r, 14) || rbuf_get_u16(&r, &proto))
			return -EBADMSG;
		return parse_ip(&r, proto, pkt);
	case DLT_LINUX_SLL2: /* protocol first, then 18 bytes */
		if (rbuf_get_u16(&r, &proto) || rbuf_skip(&r, 18))
			return -EBADMSG;
		return parse_ip(&r, proto, pkt);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case 101: /* LINKTYPE_RAW as stored in files */
		return parse_raw(&r, pkt);
	default:
		return -EPROTONOSUPPORT;
	}
}

void decode_pkt_endpoints(const struct decode_pkt *pkt, char *buf, size_t len)
{
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
	int af = pkt->family == AF_INET6 ? AF_INET6 : AF_INET;

	inet_ntop(af, pkt->src, src, sizeof(src));
	inet_ntop(af, pkt->dst, dst, sizeof(dst));
	if (af == AF_INET6)
		snprintf(buf, len, "[%s]:%u -> [%s]:%u", src, pkt->sport, dst, pkt->dport);
	else
		snprintf(buf, len, "%s:%u -> %s:%u", src, pkt->sport, dst, pkt->dport);
}

int decode_pcap_each(struct pcap *p, decode_pkt_fn fn, void *ctx, struct decode_pcap_stats *stats,
		     char *err, size_t err_len)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int linktype, rc;

	if (!p || !fn || !stats || !err || !err_len)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	err[0] = '\0';
	linktype = pcap_datalink(p);
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		struct decode_pkt pkt;
		int found;

		stats->frames++;
		found = decode_frame(linktype, data, hdr->caplen, &pkt);
		if (found == -EPROTONOSUPPORT) {
			const char *name = pcap_datalink_val_to_name(linktype);

			snprintf(err, err_len, "link type %d (%s) is not supported", linktype,
				 name ? name : "?");
			return found;
		}
		if (found == -EBADMSG)
			stats->malformed++;
		else if (found == -ENOENT)
			stats->other++;
		if (found)
			continue;
		stats->ike++;
		rc = fn(ctx, stats->frames, &hdr->ts, &pkt);
		if (rc)
			return rc;
	}
	if (rc == PCAP_ERROR) {
		snprintf(err, err_len, "%s", pcap_geterr(p));
		return -EBADMSG;
	}
	return 0;
}
