/*
 * strongSwan's settings syntax, as used by strongswan.conf and swanctl.conf, and by us for
 * ikenode.conf and swanctl.conf-style connection files.
 *
 *   # a comment, to the end of the line
 *   connections {
 *           rw : defaults.conn {            # inherits what rw does not set itself
 *                   proposals = aes128-sha256-x25519, aes256gcm16-prfsha384-ecp384
 *                   remote_addrs = %any
 *                   description = "two\twords"
 *           }
 *   }
 *   include conf.d/[a-z]*.conf              # relative to this file's folder
 *
 * The rules follow strongSwan's flex/bison grammar (settings_lexer.l, settings_parser.y):
 * - A name is a run of any bytes but white space, NUL and # { } : . , = "; so names cannot
 *   contain '.', which separates the parts of a lookup path ("connections.rw.proposals").
 * - A value runs to the end of the line, a '#' or a '}'. It is made of unquoted words and
 *   "quoted strings"; the parts are joined by one space. In a quoted string \n \r \t are
 *   escapes, a backslash at the end of a line joins the next one, \x is x for any other x,
 *   and a string may span lines. `key =` with no value sets the key to no value (NULL), which
 *   the getters treat like an absent key.
 * - Sections with the same name merge; a key set again keeps its place and takes the last
 *   value. Sections and keys are separate name spaces.
 * - `include PATTERN` expands a glob(3) pattern, relative to the including file's folder unless
 *   absolute, in sorted order; no match is not an error; directories are skipped. The included
 *   files are parsed in the current section. Unlike strongSwan, each file must close the
 *   sections it opens.
 * - `name : ref1, ref2.sub {` makes the section inherit the keys and subsections of the
 *   referenced sections (full paths from the top) that it does not define itself, after the
 *   whole input is read. Unlike strongSwan, a reference to a missing section is an error.
 *
 * Limits, so that no input can exhaust the stack or memory: sections nest at most
 * SETTINGS_MAX_DEPTH deep, includes SETTINGS_MAX_INCLUDE_DEPTH deep, a file is at most
 * SETTINGS_MAX_FILE_SIZE bytes, and parsing stops after SETTINGS_MAX_ERRORS errors.
 */
#ifndef IKN_COMMON_SETTINGS_H
#define IKN_COMMON_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

#define SETTINGS_MAX_DEPTH 64
#define SETTINGS_MAX_INCLUDE_DEPTH 16
#define SETTINGS_MAX_INCLUDED_FILES 1024
#define SETTINGS_MAX_FILE_SIZE (16u << 20)
#define SETTINGS_MAX_ERRORS 64

/* A parsed tree; owns every section, key and string reachable from it. */
struct settings;
/* A section of a tree; borrowed, valid until settings_free() of its tree. */
struct settings_section;
/* A key and its value; borrowed like a section. */
struct settings_kv;

/* Where something was written: file as given (or as built from an include pattern). */
struct settings_origin {
	const char *file;
	unsigned int line;   /* 1-based */
	unsigned int column; /* 1-based, in bytes; 0 with line 0 when not tied to a place */
};

/* The problems found by one or more parses, in the order found. */
struct settings_errors;

struct settings_error {
	struct settings_origin where;
	const char *message; /* what is wrong and what was expected */
	const char *text;    /* "file:line:column: message" (or "file: message") */
};

struct settings_errors *settings_errors_new(void);
void settings_errors_free(struct settings_errors *errs);
size_t settings_errors_count(const struct settings_errors *errs);
/*
 * The i-th error, or NULL past the end; borrowed, valid until the next parse into errs or
 * settings_errors_free().
 */
const struct settings_error *settings_errors_get(const struct settings_errors *errs, size_t i);

/*
 * Parses a file, following its includes. Returns 0 and the tree in *out (owned by the caller),
 * or a negative errno and *out = NULL: -EBADMSG when the input has errors, -ENOENT/-EACCES/...
 * when the file cannot be read, -ENOMEM, -EINVAL for bad arguments. Every problem found is
 * appended to errs (which may be NULL when the caller only wants the verdict).
 */
MUST_CHECK int settings_parse_file(const char *path, struct settings **out,
				   struct settings_errors *errs);
/*
 * Parses len bytes of text (need not be NUL-terminated; NUL bytes are errors), naming it
 * name in errors and origins. Relative include patterns resolve against include_dir;
 * with include_dir NULL an include is an error and the file system is never touched.
 */
MUST_CHECK int settings_parse_buffer(const char *name, const char *text, size_t len,
				     const char *include_dir, struct settings **out,
				     struct settings_errors *errs);
/* Accepts NULL. */
void settings_free(struct settings *s);

/* The unnamed top section; borrowed. */
const struct settings_section *settings_root(const struct settings *s);

/*
 * Lookups by dotted path relative to a section; "" is the section itself. NULL when absent
 * or the path is malformed (empty parts).
 */
const struct settings_section *settings_find_section(const struct settings_section *sec,
						     const char *path);
const struct settings_kv *settings_find_kv(const struct settings_section *sec, const char *path);

/* Iteration in file order (a merged section or key keeps its first place). */
const char *settings_section_name(const struct settings_section *sec); /* "" for the root */
const struct settings_origin *settings_section_origin(const struct settings_section *sec);
size_t settings_section_count(const struct settings_section *sec);
const struct settings_section *settings_section_at(const struct settings_section *sec, size_t i);
size_t settings_kv_count(const struct settings_section *sec);
const struct settings_kv *settings_kv_at(const struct settings_section *sec, size_t i);

const char *settings_kv_name(const struct settings_kv *kv);
/* NULL for `key =`. */
const char *settings_kv_value(const struct settings_kv *kv);
/* Where the value in effect was set. */
const struct settings_origin *settings_kv_origin(const struct settings_kv *kv);

/*
 * Typed getters. The string one returns def when the key is absent or has no value. The
 * others return 0 with the value, or with def when absent; -EBADMSG with def when the value
 * is malformed (-ERANGE out of range), so that a loader can report it with
 * settings_kv_origin(); -EINVAL for bad arguments.
 */
const char *settings_get_str(const struct settings_section *sec, const char *path,
			     const char *def);
MUST_CHECK int settings_get_int(const struct settings_section *sec, const char *path,
				int64_t def, int64_t *out);
MUST_CHECK int settings_get_bool(const struct settings_section *sec, const char *path, bool def,
				 bool *out);
MUST_CHECK int settings_get_time(const struct settings_section *sec, const char *path,
				 uint64_t def, uint64_t *out);

/*
 * Value conversions, as strongSwan's: integers in decimal or 0x-hex, optionally negative;
 * booleans yes/no, true/false, on/off, enabled/disabled, 1/0 in any case; times as an
 * unsigned number of seconds with an optional unit s, m, h or d. Return 0, -EBADMSG,
 * -ERANGE or -EINVAL (NULL value or out).
 */
MUST_CHECK int settings_value_int(const char *value, int64_t *out);
MUST_CHECK int settings_value_bool(const char *value, bool *out);
MUST_CHECK int settings_value_time(const char *value, uint64_t *out);

/*
 * Splits a list value as swanctl does: items end at any byte of seps (NULL means ","), are
 * trimmed of spaces and tabs, and empty items are dropped; an item that starts with " or '
 * runs to the matching quote, separators included. Use " ," for charon's space-separated lists.
 * On success *items is a NULL-terminated array in one allocation (free() it) and *count its
 * length; returns -EINVAL or -ENOMEM otherwise.
 */
MUST_CHECK int settings_split_list(const char *value, const char *seps, char ***items,
				   size_t *count);

#endif
