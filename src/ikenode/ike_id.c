/*
 * IKEv2 identities: strongSwan's identity strings, ID payload bodies,
 * printing, equality and matching (see ike_id.h). DNs are read by a small
 * strict DER reader over struct rbuf, so that a peer's ID_DER_ASN1_DN is
 * checked the same way wherever it is used.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "ikenode/ike_id.h"
#include "ikenode/ike_names.h"

/* ASN.1 universal tags used here */
#define ASN1_OID 0x06
#define ASN1_UTF8 0x0c
#define ASN1_PRINTABLE 0x13
#define ASN1_T61 0x14
#define ASN1_IA5 0x16
#define ASN1_VISIBLE 0x1a
#define ASN1_SEQUENCE 0x30
#define ASN1_SET 0x31

/* strongSwan's atodn() limit */
#define DN_MAX_RDNS 20

/* RDN attribute names: strongSwan's x501rdns[] and, for printing, its OID names. */
struct rdn_name {
	const char *name;
	uint8_t oid[10];
	uint8_t oid_len;
	uint8_t tag; /* string type when parsed */
	bool parse; /* accepted in DN strings (all but print-only names) */
};

#define X520(n) { 0x55, 0x04, (n) }, 3
#define PKCS9(n) { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, (n) }, 9
#define PILOT(n) { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, (n) }, 10

/* The first entry of an OID is its printed name. */
static const struct rdn_name rdn_names[] = {
	{ "ND", { 0x02, 0x82, 0x06, 0x01, 0x0a, 0x07, 0x14 }, 7, ASN1_PRINTABLE, true },
	{ "UID", PILOT(0x01), ASN1_PRINTABLE, true },
	{ "DC", PILOT(0x19), ASN1_PRINTABLE, true },
	{ "CN", X520(0x03), ASN1_PRINTABLE, true },
	{ "SN", X520(0x04), ASN1_PRINTABLE, true },
	{ "serialNumber", X520(0x05), ASN1_PRINTABLE, true },
	{ "C", X520(0x06), ASN1_PRINTABLE, true },
	{ "L", X520(0x07), ASN1_PRINTABLE, true },
	{ "ST", X520(0x08), ASN1_PRINTABLE, true },
	{ "STREET", X520(0x09), ASN1_PRINTABLE, true },
	{ "O", X520(0x0a), ASN1_PRINTABLE, true },
	{ "OU", X520(0x0b), ASN1_PRINTABLE, true },
	{ "organizationIdentifier", X520(0x61), ASN1_PRINTABLE, true },
	{ "T", X520(0x0c), ASN1_PRINTABLE, true },
	{ "D", X520(0x0d), ASN1_PRINTABLE, true },
	{ "postalAddress", X520(0x10), ASN1_PRINTABLE, true },
	{ "postalCode", X520(0x11), ASN1_PRINTABLE, true },
	{ "N", X520(0x29), ASN1_PRINTABLE, true },
	{ "G", X520(0x2a), ASN1_PRINTABLE, true },
	{ "I", X520(0x2b), ASN1_PRINTABLE, true },
	{ "dnQualifier", X520(0x2e), ASN1_PRINTABLE, true },
	{ "dmdName", X520(0x36), ASN1_PRINTABLE, true },
	{ "pseudonym", X520(0x41), ASN1_PRINTABLE, true },
	{ "role", X520(0x48), ASN1_PRINTABLE, false },
	{ "ID", X520(0x2d), ASN1_PRINTABLE, true },
	{ "employeeNumber",
	  { 0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x03, 0x01, 0x03 },
	  10,
	  ASN1_PRINTABLE,
	  true },
	{ "EN",
	  { 0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x03, 0x01, 0x03 },
	  10,
	  ASN1_PRINTABLE,
	  true },
	{ "E", PKCS9(0x01), ASN1_IA5, true },
	{ "Email", PKCS9(0x01), ASN1_IA5, true },
	{ "emailAddress", PKCS9(0x01), ASN1_IA5, true },
	{ "unstructuredName", PKCS9(0x02), ASN1_IA5, true },
	{ "UN", PKCS9(0x02), ASN1_IA5, true },
	{ "unstructuredAddress", PKCS9(0x08), ASN1_PRINTABLE, true },
	{ "UA", PKCS9(0x08), ASN1_PRINTABLE, true },
};

