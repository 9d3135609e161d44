/*
 * The control server: hactl's requests over libqb IPC, answered by command
 * handlers that the daemon registers. One instance per daemon, driven by its
 * qb_loop; nothing here blocks.
 *
 * Wire protocol (docs/hactl.8.md). Each request and each response is one
 * libqb IPC message:
 *   request:  struct qb_ipc_request_header { id = CTL_MSG_REQUEST, size }
 *             followed by JSON text {"cmd": "<command>", "args": {...}}
 *             ("args" may be absent or null; a trailing NUL is tolerated)
 *   response: struct qb_ipc_response_header { id = CTL_MSG_REPLY, size,
 *             error = 0 or a negative errno } followed by JSON text, not
 *             NUL-terminated: {"result": {...}} or {"error": "<message>"}
 * size counts the header and the text. A request is at most
 * CTL_MAX_REQUEST bytes; every connection's IPC buffer is at least
 * CTL_MAX_MSG bytes, the largest response. Malformed JSON, a request that is
 * not an object, a missing or non-string "cmd", "args" that is not an
 * object, an unknown command, a wrong header id or an oversized request each
 * get an error reply; the connection stays usable. A reply that does not fit
 * the client's buffer becomes the error "reply too large".
 *
 * Access: only root, the daemon's own effective uid and members (primary or
 * supplementary group) of cfg->gid may connect; others are refused in
 * libqb's accept step and logged (log_ctl, LOG_WARNING). A group member's
 * shared-memory files get group cfg->gid and mode 0660.
 *
 * The IPC fds are polled by libqb's default qb_loop, the first loop the
 * process created (libqb's poll-handler callbacks carry no loop), so `loop`
 * must be that loop; a daemon has only one.
 */
#ifndef IKN_IKENODE_CTL_H
#define IKN_IKENODE_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <qb/qbloop.h>

#include "common/defs.h"

/* Default IPC service name (an abstract unix socket on Linux, per network namespace). */
#define CTL_DEFAULT_NAME "ikenode"
/* Header ids (libqb reserves negative ids). */
#define CTL_MSG_REQUEST 1
#define CTL_MSG_REPLY 1
/* Largest request, header included. */
#define CTL_MAX_REQUEST (64 * 1024)
/* IPC buffer size of every connection: the largest response, header included. */
#define CTL_MAX_MSG (8 * 1024 * 1024)
/* Size of the err buffer given to handlers. */
#define CTL_ERR_MAX 4096
/* Longest service name. */
#define CTL_NAME_MAX 100

struct json_object;
struct ctl;
struct ctl_req; /* one pending request */

struct ctl_cfg {
	const char *name; /* IPC service name; NULL or "": CTL_DEFAULT_NAME */
	gid_t gid; /* extra group allowed, (gid_t)-1 none */
};

/*
 * A handler: args is the request's "args" object (borrowed, valid during the
 * call, may be NULL). Either fills *reply (an owned json object, given to
 * ctl; NULL is sent as {}) and returns 0; or returns a negative errno and
 * writes a message into err (err_len bytes, CTL_ERR_MAX; the client gets
 * {"error": "..."}, or strerror when err is left empty); or returns
 * CTL_DEFERRED after keeping req, and later calls ctl_reply() exactly once.
 * req stays valid until that ctl_reply() (or ctl_free()), even when the
 * client goes away meanwhile; without CTL_DEFERRED it is gone when the
 * handler returns. A handler must not call ctl_reply() on its own req before
 * returning.
 */
#define CTL_DEFERRED 1
typedef int (*ctl_handler_fn)(void *ctx, struct ctl_req *req, struct json_object *args,
			      struct json_object **reply, char *err, size_t err_len);

/*
 * Starts the IPC service cfg->name (borrowed; copied) on loop (borrowed, must
 * outlive ctl; see above). Returns 0 with *out owned by the caller (release
 * with ctl_free()), -EINVAL for bad arguments (NULL, a name longer than
 * CTL_NAME_MAX or containing '/'), -ENOMEM, or libqb's negative errno, e.g.
 * -EADDRINUSE when another daemon serves that name.
 */
MUST_CHECK int ctl_new(struct ctl **out, qb_loop_t *loop, const struct ctl_cfg *cfg);
/*
 * Stops the service, disconnects every client and releases every request
 * still deferred (their handlers' req pointers become invalid). Accepts NULL.
 */
void ctl_free(struct ctl *ctl);
/*
 * Routes command cmd (borrowed; copied) to fn with ctx (borrowed, must
 * outlive ctl). Returns 0, -EINVAL (NULL, empty cmd), -EEXIST (cmd already
 * registered) or -ENOMEM.
 */
MUST_CHECK int ctl_register(struct ctl *ctl, const char *cmd, ctl_handler_fn fn, void *ctx);
/*
 * Completes a deferred request: reply (owned, taken) or, if reply is NULL, an
 * error message (borrowed; NULL: "failed"). If the client has gone away
 * meanwhile, the reply is dropped quietly. req is released.
 */
void ctl_reply(struct ctl *ctl, struct ctl_req *req, struct json_object *reply, const char *error);
/* True when the client of a deferred request has disconnected (its reply will be dropped). */
bool ctl_req_is_cancelled(const struct ctl_req *req);
/* Deferred requests not yet completed. */
size_t ctl_pending(const struct ctl *ctl);

#endif
