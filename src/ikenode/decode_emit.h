/*
 * The output side of ikenode-decode's printer: nested fields written either
 * as indented text (one line per field) or as JSON (json-c), so that each
 * payload printer is written once for both.
 *
 * A message is emitted between decode_emit_message_begin() and
 * decode_emit_message_end(); in JSON the messages form one array, closed by
 * decode_emit_free(). Peer strings are shown as printable ASCII with \xNN
 * escapes in both forms, so that the JSON is always valid.
 */
#ifndef IKN_IKENODE_DECODE_EMIT_H
#define IKN_IKENODE_DECODE_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/defs.h"

struct decode_emit;

/* out is borrowed until decode_emit_free(). Returns 0, -EINVAL or -ENOMEM. */
MUST_CHECK int decode_emit_new(struct decode_emit **e, FILE *out, bool json);
/* Closes the JSON array and frees; accepts NULL. */
void decode_emit_free(struct decode_emit *e);

bool decode_emit_is_json(const struct decode_emit *e);

/* Starts a message; text: the line "title" at the outer level. */
void decode_emit_message_begin(struct decode_emit *e, const char *title);
/* Writes the message out (JSON: one element of the array). */
void decode_emit_message_end(struct decode_emit *e);

/*
 * Opens a nested object under key (or as the next element of an open list).
 * Text: the line "key label". JSON: an object; label is not shown.
 */
void decode_emit_begin(struct decode_emit *e, const char *key, const char *label);
/*
 * Opens a nested object named by a type: text "key NAME (id)", JSON an
 * object holding tkey: id and "<tkey>_name": NAME (null when unknown).
 */
void decode_emit_begin_typed(struct decode_emit *e, const char *key, const char *tkey,
			     unsigned long id, const char *name);
/* Opens a list under key: JSON an array; text shows nothing. */
void decode_emit_list(struct decode_emit *e, const char *key);
/* Closes the innermost object or list. */
void decode_emit_end(struct decode_emit *e);

void decode_emit_uint(struct decode_emit *e, const char *key, unsigned long long v);
void decode_emit_bool(struct decode_emit *e, const char *key, bool v);
/* s is shown escaped; len bytes (s need not be NUL-terminated). */
void decode_emit_str(struct decode_emit *e, const char *key, const char *s, size_t len);
void decode_emit_fmt(struct decode_emit *e, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Text shows at most 64 bytes and the length; JSON all of them. */
void decode_emit_hex(struct decode_emit *e, const char *key, const uint8_t *p, size_t len);
/* text "key: NAME (id)"; JSON key: id, "<key>_name": NAME (null when unknown). */
void decode_emit_named(struct decode_emit *e, const char *key, unsigned long id,
		       const char *name);

#endif
