#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "segment/classify.h"

Suite *classify_suite(void);

static struct flow_key key(const char *s)
{
	struct flow_key k = { .family = strchr(s, ':') ? AF_INET6 : AF_INET };

	ck_assert_int_eq(inet_pton(k.family, s, k.addr), 1);
	return k;
}

START_TEST(test_classify_input)
{
	struct classify *c = classify_new(4);
	struct flow_key k = key("10.0.0.1"), bad = { .family = AF_UNIX };

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(classify_new(0));
	ck_assert_int_eq(classify_add(NULL, &k, 8, 1), -EINVAL);
	ck_assert_int_eq(classify_add(c, NULL, 8, 1), -EINVAL);
	ck_assert_int_eq(classify_add(c, &k, 33, 1), -EINVAL);
	ck_assert_int_eq(classify_add(c, &bad, 0, 1), -EINVAL);
	ck_assert_int_eq(classify_add(c, &k, 8, SEGMENT_MAX), -EINVAL);
	ck_assert_int_eq(classify_remove(c, &k, 33), -EINVAL);
	ck_assert_int_eq(classify_lookup(c, NULL), -EINVAL);
	ck_assert_int_eq(classify_lookup(NULL, &k), -EINVAL);
	ck_assert_int_eq(classify_lookup(c, &bad), -EINVAL);
	k = key("2001:db8::1");
	ck_assert_int_eq(classify_add(c, &k, 129, 1), -EINVAL);
	classify_free(c);
	classify_free(NULL);
}
END_TEST

/* one table for all lookups: overlaps, /0, host routes, both families */
static const struct {
	const char *prefix;
	unsigned int len, segment;
} table[] = {
	{ "0.0.0.0", 0, 1 },	  { "10.0.0.0", 8, 2 },	     { "10.1.0.0", 16, 3 },
	{ "10.1.2.0", 24, 4 },	  { "10.1.2.3", 32, 5 },     { "10.1.2.128", 25, 6 },
	{ "192.168.7.77", 24, 7 }, /* host bits are ignored: 192.168.7.0/24 */
	{ "2001:db8::", 32, 10 }, { "2001:db8:1::", 48, 11 }, { "2001:db8:1::5", 128, 12 },
	{ "fd00::", 8, 13 },	  { "2001:db8:1:2::", 63, 14 },
};

static const struct {
	const char *addr;
	int segment;
} lookups[] = {
	{ "10.1.2.3", 5 },	{ "10.1.2.4", 4 },	    { "10.1.2.200", 6 },   { "10.1.2.127", 4 },
	{ "10.1.3.1", 3 },	{ "10.2.0.1", 2 },	    { "11.0.0.1", 1 },	   { "255.255.255.255", 1 },
	{ "192.168.7.1", 7 },	{ "192.168.8.1", 1 },	    { "2001:db8:1::5", 12 }, { "2001:db8:1::6", 11 },
	{ "2001:db8:2::1", 10 }, { "2001:db9::1", -ENOENT }, { "::", -ENOENT },    { "fdff::1", 13 },
	{ "2001:db8:1:3::1", 14 }, { "2001:db8:1:4::1", 11 },
};

static struct classify *filled(void)
{
	struct classify *c = classify_new(ARRAY_SIZE(table));
	struct flow_key k;
	size_t i;

	ck_assert_ptr_nonnull(c);
	for (i = 0; i < ARRAY_SIZE(table); i++) {
		k = key(table[i].prefix);
		ck_assert_int_eq(classify_add(c, &k, table[i].len, table[i].segment), 0);
	}
	return c;
}

START_TEST(test_classify_longest_prefix_wins)
{
	struct classify *c = filled();
	struct flow_key k = key(lookups[_i].addr);

	ck_assert_msg(classify_lookup(c, &k) == lookups[_i].segment, "%s: got %d, want %d",
		      lookups[_i].addr, classify_lookup(c, &k), lookups[_i].segment);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_full_and_duplicate)
{
	struct classify *c = filled();
	struct flow_key k = key("10.1.2.3");

	ck_assert_uint_eq(classify_size(c), ARRAY_SIZE(table));
	ck_assert_int_eq(classify_add(c, &k, 32, 9), -EEXIST);
	k = key("10.1.2.99");
	ck_assert_int_eq(classify_add(c, &k, 32, 9), -ENOSPC);
	k = key("192.168.7.0");
	ck_assert_int_eq(classify_add(c, &k, 24, 9), -EEXIST);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_remove)
{
	struct classify *c = filled();
	struct flow_key k = key("10.1.2.3"), q = key("10.1.2.3");

	ck_assert_int_eq(classify_remove(c, &k, 32), 0);
	ck_assert_int_eq(classify_remove(c, &k, 32), -ENOENT);
	ck_assert_int_eq(classify_lookup(c, &q), 4);
	k = key("10.1.2.0");
	ck_assert_int_eq(classify_remove(c, &k, 24), 0);
	ck_assert_int_eq(classify_lookup(c, &q), 3);
	k = key("0.0.0.0");
	ck_assert_int_eq(classify_remove(c, &k, 0), 0);
	q = key("11.0.0.1");
	ck_assert_int_eq(classify_lookup(c, &q), -ENOENT);
	k = key("10.0.0.0");
	ck_assert_int_eq(classify_remove(c, &k, 16), -ENOENT);
	ck_assert_uint_eq(classify_size(c), ARRAY_SIZE(table) - 3);
	/* everything out, then the table is empty and reusable */
	while (classify_size(c)) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(table); i++) {
			k = key(table[i].prefix);
			(void)!classify_remove(c, &k, table[i].len);
		}
	}
	k = key("10.1.2.3");
	ck_assert_int_eq(classify_lookup(c, &k), -ENOENT);
	ck_assert_int_eq(classify_add(c, &k, 32, 63), 0);
	ck_assert_int_eq(classify_lookup(c, &k), 63);
	classify_free(c);
}
END_TEST

Suite *classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_classify_input);
	tcase_add_loop_test(tc, test_classify_longest_prefix_wins, 0, ARRAY_SIZE(lookups));
	tcase_add_test(tc, test_classify_full_and_duplicate);
	tcase_add_test(tc, test_classify_remove);
	suite_add_tcase(s, tc);
	return s;
}
