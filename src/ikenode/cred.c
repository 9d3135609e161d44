/*
 * The credential store (see cred.h): swanctl's credential directories read
 * with OpenSSL's PEM/DER readers and OSSL_DECODER, chains verified with
 * X509_STORE, certificates tied to IKE identities.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ikenode/cred.h"
#include "ikenode/ike_id.h"
#include "ikenode/ike_names.h"

/* No credential file is this large; larger ones are reported, not read. */
#define CRED_FILE_MAX (1024 * 1024)

struct cred_cert {
	char *name; /* as in the directory (relative to x509/ or x509ca/) */
	char *path; /* absolute, symbolic links resolved */
	X509 *x;
};

struct cert_list {
	struct cred_cert *v;
	size_t n, cap;
};

struct cred_store {
	struct cert_list certs, cacerts;
	X509_CRL **crls;
	size_t n_crls, cap_crls;
	EVP_PKEY **keys;
	size_t n_keys, cap_keys;
};

enum cred_kind { K_CERT, K_CACERT, K_CRL, K_KEY_ANY, K_KEY_RSA, K_KEY_EC, K_KEY_PKCS8 };

static const struct cred_dir {
	const char *name;
	enum cred_kind kind;
} cred_dirs[] = {
	{ "x509", K_CERT },	  { "x509ca", K_CACERT }, { "x509crl", K_CRL },
	{ "private", K_KEY_ANY }, { "rsa", K_KEY_RSA },	  { "ecdsa", K_KEY_EC },
	{ "pkcs8", K_KEY_PKCS8 },
};

/* Makes room for one more element of size sz in *v (n used of *cap). */
static int grow(void **v, size_t n, size_t *cap, size_t sz)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 8;
	p = realloc(*v, c * sz);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

int cred_store_new(struct cred_store **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void cert_list_free(struct cert_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
		X509_free(l->v[i].x);
	}
	free(l->v);
}

void cred_store_free(struct cred_store *cs)
{
	if (!cs)
		return;
	cert_list_free(&cs->certs);
	cert_list_free(&cs->cacerts);
	for (size_t i = 0; i < cs->n_crls; i++)
		X509_CRL_free(cs->crls[i]);
	free(cs->crls);
	for (size_t i = 0; i < cs->n_keys; i++)
		EVP_PKEY_free(cs->keys[i]);
	free(cs->keys);
	free(cs);
}

/* ---- loading ------------------------------------------------------------ */

static void problem(cred_problem_fn cb, void *ctx, const char *file, const char *msg)
{
	if (cb)
		cb(ctx, file, msg);
}

/* Reads a whole regular file; -EFBIG when larger than CRED_FILE_MAX, else -errno. */
static int read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0;
	int rc = 0;

	if (!f)
		return -errno;
	buf = malloc(CRED_FILE_MAX + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	n = fread(buf, 1, CRED_FILE_MAX + 1, f);
	if (ferror(f))
		rc = -EIO;
	else if (n > CRED_FILE_MAX)
		rc = -EFBIG;
out:
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return 0;
}

static bool is_pem(const uint8_t *data, size_t len)
{
	static const char tag[] = "-----BEGIN ";

	for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++) {
		if (memcmp(data + i, tag, sizeof(tag) - 1) == 0)
			return true;
	}
	return false;
}

static X509 *parse_cert(const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	X509 *x = NULL;

	if (is_pem(data, len)) {
		BIO *b = BIO_new_mem_buf(data, (int)len);

		if (b)
			x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	} else {
		x = d2i_X509(NULL, &p, (long)len);
		if (x && p != data + len) {
			X509_free(x);
			x = NULL;
		}
	}
	return x;
}

static X509_CRL *parse_crl(const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	X509_CRL *c = NULL;

	if (is_pem(data, len)) {
		BIO *b = BIO_new_mem_buf(data, (int)len);

		if (b)
			c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
		BIO_free(b);
	} else {
		c = d2i_X509_CRL(NULL, &p, (long)len);
		if (c && p != data + len) {
			X509_CRL_free(c);
			c = NULL;
		}
	}
	return c;
}

/* Never supplies a passphrase; notes that one was asked for. */
static int no_passphrase(char *pass, size_t pass_size, size_t *pass_len, const OSSL_PARAM params[],
			 void *arg)
{
	UNUSED(pass);
	UNUSED(pass_size);
	UNUSED(pass_len);
	UNUSED(params);
	*(bool *)arg = true;
	return 0;
}

