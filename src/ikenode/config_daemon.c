/*
 * ikenode.conf loader: one pass over the `ikenode` section and its known subsections, each key
 * looked up in a table that says its type, where it goes and its range; everything else is
 * reported as unknown. Validation only: no side effect but the group lookup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/settings.h"
#include "ikenode/config_daemon.h"

#define TOP_SECTION "ikenode"
#define MAX_SECONDS 86400u /* retransmit_timeout and retransmit_limit */
#define MAX_BASE 100.0

enum key_type {
	KT_ADDRS, /* char **listen, size_t n_listen */
	KT_PORT, /* uint16_t */
	KT_MS, /* uint32_t ms from decimal seconds in [min, max] ms */
	KT_BASE, /* double, 1 .. MAX_BASE */
	KT_U32, /* uint32_t in [min, max] */
	KT_JITTER, /* uint32_t percent, capped at CONFIG_DAEMON_JITTER_MAX */
	KT_TIME_S, /* uint32_t seconds, settings time syntax */
	KT_STR, /* char *, non-empty */
	KT_BOOL, /* bool */
	KT_BACKEND, /* char *, one of backends[] */
	KT_FILTER, /* int, enum config_daemon_filter */
	KT_IP, /* struct sockaddr_storage, an IPv4 or IPv6 address (port 0) */
	KT_SEGSET, /* uint64_t mask: all, none or a list of segment numbers (checked later) */
	KT_GROUP, /* gid_t */
	KT_TARGET, /* int, enum config_daemon_log_target */
	KT_LEVEL, /* int, a syslog priority name */
};

struct key_rule {
	const char *name;
	enum key_type type;
	size_t off;
	uint32_t min, max;
};

/* clang-format off */
#define K(n, t, f) { n, t, offsetof(struct daemon_cfg, f), 0, UINT32_MAX }
#define KR(n, t, f, lo, hi) { n, t, offsetof(struct daemon_cfg, f), lo, hi }
#define KLOG(n, i) \
	{ n, KT_LEVEL, offsetof(struct daemon_cfg, log_subsys_level) + (i) * sizeof(int), 0, 0 }
/* clang-format on */

static const struct key_rule top_keys[] = {
	K("listen", KT_ADDRS, listen),
	K("port", KT_PORT, port),
	K("port_nat_t", KT_PORT, port_natt),
	KR("retransmit_timeout", KT_MS, retransmit_timeout_ms, 1, MAX_SECONDS * 1000),
	K("retransmit_base", KT_BASE, retransmit_base),
	K("retransmit_tries", KT_U32, retransmit_tries),
	KR("retransmit_limit", KT_MS, retransmit_limit_ms, 0, MAX_SECONDS * 1000),
	KR("retransmit_jitter", KT_JITTER, retransmit_jitter, 0, 100),
	K("init_limit_half_open", KT_U32, half_open_limit),
	K("keep_alive", KT_TIME_S, keep_alive_s),
	K("keylog", KT_STR, keylog),
	K("swanctl_dir", KT_STR, swanctl_dir),
	K("swanctl_conf", KT_STR, swanctl_conf),
	K("listen_freebind", KT_BOOL, freebind),
	KR("workers", KT_U32, workers, 0, 256),
};

static const struct key_rule kernel_keys[] = {
	K("backend", KT_BACKEND, kernel_backend),
	K("tun", KT_STR, kernel_tun),
	KR("mtu", KT_U32, kernel_mtu, 576, 65535),
	KR("route_table", KT_U32, kernel_route_table, 1, 0x7fffffff),
	KR("fwmark", KT_U32, kernel_fwmark, 1, UINT32_MAX),
};

static const struct key_rule control_keys[] = {
	K("socket", KT_STR, ctl_socket),
	K("group", KT_GROUP, ctl_gid),
};