static const struct rdn_name *rdn_by_name(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(rdn_names); i++) {
		if (rdn_names[i].parse && strlen(rdn_names[i].name) == len &&
		    strncasecmp(rdn_names[i].name, s, len) == 0)
			return &rdn_names[i];
	}
	return NULL;
}

static const struct rdn_name *rdn_by_oid(const uint8_t *oid, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(rdn_names); i++) {
		if (rdn_names[i].oid_len == len && memcmp(rdn_names[i].oid, oid, len) == 0)
			return &rdn_names[i];
	}
	return NULL;
}

/* ---- strict DER reading ------------------------------------------------ */

/* One TLV with a low tag number and a minimal definite length. */
static int der_get(struct rbuf *r, uint8_t *tag, struct rbuf *content)
{
	uint8_t t, l;
	size_t len = 0;

	TRY(rbuf_get_u8(r, &t));
	if ((t & 0x1f) == 0x1f)
		return -EBADMSG;
	TRY(rbuf_get_u8(r, &l));
	if (l < 0x80) {
		len = l;
	} else {
		size_t n = l & 0x7f;

		if (n == 0 || n > 3)
			return -EBADMSG;
		for (size_t i = 0; i < n; i++) {
			uint8_t b;

			TRY(rbuf_get_u8(r, &b));
			if (i == 0 && b == 0)
				return -EBADMSG;
			len = len << 8 | b;
		}
		if (len < 0x80)
			return -EBADMSG;
	}
	*tag = t;
	return rbuf_sub(r, content, len);
}

/* One AttributeTypeAndValue of a Name, RDN sets flattened (as strongSwan does). */
struct dn_ava {
	const uint8_t *oid;
	size_t oid_len;
	uint8_t tag;
	const uint8_t *val;
	size_t val_len;
};

struct dn_iter {
	struct rbuf sets; /* the Name's remaining SETs */
	struct rbuf set; /* the current SET's remaining AVAs */
};

static int dn_iter_init(struct dn_iter *it, const uint8_t *data, size_t len)
{
	struct rbuf r = rbuf_init(data, len);
	uint8_t tag;

	TRY(der_get(&r, &tag, &it->sets));
	if (tag != ASN1_SEQUENCE || rbuf_left(&r))
		return -EBADMSG;
	it->set = rbuf_init(NULL, 0);
	return 0;
}

/* 1 with the next AVA, 0 at the end, -EBADMSG on malformed DER. */
static int dn_next(struct dn_iter *it, struct dn_ava *ava)
{
	struct rbuf seq, oid, val;
	uint8_t tag;

	if (!rbuf_left(&it->set)) {
		if (!rbuf_left(&it->sets))
			return 0;
		TRY(der_get(&it->sets, &tag, &it->set));
		if (tag != ASN1_SET || !rbuf_left(&it->set))
			return -EBADMSG;
	}
	TRY(der_get(&it->set, &tag, &seq));
	if (tag != ASN1_SEQUENCE)
		return -EBADMSG;
	TRY(der_get(&seq, &tag, &oid));
	if (tag != ASN1_OID || !rbuf_left(&oid))
		return -EBADMSG;
	TRY(der_get(&seq, &ava->tag, &val));
	if (rbuf_left(&seq))
		return -EBADMSG;
	ava->oid = oid.ptr;
	ava->oid_len = oid.len;
	ava->val = val.ptr;
	ava->val_len = val.len;
	return 1;
}

