/*
 * The IKEv2 message: header, payload chain walking, the storage of a parsed
 * message, generation, and the one mapping from parse errors to Notify types.
 * Each payload's fields are parsed and written by ike_pld_ops_get(type).
 */
#include "ikenode/ike_msg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikenode/ike_pld_ops.h"

#define PLD_F_CRITICAL 0x80
#define IKE_MAJOR 2

struct ike_msg_store {
	struct ike_pld plds[IKE_MSG_MAX_PLDS];
	struct ike_proposal proposals[IKE_MSG_MAX_PROPOSALS];
	struct ike_transform transforms[IKE_MSG_MAX_TRANSFORMS];
	struct ike_tattr tattrs[IKE_MSG_MAX_TATTRS];
	struct ike_ts ts[IKE_MSG_MAX_TS];
	struct ike_cfg_attr cfg_attrs[IKE_MSG_MAX_CFG_ATTRS];
	size_t used[IKE_POOL_COUNT];
	uint8_t *adopted; /* ike_msg_adopt(): freed (wiped) with the message */
	size_t adopted_len;
};

/* The message and its storage in one allocation. */
struct msg_block {
	struct ike_msg msg;
	struct ike_msg_store store;
};

void *ike_msg_store_take(struct ike_msg_store *s, enum ike_store_pool pool)
{
	static const size_t cap[IKE_POOL_COUNT] = {
		[IKE_POOL_PROPOSAL] = IKE_MSG_MAX_PROPOSALS,
		[IKE_POOL_TRANSFORM] = IKE_MSG_MAX_TRANSFORMS,
		[IKE_POOL_TATTR] = IKE_MSG_MAX_TATTRS,
		[IKE_POOL_TS] = IKE_MSG_MAX_TS,
		[IKE_POOL_CFG_ATTR] = IKE_MSG_MAX_CFG_ATTRS,
	};
	size_t i;
	void *item;

	if (!s || pool >= IKE_POOL_COUNT || s->used[pool] >= cap[pool])
		return NULL;
	i = s->used[pool]++;
	switch (pool) {
	case IKE_POOL_PROPOSAL:
		item = &s->proposals[i];
		memset(item, 0, sizeof(s->proposals[i]));
		break;
	case IKE_POOL_TRANSFORM:
		item = &s->transforms[i];
		memset(item, 0, sizeof(s->transforms[i]));
		break;
	case IKE_POOL_TATTR:
		item = &s->tattrs[i];
		memset(item, 0, sizeof(s->tattrs[i]));
		break;
	case IKE_POOL_TS:
		item = &s->ts[i];
		memset(item, 0, sizeof(s->ts[i]));
		break;
	default:
		item = &s->cfg_attrs[i];
		memset(item, 0, sizeof(s->cfg_attrs[i]));
		break;
	}
	return item;
}

static void err_set(struct ike_msg_err *err, enum ike_msg_errcode code, uint8_t type,
		    size_t offset, uint32_t value, const char *detail)
{
	if (!err)
		return;
	err->code = code;
	err->pld_type = type;
	err->offset = offset;
	err->value = value;
	err->detail = detail;
}

int ike_pld_fail(struct ike_pld_pctx *c, enum ike_msg_errcode code, const uint8_t *at,
		 uint32_t value, const char *detail)
{
	err_set(c->err, code, c->type, ike_pld_off(c, at), value, detail);
	return -EBADMSG;
}

const char *ike_msg_err_name(enum ike_msg_errcode code)
{
#define ERR_NAME_(s, d) [IKE_MSG_E_##s] = d,
	static const char *const names[] = { IKE_MSG_ERR_LIST(ERR_NAME_) };
#undef ERR_NAME_
	if ((size_t)code >= ARRAY_SIZE(names))
		return NULL;
	return names[code];
}

