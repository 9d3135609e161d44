#include "ikenode/decode_frag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define MAX_PENDING 8	  /* messages being reassembled at a time */
#define MAX_FRAGS 64	  /* fragments of one message */
#define MAX_WHOLE 65535u /* bytes of one reassembled message */

struct pending {
	bool used;
	struct decode_frag_id id; /* num unused */
	uint8_t first_type;
	uint16_t have;
	size_t bytes;
	uint8_t *piece[MAX_FRAGS];
	size_t len[MAX_FRAGS];
};

struct decode_frags {
	struct pending slot[MAX_PENDING];
	unsigned int next_evict;
};

int decode_frags_new(struct decode_frags **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void pending_clear(struct pending *p)
{
	for (size_t i = 0; i < MAX_FRAGS; i++) {
		if (p->piece[i])
			OPENSSL_cleanse(p->piece[i], p->len[i]);
		free(p->piece[i]);
	}
	memset(p, 0, sizeof(*p));
}

void decode_frags_free(struct decode_frags *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < MAX_PENDING; i++)
		pending_clear(&f->slot[i]);
	free(f);
}

static bool same_message(const struct decode_frag_id *a, const struct decode_frag_id *b)
{
	return !memcmp(a->spi_i, b->spi_i, 8) && !memcmp(a->spi_r, b->spi_r, 8) &&
	       a->msgid == b->msgid && a->response == b->response;
}

static struct pending *find_or_take(struct decode_frags *f, const struct decode_frag_id *id)
{
	struct pending *p;

	for (size_t i = 0; i < MAX_PENDING; i++)
		if (f->slot[i].used && same_message(&f->slot[i].id, id))
			return &f->slot[i];
	for (size_t i = 0; i < MAX_PENDING; i++)
		if (!f->slot[i].used)
			return &f->slot[i];
	/* all busy: drop the oldest taken (round robin) */
	p = &f->slot[f->next_evict];
	f->next_evict = (f->next_evict + 1) % MAX_PENDING;
	pending_clear(p);
	return p;
}

/* Joins the pieces in order into *whole and frees the slot. */
static int join(struct pending *p, uint8_t **whole, size_t *whole_len, uint8_t *first_type)
{
	uint8_t *w = malloc(p->bytes ? p->bytes : 1);
	size_t off = 0;

	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < p->id.total; i++) {
		memcpy(w + off, p->piece[i], p->len[i]);
		off += p->len[i];
	}
	*whole = w;
	*whole_len = off;
	*first_type = p->first_type;
	pending_clear(p);
	return 1;
}

int decode_frags_add(struct decode_frags *f, const struct decode_frag_id *id,
		     const uint8_t *plain, size_t len, uint8_t **whole, size_t *whole_len,
		     uint8_t *first_type)
{
	struct pending *p;
	size_t i;

	if (!f || !id || (!plain && len) || !whole || !whole_len || !first_type)
		return -EINVAL;
	if (id->total == 0 || id->num == 0 || id->num > id->total)
		return -EBADMSG;
	if (id->total > MAX_FRAGS)
		return -E2BIG;
	p = find_or_take(f, id);
	if (!p->used) {
		p->used = true;
		p->id = *id;
	} else if (p->id.total != id->total) {
		return -EBADMSG;
	}
	i = id->num - 1u;
	if (p->piece[i])
		return 0; /* a retransmission */
	if (len > MAX_WHOLE - p->bytes)
		return -E2BIG;
	p->piece[i] = malloc(len ? len : 1);
	if (!p->piece[i])
		return -ENOMEM;
	if (len)
		memcpy(p->piece[i], plain, len);
	p->len[i] = len;
	p->bytes += len;
	p->have++;
	if (id->num == 1)
		p->first_type = id->inner_next;
	if (p->have < p->id.total)
		return 0;
	return join(p, whole, whole_len, first_type);
}
