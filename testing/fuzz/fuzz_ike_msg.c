/*
 * The IKE message codec on arbitrary bytes: header, payload chain and the
 * exchange rules. A message that parses is generated again and re-parsed;
 * the round trip must be consistent (same length, same payloads, and a
 * second generation byte-identical to the first), else abort(). The body of
 * an SK payload is also parsed as if it were the decrypted inner chain.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ikenode/ike_msg.h"
#include "ikenode/ike_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void same_plds(const struct ike_msg *a, const struct ike_msg *b, bool encrypted)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->n_plds && a->plds[i].encrypted != encrypted)
			i++;
		while (j < b->n_plds && b->plds[j].encrypted != encrypted)
			j++;
		if (i == a->n_plds || j == b->n_plds)
			break;
		check(a->plds[i].type == b->plds[j].type);
		check(a->plds[i].critical == b->plds[j].critical);
		check(a->plds[i].body_len == b->plds[j].body_len);
		i++;
		j++;
	}
	check(i == a->n_plds && j == b->n_plds);
}

/* generate the inner chain of m, parse it back, generate again: identical */
static void inner_round_trip(const struct ike_msg *m, uint8_t *buf, size_t cap)
{
	struct ike_pld *inner = m->plds;
	size_t n = 0, first = m->n_plds;
	struct wbuf w1 = wbuf_init(buf, cap / 2), w2 = wbuf_init(buf + cap / 2, cap / 2);
	struct ike_msg *m2 = ike_msg_new();
	struct ike_msg_err err;

	for (size_t i = 0; i < m->n_plds; i++) {
		if (m->plds[i].encrypted) {
			if (first == m->n_plds)
				first = i;
			n++;
		}
	}
	if (!m2)
		return;
	inner = m->plds + first;
	check(ike_msg_gen_chain(inner, n, &w1) == 0);
	check(ike_msg_parse_chain(m2, n ? inner[0].type : 0, w1.ptr, w1.len, true, &err) == 0);
	check(m2->n_plds == n);
	check(ike_msg_gen_chain(m2->plds, m2->n_plds, &w2) == 0);
	check(w1.len == w2.len && memcmp(w1.ptr, w2.ptr, w1.len) == 0);
	ike_msg_free(m2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_msg *m = NULL, *m2 = NULL;
	struct ike_msg_err err;
	struct ike_err_notify n;
	size_t cap = 2 * size + 64;
	uint8_t *buf = malloc(2 * cap);
	struct wbuf w1, w2;
	int rc;

	if (!buf)
		return 0;
	rc = ike_msg_parse(data, size, &m, &err);
	if (rc) {
		check(rc == -EBADMSG && m == NULL && err.code != IKE_MSG_E_NONE);
		rc = ike_msg_error_notify(&err, &n);
		check(rc == 0 || rc == -ENOENT);
		goto out;
	}
	if (ike_rules_check(m, IKE_RULES_OUTER, &err) == -EBADMSG)
		check(ike_msg_error_notify(&err, &n) == 0 || err.code == IKE_MSG_E_UNKNOWN_EXCHANGE);
	if (m->n_plds && ike_pld_is_sk(m->plds[m->n_plds - 1].type)) {
		const struct ike_pld_sk *sk = &m->plds[m->n_plds - 1].u.sk;

		/* pretend the body is the plaintext */
		if (ike_msg_parse_inner(m, sk->body, sk->body_len, &err) == 0) {
			check(ike_rules_check(m, IKE_RULES_FULL, &err) != -EINVAL);
			inner_round_trip(m, buf, 2 * cap);
		}
	}

	w1 = wbuf_init(buf, cap);
	w2 = wbuf_init(buf + cap, cap);
	check(ike_msg_gen(m, &w1) == 0);
	check(w1.len == size);
	check(ike_msg_parse(w1.ptr, w1.len, &m2, &err) == 0);
	same_plds(m, m2, false);
	check(memcmp(m->hdr.spi_i, m2->hdr.spi_i, 8) == 0 &&
	      memcmp(m->hdr.spi_r, m2->hdr.spi_r, 8) == 0);
	check(m->hdr.next_payload == m2->hdr.next_payload && m->hdr.major == m2->hdr.major &&
	      m->hdr.minor == m2->hdr.minor && m->hdr.exchange == m2->hdr.exchange &&
	      m->hdr.flags == m2->hdr.flags && m->hdr.msgid == m2->hdr.msgid &&
	      m->hdr.length == m2->hdr.length);
	check(ike_msg_gen(m2, &w2) == 0);
	check(w1.len == w2.len && memcmp(w1.ptr, w2.ptr, w1.len) == 0);
out:
	ike_msg_free(m2);
	ike_msg_free(m);
	free(buf);
	return 0;
}
