/*
 * Bounds-checked cursors over byte buffers.
 *
 * All wire formats are big-endian. A read or write that would cross the end
 * returns -EBADMSG (rbuf) or -ENOBUFS (wbuf) and leaves the cursor where it was,
 * so a parser can never read past what it was given. Input bytes are never cast
 * to structs.
 */
#ifndef IKN_COMMON_BUF_H
#define IKN_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

/* A read cursor. The bytes are borrowed; they must outlive the cursor. */
struct rbuf {
	const uint8_t *ptr;
	size_t len; /* bytes left from ptr */
};

static inline struct rbuf rbuf_init(const void *ptr, size_t len)
{
	return (struct rbuf){ .ptr = ptr, .len = len };
}

static inline size_t rbuf_left(const struct rbuf *r)
{
	return r->len;
}

MUST_CHECK int rbuf_get_u8(struct rbuf *r, uint8_t *v);
MUST_CHECK int rbuf_get_u16(struct rbuf *r, uint16_t *v);
MUST_CHECK int rbuf_get_u32(struct rbuf *r, uint32_t *v);
MUST_CHECK int rbuf_get_u64(struct rbuf *r, uint64_t *v);
/* Copies n bytes to dst. */
MUST_CHECK int rbuf_get_bytes(struct rbuf *r, void *dst, size_t n);
/* Points *p at the next n bytes (borrowed) and advances. */
MUST_CHECK int rbuf_get_ptr(struct rbuf *r, const uint8_t **p, size_t n);
/* Splits off the next n bytes as their own cursor and advances past them. */
MUST_CHECK int rbuf_sub(struct rbuf *r, struct rbuf *sub, size_t n);
MUST_CHECK int rbuf_skip(struct rbuf *r, size_t n);

/* A write cursor over caller-owned storage. */
struct wbuf {
	uint8_t *ptr;
	size_t cap;
	size_t len; /* bytes written so far */
};

static inline struct wbuf wbuf_init(void *ptr, size_t cap)
{
	return (struct wbuf){ .ptr = ptr, .cap = cap, .len = 0 };
}

MUST_CHECK int wbuf_put_u8(struct wbuf *w, uint8_t v);
MUST_CHECK int wbuf_put_u16(struct wbuf *w, uint16_t v);
MUST_CHECK int wbuf_put_u32(struct wbuf *w, uint32_t v);
MUST_CHECK int wbuf_put_u64(struct wbuf *w, uint64_t v);
MUST_CHECK int wbuf_put_bytes(struct wbuf *w, const void *src, size_t n);
MUST_CHECK int wbuf_put_zero(struct wbuf *w, size_t n);
/*
 * Reserves n bytes to be filled later (a length field written once the body
 * is known); *offset receives their position.
 */
MUST_CHECK int wbuf_reserve(struct wbuf *w, size_t n, size_t *offset);
/* Overwrites a big-endian u16 at an offset already written. */
MUST_CHECK int wbuf_set_u16(struct wbuf *w, size_t offset, uint16_t v);
MUST_CHECK int wbuf_set_u32(struct wbuf *w, size_t offset, uint32_t v);

/* Hex helpers for tools and tests: hex_decode skips white space and ':'. */
MUST_CHECK int hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *out_len);
void hex_encode(const uint8_t *in, size_t len, char *out /* 2 * len + 1 */);

#endif
