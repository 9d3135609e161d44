/*
 * Conversions of settings values, as strongSwan's: integers, booleans and times, and the
 * splitting of list values as swanctl does. They work on plain strings, not on the tree.
 */
#include "common/settings.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- lists ---- */

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