/* the subsystem names are log_tag_name()'s, in tag bit order */
static const struct key_rule log_keys[] = {
	K("target", KT_TARGET, log_target),
	K("file", KT_STR, log_file),
	K("level", KT_LEVEL, log_level),
	KLOG("ike", 0),
	KLOG("cfg", 1),
	KLOG("ha", 2),
	KLOG("seg", 3),
	KLOG("knl", 4),
	KLOG("ctl", 5),
	KLOG("net", 6),
};

static const struct key_rule ha_keys[] = {
	K("enabled", KT_BOOL, ha_enabled),
	KR("segments", KT_U32, segments, 0, 64),
	KR("node_id", KT_U32, node_id, 0, 65535),
	K("seed", KT_U32, segment_seed),
	K("filter", KT_FILTER, seg_filter),
	K("cluster_ip", KT_IP, cluster_ip),
	KR("queue", KT_U32, seg_queue, 0, 65535),
	K("nft_table", KT_STR, seg_nft_table),
	K("active", KT_SEGSET, seg_active),
};

static const struct section_rule {
	const char *name;
	const struct key_rule *keys;
	size_t n_keys;
} subsections[] = {
	{ "kernel", kernel_keys, ARRAY_SIZE(kernel_keys) },
	{ "control", control_keys, ARRAY_SIZE(control_keys) },
	{ "log", log_keys, ARRAY_SIZE(log_keys) },
	{ "ha", ha_keys, ARRAY_SIZE(ha_keys) },
};

static const char *const backends[] = { "null", "uesp", "xfrm" };
/* in enum config_daemon_filter order */
static const char *const filters[] = { "none", "nfqueue", "nft" };

/* "all", "none" or "0, 2, 5" (commas and/or blanks) into a mask; -EINVAL otherwise. */
static int parse_segset(const char *v, uint64_t *mask)
{
	uint64_t m = 0;

	if (!strcmp(v, "all")) {
		*mask = UINT64_MAX;
		return 0;
	}
	if (!strcmp(v, "none")) {
		*mask = 0;
		return 0;
	}
	while (*v) {
		char *end;
		unsigned long n;

		while (*v == ' ' || *v == ',' || *v == '\t')
			v++;
		if (!*v)
			break;
		if (*v < '0' || *v > '9')
			return -EINVAL;
		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno || n >= 64)
			return -EINVAL;
		m |= 1ull << n;
		v = end;
		if (*v && *v != ' ' && *v != ',' && *v != '\t')
			return -EINVAL;
	}
	*mask = m;
	return 0;
}

static const struct {
	const char *name;
	int level;
} levels[] = {
	{ "emerg", LOG_EMERG },	 { "alert", LOG_ALERT },   { "crit", LOG_CRIT },
	{ "err", LOG_ERR },	 { "error", LOG_ERR },	   { "warning", LOG_WARNING },
	{ "warn", LOG_WARNING }, { "notice", LOG_NOTICE }, { "info", LOG_INFO },
	{ "debug", LOG_DEBUG },	 { "trace", LOG_TRACE },
};

static const struct {
	const char *name;
	int target;
} targets[] = {
	{ "stderr", CONFIG_DAEMON_LOG_STDERR },
	{ "syslog", CONFIG_DAEMON_LOG_SYSLOG },
	{ "file", CONFIG_DAEMON_LOG_FILE },
};

struct loader {
	struct daemon_cfg *cfg;
	char ***lines;
	size_t *n_lines;
	size_t n_errors; /* lines that are errors, not warnings */
	int rc; /* -ENOMEM once an allocation failed */
};

