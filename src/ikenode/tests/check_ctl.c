/*
 * The control server: a test server (ctl on a qb_loop) runs in a forked
 * child, the test is its client through raw libqb IPC (qb_ipcc) or through
 * the built hactl. Round trips, error replies, malformed and oversized
 * requests, oversized replies, deferred replies, clients leaving while their
 * request is deferred, the access check (as root: clients as other users),
 * and hactl's argument plumbing and rendering. The server must exit cleanly
 * (status 0; the sanitizer build checks it for leaks).
 */
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>
#include <qb/qbipcc.h>
#include <qb/qbloop.h>

#include "ikenode/ctl.h"

Suite *ctl_suite(void);

#define HELD_MAX 8
#define UNPRIV_UID 65534
#define UNPRIV_GID 65534
#define OTHER_GID 65533

/* The test server's state (in the server process). */
struct srv_state {
	qb_loop_t *loop;
	struct ctl *ctl;
	struct ctl_req *held[HELD_MAX];
	size_t n_held;
};

struct srv {
	pid_t pid;
	int stop_fd; /* closing it stops the server */
	char name[64];
};

static void set_err(char *err, size_t len, const char *msg)
{
	snprintf(err, len, "%s", msg);
}

static int h_echo(void *ctx, struct ctl_req *req, struct json_object *args,
		  struct json_object **reply, char *err, size_t err_len)
{
	(void)ctx;
	(void)req;
	(void)err;
	(void)err_len;
	*reply = json_object_new_object();
	json_object_object_add(*reply, "args", json_object_get(args));
	return 0;
}

static int h_fail(void *ctx, struct ctl_req *req, struct json_object *args,
		  struct json_object **reply, char *err, size_t err_len)
{
	(void)ctx;
	(void)req;
	(void)args;
	(void)reply;
	set_err(err, err_len, "no such thing");
	return -ENOENT;
}

static int h_fail_silent(void *ctx, struct ctl_req *req, struct json_object *args,
			 struct json_object **reply, char *err, size_t err_len)
{
	(void)ctx;
	(void)req;
	(void)args;
	(void)reply;
	(void)err;
	(void)err_len;
	return -EPERM;
}

static int h_empty(void *ctx, struct ctl_req *req, struct json_object *args,
		   struct json_object **reply, char *err, size_t err_len)
{
	(void)ctx;
	(void)req;
	(void)args;
	(void)err;
	(void)err_len;
	*reply = NULL;
	return 0;
}

static int h_defer(void *ctx, struct ctl_req *req, struct json_object *args,
		   struct json_object **reply, char *err, size_t err_len)
{
	struct srv_state *st = ctx;

	(void)args;
	(void)reply;
	if (st->n_held == HELD_MAX) {
		set_err(err, err_len, "too many held");
		return -EBUSY;
	}
	st->held[st->n_held++] = req;
	return CTL_DEFERRED;
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static int h_held_status(void *ctx, struct ctl_req *req, struct json_object *args,
			 struct json_object **reply, char *err, size_t err_len)
{
	struct srv_state *st = ctx;
	int64_t cancelled = 0;

	(void)req;
	(void)args;
	(void)err;
	(void)err_len;
	for (size_t i = 0; i < st->n_held; i++)
		cancelled += ctl_req_is_cancelled(st->held[i]);
	*reply = json_object_new_object();
	add_int(*reply, "held", (int64_t)st->n_held);
	add_int(*reply, "cancelled", cancelled);
	add_int(*reply, "pending", (int64_t)ctl_pending(st->ctl));
	return 0;
}

/* Completes every held request: args {"error": s} fails them, else {"done": i}. */
static int h_complete(void *ctx, struct ctl_req *req, struct json_object *args,
		      struct json_object **reply, char *err, size_t err_len)
{
	struct srv_state *st = ctx;
	struct json_object *e = NULL;
	int64_t cancelled = 0, n = (int64_t)st->n_held;

	(void)req;
	(void)err;
	(void)err_len;
	if (args)
		json_object_object_get_ex(args, "error", &e);
	for (size_t i = 0; i < st->n_held; i++) {
		struct json_object *r = NULL;

		cancelled += ctl_req_is_cancelled(st->held[i]);
		if (!e) {
			r = json_object_new_object();
			add_int(r, "done", (int64_t)i);
		}
		ctl_reply(st->ctl, st->held[i], r, e ? json_object_get_string(e) : NULL);
	}
	st->n_held = 0;
	*reply = json_object_new_object();
	add_int(*reply, "completed", n);
	add_int(*reply, "cancelled", cancelled);
	add_int(*reply, "pending", (int64_t)ctl_pending(st->ctl));
	return 0;
}

/* {"n": N} -> {"s": N times 'x'} */
static int h_big(void *ctx, struct ctl_req *req, struct json_object *args,
		 struct json_object **reply, char *err, size_t err_len)
{
	struct json_object *jn;
	size_t n;
	char *s;

