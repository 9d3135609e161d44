/*
 * strongSwan settings syntax: the parser (see settings.h for the rules), on top of the lexer in
 * settings_lex.c, with includes, file reading and the entry points settings_parse_file() and
 * settings_parse_buffer(). References are resolved by settings_ref.c once all is read.
 *
 * The parser never recurses on nesting: open sections live on a bounded stack in struct parse,
 * and sections beyond the limit (or after a broken statement) are skipped by counting braces,
 * so that one mistake does not hide every later error. Only includes and the resolution of
 * section references recurse, each with its own limit.
 */
#include "common/settings_int.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
		settings_error_at(ps, lx->file, line, col,
				  "cannot include '%s': includes are disabled",
				  SHOW(show_buf, pattern, strlen(pattern)));
		return;
	}
	if (ps->include_depth >= SETTINGS_MAX_INCLUDE_DEPTH) {
		settings_error_at(ps, lx->file, line, col,
				  "includes nested deeper than %d (does a file include itself?)",
				  SETTINGS_MAX_INCLUDE_DEPTH);
		return;
	}
	if (pattern[0] == '/')
		full = strdup(pattern);
	else if (asprintf(&full, "%s/%s", lx->dir, pattern) < 0)
		full = NULL;
	if (!full) {
		settings_oom(ps);
		return;
	}
	rc = glob(full, 0, NULL, &g);
	if (rc == GLOB_NOSPACE) {
		settings_oom(ps);
	} else if (rc == GLOB_ABORTED) {
		settings_error_at(ps, lx->file, line, col,
				  "cannot read the folders of include '%s'",
				  SHOW(show_buf, pattern, strlen(pattern)));
	} else if (!rc) {
		for (i = 0; i < g.gl_pathc && !ps->stop; i++) {
			if (is_dir(g.gl_pathv[i]))
				continue;
			if (ps->nincluded >= SETTINGS_MAX_INCLUDED_FILES) {
				settings_error_at(ps, lx->file, line, col,
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
	unsigned int pline = lx->line, pcol = settings_lex_col(lx, lx->p);
	const char *w;

	if (lx->p < lx->end && *lx->p == '"') {
		int rc = settings_lex_quoted(ps, lx, &b);

		if (rc == -ENOMEM)
			settings_oom(ps);
		if (rc)
			goto out;
	} else {
		/* glob(3) takes "\ " for a space: keep escapes whole for it */
		for (w = lx->p; lx->p < lx->end && settings_is_pattern_char(*lx->p); lx->p++)
			if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] && lx->p[1] != '\n')
				lx->p++;
		if (settings_sbuf_add(&b, w, (size_t)(lx->p - w))) {
			settings_oom(ps);
			goto out;
		}
	}
	settings_lex_skip_blank(lx);
	if (!settings_lex_at_line_end(lx)) {
		settings_error_at(ps, lx->file, lx->line, settings_lex_col(lx, lx->p),
				  "expected the end of the line after the include pattern");
		*skip += settings_lex_skip_line(lx);
		goto out;
	}
	if (!b.len || memchr(b.p, '\0', b.len)) {
		settings_error_at(ps, lx->file, pline, pcol,
				  "expected a file pattern after 'include'");
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

		settings_lex_skip_space(lx);
		origin =
			(struct settings_origin){ lx->file, lx->line, settings_lex_col(lx, lx->p) };
		for (w = lx->p; lx->p < lx->end && settings_is_name_char(*lx->p); lx->p++)
			;
		if (lx->p == w) {
			settings_error_at(
				ps, lx->file, origin.line, origin.column,
				"expected the name of a section to inherit from after '%s'", after);
			goto recover;
		}
		if (settings_section_add_ref(refs, w, (size_t)(lx->p - w), &origin)) {
			settings_oom(ps);
			return false;
		}
		settings_lex_skip_space(lx);
		if (lx->p < lx->end && *lx->p == '{') {
			lx->p++;
			return true;
		}
		if (lx->p >= lx->end || *lx->p != ',') {
			settings_error_at(ps, lx->file, lx->line, settings_lex_col(lx, lx->p),
					  "expected ',' or '{' after '%s'",
					  SHOW(sb, w, strlen(refs->refs[refs->nrefs - 1].path)));
			goto recover;
		}
		lx->p++;
		after = ",";
	}
recover:
	*skip += settings_lex_skip_line(lx);
	return false;
}

/* A statement that starts with a name, lx->p at it. */
static void parse_named(struct parse *ps, struct lex *lx, size_t *skip)
{
	char sb[SHOW_MAX], sn[SHOW_MAX];
	const char *name = lx->p;
	size_t len;
	unsigned int line = lx->line, col = settings_lex_col(lx, lx->p), tline;
	struct settings_origin origin = { lx->file, line, col };
	struct settings_section refs = { 0 };
	bool bad = false;
	size_t i;

	for (; lx->p < lx->end && settings_is_name_char(*lx->p); lx->p++)
		;
	len = (size_t)(lx->p - name);
	if (len == 7 && !memcmp(name, "include", 7) && lx->p < lx->end &&
	    settings_is_blank(*lx->p)) {
		settings_lex_skip_blank(lx);
		if (lx->p >= lx->end || !strchr("={:", *lx->p)) {
			parse_include(ps, lx, skip, line, col);
			return;
		}
	}
	if (memchr(name, '.', len)) {
		const char *dot = memchr(name, '.', len);

		settings_error_at(
			ps, lx->file, line, settings_lex_col(lx, dot),
			"names cannot contain '.', it separates the parts of a path (in '%s')",
			SHOW(sb, name, len));
		bad = true;
	}
	settings_lex_skip_space(lx);
	tline = lx->line;
	if (lx->p < lx->end && *lx->p == '=') {
		char *value = NULL;
		int rc;

		lx->p++;
		rc = settings_lex_value(ps, lx, &value);
		if (rc == -ENOMEM) {
			settings_oom(ps);
		} else if (!rc && !bad && !*skip) {
			if (settings_section_set(ps->stack[ps->sp], name, len, value, &origin))
				settings_oom(ps);
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
		} else if (settings_is_name_char(*lx->p)) {
			while (w < lx->end && settings_is_name_char(*w))
				w++;
			SHOW(sb, lx->p, (size_t)(w - lx->p));
			snprintf(found, sizeof(found), "'%s'", sb);
		} else {
			snprintf(found, sizeof(found), "'%s'", SHOW(sb, lx->p, 1));
		}
		settings_error_at(ps, lx->file, lx->line, settings_lex_col(lx, lx->p),
				  "expected '=' or '{' after '%s', found %s", SHOW(sn, name, len),
				  found);
		/* resume at what follows on a later line: it may well be the next statement */
		if (tline == line)
			*skip += settings_lex_skip_line(lx);
		goto out;
	}
	/* a section opens */
	if (bad || *skip) {
		(*skip)++;
	} else if (ps->sp >= SETTINGS_MAX_DEPTH) {
		settings_error_at(ps, lx->file, line, col, "sections nested deeper than %d",
				  SETTINGS_MAX_DEPTH);
		(*skip)++;
	} else {
		struct settings_section *sec =
			settings_section_child(ps->stack[ps->sp], name, len, &origin);

		if (!sec) {
			settings_oom(ps);
			goto out;
		}
		for (i = 0; i < refs.nrefs; i++) {
			if (settings_section_add_ref(sec, refs.refs[i].path,
						     strlen(refs.refs[i].path),
						     &refs.refs[i].origin)) {
				settings_oom(ps);
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

		settings_lex_skip_space(lx);
		if (lx->p >= lx->end)
			break;
		col = settings_lex_col(lx, lx->p);
		switch (*lx->p) {
		case '}':
			lx->p++;
			if (skip)
				skip--;
			else if (ps->sp > base)
				ps->sp--;
			else
				settings_error_at(ps, lx->file, lx->line, col,
						  "unexpected '}': no section is open");
			break;
		case '{':
			settings_error_at(ps, lx->file, lx->line, col,
					  "expected a section name before '{'");
			lx->p++;
			skip++;
			break;
		case '\0':
			settings_error_at(ps, lx->file, lx->line, col,
					  "NUL byte where a section or key name was expected");
			lx->p++;
			break;
		case '=':
		case ':':
		case ',':
			settings_error_at(ps, lx->file, lx->line, col,
					  "expected a section or key name, found '%c'", *lx->p);
			skip += settings_lex_skip_line(lx);
			break;
		case '"':
			settings_error_at(ps, lx->file, lx->line, col,
					  "expected a section or key name, found '\"'");
			skip += settings_lex_skip_line(lx);
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
			settings_error_at(
				ps, lx->file, lx->line, settings_lex_col(lx, lx->p),
				"expected '}' to close section '%s' (opened at line %u) before "
				"the end of the file",
				SHOW(sb, open->name, strlen(open->name)), open->origin.line);
		else
			settings_error_at(ps, lx->file, lx->line, settings_lex_col(lx, lx->p),
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
		settings_oom(ps);
		return rc;
	}
	if (rc) {
		const char *why = rc == -EFBIG ? "larger than 16 MiB" : strerror(-rc);

		if (from)
			settings_error_at(ps, from->file, line, col,
					  "cannot read included file '%s': %s",
					  SHOW(sb, path, strlen(path)), why);
		else
			settings_error_at(ps, path, 0, 0, "cannot read: %s", why);
		return rc;
	}
	file = from ? settings_add_file(ps->s, path) : ps->s->files[0];
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!file || !dir) {
		settings_oom(ps);
		rc = -ENOMEM;
	} else {
		parse_lex(ps, file, dir, text, len);
	}
	free(dir);
	free(text);
	return rc;
}

/* ---- entry points ---- */

static int parse_finish(struct parse *ps, int rc, struct settings **out)
{
	if (!rc && !ps->stop && !ps->nerrors)
		settings_resolve_refs(ps, ps->s->root);
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
		settings_oom(ps);
		rc = -ENOMEM;
	} else if (len > SETTINGS_MAX_FILE_SIZE) {
		settings_error_at(ps, name, 0, 0, "larger than 16 MiB");
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
