/*
 * INTERNAL to the settings parser; include it only from src/common/settings*.c. The public API
 * is settings.h. This header holds the layout of the tree and of the parse state, and the
 * helpers the parser's files share:
 *
 *   settings.c        the tree: named lists, sections and keys, lookups, iteration, getters
 *   settings_value.c  value conversions (int, bool, time) and list splitting
 *   settings_error.c  the error list and reporting problems during a parse
 *   settings_lex.c    the lexer: blanks, comments, line ends, quoted strings, values
 *   settings_parse.c  the grammar, includes, file reading and the parse entry points
 *   settings_ref.c    resolution of section references (`name : ref {`)
 */
#ifndef IKN_COMMON_SETTINGS_INT_H
#define IKN_COMMON_SETTINGS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/defs.h"
#include "common/settings.h"

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
	size_t nrefs, refs_cap;
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

/* ---- byte classes (lexer and parser) ---- */

static inline bool settings_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Bytes that end a name (and a reference path, which may contain '.' in addition). */
static inline bool settings_is_name_char(char c)
{
	return c && !settings_is_blank(c) && !strchr("\n#{}:,=\"", c);
}

/* Bytes of an unquoted include pattern: a '}' ends it, for one-line sections. */
static inline bool settings_is_pattern_char(char c)
{
	return c && !settings_is_blank(c) && !strchr("\n#}\"", c);
}

/* ---- the tree (settings.c) ---- */

/* The item of l called name (len bytes, need not be NUL-terminated), or NULL; borrowed. */
void *settings_nlist_find(const struct nlist *l, const char *name, size_t len);
/* A tree with only its root, whose origin is file; NULL on out-of-memory. */
struct settings *settings_new(const char *file);
/* Remembers a file name for origins; returns the tree's copy or NULL on out-of-memory. */
const char *settings_add_file(struct settings *s, const char *name);
/* The child section called name, created at origin when missing; NULL on out-of-memory. */
struct settings_section *settings_section_child(struct settings_section *sec, const char *name,
						size_t len, const struct settings_origin *origin);
/* Sets a key (taking ownership of value), keeping the place of an earlier one. */
MUST_CHECK int settings_section_set(struct settings_section *sec, const char *name, size_t len,
				    char *value, const struct settings_origin *origin);
/* Adds a reference to path (len bytes) to sec; 0 or -ENOMEM. */
MUST_CHECK int settings_section_add_ref(struct settings_section *sec, const char *path,
					size_t len, const struct settings_origin *origin);

/* ---- problems found while parsing (settings_error.c) ---- */

/* Room for a name rendered by settings_show(). */
#define SHOW_MAX 220
#define SHOW(buf, s, len) settings_show(buf, sizeof(buf), s, len)

/*
 * Renders len bytes of s from the input for a message into out (cap bytes): at most 48 bytes,
 * with anything that is not printable ASCII as \xNN. Returns out.
 */
const char *settings_show(char *out, size_t cap, const char *s, size_t len);
/*
 * Reports a problem at file:line:col (line 0: the whole file) to ps->errs, counting it; stops
 * the parse after SETTINGS_MAX_ERRORS. Does nothing once the parse has stopped.
 */
__attribute__((format(printf, 5, 6))) void settings_error_at(struct parse *ps, const char *file,
							     unsigned int line, unsigned int col,
							     const char *fmt, ...);
/* Records running out of memory: the parse stops and fails with -ENOMEM. */
void settings_oom(struct parse *ps);

/* ---- the lexer (settings_lex.c) ---- */

/* Appends n bytes of p to b, keeping it NUL-terminated; 0 or -ENOMEM. */
MUST_CHECK int settings_sbuf_add(struct sbuf *b, const char *p, size_t n);
MUST_CHECK int settings_sbuf_addc(struct sbuf *b, char c);

/* The 1-based column of p, which is on the current line. */
unsigned int settings_lex_col(const struct lex *lx, const char *p);
/* Skips blanks (not newlines). */
void settings_lex_skip_blank(struct lex *lx);
/* Skips blanks, comments and newlines. */
void settings_lex_skip_space(struct lex *lx);
/* At the end of the input, of the line or at a comment. */
bool settings_lex_at_line_end(const struct lex *lx);
/*
 * Error recovery: skips the rest of the line and returns how many more sections it opened
 * than closed there, so that the caller can skip their bodies and keep braces balanced.
 */
size_t settings_lex_skip_line(struct lex *lx);
/*
 * A quoted string, lx->p at the opening quote; appends its contents to b. Returns 0, or
 * -EBADMSG (reported) when it is not closed, or -ENOMEM.
 */
int settings_lex_quoted(struct parse *ps, struct lex *lx, struct sbuf *b);
/*
 * The value after '=': words and quoted strings up to the end of the line, a '#' or a '}',
 * joined by one space. *out (owned by the caller) is NULL for no value. Returns 0, -EBADMSG
 * (reported), -ENOMEM.
 */
int settings_lex_value(struct parse *ps, struct lex *lx, char **out);

/* ---- references (settings_ref.c) ---- */

/*
 * Merges the references of sec and of every section below it, reporting the problems (a
 * missing or circular reference, a limit reached).
 */
void settings_resolve_refs(struct parse *ps, struct settings_section *sec);

#endif