int ike_msg_error_notify(const struct ike_msg_err *err, struct ike_err_notify *n)
{
	if (!err || !n)
		return -EINVAL;
	memset(n, 0, sizeof(*n));
	switch (err->code) {
	case IKE_MSG_E_NONE:
	case IKE_MSG_E_SHORT_HEADER: /* no SPIs to answer to */
	case IKE_MSG_E_UNKNOWN_EXCHANGE:
		return -ENOENT;
	case IKE_MSG_E_MAJOR_VERSION:
		/* the reply's header carries the version we support (§2.5) */
		n->type = IKE_N_INVALID_MAJOR_VERSION;
		return 0;
	case IKE_MSG_E_CRITICAL:
		/* the Notification Data is the one-octet payload type (§3.10.1) */
		n->type = IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
		n->data[0] = (uint8_t)err->value;
		n->data_len = 1;
		return 0;
	default:
		n->type = IKE_N_INVALID_SYNTAX;
		return 0;
	}
}

static int hdr_read(struct rbuf *r, struct ike_hdr *h)
{
	uint8_t ver;

	TRY(rbuf_get_bytes(r, h->spi_i, sizeof(h->spi_i)));
	TRY(rbuf_get_bytes(r, h->spi_r, sizeof(h->spi_r)));
	TRY(rbuf_get_u8(r, &h->next_payload));
	TRY(rbuf_get_u8(r, &ver));
	TRY(rbuf_get_u8(r, &h->exchange));
	TRY(rbuf_get_u8(r, &h->flags));
	TRY(rbuf_get_u32(r, &h->msgid));
	TRY(rbuf_get_u32(r, &h->length));
	h->major = ver >> 4;
	h->minor = ver & 0x0f;
	return 0;
}

int ike_msg_parse_hdr(const uint8_t *buf, size_t len, struct ike_hdr *hdr,
		      struct ike_msg_err *err)
{
	struct rbuf r = rbuf_init(buf, len);

	if (!buf || !hdr)
		return -EINVAL;
	err_set(err, IKE_MSG_E_NONE, 0, 0, 0, NULL);
	if (len < IKE_HDR_LEN || hdr_read(&r, hdr)) {
		err_set(err, IKE_MSG_E_SHORT_HEADER, 0, 0, (uint32_t)len,
			"fewer than 28 octets");
		return -EBADMSG;
	}
	if (hdr->major != IKE_MAJOR) {
		err_set(err, IKE_MSG_E_MAJOR_VERSION, 0, 17, hdr->major, "major version is not 2");
		return -EBADMSG;
	}
	if (hdr->length != len) {
		err_set(err, IKE_MSG_E_HDR_LENGTH, 0, 24, hdr->length,
			"header Length differs from the datagram");
		return -EBADMSG;
	}
	return 0;
}

bool ike_pld_is_sk(uint8_t type)
{
	return type == IKE_PLD_SK || type == IKE_PLD_SKF;
}

/*
 * Walks a chain in buf[off, len) starting with type `next`, appending to
 * msg. Offsets (and SK body offsets) count from buf. On failure msg keeps
 * its previous payloads and storage use.
 */
