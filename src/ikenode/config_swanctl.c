/*
 * The swanctl.conf loader: a settings tree in, plain config structs out (config_swanctl.h).
 * Value parsing follows strongSwan's vici_config.c (parse_time, parse_bytes, parse_ts,
 * parse_action, ...), ike_cfg.c (address lists), check_lifetimes() and config_sn() (defaults),
 * and swanctl's load_creds.c (shared secrets).
 */
#include "ikenode/config_swanctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/settings.h"
#include "ikenode/ike_msg.h"
#include "ikenode/proposal.h"

#define IKE_DEFAULT_PORT 500
#define IKE_DEFAULT_REKEY_TIME (4 * 60 * 60)
#define CHILD_DEFAULT_REKEY_TIME (1 * 60 * 60)
/* Longest value or name quoted in a message; longer ones are cut with "...". */
#define SHOW_MAX 64
/* Longest traffic selector or address item we parse (strongSwan's BUF_LEN is 512). */
#define ITEM_MAX 512
/* Longest path of a key in a message ("connections.<conn>.children.<child>.<key>"). */
#define PATH_MAX_LEN 512

/* ---- diagnostics ---- */

void config_diag_init(struct config_diag *diag)
{
	if (diag)
		memset(diag, 0, sizeof(*diag));
}

void config_diag_clear(struct config_diag *diag)
{
	if (!diag)
		return;
	for (size_t i = 0; i < diag->count; i++) {
		free(diag->items[i].file);
		free(diag->items[i].message);
	}
	free(diag->items);
	config_diag_init(diag);
}

