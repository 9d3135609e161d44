/*
 * Logging over libqb qb_log. Every message carries a subsystem tag, shown
 * as a short name ("ike", "cfg", ...) by the formatter that log_init()
 * installs. Anything a peer can trigger logs at LOG_DEBUG or is rate-limited;
 * key bytes never reach a log (see STYLE.md §7).
 */
#ifndef IKN_COMMON_LOG_H
#define IKN_COMMON_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include <qb/qblog.h>

#include "common/defs.h"

enum log_tag {
	LOG_TAG_IKE = 1u << 0,
	LOG_TAG_CFG = 1u << 1,
	LOG_TAG_HA = 1u << 2,
	LOG_TAG_SEG = 1u << 3,
	LOG_TAG_KNL = 1u << 4,
	LOG_TAG_CTL = 1u << 5,
	LOG_TAG_NET = 1u << 6,
};

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
	LOG_TARGET_FILE,
};

/*
 * Starts logging for a process named ident: the blackbox (always on), and
 * the chosen target at up to max_priority. Call log_fini() before exit.
 */
void log_init(const char *ident, enum log_target target, int max_priority);
void log_fini(void);
/*
 * Moves logging to target (LOG_TARGET_FILE: appending to file, borrowed) at
 * up to max_priority, after log_init(). 0, or -EINVAL / the negative errno
 * of opening the file (logging then stays where it was).
 */
MUST_CHECK int log_set_target(enum log_target target, const char *file, int max_priority);
/* Short name of a tag ("ike"), or "-" for none. */
const char *log_tag_name(unsigned int tag);

#define log_ike(prio, ...) qb_logt(prio, LOG_TAG_IKE, __VA_ARGS__)
#define log_cfg(prio, ...) qb_logt(prio, LOG_TAG_CFG, __VA_ARGS__)
#define log_ha(prio, ...) qb_logt(prio, LOG_TAG_HA, __VA_ARGS__)
#define log_seg(prio, ...) qb_logt(prio, LOG_TAG_SEG, __VA_ARGS__)
#define log_knl(prio, ...) qb_logt(prio, LOG_TAG_KNL, __VA_ARGS__)
#define log_ctl(prio, ...) qb_logt(prio, LOG_TAG_CTL, __VA_ARGS__)
#define log_net(prio, ...) qb_logt(prio, LOG_TAG_NET, __VA_ARGS__)

#endif
