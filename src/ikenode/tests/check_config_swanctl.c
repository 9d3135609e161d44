/*
 * The swanctl.conf loader against strongSwan's documented behaviour: swanctl.conf(5) defaults
 * (swanctl.opt), the value forms of vici_config.c (parse_time, parse_bytes, parse_bool,
 * parse_action, parse_ts), the lifetime arithmetic of check_lifetimes()/config_sn(), the
 * address forms of ike_cfg.c, the selector print form of traffic_selector.c, the secret
 * encodings of swanctl's load_creds.c (base64 expectations decoded with `openssl base64 -d`),
 * and strongSwan's own test configurations (testing/tests/ikev2/rw-cert, rw-psk-ipv4).
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/settings.h"
#include "ikenode/config_swanctl.h"

Suite *config_swanctl_suite(void);

#define DATA_DIR TOP_SRCDIR "/testing/data/swanctl"
#define CORPUS_DIR TOP_SRCDIR "/testing/fuzz/corpus/config_swanctl"

/* Parses text as "test.conf" and loads it; the tree is freed before returning. */
static int load_text(const char *text, struct config **cfg, struct config_diag *diag)
{
	struct settings *s = NULL;
	int rc;

	config_diag_init(diag);
	ck_assert_int_eq(settings_parse_buffer("test.conf", text, strlen(text), NULL, &s, NULL), 0);
	rc = config_swanctl_load(settings_root(s), cfg, diag);
	settings_free(s);
	return rc;
}

static struct config *load_ok(const char *text, struct config_diag *diag)
{
	struct config *cfg = NULL;
	int rc = load_text(text, &cfg, diag);

	if (rc) {
		char line[512];

		for (size_t i = 0; i < diag->count; i++)
			if (config_diag_format(&diag->items[i], line, sizeof(line)) == 0)
				fprintf(stderr, "%s\n", line);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

static const char *diag_line(const struct config_diag *diag, size_t i, char *buf, size_t len)
{
	ck_assert_uint_lt(i, diag->count);
	ck_assert_int_eq(config_diag_format(&diag->items[i], buf, len), 0);
	return buf;
}

/* The address text parsed independently with inet_pton(). */
static void ip(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET, text, out) != 1)
		ck_abort_msg("bad test address %s", text);
}