	(void)ctx;
	(void)req;
	if (!args || !json_object_object_get_ex(args, "n", &jn)) {
		set_err(err, err_len, "n?");
		return -EINVAL;
	}
	n = (size_t)json_object_get_int64(jn);
	s = malloc(n + 1);
	if (!s)
		return -ENOMEM;
	memset(s, 'x', n);
	s[n] = '\0';
	*reply = json_object_new_object();
	json_object_object_add(*reply, "s", json_object_new_string_len(s, (int)n));
	free(s);
	return 0;
}

static const char status_json[] =
	"{\"version\":\"9.8.7\",\"uptime\":3725,\"ike_sas\":2,\"half_open\":1,\"child_sas\":3,"
	"\"kernel\":\"null\",\"conns\":4,\"listen\":[\"192.0.2.1[500]\",\"192.0.2.1[4500]\"]}";

static int h_status(void *ctx, struct ctl_req *req, struct json_object *args,
		    struct json_object **reply, char *err, size_t err_len)
{
	(void)ctx;
	(void)req;
	(void)args;
	(void)err;
	(void)err_len;
	*reply = json_tokener_parse(status_json);
	return 0;
}

/* initiate: reflects its arguments as {"ike_sa": 7, "state": "child/ike/timeout"} */
static int h_initiate(void *ctx, struct ctl_req *req, struct json_object *args,
		      struct json_object **reply, char *err, size_t err_len)
{
	struct json_object *c = NULL, *i = NULL, *t = NULL;
	char s[256];

	(void)ctx;
	(void)req;
	(void)err;
	(void)err_len;
	if (args) {
		json_object_object_get_ex(args, "child", &c);
		json_object_object_get_ex(args, "ike", &i);
		json_object_object_get_ex(args, "timeout", &t);
	}
	snprintf(s, sizeof(s), "%s/%s/%s", c ? json_object_get_string(c) : "-",
		 i ? json_object_get_string(i) : "-",
		 t ? (json_object_is_type(t, json_type_int) ? json_object_get_string(t) : "notint")
		   : "-");
	*reply = json_object_new_object();
	add_int(*reply, "ike_sa", 7);
	json_object_object_add(*reply, "state", json_object_new_string(s));
	return 0;
}

static int h_terminate(void *ctx, struct ctl_req *req, struct json_object *args,
		       struct json_object **reply, char *err, size_t err_len)
{
	struct json_object *i = NULL;

	(void)ctx;
	(void)req;
	(void)reply;
	if (args)
		json_object_object_get_ex(args, "ike", &i);
	snprintf(err, err_len, "configuration refused:\nno IKE_SA matches '%s'",
		 i ? json_object_get_string(i) : "(none)");
	return -ENOENT;
}

static const struct {
	const char *cmd;
	ctl_handler_fn fn;
} srv_cmds[] = {
	{ "echo", h_echo },
	{ "fail", h_fail },
	{ "fail-silent", h_fail_silent },
	{ "empty", h_empty },
	{ "defer", h_defer },
	{ "held-status", h_held_status },
	{ "complete", h_complete },
	{ "big", h_big },
	{ "status", h_status },
	{ "initiate", h_initiate },
	{ "terminate", h_terminate },
};

static int32_t on_stop(int32_t fd, int32_t revents, void *data)
{
	(void)fd;
	(void)revents;
	qb_loop_stop(data);
	return -1; /* remove the fd */
}

static void srv_main(const char *name, gid_t gid, int ready_fd, int stop_fd)
{
	struct srv_state st = { 0 };
	struct ctl_cfg cfg = { .name = name, .gid = gid };
	int rc;

	st.loop = qb_loop_create();
	if (!st.loop)
		exit(2);
	rc = ctl_new(&st.ctl, st.loop, &cfg);
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(srv_cmds); i++)
		rc = ctl_register(st.ctl, srv_cmds[i].cmd, srv_cmds[i].fn, &st);
	if (rc || qb_loop_poll_add(st.loop, QB_LOOP_HIGH, stop_fd, POLLIN, st.loop, on_stop))
		exit(3);
	if (write(ready_fd, "r", 1) != 1)
		exit(4);
	close(ready_fd);
	qb_loop_run(st.loop);
	/* requests still held are released by ctl_free() */
	ctl_free(st.ctl);
	qb_loop_destroy(st.loop);
	close(stop_fd);
	exit(0);
}

static void srv_start_gid(struct srv *s, gid_t gid)
{
	int ready[2], stop[2];
	char c;

	snprintf(s->name, sizeof(s->name), "ikn-ctl-test-%ld", (long)getpid());
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(stop), 0);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		close(ready[0]);
		close(stop[1]);
		srv_main(s->name, gid, ready[1], stop[0]);
	}
	close(ready[1]);
	close(stop[0]);
	s->stop_fd = stop[1];
	ck_assert_msg(read(ready[0], &c, 1) == 1, "test server did not start");
	close(ready[0]);
}

