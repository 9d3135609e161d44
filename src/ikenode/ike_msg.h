/* API frozen: change only compatibly */
/*
 * The IKEv2 message codec (RFC 7296 §3, RFC 7383 §2.5).
 *
 * A message is a value: struct ike_msg holds the header and the payload
 * chain as an array of struct ike_pld, each a tagged union of the payload's
 * fields. Parsing is pure (bytes in, value out, no daemon context) and
 * bounds-checked; generation writes the same values back through the same
 * per-payload table (ike_pld.c).
 *
 * Borrowing: every `const uint8_t *` inside a parsed message points into the
 * input buffer given to ike_msg_parse() / ike_msg_parse_chain() (borrowed,
 * valid while that buffer lives and is unchanged). The nested arrays
 * (proposals, transforms, attributes, selectors, CP attributes) and the
 * payload array itself live in storage owned by the struct ike_msg, released
 * by ike_msg_free().
 *
 * For generation a caller may build a struct ike_msg itself (on the stack,
 * plds/proposals/... pointing at its own arrays, store NULL) and pass it to
 * ike_msg_gen(); the codec only reads it.
 *
 * SK and SKF: the outer parse yields the SK payload's inner next-payload type
 * and its raw body (IV .. ICV) with the body's offset in the message; the
 * crypto module decrypts, and ike_msg_parse_inner() parses the plaintext
 * chain into the same message (payloads flagged `encrypted`).
 *
 * Errors: a failing parse returns -EBADMSG and describes what went wrong in
 * struct ike_msg_err; ike_msg_error_notify() is the only place that maps
 * such an error to a Notify type (STYLE.md §3).
 */
#ifndef IKN_IKENODE_IKE_MSG_H
#define IKN_IKENODE_IKE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/defs.h"
#include "ikenode/ike_names.h"

#define IKE_HDR_LEN 28
#define IKE_PLD_HDR_LEN 4
#define IKE_IKE_SPI_LEN 8
#define IKE_NONCE_MIN 16
#define IKE_NONCE_MAX 256
/* Generic header (4) + Fragment Number (2) + Total Fragments (2). */
#define IKE_SKF_HDR_LEN 8

/*
 * Limits of one parsed message (outer and inner payloads together). Input
 * exceeding them fails with IKE_MSG_E_TOO_MANY; nothing grows with input.
 */
#define IKE_MSG_MAX_PLDS 64
#define IKE_MSG_MAX_PROPOSALS 64
#define IKE_MSG_MAX_TRANSFORMS 256
#define IKE_MSG_MAX_TATTRS 256
#define IKE_MSG_MAX_TS 64
#define IKE_MSG_MAX_CFG_ATTRS 64

/* The IKE header. `length` is the whole message, header included. */
struct ike_hdr {
	uint8_t spi_i[IKE_IKE_SPI_LEN];
	uint8_t spi_r[IKE_IKE_SPI_LEN];
	uint8_t next_payload; /* parse: as on the wire; gen: computed */
	uint8_t major;        /* 2 */
	uint8_t minor;        /* 0 */
	uint8_t exchange;     /* enum ike_exchange */
	uint8_t flags;        /* IKE_HDR_F_* */
	uint32_t msgid;
	uint32_t length; /* parse: as on the wire; gen: computed */
};

/* A transform attribute: TV (AF=1, 16-bit value) or TLV. */
struct ike_tattr {
	uint16_t type; /* without the AF bit; enum ike_tattr_type */
	bool tv;
	uint16_t tv_value; /* when tv */
	const uint8_t *value; /* when !tv: borrowed, len bytes */
	uint16_t len;
};

struct ike_transform {
	uint8_t type; /* enum ike_transform_type */
	uint16_t id;  /* enum ike_encr / ike_prf / ike_integ / ike_dh / ike_esn */
	const struct ike_tattr *attrs;
	size_t n_attrs;
};

struct ike_proposal {
	uint8_t num;
	uint8_t protocol; /* enum ike_proto */
	uint8_t spi_size; /* 0 or 8 for IKE, 4 for AH/ESP */
	const uint8_t *spi; /* spi_size bytes */
	const struct ike_transform *transforms;
	size_t n_transforms; /* the wire's "Num Transforms" equals this */
};

