/*
 * strongSwan settings syntax: a hand-written lexer and parser (see settings.h for the rules).
 *
 * The parser never recurses on nesting: open sections live on a bounded stack in struct parse,
 * and sections beyond the limit (or after a broken statement) are skipped by counting braces,
 * so that one mistake does not hide every later error. Only includes and the resolution of
 * section references recurse, each with its own limit.
 */
#include "common/settings.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How many sections copying for references may create, against exponential templates. */
#define SETTINGS_MAX_REF_NODES 262144
/* How many settings merging for references may look at, against many references to big ones. */
#define SETTINGS_MAX_REF_VISITS (1u << 24)
/* How deeply one reference may lead to the resolution of another. */
#define SETTINGS_MAX_REF_NEST 32
/* A list switches from linear search to a hash index at this many names. */
#define NLIST_INDEX_MIN 8

/* A list of named items (sections or keys) in file order, with a hash index once large. */
struct nlist {
	void **v; /* each item starts with its name (char *) */
	size_t n, cap;
	size_t *idx; /* open addressing: item index + 1, 0 for empty */
	size_t idx_cap;
};

struct ref {
	char *path;
	struct settings_origin origin;
};

enum ref_state { REFS_PENDING, REFS_MERGING, REFS_DONE };

struct settings_section {
	char *name; /* first: see struct nlist */
	struct settings_origin origin;
	struct settings_section *parent;
	unsigned int depth;
	struct nlist sections;
	struct nlist kvs;
	struct ref *refs;
	size_t nrefs;
	enum ref_state state;
};

struct settings_kv {
	char *name; /* first: see struct nlist */
	struct settings_origin origin;
	char *value;
};

struct settings {
	struct settings_section *root;
	char **files; /* every file name an origin points to */
	size_t nfiles, files_cap;
};

struct settings_errors {
	struct settings_error *v;
	size_t n, cap;
};

struct parse {
	struct settings *s;
	struct settings_errors *errs; /* may be NULL */
	size_t nerrors;		      /* in this parse */
	bool stop;		      /* too many errors, or out of memory */
	bool oom;
	unsigned int include_depth;
	size_t nincluded;
	struct settings_section *stack[SETTINGS_MAX_DEPTH + 1];
	size_t sp; /* stack[sp] is the current section */
	/* resolution of references */
	size_t ref_nodes, ref_visits;
	unsigned int ref_nest;
	bool ref_limit_reported;
	const struct ref *cur_ref;
};

struct lex {
	const char *file; /* owned by the tree */
	const char *dir;  /* for relative includes; NULL disables includes */
	const char *p, *end, *line_start;
	unsigned int line;
};

struct sbuf {
	char *p;
	size_t len, cap;
};

/* ---- small helpers ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Bytes that end a name (and a reference path, which may contain '.' in addition). */
static bool is_name_char(char c)
{
	return c && !is_blank(c) && !strchr("\n#{}:,=\"", c);
}

/* Bytes of an unquoted include pattern: a '}' ends it, for one-line sections. */
static bool is_pattern_char(char c)
{
	return c && !is_blank(c) && !strchr("\n#}\"", c);
}

static int sbuf_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int sbuf_addc(struct sbuf *b, char c)
{
	return sbuf_add(b, &c, 1);
}

/*
 * Renders a name from the input for a message: at most 48 bytes, with anything that is not
 * printable ASCII as \xNN, so that no input can put control bytes into a log.
 */
static const char *show(char *out, size_t cap, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 48) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

#define SHOW_MAX 220
#define STR_(x) #x
#define STR(x) STR_(x)
#define SHOW(buf, s, len) show(buf, sizeof(buf), s, len)

/* ---- errors ---- */

struct settings_errors *settings_errors_new(void)
{
	return calloc(1, sizeof(struct settings_errors));
}

static void error_clear(struct settings_error *e)
{
	free((char *)e->where.file);
	free((char *)e->message);
	free((char *)e->text);
}