static void srv_start(struct srv *s)
{
	srv_start_gid(s, (gid_t)-1);
}

/* Stops the server and asserts that it exited with status 0. */
static void srv_stop(struct srv *s)
{
	int status = -1;

	close(s->stop_fd);
	ck_assert_int_eq(waitpid(s->pid, &status, 0), s->pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server status 0x%x", status);
}

static qb_ipcc_connection_t *cli_connect(const struct srv *s)
{
	qb_ipcc_connection_t *c = qb_ipcc_connect(s->name, CTL_MAX_MSG);

	ck_assert_msg(c != NULL, "connect: %s", strerror(errno));
	return c;
}

static void cli_send(qb_ipcc_connection_t *c, int32_t id, const void *text, size_t len)
{
	struct qb_ipc_request_header hdr = { .id = id, .size = (int32_t)(sizeof(hdr) + len) };
	struct iovec iov[2] = { { &hdr, sizeof(hdr) }, { (void *)text, len } };

	ck_assert_int_eq(qb_ipcc_sendv(c, iov, len ? 2 : 1), (ssize_t)hdr.size);
}

/* Receives one reply; returns its root object (owned) and the header's error. */
static struct json_object *cli_recv(qb_ipcc_connection_t *c, int32_t *herr)
{
	char *buf = malloc(CTL_MAX_MSG);
	const struct qb_ipc_response_header *h = (const void *)buf;
	struct json_object *root;
	struct json_tokener *tok = json_tokener_new();
	ssize_t n;

	ck_assert_ptr_nonnull(buf);
	n = qb_ipcc_recv(c, buf, CTL_MAX_MSG, 5000);
	ck_assert_msg(n >= (ssize_t)sizeof(*h), "recv: %zd", n);
	ck_assert_int_eq(h->id, CTL_MSG_REPLY);
	ck_assert_int_eq(h->size, n);
	*herr = h->error;
	root = json_tokener_parse_ex(tok, buf + sizeof(*h), (int)(n - (ssize_t)sizeof(*h)));
	ck_assert_msg(root && json_object_is_type(root, json_type_object), "reply not JSON");
	/* the whole text is one object */
	ck_assert_uint_eq(json_tokener_get_parse_end(tok), (size_t)n - sizeof(*h));
	json_tokener_free(tok);
	free(buf);
	return root;
}

static struct json_object *cli_raw(qb_ipcc_connection_t *c, int32_t id, const void *text,
				   size_t len, int32_t *herr)
{
	cli_send(c, id, text, len);
	return cli_recv(c, herr);
}

static struct json_object *cli_call(qb_ipcc_connection_t *c, const char *text, int32_t *herr)
{
	return cli_raw(c, CTL_MSG_REQUEST, text, strlen(text), herr);
}

/* Asserts {"result": {...}} with header error 0; returns the result (borrowed from root). */
static struct json_object *want_result(struct json_object *root, int32_t herr)
{
	struct json_object *r;

	ck_assert_int_eq(herr, 0);
	ck_assert_msg(json_object_object_get_ex(root, "result", &r) &&
			      json_object_is_type(r, json_type_object),
		      "no result in %s", json_object_to_json_string(root));
	ck_assert_int_eq(json_object_object_length(root), 1);
	return r;
}

/* Asserts {"error": "...needle..."} with header error rc. */
static void want_error(struct json_object *root, int32_t herr, int rc, const char *needle)
{
	struct json_object *e;

	ck_assert_int_eq(herr, rc);
	ck_assert_msg(json_object_object_get_ex(root, "error", &e) &&
			      json_object_is_type(e, json_type_string),
		      "no error in %s", json_object_to_json_string(root));
	ck_assert_int_eq(json_object_object_length(root), 1);
	ck_assert_msg(strstr(json_object_get_string(e), needle), "error '%s' lacks '%s'",
		      json_object_get_string(e), needle);
}

static int64_t get_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, k, &v), "no %s", k);
	return json_object_get_int64(v);
}

/* The connection still answers. */
static void want_alive(qb_ipcc_connection_t *c)
{
	int32_t herr;
	struct json_object *root = cli_call(c, "{\"cmd\":\"echo\",\"args\":{\"k\":42}}", &herr);
	struct json_object *args;

	ck_assert(json_object_object_get_ex(want_result(root, herr), "args", &args));
	ck_assert_int_eq(get_int(args, "k"), 42);
	json_object_put(root);
}

