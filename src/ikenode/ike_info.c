/*
 * INFORMATIONAL (RFC 7296 §1.4, §1.5): deletes of the IKE_SA and of
 * CHILD_SAs from either side, and liveness checks (empty requests).
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ikenode/ike_sa_int.h"

#define MAX_DELETE_SPIS 64

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void ike_info_respond(struct ike_sa *sa, const struct ike_msg *msg)
{
	const struct ike_pld *p = NULL;
	uint8_t spis[MAX_DELETE_SPIS * 4];
	struct child_sa *gone[MAX_DELETE_SPIS];
	struct ike_pld del = { .type = IKE_PLD_DELETE };
	size_t n_spis = 0;
	bool delete_ike = false;

	if (sa->state < IKE_SA_ESTABLISHED) {
		/* an INFORMATIONAL before IKE_AUTH completed carries only errors: end it */
		ike_sa_log(sa, LOG_INFO, "INFORMATIONAL before establishment, closing");
		ike_sa_send_response(sa, IKE_EXCH_INFORMATIONAL, msg->hdr.msgid, NULL, 0);
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	while ((p = ike_msg_find(msg, IKE_PLD_DELETE, p))) {
		const struct ike_pld_delete *d = &p->u.del;

		if (d->protocol == IKE_PROTO_IKE) {
			delete_ike = true;
			continue;
		}
		if (d->protocol != IKE_PROTO_ESP || d->spi_size != 4)
			continue;
		for (size_t i = 0; i < d->n_spis && n_spis < MAX_DELETE_SPIS; i++) {
			/* the peer names its inbound SPI, our outbound one */
			struct child_sa *c = child_sa_by_spi_out(sa, get_u32(d->spis + 4 * i));
			bool dup = false;

			for (size_t j = 0; j < n_spis; j++)
				dup |= gone[j] == c;
			if (!c || dup)
				continue;
			gone[n_spis] = c;
			put_u32(spis + 4 * n_spis, c->spi_in);
			n_spis++;
		}
	}
	for (p = NULL; (p = ike_msg_find(msg, IKE_PLD_NOTIFY, p));)
		if (p->u.notify.type < 16384)
			ike_sa_log(sa, LOG_NOTICE, "peer reports %s",
				   ike_notify_name(p->u.notify.type));
	if (delete_ike) {
		/* RFC 7296 §1.4.1: answer with an empty INFORMATIONAL, then the SA is gone */
		ike_sa_log(sa, LOG_NOTICE, "deleted by the peer");
		sa->mgr->stats.ike_deleted++;
		ike_sa_send_response(sa, IKE_EXCH_INFORMATIONAL, msg->hdr.msgid, NULL, 0);
		ike_sa_set_state(sa, IKE_SA_DESTROYING);
		return;
	}
	del.u.del.protocol = IKE_PROTO_ESP;
	del.u.del.spi_size = 4;
	del.u.del.n_spis = (uint16_t)n_spis;
	del.u.del.spis = spis;
	/* our own deletes of the same CHILD_SAs are now moot (simultaneous delete, §1.4.1) */
	for (size_t i = 0; i < n_spis; i++)
		child_sa_destroy(sa, gone[i]);
	ike_sa_send_response(sa, IKE_EXCH_INFORMATIONAL, msg->hdr.msgid, &del,
				   n_spis ? 1 : 0);
}

static void delete_ike_done(struct ike_sa *sa, const struct ike_msg *msg)
{
	UNUSED(msg);
	ike_sa_log(sa, LOG_NOTICE, "deleted");
	sa->mgr->stats.ike_deleted++;
	ike_sa_set_state(sa, IKE_SA_DESTROYING);
}

static void dpd_done(struct ike_sa *sa, const struct ike_msg *msg)
{
	UNUSED(msg);
	ike_sa_log(sa, LOG_DEBUG, "liveness check answered");
}

static void delete_child_done(struct ike_sa *sa, const struct ike_msg *msg)
{
	const struct ike_pld *p = NULL;

	/* the CHILD_SAs named in our request went when we sent it; the answer names the peer's */
	while ((p = ike_msg_find(msg, IKE_PLD_DELETE, p)))
		if (p->u.del.protocol == IKE_PROTO_ESP && p->u.del.spi_size == 4)
			for (size_t i = 0; i < p->u.del.n_spis; i++) {
				struct child_sa *c =
					child_sa_by_spi_out(sa, get_u32(p->u.del.spis + 4 * i));

				if (c)
					child_sa_destroy(sa, c);
			}
}

void ike_info_send_task(struct ike_sa *sa, enum ike_task task, uint32_t arg)
{
	struct ike_pld del = { .type = IKE_PLD_DELETE };
	uint8_t spi[4];
	int rc = 0;

	switch (task) {
	case IKE_TASK_DPD:
		rc = ike_sa_send_request(sa, IKE_EXCH_INFORMATIONAL, NULL, 0, dpd_done);
		break;
	case IKE_TASK_DELETE_IKE:
		del.u.del.protocol = IKE_PROTO_IKE;
		rc = ike_sa_send_request(sa, IKE_EXCH_INFORMATIONAL, &del, 1, delete_ike_done);
		if (rc == 0) {
			ike_sa_log(sa, LOG_NOTICE, "deleting");
			ike_sa_set_state(sa, IKE_SA_DELETING);
		}
		break;
	case IKE_TASK_DELETE_CHILD: {
		struct child_sa *c = child_sa_by_spi_in(sa, arg);

		put_u32(spi, arg);
		del.u.del.protocol = IKE_PROTO_ESP;
		del.u.del.spi_size = 4;
		del.u.del.n_spis = 1;
		del.u.del.spis = spi;
		rc = ike_sa_send_request(sa, IKE_EXCH_INFORMATIONAL, &del, 1, delete_child_done);
		/* inbound traffic stops now; the peer's answer completes the pair */
		if (rc == 0 && c)
			child_sa_destroy(sa, c);
		break;
	}
	case IKE_TASK_NONE:
		break;
	}
	if (rc)
		ike_sa_log(sa, LOG_WARNING, "cannot send INFORMATIONAL: %s", strerror(-rc));
}
