#include "ikenode/decode_print.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/crypto.h>

#include "ikenode/decode_emit.h"
#include "ikenode/decode_frag.h"
#include "ikenode/decode_sk.h"
#include "ikenode/ike_msg.h"
#include "ikenode/ike_rules.h"

struct decode_printer {
	struct decode_emit *e;
	struct decode_sk *sk; /* NULL without keys */
	struct decode_frags *frags; /* SKF reassembly; NULL without keys */
	const struct decode_keys *keys;
	struct decode_print_stats stats;
};

int decode_printer_new(struct decode_printer **pr, FILE *out, bool json,
		       const struct decode_keys *keys)
{
	int rc = 0;

	if (!pr || !out)
		return -EINVAL;
	*pr = calloc(1, sizeof(**pr));
	if (!*pr)
		return -ENOMEM;
	if (keys)
		rc = decode_sk_new(&(*pr)->sk);
	if (rc == 0 && keys)
		rc = decode_frags_new(&(*pr)->frags);
	if (rc == 0)
		rc = decode_emit_new(&(*pr)->e, out, json);
	if (rc) {
		decode_sk_free((*pr)->sk);
		decode_frags_free((*pr)->frags);
		free(*pr);
		*pr = NULL;
		return rc;
	}
	(*pr)->keys = keys;
	return 0;
}

void decode_printer_free(struct decode_printer *pr)
{
	if (!pr)
		return;
	decode_emit_free(pr->e);
	decode_sk_free(pr->sk);
	decode_frags_free(pr->frags);
	free(pr);
}

void decode_printer_stats(const struct decode_printer *pr, struct decode_print_stats *stats)
{
	*stats = pr->stats;
}

static void emit_cstr(struct decode_emit *e, const char *key, const char *s)
{
	decode_emit_str(e, key, s, strlen(s));
}

static void emit_err(struct decode_emit *e, const char *key, const struct ike_msg_err *err)
{
	const char *pld = err->pld_type ? ike_payload_name(err->pld_type) : "header";

	decode_emit_fmt(e, key, "%s%s%s (in %s, offset %zu, value %u)",
			ike_msg_err_name(err->code), err->detail ? ": " : "",
			err->detail ? err->detail : "", pld ? pld : "an unknown payload", err->offset,
			err->value);
}

static const char *flag_names(uint8_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", flags & IKE_HDR_F_INITIATOR ? "I " : "",
		 flags & IKE_HDR_F_RESPONSE ? "R " : "", flags & IKE_HDR_F_VERSION ? "V " : "",
		 flags & ~(IKE_HDR_F_INITIATOR | IKE_HDR_F_RESPONSE | IKE_HDR_F_VERSION) ? "? "
											 : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, len, "none");
	return buf;
}

static void emit_addr(struct decode_emit *e, const char *key, int af, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(af, a, s, sizeof(s)))
		decode_emit_str(e, key, s, strlen(s));
}

/* JSON only: the text shows them in the message's title line */
static void emit_source(struct decode_emit *e, const struct decode_source *src)
{
	if (!decode_emit_is_json(e))
		return;
	decode_emit_uint(e, src->pkt ? "frame" : "input", src->index);
	if (src->ts) {
		struct tm tm;
		time_t t = src->ts->tv_sec;
		char buf[64] = "?";

		if (gmtime_r(&t, &tm))
			strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		decode_emit_fmt(e, "time", "%s.%06ldZ", buf, (long)src->ts->tv_usec);
	}
	if (src->pkt) {
		int af = src->pkt->family == AF_INET6 ? AF_INET6 : AF_INET;

		emit_addr(e, "src", af, src->pkt->src);
		decode_emit_uint(e, "sport", src->pkt->sport);
		emit_addr(e, "dst", af, src->pkt->dst);
		decode_emit_uint(e, "dport", src->pkt->dport);
	}
}

static void emit_hdr(struct decode_emit *e, const struct ike_hdr *h)
{
	char flags[32];

	decode_emit_begin(e, "header", NULL);
	decode_emit_hex(e, "spi_i", h->spi_i, sizeof(h->spi_i));
	decode_emit_hex(e, "spi_r", h->spi_r, sizeof(h->spi_r));
	decode_emit_named(e, "next_payload", h->next_payload, ike_payload_name(h->next_payload));
	decode_emit_fmt(e, "version", "%u.%u", h->major, h->minor);
	decode_emit_named(e, "exchange", h->exchange, ike_exchange_name(h->exchange));
	decode_emit_named(e, "flags", h->flags, flag_names(h->flags, flags, sizeof(flags)));
	decode_emit_uint(e, "message_id", h->msgid);
	decode_emit_uint(e, "length", h->length);
	decode_emit_end(e);
}

