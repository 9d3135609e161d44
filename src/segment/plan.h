/*
 * The ownership plan: which live node owns each segment. A pure function of
 * its inputs (no history, no input order), so every node computes the same
 * plan from the same CPG-ordered events. Algorithm and guarantees:
 * docs/segments.md.
 */
#ifndef IKN_SEGMENT_PLAN_H
#define IKN_SEGMENT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"
#include "segment/segment.h"

/* most live members a plan takes */
#define PLAN_MAX_NODES 32

/* A node's home segments: bit s set = segment s. */
struct plan_pref {
	uint32_t node;
	uint64_t segments;
};

/* An operator's manual move: @segment belongs to @node while it is live. */
struct plan_move {
	uint32_t segment;
	uint32_t node;
};

/*
 * All arrays are borrowed for the call. @members: the live node IDs,
 * distinct and non-zero (corosync nodeids), in any order. Preferences and
 * moves may name nodes that are not live; those are ignored. Two moves of
 * one segment are an error; a segment several live nodes prefer goes to the
 * lowest node ID.
 */
struct plan_input {
	const uint32_t *members;
	size_t n_members; /* 1 .. PLAN_MAX_NODES */
	unsigned int count; /* segments, 1 .. SEGMENT_MAX */
	const struct plan_pref *prefs;
	size_t n_prefs;
	const struct plan_move *moves;
	size_t n_moves;
};

/*
 * Fills owner[0 .. in->count - 1] with the owning node ID of each segment.
 * Returns 0, or -EINVAL for bad input (NULL, no members, too many, a zero or
 * repeated member, count out of range, a move of a segment >= count, or two
 * moves of one segment).
 */
MUST_CHECK int plan_compute(const struct plan_input *in, uint32_t owner[SEGMENT_MAX]);

#endif
