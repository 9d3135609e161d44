#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "segment/segment.h"

Suite *segment_suite(void);

static struct flow_key key(const char *s)
{
	struct flow_key k = { .family = strchr(s, ':') ? AF_INET6 : AF_INET };

	ck_assert_int_eq(inet_pton(k.family, s, k.addr), 1);
	return k;
}

START_TEST(test_segment_input)
{
	struct segment_cfg cfg = { .version = SEGMENT_VERSION_1, .count = 4 };
	struct flow_key k = key("192.0.2.1"), bad = { .family = AF_UNIX };

	ck_assert_int_eq(segment_of(NULL, &cfg), -EINVAL);
	ck_assert_int_eq(segment_of(&k, NULL), -EINVAL);
	ck_assert_int_eq(segment_of(&bad, &cfg), -EINVAL);
	cfg.count = 0;
	ck_assert_int_eq(segment_of(&k, &cfg), -EINVAL);
	cfg.count = SEGMENT_MAX + 1;
	ck_assert_int_eq(segment_of(&k, &cfg), -EINVAL);
	cfg.count = 4;
	cfg.version = 2;
	ck_assert_int_eq(segment_of(&k, &cfg), -EINVAL);
	cfg.version = 0;
	ck_assert_int_eq(segment_of(&k, &cfg), -EINVAL);
	cfg.version = SEGMENT_VERSION_1;
	ck_assert_int_ge(segment_of(&k, &cfg), 0);
	cfg.count = 1;
	ck_assert_int_eq(segment_of(&k, &cfg), 0);
}
END_TEST

/*
 * Golden vectors from the kernel, never from segment_of(): the segment that
 * nftables' `jhash ip saddr mod N seed S` (`jhash ip6 saddr ...`) put each
 * source address in, recorded by testing/vm/segment-hash-agreement
 * (VM_KEEP=1, the sets of kernel 6.18, nftables 1.0.6, x86_64), 2026-11-28.
 * The first is testbed NOTES.md item 2: xt_cluster, 2 nodes, seed
 * 0xdeadbeef put 192.168.0.100 on node 2, i.e. segment 1.
 */
static const struct {
	const char *addr;
	uint8_t count;
	uint32_t seed;
	int segment;
} golden[] = {
	{ "192.168.0.100", 2, 0xdeadbeef, 1 },
	{ "10.125.153.115", 2, 0, 0 },
	{ "151.214.152.78", 2, 0, 0 },
	{ "199.33.49.25", 2, 0, 0 },
	{ "48.158.156.16", 2, 0, 1 },
	{ "10.125.153.115", 3, 0xdeadbeef, 2 },
	{ "151.214.152.78", 3, 0xdeadbeef, 2 },
	{ "199.33.49.25", 3, 0xdeadbeef, 0 },
	{ "48.158.156.16", 3, 0xdeadbeef, 1 },
	{ "10.125.153.115", 64, 0xdeadbeef, 58 },
	{ "151.214.152.78", 64, 0xdeadbeef, 52 },
	{ "199.33.49.25", 64, 0xdeadbeef, 2 },
	{ "48.158.156.16", 64, 0xdeadbeef, 28 },
	{ "10.125.153.115", 3, 0x12345678, 2 },
	{ "151.214.152.78", 3, 0x12345678, 2 },
	{ "199.33.49.25", 3, 0x12345678, 2 },
	{ "48.158.156.16", 3, 0x12345678, 1 },
	{ "10.125.153.115", 8, 0x12345678, 7 },
	{ "151.214.152.78", 8, 0x12345678, 7 },
	{ "199.33.49.25", 8, 0x12345678, 7 },
	{ "48.158.156.16", 8, 0x12345678, 4 },
	{ "10.125.153.115", 64, 0x12345678, 62 },
	{ "151.214.152.78", 64, 0x12345678, 63 },
	{ "199.33.49.25", 64, 0x12345678, 60 },
	{ "48.158.156.16", 64, 0x12345678, 35 },
	{ "10.125.153.115", 64, 0, 12 },
	{ "151.214.152.78", 64, 0, 31 },
	{ "199.33.49.25", 64, 0, 3 },
	{ "48.158.156.16", 64, 0, 39 },
	{ "10.125.153.115", 8, 0, 1 },
	{ "151.214.152.78", 8, 0, 3 },
	{ "199.33.49.25", 8, 0, 0 },
	{ "48.158.156.16", 8, 0, 4 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 2, 0, 1 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 2, 0, 0 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 2, 0, 0 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 2, 0, 1 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 3, 0xdeadbeef, 0 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 3, 0xdeadbeef, 2 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 3, 0xdeadbeef, 1 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 3, 0xdeadbeef, 2 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 64, 0xdeadbeef, 9 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 64, 0xdeadbeef, 62 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 64, 0xdeadbeef, 40 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 64, 0xdeadbeef, 57 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 3, 0x12345678, 2 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 3, 0x12345678, 1 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 3, 0x12345678, 0 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 3, 0x12345678, 2 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 8, 0x12345678, 5 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 8, 0x12345678, 5 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 8, 0x12345678, 2 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 8, 0x12345678, 5 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 64, 0x12345678, 47 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 64, 0x12345678, 42 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 64, 0x12345678, 19 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 64, 0x12345678, 47 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 64, 0, 57 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 64, 0, 21 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 64, 0, 12 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 64, 0, 52 },
	{ "2074:de97:d338:f74a:1722:a50e:8c7:e08a", 8, 0, 7 },
	{ "281f:6883:6d36:5157:35f6:e96f:ac96:1694", 8, 0, 2 },
	{ "30f6:1b9a:6e92:2774:6145:1269:93f5:ed2f", 8, 0, 1 },
	{ "383f:d896:7f29:c5dc:7c0f:6b51:3e76:11cc", 8, 0, 6 },
};

START_TEST(test_segment_golden)
{
	struct segment_cfg cfg = { .version = SEGMENT_VERSION_1, .count = golden[_i].count,
				   .seed = golden[_i].seed };
	struct flow_key k = key(golden[_i].addr);

	ck_assert_msg(segment_of(&k, &cfg) == golden[_i].segment, "%s mod %u seed %#x: %d, kernel %d",
		      golden[_i].addr, cfg.count, cfg.seed, segment_of(&k, &cfg), golden[_i].segment);
}
END_TEST

Suite *segment_suite(void)
{
	Suite *s = suite_create("segment");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_segment_input);
	tcase_add_loop_test(tc, test_segment_golden, 0, ARRAY_SIZE(golden));
	suite_add_tcase(s, tc);
	return s;
}
