/*
 * The "uesp" data-plane backend: ESP in user space, for hosts whose kernel
 * has no ESP. Cleartext packets come and go through a TUN device; routes
 * for the remote selectors of the outbound policies point into it (in
 * route_table, reached by a rule that skips packets marked fwmark, so our
 * own IKE and ESP packets never loop back into the tunnel). ESP leaves in
 * UDP (RFC 3948, through the IKE daemon's NAT-T socket: the owner gives an
 * output function) or as IP protocol 50 on a raw socket of its own.
 *
 * SAs live in tables hashed by SPI (inbound) and by reqid (outbound); the
 * bookkeeping (SPI reservations, duplicates) is the null backend's, so both
 * refuse the same things. All of it runs on the loop the kernel_ipsec was
 * created with.
 */
#ifndef IKN_KERNEL_KERNEL_UESP_H
#define IKN_KERNEL_KERNEL_UESP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/defs.h"
#include "kernel/kernel_ipsec.h"

/* The ops table kernel_ipsec_new(.., "uesp", ..) dispatches to. */
extern const struct kernel_ops kernel_uesp_ops;

/* One ESP-in-UDP datagram to send: from src (address and port) to dst. All borrowed. */
struct uesp_dgram {
	const uint8_t *data;
	size_t len;
	const struct sockaddr_storage *src, *dst;
};

/*
 * Sends n datagrams (borrowed for the call) without the non-ESP marker,
 * from the socket bound to each src's port. Returns how many were sent.
 */
typedef size_t (*uesp_udp_out_fn)(void *ctx, const struct uesp_dgram *d, size_t n);

/*
 * Where encapsulated SAs send (ctx borrowed, must outlive k or be replaced);
 * without it their packets are dropped and counted. -EINVAL if k does not
 * run uesp.
 */
MUST_CHECK int kernel_uesp_set_udp_output(struct kernel_ipsec *k, uesp_udp_out_fn fn, void *ctx);

/*
 * An ESP packet that arrived in UDP (the IKE daemon's NAT-T socket hands
 * them over): pkt from the ESP header on, src the peer (address and port),
 * dst our address. Decrypted packets go to the TUN device; bad ones are
 * dropped and counted. All borrowed for the call.
 */
void kernel_uesp_input(struct kernel_ipsec *k, const uint8_t *pkt, size_t len,
		       const struct sockaddr_storage *src, const struct sockaddr_storage *dst);

struct uesp_stats {
	uint64_t tun_rx; /* cleartext packets read from the TUN device */
	uint64_t tun_tx; /* decrypted packets written to it (a coalesced TCP run counts once) */
	uint64_t tun_gro; /* decrypted TCP segments written as part of a coalesced run */
	uint64_t esp_rx; /* ESP packets received (UDP and raw) */
	uint64_t esp_tx; /* ESP packets sent */
	uint64_t no_policy; /* cleartext without an outbound policy or SA: dropped */
	uint64_t no_sa; /* ESP with an unknown SPI: dropped */
	uint64_t bad_inner; /* decrypted packets the SA's inbound policies do not allow: dropped */
	uint64_t esp_drops; /* ICV, replay, padding failures (also counted per SA) */
	uint64_t tx_errors; /* send/write failures */
};
/* -EINVAL if k does not run uesp. */
MUST_CHECK int kernel_uesp_stats(const struct kernel_ipsec *k, struct uesp_stats *st);
/* The TUN device's name and index; -EINVAL if k does not run uesp. */
MUST_CHECK int kernel_uesp_tun(const struct kernel_ipsec *k, const char **name, int *ifindex);

#endif
