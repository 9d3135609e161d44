/*
 * kernel_ipsec: the data-plane interface the IKE daemon hands CHILD_SAs to
 * (DESIGN.md §2). It allocates SPIs; adds, updates, queries and deletes SAs;
 * adds and deletes policies; reads and sets the outbound sequence number and
 * the inbound replay state of a live SA (the HA takeover, DESIGN.md §6); and
 * reports soft/hard expiry and acquires through one callback. It knows
 * nothing of IKE.
 *
 * Backends, chosen by name: "null" (records everything, moves no packet; for
 * tests and benchmarks), "uesp" (userspace ESP over TUN) and "xfrm" (Linux
 * XFRM); the last two answer -ENOTSUP until they exist.
 *
 * Every input is validated here, once, before a backend sees it, so all
 * backends refuse the same things with the same errors.
 *
 * Identities: an SA is (spi, protocol, destination address); a policy is
 * (src selector, dst selector, dir). Ports of the outer addresses are not
 * part of an SA's identity (as in XFRM); they matter only with encap.
 *
 * Not thread-safe: one kernel_ipsec belongs to one event-loop thread.
 */
#ifndef IKN_KERNEL_KERNEL_IPSEC_H
#define IKN_KERNEL_KERNEL_IPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <qb/qbloop.h>

#include "common/defs.h"
#include "common/secret.h"

/* SA and policy modes (values of XFRM_MODE_*). */
#define KERNEL_MODE_TRANSPORT 0
#define KERNEL_MODE_TUNNEL 1

/* Policy directions (values of XFRM_POLICY_*). */
#define KERNEL_DIR_IN 0
#define KERNEL_DIR_OUT 1
#define KERNEL_DIR_FWD 2

/* The largest replay window: the bits of kernel_sa_state.replay_bitmap. */
#define KERNEL_REPLAY_WINDOW_MAX 4096

/* SPIs below this are reserved (RFC 4303 §2.1); alloc_spi never returns them. */
#define KERNEL_SPI_MIN 0x100u

/*
 * IKEv2 transform IDs (IANA "IKEv2 Parameters") the data plane accepts.
 * Others give -ENOTSUP.
 */
#define KERNEL_ENCR_AES_CBC 12 /* 128/192/256-bit key, needs integrity */
#define KERNEL_ENCR_AES_GCM_8 18 /* AEAD: key of encr_key_bits + 32-bit salt */
#define KERNEL_ENCR_AES_GCM_12 19
#define KERNEL_ENCR_AES_GCM_16 20
#define KERNEL_ENCR_CHACHA20_POLY1305 28 /* AEAD, 256-bit key (bits 0 or 256) + salt */
#define KERNEL_INTEG_NONE 0
#define KERNEL_INTEG_HMAC_SHA1_96 2 /* 160-bit key */
#define KERNEL_INTEG_HMAC_SHA2_256_128 12 /* 256-bit key */
#define KERNEL_INTEG_HMAC_SHA2_384_192 13 /* 384-bit key */
#define KERNEL_INTEG_HMAC_SHA2_512_256 14 /* 512-bit key */

/*
 * A traffic selector: addresses from..to (inclusive, network order; 4 bytes
 * used for AF_INET, the rest ignored), IP protocol (0 any) and ports
 * port_from..port_to (host order, inclusive; 0..65535 any).
 */
struct kernel_ts {
	int family; /* AF_INET or AF_INET6 */
	uint8_t from[16], to[16];
	uint8_t proto;
	uint16_t port_from, port_to;
};

