/*
 * The ownership plan (docs/segments.md):
 *  1. manual moves to live nodes, then live nodes' home segments, are fixed;
 *  2. a water level gives each node a capacity so that the final counts are
 *     as even as the fixed segments allow (they differ by at most one when
 *     nothing is fixed);
 *  3. the free segments are handed out greedily by rendezvous weight: the
 *     (segment, node) pair with the highest weight among free segments and
 *     nodes with room goes first.
 * Step 3 is the unique stable matching of segments and nodes when both rank
 * each other by the same weight, which is what keeps moves few when a member
 * joins or leaves.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "segment/plan.h"

#define PLAN_WEIGHT_SEED 0x69736567u /* "iseg": fixed forever, part of the plan */

struct plan_state {
	size_t n;
	unsigned int count;
	uint32_t load[PLAN_MAX_NODES];
	uint32_t cap[PLAN_MAX_NODES];	/* load allowed without an extra */
	bool extra_ok[PLAN_MAX_NODES];	/* may take one more than cap */
	uint32_t extras;		/* extras still to give out */
	uint32_t weight[SEGMENT_MAX][PLAN_MAX_NODES];
	uint8_t rank[SEGMENT_MAX][PLAN_MAX_NODES]; /* member indexes, best first */
	uint8_t head[SEGMENT_MAX];		  /* first rank entry still worth a look */
};

/* the rendezvous weight of a (segment, node) pair: jhash over 8 big-endian bytes */
static uint32_t plan_weight(uint32_t node, unsigned int segment)
{
	const uint8_t b[8] = { node >> 24, node >> 16, node >> 8, node, 0, 0, 0, segment };

	return segment_jhash(b, sizeof(b), PLAN_WEIGHT_SEED);
}

/* does pair (s, i) beat pair (t, j)? higher weight, then lower node ID, then lower segment */
static bool plan_better(const struct plan_state *st, const uint32_t *members, unsigned int s,
			size_t i, unsigned int t, size_t j)
{
	if (st->weight[s][i] != st->weight[t][j])
		return st->weight[s][i] > st->weight[t][j];
	if (members[i] != members[j])
		return members[i] < members[j];
	return s < t;
}

static bool plan_has_room(const struct plan_state *st, size_t i)
{
	return st->load[i] < st->cap[i] || (st->load[i] == st->cap[i] && st->extra_ok[i] && st->extras);
}

static int plan_check(const struct plan_input *in, const uint32_t *owner)
{
	size_t i, j;

	if (!in || !owner || !in->members || in->n_members < 1 || in->n_members > PLAN_MAX_NODES ||
	    in->count < 1 || in->count > SEGMENT_MAX || (in->n_prefs && !in->prefs) ||
	    (in->n_moves && !in->moves))
		return -EINVAL;
	for (i = 0; i < in->n_members; i++) {
		if (in->members[i] == 0)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (in->members[j] == in->members[i])
				return -EINVAL;
	}
	for (i = 0; i < in->n_moves; i++) {
		if (in->moves[i].segment >= in->count)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (in->moves[j].segment == in->moves[i].segment)
				return -EINVAL;
	}
	return 0;
}

static int plan_member_index(const struct plan_input *in, uint32_t node)
{
	size_t i;

	for (i = 0; i < in->n_members; i++)
		if (in->members[i] == node)
			return (int)i;
	return -1;
}

/* step 1: moves, then home segments (lowest node ID wins a shared one) */
static void plan_fix(const struct plan_input *in, struct plan_state *st, uint32_t *owner)
{
	uint64_t moved = 0;
	size_t k;
	unsigned int s;
	int i;

	for (k = 0; k < in->n_moves; k++) {
		if (plan_member_index(in, in->moves[k].node) < 0)
			continue;
		owner[in->moves[k].segment] = in->moves[k].node;
		moved |= UINT64_C(1) << in->moves[k].segment;
	}
	for (k = 0; k < in->n_prefs; k++) {
		if (plan_member_index(in, in->prefs[k].node) < 0)
			continue;
		for (s = 0; s < in->count; s++) {
			if (!(in->prefs[k].segments >> s & 1) || moved >> s & 1)
				continue;
			if (!owner[s] || in->prefs[k].node < owner[s])
				owner[s] = in->prefs[k].node;
		}
	}
	for (s = 0; s < in->count; s++) {
		i = owner[s] ? plan_member_index(in, owner[s]) : -1;
		if (i >= 0)
			st->load[i]++;
	}
}

/*
 * step 2: the smallest level L with sum(max(load, L)) >= count; every node
 * may fill up to max(load, L - 1), and the rest of the segments go one each
 * to nodes below L.
 */
static void plan_level(struct plan_state *st)
{
	uint32_t level, sum, base;
	size_t i;

	for (level = 0;; level++) {
		for (sum = 0, i = 0; i < st->n; i++)
			sum += st->load[i] > level ? st->load[i] : level;
		if (sum >= st->count)
			break;
	}
	for (sum = 0, i = 0; i < st->n; i++) {
		base = level > 0 && st->load[i] < level - 1 ? level - 1 : st->load[i];
		st->cap[i] = base;
		st->extra_ok[i] = st->load[i] < level;
		sum += base;
	}
	st->extras = st->count - sum;
}

/* step 3: greedy by weight over free segments and nodes with room */
static void plan_fill(const uint32_t *members, struct plan_state *st, uint32_t *owner)
{
	unsigned int s, best_s;
	size_t i, k, best_i;
	uint8_t r;

	for (s = 0; s < st->count; s++) {
		for (i = 0; i < st->n; i++) {
			st->weight[s][i] = plan_weight(members[i], s);
			/* insertion sort of the member indexes, best first */
			for (k = i; k > 0 && plan_better(st, members, s, i, s, st->rank[s][k - 1]); k--)
				st->rank[s][k] = st->rank[s][k - 1];
			st->rank[s][k] = (uint8_t)i;
		}
	}
	for (;;) {
		best_s = SEGMENT_MAX;
		best_i = 0;
		for (s = 0; s < st->count; s++) {
			if (owner[s])
				continue;
			/* nodes only ever lose room, so heads only move forward */
			while (st->head[s] < st->n && !plan_has_room(st, st->rank[s][st->head[s]]))
				st->head[s]++;
			if (st->head[s] == st->n)
				continue;
			r = st->rank[s][st->head[s]];
			if (best_s == SEGMENT_MAX || plan_better(st, members, s, r, best_s, best_i)) {
				best_s = s;
				best_i = r;
			}
		}
		if (best_s == SEGMENT_MAX)
			break;
		if (st->load[best_i] == st->cap[best_i])
			st->extras--;
		st->load[best_i]++;
		owner[best_s] = members[best_i];
	}
}

int plan_compute(const struct plan_input *in, uint32_t owner[SEGMENT_MAX])
{
	struct plan_state st;
	int rc;

	rc = plan_check(in, owner);
	if (rc < 0)
		return rc;
	memset(&st, 0, sizeof(st));
	memset(owner, 0, SEGMENT_MAX * sizeof(*owner));
	st.n = in->n_members;
	st.count = in->count;
	plan_fix(in, &st, owner);
	plan_level(&st);
	plan_fill(in->members, &st, owner);
	return 0;
}