static int chain_parse(struct ike_msg *msg, uint8_t next, const uint8_t *buf, size_t off,
		       size_t len, bool encrypted, struct ike_msg_err *err)
{
	struct ike_msg_store *s = msg->store;
	size_t n0 = msg->n_plds, used0[IKE_POOL_COUNT];
	struct rbuf r = rbuf_init(buf + off, len - off);
	struct ike_pld_pctx c = { .base = buf, .store = s, .err = err };
	int rc = 0;

	memcpy(used0, s->used, sizeof(used0));
	while (next != IKE_PLD_NONE) {
		const uint8_t *at = r.ptr;
		struct ike_pld *p;
		const struct ike_pld_ops *ops = ike_pld_ops_get(next);
		uint8_t nxt, flags;
		uint16_t plen;
		struct rbuf body;

		c.type = next;
		if (msg->n_plds >= IKE_MSG_MAX_PLDS) {
			rc = ike_pld_fail(&c, IKE_MSG_E_TOO_MANY, at, IKE_MSG_MAX_PLDS,
					  "too many payloads");
			goto fail;
		}
		if (rbuf_get_u8(&r, &nxt) || rbuf_get_u8(&r, &flags) || rbuf_get_u16(&r, &plen)) {
			rc = ike_pld_fail(&c, IKE_MSG_E_TRUNCATED, at, (uint32_t)(len - off),
					  "generic payload header runs past the end");
			goto fail;
		}
		if (plen < IKE_PLD_HDR_LEN || (ops && plen < ops->min_len)) {
			rc = ike_pld_fail(&c, IKE_MSG_E_PLD_LENGTH, at + 2, plen,
					  "Payload Length below the minimum of its type");
			goto fail;
		}
		if (rbuf_sub(&r, &body, plen - IKE_PLD_HDR_LEN)) {
			rc = ike_pld_fail(&c, IKE_MSG_E_TRUNCATED, at + 2, plen,
					  "Payload Length runs past the end");
			goto fail;
		}
		if (!ops && (flags & PLD_F_CRITICAL)) {
			/* RFC 7296 §2.5: reject the message, name the type */
			rc = ike_pld_fail(&c, IKE_MSG_E_CRITICAL, at, next,
					  "unknown payload type with the critical bit");
			goto fail;
		}
		if (encrypted && ike_pld_is_sk(next)) {
			rc = ike_pld_fail(&c, IKE_MSG_E_SK_NESTED, at, next,
					  "SK or SKF inside an encrypted payload");
			goto fail;
		}
		p = &s->plds[msg->n_plds];
		memset(p, 0, sizeof(*p));
		p->type = next;
		p->critical = flags & PLD_F_CRITICAL;
		p->encrypted = encrypted;
		p->body = body.ptr;
		p->body_len = rbuf_left(&body);
		p->offset = (size_t)(at - buf);
		if (ops) {
			err_set(err, IKE_MSG_E_NONE, 0, 0, 0, NULL);
			rc = ops->parse(p, &body, &c);
			if (rc && (!err || err->code == IKE_MSG_E_NONE))
				rc = ike_pld_fail(&c, IKE_MSG_E_PLD_LENGTH, body.ptr, plen,
						  "payload body shorter than its fields");
			if (rc)
				goto fail;
		}
		msg->n_plds++;
		if (ike_pld_is_sk(next)) {
			/* its Next Payload is the first inner payload; it ends the chain */
			p->u.sk.inner_next = nxt;
			if (rbuf_left(&r)) {
				rc = ike_pld_fail(&c, IKE_MSG_E_SK_NOT_LAST, r.ptr,
						  (uint32_t)rbuf_left(&r),
						  "bytes after the SK/SKF payload");
				goto fail;
			}
			return 0;
		}
		next = nxt;
	}
	if (rbuf_left(&r)) {
		c.type = IKE_PLD_NONE;
		rc = ike_pld_fail(&c, IKE_MSG_E_TRAILING, r.ptr, (uint32_t)rbuf_left(&r),
				  "bytes after the last payload");
		goto fail;
	}
	return 0;
fail:
	msg->n_plds = n0;
	memcpy(s->used, used0, sizeof(used0));
	return rc ? rc : -EBADMSG;
}

struct ike_msg *ike_msg_new(void)
{
	struct msg_block *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->msg.store = &b->store;
	b->msg.plds = b->store.plds;
	return &b->msg;
}

void ike_msg_free(struct ike_msg *msg)
{
	if (!msg || !msg->store)
		return;
	if (msg->store->adopted) {
		OPENSSL_cleanse(msg->store->adopted, msg->store->adopted_len);
		free(msg->store->adopted);
	}
	/* the message is the first member of its block */
	free((struct msg_block *)(void *)msg);
}

int ike_msg_adopt(struct ike_msg *msg, uint8_t *buf, size_t len)
{
	if (!msg || !msg->store || !buf || msg->store->adopted)
		return -EINVAL;
	msg->store->adopted = buf;
	msg->store->adopted_len = len;
	return 0;
}

