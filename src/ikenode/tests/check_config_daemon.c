/*
 * ikenode.conf: defaults, every key, fractional seconds, bad values reported with file:line,
 * unknown keys and sections as warnings, group lookup (cross-checked with getgrnam()), and the
 * retransmission schedule against the table of strongSwan's documentation
 * (docs.strongswan.org, "Retransmission": 4 * 1.8^n = 4s, 7s, 13s, 23s, 42s, giving up after
 * 165s) and a Python float computation of strongSwan's (u_int32_t)(t * 1000.0 * pow(b, n)).
 */
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/settings.h"
#include "ikenode/config_daemon.h"

Suite *config_daemon_suite(void);

#define CONF_NAME "ikenode.conf"

struct loaded {
	struct settings *s;
	struct daemon_cfg *cfg;
	char **lines;
	size_t n_lines;
	int rc;
};

static void load(struct loaded *l, const char *text)
{
	struct settings_errors *errs = settings_errors_new();
	int rc;

	memset(l, 0, sizeof(*l));
	ck_assert_ptr_nonnull(errs);
	rc = settings_parse_buffer(CONF_NAME, text, strlen(text), NULL, &l->s, errs);
	ck_assert_msg(rc == 0, "settings parse failed: %s",
		      settings_errors_count(errs) ? settings_errors_get(errs, 0)->text : "?");
	settings_errors_free(errs);
	l->rc = config_daemon_load(settings_root(l->s), &l->cfg, &l->lines, &l->n_lines);
	if (l->rc)
		ck_assert_ptr_null(l->cfg);
	else
		ck_assert_ptr_nonnull(l->cfg);
}

static void unload(struct loaded *l)
{
	config_daemon_free(l->cfg);
	config_daemon_free_errors(l->lines, l->n_lines);
	settings_free(l->s);
}

static bool has_line(const struct loaded *l, const char *line)
{
	for (size_t i = 0; i < l->n_lines; i++)
		if (!strcmp(l->lines[i], line))
			return true;
	return false;
}

static void dump_lines(const struct loaded *l)
{
	for (size_t i = 0; i < l->n_lines; i++)
		fprintf(stderr, "  line %zu: %s\n", i, l->lines[i]);
}

START_TEST(test_config_daemon_input)
{
	struct settings *s = NULL;
	struct daemon_cfg *cfg = (struct daemon_cfg *)1;
	char **lines = NULL;
	size_t n = 0;

	ck_assert_int_eq(settings_parse_buffer(CONF_NAME, "", 0, NULL, &s, NULL), 0);
	ck_assert_int_eq(config_daemon_load(NULL, &cfg, &lines, &n), -EINVAL);
	ck_assert_ptr_null(cfg);
	ck_assert_int_eq(config_daemon_load(settings_root(s), NULL, &lines, &n), -EINVAL);
	ck_assert_int_eq(config_daemon_load(settings_root(s), &cfg, NULL, &n), -EINVAL);
	ck_assert_int_eq(config_daemon_load(settings_root(s), &cfg, &lines, NULL), -EINVAL);
	n = 1; /* a count without an array */
	ck_assert_int_eq(config_daemon_load(settings_root(s), &cfg, &lines, &n), -EINVAL);
	ck_assert_uint_eq(config_daemon_retransmit_ms(NULL, 0), 0);
	ck_assert_uint_eq(config_daemon_jitter_ms(NULL, 1000, 12345), 1000);
	ck_assert_int_eq(config_daemon_log_level(NULL, LOG_TAG_IKE), LOG_NOTICE);
	config_daemon_free(NULL);
	config_daemon_free_errors(NULL, 0);
	settings_free(s);
}
END_TEST