void settings_errors_free(struct settings_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++)
		error_clear(&errs->v[i]);
	free(errs->v);
	free(errs);
}

size_t settings_errors_count(const struct settings_errors *errs)
{
	return errs ? errs->n : 0;
}

const struct settings_error *settings_errors_get(const struct settings_errors *errs, size_t i)
{
	return errs && i < errs->n ? &errs->v[i] : NULL;
}

static void errors_add(struct parse *ps, const char *file, unsigned int line, unsigned int col,
		       const char *msg)
{
	struct settings_errors *errs = ps->errs;
	struct settings_error e = { { NULL, line, line ? col : 0 }, NULL, NULL };
	char *text = NULL;
	int n;

	if (!errs)
		return;
	if (errs->n == errs->cap) {
		size_t cap = errs->cap ? 2 * errs->cap : 8;
		struct settings_error *v = realloc(errs->v, cap * sizeof(*v));

		if (!v)
			goto oom;
		errs->v = v;
		errs->cap = cap;
	}
	if (line)
		n = asprintf(&text, "%s:%u:%u: %s", file, line, col, msg);
	else
		n = asprintf(&text, "%s: %s", file, msg);
	if (n < 0) {
		text = NULL;
		goto oom;
	}
	e.where.file = strdup(file);
	e.message = strdup(msg);
	e.text = text;
	if (!e.where.file || !e.message)
		goto oom;
	errs->v[errs->n++] = e;
	return;
oom:
	error_clear(&e);
	if (!e.text)
		free(text);
	ps->oom = true;
	ps->stop = true;
}

__attribute__((format(printf, 5, 6))) static void error_at(struct parse *ps, const char *file,
							   unsigned int line, unsigned int col,
							   const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ps->stop)
		return;
	if (ps->nerrors++ == SETTINGS_MAX_ERRORS) {
		errors_add(ps, file, line, col, "too many errors, giving up");
		ps->stop = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errors_add(ps, file, line, col, msg);
}

static void oom(struct parse *ps)
{
	ps->oom = true;
	ps->stop = true;
}

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