START_TEST(test_ctl_input)
{
	qb_loop_t *loop = qb_loop_create(), *other;
	struct ctl_cfg cfg = { .name = NULL, .gid = (gid_t)-1 };
	struct ctl *ctl = NULL, *ctl2 = NULL;
	char name[64], longname[CTL_NAME_MAX + 2];

	ck_assert_ptr_nonnull(loop);
	snprintf(name, sizeof(name), "ikn-ctl-input-%ld", (long)getpid());
	ck_assert_int_eq(ctl_new(NULL, loop, &cfg), -EINVAL);
	ck_assert_int_eq(ctl_new(&ctl, NULL, &cfg), -EINVAL);
	ck_assert_int_eq(ctl_new(&ctl, loop, NULL), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	cfg.name = longname;
	ck_assert_int_eq(ctl_new(&ctl, loop, &cfg), -EINVAL);
	cfg.name = "a/b";
	ck_assert_int_eq(ctl_new(&ctl, loop, &cfg), -EINVAL);
	ck_assert_ptr_null(ctl);

	/* a loop that is not libqb's default loop cannot host the server */
	other = qb_loop_create();
	ck_assert_ptr_nonnull(other);
	cfg.name = name;
	ck_assert_int_eq(ctl_new(&ctl, other, &cfg), -EINVAL);
	qb_loop_destroy(other);

	ck_assert_int_eq(ctl_new(&ctl, loop, &cfg), 0);
	ck_assert_ptr_nonnull(ctl);
	/* the name is taken */
	ck_assert_int_eq(ctl_new(&ctl2, loop, &cfg), -EADDRINUSE);
	ck_assert_ptr_null(ctl2);

	ck_assert_int_eq(ctl_register(NULL, "x", h_echo, NULL), -EINVAL);
	ck_assert_int_eq(ctl_register(ctl, NULL, h_echo, NULL), -EINVAL);
	ck_assert_int_eq(ctl_register(ctl, "", h_echo, NULL), -EINVAL);
	ck_assert_int_eq(ctl_register(ctl, "x", NULL, NULL), -EINVAL);
	ck_assert_int_eq(ctl_register(ctl, "x", h_echo, NULL), 0);
	ck_assert_int_eq(ctl_register(ctl, "x", h_fail, NULL), -EEXIST);
	/* more than the initial table */
	for (int i = 0; i < 40; i++) {
		char cmd[16];

		snprintf(cmd, sizeof(cmd), "c%d", i);
		ck_assert_int_eq(ctl_register(ctl, cmd, h_echo, NULL), 0);
	}
	ck_assert_uint_eq(ctl_pending(ctl), 0);
	ck_assert_uint_eq(ctl_pending(NULL), 0);
	ctl_free(ctl);
	ctl_free(NULL);
	/* the name is free again */
	ck_assert_int_eq(ctl_new(&ctl, loop, &cfg), 0);
	ctl_free(ctl);
	qb_loop_destroy(loop);
}
END_TEST

START_TEST(test_ctl_round_trip)
{
	struct srv s;
	qb_ipcc_connection_t *c;
	struct json_object *root, *r, *args;
	int32_t herr;

	srv_start(&s);
	c = cli_connect(&s);
	root = cli_call(c,
			"{\"cmd\":\"echo\",\"args\":{\"a\":1,\"b\":\"x\\/y\",\"c\":[true,null]}}",
			&herr);
	r = want_result(root, herr);
	ck_assert(json_object_object_get_ex(r, "args", &args));
	ck_assert_str_eq(json_object_to_json_string_ext(
				 args, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			 "{\"a\":1,\"b\":\"x/y\",\"c\":[true,null]}");
	json_object_put(root);

	/* no args, null args, a trailing NUL and white space are fine */
	root = cli_call(c, "{\"cmd\":\"echo\"}", &herr);
	r = want_result(root, herr);
	ck_assert(json_object_object_get_ex(r, "args", &args));
	ck_assert_ptr_null(args);
	json_object_put(root);
	root = cli_call(c, " {\"args\":null,\"cmd\":\"echo\"}\n", &herr);
	want_result(root, herr);
	json_object_put(root);
	root = cli_raw(c, CTL_MSG_REQUEST, "{\"cmd\":\"echo\"}", sizeof("{\"cmd\":\"echo\"}"),
		       &herr);
	want_result(root, herr);
	json_object_put(root);

	/* a handler that leaves *reply NULL answers {} */
	root = cli_call(c, "{\"cmd\":\"empty\"}", &herr);
	ck_assert_int_eq(json_object_object_length(want_result(root, herr)), 0);
	json_object_put(root);

	/* several requests on one connection, and a second connection */
	want_alive(c);
	want_alive(c);
	{
		qb_ipcc_connection_t *c2 = cli_connect(&s);

		want_alive(c2);
		qb_ipcc_disconnect(c2);
	}
	qb_ipcc_disconnect(c);
	srv_stop(&s);
}
END_TEST

START_TEST(test_ctl_error_reply)
{
	struct srv s;
	qb_ipcc_connection_t *c;
	struct json_object *root;
	int32_t herr;

	srv_start(&s);
	c = cli_connect(&s);
	root = cli_call(c, "{\"cmd\":\"fail\",\"args\":{}}", &herr);
	want_error(root, herr, -ENOENT, "no such thing");
	json_object_put(root);
	/* no message: strerror of the handler's errno */
	root = cli_call(c, "{\"cmd\":\"fail-silent\"}", &herr);
	want_error(root, herr, -EPERM, strerror(EPERM));
	json_object_put(root);
	want_alive(c);
	qb_ipcc_disconnect(c);
	srv_stop(&s);
}
END_TEST

START_TEST(test_ctl_unknown_command)
{
	struct srv s;
	qb_ipcc_connection_t *c;
	struct json_object *root;
	int32_t herr;

	srv_start(&s);
	c = cli_connect(&s);
	root = cli_call(c, "{\"cmd\":\"self-destruct\",\"args\":{}}", &herr);
	want_error(root, herr, -ENOENT, "unknown command 'self-destruct'");
	json_object_put(root);
	/* commands are matched exactly */
	root = cli_call(c, "{\"cmd\":\"ech\"}", &herr);
	want_error(root, herr, -ENOENT, "unknown command");
	json_object_put(root);
	root = cli_call(c, "{\"cmd\":\"echo2\"}", &herr);
	want_error(root, herr, -ENOENT, "unknown command");
	json_object_put(root);
	want_alive(c);
	qb_ipcc_disconnect(c);
	srv_stop(&s);
}
END_TEST

static const struct {
	const char *text;
	size_t len; /* 0: strlen */
	int rc;
	const char *needle;
} malformed[] = {
	{ "", 0, -EBADMSG, "not JSON" },
	{ "{", 0, -EBADMSG, "not JSON" },
	{ "{\"cmd\":\"echo\"", 0, -EBADMSG, "not JSON" },
	{ "not json", 0, -EBADMSG, "not JSON" },
	{ "{\"cmd\":\"echo\"} {}", 0, -EBADMSG, "not JSON" },
	{ "{\"cmd\":\"echo\"}x", 0, -EBADMSG, "not JSON" },
	{ "{\"cmd\":\"ec\0ho\"}", 15, -EBADMSG, "not JSON" },
	{ "\xff\xfe{}", 0, -EBADMSG, "not JSON" },
	{ "[]", 0, -EBADMSG, "no \"cmd\"" },
	{ "\"echo\"", 0, -EBADMSG, "no \"cmd\"" },
	{ "{}", 0, -EBADMSG, "no \"cmd\"" },
	{ "{\"cmd\":1}", 0, -EBADMSG, "no \"cmd\"" },
	{ "{\"cmd\":null}", 0, -EBADMSG, "no \"cmd\"" },
	{ "{\"command\":\"echo\"}", 0, -EBADMSG, "no \"cmd\"" },
	{ "{\"cmd\":\"echo\",\"args\":[1]}", 0, -EBADMSG, "\"args\" is not an object" },
	{ "{\"cmd\":\"echo\",\"args\":\"x\"}", 0, -EBADMSG, "\"args\" is not an object" },
};

START_TEST(test_ctl_malformed)
{
	struct srv s;
	qb_ipcc_connection_t *c;
	struct json_object *root;
	int32_t herr;
	size_t len = malformed[_i].len ? malformed[_i].len : strlen(malformed[_i].text);

	srv_start(&s);
	c = cli_connect(&s);
	root = cli_raw(c, CTL_MSG_REQUEST, malformed[_i].text, len, &herr);
	want_error(root, herr, malformed[_i].rc, malformed[_i].needle);
	json_object_put(root);
	want_alive(c);
	qb_ipcc_disconnect(c);
	srv_stop(&s);
}
END_TEST

START_TEST(test_ctl_malformed_frames)
{
	struct srv s;
	qb_ipcc_connection_t *c;
	struct json_object *root;
	int32_t herr;
	char deep[2048];
	size_t n = 0;

	srv_start(&s);
	c = cli_connect(&s);
	/* a header id that is not ours */
	root = cli_raw(c, 77, "{\"cmd\":\"echo\"}", 14, &herr);
	want_error(root, herr, -EPROTO, "unknown message id 77");
	json_object_put(root);
	/* nesting beyond the tokenizer's depth */
	n += (size_t)snprintf(deep, sizeof(deep), "{\"cmd\":\"echo\",\"args\":{\"a\":");
	while (n < 1000)
		deep[n++] = '[';
	while (n < 1900)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n++] = '}';
	root = cli_raw(c, CTL_MSG_REQUEST, deep, n, &herr);
	want_error(root, herr, -EBADMSG, "not JSON");
	json_object_put(root);
	want_alive(c);
	qb_ipcc_disconnect(c);
	srv_stop(&s);
}
END_TEST

static const char echo_head[] = "{\"cmd\":\"echo\",\"args\":{\"s\":\"", echo_tail[] = "\"}}";

/* {"cmd":"echo","args":{"s":"xxx..."}} of exactly len bytes */
static char *echo_of_len(size_t len)
{
	const char *head = echo_head, *tail = echo_tail;
	char *t = malloc(len + 1);

	ck_assert_ptr_nonnull(t);
	memcpy(t, head, strlen(head));
	memset(t + strlen(head), 'x', len - strlen(head) - strlen(tail));
	memcpy(t + len - strlen(tail), tail, strlen(tail) + 1);
	return t;
}

START_TEST(test_ctl_oversized)
{
	const size_t hdr = sizeof(struct qb_ipc_request_header);
	const size_t fit = CTL_MAX_REQUEST - hdr;
	struct srv s;
	qb_ipcc_connection_t *c;
	struct json_object *root, *args, *str;
	int32_t herr;
	char *text, req[64];

	srv_start(&s);
	c = cli_connect(&s);
	/* exactly the limit: answered */
	text = echo_of_len(fit);
	root = cli_call(c, text, &herr);
	ck_assert(json_object_object_get_ex(want_result(root, herr), "args", &args));
	ck_assert(json_object_object_get_ex(args, "s", &str));
	ck_assert_int_eq(json_object_get_string_len(str),
			 (int)(fit - strlen(echo_head) - strlen(echo_tail)));
	json_object_put(root);
	free(text);
	/* one byte more: refused, the connection stays */
	text = echo_of_len(fit + 1);
	root = cli_call(c, text, &herr);
	want_error(root, herr, -EMSGSIZE, "request too large");
	json_object_put(root);
	free(text);
	want_alive(c);

	/* a reply that fits, and one that does not fit the IPC buffer */
	snprintf(req, sizeof(req), "{\"cmd\":\"big\",\"args\":{\"n\":%d}}", 1000000);
	root = cli_call(c, req, &herr);
	ck_assert(json_object_object_get_ex(want_result(root, herr), "s", &str));
	ck_assert_int_eq(json_object_get_string_len(str), 1000000);
	json_object_put(root);
	snprintf(req, sizeof(req), "{\"cmd\":\"big\",\"args\":{\"n\":%d}}", CTL_MAX_MSG);
	root = cli_call(c, req, &herr);
	want_error(root, herr, -EMSGSIZE, "reply too large");
	json_object_put(root);
	want_alive(c);
	qb_ipcc_disconnect(c);
	srv_stop(&s);
}
END_TEST

/* Waits until the server holds n deferred requests (clients' messages are served in any order). */
static void wait_held(qb_ipcc_connection_t *c, int64_t n)
{
	int64_t held = -1;

	for (int i = 0; i < 500 && held != n; i++) {
		int32_t herr;
		struct json_object *root = cli_call(c, "{\"cmd\":\"held-status\"}", &herr);

		held = get_int(want_result(root, herr), "held");
		json_object_put(root);
		if (held != n)
			usleep(10000);
	}
	ck_assert_int_eq(held, n);
}

START_TEST(test_ctl_deferred)
{
	struct srv s;
	qb_ipcc_connection_t *a, *b;
	struct json_object *root, *r;
	int32_t herr;
	const char *defer = "{\"cmd\":\"defer\"}";

	srv_start(&s);
	a = cli_connect(&s);
	b = cli_connect(&s);
	cli_send(a, CTL_MSG_REQUEST, defer, strlen(defer));
	/* others are served while a's request is pending */
	want_alive(b);
	wait_held(b, 1);
	root = cli_call(b, "{\"cmd\":\"held-status\"}", &herr);
	r = want_result(root, herr);
	ck_assert_int_eq(get_int(r, "held"), 1);
	ck_assert_int_eq(get_int(r, "pending"), 1);
	ck_assert_int_eq(get_int(r, "cancelled"), 0);
	json_object_put(root);

	root = cli_call(b, "{\"cmd\":\"complete\"}", &herr);
	r = want_result(root, herr);
	ck_assert_int_eq(get_int(r, "completed"), 1);
	ck_assert_int_eq(get_int(r, "cancelled"), 0);
	ck_assert_int_eq(get_int(r, "pending"), 0);
	json_object_put(root);
	root = cli_recv(a, &herr);
	ck_assert_int_eq(get_int(want_result(root, herr), "done"), 0);
	json_object_put(root);

	/* completed with an error */
	cli_send(a, CTL_MSG_REQUEST, defer, strlen(defer));
	wait_held(b, 1);
	root = cli_call(b, "{\"cmd\":\"complete\",\"args\":{\"error\":\"it broke\"}}", &herr);
	ck_assert_int_eq(get_int(want_result(root, herr), "completed"), 1);
	json_object_put(root);
	root = cli_recv(a, &herr);
	ck_assert_int_lt(herr, 0);
	want_error(root, herr, herr, "it broke");
	json_object_put(root);
	want_alive(a);

	/* the server stops with a request still pending: released, no crash */
	cli_send(a, CTL_MSG_REQUEST, defer, strlen(defer));
	wait_held(b, 1);
	qb_ipcc_disconnect(b);
	srv_stop(&s);
	qb_ipcc_disconnect(a);
}
END_TEST

START_TEST(test_ctl_deferred_disconnect)
{
	struct srv s;
	qb_ipcc_connection_t *a, *b;
	struct json_object *root, *r;
	int32_t herr;
	const char *defer = "{\"cmd\":\"defer\"}";
	int64_t cancelled = 0;

	srv_start(&s);
	a = cli_connect(&s);
	b = cli_connect(&s);
	cli_send(a, CTL_MSG_REQUEST, defer, strlen(defer));
	cli_send(a, CTL_MSG_REQUEST, defer, strlen(defer));
	/* a's second request is read after the first was deferred */
	wait_held(b, 2);
	qb_ipcc_disconnect(a);
	/* the server notices the disconnect: its requests are cancelled */
	for (int i = 0; i < 200 && cancelled < 2; i++) {
		root = cli_call(b, "{\"cmd\":\"held-status\"}", &herr);
		r = want_result(root, herr);
		ck_assert_int_eq(get_int(r, "held"), 2);
		ck_assert_int_eq(get_int(r, "pending"), 2);
		cancelled = get_int(r, "cancelled");
		json_object_put(root);
		if (cancelled < 2)
			usleep(10000);
	}
	ck_assert_int_eq(cancelled, 2);
	/* completing them drops the replies quietly */
	root = cli_call(b, "{\"cmd\":\"complete\"}", &herr);
	r = want_result(root, herr);
	ck_assert_int_eq(get_int(r, "completed"), 2);
	ck_assert_int_eq(get_int(r, "cancelled"), 2);
	ck_assert_int_eq(get_int(r, "pending"), 0);
	json_object_put(root);
	want_alive(b);
	/* and new clients are served */
	a = cli_connect(&s);
	want_alive(a);
	qb_ipcc_disconnect(a);
	qb_ipcc_disconnect(b);
	srv_stop(&s);
}
END_TEST

/*
 * Connects as uid UNPRIV_UID with primary group gid and supplementary groups
 * sup (n_sup), in a child; returns 0 if the connection was accepted and
 * answered, else the errno of the refusal, or -1 when this cannot be tried.
 */
static int connect_as(const struct srv *s, gid_t gid, const gid_t *sup, size_t n_sup)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		qb_ipcc_connection_t *c;
		struct qb_ipc_request_header hdr = { .id = CTL_MSG_REQUEST };
		const char *text = "{\"cmd\":\"echo\"}";
		struct iovec iov[2] = { { &hdr, sizeof(hdr) }, { (void *)text, strlen(text) } };
		char buf[4096];

		if (setgroups(n_sup, sup) || setgid(gid) || setuid(UNPRIV_UID))
			_exit(255);
		c = qb_ipcc_connect(s->name, CTL_MAX_MSG);
		if (!c)
			_exit(errno > 0 && errno < 255 ? errno : 254);
		hdr.size = (int32_t)(sizeof(hdr) + strlen(text));
		if (qb_ipcc_sendv_recv(c, iov, 2, buf, sizeof(buf), 5000) <= 0 ||
		    !strstr(buf + sizeof(struct qb_ipc_response_header), "\"result\""))
			_exit(253);
		qb_ipcc_disconnect(c);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status) == 255 ? -1 : WEXITSTATUS(status);
}