static void check_defaults(const struct daemon_cfg *cfg)
{
	ck_assert_uint_eq(cfg->n_listen, 2);
	ck_assert_str_eq(cfg->listen[0], "0.0.0.0");
	ck_assert_str_eq(cfg->listen[1], "::");
	ck_assert_uint_eq(cfg->port, 500);
	ck_assert_uint_eq(cfg->port_natt, 4500);
	ck_assert_uint_eq(cfg->retransmit_timeout_ms, 4000);
	ck_assert(cfg->retransmit_base == 1.8);
	ck_assert_uint_eq(cfg->retransmit_tries, 5);
	ck_assert_uint_eq(cfg->retransmit_limit_ms, 0);
	ck_assert_uint_eq(cfg->retransmit_jitter, 0);
	ck_assert_uint_eq(cfg->half_open_limit, 0);
	ck_assert_uint_eq(cfg->keep_alive_s, 20);
	ck_assert_ptr_null(cfg->keylog);
	ck_assert_str_eq(cfg->swanctl_dir, "/etc/swanctl");
	ck_assert_str_eq(cfg->swanctl_conf, "/etc/swanctl/swanctl.conf");
	ck_assert_str_eq(cfg->kernel_backend, "null");
	ck_assert_str_eq(cfg->ctl_socket, "ikenode");
	ck_assert_uint_eq(cfg->ctl_gid, (gid_t)-1);
	ck_assert_int_eq(cfg->log_target, CONFIG_DAEMON_LOG_SYSLOG);
	ck_assert_ptr_null(cfg->log_file);
	ck_assert_int_eq(cfg->log_level, LOG_NOTICE);
	for (unsigned int i = 0; i < CONFIG_DAEMON_LOG_SUBSYS; i++) {
		ck_assert_int_eq(cfg->log_subsys_level[i], -1);
		ck_assert_int_eq(config_daemon_log_level(cfg, 1u << i), LOG_NOTICE);
	}
	ck_assert(!cfg->ha_enabled);
	ck_assert_uint_eq(cfg->segments, 0);
	ck_assert_int_eq(cfg->seg_filter, CONFIG_DAEMON_FILTER_NONE);
	ck_assert_uint_eq(config_daemon_segment_count(cfg), 2);
	ck_assert_uint_eq(config_daemon_segment_active(cfg), 0x3);
	ck_assert(!cfg->freebind);
}

START_TEST(test_config_daemon_defaults)
{
	static const char *const texts[] = {
		"",
		"ikenode {\n}\n",
		"# only comments\nikenode {\n\tkernel {\n\t}\n\tlog {\n\t}\n}\n",
		/* `key =` keeps the default */
		"ikenode {\n\tport =\n\tkeylog =\n\tlog {\n\t\tlevel =\n\t}\n}\n",
	};
	struct loaded l;

	load(&l, texts[_i]);
	if (l.rc || l.n_lines)
		dump_lines(&l);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.n_lines, 0);
	check_defaults(l.cfg);
	unload(&l);
}
END_TEST

