#include "ikenode/decode_keys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/buf.h"

#define KEY_FIELDS 8
#define MAX_KEY_LEN 64
#define MAX_LINE 2048
#define MAX_ENTRIES 65536
#define MAX_FILE (16u << 20)

struct decode_keys {
	struct decode_key *v;
	size_t n, cap;
};

/* Wireshark's names (epan/dissectors/packet-isakmp.c), IKEv2 transform IDs */
static const struct encr_name {
	const char *name;
	uint16_t id, key_bits;
	uint8_t salt;
} encr_names[] = {
	{ "AES-CBC-128 [RFC3602]", 12, 128, 0 },
	{ "AES-CBC-192 [RFC3602]", 12, 192, 0 },
	{ "AES-CBC-256 [RFC3602]", 12, 256, 0 },
	{ "AES-GCM-128 with 16 octet ICV [RFC5282]", 20, 128, 4 },
	{ "AES-GCM-192 with 16 octet ICV [RFC5282]", 20, 192, 4 },
	{ "AES-GCM-256 with 16 octet ICV [RFC5282]", 20, 256, 4 },
	{ "ChaCha20-Poly1305 [RFC7634]", 28, 256, 4 },
};

static const struct integ_name {
	const char *name;
	uint16_t id, key_len;
} integ_names[] = {
	{ "NONE [RFC4306]", 0, 0 },
	{ "HMAC_SHA1_96 [RFC2404]", 2, 20 },
	{ "HMAC_SHA2_256_128 [RFC4868]", 12, 32 },
	{ "HMAC_SHA2_384_192 [RFC4868]", 13, 48 },
	{ "HMAC_SHA2_512_256 [RFC4868]", 14, 64 },
};

/*
 * Splits a CSV line into fields, unquoting "..." (this format has no
 * escapes); quoted[i] tells whether field i was quoted.
 */
static int split_fields(char *line, char *fields[KEY_FIELDS], bool quoted[KEY_FIELDS])
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *start, *end, sep;

		p += strspn(p, " \t");
		if (n == KEY_FIELDS)
			return -EBADMSG;
		quoted[n] = *p == '"';
		if (*p == '"') {
			start = ++p;
			end = strchr(p, '"');
			if (!end)
				return -EBADMSG;
			p = end + 1;
			p += strspn(p, " \t");
		} else {
			start = p;
			p += strcspn(p, ",");
			end = p;
			while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
		}
		sep = *p; /* read before *end is cut: end may equal p */
		*end = '\0';
		fields[n++] = start;
		if (sep == '\0')
			return n;
		if (sep != ',')
			return -EBADMSG;
		p++;
	}
}