/* A Name with at least one RDN and nothing after it (strongSwan's is_valid_dn). */
static bool dn_is_valid(const uint8_t *data, size_t len)
{
	struct dn_iter it;
	struct dn_ava ava;
	size_t n = 0;
	int rc;

	if (dn_iter_init(&it, data, len))
		return false;
	while ((rc = dn_next(&it, &ava)) == 1)
		n++;
	return rc == 0 && n > 0;
}

/* ---- canonical values -------------------------------------------------- */

static bool is_canon_type(uint8_t tag)
{
	return tag == ASN1_UTF8 || tag == ASN1_PRINTABLE || tag == ASN1_T61 || tag == ASN1_IA5 ||
	       tag == ASN1_VISIBLE;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* A cursor yielding a value's canonical characters: trimmed, runs of white space as one ' '. */
struct canon {
	const uint8_t *p, *end;
};

static struct canon canon_init(const uint8_t *p, size_t len)
{
	struct canon c = { p, p + len };

	while (c.p < c.end && is_space(*c.p))
		c.p++;
	while (c.end > c.p && is_space(c.end[-1]))
		c.end--;
	return c;
}

/* next canonical character, or -1 at the end */
static int canon_next(struct canon *c)
{
	uint8_t ch;

	if (c->p >= c->end)
		return -1;
	ch = *c->p++;
	if (is_space(ch)) {
		while (c->p < c->end && is_space(*c->p))
			c->p++;
		return ' ';
	}
	return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

static bool value_equal(const struct dn_ava *a, const struct dn_ava *b)
{
	struct canon ca, cb;
	int x, y;

	if (!is_canon_type(a->tag) || !is_canon_type(b->tag))
		return a->tag == b->tag && a->val_len == b->val_len &&
		       memcmp(a->val, b->val, a->val_len) == 0;
	ca = canon_init(a->val, a->val_len);
	cb = canon_init(b->val, b->val_len);
	do {
		x = canon_next(&ca);
		y = canon_next(&cb);
		if (x != y)
			return false;
	} while (x >= 0);
	return true;
}

/*
 * Compares DN t against DN o, RDN by RDN; with wc, a "*" value in o matches any
 * value and is counted. false also when either is malformed.
 */
static bool dn_compare(const struct ike_id *t, const struct ike_id *o, int *wc)
{
	struct dn_iter ti, oi;
	struct dn_ava ta, oa;
	int tr, orc;

	if (dn_iter_init(&ti, t->data, t->len) || dn_iter_init(&oi, o->data, o->len))
		return false;
	for (;;) {
		tr = dn_next(&ti, &ta);
		orc = dn_next(&oi, &oa);
		if (tr < 0 || orc < 0 || tr != orc)
			return false;
		if (tr == 0)
			return true;
		if (ta.oid_len != oa.oid_len || memcmp(ta.oid, oa.oid, ta.oid_len) != 0)
			return false;
		if (wc && oa.val_len == 1 && oa.val[0] == '*')
			(*wc)++;
		else if (!value_equal(&ta, &oa))
			return false;
	}
}

/* ---- building a DN from a string (strongSwan's atodn) ------------------- */

struct dn_part {
	const struct rdn_name *rdn;
	const char *val;
	size_t len;
	uint8_t tag;
};

static bool is_printablestring(const char *s, size_t len)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789 '()+,-./:=?";

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0' || !strchr(set, s[i]))
			return false;
	}
	return true;
}

static int dn_add_part(struct dn_part *parts, size_t *n, const struct rdn_name *rdn,
		       const char *val, size_t len)
{
	if (*n >= DN_MAX_RDNS)
		return -EINVAL;
	parts[*n] = (struct dn_part){ .rdn = rdn, .val = val, .len = len, .tag = rdn->tag };
	if (rdn->tag == ASN1_PRINTABLE && !is_printablestring(val, len))
		parts[*n].tag = ASN1_UTF8;
	(*n)++;
	return 0;
}