START_TEST(test_config_daemon_every_key)
{
	static const char text[] =
		"ikenode {\n"
		"\tlisten = 192.0.2.1, 2001:db8::1 198.51.100.7\n"
		"\tport = 1500\n"
		"\tport_nat_t = 14500\n"
		"\tretransmit_timeout = 2.5\n"
		"\tretransmit_base = 1.5\n"
		"\tretransmit_tries = 7\n"
		"\tretransmit_limit = 30\n"
		"\tretransmit_jitter = 15\n"
		"\tinit_limit_half_open = 1000\n"
		"\tkeep_alive = 2m\n"
		"\tkeylog = /tmp/ike.keys\n"
		"\tswanctl_dir = /srv/swanctl\n"
		"\tswanctl_conf = /srv/other.conf\n"
		"\tlisten_freebind = yes\n"
		"\tkernel {\n\t\tbackend = xfrm\n\t\ttun = vpn7\n\t\tmtu = 1500\n"
		"\t\troute_table = 100\n\t\tfwmark = 0x1000\n\t}\n"
		"\tcontrol {\n\t\tsocket = ikn-test\n\t\tgroup = 4242\n\t}\n"
		"\tlog {\n"
		"\t\ttarget = file\n\t\tfile = /var/log/ikenode.log\n\t\tlevel = info\n"
		"\t\tike = debug\n\t\tcfg = warning\n\t\tha = err\n\t\tseg = crit\n"
		"\t\tknl = trace\n\t\tctl = alert\n\t\tnet = emerg\n"
		"\t}\n"
		"\tha {\n\t\tenabled = yes\n\t\tsegments = 16\n\t\tnode_id = 65535\n"
		"\t\tseed = 0xdeadbeef\n\t\tfilter = nft\n\t\tcluster_ip = 2001:db8::5\n"
		"\t\tqueue = 7\n\t\tnft_table = ikn\n\t\tactive = 1, 3 15\n\t}\n"
		"}\n";
	struct loaded l;
	const struct daemon_cfg *cfg;

	load(&l, text);
	if (l.rc || l.n_lines)
		dump_lines(&l);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.n_lines, 0);
	cfg = l.cfg;
	ck_assert_uint_eq(cfg->n_listen, 3);
	ck_assert_str_eq(cfg->listen[0], "192.0.2.1");
	ck_assert_str_eq(cfg->listen[1], "2001:db8::1");
	ck_assert_str_eq(cfg->listen[2], "198.51.100.7");
	ck_assert_uint_eq(cfg->port, 1500);
	ck_assert_uint_eq(cfg->port_natt, 14500);
	ck_assert_uint_eq(cfg->retransmit_timeout_ms, 2500);
	ck_assert(cfg->retransmit_base == 1.5);
	ck_assert_uint_eq(cfg->retransmit_tries, 7);
	ck_assert_uint_eq(cfg->retransmit_limit_ms, 30000);
	ck_assert_uint_eq(cfg->retransmit_jitter, 15);
	ck_assert_uint_eq(cfg->half_open_limit, 1000);
	ck_assert_uint_eq(cfg->keep_alive_s, 120);
	ck_assert_str_eq(cfg->keylog, "/tmp/ike.keys");
	ck_assert_str_eq(cfg->swanctl_dir, "/srv/swanctl");
	ck_assert_str_eq(cfg->swanctl_conf, "/srv/other.conf");
	ck_assert(cfg->freebind);
	ck_assert_str_eq(cfg->kernel_backend, "xfrm");
	ck_assert_str_eq(cfg->kernel_tun, "vpn7");
	ck_assert_uint_eq(cfg->kernel_mtu, 1500);
	ck_assert_uint_eq(cfg->kernel_route_table, 100);
	ck_assert_uint_eq(cfg->kernel_fwmark, 0x1000);
	ck_assert_uint_eq(cfg->node_id, 65535);
	ck_assert_uint_eq(cfg->segment_seed, 0xdeadbeef);
	ck_assert_int_eq(cfg->seg_filter, CONFIG_DAEMON_FILTER_NFT);
	ck_assert_int_eq(cfg->cluster_ip.ss_family, AF_INET6);
	ck_assert_uint_eq(cfg->seg_queue, 7);
	ck_assert_str_eq(cfg->seg_nft_table, "ikn");
	ck_assert_uint_eq(config_daemon_segment_count(cfg), 16);
	ck_assert_uint_eq(config_daemon_segment_active(cfg), (1u << 1) | (1u << 3) | (1u << 15));
	ck_assert_str_eq(cfg->ctl_socket, "ikn-test");
	ck_assert_uint_eq(cfg->ctl_gid, 4242);
	ck_assert_int_eq(cfg->log_target, CONFIG_DAEMON_LOG_FILE);
	ck_assert_str_eq(cfg->log_file, "/var/log/ikenode.log");
	ck_assert_int_eq(cfg->log_level, LOG_INFO);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_IKE), LOG_DEBUG);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_CFG), LOG_WARNING);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_HA), LOG_ERR);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_SEG), LOG_CRIT);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_KNL), LOG_DEBUG + 1);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_CTL), LOG_ALERT);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_NET), LOG_EMERG);
	ck_assert_int_eq(config_daemon_log_level(cfg, 0), LOG_INFO);
	ck_assert_int_eq(config_daemon_log_level(cfg, LOG_TAG_IKE | LOG_TAG_CFG), LOG_INFO);
	ck_assert(cfg->ha_enabled);
	ck_assert_uint_eq(cfg->segments, 16);
	/* 2.5 * 1.5^n, capped at 30 s (Python: 2500, 3750, 5625, 8437, 12656, 18984, 28476) */
	ck_assert_uint_eq(config_daemon_retransmit_ms(cfg, 0), 2500);
	ck_assert_uint_eq(config_daemon_retransmit_ms(cfg, 3), 8437);
	ck_assert_uint_eq(config_daemon_retransmit_ms(cfg, 6), 28476);
	ck_assert_uint_eq(config_daemon_retransmit_ms(cfg, 7), 30000);
	unload(&l);
}
END_TEST

