/*
 * IKEv2 identities (RFC 7296 §3.5, ID payloads): strongSwan's identity
 * strings (swanctl.conf `id`, `remote.id`, secrets' `id-*`), ID payload
 * bodies, printing as strongSwan prints them, equality and wildcard matching
 * as strongSwan's identification_t.
 *
 * struct ike_id is a documented value type (STYLE.md §2): it owns `data`
 * (malloc'd, NULL when len == 0). Copy it only with ike_id_copy(), release it
 * with ike_id_free(). A zeroed struct is the empty ID_ANY identity.
 *
 * Type 0 (IKE_ID_ANY here) is strongSwan's ID_ANY ("%any"): it only appears in
 * configuration, never on the wire. Address subnets and ranges (IKEv1 ID
 * types 4, 6, 7, 8) are not supported.
 *
 * DER_ASN1_DN data is a DER Name (SEQUENCE OF SET OF AttributeTypeAndValue).
 * DN strings are parsed like strongSwan's atodn(): "C=CH, O=strongSwan, CN=moon"
 * (or "/C=CH/O=strongSwan/CN=moon"), RDNs kept in the given order, attribute
 * names case-insensitive: ND UID DC CN SN serialNumber C L ST STREET O OU
 * organizationIdentifier T D postalAddress postalCode N G I dnQualifier dmdName
 * pseudonym ID EN employeeNumber E Email emailAddress UN unstructuredName UA
 * unstructuredAddress; values are PrintableString when every character is in
 * its set, else UTF8String, and IA5String for E/Email/emailAddress/UN/
 * unstructuredName. There is no escaping: a value cannot contain the separator.
 */
#ifndef IKN_IKENODE_IKE_ID_H
#define IKN_IKENODE_IKE_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/defs.h"

/* strongSwan's ID_ANY: %any; not an IANA type. */
#define IKE_ID_ANY 0

/* Enough for any identity ike_id_to_str() prints in logs. */
#define IKE_ID_STR_MAX 512

struct ike_id {
	uint8_t type; /* IKE_ID_* (ike_names.h) or IKE_ID_ANY */
	uint8_t *data; /* owned */
	size_t len;
};

/*
 * Parses an identity string by strongSwan's identification_create_from_string
 * rules into *out (which need not be initialised; on failure it is left
 * empty):
 *   "%any", "%any6", "", "*", "0.0.0.0", "::", "0::0"      -> ID_ANY
 *   IPv4 / IPv6 literal                                     -> IPV4_ADDR / IPV6_ADDR
 *   "@host"                                                 -> FQDN "host"
 *   "@@user@host"                                           -> RFC822_ADDR "user@host"
 *   "@#0a0b..." (hex, optional "0x" and ':')                -> KEY_ID bytes
 *   "user@host"                                             -> RFC822_ADDR
 *   anything containing '='                                 -> DER_ASN1_DN (see above)
 *   anything else with a ':'                                -> KEY_ID (the string's bytes)
 *   otherwise                                               -> FQDN
 * Explicit prefixes (case-insensitive), each followed by the value or by
 * "#hex" for raw bytes: "fqdn:"/"dns:", "email:"/"rfc822:"/"userfqdn:",
 * "ipv4:", "ipv6:" (an address literal or #hex of 4/16 bytes), "asn1dn:" (a DN
 * string or #hex of a DER Name), "asn1gn:", "keyid:", and strongSwan's
 * numeric "{N}:" form.
 * Differences to strongSwan, all on input strongSwan turns into identities
 * that can never match: a '=' string that is no valid DN (an unknown attribute
 * name, more than 20 RDNs) is -EINVAL instead of a KEY_ID; bad hex, subnets and
 * ranges are -EINVAL.
 * Returns 0, -EINVAL (NULL arguments, bad syntax), -ENOMEM.
 */
MUST_CHECK int ike_id_from_str(const char *s, struct ike_id *out);

/*
 * From an ID payload: type and identification data as received (copied).
 * Checks the type is an IKEv2 one (1, 2, 3, 5, 9, 10, 11, 12, 13), address
 * lengths (4 resp. 16), that a DN is one valid DER Name with nothing after it,
 * and that data is not empty (except ID_NULL). *out need not be initialised;
 * on failure it is left empty. Returns 0, -EINVAL (NULL arguments), -EBADMSG,
 * -ENOMEM.
 */
MUST_CHECK int ike_id_from_pld(uint8_t type, const uint8_t *data, size_t len, struct ike_id *out);

/*
 * Prints id as strongSwan prints it: "%any", "192.168.0.1", "fec0::1",
 * "moon.strongswan.org", "carol@strongswan.org", "C=CH, O=strongSwan Project,
 * CN=moon.strongswan.org" (attribute names as strongSwan's OID table, unknown
 * ones as the OID's hex bytes "55:04:48"), "(ASN.1 general name)". A KEY_ID
 * prints as its characters when printable and not 20 bytes long (strongSwan),
 * else as "@#0a0b..." (hex, re-parsable by ike_id_from_str()). Every byte that
 * is not printable ASCII becomes '?', as in strongSwan (peer bytes never reach
 * a log raw). Malformed data prints as "(invalid ID_...)".
 * buf is always terminated (when len > 0). Returns 0, -ENOBUFS (truncated),
 * -EINVAL (NULL id or buf, len 0).
 */
int ike_id_to_str(const struct ike_id *id, char *buf, size_t len);

/* Deep copy; *dst need not be initialised (it is overwritten, not freed). 0, -EINVAL, -ENOMEM. */
MUST_CHECK int ike_id_copy(struct ike_id *dst, const struct ike_id *src);

/* Releases id's data; accepts NULL; leaves it the empty ID_ANY identity. */
void ike_id_free(struct ike_id *id);

/*
 * Equality: same type and, for FQDN/RFC822_ADDR, the same name ignoring ASCII
 * case (no NUL bytes, as strongSwan); for DER_ASN1_DN the same attribute types
 * in the same order with values equal after canonicalisation (RFC 4518-ish,
 * as OpenSSL's X509_NAME_cmp: leading/trailing white space dropped, inner runs
 * folded to one space, ASCII case ignored, for PrintableString, UTF8String,
 * IA5String, VisibleString, TeletexString; other string types byte for byte);
 * otherwise the same bytes. Two ID_ANY are equal. NULL equals nothing.
 */
bool ike_id_equal(const struct ike_id *a, const struct ike_id *b);

/* How well an identity matches a configured pattern (strongSwan's id_match_t, collapsed). */
enum ike_id_match {
	IKE_ID_MATCH_NONE = 0,
	IKE_ID_MATCH_ANY = 1,
	IKE_ID_MATCH_WILDCARD = 2,
	IKE_ID_MATCH_PERFECT = 3
};

/*
 * How well id matches pattern, as strongSwan's identification_t.matches():
 * pattern ID_ANY -> ANY; equal (ike_id_equal) -> PERFECT; FQDN/RFC822_ADDR
 * pattern "*" -> ANY, "*suffix" where id ends in suffix (ASCII case ignored)
 * -> WILDCARD ("*.strongswan.org", "*@strongswan.org"); a DN pattern with the
 * same RDN types in the same order, where every value is equal or "*" -> WILDCARD
 * if any was "*" ("C=CH, O=strongSwan, CN=*"); otherwise NONE (also for
 * different types and NULL arguments).
 */
enum ike_id_match ike_id_match(const struct ike_id *id, const struct ike_id *pattern);

#endif