__attribute__((format(printf, 4, 5))) static void
report(struct loader *ld, bool warning, const struct settings_origin *o, const char *fmt, ...)
{
	char msg[512], *line = NULL, **grown;
	va_list ap;
	int n;

	if (!warning)
		ld->n_errors++;
	if (ld->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o && o->file && o->line)
		n = asprintf(&line, "%s%s:%u: %s", warning ? "warning: " : "", o->file, o->line,
			     msg);
	else if (o && o->file)
		n = asprintf(&line, "%s%s: %s", warning ? "warning: " : "", o->file, msg);
	else
		n = asprintf(&line, "%s%s", warning ? "warning: " : "", msg);
	if (n < 0) {
		ld->rc = -ENOMEM;
		return;
	}
	grown = realloc(*ld->lines, (*ld->n_lines + 1) * sizeof(*grown));
	if (!grown) {
		free(line);
		ld->rc = -ENOMEM;
		return;
	}
	grown[(*ld->n_lines)++] = line;
	*ld->lines = grown;
}

static char *dup_or_fail(struct loader *ld, const char *s)
{
	char *d = strdup(s);

	if (!d)
		ld->rc = -ENOMEM;
	return d;
}

/*
 * Unsigned decimal without exponent or sign ("4", "4.5", ".5", "4."), independent of the
 * locale. At most 9 digits before and 9 after the point.
 */
static int parse_decimal(const char *s, double *out)
{
	uint64_t ip = 0, fp = 0, scale = 1;
	size_t ni = 0, nf = 0;

	for (; *s >= '0' && *s <= '9'; s++, ni++) {
		if (ni == 9)
			return -ERANGE;
		ip = ip * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nf++) {
			if (nf == 9)
				return -EBADMSG;
			fp = fp * 10 + (uint64_t)(*s - '0');
			scale *= 10;
		}
	}
	if (*s || (!ni && !nf))
		return -EBADMSG;
	*out = (double)ip + (double)fp / (double)scale;
	return 0;
}

static void set_str(struct loader *ld, char **dst, const char *value)
{
	char *d = dup_or_fail(ld, value);

	if (!d)
		return;
	free(*dst);
	*dst = d;
}

static void load_addrs(struct loader *ld, const char *path, const char *value,
		       const struct settings_origin *o)
{
	struct daemon_cfg *cfg = ld->cfg;
	char **items = NULL, **list = NULL;
	size_t n = 0, kept = 0, bad = 0;
	int rc;

	rc = settings_split_list(value, " ,", &items, &n);
	if (rc) {
		if (rc == -ENOMEM)
			ld->rc = rc;
		else
			report(ld, false, o, "%s: not a list of addresses", path);
		return;
	}
	if (!n) {
		report(ld, false, o, "%s: no address given", path);
		goto out;
	}
	list = calloc(n, sizeof(*list));
	if (!list) {
		ld->rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char a[16];
		bool dup = false;

		if (inet_pton(AF_INET, items[i], a) != 1 && inet_pton(AF_INET6, items[i], a) != 1) {
			report(ld, false, o, "%s: '%s' is not an IPv4 or IPv6 address", path,
			       items[i]);
			bad++;
			continue;
		}
		for (size_t k = 0; k < kept; k++)
			dup = dup || !strcmp(list[k], items[i]);
		if (dup) {
			report(ld, true, o, "%s: '%s' is listed twice", path, items[i]);
			continue;
		}
		list[kept] = dup_or_fail(ld, items[i]);
		if (!list[kept])
			goto out;
		kept++;
	}
	if (bad)
		goto out;
	for (size_t i = 0; i < cfg->n_listen; i++)
		free(cfg->listen[i]);
	free(cfg->listen);
	cfg->listen = list;
	cfg->n_listen = kept;
	list = NULL;
	kept = 0;
out:
	for (size_t i = 0; i < kept; i++)
		free(list[i]);
	free(list);
	free(items);
}

