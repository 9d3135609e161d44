/*
 * Key material. A secret owns its bytes, wipes them (OPENSSL_cleanse) when
 * freed, and never reaches a log.
 */
#ifndef IKN_COMMON_SECRET_H
#define IKN_COMMON_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

struct secret {
	uint8_t *ptr;
	size_t len;
};

/* Allocates len zeroed bytes into s. Returns 0 or -ENOMEM. */
MUST_CHECK int secret_alloc(struct secret *s, size_t len);
/* Copies len bytes into a new secret. */
MUST_CHECK int secret_dup(struct secret *s, const void *src, size_t len);
/* Wipes and releases; accepts NULL and an empty secret. */
void secret_free(struct secret *s);
/* Constant-time comparison; false when lengths differ. */
_Bool secret_equal(const struct secret *a, const struct secret *b);

#endif