static void emit_sa(struct decode_emit *e, const struct ike_pld_sa *sa)
{
	decode_emit_list(e, "proposals");
	for (size_t i = 0; i < sa->n_proposals; i++) {
		const struct ike_proposal *p = &sa->proposals[i];

		decode_emit_begin_typed(e, "proposal", "protocol", p->protocol,
					ike_proto_name(p->protocol));
		decode_emit_uint(e, "number", p->num);
		if (p->spi_size)
			decode_emit_hex(e, "spi", p->spi, p->spi_size);
		decode_emit_list(e, "transforms");
		for (size_t j = 0; j < p->n_transforms; j++) {
			const struct ike_transform *t = &p->transforms[j];

			decode_emit_begin_typed(e, "transform", "type", t->type,
						ike_transform_type_name(t->type));
			decode_emit_named(e, "id", t->id, ike_transform_name(t->type, t->id));
			for (size_t k = 0; k < t->n_attrs; k++) {
				const struct ike_tattr *a = &t->attrs[k];
				const char *name = ike_tattr_name(a->type);

				if (a->tv && a->type == IKE_TATTR_KEY_LENGTH) {
					decode_emit_uint(e, "key_length", a->tv_value);
					continue;
				}
				decode_emit_begin_typed(e, "attribute", "type", a->type, name);
				if (a->tv)
					decode_emit_uint(e, "value", a->tv_value);
				else
					decode_emit_hex(e, "value", a->value, a->len);
				decode_emit_end(e);
			}
			decode_emit_end(e);
		}
		decode_emit_end(e);
		decode_emit_end(e);
	}
	decode_emit_end(e);
}

static void emit_id(struct decode_emit *e, const struct ike_pld_id *id)
{
	decode_emit_named(e, "id_type", id->id_type, ike_id_type_name(id->id_type));
	if (id->id_type == IKE_ID_IPV4_ADDR && id->len == 4)
		emit_addr(e, "id", AF_INET, id->data);
	else if (id->id_type == IKE_ID_IPV6_ADDR && id->len == 16)
		emit_addr(e, "id", AF_INET6, id->data);
	else if (id->id_type == IKE_ID_FQDN || id->id_type == IKE_ID_RFC822_ADDR)
		decode_emit_str(e, "id", (const char *)id->data, id->len);
	else
		decode_emit_hex(e, "id", id->data, id->len);
}

static void emit_ts(struct decode_emit *e, const struct ike_pld_ts *ts)
{
	decode_emit_list(e, "selectors");
	for (size_t i = 0; i < ts->n_ts; i++) {
		const struct ike_ts *t = &ts->ts[i];
		int af = t->type == IKE_TS_IPV6_ADDR_RANGE ? AF_INET6 : AF_INET;

		decode_emit_begin_typed(e, "ts", "type", t->type, ike_ts_type_name(t->type));
		decode_emit_uint(e, "ip_proto", t->ip_proto);
		decode_emit_fmt(e, "ports", "%u-%u", t->start_port, t->end_port);
		if (t->type == IKE_TS_IPV4_ADDR_RANGE || t->type == IKE_TS_IPV6_ADDR_RANGE) {
			emit_addr(e, "start", af, t->start);
			emit_addr(e, "end", af, t->end);
		} else {
			decode_emit_hex(e, "selector", t->raw, t->raw_len);
		}
		decode_emit_end(e);
	}
	decode_emit_end(e);
}

static void emit_notify(struct decode_emit *e, const struct ike_pld_notify *n)
{
	decode_emit_named(e, "notify", n->type, ike_notify_name(n->type));
	if (n->protocol || n->spi_size)
		decode_emit_named(e, "protocol", n->protocol, ike_proto_name(n->protocol));
	if (n->spi_size)
		decode_emit_hex(e, "spi", n->spi, n->spi_size);
	if (n->len)
		decode_emit_hex(e, "data", n->data, n->len);
}

static void emit_delete(struct decode_emit *e, const struct ike_pld_delete *d)
{
	decode_emit_named(e, "protocol", d->protocol, ike_proto_name(d->protocol));
	decode_emit_uint(e, "spi_size", d->spi_size);
	decode_emit_list(e, "spis");
	for (size_t i = 0; i < d->n_spis; i++)
		decode_emit_hex(e, "spi", d->spis + i * d->spi_size, d->spi_size);
	decode_emit_end(e);
}

