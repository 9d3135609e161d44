/*
 * esp: the ESP packet transform of one SA direction (RFC 4303), for the
 * userspace data plane. It seals an inner packet into an ESP packet and
 * opens one, with the anti-replay window and the counters. It does no I/O
 * and knows no addresses: the caller adds or strips the outer IP/UDP
 * headers (tunnel and transport mode differ only in the next header the
 * caller passes).
 *
 * Algorithms: AES-GCM with 8/12/16-byte ICVs (RFC 4106), ChaCha20-Poly1305
 * (RFC 7634), AES-CBC (RFC 3602) with HMAC-SHA1-96 (RFC 2404) or
 * HMAC-SHA2-256-128/384-192/512-256 (RFC 4868). 32-bit or extended 64-bit
 * sequence numbers (RFC 4303 §2.2.1, Appendix A).
 *
 * AEAD IVs are the 64-bit value (node_id << 48) | (seq & 0xffffffffffff):
 * unique per key as long as the sequence number never moves back on one
 * node, and never equal between two nodes of a cluster even if both send
 * the same sequence number after a takeover (DESIGN.md §6). AES-CBC IVs are
 * random (RFC 3602 §2.2), drawn from a per-SA pool filled in bulk.
 *
 * An esp_sa keeps its EVP contexts, keyed once, for its lifetime: a packet
 * only sets the IV. Sealing and opening allocate nothing themselves; AEAD
 * allocates nothing at all, while OpenSSL 3.0's HMAC copies its kept pad
 * state per packet (EVP_MD_CTX_copy_ex: two small allocations). Not
 * thread-safe: one esp_sa is used by one thread.
 */
#ifndef IKN_KERNEL_ESP_H
#define IKN_KERNEL_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "common/secret.h"
#include "kernel/kernel_ipsec.h"

/* ESP header: SPI + 32-bit sequence number */
#define ESP_HDR_LEN 8
/* The most esp_seal() adds to an inner packet: header, 16-byte IV, 255 bytes of
 * padding (we add at most a block's worth), pad length, next header, 32-byte ICV. */
#define ESP_OVERHEAD_MAX (ESP_HDR_LEN + 16 + 16 + 2 + 32)

struct esp_params {
	uint32_t spi;
	bool inbound; /* opens packets (replay window) or seals them (sequence numbers) */
	/* KERNEL_ENCR_* / KERNEL_INTEG_*, key lengths as in struct kernel_sa */
	uint16_t encr_id, encr_key_bits, integ_id;
	const struct secret *encr_key; /* borrowed; AEAD: key + 4-byte salt */
	const struct secret *integ_key; /* borrowed; NULL or empty for AEAD */
	bool esn;
	uint32_t replay_window; /* inbound: 0 (no check) .. KERNEL_REPLAY_WINDOW_MAX */
	uint16_t node_id; /* the cluster node's ID, embedded in AEAD IVs */
};

struct esp_sa;

/*
 * Creates the transform of p (borrowed; keys are copied into the EVP
 * contexts). Returns 0 with *out owned by the caller (esp_sa_free()),
 * -EINVAL (NULLs, key lengths, AEAD with integrity or CBC without, replay
 * window above KERNEL_REPLAY_WINDOW_MAX, or 0 on an inbound ESN SA: the
 * high bits are inferred from the window), -ENOTSUP (algorithm) or -ENOMEM.
 * The SPI is not checked (any value; the GCM test vectors use 0).
 */
MUST_CHECK int esp_sa_new(struct esp_sa **out, const struct esp_params *p);
/* Wipes the keys and frees; accepts NULL. */
void esp_sa_free(struct esp_sa *sa);

/* The bytes esp_seal() adds to an inner packet of inner_len bytes; ESP_OVERHEAD_MAX for NULL. */
size_t esp_overhead(const struct esp_sa *sa, size_t inner_len);

