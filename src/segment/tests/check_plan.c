#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "segment/plan.h"

Suite *plan_suite(void);

#define UNIVERSE_SIZE 8

/* node universes of the table tests: corosync-like nodeids, one unsorted on purpose */
static const uint32_t universes[][UNIVERSE_SIZE] = {
	{ 1, 2, 3, 4, 5, 6, 7, 8 },
	{ 7, 1, 0x0a000002, 3, 0xffffffff, 42, 2, 1000 },
};

/*
 * How many segments besides the leaving (joining) node's own may change
 * owner when one member leaves (joins): measured over every subset of
 * the universe and every count, docs/segments.md.
 */
static unsigned int plan_slack(unsigned int count)
{
	return 4 + (count + 7) / 8;
}

static size_t subset(const uint32_t *u, unsigned int mask, uint32_t *out)
{
	size_t n = 0, i;

	for (i = 0; i < UNIVERSE_SIZE; i++)
		if (mask >> i & 1)
			out[n++] = u[i];
	return n;
}

static void compute(const uint32_t *members, size_t n, unsigned int count, uint32_t *owner)
{
	struct plan_input in = { .members = members, .n_members = n, .count = count };

	ck_assert_int_eq(plan_compute(&in, owner), 0);
}

static unsigned int owned(const uint32_t *owner, unsigned int count, uint32_t node)
{
	unsigned int s, n = 0;

	for (s = 0; s < count; s++)
		n += owner[s] == node;
	return n;
}

START_TEST(test_plan_input)
{
	static const uint32_t members[] = { 1, 2 }, dup[] = { 1, 1 }, zero[] = { 0 };
	const struct plan_move moves2[] = { { 3, 1 }, { 3, 2 } }, far[] = { { 4, 1 } };
	uint32_t many[PLAN_MAX_NODES + 1], owner[SEGMENT_MAX];
	struct plan_input in = { .members = members, .n_members = 2, .count = 4 };
	size_t i;

	ck_assert_int_eq(plan_compute(NULL, owner), -EINVAL);
	ck_assert_int_eq(plan_compute(&in, NULL), -EINVAL);
	in.count = 0;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.count = SEGMENT_MAX + 1;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.count = 4;
	in.n_members = 0;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.members = dup;
	in.n_members = 2;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.members = zero;
	in.n_members = 1;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (uint32_t)i + 1;
	in.members = many;
	in.n_members = ARRAY_SIZE(many);
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.members = members;
	in.n_members = 2;
	in.moves = moves2;
	in.n_moves = 2;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.moves = far;
	in.n_moves = 1;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.moves = NULL;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.n_moves = 0;
	in.n_prefs = 1;
	ck_assert_int_eq(plan_compute(&in, owner), -EINVAL);
	in.n_prefs = 0;
	ck_assert_int_eq(plan_compute(&in, owner), 0);
}
END_TEST

/* every segment has a live owner, and the counts differ by at most one */
static void check_balanced(const uint32_t *owner, unsigned int count, const uint32_t *members,
			   size_t n)
{
	unsigned int s, c, lo = count, hi = 0;
	size_t i;

	for (s = 0; s < count; s++)
		ck_assert_uint_ne(owner[s], 0);
	for (i = 0; i < n; i++) {
		c = owned(owner, count, members[i]);
		lo = c < lo ? c : lo;
		hi = c > hi ? c : hi;
	}
	ck_assert_msg(hi - lo <= 1, "count %u, %zu nodes: %u..%u", count, n, lo, hi);
	ck_assert_uint_eq(hi, (count + n - 1) / n);
}

/* the same plan whatever the order of the members */
START_TEST(test_plan_order_independent)
{
	uint32_t fwd[UNIVERSE_SIZE], rev[UNIVERSE_SIZE];
	uint32_t a[SEGMENT_MAX], b[SEGMENT_MAX];
	unsigned int count;
	size_t i, n = UNIVERSE_SIZE;

	for (i = 0; i < n; i++) {
		fwd[i] = universes[1][i];
		rev[n - 1 - i] = universes[1][i];
	}
	for (count = 1; count <= SEGMENT_MAX; count++) {
		compute(fwd, n, count, a);
		compute(rev, n, count, b);
		ck_assert_mem_eq(a, b, count * sizeof(*a));
	}
}
END_TEST

