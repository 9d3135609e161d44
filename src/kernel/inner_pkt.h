/*
 * inner_pkt: reading the IP packets that pass through the userspace data
 * plane, cleartext from the TUN device or decrypted from a peer (which may
 * send anything its keys let it). Bounds-checked; never reads past len.
 */
#ifndef IKN_KERNEL_INNER_PKT_H
#define IKN_KERNEL_INNER_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The selector fields of a packet; src and dst point into it (4 or 16 bytes). */
struct inner_flow {
	int family; /* AF_INET or AF_INET6 */
	const uint8_t *src, *dst;
	uint8_t proto; /* after IPv6 hop-by-hop, routing, destination and fragment headers */
	/*
	 * TCP/UDP/SCTP/UDP-Lite ports of a first fragment; ICMP type and code in
	 * both (RFC 4301 §4.4.1.1); else 0.
	 */
	uint16_t sport, dport;
};

/* Fills *f from the IPv4 or IPv6 packet p (len bytes); false if it is neither. */
bool inner_flow_parse(const uint8_t *p, size_t len, struct inner_flow *f);

/*
 * Whether p is TCP data the receive path may coalesce with its neighbours:
 * IPv4 without options and unfragmented, or IPv6 with TCP right after the
 * header; ACK/PSH only; a payload. Then *iphl and *tcphl are the header
 * lengths, and iphl + tcphl < len.
 */
bool inner_tcp_coalescable(const uint8_t *p, size_t len, size_t *iphl, size_t *tcphl);

#endif
