/*
 * Readable renderings of the daemon's replies, compact and in the spirit of
 * `swanctl --list-sas` / `--list-conns`.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "hactl/hactl.h"

static struct json_object *member(struct json_object *o, const char *k, enum json_type t)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v = member(o, k, json_type_string);

	return v ? json_object_get_string(v) : "-";
}

static int64_t jint(struct json_object *o, const char *k)
{
	struct json_object *v = member(o, k, json_type_int);

	return v ? json_object_get_int64(v) : 0;
}

static bool jbool(struct json_object *o, const char *k)
{
	struct json_object *v = member(o, k, json_type_boolean);

	return v && json_object_get_boolean(v);
}

static size_t jlen(struct json_object *a)
{
	return a ? json_object_array_length(a) : 0;
}

/* The strings of array member k joined by sep, or dflt when empty. */
static void print_list(FILE *f, struct json_object *o, const char *k, const char *sep,
		       const char *dflt)
{
	struct json_object *a = member(o, k, json_type_array);
	size_t n = jlen(a), shown = 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);

		if (!json_object_is_type(s, json_type_string))
			continue;
		fprintf(f, "%s%s", shown++ ? sep : "", json_object_get_string(s));
	}
	if (!shown)
		fputs(dflt, f);
}

void hactl_fmt_duration(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 "h %02" PRId64 "m", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRId64 "d %02" PRId64 "h", s / 86400, s % 86400 / 3600);
}

void hactl_print_status(FILE *f, struct json_object *r)
{
	char up[32];

	hactl_fmt_duration(up, sizeof(up), jint(r, "uptime"));
	fprintf(f, "ikenode %s, up %s, kernel backend %s\n", jstr(r, "version"), up,
		jstr(r, "kernel"));
	fputs("  listening on ", f);
	print_list(f, r, "listen", ", ", "-");
	fprintf(f, "\n  %" PRId64 " connections loaded\n", jint(r, "conns"));
	fprintf(f, "  IKE_SAs: %" PRId64 " (%" PRId64 " half-open), CHILD_SAs: %" PRId64 "\n",
		jint(r, "ike_sas"), jint(r, "half_open"), jint(r, "child_sas"));
}

static void print_child(FILE *f, struct json_object *c)
{
	fprintf(f, "  %s: #%" PRId64 ", %s, %s%s, ESP:%s\n", jstr(c, "name"), jint(c, "id"),
		jstr(c, "state"), jstr(c, "mode"), jbool(c, "encap") ? "-in-UDP" : "",
		jstr(c, "proposal"));
	fprintf(f, "    in  %s, %10" PRId64 " bytes, %8" PRId64 " packets", jstr(c, "spi_in"),
		jint(c, "bytes_in"), jint(c, "packets_in"));
	if (jint(c, "drops_icv") || jint(c, "drops_replay") || jint(c, "drops_other"))
		fprintf(f, ", dropped: %" PRId64 " ICV, %" PRId64 " replay, %" PRId64 " other",
			jint(c, "drops_icv"), jint(c, "drops_replay"), jint(c, "drops_other"));
	fputc('\n', f);
	fprintf(f, "    out %s, %10" PRId64 " bytes, %8" PRId64 " packets\n", jstr(c, "spi_out"),
		jint(c, "bytes_out"), jint(c, "packets_out"));
	fputs("    local  ", f);
	print_list(f, c, "local_ts", " ", "-");
	fputs("\n    remote ", f);
	print_list(f, c, "remote_ts", " ", "-");
	fputc('\n', f);
}

void hactl_print_list_sas(FILE *f, struct json_object *r)
{
	struct json_object *sas = member(r, "ike_sas", json_type_array);

	for (size_t i = 0; i < jlen(sas); i++) {
		struct json_object *sa = json_object_array_get_idx(sas, i);
		struct json_object *children = member(sa, "children", json_type_array);
		bool init = strcmp(jstr(sa, "role"), "initiator") == 0;
		char ago[32];

		hactl_fmt_duration(ago, sizeof(ago), jint(sa, "established"));
		fprintf(f, "%s: #%" PRId64 ", %s, IKEv2, %s_i%s %s_r%s\n", jstr(sa, "name"),
			jint(sa, "id"), jstr(sa, "state"), jstr(sa, "spi_i"), init ? "*" : "",
			jstr(sa, "spi_r"), init ? "" : "*");
		fprintf(f, "  local  '%s' @ %s%s\n", jstr(sa, "local_id"), jstr(sa, "local"),
			jbool(sa, "nat_local") ? " (behind NAT)" : "");
		fprintf(f, "  remote '%s' @ %s%s\n", jstr(sa, "remote_id"), jstr(sa, "remote"),
			jbool(sa, "nat_remote") ? " (behind NAT)" : "");
		fprintf(f, "  %s\n", jstr(sa, "proposal"));
		fprintf(f, "  established %s ago, segment %" PRId64 " (%s)\n", ago,
			jint(sa, "segment"), jstr(sa, "ha_role"));
		for (size_t j = 0; j < jlen(children); j++)
			print_child(f, json_object_array_get_idx(children, j));
	}
}

