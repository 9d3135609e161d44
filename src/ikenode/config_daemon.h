/*
 * ikenode.conf: the daemon's own settings, in strongSwan's settings syntax (common/settings.h)
 * under one top-level section `ikenode { ... }`, shaped like strongSwan's charon.conf and using
 * its key names where the meaning is the same. Connections and secrets are not here: they live
 * in a swanctl.conf-style file (swanctl_conf, config_swanctl.h). docs/ikenode.conf.5.md
 * documents every key.
 *
 *   ikenode {
 *           listen = 0.0.0.0, ::
 *           port = 500
 *           port_nat_t = 4500
 *           retransmit_timeout = 4.0
 *           kernel { backend = xfrm }
 *           control { group = ikenode }
 *           log {
 *                   level = notice
 *                   ike = debug
 *           }
 *           ha { enabled = yes }
 *   }
 */
#ifndef IKN_IKENODE_CONFIG_DAEMON_H
#define IKN_IKENODE_CONFIG_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "common/defs.h"
#include "common/log.h"

struct settings_section;

/* log { target = ... }; the first two equal enum log_target (common/log.h). */
enum config_daemon_log_target {
	CONFIG_DAEMON_LOG_STDERR = LOG_TARGET_STDERR,
	CONFIG_DAEMON_LOG_SYSLOG = LOG_TARGET_SYSLOG,
	CONFIG_DAEMON_LOG_FILE,
};

/* Per-subsystem log levels: index of a tag's bit in enum log_tag (LOG_TAG_IKE -> 0, ...). */
#define CONFIG_DAEMON_LOG_SUBSYS 7

/* Largest retransmit_jitter (percent), as strongSwan's RETRANSMIT_JITTER_MAX. */
#define CONFIG_DAEMON_JITTER_MAX 20

/*
 * The loaded settings: a value type owned by whoever config_daemon_load() gave it to; every
 * string and the listen array belong to it and go with config_daemon_free().
 */
struct daemon_cfg {
	char **listen; /* listen = 0.0.0.0, ::  (addresses; default both) */
	size_t n_listen;
	uint16_t port; /* port = 500 */
	uint16_t port_natt; /* port_nat_t = 4500 */
	uint32_t retransmit_timeout_ms; /* retransmit_timeout = 4.0 (seconds, fractions allowed) */
	double retransmit_base; /* retransmit_base = 1.8 */
	uint32_t retransmit_tries; /* retransmit_tries = 5 */
	uint32_t retransmit_limit_ms; /* retransmit_limit = 0 (seconds; 0: no cap) */
	uint32_t retransmit_jitter; /* retransmit_jitter = 0 (percent, at most 20) */
	uint32_t half_open_limit; /* init_limit_half_open = 0 (0: unlimited) */
	uint32_t keep_alive_s; /* keep_alive = 20s (0: off) */
	uint32_t workers;      /* workers = 0: crypto worker threads, 0 = one per online CPU */
	char *keylog; /* keylog = path; NULL: off */
	char *swanctl_dir; /* swanctl_dir = /etc/swanctl */
	char *swanctl_conf; /* swanctl_conf = <swanctl_dir>/swanctl.conf */
	char *kernel_backend; /* kernel { backend = null }: "null", "uesp" or "xfrm" */
	char *kernel_tun; /* kernel { tun = ikn0 }: uesp's TUN device; NULL: the default */
	uint32_t kernel_mtu; /* kernel { mtu = 1400 }: its MTU; 0: the default */
	uint32_t kernel_route_table; /* kernel { route_table = 220 }; 0: the default */
	uint32_t kernel_fwmark; /* kernel { fwmark = 0x42 }: our sockets' mark; 0: the default */
	char *ctl_socket; /* control { socket = ikenode } */
	gid_t ctl_gid; /* control { group = name or gid }; (gid_t)-1: not set */
	int log_target; /* log { target = syslog }: enum config_daemon_log_target */
	char *log_file; /* log { file = path }: needed for target = file */
	int log_level; /* log { level = notice }: LOG_EMERG .. LOG_TRACE */
	/* log { ike = debug ... }: per subsystem (log_tag_name() order), -1: log_level */
	int log_subsys_level[CONFIG_DAEMON_LOG_SUBSYS];
	bool ha_enabled; /* ha { enabled = no } */
	uint32_t segments; /* ha { segments = 0 } (0: twice the nodes); parsed only */
	uint32_t node_id; /* ha { node_id = 0 }: this node's ID (0 .. 65535), in AEAD IVs */
	uint32_t segment_seed; /* ha { seed = 0 }: segment_of()'s seed (nft's `seed S`) */
	int seg_filter; /* ha { filter = none }: enum config_daemon_filter */
	struct sockaddr_storage cluster_ip; /* ha { cluster_ip = }: AF_UNSPEC when unset */
	uint32_t seg_queue; /* ha { queue = 0 }: the NFQUEUE number */
	char *seg_nft_table; /* ha { nft_table = ikenode }: NULL: the default */
	uint64_t seg_active; /* ha { active = all }: segments this node starts with */
	bool seg_active_set;
	bool freebind; /* listen_freebind = no */
};

