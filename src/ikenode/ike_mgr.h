/*
 * The IKE SA manager: the table of IKE_SAs and their CHILD_SAs, and the
 * exchanges that create, use and delete them (IKE_SA_INIT, IKE_AUTH,
 * INFORMATIONAL; RFC 7296). It is transport-free: datagrams come in through
 * ike_mgr_receive() and go out through the send callback, so two managers
 * can be connected in-process by tests (STYLE.md §9). Everything runs on the
 * loop thread that owns the manager (DESIGN.md §3).
 *
 * Every SA carries the segment of its peer's address and an HA role
 * (DESIGN.md §4); every state change is published as a struct ike_event to
 * the subscribers, which the HA sync will be one of.
 */
#ifndef IKN_IKENODE_IKE_MGR_H
#define IKN_IKENODE_IKE_MGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <qb/qbloop.h>

#include "common/defs.h"

struct config;
struct crypto_algs;
struct crypto_dh_groups;
struct kernel_ipsec;
struct cred_store;
struct keylog;
struct workpool;
struct json_object;
struct ike_mgr;

/* Sends one IKE message (data borrowed for the call) from local to remote. */
typedef int (*ike_send_fn)(void *ctx, const struct sockaddr_storage *local,
			   const struct sockaddr_storage *remote, const uint8_t *data, size_t len);

/* Retransmission and limits, strongSwan's meaning and defaults (config_daemon.h). */
struct ike_timing {
	uint32_t retransmit_timeout_ms; /* 4000 */
	double retransmit_base;		/* 1.8 */
	uint32_t retransmit_tries;	/* 5 */
	uint32_t retransmit_limit_ms;	/* 0: no cap */
	uint32_t half_open_timeout_ms;	/* 30000 */
	uint32_t half_open_limit;	/* 0: unlimited */
	uint32_t keep_alive_s;		/* 20: NAT keepalives when we are behind a NAT */
};

/* What the manager uses; every pointer is borrowed and must outlive the manager. */
struct ike_mgr_deps {
	qb_loop_t *loop;
	const struct crypto_algs *algs;
	const struct crypto_dh_groups *groups;
	struct kernel_ipsec *kernel;
	struct cred_store *creds; /* may be NULL: PSK only */
	struct keylog *keylog;	  /* may be NULL: SK keys of each IKE_SA, Wireshark format */
	struct keylog *keylog_esp; /* may be NULL: ESP keys, Wireshark esp_sa format */
	/*
	 * may be NULL: key exchanges on the loop thread. With a pool, the
	 * responder's IKE_SA_INIT key exchange runs on it; free the pool
	 * before the manager (its last completions still reach the manager).
	 */
	struct workpool *workpool;
	ike_send_fn send;
	void *send_ctx;
	struct ike_timing timing;
	bool ha;	 /* announce IKEV2_MESSAGE_ID_SYNC_SUPPORTED (RFC 6311) */
	uint8_t segments; /* 1 .. 64; 0 taken as 1 */
	/*
	 * Optional (borrowed): the inner classification table. Every installed
	 * CHILD_SA's remote selectors go into it as prefixes -> the IKE_SA's
	 * segment, and leave with the CHILD_SA (a prefix another CHILD_SA put
	 * there first stays that one's).
	 */
	struct classify *classify;
	uint32_t segment_seed;
	/* the port we answer NAT-T on (4500); floating switches local ports to it */
	uint16_t port_natt;
	/* load generators only: reuse one DH key pair per group as initiator, send no INITIAL_CONTACT */
	bool load_generator;
};

/* A datagram for the manager: the IKE message without non-ESP marker. */
struct ike_dgram {
	const uint8_t *data; /* borrowed for the call */
	size_t len;
	struct sockaddr_storage local, remote;
};