__attribute__((format(printf, 5, 0))) static int diag_vadd(struct config_diag *diag,
							   enum config_severity severity,
							   const char *file, unsigned int line,
							   const char *fmt, va_list ap)
{
	struct config_diag_item *it;
	char *msg = NULL, *f = NULL;

	if (diag->count == diag->alloc) {
		size_t n = diag->alloc ? diag->alloc * 2 : 8;
		struct config_diag_item *items = realloc(diag->items, n * sizeof(*items));

		if (!items)
			return -ENOMEM;
		diag->items = items;
		diag->alloc = n;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return -ENOMEM;
	if (file && !(f = strdup(file))) {
		free(msg);
		return -ENOMEM;
	}
	it = &diag->items[diag->count++];
	it->severity = severity;
	it->file = f;
	it->line = line;
	it->message = msg;
	if (severity == CONFIG_ERROR)
		diag->errors++;
	return 0;
}

int config_diag_add(struct config_diag *diag, enum config_severity severity, const char *file,
		    unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (!diag || !fmt || (severity != CONFIG_WARNING && severity != CONFIG_ERROR))
		return -EINVAL;
	va_start(ap, fmt);
	rc = diag_vadd(diag, severity, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

int config_diag_format(const struct config_diag_item *it, char *buf, size_t len)
{
	const char *sev;
	int n;

	if (!it || !buf || !len || !it->message)
		return -EINVAL;
	sev = it->severity == CONFIG_ERROR ? "error" : "warning";
	if (it->file && it->line)
		n = snprintf(buf, len, "%s:%u: %s: %s", it->file, it->line, sev, it->message);
	else if (it->file)
		n = snprintf(buf, len, "%s: %s: %s", it->file, sev, it->message);
	else
		n = snprintf(buf, len, "%s: %s", sev, it->message);
	if (n < 0) {
		buf[0] = '\0';
		return -EINVAL;
	}
	return (size_t)n >= len ? -ENOBUFS : 0;
}

/*
 * A name or value for a message: printable ASCII as is, other bytes as \xNN, cut after
 * SHOW_MAX bytes of input. buf must hold SHOW_MAX * 4 + 4 bytes.
 */
#define SHOW_BUF (SHOW_MAX * 4 + 4)
static const char *show(char *buf, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (!s)
		return "(none)";
	for (i = 0; s[i] && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (s[i]) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* The loader's state: where problems go and the path of the section being read. */
struct ld {
	struct config_diag *diag;
	char path[PATH_MAX_LEN];
};

__attribute__((format(printf, 4, 5))) static int problem(struct ld *ld,
							 enum config_severity severity,
							 const struct settings_origin *o,
							 const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = diag_vadd(ld->diag, severity, o ? o->file : NULL, o ? o->line : 0, fmt, ap);
	va_end(ap);
	return rc;
}

/* Sets ld->path to "base.name" (name shown safely); returns the previous length to restore. */
static size_t path_push(struct ld *ld, const char *name)
{
	size_t len = strlen(ld->path);
	char sb[SHOW_BUF];

	snprintf(ld->path + len, sizeof(ld->path) - len, "%s%s", len ? "." : "", show(sb, name));
	return len;
}

static void path_pop(struct ld *ld, size_t len)
{
	ld->path[len] = '\0';
}

static int kv_problem(struct ld *ld, enum config_severity sev, const struct settings_kv *kv,
		      const char *what)
{
	char sb[SHOW_BUF];

	return problem(ld, sev, settings_kv_origin(kv), "%s.%s: %s", ld->path,
		       show(sb, settings_kv_name(kv)), what);
}

static int bad_value(struct ld *ld, const struct settings_kv *kv, const char *expected)
{
	char sb[SHOW_BUF], vb[SHOW_BUF];

	return problem(ld, CONFIG_ERROR, settings_kv_origin(kv), "%s.%s: invalid value '%s' (%s)",
		       ld->path, show(sb, settings_kv_name(kv)), show(vb, settings_kv_value(kv)),
		       expected);
}

static int sec_problem(struct ld *ld, enum config_severity sev, const struct settings_section *sec,
		       const char *what)
{
	char sb[SHOW_BUF];

	return problem(ld, sev, settings_section_origin(sec), "%s%s%s: %s", ld->path,
		       ld->path[0] ? "." : "", show(sb, settings_section_name(sec)), what);
}

static bool name_in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/* A key no rule took: "not supported, ignored" if strongSwan knows it, else unknown. */
static int unhandled_kv(struct ld *ld, const struct settings_kv *kv, const char *const *known,
			size_t n_known)
{
	if (name_in(settings_kv_name(kv), known, n_known))
		return kv_problem(ld, CONFIG_WARNING, kv, "not supported, ignored");
	return kv_problem(ld, CONFIG_WARNING, kv, "unknown key, ignored");
}

/* ---- value forms ---- */

/*
 * An unsigned number as strtoull(base 0) reads it, but without sign, leading space or overflow:
 * 0x/0X hex, a leading 0 octal, else decimal. *end is set past the digits.
 */
static bool parse_u64(const char *s, uint64_t *out, const char **end)
{
	unsigned int base = 10;
	uint64_t v = 0;
	const char *p = s;
	bool any = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
		p++;
		any = true;
	}
	for (;; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
		any = true;
	}
	if (!any)
		return false;
	*out = v;
	*end = p;
	return true;
}

static bool parse_uint_max(const char *s, uint64_t max, uint64_t *out)
{
	const char *end;

	return parse_u64(s, out, &end) && !*end && *out <= max;
}

/* vici's parse_time: a number, spaces, an optional unit s/m/h/d in any case. */
static bool parse_time(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v, mul = 1;

	if (!parse_u64(s, &v, &end))
		return false;
	while (*end == ' ')
		end++;
	switch (*end) {
	case 'd':
	case 'D':
		mul = 24 * 60 * 60;
		end++;
		break;
	case 'h':
	case 'H':
		mul = 60 * 60;
		end++;
		break;
	case 'm':
	case 'M':
		mul = 60;
		end++;
		break;
	case 's':
	case 'S':
		end++;
		break;
	default:
		break;
	}
	if (*end || v > UINT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

/* vici's parse_bytes: a number, spaces, an optional k/m/g (1024^n) in any case. */
static bool parse_count(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v, mul = 1;

	if (!parse_u64(s, &v, &end))
		return false;
	while (*end == ' ')
		end++;
	switch (*end) {
	case 'g':
	case 'G':
		mul = 1024ull * 1024 * 1024;
		end++;
		break;
	case 'm':
	case 'M':
		mul = 1024ull * 1024;
		end++;
		break;
	case 'k':
	case 'K':
		mul = 1024;
		end++;
		break;
	default:
		break;
	}
	if (*end || v > UINT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

/* vici's parse_bool map. */
static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "enabled", "1" };
	static const char *const no[] = { "no", "false", "disabled", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* vici's parse_action: 0 or -EBADMSG; trap|start is known but not supported (-ENOTSUP). */
static int parse_action(const char *s, enum config_action *out)
{
	static const struct {
		const char *name;
		enum config_action action;
	} map[] = {
		{ "start", CONFIG_ACTION_START }, { "restart", CONFIG_ACTION_START },
		{ "route", CONFIG_ACTION_TRAP },  { "trap", CONFIG_ACTION_TRAP },
		{ "none", CONFIG_ACTION_NONE },	  { "clear", CONFIG_ACTION_NONE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (!strcasecmp(s, map[i].name)) {
			*out = map[i].action;
			return 0;
		}
	}
	if (!strcmp(s, "trap|start") || !strcmp(s, "start|trap"))
		return -ENOTSUP;
	return -EBADMSG;
}

/* ---- addresses ---- */

/* host_create_from_string(): a '.' makes it IPv4, else IPv6. */
static int parse_ip(const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(s, '.'))
		return inet_pton(AF_INET, s, out) == 1 ? AF_INET : AF_UNSPEC;
	return inet_pton(AF_INET6, s, out) == 1 ? AF_INET6 : AF_UNSPEC;
}

static size_t family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* A prefix length: decimal digits only, at most bits. */
static bool parse_prefix(const char *s, unsigned int bits, uint8_t *out)
{
	unsigned int v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > bits)
			return false;
	}
	*out = (uint8_t)v;
	return true;
}

/* from with the host bits cleared, to with them set. */
static void subnet_range(uint8_t from[16], uint8_t to[16], size_t len, unsigned int prefix)
{
	for (size_t i = 0; i < len; i++) {
		unsigned int keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		from[i] &= mask;
		to[i] = from[i] | (uint8_t)~mask;
	}
	for (size_t i = len; i < 16; i++)
		from[i] = to[i] = 0;
}

/* "a/b": a an IP address, b a prefix; 0 with family, or -EBADMSG. */
static int parse_cidr(const char *s, uint8_t from[16], uint8_t to[16], uint8_t *prefix, int *family)
{
	const char *slash = strchr(s, '/');
	char host[ITEM_MAX];
	size_t n;

	if (!slash || (n = (size_t)(slash - s)) >= sizeof(host))
		return -EBADMSG;
	memcpy(host, s, n);
	host[n] = '\0';
	*family = parse_ip(host, from);
	if (*family == AF_UNSPEC ||
	    !parse_prefix(slash + 1, (unsigned int)family_len(*family) * 8, prefix))
		return -EBADMSG;
	subnet_range(from, to, family_len(*family), *prefix);
	return 0;
}

/* host_create_from_range(): "from-to", spaces around '-' allowed, to's family decides. */
static int parse_range(const char *s, uint8_t from[16], uint8_t to[16], int *family)
{
	const char *sep = strchr(s, '-'), *b;
	char lo[ITEM_MAX];
	size_t n;

	if (!sep)
		return -EBADMSG;
	for (b = sep + 1; *b == ' '; b++)
		;
	*family = parse_ip(b, to);
	for (n = (size_t)(sep - s); n > 0 && s[n - 1] == ' '; n--)
		;
	if (*family == AF_UNSPEC || n >= sizeof(lo))
		return -EBADMSG;
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (parse_ip(lo, from) != *family || memcmp(from, to, family_len(*family)) > 0)
		return -EBADMSG;
	return 0;
}

/* A DNS name: dot-separated labels of 1-63 letters, digits, '-', '_'; the last not numeric. */
static bool is_dns_name(const char *s)
{
	size_t len = strlen(s), label = 0;
	bool numeric = true;

	if (len && s[len - 1] == '.')
		len--;
	if (!len || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (!label)
				return false;
			label = 0;
			numeric = true;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		if (c < '0' || c > '9')
			numeric = false;
		if (++label > 63)
			return false;
	}
	return label && !numeric;
}

int config_addr_parse(const char *text, struct config_addr *out)
{
	struct config_addr a = { .text = text };

	if (!text || !out)
		return -EINVAL;
	if (!strcmp(text, "%any")) {
		a.kind = CONFIG_ADDR_ANY;
		a.family = AF_UNSPEC;
	} else if (!strcmp(text, "%any4") || !strcmp(text, "0.0.0.0")) {
		a.kind = CONFIG_ADDR_ANY;
		a.family = AF_INET;
	} else if (!strcmp(text, "%any6") || !strcmp(text, "::")) {
		a.kind = CONFIG_ADDR_ANY;
		a.family = AF_INET6;
	} else if (strchr(text, '/')) {
		if (parse_cidr(text, a.from, a.to, &a.prefix, &a.family))
			return -EBADMSG;
		a.kind = CONFIG_ADDR_SUBNET;
		memset(a.to, 0, sizeof(a.to));
	} else if ((a.family = parse_ip(text, a.from)) != AF_UNSPEC) {
		a.kind = CONFIG_ADDR_IP;
	} else if (strchr(text, '-') && parse_range(text, a.from, a.to, &a.family) == 0) {
		a.kind = CONFIG_ADDR_RANGE;
	} else if (is_dns_name(text)) {
		memset(a.from, 0, sizeof(a.from));
		memset(a.to, 0, sizeof(a.to));
		a.kind = CONFIG_ADDR_FQDN;
		a.family = AF_UNSPEC;
	} else {
		return -EBADMSG;
	}
	*out = a;
	return 0;
}

/* The address of sa as (family, bytes); an IPv4-mapped IPv6 address becomes IPv4. */
static int sockaddr_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, 16);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		memcpy(out, &s4->sin_addr, 4);
		return AF_INET;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		const uint8_t *b = s6->sin6_addr.s6_addr;

		if (!memcmp(b, mapped, sizeof(mapped))) {
			memcpy(out, b + 12, 4);
			return AF_INET;
		}
		memcpy(out, b, 16);
		return AF_INET6;
	}
	return AF_UNSPEC;
}

static bool addr_contains(const struct config_addr *a, int family, const uint8_t ip[16])
{
	size_t len = family_len(family);
	uint8_t lo[16], hi[16];

	switch (a->kind) {
	case CONFIG_ADDR_ANY:
		return a->family == AF_UNSPEC || a->family == family;
	case CONFIG_ADDR_IP:
		return a->family == family && !memcmp(a->from, ip, len);
	case CONFIG_ADDR_SUBNET:
		if (a->family != family)
			return false;
		memcpy(lo, a->from, 16);
		subnet_range(lo, hi, len, a->prefix);
		return memcmp(ip, lo, len) >= 0 && memcmp(ip, hi, len) <= 0;
	case CONFIG_ADDR_RANGE:
		return a->family == family && memcmp(ip, a->from, len) >= 0 &&
		       memcmp(ip, a->to, len) <= 0;
	case CONFIG_ADDR_FQDN:
	default:
		return false;
	}
}

bool config_addr_list_matches(const struct config_addr_list *l, const struct sockaddr *sa)
{
	uint8_t ip[16];
	int family;

	if (!l || !sa)
		return false;
	if (!l->count)
		return true;
	family = sockaddr_bytes(sa, ip);
	if (family == AF_UNSPEC)
		return false;
	for (size_t i = 0; i < l->count; i++)
		if (addr_contains(&l->items[i], family, ip))
			return true;
	return false;
}

/* ---- traffic selectors ---- */

/* IANA protocol numbers under their /etc/protocols names (and a few aliases). */
static const struct proto_name {
	const char *name;
	uint8_t num;
} proto_names[] = {
	{ "icmp", 1 },	     { "igmp", 2 },	    { "ipencap", 4 },	  { "tcp", 6 },
	{ "egp", 8 },	     { "udp", 17 },	    { "ipv6", 41 },	  { "ipv6-route", 43 },
	{ "ipv6-frag", 44 }, { "rsvp", 46 },	    { "gre", 47 },	  { "esp", 50 },
	{ "ah", 51 },	     { "ipv6-icmp", 58 },   { "ipv6-nonxt", 59 }, { "ipv6-opts", 60 },
	{ "ospf", 89 },	     { "ipip", 94 },	    { "pim", 103 },	  { "vrrp", 112 },
	{ "l2tp", 115 },     { "sctp", 132 },	    { "udplite", 136 },	  { "mpls-in-ip", 137 },
	{ "icmpv6", 58 },    { "ipv6-icmpv6", 58 },
};

/* Port numbers under their /etc/services names. */
static const struct port_name {
	const char *name;
	uint16_t port;
} port_names[] = {
	{ "ftp-data", 20 },	{ "ftp", 21 },		 { "ssh", 22 },
	{ "telnet", 23 },	{ "smtp", 25 },		 { "domain", 53 },
	{ "bootps", 67 },	{ "bootpc", 68 },	 { "tftp", 69 },
	{ "http", 80 },		{ "www", 80 },		 { "kerberos", 88 },
	{ "pop3", 110 },	{ "ntp", 123 },		 { "imap", 143 },
	{ "imap2", 143 },	{ "snmp", 161 },	 { "snmp-trap", 162 },
	{ "bgp", 179 },		{ "ldap", 389 },	 { "https", 443 },
	{ "isakmp", 500 },	{ "syslog", 514 },	 { "submission", 587 },
	{ "ldaps", 636 },	{ "imaps", 993 },	 { "pop3s", 995 },
	{ "openvpn", 1194 },	{ "l2tp", 1701 },	 { "pptp", 1723 },
	{ "radius", 1812 },	{ "radius-acct", 1813 }, { "nfs", 2049 },
	{ "mysql", 3306 },	{ "ipsec-nat-t", 4500 }, { "sip", 5060 },
	{ "postgresql", 5432 },
};

static const char *proto_to_name(uint8_t num)
{
	for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++)
		if (proto_names[i].num == num)
			return proto_names[i].name;
	return NULL;
}

static bool parse_proto(const char *s, uint8_t *out)
{
	uint64_t v;

	if (!*s || !strcmp(s, "any") || !strcmp(s, "%any")) {
		*out = 0;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++) {
		if (!strcasecmp(s, proto_names[i].name)) {
			*out = proto_names[i].num;
			return true;
		}
	}
	if (!parse_uint_max(s, 0xff, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

static bool parse_ports(const char *s, uint16_t *from, uint16_t *to)
{
	const char *end;
	uint64_t a, b;

	*from = 0;
	*to = 0xffff;
	if (!*s || !strcmp(s, "any") || !strcmp(s, "%any"))
		return true;
	if (!strcmp(s, "opaque") || !strcmp(s, "%opaque")) {
		*from = 0xffff;
		*to = 0;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(port_names); i++) {
		if (!strcmp(s, port_names[i].name)) {
			*from = *to = port_names[i].port;
			return true;
		}
	}
	if (!parse_u64(s, &a, &end) || a > 0xffff)
		return false;
	b = a;
	if (*end == '-' && (!parse_u64(end + 1, &b, &end) || b > 0xffff || b < a))
		return false;
	if (*end)
		return false;
	*from = (uint16_t)a;
	*to = (uint16_t)b;
	return true;
}

int config_ts_parse(const char *text, struct config_ts *out)
{
	struct config_ts ts = { .text = text, .port_to = 0xffff };
	char buf[ITEM_MAX], *pp, *close, *slash;
	uint8_t prefix;
	size_t n;

	if (!text || !out)
		return -EINVAL;
	n = strlen(text);
	if (n >= sizeof(buf))
		return -EBADMSG;
	memcpy(buf, text, n + 1);
	pp = strchr(buf, '[');
	if (pp) {
		*pp++ = '\0';
		close = strrchr(pp, ']');
		if (!close || close[1])
			return -EBADMSG;
		*close = '\0';
		slash = strchr(pp, '/');
		if (slash)
			*slash++ = '\0';
		if (!parse_proto(pp, &ts.proto) ||
		    !parse_ports(slash ? slash : "", &ts.port_from, &ts.port_to))
			return -EBADMSG;
		/* traffic_selector_create(): an ICMP type below 256 moves to the high byte */
		if (ts.proto == IPPROTO_ICMP || ts.proto == IPPROTO_ICMPV6) {
			if (ts.port_from < 256)
				ts.port_from = (uint16_t)(ts.port_from << 8);
			if (ts.port_to < 256)
				ts.port_to = (uint16_t)(ts.port_to << 8);
		}
	}
	if (!strcmp(buf, "dynamic")) {
		ts.dynamic = true;
		ts.family = AF_UNSPEC;
	} else if (strchr(buf, '-')) {
		if (parse_range(buf, ts.from, ts.to, &ts.family))
			return -EBADMSG;
	} else if (strchr(buf, '/')) {
		if (parse_cidr(buf, ts.from, ts.to, &prefix, &ts.family))
			return -EBADMSG;
	} else {
		ts.family = parse_ip(buf, ts.from);
		if (ts.family == AF_UNSPEC)
			return -EBADMSG;
		memcpy(ts.to, ts.from, 16);
	}
	*out = ts;
	return 0;
}

/* The prefix length if [from, to] is exactly a subnet, else -1. */
static int range_prefix(const uint8_t *from, const uint8_t *to, size_t len)
{
	size_t bits = len * 8, p = 0;

	while (p < bits) {
		uint8_t m = (uint8_t)(0x80 >> (p % 8));

		if ((from[p / 8] & m) != (to[p / 8] & m))
			break;
		p++;
	}
	for (size_t i = p; i < bits; i++) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));

		if ((from[i / 8] & m) || !(to[i / 8] & m))
			return -1;
	}
	return (int)p;
}

/* Appends to buf at *pos; false once truncated. */
__attribute__((format(printf, 4, 5))) static bool out_add(char *buf, size_t len, size_t *pos,
							  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	*pos += (size_t)n;
	return *pos < len;
}

/* print_icmp(): the type in the high byte, "type(code)" when there is a code. */
static bool out_icmp(char *buf, size_t len, size_t *pos, uint16_t port)
{
	unsigned int type = port >> 8, code = port & 0xff;

	if (code)
		return out_add(buf, len, pos, "%u(%u)", type, code);
	return out_add(buf, len, pos, "%u", type);
}

int config_ts_to_str(const struct config_ts *ts, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	bool icmp, ok = true;
	size_t pos = 0;
	int prefix;

	if (!ts || !buf || !len ||
	    (!ts->dynamic && ts->family != AF_INET && ts->family != AF_INET6))
		return -EINVAL;
	buf[0] = '\0';
	if (ts->dynamic) {
		ok = out_add(buf, len, &pos, "dynamic");
	} else {
		inet_ntop(ts->family, ts->from, a, sizeof(a));
		prefix = range_prefix(ts->from, ts->to, family_len(ts->family));
		if (prefix < 0) {
			inet_ntop(ts->family, ts->to, b, sizeof(b));
			ok = out_add(buf, len, &pos, "%s..%s", a, b);
		} else {
			ok = out_add(buf, len, &pos, "%s/%d", a, prefix);
		}
	}
	if (ts->proto == 0 && ts->port_from == 0 && ts->port_to == 0xffff)
		return ok ? 0 : -ENOBUFS;
	icmp = ts->proto == IPPROTO_ICMP || ts->proto == IPPROTO_ICMPV6;
	if (ts->proto && proto_to_name(ts->proto))
		ok = ok && out_add(buf, len, &pos, "[%s", proto_to_name(ts->proto));
	else
		ok = ok && out_add(buf, len, &pos, "[%u", (unsigned int)ts->proto);
	if (!(ts->port_from == 0 && ts->port_to == 0xffff)) {
		ok = ok && out_add(buf, len, &pos, "/");
		if (ts->port_from == ts->port_to && icmp)
			ok = ok && out_icmp(buf, len, &pos, ts->port_from);
		else if (ts->port_from == ts->port_to)
			ok = ok && out_add(buf, len, &pos, "%u", (unsigned int)ts->port_from);
		else if (ts->port_from == 0xffff && ts->port_to == 0)
			ok = ok && out_add(buf, len, &pos, "OPAQUE");
		else if (icmp)
			ok = ok && out_icmp(buf, len, &pos, ts->port_from) &&
			     out_add(buf, len, &pos, "-") && out_icmp(buf, len, &pos, ts->port_to);
		else
			ok = ok && out_add(buf, len, &pos, "%u-%u", (unsigned int)ts->port_from,
					   (unsigned int)ts->port_to);
	}
	ok = ok && out_add(buf, len, &pos, "]");
	return ok ? 0 : -ENOBUFS;
}

/* ---- lists ---- */

static int strlist_set(struct config_strlist *l, const char *value)
{
	char **items;
	size_t n;
	int rc = settings_split_list(value, ",", &items, &n);

	if (rc)
		return rc;
	free(l->items);
	l->items = items;
	l->count = n;
	return 0;
}

/* An empty (count 0), allocated list. */
static int strlist_empty(struct config_strlist *l)
{
	return strlist_set(l, "");
}

static int addr_list_set(struct ld *ld, const struct settings_kv *kv, struct config_addr_list *l,
			 const char *value)
{
	char sb[SHOW_BUF];
	int rc;

	free(l->items);
	l->items = NULL;
	l->count = 0;
	TRY(strlist_set(&l->raw, value));
	if (!l->raw.count)
		TRY(strlist_set(&l->raw, "%any"));
	l->items = calloc(l->raw.count, sizeof(*l->items));
	if (!l->items)
		return -ENOMEM;
	for (size_t i = 0; i < l->raw.count; i++) {
		if (config_addr_parse(l->raw.items[i], &l->items[l->count]) == 0) {
			l->count++;
			continue;
		}
		rc = problem(ld, CONFIG_ERROR, settings_kv_origin(kv),
			     "%s.%s: invalid address '%s' (an IP address, CIDR subnet, range "
			     "from-to, DNS name, %%any, %%any4 or %%any6)",
			     ld->path, settings_kv_name(kv), show(sb, l->raw.items[i]));
		TRY(rc);
	}
	return 0;
}

static int ts_list_set(struct ld *ld, const struct settings_kv *kv, struct config_ts_list *l,
		       const char *value)
{
	char sb[SHOW_BUF];
	int rc;

	free(l->items);
	l->items = NULL;
	l->count = 0;
	TRY(strlist_set(&l->raw, value));
	if (!l->raw.count)
		TRY(strlist_set(&l->raw, "dynamic"));
	l->items = calloc(l->raw.count, sizeof(*l->items));
	if (!l->items)
		return -ENOMEM;
	for (size_t i = 0; i < l->raw.count; i++) {
		if (config_ts_parse(l->raw.items[i], &l->items[l->count]) == 0) {
			l->count++;
			continue;
		}
		rc = problem(ld, CONFIG_ERROR, settings_kv_origin(kv),
			     "%s.%s: invalid traffic selector '%s' (dynamic, a subnet, address or "
			     "range from-to, optionally with [proto/port])",
			     ld->path, settings_kv_name(kv), show(sb, l->raw.items[i]));
		TRY(rc);
	}
	return 0;
}

/*
 * Proposals: kept as raw strings, each checked with proposal_list_parse(); at most
 * PROPOSAL_MAX in all (`default` counts two).
 */
static int proposals_set(struct ld *ld, const struct settings_kv *kv, struct config_strlist *l,
			 uint8_t protocol, const char *value)
{
	struct proposal *tmp;
	size_t total = 0;
	char err[128], sb[SHOW_BUF];
	int rc = 0;

	TRY(strlist_set(l, value));
	if (!l->count)
		TRY(strlist_set(l, "default"));
	tmp = malloc(PROPOSAL_MAX * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	for (size_t i = 0; rc == 0 && i < l->count; i++) {
		size_t got = 0;

		err[0] = '\0';
		rc = proposal_list_parse(protocol, l->items[i], tmp, PROPOSAL_MAX, &got, err,
					 sizeof(err));
		if (rc == -ENOMEM)
			break;
		if (rc) {
			rc = problem(ld, CONFIG_ERROR, settings_kv_origin(kv),
				     "%s.%s: invalid proposal '%s': %s", ld->path,
				     settings_kv_name(kv), show(sb, l->items[i]),
				     err[0] ? err : "not understood");
			if (rc)
				break;
			continue;
		}
		total += got;
		if (total > PROPOSAL_MAX) {
			rc = problem(ld, CONFIG_ERROR, settings_kv_origin(kv),
				     "%s.%s: more than %d proposals (default counts two)", ld->path,
				     settings_kv_name(kv), PROPOSAL_MAX);
			break;
		}
	}
	free(tmp);
	return rc;
}

/* ---- lifetimes (vici_config.c check_lifetimes) ---- */

struct lifetime {
	uint64_t rekey, life, rand;
	bool has_rekey, has_life, has_rand;
};

static uint64_t mul_1_1(uint64_t v)
{
	double d = (double)v * 1.1;

	return d >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)d;
}

static void lifetime_fill(struct lifetime *l, uint64_t def_rekey)
{
	if (!l->has_rekey)
		l->rekey = l->has_life ? (uint64_t)((double)l->life / 1.1) : def_rekey;
	if (!l->has_life)
		l->life = mul_1_1(l->rekey);
	if (!l->has_rand)
		l->rand = l->life - (l->life < l->rekey ? l->life : l->rekey);
}

/* ---- connections ---- */

/* The keys we read; with no value (`key =`) they count as not set. */
static const char *const conn_keys[] = {
	"version",   "local_addrs", "remote_addrs", "local_port", "remote_port",
	"proposals", "dpd_delay",   "reauth_time",  "rekey_time", "over_time",
	"rand_time", "encap",	    "mobike",
};

static const char *const child_keys[] = {
	"local_ts",	"remote_ts",	 "esp_proposals", "mode",
	"start_action", "dpd_action",	 "close_action",  "rekey_time",
	"life_time",	"rand_time",	 "rekey_bytes",	  "life_bytes",
	"rand_bytes",	"rekey_packets", "life_packets",  "rand_packets",
	"replay_window",
};

static const char *const conn_unsupported[] = {
	"aggressive", "pull",	      "dscp",		"dpd_timeout", "fragmentation",
	"childless",  "send_certreq", "send_cert",	"ocsp",	       "keyingtries",
	"unique",     "ppk_id",	      "ppk_required",	"if_id_in",    "if_id_out",
	"mediation",  "mediated_by",  "mediation_peer", "vips",	       "pools",
};

static const char *const auth_unsupported[] = {
	"aaa_id",      "eap_id",     "xauth_id", "ca_id",   "groups",
	"cert_policy", "revocation", "round",	 "pubkeys",
};

/* replay_window: packets, 0 (no replay check) .. CONFIG_REPLAY_WINDOW_MAX */
static int set_replay_window(struct ld *ld, const struct settings_kv *kv, const char *v,
			     uint32_t *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n > CONFIG_REPLAY_WINDOW_MAX)
		return bad_value(ld, kv, "a number of packets from 0 to 4096");
	*out = (uint32_t)n;
	return 0;
}

static const char *const child_unsupported[] = {
	"ah_proposals",	 "updown",     "hostaccess",  "policies",     "policies_fwd_out",
	"ipcomp",        "inactivity",  "reqid",	      "mark_in",
	"mark_in_sa",	 "mark_out",   "set_mark_in", "set_mark_out", "tfc_padding",
	"priority",	 "interface",  "hw_offload",  "sha256_96",    "copy_df",
	"copy_ecn",	 "copy_dscp",  "icmp",	      "if_id_in",     "if_id_out",
	"label",	 "label_mode", "per_cpu_sas",
};

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int load_auth(struct ld *ld, const struct settings_section *sec, struct config_auth *a)
{
	const struct settings_origin *o = settings_section_origin(sec);
	char sb[SHOW_BUF];
	int rc;

	a->name = strdup(settings_section_name(sec));
	a->auth = strdup("pubkey");
	a->file = o->file ? strdup(o->file) : NULL;
	a->line = o->line;
	a->class_ = CONFIG_AUTH_PUBKEY;
	if (!a->name || !a->auth || (o->file && !a->file))
		return -ENOMEM;
	TRY(strlist_empty(&a->certs));
	TRY(strlist_empty(&a->cacerts));
	for (size_t i = 0; i < settings_kv_count(sec); i++) {
		const struct settings_kv *kv = settings_kv_at(sec, i);
		const char *name = settings_kv_name(kv), *v = settings_kv_value(kv);

		rc = 0;
		if (!strcmp(name, "auth") && v) {
			if (!strcasecmp(v, "psk")) {
				a->class_ = CONFIG_AUTH_PSK;
			} else if (has_prefix(v, "ike:") || has_prefix(v, "pubkey") ||
				   has_prefix(v, "rsa") || has_prefix(v, "ecdsa")) {
				a->class_ = CONFIG_AUTH_PUBKEY;
			} else if (has_prefix_ci(v, "eap") || has_prefix_ci(v, "xauth")) {
				rc = problem(ld, CONFIG_ERROR, settings_kv_origin(kv),
					     "%s.auth: '%s' is not supported (psk or pubkey)",
					     ld->path, show(sb, v));
				TRY(rc);
				continue;
			} else {
				TRY(bad_value(ld, kv, "psk, pubkey, rsa, ecdsa or ike:..."));
				continue;
			}
			free(a->auth);
			if (!(a->auth = strdup(v)))
				return -ENOMEM;
		} else if (!strcmp(name, "id") && v) {
			free(a->id);
			if (!(a->id = strdup(v)))
				return -ENOMEM;
		} else if (!strcmp(name, "certs") && v) {
			rc = strlist_set(&a->certs, v);
		} else if (!strcmp(name, "cacerts") && v) {
			rc = strlist_set(&a->cacerts, v);
		} else if (!strcmp(name, "auth") || !strcmp(name, "id") || !strcmp(name, "certs") ||
			   !strcmp(name, "cacerts")) {
			continue; /* `key =`: as if not set */
		} else {
			rc = unhandled_kv(ld, kv, auth_unsupported, ARRAY_SIZE(auth_unsupported));
		}
		TRY(rc);
	}
	for (size_t i = 0; i < settings_section_count(sec); i++) {
		const struct settings_section *sub = settings_section_at(sec, i);
		const char *name = settings_section_name(sub);

		if (has_prefix_ci(name, "cert") || has_prefix_ci(name, "cacert"))
			rc = sec_problem(ld, CONFIG_WARNING, sub, "not supported, ignored");
		else
			rc = sec_problem(ld, CONFIG_WARNING, sub, "unknown section, ignored");
		TRY(rc);
	}
	return 0;
}

static int set_time(struct ld *ld, const struct settings_kv *kv, uint64_t *out, bool *has)
{
	if (parse_time(settings_kv_value(kv), out)) {
		if (has)
			*has = true;
		return 0;
	}
	return bad_value(ld, kv, "a number of seconds with an optional unit s, m, h or d");
}

static int set_count(struct ld *ld, const struct settings_kv *kv, uint64_t *out, bool *has)
{
	if (parse_count(settings_kv_value(kv), out)) {
		*has = true;
		return 0;
	}
	return bad_value(ld, kv, "a number with an optional unit k, m or g");
}

static int set_action(struct ld *ld, const struct settings_kv *kv, enum config_action *out)
{
	int rc = parse_action(settings_kv_value(kv), out);

	if (rc == -ENOTSUP)
		return kv_problem(ld, CONFIG_ERROR, kv, "trap|start is not supported");
	if (rc)
		return bad_value(ld, kv, "none, trap or start (or clear, route, restart)");
	return 0;
}

static int load_child(struct ld *ld, const struct settings_section *sec, struct child_cfg *c)
{
	struct lifetime t = { 0 }, b = { 0 }, p = { 0 };
	bool has_local = false, has_remote = false, has_esp = false;

	c->name = strdup(settings_section_name(sec));
	if (!c->name)
		return -ENOMEM;
	c->mode = CONFIG_MODE_TUNNEL;
	c->replay_window = CONFIG_REPLAY_WINDOW_DEFAULT;
	c->start_action = c->dpd_action = c->close_action = CONFIG_ACTION_NONE;
	for (size_t i = 0; i < settings_kv_count(sec); i++) {
		const struct settings_kv *kv = settings_kv_at(sec, i);
		const char *name = settings_kv_name(kv), *v = settings_kv_value(kv);
		int rc = 0;

		if (!v && name_in(name, child_keys, ARRAY_SIZE(child_keys)))
			continue; /* `key =`: as if not set */
		if (!v) {
			rc = unhandled_kv(ld, kv, child_unsupported, ARRAY_SIZE(child_unsupported));
		} else if (!strcmp(name, "local_ts")) {
			rc = ts_list_set(ld, kv, &c->local_ts, v);
			has_local = true;
		} else if (!strcmp(name, "remote_ts")) {
			rc = ts_list_set(ld, kv, &c->remote_ts, v);
			has_remote = true;
		} else if (!strcmp(name, "esp_proposals")) {
			rc = proposals_set(ld, kv, &c->esp_proposals, IKE_PROTO_ESP, v);
			has_esp = true;
		} else if (!strcmp(name, "mode")) {
			if (!strcasecmp(v, "tunnel"))
				c->mode = CONFIG_MODE_TUNNEL;
			else if (!strcasecmp(v, "transport"))
				c->mode = CONFIG_MODE_TRANSPORT;
			else if (!strcasecmp(v, "transport_proxy") || !strcasecmp(v, "iptfs") ||
				 !strcasecmp(v, "beet") || !strcasecmp(v, "drop") ||
				 !strcasecmp(v, "pass"))
				rc = bad_value(ld, kv, "not supported; tunnel or transport");
			else
				rc = bad_value(ld, kv, "tunnel or transport");
		} else if (!strcmp(name, "start_action")) {
			rc = set_action(ld, kv, &c->start_action);
		} else if (!strcmp(name, "dpd_action")) {
			rc = set_action(ld, kv, &c->dpd_action);
		} else if (!strcmp(name, "close_action")) {
			rc = set_action(ld, kv, &c->close_action);
		} else if (!strcmp(name, "replay_window")) {
			rc = set_replay_window(ld, kv, v, &c->replay_window);
		} else if (!strcmp(name, "rekey_time")) {
			rc = set_time(ld, kv, &t.rekey, &t.has_rekey);
		} else if (!strcmp(name, "life_time")) {
			rc = set_time(ld, kv, &t.life, &t.has_life);
		} else if (!strcmp(name, "rand_time")) {
			rc = set_time(ld, kv, &t.rand, &t.has_rand);
		} else if (!strcmp(name, "rekey_bytes")) {
			rc = set_count(ld, kv, &b.rekey, &b.has_rekey);
		} else if (!strcmp(name, "life_bytes")) {
			rc = set_count(ld, kv, &b.life, &b.has_life);
		} else if (!strcmp(name, "rand_bytes")) {
			rc = set_count(ld, kv, &b.rand, &b.has_rand);
		} else if (!strcmp(name, "rekey_packets")) {
			rc = set_count(ld, kv, &p.rekey, &p.has_rekey);
		} else if (!strcmp(name, "life_packets")) {
			rc = set_count(ld, kv, &p.life, &p.has_life);
		} else if (!strcmp(name, "rand_packets")) {
			rc = set_count(ld, kv, &p.rand, &p.has_rand);
		} else {
			rc = unhandled_kv(ld, kv, child_unsupported, ARRAY_SIZE(child_unsupported));
		}
		TRY(rc);
	}
	for (size_t i = 0; i < settings_section_count(sec); i++)
		TRY(sec_problem(ld, CONFIG_WARNING, settings_section_at(sec, i),
				"unknown section, ignored"));
	if (!has_local)
		TRY(ts_list_set(ld, NULL, &c->local_ts, "dynamic"));
	if (!has_remote)
		TRY(ts_list_set(ld, NULL, &c->remote_ts, "dynamic"));
	if (!has_esp)
		TRY(strlist_set(&c->esp_proposals, "default"));
	lifetime_fill(&t, CHILD_DEFAULT_REKEY_TIME);
	lifetime_fill(&b, 0);
	lifetime_fill(&p, 0);
	c->rekey_time = t.rekey;
	c->life_time = t.life;
	c->rand_time = t.rand;
	c->rekey_bytes = b.rekey;
	c->life_bytes = b.life;
	c->rand_bytes = b.rand;
	c->rekey_packets = p.rekey;
	c->life_packets = p.life;
	c->rand_packets = p.rand;
	return 0;
}

static int load_children(struct ld *ld, const struct settings_section *sec, struct conn_cfg *c)
{
	size_t n = settings_section_count(sec), len;
	int rc = 0;

	for (size_t i = 0; i < settings_kv_count(sec); i++)
		TRY(kv_problem(ld, CONFIG_WARNING, settings_kv_at(sec, i),
			       "unknown key, ignored (children are sections)"));
	if (!n)
		return 0;
	/* a second children section (names compare case-insensitively) adds to the first */
	{
		struct child_cfg *grown = realloc(c->children, (c->n_children + n) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		memset(grown + c->n_children, 0, n * sizeof(*grown));
		c->children = grown;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct settings_section *sub = settings_section_at(sec, i);

		len = path_push(ld, settings_section_name(sub));
		rc = load_child(ld, sub, &c->children[c->n_children++]);
		path_pop(ld, len);
	}
	return rc;
}

/* Appends one auth round to *arr. */
static int auth_append(struct config_auth **arr, size_t *n, struct config_auth **out)
{
	struct config_auth *a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a)
		return -ENOMEM;
	*arr = a;
	*out = memset(&a[(*n)++], 0, sizeof(*a));
	return 0;
}

static int load_conn(struct ld *ld, const struct settings_section *sec, struct conn_cfg *c)
{
	const struct settings_origin *o = settings_section_origin(sec);
	bool has_rekey = false, has_reauth = false, has_over = false, has_rand = false;
	bool has_local = false, has_remote = false, has_props = false;
	uint64_t v;
	size_t len;
	int rc = 0;

	c->name = strdup(settings_section_name(sec));
	c->file = o->file ? strdup(o->file) : NULL;
	if (!c->name || (o->file && !c->file))
		return -ENOMEM;
	c->line = o->line;
	c->version = 2;
	c->local_port = c->remote_port = IKE_DEFAULT_PORT;
	c->mobike = true;
	for (size_t i = 0; i < settings_kv_count(sec); i++) {
		const struct settings_kv *kv = settings_kv_at(sec, i);
		const char *name = settings_kv_name(kv), *val = settings_kv_value(kv);

		if (!val && name_in(name, conn_keys, ARRAY_SIZE(conn_keys)))
			continue; /* `key =`: as if not set */
		if (!val) {
			rc = unhandled_kv(ld, kv, conn_unsupported, ARRAY_SIZE(conn_unsupported));
		} else if (!strcmp(name, "version")) {
			if (!parse_uint_max(val, UINT32_MAX, &v))
				rc = bad_value(ld, kv, "0 or 2");
			else if (v == 1)
				rc = kv_problem(ld, CONFIG_ERROR, kv, "IKEv1 is not supported");
			else if (v != 0 && v != 2)
				rc = bad_value(ld, kv, "0 or 2");
		} else if (!strcmp(name, "local_addrs")) {
			rc = addr_list_set(ld, kv, &c->local_addrs, val);
			has_local = true;
		} else if (!strcmp(name, "remote_addrs")) {
			rc = addr_list_set(ld, kv, &c->remote_addrs, val);
			has_remote = true;
		} else if (!strcmp(name, "local_port") || !strcmp(name, "remote_port")) {
			if (!parse_uint_max(val, 0xffff, &v))
				rc = bad_value(ld, kv, "a UDP port, 0-65535");
			else if (name[0] == 'l')
				c->local_port = v ? (uint16_t)v : IKE_DEFAULT_PORT;
			else
				c->remote_port = v ? (uint16_t)v : IKE_DEFAULT_PORT;
		} else if (!strcmp(name, "proposals")) {
			rc = proposals_set(ld, kv, &c->proposals, IKE_PROTO_IKE, val);
			has_props = true;
		} else if (!strcmp(name, "dpd_delay")) {
			rc = set_time(ld, kv, &c->dpd_delay, NULL);
		} else if (!strcmp(name, "reauth_time")) {
			rc = set_time(ld, kv, &c->reauth_time, &has_reauth);
		} else if (!strcmp(name, "rekey_time")) {
			rc = set_time(ld, kv, &c->rekey_time, &has_rekey);
		} else if (!strcmp(name, "over_time")) {
			rc = set_time(ld, kv, &c->over_time, &has_over);
		} else if (!strcmp(name, "rand_time")) {
			rc = set_time(ld, kv, &c->rand_time, &has_rand);
		} else if (!strcmp(name, "encap") || !strcmp(name, "mobike")) {
			if (!parse_bool(val, name[0] == 'e' ? &c->encap : &c->mobike))
				rc = bad_value(ld, kv, "yes or no");
		} else {
			rc = unhandled_kv(ld, kv, conn_unsupported, ARRAY_SIZE(conn_unsupported));
		}
		TRY(rc);
	}
	for (size_t i = 0; i < settings_section_count(sec); i++) {
		const struct settings_section *sub = settings_section_at(sec, i);
		const char *name = settings_section_name(sub);
		struct config_auth *a;

		len = path_push(ld, name);
		if (!strcasecmp(name, "children")) {
			rc = load_children(ld, sub, c);
		} else if (has_prefix_ci(name, "local") || has_prefix_ci(name, "remote")) {
			bool local = has_prefix_ci(name, "local");

			rc = local ? auth_append(&c->local, &c->n_local, &a)
				   : auth_append(&c->remote, &c->n_remote, &a);
			if (rc == 0)
				rc = load_auth(ld, sub, a);
		} else {
			path_pop(ld, len);
			rc = sec_problem(ld, CONFIG_WARNING, sub, "unknown section, ignored");
		}
		path_pop(ld, len);
		TRY(rc);
	}
	if (!has_local)
		TRY(addr_list_set(ld, NULL, &c->local_addrs, "%any"));
	if (!has_remote)
		TRY(addr_list_set(ld, NULL, &c->remote_addrs, "%any"));
	if (!has_props)
		TRY(strlist_set(&c->proposals, "default"));
	/* config_sn(): rekey 4h unless rekey or reauth is set; over and rand from them */
	if (!has_rekey && !has_reauth)
		c->rekey_time = IKE_DEFAULT_REKEY_TIME;
	if (!has_over)
		c->over_time =
			(c->rekey_time > c->reauth_time ? c->rekey_time : c->reauth_time) / 10;
	if (!has_rand) {
		uint64_t base;

		if (c->rekey_time && c->reauth_time)
			base = c->rekey_time < c->reauth_time ? c->rekey_time : c->reauth_time;
		else
			base = c->rekey_time > c->reauth_time ? c->rekey_time : c->reauth_time;
		base /= 2;
		c->rand_time = c->over_time < base ? c->over_time : base;
	}
	return 0;
}

static int load_conns(struct ld *ld, const struct settings_section *sec, struct config *cfg)
{
	size_t n = settings_section_count(sec), len;
	int rc = 0;

	for (size_t i = 0; i < settings_kv_count(sec); i++)
		TRY(kv_problem(ld, CONFIG_WARNING, settings_kv_at(sec, i),
			       "unknown key, ignored (connections are sections)"));
	if (!n)
		return 0;
	cfg->conns = calloc(n, sizeof(*cfg->conns));
	if (!cfg->conns)
		return -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct settings_section *sub = settings_section_at(sec, i);

		len = path_push(ld, settings_section_name(sub));
		cfg->n_conns++;
		rc = load_conn(ld, sub, &cfg->conns[i]);
		path_pop(ld, len);
	}
	return rc;
}