/* A private key (PEM or DER, PKCS#8 when pkcs8, else also traditional); *encrypted when it is. */
static EVP_PKEY *parse_key(const uint8_t *data, size_t len, bool pkcs8, bool *encrypted)
{
	const unsigned char *p = data;
	size_t left = len;
	EVP_PKEY *pkey = NULL;
	OSSL_DECODER_CTX *dctx;

	*encrypted = false;
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, pkcs8 ? "PrivateKeyInfo" : NULL, NULL,
					     OSSL_KEYMGMT_SELECT_PRIVATE_KEY, NULL, NULL);
	if (!dctx)
		return NULL;
	if (OSSL_DECODER_CTX_set_passphrase_cb(dctx, no_passphrase, encrypted) != 1 ||
	    OSSL_DECODER_from_data(dctx, &p, &left) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	return pkey;
}

static int add_cert(struct cert_list *l, const char *name, const char *path, X509 *x)
{
	char real[PATH_MAX];
	struct cred_cert c = { 0 };

	TRY(grow((void **)&l->v, l->n, &l->cap, sizeof(*l->v)));
	c.name = strdup(name);
	c.path = strdup(realpath(path, real) ? real : path);
	if (!c.name || !c.path) {
		free(c.name);
		free(c.path);
		return -ENOMEM;
	}
	c.x = x;
	l->v[l->n++] = c;
	return 0;
}

/* Loads one file; 0 also when it was reported and skipped; -ENOMEM. */
static int load_file(struct cred_store *cs, enum cred_kind kind, const char *name, const char *path,
		     cred_problem_fn cb, void *ctx)
{
	uint8_t *data = NULL;
	size_t len = 0;
	bool encrypted = false;
	int rc;

	rc = read_file(path, &data, &len);
	if (rc) {
		if (rc == -ENOMEM)
			return rc;
		problem(cb, ctx, path, rc == -EFBIG ? "file too large" : strerror(-rc));
		return 0;
	}
	switch (kind) {
	case K_CERT:
	case K_CACERT: {
		X509 *x = parse_cert(data, len);

		if (!x) {
			problem(cb, ctx, path, "not an X.509 certificate (PEM or DER)");
			break;
		}
		rc = add_cert(kind == K_CERT ? &cs->certs : &cs->cacerts, name, path, x);
		if (rc)
			X509_free(x);
		break;
	}
	case K_CRL: {
		X509_CRL *c = parse_crl(data, len);

		if (!c) {
			problem(cb, ctx, path, "not an X.509 CRL (PEM or DER)");
			break;
		}
		rc = grow((void **)&cs->crls, cs->n_crls, &cs->cap_crls, sizeof(*cs->crls));
		if (rc)
			X509_CRL_free(c);
		else
			cs->crls[cs->n_crls++] = c;
		break;
	}
	default: {
		EVP_PKEY *k = parse_key(data, len, kind == K_KEY_PKCS8, &encrypted);

		if (!k) {
			problem(cb, ctx, path,
				encrypted ? "encrypted private key (not supported)"
					  : "not a private key (PEM or DER)");
			break;
		}
		if ((kind == K_KEY_RSA && !EVP_PKEY_is_a(k, "RSA")) ||
		    (kind == K_KEY_EC && !EVP_PKEY_is_a(k, "EC"))) {
			problem(cb, ctx, path,
				kind == K_KEY_RSA ? "not an RSA key" : "not an ECDSA key");
			EVP_PKEY_free(k);
			break;
		}
		rc = grow((void **)&cs->keys, cs->n_keys, &cs->cap_keys, sizeof(*cs->keys));
		if (rc)
			EVP_PKEY_free(k);
		else
			cs->keys[cs->n_keys++] = k;
		break;
	}
	}
	ERR_clear_error();
	OPENSSL_cleanse(data, len);
	free(data);
	return rc;
}