static void *nlist_find(const struct nlist *l, const char *name, size_t len)
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
static struct settings_section *section_child(struct settings_section *sec, const char *name,
					      size_t len, const struct settings_origin *origin)
{
	struct settings_section *child = nlist_find(&sec->sections, name, len);

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
static MUST_CHECK int section_set(struct settings_section *sec, const char *name, size_t len,
				  char *value, const struct settings_origin *origin)
{
	struct settings_kv *kv = nlist_find(&sec->kvs, name, len);

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

static MUST_CHECK int section_add_ref(struct settings_section *sec, const char *path, size_t len,
				      const struct settings_origin *origin)
{
	struct ref *refs = realloc(sec->refs, (sec->nrefs + 1) * sizeof(*refs));

	if (!refs)
		return -ENOMEM;
	sec->refs = refs;
	refs[sec->nrefs].path = strndup(path, len);
	if (!refs[sec->nrefs].path)
		return -ENOMEM;
	refs[sec->nrefs].origin = *origin;
	sec->nrefs++;
	return 0;
}

/* Remembers a file name for origins; returns the tree's copy or NULL on out-of-memory. */
static const char *settings_add_file(struct settings *s, const char *name)
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

static struct settings *settings_new(const char *file)
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

/* ---- lexer ---- */

static unsigned int lex_col(const struct lex *lx, const char *p)
{
	size_t col = (size_t)(p - lx->line_start) + 1;

	return col > UINT32_MAX ? UINT32_MAX : (unsigned int)col;
}

static void lex_newline(struct lex *lx)
{
	lx->p++;
	lx->line++;
	lx->line_start = lx->p;
}

static void skip_blank(struct lex *lx)
{
	while (lx->p < lx->end && is_blank(*lx->p))
		lx->p++;
}

/* Skips blanks, comments and newlines. */
static void skip_space(struct lex *lx)
{
	while (lx->p < lx->end) {
		if (is_blank(*lx->p)) {
			lx->p++;
		} else if (*lx->p == '\n') {
			lex_newline(lx);
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else {
			break;
		}
	}
}

static bool at_line_end(const struct lex *lx)
{
	return lx->p >= lx->end || *lx->p == '\n' || *lx->p == '#';
}

/*
 * Error recovery: skips the rest of the line and returns how many more sections it opened
 * than closed there, so that the caller can skip their bodies and keep braces balanced.
 */
static size_t skip_line(struct lex *lx)
{
	long open = 0;

	while (lx->p < lx->end && *lx->p != '\n') {
		if (*lx->p == '{')
			open++;
		else if (*lx->p == '}' && open > 0)
			open--;
		else if (*lx->p == '#')
			break;
		lx->p++;
	}
	return (size_t)open;
}

/*
 * A quoted string, lx->p at the opening quote; appends its contents to b. Returns 0, or
 * -EBADMSG (reported) when it is not closed, or -ENOMEM.
 */
static int lex_quoted(struct parse *ps, struct lex *lx, struct sbuf *b)
{
	unsigned int line = lx->line, col = lex_col(lx, lx->p);
	char c;

	lx->p++;
	while (lx->p < lx->end) {
		c = *lx->p;
		if (c == '"') {
			lx->p++;
			/* an empty string still makes a value */
			return sbuf_add(b, "", 0);
		}
		if (c == '\n') {
			lex_newline(lx);
		} else if (c == '\0') {
			error_at(ps, lx->file, lx->line, lex_col(lx, lx->p),
				 "NUL byte in a string");
			lx->p++;
			continue;
		} else if (c == '\\') {
			if (lx->p + 1 >= lx->end)
				break;
			c = *++lx->p;
			if (c == '\n') {
				lex_newline(lx); /* a continued line */
				continue;
			}
			if (c == '\r' && lx->p + 1 < lx->end && lx->p[1] == '\n') {
				lx->p++;
				lex_newline(lx);
				continue;
			}
			if (c == '\0') {
				error_at(ps, lx->file, lx->line, lex_col(lx, lx->p),
					 "NUL byte in a string");
				lx->p++;
				continue;
			}
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
			lx->p++;
		} else {
			lx->p++;
		}
		if (sbuf_addc(b, c))
			return -ENOMEM;
	}
	error_at(ps, lx->file, line, col, "unterminated string: expected '\"' to close it");
	return -EBADMSG;
}

/*
 * The value after '=': words and quoted strings up to the end of the line, a '#' or a '}',
 * joined by one space. *out is NULL for no value. Returns 0, -EBADMSG (reported), -ENOMEM.
 */
static int lex_value(struct parse *ps, struct lex *lx, char **out)
{
	struct sbuf b = { NULL, 0, 0 };
	bool any = false;
	int rc = 0;

	*out = NULL;
	for (;;) {
		const char *w;

		skip_blank(lx);
		if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == '#' || *lx->p == '}')
			break;
		if (*lx->p == '\0') {
			error_at(ps, lx->file, lx->line, lex_col(lx, lx->p), "NUL byte in a value");
			lx->p++;
			rc = -EBADMSG;
			continue;
		}
		if (any && sbuf_addc(&b, ' '))
			goto oom;
		any = true;
		if (*lx->p == '"') {
			int r = lex_quoted(ps, lx, &b);

			if (r == -ENOMEM)
				goto oom;
			if (r) {
				rc = r;
				break;
			}
			continue;
		}
		for (w = lx->p; lx->p < lx->end && *lx->p && !is_blank(*lx->p) &&
				!strchr("\n#}\"", *lx->p);
		     lx->p++)
			;
		if (sbuf_add(&b, w, (size_t)(lx->p - w)))
			goto oom;
	}
	if (rc)
		free(b.p);
	else
		*out = b.p;
	return rc;
oom:
	free(b.p);
	return -ENOMEM;
}

/* ---- parser ---- */

static int parse_file(struct parse *ps, const char *path, const struct lex *from,
		      unsigned int line, unsigned int col);

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static void do_include(struct parse *ps, struct lex *lx, const char *pattern, unsigned int line,
		       unsigned int col)
{
	char show_buf[SHOW_MAX];
	char *full = NULL;
	glob_t g;
	size_t i;
	int rc;

	if (!lx->dir) {
		error_at(ps, lx->file, line, col, "cannot include '%s': includes are disabled",
			 SHOW(show_buf, pattern, strlen(pattern)));
		return;
	}
	if (ps->include_depth >= SETTINGS_MAX_INCLUDE_DEPTH) {
		error_at(ps, lx->file, line, col,
			 "includes nested deeper than %d (does a file include itself?)",
			 SETTINGS_MAX_INCLUDE_DEPTH);
		return;
	}
	if (pattern[0] == '/')
		full = strdup(pattern);
	else if (asprintf(&full, "%s/%s", lx->dir, pattern) < 0)
		full = NULL;
	if (!full) {
		oom(ps);
		return;
	}
	rc = glob(full, 0, NULL, &g);
	if (rc == GLOB_NOSPACE) {
		oom(ps);
	} else if (rc == GLOB_ABORTED) {
		error_at(ps, lx->file, line, col, "cannot read the folders of include '%s'",
			 SHOW(show_buf, pattern, strlen(pattern)));
	} else if (!rc) {
		for (i = 0; i < g.gl_pathc && !ps->stop; i++) {
			if (is_dir(g.gl_pathv[i]))
				continue;
			if (ps->nincluded >= SETTINGS_MAX_INCLUDED_FILES) {
				error_at(ps, lx->file, line, col,
					 "more than %d included files (an include loop?)",
					 SETTINGS_MAX_INCLUDED_FILES);
				break;
			}
			ps->nincluded++;
			ps->include_depth++;
			(void)parse_file(ps, g.gl_pathv[i], lx, line, col);
			ps->include_depth--;
		}
	}
	globfree(&g);
	free(full);
}

/* `include PATTERN`, lx->p after the keyword and its blanks. */
static void parse_include(struct parse *ps, struct lex *lx, size_t *skip, unsigned int line,
			  unsigned int col)
{
	struct sbuf b = { NULL, 0, 0 };
	unsigned int pline = lx->line, pcol = lex_col(lx, lx->p);
	const char *w;

	if (lx->p < lx->end && *lx->p == '"') {
		int rc = lex_quoted(ps, lx, &b);

		if (rc == -ENOMEM)
			oom(ps);
		if (rc)
			goto out;
	} else {
		/* glob(3) takes "\ " for a space: keep escapes whole for it */
		for (w = lx->p; lx->p < lx->end && is_pattern_char(*lx->p); lx->p++)
			if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] && lx->p[1] != '\n')
				lx->p++;
		if (sbuf_add(&b, w, (size_t)(lx->p - w))) {
			oom(ps);
			goto out;
		}
	}
	skip_blank(lx);
	if (!at_line_end(lx)) {
		error_at(ps, lx->file, lx->line, lex_col(lx, lx->p),
			 "expected the end of the line after the include pattern");
		*skip += skip_line(lx);
		goto out;
	}
	if (!b.len || memchr(b.p, '\0', b.len)) {
		error_at(ps, lx->file, pline, pcol, "expected a file pattern after 'include'");
		goto out;
	}
	if (!*skip)
		do_include(ps, lx, b.p, line, col);
out:
	free(b.p);
}