/* ---- secrets ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* chunk_from_hex(): ':' separators allowed, an odd count gets a leading zero nibble. */
static int decode_hex(const char *s, struct secret *out)
{
	size_t digits = 0, i, o;
	bool high;

	for (i = 0; s[i]; i++) {
		if (s[i] == ':')
			continue;
		if (hex_digit(s[i]) < 0)
			return -EBADMSG;
		digits++;
	}
	if (!digits)
		return -EBADMSG;
	TRY(secret_alloc(out, (digits + 1) / 2));
	high = digits % 2 == 0;
	for (i = 0, o = 0; s[i]; i++) {
		if (s[i] == ':')
			continue;
		if (high) {
			out->ptr[o] = (uint8_t)(hex_digit(s[i]) << 4);
		} else {
			out->ptr[o] |= (uint8_t)hex_digit(s[i]);
			o++;
		}
		high = !high;
	}
	return 0;
}

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/*
 * chunk_from_base64(): complete groups of four only (*ignored gets the count of trailing
 * characters left out); '=' only as padding at the end of the last group.
 */
static int decode_b64(const char *s, struct secret *out, size_t *ignored)
{
	size_t len = strlen(s), groups = len / 4, used = groups * 4, pad = 0;
	uint8_t *tmp;
	int n;

	*ignored = len - used;
	if (!groups)
		return -EBADMSG;
	if (s[used - 1] == '=')
		pad = s[used - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < used - pad; i++)
		if (!is_b64(s[i]))
			return -EBADMSG;
	for (size_t i = used; i < len; i++)
		if (!is_b64(s[i]) && s[i] != '=')
			return -EBADMSG;
	if (groups * 3 - pad == 0)
		return -EBADMSG;
	tmp = malloc(groups * 3);
	if (!tmp)
		return -ENOMEM;
	n = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)used);
	if (n < 0 || (size_t)n != groups * 3) {
		OPENSSL_cleanse(tmp, groups * 3);
		free(tmp);
		return -EBADMSG;
	}
	n = secret_dup(out, tmp, groups * 3 - pad);
	OPENSSL_cleanse(tmp, groups * 3);
	free(tmp);
	return n;
}