/* the plans of every subset of @u for @count, and every one-member change between them */
static void check_transitions(const uint32_t *u, unsigned int count,
			      uint32_t (*plans)[SEGMENT_MAX])
{
	unsigned int mask, less, s, other, mine;
	uint32_t members[UNIVERSE_SIZE];
	size_t n, x;

	for (mask = 1; mask < 1u << UNIVERSE_SIZE; mask++) {
		n = subset(u, mask, members);
		compute(members, n, count, plans[mask]);
		check_balanced(plans[mask], count, members, n);
	}
	for (mask = 1; mask < 1u << UNIVERSE_SIZE; mask++) {
		n = subset(u, mask, members);
		for (x = 0; x < UNIVERSE_SIZE && n > 1; x++) {
			if (!(mask >> x & 1))
				continue;
			less = mask & ~(1u << x);
			other = mine = 0;
			for (s = 0; s < count; s++) {
				if (plans[mask][s] == u[x])
					mine++;
				else if (plans[less][s] != plans[mask][s])
					other++;
			}
			ck_assert_uint_ge(mine, count / n);
			ck_assert_uint_le(mine, (count + n - 1) / n);
			ck_assert_msg(other <= plan_slack(count), "count %u mask %#x node %u: %u extra",
				      count, mask, u[x], other);
		}
	}
}

/*
 * _i = universe * 8 + (count - 1) / 8: eight counts per run. Every subset
 * (1 to 8 nodes) is balanced. For every subset and every member x of it:
 * when x leaves, x's segments move and at most plan_slack() others do; read
 * backwards, when x joins it takes exactly its share (floor or ceiling of
 * count / members) and at most plan_slack() others move.
 */
START_TEST(test_plan_balanced_minimal_movement)
{
	const uint32_t *u = universes[_i / 8];
	uint32_t (*plans)[SEGMENT_MAX];
	unsigned int count;

	plans = calloc(1u << UNIVERSE_SIZE, sizeof(*plans));
	ck_assert_ptr_nonnull(plans);
	for (count = (unsigned int)(_i % 8) * 8 + 1; count <= (unsigned int)(_i % 8) * 8 + 8; count++)
		check_transitions(u, count, plans);
	free(plans);
}
END_TEST

START_TEST(test_plan_home_segments)
{
	static const uint32_t members[] = { 1, 2, 3, 4 };
	const struct plan_pref prefs[] = {
		{ 1, 0x3 }, { 2, 0xc }, { 3, 0x30 }, { 4, 0xc0 }, { 9, 0xff00 },
		{ 3, 0x1 }, /* shared with 1: the lowest node ID wins */
	};
	struct plan_input in = { .members = members, .n_members = 4, .count = 16,
				 .prefs = prefs, .n_prefs = ARRAY_SIZE(prefs) };
	uint32_t owner[SEGMENT_MAX];
	unsigned int s;

	ck_assert_int_eq(plan_compute(&in, owner), 0);
	for (s = 0; s < 8; s++)
		ck_assert_uint_eq(owner[s], s / 2 + 1);
	for (s = 0; s < 4; s++)
		ck_assert_uint_eq(owned(owner, 16, members[s]), 4);
	/* node 2 is gone: its home segments go elsewhere, then come back */
	in.members = (const uint32_t[]){ 1, 3, 4 };
	in.n_members = 3;
	ck_assert_int_eq(plan_compute(&in, owner), 0);
	ck_assert_uint_ne(owner[2], 2);
	ck_assert_uint_ne(owner[3], 2);
	ck_assert_uint_eq(owner[0], 1);
	ck_assert_uint_eq(owner[4], 3);
}
END_TEST

START_TEST(test_plan_manual_moves)
{
	static const uint32_t members[] = { 10, 20 };
	const struct plan_move moves[] = { { 0, 20 }, { 1, 20 }, { 2, 20 }, { 3, 99 } };
	const struct plan_pref prefs[] = { { 10, 0x7 } };
	struct plan_input in = { .members = members, .n_members = 2, .count = 4,
				 .moves = moves, .n_moves = ARRAY_SIZE(moves),
				 .prefs = prefs, .n_prefs = 1 };
	uint32_t owner[SEGMENT_MAX];

	/* moves beat home segments; a move to a dead node (99) is ignored */
	ck_assert_int_eq(plan_compute(&in, owner), 0);
	ck_assert_uint_eq(owner[0], 20);
	ck_assert_uint_eq(owner[1], 20);
	ck_assert_uint_eq(owner[2], 20);
	ck_assert_uint_eq(owner[3], 10);
	/* the mover leaves: the moves lapse and node 10 gets its home back */
	in.members = members;
	in.n_members = 1;
	ck_assert_int_eq(plan_compute(&in, owner), 0);
	ck_assert_uint_eq(owned(owner, 4, 10), 4);
	in.n_members = 2;
	in.n_moves = 0;
	ck_assert_int_eq(plan_compute(&in, owner), 0);
	ck_assert_uint_eq(owned(owner, 4, 10), 3);
}
END_TEST

Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_plan_input);
	tcase_add_test(tc, test_plan_order_independent);
	tcase_add_loop_test(tc, test_plan_balanced_minimal_movement, 0,
			    ARRAY_SIZE(universes) * 8);
	tcase_add_test(tc, test_plan_home_segments);
	tcase_add_test(tc, test_plan_manual_moves);
	suite_add_tcase(s, tc);
	return s;
}
