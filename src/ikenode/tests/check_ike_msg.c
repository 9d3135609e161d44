/*
 * The IKE message codec: real strongSwan messages, a round trip of every
 * sample (every payload type), SK/SKF handling, names, limits, and the
 * seed corpus bit-flipped and truncated. Malformed inputs are in
 * check_ike_msg_bad.c, exchange rules in check_ike_rules.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ikenode/ike_msg.h"
#include "ikenode/tests/strongswan_msgs.h"
#include "ikenode/ike_msg_samples.h"
#include "ikenode/ike_names.h"
#include "ikenode/ike_rules.h"

#define CORPUS TOP_SRCDIR "/testing/fuzz/corpus/ike_msg/"

Suite *ike_msg_suite(void);



static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	ck_assert_int_eq(hex_decode(hex, out, cap, &n), 0);
	return n;
}

/* generate msg into buf, parse it back (checked), return the parsed message */
static struct ike_msg *gen_parse(const struct ike_msg *msg, uint8_t *buf, size_t cap, size_t *len)
{
	struct wbuf w = wbuf_init(buf, cap);
	struct ike_msg *out = NULL;
	struct ike_msg_err err;
	int rc;

	ck_assert_int_eq(ike_msg_gen(msg, &w), 0);
	rc = ike_msg_parse(buf, w.len, &out, &err);
	ck_assert_msg(rc == 0, "parse: %d %s (%s) at %zu", rc, ike_msg_err_name(err.code),
		      err.detail, err.offset);
	*len = w.len;
	return out;
}

static void bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	ck_assert_uint_eq(alen, blen);
	if (alen)
		ck_assert_mem_eq(a, b, alen);
}

static void sa_eq(const struct ike_pld_sa *a, const struct ike_pld_sa *b)
{
	ck_assert_uint_eq(a->n_proposals, b->n_proposals);
	for (size_t i = 0; i < a->n_proposals; i++) {
		const struct ike_proposal *pa = &a->proposals[i], *pb = &b->proposals[i];

		ck_assert_uint_eq(pa->num, pb->num);
		ck_assert_uint_eq(pa->protocol, pb->protocol);
		bytes_eq(pa->spi, pa->spi_size, pb->spi, pb->spi_size);
		ck_assert_uint_eq(pa->n_transforms, pb->n_transforms);
		for (size_t j = 0; j < pa->n_transforms; j++) {
			const struct ike_transform *ta = &pa->transforms[j], *tb = &pb->transforms[j];

			ck_assert_uint_eq(ta->type, tb->type);
			ck_assert_uint_eq(ta->id, tb->id);
			ck_assert_uint_eq(ta->n_attrs, tb->n_attrs);
			for (size_t k = 0; k < ta->n_attrs; k++) {
				ck_assert_uint_eq(ta->attrs[k].type, tb->attrs[k].type);
				ck_assert_int_eq(ta->attrs[k].tv, tb->attrs[k].tv);
				ck_assert_uint_eq(ta->attrs[k].tv_value, tb->attrs[k].tv_value);
				bytes_eq(ta->attrs[k].value, ta->attrs[k].len, tb->attrs[k].value,
					 tb->attrs[k].len);
			}
		}
	}
}

static void ts_eq(const struct ike_pld_ts *a, const struct ike_pld_ts *b)
{
	ck_assert_uint_eq(a->n_ts, b->n_ts);
	for (size_t i = 0; i < a->n_ts; i++) {
		const struct ike_ts *x = &a->ts[i], *y = &b->ts[i];

		ck_assert_uint_eq(x->type, y->type);
		ck_assert_uint_eq(x->ip_proto, y->ip_proto);
		ck_assert_uint_eq(x->start_port, y->start_port);
		ck_assert_uint_eq(x->end_port, y->end_port);
		ck_assert_mem_eq(x->start, y->start, 16);
		ck_assert_mem_eq(x->end, y->end, 16);
		bytes_eq(x->raw, x->raw_len, y->raw, y->raw_len);
	}
}