static int set_secret(struct ld *ld, const struct settings_kv *kv, struct secret *out)
{
	const char *v = settings_kv_value(kv);
	size_t ignored = 0;
	int rc;

	secret_free(out);
	if (!strncasecmp(v, "0x", 2)) {
		rc = decode_hex(v + 2, out);
		if (rc == -EBADMSG)
			return kv_problem(
				ld, CONFIG_ERROR, kv,
				"invalid hex secret (0x followed by hex digits, ':' allowed)");
	} else if (!strncasecmp(v, "0s", 2)) {
		rc = decode_b64(v + 2, out, &ignored);
		if (rc == -EBADMSG)
			return kv_problem(ld, CONFIG_ERROR, kv,
					  "invalid base64 secret (0s followed by base64)");
		if (rc == 0 && ignored) {
			char msg[128];

			snprintf(msg, sizeof(msg),
				 "last %zu base64 characters ignored, as strongSwan does", ignored);
			rc = kv_problem(ld, CONFIG_WARNING, kv, msg);
		}
	} else if (!*v) {
		return kv_problem(ld, CONFIG_ERROR, kv, "empty secret");
	} else {
		rc = secret_dup(out, v, strlen(v));
	}
	return rc;
}

static int load_ike_secret(struct ld *ld, const struct settings_section *sec, struct ike_secret *s)
{
	size_t n_ids = 0, bytes = 0;
	bool has_secret = false;
	char *p;

	s->name = strdup(settings_section_name(sec));
	if (!s->name)
		return -ENOMEM;
	for (size_t i = 0; i < settings_kv_count(sec); i++) {
		const struct settings_kv *kv = settings_kv_at(sec, i);

		if (has_prefix(settings_kv_name(kv), "id") && settings_kv_value(kv)) {
			n_ids++;
			bytes += strlen(settings_kv_value(kv)) + 1;
		}
	}
	/* one allocation, like settings_split_list() makes */
	s->ids.items = malloc((n_ids + 1) * sizeof(char *) + bytes);
	if (!s->ids.items)
		return -ENOMEM;
	p = (char *)(s->ids.items + n_ids + 1);
	for (size_t i = 0; i < settings_kv_count(sec); i++) {
		const struct settings_kv *kv = settings_kv_at(sec, i);
		const char *name = settings_kv_name(kv), *v = settings_kv_value(kv);

		if (has_prefix(name, "id")) {
			if (!v)
				continue;
			s->ids.items[s->ids.count++] = strcpy(p, v);
			p += strlen(v) + 1;
		} else if (!strcmp(name, "secret")) {
			if (!v)
				continue;
			has_secret = true;
			TRY(set_secret(ld, kv, &s->secret));
		} else {
			TRY(kv_problem(ld, CONFIG_WARNING, kv, "unknown key, ignored"));
		}
	}
	s->ids.items[s->ids.count] = NULL;
	for (size_t i = 0; i < settings_section_count(sec); i++)
		TRY(sec_problem(ld, CONFIG_WARNING, settings_section_at(sec, i),
				"unknown section, ignored"));
	if (!has_secret)
		TRY(problem(ld, CONFIG_ERROR, settings_section_origin(sec), "%s: missing secret",
			    ld->path));
	return 0;
}