/* The state machine of strongSwan's atodn(), minus its quirk of accepting unknown names. */
static int dn_parse_str(const char *src, struct dn_part *parts, size_t *n)
{
	enum { SEARCH_OID, READ_OID, SEARCH_NAME, READ_NAME } state = SEARCH_OID;
	const struct rdn_name *rdn = NULL;
	const char *oid = NULL, *name = NULL;
	size_t oid_len = 0, name_len = 0, ws = 0;
	char sep = '\0';

	*n = 0;
	do {
		switch (state) {
		case SEARCH_OID:
			if (!sep && *src == '/') {
				sep = '/';
				break;
			}
			if (*src != ' ' && *src != '\0') {
				if (!sep)
					sep = ',';
				oid = src;
				oid_len = 1;
				state = READ_OID;
			}
			break;
		case READ_OID:
			if (*src != ' ' && *src != '=' && *src != '\0') {
				oid_len++;
				break;
			}
			if (*src == '\0')
				return -EINVAL; /* unterminated attribute name */
			rdn = rdn_by_name(oid, oid_len);
			if (!rdn)
				return -EINVAL;
			state = SEARCH_NAME;
			break;
		case SEARCH_NAME:
			if (*src == ' ' || *src == '=')
				break;
			if (*src != sep && *src != '\0') {
				name = src;
				name_len = 1;
				ws = 0;
				state = READ_NAME;
				break;
			}
			name = src;
			name_len = 0;
			ws = 0;
			state = READ_NAME;
			/* fall through */
		case READ_NAME:
			if (*src != sep && *src != '\0') {
				name_len++;
				ws = *src == ' ' ? ws + 1 : 0;
				break;
			}
			TRY(dn_add_part(parts, n, rdn, name, name_len - ws));
			state = SEARCH_OID;
			break;
		}
	} while (*src++ != '\0');
	return *n ? 0 : -EINVAL;
}

static size_t der_len_size(size_t len)
{
	return len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 4;
}

static size_t der_tlv_size(size_t len)
{
	return 1 + der_len_size(len) + len;
}

static uint8_t *der_put_hdr(uint8_t *p, uint8_t tag, size_t len)
{
	size_t n = der_len_size(len);

	*p++ = tag;
	if (n == 1) {
		*p++ = (uint8_t)len;
	} else {
		*p++ = (uint8_t)(0x80 | (n - 1));
		for (size_t i = n - 1; i > 0; i--)
			*p++ = (uint8_t)(len >> (8 * (i - 1)));
	}
	return p;
}

static int dn_from_str(const char *s, struct ike_id *out)
{
	struct dn_part parts[DN_MAX_RDNS];
	size_t n, total = 0, sz;
	uint8_t *p;

	TRY(dn_parse_str(s, parts, &n));
	for (size_t i = 0; i < n; i++) {
		size_t ava = der_tlv_size(parts[i].rdn->oid_len) + der_tlv_size(parts[i].len);

		total += der_tlv_size(der_tlv_size(ava));
	}
	sz = der_tlv_size(total);
	out->data = malloc(sz);
	if (!out->data)
		return -ENOMEM;
	p = der_put_hdr(out->data, ASN1_SEQUENCE, total);
	for (size_t i = 0; i < n; i++) {
		const struct dn_part *d = &parts[i];
		size_t ava = der_tlv_size(d->rdn->oid_len) + der_tlv_size(d->len);

		p = der_put_hdr(p, ASN1_SET, der_tlv_size(ava));
		p = der_put_hdr(p, ASN1_SEQUENCE, ava);
		p = der_put_hdr(p, ASN1_OID, d->rdn->oid_len);
		memcpy(p, d->rdn->oid, d->rdn->oid_len);
		p += d->rdn->oid_len;
		p = der_put_hdr(p, d->tag, d->len);
		if (d->len)
			memcpy(p, d->val, d->len);
		p += d->len;
	}
	out->type = IKE_ID_DER_ASN1_DN;
	out->len = sz;
	return 0;
}