int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg **out, struct ike_msg_err *err)
{
	struct ike_msg *msg;
	struct ike_hdr hdr;
	int rc;

	if (!buf || !out)
		return -EINVAL;
	*out = NULL;
	rc = ike_msg_parse_hdr(buf, len, &hdr, err);
	if (rc)
		return rc;
	msg = ike_msg_new();
	if (!msg)
		return -ENOMEM;
	msg->hdr = hdr;
	rc = chain_parse(msg, hdr.next_payload, buf, IKE_HDR_LEN, len, false, err);
	if (rc) {
		ike_msg_free(msg);
		return rc;
	}
	*out = msg;
	return 0;
}

int ike_msg_parse_chain(struct ike_msg *msg, uint8_t first_type, const uint8_t *buf, size_t len,
			bool encrypted, struct ike_msg_err *err)
{
	if (!msg || !msg->store || (!buf && len))
		return -EINVAL;
	err_set(err, IKE_MSG_E_NONE, 0, 0, 0, NULL);
	return chain_parse(msg, first_type, buf, 0, len, encrypted, err);
}

int ike_msg_parse_inner(struct ike_msg *msg, const uint8_t *plain, size_t len,
			struct ike_msg_err *err)
{
	const struct ike_pld *sk;
	int rc;

	if (!msg || !msg->store || (!plain && len) || msg->inner_parsed || !msg->n_plds)
		return -EINVAL;
	sk = &msg->plds[msg->n_plds - 1];
	if (!ike_pld_is_sk(sk->type) || sk->encrypted)
		return -EINVAL;
	rc = ike_msg_parse_chain(msg, sk->u.sk.inner_next, plain, len, true, err);
	if (rc == 0)
		msg->inner_parsed = true;
	return rc;
}

const struct ike_pld *ike_msg_find(const struct ike_msg *msg, uint8_t type,
				   const struct ike_pld *after)
{
	size_t i = 0;

	if (!msg)
		return NULL;
	if (after && after >= msg->plds && after < msg->plds + msg->n_plds)
		i = (size_t)(after - msg->plds) + 1;
	for (; i < msg->n_plds; i++)
		if (msg->plds[i].type == type)
			return &msg->plds[i];
	return NULL;
}

const struct ike_pld *ike_msg_find_notify(const struct ike_msg *msg, uint16_t type)
{
	const struct ike_pld *p = NULL;

	while ((p = ike_msg_find(msg, IKE_PLD_NOTIFY, p)))
		if (p->u.notify.type == type)
			return p;
	return NULL;
}

bool ike_transform_key_length(const struct ike_transform *t, uint16_t *bits)
{
	if (!t)
		return false;
	for (size_t i = 0; i < t->n_attrs; i++) {
		if (t->attrs[i].type == IKE_TATTR_KEY_LENGTH && t->attrs[i].tv) {
			if (bits)
				*bits = t->attrs[i].tv_value;
			return true;
		}
	}
	return false;
}

/* One payload: generic header with `next`, then the body from the table. */
static int pld_gen(const struct ike_pld *p, uint8_t next, struct wbuf *w)
{
	const struct ike_pld_ops *ops = ike_pld_ops_get(p->type);
	size_t start = w->len, len_off;

	if (p->type == IKE_PLD_NONE)
		return -EINVAL;
	TRY(wbuf_put_u8(w, next));
	TRY(wbuf_put_u8(w, p->critical ? PLD_F_CRITICAL : 0));
	TRY(wbuf_reserve(w, 2, &len_off));
	if (ops)
		TRY(ops->gen(p, w));
	else
		TRY(wbuf_put_bytes(w, p->body, p->body_len));
	if (w->len - start > UINT16_MAX || (ops && w->len - start < ops->min_len))
		return -EINVAL;
	return wbuf_set_u16(w, len_off, (uint16_t)(w->len - start));
}