static int load_secrets(struct ld *ld, const struct settings_section *sec, struct config *cfg)
{
	static const char *const unsupported[] = { "eap", "xauth", "ntlm",  "ppk",    "private",
						   "rsa", "ecdsa", "pkcs8", "pkcs12", "token" };
	size_t n = settings_section_count(sec), len;
	int rc = 0;

	for (size_t i = 0; i < settings_kv_count(sec); i++)
		TRY(kv_problem(ld, CONFIG_WARNING, settings_kv_at(sec, i),
			       "unknown key, ignored (secrets are sections)"));
	if (!n)
		return 0;
	cfg->secrets = calloc(n, sizeof(*cfg->secrets));
	if (!cfg->secrets)
		return -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct settings_section *sub = settings_section_at(sec, i);
		const char *name = settings_section_name(sub);
		bool known = false;

		/* load_creds.c checks eap, xauth, ntlm before ike: "eapike" is an EAP secret */
		for (size_t k = 0; k < 3; k++)
			known = known || has_prefix(name, unsupported[k]);
		if (!known && has_prefix(name, "ike")) {
			len = path_push(ld, name);
			rc = load_ike_secret(ld, sub, &cfg->secrets[cfg->n_secrets++]);
			path_pop(ld, len);
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(unsupported); k++)
			known = known || has_prefix(name, unsupported[k]);
		rc = sec_problem(ld, CONFIG_WARNING, sub,
				 known ? "not supported, ignored" : "unknown secret type, ignored");
	}
	return rc;
}

