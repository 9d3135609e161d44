/*
 * Wireshark key logs (keylog.h): Wireshark 4.0's ikev2_decryption_table and
 * esp_sa UAT lines, in the form strongSwan's save-keys plugin writes.
 */
#include "ikenode/keylog.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/buf.h"
#include "ikenode/ike_names.h"

#define KEYLOG_MAX_LINE 1024

struct keylog {
	int fd;
};

/* An encryption transform under its Wireshark names (NULL: none in that table). */
static const struct encr_name {
	uint16_t id;
	uint16_t bits; /* KEY_LENGTH; 0 for a fixed-size cipher */
	uint8_t key_len; /* bytes without the salt */
	uint8_t salt;
	bool aead;
	const char *ike; /* packet-isakmp.c vs_ikev2_encr_algs */
	const char *esp; /* packet-esp.c esp_encryption_type_vals */
} encr_names[] = {
	{ IKE_ENCR_3DES, 0, 24, 0, false, "3DES [RFC2451]", "TripleDES-CBC [RFC2451]" },
	{ IKE_ENCR_3DES, 192, 24, 0, false, "3DES [RFC2451]", "TripleDES-CBC [RFC2451]" },
	{ IKE_ENCR_NULL, 0, 0, 0, false, "NULL [RFC2410]", "NULL" },
	{ IKE_ENCR_AES_CBC, 128, 16, 0, false, "AES-CBC-128 [RFC3602]", "AES-CBC [RFC3602]" },
	{ IKE_ENCR_AES_CBC, 192, 24, 0, false, "AES-CBC-192 [RFC3602]", "AES-CBC [RFC3602]" },
	{ IKE_ENCR_AES_CBC, 256, 32, 0, false, "AES-CBC-256 [RFC3602]", "AES-CBC [RFC3602]" },
	{ IKE_ENCR_AES_CTR, 128, 16, 4, false, "AES-CTR-128 [RFC5930]", "AES-CTR [RFC3686]" },
	{ IKE_ENCR_AES_CTR, 192, 24, 4, false, "AES-CTR-192 [RFC5930]", "AES-CTR [RFC3686]" },
	{ IKE_ENCR_AES_CTR, 256, 32, 4, false, "AES-CTR-256 [RFC5930]", "AES-CTR [RFC3686]" },
	{ IKE_ENCR_AES_GCM_8, 128, 16, 4, true, "AES-GCM-128 with 8 octet ICV [RFC5282]",
	  "AES-GCM with 8 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_8, 192, 24, 4, true, "AES-GCM-192 with 8 octet ICV [RFC5282]",
	  "AES-GCM with 8 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_8, 256, 32, 4, true, "AES-GCM-256 with 8 octet ICV [RFC5282]",
	  "AES-GCM with 8 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_12, 128, 16, 4, true, "AES-GCM-128 with 12 octet ICV [RFC5282]",
	  "AES-GCM with 12 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_12, 192, 24, 4, true, "AES-GCM-192 with 12 octet ICV [RFC5282]",
	  "AES-GCM with 12 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_12, 256, 32, 4, true, "AES-GCM-256 with 12 octet ICV [RFC5282]",
	  "AES-GCM with 12 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_16, 128, 16, 4, true, "AES-GCM-128 with 16 octet ICV [RFC5282]",
	  "AES-GCM with 16 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_16, 192, 24, 4, true, "AES-GCM-192 with 16 octet ICV [RFC5282]",
	  "AES-GCM with 16 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_GCM_16, 256, 32, 4, true, "AES-GCM-256 with 16 octet ICV [RFC5282]",
	  "AES-GCM with 16 octet ICV [RFC4106]" },
	{ IKE_ENCR_AES_CCM_8, 128, 16, 3, true, "AES-CCM-128 with 8 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_8, 192, 24, 3, true, "AES-CCM-192 with 8 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_8, 256, 32, 3, true, "AES-CCM-256 with 8 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_12, 128, 16, 3, true, "AES-CCM-128 with 12 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_12, 192, 24, 3, true, "AES-CCM-192 with 12 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_12, 256, 32, 3, true, "AES-CCM-256 with 12 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_16, 128, 16, 3, true, "AES-CCM-128 with 16 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_16, 192, 24, 3, true, "AES-CCM-192 with 16 octet ICV [RFC5282]", NULL },
	{ IKE_ENCR_AES_CCM_16, 256, 32, 3, true, "AES-CCM-256 with 16 octet ICV [RFC5282]", NULL },
};

/* An integrity transform under its Wireshark names. */
static const struct integ_name {
	uint16_t id;
	uint8_t key_len;
	const char *ike; /* packet-isakmp.c vs_ikev2_auth_algs */
	const char *esp; /* packet-esp.c esp_authentication_type_vals */
} integ_names[] = {
	{ IKE_INTEG_NONE, 0, "NONE [RFC4306]", "NULL" },
	{ IKE_INTEG_HMAC_MD5_96, 16, "HMAC_MD5_96 [RFC2403]", "HMAC-MD5-96 [RFC2403]" },
	{ IKE_INTEG_HMAC_SHA1_96, 20, "HMAC_SHA1_96 [RFC2404]", "HMAC-SHA-1-96 [RFC2404]" },
	{ IKE_INTEG_HMAC_MD5_128, 16, "HMAC_MD5_128 [RFC4595]", NULL },
	{ IKE_INTEG_HMAC_SHA1_160, 20, "HMAC_SHA1_160 [RFC4595]", NULL },
	{ IKE_INTEG_HMAC_SHA2_256_128, 32, "HMAC_SHA2_256_128 [RFC4868]",
	  "HMAC-SHA-256-128 [RFC4868]" },
	{ IKE_INTEG_HMAC_SHA2_384_192, 48, "HMAC_SHA2_384_192 [RFC4868]",
	  "HMAC-SHA-384-192 [RFC4868]" },
	{ IKE_INTEG_HMAC_SHA2_512_256, 64, "HMAC_SHA2_512_256 [RFC4868]",
	  "HMAC-SHA-512-256 [RFC4868]" },
};

static const struct encr_name *find_encr(uint16_t id, uint16_t bits, bool esp)
{
	for (size_t i = 0; i < ARRAY_SIZE(encr_names); i++) {
		const struct encr_name *e = &encr_names[i];

		if (e->id == id && e->bits == bits && (esp ? e->esp : e->ike))
			return e;
	}
	return NULL;
}

static const struct integ_name *find_integ(uint16_t id, bool esp)
{
	for (size_t i = 0; i < ARRAY_SIZE(integ_names); i++) {
		const struct integ_name *a = &integ_names[i];

		if (a->id == id && (esp ? a->esp : a->ike))
			return a;
	}
	return NULL;
}

static size_t key_len(const struct secret *s)
{
	return s && s->ptr ? s->len : 0;
}

/* The line being built: bounded, wiped by the caller. */
struct line {
	char buf[KEYLOG_MAX_LINE];
	size_t len;
	bool overflow;
};

__attribute__((format(printf, 2, 3))) static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(l->buf) - l->len)
		l->overflow = true;
	else
		l->len += (size_t)n;
}

