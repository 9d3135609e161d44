/*
 * The ikenode daemon: owns the event loop and every module (sockets, data
 * plane, credentials, the IKE SA manager, the control server), loads and
 * reloads the configuration.
 */
#ifndef IKN_IKENODE_DAEMON_H
#define IKN_IKENODE_DAEMON_H

#include <stdbool.h>

#include "common/defs.h"

struct ikenode;

struct ikenode_opts {
	const char *conf;	  /* ikenode.conf; NULL: /etc/ikenode.conf if present */
	const char *swanctl_conf; /* overrides the setting */
	const char *swanctl_dir;  /* overrides the setting */
	const char *keylog;	  /* overrides the setting */
	const char *ctl_socket;	  /* overrides the setting */
	bool foreground;
	int log_level; /* -1: from the configuration */
};

/* Builds the daemon; every problem is logged. 0, or a negative errno (exit with failure). */
MUST_CHECK int ikenode_new(struct ikenode **out, const struct ikenode_opts *opts);
/* Runs the loop until SIGTERM/SIGINT. */
void ikenode_run(struct ikenode *d);
void ikenode_free(struct ikenode *d);

/*
 * Reloads ikenode.conf's connections (swanctl.conf) and credentials: a
 * configuration with errors is refused, every error logged and, when
 * errors is not NULL, appended to it (malloc'd text, one line each), and
 * the running one stays. 0 or -EBADMSG / -ENOMEM.
 */
MUST_CHECK int ikenode_reload(struct ikenode *d, char **errors);

#endif
