/*
 * Private to the IKE SA manager and its exchange handlers (ike_mgr.c,
 * ike_sa.c, ike_init.c, ike_auth.c, child_sa.c, ike_info.c,
 * ike_mgr_json.c): the SA structs and the helpers they share. Nothing
 * outside these files includes it.
 */
#ifndef IKN_IKENODE_IKE_SA_INT_H
#define IKN_IKENODE_IKE_SA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <qb/qbloop.h>
#include <qb/qbmap.h>

#include "common/secret.h"
#include "ikenode/config_swanctl.h"
#include "ikenode/crypto_kdf.h"
#include "ikenode/ike_id.h"
#include "ikenode/ike_mgr.h"
#include "ikenode/ike_msg.h"
#include "ikenode/proposal.h"
#include "segment/segment.h"

#define IKE_MAX_MSG 65536
#define IKE_NONCE_LEN 32
#define IKE_MAX_TS 16
#define IKE_MAX_SUBSCRIBERS 4
#define IKE_QUEUE_LEN 8
/* the largest KE data: MODP-4096 */
#define IKE_MAX_KE 512

/* A configuration kept alive while SAs made from it live. */
struct cfg_snap {
	struct config *cfg;
	unsigned int refs;
};

enum ike_sa_state {
	IKE_SA_CONNECTING,	/* IKE_SA_INIT sent (initiator) or answered (responder) */
	IKE_SA_AUTHENTICATING,	/* IKE_AUTH sent (initiator) */
	IKE_SA_ESTABLISHED,
	IKE_SA_DELETING,	/* our delete is on its way */
	IKE_SA_DESTROYING,	/* gone once the current callback returns */
};

enum child_sa_state {
	CHILD_SA_INSTALLED,
	CHILD_SA_DELETING,
};

struct child_sa {
	struct child_sa *next;
	uint64_t id;
	const struct child_cfg *cfg; /* borrowed from the IKE_SA's snapshot */
	enum child_sa_state state;
	struct proposal proposal; /* selected ESP transforms */
	uint32_t spi_in, spi_out; /* host order */
	uint32_t reqid;
	bool transport;
	bool encap;
	struct ike_ts ts_local[IKE_MAX_TS], ts_remote[IKE_MAX_TS];
	size_t n_ts_local, n_ts_remote;
	bool installed_in, installed_out;
	uint64_t policies_added; /* child_policies() */
	uint64_t installed_at; /* monotonic seconds */
	/* the remote-selector prefixes this CHILD_SA put into deps.classify (owned) */
	struct child_prefix *classified;
	size_t n_classified;
};

struct child_prefix {
	struct flow_key key;
	uint8_t len;
};

/* Something the SA must send as a request when the window is free. */
enum ike_task {
	IKE_TASK_NONE,
	IKE_TASK_DPD,
	IKE_TASK_DELETE_IKE,
	IKE_TASK_DELETE_CHILD, /* arg: our inbound SPI */
};

struct ike_sa;
struct child_req_store;
/* Handles the response to our request; msg is decrypted and rules-checked. */
typedef void (*ike_resp_fn)(struct ike_sa *sa, const struct ike_msg *msg);

struct ike_sa {
	struct ike_mgr *mgr;
	uint64_t id;
	char key[17];	   /* hex of our SPI: the table key */
	char half_key[64]; /* responder, half-open: SPIi + peer address */
	enum ike_sa_state state;
	bool initiator; /* original initiator */
	uint8_t spi_i[8], spi_r[8];
	struct cfg_snap *snap;
	const struct conn_cfg *conn;
	const char *child_name; /* initiator: the child to create, borrowed from snap */

	/* IKE_SA_INIT */
	struct proposal proposal;
	uint16_t dh_group;
	struct crypto_dh *dh;
	bool dh_shared; /* dh belongs to the manager's cache (load generator) */
	uint8_t *nonce_i, *nonce_r;
	size_t nonce_i_len, nonce_r_len;
	uint8_t *init_req, *init_resp; /* the IKE_SA_INIT messages, for AUTH */
	size_t init_req_len, init_resp_len;
	uint8_t *cookie; /* initiator: from the responder's COOKIE notify */
	size_t cookie_len;
	unsigned int init_retries; /* INVALID_KE_PAYLOAD / COOKIE restarts */
	uint8_t *peer_sig_hashes; /* SIGNATURE_HASH_ALGORITHMS data */
	size_t peer_sig_hashes_len;

	/* keys */
	struct crypto_prf *prf;
	struct ike_sk *sk_in, *sk_out;
	struct secret sk_d, sk_pi, sk_pr;

	/* addresses */
	struct sockaddr_storage local, remote;
	bool nat_local, nat_remote; /* we / the peer are behind a NAT */
	bool natt;		    /* IKE on the NAT-T port */
	struct ike_id id_local, id_remote;
	uint32_t segment;
	bool ha_passive;

