/*
 * Identities from peer bytes and from configuration strings. The first input
 * byte is an ID type, the rest the identification data: ike_id_from_pld(), then
 * printing, copying, equality and matching against itself. The whole input,
 * as a string, also goes through ike_id_from_str(). Whatever comes out must be
 * one of the documented results, the printed form terminated and free of
 * non-printable bytes, and an identity must equal and perfectly match itself.
 * Seeds: testing/fuzz/corpus/ike_id/.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ikenode/ike_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printed(const struct ike_id *id)
{
	char buf[IKE_ID_STR_MAX], tiny[8];
	int rc = ike_id_to_str(id, buf, sizeof(buf));

	assert(rc == 0 || rc == -ENOBUFS);
	assert(strlen(buf) < sizeof(buf));
	for (const char *c = buf; *c; c++)
		assert(*c >= 0x20 && *c < 0x7f);
	rc = ike_id_to_str(id, tiny, sizeof(tiny));
	assert(rc == 0 || rc == -ENOBUFS);
	assert(strlen(tiny) < sizeof(tiny));
}

/* names with a NUL byte equal nothing, as in strongSwan */
static bool self_equal_expected(const struct ike_id *id)
{
	return !((id->type == 2 || id->type == 3) && memchr(id->data, 0, id->len));
}

static void check_id(const struct ike_id *id)
{
	struct ike_id copy;

	check_printed(id);
	assert(ike_id_equal(id, id) == self_equal_expected(id));
	if (ike_id_copy(&copy, id) == 0) {
		enum ike_id_match m = ike_id_match(&copy, id);

		assert(m == (id->type == 0	       ? IKE_ID_MATCH_ANY
			     : self_equal_expected(id) ? IKE_ID_MATCH_PERFECT
						       : m));
		ike_id_free(&copy);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_id id;
	char *s;
	int rc;

	if (size == 0)
		return 0;
	rc = ike_id_from_pld(data[0], data + 1, size - 1, &id);
	assert(rc == 0 || rc == -EBADMSG || rc == -ENOMEM);
	if (rc == 0) {
		check_id(&id);
		ike_id_free(&id);
	}

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = ike_id_from_str(s, &id);
	assert(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc == 0) {
		check_id(&id);
		ike_id_free(&id);
	}
	free(s);
	return 0;
}
