/*
 * uesp_offload: what a NIC does for a TUN device with the virtio header,
 * done in user space for uesp: completing partial checksums, cutting TCP
 * super-packets into segments (TSO), and coalescing a flow's consecutive
 * TCP segments into one super-packet (GRO). Pure functions over buffers;
 * the packets come from the local kernel (TSO) or, decrypted and
 * authenticated, from a peer (GRO: inner_tcp_coalescable() checked them).
 */
#ifndef IKN_KERNEL_UESP_OFFLOAD_H
#define IKN_KERNEL_UESP_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include "common/defs.h"

/*
 * Completes the checksum the kernel left partial (VIRTIO_NET_HDR_F_NEEDS_CSUM:
 * the field at csum_start + csum_offset holds the pseudo-header sum).
 * 0 or -EINVAL (the field lies outside pkt).
 */
MUST_CHECK int uesp_csum_complete(uint8_t *pkt, size_t len, size_t csum_start,
				  size_t csum_offset);

typedef void (*uesp_emit_fn)(void *ctx, const uint8_t *pkt, size_t len);

/*
 * Cuts the TCP super-packet pkt (IPv4 or IPv6 without extension headers)
 * into segments of mss payload bytes, as a NIC would: each with its own IP
 * length, IPv4 ID and header checksum, sequence number, FIN/PSH only on the
 * last and CWR only on the first, and a full TCP checksum. Each segment is
 * built in seg (seg_cap bytes) and handed to emit. 0 or -EINVAL (not TCP,
 * headers beyond the packet, a segment larger than seg_cap, mss 0).
 */
MUST_CHECK int uesp_tso_segment(const uint8_t *pkt, size_t len, size_t mss, uint8_t *seg,
				size_t seg_cap, uesp_emit_fn emit, void *ctx);

/* The super-packet being coalesced; data is the owner's (65535 bytes). */
struct uesp_gro {
	uint8_t *data;
	size_t len, iphl, hl, gso_size;
	unsigned int segs; /* 0: empty */
	uint32_t next_seq;
	bool closed; /* a short segment or PSH is in: nothing may follow */
};

/* Starts a super-packet with pkt (whose header lengths inner_tcp_coalescable() gave). */
void uesp_gro_start(struct uesp_gro *g, const uint8_t *pkt, size_t len, size_t iphl,
		    size_t tcphl);
/*
 * Appends pkt's payload if it continues the super-packet: the same IP and TCP
 * headers but for length, ID, sequence number, checksums and PSH; the next
 * sequence number; no longer than the first segment; 64 KiB at most.
 */
bool uesp_gro_append(struct uesp_gro *g, const uint8_t *pkt, size_t len, size_t iphl,
		     size_t tcphl);
/*
 * Makes the super-packet ready to write (g->segs > 1): IP lengths and header
 * checksum, the TCP pseudo-header sum for the kernel to complete, and *vh
 * for GSO. Returns its length; g is empty afterwards.
 */
size_t uesp_gro_finish(struct uesp_gro *g, struct virtio_net_hdr *vh);

#endif