static void load_group(struct loader *ld, const char *path, const char *value,
		       const struct settings_origin *o, gid_t *out)
{
	struct group gr, *res = NULL;
	size_t len = 1024;
	char *buf = NULL, *end;
	unsigned long num;
	int rc;

	if (value[0] >= '0' && value[0] <= '9') {
		errno = 0;
		num = strtoul(value, &end, 10);
		if (*end || errno || num >= (unsigned long)(gid_t)-1)
			report(ld, false, o, "%s: '%s' is not a group name or number", path, value);
		else
			*out = (gid_t)num;
		return;
	}
	for (;;) {
		char *grown = realloc(buf, len);

		if (!grown) {
			ld->rc = -ENOMEM;
			goto out;
		}
		buf = grown;
		rc = getgrnam_r(value, &gr, buf, len, &res);
		if (rc != ERANGE || len >= (1u << 20))
			break;
		len *= 4;
	}
	if (res)
		*out = res->gr_gid;
	else if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM)
		report(ld, false, o, "%s: unknown group '%s'", path, value);
	else
		report(ld, false, o, "%s: cannot look up group '%s': %s", path, value,
		       strerror(rc));
out:
	free(buf);
}

static void load_kv(struct loader *ld, const struct key_rule *r, const char *path,
		    const struct settings_kv *kv)
{
	const struct settings_origin *o = settings_kv_origin(kv);
	const char *value = settings_kv_value(kv);
	void *dst = (char *)ld->cfg + r->off;
	int64_t i64;
	uint64_t u64;
	double d;
	bool b;
	int rc;

	/* `key =` is the default, as with the settings getters */
	if (!value)
		return;
	switch (r->type) {
	case KT_ADDRS:
		load_addrs(ld, path, value, o);
		break;
	case KT_PORT:
		rc = settings_value_int(value, &i64);
		if (rc || i64 < 0 || i64 > 65535)
			report(ld, false, o, "%s: '%s' is not a port (0 .. 65535)", path, value);
		else
			*(uint16_t *)dst = (uint16_t)i64;
		break;
	case KT_MS:
		rc = parse_decimal(value, &d);
		if (rc) {
			report(ld, false, o, "%s: '%s' is not a number of seconds (like 4 or 4.5)",
			       path, value);
			break;
		}
		d = round(d * 1000.0);
		if (d < r->min || d > r->max)
			report(ld, false, o, "%s: %s seconds is out of range (%g .. %g)", path,
			       value, r->min / 1000.0, r->max / 1000.0);
		else
			*(uint32_t *)dst = (uint32_t)d;
		break;
	case KT_BASE:
		rc = parse_decimal(value, &d);
		if (rc || d < 1.0 || d > MAX_BASE)
			report(ld, false, o, "%s: '%s' is not a number from 1 to %g", path, value,
			       MAX_BASE);
		else
			*(double *)dst = d;
		break;
	case KT_U32:
	case KT_JITTER:
		rc = settings_value_int(value, &i64);
		if (rc || i64 < r->min || i64 > r->max) {
			report(ld, false, o, "%s: '%s' is not an integer from %u to %u", path,
			       value, r->min, r->max);
			break;
		}
		if (r->type == KT_JITTER && i64 > CONFIG_DAEMON_JITTER_MAX) {
			report(ld, true, o, "%s: %" PRId64 "%% capped at %d%%", path, i64,
			       CONFIG_DAEMON_JITTER_MAX);
			i64 = CONFIG_DAEMON_JITTER_MAX;
		}
		*(uint32_t *)dst = (uint32_t)i64;
		break;
	case KT_TIME_S:
		rc = settings_value_time(value, &u64);
		if (rc || u64 > UINT32_MAX)
			report(ld, false, o, "%s: '%s' is not a time (seconds, or with s, m, h, d)",
			       path, value);
		else
			*(uint32_t *)dst = (uint32_t)u64;
		break;
	case KT_STR:
		if (!*value)
			report(ld, false, o, "%s: empty value", path);
		else
			set_str(ld, (char **)dst, value);
		break;
	case KT_BOOL:
		rc = settings_value_bool(value, &b);
		if (rc)
			report(ld, false, o, "%s: '%s' is not yes or no", path, value);
		else
			*(bool *)dst = b;
		break;
	case KT_BACKEND:
		for (size_t k = 0; k < ARRAY_SIZE(backends); k++) {
			if (!strcmp(value, backends[k])) {
				set_str(ld, (char **)dst, value);
				return;
			}
		}
		report(ld, false, o, "%s: unknown backend '%s' (null, uesp or xfrm)", path, value);
		break;
	case KT_FILTER:
		for (size_t k = 0; k < ARRAY_SIZE(filters); k++) {
			if (!strcmp(value, filters[k])) {
				*(int *)dst = (int)k;
				return;
			}
		}
		report(ld, false, o, "%s: unknown filter '%s' (none, nfqueue or nft)", path, value);
		break;
	case KT_IP: {
		struct sockaddr_storage *ss = dst;

		memset(ss, 0, sizeof(*ss));
		if (inet_pton(AF_INET, value, &((struct sockaddr_in *)ss)->sin_addr) == 1)
			ss->ss_family = AF_INET;
		else if (inet_pton(AF_INET6, value, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
			ss->ss_family = AF_INET6;
		else
			report(ld, false, o, "%s: '%s' is not an IPv4 or IPv6 address", path, value);
		break;
	}
	case KT_SEGSET:
		if (parse_segset(value, (uint64_t *)dst))
			report(ld, false, o,
			       "%s: '%s' is not all, none or a list of segment numbers (0 .. 63)",
			       path, value);
		else
			ld->cfg->seg_active_set = true;
		break;
	case KT_GROUP:
		load_group(ld, path, value, o, (gid_t *)dst);
		break;
	case KT_TARGET:
		for (size_t k = 0; k < ARRAY_SIZE(targets); k++) {
			if (!strcasecmp(value, targets[k].name)) {
				*(int *)dst = targets[k].target;
				return;
			}
		}
		report(ld, false, o, "%s: unknown target '%s' (stderr, syslog or file)", path,
		       value);
		break;
	case KT_LEVEL:
		for (size_t k = 0; k < ARRAY_SIZE(levels); k++) {
			if (!strcasecmp(value, levels[k].name)) {
				*(int *)dst = levels[k].level;
				return;
			}
		}
		report(ld, false, o,
		       "%s: unknown level '%s' (emerg, alert, crit, err, warning, notice, info, "
		       "debug, trace)",
		       path, value);
		break;
	}
}

/* The keys of one section; subsections other than the known ones (top only) are unknown. */
static void load_section(struct loader *ld, const struct settings_section *sec, const char *prefix,
			 const struct key_rule *keys, size_t n_keys, bool top)
{
	char path[256];

	for (size_t i = 0; i < settings_kv_count(sec); i++) {
		const struct settings_kv *kv = settings_kv_at(sec, i);
		const char *name = settings_kv_name(kv);
		size_t k;

		snprintf(path, sizeof(path), "%s.%s", prefix, name);
		for (k = 0; k < n_keys && strcmp(keys[k].name, name); k++)
			;
		if (k == n_keys)
			report(ld, true, settings_kv_origin(kv), "unknown key '%s'", path);
		else
			load_kv(ld, &keys[k], path, kv);
	}
	for (size_t i = 0; i < settings_section_count(sec); i++) {
		const struct settings_section *sub = settings_section_at(sec, i);
		const char *name = settings_section_name(sub);
		size_t k = ARRAY_SIZE(subsections);

		snprintf(path, sizeof(path), "%s.%s", prefix, name);
		if (top)
			for (k = 0;
			     k < ARRAY_SIZE(subsections) && strcmp(subsections[k].name, name); k++)
				;
		if (k == ARRAY_SIZE(subsections))
			report(ld, true, settings_section_origin(sub), "unknown section '%s'",
			       path);
		else
			load_section(ld, sub, path, subsections[k].keys, subsections[k].n_keys,
				     false);
	}
}

static int set_defaults(struct daemon_cfg *cfg)
{
	static const char *const any[] = { "0.0.0.0", "::" };

	cfg->listen = calloc(ARRAY_SIZE(any), sizeof(*cfg->listen));
	if (!cfg->listen)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(any); i++) {
		cfg->listen[i] = strdup(any[i]);
		if (!cfg->listen[i])
			return -ENOMEM;
		cfg->n_listen++;
	}
	cfg->port = 500;
	cfg->port_natt = 4500;
	cfg->retransmit_timeout_ms = 4000;
	cfg->retransmit_base = 1.8;
	cfg->retransmit_tries = 5;
	cfg->keep_alive_s = 20;
	cfg->swanctl_dir = strdup("/etc/swanctl");
	cfg->kernel_backend = strdup("null");
	cfg->ctl_socket = strdup("ikenode");
	if (!cfg->swanctl_dir || !cfg->kernel_backend || !cfg->ctl_socket)
		return -ENOMEM;
	cfg->ctl_gid = (gid_t)-1;
	cfg->log_target = CONFIG_DAEMON_LOG_SYSLOG;
	cfg->log_level = LOG_NOTICE;
	for (size_t i = 0; i < CONFIG_DAEMON_LOG_SUBSYS; i++)
		cfg->log_subsys_level[i] = -1;
	return 0;
}

/* Checks across keys, after every key is in. */
static void check_cfg(struct loader *ld, const struct settings_section *top)
{
	struct daemon_cfg *cfg = ld->cfg;
	const struct settings_kv *kv;

	if (cfg->port && cfg->port == cfg->port_natt) {
		kv = settings_find_kv(top, "port_nat_t");
		if (!kv)
			kv = settings_find_kv(top, "port");
		report(ld, false, kv ? settings_kv_origin(kv) : NULL,
		       TOP_SECTION ".port_nat_t: must differ from port (%u)", cfg->port);
	}
	if (cfg->seg_filter != CONFIG_DAEMON_FILTER_NONE && !cfg->cluster_ip.ss_family) {
		kv = settings_find_kv(top, "ha.filter");
		report(ld, false, kv ? settings_kv_origin(kv) : NULL,
		       TOP_SECTION ".ha.filter: a filter needs ha.cluster_ip");
	}
	if (cfg->seg_active_set && cfg->seg_active != UINT64_MAX &&
	    (cfg->seg_active >> config_daemon_segment_count(cfg))) {
		kv = settings_find_kv(top, "ha.active");
		report(ld, false, kv ? settings_kv_origin(kv) : NULL,
		       TOP_SECTION ".ha.active: a segment beyond the %u configured (0 .. %u)",
		       config_daemon_segment_count(cfg), config_daemon_segment_count(cfg) - 1);
	}
	if (cfg->log_target == CONFIG_DAEMON_LOG_FILE && !cfg->log_file) {
		kv = settings_find_kv(top, "log.target");
		report(ld, false, kv ? settings_kv_origin(kv) : NULL,
		       TOP_SECTION ".log.target: 'file' needs log.file");
	}
	if (!cfg->swanctl_conf && !ld->rc) {
		size_t len = strlen(cfg->swanctl_dir);
		const char *sep = len && cfg->swanctl_dir[len - 1] == '/' ? "" : "/";

		if (asprintf(&cfg->swanctl_conf, "%s%sswanctl.conf", cfg->swanctl_dir, sep) < 0) {
			cfg->swanctl_conf = NULL;
			ld->rc = -ENOMEM;
		}
	}
}

int config_daemon_load(const struct settings_section *root, struct daemon_cfg **out, char ***errors,
		       size_t *n_errors)
{
	struct loader ld = { .lines = errors, .n_lines = n_errors };
	const struct settings_section *top = NULL;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!root || !errors || !n_errors || (!*errors && *n_errors))
		return -EINVAL;
	ld.cfg = calloc(1, sizeof(*ld.cfg));
	if (!ld.cfg)
		return -ENOMEM;
	rc = set_defaults(ld.cfg);
	if (rc)
		goto out;

	for (size_t i = 0; i < settings_kv_count(root); i++) {
		const struct settings_kv *kv = settings_kv_at(root, i);

		report(&ld, true, settings_kv_origin(kv),
		       "unknown key '%s' (outside " TOP_SECTION " { })", settings_kv_name(kv));
	}
	for (size_t i = 0; i < settings_section_count(root); i++) {
		const struct settings_section *sec = settings_section_at(root, i);

		if (!strcmp(settings_section_name(sec), TOP_SECTION)) {
			top = sec;
			load_section(&ld, sec, TOP_SECTION, top_keys, ARRAY_SIZE(top_keys), true);
		} else {
			report(&ld, true, settings_section_origin(sec), "unknown section '%s'",
			       settings_section_name(sec));
		}
	}
	if (top)
		check_cfg(&ld, top);
	else
		check_cfg(&ld, root);
	rc = ld.rc ? ld.rc : ld.n_errors ? -EBADMSG : 0;
out:
	if (rc) {
		config_daemon_free(ld.cfg);
		return rc;
	}
	*out = ld.cfg;
	return 0;
}