int config_swanctl_load(const struct settings_section *root, struct config **out,
			struct config_diag *diag)
{
	struct ld *ld = NULL;
	struct config *cfg = NULL;
	const struct settings_section *sec;
	size_t errors;
	int rc;

	if (out)
		*out = NULL;
	if (!root || !out || !diag)
		return -EINVAL;
	errors = diag->errors;
	ld = calloc(1, sizeof(*ld));
	cfg = calloc(1, sizeof(*cfg));
	if (!ld || !cfg) {
		rc = -ENOMEM;
		goto out;
	}
	ld->diag = diag;
	rc = 0;
	for (size_t i = 0; rc == 0 && i < settings_section_count(root); i++) {
		const char *name;

		sec = settings_section_at(root, i);
		name = settings_section_name(sec);
		if (!strcmp(name, "authorities") || !strcmp(name, "pools"))
			rc = sec_problem(ld, CONFIG_WARNING, sec, "not supported, ignored");
	}
	if (rc)
		goto out;
	sec = settings_find_section(root, "connections");
	if (sec) {
		strcpy(ld->path, "connections");
		rc = load_conns(ld, sec, cfg);
		if (rc)
			goto out;
	}
	sec = settings_find_section(root, "secrets");
	if (sec) {
		strcpy(ld->path, "secrets");
		rc = load_secrets(ld, sec, cfg);
		if (rc)
			goto out;
	}
	if (diag->errors > errors)
		rc = -EBADMSG;
out:
	if (rc == 0)
		*out = cfg;
	else
		config_free(cfg);
	free(ld);
	return rc;
}