static void emit_cp(struct decode_emit *e, const struct ike_pld_cp *cp)
{
	decode_emit_named(e, "cfg_type", cp->cfg_type, ike_cfg_type_name(cp->cfg_type));
	decode_emit_list(e, "attributes");
	for (size_t i = 0; i < cp->n_attrs; i++) {
		const struct ike_cfg_attr *a = &cp->attrs[i];

		decode_emit_begin_typed(e, "attribute", "type", a->type, ike_cfg_attr_name(a->type));
		if (a->len == 4 && (a->type == IKE_CFGA_INTERNAL_IP4_ADDRESS ||
				    a->type == IKE_CFGA_INTERNAL_IP4_DNS ||
				    a->type == IKE_CFGA_INTERNAL_IP4_NETMASK))
			emit_addr(e, "value", AF_INET, a->value);
		else if (a->len)
			decode_emit_hex(e, "value", a->value, a->len);
		decode_emit_end(e);
	}
	decode_emit_end(e);
}

static void emit_eap(struct decode_emit *e, const struct ike_pld_eap *eap)
{
	decode_emit_named(e, "code", eap->code, ike_eap_code_name(eap->code));
	decode_emit_uint(e, "identifier", eap->id);
	if (eap->code == IKE_EAP_CODE_REQUEST || eap->code == IKE_EAP_CODE_RESPONSE) {
		decode_emit_named(e, "eap_type", eap->type, ike_eap_type_name(eap->type));
		decode_emit_hex(e, "type_data", eap->type_data, eap->type_data_len);
	}
}

struct msg_ctx {
	struct decode_printer *pr;
	const struct decode_key *key;
	struct ike_msg *m;
	const uint8_t *buf; /* the whole message */
	size_t len;
	int rc; /* -EBADMSG, -EACCES, or 0 */
	uint8_t *plain; /* decrypted SK/SKF body: m borrows it */
};

static void emit_plds(struct msg_ctx *c, const struct ike_pld *plds, size_t n);

/* An SKF fragment's plaintext joins the others of its message (RFC 7383 2.6). */
static void emit_reassembled(struct msg_ctx *c, const struct ike_pld *p, size_t plain_len)
{
	struct decode_emit *e = c->pr->e;
	const struct ike_pld_sk *sk = &p->u.sk;
	struct decode_frag_id id = {
		.msgid = c->m->hdr.msgid,
		.response = c->m->hdr.flags & IKE_HDR_F_RESPONSE,
		.num = sk->frag_num,
		.total = sk->total_frags,
		.inner_next = sk->inner_next,
	};
	struct ike_msg *whole_msg = NULL;
	struct ike_msg_err err;
	uint8_t *whole = NULL, first;
	size_t whole_len = 0;
	int rc;

	memcpy(id.spi_i, c->m->hdr.spi_i, sizeof(id.spi_i));
	memcpy(id.spi_r, c->m->hdr.spi_r, sizeof(id.spi_r));
	rc = decode_frags_add(c->pr->frags, &id, c->plain, plain_len, &whole, &whole_len, &first);
	if (rc == 0) {
		emit_cstr(e, "reassembly", "waiting for the other fragments");
		return;
	}
	if (rc < 0) {
		decode_emit_fmt(e, "reassembly", "failed: %s", strerror(-rc));
		if (rc == -EBADMSG)
			c->rc = -EBADMSG;
		return;
	}
	decode_emit_fmt(e, "reassembly", "complete: %u fragments, %zu bytes", sk->total_frags,
			whole_len);
	whole_msg = ike_msg_new();
	if (!whole_msg) {
		emit_cstr(e, "inner_error", "out of memory");
	} else if (ike_msg_parse_chain(whole_msg, first, whole, whole_len, true, &err)) {
		emit_err(e, "inner_error", &err);
		c->rc = -EBADMSG;
	} else {
		decode_emit_list(e, "payloads");
		emit_plds(c, whole_msg->plds, whole_msg->n_plds);
		decode_emit_end(e);
	}
	ike_msg_free(whole_msg);
	OPENSSL_cleanse(whole, whole_len);
	free(whole);
}