/* ---- strings ------------------------------------------------------------ */

static int set_bytes(struct ike_id *out, uint8_t type, const void *data, size_t len)
{
	out->data = NULL;
	if (len) {
		out->data = malloc(len);
		if (!out->data)
			return -ENOMEM;
		memcpy(out->data, data, len);
	}
	out->type = type;
	out->len = len;
	return 0;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* strongSwan's chunk_from_hex(): optional "0x", ':' separators, an odd count gets a leading 0. */
static int set_hex(struct ike_id *out, uint8_t type, const char *hex)
{
	size_t digits = 0, len, i;
	uint8_t *buf;

	if (hex[0] == '0' && hex[1] == 'x')
		hex += 2;
	for (const char *c = hex; *c; c++) {
		if (*c == ':')
			continue;
		if (hex_val(*c) < 0)
			return -EINVAL;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	len = (digits + 1) / 2;
	buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	i = digits % 2; /* nibble index: an odd count starts in the low nibble */
	for (const char *c = hex; *c; c++) {
		if (*c == ':')
			continue;
		buf[i / 2] |= (uint8_t)(hex_val(*c) << (i % 2 ? 0 : 4));
		i++;
	}
	out->type = type;
	out->data = buf;
	out->len = len;
	return 0;
}

static bool is_any_str(const char *s)
{
	static const char *const any[] = { "", "%any", "%any6", "0.0.0.0", "*", "::", "0::0" };

	for (size_t i = 0; i < ARRAY_SIZE(any); i++) {
		if (strcmp(s, any[i]) == 0)
			return true;
	}
	return false;
}

/*
 * An address literal into *out (*is_addr set); -EINVAL for a subnet or range
 * strongSwan would accept (unsupported here); 0 with *is_addr false when s is no
 * address at all.
 */
static int addr_from_str(const char *s, int af, struct ike_id *out, bool *is_addr)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	uint8_t a[16], b[16];
	const char *cut = strchr(s, '/');
	size_t alen = af == AF_INET ? 4 : 16;

	*is_addr = false;
	if (!cut)
		cut = strchr(s, '-');
	if (!cut) {
		if (inet_pton(af, s, a) != 1)
			return 0;
		*is_addr = true;
		return set_bytes(out, af == AF_INET ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR, a, alen);
	}
	if ((size_t)(cut - s) >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, (size_t)(cut - s));
	tmp[cut - s] = '\0';
	if (inet_pton(af, tmp, a) != 1)
		return 0;
	if (*cut == '-' && inet_pton(af, cut + 1, b) != 1)
		return 0;
	return -EINVAL; /* a subnet or range: strongSwan's ID_IPV*_ADDR_SUBNET/RANGE */
}

static bool is_ikev2_type(unsigned int t)
{
	switch (t) {
	case IKE_ID_IPV4_ADDR:
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR:
	case IKE_ID_IPV6_ADDR:
	case IKE_ID_DER_ASN1_DN:
	case IKE_ID_DER_ASN1_GN:
	case IKE_ID_KEY_ID:
	case IKE_ID_FC_NAME:
	case IKE_ID_NULL:
		return true;
	default:
		return false;
	}
}

enum prefix_kind { PFX_RAW, PFX_ADDR, PFX_DN, PFX_UNSUPPORTED };

static const struct id_prefix {
	const char *str;
	uint8_t type;
	enum prefix_kind kind;
} id_prefixes[] = {
	{ "ipv4:", IKE_ID_IPV4_ADDR, PFX_ADDR },
	{ "ipv6:", IKE_ID_IPV6_ADDR, PFX_ADDR },
	{ "ipv4net:", 0, PFX_UNSUPPORTED },
	{ "ipv6net:", 0, PFX_UNSUPPORTED },
	{ "ipv4range:", 0, PFX_UNSUPPORTED },
	{ "ipv6range:", 0, PFX_UNSUPPORTED },
	{ "rfc822:", IKE_ID_RFC822_ADDR, PFX_RAW },
	{ "email:", IKE_ID_RFC822_ADDR, PFX_RAW },
	{ "userfqdn:", IKE_ID_RFC822_ADDR, PFX_RAW },
	{ "fqdn:", IKE_ID_FQDN, PFX_RAW },
	{ "dns:", IKE_ID_FQDN, PFX_RAW },
	{ "asn1dn:", IKE_ID_DER_ASN1_DN, PFX_DN },
	{ "asn1gn:", IKE_ID_DER_ASN1_GN, PFX_RAW },
	{ "xmppaddr:", 0, PFX_UNSUPPORTED },
	{ "keyid:", IKE_ID_KEY_ID, PFX_RAW },
	{ "uri:", 0, PFX_UNSUPPORTED },
};

/* A value given as "#hex" or as raw text for a known type, checked like a payload. */
static int typed_value(uint8_t type, const char *v, struct ike_id *out)
{
	struct ike_id raw = { 0 };
	int rc;

	if (*v == '#')
		rc = set_hex(&raw, type, v + 1);
	else
		rc = set_bytes(&raw, type, v, strlen(v));
	if (rc)
		return rc;
	rc = ike_id_from_pld(type, raw.data, raw.len, out);
	ike_id_free(&raw);
	return rc == -EBADMSG ? -EINVAL : rc;
}

static int from_prefix(const struct id_prefix *p, const char *v, struct ike_id *out)
{
	bool is_addr;
	int rc;

	switch (p->kind) {
	case PFX_UNSUPPORTED:
		return -EINVAL;
	case PFX_ADDR:
		if (*v == '#')
			return typed_value(p->type, v, out);
		rc = addr_from_str(v, p->type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6, out,
				   &is_addr);
		return rc ? rc : is_addr ? 0 : -EINVAL;
	case PFX_DN:
		if (*v == '#')
			return typed_value(p->type, v, out);
		return dn_from_str(v, out);
	case PFX_RAW:
	default:
		return typed_value(p->type, v, out);
	}
}

/* strongSwan's "{N}:value" */
static int from_num_prefix(const char *s, struct ike_id *out, bool *matched)
{
	char *end;
	unsigned long t;

	*matched = false;
	if (*s != '{' || !isdigit((unsigned char)s[1]))
		return 0;
	errno = 0;
	t = strtoul(s + 1, &end, 0);
	if (errno || end[0] != '}' || end[1] != ':')
		return 0;
	*matched = true;
	if (t == IKE_ID_ANY)
		return 0; /* out stays the empty ID_ANY */
	if (!is_ikev2_type((unsigned int)t))
		return -EINVAL;
	return typed_value((uint8_t)t, end + 2, out);
}

static int id_from_str(const char *s, struct ike_id *out)
{
	bool matched, is_addr;
	int rc;

	for (size_t i = 0; i < ARRAY_SIZE(id_prefixes); i++) {
		size_t n = strlen(id_prefixes[i].str);

		if (strncasecmp(s, id_prefixes[i].str, n) == 0)
			return from_prefix(&id_prefixes[i], s + n, out);
	}
	rc = from_num_prefix(s, out, &matched);
	if (matched || rc)
		return rc;
	if (strchr(s, '='))
		return dn_from_str(s, out);
	if (!strchr(s, '@')) {
		if (is_any_str(s))
			return 0;
		if (!strchr(s, ':')) {
			rc = addr_from_str(s, AF_INET, out, &is_addr);
			if (rc || is_addr)
				return rc;
			return set_bytes(out, IKE_ID_FQDN, s, strlen(s));
		}
		rc = addr_from_str(s, AF_INET6, out, &is_addr);
		if (rc || is_addr)
			return rc;
		return set_bytes(out, IKE_ID_KEY_ID, s, strlen(s));
	}
	if (s[0] != '@')
		return set_bytes(out, IKE_ID_RFC822_ADDR, s, strlen(s));
	if (s[1] == '#')
		return set_hex(out, IKE_ID_KEY_ID, s + 2);
	if (!s[1] || (s[1] == '@' && !s[2]))
		return -EINVAL; /* an empty name */
	if (s[1] == '@')
		return set_bytes(out, IKE_ID_RFC822_ADDR, s + 2, strlen(s + 2));
	return set_bytes(out, IKE_ID_FQDN, s + 1, strlen(s + 1));
}

int ike_id_from_str(const char *s, struct ike_id *out)
{
	int rc;

	if (!s || !out)
		return -EINVAL;
	*out = (struct ike_id){ 0 };
	rc = id_from_str(s, out);
	if (rc)
		ike_id_free(out);
	return rc;
}

int ike_id_from_pld(uint8_t type, const uint8_t *data, size_t len, struct ike_id *out)
{
	if (!out || (len && !data))
		return -EINVAL;
	*out = (struct ike_id){ 0 };
	if (!is_ikev2_type(type))
		return -EBADMSG;
	switch (type) {
	case IKE_ID_IPV4_ADDR:
		if (len != 4)
			return -EBADMSG;
		break;
	case IKE_ID_IPV6_ADDR:
		if (len != 16)
			return -EBADMSG;
		break;
	case IKE_ID_DER_ASN1_DN:
		if (!dn_is_valid(data, len))
			return -EBADMSG;
		break;
	case IKE_ID_NULL:
		break;
	default:
		if (!len)
			return -EBADMSG;
		break;
	}
	return set_bytes(out, type, data, len);
}

/* ---- printing ----------------------------------------------------------- */

struct out {
	char *buf;
	size_t cap, len;
	bool trunc;
};

static void out_ch(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len++] = c;
	else
		o->trunc = true;
}

