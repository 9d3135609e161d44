#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/settings.h"

Suite *settings_suite(void);

#define DATA_DIR TOP_SRCDIR "/testing/data/settings"
#define CORPUS_DIR TOP_SRCDIR "/testing/fuzz/corpus/settings"

static struct settings *parse_ok(const char *text)
{
	struct settings_errors *errs = settings_errors_new();
	struct settings *s = NULL;
	int rc;

	ck_assert_ptr_nonnull(errs);
	rc = settings_parse_buffer("test.conf", text, strlen(text), NULL, &s, errs);
	if (rc)
		ck_abort_msg("parse of <<%s>> failed (%d): %s", text, rc,
			     settings_errors_count(errs) ? settings_errors_get(errs, 0)->text : "");
	ck_assert_uint_eq(settings_errors_count(errs), 0);
	settings_errors_free(errs);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

static void remove_tree(const char *dir)
{
	struct dirent *d;
	DIR *dh = opendir(dir);
	char path[4096];
	struct stat st;

	if (!dh)
		return;
	while ((d = readdir(dh))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(dh);
	rmdir(dir);
}

START_TEST(test_settings_input)
{
	struct settings *s = (struct settings *)1;
	struct settings_errors *errs = settings_errors_new();
	const struct settings_section *root;
	char **items;
	size_t n;
	int64_t i64;
	uint64_t u64;
	bool b;

	ck_assert_int_eq(settings_parse_file(NULL, &s, errs), -EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(settings_parse_file("x.conf", NULL, errs), -EINVAL);
	ck_assert_int_eq(settings_parse_file("", &s, errs), -EINVAL);
	ck_assert_int_eq(settings_parse_buffer(NULL, "a = 1", 5, NULL, &s, errs), -EINVAL);
	ck_assert_int_eq(settings_parse_buffer("n", NULL, 5, NULL, &s, errs), -EINVAL);
	ck_assert_int_eq(settings_parse_buffer("n", "a = 1", 5, NULL, NULL, errs), -EINVAL);
	ck_assert_uint_eq(settings_errors_count(errs), 0);
	ck_assert_ptr_null(settings_errors_get(errs, 0));

	ck_assert_int_eq(settings_parse_buffer("n", NULL, 0, NULL, &s, NULL), 0);
	root = settings_root(s);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(settings_get_int(NULL, "a", 1, &i64), -EINVAL);
	ck_assert_int_eq(settings_get_int(root, NULL, 1, &i64), -EINVAL);
	ck_assert_int_eq(settings_get_int(root, "a", 1, NULL), -EINVAL);
	ck_assert_int_eq(settings_get_bool(root, "a", true, NULL), -EINVAL);
	ck_assert_int_eq(settings_get_time(root, NULL, 1, &u64), -EINVAL);
	ck_assert_int_eq(settings_value_int(NULL, &i64), -EINVAL);
	ck_assert_int_eq(settings_value_bool("yes", NULL), -EINVAL);
	ck_assert_int_eq(settings_value_time(NULL, &u64), -EINVAL);
	ck_assert_int_eq(settings_split_list(NULL, NULL, &items, &n), -EINVAL);
	ck_assert_int_eq(settings_split_list("a", NULL, NULL, &n), -EINVAL);
	ck_assert_ptr_null(settings_find_section(NULL, "a"));
	ck_assert_ptr_null(settings_find_kv(root, NULL));
	ck_assert_str_eq(settings_get_str(NULL, "a", "def"), "def");
	ck_assert_uint_eq(settings_section_count(NULL), 0);
	ck_assert_ptr_null(settings_section_at(root, 0));
	ck_assert_ptr_null(settings_kv_at(root, 0));
	ck_assert_ptr_null(settings_root(NULL));
	/* absent keys give the default and 0 */
	ck_assert_int_eq(settings_get_bool(root, "a", true, &b), 0);
	ck_assert(b);
	settings_free(s);
	settings_free(NULL);
	settings_errors_free(errs);
	settings_errors_free(NULL);
}
END_TEST

/* A snippet that must parse, and lookups in it (NULL expected: absent or no value). */
static const struct {
	const char *text;
	struct {
		const char *path, *value;
	} want[4];
} valid[] = {
	{ "a = 1", { { "a", "1" }, { "b", NULL } } },
	{ "a=1\nb =   two words  here  \n", { { "a", "1" }, { "b", "two words here" } } },
	{ "s { k = v }", { { "s.k", "v" }, { "k", NULL }, { "s", NULL } } },
	{ "s\n{\nk\n=\tv # comment\n}\n", { { "s.k", "v" } } },
	{ "# only a comment", { { "a", NULL } } },
	{ "a { b { c { d = deep } } }", { { "a.b.c.d", "deep" }, { "a.b.d", NULL } } },
	/* a value ends at '#' and '}' unless quoted */
	{ "s { k = v#c\n l = w}", { { "s.k", "v" }, { "s.l", "w" } } },
	{ "k = \"a # b } c\"", { { "k", "a # b } c" } } },
	{ "k = \"tab\\there\\nnl\\\\ \\\" \\q\"", { { "k", "tab\there\nnl\\ \" q" } } },
	{ "k = \"multi\nline\"\nl = 2", { { "k", "multi\nline" }, { "l", "2" } } },
	{ "k = \"join \\\nlines\"", { { "k", "join lines" } } },
	{ "k = \"join \\\r\nlines\"", { { "k", "join lines" } } },
	{ "k = \"\"", { { "k", "" } } },
	/* words and strings join with one space, as strongSwan */
	{ "k = a  \"b  c\"   d", { { "k", "a b  c d" } } },
	{ "k = x\"y\"", { { "k", "x y" } } },
	/* CRLF files */
	{ "s {\r\n k = v\r\n}\r\n", { { "s.k", "v" } } },
	/* `key =` is no value; the last assignment wins */
	{ "k =\nl = 1\nl = 2", { { "k", NULL }, { "l", "2" } } },
	{ "k = 1\nk =", { { "k", NULL } } },
	/* sections merge */
	{ "s { a = 1 }\ns { b = 2 }\ns { a = 3 }", { { "s.a", "3" }, { "s.b", "2" } } },
	/* sections and keys are separate name spaces */
	{ "x = 1\nx { y = 2 }", { { "x", "1" }, { "x.y", "2" } } },
	/* names: anything but the syntax characters */
	{ "%any-1_*/@! = yes\nc-d { e = f }", { { "%any-1_*/@!", "yes" }, { "c-d.e", "f" } } },
	{ "k = =a{b=", { { "k", "=a{b=" } } },
	{ "\xc3\xa9t\xc3\xa9 = \xff\xfe", { { "\xc3\xa9t\xc3\xa9", "\xff\xfe" } } },
	/* `include = x` is a key */
	{ "include = x\ninclude=y", { { "include", "y" } } },
	{ "a { } b { c { } }", { { "a.x", NULL } } },
	/* references */
	{ "base { a = 1\n b = 2\n sub { c = 3 } }\nd : base { b = 9 }",
	  { { "d.a", "1" }, { "d.b", "9" }, { "d.sub.c", "3" }, { "base.b", "2" } } },
	{ "t { x { y = 1 } }\nu : t.x, v { }\nv { z = 2 }",
	  { { "u.y", "1" }, { "u.z", "2" }, { "u.x", NULL } } },
	{ "a : b { }\nb : c { k = b }\nc { k = c\n l = c }", { { "a.k", "b" }, { "a.l", "c" } } },
};

START_TEST(test_settings_valid)
{
	struct settings *s = parse_ok(valid[_i].text);
	const struct settings_section *root = settings_root(s);

	for (size_t i = 0; i < 4 && valid[_i].want[i].path; i++) {
		const char *got = settings_get_str(root, valid[_i].want[i].path, NULL);

		if (valid[_i].want[i].value)
			ck_assert_msg(got && !strcmp(got, valid[_i].want[i].value),
				      "<<%s>>: %s is '%s', want '%s'", valid[_i].text,
				      valid[_i].want[i].path, got ? got : "(null)",
				      valid[_i].want[i].value);
		else
			ck_assert_msg(!got, "<<%s>>: %s is '%s', want none", valid[_i].text,
				      valid[_i].want[i].path, got);
	}
	settings_free(s);
}
END_TEST

/* A snippet that must fail, with where and what its first error says. */
static const struct {
	const char *text;
	unsigned int line, column;
	const char *message;
} invalid[] = {
	{ "proposals aes128", 1, 11, "expected '=' or '{' after 'proposals', found 'aes128'" },
	{ "a\n\nb = 1\n", 3, 1, "expected '=' or '{' after 'a'" },
	{ "a.b = 1", 1, 2, "names cannot contain '.'" },
	{ "a", 1, 2, "expected '=' or '{' after 'a', found end of file" },
	{ "= 1", 1, 1, "expected a section or key name, found '='" },
	{ "\"k\" = 1", 1, 1, "expected a section or key name, found '\"'" },
	{ "s {\n  k = v\n", 3, 1, "expected '}' to close section 's' (opened at line 1)" },
	{ "s { }\n}", 2, 1, "unexpected '}': no section is open" },
	{ "k = \"abc\ndef", 1, 5, "unterminated string" },
	{ "k = \"abc\\", 1, 5, "unterminated string" },
	{ "k = a\0b", 1, 6, "NUL byte in a value" },
	{ "k = \"a\0\"", 1, 7, "NUL byte in a string" },
	{ "\0", 1, 1, "NUL byte where a section or key name was expected" },
	{ "a { b = 1 }\nx : { }", 2, 5, "expected the name of a section to inherit from" },
	{ "x : y z { }", 1, 7, "expected ',' or '{' after 'y'" },
	{ "x : nope { }", 1, 5, "section 'nope' to inherit from does not exist" },
	{ "x : y { }\ny : x { }", 2, 5, "inheriting from 'x' is circular" },
	{ "a { b : a { } }", 1, 9, "inheriting from 'a' is circular" },
	{ "include x.conf", 1, 1, "cannot include 'x.conf': includes are disabled" },
	{ "include \n", 1, 9, "expected a file pattern after 'include'" },
	{ "s {\n\tproposals\n\t\taes128\n}", 3, 3, "expected '=' or '{' after 'proposals'" },
};

START_TEST(test_settings_invalid)
{
	struct settings_errors *errs = settings_errors_new();
	const struct settings_error *e;
	struct settings *s = (struct settings *)1;
	size_t len = strlen(invalid[_i].text);
	int rc;

	/* the NUL cases: count up to the terminator we wrote in */
	if (strstr(invalid[_i].message, "NUL"))
		len += strlen(invalid[_i].text + len + 1) + 1;
	rc = settings_parse_buffer("bad.conf", invalid[_i].text, len, NULL, &s, errs);
	ck_assert_int_eq(rc, -EBADMSG);
	ck_assert_ptr_null(s);
	ck_assert_uint_ge(settings_errors_count(errs), 1);
	e = settings_errors_get(errs, 0);
	ck_assert_msg(strstr(e->message, invalid[_i].message), "<<%s>>: got '%s', want '%s'",
		      invalid[_i].text, e->text, invalid[_i].message);
	ck_assert_str_eq(e->where.file, "bad.conf");
	ck_assert_msg(e->where.line == invalid[_i].line && e->where.column == invalid[_i].column,
		      "<<%s>>: got %s, want %u:%u", invalid[_i].text, e->text, invalid[_i].line,
		      invalid[_i].column);
	ck_assert(!strncmp(e->text, "bad.conf:", 9));
	settings_errors_free(errs);
}
END_TEST

START_TEST(test_settings_collects_errors)
{
	static const char text[] = "a {\n"
				   "  proposals aes\n"   /* 2:13 */
				   "  ok = 1\n"
				   "  = bad\n"		 /* 4:3 */
				   "  x.y = 2\n"	 /* 5:4 */
				   "  conn rw {\n"	 /* 6:8, its block is skipped */
				   "    inner = 1\n"
				   "  }\n"
				   "  later = 3\n"
				   "}\n"
				   "}\n";		 /* 11:1 */
	static const unsigned int want[][2] = { { 2, 13 }, { 4, 3 }, { 5, 4 }, { 6, 8 }, { 11, 1 } };
	struct settings_errors *errs = settings_errors_new();
	struct settings *s;

	ck_assert_int_eq(settings_parse_buffer("c.conf", text, strlen(text), NULL, &s, errs),
			 -EBADMSG);
	ck_assert_uint_eq(settings_errors_count(errs), ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct settings_error *e = settings_errors_get(errs, i);

		ck_assert_msg(e->where.line == want[i][0] && e->where.column == want[i][1],
			      "error %zu: %s", i, e->text);
	}
	/* appends across parses */
	ck_assert_int_eq(settings_parse_buffer("d.conf", "}", 1, NULL, &s, errs), -EBADMSG);
	ck_assert_uint_eq(settings_errors_count(errs), ARRAY_SIZE(want) + 1);
	ck_assert_str_eq(settings_errors_get(errs, ARRAY_SIZE(want))->text,
			 "d.conf:1:1: unexpected '}': no section is open");
	settings_errors_free(errs);
}
END_TEST

START_TEST(test_settings_error_limit)
{
	struct settings_errors *errs = settings_errors_new();
	struct settings *s;
	char *text = malloc(4 * 1000 + 1);

	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < 1000; i++)
		memcpy(text + 4 * i, "= \n\n", 4);
	text[4000] = '\0';
	ck_assert_int_eq(settings_parse_buffer("e.conf", text, 4000, NULL, &s, errs), -EBADMSG);
	ck_assert_uint_eq(settings_errors_count(errs), SETTINGS_MAX_ERRORS + 1);
	ck_assert_str_eq(settings_errors_get(errs, SETTINGS_MAX_ERRORS)->message,
			 "too many errors, giving up");
	settings_errors_free(errs);
	free(text);
}
END_TEST

START_TEST(test_settings_order_and_origins)
{
	static const char text[] = "connections {\n"
				   "\tzeta { a = 1 }\n"
				   "\talpha {\n"
				   "\t\tz = 1\n"
				   "\t\ty = 2\n"
				   "\t\tz = 3\n"
				   "\t}\n"
				   "\tmid { }\n"
				   "\tzeta { b = 2 }\n"
				   "}\n";
	struct settings *s = parse_ok(text);
	const struct settings_section *conns, *alpha;
	const struct settings_kv *kv;

	conns = settings_find_section(settings_root(s), "connections");
	ck_assert_ptr_nonnull(conns);
	ck_assert_ptr_eq(settings_find_section(settings_root(s), ""), settings_root(s));
	ck_assert_uint_eq(settings_section_count(conns), 3);
	ck_assert_str_eq(settings_section_name(settings_section_at(conns, 0)), "zeta");
	ck_assert_str_eq(settings_section_name(settings_section_at(conns, 1)), "alpha");
	ck_assert_str_eq(settings_section_name(settings_section_at(conns, 2)), "mid");
	ck_assert_ptr_null(settings_section_at(conns, 3));
	ck_assert_uint_eq(settings_kv_count(settings_section_at(conns, 0)), 2);
	ck_assert_uint_eq(settings_section_origin(settings_section_at(conns, 0))->line, 2);
	ck_assert_uint_eq(settings_section_origin(settings_section_at(conns, 0))->column, 2);
	ck_assert_str_eq(settings_section_origin(conns)->file, "test.conf");

	alpha = settings_section_at(conns, 1);
	ck_assert_uint_eq(settings_kv_count(alpha), 2);
	kv = settings_kv_at(alpha, 0);
	ck_assert_str_eq(settings_kv_name(kv), "z");
	ck_assert_str_eq(settings_kv_value(kv), "3");
	/* the value in effect was set on line 6 */
	ck_assert_uint_eq(settings_kv_origin(kv)->line, 6);
	ck_assert_uint_eq(settings_kv_origin(kv)->column, 3);
	ck_assert_str_eq(settings_kv_name(settings_kv_at(alpha, 1)), "y");
	ck_assert_ptr_eq(settings_find_kv(settings_root(s), "connections.alpha.y"),
			 settings_kv_at(alpha, 1));
	ck_assert_ptr_eq(settings_find_kv(conns, "alpha.y"), settings_kv_at(alpha, 1));
	ck_assert_str_eq(settings_get_str(alpha, "y", NULL), "2");
	/* malformed paths */
	ck_assert_ptr_null(settings_find_kv(settings_root(s), "connections..alpha.y"));
	ck_assert_ptr_null(settings_find_kv(settings_root(s), "connections.alpha."));
	ck_assert_ptr_null(settings_find_section(settings_root(s), ".connections"));
	ck_assert_ptr_null(settings_find_section(settings_root(s), "connections."));
	settings_free(s);
}
END_TEST

static const struct {
	const char *value;
	int int_rc;
	int64_t int_v;
	int bool_rc;
	bool bool_v;
	int time_rc;
	uint64_t time_v;
} values[] = {
	{ "0", 0, 0, 0, false, 0, 0 },
	{ "1", 0, 1, 0, true, 0, 1 },
	{ "-1", 0, -1, -EBADMSG, false, -EBADMSG, 0 },
	{ "0x42", 0, 0x42, -EBADMSG, false, -EBADMSG, 0 },
	{ "0XfF", 0, 255, -EBADMSG, false, -EBADMSG, 0 },
	{ "0x", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "0x0x5", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "9223372036854775807", 0, INT64_MAX, -EBADMSG, false, 0, 9223372036854775807ull },
	{ "-9223372036854775808", 0, INT64_MIN, -EBADMSG, false, -EBADMSG, 0 },
	{ "9223372036854775808", -ERANGE, 0, -EBADMSG, false, 0, 9223372036854775808ull },
	{ "99999999999999999999", -ERANGE, 0, -EBADMSG, false, -ERANGE, 0 },
	{ "12a", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ " 1", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "yes", -EBADMSG, 0, 0, true, -EBADMSG, 0 },
	{ "No", -EBADMSG, 0, 0, false, -EBADMSG, 0 },
	{ "TRUE", -EBADMSG, 0, 0, true, -EBADMSG, 0 },
	{ "false", -EBADMSG, 0, 0, false, -EBADMSG, 0 },
	{ "on", -EBADMSG, 0, 0, true, -EBADMSG, 0 },
	{ "off", -EBADMSG, 0, 0, false, -EBADMSG, 0 },
	{ "enabled", -EBADMSG, 0, 0, true, -EBADMSG, 0 },
	{ "disabled", -EBADMSG, 0, 0, false, -EBADMSG, 0 },
	{ "yess", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "30s", -EBADMSG, 0, -EBADMSG, false, 0, 30 },
	{ "5m", -EBADMSG, 0, -EBADMSG, false, 0, 300 },
	{ "2 h", -EBADMSG, 0, -EBADMSG, false, 0, 7200 },
	{ "1d", -EBADMSG, 0, -EBADMSG, false, 0, 86400 },
	{ "1w", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "10ms", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "m", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "-5m", -EBADMSG, 0, -EBADMSG, false, -EBADMSG, 0 },
	{ "213503982334601d", -EBADMSG, 0, -EBADMSG, false, 0, 213503982334601ull * 86400 },
	{ "213503982334602d", -EBADMSG, 0, -EBADMSG, false, -ERANGE, 0 },
};

START_TEST(test_settings_value_conversions)
{
	int64_t i = 77;
	bool b = true;
	uint64_t t = 77;

	ck_assert_int_eq(settings_value_int(values[_i].value, &i), values[_i].int_rc);
	if (!values[_i].int_rc)
		ck_assert_int_eq(i, values[_i].int_v);
	ck_assert_int_eq(settings_value_bool(values[_i].value, &b), values[_i].bool_rc);
	if (!values[_i].bool_rc)
		ck_assert_int_eq(b, values[_i].bool_v);
	ck_assert_int_eq(settings_value_time(values[_i].value, &t), values[_i].time_rc);
	if (!values[_i].time_rc)
		ck_assert_uint_eq(t, values[_i].time_v);
}
END_TEST

START_TEST(test_settings_typed_getters)
{
	struct settings *s = parse_ok("a { n = 0x10\n neg = -3\n b = off\n t = 90m\n bad = x\n"
				      " none =\n}");
	const struct settings_section *root = settings_root(s);
	int64_t i;
	bool b;
	uint64_t t;

	ck_assert_int_eq(settings_get_int(root, "a.n", 5, &i), 0);
	ck_assert_int_eq(i, 16);
	ck_assert_int_eq(settings_get_int(root, "a.neg", 5, &i), 0);
	ck_assert_int_eq(i, -3);
	ck_assert_int_eq(settings_get_int(root, "a.missing", 5, &i), 0);
	ck_assert_int_eq(i, 5);
	ck_assert_int_eq(settings_get_int(root, "a.none", 5, &i), 0);
	ck_assert_int_eq(i, 5);
	ck_assert_int_eq(settings_get_int(root, "a.bad", 5, &i), -EBADMSG);
	ck_assert_int_eq(i, 5);
	ck_assert_int_eq(settings_get_bool(root, "a.b", true, &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(settings_get_bool(root, "a.bad", true, &b), -EBADMSG);
	ck_assert(b);
	ck_assert_int_eq(settings_get_time(root, "a.t", 1, &t), 0);
	ck_assert_uint_eq(t, 5400);
	ck_assert_int_eq(settings_get_time(root, "a.bad", 1, &t), -EBADMSG);
	ck_assert_uint_eq(t, 1);
	ck_assert_str_eq(settings_get_str(root, "a.none", "dflt"), "dflt");
	ck_assert_ptr_nonnull(settings_find_kv(root, "a.none"));
	ck_assert_ptr_null(settings_kv_value(settings_find_kv(root, "a.none")));
	settings_free(s);
}
END_TEST

static const struct {
	const char *value, *seps;
	size_t n;
	const char *items[4];
} lists[] = {
	{ "a, b,c", NULL, 3, { "a", "b", "c" } },
	{ "aes128-sha256-x25519, aes256gcm16-prfsha384-ecp384", NULL, 2,
	  { "aes128-sha256-x25519", "aes256gcm16-prfsha384-ecp384" } },
	{ " 10.0.0.0/8 , 192.168.0.0/16 ,", NULL, 2, { "10.0.0.0/8", "192.168.0.0/16" } },
	{ "a,,b", NULL, 2, { "a", "b" } },
	{ "", NULL, 0, { NULL } },
	{ " , ", NULL, 0, { NULL } },
	{ "two words, x", NULL, 2, { "two words", "x" } },
	{ "\"a,b\", 'c d'", NULL, 2, { "a,b", "c d" } },
	{ "\"\"", NULL, 1, { "" } },
	{ "\"open, x", NULL, 2, { "\"open", "x" } },
	{ "random nonce  openssl", " ,", 3, { "random", "nonce", "openssl" } },
	{ "a b", "", 1, { "a b" } },
};

START_TEST(test_settings_split_list)
{
	char **items = NULL;
	size_t n = 99;

	ck_assert_int_eq(settings_split_list(lists[_i].value, lists[_i].seps, &items, &n), 0);
	ck_assert_uint_eq(n, lists[_i].n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(items[i], lists[_i].items[i]);
	ck_assert_ptr_null(items[n]);
	free(items);
}
END_TEST

START_TEST(test_settings_include)
{
	char dir[] = "/tmp/check_settings.XXXXXX", path[4096], sub[4200];
	struct settings_errors *errs = settings_errors_new();
	const struct settings_section *root, *c;
	struct settings *s;
	const struct settings_kv *kv;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/conf.d/folder.conf", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0); /* a folder that matches: skipped */
	write_file(dir, "main.conf",
		   "top = main\n"
		   "connections {\n"
		   "\tinclude conf.d/*.conf\n"
		   "\tinclude conf.d/none-*.conf # no match is fine\n"
		   "\tlast = main\n"
		   "}\n"
		   "include \"with space.conf\"\n");
	write_file(dir, "conf.d/20-b.conf", "b { proposals = b }\norder = b\n");
	write_file(dir, "conf.d/10-a.conf", "a { proposals = a }\norder = a\n"
					    "include ../nested/deep.conf\n");
	write_file(dir, "conf.d/30-c.txt", "c { }\n");
	snprintf(sub, sizeof(sub), "%s/nested", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	write_file(dir, "nested/deep.conf", "deep { from = nested }\n");
	write_file(dir, "with space.conf", "spaced = yes\n");
	snprintf(path, sizeof(path), "%s/main.conf", dir);

	ck_assert_int_eq(settings_parse_file(path, &s, errs), 0);
	ck_assert_uint_eq(settings_errors_count(errs), 0);
	root = settings_root(s);
	c = settings_find_section(root, "connections");
	ck_assert_uint_eq(settings_section_count(c), 3);
	ck_assert_str_eq(settings_section_name(settings_section_at(c, 0)), "a");
	ck_assert_str_eq(settings_section_name(settings_section_at(c, 1)), "deep");
	ck_assert_str_eq(settings_section_name(settings_section_at(c, 2)), "b");
	ck_assert_str_eq(settings_get_str(root, "connections.order", NULL), "b");
	ck_assert_str_eq(settings_get_str(root, "connections.deep.from", NULL), "nested");
	ck_assert_str_eq(settings_get_str(root, "connections.last", NULL), "main");
	ck_assert_str_eq(settings_get_str(root, "spaced", NULL), "yes");
	ck_assert_ptr_null(settings_find_section(root, "connections.c"));
	kv = settings_find_kv(root, "connections.b.proposals");
	ck_assert_ptr_nonnull(strstr(settings_kv_origin(kv)->file, "conf.d/20-b.conf"));
	ck_assert_uint_eq(settings_kv_origin(kv)->line, 1);
	ck_assert_uint_eq(settings_kv_origin(kv)->column, 5);
	settings_free(s);

	/* a buffer resolves relative includes against the folder it is given */
	ck_assert_int_eq(settings_parse_buffer("buf", "include with\\ space.conf", 24, dir, &s,
					       errs),
			 0);
	ck_assert_str_eq(settings_get_str(settings_root(s), "spaced", NULL), "yes");
	settings_free(s);

	/* errors in an included file name that file; a file must close its sections */
	write_file(dir, "bad.conf", "x {\n");
	write_file(dir, "closes.conf", "}\n");
	write_file(dir, "main2.conf", "s {\ninclude bad.conf\ninclude closes.conf\n}\n");
	snprintf(path, sizeof(path), "%s/main2.conf", dir);
	ck_assert_int_eq(settings_parse_file(path, &s, errs), -EBADMSG);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(settings_errors_count(errs), 2);
	ck_assert_ptr_nonnull(strstr(settings_errors_get(errs, 0)->text,
				     "/bad.conf:2:1: expected '}' to close section 'x'"));
	ck_assert_ptr_nonnull(strstr(settings_errors_get(errs, 1)->text,
				     "/closes.conf:1:1: unexpected '}'"));
	settings_errors_free(errs);

	/* a file that includes itself stops at the limit with one error */
	errs = settings_errors_new();
	write_file(dir, "loop.conf", "k = v\ninclude loop.conf\n");
	snprintf(path, sizeof(path), "%s/loop.conf", dir);
	ck_assert_int_eq(settings_parse_file(path, &s, errs), -EBADMSG);
	ck_assert_uint_eq(settings_errors_count(errs), 1);
	ck_assert_ptr_nonnull(strstr(settings_errors_get(errs, 0)->text,
				     "/loop.conf:2:1: includes nested deeper than 16"));
	settings_errors_free(errs);

	/* a missing top file */
	errs = settings_errors_new();
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	ck_assert_int_eq(settings_parse_file(path, &s, errs), -ENOENT);
	ck_assert_uint_eq(settings_errors_count(errs), 1);
	ck_assert_uint_eq(settings_errors_get(errs, 0)->where.line, 0);
	ck_assert_ptr_nonnull(strstr(settings_errors_get(errs, 0)->text, "missing.conf: cannot read"));
	settings_errors_free(errs);
	remove_tree(dir);
}
END_TEST

START_TEST(test_settings_examples)
{
	static const char *const files[] = {
		"carol.swanctl.conf", "moon1.swanctl.conf",	  "carol.strongswan.conf",
		"moon1.strongswan.conf", "moon1-ha.strongswan.conf",
	};
	struct settings *s[ARRAY_SIZE(files)];
	const struct settings_section *root, *conns;
	char path[4096], **items;
	size_t n;
	int64_t i64;
	bool b;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct settings_errors *errs = settings_errors_new();
		int rc;

		snprintf(path, sizeof(path), "%s/%s", DATA_DIR, files[i]);
		rc = settings_parse_file(path, &s[i], errs);
		ck_assert_msg(rc == 0, "%s: %d %s", files[i], rc,
			      settings_errors_count(errs) ? settings_errors_get(errs, 0)->text : "");
		settings_errors_free(errs);
	}
	root = settings_root(s[1]);
	conns = settings_find_section(root, "connections");
	ck_assert_uint_eq(settings_section_count(conns), 1);
	ck_assert_str_eq(settings_section_name(settings_section_at(conns, 0)), "rw");
	ck_assert_str_eq(settings_get_str(root, "connections.rw.remote_addrs", NULL), "%any");
	ck_assert_str_eq(settings_get_str(root, "connections.rw.children.rw.esp_proposals", NULL),
			 "aes128-sha256");
	ck_assert_str_eq(settings_get_str(root, "secrets.ike-carol.secret", NULL),
			 "0x3c1f1a0c5e2d6b7a8f90a1b2c3d4e5f6");
	ck_assert_int_eq(settings_get_bool(root, "connections.rw.encap", false, &b), 0);
	ck_assert(b);
	ck_assert_uint_eq(settings_kv_count(settings_find_section(root, "connections.rw")), 5);

	root = settings_root(s[0]);
	ck_assert_int_eq(settings_get_int(root, "connections.home.dpd_delay", 9, &i64), 0);
	ck_assert_int_eq(i64, 0);
	ck_assert_str_eq(settings_get_str(root, "connections.home.local.id", NULL),
			 "carol@strongswan.org");

	root = settings_root(s[4]);
	ck_assert_str_eq(settings_get_str(root, "charon.filelog.main.time_format", NULL),
			 "%H:%M:%S");
	ck_assert_str_eq(settings_get_str(root, "charon.plugins.kernel-netlink.fwmark", NULL),
			 "!0x42");
	ck_assert_int_eq(settings_get_int(root, "charon.syslog.daemon.default", 0, &i64), 0);
	ck_assert_int_eq(i64, -1);
	ck_assert_int_eq(settings_get_int(root, "charon.plugins.ha.heartbeat_timeout", 0, &i64), 0);
	ck_assert_int_eq(i64, 2100);
	ck_assert_ptr_nonnull(settings_find_section(root, "charon.plugins.updown"));
	ck_assert_uint_eq(settings_kv_count(settings_find_section(root, "charon.plugins.updown")), 0);
	ck_assert_int_eq(settings_split_list(settings_get_str(root, "charon.load", ""), " ,", &items,
					     &n),
			 0);
	ck_assert_uint_eq(n, 20);
	ck_assert_str_eq(items[0], "random");
	ck_assert_str_eq(items[n - 1], "ha");
	free(items);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		settings_free(s[i]);
}
END_TEST

static int parse_nested(unsigned int depth, struct settings_errors *errs, struct settings **s)
{
	size_t len = (size_t)depth * 5 + 8;
	char *text = malloc(len), *p = text;
	int rc;

	ck_assert_ptr_nonnull(text);
	for (unsigned int i = 0; i < depth; i++)
		p += sprintf(p, "s {\n");
	p += sprintf(p, "k = v\n");
	for (unsigned int i = 0; i < depth; i++)
		*p++ = '}';
	rc = settings_parse_buffer("nest.conf", text, (size_t)(p - text), NULL, s, errs);
	free(text);
	return rc;
}

START_TEST(test_settings_limits)
{
	struct settings_errors *errs = settings_errors_new();
	struct settings *s;
	char path[SETTINGS_MAX_DEPTH * 2 + 2], *big;
	size_t n = 0;

	ck_assert_int_eq(parse_nested(SETTINGS_MAX_DEPTH, errs, &s), 0);
	for (unsigned int i = 0; i < SETTINGS_MAX_DEPTH; i++)
		n += (size_t)sprintf(path + n, "s.");
	sprintf(path + n, "k");
	ck_assert_str_eq(settings_get_str(settings_root(s), path, ""), "v");
	settings_free(s);

	/* one deeper: one error, braces still balanced */
	ck_assert_int_eq(parse_nested(SETTINGS_MAX_DEPTH + 1, errs, &s), -EBADMSG);
	ck_assert_uint_eq(settings_errors_count(errs), 1);
	ck_assert_str_eq(settings_errors_get(errs, 0)->text,
			 "nest.conf:65:1: sections nested deeper than 64");
	/* far deeper costs no stack and reports once */
	ck_assert_int_eq(parse_nested(100000, errs, &s), -EBADMSG);
	ck_assert_uint_eq(settings_errors_count(errs), 2);

	/* a huge line and value */
	big = malloc(8 << 20);
	ck_assert_ptr_nonnull(big);
	memcpy(big, "k = ", 4);
	memset(big + 4, 'x', (8 << 20) - 4);
	ck_assert_int_eq(settings_parse_buffer("big", big, 8 << 20, NULL, &s, errs), 0);
	ck_assert_uint_eq(strlen(settings_get_str(settings_root(s), "k", "")), (8 << 20) - 4);
	settings_free(s);
	free(big);
	ck_assert_int_eq(settings_parse_buffer("big", "", SETTINGS_MAX_FILE_SIZE + 1, NULL, &s, errs),
			 -EFBIG);

	/* references that would multiply memory stop with an error */
	{
		char text[4096];
		int o = sprintf(text, "t0 { k = v }\n");

		for (int i = 1; i < 30; i++)
			o += sprintf(text + o, "t%d { a : t%d { }\nb : t%d { } }\n", i, i - 1, i - 1);
		ck_assert_int_eq(settings_parse_buffer("refs", text, (size_t)o, NULL, &s, errs),
				 -EBADMSG);
		ck_assert_ptr_nonnull(
			strstr(settings_errors_get(errs, settings_errors_count(errs) - 1)->text,
			       "references copy more than"));
	}
	settings_errors_free(errs);
}
END_TEST

/* Bit flips and truncations of the fuzz seeds: any input parses or fails cleanly. */
START_TEST(test_settings_corpus_mutations)
{
	struct dirent **names;
	int n = scandir(CORPUS_DIR, &names, NULL, alphasort), files = 0;

	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		char path[4096];
		char *data = NULL;
		long len;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, names[i]->d_name);
		f = names[i]->d_name[0] == '.' ? NULL : fopen(path, "rb");
		free(names[i]);
		if (!f)
			continue;
		ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		rewind(f);
		data = malloc((size_t)len + 1);
		ck_assert_uint_eq(fread(data, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		files++;
		for (long cut = 0; cut <= len; cut += len / 16 + 1) {
			struct settings *s;

			if (!settings_parse_buffer("cut", data, (size_t)cut, NULL, &s, NULL))
				settings_free(s);
		}
		for (long bit = 0; bit < len * 8; bit += 7) {
			struct settings *s;

			data[bit / 8] ^= (char)(1 << (bit % 8));
			if (!settings_parse_buffer("flip", data, (size_t)len, NULL, &s, NULL))
				settings_free(s);
			data[bit / 8] ^= (char)(1 << (bit % 8));
		}
		free(data);
	}
	free(names);
	ck_assert_int_gt(files, 5);
}
END_TEST

/* Past a few names a section looks them up through a hash index; order stays file order. */
START_TEST(test_settings_many_names)
{
	const struct settings_section *root, *sec;
	struct settings *s;
	char *text = malloc(64 * 1000 + 64), *p = text, name[32];

	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < 1000; i++)
		p += sprintf(p, "k%d = %d\ns%d { v = %d }\n", i, i, i % 500, i);
	p += sprintf(p, "k7 = again\n");
	s = parse_ok(text);
	root = settings_root(s);
	ck_assert_uint_eq(settings_kv_count(root), 1000);
	ck_assert_uint_eq(settings_section_count(root), 500);
	for (int i = 0; i < 1000; i++) {
		const struct settings_kv *kv = settings_kv_at(root, (size_t)i);

		snprintf(name, sizeof(name), "k%d", i);
		ck_assert_str_eq(settings_kv_name(kv), name);
		ck_assert_ptr_eq(settings_find_kv(root, name), kv);
		snprintf(name, sizeof(name), "s%d", i % 500);
		sec = settings_find_section(root, name);
		ck_assert_ptr_eq(sec, settings_section_at(root, (size_t)(i % 500)));
		if (i >= 500) {
			snprintf(name, sizeof(name), "%d", i);
			ck_assert_str_eq(settings_get_str(sec, "v", ""), name);
		}
	}
	ck_assert_str_eq(settings_get_str(root, "k7", ""), "again");
	ck_assert_ptr_null(settings_find_kv(root, "k1000"));
	settings_free(s);
	free(text);
}
END_TEST

Suite *settings_suite(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("settings");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_settings_input);
	tcase_add_loop_test(tc, test_settings_valid, 0, ARRAY_SIZE(valid));
	tcase_add_loop_test(tc, test_settings_invalid, 0, ARRAY_SIZE(invalid));
	tcase_add_test(tc, test_settings_collects_errors);
	tcase_add_test(tc, test_settings_error_limit);
	tcase_add_test(tc, test_settings_order_and_origins);
	tcase_add_test(tc, test_settings_many_names);
	tcase_add_loop_test(tc, test_settings_value_conversions, 0, ARRAY_SIZE(values));
	tcase_add_test(tc, test_settings_typed_getters);
	tcase_add_loop_test(tc, test_settings_split_list, 0, ARRAY_SIZE(lists));
	tcase_add_test(tc, test_settings_include);
	tcase_add_test(tc, test_settings_examples);
	tcase_add_test(tc, test_settings_limits);
	tcase_add_test(tc, test_settings_corpus_mutations);
	suite_add_tcase(s, tc);
	return s;
}