/*
 * `name : ref, ref {`, lx->p after the ':'. Adds the references to refs (a scratch section).
 * Returns true when the '{' was found and consumed.
 */
static bool parse_refs(struct parse *ps, struct lex *lx, struct settings_section *refs,
		       size_t *skip)
{
	char sb[SHOW_MAX];
	const char *w;
	const char *after = ":";

	for (;;) {
		struct settings_origin origin;

		skip_space(lx);
		origin = (struct settings_origin){ lx->file, lx->line, lex_col(lx, lx->p) };
		for (w = lx->p; lx->p < lx->end && (is_name_char(*lx->p)); lx->p++)
			;
		if (lx->p == w) {
			error_at(ps, lx->file, origin.line, origin.column,
				 "expected the name of a section to inherit from after '%s'",
				 after);
			goto recover;
		}
		if (section_add_ref(refs, w, (size_t)(lx->p - w), &origin)) {
			oom(ps);
			return false;
		}
		skip_space(lx);
		if (lx->p < lx->end && *lx->p == '{') {
			lx->p++;
			return true;
		}
		if (lx->p >= lx->end || *lx->p != ',') {
			error_at(ps, lx->file, lx->line, lex_col(lx, lx->p),
				 "expected ',' or '{' after '%s'",
				 SHOW(sb, w, strlen(refs->refs[refs->nrefs - 1].path)));
			goto recover;
		}
		lx->p++;
		after = ",";
	}
recover:
	*skip += skip_line(lx);
	return false;
}

