/*
 * hactl: the operator CLI. `hactl [--json] [--socket NAME] <subcommand>
 * [args]`; each subcommand is one request to the daemon's control server
 * (src/ikenode/ctl.h), its reply printed as a compact table or, with --json,
 * as JSON. Exit status: 0 success, 1 an error (usage, or the daemon's error
 * reply), 3 the daemon cannot be reached.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <json-c/json.h>
#include <qb/qbipcc.h>

#include "hactl/hactl.h"
#include "ikenode/ctl.h"

#define EXIT_UNREACHABLE 3
/* how long a reply may take; initiate waits for its own timeout plus this */
#define REPLY_TIMEOUT_S 120
#define INITIATE_SLACK_S 10
#define INITIATE_DEFAULT_S 30

struct hactl {
	const char *socket;
	bool json;
};

struct hactl_cmd;
typedef int (*hactl_cmd_fn)(const struct hactl *h, const struct hactl_cmd *cmd, int argc,
			    char **argv);

struct hactl_cmd {
	const char *name;
	hactl_cmd_fn fn;
	const char *help;
	const char *args; /* usage after the name */
};

/*
 * Sends {"cmd": cmd, "args": args (taken; NULL: none)}, waits up to timeout_s
 * for the reply and returns 0 with *result (owned), or an exit status after
 * printing the error.
 */
static int call(const struct hactl *h, const char *cmd, struct json_object *args, int timeout_s,
		struct json_object **result)
{
	struct qb_ipc_request_header hdr = { .id = CTL_MSG_REQUEST };
	const struct qb_ipc_response_header *rhdr;
	struct json_object *req = json_object_new_object(), *root = NULL, *v;
	struct json_tokener *tok = NULL;
	qb_ipcc_connection_t *c = NULL;
	struct iovec iov[2];
	const char *text;
	char *buf = NULL;
	ssize_t n;
	int rc = 1;

	*result = NULL;
	if (!req || json_object_object_add(req, "cmd", json_object_new_string(cmd)) ||
	    (args && json_object_object_add(req, "args", args))) {
		json_object_put(args);
		fprintf(stderr, "hactl: out of memory\n");
		goto out;
	}
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if (sizeof(hdr) + strlen(text) > CTL_MAX_REQUEST) {
		fprintf(stderr, "hactl: request too large\n");
		goto out;
	}
	buf = malloc(CTL_MAX_MSG);
	if (!buf) {
		fprintf(stderr, "hactl: out of memory\n");
		goto out;
	}
	c = qb_ipcc_connect(h->socket, CTL_MAX_MSG);
	if (!c) {
		if (errno == EACCES)
			fprintf(stderr,
				"hactl: ikenode refused the connection (control socket '%s'): "
				"root or the control group only\n",
				h->socket);
		else
			fprintf(stderr,
				"hactl: cannot reach ikenode (is it running? control socket "
				"'%s')\n",
				h->socket);
		rc = errno == EACCES ? 1 : EXIT_UNREACHABLE;
		goto out;
	}
	hdr.size = (int32_t)(sizeof(hdr) + strlen(text));
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)text;
	iov[1].iov_len = strlen(text);
	n = qb_ipcc_sendv_recv(c, iov, 2, buf, CTL_MAX_MSG, timeout_s * 1000);
	if (n < 0) {
		if (n == -ETIMEDOUT || n == -EAGAIN) {
			fprintf(stderr, "hactl: no reply from ikenode within %d s\n", timeout_s);
		} else {
			fprintf(stderr, "hactl: lost the connection to ikenode: %s\n",
				strerror((int)-n));
			rc = EXIT_UNREACHABLE;
		}
		goto out;
	}
	rhdr = (const struct qb_ipc_response_header *)buf;
	if ((size_t)n < sizeof(*rhdr) || rhdr->id != CTL_MSG_REPLY || rhdr->size != n) {
		fprintf(stderr, "hactl: malformed reply from ikenode\n");
		goto out;
	}
	tok = json_tokener_new();
	if (tok)
		root = json_tokener_parse_ex(tok, buf + sizeof(*rhdr),
					     (int)((size_t)n - sizeof(*rhdr)));
	if (!root || !json_object_is_type(root, json_type_object)) {
		fprintf(stderr, "hactl: malformed reply from ikenode\n");
		goto out;
	}
	if (json_object_object_get_ex(root, "error", &v)) {
		fprintf(stderr, "hactl: %s\n", json_object_get_string(v));
		goto out;
	}
	if (!json_object_object_get_ex(root, "result", &v) ||
	    !json_object_is_type(v, json_type_object)) {
		fprintf(stderr, "hactl: malformed reply from ikenode\n");
		goto out;
	}
	*result = json_object_get(v);
	rc = 0;