static int key_field(const char *hex, size_t want, struct secret *s)
{
	uint8_t buf[MAX_KEY_LEN];
	size_t len;
	int rc = hex_decode(hex, buf, sizeof(buf), &len);

	if (rc == 0 && len != want)
		rc = -EBADMSG;
	if (rc == 0)
		rc = secret_dup(s, buf, len);
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

static void key_clear(struct decode_key *k)
{
	secret_free(&k->sk_ei);
	secret_free(&k->sk_er);
	secret_free(&k->sk_ai);
	secret_free(&k->sk_ar);
}

static int parse_line(char *line, unsigned int lineno, struct decode_key *k, char *err,
		      size_t err_len)
{
	/* Wireshark's UAT: SPIs and keys are hex buffers, unquoted (a quoted
	 * buffer is read as text); the algorithms are quoted value strings */
	static const char *const field_names[KEY_FIELDS] = {
		"SPIi", "SPIr", "SK_ei", "SK_er", NULL, "SK_ai", "SK_ar", NULL,
	};
	char *f[KEY_FIELDS];
	bool quoted[KEY_FIELDS];
	const struct encr_name *e = NULL;
	const struct integ_name *in = NULL;
	size_t len, encr_len;

	memset(k, 0, sizeof(*k));
	k->line = lineno;
	if (split_fields(line, f, quoted) != KEY_FIELDS) {
		snprintf(err, err_len, "%u: expected 8 comma-separated fields", lineno);
		return -EBADMSG;
	}
	for (int i = 0; i < KEY_FIELDS; i++) {
		if (field_names[i] && quoted[i]) {
			snprintf(err, err_len,
				 "%u: %s is quoted; Wireshark reads a quoted field as text, "
				 "write it as unquoted hex",
				 lineno, field_names[i]);
			return -EBADMSG;
		}
	}
	if (hex_decode(f[0], k->spi_i, 8, &len) || len != 8 ||
	    hex_decode(f[1], k->spi_r, 8, &len) || len != 8) {
		snprintf(err, err_len, "%u: SPIs must be 8 bytes of hex each", lineno);
		return -EBADMSG;
	}
	for (size_t i = 0; i < ARRAY_SIZE(encr_names); i++)
		if (strcmp(f[4], encr_names[i].name) == 0)
			e = &encr_names[i];
	for (size_t i = 0; i < ARRAY_SIZE(integ_names); i++)
		if (strcmp(f[7], integ_names[i].name) == 0)
			in = &integ_names[i];
	if (!e || !in) {
		snprintf(err, err_len, "%u: unsupported %s algorithm '%s'", lineno,
			 e ? "integrity" : "encryption", e ? f[7] : f[4]);
		return -EBADMSG;
	}
	if ((e->salt != 0) != (in->id == 0)) {
		snprintf(err, err_len, "%u: %s", lineno,
			 e->salt ? "an AEAD cipher takes no integrity algorithm"
				 : "AES-CBC needs an integrity algorithm");
		return -EBADMSG;
	}
	k->encr_id = e->id;
	k->encr_key_bits = e->key_bits;
	k->integ_id = in->id;
	encr_len = e->key_bits / 8u + e->salt;
	if (key_field(f[2], encr_len, &k->sk_ei) || key_field(f[3], encr_len, &k->sk_er) ||
	    key_field(f[5], in->key_len, &k->sk_ai) || key_field(f[6], in->key_len, &k->sk_ar)) {
		snprintf(err, err_len, "%u: keys must be hex of %zu (encryption) and %u (integrity) bytes",
			 lineno, encr_len, in->key_len);
		key_clear(k);
		return -EBADMSG;
	}
	return 0;
}

static int keys_add(struct decode_keys *keys, const struct decode_key *k)
{
	if (keys->n == keys->cap) {
		size_t cap = keys->cap ? keys->cap * 2 : 8;
		struct decode_key *v;

		if (cap > MAX_ENTRIES)
			return -E2BIG;
		v = realloc(keys->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		keys->v = v;
		keys->cap = cap;
	}
	keys->v[keys->n++] = *k;
	return 0;
}

int decode_keys_parse(const char *text, size_t len, struct decode_keys **out, char *err,
		      size_t err_len)
{
	struct decode_keys *keys;
	unsigned int lineno = 0;
	size_t pos = 0;
	int rc = 0;

	if (!text || !out || !err || !err_len)
		return -EINVAL;
	err[0] = '\0';
	keys = calloc(1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char line[MAX_LINE];
		struct decode_key k;
		char *p;

		lineno++;
		if (n >= sizeof(line) || memchr(text + pos, '\0', n)) {
			snprintf(err, err_len, "%u: line too long or not text", lineno);
			rc = -EBADMSG;
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		rc = parse_line(p, lineno, &k, err, err_len);
		if (rc == 0) {
			rc = keys_add(keys, &k);
			if (rc)
				key_clear(&k);
		}
		OPENSSL_cleanse(line, sizeof(line));
	}
	if (rc) {
		decode_keys_free(keys);
		return rc;
	}
	*out = keys;
	return 0;
}

int decode_keys_load(const char *path, struct decode_keys **out, char *err, size_t err_len)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!path || !out || !err || !err_len)
		return -EINVAL;
	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	text = malloc(MAX_FILE);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(text, 1, MAX_FILE, f);
	if (ferror(f) || !feof(f)) {
		snprintf(err, err_len, "%s: unreadable or larger than %u bytes", path, MAX_FILE);
		rc = -EFBIG;
	} else {
		char line_err[256];

		rc = decode_keys_parse(text, len, out, line_err, sizeof(line_err));
		if (rc)
			snprintf(err, err_len, "%s:%s", path, line_err);
	}
	OPENSSL_cleanse(text, len);
	free(text);
	fclose(f);
	return rc;
}

const struct decode_key *decode_keys_find(const struct decode_keys *keys, const uint8_t spi_i[8],
					  const uint8_t spi_r[8])
{
	if (!keys)
		return NULL;
	for (size_t i = 0; i < keys->n; i++)
		if (!memcmp(keys->v[i].spi_i, spi_i, 8) && !memcmp(keys->v[i].spi_r, spi_r, 8))
			return &keys->v[i];
	return NULL;
}

size_t decode_keys_count(const struct decode_keys *keys)
{
	return keys ? keys->n : 0;
}

void decode_keys_free(struct decode_keys *keys)
{
	if (!keys)
		return;
	for (size_t i = 0; i < keys->n; i++)
		key_clear(&keys->v[i]);
	free(keys->v);
	free(keys);
}