	/* message IDs and the exchange window (size 1, RFC 7296 §2.3) */
	uint32_t msgid_out; /* ID of our next request */
	uint32_t msgid_in;  /* ID we expect in the peer's next request */
	uint8_t *last_resp; /* our response to msgid_in - 1, for retransmits */
	size_t last_resp_len;
	bool have_last_resp;
	uint8_t *req;		/* our outstanding request */
	size_t req_len;
	uint32_t req_msgid;
	uint8_t req_exchange;
	ike_resp_fn req_handler;
	unsigned int req_tries;
	qb_loop_timer_handle req_timer;
	bool req_timer_on;
	enum ike_task queue[IKE_QUEUE_LEN];
	uint32_t queue_arg[IKE_QUEUE_LEN];
	size_t queue_len;

	/* timers */
	qb_loop_timer_handle half_open_timer, dpd_timer, keepalive_timer;
	bool half_open_timer_on, dpd_timer_on, keepalive_timer_on;
	uint64_t last_rx; /* monotonic ms of the last authentic message from the peer */
	uint64_t established_at; /* monotonic seconds */

	struct child_sa *children;
	char proposal_str[160];
	/* the datagram being handled, borrowed for the handler's call (IKE_SA_INIT bytes) */
	const uint8_t *rx_raw;
	size_t rx_raw_len;
	/* initiator: the CHILD_SA request in IKE_AUTH, until its response */
	struct child_req_store *child_req;
	const struct child_cfg *child_req_cfg;
};

struct ike_mgr_stats {
	uint64_t rx, rx_bad_hdr, rx_bad_parse, rx_no_sa, rx_bad_icv, rx_bad_msgid, rx_retransmit,
		rx_half_open_limit, tx, tx_retransmit, tx_errors, init_no_proposal, init_invalid_ke,
		auth_failed, child_failed, ike_established, ike_deleted, dpd_dead, ike_replaced;
};

struct ike_mgr {
	struct ike_mgr_deps deps;
	struct cfg_snap *snap;
	qb_map_t *by_spi;  /* key: hex of our SPI */
	qb_map_t *half_open; /* key: SPIi hex + peer address */
	uint64_t next_id;
	uint32_t next_reqid;
	size_t n_sas, n_half_open, n_established, n_children;
	size_t dh_jobs; /* key exchanges on the worker pool */
	struct {
		ike_event_fn fn;
		void *ctx;
	} subs[IKE_MAX_SUBSCRIBERS];
	size_t n_subs;
	struct ike_mgr_stats stats;
	struct crypto_dh *dh_cache[8]; /* load generator: one key pair per group */
	uint8_t *buf;	/* IKE_MAX_MSG bytes: messages being built */
	uint8_t *plain; /* IKE_MAX_MSG bytes: plaintext in and out */
};

/* ike_mgr.c */
uint64_t ike_now_ms(void);
void ike_mgr_emit(struct ike_mgr *mgr, enum ike_event_type type, const struct ike_sa *sa,
		  const struct child_sa *child);
/* Best effort: a lost datagram is what retransmission is for. */
int ike_mgr_send(struct ike_mgr *mgr, struct ike_sa *sa, const uint8_t *data,
			    size_t len);
/* Whether another IKE_SA (up or coming up) joins the same two identities as self. */
bool ike_mgr_has_contact(const struct ike_mgr *mgr, const struct ike_sa *self);
/*
 * RFC 7296 §2.4: the peer's INITIAL_CONTACT on self says it has no other
 * IKE_SA with us, so every other established one between the same two
 * identities is stale: removed without a delete.
 */
void ike_mgr_drop_contacts(struct ike_mgr *mgr, const struct ike_sa *self);
struct cfg_snap *cfg_snap_ref(struct cfg_snap *snap);
void cfg_snap_unref(struct cfg_snap *snap);