/* field by field: what was generated is what is parsed */
static void pld_eq(const struct ike_pld *a, const struct ike_pld *b)
{
	ck_assert_uint_eq(a->type, b->type);
	ck_assert_int_eq(a->critical, b->critical);
	ck_assert_int_eq(a->encrypted, b->encrypted);
	switch (a->type) {
	case IKE_PLD_SA:
		sa_eq(&a->u.sa, &b->u.sa);
		break;
	case IKE_PLD_KE:
		ck_assert_uint_eq(a->u.ke.group, b->u.ke.group);
		bytes_eq(a->u.ke.data, a->u.ke.len, b->u.ke.data, b->u.ke.len);
		break;
	case IKE_PLD_IDI:
	case IKE_PLD_IDR:
		ck_assert_uint_eq(a->u.id.id_type, b->u.id.id_type);
		bytes_eq(a->u.id.data, a->u.id.len, b->u.id.data, b->u.id.len);
		break;
	case IKE_PLD_CERT:
	case IKE_PLD_CERTREQ:
		ck_assert_uint_eq(a->u.cert.encoding, b->u.cert.encoding);
		bytes_eq(a->u.cert.data, a->u.cert.len, b->u.cert.data, b->u.cert.len);
		break;
	case IKE_PLD_AUTH:
		ck_assert_uint_eq(a->u.auth.method, b->u.auth.method);
		bytes_eq(a->u.auth.data, a->u.auth.len, b->u.auth.data, b->u.auth.len);
		if (b->u.auth.method == IKE_AUTH_DIGITAL_SIG)
			ck_assert_uint_eq(1 + b->u.auth.sig_alg_len + b->u.auth.sig_len, b->u.auth.len);
		break;
	case IKE_PLD_NONCE:
	case IKE_PLD_VENDOR:
		bytes_eq(a->u.nonce.data, a->u.nonce.len, b->u.nonce.data, b->u.nonce.len);
		break;
	case IKE_PLD_NOTIFY:
		ck_assert_uint_eq(a->u.notify.type, b->u.notify.type);
		ck_assert_uint_eq(a->u.notify.protocol, b->u.notify.protocol);
		bytes_eq(a->u.notify.spi, a->u.notify.spi_size, b->u.notify.spi, b->u.notify.spi_size);
		bytes_eq(a->u.notify.data, a->u.notify.len, b->u.notify.data, b->u.notify.len);
		break;
	case IKE_PLD_DELETE:
		ck_assert_uint_eq(a->u.del.protocol, b->u.del.protocol);
		ck_assert_uint_eq(a->u.del.n_spis, b->u.del.n_spis);
		bytes_eq(a->u.del.spis, (size_t)a->u.del.n_spis * a->u.del.spi_size, b->u.del.spis,
			 (size_t)b->u.del.n_spis * b->u.del.spi_size);
		break;
	case IKE_PLD_TSI:
	case IKE_PLD_TSR:
		ts_eq(&a->u.ts, &b->u.ts);
		break;
	case IKE_PLD_SK:
	case IKE_PLD_SKF:
		ck_assert_uint_eq(a->u.sk.inner_next, b->u.sk.inner_next);
		ck_assert_uint_eq(a->u.sk.frag_num, b->u.sk.frag_num);
		ck_assert_uint_eq(a->u.sk.total_frags, b->u.sk.total_frags);
		bytes_eq(a->u.sk.body, a->u.sk.body_len, b->u.sk.body, b->u.sk.body_len);
		break;
	case IKE_PLD_CP:
		ck_assert_uint_eq(a->u.cp.cfg_type, b->u.cp.cfg_type);
		ck_assert_uint_eq(a->u.cp.n_attrs, b->u.cp.n_attrs);
		for (size_t i = 0; i < a->u.cp.n_attrs; i++) {
			ck_assert_uint_eq(a->u.cp.attrs[i].type, b->u.cp.attrs[i].type);
			bytes_eq(a->u.cp.attrs[i].value, a->u.cp.attrs[i].len, b->u.cp.attrs[i].value,
				 b->u.cp.attrs[i].len);
		}
		break;
	case IKE_PLD_EAP:
		ck_assert_uint_eq(a->u.eap.code, b->u.eap.code);
		ck_assert_uint_eq(a->u.eap.id, b->u.eap.id);
		ck_assert_uint_eq(a->u.eap.type, b->u.eap.type);
		bytes_eq(a->u.eap.type_data, a->u.eap.type_data_len, b->u.eap.type_data,
			 b->u.eap.type_data_len);
		break;
	default:
		bytes_eq(a->body, a->body_len, b->body, b->body_len);
	}
}

