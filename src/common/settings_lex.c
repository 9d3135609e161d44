/*
 * The settings lexer: blanks, comments and line ends, error recovery to the end of a line,
 * quoted strings with their escapes, and the value after '=' (see settings.h for the rules).
 * The grammar on top of it is in settings_parse.c.
 */
#include "common/settings_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- string buffers ---- */

int settings_sbuf_add(struct sbuf *b, const char *p, size_t n)
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

int settings_sbuf_addc(struct sbuf *b, char c)
{
	return settings_sbuf_add(b, &c, 1);
}

/* ---- lexer ---- */

unsigned int settings_lex_col(const struct lex *lx, const char *p)
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

void settings_lex_skip_blank(struct lex *lx)
{
	while (lx->p < lx->end && settings_is_blank(*lx->p))
		lx->p++;
}

/* Skips blanks, comments and newlines. */
void settings_lex_skip_space(struct lex *lx)
{
	while (lx->p < lx->end) {
		if (settings_is_blank(*lx->p)) {
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

bool settings_lex_at_line_end(const struct lex *lx)
{
	return lx->p >= lx->end || *lx->p == '\n' || *lx->p == '#';
}

/*
 * Error recovery: skips the rest of the line and returns how many more sections it opened
 * than closed there, so that the caller can skip their bodies and keep braces balanced.
 */
size_t settings_lex_skip_line(struct lex *lx)
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
int settings_lex_quoted(struct parse *ps, struct lex *lx, struct sbuf *b)
{
	unsigned int line = lx->line, col = settings_lex_col(lx, lx->p);
	char c;

	lx->p++;
	while (lx->p < lx->end) {
		c = *lx->p;
		if (c == '"') {
			lx->p++;
			/* an empty string still makes a value */
			return settings_sbuf_add(b, "", 0);
		}
		if (c == '\n') {
			lex_newline(lx);
		} else if (c == '\0') {
			settings_error_at(ps, lx->file, lx->line, settings_lex_col(lx, lx->p),
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
				settings_error_at(ps, lx->file, lx->line,
						  settings_lex_col(lx, lx->p),
						  "NUL byte in a string");
				lx->p++;
				continue;
			}
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
			lx->p++;
		} else {
			lx->p++;
		}
		if (settings_sbuf_addc(b, c))
			return -ENOMEM;
	}
	settings_error_at(ps, lx->file, line, col,
			  "unterminated string: expected '\"' to close it");
	return -EBADMSG;
}

/*
 * The value after '=': words and quoted strings up to the end of the line, a '#' or a '}',
 * joined by one space. *out is NULL for no value. Returns 0, -EBADMSG (reported), -ENOMEM.
 */
int settings_lex_value(struct parse *ps, struct lex *lx, char **out)
{
	struct sbuf b = { NULL, 0, 0 };
	bool any = false;
	int rc = 0;

	*out = NULL;
	for (;;) {
		const char *w;

		settings_lex_skip_blank(lx);
		if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == '#' || *lx->p == '}')
			break;
		if (*lx->p == '\0') {
			settings_error_at(ps, lx->file, lx->line, settings_lex_col(lx, lx->p),
					  "NUL byte in a value");
			lx->p++;
			rc = -EBADMSG;
			continue;
		}
		if (any && settings_sbuf_addc(&b, ' '))
			goto oom;
		any = true;
		if (*lx->p == '"') {
			int r = settings_lex_quoted(ps, lx, &b);

			if (r == -ENOMEM)
				goto oom;
			if (r) {
				rc = r;
				break;
			}
			continue;
		}
		for (w = lx->p; lx->p < lx->end && *lx->p && !settings_is_blank(*lx->p) &&
				!strchr("\n#}\"", *lx->p);
		     lx->p++)
			;
		if (settings_sbuf_add(&b, w, (size_t)(lx->p - w)))
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
