/*
 * The IKE UDP sockets on the event loop: port 500 and the NAT-T port 4500
 * (RFC 3948: IKE behind a 4-byte non-ESP marker, ESP-in-UDP, keepalives),
 * IPv4 and IPv6 on separate sockets, the local address of each datagram
 * from IP_PKTINFO / IPV6_PKTINFO so that answers leave from the address
 * they were sent to.
 */
#ifndef IKN_IKENODE_NET_H
#define IKN_IKENODE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <qb/qbloop.h>

#include "common/defs.h"

struct net;

struct net_pkt {
	const uint8_t *data; /* the IKE message (non-ESP marker already stripped), or the ESP
				packet; borrowed, valid only during the callback */
	size_t len;
	struct sockaddr_storage local; /* our address the datagram was sent to (IP_PKTINFO /
					  IPV6_RECVPKTINFO), port = the receiving socket's port */
	struct sockaddr_storage remote; /* the sender's address and port */
	bool natt; /* arrived on the NAT-T port (4500) */
};

/* Called from the loop for each IKE datagram; pkt is borrowed for the call. */
typedef void (*net_recv_fn)(void *ctx, const struct net_pkt *pkt);
/* ESP-in-UDP packets (first 4 bytes non-zero on the NAT-T port), for the data plane. */
typedef void (*net_esp_fn)(void *ctx, const struct net_pkt *pkt);

struct net_cfg {
	const char *const *addrs; /* addresses to bind: "0.0.0.0", "::" or specific ones */
	size_t n_addrs;
	uint16_t port; /* 500; 0: an ephemeral port (tests) */
	uint16_t port_natt; /* 4500; 0: an ephemeral port (tests) */
	bool freebind; /* IP_FREEBIND / IPV6_FREEBIND: bind a cluster IP not (yet) configured */
	uint32_t fwmark; /* SO_MARK on every socket (0: none), so that routing can tell our
			    own IKE/ESP packets from traffic for a tunnel */
};

/*
 * Opens and binds a socket on port and one on port_natt for every address
 * of cfg (IPv4 and IPv6 on separate sockets, IPV6_V6ONLY) and registers them
 * with loop. loop and ctx are borrowed and must outlive the net; cfg is
 * only read during the call. With an ephemeral port, the port the first
 * address got is used for the others. Received datagrams go to recv: on
 * port 500 everything is IKE; on the NAT-T port a single 0xFF byte is a
 * keepalive (counted, dropped), four zero bytes mark IKE (stripped),
 * anything shorter is dropped, anything else is ESP (the esp handler, or
 * dropped). *out is owned by the caller (net_free()).
 * 0, -EINVAL (NULL argument, no address, an address that is not an IP
 * address), -ENOMEM, or the negative errno of the failing socket call
 * (-EADDRINUSE, -EADDRNOTAVAIL ..., logged with the address).
 */
MUST_CHECK int net_new(struct net **out, qb_loop_t *loop, const struct net_cfg *cfg,
		       net_recv_fn recv, void *ctx);
/* Unregisters and closes the sockets; accepts NULL. Not from within a callback. */
void net_free(struct net *net);
/* fn NULL: ESP packets are dropped (and counted in rx_dropped). ctx borrowed. */
void net_set_esp_handler(struct net *net, net_esp_fn fn, void *ctx);
/* The ports actually bound (after ephemeral binding). */
uint16_t net_port(const struct net *net);
uint16_t net_port_natt(const struct net *net);

/*
 * Sends data from local (address and port: the port picks the socket, a zero
 * address lets the kernel choose, a specific address is used as the source,
 * with IP_PKTINFO / IPV6_PKTINFO on a wildcard socket) to remote. On the
 * NAT-T socket the 4-byte non-ESP marker is prepended. All borrowed for the
 * call. 0, -EINVAL (NULL, families differ), -EADDRNOTAVAIL (no socket for
 * local), or the negative errno of sendmsg() (-EMSGSIZE ...).
 */
MUST_CHECK int net_send(struct net *net, const struct sockaddr_storage *local,
			const struct sockaddr_storage *remote, const uint8_t *data, size_t len);
/*
 * An ESP packet in UDP (RFC 3948), without the non-ESP marker, from the
 * NAT-T socket of local (address and port) to remote. Errors as net_send();
 * -EADDRNOTAVAIL also when local's port is not the NAT-T port.
 */
MUST_CHECK int net_send_esp(struct net *net, const struct sockaddr_storage *local,
			    const struct sockaddr_storage *remote, const uint8_t *data, size_t len);
struct net_dgram {
	const struct sockaddr_storage *local, *remote; /* as net_send_esp() */
	const uint8_t *data;
	size_t len;
};
/*
 * net_send_esp() for n datagrams (all borrowed for the call), a run of
 * datagrams for one socket in one sendmmsg(). Returns how many were sent;
 * failures are counted in tx_errors.
 */
size_t net_send_esp_batch(struct net *net, const struct net_dgram *d, size_t n);
/*
 * A NAT keepalive (RFC 3948 §2.3: one 0xFF byte) from the NAT-T socket of
 * local's address (local's port is ignored) to remote. Errors as net_send().
 */
MUST_CHECK int net_send_keepalive(struct net *net, const struct sockaddr_storage *local,
				  const struct sockaddr_storage *remote);

struct net_stats {
	uint64_t rx; /* IKE datagrams delivered to recv */
	uint64_t tx; /* datagrams sent (IKE and keepalives) */
	uint64_t rx_keepalive; /* NAT keepalives received */
	uint64_t rx_esp; /* ESP-in-UDP packets delivered to the esp handler */
	uint64_t rx_dropped; /* runts, truncated, empty, ESP without a handler */
	uint64_t tx_errors; /* failed sendmsg() */
};
void net_get_stats(const struct net *net, struct net_stats *st);

/*
 * "192.0.2.1[500]", "2001:db8::1[4500]" as strongSwan prints them, into buf
 * (always terminated if len > 0). 0, -EINVAL (NULL), -ENOBUFS (truncated).
 */
int net_addr_to_str(const struct sockaddr_storage *sa, char *buf, size_t len);
/* "192.0.2.1" or "2001:db8::1" with port into sa (zeroed first); 0 or -EINVAL. */
MUST_CHECK int net_addr_parse(const char *s, uint16_t port, struct sockaddr_storage *sa);
/* Same family (AF_INET or AF_INET6), address and port; false for NULL. */
bool net_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

#endif