/* Other value spellings: case, other boolean words, the other backends and targets. */
START_TEST(test_config_daemon_spellings)
{
	struct loaded l;

	load(&l, "ikenode {\n listen = ::1\n listen_freebind = On\n keep_alive = 0\n"
		 " kernel { backend = uesp }\n log { target = STDERR\n level = Debug }\n"
		 " ha { enabled = true }\n control { group = 0 }\n}\n");
	if (l.rc || l.n_lines)
		dump_lines(&l);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.cfg->n_listen, 1);
	ck_assert_str_eq(l.cfg->listen[0], "::1");
	ck_assert(l.cfg->freebind);
	ck_assert_uint_eq(l.cfg->keep_alive_s, 0);
	ck_assert_str_eq(l.cfg->kernel_backend, "uesp");
	ck_assert_int_eq(l.cfg->log_target, CONFIG_DAEMON_LOG_STDERR);
	ck_assert_int_eq(l.cfg->log_target, LOG_TARGET_STDERR);
	ck_assert_int_eq(l.cfg->log_level, LOG_DEBUG);
	ck_assert(l.cfg->ha_enabled);
	ck_assert_uint_eq(l.cfg->ctl_gid, 0);
	unload(&l);

	load(&l, "ikenode {\n log { target = syslog }\n swanctl_dir = /x/y/\n}\n");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_int_eq(l.cfg->log_target, LOG_TARGET_SYSLOG);
	ck_assert_str_eq(l.cfg->swanctl_conf, "/x/y/swanctl.conf");
	unload(&l);
}
END_TEST

static const struct {
	const char *value;
	uint32_t ms;
} fractions[] = {
	{ "4.5", 4500 }, { "0.25", 250 }, { ".5", 500 },      { "4.", 4000 },
	{ "10", 10000 }, { "0.001", 1 },  { "1.0006", 1001 }, { "86400", 86400000 },
};

START_TEST(test_config_daemon_fractions)
{
	char text[256];
	struct loaded l;

	snprintf(text, sizeof(text),
		 "ikenode {\n retransmit_timeout = %s\n retransmit_limit = %s\n}\n",
		 fractions[_i].value, fractions[_i].value);
	load(&l, text);
	if (l.rc)
		dump_lines(&l);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.cfg->retransmit_timeout_ms, fractions[_i].ms);
	ck_assert_uint_eq(l.cfg->retransmit_limit_ms, fractions[_i].ms);
	unload(&l);

	snprintf(text, sizeof(text), "ikenode {\n retransmit_base = %s\n}\n", fractions[_i].value);
	load(&l, text);
	if (fractions[_i].ms >= 1000 && fractions[_i].ms <= 100000) {
		ck_assert_int_eq(l.rc, 0);
		ck_assert(l.cfg->retransmit_base > fractions[_i].ms / 1000.0 - 0.0006 &&
			  l.cfg->retransmit_base < fractions[_i].ms / 1000.0 + 0.0006);
	} else {
		ck_assert_int_eq(l.rc, -EBADMSG);
	}
	unload(&l);
}
END_TEST

