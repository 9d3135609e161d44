/*
 * strongSwan settings syntax: the parsed tree (see settings.h for the rules). Sections and keys
 * live in named lists that keep file order and grow a hash index once large; lookups follow
 * dotted paths, and the typed getters convert with settings_value.c. Parsing is in
 * settings_parse.c, with settings_lex.c and settings_ref.c; settings_int.h lists the files.
 */
#include "common/settings_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A list switches from linear search to a hash index at this many names. */
#define NLIST_INDEX_MIN 8

/* ---- named lists ---- */

static const char *item_name(const void *item)
{
	return *(char *const *)item;
}

static size_t name_hash(const char *s, size_t len)
{
	size_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void nlist_index_put(struct nlist *l, size_t i)
{
	const char *name = item_name(l->v[i]);
	size_t mask = l->idx_cap - 1, h = name_hash(name, strlen(name)) & mask;

	while (l->idx[h])
		h = (h + 1) & mask;
	l->idx[h] = i + 1;
}

void *settings_nlist_find(const struct nlist *l, const char *name, size_t len)
{
	size_t i;

	if (l->idx) {
		size_t mask = l->idx_cap - 1, h = name_hash(name, len) & mask;

		for (; l->idx[h]; h = (h + 1) & mask) {
			const char *n = item_name(l->v[l->idx[h] - 1]);

			if (!strncmp(n, name, len) && !n[len])
				return l->v[l->idx[h] - 1];
		}
		return NULL;
	}
	for (i = 0; i < l->n; i++) {
		const char *n = item_name(l->v[i]);

		if (!strncmp(n, name, len) && !n[len])
			return l->v[i];
	}
	return NULL;
}

static MUST_CHECK int nlist_add(struct nlist *l, void *item)
{
	size_t i;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;
		void **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (l->n + 1 >= NLIST_INDEX_MIN && 2 * (l->n + 1) > l->idx_cap) {
		size_t cap = l->idx_cap ? 2 * l->idx_cap : 32;
		size_t *idx = calloc(cap, sizeof(*idx));

		if (!idx)
			return -ENOMEM;
		free(l->idx);
		l->idx = idx;
		l->idx_cap = cap;
		for (i = 0; i < l->n; i++)
			nlist_index_put(l, i);
	}
	l->v[l->n++] = item;
	if (l->idx)
		nlist_index_put(l, l->n - 1);
	return 0;
}

/* ---- the tree ---- */

static void kv_free(struct settings_kv *kv)
{
	if (!kv)
		return;
	free(kv->name);
	free(kv->value);
	free(kv);
}

static void section_free(struct settings_section *sec)
{
	size_t i;

	if (!sec)
		return;
	for (i = 0; i < sec->sections.n; i++)
		section_free(sec->sections.v[i]);
	for (i = 0; i < sec->kvs.n; i++)
		kv_free(sec->kvs.v[i]);
	for (i = 0; i < sec->nrefs; i++)
		free(sec->refs[i].path);
	free(sec->sections.v);
	free(sec->sections.idx);
	free(sec->kvs.v);
	free(sec->kvs.idx);
	free(sec->refs);
	free(sec->name);
	free(sec);
}

void settings_free(struct settings *s)
{
	size_t i;

	if (!s)
		return;
	section_free(s->root);
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s);
}

static struct settings_section *section_new(const char *name, size_t len,
					    const struct settings_origin *origin,
					    struct settings_section *parent)
{
	struct settings_section *sec = calloc(1, sizeof(*sec));

	if (!sec)
		return NULL;
	sec->name = strndup(name, len);
	if (!sec->name) {
		free(sec);
		return NULL;
	}
	sec->origin = *origin;
	sec->parent = parent;
	sec->depth = parent ? parent->depth + 1 : 0;
	return sec;
}

/* The child section called name, created at origin when missing; NULL on out-of-memory. */
struct settings_section *settings_section_child(struct settings_section *sec, const char *name,
						size_t len, const struct settings_origin *origin)
{
	struct settings_section *child = settings_nlist_find(&sec->sections, name, len);

	if (child)
		return child;
	child = section_new(name, len, origin, sec);
	if (child && nlist_add(&sec->sections, child)) {
		section_free(child);
		child = NULL;
	}
	return child;
}

/* Sets a key (taking ownership of value), keeping the place of an earlier one. */
MUST_CHECK int settings_section_set(struct settings_section *sec, const char *name, size_t len,
				    char *value, const struct settings_origin *origin)
{
	struct settings_kv *kv = settings_nlist_find(&sec->kvs, name, len);

	if (kv) {
		free(kv->value);
		kv->value = value;
		kv->origin = *origin;
		return 0;
	}
	kv = calloc(1, sizeof(*kv));
	if (!kv)
		goto err;
	kv->name = strndup(name, len);
	if (!kv->name || nlist_add(&sec->kvs, kv))
		goto err;
	kv->value = value;
	kv->origin = *origin;
	return 0;
err:
	kv_free(kv);
	free(value);
	return -ENOMEM;
}