START_TEST(test_config_swanctl_input)
{
	struct settings *s = NULL;
	struct config *cfg = (struct config *)1;
	struct config_diag diag;
	struct config_diag_item it = { CONFIG_ERROR, NULL, 0, (char *)"m" };
	struct config_addr a;
	struct config_ts ts = { .family = AF_INET };
	struct config_addr_list l = { { NULL, 0 }, NULL, 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[64];

	config_diag_init(&diag);
	ck_assert_int_eq(settings_parse_buffer("t", "a = b\n", 6, NULL, &s, NULL), 0);
	ck_assert_int_eq(config_swanctl_load(NULL, &cfg, &diag), -EINVAL);
	ck_assert_ptr_null(cfg);
	ck_assert_int_eq(config_swanctl_load(settings_root(s), NULL, &diag), -EINVAL);
	cfg = (struct config *)1;
	ck_assert_int_eq(config_swanctl_load(settings_root(s), &cfg, NULL), -EINVAL);
	ck_assert_ptr_null(cfg);
	settings_free(s);

	ck_assert_int_eq(config_diag_add(NULL, CONFIG_ERROR, NULL, 0, "x"), -EINVAL);
	ck_assert_int_eq(config_diag_add(&diag, CONFIG_ERROR, NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(config_diag_add(&diag, (enum config_severity)7, NULL, 0, "x"), -EINVAL);
	ck_assert_int_eq(config_diag_format(NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(config_diag_format(&it, NULL, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(config_diag_format(&it, buf, 0), -EINVAL);
	ck_assert_int_eq(config_addr_parse(NULL, &a), -EINVAL);
	ck_assert_int_eq(config_addr_parse("10.0.0.1", NULL), -EINVAL);
	ck_assert_int_eq(config_ts_parse(NULL, &ts), -EINVAL);
	ck_assert_int_eq(config_ts_parse("dynamic", NULL), -EINVAL);
	ck_assert_int_eq(config_ts_to_str(NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(config_ts_to_str(&ts, NULL, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(config_ts_to_str(&ts, buf, 0), -EINVAL);
	ts.family = AF_UNSPEC;
	ck_assert_int_eq(config_ts_to_str(&ts, buf, sizeof(buf)), -EINVAL);
	ck_assert(!config_addr_list_matches(NULL, (struct sockaddr *)&sin));
	ck_assert(!config_addr_list_matches(&l, NULL));
	ck_assert_ptr_null(config_find_conn(NULL, "x"));
	ck_assert_ptr_null(config_find_psk(NULL, "a", "b"));
	config_free(NULL);
	config_diag_clear(NULL);
	config_diag_init(NULL);
	ck_assert_uint_eq(diag.count, 0);
}
END_TEST

/* swanctl.opt defaults, and check_lifetimes()/config_sn() applied to them. */
START_TEST(test_config_swanctl_defaults)
{
	struct config_diag diag;
	struct config *cfg =
		load_ok("connections {\n c {\n  children {\n   ch {\n   }\n  }\n }\n}\n", &diag);
	const struct conn_cfg *c = config_find_conn(cfg, "c");
	const struct child_cfg *ch;

	ck_assert_uint_eq(diag.count, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(config_find_conn(cfg, "C"));
	ck_assert_str_eq(c->file, "test.conf");
	ck_assert_uint_eq(c->line, 2);
	ck_assert_uint_eq(c->version, 2);
	ck_assert_uint_eq(c->local_addrs.count, 1);
	ck_assert_str_eq(c->local_addrs.raw.items[0], "%any");
	ck_assert_int_eq(c->local_addrs.items[0].kind, CONFIG_ADDR_ANY);
	ck_assert_int_eq(c->local_addrs.items[0].family, AF_UNSPEC);
	ck_assert_uint_eq(c->remote_addrs.count, 1);
	ck_assert_int_eq(c->remote_addrs.items[0].kind, CONFIG_ADDR_ANY);
	ck_assert_uint_eq(c->local_port, 500);
	ck_assert_uint_eq(c->remote_port, 500);
	ck_assert_uint_eq(c->proposals.count, 1);
	ck_assert_str_eq(c->proposals.items[0], "default");
	ck_assert_ptr_null(c->proposals.items[1]);
	ck_assert_uint_eq(c->dpd_delay, 0);
	ck_assert(!c->encap);
	ck_assert(c->mobike);
	ck_assert_uint_eq(c->reauth_time, 0);
	ck_assert_uint_eq(c->rekey_time, 4 * 3600); /* 4h */
	ck_assert_uint_eq(c->over_time, 4 * 3600 / 10); /* 10% */
	ck_assert_uint_eq(c->rand_time, 4 * 3600 / 10); /* over_time, below rekey/2 */
	ck_assert_uint_eq(c->n_local, 0);
	ck_assert_uint_eq(c->n_remote, 0);
	ck_assert_uint_eq(c->n_children, 1);
	ch = &c->children[0];
	ck_assert_str_eq(ch->name, "ch");
	ck_assert_uint_eq(ch->local_ts.count, 1);
	ck_assert(ch->local_ts.items[0].dynamic);
	ck_assert_str_eq(ch->local_ts.raw.items[0], "dynamic");
	ck_assert_uint_eq(ch->local_ts.items[0].proto, 0);
	ck_assert_uint_eq(ch->local_ts.items[0].port_from, 0);
	ck_assert_uint_eq(ch->local_ts.items[0].port_to, 65535);
	ck_assert_uint_eq(ch->remote_ts.count, 1);
	ck_assert(ch->remote_ts.items[0].dynamic);
	ck_assert_uint_eq(ch->esp_proposals.count, 1);
	ck_assert_str_eq(ch->esp_proposals.items[0], "default");
	ck_assert_int_eq(ch->mode, CONFIG_MODE_TUNNEL);
	ck_assert_int_eq(ch->start_action, CONFIG_ACTION_NONE);
	ck_assert_int_eq(ch->dpd_action, CONFIG_ACTION_NONE); /* clear */
	ck_assert_int_eq(ch->close_action, CONFIG_ACTION_NONE);
	ck_assert_uint_eq(ch->rekey_time, 3600); /* 1h */
	ck_assert_uint_eq(ch->life_time, 3960); /* rekey + 10% */
	ck_assert_uint_eq(ch->rand_time, 360); /* life - rekey */
	ck_assert_uint_eq(ch->rekey_bytes, 0);
	ck_assert_uint_eq(ch->life_bytes, 0);
	ck_assert_uint_eq(ch->rand_bytes, 0);
	ck_assert_uint_eq(ch->rekey_packets, 0);
	ck_assert_uint_eq(ch->replay_window, 32);
	ck_assert_uint_eq(ch->life_packets, 0);
	ck_assert_uint_eq(ch->rand_packets, 0);
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

enum field {
	F_VERSION,
	F_LOCAL_PORT,
	F_REMOTE_PORT,
	F_DPD,
	F_REAUTH,
	F_REKEY,
	F_OVER,
	F_RAND,
	F_ENCAP,
	F_MOBIKE,
	F_C_REKEY,
	F_C_LIFE,
	F_C_RAND,
	F_C_REKEY_BYTES,
	F_C_LIFE_BYTES,
	F_C_RAND_BYTES,
	F_C_REKEY_PACKETS,
	F_C_REPLAY,
	F_C_LIFE_PACKETS,
	F_C_RAND_PACKETS,
	F_C_MODE,
	F_C_START,
	F_C_DPD,
	F_C_CLOSE,
};

static uint64_t field(const struct conn_cfg *c, enum field f)
{
	const struct child_cfg *ch = &c->children[0];

	switch (f) {
	case F_VERSION:
		return c->version;
	case F_LOCAL_PORT:
		return c->local_port;
	case F_REMOTE_PORT:
		return c->remote_port;
	case F_DPD:
		return c->dpd_delay;
	case F_REAUTH:
		return c->reauth_time;
	case F_REKEY:
		return c->rekey_time;
	case F_OVER:
		return c->over_time;
	case F_RAND:
		return c->rand_time;
	case F_ENCAP:
		return c->encap;
	case F_MOBIKE:
		return c->mobike;
	case F_C_REKEY:
		return ch->rekey_time;
	case F_C_LIFE:
		return ch->life_time;
	case F_C_RAND:
		return ch->rand_time;
	case F_C_REKEY_BYTES:
		return ch->rekey_bytes;
	case F_C_LIFE_BYTES:
		return ch->life_bytes;
	case F_C_RAND_BYTES:
		return ch->rand_bytes;
	case F_C_REKEY_PACKETS:
		return ch->rekey_packets;
	case F_C_REPLAY:
		return ch->replay_window;
	case F_C_LIFE_PACKETS:
		return ch->life_packets;
	case F_C_RAND_PACKETS:
		return ch->rand_packets;
	case F_C_MODE:
		return ch->mode;
	case F_C_START:
		return ch->start_action;
	case F_C_DPD:
		return ch->dpd_action;
	case F_C_CLOSE:
		return ch->close_action;
	}
	return 0;
}

/* One key = value in the conn (child false) or its child, and the field it sets. */
static const struct value_case {
	bool child;
	const char *key, *value;
	enum field f;
	uint64_t want;
} value_cases[] = {
	/* times: vici parse_time, strtoul base 0, spaces before an s/m/h/d unit in any case */
	{ false, "dpd_delay", "30", F_DPD, 30 },
	{ false, "dpd_delay", "30s", F_DPD, 30 },
	{ false, "dpd_delay", "30S", F_DPD, 30 },
	{ false, "dpd_delay", "5m", F_DPD, 300 },
	{ false, "dpd_delay", "5 M", F_DPD, 300 },
	{ false, "rekey_time", "2h", F_REKEY, 7200 },
	{ false, "rekey_time", "2H", F_REKEY, 7200 },
	{ false, "rekey_time", "1d", F_REKEY, 86400 },
	{ false, "rekey_time", "1D", F_REKEY, 86400 },
	{ false, "rekey_time", "0x10", F_REKEY, 16 },
	{ false, "rekey_time", "010", F_REKEY, 8 }, /* octal, as strtoul(..., 0) */
	{ false, "rekey_time", "0", F_REKEY, 0 },
	{ false, "reauth_time", "3h", F_REAUTH, 10800 },
	{ false, "over_time", "1m", F_OVER, 60 },
	{ false, "rand_time", "7s", F_RAND, 7 },
	{ true, "rekey_time", "20m", F_C_REKEY, 1200 },
	{ true, "life_time", "1d", F_C_LIFE, 86400 },
	{ true, "rand_time", "90", F_C_RAND, 90 },
	/* byte counts: vici parse_bytes, k/m/g are powers of 1024 */
	{ true, "rekey_bytes", "1000", F_C_REKEY_BYTES, 1000 },
	{ true, "rekey_bytes", "1k", F_C_REKEY_BYTES, 1024 },
	{ true, "rekey_bytes", "1K", F_C_REKEY_BYTES, 1024 },
	{ true, "rekey_bytes", "500m", F_C_REKEY_BYTES, 500ull * 1048576 },
	{ true, "life_bytes", "2 G", F_C_LIFE_BYTES, 2ull * 1073741824 },
	{ true, "rand_bytes", "0x400", F_C_RAND_BYTES, 1024 },
	{ true, "rekey_packets", "500", F_C_REKEY_PACKETS, 500 },
	{ true, "life_packets", "10k", F_C_LIFE_PACKETS, 10240 },
	{ true, "rand_packets", "3", F_C_RAND_PACKETS, 3 },
	{ true, "replay_window", "0", F_C_REPLAY, 0 },
	{ true, "replay_window", "4096", F_C_REPLAY, 4096 },
	{ true, "replay_window", "1024", F_C_REPLAY, 1024 },
	/* booleans: vici parse_bool */
	{ false, "encap", "yes", F_ENCAP, 1 },
	{ false, "encap", "true", F_ENCAP, 1 },
	{ false, "encap", "Enabled", F_ENCAP, 1 },
	{ false, "encap", "1", F_ENCAP, 1 },
	{ false, "encap", "no", F_ENCAP, 0 },
	{ false, "mobike", "no", F_MOBIKE, 0 },
	{ false, "mobike", "FALSE", F_MOBIKE, 0 },
	{ false, "mobike", "disabled", F_MOBIKE, 0 },
	{ false, "mobike", "0", F_MOBIKE, 0 },
	{ false, "mobike", "yes", F_MOBIKE, 1 },
	/* version: 0 (any) is treated as 2 */
	{ false, "version", "0", F_VERSION, 2 },
	{ false, "version", "2", F_VERSION, 2 },
	/* ports; 0 means the socket's port (500) */
	{ false, "local_port", "4500", F_LOCAL_PORT, 4500 },
	{ false, "local_port", "0", F_LOCAL_PORT, 500 },
	{ false, "remote_port", "0x1194", F_REMOTE_PORT, 0x1194 },
	{ false, "remote_port", "65535", F_REMOTE_PORT, 65535 },
	/* modes and actions with strongSwan's aliases */
	{ true, "mode", "transport", F_C_MODE, CONFIG_MODE_TRANSPORT },
	{ true, "mode", "TUNNEL", F_C_MODE, CONFIG_MODE_TUNNEL },
	{ true, "start_action", "start", F_C_START, CONFIG_ACTION_START },
	{ true, "start_action", "trap", F_C_START, CONFIG_ACTION_TRAP },
	{ true, "start_action", "route", F_C_START, CONFIG_ACTION_TRAP },
	{ true, "start_action", "none", F_C_START, CONFIG_ACTION_NONE },
	{ true, "dpd_action", "clear", F_C_DPD, CONFIG_ACTION_NONE },
	{ true, "dpd_action", "restart", F_C_DPD, CONFIG_ACTION_START },
	{ true, "dpd_action", "Trap", F_C_DPD, CONFIG_ACTION_TRAP },
	{ true, "close_action", "restart", F_C_CLOSE, CONFIG_ACTION_START },
	{ true, "close_action", "route", F_C_CLOSE, CONFIG_ACTION_TRAP },
	{ true, "close_action", "clear", F_C_CLOSE, CONFIG_ACTION_NONE },
};

START_TEST(test_config_swanctl_values)
{
	const struct value_case *vc = &value_cases[_i];
	struct config_diag diag;
	struct config *cfg;
	char text[512];

	snprintf(text, sizeof(text),
		 "connections {\n c {\n  %s = %s\n  children {\n   ch {\n    %s = %s\n   }\n  }\n "
		 "}\n}\n",
		 vc->child ? "mobike" : vc->key, vc->child ? "yes" : vc->value,
		 vc->child ? vc->key : "mode", vc->child ? vc->value : "tunnel");
	cfg = load_ok(text, &diag);
	ck_assert_uint_eq(diag.count, 0);
	ck_assert_msg(field(&cfg->conns[0], vc->f) == vc->want, "%s = %s: got %llu, want %llu",
		      vc->key, vc->value, (unsigned long long)field(&cfg->conns[0], vc->f),
		      (unsigned long long)vc->want);
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

/* A bad value: an error naming the key at its line (the key is on line 3 or 6). */
static const struct bad_case {
	bool child;
	const char *key, *value;
} bad_cases[] = {
	{ false, "rekey_time", "1y" },
	{ false, "rekey_time", "-5" },
	{ false, "rekey_time", "\"\"" },
	{ false, "rekey_time", "99999999999999999999" },
	{ false, "rekey_time", "999999999999999999d" },
	{ false, "rekey_time", "5 m s" },
	{ false, "rekey_time", "08" },
	{ false, "rekey_time", "0x" },
	{ false, "dpd_delay", "1.5h" },
	{ true, "life_bytes", "1t" },
	{ true, "rekey_packets", "abc" },
	{ true, "replay_window", "4097" },
	{ true, "replay_window", "-1" },
	{ true, "replay_window", "32k" },
	{ true, "rand_bytes", "20000000000g" },
	{ false, "encap", "maybe" },
	{ false, "encap", "on" }, /* vici's parse_bool knows no on/off */
	{ false, "version", "1" },
	{ false, "version", "3" },
	{ false, "version", "two" },
	{ false, "local_port", "70000" },
	{ false, "remote_port", "-1" },
	{ false, "local_addrs", "10.0.0.0/33" },
	{ false, "local_addrs", "10.0.0.0/x" },
	{ false, "local_addrs", "10.0.0.0/" },
	{ false, "local_addrs", "%foo" },
	{ false, "local_addrs", "10.0.0.9-10.0.0.1" },
	{ false, "remote_addrs", "10.0.0.1-::1" },
	{ false, "remote_addrs", "a..b" },
	{ false, "remote_addrs", "10.0.0.300" },
	{ false, "remote_addrs", "gw.example.org, bad/host" },
	{ false, "proposals", "aes128-md6" },
	{ false, "proposals",
	  "default, default, default, default, default, default, default, default, default" },
	{ true, "esp_proposals", "foo" },
	{ true, "local_ts", "10.0.0.0/8[tcp/90-80]" },
	{ true, "local_ts", "10.0.0.0/8[foo]" },
	{ true, "local_ts", "10.0.0.0/8[tcp" },
	{ true, "local_ts", "10.0.0.0/8[tcp]x" },
	{ true, "local_ts", "10.0.0.0/8[256]" },
	{ true, "local_ts", "10.0.0.0/8[tcp/65536]" },
	{ true, "local_ts", "10.0.0.0/8[tcp/80-]" },
	{ true, "remote_ts", "%any" },
	{ true, "remote_ts", "10.0.0.0/129" },
	{ true, "remote_ts", "fec0::/129" },
	{ true, "remote_ts", "dynamicx" },
	{ true, "remote_ts", "10.0.0.1 -" },
	{ true, "mode", "beet" },
	{ true, "mode", "foo" },
	{ true, "start_action", "trap|start" },
	{ true, "start_action", "stop" },
	{ true, "dpd_action", "hold" },
};

START_TEST(test_config_swanctl_bad_values)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct config_diag diag;
	struct config *cfg = (struct config *)1;
	char text[512], line[512], want[128];

	snprintf(text, sizeof(text),
		 "connections {\n c {\n  %s = %s\n  children {\n   ch {\n    %s = %s\n   }\n  }\n "
		 "}\n}\n",
		 bc->child ? "mobike" : bc->key, bc->child ? "yes" : bc->value,
		 bc->child ? bc->key : "mode", bc->child ? bc->value : "tunnel");
	ck_assert_int_eq(load_text(text, &cfg, &diag), -EBADMSG);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(diag.errors, 1);
	ck_assert_uint_eq(diag.count, 1);
	ck_assert_int_eq(diag.items[0].severity, CONFIG_ERROR);
	snprintf(want, sizeof(want), "test.conf:%d: error: connections.c.%s%s: ", bc->child ? 6 : 3,
		 bc->child ? "children.ch." : "", bc->key);
	diag_line(&diag, 0, line, sizeof(line));
	ck_assert_msg(!strncmp(line, want, strlen(want)), "'%s' does not start with '%s'", line,
		      want);
	config_diag_clear(&diag);
}
END_TEST

/* ike_cfg.c's address forms; expected bytes from inet_pton(). */
static const struct addr_case {
	const char *text;
	enum config_addr_kind kind;
	int family;
	const char *from, *to;
	uint8_t prefix;
} addr_cases[] = {
	{ "%any", CONFIG_ADDR_ANY, AF_UNSPEC, NULL, NULL, 0 },
	{ "%any4", CONFIG_ADDR_ANY, AF_INET, NULL, NULL, 0 },
	{ "0.0.0.0", CONFIG_ADDR_ANY, AF_INET, NULL, NULL, 0 },
	{ "%any6", CONFIG_ADDR_ANY, AF_INET6, NULL, NULL, 0 },
	{ "::", CONFIG_ADDR_ANY, AF_INET6, NULL, NULL, 0 },
	{ "192.168.0.1", CONFIG_ADDR_IP, AF_INET, "192.168.0.1", NULL, 0 },
	{ "2001:db8::1", CONFIG_ADDR_IP, AF_INET6, "2001:db8::1", NULL, 0 },
	{ "10.1.2.3/8", CONFIG_ADDR_SUBNET, AF_INET, "10.0.0.0", NULL, 8 },
	{ "0.0.0.0/0", CONFIG_ADDR_SUBNET, AF_INET, "0.0.0.0", NULL, 0 },
	{ "192.168.0.77/30", CONFIG_ADDR_SUBNET, AF_INET, "192.168.0.76", NULL, 30 },
	{ "10.1.2.3/32", CONFIG_ADDR_SUBNET, AF_INET, "10.1.2.3", NULL, 32 },
	{ "2001:db8:1:2::/33", CONFIG_ADDR_SUBNET, AF_INET6, "2001:db8::", NULL, 33 },
	{ "::/0", CONFIG_ADDR_SUBNET, AF_INET6, "::", NULL, 0 },
	{ "10.0.0.1-10.0.0.9", CONFIG_ADDR_RANGE, AF_INET, "10.0.0.1", "10.0.0.9", 0 },
	{ "10.0.0.1 - 10.0.0.9", CONFIG_ADDR_RANGE, AF_INET, "10.0.0.1", "10.0.0.9", 0 },
	{ "10.0.0.5-10.0.0.5", CONFIG_ADDR_RANGE, AF_INET, "10.0.0.5", "10.0.0.5", 0 },
	{ "fec0::1-fec0::ff", CONFIG_ADDR_RANGE, AF_INET6, "fec0::1", "fec0::ff", 0 },
	{ "moon.strongswan.org", CONFIG_ADDR_FQDN, AF_UNSPEC, NULL, NULL, 0 },
	{ "my-gw.example.org", CONFIG_ADDR_FQDN, AF_UNSPEC, NULL, NULL, 0 },
	{ "moon", CONFIG_ADDR_FQDN, AF_UNSPEC, NULL, NULL, 0 },
	{ "gw.example.org.", CONFIG_ADDR_FQDN, AF_UNSPEC, NULL, NULL, 0 },
	{ "1.2.3.4.example", CONFIG_ADDR_FQDN, AF_UNSPEC, NULL, NULL, 0 },
};

START_TEST(test_config_swanctl_addrs)
{
	const struct addr_case *ac = &addr_cases[_i];
	struct config_addr a;
	uint8_t want[16];

	ck_assert_int_eq(config_addr_parse(ac->text, &a), 0);
	ck_assert_ptr_eq(a.text, ac->text);
	ck_assert_int_eq(a.kind, ac->kind);
	ck_assert_int_eq(a.family, ac->family);
	if (ac->from) {
		ip(ac->from, want);
		ck_assert_mem_eq(a.from, want, 16);
	}
	if (ac->to) {
		ip(ac->to, want);
		ck_assert_mem_eq(a.to, want, 16);
	}
	if (ac->kind == CONFIG_ADDR_SUBNET)
		ck_assert_uint_eq(a.prefix, ac->prefix);
}
END_TEST

static struct sockaddr_storage sa_of(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(4500);
		ck_assert_int_eq(inet_pton(AF_INET, text, &s4->sin_addr), 1);
	}
	return ss;
}

static bool matches(const struct config_addr_list *l, const char *text)
{
	struct sockaddr_storage ss = sa_of(text);

	return config_addr_list_matches(l, (const struct sockaddr *)&ss);
}

START_TEST(test_config_swanctl_addr_matches)
{
	struct config_diag diag;
	struct config *cfg = load_ok("connections {\n"
				     " a {\n  local_addrs = 10.0.0.0/8, 192.168.0.1, "
				     "172.16.0.1-172.16.0.9, %any6, gw.example.org\n"
				     "  remote_addrs = %any4\n }\n"
				     " b {\n  remote_addrs = fec0::/16, moon.strongswan.org\n }\n"
				     " c {\n }\n"
				     "}\n",
				     &diag);
	const struct conn_cfg *a = config_find_conn(cfg, "a"), *b = config_find_conn(cfg, "b"),
			      *c = config_find_conn(cfg, "c");
	struct config_addr_list empty = { { NULL, 0 }, NULL, 0 };

	ck_assert_uint_eq(a->local_addrs.count, 5);
	ck_assert_int_eq(a->local_addrs.items[4].kind, CONFIG_ADDR_FQDN);
	ck_assert_str_eq(a->local_addrs.items[4].text, "gw.example.org");
	ck_assert(matches(&a->local_addrs, "10.9.9.9"));
	ck_assert(matches(&a->local_addrs, "10.0.0.0"));
	ck_assert(!matches(&a->local_addrs, "11.0.0.1"));
	ck_assert(matches(&a->local_addrs, "192.168.0.1"));
	ck_assert(!matches(&a->local_addrs, "192.168.0.2"));
	ck_assert(matches(&a->local_addrs, "172.16.0.1"));
	ck_assert(matches(&a->local_addrs, "172.16.0.9"));
	ck_assert(!matches(&a->local_addrs, "172.16.0.10"));
	ck_assert(!matches(&a->local_addrs, "172.16.0.0"));
	ck_assert(matches(&a->local_addrs, "::1")); /* %any6 */
	ck_assert(matches(&a->local_addrs, "::ffff:10.1.1.1")); /* mapped: 10/8 */
	ck_assert(!matches(&a->local_addrs, "::ffff:11.1.1.1")); /* IPv4 now: not %any6 */
	ck_assert(matches(&a->remote_addrs, "1.2.3.4"));
	ck_assert(!matches(&a->remote_addrs, "fec0::1"));
	ck_assert(matches(&a->remote_addrs, "::ffff:1.2.3.4"));
	ck_assert(matches(&b->remote_addrs, "fec0::1"));
	ck_assert(matches(&b->remote_addrs, "fec0:ffff::1"));
	ck_assert(!matches(&b->remote_addrs, "fec1::1"));
	ck_assert(!matches(&b->remote_addrs, "10.0.0.1")); /* the FQDN never matches here */
	ck_assert(matches(&c->remote_addrs, "10.0.0.1"));
	ck_assert(matches(&c->remote_addrs, "fec1::1"));
	ck_assert(matches(&empty, "10.0.0.1"));
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

/* vici_config.c parse_ts; print forms from traffic_selector.c's printf hook. */
static const struct ts_case {
	const char *text;
	bool dynamic;
	int family;
	const char *from, *to;
	uint8_t proto;
	uint16_t port_from, port_to;
	const char *str;
} ts_cases[] = {
	{ "dynamic", true, AF_UNSPEC, NULL, NULL, 0, 0, 65535, "dynamic" },
	{ "10.0.0.0/24", false, AF_INET, "10.0.0.0", "10.0.0.255", 0, 0, 65535, "10.0.0.0/24" },
	{ "10.0.0.77/24", false, AF_INET, "10.0.0.0", "10.0.0.255", 0, 0, 65535, "10.0.0.0/24" },
	{ "10.1.0.0/16", false, AF_INET, "10.1.0.0", "10.1.255.255", 0, 0, 65535, "10.1.0.0/16" },
	{ "0.0.0.0/0", false, AF_INET, "0.0.0.0", "255.255.255.255", 0, 0, 65535, "0.0.0.0/0" },
	{ "10.0.0.1", false, AF_INET, "10.0.0.1", "10.0.0.1", 0, 0, 65535, "10.0.0.1/32" },
	{ "10.1.0.1-10.1.0.9", false, AF_INET, "10.1.0.1", "10.1.0.9", 0, 0, 65535,
	  "10.1.0.1..10.1.0.9" },
	{ "10.1.0.0-10.1.0.255", false, AF_INET, "10.1.0.0", "10.1.0.255", 0, 0, 65535,
	  "10.1.0.0/24" },
	{ "::/0", false, AF_INET6, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, 0, 65535,
	  "::/0" },
	{ "fec1::/16", false, AF_INET6, "fec1::", "fec1:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, 0,
	  65535, "fec1::/16" },
	{ "fec0::1", false, AF_INET6, "fec0::1", "fec0::1", 0, 0, 65535, "fec0::1/128" },
	{ "fec0::1-fec0::9", false, AF_INET6, "fec0::1", "fec0::9", 0, 0, 65535,
	  "fec0::1..fec0::9" },
	{ "0.0.0.0/0[tcp/80]", false, AF_INET, "0.0.0.0", "255.255.255.255", 6, 80, 80,
	  "0.0.0.0/0[tcp/80]" },
	{ "10.0.0.0/8[tcp]", false, AF_INET, "10.0.0.0", "10.255.255.255", 6, 0, 65535,
	  "10.0.0.0/8[tcp]" },
	{ "10.0.0.0/8[6]", false, AF_INET, "10.0.0.0", "10.255.255.255", 6, 0, 65535,
	  "10.0.0.0/8[tcp]" },
	{ "10.0.0.0/8[0x11/0x35]", false, AF_INET, "10.0.0.0", "10.255.255.255", 17, 53, 53,
	  "10.0.0.0/8[udp/53]" },
	{ "10.0.0.0/8[udp/domain]", false, AF_INET, "10.0.0.0", "10.255.255.255", 17, 53, 53,
	  "10.0.0.0/8[udp/53]" },
	{ "10.0.0.0/8[tcp/1000-2000]", false, AF_INET, "10.0.0.0", "10.255.255.255", 6, 1000, 2000,
	  "10.0.0.0/8[tcp/1000-2000]" },
	{ "10.0.0.0/8[/53]", false, AF_INET, "10.0.0.0", "10.255.255.255", 0, 53, 53,
	  "10.0.0.0/8[0/53]" },
	{ "10.0.0.0/8[any/any]", false, AF_INET, "10.0.0.0", "10.255.255.255", 0, 0, 65535,
	  "10.0.0.0/8" },
	{ "10.0.0.0/8[]", false, AF_INET, "10.0.0.0", "10.255.255.255", 0, 0, 65535, "10.0.0.0/8" },
	{ "10.0.0.0/8[udp/opaque]", false, AF_INET, "10.0.0.0", "10.255.255.255", 17, 0xffff, 0,
	  "10.0.0.0/8[udp/OPAQUE]" },
	{ "10.0.0.0/8[udp/%opaque]", false, AF_INET, "10.0.0.0", "10.255.255.255", 17, 0xffff, 0,
	  "10.0.0.0/8[udp/OPAQUE]" },
	{ "dynamic[udp/%any]", true, AF_UNSPEC, NULL, NULL, 17, 0, 65535, "dynamic[udp]" },
	{ "dynamic[udp/isakmp]", true, AF_UNSPEC, NULL, NULL, 17, 500, 500, "dynamic[udp/500]" },
	{ "dynamic[gre]", true, AF_UNSPEC, NULL, NULL, 47, 0, 65535, "dynamic[gre]" },
	{ "dynamic[132]", true, AF_UNSPEC, NULL, NULL, 132, 0, 65535, "dynamic[sctp]" },
	{ "dynamic[200]", true, AF_UNSPEC, NULL, NULL, 200, 0, 65535, "dynamic[200]" },
	/* ICMP: a type below 256 moves to the high byte, type >= 256 is type << 8 | code */
	{ "10.0.0.1[icmp/8]", false, AF_INET, "10.0.0.1", "10.0.0.1", 1, 0x0800, 0x0800,
	  "10.0.0.1/32[icmp/8]" },
	{ "10.0.0.1[icmp/769]", false, AF_INET, "10.0.0.1", "10.0.0.1", 1, 0x0301, 0x0301,
	  "10.0.0.1/32[icmp/3(1)]" },
	{ "fec0::1[ipv6-icmp/128]", false, AF_INET6, "fec0::1", "fec0::1", 58, 0x8000, 0x8000,
	  "fec0::1/128[ipv6-icmp/128]" },
	{ "fec0::1[58/1-4]", false, AF_INET6, "fec0::1", "fec0::1", 58, 0x0100, 0x0400,
	  "fec0::1/128[ipv6-icmp/1-4]" },
};

START_TEST(test_config_swanctl_ts)
{
	const struct ts_case *tc = &ts_cases[_i];
	struct config_ts ts;
	uint8_t want[16];
	char buf[96];

	ck_assert_int_eq(config_ts_parse(tc->text, &ts), 0);
	ck_assert_ptr_eq(ts.text, tc->text);
	ck_assert(ts.dynamic == tc->dynamic);
	ck_assert_int_eq(ts.family, tc->family);
	if (tc->from) {
		ip(tc->from, want);
		ck_assert_mem_eq(ts.from, want, 16);
		ip(tc->to, want);
		ck_assert_mem_eq(ts.to, want, 16);
	}
	ck_assert_uint_eq(ts.proto, tc->proto);
	ck_assert_uint_eq(ts.port_from, tc->port_from);
	ck_assert_uint_eq(ts.port_to, tc->port_to);
	ck_assert_int_eq(config_ts_to_str(&ts, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, tc->str);
	ck_assert_int_eq(config_ts_to_str(&ts, buf, strlen(tc->str)), -ENOBUFS);
	ck_assert_uint_eq(strlen(buf), strlen(tc->str) - 1);
}
END_TEST

/* check_lifetimes() and config_sn(): the 1.1 factors in double, truncated. */
static const struct life_case {
	const char *keys; /* child keys */
	enum field f[3];
	uint64_t want[3];
} life_cases[] = {
	{ "", { F_C_REKEY, F_C_LIFE, F_C_RAND }, { 3600, 3960, 360 } },
	{ "life_time = 3300", { F_C_REKEY, F_C_LIFE, F_C_RAND }, { 2999, 3300, 301 } },
	{ "life_time = 2h", { F_C_REKEY, F_C_LIFE, F_C_RAND }, { 6545, 7200, 655 } },
	{ "rekey_time = 100", { F_C_REKEY, F_C_LIFE, F_C_RAND }, { 100, 110, 10 } },
	{ "rekey_time = 7", { F_C_REKEY, F_C_LIFE, F_C_RAND }, { 7, 7, 0 } },
	{ "rekey_time = 1h\n life_time = 2h",
	  { F_C_REKEY, F_C_LIFE, F_C_RAND },
	  { 3600, 7200, 3600 } },
	{ "rekey_time = 2h\n life_time = 1h",
	  { F_C_REKEY, F_C_LIFE, F_C_RAND },
	  { 7200, 3600, 0 } },
	{ "rand_time = 5", { F_C_REKEY, F_C_LIFE, F_C_RAND }, { 3600, 3960, 5 } },
	{ "rekey_time = 0", { F_C_REKEY, F_C_LIFE, F_C_RAND }, { 0, 0, 0 } },
	{ "life_bytes = 1G",
	  { F_C_REKEY_BYTES, F_C_LIFE_BYTES, F_C_RAND_BYTES },
	  { 976128930, 1073741824, 97612894 } },
	{ "rekey_bytes = 1000",
	  { F_C_REKEY_BYTES, F_C_LIFE_BYTES, F_C_RAND_BYTES },
	  { 1000, 1100, 100 } },
	{ "rekey_packets = 10k",
	  { F_C_REKEY_PACKETS, F_C_LIFE_PACKETS, F_C_RAND_PACKETS },
	  { 10240, 11264, 1024 } },
	{ "life_packets = 1100",
	  { F_C_REKEY_PACKETS, F_C_LIFE_PACKETS, F_C_RAND_PACKETS },
	  { 999, 1100, 101 } },
	{ "rekey_bytes = 0xffffffffffffffff",
	  { F_C_REKEY_BYTES, F_C_LIFE_BYTES, F_C_RAND_BYTES },
	  { UINT64_MAX, UINT64_MAX, 0 } },
};

START_TEST(test_config_swanctl_child_lifetimes)
{
	const struct life_case *lc = &life_cases[_i];
	struct config_diag diag;
	struct config *cfg;
	char text[512];

	snprintf(text, sizeof(text),
		 "connections {\n c {\n  children {\n   ch {\n %s\n   }\n  }\n }\n}\n", lc->keys);
	cfg = load_ok(text, &diag);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(field(&cfg->conns[0], lc->f[i]) == lc->want[i],
			      "%s: [%d] %llu != %llu", lc->keys, i,
			      (unsigned long long)field(&cfg->conns[0], lc->f[i]),
			      (unsigned long long)lc->want[i]);
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

static const struct ike_life_case {
	const char *keys;
	uint64_t rekey, reauth, over, rand;
} ike_life_cases[] = {
	{ "", 14400, 0, 1440, 1440 },
	{ "reauth_time = 3h", 0, 10800, 1080, 1080 },
	{ "rekey_time = 1h\n reauth_time = 3h", 3600, 10800, 1080, 1080 },
	{ "rekey_time = 1h\n reauth_time = 30m", 3600, 1800, 360, 360 },
	{ "rekey_time = 600", 600, 0, 60, 60 },
	{ "rekey_time = 0", 0, 0, 0, 0 },
	{ "over_time = 10m", 14400, 0, 600, 600 },
	{ "rekey_time = 100\n over_time = 90", 100, 0, 90, 50 }, /* rand at most rekey / 2 */
	{ "rekey_time = 1h\n reauth_time = 400\n over_time = 1000", 3600, 400, 1000, 200 },
	{ "rand_time = 0", 14400, 0, 1440, 0 },
};

START_TEST(test_config_swanctl_ike_lifetimes)
{
	const struct ike_life_case *lc = &ike_life_cases[_i];
	struct config_diag diag;
	struct config *cfg;
	char text[512];

	snprintf(text, sizeof(text), "connections {\n c {\n %s\n }\n}\n", lc->keys);
	cfg = load_ok(text, &diag);
	ck_assert_uint_eq(cfg->conns[0].rekey_time, lc->rekey);
	ck_assert_uint_eq(cfg->conns[0].reauth_time, lc->reauth);
	ck_assert_uint_eq(cfg->conns[0].over_time, lc->over);
	ck_assert_uint_eq(cfg->conns[0].rand_time, lc->rand);
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

/* Several local/remote rounds, in file order, with every auth form. */
START_TEST(test_config_swanctl_rounds)
{
	struct config_diag diag;
	struct config *cfg =
		load_ok("connections {\n"
			" mr {\n"
			"  local-2 {\n   auth = psk\n   id = user@example.org\n  }\n"
			"  remote {\n   auth = rsa/pss\n   cacerts = ca.pem, \"sub ca.pem\"\n  }\n"
			"  local-1 {\n   auth = pubkey\n   certs = a.pem, b.pem\n  }\n"
			"  REMOTE-2 {\n   auth = PSK\n   id = %any\n  }\n"
			"  local-3 {\n   auth = ecdsa-sha256\n  }\n"
			"  local-4 {\n   auth = ike:rsa/pss-sha256\n  }\n"
			"  local-5 {\n  }\n"
			" }\n"
			"}\n",
			&diag);
	const struct conn_cfg *c = &cfg->conns[0];

	ck_assert_uint_eq(diag.count, 0);
	ck_assert_uint_eq(c->n_local, 5);
	ck_assert_uint_eq(c->n_remote, 2);
	ck_assert_str_eq(c->local[0].name, "local-2");
	ck_assert_int_eq(c->local[0].class_, CONFIG_AUTH_PSK);
	ck_assert_str_eq(c->local[0].auth, "psk");
	ck_assert_str_eq(c->local[0].id, "user@example.org");
	ck_assert_uint_eq(c->local[0].certs.count, 0);
	ck_assert_ptr_nonnull(c->local[0].certs.items);
	ck_assert_ptr_null(c->local[0].certs.items[0]);
	ck_assert_uint_eq(c->local[0].line, 3);
	ck_assert_str_eq(c->local[0].file, "test.conf");
	ck_assert_str_eq(c->local[1].name, "local-1");
	ck_assert_int_eq(c->local[1].class_, CONFIG_AUTH_PUBKEY);
	ck_assert_ptr_null(c->local[1].id);
	ck_assert_uint_eq(c->local[1].certs.count, 2);
	ck_assert_str_eq(c->local[1].certs.items[0], "a.pem");
	ck_assert_str_eq(c->local[1].certs.items[1], "b.pem");
	ck_assert_str_eq(c->local[2].auth, "ecdsa-sha256");
	ck_assert_int_eq(c->local[2].class_, CONFIG_AUTH_PUBKEY);
	ck_assert_int_eq(c->local[3].class_, CONFIG_AUTH_PUBKEY);
	ck_assert_str_eq(c->local[4].auth, "pubkey"); /* the default */
	ck_assert_int_eq(c->local[4].class_, CONFIG_AUTH_PUBKEY);
	ck_assert_str_eq(c->remote[0].name, "remote");
	ck_assert_str_eq(c->remote[0].auth, "rsa/pss");
	ck_assert_int_eq(c->remote[0].class_, CONFIG_AUTH_PUBKEY);
	ck_assert_uint_eq(c->remote[0].cacerts.count, 2);
	ck_assert_str_eq(c->remote[0].cacerts.items[1], "sub ca.pem");
	ck_assert_str_eq(c->remote[1].name, "REMOTE-2");
	ck_assert_int_eq(c->remote[1].class_, CONFIG_AUTH_PSK);
	ck_assert_str_eq(c->remote[1].id, "%any");
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

/* Auth values strongSwan knows that we cannot do, and nonsense: errors. */
START_TEST(test_config_swanctl_auth_errors)
{
	struct config_diag diag;
	struct config *cfg = (struct config *)1;
	char line[256];

	ck_assert_int_eq(load_text("connections {\n c {\n  local {\n   auth = eap-md5\n  }\n"
				   "  remote {\n   auth = xauth-pam\n  }\n"
				   "  remote2 {\n   auth = password\n  }\n }\n}\n",
				   &cfg, &diag),
			 -EBADMSG);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(diag.errors, 3);
	ck_assert_str_eq(diag_line(&diag, 0, line, sizeof(line)),
			 "test.conf:4: error: connections.c.local.auth: 'eap-md5' is not supported "
			 "(psk or pubkey)");
	ck_assert_str_eq(diag_line(&diag, 1, line, sizeof(line)),
			 "test.conf:7: error: connections.c.remote.auth: 'xauth-pam' is not "
			 "supported (psk or pubkey)");
	ck_assert_str_eq(
		diag_line(&diag, 2, line, sizeof(line)),
		"test.conf:10: error: connections.c.remote2.auth: invalid value 'password' "
		"(psk, pubkey, rsa, ecdsa or ike:...)");
	config_diag_clear(&diag);
}
END_TEST

/* Unknown and unsupported keys and sections: warnings with file:line, the load succeeds. */
START_TEST(test_config_swanctl_warnings)
{
	struct config_diag diag;
	struct config *cfg = load_ok(
		"authorities {\n ca {\n  cacert = ca.pem\n }\n}\n" /* 1-5 */
		"connections {\n" /* 6 */
		" stray = 1\n" /* 7 */
		" c {\n" /* 8 */
		"  mystery = 1\n" /* 9 */
		"  fragmentation = yes\n" /* 10 */
		"  local {\n   auth = psk\n   revocation = strict\n   colour = red\n" /* 11-14 */
		"   cert-1 {\n    file = x.pem\n   }\n  }\n" /* 15-18 */
		"  extras {\n  }\n" /* 19-20 */
		"  children {\n   net {\n    updown = /bin/true\n    flavour = x\n" /* 21-24 */
		"    sub {\n    }\n   }\n  }\n" /* 25-28 */
		" }\n" /* 29 */
		"}\n" /* 30 */
		"secrets {\n rsa-carol {\n  secret = x\n }\n tpm-1 {\n }\n" /* 31-36 */
		" ike-1 {\n  secret = x\n  file = f\n }\n}\n", /* 37-41 */
		&diag);
	static const char *const want[] = {
		"test.conf:1: warning: authorities: not supported, ignored",
		"test.conf:7: warning: connections.stray: unknown key, ignored (connections are "
		"sections)",
		"test.conf:9: warning: connections.c.mystery: unknown key, ignored",
		"test.conf:10: warning: connections.c.fragmentation: not supported, ignored",
		"test.conf:13: warning: connections.c.local.revocation: not supported, ignored",
		"test.conf:14: warning: connections.c.local.colour: unknown key, ignored",
		"test.conf:15: warning: connections.c.local.cert-1: not supported, ignored",
		"test.conf:19: warning: connections.c.extras: unknown section, ignored",
		"test.conf:23: warning: connections.c.children.net.updown: not supported, ignored",
		"test.conf:24: warning: connections.c.children.net.flavour: unknown key, ignored",
		"test.conf:25: warning: connections.c.children.net.sub: unknown section, ignored",
		"test.conf:32: warning: secrets.rsa-carol: not supported, ignored",
		"test.conf:35: warning: secrets.tpm-1: unknown secret type, ignored",
		"test.conf:39: warning: secrets.ike-1.file: unknown key, ignored",
	};
	char line[256];

	ck_assert_uint_eq(diag.errors, 0);
	ck_assert_uint_eq(diag.count, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		ck_assert_int_eq(diag.items[i].severity, CONFIG_WARNING);
		ck_assert_str_eq(diag_line(&diag, i, line, sizeof(line)), want[i]);
	}
	ck_assert_uint_eq(cfg->n_conns, 1);
	ck_assert_uint_eq(cfg->n_secrets, 1);
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

/* All errors are collected, in file order, with their lines; nothing is returned. */
START_TEST(test_config_swanctl_errors)
{
	struct config_diag diag;
	struct config *cfg = (struct config *)1;
	char line[256];

	ck_assert_int_eq(load_text("connections {\n"
				   " a {\n  version = 1\n  rekey_time = 1y\n"
				   "  children {\n   x {\n    local_ts = 10.0.0.0/8, 10.0.0.0/33\n"
				   "    esp_proposals = aes128-sha256, nonsense\n   }\n  }\n }\n"
				   " b {\n  remote_addrs = %foo, also bad\n }\n"
				   "}\n",
				   &cfg, &diag),
			 -EBADMSG);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(diag.errors, 6);
	ck_assert_uint_eq(diag.count, 6);
	ck_assert_str_eq(diag_line(&diag, 0, line, sizeof(line)),
			 "test.conf:3: error: connections.a.version: IKEv1 is not supported");
	ck_assert_str_eq(
		diag_line(&diag, 1, line, sizeof(line)),
		"test.conf:4: error: connections.a.rekey_time: invalid value '1y' (a number "
		"of seconds with an optional unit s, m, h or d)");
	ck_assert_str_eq(diag_line(&diag, 2, line, sizeof(line)),
			 "test.conf:7: error: connections.a.children.x.local_ts: invalid traffic "
			 "selector '10.0.0.0/33' (dynamic, a subnet, address or range from-to, "
			 "optionally with [proto/port])");
	ck_assert_uint_eq(diag.items[3].line, 8);
	ck_assert_ptr_nonnull(strstr(diag.items[3].message,
				     "connections.a.children.x.esp_proposals: invalid proposal "
				     "'nonsense': "));
	ck_assert_str_eq(diag_line(&diag, 4, line, sizeof(line)),
			 "test.conf:13: error: connections.b.remote_addrs: invalid address '%foo' "
			 "(an IP address, CIDR subnet, range from-to, DNS name, %any, %any4 or "
			 "%any6)");
	ck_assert_ptr_nonnull(strstr(diag.items[5].message, "'also bad'"));
	config_diag_clear(&diag);
	ck_assert_uint_eq(diag.count, 0);
	ck_assert_uint_eq(diag.errors, 0);
}
END_TEST

/* `key =` (no value) is as if the key were not there. */
START_TEST(test_config_swanctl_empty_values)
{
	struct config_diag diag;
	struct config *cfg =
		load_ok("connections {\n c {\n  rekey_time =\n  local_addrs =\n"
			"  proposals =\n  local {\n   auth =\n   id =\n  }\n"
			"  children {\n   ch {\n    local_ts =\n    mode =\n   }\n  }\n"
			" }\n}\nsecrets {\n ike {\n  id =\n  secret = s\n }\n}\n",
			&diag);
	const struct conn_cfg *c = &cfg->conns[0];

	ck_assert_uint_eq(diag.count, 0);
	ck_assert_uint_eq(c->rekey_time, 14400);
	ck_assert_str_eq(c->local_addrs.raw.items[0], "%any");
	ck_assert_str_eq(c->proposals.items[0], "default");
	ck_assert_str_eq(c->local[0].auth, "pubkey");
	ck_assert_ptr_null(c->local[0].id);
	ck_assert(c->children[0].local_ts.items[0].dynamic);
	ck_assert_uint_eq(cfg->secrets[0].ids.count, 0);
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

/* load_creds.c: a string, 0x hex (':' separators, odd digit count), 0s base64. */
static const struct secret_case {
	const char *value;
	const char *bytes;
	size_t len;
	bool warning;
} secret_cases[] = {
	{ "nH5ZQEWtku0RJEZ6", "nH5ZQEWtku0RJEZ6", 16, false },
	{ "\"two words\"", "two words", 9, false },
	{ "0x6b6579", "key", 3, false },
	{ "0X6B:65:79", "key", 3, false },
	{ "0x0102030", "\x00\x10\x20\x30", 4, false }, /* chunk_from_hex fills from the right */
	{ "0xf", "\x0f", 1, false },
	{ "0sdGVzdA==", "test", 4, false }, /* openssl base64 -d */
	{ "0SYW55", "any", 3, false },
	{ "0sYQ==", "a", 1, false },
	/* strongSwan's rw-psk-ipv4 secrets */
	{ "0sFpZAZqEN6Ti9sqt4ZP5EWcqx",
	  "\x16\x96\x40\x66\xa1\x0d\xe9\x38\xbd\xb2\xab\x78\x64\xfe\x44\x59\xca\xb1", 18, false },
	{ "0sjVzONCF02ncsgiSlmIXeqhGN",
	  "\x8d\x5c\xce\x34\x21\x74\xda\x77\x2c\x82\x24\xa5\x98\x85\xde\xaa\x11\x8d", 18, false },
	/* chunk_from_base64() decodes complete groups only: "YQ" is left out */
	{ "0sYW55YQ", "any", 3, true },
};

START_TEST(test_config_swanctl_secret_encodings)
{
	const struct secret_case *sc = &secret_cases[_i];
	struct config_diag diag;
	struct config *cfg;
	char text[256], line[256];

	snprintf(text, sizeof(text), "secrets {\n ike-x {\n  secret = %s\n }\n}\n", sc->value);
	cfg = load_ok(text, &diag);
	ck_assert_uint_eq(cfg->n_secrets, 1);
	ck_assert_str_eq(cfg->secrets[0].name, "ike-x");
	ck_assert_uint_eq(cfg->secrets[0].ids.count, 0);
	ck_assert_uint_eq(cfg->secrets[0].secret.len, sc->len);
	ck_assert_mem_eq(cfg->secrets[0].secret.ptr, sc->bytes, sc->len);
	ck_assert_uint_eq(diag.count, sc->warning ? 1 : 0);
	if (sc->warning)
		ck_assert_str_eq(diag_line(&diag, 0, line, sizeof(line)),
				 "test.conf:3: warning: secrets.ike-x.secret: last 2 base64 "
				 "characters ignored, as strongSwan does");
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

static const char *const bad_secrets[] = {
	"secret = 0xzz",  "secret = 0x",     "secret = 0x::",	"secret = 0s!!!!", "secret = 0s",
	"secret = 0sYW5", "secret = 0s====", "secret = 0sY=55", "secret = \"\"",   "id = x",
};

START_TEST(test_config_swanctl_secret_errors)
{
	struct config_diag diag;
	struct config *cfg = (struct config *)1;
	char text[256], line[256];

	snprintf(text, sizeof(text), "secrets {\n ike-x {\n  %s\n }\n}\n", bad_secrets[_i]);
	ck_assert_int_eq(load_text(text, &cfg, &diag), -EBADMSG);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(diag.errors, 1);
	diag_line(&diag, 0, line, sizeof(line));
	if (!strncmp(bad_secrets[_i], "id", 2))
		ck_assert_str_eq(line, "test.conf:2: error: secrets.ike-x: missing secret");
	else
		ck_assert_msg(!strncmp(line, "test.conf:3: error: secrets.ike-x.secret: ",
				       strlen("test.conf:3: error: secrets.ike-x.secret: ")),
			      "%s", line);
	config_diag_clear(&diag);
}
END_TEST

static const char *psk_name(const struct config *cfg, const struct secret *s)
{
	for (size_t i = 0; s && i < cfg->n_secrets; i++)
		if (&cfg->secrets[i].secret == s)
			return cfg->secrets[i].name;
	return NULL;
}

/* strongSwan's get_shared(): best remote match first, then local; first one on a tie. */
START_TEST(test_config_swanctl_find_psk)
{
	struct config_diag diag;
	struct config *cfg = load_ok(
		"secrets {\n"
		" ike-any {\n  secret = any\n }\n"
		" ike-wild {\n  id = *.strongswan.org\n  secret = wild\n }\n"
		" ike-moon-carol {\n  id-1 = moon.strongswan.org\n  id-2 = carol@strongswan.org\n"
		"  secret = perfect\n }\n"
		" ike-carol {\n  id = carol@strongswan.org\n  secret = carol\n }\n"
		" ike-carol-again {\n  id = carol@strongswan.org\n  secret = carol2\n }\n"
		" ike-dave {\n  id = 192.168.0.200\n  id2 = fec0::5\n  secret = dave\n }\n"
		" ike-mail {\n  id = *@example.org\n  secret = mail\n }\n"
		"}\n",
		&diag);
	static const struct {
		const char *local, *remote, *want;
	} cases[] = {
		{ "moon.strongswan.org", "carol@strongswan.org", "ike-moon-carol" },
		{ "sun.strongswan.org", "carol@strongswan.org", "ike-moon-carol" }, /* tie: first */
		{ "other", "carol@strongswan.org", "ike-moon-carol" },
		{ "moon.strongswan.org", "dave@strongswan.org", "ike-any" }, /* remote first */
		{ "x", "sun.strongswan.org", "ike-wild" },
		{ "x", "SUN.StrongSwan.ORG", "ike-wild" },
		{ "moon.strongswan.org", "192.168.0.200", "ike-dave" },
		{ "moon.strongswan.org", "fec0:0:0::5", "ike-dave" },
		{ "moon.strongswan.org", "ipv6:fec0::5", "ike-dave" },
		{ "moon.strongswan.org", "CAROL@strongswan.org", "ike-moon-carol" },
		{ "@moon.strongswan.org", "email:carol@strongswan.org", "ike-moon-carol" },
		{ "x", "bob@example.org", "ike-mail" },
		{ "x", "bob@sub.example.org", "ike-any" }, /* '*' is a suffix, "@" included */
		{ NULL, NULL, "ike-any" },
		{ NULL, "sun.strongswan.org", "ike-wild" },
	};
	struct config *cfg2;

	ck_assert_uint_eq(cfg->secrets[2].ids.count, 2);
	ck_assert_str_eq(cfg->secrets[2].ids.items[0], "moon.strongswan.org");
	ck_assert_str_eq(cfg->secrets[2].ids.items[1], "carol@strongswan.org");
	ck_assert_ptr_null(cfg->secrets[2].ids.items[2]);
	ck_assert_uint_eq(cfg->secrets[5].ids.count, 2); /* "id2" is an id<suffix> too */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got =
			psk_name(cfg, config_find_psk(cfg, cases[i].local, cases[i].remote));

		ck_assert_msg(got && !strcmp(got, cases[i].want), "%s/%s: got %s, want %s",
			      cases[i].local, cases[i].remote, got ? got : "none", cases[i].want);
	}
	config_free(cfg);
	config_diag_clear(&diag);

	/* without an any entry: ids matching neither side find nothing; a tie takes the first */
	cfg2 = load_ok("secrets {\n ike-a {\n  id = carol@strongswan.org\n  secret = a\n }\n"
		       " ike-b {\n  id = carol@strongswan.org\n  secret = b\n }\n"
		       " ike-c {\n  id = %any\n  id-2 = moon\n  secret = c\n }\n}\n",
		       &diag);
	ck_assert_str_eq(psk_name(cfg2, config_find_psk(cfg2, "x", "carol@strongswan.org")),
			 "ike-a");
	ck_assert_str_eq(psk_name(cfg2, config_find_psk(cfg2, "carol@strongswan.org", "y")),
			 "ike-c"); /* %any on the remote side beats none */
	ck_assert_str_eq(psk_name(cfg2, config_find_psk(cfg2, "moon", "carol@strongswan.org")),
			 "ike-a"); /* remote perfect beats remote any + local perfect */
	config_free(cfg2);
	config_diag_clear(&diag);
	cfg2 = load_ok("secrets {\n ike-a {\n  id = a\n  secret = a\n }\n}\n", &diag);
	ck_assert_ptr_null(config_find_psk(cfg2, "x", "y"));
	ck_assert_ptr_null(config_find_psk(cfg2, NULL, NULL));
	ck_assert_ptr_nonnull(config_find_psk(cfg2, NULL, "a"));
	config_free(cfg2);
	config_diag_clear(&diag);
}
END_TEST

static struct config *load_file(const char *name, struct config_diag *diag)
{
	struct settings *s = NULL;
	struct config *cfg = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", DATA_DIR, name);
	config_diag_init(diag);
	ck_assert_int_eq(settings_parse_file(path, &s, NULL), 0);
	ck_assert_int_eq(config_swanctl_load(settings_root(s), &cfg, diag), 0);
	settings_free(s);
	ck_assert_uint_eq(diag->errors, 0);
	return cfg;
}

static bool only_warnings_about(const struct config_diag *diag, const char *what)
{
	for (size_t i = 0; i < diag->count; i++)
		if (diag->items[i].severity != CONFIG_WARNING ||
		    !strstr(diag->items[i].message, what))
			return false;
	return true;
}

/* strongSwan's own roadwarrior test configurations load; only updown/rsa are unsupported. */
START_TEST(test_config_swanctl_roadwarrior)
{
	struct config_diag diag, diag2;
	struct config *moon, *carol;
	const struct conn_cfg *c;
	const struct child_cfg *ch;
	const struct secret *k1, *k2;
	uint8_t want[16];

	moon = load_file("rw-cert-moon.conf", &diag);
	ck_assert_uint_eq(diag.count, 1);
	ck_assert(only_warnings_about(&diag, "children.net.updown: not supported"));
	c = config_find_conn(moon, "rw");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->line, 4);
	ck_assert_uint_eq(c->local_addrs.count, 1);
	ck_assert_int_eq(c->local_addrs.items[0].kind, CONFIG_ADDR_IP);
	ip("192.168.0.1", want);
	ck_assert_mem_eq(c->local_addrs.items[0].from, want, 4);
	ck_assert_int_eq(c->remote_addrs.items[0].kind, CONFIG_ADDR_ANY);
	ck_assert_str_eq(c->proposals.items[0], "aes128-sha256-x25519");
	ck_assert_uint_eq(c->n_local, 1);
	ck_assert_str_eq(c->local[0].id, "moon.strongswan.org");
	ck_assert_str_eq(c->local[0].certs.items[0], "moonCert.pem");
	ck_assert_int_eq(c->local[0].class_, CONFIG_AUTH_PUBKEY);
	ck_assert_uint_eq(c->n_remote, 1);
	ck_assert_ptr_null(c->remote[0].id);
	ch = &c->children[0];
	ck_assert_str_eq(ch->name, "net");
	ck_assert_str_eq(ch->local_ts.raw.items[0], "10.1.0.0/16");
	ck_assert(ch->remote_ts.items[0].dynamic);
	ck_assert_str_eq(ch->esp_proposals.items[0], "aes128gcm128-x25519");
	config_free(moon);
	config_diag_clear(&diag);

	carol = load_file("rw-cert-carol.conf", &diag);
	ck_assert_uint_eq(diag.count, 2);
	ck_assert_str_eq(diag.items[1].message, "secrets.rsa-carol: not supported, ignored");
	c = config_find_conn(carol, "home");
	ck_assert_str_eq(c->remote[0].id, "moon.strongswan.org");
	ck_assert_str_eq(c->children[0].remote_ts.raw.items[0], "10.1.0.0/16");
	ck_assert_uint_eq(carol->n_secrets, 0);
	config_free(carol);
	config_diag_clear(&diag);

	/* PSK: both ends find the same key for the same pair of identities */
	moon = load_file("rw-psk-ipv4-moon.conf", &diag);
	carol = load_file("rw-psk-ipv4-carol.conf", &diag2);
	ck_assert_uint_eq(moon->n_secrets, 2);
	ck_assert_int_eq(moon->conns[0].remote[0].class_, CONFIG_AUTH_PSK);
	k1 = config_find_psk(moon, "192.168.0.1", "192.168.0.100");
	k2 = config_find_psk(carol, "192.168.0.100", "192.168.0.1");
	ck_assert_ptr_nonnull(k1);
	ck_assert_ptr_nonnull(k2);
	ck_assert_uint_eq(k1->len, 18);
	ck_assert(secret_equal(k1, k2));
	ck_assert_ptr_eq(config_find_psk(moon, "192.168.0.1", "192.168.0.200"),
			 &moon->secrets[1].secret);
	ck_assert(!secret_equal(config_find_psk(moon, "192.168.0.1", "192.168.0.200"), k2));
	config_free(moon);
	config_free(carol);
	config_diag_clear(&diag);
	config_diag_clear(&diag2);
}
END_TEST

/* A gateway with templates, several address and selector forms, and all secret encodings. */
START_TEST(test_config_swanctl_gateway)
{
	struct config_diag diag;
	struct config *cfg = load_file("gateway.conf", &diag);
	const struct conn_cfg *c = config_find_conn(cfg, "site");
	const struct child_cfg *nn, *hh;
	char buf[96];

	ck_assert_uint_eq(diag.count, 0);
	ck_assert_uint_eq(cfg->n_conns, 1);
	ck_assert_uint_eq(c->local_addrs.count, 2); /* inherited from conn-defaults */
	ck_assert_int_eq(c->local_addrs.items[1].family, AF_INET6);
	ck_assert_uint_eq(c->remote_addrs.count, 3);
	ck_assert_int_eq(c->remote_addrs.items[0].kind, CONFIG_ADDR_FQDN);
	ck_assert_int_eq(c->remote_addrs.items[1].kind, CONFIG_ADDR_SUBNET);
	ck_assert_int_eq(c->remote_addrs.items[2].kind, CONFIG_ADDR_RANGE);
	ck_assert_uint_eq(c->proposals.count, 2);
	ck_assert_str_eq(c->proposals.items[1], "default");
	ck_assert_uint_eq(c->dpd_delay, 30);
	ck_assert_uint_eq(c->rekey_time, 86400);
	ck_assert_uint_eq(c->over_time, 8640);
	ck_assert_uint_eq(c->rand_time, 8640);
	ck_assert_str_eq(c->local[0].id, "@moon.strongswan.org");
	ck_assert_uint_eq(c->n_children, 2);
	nn = &c->children[0];
	hh = &c->children[1];
	ck_assert_uint_eq(nn->local_ts.count, 2);
	ck_assert_int_eq(config_ts_to_str(&nn->remote_ts.items[1], buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "10.3.0.1..10.3.0.9[udp/1000-2000]");
	ck_assert_int_eq(nn->start_action, CONFIG_ACTION_TRAP);
	ck_assert_int_eq(nn->close_action, CONFIG_ACTION_START);
	ck_assert_int_eq(nn->dpd_action, CONFIG_ACTION_START);
	ck_assert_uint_eq(nn->rekey_time, 6545);
	ck_assert_uint_eq(nn->life_time, 7200);
	ck_assert_uint_eq(nn->rekey_bytes, 500ull << 20);
	ck_assert_uint_eq(nn->life_bytes, 576716800); /* 524288000 * 1.1 */
	ck_assert_int_eq(hh->mode, CONFIG_MODE_TRANSPORT);
	ck_assert_uint_eq(hh->local_ts.items[0].port_from, 500);
	ck_assert_uint_eq(cfg->n_secrets, 3);
	ck_assert_mem_eq(cfg->secrets[0].secret.ptr, "key", 3);
	ck_assert_str_eq(psk_name(cfg, config_find_psk(cfg, "moon.strongswan.org", "192.168.0.2")),
			 "ike-sun");
	ck_assert_str_eq(
		psk_name(cfg, config_find_psk(cfg, "moon.strongswan.org", "venus.strongswan.org")),
		"ike-wild");
	ck_assert_str_eq(psk_name(cfg, config_find_psk(cfg, "a", "b")), "ike-any");
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

/* The proposal strings go through proposal_list_parse(); `default` counts two. */
START_TEST(test_config_swanctl_proposals)
{
	struct config_diag diag;
	struct config *cfg =
		load_ok("connections {\n c {\n  proposals = aes256gcm16-prfsha384-ecp384, "
			"aes128-sha256-x25519, default\n  children {\n   ch {\n"
			"    esp_proposals = aes128gcm16-esn, aes256-sha256-modp2048, default\n"
			"   }\n  }\n }\n}\n",
			&diag);

	ck_assert_uint_eq(cfg->conns[0].proposals.count, 3);
	ck_assert_str_eq(cfg->conns[0].proposals.items[0], "aes256gcm16-prfsha384-ecp384");
	ck_assert_uint_eq(cfg->conns[0].children[0].esp_proposals.count, 3);
	ck_assert_str_eq(cfg->conns[0].children[0].esp_proposals.items[2], "default");
	config_free(cfg);
	config_diag_clear(&diag);
}
END_TEST

START_TEST(test_config_swanctl_diag_format)
{
	struct config_diag diag;
	char buf[64];

	config_diag_init(&diag);
	ck_assert_int_eq(config_diag_add(&diag, CONFIG_WARNING, "a.conf", 7, "x %d", 1), 0);
	ck_assert_int_eq(config_diag_add(&diag, CONFIG_ERROR, "b.conf", 0, "y"), 0);
	ck_assert_int_eq(config_diag_add(&diag, CONFIG_ERROR, NULL, 3, "z"), 0);
	ck_assert_uint_eq(diag.count, 3);
	ck_assert_uint_eq(diag.errors, 2);
	ck_assert_str_eq(diag_line(&diag, 0, buf, sizeof(buf)), "a.conf:7: warning: x 1");
	ck_assert_str_eq(diag_line(&diag, 1, buf, sizeof(buf)), "b.conf: error: y");
	ck_assert_str_eq(diag_line(&diag, 2, buf, sizeof(buf)), "error: z");
	ck_assert_int_eq(config_diag_format(&diag.items[0], buf, 10), -ENOBUFS);
	ck_assert_str_eq(buf, "a.conf:7:");
	config_diag_clear(&diag);
	ck_assert_ptr_null(diag.items);
	ck_assert_uint_eq(diag.count, 0);
}
END_TEST

/* Values and names in messages are cut and escaped. */
START_TEST(test_config_swanctl_diag_escapes)
{
	struct config_diag diag;
	struct config *cfg = (struct config *)1;
	char text[512];

	snprintf(text, sizeof(text), "connections {\n c {\n  rekey_time = \"a\\tb%0100d\"\n }\n}\n",
		 0);
	ck_assert_int_eq(load_text(text, &cfg, &diag), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(diag.items[0].message, "'a\\x09b0000"));
	ck_assert_ptr_nonnull(strstr(diag.items[0].message, "...'"));
	config_diag_clear(&diag);
}
END_TEST

/* One mutated input through the parser and the loader: it loads or fails cleanly. */
static void load_mutant(const char *data, size_t size)
{
	struct settings *s = NULL;
	struct config *cfg = NULL;
	struct config_diag diag;
	int rc;

	config_diag_init(&diag);
	if (settings_parse_buffer("m", data, size, NULL, &s, NULL) == 0) {
		rc = config_swanctl_load(settings_root(s), &cfg, &diag);
		ck_assert(rc == 0 || rc == -EBADMSG);
		ck_assert((rc == 0) == (diag.errors == 0));
		ck_assert((rc == 0) == (cfg != NULL));
		config_free(cfg);
		settings_free(s);
	}
	config_diag_clear(&diag);
}

/* Bit flips and truncations of the fuzz seeds. */
START_TEST(test_config_swanctl_corpus_mutations)
{
	struct dirent **names;
	int n = scandir(CORPUS_DIR, &names, NULL, alphasort), files = 0;

	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		char path[4096];
		char *data;
		long len;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, names[i]->d_name);
		f = names[i]->d_name[0] == '.' ? NULL : fopen(path, "rb");
		free(names[i]);
		if (!f)
			continue;
		ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		rewind(f);
		data = malloc((size_t)len + 1);
		ck_assert_uint_eq(fread(data, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		files++;
		for (long cut = 0; cut <= len; cut += len / 16 + 1)
			load_mutant(data, (size_t)cut);
		for (long bit = 0; bit < len * 8; bit += 5) {
			data[bit / 8] ^= (char)(1 << (bit % 8));
			load_mutant(data, (size_t)len);
			data[bit / 8] ^= (char)(1 << (bit % 8));
		}
		free(data);
	}
	free(names);
	ck_assert_int_ge(files, 10);
}
END_TEST

Suite *config_swanctl_suite(void)
{
	Suite *s = suite_create("config_swanctl");
	TCase *tc = tcase_create("config_swanctl");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_config_swanctl_input);
	tcase_add_test(tc, test_config_swanctl_defaults);
	tcase_add_loop_test(tc, test_config_swanctl_values, 0, ARRAY_SIZE(value_cases));
	tcase_add_loop_test(tc, test_config_swanctl_bad_values, 0, ARRAY_SIZE(bad_cases));
	tcase_add_loop_test(tc, test_config_swanctl_addrs, 0, ARRAY_SIZE(addr_cases));
	tcase_add_test(tc, test_config_swanctl_addr_matches);
	tcase_add_loop_test(tc, test_config_swanctl_ts, 0, ARRAY_SIZE(ts_cases));
	tcase_add_loop_test(tc, test_config_swanctl_child_lifetimes, 0, ARRAY_SIZE(life_cases));
	tcase_add_loop_test(tc, test_config_swanctl_ike_lifetimes, 0, ARRAY_SIZE(ike_life_cases));
	tcase_add_test(tc, test_config_swanctl_rounds);
	tcase_add_test(tc, test_config_swanctl_auth_errors);
	tcase_add_test(tc, test_config_swanctl_warnings);
	tcase_add_test(tc, test_config_swanctl_errors);
	tcase_add_test(tc, test_config_swanctl_empty_values);
	tcase_add_loop_test(tc, test_config_swanctl_secret_encodings, 0, ARRAY_SIZE(secret_cases));
	tcase_add_loop_test(tc, test_config_swanctl_secret_errors, 0, ARRAY_SIZE(bad_secrets));
	tcase_add_test(tc, test_config_swanctl_find_psk);
	tcase_add_test(tc, test_config_swanctl_roadwarrior);
	tcase_add_test(tc, test_config_swanctl_gateway);
	tcase_add_test(tc, test_config_swanctl_proposals);
	tcase_add_test(tc, test_config_swanctl_diag_format);
	tcase_add_test(tc, test_config_swanctl_diag_escapes);
	tcase_add_test(tc, test_config_swanctl_corpus_mutations);
	suite_add_tcase(s, tc);
	return s;
}
