/*
 * The "xfrm" data-plane backend: CHILD_SAs and policies in the Linux
 * kernel's IPsec (XFRM), over NETLINK_XFRM with libnl (DESIGN.md §2).
 *
 * Messages are built with libnl's nlmsg/nla API on the structs of
 * <linux/xfrm.h> (NEWSA/UPDSA/DELSA/GETSA, ALLOCSPI, NEWAE/GETAE,
 * NEWPOLICY/DELPOLICY), replies are parsed with nlmsg_parse() and a policy
 * table; receive buffers that may hold keys are wiped.
 *
 * Semantics as in kernel_ipsec.h, with these kernel specifics:
 *  - SAs are found by (spi, protocol, dst) whoever added them: query_sa,
 *    set_seq, set_replay and del_sa also act on SAs this object did not add.
 *    Direction checks (set_seq on inbound, set_replay on outbound: -EINVAL)
 *    apply to the SAs it added.
 *  - Outbound SAs get no replay window (1 with ESN, which the kernel needs).
 *  - Replay windows above 32 or ESN use XFRMA_REPLAY_ESN_VAL (a circular
 *    bitmap in the kernel; converted to kernel_sa_state's layout).
 *  - An SPI reservation is a larval kernel state; the kernel drops it after
 *    net.core.xfrm_acq_expires seconds (30 by default); add_sa then adds
 *    the SA anew.
 *  - update_sa reads the SA (keys included), deletes it and adds it with the
 *    new addresses/encapsulation, keeping counters and replay state; an
 *    outbound SA it added jumps KERNEL_XFRM_UPDATE_SEQ_MARGIN sequence
 *    numbers ahead, since packets may leave between the read and the delete.
 *  - set_seq/set_replay read the state (GETAE), then write it (NEWAE with
 *    NLM_F_REPLACE); the kernel cannot do this atomically.
 *  - Selectors: address ranges must be prefixes and port ranges aligned
 *    power-of-two blocks (the kernel's selector is prefix + port/mask);
 *    other ranges, and ICMP type/code selectors, give -ENOTSUP.
 *  - Expire events are raised for SAs this object added (a hard expire
 *    forgets the SA first), acquires for policies it added.
 *  - Kernel errors map to the interface's errnos: ESRCH -> -ENOENT,
 *    unknown algorithm/protocol (no ESP in the kernel) -> -ENOTSUP; no
 *    CAP_NET_ADMIN gives -EPERM, other netlink failures -EIO.
 * create() gives -ENOTSUP when the kernel has no NETLINK_XFRM.
 */
#ifndef IKN_KERNEL_KERNEL_XFRM_H
#define IKN_KERNEL_KERNEL_XFRM_H

#include "kernel/kernel_ipsec.h"

/* How far update_sa moves an outbound SA's sequence number ahead. */
#define KERNEL_XFRM_UPDATE_SEQ_MARGIN 4096

/* The ops table kernel_ipsec_new(.., "xfrm", ..) dispatches to. */
extern const struct kernel_ops kernel_xfrm_ops;

#endif