/* A statement that starts with a name, lx->p at it. */
static void parse_named(struct parse *ps, struct lex *lx, size_t *skip)
{
	char sb[SHOW_MAX], sn[SHOW_MAX];
	const char *name = lx->p;
	size_t len;
	unsigned int line = lx->line, col = lex_col(lx, lx->p), tline;
	struct settings_origin origin = { lx->file, line, col };
	struct settings_section refs = { 0 };
	bool bad = false;
	size_t i;

	for (; lx->p < lx->end && is_name_char(*lx->p); lx->p++)
		;
	len = (size_t)(lx->p - name);
	if (len == 7 && !memcmp(name, "include", 7) && lx->p < lx->end && is_blank(*lx->p)) {
		skip_blank(lx);
		if (lx->p >= lx->end || !strchr("={:", *lx->p)) {
			parse_include(ps, lx, skip, line, col);
			return;
		}
	}
	if (memchr(name, '.', len)) {
		const char *dot = memchr(name, '.', len);

		error_at(ps, lx->file, line, lex_col(lx, dot),
			 "names cannot contain '.', it separates the parts of a path (in '%s')",
			 SHOW(sb, name, len));
		bad = true;
	}
	skip_space(lx);
	tline = lx->line;
	if (lx->p < lx->end && *lx->p == '=') {
		char *value = NULL;
		int rc;

		lx->p++;
		rc = lex_value(ps, lx, &value);
		if (rc == -ENOMEM) {
			oom(ps);
		} else if (!rc && !bad && !*skip) {
			if (section_set(ps->stack[ps->sp], name, len, value, &origin))
				oom(ps);
			value = NULL;
		}
		free(value);
		return;
	}
	if (lx->p < lx->end && *lx->p == ':') {
		lx->p++;
		if (!parse_refs(ps, lx, &refs, skip))
			goto out;
	} else if (lx->p < lx->end && *lx->p == '{') {
		lx->p++;
	} else {
		char found[SHOW_MAX + 2];
		const char *w = lx->p;

		if (lx->p >= lx->end) {
			strcpy(found, "end of file");
		} else if (is_name_char(*lx->p)) {
			while (w < lx->end && is_name_char(*w))
				w++;
			SHOW(sb, lx->p, (size_t)(w - lx->p));
			snprintf(found, sizeof(found), "'%s'", sb);
		} else {
			snprintf(found, sizeof(found), "'%s'", SHOW(sb, lx->p, 1));
		}
		error_at(ps, lx->file, lx->line, lex_col(lx, lx->p),
			 "expected '=' or '{' after '%s', found %s",
			 SHOW(sn, name, len), found);
		/* resume at what follows on a later line: it may well be the next statement */
		if (tline == line)
			*skip += skip_line(lx);
		goto out;
	}
	/* a section opens */
	if (bad || *skip) {
		(*skip)++;
	} else if (ps->sp >= SETTINGS_MAX_DEPTH) {
		error_at(ps, lx->file, line, col, "sections nested deeper than %d",
			 SETTINGS_MAX_DEPTH);
		(*skip)++;
	} else {
		struct settings_section *sec = section_child(ps->stack[ps->sp], name, len, &origin);

		if (!sec) {
			oom(ps);
			goto out;
		}
		for (i = 0; i < refs.nrefs; i++) {
			if (section_add_ref(sec, refs.refs[i].path, strlen(refs.refs[i].path),
					    &refs.refs[i].origin)) {
				oom(ps);
				goto out;
			}
		}
		ps->stack[++ps->sp] = sec;
	}
out:
	for (i = 0; i < refs.nrefs; i++)
		free(refs.refs[i].path);
	free(refs.refs);
}

