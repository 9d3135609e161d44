#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

START_TEST(test_log_input)
{
	ck_assert_str_eq(log_tag_name(0), "-");
	ck_assert_str_eq(log_tag_name(1u << 30), "-");
}
END_TEST

static const struct {
	unsigned int tag;
	const char *name;
} tags[] = {
	{ LOG_TAG_IKE, "ike" }, { LOG_TAG_CFG, "cfg" }, { LOG_TAG_HA, "ha" }, { LOG_TAG_SEG, "seg" },
	{ LOG_TAG_KNL, "knl" }, { LOG_TAG_CTL, "ctl" }, { LOG_TAG_NET, "net" },
};

START_TEST(test_log_tag_names)
{
	ck_assert_str_eq(log_tag_name(tags[_i].tag), tags[_i].name);
}
END_TEST

/* Messages reach stderr with their subsystem's name, filtered by priority. */
START_TEST(test_log_stderr_target_tags_and_filters)
{
	char path[] = "/tmp/ikn-log-XXXXXX", text[4096];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	FILE *f;
	size_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	log_init("check_log", LOG_TARGET_STDERR, LOG_INFO);
	log_cfg(LOG_NOTICE, "reloaded %d connections", 42);
	log_ha(LOG_DEBUG, "below the threshold");
	log_fini();
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	close(fd);
	unlink(path);
	ck_assert_msg(strstr(text, "cfg") && strstr(text, "reloaded 42 connections"), "got: %s", text);
	ck_assert_ptr_null(strstr(text, "below the threshold"));
}
END_TEST

Suite *log_suite(void);
Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_log_input);
	tcase_add_loop_test(tc, test_log_tag_names, 0, sizeof(tags) / sizeof(tags[0]));
	tcase_add_test(tc, test_log_stderr_target_tags_and_filters);
	suite_add_tcase(s, tc);
	return s;
}