/*
 * Seals inner (inner_len bytes, whose protocol is next_header: 4 or 41 in
 * tunnel mode, the transport protocol in transport mode) into out as an ESP
 * packet (header, IV, encrypted payload and trailer, ICV): *out_len bytes,
 * at most out_cap. inner and out must not overlap. Uses and advances the
 * outbound sequence number. Returns 0, -EINVAL (an inbound SA, NULL),
 * -ENOSPC (out_cap < inner_len + esp_overhead()), -EOVERFLOW (sequence
 * numbers exhausted: 2^32 - 1 sent without ESN; with ESN 2^48 - 1 for AEAD,
 * whose IV keeps 48 bits of it, else 2^64 - 2; the SA must be rekeyed) or
 * -EIO (OpenSSL failed). Errors are not counted; -EIO consumes the
 * sequence number (its IV may have been used), the others leave it.
 */
MUST_CHECK int esp_seal(struct esp_sa *sa, const uint8_t *inner, size_t inner_len,
			uint8_t next_header, uint8_t *out, size_t out_cap, size_t *out_len);

/*
 * Opens the ESP packet pkt (pkt_len bytes, from the ESP header on) into out:
 * the inner packet, *out_len bytes, at most out_cap; *next_header its
 * protocol. Checks, in this order: length and padding sanity, the replay
 * window (before the ICV, RFC 4303 §3.4.3), the ICV, then the padding bytes
 * (1, 2, 3, ... RFC 4303 §2.4) and only then moves the window. With ESN the
 * high 32 bits are inferred from the window (RFC 4303 Appendix A2.2) and
 * authenticated; a packet failing any check moves nothing. out_cap must
 * hold the whole decrypted part (pkt_len minus header, IV and ICV), since
 * padding and trailer are decrypted into out too; on an error out holds no
 * unauthenticated plaintext. pkt and out must not overlap. With a window,
 * sequence number 0 counts as replayed; a window of 0 checks nothing but
 * still records replay_top. Returns 0 or, with the packet dropped and counted:
 * -EINVAL (an outbound SA, NULL, or the SPI is not this SA's: drops_other),
 * -EBADMSG (too short, CBC payload not whole blocks, bad padding: drops_other), -EALREADY
 * (replayed or left of the window: drops_replay), -EACCES (ICV mismatch:
 * drops_icv), -ENOSPC (out_cap too small: drops_other),
 * -EIO (OpenSSL failed: drops_other).
 */
MUST_CHECK int esp_open(struct esp_sa *sa, const uint8_t *pkt, size_t pkt_len, uint8_t *out,
			size_t out_cap, size_t *out_len, uint8_t *next_header);

/*
 * The state in kernel_ipsec's terms: bytes and packets (inner bytes sealed
 * or opened successfully), last_use (the monotonic seconds the caller last
 * passed to esp_sa_touch(), 0 never), seq_out, replay_top, replay_bitmap,
 * replay_window, drops_*. st is filled completely.
 */
void esp_sa_state(const struct esp_sa *sa, struct kernel_sa_state *st);
/* Just the traffic counters of esp_sa_state() (cheap: for lifetime checks). */
void esp_sa_counts(const struct esp_sa *sa, uint64_t *bytes, uint64_t *packets);
/* Records the monotonic time of a packet, for last_use (cheap: callers call it per batch). */
void esp_sa_touch(struct esp_sa *sa, uint64_t now_sec);
/*
 * The semantics of kernel_ipsec_set_seq()/set_replay() (-EINVAL, -ERANGE;
 * never moves back). st is borrowed for the call; set_replay ignores bitmap
 * bits at and above the window and those naming sequence numbers below 1.
 */
MUST_CHECK int esp_sa_set_seq(struct esp_sa *sa, uint64_t seq_out);
MUST_CHECK int esp_sa_set_replay(struct esp_sa *sa, const struct kernel_sa_state *st);

/* The SPI of an ESP packet (network order in the packet); 0 if shorter than 8 bytes. */
uint32_t esp_pkt_spi(const uint8_t *pkt, size_t pkt_len);

#endif