static void parse_text(struct parse *ps, struct lex *lx)
{
	size_t base = ps->sp, skip = 0;

	while (!ps->stop) {
		unsigned int col;

		skip_space(lx);
		if (lx->p >= lx->end)
			break;
		col = lex_col(lx, lx->p);
		switch (*lx->p) {
		case '}':
			lx->p++;
			if (skip)
				skip--;
			else if (ps->sp > base)
				ps->sp--;
			else
				error_at(ps, lx->file, lx->line, col,
					 "unexpected '}': no section is open");
			break;
		case '{':
			error_at(ps, lx->file, lx->line, col, "expected a section name before '{'");
			lx->p++;
			skip++;
			break;
		case '\0':
			error_at(ps, lx->file, lx->line, col,
				 "NUL byte where a section or key name was expected");
			lx->p++;
			break;
		case '=':
		case ':':
		case ',':
			error_at(ps, lx->file, lx->line, col,
				 "expected a section or key name, found '%c'", *lx->p);
			skip += skip_line(lx);
			break;
		case '"':
			error_at(ps, lx->file, lx->line, col,
				 "expected a section or key name, found '\"'");
			skip += skip_line(lx);
			break;
		default:
			parse_named(ps, lx, &skip);
			break;
		}
	}
	if (!ps->stop && (skip || ps->sp > base)) {
		char sb[SHOW_MAX];
		const struct settings_section *open = ps->stack[base + 1];

		if (ps->sp > base)
			error_at(ps, lx->file, lx->line, lex_col(lx, lx->p),
				 "expected '}' to close section '%s' (opened at line %u) before "
				 "the end of the file",
				 SHOW(sb, open->name, strlen(open->name)), open->origin.line);
		else
			error_at(ps, lx->file, lx->line, lex_col(lx, lx->p),
				 "expected '}' before the end of the file");
	}
	ps->sp = base;
}

static void parse_lex(struct parse *ps, const char *file, const char *dir, const char *text,
		      size_t len)
{
	struct lex lx = { file, dir, text, text + len, text, 1 };

	parse_text(ps, &lx);
}

static int read_all(int fd, char **out, size_t *out_len)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			if (cap > SETTINGS_MAX_FILE_SIZE) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? 2 * cap : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (len > SETTINGS_MAX_FILE_SIZE) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/*
 * Parses a file into the current section. from (with line, col) is the include statement,
 * NULL for the top file. Returns 0 or a negative errno (reported).
 */
static int parse_file(struct parse *ps, const char *path, const struct lex *from,
		      unsigned int line, unsigned int col)
{
	char sb[SHOW_MAX];
	const char *file, *slash;
	char *text = NULL, *dir = NULL;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		rc = read_all(fd, &text, &len);
		close(fd);
	}
	if (rc == -ENOMEM) {
		oom(ps);
		return rc;
	}
	if (rc) {
		const char *why = rc == -EFBIG ? "larger than 16 MiB" : strerror(-rc);

		if (from)
			error_at(ps, from->file, line, col, "cannot read included file '%s': %s",
				 SHOW(sb, path, strlen(path)), why);
		else
			error_at(ps, path, 0, 0, "cannot read: %s", why);
		return rc;
	}
	file = from ? settings_add_file(ps->s, path) : ps->s->files[0];
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!file || !dir) {
		oom(ps);
		rc = -ENOMEM;
	} else {
		parse_lex(ps, file, dir, text, len);
	}
	free(dir);
	free(text);
	return rc;
}