/* One direction of a CHILD_SA. */
struct kernel_sa {
	uint32_t spi; /* >= KERNEL_SPI_MIN */
	uint8_t protocol; /* IPPROTO_ESP (IPPROTO_AH: -ENOTSUP) */
	bool inbound; /* we decrypt (dst is us) or encrypt (dst is the peer) */
	/* outer addresses, same family; ports (non-zero) are required with encap */
	struct sockaddr_storage src, dst;
	bool encap; /* ESP in UDP (RFC 3948) */
	uint32_t reqid;
	uint8_t mode; /* KERNEL_MODE_TUNNEL / KERNEL_MODE_TRANSPORT */
	/* IKEv2 transform IDs (KERNEL_ENCR_*, KERNEL_INTEG_*) */
	uint16_t encr_id, encr_key_bits, integ_id;
	/*
	 * Borrowed for the call; add_sa copies them. encr_key is encr_key_bits/8
	 * bytes, plus the 4-byte salt for AEAD (RFC 4106 §8.1, RFC 7634 §2);
	 * integ_key is the length of integ_id's key, and empty for AEAD.
	 */
	struct secret encr_key, integ_key;
	bool esn; /* 64-bit sequence numbers (RFC 4304) */
	/* inbound: 0 (no replay check) .. KERNEL_REPLAY_WINDOW_MAX; with esn at least 1 */
	uint32_t replay_window;
	/* lifetimes in seconds since add / bytes / packets; 0 = none; soft <= hard */
	uint64_t soft_time, hard_time, soft_bytes, hard_bytes, soft_packets, hard_packets;
	uint32_t segment; /* the HA segment of the peer (DESIGN.md §4) */
	/* selectors for uesp routing; borrowed for the call, add_sa copies them */
	const struct kernel_ts *ts_local, *ts_remote;
	size_t n_ts_local, n_ts_remote;
};

/*
 * A policy: traffic src -> dst in direction dir is protected by the SA of
 * reqid (mode, tunnel endpoints tmpl_src -> tmpl_dst). Higher priority
 * values lose, as in XFRM (lower value wins). src and dst have one family.
 * tmpl_src/tmpl_dst: in tunnel mode required (same family); in transport
 * mode either both AF_UNSPEC or both valid.
 */
struct kernel_policy {
	struct kernel_ts src, dst;
	uint8_t dir; /* KERNEL_DIR_IN/OUT/FWD */
	uint32_t reqid; /* 0: no SA yet (a trap policy; traffic raises an acquire) */
	uint32_t priority;
	uint8_t mode;
	struct sockaddr_storage tmpl_src, tmpl_dst;
	uint32_t segment;
};

/*
 * The live state of one SA. replay_bitmap: bit i (byte i / 8, bit i % 8,
 * least significant first) set = sequence number replay_top - i was received;
 * bits at and above replay_window are zero. seq_out is the next sequence
 * number the SA sends (1 for a fresh outbound SA, 0 for an inbound one);
 * without ESN it ends at 2^32 (exhausted).
 */
struct kernel_sa_state {
	uint64_t bytes, packets;
	uint64_t last_use; /* monotonic seconds, 0 never */
	uint64_t seq_out; /* next outbound sequence number (64-bit with ESN) */
	uint64_t replay_top; /* highest inbound sequence number accepted, 0 none */
	uint8_t replay_bitmap[KERNEL_REPLAY_WINDOW_MAX / 8];
	uint32_t replay_window;
	uint64_t drops_icv, drops_replay, drops_other;
};

enum kernel_event_type {
	KERNEL_EV_EXPIRE_SOFT, /* the SA should be rekeyed; it stays */
	KERNEL_EV_EXPIRE_HARD, /* the SA is gone already */
	KERNEL_EV_ACQUIRE, /* traffic hit a policy without SA; spi 0, dst = tmpl_dst */
};

struct kernel_event {
	enum kernel_event_type type;
	uint32_t spi;
	uint8_t protocol;
	struct sockaddr_storage dst;
	uint32_t reqid;
};

/* ev is borrowed for the call. Must not free the kernel_ipsec it came from. */
typedef void (*kernel_event_fn)(void *ctx, const struct kernel_event *ev);

struct kernel_ipsec;

/*
 * Backend options (kernel { ... } in ikenode.conf). Only uesp reads them so
 * far; zeroes mean the defaults given here.
 */
struct kernel_opts {
	const char *tun_name; /* uesp: the TUN device ("ikn0"); copied */
	uint32_t mtu; /* uesp: the TUN device's MTU (1400) */
	uint32_t route_table; /* uesp: routing table for the remote selectors (220) */
	uint32_t fwmark; /* uesp: mark of our own IKE/ESP sockets; the rule to route_table skips it (0x42) */
	uint16_t node_id; /* the cluster node's ID, embedded in AEAD IVs (DESIGN.md §6) */
};