enum ike_event_type {
	IKE_EV_IKE_UP,	   /* IKE_SA established */
	IKE_EV_IKE_UPDATE, /* message IDs, addresses or NAT state changed */
	IKE_EV_IKE_DOWN,   /* IKE_SA gone (deleted, failed, expired) */
	IKE_EV_CHILD_UP,   /* CHILD_SA installed */
	IKE_EV_CHILD_DOWN, /* CHILD_SA removed */
};

struct ike_event {
	enum ike_event_type type;
	uint64_t ike_id;   /* the IKE_SA's unique id */
	uint64_t child_id; /* CHILD events */
	uint32_t segment;
};

typedef void (*ike_event_fn)(void *ctx, const struct ike_event *ev);

/* 0 and *out, -EINVAL (missing dependency), -ENOMEM. */
MUST_CHECK int ike_mgr_new(struct ike_mgr **out, const struct ike_mgr_deps *deps);
/* Removes every CHILD_SA from the kernel and frees everything (no deletes are sent). */
void ike_mgr_free(struct ike_mgr *mgr);

/*
 * Takes ownership of cfg and makes it the configuration for new SAs. SAs
 * already up keep the connection they were made with until they go.
 */
void ike_mgr_set_config(struct ike_mgr *mgr, struct config *cfg);
const struct config *ike_mgr_config(const struct ike_mgr *mgr);
/* Replaces the credential store (borrowed; the caller frees the old one afterwards). */
void ike_mgr_set_creds(struct ike_mgr *mgr, struct cred_store *creds);

/* Handles one received datagram. Never fails for bad input: it is counted and dropped. */
void ike_mgr_receive(struct ike_mgr *mgr, const struct ike_dgram *dg);

/*
 * Starts an IKE_SA for connection conn (NULL: the connection holding child)
 * with CHILD_SA child (NULL: the connection's first child, or none). The
 * exchange goes on asynchronously; *id (may be NULL) gets the IKE_SA's id.
 * 0, -ENOENT (no such connection/child), -EINVAL (no usable remote address),
 * -ENOMEM.
 */
MUST_CHECK int ike_mgr_initiate(struct ike_mgr *mgr, const char *conn, const char *child,
				uint64_t *id);
/*
 * Deletes IKE_SAs by connection name or by id (decimal string): an
 * INFORMATIONAL delete goes to the peer and the SA goes when it answers or
 * gives up. *n (may be NULL) gets the count. 0, -ENOENT (none matched).
 */
MUST_CHECK int ike_mgr_terminate(struct ike_mgr *mgr, const char *name_or_id, size_t *n);

/* State of an IKE_SA by id as a name ("ESTABLISHED"), or NULL when it is gone. */
const char *ike_mgr_sa_state(const struct ike_mgr *mgr, uint64_t id);

/* Subscribes to state changes; up to 4 subscribers. 0 or -ENOSPC. */
MUST_CHECK int ike_mgr_subscribe(struct ike_mgr *mgr, ike_event_fn fn, void *ctx);

struct ike_mgr_counts {
	size_t ike_sas, half_open, established, child_sas;
};
struct kernel_event;
/*
 * A data-plane event (kernel_event_fn of kernel_ipsec_new()): a hard
 * expiry deletes the CHILD_SA with the peer (INFORMATIONAL); a soft one is
 * logged (no rekeying yet); acquires are ignored. ev is borrowed.
 */
void ike_mgr_kernel_event(struct ike_mgr *mgr, const struct kernel_event *ev);
/* IKE_SAs (half-open included) per segment into counts[0 .. 63]. */
void ike_mgr_count_by_segment(const struct ike_mgr *mgr, uint32_t counts[64]);
void ike_mgr_get_counts(const struct ike_mgr *mgr, struct ike_mgr_counts *c);

/* hactl's views (ctl.h reply shapes); new json objects owned by the caller, NULL on OOM. */
struct json_object *ike_mgr_list_sas_json(const struct ike_mgr *mgr);
struct json_object *ike_mgr_stats_json(const struct ike_mgr *mgr);

#endif