static void emit_sk(struct msg_ctx *c, const struct ike_pld *p)
{
	struct decode_emit *e = c->pr->e;
	const struct ike_pld_sk *sk = &p->u.sk;
	bool from_i = c->m->hdr.flags & IKE_HDR_F_INITIATOR;
	struct ike_msg_err err;
	size_t plain_len, n_outer;
	int rc;

	decode_emit_named(e, "inner_next_payload", sk->inner_next,
			  ike_payload_name(sk->inner_next));
	if (p->type == IKE_PLD_SKF) {
		decode_emit_uint(e, "fragment", sk->frag_num);
		decode_emit_uint(e, "total_fragments", sk->total_frags);
	}
	decode_emit_uint(e, "encrypted_length", sk->body_len);
	if (!c->key) {
		emit_cstr(e, "decryption", "no key for this IKE_SA");
		c->pr->stats.no_key++;
		return;
	}
	decode_emit_fmt(e, "keys", "SK_e%c/SK_a%c", from_i ? 'i' : 'r', from_i ? 'i' : 'r');
	c->plain = malloc(sk->body_len ? sk->body_len : 1);
	if (!c->plain) {
		emit_cstr(e, "decryption", "out of memory");
		return;
	}
	rc = decode_sk_open(c->pr->sk, c->key, from_i, c->buf, c->len, sk->body_off, c->plain,
			    sk->body_len, &plain_len);
	if (rc == -ENOTSUP) {
		emit_cstr(e, "decryption", "algorithm not supported by the crypto suite");
		c->rc = -ENOTSUP;
		return;
	}
	if (rc == -EACCES) {
		emit_cstr(e, "decryption", "ICV check FAILED");
		c->pr->stats.icv_failed++;
		c->rc = -EACCES;
		return;
	}
	if (rc == -EBADMSG) {
		emit_cstr(e, "decryption",
			  "failed: ICV good but padding invalid (wrong SK_e?) or payload too short");
		c->rc = -EBADMSG;
		return;
	}
	if (rc) {
		decode_emit_fmt(e, "decryption", "failed: %s", strerror(-rc));
		c->rc = -EBADMSG;
		return;
	}
	emit_cstr(e, "decryption", "ok");
	c->pr->stats.decrypted++;
	decode_emit_uint(e, "plaintext_length", plain_len);
	if (p->type == IKE_PLD_SKF && sk->total_frags != 1) {
		decode_emit_hex(e, "fragment_plaintext", c->plain, plain_len);
		emit_reassembled(c, p, plain_len);
		return;
	}
	n_outer = c->m->n_plds;
	rc = ike_msg_parse_inner(c->m, c->plain, plain_len, &err);
	if (rc) {
		emit_err(e, "inner_error", &err);
		decode_emit_hex(e, "plaintext", c->plain, plain_len);
		c->rc = -EBADMSG;
		return;
	}
	decode_emit_list(e, "payloads");
	emit_plds(c, c->m->plds + n_outer, c->m->n_plds - n_outer);
	decode_emit_end(e);
}

static void emit_pld(struct msg_ctx *c, const struct ike_pld *p)
{
	struct decode_emit *e = c->pr->e;

	decode_emit_begin_typed(e, "payload", "type", p->type, ike_payload_name(p->type));
	decode_emit_bool(e, "critical", p->critical);
	decode_emit_uint(e, "length", p->body_len + IKE_PLD_HDR_LEN);
	switch (p->type) {
	case IKE_PLD_SA:
		emit_sa(e, &p->u.sa);
		break;
	case IKE_PLD_KE:
		decode_emit_named(e, "group", p->u.ke.group,
				  ike_transform_name(IKE_TT_DH, p->u.ke.group));
		decode_emit_hex(e, "data", p->u.ke.data, p->u.ke.len);
		break;
	case IKE_PLD_IDI:
	case IKE_PLD_IDR:
		emit_id(e, &p->u.id);
		break;
	case IKE_PLD_CERT:
	case IKE_PLD_CERTREQ:
		decode_emit_named(e, "encoding", p->u.cert.encoding,
				  ike_cert_encoding_name(p->u.cert.encoding));
		decode_emit_hex(e, "data", p->u.cert.data, p->u.cert.len);
		break;
	case IKE_PLD_AUTH:
		decode_emit_named(e, "method", p->u.auth.method,
				  ike_auth_method_name(p->u.auth.method));
		if (p->u.auth.sig_alg) {
			decode_emit_hex(e, "signature_algorithm", p->u.auth.sig_alg,
					p->u.auth.sig_alg_len);
			decode_emit_hex(e, "signature", p->u.auth.sig, p->u.auth.sig_len);
		} else {
			decode_emit_hex(e, "data", p->u.auth.data, p->u.auth.len);
		}
		break;
	case IKE_PLD_NONCE:
		decode_emit_hex(e, "nonce", p->u.nonce.data, p->u.nonce.len);
		break;
	case IKE_PLD_NOTIFY:
		emit_notify(e, &p->u.notify);
		break;
	case IKE_PLD_DELETE:
		emit_delete(e, &p->u.del);
		break;
	case IKE_PLD_VENDOR:
		decode_emit_hex(e, "vendor_id", p->u.vendor.data, p->u.vendor.len);
		break;
	case IKE_PLD_TSI:
	case IKE_PLD_TSR:
		emit_ts(e, &p->u.ts);
		break;
	case IKE_PLD_SK:
	case IKE_PLD_SKF:
		emit_sk(c, p);
		break;
	case IKE_PLD_CP:
		emit_cp(e, &p->u.cp);
		break;
	case IKE_PLD_EAP:
		emit_eap(e, &p->u.eap);
		break;
	default:
		decode_emit_hex(e, "body", p->body, p->body_len);
		break;
	}
	decode_emit_end(e);
}