START_TEST(test_ike_msg_input)
{
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	struct ike_err_notify n;
	struct ike_hdr h = { 0 };
	struct ike_pld_sk sk = { 0 };
	uint8_t b[64];
	struct wbuf w = wbuf_init(b, sizeof(b));
	size_t off;

	ck_assert_int_eq(ike_msg_parse(NULL, 28, &m, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_parse(b, 28, NULL, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_parse_hdr(NULL, 28, &h, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_parse_hdr(b, 28, NULL, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_parse_chain(NULL, 0, b, 0, false, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_parse_inner(NULL, b, 0, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_gen(NULL, &w), -EINVAL);
	ck_assert_int_eq(ike_msg_gen_chain(NULL, 1, &w), -EINVAL);
	ck_assert_int_eq(ike_msg_gen_sk_hdr(&h, NULL, 16, &w, &off), -EINVAL);
	ck_assert_int_eq(ike_msg_gen_sk_hdr(&h, &sk, 16, &w, NULL), -EINVAL);
	sk.frag_num = 3;
	sk.total_frags = 2;
	ck_assert_int_eq(ike_msg_gen_sk_hdr(&h, &sk, 16, &w, &off), -EINVAL);
	ck_assert_int_eq(ike_msg_error_notify(NULL, &n), -EINVAL);
	ck_assert_int_eq(ike_rules_check(NULL, IKE_RULES_FULL, &err), -EINVAL);
	/* a fresh message has no SK to open */
	m = ike_msg_new();
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(ike_msg_parse_inner(m, b, 0, &err), -EINVAL);
	ike_msg_free(m);
	ike_msg_free(NULL);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(test_ike_msg_real_sa_init_request)
{
	uint8_t buf[512];
	size_t len = unhex(strongswan_sa_init_req_hex, buf, sizeof(buf));
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	const struct ike_pld *p;
	const struct ike_proposal *prop;
	uint16_t bits = 0;
	uint8_t out[512];
	struct wbuf w = wbuf_init(out, sizeof(out));

	ck_assert_uint_eq(len, 240);
	ck_assert_int_eq(ike_msg_parse(buf, len, &m, &err), 0);
	ck_assert_uint_eq(m->hdr.exchange, IKE_EXCH_IKE_SA_INIT);
	ck_assert_uint_eq(m->hdr.flags, IKE_HDR_F_INITIATOR);
	ck_assert_uint_eq(m->hdr.major, 2);
	ck_assert_uint_eq(m->hdr.msgid, 0);
	ck_assert_uint_eq(m->hdr.length, 240);
	ck_assert_uint_eq(m->n_plds, 8);
	p = ike_msg_find(m, IKE_PLD_SA, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->u.sa.n_proposals, 1);
	prop = &p->u.sa.proposals[0];
	ck_assert_uint_eq(prop->protocol, IKE_PROTO_IKE);
	ck_assert_uint_eq(prop->spi_size, 0);
	ck_assert_uint_eq(prop->n_transforms, 4);
	ck_assert_uint_eq(prop->transforms[0].id, IKE_ENCR_AES_CBC);
	ck_assert(ike_transform_key_length(&prop->transforms[0], &bits));
	ck_assert_uint_eq(bits, 128);
	ck_assert_uint_eq(prop->transforms[1].id, IKE_INTEG_HMAC_SHA2_256_128);
	ck_assert_uint_eq(prop->transforms[2].id, IKE_PRF_HMAC_SHA2_256);
	ck_assert_uint_eq(prop->transforms[3].type, IKE_TT_DH);
	ck_assert_uint_eq(prop->transforms[3].id, IKE_DH_CURVE25519);
	p = ike_msg_find(m, IKE_PLD_KE, NULL);
	ck_assert_uint_eq(p->u.ke.group, IKE_DH_CURVE25519);
	ck_assert_uint_eq(p->u.ke.len, 32);
	ck_assert_uint_eq(ike_msg_find(m, IKE_PLD_NONCE, NULL)->u.nonce.len, 32);
	ck_assert_ptr_nonnull(ike_msg_find_notify(m, IKE_N_NAT_DETECTION_SOURCE_IP));
	ck_assert_ptr_nonnull(ike_msg_find_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED));
	p = ike_msg_find_notify(m, IKE_N_SIGNATURE_HASH_ALGORITHMS);
	ck_assert_uint_eq(p->u.notify.len, 8);
	ck_assert_ptr_nonnull(ike_msg_find_notify(m, IKE_N_REDIRECT_SUPPORTED));
	ck_assert_int_eq(ike_rules_check(m, IKE_RULES_FULL, &err), 0);
	/* parse -> generate is byte-identical */
	ck_assert_int_eq(ike_msg_gen(m, &w), 0);
	bytes_eq(out, w.len, buf, len);
	ike_msg_free(m);
}
END_TEST

START_TEST(test_ike_msg_real_sa_init_response)
{
	uint8_t buf[512], out[512];
	size_t len = unhex(strongswan_sa_init_resp_hex, buf, sizeof(buf));
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	struct wbuf w = wbuf_init(out, sizeof(out));

	ck_assert_int_eq(ike_msg_parse(buf, len, &m, &err), 0);
	ck_assert_uint_eq(m->hdr.flags, IKE_HDR_F_RESPONSE);
	ck_assert_uint_eq(m->hdr.spi_r[0], 0x10);
	ck_assert_ptr_nonnull(ike_msg_find_notify(m, IKE_N_MULTIPLE_AUTH_SUPPORTED));
	ck_assert_int_eq(ike_rules_check(m, IKE_RULES_FULL, &err), 0);
	ck_assert_int_eq(ike_msg_gen(m, &w), 0);
	bytes_eq(out, w.len, buf, len);
	ike_msg_free(m);
}
END_TEST

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d = malloc(65536);
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_ptr_nonnull(d);
	n = fread(d, 1, 65536, f);
	fclose(f);
	*len = n;
	return d;
}

/* all 12 messages of the capture: parse, rules (outer), regenerate identically */
START_TEST(test_ike_msg_real_capture_round_trip)
{
	char path[512];
	size_t len;
	uint8_t *d, out[2048];
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	struct wbuf w = wbuf_init(out, sizeof(out));

	snprintf(path, sizeof(path), CORPUS "strongswan-psk-%02d", _i + 1);
	d = read_file(path, &len);
	ck_assert_msg(ike_msg_parse(d, len, &m, &err) == 0, "%s: %s", path, err.detail);
	ck_assert_int_eq(ike_rules_check(m, IKE_RULES_OUTER, &err), 0);
	if (m->hdr.exchange != IKE_EXCH_IKE_SA_INIT) {
		const struct ike_pld *sk = &m->plds[m->n_plds - 1];

		ck_assert_uint_eq(sk->type, IKE_PLD_SK);
		ck_assert_uint_eq(sk->u.sk.body_off, sk->offset + IKE_PLD_HDR_LEN);
		ck_assert_uint_eq(sk->u.sk.body_off + sk->u.sk.body_len, len);
		ck_assert_ptr_eq(sk->u.sk.body, d + sk->u.sk.body_off);
	}
	ck_assert_int_eq(ike_msg_gen(m, &w), 0);
	bytes_eq(out, w.len, d, len);
	ike_msg_free(m);
	free(d);
}
END_TEST

/* every sample: generate -> parse -> same fields -> generate byte-identical */
START_TEST(test_ike_msg_sample_round_trip)
{
	const struct ike_msg_sample *s = ike_msg_sample_get((size_t)_i);
	struct ike_pld plds[IKE_MSG_MAX_PLDS];
	struct ike_msg m;
	struct ike_msg *p;
	struct ike_msg_err err;
	uint8_t buf[4096], buf2[4096];
	struct wbuf w2 = wbuf_init(buf2, sizeof(buf2));
	size_t len, j = 0;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(ike_msg_sample_msg(s, &m, plds, IKE_MSG_MAX_PLDS), 0);
	p = gen_parse(&m, buf, sizeof(buf), &len);
	for (size_t i = 0; i < m.n_plds; i++)
		if (!m.plds[i].encrypted)
			pld_eq(&m.plds[i], &p->plds[j++]);
	ck_assert_uint_eq(j, p->n_plds);
	ck_assert_uint_eq(p->hdr.length, len);
	ck_assert_uint_eq(p->hdr.exchange, s->hdr.exchange);
	ck_assert_uint_eq(p->hdr.msgid, s->hdr.msgid);
	ck_assert_int_eq(ike_rules_check(p, IKE_RULES_OUTER, &err) == 0, s->rules_ok);
	ck_assert_int_eq(ike_msg_gen(p, &w2), 0);
	bytes_eq(buf2, w2.len, buf, len);
	ike_msg_free(p);
}
END_TEST

/* the inner chain: generated for sealing, parsed after "decryption" */
START_TEST(test_ike_msg_sk_inner_chain)
{
	const struct ike_msg_sample *s = ike_msg_sample_get(4); /* IKE_AUTH request SK */
	struct ike_pld plds[IKE_MSG_MAX_PLDS];
	struct ike_msg m;
	struct ike_msg *p;
	struct ike_msg_err err;
	uint8_t buf[4096], plain[4096];
	struct wbuf w = wbuf_init(plain, sizeof(plain));
	size_t len, n_inner = 0;

	ck_assert_str_eq(s->name, "IKE_AUTH request SK");
	ck_assert_int_eq(ike_msg_sample_msg(s, &m, plds, IKE_MSG_MAX_PLDS), 0);
	n_inner = m.n_plds - 1;
	ck_assert_int_eq(ike_msg_gen_chain(m.plds, n_inner, &w), 0);
	ck_assert_uint_eq(w.ptr[0], IKE_PLD_CERT); /* IDi's next payload */
	p = gen_parse(&m, buf, sizeof(buf), &len);
	ck_assert_uint_eq(p->n_plds, 1);
	ck_assert_uint_eq(p->plds[0].u.sk.inner_next, IKE_PLD_IDI);
	ck_assert_uint_eq(p->plds[0].u.sk.body_off, IKE_HDR_LEN + IKE_PLD_HDR_LEN);
	/* FULL needs the inner chain */
	ck_assert_int_eq(ike_rules_check(p, IKE_RULES_FULL, &err), -EINVAL);
	ck_assert_int_eq(ike_msg_parse_inner(p, plain, w.len, &err), 0);
	ck_assert(p->inner_parsed);
	ck_assert_uint_eq(p->n_plds, 1 + n_inner);
	for (size_t i = 0; i < n_inner; i++)
		pld_eq(&m.plds[i], &p->plds[1 + i]);
	ck_assert_int_eq(ike_rules_check(p, IKE_RULES_FULL, &err), 0);
	/* only once */
	ck_assert_int_eq(ike_msg_parse_inner(p, plain, w.len, &err), -EINVAL);
	/* SK cannot nest, in a chain or in the generator */
	plds[0] = m.plds[n_inner];
	ck_assert_int_eq(ike_msg_gen_chain(plds, 1, &w), -EINVAL);
	ike_msg_free(p);
}
END_TEST

/* header + SK header for a sealed length; the caller writes IV..ICV after */
START_TEST(test_ike_msg_sk_header_gen)
{
	const struct ike_hdr h = { .major = 2, .exchange = IKE_EXCH_INFORMATIONAL,
				   .flags = IKE_HDR_F_INITIATOR, .msgid = 7 };
	struct ike_pld_sk sk = { .inner_next = IKE_PLD_DELETE };
	uint8_t buf[256];
	struct wbuf w = wbuf_init(buf, sizeof(buf));
	struct ike_msg *m = NULL;
	struct ike_msg_err err;
	size_t iv;

	ck_assert_int_eq(ike_msg_gen_sk_hdr(&h, &sk, 40, &w, &iv), 0);
	ck_assert_uint_eq(iv, 32);
	ck_assert_int_eq(wbuf_put_zero(&w, 40), 0);
	ck_assert_int_eq(ike_msg_parse(buf, w.len, &m, &err), 0);
	ck_assert_uint_eq(m->plds[0].type, IKE_PLD_SK);
	ck_assert_uint_eq(m->plds[0].u.sk.inner_next, IKE_PLD_DELETE);
	ck_assert_uint_eq(m->plds[0].u.sk.body_off, iv);
	ck_assert_uint_eq(m->plds[0].u.sk.body_len, 40);
	ike_msg_free(m);

	/* SKF 2/3 */
	w = wbuf_init(buf, sizeof(buf));
	sk = (struct ike_pld_sk){ .frag_num = 2, .total_frags = 3 };
	ck_assert_int_eq(ike_msg_gen_sk_hdr(&h, &sk, 24, &w, &iv), 0);
	ck_assert_uint_eq(iv, 36);
	ck_assert_int_eq(wbuf_put_zero(&w, 24), 0);
	ck_assert_int_eq(ike_msg_parse(buf, w.len, &m, &err), 0);
	ck_assert_uint_eq(m->plds[0].type, IKE_PLD_SKF);
	ck_assert_uint_eq(m->plds[0].u.sk.frag_num, 2);
	ck_assert_uint_eq(m->plds[0].u.sk.total_frags, 3);
	ck_assert_uint_eq(m->plds[0].u.sk.body_off, iv);
	ike_msg_free(m);

	/* too small a buffer leaves it untouched */
	w = wbuf_init(buf, 30);
	ck_assert_int_eq(ike_msg_gen_sk_hdr(&h, &sk, 24, &w, &iv), -ENOBUFS);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(test_ike_msg_gen_refuses_bad_values)
{
	static const uint8_t nonce[8] = { 0 };
	struct ike_pld p[2] = {
		{ .type = IKE_PLD_NONCE, .u.nonce = { .data = nonce, .len = sizeof(nonce) } },
	};
	struct ike_msg m = { .hdr = { .major = 2, .exchange = IKE_EXCH_IKE_SA_INIT },
			     .plds = p, .n_plds = 1 };
	uint8_t buf[256];
	struct wbuf w = wbuf_init(buf, sizeof(buf));

	ck_assert_int_eq(ike_msg_gen(&m, &w), -EINVAL);
	ck_assert_uint_eq(w.len, 0);
	/* an SA without proposals */
	p[0] = (struct ike_pld){ .type = IKE_PLD_SA };
	ck_assert_int_eq(ike_msg_gen(&m, &w), -EINVAL);
	/* SK not last */
	p[0] = (struct ike_pld){ .type = IKE_PLD_SK };
	p[1] = (struct ike_pld){ .type = IKE_PLD_VENDOR };
	m.n_plds = 2;
	ck_assert_int_eq(ike_msg_gen(&m, &w), -EINVAL);
	/* ENOBUFS leaves the buffer as it was */
	m.n_plds = 1;
	w = wbuf_init(buf, 20);
	ck_assert_int_eq(ike_msg_gen(&m, &w), -ENOBUFS);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(test_ike_msg_names)
{
	ck_assert_str_eq(ike_exchange_name(34), "IKE_SA_INIT");
	ck_assert_str_eq(ike_exchange_name(37), "INFORMATIONAL");
	ck_assert_ptr_null(ike_exchange_name(99));
	ck_assert_str_eq(ike_payload_name(53), "SKF");
	ck_assert_str_eq(ike_payload_name(IKE_PLD_SK), "SK");
	ck_assert_str_eq(ike_notify_name(16430), "IKEV2_FRAGMENTATION_SUPPORTED");
	ck_assert_str_eq(ike_notify_name(16431), "SIGNATURE_HASH_ALGORITHMS");
	ck_assert_str_eq(ike_notify_name(16420), "IKEV2_MESSAGE_ID_SYNC_SUPPORTED");
	ck_assert_str_eq(ike_notify_name(16423), "IPSEC_REPLAY_COUNTER_SYNC");
	ck_assert_str_eq(ike_notify_name(1), "UNSUPPORTED_CRITICAL_PAYLOAD");
	ck_assert_ptr_null(ike_notify_name(12345));
	ck_assert_str_eq(ike_transform_name(IKE_TT_ENCR, 28), "CHACHA20_POLY1305");
	ck_assert_str_eq(ike_transform_name(IKE_TT_ENCR, 20), "AES_GCM_16");
	ck_assert_str_eq(ike_transform_name(IKE_TT_INTEG, 14), "AUTH_HMAC_SHA2_512_256");
	ck_assert_str_eq(ike_transform_name(IKE_TT_PRF, 7), "PRF_HMAC_SHA2_512");
	ck_assert_str_eq(ike_transform_name(IKE_TT_DH, 31), "CURVE_25519");
	ck_assert_str_eq(ike_transform_name(IKE_TT_ESN, 1), "ESN");
	ck_assert_ptr_null(ike_transform_name(9, 1));
	ck_assert_str_eq(ike_auth_method_name(14), "Digital Signature");
	ck_assert_str_eq(ike_id_type_name(2), "ID_FQDN");
	ck_assert_str_eq(ike_cfg_attr_name(8), "INTERNAL_IP6_ADDRESS");
	ck_assert_str_eq(ike_ts_type_name(8), "TS_IPV6_ADDR_RANGE");
	ck_assert_str_eq(ike_proto_name(3), "ESP");
	ck_assert_str_eq(ike_eap_code_name(3), "Success");
	ck_assert_str_eq(ike_msg_err_name(IKE_MSG_E_CRITICAL), "unsupported critical payload");
}
END_TEST

/*
 * Seeds, each truncated at every length and with every single bit flipped:
 * never a crash or sanitizer report; either a message, or -EBADMSG with an
 * error that maps to a notify (or to silence).
 */
START_TEST(test_ike_msg_seed_mutations)
{
	char path[512];
	size_t len;
	uint8_t *d;

	snprintf(path, sizeof(path), CORPUS "strongswan-psk-%02d", _i + 1);
	d = read_file(path, &len);
	/* 0 .. len: truncations; beyond: flip bit (k - len - 1) of the whole seed */
	for (size_t k = 0; k <= len + 8 * len; k++) {
		size_t cut = k <= len ? k : len;
		uint8_t *c = malloc(cut ? cut : 1);
		struct ike_msg *m = NULL;
		struct ike_msg_err err;
		struct ike_err_notify n;
		int rc;

		ck_assert_ptr_nonnull(c);
		memcpy(c, d, cut);
		if (k > len)
			c[(k - len - 1) / 8] ^= (uint8_t)(1u << ((k - len - 1) % 8));
		rc = ike_msg_parse(c, cut, &m, &err);
		if (rc == 0) {
			rc = ike_rules_check(m, IKE_RULES_OUTER, &err);
			ck_assert(rc == 0 || rc == -EBADMSG);
		} else {
			ck_assert_int_eq(rc, -EBADMSG);
			ck_assert_ptr_null(m);
			rc = ike_msg_error_notify(&err, &n);
			ck_assert(rc == 0 || rc == -ENOENT);
		}
		ike_msg_free(m);
		free(c);
	}
	free(d);
}
END_TEST

Suite *ike_msg_suite(void)
{
	Suite *s = suite_create("ike_msg");
	TCase *tc = tcase_create("ike_msg");

	tcase_add_test(tc, test_ike_msg_input);
	tcase_add_test(tc, test_ike_msg_real_sa_init_request);
	tcase_add_test(tc, test_ike_msg_real_sa_init_response);
	tcase_add_loop_test(tc, test_ike_msg_real_capture_round_trip, 0, 12);
	tcase_add_loop_test(tc, test_ike_msg_sample_round_trip, 0, (int)ike_msg_sample_count());
	tcase_add_test(tc, test_ike_msg_sk_inner_chain);
	tcase_add_test(tc, test_ike_msg_sk_header_gen);
	tcase_add_test(tc, test_ike_msg_gen_refuses_bad_values);
	tcase_add_test(tc, test_ike_msg_names);
	tcase_add_loop_test(tc, test_ike_msg_seed_mutations, 0, 12);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