struct ike_pld_sa {
	const struct ike_proposal *proposals;
	size_t n_proposals; /* at least 1 */
};

struct ike_pld_ke {
	uint16_t group; /* enum ike_dh */
	const uint8_t *data;
	size_t len; /* fixed by the group when the group is known */
};

/* IDi, IDr */
struct ike_pld_id {
	uint8_t id_type; /* enum ike_id_type */
	const uint8_t *data;
	size_t len; /* 4 for IPV4_ADDR, 16 for IPV6_ADDR, 0 for NULL */
};

/* CERT, CERTREQ */
struct ike_pld_cert {
	uint8_t encoding; /* enum ike_cert_encoding */
	const uint8_t *data;
	size_t len;
};

struct ike_pld_auth {
	uint8_t method; /* enum ike_auth_method */
	const uint8_t *data; /* the whole Authentication Data */
	size_t len;
	/*
	 * For DIGITAL_SIG (RFC 7427), parse fills the split of data into the
	 * AlgorithmIdentifier (after its one-octet length) and the signature;
	 * otherwise NULL/0. Generation writes only data/len.
	 */
	const uint8_t *sig_alg;
	size_t sig_alg_len;
	const uint8_t *sig;
	size_t sig_len;
};

/* Nonce (Ni, Nr), Vendor ID and unknown payloads: just bytes. */
struct ike_pld_data {
	const uint8_t *data;
	size_t len;
};

struct ike_pld_notify {
	uint8_t protocol; /* enum ike_proto, 0 when no SPI */
	uint8_t spi_size; /* 0, 4 or 8 */
	uint16_t type;    /* enum ike_notify_type */
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};

struct ike_pld_delete {
	uint8_t protocol; /* IKE (spi_size 0, no SPIs), AH or ESP (spi_size 4) */
	uint8_t spi_size;
	uint16_t n_spis;
	const uint8_t *spis; /* n_spis * spi_size bytes, back to back */
};

/* One traffic selector. Addresses are in network order. */
struct ike_ts {
	uint8_t type; /* enum ike_ts_type */
	uint8_t ip_proto; /* 0: any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16]; /* first 4 bytes used for IPv4 */
	/* an unknown selector type: its bytes after the 4-byte selector header */
	const uint8_t *raw;
	size_t raw_len;
};

/* TSi, TSr */
struct ike_pld_ts {
	const struct ike_ts *ts;
	size_t n_ts; /* the wire's "Number of TSs" equals this */
};

/* SK (frag_num = total_frags = 0) and SKF (RFC 7383). */
struct ike_pld_sk {
	uint8_t inner_next; /* first inner payload type (0 in SKF fragments > 1) */
	uint16_t frag_num;  /* SKF: 1 .. total_frags */
	uint16_t total_frags;
	const uint8_t *body; /* IV .. ICV; borrowed */
	size_t body_len;
	size_t body_off; /* parse: offset of the IV from the message start */
};

struct ike_cfg_attr {
	uint16_t type; /* enum ike_cfg_attr_type, without the reserved bit */
	const uint8_t *value;
	uint16_t len;
};

struct ike_pld_cp {
	uint8_t cfg_type; /* enum ike_cfg_type */
	const struct ike_cfg_attr *attrs;
	size_t n_attrs;
};

/* EAP: the whole EAP message; code/id/type are parsed from it. */
struct ike_pld_eap {
	uint8_t code; /* enum ike_eap_code */
	uint8_t id;
	uint8_t type; /* for Request/Response, else 0 */
	const uint8_t *type_data; /* after the type octet (Request/Response) */
	size_t type_data_len;
	/* parse: the EAP message (its length field equals len); gen: ignored */
	const uint8_t *msg;
	size_t len;
};

/* One payload of the chain. */
struct ike_pld {
	uint8_t type; /* enum ike_pld_type, or an unknown (non-critical) type */
	bool critical; /* the C bit, as on the wire / to be written */
	bool encrypted; /* inside SK/SKF (parse: from ike_msg_parse_inner()) */
	/*
	 * parse: the body after the 4-byte generic header (borrowed) and the
	 * generic header's offset in the parsed buffer (message or plaintext).
	 * gen: the body written for a type the codec does not know.
	 */
	const uint8_t *body;
	size_t body_len;
	size_t offset;
	union {
		struct ike_pld_sa sa;
		struct ike_pld_ke ke;
		struct ike_pld_id id; /* IDI, IDR */
		struct ike_pld_cert cert; /* CERT, CERTREQ */
		struct ike_pld_auth auth;
		struct ike_pld_data nonce;
		struct ike_pld_notify notify;
		struct ike_pld_delete del;
		struct ike_pld_data vendor;
		struct ike_pld_ts ts; /* TSI, TSR */
		struct ike_pld_sk sk; /* SK, SKF */
		struct ike_pld_cp cp;
		struct ike_pld_eap eap;
	} u;
};