START_TEST(test_ctl_access)
{
	struct srv s;
	const gid_t sup = UNPRIV_GID;
	qb_ipcc_connection_t *c;

	if (geteuid() != 0) {
		/* as a user the test is both the daemon's uid and the client's: nothing to refuse
		 */
		fprintf(stderr, "test_ctl_access: not root, skipped\n");
		return;
	}
	/* no group configured: only root */
	srv_start(&s);
	c = cli_connect(&s);
	want_alive(c);
	qb_ipcc_disconnect(c);
	ck_assert_int_eq(connect_as(&s, UNPRIV_GID, NULL, 0), EACCES);
	srv_stop(&s);

	/* the control group, as primary or as supplementary group */
	srv_start_gid(&s, UNPRIV_GID);
	ck_assert_int_eq(connect_as(&s, UNPRIV_GID, NULL, 0), 0);
	ck_assert_int_eq(connect_as(&s, OTHER_GID, &sup, 1), 0);
	ck_assert_int_eq(connect_as(&s, OTHER_GID, NULL, 0), EACCES);
	c = cli_connect(&s);
	want_alive(c);
	qb_ipcc_disconnect(c);
	srv_stop(&s);
}
END_TEST

/* Runs the built hactl with args (a shell word list); returns its exit status, output in out/err.
 */