static void line_hex(struct line *l, const uint8_t *p, size_t n)
{
	if (l->overflow || 2 * n + 1 > sizeof(l->buf) - l->len) {
		l->overflow = true;
		return;
	}
	hex_encode(p, n, l->buf + l->len);
	l->len += 2 * n;
}

static void line_key(struct line *l, const struct secret *s)
{
	if (key_len(s))
		line_hex(l, s->ptr, s->len);
}

/* Writes the line in one go (retrying short writes) and wipes it. */
static int line_write(struct keylog *kl, struct line *l)
{
	size_t off = 0;
	int rc = 0;

	if (l->overflow)
		rc = -EINVAL;
	while (rc == 0 && off < l->len) {
		ssize_t n = write(kl->fd, l->buf + off, l->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = -EIO;
		else
			off += (size_t)n;
	}
	OPENSSL_cleanse(l->buf, sizeof(l->buf));
	return rc;
}

int keylog_open(struct keylog **out, const char *path)
{
	struct keylog *kl;
	int fd;

	if (!out || !path || !*path)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return -errno;
	kl = calloc(1, sizeof(*kl));
	if (!kl) {
		close(fd);
		return -ENOMEM;
	}
	kl->fd = fd;
	*out = kl;
	return 0;
}

void keylog_close(struct keylog *kl)
{
	if (!kl)
		return;
	close(kl->fd);
	free(kl);
}

/*
 * Checks a transform pair and its keys: the encryption key of the cipher's
 * size plus salt, integrity keys of the MAC's size, none for AEAD.
 */
static int check_keys(const struct encr_name *e, const struct integ_name *a,
		      const struct secret *ek1, const struct secret *ek2, const struct secret *ak1,
		      const struct secret *ak2)
{
	size_t elen = (size_t)e->key_len + e->salt;

	if (e->aead && a->id != IKE_INTEG_NONE)
		return -EINVAL;
	if (key_len(ek1) != elen || (ek2 && key_len(ek2) != elen))
		return -EINVAL;
	if (key_len(ak1) != a->key_len || (ak2 && key_len(ak2) != a->key_len))
		return -EINVAL;
	return 0;
}

int keylog_ike(struct keylog *kl, const uint8_t spi_i[8], const uint8_t spi_r[8], uint16_t encr_id,
	       uint16_t encr_key_bits, uint16_t integ_id, const struct secret *sk_ei,
	       const struct secret *sk_er, const struct secret *sk_ai, const struct secret *sk_ar)
{
	const struct encr_name *e;
	const struct integ_name *a;
	struct line l = { .len = 0 };
	int rc;

	if (!kl || !spi_i || !spi_r || !sk_ei || !sk_er)
		return -EINVAL;
	e = find_encr(encr_id, encr_key_bits, false);
	a = find_integ(integ_id, false);
	if (!e || !a)
		return -ENOTSUP;
	/* SK_a* may be NULL only where they are empty (AEAD) */
	if ((!sk_ai || !sk_ar) && a->key_len)
		return -EINVAL;
	rc = check_keys(e, a, sk_ei, sk_er, sk_ai, sk_ar);
	if (rc)
		return rc;
	line_hex(&l, spi_i, 8);
	line_add(&l, ",");
	line_hex(&l, spi_r, 8);
	line_add(&l, ",");
	line_key(&l, sk_ei);
	line_add(&l, ",");
	line_key(&l, sk_er);
	line_add(&l, ",\"%s\",", e->ike);
	line_key(&l, sk_ai);
	line_add(&l, ",");
	line_key(&l, sk_ar);
	line_add(&l, ",\"%s\"\n", a->ike);
	return line_write(kl, &l);
}

/* inet_ntop() text of sa's address (IPv4-mapped IPv6 as IPv4) and its family. */
static bool addr_text(const struct sockaddr_storage *sa, int *family, char *buf, size_t len)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (sa->ss_family == AF_INET) {
		*family = AF_INET;
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
				 (socklen_t)len) != NULL;
	}
	if (sa->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (memcmp(a->s6_addr, mapped, sizeof(mapped)) == 0) {
			*family = AF_INET;
			return inet_ntop(AF_INET, &a->s6_addr[12], buf, (socklen_t)len) != NULL;
		}
		*family = AF_INET6;
		return inet_ntop(AF_INET6, a, buf, (socklen_t)len) != NULL;
	}
	return false;
}

int keylog_esp(struct keylog *kl, const struct sockaddr_storage *src,
	       const struct sockaddr_storage *dst, uint32_t spi, uint16_t encr_id,
	       uint16_t encr_key_bits, uint16_t integ_id, const struct secret *encr_key,
	       const struct secret *integ_key)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const struct encr_name *e;
	const struct integ_name *a;
	struct line l = { .len = 0 };
	int fs, fd, rc;

	if (!kl || !src || !dst || !addr_text(src, &fs, s, sizeof(s)) ||
	    !addr_text(dst, &fd, d, sizeof(d)) || fs != fd)
		return -EINVAL;
	e = find_encr(encr_id, encr_key_bits, true);
	a = find_integ(integ_id, true);
	if (!e || !a)
		return -ENOTSUP;
	rc = check_keys(e, a, encr_key, NULL, integ_key, NULL);
	if (rc)
		return rc;
	line_add(&l, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x", fs == AF_INET ? "IPv4" : "IPv6",
		 s, d, (unsigned int)spi, e->esp);
	line_key(&l, encr_key);
	line_add(&l, "\",\"%s\",\"0x", a->esp);
	line_key(&l, integ_key);
	line_add(&l, "\"\n");
	return line_write(kl, &l);
}
