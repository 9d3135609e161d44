/*
 * The printer of ikenode-decode: one IKE message at a time, as indented text
 * or as one JSON array of message objects, decrypting SK/SKF payloads when
 * the key table has the IKE_SA.
 */
#ifndef IKN_IKENODE_DECODE_PRINT_H
#define IKN_IKENODE_DECODE_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/time.h>

#include "common/defs.h"
#include "ikenode/decode_keys.h"
#include "ikenode/decode_pcap.h"

struct decode_printer;

/* Where a message came from: a capture frame, or the n-th hex/raw input. */
struct decode_source {
	unsigned long index;	      /* frame number, or input number */
	const struct timeval *ts;     /* NULL outside a capture */
	const struct decode_pkt *pkt; /* NULL outside a capture */
};

/* What the printer saw so far. */
struct decode_print_stats {
	unsigned long messages;
	unsigned long malformed;  /* the message or its decrypted chain */
	unsigned long decrypted;  /* SK/SKF payloads that verified and decrypted */
	unsigned long icv_failed; /* SK/SKF payloads whose integrity check failed */
	unsigned long no_key;	  /* SK/SKF payloads of IKE_SAs not in the key table */
};

/* out and keys (may be NULL) are borrowed until decode_printer_free(). */
MUST_CHECK int decode_printer_new(struct decode_printer **pr, FILE *out, bool json,
				  const struct decode_keys *keys);
/*
 * Prints one message (msg borrowed for the call). Returns 0, -EBADMSG when
 * the message (or a decrypted inner chain) is malformed, -EACCES when an
 * integrity check failed, -ENOTSUP when the crypto suite lacks the IKE_SA's
 * algorithm, -EINVAL on NULL; either way what could be shown
 * was printed.
 */
int decode_printer_message(struct decode_printer *pr, const struct decode_source *src,
			   const uint8_t *msg, size_t len);
void decode_printer_stats(const struct decode_printer *pr, struct decode_print_stats *stats);
/* Ends the output (closes the JSON array) and frees; accepts NULL. */
void decode_printer_free(struct decode_printer *pr);

#endif
