/*
 * The control server over libqb IPC (protocol in ctl.h): access check at
 * accept, one JSON request per message, a command table, deferred replies
 * that hold a reference on their connection until answered or cancelled.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <json-c/json.h>
#include <qb/qbipcs.h>

#include "common/log.h"
#include "ikenode/ctl.h"

struct ctl_cmd {
	char *name;
	ctl_handler_fn fn;
	void *ctx;
};

struct ctl_req {
	struct ctl_req *prev, *next; /* in ctl->pending while deferred */
	qb_ipcs_connection_t *conn; /* referenced while deferred; NULL once the client left */
};

struct ctl {
	qb_loop_t *loop;
	qb_ipcs_service_t *svc;
	gid_t gid;
	struct ctl_cmd *cmds;
	size_t n_cmds, cap_cmds;
	struct ctl_req pending; /* list head */
	size_t n_pending;
	char name[CTL_NAME_MAX + 1];
};

/* libqb's poll-handler callbacks carry no loop: they reach its default loop (ctl.h). */
static int32_t ipc_job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(NULL, p, data, fn);
}

static int32_t ipc_poll_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(NULL, p, fd, events, data, fn);
}

static int32_t ipc_poll_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(NULL, p, fd, events, data, fn);
}

static int32_t ipc_poll_del(int32_t fd)
{
	return qb_loop_poll_del(NULL, fd);
}

static const struct qb_ipcs_poll_handlers ipc_poll = {
	.job_add = ipc_job_add,
	.dispatch_add = ipc_poll_add,
	.dispatch_mod = ipc_poll_mod,
	.dispatch_del = ipc_poll_del,
};

static void noop_job(void *data)
{
	UNUSED(data);
}

/* Whether loop is libqb's default loop: a job queued there can be found in loop. */
static bool is_default_loop(qb_loop_t *loop, void *token)
{
	if (qb_loop_job_add(NULL, QB_LOOP_LOW, token, noop_job) != 0)
		return false;
	if (qb_loop_job_del(loop, QB_LOOP_LOW, token, noop_job) == 0)
		return true;
	(void)qb_loop_job_del(NULL, QB_LOOP_LOW, token, noop_job);
	return false;
}

/* Whether process pid has gid among its supplementary groups (/proc/PID/status). */
static bool proc_in_group(pid_t pid, gid_t gid)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line + 7, *end;

		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (;;) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			if ((gid_t)g == gid) {
				found = true;
				break;
			}
			p = end;
		}
		break;
	}
	fclose(f);
	return found;
}

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	struct ctl *ctl = qb_ipcs_connection_service_context_get(c);
	struct qb_ipcs_connection_stats st = { 0 };

	if (uid == 0 || uid == geteuid())
		return 0;
	(void)qb_ipcs_connection_stats_get(c, &st, QB_FALSE);
	if (ctl->gid != (gid_t)-1 && (gid == ctl->gid || proc_in_group(st.client_pid, ctl->gid))) {
		qb_ipcs_connection_auth_set(c, uid, ctl->gid, 0660);
		return 0;
	}
	log_ctl(LOG_WARNING, "refused a control connection from uid %lu gid %lu pid %ld",
		(unsigned long)uid, (unsigned long)gid, (long)st.client_pid);
	return -EACCES;
}

static void req_unlink(struct ctl *ctl, struct ctl_req *req)
{
	req->prev->next = req->next;
	req->next->prev = req->prev;
	req->prev = req->next = NULL;
	ctl->n_pending--;
}

/* The client left: cancel its deferred requests and drop their references. */
static int32_t on_closed(qb_ipcs_connection_t *c)
{
	struct ctl *ctl = qb_ipcs_connection_service_context_get(c);

	for (struct ctl_req *r = ctl->pending.next; r != &ctl->pending; r = r->next) {
		if (r->conn != c)
			continue;
		r->conn = NULL;
		qb_ipcs_connection_unref(c);
		log_ctl(LOG_DEBUG, "client left with a request pending");
	}
	return 0;
}