void config_daemon_free(struct daemon_cfg *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_listen; i++)
		free(cfg->listen[i]);
	free(cfg->listen);
	free(cfg->keylog);
	free(cfg->swanctl_dir);
	free(cfg->swanctl_conf);
	free(cfg->kernel_backend);
	free(cfg->kernel_tun);
	free(cfg->seg_nft_table);
	free(cfg->ctl_socket);
	free(cfg->log_file);
	free(cfg);
}

void config_daemon_free_errors(char **errors, size_t n)
{
	if (!errors)
		return;
	for (size_t i = 0; i < n; i++)
		free(errors[i]);
	free(errors);
}

uint32_t config_daemon_retransmit_ms(const struct daemon_cfg *cfg, uint32_t try_n)
{
	double t;

	if (!cfg)
		return 0;
	/* strongSwan: (u_int32_t)(retransmit_timeout * 1000.0 * pow(retransmit_base, try)) */
	t = (double)cfg->retransmit_timeout_ms * pow(cfg->retransmit_base, (double)try_n);
	if (cfg->retransmit_limit_ms && t > cfg->retransmit_limit_ms)
		t = cfg->retransmit_limit_ms;
	if (!(t < (double)UINT32_MAX))
		return UINT32_MAX;
	return (uint32_t)t;
}

