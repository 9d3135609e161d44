/*
 * uesp_offload: checksums, TCP segmentation and coalescing in user space
 * (uesp_offload.h).
 */
#include "kernel/uesp_offload.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

/* Checksums (RFC 1071) are summed in host order; the folded sum is stored with memcpy. */

static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	while (n >= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		sum += w;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = { p[0], 0 };
		uint16_t w;

		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t host_order_sum)
{
	memcpy(p, &host_order_sum, 2);
}

/* TCP/UDP pseudo-header sum (RFC 793, RFC 8200 §8.1) for l4_len bytes of proto */
static uint64_t pseudo_sum(const uint8_t *ip, bool v6, uint8_t proto, size_t l4_len)
{
	uint8_t tail[8] = { 0, 0, (uint8_t)(l4_len >> 24), (uint8_t)(l4_len >> 16),
			    (uint8_t)(l4_len >> 8), (uint8_t)l4_len, 0, proto };
	uint64_t sum = v6 ? csum_add(0, ip + 8, 32) : csum_add(0, ip + 12, 8);

	return csum_add(sum, v6 ? tail : tail + 4, v6 ? 8 : 4);
}

int uesp_csum_complete(uint8_t *pkt, size_t len, size_t csum_start, size_t csum_offset)
{
	if (csum_start > len || csum_offset + 2 > len - csum_start)
		return -EINVAL;
	put16(pkt + csum_start + csum_offset,
	      csum_fold(csum_add(0, pkt + csum_start, len - csum_start)));
	return 0;
}

int uesp_tso_segment(const uint8_t *pkt, size_t len, size_t mss, uint8_t *seg, size_t seg_cap,
		     uesp_emit_fn emit, void *ctx)
{
	bool v6;
	size_t iphl, tcphl, hl, payload;
	uint32_t seq0;
	uint16_t id0;

	if (len < 40)
		return -EINVAL;
	v6 = pkt[0] >> 4 == 6;
	iphl = v6 ? 40 : (size_t)(pkt[0] & 0xf) * 4;
	if (iphl < 20 || len < iphl + 20 || pkt[v6 ? 6 : 9] != IPPROTO_TCP || !mss)
		return -EINVAL;
	tcphl = (size_t)(pkt[iphl + 12] >> 4) * 4;
	hl = iphl + tcphl;
	if (tcphl < 20 || hl > len || hl + mss > seg_cap)
		return -EINVAL;
	payload = len - hl;
	seq0 = (uint32_t)pkt[iphl + 4] << 24 | (uint32_t)pkt[iphl + 5] << 16 |
	       (uint32_t)pkt[iphl + 6] << 8 | pkt[iphl + 7];
	id0 = (uint16_t)(pkt[4] << 8 | pkt[5]);
	for (size_t off = 0, i = 0; off < payload; off += mss, i++) {
		size_t n = payload - off < mss ? payload - off : mss;
		uint8_t *tcp = seg + iphl;
		uint32_t seq = seq0 + (uint32_t)off;

		memcpy(seg, pkt, hl);
		memcpy(seg + hl, pkt + hl + off, n);
		if (v6) {
			seg[4] = (uint8_t)((tcphl + n) >> 8);
			seg[5] = (uint8_t)(tcphl + n);
		} else {
			uint16_t id = (uint16_t)(id0 + i);

			seg[2] = (uint8_t)((hl + n) >> 8);
			seg[3] = (uint8_t)(hl + n);
			seg[4] = (uint8_t)(id >> 8);
			seg[5] = (uint8_t)id;
			seg[10] = seg[11] = 0;
			put16(seg + 10, csum_fold(csum_add(0, seg, iphl)));
		}
		tcp[4] = (uint8_t)(seq >> 24);
		tcp[5] = (uint8_t)(seq >> 16);
		tcp[6] = (uint8_t)(seq >> 8);
		tcp[7] = (uint8_t)seq;
		if (off + n < payload)
			tcp[13] &= (uint8_t)~0x09; /* FIN and PSH only on the last segment */
		if (i)
			tcp[13] &= (uint8_t)~0x80; /* CWR only on the first */
		tcp[16] = tcp[17] = 0;
		put16(tcp + 16, csum_fold(csum_add(pseudo_sum(seg, v6, IPPROTO_TCP, tcphl + n), tcp,
						   tcphl + n)));
		emit(ctx, seg, hl + n);
	}
	return 0;
}

void uesp_gro_start(struct uesp_gro *g, const uint8_t *pkt, size_t len, size_t iphl,
		    size_t tcphl)
{
	const uint8_t *t = pkt + iphl;

	memcpy(g->data, pkt, len);
	g->len = len;
	g->iphl = iphl;
	g->hl = iphl + tcphl;
	g->gso_size = len - g->hl;
	g->segs = 1;
	g->closed = (t[13] & 0x08) != 0;
	g->next_seq = ((uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7]) +
		      (uint32_t)g->gso_size;
}

bool uesp_gro_append(struct uesp_gro *g, const uint8_t *pkt, size_t len, size_t iphl,
		     size_t tcphl)
{
	const uint8_t *q = g->data, *t = pkt + iphl, *qt = q + iphl;
	size_t n = len - iphl - tcphl;
	uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];

	if (!g->segs || g->closed || iphl != g->iphl || iphl + tcphl != g->hl || seq != g->next_seq ||
	    n > g->gso_size || g->len + n > 65535)
		return false;
	if (iphl == 20 ? memcmp(pkt, q, 2) || memcmp(pkt + 6, q + 6, 4) || memcmp(pkt + 12, q + 12, 8)
		       : memcmp(pkt, q, 4) || memcmp(pkt + 6, q + 6, 34))
		return false; /* version, TOS/ECN, DF, TTL, protocol, addresses */
	if (memcmp(t, qt, 4) || memcmp(t + 8, qt + 8, 5) || memcmp(t + 14, qt + 14, 2) ||
	    memcmp(t + 20, qt + 20, tcphl - 20) || (t[13] & ~0x08) != (qt[13] & ~0x08))
		return false; /* ports, ACK number, offset, window, options, flags but PSH */
	memcpy(g->data + g->len, pkt + iphl + tcphl, n);
	g->len += n;
	g->segs++;
	g->next_seq += (uint32_t)n;
	if (n < g->gso_size)
		g->closed = true; /* only the last segment may be short */
	if (t[13] & 0x08) {
		g->data[iphl + 13] |= 0x08;
		g->closed = true;
	}
	return true;
}

size_t uesp_gro_finish(struct uesp_gro *g, struct virtio_net_hdr *vh)
{
	uint8_t *p = g->data;
	bool v6 = p[0] >> 4 == 6;
	size_t tcp_len = g->len - g->iphl;

	if (v6) {
		p[4] = (uint8_t)(tcp_len >> 8);
		p[5] = (uint8_t)tcp_len;
	} else {
		p[2] = (uint8_t)(g->len >> 8);
		p[3] = (uint8_t)g->len;
		p[10] = p[11] = 0;
		put16(p + 10, csum_fold(csum_add(0, p, 20)));
	}
	/* checksum offload: the pseudo-header sum, not complemented; the kernel completes it per segment */
	put16(p + g->iphl + 16, (uint16_t)~csum_fold(pseudo_sum(p, v6, IPPROTO_TCP, tcp_len)));
	memset(vh, 0, sizeof(*vh));
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	vh->hdr_len = (uint16_t)g->hl;
	vh->gso_size = (uint16_t)g->gso_size;
	vh->csum_start = (uint16_t)g->iphl;
	vh->csum_offset = 16;
	g->segs = 0;
	return g->len;
}