static void out_str(struct out *o, const char *s)
{
	while (*s)
		out_ch(o, *s++);
}

/* peer bytes: anything but printable ASCII becomes '?' (strongSwan's chunk_printable) */
static void out_printable(struct out *o, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out_ch(o, (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?');
}

static void out_hex(struct out *o, const uint8_t *p, size_t len, bool colons)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		if (colons && i)
			out_ch(o, ':');
		out_ch(o, digits[p[i] >> 4]);
		out_ch(o, digits[p[i] & 0xf]);
	}
}

static void print_dn(struct out *o, const struct ike_id *id)
{
	struct dn_iter it;
	struct dn_ava ava;
	bool first = true;
	int rc;

	if (!dn_is_valid(id->data, id->len) || dn_iter_init(&it, id->data, id->len)) {
		out_str(o, "(invalid ID_DER_ASN1_DN)");
		return;
	}
	while ((rc = dn_next(&it, &ava)) == 1) {
		const struct rdn_name *rdn = rdn_by_oid(ava.oid, ava.oid_len);

		if (!first)
			out_str(o, ", ");
		first = false;
		if (rdn)
			out_str(o, rdn->name);
		else
			out_hex(o, ava.oid, ava.oid_len, true);
		out_ch(o, '=');
		out_printable(o, ava.val, ava.val_len);
	}
}

