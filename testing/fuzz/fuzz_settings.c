/*
 * The settings parser on arbitrary bytes, includes disabled. A parsed tree is walked and
 * every key looked up again by its dotted path: the index and the tree must agree.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool conversion_ok(int rc)
{
	return rc == 0 || rc == -EBADMSG || rc == -ERANGE;
}

static void check_kv(const struct settings_section *root, const struct settings_kv *kv,
		     const char *path)
{
	const char *value = settings_kv_value(kv);
	char **items;
	size_t n;
	int64_t i64;
	uint64_t u64;
	bool b;

	if (settings_find_kv(root, path) != kv)
		abort();
	if (!value)
		return;
	if (!conversion_ok(settings_value_int(value, &i64)) ||
	    !conversion_ok(settings_value_bool(value, &b)) ||
	    !conversion_ok(settings_value_time(value, &u64)))
		abort();
	if (settings_split_list(value, NULL, &items, &n) == 0) {
		if (items[n])
			abort();
		free(items);
	}
}

/* Depth-first over the tree; sections nest at most SETTINGS_MAX_DEPTH deep. */
static void walk(const struct settings_section *root, const struct settings_section *sec,
		 char *path, size_t len, size_t cap)
{
	if (settings_find_section(root, path) != sec)
		abort();
	for (size_t i = 0; i < settings_kv_count(sec); i++) {
		const struct settings_kv *kv = settings_kv_at(sec, i);
		size_t n = strlen(settings_kv_name(kv));

		if (len + n + 2 > cap)
			continue;
		memcpy(path + len, len ? "." : "", len ? 1 : 0);
		memcpy(path + len + (len ? 1 : 0), settings_kv_name(kv), n + 1);
		check_kv(root, kv, path);
		path[len] = '\0';
	}
	for (size_t i = 0; i < settings_section_count(sec); i++) {
		const struct settings_section *sub = settings_section_at(sec, i);
		size_t n = strlen(settings_section_name(sub)), at = len + (len ? 1 : 0);

		if (at + n + 1 > cap)
			continue;
		if (len)
			path[len] = '.';
		memcpy(path + at, settings_section_name(sub), n + 1);
		walk(root, sub, path, at + n, cap);
		path[len] = '\0';
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings_errors *errs = settings_errors_new();
	struct settings *s = NULL;
	char path[4096] = "";
	int rc;

	if (!errs)
		return 0;
	rc = settings_parse_buffer("fuzz.conf", (const char *)data, size, NULL, &s, errs);
	if (rc == 0) {
		const struct settings_section *root = settings_root(s);
		int64_t i64;
		bool b;

		walk(root, root, path, 0, sizeof(path));
		(void)settings_get_str(root, "connections.rw.proposals", NULL);
		if (!conversion_ok(settings_get_int(root, "a.b", 0, &i64)) ||
		    !conversion_ok(settings_get_bool(root, "a", false, &b)))
			abort();
		settings_free(s);
	} else if (rc == -EBADMSG && settings_errors_count(errs) == 0) {
		abort();
	}
	for (size_t i = 0; i < settings_errors_count(errs); i++)
		if (!settings_errors_get(errs, i)->text[0])
			abort();
	settings_errors_free(errs);
	return 0;
}