out:
	if (c)
		qb_ipcc_disconnect(c);
	if (tok)
		json_tokener_free(tok);
	json_object_put(root);
	json_object_put(req);
	free(buf);
	return rc;
}

static void usage_of(FILE *f, const struct hactl_cmd *cmd)
{
	fprintf(f, "Usage: hactl [--json] [--socket NAME] %s%s%s\n  %s\n", cmd->name,
		cmd->args[0] ? " " : "", cmd->args, cmd->help);
}

/* One option that takes a value, for parse_args(). */
struct opt {
	const char *name; /* "--child" */
	const char **val;
};

/*
 * Parses a subcommand's arguments: the options in opts (as "--x V" or
 * "--x=V"), --json and --socket NAME anywhere, --help, and up to max_pos
 * positional arguments into pos[]. Returns -1 after printing the usage (to
 * stdout for --help, then *exit_code is 0), else 0.
 */
static int parse_args(struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv,
		      const struct opt *opts, size_t n_opts, const char **pos, int max_pos,
		      int *n_pos, int *exit_code)
{
	*n_pos = 0;
	*exit_code = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		bool matched = false;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage_of(stdout, cmd);
			*exit_code = 0;
			return -1;
		}
		if (!strcmp(a, "--json") || !strcmp(a, "-j")) {
			h->json = true;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			if (*n_pos == max_pos) {
				fprintf(stderr, "hactl %s: unexpected argument '%s'\n", cmd->name,
					a);
				usage_of(stderr, cmd);
				return -1;
			}
			pos[(*n_pos)++] = a;
			continue;
		}
		for (size_t j = 0; j <= n_opts && !matched; j++) {
			const char *name = j < n_opts ? opts[j].name : "--socket";
			const char **val = j < n_opts ? opts[j].val : &h->socket;

			if (strlen(name) != nlen || strncmp(a, name, nlen) != 0)
				continue;
			matched = true;
			if (eq) {
				*val = eq + 1;
			} else if (i + 1 < argc) {
				*val = argv[++i];
			} else {
				fprintf(stderr, "hactl %s: %s needs a value\n", cmd->name, name);
				usage_of(stderr, cmd);
				return -1;
			}
		}
		if (!matched) {
			fprintf(stderr, "hactl %s: unknown option '%s'\n", cmd->name, a);
			usage_of(stderr, cmd);
			return -1;
		}
	}
	return 0;
}

