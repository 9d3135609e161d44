/*
 * Connections and IKE secrets in swanctl.conf syntax and meaning (strongSwan's swanctl.conf(5),
 * as swanctl's load_conns/load_creds and charon's vici_config.c read them), for the subset
 * ikenode supports. The loader reads a parsed settings tree (settings.h) with
 * `connections { ... }` and `secrets { ... }` and builds plain value structs:
 *
 * - connections.<conn>: version (0 = any, treated as 2; 1 is an error), local_addrs, remote_addrs
 *   (default %any), local_port, remote_port (default 500; 0 also means 500), proposals (raw
 *   strings, default "default"), dpd_delay (0), encap (no), mobike (yes), reauth_time (0),
 *   rekey_time (4h, or 0 when only reauth_time is set), over_time (10% of the larger of
 *   rekey/reauth), rand_time (over_time, but at most half of the smaller non-zero of rekey/reauth);
 *   local<suffix> and remote<suffix> sections in file order (auth, default pubkey; id; certs;
 *   cacerts); children.<child>: local_ts, remote_ts (default dynamic), esp_proposals ("default"),
 *   mode (tunnel, transport), start_action, dpd_action, close_action (none/trap/start with
 *   strongSwan's aliases clear, route, restart), rekey_time (1h, or life_time / 1.1), life_time
 *   (rekey_time * 1.1), rand_time (life - rekey), and the same for _bytes and _packets (default
 *   rekey 0). The 1.1 factors are computed in double and truncated, exactly as strongSwan does
 *   (life_time = 3300 gives rekey_time 2999).
 * - secrets.ike<suffix>: id<suffix> (any number), secret (a string, 0x hex or 0s base64).
 *
 * Value forms, as vici_config.c parses them: numbers are unsigned decimal, 0x hex or 0 octal
 * (strtoul base 0); times take an optional unit s, m, h or d (any case, spaces allowed before it);
 * byte and packet counts an optional k, m or g (powers of 1024); booleans yes/true/enabled/1 and
 * no/false/disabled/0 in any case. Key names are case-sensitive; the section names `children`,
 * local<suffix> and remote<suffix> are not. Hex secrets may contain ':' separators and an odd
 * number of digits (a leading zero nibble); base64 secrets decode only complete groups of four,
 * as strongSwan does (a warning names ignored trailing characters).
 *
 * Stricter than strongSwan, each an error: values with trailing garbage, negative or overflowing
 * numbers, subnet prefixes that are not a number within the family's size, ranges whose end is
 * below their start, port ranges the wrong way round, bad hex or base64 digits, empty secrets.
 *
 * Every key or section outside this subset is a warning naming it and its file:line (keys
 * strongSwan knows say "not supported, ignored"); every bad value is an error; all problems are
 * collected in a struct config_diag. Certificates and private keys from the swanctl directory
 * layout (x509/, x509ca/, private/, ...) are not loaded here.
 */
#ifndef IKN_IKENODE_CONFIG_SWANCTL_H
#define IKN_IKENODE_CONFIG_SWANCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/defs.h"
#include "common/secret.h"

struct settings_section;

enum config_severity {
	CONFIG_WARNING,
	CONFIG_ERROR,
};

struct config_diag_item {
	enum config_severity severity;
	char *file;	   /* NULL when not tied to a file */
	unsigned int line; /* 0 when not tied to a line */
	char *message;	   /* names the key or section ("connections.rw.foo: ...") */
};

/* Problems found by a load, in the order found. Initialise with config_diag_init(). */
struct config_diag {
	struct config_diag_item *items;
	size_t count;
	size_t alloc;
	size_t errors; /* items with CONFIG_ERROR */
};

void config_diag_init(struct config_diag *diag);
/* Frees the items and re-initialises; accepts NULL. */
void config_diag_clear(struct config_diag *diag);
/*
 * Appends a problem: file (borrowed, copied; NULL when not tied to a file), line (0 when not tied
 * to a line), a printf-style message. Counts errors. 0, -ENOMEM, -EINVAL.
 */