static int load_subdir(struct cred_store *cs, const char *base, const struct cred_dir *d,
		       cred_problem_fn cb, void *ctx)
{
	struct dirent **ents = NULL;
	char dir[PATH_MAX], path[PATH_MAX];
	int n, rc = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", base, d->name) >= sizeof(dir)) {
		problem(cb, ctx, base, "path too long");
		return 0;
	}
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		if (errno == ENOMEM)
			return -ENOMEM;
		if (errno != ENOENT)
			problem(cb, ctx, dir, strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (rc == 0 && strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name) >=
			    sizeof(path))
				problem(cb, ctx, dir, "path too long");
			else if (stat(path, &st) != 0)
				problem(cb, ctx, path, strerror(errno));
			else if (S_ISREG(st.st_mode))
				rc = load_file(cs, d->kind, ents[i]->d_name, path, cb, ctx);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int cred_store_load_dir(struct cred_store *cs, const char *swanctl_dir, cred_problem_fn cb,
			void *ctx)
{
	struct stat st;

	if (!cs || !swanctl_dir)
		return -EINVAL;
	if (stat(swanctl_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(cred_dirs); i++)
		TRY(load_subdir(cs, swanctl_dir, &cred_dirs[i], cb, ctx));
	return 0;
}

/* ---- lookups ------------------------------------------------------------ */

static X509 *find_cert(const struct cert_list *l, const char *file)
{
	char real[PATH_MAX];
	const char *want = file;

	if (!file)
		return NULL;
	if (file[0] == '/' && realpath(file, real))
		want = real;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(file[0] == '/' ? l->v[i].path : l->v[i].name, want) == 0)
			return l->v[i].x;
	}
	return NULL;
}

X509 *cred_store_cert(const struct cred_store *cs, const char *file)
{
	return cs ? find_cert(&cs->certs, file) : NULL;
}

X509 *cred_store_cacert(const struct cred_store *cs, const char *file)
{
	return cs ? find_cert(&cs->cacerts, file) : NULL;
}

EVP_PKEY *cred_store_key_for(const struct cred_store *cs, X509 *cert)
{
	EVP_PKEY *pub;

	if (!cs || !cert || !(pub = X509_get0_pubkey(cert)))
		return NULL;
	for (size_t i = 0; i < cs->n_keys; i++) {
		if (EVP_PKEY_eq(cs->keys[i], pub) == 1)
			return cs->keys[i];
	}
	ERR_clear_error();
	return NULL;
}

void cred_store_get_counts(const struct cred_store *cs, struct cred_store_counts *out)
{
	if (!out)
		return;
	*out = (struct cred_store_counts){ 0 };
	if (!cs)
		return;
	out->certs = cs->certs.n;
	out->cacerts = cs->cacerts.n;
	out->crls = cs->n_crls;
	out->keys = cs->n_keys;
}

/* ---- chain verification ------------------------------------------------- */

static bool is_crl_error(int err)
{
	switch (err) {
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_CERT_REVOKED:
		return true;
	default:
		return false;
	}
}

/*
 * Revocation as strongSwan without strictcrlpolicy: a missing CRL is fine, an
 * expired one still revokes; a trust anchor (the chain's last certificate,
 * possibly an intermediate whose issuer we do not have) is trusted as
 * configured, its revocation not checked.
 */
static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
	int err = X509_STORE_CTX_get_error(ctx);
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	bool anchor = chain && X509_STORE_CTX_get_error_depth(ctx) == sk_X509_num(chain) - 1;

	if (!ok && (err == X509_V_ERR_UNABLE_TO_GET_CRL || err == X509_V_ERR_CRL_HAS_EXPIRED ||
		    (anchor && is_crl_error(err)))) {
		X509_STORE_CTX_set_error(ctx, X509_V_OK);
		return 1;
	}
	return ok;
}

static void verify_error(X509_STORE_CTX *ctx, char *err, size_t err_len)
{
	X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
	char subj[IKE_ID_STR_MAX] = "?";
	struct ike_id id;

	if (!err || !err_len)
		return;
	if (cur && cred_cert_subject_id(cur, &id) == 0) {
		(void)ike_id_to_str(&id, subj, sizeof(subj));
		ike_id_free(&id);
	}
	snprintf(err, err_len, "%s (depth %d: \"%s\")",
		 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)),
		 X509_STORE_CTX_get_error_depth(ctx), subj);
}

static void set_err(char *err, size_t err_len, const char *msg)
{
	if (err && err_len)
		snprintf(err, err_len, "%s", msg);
}

