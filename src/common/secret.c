#include "common/secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

int secret_alloc(struct secret *s, size_t len)
{
	if (!s)
		return -EINVAL;
	/* calloc(0) may return NULL; one byte keeps "allocated" unambiguous */
	s->ptr = calloc(1, len ? len : 1);
	if (!s->ptr) {
		s->len = 0;
		return -ENOMEM;
	}
	s->len = len;
	return 0;
}

int secret_dup(struct secret *s, const void *src, size_t len)
{
	int rc;

	if (!src && len)
		return -EINVAL;
	rc = secret_alloc(s, len);
	if (rc == 0 && len)
		memcpy(s->ptr, src, len);
	return rc;
}

void secret_free(struct secret *s)
{
	if (!s || !s->ptr)
		return;
	OPENSSL_cleanse(s->ptr, s->len);
	free(s->ptr);
	s->ptr = NULL;
	s->len = 0;
}

_Bool secret_equal(const struct secret *a, const struct secret *b)
{
	if (a->len != b->len)
		return 0;
	return CRYPTO_memcmp(a->ptr, b->ptr, a->len) == 0;
}