/* kernel_ipsec_new_opts() with every option at its default. */
MUST_CHECK int kernel_ipsec_new(struct kernel_ipsec **out, const char *backend, qb_loop_t *loop,
				kernel_event_fn ev, void *ctx);
/*
 * Starts the backend named backend ("null", "uesp" or "xfrm"; other names
 * -EINVAL; -ENOTSUP for a backend this build lacks). opts (NULL: defaults)
 * is read during the call. loop is borrowed and must outlive the object;
 * it may be NULL for "null". ev (NULL: events are dropped) is called with
 * ctx from the loop. Logs the backend at LOG_INFO. On success *out is owned
 * by the caller (kernel_ipsec_free()). Returns 0, -EINVAL, -ENOTSUP or
 * -ENOMEM.
 */
MUST_CHECK int kernel_ipsec_new_opts(struct kernel_ipsec **out, const char *backend,
				     qb_loop_t *loop, kernel_event_fn ev, void *ctx,
				     const struct kernel_opts *opts);
/* Removes every SA, SPI reservation and policy it added, wipes keys; accepts NULL. */
void kernel_ipsec_free(struct kernel_ipsec *k);
/* The backend's name ("null"); static string. */
const char *kernel_ipsec_backend(const struct kernel_ipsec *k);

/*
 * Reserves a random SPI in KERNEL_SPI_MIN..0xffffffff for an inbound SA
 * src -> dst (dst is us), unique among the live SAs and reservations of
 * protocol. The reservation ends with add_sa or del_sa of (spi, protocol,
 * dst), or with kernel_ipsec_free(). Returns 0, -EINVAL, -ENOTSUP (AH), -ENOSPC
 * (no free SPI found), -EIO (no randomness) or -ENOMEM.
 */
MUST_CHECK int kernel_ipsec_alloc_spi(struct kernel_ipsec *k, const struct sockaddr_storage *src,
				      const struct sockaddr_storage *dst, uint8_t protocol,
				      uint32_t *spi);
/*
 * Installs sa (borrowed; keys and selectors are copied). Returns 0, -EINVAL
 * (bad arguments: families, ports, mode, key lengths, AEAD with integrity or
 * non-AEAD without, lifetimes, replay window), -ENOTSUP (algorithm or
 * protocol), -EEXIST ((spi, protocol, dst) is live) or -ENOMEM.
 */
MUST_CHECK int kernel_ipsec_add_sa(struct kernel_ipsec *k, const struct kernel_sa *sa);
/*
 * New outer addresses/ports/encap after NAT or MOBIKE for the SA (spi,
 * protocol, dst_old); src and dst have one family (which may differ from
 * the old one). Returns 0, -EINVAL, -ENOENT or -EEXIST (another SA or an SPI
 * reservation is (spi, protocol, dst)).
 */
MUST_CHECK int kernel_ipsec_update_sa(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
				      const struct sockaddr_storage *dst_old,
				      const struct sockaddr_storage *src,
				      const struct sockaddr_storage *dst, bool encap);
/* Fills *st for a live SA. Returns 0, -EINVAL or -ENOENT. */
MUST_CHECK int kernel_ipsec_query_sa(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
				     const struct sockaddr_storage *dst,
				     struct kernel_sa_state *st);
/*
 * HA takeover: sets the next outbound sequence number of a live outbound SA.
 * It never moves back (that would reuse nonces): seq_out below the current
 * one, 0, or above 2^32 without ESN give -ERANGE. Returns 0, -EINVAL
 * (also: an inbound SA), -ENOENT or -ERANGE.
 */
MUST_CHECK int kernel_ipsec_set_seq(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
				    const struct sockaddr_storage *dst, uint64_t seq_out);
/*
 * HA takeover: sets the replay state of a live inbound SA from st
 * (borrowed; replay_top, replay_bitmap, replay_window are read, the rest is
 * ignored). st->replay_window must equal the SA's; bitmap bits at and above
 * it are ignored. replay_top never moves back, and is at most 0xffffffff
 * without ESN (else -ERANGE). Returns 0, -EINVAL (also: an outbound SA),
 * -ENOENT or -ERANGE.
 */
MUST_CHECK int kernel_ipsec_set_replay(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
				       const struct sockaddr_storage *dst,
				       const struct kernel_sa_state *st);