struct ike_msg_store; /* parse storage, private to ike_msg.c */

struct ike_msg {
	struct ike_hdr hdr;
	struct ike_pld *plds; /* outer payloads first, then inner ones */
	size_t n_plds;
	bool inner_parsed; /* ike_msg_parse_inner() succeeded */
	struct ike_msg_store *store; /* NULL for caller-built messages */
};

/* Parse errors: X(SYMBOL, "description"). */
#define IKE_MSG_ERR_LIST(X)                                                  \
	X(NONE, "no error")                                                  \
	X(SHORT_HEADER, "shorter than the IKE header")                       \
	X(MAJOR_VERSION, "unsupported major version")                        \
	X(HDR_LENGTH, "header length does not match the datagram")           \
	X(TRUNCATED, "payload runs past the end")                            \
	X(PLD_LENGTH, "payload length invalid for its type")                 \
	X(SUB_LENGTH, "substructure length inconsistent with its parent")    \
	X(COUNT, "declared count does not match the contents")               \
	X(BAD_VALUE, "field value invalid")                                  \
	X(TOO_MANY, "more items than the codec accepts")                     \
	X(CRITICAL, "unsupported critical payload")                          \
	X(TRAILING, "bytes after the last payload")                          \
	X(SK_NOT_LAST, "encrypted payload is not the last payload")          \
	X(SK_NESTED, "encrypted payload inside an encrypted payload")        \
	X(UNKNOWN_EXCHANGE, "unknown exchange type")                         \
	X(MISSING, "required payload missing")                               \
	X(TOO_OFTEN, "payload occurs more often than allowed")               \
	X(NOT_ALLOWED, "payload not allowed in this message")                \
	X(NOT_ENCRYPTED, "payload must be encrypted")                        \
	X(NOT_CLEAR, "payload must not be encrypted")                        \
	X(NO_SK, "message must be encrypted")                                \
	X(SK_FORBIDDEN, "message must not be encrypted")

#define IKE_MSG_E_ENUM_(s, d) IKE_MSG_E_##s,
enum ike_msg_errcode { IKE_MSG_ERR_LIST(IKE_MSG_E_ENUM_) };

/* Where and why a parse or rules check failed. */
struct ike_msg_err {
	enum ike_msg_errcode code;
	uint8_t pld_type; /* payload concerned (0: the header) */
	size_t offset;    /* in the buffer parsed, where it was noticed */
	uint32_t value;   /* the offending value (a length, a type, ...) */
	const char *detail; /* static text, e.g. "Nonce shorter than 16" */
};

const char *ike_msg_err_name(enum ike_msg_errcode code);

/* A notify to answer a parse error with. */
struct ike_err_notify {
	uint16_t type; /* enum ike_notify_type */
	uint8_t data[4];
	size_t data_len;
};

/*
 * Maps a parse/rules error to the Notify to send: 0 and *n filled, -ENOENT
 * when the message is to be dropped without a reply, -EINVAL on NULL.
 */
MUST_CHECK int ike_msg_error_notify(const struct ike_msg_err *err, struct ike_err_notify *n);

/*
 * Parses only the 28-byte header (cheap checks before anything else):
 * length and major version. 0 or -EBADMSG (err filled), -EINVAL.
 */
MUST_CHECK int ike_msg_parse_hdr(const uint8_t *buf, size_t len, struct ike_hdr *hdr,
				 struct ike_msg_err *err);

/*
 * Parses a whole message: header and payload chain up to and including an
 * SK/SKF payload. buf is borrowed by *out (see top). On success *out is an
 * owned message (ike_msg_free()); on failure *out is NULL and err says why.
 * Returns 0, -EBADMSG, -ENOMEM or -EINVAL. Rules are not checked here
 * (ike_rules_check()).
 */