/* Sends cmd, prints the result with print (or as JSON). */
static int run(const struct hactl *h, const char *cmd, struct json_object *args, int timeout_s,
	       void (*print)(FILE *, struct json_object *))
{
	struct json_object *result;
	int rc = call(h, cmd, args, timeout_s, &result);

	if (rc)
		return rc;
	if (h->json || !print)
		hactl_print_json(stdout, result);
	else
		print(stdout, result);
	json_object_put(result);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* A subcommand without arguments, printed by print. */
static int simple(const struct hactl *h0, const struct hactl_cmd *cmd, int argc, char **argv,
		  void (*print)(FILE *, struct json_object *))
{
	struct hactl h = *h0;
	const char *pos[1];
	int n_pos, ec;

	if (parse_args(&h, cmd, argc, argv, NULL, 0, pos, 0, &n_pos, &ec))
		return ec;
	return run(&h, cmd->name, NULL, REPLY_TIMEOUT_S, print);
}

static int cmd_status(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	return simple(h, cmd, argc, argv, hactl_print_status);
}

static int cmd_list_sas(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	return simple(h, cmd, argc, argv, hactl_print_list_sas);
}

static int cmd_list_conns(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	return simple(h, cmd, argc, argv, hactl_print_list_conns);
}

static int cmd_reload(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	return simple(h, cmd, argc, argv, hactl_print_reload);
}

static int cmd_stats(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	return simple(h, cmd, argc, argv, hactl_print_stats);
}

static int cmd_segments(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	return simple(h, cmd, argc, argv, hactl_print_segments);
}

static int cmd_segment(const struct hactl *h0, const struct hactl_cmd *cmd, int argc, char **argv)
{
	struct hactl h = *h0;
	const char *pos[2];
	struct json_object *args;
	char *end;
	long seg;
	int n_pos, ec;

	if (parse_args(&h, cmd, argc, argv, NULL, 0, pos, 2, &n_pos, &ec))
		return ec;
	if (n_pos != 2 || (strcmp(pos[0], "activate") && strcmp(pos[0], "deactivate"))) {
		fprintf(stderr, "hactl segment: activate or deactivate, and a segment number\n");
		usage_of(stderr, cmd);
		return 1;
	}
	errno = 0;
	seg = strtol(pos[1], &end, 10);
	if (errno || end == pos[1] || *end || seg < 0 || seg > 63) {
		fprintf(stderr, "hactl segment: '%s' is not a segment number (0 .. 63)\n", pos[1]);
		return 1;
	}
	args = json_object_new_object();
	if (args) {
		json_object_object_add(args, "action", json_object_new_string(pos[0]));
		json_object_object_add(args, "segment", json_object_new_int64(seg));
	}
	return run(&h, cmd->name, args, REPLY_TIMEOUT_S, hactl_print_segment);
}

/* handback, resync: forwarded, the result printed as JSON */
static int cmd_forward(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	return simple(h, cmd, argc, argv, NULL);
}

static int cmd_failover(const struct hactl *h0, const struct hactl_cmd *cmd, int argc, char **argv)
{
	struct hactl h = *h0;
	const char *pos[1];
	struct json_object *args;
	int n_pos, ec;

	if (parse_args(&h, cmd, argc, argv, NULL, 0, pos, 1, &n_pos, &ec))
		return ec;
	if (n_pos != 1) {
		fprintf(stderr, "hactl failover: which node?\n");
		usage_of(stderr, cmd);
		return 1;
	}
	args = json_object_new_object();
	if (args)
		json_object_object_add(args, "node", json_object_new_string(pos[0]));
	return run(&h, cmd->name, args, REPLY_TIMEOUT_S, NULL);
}

static int cmd_initiate(const struct hactl *h0, const struct hactl_cmd *cmd, int argc, char **argv)
{
	struct hactl h = *h0;
	const char *child = NULL, *ike = NULL, *timeout = NULL, *pos[1];
	const struct opt opts[] = { { "--child", &child },
				    { "--ike", &ike },
				    { "--timeout", &timeout } };
	struct json_object *args;
	long t = INITIATE_DEFAULT_S;
	int n_pos, ec;

	if (parse_args(&h, cmd, argc, argv, opts, 3, pos, 0, &n_pos, &ec))
		return ec;
	if (!child && !ike) {
		fprintf(stderr, "hactl initiate: --child NAME (or --ike NAME) is required\n");
		usage_of(stderr, cmd);
		return 1;
	}
	if (timeout) {
		char *end;

		errno = 0;
		t = strtol(timeout, &end, 10);
		if (errno || end == timeout || *end || t < 0 || t > 86400) {
			fprintf(stderr, "hactl initiate: bad --timeout '%s' (seconds, 0..86400)\n",
				timeout);
			return 1;
		}
	}
	args = json_object_new_object();
	if (args) {
		if (child)
			json_object_object_add(args, "child", json_object_new_string(child));
		if (ike)
			json_object_object_add(args, "ike", json_object_new_string(ike));
		if (timeout)
			json_object_object_add(args, "timeout", json_object_new_int64(t));
	}
	return run(&h, cmd->name, args, (int)t + INITIATE_SLACK_S, hactl_print_initiate);
}

static int cmd_terminate(const struct hactl *h0, const struct hactl_cmd *cmd, int argc, char **argv)
{
	struct hactl h = *h0;
	const char *ike = NULL, *pos[1];
	const struct opt opts[] = { { "--ike", &ike } };
	struct json_object *args;
	int n_pos, ec;

	if (parse_args(&h, cmd, argc, argv, opts, 1, pos, 1, &n_pos, &ec))
		return ec;
	if (!ike && n_pos == 1)
		ike = pos[0];
	if (!ike || !ike[0]) {
		fprintf(stderr, "hactl terminate: --ike NAME|ID is required\n");
		usage_of(stderr, cmd);
		return 1;
	}
	args = json_object_new_object();
	if (args)
		json_object_object_add(args, "ike", json_object_new_string(ike));
	return run(&h, cmd->name, args, REPLY_TIMEOUT_S, hactl_print_terminate);
}

static int cmd_help(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv);

static const struct hactl_cmd commands[] = {
	{ "status", cmd_status, "Shows the daemon's version, uptime, listeners and SA counts", "" },
	{ "list-sas", cmd_list_sas, "Lists the IKE_SAs and their CHILD_SAs", "" },
	{ "list-conns", cmd_list_conns, "Lists the loaded connections", "" },
	{ "initiate", cmd_initiate,
	  "Initiates a CHILD_SA (and its IKE_SA) and waits until it is up, failed or timed out",
	  "--child NAME [--ike NAME] [--timeout S]" },
	{ "terminate", cmd_terminate, "Deletes the IKE_SAs of a connection, or one by its ID",
	  "--ike NAME|ID" },
	{ "reload", cmd_reload, "Reloads swanctl.conf: connections and secrets", "" },
	{ "stats", cmd_stats, "Shows the daemon's counters", "" },
	{ "segments", cmd_segments,
	  "Shows the segments: state, owner, packets accepted and dropped, IKE_SAs", "" },
	{ "segment", cmd_segment, "Activates or deactivates a segment on this node",
	  "activate|deactivate N" },
	{ "failover", cmd_failover, "Moves this node's segments to NODE", "NODE" },
	{ "handback", cmd_forward, "Returns moved segments to their preferred nodes", "" },
	{ "resync", cmd_forward, "Resynchronizes the SA state from the cluster", "" },
	{ "help", cmd_help, "Shows this help", "" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: hactl [--json] [--socket NAME] <subcommand> [<args>]\n\n"
		   "  --json         print the daemon's reply as JSON\n"
		   "  --socket NAME  the daemon's control socket (default " CTL_DEFAULT_NAME ")\n\n"
		   "Subcommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`hactl <subcommand> --help' shows a subcommand's usage.\n"
		   "Exit status: 0 success, 1 error, 3 ikenode not reachable.\n");
}

static int cmd_help(const struct hactl *h, const struct hactl_cmd *cmd, int argc, char **argv)
{
	(void)h;
	(void)cmd;
	for (size_t i = 0; argc > 1 && i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			usage_of(stdout, &commands[i]);
			return 0;
		}
	}
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct hactl h = { .socket = CTL_DEFAULT_NAME };
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json") || !strcmp(a, "-j")) {
			h.json = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version") || !strcmp(a, "-v")) {
			printf("hactl %s\n", PACKAGE_VERSION);
			return 0;
		} else if (!strncmp(a, "--socket=", 9)) {
			h.socket = a + 9;
		} else if ((!strcmp(a, "--socket") || !strcmp(a, "-s")) && i + 1 < argc) {
			h.socket = argv[++i];
		} else {
			fprintf(stderr, "hactl: unknown option '%s'\n", a);
			usage(stderr);
			return 1;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	if (!h.socket[0] || strlen(h.socket) > CTL_NAME_MAX) {
		fprintf(stderr, "hactl: bad control socket name '%s'\n", h.socket);
		return 1;
	}
	for (size_t j = 0; j < ARRAY_SIZE(commands); j++) {
		if (!strcmp(argv[i], commands[j].name))
			return commands[j].fn(&h, &commands[j], argc - i, argv + i);
	}
	fprintf(stderr, "hactl: unknown subcommand '%s'\n", argv[i]);
	usage(stderr);
	return 1;
}