/* ---- references ---- */

static int merge_refs(struct parse *ps, struct settings_section *sec);

/* Reports a problem with the reference being merged: before 'path' after. */
static void ref_error(struct parse *ps, const char *before, const char *after)
{
	char sb[SHOW_MAX];
	const struct ref *r = ps->cur_ref;

	if (!r)
		return;
	error_at(ps, r->origin.file, r->origin.line, r->origin.column, "%s'%s'%s", before,
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
		if (nlist_find(&dst->kvs, kv->name, strlen(kv->name)))
			continue;
		if (!ref_node(ps))
			return;
		if (kv->value && !(value = strdup(kv->value))) {
			oom(ps);
			return;
		}
		if (section_set(dst, kv->name, strlen(kv->name), value, &kv->origin))
			oom(ps);
	}
	for (i = 0; i < ns && !ps->stop; i++) {
		struct settings_section *s = src->sections.v[i];
		struct settings_section *d = nlist_find(&dst->sections, s->name, strlen(s->name));

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
			d = section_child(dst, s->name, strlen(s->name), &s->origin);
			if (!d) {
				oom(ps);
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
		sec = nlist_find(&sec->sections, p, len);
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

static void resolve_tree(struct parse *ps, struct settings_section *sec)
{
	size_t i;

	(void)merge_refs(ps, sec);
	for (i = 0; i < sec->sections.n && !ps->stop; i++)
		resolve_tree(ps, sec->sections.v[i]);
}

/* ---- entry points ---- */

static int parse_finish(struct parse *ps, int rc, struct settings **out)
{
	if (!rc && !ps->stop && !ps->nerrors)
		resolve_tree(ps, ps->s->root);
	if (ps->oom)
		rc = -ENOMEM;
	else if (!rc && ps->nerrors)
		rc = -EBADMSG;
	if (rc) {
		settings_free(ps->s);
		return rc;
	}
	*out = ps->s;
	return 0;
}

int settings_parse_file(const char *path, struct settings **out, struct settings_errors *errs)
{
	struct parse *ps;
	int rc;

	if (out)
		*out = NULL;
	if (!path || !*path || !out)
		return -EINVAL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->errs = errs;
	ps->s = settings_new(path);
	if (!ps->s) {
		free(ps);
		return -ENOMEM;
	}
	ps->stack[0] = ps->s->root;
	rc = parse_file(ps, path, NULL, 0, 0);
	rc = parse_finish(ps, rc, out);
	free(ps);
	return rc;
}

int settings_parse_buffer(const char *name, const char *text, size_t len, const char *include_dir,
			  struct settings **out, struct settings_errors *errs)
{
	struct parse *ps;
	char *dir = NULL;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!name || (!text && len) || !out)
		return -EINVAL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->errs = errs;
	ps->s = settings_new(name);
	if (include_dir)
		dir = strdup(include_dir);
	if (!ps->s || (include_dir && !dir)) {
		oom(ps);
		rc = -ENOMEM;
	} else if (len > SETTINGS_MAX_FILE_SIZE) {
		error_at(ps, name, 0, 0, "larger than 16 MiB");
		rc = -EFBIG;
	} else {
		ps->stack[0] = ps->s->root;
		parse_lex(ps, ps->s->files[0], dir, text ? text : "", len);
	}
	free(dir);
	if (!ps->s) {
		free(ps);
		return -ENOMEM;
	}
	rc = parse_finish(ps, rc, out);
	free(ps);
	return rc;
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
		sec = nlist_find(&sec->sections, path, n);
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
	return nlist_find(&sec->kvs, key, strlen(key));
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

/* ---- conversions ---- */

static int digit(char c, unsigned int base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned int)d < base ? d : -1;
}

/* An unsigned number in decimal or 0x-hex; *end after it. */
static int parse_u64(const char *s, bool hex, uint64_t *out, const char **end)
{
	unsigned int base = 10;
	uint64_t v = 0;
	bool range = false;
	int d;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit(s[2], 16) >= 0) {
		base = 16;
		s += 2;
	}
	if (digit(*s, base) < 0)
		return -EBADMSG;
	for (; (d = digit(*s, base)) >= 0; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			range = true;
		else
			v = v * base + (uint64_t)d;
	}
	*end = s;
	*out = v;
	return range ? -ERANGE : 0;
}

int settings_value_int(const char *value, int64_t *out)
{
	const char *end;
	bool neg = false;
	uint64_t u;
	int rc;

	if (!value || !out)
		return -EINVAL;
	if (*value == '-' || *value == '+')
		neg = *value++ == '-';
	rc = parse_u64(value, true, &u, &end);
	if (rc == -EBADMSG || *end)
		return -EBADMSG;
	if (rc || u > (uint64_t)INT64_MAX + neg)
		return -ERANGE;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

static bool ascii_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;

		if (x != *b)
			return false;
	}
	return !*a && !*b;
}