uint32_t config_daemon_jitter_ms(const struct daemon_cfg *cfg, uint32_t timeout_ms, uint32_t rnd)
{
	uint64_t max_jitter;

	if (!cfg || !cfg->retransmit_jitter)
		return timeout_ms;
	max_jitter = (uint64_t)timeout_ms * cfg->retransmit_jitter / 100;
	return timeout_ms - (uint32_t)((max_jitter * rnd) >> 32);
}

int config_daemon_log_level(const struct daemon_cfg *cfg, unsigned int tag)
{
	if (!cfg)
		return LOG_NOTICE;
	for (unsigned int i = 0; i < CONFIG_DAEMON_LOG_SUBSYS; i++)
		if (tag == 1u << i && cfg->log_subsys_level[i] >= 0)
			return cfg->log_subsys_level[i];
	return cfg->log_level;
}

unsigned int config_daemon_segment_count(const struct daemon_cfg *cfg)
{
	/* one node until the cluster membership says otherwise: twice one */
	return cfg && cfg->segments ? cfg->segments : 2;
}

uint64_t config_daemon_segment_active(const struct daemon_cfg *cfg)
{
	unsigned int n = config_daemon_segment_count(cfg);
	uint64_t all = n == 64 ? UINT64_MAX : (1ull << n) - 1;

	if (!cfg)
		return 0;
	return cfg->seg_active_set ? cfg->seg_active & all : all;
}
