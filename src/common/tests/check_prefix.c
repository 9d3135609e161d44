/*
 * prefix_cover(): ranges as CIDR prefixes, checked against covers worked
 * out by hand.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/prefix.h"

Suite *prefix_suite(void);

struct got {
	char s[8][24];
	unsigned int n;
};

static void record(void *ctx, const uint8_t *a, unsigned int plen)
{
	struct got *g = ctx;

	ck_assert_uint_lt(g->n, 8);
	snprintf(g->s[g->n++], sizeof(g->s[0]), "%u.%u.%u.%u/%u", a[0], a[1], a[2], a[3], plen);
}

START_TEST(test_prefix_cover)
{
	static const uint8_t a0[4] = { 10, 0, 0, 0 }, a255[4] = { 10, 0, 0, 255 },
			     a1[4] = { 10, 0, 0, 1 }, a6[4] = { 10, 0, 0, 6 }, z[4] = { 0 },
			     f[4] = { 255, 255, 255, 255 };
	static const uint8_t v6a[16] = { 0xfd }, v6b[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
							      0xff, 0xff, 0xff, 0xff,
							      0xff, 0xff, 0xff, 0xff };
	struct got g = { .n = 0 };

	ck_assert_int_eq(prefix_cover(a0, a255, 4, 64, record, &g), 1);
	ck_assert_str_eq(g.s[0], "10.0.0.0/24");
	g.n = 0;
	ck_assert_int_eq(prefix_cover(a1, a6, 4, 64, record, &g), 4);
	ck_assert_str_eq(g.s[0], "10.0.0.1/32");
	ck_assert_str_eq(g.s[1], "10.0.0.2/31");
	ck_assert_str_eq(g.s[2], "10.0.0.4/31");
	ck_assert_str_eq(g.s[3], "10.0.0.6/32");
	g.n = 0;
	ck_assert_int_eq(prefix_cover(z, f, 4, 64, record, &g), 1);
	ck_assert_str_eq(g.s[0], "0.0.0.0/0");
	g.n = 0;
	ck_assert_int_eq(prefix_cover(a1, a1, 4, 64, record, &g), 1);
	ck_assert_str_eq(g.s[0], "10.0.0.1/32");
	/* more than max: the first max are handed out, then -E2BIG */
	g.n = 0;
	ck_assert_int_eq(prefix_cover(a1, a6, 4, 2, record, &g), -E2BIG);
	ck_assert_uint_eq(g.n, 2);
	/* IPv6: fd00::/64 */
	g.n = 0;
	ck_assert_int_eq(prefix_cover(v6a, v6b, 16, 64, record, &g), 1);
	ck_assert_str_eq(g.s[0], "253.0.0.0/64");
}
END_TEST

Suite *prefix_suite(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_prefix_cover);
	suite_add_tcase(s, tc);
	return s;
}
