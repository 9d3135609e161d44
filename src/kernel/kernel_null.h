/*
 * The "null" data-plane backend: it records SAs (deep copies, keys in
 * struct secret wiped on delete), SPI reservations and policies, and moves
 * no packet. Traffic counters stay zero; sequence numbers and replay state
 * are what was set. Lookups are hashed, so benchmarks with many SAs stay
 * linear. It raises events only when a test asks (kernel_null_expire(),
 * kernel_null_acquire()): there is no traffic and no lifetime timer.
 */
#ifndef IKN_KERNEL_KERNEL_NULL_H
#define IKN_KERNEL_KERNEL_NULL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/defs.h"
#include "kernel/kernel_ipsec.h"

/* The ops table kernel_ipsec_new(.., "null", ..) dispatches to. */
extern const struct kernel_ops kernel_null_ops;

/*
 * Simulates the expiry of the live SA (spi, protocol, dst): soft raises
 * KERNEL_EV_EXPIRE_SOFT and keeps the SA; hard removes the SA, as a kernel
 * does, then raises KERNEL_EV_EXPIRE_HARD. The event carries the SA's spi,
 * protocol, dst and reqid. k is borrowed. Returns 0, -EINVAL (also: k does
 * not run the null backend) or -ENOENT.
 */
MUST_CHECK int kernel_null_expire(struct kernel_ipsec *k, uint32_t spi, uint8_t protocol,
				  const struct sockaddr_storage *dst, bool hard);
/*
 * Simulates traffic hitting the installed policy (p->src, p->dst, p->dir):
 * raises KERNEL_EV_ACQUIRE with the installed policy's reqid, spi 0,
 * protocol IPPROTO_ESP and dst = its tmpl_dst. k and p are borrowed.
 * Returns 0, -EINVAL or -ENOENT.
 */
MUST_CHECK int kernel_null_acquire(struct kernel_ipsec *k, const struct kernel_policy *p);

#endif