/* ha { filter }: which segment filter the daemon runs. */
enum config_daemon_filter {
	CONFIG_DAEMON_FILTER_NONE,
	CONFIG_DAEMON_FILTER_NFQUEUE,
	CONFIG_DAEMON_FILTER_NFT,
};

/*
 * Loads the settings below `ikenode` of root (borrowed, only read during the call; a missing
 * section gives every default). Every problem is a line "file:line: message" appended to
 * *errors, a malloc'd array of *n_errors malloc'd strings that the caller frees with
 * config_daemon_free_errors() whatever the result (both may be non-empty on entry: lines are
 * appended). Unknown keys and sections, and values that are adjusted (jitter above the
 * maximum), are warnings in the same list, the line prefixed "warning: ". Group names are
 * resolved with getgrnam_r(). Returns 0 and *out (owned by the caller, free with
 * config_daemon_free()) when there is no error (warnings may exist); -EBADMSG and
 * *out = NULL when there are errors; -ENOMEM; -EINVAL when root, out, errors or n_errors is
 * NULL.
 */
MUST_CHECK int config_daemon_load(const struct settings_section *root, struct daemon_cfg **out,
				  char ***errors, size_t *n_errors);
/* Accepts NULL. */
void config_daemon_free(struct daemon_cfg *cfg);
/* Frees the lines of config_daemon_load() and the array; accepts NULL. */
void config_daemon_free_errors(char **errors, size_t n);

/*
 * The retransmission timeout before retransmission number try_n + 1 (try_n 0-based: 0 is the
 * wait after the first transmission), as strongSwan's task manager computes it:
 * retransmit_timeout * retransmit_base ^ try_n, truncated to whole milliseconds, capped by
 * retransmit_limit when set and at UINT32_MAX. Jitter is the caller's (below). 0 for NULL.
 */
uint32_t config_daemon_retransmit_ms(const struct daemon_cfg *cfg, uint32_t try_n);
/*
 * Applies retransmit_jitter to a timeout as strongSwan does: subtracts up to jitter percent of
 * it, the share chosen by rnd (uniform over 0 .. UINT32_MAX, from the caller's random source):
 * timeout - timeout * jitter / 100 * rnd / 2^32. Returns timeout unchanged for jitter 0 or NULL.
 */
uint32_t config_daemon_jitter_ms(const struct daemon_cfg *cfg, uint32_t timeout_ms, uint32_t rnd);
/* The segment count: ha.segments, or 2 when 0 (twice one node). 2 for NULL. */
unsigned int config_daemon_segment_count(const struct daemon_cfg *cfg);
/* The segments this node starts with as a mask below the count (ha.active, default all). */
uint64_t config_daemon_segment_active(const struct daemon_cfg *cfg);
/*
 * The level a subsystem logs at: its own log { <name> = level } or log { level }. tag is one
 * enum log_tag bit; others give log_level. LOG_NOTICE for NULL.
 */
int config_daemon_log_level(const struct daemon_cfg *cfg, unsigned int tag);

#endif