/*
 * Removes a live SA (wiping its keys) or an SPI reservation. Returns 0,
 * -EINVAL or -ENOENT.
 */
MUST_CHECK int kernel_ipsec_del_sa(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
				   const struct sockaddr_storage *dst);
/*
 * Installs p (borrowed, copied). Returns 0, -EINVAL (families, selector
 * ranges, dir, mode, template), -EEXIST ((src, dst, dir) installed) or
 * -ENOMEM.
 */
MUST_CHECK int kernel_ipsec_add_policy(struct kernel_ipsec *k, const struct kernel_policy *p);
/* Removes the policy (p->src, p->dst, p->dir); other fields are ignored. 0, -EINVAL, -ENOENT. */
MUST_CHECK int kernel_ipsec_del_policy(struct kernel_ipsec *k, const struct kernel_policy *p);
/* Live SAs (not SPI reservations) and policies; 0 for NULL. */
size_t kernel_ipsec_sa_count(const struct kernel_ipsec *k);
size_t kernel_ipsec_policy_count(const struct kernel_ipsec *k);

/* Whether encr_id is an AEAD transform the data plane knows. */
bool kernel_ipsec_is_aead(uint16_t encr_id);

/*
 * Backend interface (for kernel_*.c only). kernel_ipsec.c validates every
 * argument before it calls an operation, so backends see only valid input:
 * non-NULL pointers, AF_INET/AF_INET6 addresses, checked algorithms and key
 * lengths. Operations return 0 or a negative errno as documented above.
 * priv is what create() stored; create() gets the owning kernel_ipsec for
 * kernel_ipsec_emit() (borrowed, outlives priv).
 */
struct kernel_ops {
	const char *name;
	bool needs_loop;
	MUST_CHECK int (*create)(struct kernel_ipsec *k, qb_loop_t *loop, void **priv);
	void (*destroy)(void *priv);
	MUST_CHECK int (*alloc_spi)(void *priv, const struct sockaddr_storage *src,
				    const struct sockaddr_storage *dst, uint8_t protocol,
				    uint32_t *spi);
	MUST_CHECK int (*add_sa)(void *priv, const struct kernel_sa *sa);
	MUST_CHECK int (*update_sa)(void *priv, uint32_t spi, uint8_t protocol,
				    const struct sockaddr_storage *dst_old,
				    const struct sockaddr_storage *src,
				    const struct sockaddr_storage *dst, bool encap);
	MUST_CHECK int (*query_sa)(void *priv, uint32_t spi, uint8_t protocol,
				   const struct sockaddr_storage *dst, struct kernel_sa_state *st);
	MUST_CHECK int (*set_seq)(void *priv, uint32_t spi, uint8_t protocol,
				  const struct sockaddr_storage *dst, uint64_t seq_out);
	MUST_CHECK int (*set_replay)(void *priv, uint32_t spi, uint8_t protocol,
				     const struct sockaddr_storage *dst,
				     const struct kernel_sa_state *st);
	MUST_CHECK int (*del_sa)(void *priv, uint32_t spi, uint8_t protocol,
				 const struct sockaddr_storage *dst);
	MUST_CHECK int (*add_policy)(void *priv, const struct kernel_policy *p);
	MUST_CHECK int (*del_policy)(void *priv, const struct kernel_policy *p);
	size_t (*sa_count)(const void *priv);
	size_t (*policy_count)(const void *priv);
};

/* The backend's state that create() stored (borrowed); NULL for NULL. */
void *kernel_ipsec_priv(const struct kernel_ipsec *k);
/* The options k was created with, defaults filled in (borrowed; tun_name never NULL). */
const struct kernel_opts *kernel_ipsec_opts(const struct kernel_ipsec *k);
/* The ops table k dispatches to, so that backend-specific entry points can check it. */
const struct kernel_ops *kernel_ipsec_ops(const struct kernel_ipsec *k);
/* Hands ev (borrowed) to the owner's callback, if any. For backends. */
void kernel_ipsec_emit(struct kernel_ipsec *k, const struct kernel_event *ev);
/* Whether a and b have the same family and address (ports ignored). */
bool kernel_ipsec_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

#endif