int settings_value_bool(const char *value, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "enabled" };
	static const char *const no[] = { "0", "no", "false", "off", "disabled" };
	size_t i;

	if (!value || !out)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (ascii_eq(value, yes[i])) {
			*out = true;
			return 0;
		}
		if (ascii_eq(value, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EBADMSG;
}

int settings_value_time(const char *value, uint64_t *out)
{
	const char *end;
	uint64_t v, mul = 1;
	int rc;

	if (!value || !out)
		return -EINVAL;
	rc = parse_u64(value, false, &v, &end);
	if (rc == -EBADMSG)
		return rc;
	while (*end == ' ' || *end == '\t')
		end++;
	switch (*end) {
	case 'd':
		mul = 86400;
		end++;
		break;
	case 'h':
		mul = 3600;
		end++;
		break;
	case 'm':
		mul = 60;
		end++;
		break;
	case 's':
		end++;
		break;
	default:
		break;
	}
	if (*end)
		return -EBADMSG;
	if (rc || v > UINT64_MAX / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

/* The next list item from *p: *start and *len (quotes stripped); false at the end. */
static bool next_item(const char **p, const char *seps, const char **start, size_t *len)
{
	const char *s = *p, *e;

	for (;;) {
		while (*s == ' ' || *s == '\t' || (*s && strchr(seps, *s)))
			s++;
		if (!*s) {
			*p = s;
			return false;
		}
		/* a quote without its match is an ordinary byte */
		if ((*s == '"' || *s == '\'') && (e = strchr(s + 1, *s))) {
			*start = s + 1;
			*len = (size_t)(e - s - 1);
			*p = e + 1;
			return true;
		}
		for (e = s; *e && !strchr(seps, *e); e++)
			;
		*p = e;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s) {
			*start = s;
			*len = (size_t)(e - s);
			return true;
		}
		s = *p;
	}
}

int settings_split_list(const char *value, const char *seps, char ***items, size_t *count)
{
	const char *p, *start;
	size_t n = 0, bytes = 0, len, i;
	char **v, *str;

	if (!value || !items || !count)
		return -EINVAL;
	if (!seps)
		seps = ",";
	for (p = value; next_item(&p, seps, &start, &len);) {
		n++;
		bytes += len + 1;
	}
	v = malloc((n + 1) * sizeof(*v) + bytes);
	if (!v)
		return -ENOMEM;
	str = (char *)(v + n + 1);
	for (p = value, i = 0; next_item(&p, seps, &start, &len); i++) {
		memcpy(str, start, len);
		str[len] = '\0';
		v[i] = str;
		str += len + 1;
	}
	v[n] = NULL;
	*items = v;
	*count = n;
	return 0;
}