static bool all_printable(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return false;
	}
	return true;
}

int ike_id_to_str(const struct ike_id *id, char *buf, size_t len)
{
	struct out o = { .buf = buf, .cap = len };
	char addr[INET6_ADDRSTRLEN];
	char num[48];

	if (!id || !buf || !len)
		return -EINVAL;
	switch (id->type) {
	case IKE_ID_ANY:
		out_str(&o, "%any");
		break;
	case IKE_ID_IPV4_ADDR:
		if (id->len != 4 || !inet_ntop(AF_INET, id->data, addr, sizeof(addr)))
			out_str(&o, "(invalid ID_IPV4_ADDR)");
		else
			out_str(&o, addr);
		break;
	case IKE_ID_IPV6_ADDR:
		if (id->len != 16 || !inet_ntop(AF_INET6, id->data, addr, sizeof(addr)))
			out_str(&o, "(invalid ID_IPV6_ADDR)");
		else
			out_str(&o, addr);
		break;
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR:
		out_printable(&o, id->data, id->len);
		break;
	case IKE_ID_DER_ASN1_DN:
		print_dn(&o, id);
		break;
	case IKE_ID_DER_ASN1_GN:
		out_str(&o, "(ASN.1 general name)");
		break;
	case IKE_ID_KEY_ID:
		if (id->len != 20 && all_printable(id->data, id->len)) {
			out_printable(&o, id->data, id->len);
		} else {
			out_str(&o, "@#");
			out_hex(&o, id->data, id->len, false);
		}
		break;
	default:
		snprintf(num, sizeof(num), "(unknown ID type: %u)", id->type);
		out_str(&o, num);
		break;
	}
	buf[o.len] = '\0';
	return o.trunc ? -ENOBUFS : 0;
}