/* ---- freeing and lookups ---- */

static void free_auths(struct config_auth *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].auth);
		free(a[i].id);
		free(a[i].certs.items);
		free(a[i].cacerts.items);
		free(a[i].file);
	}
	free(a);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_conns; i++) {
		struct conn_cfg *c = &cfg->conns[i];

		free(c->name);
		free(c->file);
		free(c->local_addrs.raw.items);
		free(c->local_addrs.items);
		free(c->remote_addrs.raw.items);
		free(c->remote_addrs.items);
		free(c->proposals.items);
		free_auths(c->local, c->n_local);
		free_auths(c->remote, c->n_remote);
		for (size_t j = 0; j < c->n_children; j++) {
			struct child_cfg *ch = &c->children[j];

			free(ch->name);
			free(ch->local_ts.raw.items);
			free(ch->local_ts.items);
			free(ch->remote_ts.raw.items);
			free(ch->remote_ts.items);
			free(ch->esp_proposals.items);
		}
		free(c->children);
	}
	free(cfg->conns);
	for (size_t i = 0; i < cfg->n_secrets; i++) {
		free(cfg->secrets[i].name);
		free(cfg->secrets[i].ids.items);
		secret_free(&cfg->secrets[i].secret);
	}
	free(cfg->secrets);
	free(cfg);
}