/* ike_sa.c: lifecycle */
MUST_CHECK int ike_sa_new(struct ike_mgr *mgr, bool initiator, struct ike_sa **out);
/* Registers the SA under its (now known) local SPI. */
MUST_CHECK int ike_sa_register(struct ike_sa *sa);
void ike_sa_set_state(struct ike_sa *sa, enum ike_sa_state state);
/* Removes children from the kernel, unregisters and frees. */
void ike_sa_destroy(struct ike_sa *sa);
const char *ike_sa_state_name(enum ike_sa_state state);
void ike_sa_log(const struct ike_sa *sa, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const uint8_t *ike_sa_local_spi(const struct ike_sa *sa);
void ike_sa_set_conn(struct ike_sa *sa, struct cfg_snap *snap, const struct conn_cfg *conn);

/* ike_sa.c: keys and protection */
MUST_CHECK int ike_sa_derive_keys(struct ike_sa *sa, const struct secret *gir);
/*
 * Builds, protects and sends (as request or response) an encrypted message
 * of exchange with the inner payloads plds[0..n). Requests are kept for
 * retransmission and handler gets the response.
 */
MUST_CHECK int ike_sa_send_request(struct ike_sa *sa, uint8_t exchange, const struct ike_pld *plds,
				   size_t n, ike_resp_fn handler);
int ike_sa_send_response(struct ike_sa *sa, uint8_t exchange, uint32_t msgid,
				    const struct ike_pld *plds, size_t n);
/* Sends a request that is not encrypted (IKE_SA_INIT) and keeps it for retransmission. */
MUST_CHECK int ike_sa_send_plain_request(struct ike_sa *sa, const struct ike_msg *msg,
					 ike_resp_fn handler, uint8_t **copy, size_t *copy_len);
/* Decrypts and checks an encrypted message of this SA; *msg owned by the caller. */
MUST_CHECK int ike_sa_open(struct ike_sa *sa, const struct ike_dgram *dg, struct ike_msg **msg);
/* Forgets the outstanding request and stops its timer. */
void ike_sa_request_done(struct ike_sa *sa);
/* Queues a task, sent when the window is free. */
void ike_sa_queue(struct ike_sa *sa, enum ike_task task, uint32_t arg);
void ike_sa_run_queue(struct ike_sa *sa);
void ike_sa_start_dpd(struct ike_sa *sa);
void ike_sa_start_keepalive(struct ike_sa *sa);
/* The IKE_SA reached ESTABLISHED: timers, counters, events, keylog. */
void ike_sa_established(struct ike_sa *sa);
/* The segment of a peer address (segment_of() version 1 with the manager's count and seed). */
uint32_t ike_sa_segment_of(const struct ike_mgr *mgr, const struct sockaddr_storage *addr);

/* ike_init.c */
void ike_init_respond(struct ike_mgr *mgr, const struct ike_dgram *dg, const struct ike_msg *msg);
MUST_CHECK int ike_init_start(struct ike_sa *sa);
/* NAT_DETECTION notifies for a message with these SPIs; adds 2 payloads at plds. */
void ike_init_natd_plds(const uint8_t spi_i[8], const uint8_t spi_r[8],
			const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
			uint8_t hash_src[20], uint8_t hash_dst[20], struct ike_pld *plds);

/* ike_auth.c */
void ike_auth_respond(struct ike_sa *sa, const struct ike_msg *msg);
MUST_CHECK int ike_auth_start(struct ike_sa *sa);

/* child_sa.c */
/*
 * Responder: picks the child config and ESP proposal for the request's
 * SA/TSi/TSr, allocates our SPI, installs. On success fills the response
 * payloads (SA, TSi, TSr, maybe USE_TRANSPORT_MODE) into plds (room for 4)
 * using storage in *st. On failure returns the notify type to answer with.
 */
struct child_resp_store {
	struct proposal_ike prop;
	struct ike_ts tsi[IKE_MAX_TS], tsr[IKE_MAX_TS];
	uint8_t spi[4];
};
MUST_CHECK int child_sa_respond(struct ike_sa *sa, const struct ike_msg *msg,
				struct child_resp_store *st, struct ike_pld *plds, size_t *n,
				uint16_t *notify);
/* Initiator: the request payloads for child cfg (SA, TSi, TSr, maybe USE_TRANSPORT_MODE). */
struct child_req_store {
	struct proposal props[PROPOSAL_MAX];
	size_t n_props;
	struct proposal_ike ike[PROPOSAL_MAX];
	struct ike_proposal list[PROPOSAL_MAX];
	struct ike_ts tsi[IKE_MAX_TS], tsr[IKE_MAX_TS];
	size_t n_tsi, n_tsr;
	uint32_t spi;
};
MUST_CHECK int child_sa_request(struct ike_sa *sa, const struct child_cfg *cfg,
				struct child_req_store *st, struct ike_pld *plds, size_t *n);
/* Initiator: installs from the response. 0 or a notify type in *notify / a negative errno. */
MUST_CHECK int child_sa_complete(struct ike_sa *sa, const struct child_cfg *cfg,
				 const struct child_req_store *st, const struct ike_msg *msg);
void child_sa_destroy(struct ike_sa *sa, struct child_sa *child);
struct child_sa *child_sa_by_spi_out(struct ike_sa *sa, uint32_t spi);
struct child_sa *child_sa_by_spi_in(struct ike_sa *sa, uint32_t spi);
const char *child_sa_state_name(enum child_sa_state state);

/* ike_info.c */
void ike_info_respond(struct ike_sa *sa, const struct ike_msg *msg);
void ike_info_send_task(struct ike_sa *sa, enum ike_task task, uint32_t arg);

/* Shared helpers (ike_sa.c) */
struct ike_pld ike_notify_pld(uint16_t type, const uint8_t *data, size_t len);
/* The ID payload body (type, 3 reserved bytes, data) of id into buf. */
size_t ike_id_body(const struct ike_id *id, uint8_t *buf, size_t cap);
MUST_CHECK int ike_random(void *buf, size_t len);
/* Our identity for an auth round: configured id, else the local IP address. */
MUST_CHECK int ike_sa_own_id(const struct ike_sa *sa, const struct config_auth *auth,
			     struct ike_id *out);
#endif
