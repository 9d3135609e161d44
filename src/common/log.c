#include "common/log.h"

#include <errno.h>
#include <stddef.h>

static const struct {
	unsigned int tag;
	const char *name;
} tag_names[] = {
	{ LOG_TAG_IKE, "ike" }, { LOG_TAG_CFG, "cfg" }, { LOG_TAG_HA, "ha" },
	{ LOG_TAG_SEG, "seg" }, { LOG_TAG_KNL, "knl" }, { LOG_TAG_CTL, "ctl" },
	{ LOG_TAG_NET, "net" },
};

const char *log_tag_name(unsigned int tag)
{
	for (size_t i = 0; i < ARRAY_SIZE(tag_names); i++)
		if (tag & tag_names[i].tag)
			return tag_names[i].name;
	return "-";
}

static const char *tag_stringify(uint32_t tags)
{
	return log_tag_name(tags);
}

void log_init(const char *ident, enum log_target target, int max_priority)
{
	qb_log_init(ident, LOG_DAEMON, max_priority);
	qb_log_tags_stringify_fn_set(tag_stringify);
	/* the blackbox keeps recent history for post-mortems, whatever the target */
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_SIZE, 1024 * 1024);
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_TRUE);
	qb_log_filter_ctl(QB_LOG_BLACKBOX, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
			  LOG_DEBUG);

	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED,
		   target == LOG_TARGET_SYSLOG ? QB_TRUE : QB_FALSE);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED,
		   target == LOG_TARGET_STDERR ? QB_TRUE : QB_FALSE);
	for (int t = QB_LOG_SYSLOG; t <= QB_LOG_STDERR; t++) {
		qb_log_filter_ctl(t, QB_LOG_FILTER_CLEAR_ALL, QB_LOG_FILTER_FILE, "*", 0);
		qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", max_priority);
	}
	qb_log_format_set(QB_LOG_STDERR, "%t %4g %p: %b");
	qb_log_format_set(QB_LOG_SYSLOG, "%g: %b");
}

int log_set_target(enum log_target target, const char *file, int max_priority)
{
	int32_t t;

	switch (target) {
	case LOG_TARGET_STDERR:
		t = QB_LOG_STDERR;
		break;
	case LOG_TARGET_SYSLOG:
		t = QB_LOG_SYSLOG;
		break;
	case LOG_TARGET_FILE:
		if (!file)
			return -EINVAL;
		t = qb_log_file_open(file);
		if (t < 0)
			return t;
		qb_log_format_set(t, "%t %4g %p: %b");
		break;
	default:
		return -EINVAL;
	}
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE);
	qb_log_filter_ctl(t, QB_LOG_FILTER_CLEAR_ALL, QB_LOG_FILTER_FILE, "*", 0);
	qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", max_priority);
	return 0;
}

void log_fini(void)
{
	qb_log_fini();
}