MUST_CHECK int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg **out,
			     struct ike_msg_err *err);

/*
 * Parses a decrypted SK/SKF plaintext (the inner payload chain without
 * padding) into msg, whose last outer payload must be SK or SKF (the first
 * type comes from it; for SKF the caller passes the reassembled plaintext).
 * plain is borrowed by msg. Appended payloads have `encrypted` set.
 * 0, -EBADMSG (msg unchanged), -EINVAL (msg not parsed, no SK, already done).
 */
MUST_CHECK int ike_msg_parse_inner(struct ike_msg *msg, const uint8_t *plain, size_t len,
				   struct ike_msg_err *err);

/*
 * The chain parser on its own: appends the payloads of buf, starting with
 * type first_type, to msg (from ike_msg_parse() or ike_msg_new()). With
 * `encrypted` the payloads are flagged so and may not contain SK/SKF.
 * Payload offsets are relative to buf. 0, -EBADMSG (msg unchanged), -EINVAL.
 */
MUST_CHECK int ike_msg_parse_chain(struct ike_msg *msg, uint8_t first_type, const uint8_t *buf,
				   size_t len, bool encrypted, struct ike_msg_err *err);

/* An empty message with parse storage (for ike_msg_parse_chain()); NULL on OOM. */
struct ike_msg *ike_msg_new(void);
/*
 * Gives msg ownership of buf (malloc'd, len bytes), e.g. the decrypted
 * plaintext its inner payloads borrow: ike_msg_free() wipes and frees it.
 * One buffer per message. 0, -EINVAL (caller-built message, NULL, already one).
 */
MUST_CHECK int ike_msg_adopt(struct ike_msg *msg, uint8_t *buf, size_t len);
/* Releases a message from ike_msg_parse()/ike_msg_new(); accepts NULL. */
void ike_msg_free(struct ike_msg *msg);

/*
 * The next payload of type `type` after `after` (NULL: from the start), or
 * NULL. Returned pointers are borrowed from msg.
 */
const struct ike_pld *ike_msg_find(const struct ike_msg *msg, uint8_t type,
				   const struct ike_pld *after);
/* The first Notify of the given notify type, or NULL. */
const struct ike_pld *ike_msg_find_notify(const struct ike_msg *msg, uint16_t type);
/* The KEY_LENGTH attribute of a transform: true and *bits, or false. */
bool ike_transform_key_length(const struct ike_transform *t, uint16_t *bits);

/*
 * Generates msg: header and every payload not flagged `encrypted`, in
 * order; next-payload and length fields are computed (hdr.next_payload and
 * hdr.length are ignored). An SK/SKF payload is written with its body as
 * given (already sealed, or a dummy) and must be last. Payload types the
 * codec does not know are written from body/body_len.
 * 0, -ENOBUFS (w too small; w->len unchanged), -EINVAL (bad value, e.g. a
 * nonce of 8 bytes or SK not last).
 */
MUST_CHECK int ike_msg_gen(const struct ike_msg *msg, struct wbuf *w);

/*
 * Generates a payload chain without header, e.g. the inner chain to seal
 * into SK: plds[0].type is the first type (goes into SK's next payload), the
 * last payload's next payload is 0. SK/SKF are refused (-EINVAL); the
 * `encrypted` flag is ignored. 0, -ENOBUFS (w->len unchanged), -EINVAL.
 */
MUST_CHECK int ike_msg_gen_chain(const struct ike_pld *plds, size_t n, struct wbuf *w);

/*
 * Writes the IKE header and an SK (sk->total_frags == 0) or SKF header for
 * a sealed body of sealed_len bytes (IV .. ICV) that the caller writes next:
 * hdr.length and the payload length cover it. sk->inner_next, frag_num and
 * total_frags are used; body is ignored. *iv_off receives the IV's offset
 * from the message start (the w->len at entry). 0, -ENOBUFS, -EINVAL.
 */
MUST_CHECK int ike_msg_gen_sk_hdr(const struct ike_hdr *hdr, const struct ike_pld_sk *sk,
				  size_t sealed_len, struct wbuf *w, size_t *iv_off);

/* true for SK and SKF */
bool ike_pld_is_sk(uint8_t type);

#endif