static int hdr_gen(const struct ike_hdr *h, uint8_t next, struct wbuf *w, size_t *len_off)
{
	if (h->major > 0x0f || h->minor > 0x0f)
		return -EINVAL;
	TRY(wbuf_put_bytes(w, h->spi_i, sizeof(h->spi_i)));
	TRY(wbuf_put_bytes(w, h->spi_r, sizeof(h->spi_r)));
	TRY(wbuf_put_u8(w, next));
	TRY(wbuf_put_u8(w, (uint8_t)(h->major << 4 | h->minor)));
	TRY(wbuf_put_u8(w, h->exchange));
	TRY(wbuf_put_u8(w, h->flags));
	TRY(wbuf_put_u32(w, h->msgid));
	return wbuf_reserve(w, 4, len_off);
}

/* Writes plds (skipping `encrypted` ones when `outer`) in order. */
static int plds_gen(const struct ike_pld *plds, size_t n, bool outer, struct wbuf *w)
{
	for (size_t i = 0; i < n; i++) {
		const struct ike_pld *p = &plds[i];
		size_t j = i + 1;
		uint8_t next;

		if (outer && p->encrypted)
			continue;
		while (outer && j < n && plds[j].encrypted)
			j++;
		if (ike_pld_is_sk(p->type)) {
			if (!outer || j < n)
				return -EINVAL; /* SK only outside, and last */
			next = p->u.sk.inner_next;
		} else {
			next = j < n ? plds[j].type : IKE_PLD_NONE;
		}
		TRY(pld_gen(p, next, w));
	}
	return 0;
}

static uint8_t first_outer(const struct ike_msg *msg)
{
	for (size_t i = 0; i < msg->n_plds; i++)
		if (!msg->plds[i].encrypted)
			return msg->plds[i].type;
	return IKE_PLD_NONE;
}

int ike_msg_gen(const struct ike_msg *msg, struct wbuf *w)
{
	size_t start, len_off;
	int rc;

	if (!msg || !w || (msg->n_plds && !msg->plds))
		return -EINVAL;
	start = w->len;
	rc = hdr_gen(&msg->hdr, first_outer(msg), w, &len_off);
	if (rc == 0)
		rc = plds_gen(msg->plds, msg->n_plds, true, w);
	if (rc == 0 && w->len - start > UINT32_MAX)
		rc = -EINVAL;
	if (rc == 0)
		rc = wbuf_set_u32(w, len_off, (uint32_t)(w->len - start));
	if (rc)
		w->len = start;
	return rc;
}

int ike_msg_gen_chain(const struct ike_pld *plds, size_t n, struct wbuf *w)
{
	size_t start;
	int rc;

	if (!w || (n && !plds))
		return -EINVAL;
	start = w->len;
	rc = plds_gen(plds, n, false, w);
	if (rc)
		w->len = start;
	return rc;
}

int ike_msg_gen_sk_hdr(const struct ike_hdr *hdr, const struct ike_pld_sk *sk,
		       size_t sealed_len, struct wbuf *w, size_t *iv_off)
{
	bool frag = sk && sk->total_frags;
	size_t start, len_off, plen = (frag ? IKE_SKF_HDR_LEN : IKE_PLD_HDR_LEN) + sealed_len;
	int rc;

	if (!hdr || !sk || !w || !iv_off || plen > UINT16_MAX ||
	    (frag && (sk->frag_num < 1 || sk->frag_num > sk->total_frags)))
		return -EINVAL;
	start = w->len;
	rc = hdr_gen(hdr, frag ? IKE_PLD_SKF : IKE_PLD_SK, w, &len_off);
	if (rc == 0)
		rc = wbuf_put_u8(w, sk->inner_next);
	if (rc == 0)
		rc = wbuf_put_u8(w, 0);
	if (rc == 0)
		rc = wbuf_put_u16(w, (uint16_t)plen);
	if (rc == 0 && frag)
		rc = wbuf_put_u16(w, sk->frag_num);
	if (rc == 0 && frag)
		rc = wbuf_put_u16(w, sk->total_frags);
	if (rc == 0)
		rc = wbuf_set_u32(w, len_off, (uint32_t)(IKE_HDR_LEN + plen));
	if (rc) {
		w->len = start;
		return rc;
	}
	*iv_off = w->len - start;
	return 0;
}