/* One bad value each: the one line reported, with the file and line of the value. */
static const struct {
	const char *text;
	const char *line;
} bad[] = {
	{ "ikenode {\n port = 70000\n}\n",
	  CONF_NAME ":2: ikenode.port: '70000' is not a port (0 .. 65535)" },
	{ "ikenode {\n\n port_nat_t = -1\n}\n",
	  CONF_NAME ":3: ikenode.port_nat_t: '-1' is not a port (0 .. 65535)" },
	{ "ikenode {\n port = http\n}\n",
	  CONF_NAME ":2: ikenode.port: 'http' is not a port (0 .. 65535)" },
	{ "ikenode {\n retransmit_timeout = 4,5\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_timeout: '4,5' is not a number of seconds (like 4 or "
		    "4.5)" },
	{ "ikenode {\n retransmit_timeout = 4s\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_timeout: '4s' is not a number of seconds (like 4 or "
		    "4.5)" },
	{ "ikenode {\n retransmit_timeout = -1\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_timeout: '-1' is not a number of seconds (like 4 or "
		    "4.5)" },
	{ "ikenode {\n retransmit_timeout = 0\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_timeout: 0 seconds is out of range (0.001 .. 86400)" },
	{ "ikenode {\n retransmit_timeout = 0.0001\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_timeout: 0.0001 seconds is out of range (0.001 .. "
		    "86400)" },
	{ "ikenode {\n retransmit_limit = 86401\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_limit: 86401 seconds is out of range (0 .. 86400)" },
	{ "ikenode {\n retransmit_base = 0.5\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_base: '0.5' is not a number from 1 to 100" },
	{ "ikenode {\n retransmit_tries = many\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_tries: 'many' is not an integer from 0 to 4294967295" },
	{ "ikenode {\n retransmit_tries = 4294967296\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_tries: '4294967296' is not an integer from 0 to "
		    "4294967295" },
	{ "ikenode {\n retransmit_jitter = 101\n}\n",
	  CONF_NAME ":2: ikenode.retransmit_jitter: '101' is not an integer from 0 to 100" },
	{ "ikenode {\n init_limit_half_open = -5\n}\n",
	  CONF_NAME ":2: ikenode.init_limit_half_open: '-5' is not an integer from 0 to "
		    "4294967295" },
	{ "ikenode {\n keep_alive = 20x\n}\n",
	  CONF_NAME ":2: ikenode.keep_alive: '20x' is not a time (seconds, or with s, m, h, d)" },
	{ "ikenode {\n listen = 192.0.2.300\n}\n",
	  CONF_NAME ":2: ikenode.listen: '192.0.2.300' is not an IPv4 or IPv6 address" },
	{ "ikenode {\n listen = 0.0.0.0, eth0\n}\n",
	  CONF_NAME ":2: ikenode.listen: 'eth0' is not an IPv4 or IPv6 address" },
	{ "ikenode {\n listen = ,\n}\n", CONF_NAME ":2: ikenode.listen: no address given" },
	{ "ikenode {\n listen_freebind = maybe\n}\n",
	  CONF_NAME ":2: ikenode.listen_freebind: 'maybe' is not yes or no" },
	{ "ikenode {\n keylog = \"\"\n}\n", CONF_NAME ":2: ikenode.keylog: empty value" },
	{ "ikenode {\n kernel {\n  backend = netkey\n }\n}\n",
	  CONF_NAME ":3: ikenode.kernel.backend: unknown backend 'netkey' (null, uesp or xfrm)" },
	{ "ikenode {\n control {\n  group = ikn-no-such-group-xyz\n }\n}\n",
	  CONF_NAME ":3: ikenode.control.group: unknown group 'ikn-no-such-group-xyz'" },
	{ "ikenode {\n control {\n  group = 12ab\n }\n}\n",
	  CONF_NAME ":3: ikenode.control.group: '12ab' is not a group name or number" },
	{ "ikenode {\n control {\n  group = 4294967295\n }\n}\n",
	  CONF_NAME ":3: ikenode.control.group: '4294967295' is not a group name or number" },
	{ "ikenode {\n log {\n  target = journal\n }\n}\n",
	  CONF_NAME ":3: ikenode.log.target: unknown target 'journal' (stderr, syslog or file)" },
	{ "ikenode {\n log {\n  target = file\n }\n}\n",
	  CONF_NAME ":3: ikenode.log.target: 'file' needs log.file" },
	{ "ikenode {\n log {\n  ike = loud\n }\n}\n",
	  CONF_NAME ":3: ikenode.log.ike: unknown level 'loud' (emerg, alert, crit, err, warning, "
		    "notice, info, debug, trace)" },
	{ "ikenode {\n ha {\n  segments = 65\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.segments: '65' is not an integer from 0 to 64" },
	{ "ikenode {\n kernel {\n  mtu = 575\n }\n}\n",
	  CONF_NAME ":3: ikenode.kernel.mtu: '575' is not an integer from 576 to 65535" },
	{ "ikenode {\n kernel {\n  fwmark = 0\n }\n}\n",
	  CONF_NAME ":3: ikenode.kernel.fwmark: '0' is not an integer from 1 to 4294967295" },
	{ "ikenode {\n ha {\n  node_id = 65536\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.node_id: '65536' is not an integer from 0 to 65535" },
	{ "ikenode {\n ha {\n  filter = ipset\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.filter: unknown filter 'ipset' (none, nfqueue or nft)" },
	{ "ikenode {\n ha {\n  filter = nfqueue\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.filter: a filter needs ha.cluster_ip" },
	{ "ikenode {\n ha {\n  cluster_ip = 192.0.2\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.cluster_ip: '192.0.2' is not an IPv4 or IPv6 address" },
	{ "ikenode {\n ha {\n  active = 0, x\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.active: '0, x' is not all, none or a list of segment "
		    "numbers (0 .. 63)" },
	{ "ikenode {\n ha {\n  active = 0, 2\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.active: a segment beyond the 2 configured (0 .. 1)" },
	{ "ikenode {\n ha {\n  enabled = 2\n }\n}\n",
	  CONF_NAME ":3: ikenode.ha.enabled: '2' is not yes or no" },
	{ "ikenode {\n port = 4500\n}\n",
	  CONF_NAME ":2: ikenode.port_nat_t: must differ from port (4500)" },
	{ "ikenode {\n port = 600\n port_nat_t = 600\n}\n",
	  CONF_NAME ":3: ikenode.port_nat_t: must differ from port (600)" },
};

