/*
 * The credential store: X.509 certificates, private keys, CA certificates and
 * CRLs loaded from a swanctl directory (as `swanctl --load-creds` does),
 * certificate chain verification with OpenSSL's X509_STORE, and the links
 * between certificates and IKE identities (ike_id.h).
 *
 * A store is filled once (cred_store_load_dir()) and then only read: every
 * const function may be called from any thread as long as nobody loads into
 * the same store. Certificates and keys handed out are borrowed from the
 * store, valid until cred_store_free(); use X509_up_ref()/EVP_PKEY_up_ref() to
 * keep one longer. Private keys never reach a log.
 */
#ifndef IKN_IKENODE_CRED_H
#define IKN_IKENODE_CRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>
#include <openssl/x509.h>

#include "common/defs.h"

struct ike_id;
struct cred_store;

/* A problem with one file: its path and what is wrong (both borrowed for the call). */
typedef void (*cred_problem_fn)(void *ctx, const char *file, const char *message);

/* A new, empty store into *out (owned; cred_store_free()). 0, -EINVAL, -ENOMEM. */
MUST_CHECK int cred_store_new(struct cred_store **out);

/* Releases the store and everything in it (keys are wiped by OpenSSL); accepts NULL. */
void cred_store_free(struct cred_store *cs);

/*
 * Loads a swanctl directory layout as strongSwan's swanctl --load-creds does:
 * x509/ (end-entity certs), x509ca/ (CA certs, trust anchors), x509crl/ (CRLs),
 * private/ (any private key, PEM or DER, PKCS#8 or traditional), rsa/ (RSA
 * keys), ecdsa/ (EC keys), pkcs8/ (PKCS#8 keys of any kind). Certificates and
 * CRLs may be PEM or DER (the first PEM object of a file is used). Only
 * regular files directly in those directories are read (not subdirectories),
 * in name order. Unencrypted keys only: an encrypted one is a problem reported
 * through cb, not a failure. Every unreadable/unparsable file (or a key of the
 * wrong kind for its directory) is reported through cb (may be NULL; ctx is
 * passed through) and skipped. Missing subdirectories are fine. Loading adds
 * to what the store holds; load into a new store to reload.
 * Returns 0, -EINVAL (NULL cs or swanctl_dir), -ENOENT (swanctl_dir missing or
 * not a directory), -ENOMEM.
 */
MUST_CHECK int cred_store_load_dir(struct cred_store *cs, const char *swanctl_dir,
				   cred_problem_fn cb, void *ctx);

/*
 * A certificate from x509/ (cred_store_cert) or x509ca/ (cred_store_cacert)
 * by the file name written in swanctl.conf `certs`/`cacerts`: relative to
 * x509/ resp. x509ca/, or an absolute path of a loaded file (symbolic links
 * resolved). Borrowed, valid until cred_store_free(). NULL if absent (or NULL
 * arguments).
 */
X509 *cred_store_cert(const struct cred_store *cs, const char *file);
X509 *cred_store_cacert(const struct cred_store *cs, const char *file);

/* The loaded private key whose public key equals cert's; borrowed; NULL if none. */
EVP_PKEY *cred_store_key_for(const struct cred_store *cs, X509 *cert);

/*
 * Verifies leaf (borrowed) with untrusted intermediates (borrowed, may be
 * NULL) up to a trust anchor with X509_STORE: the anchors are the given CA
 * certs (anchors[0..n_anchors), borrowed; e.g. a connection's `cacerts`) or
 * every x509ca/ certificate (n_anchors == 0). Any anchor ends a chain, also an
 * intermediate CA (X509_V_FLAG_PARTIAL_CHAIN, as strongSwan trusts every
 * loaded CA certificate); with explicit anchors, the other x509ca/
 * certificates help to build the path. CRLs from x509crl/ are checked for
 * every certificate in the chain whose issuer has one (X509_V_FLAG_CRL_CHECK
 * only then: a missing CRL is no failure, an expired one still revokes, as
 * strongSwan without strictcrlpolicy). A trust anchor is trusted as
 * configured: its own revocation is not checked. The current time is used.
 * On failure writes OpenSSL's reason, the depth and the subject into err
 * (err_len bytes, always terminated; err may be NULL).
 * Returns 0, -EACCES (not trusted / revoked / expired / no anchors), -EINVAL
 * (NULL cs or leaf, anchors NULL or holding NULL with n_anchors > 0), -ENOMEM.
 */
MUST_CHECK int cred_verify_chain(const struct cred_store *cs, X509 *leaf,
				 STACK_OF(X509) * untrusted, X509 *const *anchors, size_t n_anchors,
				 char *err, size_t err_len);

/*
 * true if the certificate (borrowed) vouches for id, as strongSwan's x509
 * has_subject() for an exact identity: the subject DN equals a DN id
 * (ike_id_equal), a subjectAltName equals the id — dNSName for FQDN,
 * rfc822Name (or a Microsoft UPN otherName) for RFC822_ADDR, iPAddress for
 * IPV4/IPV6_ADDR, directoryName for DN (names ignoring ASCII case) — or, for a
 * KEY_ID, the SHA-1 of the certificate, its subjectKeyIdentifier, or the SHA-1
 * of its SubjectPublicKeyInfo or of its public key. false for ID_ANY and NULL
 * arguments.
 */
bool cred_cert_matches_id(X509 *cert, const struct ike_id *id);

/* The subject DN of cert (borrowed) as an ike_id into *out (the default identity). 0, -EINVAL,
 * -ENOMEM. */
MUST_CHECK int cred_cert_subject_id(X509 *cert, struct ike_id *out);

/*
 * CERTREQ data (RFC 7296 §3.7): the SHA-1 hashes of the SubjectPublicKeyInfo
 * of every x509ca/ certificate, back to back in load order, malloc'd into *out
 * (caller frees; n * 20 bytes in *len; NULL and 0 when there are none).
 * Returns 0, -EINVAL, -ENOMEM.
 */
MUST_CHECK int cred_certreq_hashes(const struct cred_store *cs, uint8_t **out, size_t *len);

/*
 * A certificate from an IKE CERT payload: encoding 4 (X.509 signature), DER,
 * exactly one certificate filling data. *out is owned by the caller
 * (X509_free). Returns 0, -EINVAL (NULL arguments), -EBADMSG, -ENOTSUP (other
 * encodings), -ENOMEM.
 */
MUST_CHECK int cred_cert_from_pld(uint8_t encoding, const uint8_t *data, size_t len, X509 **out);

/* How many credentials a store holds (for `hactl` listings and tests). */
struct cred_store_counts {
	size_t certs, cacerts, crls, keys;
};
void cred_store_get_counts(const struct cred_store *cs, struct cred_store_counts *out);

#endif
