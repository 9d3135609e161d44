/* Private to daemon.c and daemon_ctl.c: the daemon's parts. */
#ifndef IKN_IKENODE_DAEMON_INT_H
#define IKN_IKENODE_DAEMON_INT_H

#include <stdint.h>
#include <time.h>

#include <qb/qbloop.h>

#include "ikenode/daemon.h"

/* prefixes in the inner classification table: remote selectors of every CHILD_SA */
#define DAEMON_CLASSIFY_MAX 65536

struct config;
struct crypto_algs;
struct crypto_dh_groups;
struct kernel_ipsec;
struct cred_store;
struct keylog;
struct net;
struct ike_mgr;
struct ctl;
struct ctl_req;
struct daemon_cfg;
struct workpool;
struct ike_event;

#define IKENODE_MAX_PENDING 64

/* An `initiate` request waiting for its IKE_SA to come up or fail. */
struct pending_initiate {
	struct ctl_req *req;
	uint64_t ike_id;
	uint64_t deadline_ms;
	bool want_child;
};

struct ikenode {
	struct ikenode_opts opts;
	qb_loop_t *loop;
	struct daemon_cfg *dcfg;
	struct crypto_algs *algs;
	struct crypto_dh_groups *groups;
	struct kernel_ipsec *kernel;
	struct seg_filter *filter; /* NULL: ha { filter = none } */
	struct classify *classify; /* the NFQUEUE filter's inner classification, or NULL */
	struct workpool *workpool;
	struct cred_store *creds;
	struct keylog *keylog, *keylog_esp;
	struct net *net;
	struct ike_mgr *mgr;
	struct ctl *ctl;
	time_t started;
	struct pending_initiate pending[IKENODE_MAX_PENDING];
	size_t n_pending;
	qb_loop_timer_handle pending_timer;
	bool pending_timer_on;
};

/* daemon.c */
/* Parses swanctl.conf and loads the credentials; on errors returns -EBADMSG with them listed. */
MUST_CHECK int ikenode_load_conns(struct ikenode *d, struct config **cfg, struct cred_store **creds,
				  char **errors);
/* Initiates every child with start_action = start. */
void ikenode_start_actions(struct ikenode *d);

/* daemon_ctl.c */
MUST_CHECK int ikenode_ctl_init(struct ikenode *d);
void ikenode_ctl_event(void *ctx, const struct ike_event *ev);
void ikenode_ctl_fini(struct ikenode *d);

#endif