START_TEST(test_config_daemon_bad_values)
{
	struct loaded l;

	load(&l, bad[_i].text);
	if (l.n_lines != 1 || strcmp(l.lines[0], bad[_i].line))
		dump_lines(&l);
	ck_assert_int_eq(l.rc, -EBADMSG);
	ck_assert_ptr_null(l.cfg);
	ck_assert_uint_eq(l.n_lines, 1);
	ck_assert_str_eq(l.lines[0], bad[_i].line);
	unload(&l);
}
END_TEST

/* Every error is reported, not just the first; lines are appended to what the caller has. */
START_TEST(test_config_daemon_many_errors)
{
	struct settings *s = NULL;
	struct daemon_cfg *cfg = NULL;
	static const char text[] = "ikenode {\n port = x\n port_nat_t = y\n bogus = 1\n"
				   " retransmit_base = z\n}\n";
	char **lines = calloc(1, sizeof(*lines));
	size_t n = 1;

	ck_assert_ptr_nonnull(lines);
	lines[0] = strdup("earlier line");
	ck_assert_int_eq(settings_parse_buffer(CONF_NAME, text, strlen(text), NULL, &s, NULL), 0);
	ck_assert_int_eq(config_daemon_load(settings_root(s), &cfg, &lines, &n), -EBADMSG);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(lines[0], "earlier line");
	ck_assert_str_eq(lines[1], CONF_NAME ":2: ikenode.port: 'x' is not a port (0 .. 65535)");
	ck_assert_str_eq(lines[2],
			 CONF_NAME ":3: ikenode.port_nat_t: 'y' is not a port (0 .. 65535)");
	ck_assert_str_eq(lines[3], "warning: " CONF_NAME ":4: unknown key 'ikenode.bogus'");
	ck_assert_str_eq(lines[4], CONF_NAME
			 ":5: ikenode.retransmit_base: 'z' is not a number from 1 to 100");
	config_daemon_free_errors(lines, n);
	settings_free(s);
}
END_TEST