int cred_verify_chain(const struct cred_store *cs, X509 *leaf, STACK_OF(X509) * untrusted,
		      X509 *const *anchors, size_t n_anchors, char *err, size_t err_len)
{
	X509_STORE *st = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *helpers = NULL;
	unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
	size_t n_trusted = 0;
	int rc = -ENOMEM;

	if (!cs || !leaf || (n_anchors && !anchors))
		return -EINVAL;
	for (size_t i = 0; i < n_anchors; i++) {
		if (!anchors[i])
			return -EINVAL;
	}
	set_err(err, err_len, "");
	st = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	helpers = sk_X509_new_null();
	if (!st || !ctx || !helpers)
		goto out;
	for (size_t i = 0; i < n_anchors; i++) {
		if (!X509_STORE_add_cert(st, anchors[i]))
			goto out;
		n_trusted++;
	}
	for (size_t i = 0; i < cs->cacerts.n; i++) {
		X509 *ca = cs->cacerts.v[i].x;
		bool given = false;

		for (size_t j = 0; j < n_anchors && !given; j++)
			given = X509_cmp(anchors[j], ca) == 0;
		if (n_anchors == 0) {
			if (!X509_STORE_add_cert(st, ca))
				goto out;
			n_trusted++;
		} else if (!given && !sk_X509_push(helpers, ca)) {
			goto out;
		}
	}
	for (int i = 0; untrusted && i < sk_X509_num(untrusted); i++) {
		if (!sk_X509_push(helpers, sk_X509_value(untrusted, i)))
			goto out;
	}
	if (!n_trusted) {
		set_err(err, err_len, "no trust anchors");
		rc = -EACCES;
		goto out;
	}
	for (size_t i = 0; i < cs->n_crls; i++) {
		if (!X509_STORE_add_crl(st, cs->crls[i]))
			goto out;
	}
	if (cs->n_crls)
		flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
	X509_STORE_set_flags(st, flags);
	X509_STORE_set_verify_cb(st, verify_cb);
	if (!X509_STORE_CTX_init(ctx, st, leaf, helpers))
		goto out;
	if (X509_verify_cert(ctx) == 1) {
		rc = 0;
	} else {
		verify_error(ctx, err, err_len);
		rc = X509_STORE_CTX_get_error(ctx) == X509_V_ERR_OUT_OF_MEM ? -ENOMEM : -EACCES;
	}
out:
	if (rc == -ENOMEM)
		set_err(err, err_len, "out of memory");
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	sk_X509_free(helpers);
	ERR_clear_error();
	return rc;
}

/* ---- identities ----------------------------------------------------------- */

int cred_cert_subject_id(X509 *cert, struct ike_id *out)
{
	unsigned char *der = NULL;
	X509_NAME *name;
	int n, rc;

	if (!out)
		return -EINVAL;
	*out = (struct ike_id){ 0 };
	if (!cert || !(name = X509_get_subject_name(cert)))
		return -EINVAL;
	n = i2d_X509_NAME(name, &der);
	if (n <= 0)
		return -ENOMEM;
	rc = ike_id_from_pld(IKE_ID_DER_ASN1_DN, der, (size_t)n, out);
	OPENSSL_free(der);
	/* an empty or odd subject is no DN identity */
	return rc == -EBADMSG ? -EINVAL : rc;
}

/* id equals a string SAN of type id->type */
static bool name_equals(const struct ike_id *id, uint8_t type, const ASN1_STRING *s)
{
	struct ike_id tmp = { .type = type,
			      .data = (uint8_t *)ASN1_STRING_get0_data(s),
			      .len = (size_t)ASN1_STRING_length(s) };

	return s && ike_id_equal(id, &tmp);
}

static bool dirname_equals(const struct ike_id *id, X509_NAME *name)
{
	unsigned char *der = NULL;
	struct ike_id tmp;
	bool eq = false;
	int n = i2d_X509_NAME(name, &der);

	if (n > 0) {
		tmp = (struct ike_id){ .type = IKE_ID_DER_ASN1_DN, .data = der, .len = (size_t)n };
		eq = ike_id_equal(id, &tmp);
	}
	OPENSSL_free(der);
	return eq;
}

static bool san_matches(const GENERAL_NAME *gn, const struct ike_id *id)
{
	switch (gn->type) {
	case GEN_DNS:
		return id->type == IKE_ID_FQDN && name_equals(id, IKE_ID_FQDN, gn->d.dNSName);
	case GEN_EMAIL:
		return id->type == IKE_ID_RFC822_ADDR &&
		       name_equals(id, IKE_ID_RFC822_ADDR, gn->d.rfc822Name);
	case GEN_IPADD:
		return (id->type == IKE_ID_IPV4_ADDR || id->type == IKE_ID_IPV6_ADDR) &&
		       name_equals(id, id->type, gn->d.iPAddress);
	case GEN_DIRNAME:
		return id->type == IKE_ID_DER_ASN1_DN && dirname_equals(id, gn->d.directoryName);
	case GEN_OTHERNAME:
		return id->type == IKE_ID_RFC822_ADDR &&
		       OBJ_obj2nid(gn->d.otherName->type_id) == NID_ms_upn &&
		       gn->d.otherName->value->type == V_ASN1_UTF8STRING &&
		       name_equals(id, IKE_ID_RFC822_ADDR,
				   gn->d.otherName->value->value.utf8string);
	default:
		return false;
	}
}