MUST_CHECK int config_diag_add(struct config_diag *diag, enum config_severity severity,
			       const char *file, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * Formats one item for printing: "file:line: error: message" ("warning" for warnings; "file:
 * error: message" without a line, "error: message" without a file) into buf, always terminated.
 * 0, -ENOBUFS (truncated), -EINVAL.
 */
MUST_CHECK int config_diag_format(const struct config_diag_item *it, char *buf, size_t len);

/* A list of strings in one allocation, as settings_split_list() makes it. */
struct config_strlist {
	char **items; /* NULL-terminated */
	size_t count;
};

enum config_addr_kind {
	CONFIG_ADDR_ANY,    /* %any (family AF_UNSPEC), %any4, %any6 */
	CONFIG_ADDR_IP,	    /* one address in from */
	CONFIG_ADDR_SUBNET, /* from/prefix (from has the host bits cleared) */
	CONFIG_ADDR_RANGE,  /* from-to, inclusive */
	CONFIG_ADDR_FQDN,   /* a DNS name, resolved later; only text is set */
};

struct config_addr {
	enum config_addr_kind kind;
	int family;	  /* AF_INET, AF_INET6, or AF_UNSPEC */
	uint8_t from[16]; /* network order; 4 bytes used for AF_INET */
	uint8_t to[16];	  /* RANGE only */
	uint8_t prefix;	  /* SUBNET only */
	const char *text; /* as written; borrowed from the list's raw strings */
};

struct config_addr_list {
	struct config_strlist raw;
	struct config_addr *items;
	size_t count;
};

/*
 * Parses one local_addrs/remote_addrs item as ike_cfg.c does: %any, %any4 (also 0.0.0.0),
 * %any6 (also ::), an IPv4/IPv6 address, a CIDR subnet, a range "from-to" (same family, spaces
 * around '-' allowed), or else a DNS name (labels of letters, digits, '-' and '_', the last one
 * not all digits). text is borrowed and stored in out->text. 0, -EBADMSG, -EINVAL.
 */
MUST_CHECK int config_addr_parse(const char *text, struct config_addr *out);

/*
 * true if the list is empty, or an entry is %any (of sa's family, for %any4/%any6) or contains
 * sa's address (an IPv4-mapped IPv6 address counts as IPv4); FQDN entries never match here, nor
 * does anything match a NULL list or address. The port is not looked at.
 */
bool config_addr_list_matches(const struct config_addr_list *l, const struct sockaddr *sa);

/* A traffic selector: an address range and a protocol/port range. */
struct config_ts {
	bool dynamic;	  /* "dynamic": the address of the IKE SA, filled in later */
	int family;	  /* AF_INET/AF_INET6; AF_UNSPEC when dynamic */
	uint8_t from[16]; /* inclusive range, network order */
	uint8_t to[16];
	uint8_t proto;	    /* 0 = any */
	uint16_t port_from; /* 0-65535 = any; %opaque is from 0xffff to 0 */
	uint16_t port_to;
	const char *text; /* as written; borrowed from the list's raw strings */
};

struct config_ts_list {
	struct config_strlist raw;
	struct config_ts *items;
	size_t count;
};

/*
 * Parses one local_ts/remote_ts item as vici_config.c does: "dynamic", a CIDR subnet, a single
 * address (a /32 or /128), or a range "from-to", optionally followed by "[proto/port]": proto is
 * any, a number (0-255) or a name (icmp, tcp, udp, ipv6-icmp, gre, esp, ah, sctp, ... from a
 * fixed table of /etc/protocols names, so the result does not depend on the host); port is
 * any, opaque (also %any and %opaque), a number, a range "a-b", or a service name from a fixed
 * table (http, https, domain, isakmp, ipsec-nat-t, ...). Either part may be left out
 * ("[tcp]", "[/53]"). text is borrowed and stored in out->text. 0, -EBADMSG, -EINVAL.
 */
MUST_CHECK int config_ts_parse(const char *text, struct config_ts *out);

/*
 * strongSwan's log form (%R): "dynamic", "10.1.0.0/16", "10.1.0.5..10.1.0.9" (a range that is
 * not a subnet), then, unless proto and ports are any, "[proto/port]": the protocol by name
 * (from the table above) or number, "0" for any protocol with ports; the port as a number,
 * "a-b", "OPAQUE", or for icmp/ipv6-icmp as type or "type(code)". Ports are printed as numbers
 * (strongSwan uses service names from the host). Into buf, always terminated; 0, -ENOBUFS
 * (truncated), -EINVAL.
 */
MUST_CHECK int config_ts_to_str(const struct config_ts *ts, char *buf, size_t len);

enum config_auth_class {
	CONFIG_AUTH_PSK,
	CONFIG_AUTH_PUBKEY, /* pubkey and the signature forms (rsa, ecdsa, ed25519, ...) */
};

/*
 * One local<suffix> or remote<suffix> section (one authentication round). auth "psk" (any case)
 * is CONFIG_AUTH_PSK; values starting with pubkey, rsa, ecdsa or ike: are CONFIG_AUTH_PUBKEY;
 * eap and xauth are errors (not supported), anything else is an error.
 */
struct config_auth {
	char *name;		       /* section name, "local", "remote-2", ... */
	char *auth;		       /* as written, default "pubkey" */
	enum config_auth_class class_; /* psk or pubkey, from auth */
	char *id;		       /* NULL when not set (strongSwan's default) */
	struct config_strlist certs;   /* file names, relative to x509/ */
	struct config_strlist cacerts; /* file names, relative to x509ca/ */
	char *file; /* where the section was opened */
	unsigned int line;
};

enum config_mode {
	CONFIG_MODE_TUNNEL,
	CONFIG_MODE_TRANSPORT,
};

/* start_action, dpd_action and close_action. */
enum config_action {
	CONFIG_ACTION_NONE,  /* none, clear */
	CONFIG_ACTION_TRAP,  /* trap, route */
	CONFIG_ACTION_START, /* start, restart */
};

struct child_cfg {
	char *name;
	struct config_ts_list local_ts, remote_ts;
	struct config_strlist esp_proposals;
	enum config_mode mode;
	enum config_action start_action, dpd_action, close_action;
	uint64_t rekey_time, life_time, rand_time; /* seconds */
	uint64_t rekey_bytes, life_bytes, rand_bytes;
	uint64_t rekey_packets, life_packets, rand_packets;
	uint32_t replay_window; /* packets; 0: no replay check (strongSwan's default 32) */
};

#define CONFIG_REPLAY_WINDOW_DEFAULT 32
#define CONFIG_REPLAY_WINDOW_MAX 4096

/*
 * Lists never have items NULL: proposals, local_addrs/remote_addrs and local_ts/remote_ts hold
 * their defaults ("default", "%any", "dynamic") when not configured; certs, cacerts and ids may
 * be empty (count 0).
 */
struct conn_cfg {
	char *name;
	unsigned int version; /* always 2 */
	struct config_addr_list local_addrs, remote_addrs;
	uint16_t local_port, remote_port;
	struct config_strlist proposals; /* raw proposal strings, for the proposal parser */
	uint64_t dpd_delay, reauth_time, rekey_time, over_time, rand_time; /* seconds */
	bool encap, mobike;
	struct config_auth *local; /* file order; n_local 0 when no local<suffix> section */
	size_t n_local;
	struct config_auth *remote; /* likewise */
	size_t n_remote;
	struct child_cfg *children;
	size_t n_children;
	char *file; /* where the section was opened */
	unsigned int line;
};

struct ike_secret {
	char *name;		 /* section name, "ike-carol" */
	struct config_strlist ids; /* id<suffix> values in file order; empty matches any */
	struct secret secret;
};

struct config {
	struct conn_cfg *conns;
	size_t n_conns;
	struct ike_secret *secrets;
	size_t n_secrets;
};

/*
 * Builds a config from root (borrowed; a settings root or any section holding `connections`
 * and/or `secrets`). Appends every warning and error to diag (borrowed). Returns 0 with *out
 * (owned by the caller, free with config_free()) when there were no errors; -EBADMSG with
 * *out = NULL when there were (diag lists them all); -ENOMEM; -EINVAL for bad arguments.
 */
MUST_CHECK int config_swanctl_load(const struct settings_section *root, struct config **out,
				   struct config_diag *diag);

/* Wipes the secrets and frees everything; accepts NULL. Also fine on a partly built config. */
void config_free(struct config *cfg);

/* The connection named name, or NULL; borrowed, valid until config_free(). */
const struct conn_cfg *config_find_conn(const struct config *cfg, const char *name);

/*
 * The IKE PSK for a pair of identities, as strongSwan picks it: each entry's ids are matched
 * against both (exact, case-insensitive, or the same IP address: perfect; a leading '*'
 * wildcard matching the rest as a suffix: one wildcard; "%any" or no ids at all: any), at least
 * one side must match, and the entry with the best match of remote_id, then of local_id, wins
 * (the first one on a tie). Before comparing, a leading '@' (not "@#") and a type prefix fqdn:,
 * email:, rfc822:, userfqdn:, ipv4: or ipv6: are removed from both. Either id may be NULL
 * (matches nothing but "any"). Returns the secret, borrowed until config_free(), or NULL.
 */
const struct secret *config_find_psk(const struct config *cfg, const char *local_id,
				     const char *remote_id);

#endif
