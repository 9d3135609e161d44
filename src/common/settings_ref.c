/*
 * Resolution of section references (`name : ref1, ref2.sub {`) once the whole input is read: a
 * section inherits, recursively, the keys and subsections of the sections it references that it
 * does not define itself. References may lead to others; loops, missing sections and runaway
 * copying (exponential templates) are reported, each against its own limit.
 */
#include "common/settings_int.h"

#include <errno.h>
#include <string.h>

/* How many sections copying for references may create, against exponential templates. */
#define SETTINGS_MAX_REF_NODES 262144
/* How many settings merging for references may look at, against many references to big ones. */
#define SETTINGS_MAX_REF_VISITS (1u << 24)
/* How deeply one reference may lead to the resolution of another. */
#define SETTINGS_MAX_REF_NEST 32

#define STR_(x) #x
#define STR(x) STR_(x)

static int merge_refs(struct parse *ps, struct settings_section *sec);

/* Reports a problem with the reference being merged: before 'path' after. */
static void ref_error(struct parse *ps, const char *before, const char *after)
{
	char sb[SHOW_MAX];
	const struct ref *r = ps->cur_ref;

	if (!r)
		return;
	settings_error_at(ps, r->origin.file, r->origin.line, r->origin.column, "%s'%s'%s", before,
			  SHOW(sb, r->path, strlen(r->path)), after);
}

/* Counts a node created for a reference; false (reported once) past the limit. */
static bool ref_node(struct parse *ps)
{
	if (ps->ref_nodes < SETTINGS_MAX_REF_NODES) {
		ps->ref_nodes++;
		return true;
	}
	if (!ps->ref_limit_reported) {
		ps->ref_limit_reported = true;
		ref_error(ps, "references copy more than " STR(SETTINGS_MAX_REF_NODES)
			  " settings (inheriting from ", ")");
	}
	return false;
}

/* Counts a setting looked at while merging; false (reported once) past the limit. */
static bool ref_visit(struct parse *ps)
{
	if (ps->ref_visits < SETTINGS_MAX_REF_VISITS) {
		ps->ref_visits++;
		return true;
	}
	if (!ps->ref_limit_reported) {
		ps->ref_limit_reported = true;
		ref_error(ps, "references make the parser look at too many settings (inheriting "
			  "from ", ")");
	}
	return false;
}

/*
 * Gives dst every key and subsection of src (and of what src references) that it lacks,
 * recursively; subsections dst has already are merged the same way.
 */
static void merge_missing(struct parse *ps, struct settings_section *dst,
			  struct settings_section *src)
{
	size_t i, nk, ns;

	if (ps->stop)
		return;
	(void)merge_refs(ps, src);
	nk = src->kvs.n;
	ns = src->sections.n;
	for (i = 0; i < nk && !ps->stop; i++) {
		const struct settings_kv *kv = src->kvs.v[i];
		char *value = NULL;

		if (!ref_visit(ps))
			return;
		if (settings_nlist_find(&dst->kvs, kv->name, strlen(kv->name)))
			continue;
		if (!ref_node(ps))
			return;
		if (kv->value && !(value = strdup(kv->value))) {
			settings_oom(ps);
			return;
		}
		if (settings_section_set(dst, kv->name, strlen(kv->name), value, &kv->origin))
			settings_oom(ps);
	}
	for (i = 0; i < ns && !ps->stop; i++) {
		struct settings_section *s = src->sections.v[i];
		struct settings_section *d =
			settings_nlist_find(&dst->sections, s->name, strlen(s->name));

		if (!ref_visit(ps))
			return;
		if (!d) {
			if (dst->depth + 1 > SETTINGS_MAX_DEPTH) {
				ref_error(ps, "inheriting from ",
				  " makes sections nest deeper than " STR(SETTINGS_MAX_DEPTH));
				ps->ref_limit_reported = true;
				return;
			}
			if (!ref_node(ps))
				return;
			d = settings_section_child(dst, s->name, strlen(s->name), &s->origin);
			if (!d) {
				settings_oom(ps);
				return;
			}
			d->state = REFS_DONE;
		}
		if (d != s)
			merge_missing(ps, d, s);
	}
}

static bool is_self_or_ancestor(const struct settings_section *a,
				const struct settings_section *sec)
{
	for (; sec; sec = sec->parent)
		if (sec == a)
			return true;
	return false;
}

/* Finds the section a reference names, merging the references along the way. */
static int ref_lookup(struct parse *ps, struct settings_section *root, const char *path,
		      struct settings_section **out)
{
	struct settings_section *sec = root;
	const char *p = path, *dot;
	int rc;

	*out = NULL;
	for (;;) {
		size_t len;

		rc = merge_refs(ps, sec);
		if (rc)
			return rc;
		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (!len)
			return -ENOENT;
		sec = settings_nlist_find(&sec->sections, p, len);
		if (!sec)
			return -ENOENT;
		if (!dot)
			break;
		p = dot + 1;
	}
	rc = merge_refs(ps, sec);
	if (rc)
		return rc;
	*out = sec;
	return 0;
}

static int merge_refs(struct parse *ps, struct settings_section *sec)
{
	const struct ref *saved_ref = ps->cur_ref;
	size_t i;

	if (sec->state == REFS_DONE)
		return 0;
	if (sec->state == REFS_MERGING)
		return -ELOOP;
	if (ps->ref_nest >= SETTINGS_MAX_REF_NEST)
		return -EMLINK;
	ps->ref_nest++;
	sec->state = REFS_MERGING;
	for (i = 0; i < sec->nrefs && !ps->stop; i++) {
		struct settings_section *target;
		int rc;

		ps->cur_ref = &sec->refs[i];
		rc = ref_lookup(ps, ps->s->root, sec->refs[i].path, &target);
		if (rc == -ELOOP)
			ref_error(ps, "inheriting from ", " is circular");
		else if (rc == -EMLINK)
			ref_error(ps, "inheriting from ",
				  " leads through too many other references");
		else if (rc)
			ref_error(ps, "section ",
				  " to inherit from does not exist (give its full path)");
		else if (is_self_or_ancestor(target, sec))
			ref_error(ps, "inheriting from ", " is circular: it contains this section");
		else
			merge_missing(ps, sec, target);
	}
	ps->cur_ref = saved_ref;
	sec->state = REFS_DONE;
	ps->ref_nest--;
	return 0;
}

void settings_resolve_refs(struct parse *ps, struct settings_section *sec)
{
	size_t i;

	(void)merge_refs(ps, sec);
	for (i = 0; i < sec->sections.n && !ps->stop; i++)
		settings_resolve_refs(ps, sec->sections.v[i]);
}