START_TEST(test_config_daemon_unknown_warned)
{
	static const char text[] =
		"charon {\n" /* 1 */
		"\tport = 500\n" /* 2 */
		"}\n" /* 3 */
		"stray = 1\n" /* 4 */
		"ikenode {\n" /* 5 */
		"\tport = 501\n" /* 6 */
		"\tportnat = 4501\n" /* 7 */
		"\tplugins {\n" /* 8 */
		"\t\tfoo = bar\n" /* 9 */
		"\t}\n" /* 10 */
		"\tlog {\n" /* 11 */
		"\t\tlevel = info\n" /* 12 */
		"\t\tsyslog = yes\n" /* 13 */
		"\t\tdaemon {\n\t\t}\n" /* 14, 15 */
		"\t}\n" /* 16 */
		"\tkernel {\n\t\tbackend = null\n\t\tmtu_max = 1400\n\t}\n" /* 17 .. 20 */
		"\tretransmit_jitter = 50\n" /* 21 */
		"}\n";
	struct loaded l;

	load(&l, text);
	if (l.n_lines != 8)
		dump_lines(&l);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.cfg->port, 501);
	ck_assert_int_eq(l.cfg->log_level, LOG_INFO);
	ck_assert_uint_eq(l.cfg->retransmit_jitter, CONFIG_DAEMON_JITTER_MAX);
	ck_assert_uint_eq(l.n_lines, 8);
	ck_assert(has_line(&l, "warning: " CONF_NAME ":1: unknown section 'charon'"));
	ck_assert(has_line(&l,
			   "warning: " CONF_NAME ":21: ikenode.retransmit_jitter: 50% capped at "
			   "20%"));
	ck_assert(has_line(&l,
			   "warning: " CONF_NAME ":4: unknown key 'stray' (outside ikenode { })"));
	ck_assert(has_line(&l, "warning: " CONF_NAME ":7: unknown key 'ikenode.portnat'"));
	ck_assert(has_line(&l, "warning: " CONF_NAME ":8: unknown section 'ikenode.plugins'"));
	ck_assert(has_line(&l, "warning: " CONF_NAME ":13: unknown key 'ikenode.log.syslog'"));
	ck_assert(has_line(&l, "warning: " CONF_NAME ":14: unknown section 'ikenode.log.daemon'"));
	ck_assert(has_line(&l, "warning: " CONF_NAME ":19: unknown key 'ikenode.kernel.mtu_max'"));
	unload(&l);

	load(&l, "ikenode {\n retransmit_jitter = 50\n listen = 192.0.2.1, 192.0.2.1\n}\n");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.n_lines, 2);
	ck_assert_str_eq(l.lines[0],
			 "warning: " CONF_NAME ":2: ikenode.retransmit_jitter: 50% capped at 20%");
	ck_assert_str_eq(l.lines[1],
			 "warning: " CONF_NAME ":3: ikenode.listen: '192.0.2.1' is listed twice");
	ck_assert_uint_eq(l.cfg->n_listen, 1);
	unload(&l);
}
END_TEST

START_TEST(test_config_daemon_group)
{
	struct group *gr = getgrnam("root");
	struct loaded l;

	/* the test machine's group database decides; root is gid 0 everywhere we run */
	ck_assert_ptr_nonnull(gr);
	load(&l, "ikenode {\n control {\n  group = root\n }\n}\n");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.cfg->ctl_gid, gr->gr_gid);
	ck_assert_uint_eq(l.cfg->ctl_gid, 0);
	unload(&l);

	load(&l, "ikenode {\n control {\n  group = 1234\n }\n}\n");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.cfg->ctl_gid, 1234);
	unload(&l);

	load(&l, "ikenode {\n control {\n  group = ikn-no-such-group-xyz\n }\n}\n");
	ck_assert_int_eq(l.rc, -EBADMSG);
	ck_assert_uint_eq(l.n_lines, 1);
	ck_assert_str_eq(l.lines[0], CONF_NAME
			 ":3: ikenode.control.group: unknown group 'ikn-no-such-group-xyz'");
	unload(&l);
}
END_TEST