/* Sends {"result": reply} (reply taken; NULL: {}) or {"error": error} with header error rc. */
static void send_reply(qb_ipcs_connection_t *c, struct json_object *reply, int rc,
		       const char *error)
{
	struct qb_ipc_response_header hdr = { .id = CTL_MSG_REPLY };
	struct json_object *root = json_object_new_object();
	struct iovec iov[2];
	const char *text;
	size_t len;
	ssize_t sent;
	int32_t cap = qb_ipcs_connection_get_buffer_size(c);

	if (!reply && !error)
		reply = json_object_new_object();
	if (!root || (error ? json_object_object_add(root, "error", json_object_new_string(error))
			    : json_object_object_add(root, "result", reply))) {
		if (!error)
			json_object_put(reply);
		json_object_put(root);
		log_ctl(LOG_ERR, "out of memory for a control reply");
		return;
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	len = text ? strlen(text) : 0;
	if (!text || cap < 0 || len > (size_t)cap - sizeof(hdr)) {
		log_ctl(LOG_WARNING, "control reply of %zu bytes too large for the client's %ld",
			len, (long)cap);
		json_object_put(root);
		root = json_object_new_object();
		if (!root || json_object_object_add(root, "error",
						    json_object_new_string("reply too large"))) {
			json_object_put(root);
			return;
		}
		rc = -EMSGSIZE;
		text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
		len = strlen(text);
	}
	hdr.size = (int32_t)(sizeof(hdr) + len);
	hdr.error = rc;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)text;
	iov[1].iov_len = len;
	sent = qb_ipcs_response_sendv(c, iov, 2);
	if (sent != (ssize_t)hdr.size)
		log_ctl(LOG_DEBUG, "control reply not sent: %s",
			strerror(sent < 0 ? (int)-sent : EIO));
	json_object_put(root);
}

static void send_error(qb_ipcs_connection_t *c, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void send_error(qb_ipcs_connection_t *c, int rc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_ctl(LOG_DEBUG, "control request refused: %s", msg);
	send_reply(c, NULL, rc, msg);
}

static const struct ctl_cmd *find_cmd(const struct ctl *ctl, const char *name)
{
	for (size_t i = 0; i < ctl->n_cmds; i++)
		if (strcmp(ctl->cmds[i].name, name) == 0)
			return &ctl->cmds[i];
	return NULL;
}

/* Parses the JSON text of a request into *root (owned). */
static int parse_request(const char *text, size_t len, struct json_object **root)
{
	struct json_tokener *tok;
	int rc = 0;

	/* a trailing NUL is tolerated */
	if (len && text[len - 1] == '\0')
		len--;
	if (len == 0 || memchr(text, '\0', len))
		return -EBADMSG;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	*root = json_tokener_parse_ex(tok, text, (int)len);
	if (!*root || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		/* only trailing white space may follow the object */
		size_t end = json_tokener_get_parse_end(tok);

		while (*root && end < len && strchr(" \t\r\n", text[end]))
			end++;
		if (!*root || json_tokener_get_error(tok) != json_tokener_success || end != len) {
			json_object_put(*root);
			*root = NULL;
			rc = -EBADMSG;
		}
	}
	json_tokener_free(tok);
	return rc;
}

static int32_t on_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct ctl *ctl = qb_ipcs_connection_service_context_get(c);
	struct qb_ipc_request_header hdr;
	struct json_object *root = NULL, *jcmd, *args = NULL, *reply = NULL;
	const struct ctl_cmd *cmd;
	struct ctl_req *req;
	char *err;
	int rc;

	if (size < sizeof(hdr)) {
		send_error(c, -EBADMSG, "request shorter than its header");
		return 0;
	}
	/* libqb's ring buffer does not align messages: copy, never cast */
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.id != CTL_MSG_REQUEST) {
		send_error(c, -EPROTO, "unknown message id %d", (int)hdr.id);
		return 0;
	}
	if (size > CTL_MAX_REQUEST) {
		send_error(c, -EMSGSIZE, "request too large (%zu bytes, at most %d)", size,
			   CTL_MAX_REQUEST);
		return 0;
	}
	rc = parse_request((const char *)data + sizeof(hdr), size - sizeof(hdr), &root);
	if (rc) {
		send_error(c, rc, rc == -ENOMEM ? "out of memory" : "malformed request: not JSON");
		return 0;
	}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "cmd", &jcmd) ||
	    !json_object_is_type(jcmd, json_type_string)) {
		send_error(c, -EBADMSG, "malformed request: no \"cmd\" string");
		goto out;
	}
	if (json_object_object_get_ex(root, "args", &args) && args &&
	    !json_object_is_type(args, json_type_object)) {
		send_error(c, -EBADMSG, "malformed request: \"args\" is not an object");
		goto out;
	}
	cmd = find_cmd(ctl, json_object_get_string(jcmd));
	if (!cmd) {
		send_error(c, -ENOENT, "unknown command '%.64s'", json_object_get_string(jcmd));
		goto out;
	}
	req = calloc(1, sizeof(*req));
	err = calloc(1, CTL_ERR_MAX);
	if (!req || !err) {
		free(req);
		free(err);
		send_error(c, -ENOMEM, "out of memory");
		goto out;
	}
	log_ctl(LOG_DEBUG, "control command '%s'", cmd->name);
	rc = cmd->fn(cmd->ctx, req, args, &reply, err, CTL_ERR_MAX);
	if (rc == CTL_DEFERRED) {
		assert(!reply);
		qb_ipcs_connection_ref(c);
		req->conn = c;
		req->prev = ctl->pending.prev;
		req->next = &ctl->pending;
		ctl->pending.prev->next = req;
		ctl->pending.prev = req;
		ctl->n_pending++;
		req = NULL;
	} else if (rc < 0) {
		json_object_put(reply);
		err[CTL_ERR_MAX - 1] = '\0';
		send_reply(c, NULL, rc, err[0] ? err : strerror(-rc));
	} else {
		assert(rc == 0);
		send_reply(c, reply, 0, NULL);
	}
	free(req);
	free(err);
