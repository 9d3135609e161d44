/*
 * Traffic selectors (RFC 7296 §2.9, §3.13.1): configured selectors resolved
 * into wire form, narrowing as a responder (as strongSwan's
 * traffic_selector_list_t select() does it), checking a responder's
 * narrowing as an initiator, and strongSwan's printed form (%R).
 *
 * struct ike_ts (ike_msg.h) is the value type: type IKE_TS_IPV4_ADDR_RANGE or
 * IKE_TS_IPV6_ADDR_RANGE, an inclusive address range in network order, an IP
 * protocol (0 = any) and an inclusive port range (0-65535 = any; start 65535,
 * end 0 = OPAQUE). For ICMP and ICMPv6 the "port" is type << 8 | code, as in
 * RFC 4301 and strongSwan; like strongSwan's traffic_selector_create(), which
 * every configured and received selector passes through, an ICMP port below
 * 256 is taken as a type (shifted left by 8) wherever selectors are resolved,
 * compared, narrowed or printed, and results carry the shifted form.
 * Everything here works on copies: no function
 * keeps a pointer it was given, and results never point at inputs (raw is
 * NULL in every selector written).
 */
#ifndef IKN_IKENODE_TS_H
#define IKN_IKENODE_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "common/defs.h"
#include "ikenode/ike_msg.h"

struct config_ts;

/*
 * Resolves configured selectors (cfg[0..n), borrowed for the call) into
 * out[0..*n_out) (cap entries), in order: "dynamic" becomes the single
 * address of host (borrowed: the IKE SA's address, or a virtual IP; an
 * IPv4-mapped IPv6 address counts as IPv4; the unspecified address 0.0.0.0
 * or :: gives the whole family, as strongSwan's set_address() does) with the
 * selector's protocol and ports. Other selectors are copied as configured,
 * also those of a family that differs from host's. host may be NULL when
 * no selector is dynamic. 0, -ENOBUFS (more than cap), -EINVAL (NULL
 * arguments, a dynamic selector without a usable host, a selector that is
 * neither AF_INET nor AF_INET6).
 */
MUST_CHECK int ts_from_config(const struct config_ts *cfg, size_t n,
			      const struct sockaddr_storage *host, struct ike_ts *out, size_t cap,
			      size_t *n_out);

/*
 * Narrowing as strongSwan's responder does it (and RFC 7296 §2.9): the
 * result is every non-empty intersection of one of ours with one of the
 * peer's, in our order (for each of ours, the peer's in their order), and
 * then, as strongSwan's remove_duplicate_ts(), every selector that is
 * contained in another one of the result (equal ones included) is dropped,
 * the first of equal ones staying. An intersection takes the larger start
 * and smaller end address, the non-zero protocol (different non-zero ones
 * do not intersect) and the common port range; OPAQUE meets only OPAQUE or
 * any port. The peer's first selector may be the specific one from the
 * packet that triggered its request; it is kept as an ordinary one, as
 * strongSwan does. Peer selectors of other types (raw ones) are ignored.
 * With transport mode the result must be the host addresses themselves
 * (the caller checks). ours and peer are borrowed for the call.
 * Returns 0 with *n_out >= 1; -ENOENT when nothing intersects (answer
 * TS_UNACCEPTABLE; *n_out = 0); -ENOBUFS (more than cap); -ENOMEM; -EINVAL
 * (NULL arguments, one of ours not IPv4/IPv6).
 */
MUST_CHECK int ts_narrow(const struct ike_ts *ours, size_t n_ours, const struct ike_ts *peer,
			 size_t n_peer, struct ike_ts *out, size_t cap, size_t *n_out);

/*
 * true if every selector of a is contained in some selector of b (an
 * initiator checks a response with this against what it proposed): same
 * type, address range within, b's protocol 0 or equal, port range within
 * (OPAQUE within OPAQUE or any). An empty a is a subset; the caller checks
 * that a response is not empty. NULL lists with a count are never subsets.
 */
bool ts_list_is_subset(const struct ike_ts *a, size_t n_a, const struct ike_ts *b, size_t n_b);

/*
 * strongSwan's form (%R): "10.1.0.0/16", "10.1.0.5..10.1.0.9" (a range that
 * is not one subnet), "0.0.0.0/0", "::/0", "10.1.0.1/32" for one address;
 * then, unless protocol and ports are any, "[proto/port]": the protocol by
 * its /etc/protocols name (a fixed table: icmp, tcp, udp, ipv6-icmp, gre,
 * esp, ah, sctp, ...) or number, "0" for any protocol with ports; no "/..."
 * for any port ("[tcp]"); a port as a number, "a-b", "OPAQUE"; for icmp and
 * ipv6-icmp the type, or "type(code)" when the code is not 0, so
 * "[icmp/8]" is port 0x0800 (or 8, see above). Ports are numbers where strongSwan would print
 * a service name of the host. Other selector types print as
 * "TS_FC_ADDR_RANGE" (their name) or "TS_TYPE_<n>". Into buf (len bytes),
 * always terminated. 0, -ENOBUFS (truncated), -EINVAL.
 */
int ts_to_str(const struct ike_ts *ts, char *buf, size_t len);

/*
 * Whether the address of sa (borrowed; AF_INET or AF_INET6, IPv4-mapped
 * IPv6 counts as IPv4) falls in ts and, when sa's port is not 0, the port
 * too (an OPAQUE selector contains no specific port); port 0 = any, only
 * the address is looked at. The protocol is not looked at. false for NULL.
 */
bool ts_contains_addr(const struct ike_ts *ts, const struct sockaddr_storage *sa);

#endif