START_TEST(test_config_daemon_retransmit)
{
	/* strongSwan's documentation table for the defaults: seconds, rounded */
	static const unsigned int doc_s[] = { 4, 7, 13, 23, 42, 76 };
	/* Python: int(4.0 * 1000.0 * math.pow(1.8, n)) */
	static const uint32_t exact_ms[] = { 4000, 7200, 12960, 23328, 41990, 75582, 136048 };
	struct loaded l;
	double total = 0;

	load(&l, "");
	ck_assert_int_eq(l.rc, 0);
	for (unsigned int n = 0; n < ARRAY_SIZE(exact_ms); n++)
		ck_assert_uint_eq(config_daemon_retransmit_ms(l.cfg, n), exact_ms[n]);
	for (unsigned int n = 0; n < ARRAY_SIZE(doc_s); n++) {
		uint32_t ms = config_daemon_retransmit_ms(l.cfg, n);

		ck_assert_uint_eq((ms + 500) / 1000, doc_s[n]);
		total += ms / 1000.0;
	}
	/* "giving up" after 5 retransmits: 165 s absolute */
	ck_assert_uint_eq((unsigned int)total, 165);
	/* a huge try number saturates instead of overflowing */
	ck_assert_uint_eq(config_daemon_retransmit_ms(l.cfg, 1000), UINT32_MAX);
	ck_assert_uint_eq(config_daemon_jitter_ms(l.cfg, 4000, UINT32_MAX), 4000); /* jitter 0 */
	unload(&l);

	load(&l, "ikenode {\n retransmit_limit = 10\n retransmit_jitter = 20\n}\n");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(config_daemon_retransmit_ms(l.cfg, 0), 4000);
	ck_assert_uint_eq(config_daemon_retransmit_ms(l.cfg, 1), 7200);
	ck_assert_uint_eq(config_daemon_retransmit_ms(l.cfg, 2), 10000);
	ck_assert_uint_eq(config_daemon_retransmit_ms(l.cfg, 1000), 10000);
	/* timeout - random(0, 20% of timeout) */
	ck_assert_uint_eq(config_daemon_jitter_ms(l.cfg, 10000, 0), 10000);
	ck_assert_uint_eq(config_daemon_jitter_ms(l.cfg, 10000, 1u << 31), 9000);
	ck_assert_uint_eq(config_daemon_jitter_ms(l.cfg, 10000, UINT32_MAX), 8001);
	unload(&l);
}
END_TEST

/* An error in an included file is reported with that file's name and line. */
START_TEST(test_config_daemon_include_origin)
{
	char dir[] = "/tmp/ikn-dconf-XXXXXX", path[128], main_path[128];
	struct settings *s = NULL;
	struct daemon_cfg *cfg = NULL;
	char **lines = NULL;
	size_t n = 0;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/extra.conf", dir);
	snprintf(main_path, sizeof(main_path), "%s/ikenode.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# extra\n\nport = 99999\n", f);
	fclose(f);
	f = fopen(main_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("ikenode {\n\tinclude extra.conf\n}\n", f);
	fclose(f);

	ck_assert_int_eq(settings_parse_file(main_path, &s, NULL), 0);
	ck_assert_int_eq(config_daemon_load(settings_root(s), &cfg, &lines, &n), -EBADMSG);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(
		strstr(lines[0], "extra.conf:3: ikenode.port: '99999' is not a port"));
	config_daemon_free_errors(lines, n);
	settings_free(s);
	unlink(path);
	unlink(main_path);
	rmdir(dir);
}
END_TEST

Suite *config_daemon_suite(void)
{
	Suite *s = suite_create("config_daemon");
	TCase *tc = tcase_create("config_daemon");

	tcase_add_test(tc, test_config_daemon_input);
	tcase_add_loop_test(tc, test_config_daemon_defaults, 0, 4);
	tcase_add_test(tc, test_config_daemon_every_key);
	tcase_add_test(tc, test_config_daemon_spellings);
	tcase_add_loop_test(tc, test_config_daemon_fractions, 0, (int)ARRAY_SIZE(fractions));
	tcase_add_loop_test(tc, test_config_daemon_bad_values, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, test_config_daemon_many_errors);
	tcase_add_test(tc, test_config_daemon_unknown_warned);
	tcase_add_test(tc, test_config_daemon_group);
	tcase_add_test(tc, test_config_daemon_retransmit);
	tcase_add_test(tc, test_config_daemon_include_origin);
	suite_add_tcase(s, tc);
	return s;
}