static bool sha1_equals(const struct ike_id *id, const unsigned char *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	return id->len == 20 && EVP_Digest(data, len, md, &n, EVP_sha1(), NULL) == 1 && n == 20 &&
	       memcmp(md, id->data, 20) == 0;
}

static bool keyid_matches(X509 *cert, const struct ike_id *id)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(cert);
	X509_PUBKEY *xpk = X509_get_X509_PUBKEY(cert);
	unsigned char md[EVP_MAX_MD_SIZE], *der = NULL;
	const unsigned char *pk = NULL;
	unsigned int n = 0;
	int pk_len = 0, der_len;
	bool match = false;

	if (X509_digest(cert, EVP_sha1(), md, &n) == 1 && n == id->len &&
	    memcmp(md, id->data, n) == 0)
		return true;
	if (ski && (size_t)ASN1_STRING_length(ski) == id->len &&
	    memcmp(ASN1_STRING_get0_data(ski), id->data, id->len) == 0)
		return true;
	if (!xpk)
		return false;
	der_len = i2d_X509_PUBKEY(xpk, &der);
	if (der_len > 0)
		match = sha1_equals(id, der, (size_t)der_len);
	OPENSSL_free(der);
	if (!match && X509_PUBKEY_get0_param(NULL, &pk, &pk_len, NULL, xpk) == 1 && pk_len > 0)
		match = sha1_equals(id, pk, (size_t)pk_len);
	return match;
}

bool cred_cert_matches_id(X509 *cert, const struct ike_id *id)
{
	GENERAL_NAMES *sans;
	struct ike_id subj;
	bool match = false;

	if (!cert || !id || id->type == IKE_ID_ANY || (id->len && !id->data))
		return false;
	if (id->type == IKE_ID_KEY_ID && keyid_matches(cert, id))
		return true;
	if (id->type == IKE_ID_DER_ASN1_DN && cred_cert_subject_id(cert, &subj) == 0) {
		match = ike_id_equal(&subj, id);
		ike_id_free(&subj);
		if (match)
			return true;
	}
	sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; sans && !match && i < sk_GENERAL_NAME_num(sans); i++)
		match = san_matches(sk_GENERAL_NAME_value(sans, i), id);
	GENERAL_NAMES_free(sans);
	ERR_clear_error();
	return match;
}

/* ---- IKE payloads --------------------------------------------------------- */

int cred_certreq_hashes(const struct cred_store *cs, uint8_t **out, size_t *len)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	int rc = 0;

	if (!cs || !out || !len)
		return -EINVAL;
	*out = NULL;
	*len = 0;
	if (!cs->cacerts.n)
		return 0;
	buf = malloc(cs->cacerts.n * 20);
	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < cs->cacerts.n && rc == 0; i++) {
		unsigned char *der = NULL;
		unsigned int md_len = 0;
		int der_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cs->cacerts.v[i].x), &der);

		if (der_len <= 0 ||
		    EVP_Digest(der, (size_t)der_len, buf + n, &md_len, EVP_sha1(), NULL) != 1 ||
		    md_len != 20)
			rc = -ENOMEM;
		n += 20;
		OPENSSL_free(der);
	}
	if (rc) {
		free(buf);
		ERR_clear_error();
		return rc;
	}
	*out = buf;
	*len = n;
	return 0;
}

int cred_cert_from_pld(uint8_t encoding, const uint8_t *data, size_t len, X509 **out)
{
	const unsigned char *p = data;
	X509 *x;

	if (!out || (len && !data))
		return -EINVAL;
	*out = NULL;
	if (encoding != IKE_CERT_X509_SIG)
		return -ENOTSUP;
	if (!len || len > LONG_MAX)
		return -EBADMSG;
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != data + len) {
		X509_free(x);
		ERR_clear_error();
		return -EBADMSG;
	}
	*out = x;
	return 0;
}