static void emit_plds(struct msg_ctx *c, const struct ike_pld *plds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		emit_pld(c, &plds[i]);
}

/* "frame 3  <time>  a:4500 -> b:4500  IKE_AUTH request" */
static void title(const struct decode_source *src, const struct ike_hdr *h, char *buf,
		  size_t len)
{
	char where[128] = "", when[80] = "";
	const char *x = h ? ike_exchange_name(h->exchange) : NULL;
	char xbuf[32];

	if (src->pkt)
		decode_pkt_endpoints(src->pkt, where, sizeof(where));
	if (src->ts) {
		struct tm tm;
		time_t t = src->ts->tv_sec;

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%H:%M:%S", &tm);
		snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%06ld",
			 (long)src->ts->tv_usec);
	}
	if (h && !x) {
		snprintf(xbuf, sizeof(xbuf), "exchange %u", h->exchange);
		x = xbuf;
	}
	snprintf(buf, len, "%s %lu%s%s%s%s  %s%s", src->pkt ? "frame" : "input", src->index,
		 when[0] ? "  " : "", when, where[0] ? "  " : "", where,
		 h ? x : "not an IKEv2 message",
		 !h ? "" : h->flags & IKE_HDR_F_RESPONSE ? " response" : " request");
	if (h)
		snprintf(buf + strlen(buf), len - strlen(buf), " #%u", h->msgid);
}

int decode_printer_message(struct decode_printer *pr, const struct decode_source *src,
			   const uint8_t *msg, size_t len)
{
	struct msg_ctx c = { .pr = pr, .buf = msg, .len = len };
	struct ike_msg_err err;
	struct ike_hdr hdr;
	char line[512];
	bool have_hdr;

	if (!pr || !src || (!msg && len))
		return -EINVAL;
	pr->stats.messages++;
	have_hdr = ike_msg_parse_hdr(msg, len, &hdr, &err) == 0;
	title(src, have_hdr ? &hdr : NULL, line, sizeof(line));
	decode_emit_message_begin(pr->e, line);
	emit_source(pr->e, src);
	if (!have_hdr) {
		emit_err(pr->e, "error", &err);
		decode_emit_hex(pr->e, "data", msg, len);
		c.rc = -EBADMSG;
		goto out;
	}
	emit_hdr(pr->e, &hdr);
	if (ike_msg_parse(msg, len, &c.m, &err)) {
		emit_err(pr->e, "error", &err);
		c.rc = -EBADMSG;
		goto out;
	}
	c.key = decode_keys_find(pr->keys, hdr.spi_i, hdr.spi_r);
	decode_emit_list(pr->e, "payloads");
	emit_plds(&c, c.m->plds, c.m->n_plds);
	decode_emit_end(pr->e);
	/* the exchange's payload rules: shown, not fatal (a decoder shows what is there) */
	if (ike_rules_check(c.m, c.m->inner_parsed ? IKE_RULES_FULL : IKE_RULES_OUTER, &err))
		emit_err(pr->e, "rules", &err);
out:
	decode_emit_message_end(pr->e);
	if (c.rc == -EBADMSG)
		pr->stats.malformed++;
	ike_msg_free(c.m);
	free(c.plain);
	return c.rc;
}