static int hactl_run(const char *args, char *out, size_t out_len, char *err, size_t err_len)
{
	const char *top = getenv("top_builddir");
	char cmd[1024], fo[64], fe[64];
	FILE *f;
	size_t n;
	int status;

	snprintf(fo, sizeof(fo), "/tmp/ikn-ctl-out-%ld", (long)getpid());
	snprintf(fe, sizeof(fe), "/tmp/ikn-ctl-err-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "%s/hactl %s >%s 2>%s", top ? top : ".", args, fo, fe);
	status = system(cmd);
	ck_assert(WIFEXITED(status));
	f = fopen(fo, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, out_len - 1, f);
	out[n] = '\0';
	fclose(f);
	f = fopen(fe, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(err, 1, err_len - 1, f);
	err[n] = '\0';
	fclose(f);
	unlink(fo);
	unlink(fe);
	return WEXITSTATUS(status);
}

START_TEST(test_ctl_hactl)
{
	struct srv s;
	char args[256], out[8192], err[4096];
	struct json_object *got, *want, *v;

	srv_start(&s);
	/* --json: the result object, as the daemon sent it */
	snprintf(args, sizeof(args), "--json --socket %s status", s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	got = json_tokener_parse(out);
	want = json_tokener_parse(status_json);
	ck_assert_msg(got && json_object_equal(got, want), "got %s", out);
	json_object_put(got);
	json_object_put(want);

	/* the readable form carries the values */
	snprintf(args, sizeof(args), "--socket=%s status", s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 0);
	ck_assert_msg(strstr(out, "ikenode 9.8.7, up 1h 02m") && strstr(out, "192.0.2.1[4500]") &&
			      strstr(out, "IKE_SAs: 2 (1 half-open), CHILD_SAs: 3"),
		      "status: %s", out);

	/* options reach the daemon as args; --json may follow the subcommand */
	snprintf(args, sizeof(args), "--socket %s initiate --child net --ike=gw --timeout 5 --json",
		 s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 0);
	got = json_tokener_parse(out);
	ck_assert_ptr_nonnull(got);
	ck_assert(json_object_object_get_ex(got, "state", &v));
	ck_assert_str_eq(json_object_get_string(v), "net/gw/5");
	json_object_put(got);
	snprintf(args, sizeof(args), "--socket %s initiate --child net", s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, "IKE_SA #7: net/-/-\n");

	/* the daemon's error: stderr, exit 1, multi-line messages intact */
	snprintf(args, sizeof(args), "--socket %s terminate --ike 12", s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 1);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(err, "hactl: configuration refused:\nno IKE_SA matches '12'\n");

	/* a subcommand the daemon does not know is forwarded and refused there */
	snprintf(args, sizeof(args), "--socket %s resync", s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 1);
	ck_assert_str_eq(err, "hactl: unknown command 'resync'\n");

	/* usage errors stay local: exit 1; --help exits 0 */
	snprintf(args, sizeof(args), "--socket %s initiate", s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 1);
	ck_assert_ptr_nonnull(strstr(err, "--child"));
	ck_assert_int_eq(hactl_run("initiate --help", out, sizeof(out), err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(out, "initiate --child NAME [--ike NAME] [--timeout S]"));
	ck_assert_int_eq(hactl_run("help", out, sizeof(out), err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(out, "list-sas"));
	ck_assert_ptr_nonnull(strstr(out, "failover"));
	ck_assert_int_eq(hactl_run("frobnicate", out, sizeof(out), err, sizeof(err)), 1);
	srv_stop(&s);

	/* no daemon: the documented message, exit 3 */
	snprintf(args, sizeof(args), "--socket %s status", s.name);
	ck_assert_int_eq(hactl_run(args, out, sizeof(out), err, sizeof(err)), 3);
	snprintf(args, sizeof(args),
		 "hactl: cannot reach ikenode (is it running? control socket '%s')\n", s.name);
	ck_assert_str_eq(err, args);
}
END_TEST

Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("ctl");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ctl_input);
	tcase_add_test(tc, test_ctl_round_trip);
	tcase_add_test(tc, test_ctl_error_reply);
	tcase_add_test(tc, test_ctl_unknown_command);
	tcase_add_loop_test(tc, test_ctl_malformed, 0, (int)ARRAY_SIZE(malformed));
	tcase_add_test(tc, test_ctl_malformed_frames);
	tcase_add_test(tc, test_ctl_oversized);
	tcase_add_test(tc, test_ctl_deferred);
	tcase_add_test(tc, test_ctl_deferred_disconnect);
	tcase_add_test(tc, test_ctl_access);
	tcase_add_test(tc, test_ctl_hactl);
	suite_add_tcase(s, tc);
	return s;
}