MUST_CHECK int settings_section_add_ref(struct settings_section *sec, const char *path, size_t len,
					const struct settings_origin *origin)
{
	struct ref *refs = sec->refs;

	/* grown geometrically: a section may list very many references */
	if (sec->nrefs == sec->refs_cap) {
		size_t cap = sec->refs_cap ? 2 * sec->refs_cap : 4;

		refs = realloc(sec->refs, cap * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
		sec->refs = refs;
		sec->refs_cap = cap;
	}
	refs[sec->nrefs].path = strndup(path, len);
	if (!refs[sec->nrefs].path)
		return -ENOMEM;
	refs[sec->nrefs].origin = *origin;
	sec->nrefs++;
	return 0;
}

/* Remembers a file name for origins; returns the tree's copy or NULL on out-of-memory. */
const char *settings_add_file(struct settings *s, const char *name)
{
	char *dup;

	if (s->nfiles == s->files_cap) {
		size_t cap = s->files_cap ? 2 * s->files_cap : 4;
		char **v = realloc(s->files, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->files = v;
		s->files_cap = cap;
	}
	dup = strdup(name);
	if (dup)
		s->files[s->nfiles++] = dup;
	return dup;
}

struct settings *settings_new(const char *file)
{
	struct settings *s = calloc(1, sizeof(*s));
	struct settings_origin origin = { NULL, 0, 0 };

	if (!s)
		return NULL;
	origin.file = settings_add_file(s, file);
	if (origin.file)
		s->root = section_new("", 0, &origin, NULL);
	if (!s->root) {
		settings_free(s);
		return NULL;
	}
	return s;
}

/* ---- lookups ---- */

const struct settings_section *settings_root(const struct settings *s)
{
	return s ? s->root : NULL;
}

static const struct settings_section *find_section_n(const struct settings_section *sec,
						     const char *path, size_t len)
{
	const char *end = path + len;

	while (sec && path < end) {
		const char *dot = memchr(path, '.', (size_t)(end - path));
		size_t n = dot ? (size_t)(dot - path) : (size_t)(end - path);

		if (!n || (dot && dot + 1 == end))
			return NULL;
		sec = settings_nlist_find(&sec->sections, path, n);
		path += n + (dot ? 1 : 0);
	}
	return sec;
}

const struct settings_section *settings_find_section(const struct settings_section *sec,
						     const char *path)
{
	if (!sec || !path)
		return NULL;
	return find_section_n(sec, path, strlen(path));
}

const struct settings_kv *settings_find_kv(const struct settings_section *sec, const char *path)
{
	const char *dot, *key;

	if (!sec || !path)
		return NULL;
	dot = strrchr(path, '.');
	key = dot ? dot + 1 : path;
	if (!*key)
		return NULL;
	if (dot) {
		if (dot == path)
			return NULL;
		sec = find_section_n(sec, path, (size_t)(dot - path));
		if (!sec)
			return NULL;
	}
	return settings_nlist_find(&sec->kvs, key, strlen(key));
}

const char *settings_section_name(const struct settings_section *sec)
{
	return sec ? sec->name : NULL;
}

const struct settings_origin *settings_section_origin(const struct settings_section *sec)
{
	return sec ? &sec->origin : NULL;
}

size_t settings_section_count(const struct settings_section *sec)
{
	return sec ? sec->sections.n : 0;
}

const struct settings_section *settings_section_at(const struct settings_section *sec, size_t i)
{
	return sec && i < sec->sections.n ? sec->sections.v[i] : NULL;
}

size_t settings_kv_count(const struct settings_section *sec)
{
	return sec ? sec->kvs.n : 0;
}

const struct settings_kv *settings_kv_at(const struct settings_section *sec, size_t i)
{
	return sec && i < sec->kvs.n ? sec->kvs.v[i] : NULL;
}

const char *settings_kv_name(const struct settings_kv *kv)
{
	return kv ? kv->name : NULL;
}

const char *settings_kv_value(const struct settings_kv *kv)
{
	return kv ? kv->value : NULL;
}

const struct settings_origin *settings_kv_origin(const struct settings_kv *kv)
{
	return kv ? &kv->origin : NULL;
}

const char *settings_get_str(const struct settings_section *sec, const char *path,
			     const char *def)
{
	const char *v = settings_kv_value(settings_find_kv(sec, path));

	return v ? v : def;
}

/* Value of path for a typed getter: 0 with *value (NULL when absent), or -EINVAL. */
static int get_value(const struct settings_section *sec, const char *path, const void *out,
		     const char **value)
{
	if (!sec || !path || !out)
		return -EINVAL;
	*value = settings_kv_value(settings_find_kv(sec, path));
	return 0;
}

int settings_get_int(const struct settings_section *sec, const char *path, int64_t def,
		     int64_t *out)
{
	const char *v;
	int rc = get_value(sec, path, out, &v);

	if (rc)
		return rc;
	*out = def;
	if (v && (rc = settings_value_int(v, out)))
		*out = def;
	return rc;
}

int settings_get_bool(const struct settings_section *sec, const char *path, bool def, bool *out)
{
	const char *v;
	int rc = get_value(sec, path, out, &v);

	if (rc)
		return rc;
	*out = def;
	if (v && (rc = settings_value_bool(v, out)))
		*out = def;
	return rc;
}

int settings_get_time(const struct settings_section *sec, const char *path, uint64_t def,
		      uint64_t *out)
{
	const char *v;
	int rc = get_value(sec, path, out, &v);

	if (rc)
		return rc;
	*out = def;
	if (v && (rc = settings_value_time(v, out)))
		*out = def;
	return rc;
}