const struct conn_cfg *config_find_conn(const struct config *cfg, const char *name)
{
	if (!cfg || !name)
		return NULL;
	for (size_t i = 0; i < cfg->n_conns; i++)
		if (!strcmp(cfg->conns[i].name, name))
			return &cfg->conns[i];
	return NULL;
}

enum id_match {
	ID_NONE,
	ID_ANY,
	ID_WILDCARD,
	ID_PERFECT,
};

/* An identity without a leading '@' (not "@#") or a type prefix. */
static const char *id_plain(const char *id)
{
	static const char *const prefixes[] = { "fqdn:",     "email:", "rfc822:",
						"userfqdn:", "ipv4:",  "ipv6:" };

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncasecmp(id, prefixes[i], strlen(prefixes[i])))
			return id + strlen(prefixes[i]);
	if (id[0] == '@' && id[1] != '#')
		return id + 1;
	return id;
}

static enum id_match id_match(const char *actual, const char *conf)
{
	uint8_t a[16], b[16];
	int fa, fb;
	size_t la, lc;

	if (!strcmp(conf, "%any"))
		return ID_ANY;
	if (!actual)
		return ID_NONE;
	actual = id_plain(actual);
	conf = id_plain(conf);
	if (!strcasecmp(actual, conf))
		return ID_PERFECT;
	fa = parse_ip(actual, a);
	fb = parse_ip(conf, b);
	if (fa != AF_UNSPEC && fa == fb && !memcmp(a, b, family_len(fa)))
		return ID_PERFECT;
	if (conf[0] == '*') {
		la = strlen(actual);
		lc = strlen(conf + 1);
		if (la >= lc && !strcasecmp(actual + la - lc, conf + 1))
			return ID_WILDCARD;
	}
	return ID_NONE;
}

static enum id_match entry_match(const struct ike_secret *s, const char *id)
{
	enum id_match best = ID_NONE;

	if (!s->ids.count)
		return ID_ANY;
	for (size_t i = 0; i < s->ids.count; i++) {
		enum id_match m = id_match(id, s->ids.items[i]);

		if (m > best)
			best = m;
	}
	return best;
}

const struct secret *config_find_psk(const struct config *cfg, const char *local_id,
				     const char *remote_id)
{
	const struct ike_secret *found = NULL;
	enum id_match best_l = ID_NONE, best_r = ID_NONE;

	if (!cfg)
		return NULL;
	for (size_t i = 0; i < cfg->n_secrets; i++) {
		const struct ike_secret *s = &cfg->secrets[i];
		enum id_match l = entry_match(s, local_id), r = entry_match(s, remote_id);

		if (l == ID_NONE && r == ID_NONE)
			continue;
		if (!found || r > best_r || (r == best_r && l > best_l)) {
			found = s;
			best_l = l;
			best_r = r;
		}
		if (best_l == ID_PERFECT && best_r == ID_PERFECT)
			break;
	}
	return found ? &found->secret : NULL;
}