static void print_auths(FILE *f, struct json_object *conn, const char *side)
{
	struct json_object *a = member(conn, side, json_type_array);

	for (size_t i = 0; i < jlen(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);

		fprintf(f, "  %s %s authentication:\n    id: %s\n", side, jstr(o, "auth"),
			jstr(o, "id"));
	}
}

void hactl_print_list_conns(FILE *f, struct json_object *r)
{
	struct json_object *conns = member(r, "conns", json_type_array);

	for (size_t i = 0; i < jlen(conns); i++) {
		struct json_object *c = json_object_array_get_idx(conns, i);
		struct json_object *children = member(c, "children", json_type_array);

		fprintf(f, "%s: IKEv2\n  local:  ", jstr(c, "name"));
		print_list(f, c, "local_addrs", ", ", "%any");
		fputs("\n  remote: ", f);
		print_list(f, c, "remote_addrs", ", ", "%any");
		fputc('\n', f);
		print_auths(f, c, "local");
		print_auths(f, c, "remote");
		for (size_t j = 0; j < jlen(children); j++) {
			struct json_object *ch = json_object_array_get_idx(children, j);

			fprintf(f, "  %s: %s, start_action %s\n    local:  ", jstr(ch, "name"),
				jstr(ch, "mode"), jstr(ch, "start_action"));
			print_list(f, ch, "local_ts", " ", "dynamic");
			fputs("\n    remote: ", f);
			print_list(f, ch, "remote_ts", " ", "dynamic");
			fputc('\n', f);
		}
	}
}

void hactl_print_initiate(FILE *f, struct json_object *r)
{
	fprintf(f, "IKE_SA #%" PRId64 ": %s\n", jint(r, "ike_sa"), jstr(r, "state"));
}

void hactl_print_terminate(FILE *f, struct json_object *r)
{
	int64_t n = jint(r, "terminated");

	fprintf(f, "terminated %" PRId64 " IKE_SA%s\n", n, n == 1 ? "" : "s");
}

void hactl_print_reload(FILE *f, struct json_object *r)
{
	fprintf(f, "loaded %" PRId64 " connections, %" PRId64 " secrets\n", jint(r, "conns"),
		jint(r, "secrets"));
}

void hactl_print_stats(FILE *f, struct json_object *r)
{
	struct json_object *c = member(r, "counters", json_type_object);
	struct json_object_iterator it, end;
	int w = 0;

	if (!c)
		return;
	end = json_object_iter_end(c);
	for (it = json_object_iter_begin(c); !json_object_iter_equal(&it, &end);
	     json_object_iter_next(&it)) {
		if ((int)strlen(json_object_iter_peek_name(&it)) > w)
			w = (int)strlen(json_object_iter_peek_name(&it));
	}
	for (it = json_object_iter_begin(c); !json_object_iter_equal(&it, &end);
	     json_object_iter_next(&it)) {
		fprintf(f, "%-*s %" PRId64 "\n", w, json_object_iter_peek_name(&it),
			json_object_get_int64(json_object_iter_peek_value(&it)));
	}
}

void hactl_print_segments(FILE *f, struct json_object *r)
{
	struct json_object *list = member(r, "segments", json_type_array);

	fprintf(f, "%" PRId64 " segments, seed 0x%" PRIx64 ", filter %s on %s\n", jint(r, "count"),
		(uint64_t)jint(r, "seed"), jstr(r, "filter"), jstr(r, "cluster_ip"));
	fprintf(f, "%7s  %-8s  %-6s  %12s  %12s  %8s\n", "SEGMENT", "STATE", "OWNER", "ACCEPTED",
		"DROPPED", "IKE_SAS");
	for (size_t i = 0; i < jlen(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		const char *owner = jstr(o, "owner");

		fprintf(f, "%7" PRId64 "  %-8s  %-6s  %12" PRId64 "  %12" PRId64 "  %8" PRId64 "\n",
			jint(o, "segment"), jstr(o, "state"), owner[0] ? owner : "-",
			jint(o, "accepted"), jint(o, "dropped"), jint(o, "ike_sas"));
	}
}

void hactl_print_segment(FILE *f, struct json_object *r)
{
	fprintf(f, "segment %" PRId64 " %s%s\n", jint(r, "segment"), jstr(r, "state"),
		strcmp(jstr(r, "changed"), "yes") ? " (already)" : "");
}

void hactl_print_json(FILE *f, struct json_object *r)
{
	fprintf(f, "%s\n",
		json_object_to_json_string_ext(r, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
}