out:
	json_object_put(root);
	return 0;
}

static const struct qb_ipcs_service_handlers ipc_handlers = {
	.connection_accept = on_accept,
	.msg_process = on_message,
	.connection_closed = on_closed,
};

int ctl_new(struct ctl **out, qb_loop_t *loop, const struct ctl_cfg *cfg)
{
	const char *name;
	struct ctl *ctl;
	int rc;

	if (!out || !loop || !cfg)
		return -EINVAL;
	*out = NULL;
	name = cfg->name && cfg->name[0] ? cfg->name : CTL_DEFAULT_NAME;
	if (strlen(name) > CTL_NAME_MAX || strchr(name, '/'))
		return -EINVAL;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	if (!is_default_loop(loop, ctl)) {
		log_ctl(LOG_ERR, "the control server needs libqb's default loop");
		free(ctl);
		return -EINVAL;
	}
	ctl->loop = loop;
	ctl->gid = cfg->gid;
	ctl->pending.prev = ctl->pending.next = &ctl->pending;
	snprintf(ctl->name, sizeof(ctl->name), "%s", name);
	ctl->svc = qb_ipcs_create(ctl->name, 0, QB_IPC_SHM,
				  (struct qb_ipcs_service_handlers *)&ipc_handlers);
	if (!ctl->svc) {
		rc = errno ? -errno : -ENOMEM;
		free(ctl);
		return rc;
	}
	qb_ipcs_service_context_set(ctl->svc, ctl);
	qb_ipcs_poll_handlers_set(ctl->svc, (struct qb_ipcs_poll_handlers *)&ipc_poll);
	qb_ipcs_enforce_buffer_size(ctl->svc, CTL_MAX_MSG);
	rc = qb_ipcs_run(ctl->svc);
	if (rc) {
		log_ctl(LOG_ERR, "control socket '%s': %s", ctl->name, strerror(-rc));
		/* a failed qb_ipcs_run() has released the service itself */
		free(ctl);
		return rc;
	}
	log_ctl(LOG_INFO, "control socket '%s' ready", ctl->name);
	*out = ctl;
	return 0;
}

void ctl_free(struct ctl *ctl)
{
	if (!ctl)
		return;
	/* disconnects every client; on_closed() cancels their deferred requests */
	qb_ipcs_destroy(ctl->svc);
	while (ctl->pending.next != &ctl->pending) {
		struct ctl_req *r = ctl->pending.next;

		req_unlink(ctl, r);
		if (r->conn)
			qb_ipcs_connection_unref(r->conn);
		free(r);
	}
	for (size_t i = 0; i < ctl->n_cmds; i++)
		free(ctl->cmds[i].name);
	free(ctl->cmds);
	free(ctl);
}

int ctl_register(struct ctl *ctl, const char *cmd, ctl_handler_fn fn, void *ctx)
{
	struct ctl_cmd *c;
	char *name;

	if (!ctl || !cmd || !cmd[0] || !fn)
		return -EINVAL;
	if (find_cmd(ctl, cmd))
		return -EEXIST;
	if (ctl->n_cmds == ctl->cap_cmds) {
		size_t cap = ctl->cap_cmds ? 2 * ctl->cap_cmds : 16;

		c = realloc(ctl->cmds, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		ctl->cmds = c;
		ctl->cap_cmds = cap;
	}
	name = strdup(cmd);
	if (!name)
		return -ENOMEM;
	ctl->cmds[ctl->n_cmds++] = (struct ctl_cmd){ .name = name, .fn = fn, .ctx = ctx };
	return 0;
}

void ctl_reply(struct ctl *ctl, struct ctl_req *req, struct json_object *reply, const char *error)
{
	assert(ctl && req && req->next);
	req_unlink(ctl, req);
	if (req->conn) {
		send_reply(req->conn, reply, reply ? 0 : -EIO,
			   reply ? NULL : (error ? error : "failed"));
		qb_ipcs_connection_unref(req->conn);
	} else {
		json_object_put(reply);
	}
	free(req);
}

bool ctl_req_is_cancelled(const struct ctl_req *req)
{
	return !req || !req->conn;
}

size_t ctl_pending(const struct ctl *ctl)
{
	return ctl ? ctl->n_pending : 0;
}
