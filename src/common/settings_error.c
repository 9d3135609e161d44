/*
 * The settings parser's errors: the public error list (settings_errors_*) and how a parse
 * reports into it (settings_error_at(), settings_oom()), with every name from the input
 * rendered harmless by settings_show().
 */
#include "common/settings_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Renders a name from the input for a message: at most 48 bytes, with anything that is not
 * printable ASCII as \xNN, so that no input can put control bytes into a log.
 */
const char *settings_show(char *out, size_t cap, const char *s, size_t len)
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
	settings_oom(ps);
}

void settings_error_at(struct parse *ps, const char *file, unsigned int line, unsigned int col,
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

void settings_oom(struct parse *ps)
{
	ps->oom = true;
	ps->stop = true;
}
