#include "ikenode/decode_emit.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* message, payload list, SK, inner list, payload, proposal, transform, attribute */
#define MAX_DEPTH 16
#define TEXT_HEX_MAX 64

struct decode_emit {
	FILE *out;
	bool json;
	bool any; /* a message was written */
	int depth; /* open containers, the message included */
	int indent; /* text: lists do not indent */
	bool is_list[MAX_DEPTH];
	/* JSON: the open containers, [0] the message */
	struct json_object *stack[MAX_DEPTH];
};

int decode_emit_new(struct decode_emit **e, FILE *out, bool json)
{
	if (!e || !out)
		return -EINVAL;
	*e = calloc(1, sizeof(**e));
	if (!*e)
		return -ENOMEM;
	(*e)->out = out;
	(*e)->json = json;
	return 0;
}

void decode_emit_free(struct decode_emit *e)
{
	if (!e)
		return;
	if (e->depth > 0)
		json_object_put(e->stack[0]);
	if (e->json)
		fputs(e->any ? "\n]\n" : "[]\n", e->out);
	free(e);
}

bool decode_emit_is_json(const struct decode_emit *e)
{
	return e->json;
}

/* Printable ASCII, everything else as \xNN; the result is malloc'ed (NULL: no memory). */
static char *escape(const char *s, size_t len)
{
	char *out = malloc(len * 4 + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			*p++ = (char)c;
		} else {
			static const char hex[] = "0123456789abcdef";

			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 0xf];
		}
	}
	*p = '\0';
	return out;
}

static void indent(struct decode_emit *e)
{
	fprintf(e->out, "%*s", e->indent * 2, "");
}

/* JSON: attaches v to the innermost container (takes ownership of v). */
static void add(struct decode_emit *e, const char *key, struct json_object *v)
{
	struct json_object *top;

	assert(e->depth > 0);
	top = e->stack[e->depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, v);
	else
		json_object_object_add(top, key, v);
}

static void push(struct decode_emit *e, const char *key, struct json_object *v)
{
	assert(e->depth < MAX_DEPTH);
	add(e, key, json_object_get(v));
	e->stack[e->depth++] = v;
	json_object_put(v); /* the container holds it now */
}

void decode_emit_message_begin(struct decode_emit *e, const char *title)
{
	assert(e->depth == 0);
	if (e->json) {
		e->stack[0] = json_object_new_object();
	} else {
		fprintf(e->out, "%s\n", title);
	}
	e->depth = 1;
	e->indent = 1;
}

void decode_emit_message_end(struct decode_emit *e)
{
	assert(e->depth == 1);
	if (e->json) {
		fputs(e->any ? ",\n" : "[\n", e->out);
		fputs(json_object_to_json_string_ext(e->stack[0], JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_SPACED |
								     JSON_C_TO_STRING_NOSLASHESCAPE),
		      e->out);
		json_object_put(e->stack[0]);
		e->stack[0] = NULL;
	} else {
		fputc('\n', e->out);
	}
	e->any = true;
	e->depth = 0;
	fflush(e->out);
}

static void open_text(struct decode_emit *e, bool list)
{
	assert(e->depth < MAX_DEPTH);
	e->is_list[e->depth++] = list;
	if (!list)
		e->indent++;
}

void decode_emit_begin(struct decode_emit *e, const char *key, const char *label)
{
	if (e->json) {
		push(e, key, json_object_new_object());
		return;
	}
	indent(e);
	fprintf(e->out, "%s%s%s\n", key, label ? " " : "", label ? label : "");
	open_text(e, false);
}

static struct json_object *name_or_null(const char *name)
{
	return name ? json_object_new_string(name) : NULL;
}

void decode_emit_begin_typed(struct decode_emit *e, const char *key, const char *tkey,
			     unsigned long id, const char *name)
{
	char name_key[64];

	if (!e->json) {
		indent(e);
		fprintf(e->out, "%s %s (%lu)\n", key, name ? name : "unknown", id);
		open_text(e, false);
		return;
	}
	push(e, key, json_object_new_object());
	snprintf(name_key, sizeof(name_key), "%s_name", tkey);
	add(e, tkey, json_object_new_uint64(id));
	add(e, name_key, name_or_null(name));
}

void decode_emit_list(struct decode_emit *e, const char *key)
{
	if (e->json)
		push(e, key, json_object_new_array());
	else
		open_text(e, true);
}

void decode_emit_end(struct decode_emit *e)
{
	assert(e->depth > 1);
	e->depth--;
	if (!e->json && !e->is_list[e->depth])
		e->indent--;
}

void decode_emit_uint(struct decode_emit *e, const char *key, unsigned long long v)
{
	if (e->json) {
		add(e, key, json_object_new_uint64(v));
		return;
	}
	indent(e);
	fprintf(e->out, "%s: %llu\n", key, v);
}

void decode_emit_bool(struct decode_emit *e, const char *key, bool v)
{
	if (e->json) {
		add(e, key, json_object_new_boolean(v));
		return;
	}
	indent(e);
	fprintf(e->out, "%s: %s\n", key, v ? "yes" : "no");
}

void decode_emit_str(struct decode_emit *e, const char *key, const char *s, size_t len)
{
	char *esc = escape(s, len);

	if (!esc)
		return;
	if (e->json) {
		add(e, key, json_object_new_string(esc));
	} else {
		indent(e);
		fprintf(e->out, "%s: %s\n", key, esc);
	}
	free(esc);
}

void decode_emit_fmt(struct decode_emit *e, const char *key, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	decode_emit_str(e, key, buf, strlen(buf));
}

void decode_emit_hex(struct decode_emit *e, const char *key, const uint8_t *p, size_t len)
{
	size_t shown = e->json || len <= TEXT_HEX_MAX ? len : TEXT_HEX_MAX;
	char *hex = malloc(shown * 2 + 1);

	if (!hex)
		return;
	for (size_t i = 0; i < shown; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	hex[shown * 2] = '\0';
	if (e->json) {
		add(e, key, json_object_new_string(hex));
	} else {
		indent(e);
		if (shown < len)
			fprintf(e->out, "%s: %s... (%zu bytes)\n", key, hex, len);
		else
			fprintf(e->out, "%s: %s\n", key, len ? hex : "(empty)");
	}
	free(hex);
}

void decode_emit_named(struct decode_emit *e, const char *key, unsigned long id, const char *name)
{
	char name_key[64];

	if (!e->json) {
		indent(e);
		fprintf(e->out, "%s: %s (%lu)\n", key, name ? name : "unknown", id);
		return;
	}
	snprintf(name_key, sizeof(name_key), "%s_name", key);
	add(e, key, json_object_new_uint64(id));
	add(e, name_key, name_or_null(name));
}