/* ---- lifecycle, comparison ---------------------------------------------- */

int ike_id_copy(struct ike_id *dst, const struct ike_id *src)
{
	if (!dst || !src || (src->len && !src->data))
		return -EINVAL;
	return set_bytes(dst, src->type, src->data, src->len);
}

void ike_id_free(struct ike_id *id)
{
	if (!id)
		return;
	free(id->data);
	*id = (struct ike_id){ 0 };
}

static bool names_equal(const struct ike_id *a, const struct ike_id *b)
{
	return a->len == b->len && !memchr(a->data, 0, a->len) && !memchr(b->data, 0, b->len) &&
	       strncasecmp((const char *)a->data, (const char *)b->data, a->len) == 0;
}

static bool bytes_equal(const struct ike_id *a, const struct ike_id *b)
{
	return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

bool ike_id_equal(const struct ike_id *a, const struct ike_id *b)
{
	if (!a || !b || a->type != b->type)
		return false;
	if ((a->len && !a->data) || (b->len && !b->data))
		return false;
	switch (a->type) {
	case IKE_ID_ANY:
		return true;
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR:
		return a->len && names_equal(a, b);
	case IKE_ID_DER_ASN1_DN:
		return bytes_equal(a, b) ? dn_is_valid(a->data, a->len) : dn_compare(a, b, NULL);
	default:
		return bytes_equal(a, b);
	}
}

enum ike_id_match ike_id_match(const struct ike_id *id, const struct ike_id *pattern)
{
	int wc = 0;

	if (!id || !pattern || (id->len && !id->data) || (pattern->len && !pattern->data))
		return IKE_ID_MATCH_NONE;
	if (pattern->type == IKE_ID_ANY)
		return IKE_ID_MATCH_ANY;
	if (id->type != pattern->type)
		return IKE_ID_MATCH_NONE;
	if (ike_id_equal(id, pattern))
		return IKE_ID_MATCH_PERFECT;
	switch (pattern->type) {
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR: {
		size_t n = pattern->len;

		if (!n || id->len < n || pattern->data[0] != '*')
			return IKE_ID_MATCH_NONE;
		if (n == 1)
			return IKE_ID_MATCH_ANY; /* not better than %any */
		n--;
		if (memchr(id->data, 0, id->len) || memchr(pattern->data + 1, 0, n))
			return IKE_ID_MATCH_NONE;
		return strncasecmp((const char *)id->data + id->len - n,
				   (const char *)pattern->data + 1, n) == 0
			       ? IKE_ID_MATCH_WILDCARD
			       : IKE_ID_MATCH_NONE;
	}
	case IKE_ID_DER_ASN1_DN:
		if (!dn_compare(id, pattern, &wc))
			return IKE_ID_MATCH_NONE;
		return wc ? IKE_ID_MATCH_WILDCARD : IKE_ID_MATCH_PERFECT;
	default:
		return IKE_ID_MATCH_NONE;
	}
}
