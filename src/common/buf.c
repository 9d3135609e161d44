#include "common/buf.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

int rbuf_get_ptr(struct rbuf *r, const uint8_t **p, size_t n)
{
	if (n > r->len)
		return -EBADMSG;
	*p = r->ptr;
	r->ptr += n;
	r->len -= n;
	return 0;
}

int rbuf_get_bytes(struct rbuf *r, void *dst, size_t n)
{
	const uint8_t *p;
	int rc = rbuf_get_ptr(r, &p, n);

	if (rc == 0 && n)
		memcpy(dst, p, n);
	return rc;
}

int rbuf_skip(struct rbuf *r, size_t n)
{
	const uint8_t *p;

	return rbuf_get_ptr(r, &p, n);
}

int rbuf_sub(struct rbuf *r, struct rbuf *sub, size_t n)
{
	const uint8_t *p;
	int rc = rbuf_get_ptr(r, &p, n);

	if (rc == 0)
		*sub = rbuf_init(p, n);
	return rc;
}

static int get_be(struct rbuf *r, uint64_t *v, size_t n)
{
	const uint8_t *p;
	int rc = rbuf_get_ptr(r, &p, n);

	if (rc)
		return rc;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v = (*v << 8) | p[i];
	return 0;
}

int rbuf_get_u8(struct rbuf *r, uint8_t *v)
{
	uint64_t x;
	int rc = get_be(r, &x, 1);

	if (rc == 0)
		*v = (uint8_t)x;
	return rc;
}

int rbuf_get_u16(struct rbuf *r, uint16_t *v)
{
	uint64_t x;
	int rc = get_be(r, &x, 2);

	if (rc == 0)
		*v = (uint16_t)x;
	return rc;
}

int rbuf_get_u32(struct rbuf *r, uint32_t *v)
{
	uint64_t x;
	int rc = get_be(r, &x, 4);

	if (rc == 0)
		*v = (uint32_t)x;
	return rc;
}

int rbuf_get_u64(struct rbuf *r, uint64_t *v)
{
	return get_be(r, v, 8);
}

int wbuf_reserve(struct wbuf *w, size_t n, size_t *offset)
{
	if (n > w->cap - w->len)
		return -ENOBUFS;
	if (offset)
		*offset = w->len;
	w->len += n;
	return 0;
}

int wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	size_t off;
	int rc = wbuf_reserve(w, n, &off);

	if (rc == 0 && n)
		memcpy(w->ptr + off, src, n);
	return rc;
}

int wbuf_put_zero(struct wbuf *w, size_t n)
{
	size_t off;
	int rc = wbuf_reserve(w, n, &off);

	if (rc == 0 && n)
		memset(w->ptr + off, 0, n);
	return rc;
}

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

static int put_be_checked(struct wbuf *w, uint64_t v, size_t n)
{
	size_t off;
	int rc = wbuf_reserve(w, n, &off);

	if (rc == 0)
		put_be(w->ptr + off, v, n);
	return rc;
}

int wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	return put_be_checked(w, v, 1);
}

int wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	return put_be_checked(w, v, 2);
}

int wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	return put_be_checked(w, v, 4);
}

int wbuf_put_u64(struct wbuf *w, uint64_t v)
{
	return put_be_checked(w, v, 8);
}

static int set_be(struct wbuf *w, size_t offset, uint64_t v, size_t n)
{
	if (offset > w->len || n > w->len - offset)
		return -EINVAL;
	put_be(w->ptr + offset, v, n);
	return 0;
}

int wbuf_set_u16(struct wbuf *w, size_t offset, uint16_t v)
{
	return set_be(w, offset, v, 2);
}

int wbuf_set_u32(struct wbuf *w, size_t offset, uint32_t v)
{
	return set_be(w, offset, v, 4);
}

static int hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t n = 0;
	int hi = -1;

	if (!hex || !out || !out_len)
		return -EINVAL;
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	for (; *hex; hex++) {
		int v;

		if (isspace((unsigned char)*hex) || *hex == ':')
			continue;
		v = hex_nibble((unsigned char)*hex);
		if (v < 0)
			return -EBADMSG;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -ENOBUFS;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return -EBADMSG;
	*out_len = n;
	return 0;
}

void hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}
