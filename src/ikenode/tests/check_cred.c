/*
 * The credential store. Each test builds a small PKI with OpenSSL APIs (root
 * and intermediate CA, a second root, end-entity RSA-2048, ECDSA P-256 and
 * Ed25519 certificates with subjectAltNames, an expired and a revoked one, a
 * CRL) into a temporary swanctl directory, in PEM and DER, PKCS#8 and
 * traditional key formats, plus files that must be reported. Hashes are
 * cross-checked with the openssl command line; a second PKI made by
 * strongSwan's `pki` (when installed) checks that we read what strongSwan
 * writes and print its subjects as it does.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "ikenode/cred.h"
#include "ikenode/ike_id.h"
#include "ikenode/ike_names.h"

Suite *cred_suite(void);

/* A fixed RSA-2048 key: generating one per test would dominate the suite's run time. */
static const char rsa2048_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDEOZqw1BAzfxkH\n"
	"besB5smUNhnt2J2MAU+UTWRJUvLLEyzHyRByBTkW8C9mnO0+E1OzRI3SqvbrXukh\n"
	"IxL+NYpL/y2oA/g1fEcnhe2bvFP3crRw/PTUiYs6lfUw3T34sv4Z+NUhdU8WGuD/\n"
	"6MkXjqJolYFHhLt9CKSG+KQ6Yc2NKI9yUf8oCm0fBOHDgT7RR8lboe/YvEU9D6yK\n"
	"y2Fh1pd2uEoxbkMcIMJP24FnF7GSJTGCD8yYAaVGLw/cxfTn9vuKXNQD86rqDh0B\n"
	"nu/rBMMA9oB/nbM5VQr3RMs1MXksebmOF4Tfdc2r5pmCDCae8jMB4EsknlgxQUpU\n"
	"vYG2JpTfAgMBAAECggEAAsxJeuUDOCDDVBpKpBPM4wqkcwJIONNZ9aTm3a7LnH6x\n"
	"AEZLMD0H095n5qAtN9nhsygyl4Ltk2yeiWTtI+fSiYPhfEhWNTkI8LTVrwdP8TLX\n"
	"BNdujEtLy3GQ9fnppM60ld04+Mmp74hBlhSVLXtQsIoVNlZbsAw8AFqySMzVOAKK\n"
	"JKioJjEjpXPky1fUFYwatOwBqSKeZWOholI7nVIXNHV43Ce8UvFalGOzQmVx8Box\n"
	"XvzPPDGfeH40ZkVcBjuraIyd4/8SPEciT23xE8iU3tdE7iwhZB0LJTefZNpL40yy\n"
	"X7TrOvQWWiWDicUm842fhu9Q40oWQV0XC2oXIsKD3QKBgQDwnbjCig+QvBZkHKLF\n"
	"zKwhlk5C/YHGcUDYp3ctFLDwf9kWKvy+o4a3ilHNZGeW+PpgbgsmWIWJ4kApOREL\n"
	"yMsIBEzn0OxduvCkeo9GQp71ByQ02Gg27thn3vOL7Yc+q/qYMFYIwOHCn1sizMSu\n"
	"+4cEO0lNOGYYwoiSJJyWcDihKwKBgQDQxVACchHqmzdKxT48X6R9KlqATT/UIJX6\n"
	"Y9hDN3MIv5+ysGYnjjHM7kdePWSKfbyy5R/YhAJuXQldrK0FuTYvdRIhc0dXOWx6\n"
	"s6UY0Sv12xn+jdo+uVCZKV2LTlMMdAJNOT28QdR5HDI+m+MkttkmIXHr0EjPIRnb\n"
	"hoVONS15HQKBgFXC8bqtONUOpTBzoHS9+dBS4XwxHVNcxI80SV8RE+v0tayYD9Pn\n"
	"NzouG/AITH/cKGm8b07wmFBICzRmObQokm0+EydBKS5TVjhZ0r1pO3z8WaRYSfTi\n"
	"dtG2/rmuJNlqtPwPpmqiTRVwdSxXLfdsgXg5pWvXoVRL6h+k2wcn4pdXAoGATQuk\n"
	"XWKvjf8+Ro/ISguZ7r9EqvjXR3fHIaLbWuMJxv7A9vb2nD5zzodZO0Q46ItCqlq4\n"
	"h/Uf2I7pN/LT37rcbmMsD8A1YdFFYXsOwLvhF1iGnVTIaEGHpx6G8TQ0nfHqL4mi\n"
	"aOl6ej+Xo1dwWkpIlTPekQJK/HXgzw00AQrK/1kCgYEA0iKQWvjvNfZ3yQ6f1LxD\n"
	"0ynYKH+LvFuBUoDDJY4CAQLEixaFF+OLDwvZq7cf/uvaFvYjuZNuNKbFbC0i6ScD\n"
	"6xfxLymx6LssdGH/ntZVpHgudsG0a32fLZ/3GLSxUAUnRWgotoQPti6kOheqHNFa\n"
	"Wa9/c1zFoll4rx12urSbBcQ=\n"
	"-----END PRIVATE KEY-----\n";

enum {
	C_ROOT,
	C_INT,
	C_OTHER, /* a second root */
	C_MOON, /* RSA-2048, issued by the intermediate */
	C_SUN, /* ECDSA P-256, issued by the intermediate */
	C_CAROL, /* Ed25519, issued by the root */
	C_EXPIRED,
	C_REVOKED,
	C_STRANGER, /* issued by the second root */
	C_N
};

#define REVOKED_SERIAL 0x666

static const struct cert_spec {
	const char *cn;
	const char *key; /* "EC", "RSA", "ED25519" */
	int issuer;
	bool ca;
	long from_days, to_days;
	const char *san;
	const char *file; /* in the swanctl dir; NULL: not stored */
} cert_specs[C_N] = {
	[C_ROOT] = { "Root CA", "EC", C_ROOT, true, -1, 3650, NULL, "x509ca/root.pem" },
	[C_INT] = { "Intermediate CA", "EC", C_ROOT, true, -1, 3650, NULL, NULL },
	[C_OTHER] = { "Other Root CA", "EC", C_OTHER, true, -1, 3650, NULL, "x509ca/other.der" },
	[C_MOON] = { "moon.strongswan.org", "RSA", C_INT, false, -1, 365,
		     "DNS:moon.strongswan.org,IP:192.168.0.1,IP:fec0::1,email:moon@strongswan.org",
		     "x509/moon.pem" },
	[C_SUN] = { "sun.strongswan.org", "EC", C_INT, false, -1, 365,
		    "DNS:sun.strongswan.org,IP:192.168.0.2", "x509/sun.der" },
	[C_CAROL] = { "carol", "ED25519", C_ROOT, false, -1, 365,
		      "email:carol@strongswan.org,"
		      "otherName:msUPN;UTF8:carol.upn@strongswan.org,dirName:carol_dn",
		      "x509/carol.pem" },
	[C_EXPIRED] = { "expired", "EC", C_ROOT, false, -30, -1, "DNS:expired.strongswan.org",
			"x509/expired.pem" },
	[C_REVOKED] = { "revoked", "EC", C_ROOT, false, -1, 365, "DNS:revoked.strongswan.org",
			"x509/revoked.pem" },
	[C_STRANGER] = { "stranger", "EC", C_OTHER, false, -1, 365, "DNS:stranger.example",
			 "x509/stranger.pem" },
};

struct pki {
	char dir[64];
	EVP_PKEY *key[C_N];
	X509 *cert[C_N];
};

static const char *const subdirs[] = { "x509", "x509ca", "x509crl", "private",
				       "rsa",  "ecdsa",	 "pkcs8",   "x509/sub" };

static void path_of(const struct pki *p, const char *rel, char *out, size_t len)
{
	ck_assert_uint_lt((size_t)snprintf(out, len, "%s/%s", p->dir, rel), len);
}

static BIO *open_out(const struct pki *p, const char *rel)
{
	char path[256];
	BIO *b;

	path_of(p, rel, path, sizeof(path));
	b = BIO_new_file(path, "wb");
	ck_assert_ptr_nonnull(b);
	return b;
}

static void write_text(const struct pki *p, const char *rel, const char *text)
{
	BIO *b = open_out(p, rel);

	ck_assert_int_eq(BIO_puts(b, text), (int)strlen(text));
	BIO_free(b);
}

static EVP_PKEY *gen_key(const char *type)
{
	EVP_PKEY *k = NULL;

	if (!strcmp(type, "RSA")) {
		BIO *b = BIO_new_mem_buf(rsa2048_pem, -1);

		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
	} else if (!strcmp(type, "EC")) {
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	} else {
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	}
	ck_assert_ptr_nonnull(k);
	return k;
}

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);

	ck_assert_msg(e != NULL, "extension %d: %s", nid, value);
	ck_assert_int_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

static void add_name(X509_NAME *n, const char *o, const char *cn)
{
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
						    (const unsigned char *)"CH", -1, -1, 0),
			 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)o,
						    -1, -1, 0),
			 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
						    (const unsigned char *)cn, -1, -1, 0),
			 1);
}

static X509 *make_cert(const struct cert_spec *s, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *ikey,
		       long serial)
{
	static const char conf_text[] = "[carol_dn]\nC=CH\nO=Elsewhere\nCN=carol-alt\n";
	X509 *x = X509_new();
	X509V3_CTX ctx;
	CONF *conf = NCONF_new(NULL);
	BIO *cb = BIO_new_mem_buf(conf_text, -1);
	long err = 0;

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(NCONF_load_bio(conf, cb, &err), 1);
	ck_assert_int_eq(X509_set_version(x, X509_VERSION_3), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	ck_assert_ptr_nonnull(X509_time_adj_ex(X509_getm_notBefore(x), (int)s->from_days, 0, NULL));
	ck_assert_ptr_nonnull(X509_time_adj_ex(X509_getm_notAfter(x), (int)s->to_days, 0, NULL));
	add_name(X509_get_subject_name(x), "ikenode test", s->cn);
	ck_assert_int_eq(X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x)), 1);
	ck_assert_int_eq(X509_set_pubkey(x, pub), 1);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, conf);
	add_ext(x, &ctx, NID_basic_constraints, s->ca ? "critical,CA:TRUE" : "CA:FALSE");
	add_ext(x, &ctx, NID_key_usage,
		s->ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	if (s->san)
		add_ext(x, &ctx, NID_subject_alt_name, s->san);
	ck_assert_int_gt(X509_sign(x, ikey, EVP_sha256()), 0);
	NCONF_free(conf);
	BIO_free(cb);
	return x;
}

static X509_CRL *make_crl(X509 *issuer, EVP_PKEY *key, long serial, long last_days, long next_days)
{
	X509_CRL *c = X509_CRL_new();
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	ASN1_TIME *last = ASN1_TIME_adj(NULL, time(NULL), (int)last_days, 0);
	ASN1_TIME *next = ASN1_TIME_adj(NULL, time(NULL), (int)next_days, 0);

	ck_assert(c && r && sn && last && next);
	ck_assert_int_eq(X509_CRL_set_version(c, 1), 1);
	ck_assert_int_eq(X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer)), 1);
	ck_assert_int_eq(X509_CRL_set1_lastUpdate(c, last), 1);
	ck_assert_int_eq(X509_CRL_set1_nextUpdate(c, next), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(sn, serial), 1);
	ck_assert_int_eq(X509_REVOKED_set_serialNumber(r, sn), 1);
	ck_assert_int_eq(X509_REVOKED_set_revocationDate(r, last), 1);
	ck_assert_int_eq(X509_CRL_add0_revoked(c, r), 1);
	ck_assert_int_eq(X509_CRL_sort(c), 1);
	ck_assert_int_gt(X509_CRL_sign(c, key, EVP_sha256()), 0);
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	return c;
}

static void write_cert(const struct pki *p, const char *rel, X509 *x)
{
	BIO *b = open_out(p, rel);
	size_t n = strlen(rel);

	if (n > 4 && !strcmp(rel + n - 4, ".der"))
		ck_assert_int_eq(i2d_X509_bio(b, x), 1);
	else
		ck_assert_int_eq(PEM_write_bio_X509(b, x), 1);
	BIO_free(b);
}

static void mkdirs(const struct pki *p)
{
	char path[256];

	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		path_of(p, subdirs[i], path, sizeof(path));
		ck_assert_int_eq(mkdir(path, 0700), 0);
	}
}

/* The PKI in memory and a temporary swanctl directory holding it (see the file comment). */
static void pki_build(struct pki *p)
{
	BIO *b;
	X509_CRL *crl;

	memset(p, 0, sizeof(*p));
	strcpy(p->dir, "/tmp/check_cred.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(p->dir));
	mkdirs(p);
	for (int i = 0; i < C_N; i++) {
		const struct cert_spec *s = &cert_specs[i];

		p->key[i] = gen_key(s->key);
		p->cert[i] =
			make_cert(s, p->key[i], s->issuer == i ? NULL : p->cert[s->issuer],
				  p->key[s->issuer], i == C_REVOKED ? REVOKED_SERIAL : 100 + i);
		if (s->file)
			write_cert(p, s->file, p->cert[i]);
	}
	crl = make_crl(p->cert[C_ROOT], p->key[C_ROOT], REVOKED_SERIAL, -1, 30);
	b = open_out(p, "x509crl/root.crl");
	ck_assert_int_eq(i2d_X509_CRL_bio(b, crl), 1);
	BIO_free(b);
	X509_CRL_free(crl);

	/* keys: traditional PEM, traditional DER, PKCS#8 DER, PKCS#8 PEM */
	b = open_out(p, "rsa/moon.pem");
	ck_assert_int_eq(
		PEM_write_bio_PrivateKey_traditional(b, p->key[C_MOON], NULL, NULL, 0, NULL, NULL),
		1);
	BIO_free(b);
	b = open_out(p, "ecdsa/sun.der");
	ck_assert_int_gt(i2d_PrivateKey_bio(b, p->key[C_SUN]), 0);
	BIO_free(b);
	b = open_out(p, "pkcs8/carol.der");
	ck_assert_int_eq(i2d_PKCS8PrivateKey_bio(b, p->key[C_CAROL], NULL, NULL, 0, NULL, NULL), 1);
	BIO_free(b);
	b = open_out(p, "private/root.pem");
	ck_assert_int_eq(PEM_write_bio_PrivateKey(b, p->key[C_ROOT], NULL, NULL, 0, NULL, NULL), 1);
	BIO_free(b);

	/* problems */
	b = open_out(p, "private/enc.pem");
	ck_assert_int_eq(PEM_write_bio_PKCS8PrivateKey(b, p->key[C_EXPIRED], EVP_aes_256_cbc(),
						       "secret", 6, NULL, NULL),
			 1);
	BIO_free(b);
	b = open_out(p, "private/pub.pem");
	ck_assert_int_eq(PEM_write_bio_PUBKEY(b, p->key[C_REVOKED]), 1);
	BIO_free(b);
	b = open_out(p, "rsa/wrong.pem");
	ck_assert_int_eq(PEM_write_bio_PrivateKey(b, p->key[C_STRANGER], NULL, NULL, 0, NULL, NULL),
			 1);
	BIO_free(b);
	write_text(p, "private/garbage.txt", "not a key\n");
	write_text(p, "x509/garbage.pem",
		   "-----BEGIN CERTIFICATE-----\nAAAA\n"
		   "-----END CERTIFICATE-----\n");
	write_cert(p, "x509/sub/ignored.pem", p->cert[C_SUN]);
}

static void rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void pki_free(struct pki *p)
{
	for (int i = 0; i < C_N; i++) {
		X509_free(p->cert[i]);
		EVP_PKEY_free(p->key[i]);
	}
	rm_rf(p->dir);
}

struct problems {
	int n;
	char text[8][320];
};

static void on_problem(void *ctx, const char *file, const char *message)
{
	struct problems *pr = ctx;

	ck_assert_ptr_nonnull(file);
	ck_assert_ptr_nonnull(message);
	if (pr->n < 8)
		snprintf(pr->text[pr->n], sizeof(pr->text[0]), "%s: %s", file, message);
	pr->n++;
}

static bool has_problem(const struct problems *pr, const char *file, const char *msg)
{
	for (int i = 0; i < pr->n && i < 8; i++) {
		if (strstr(pr->text[i], file) && strstr(pr->text[i], msg))
			return true;
	}
	return false;
}

static struct cred_store *load(const char *dir, struct problems *pr)
{
	struct cred_store *cs = NULL;

	ck_assert_int_eq(cred_store_new(&cs), 0);
	ck_assert_int_eq(cred_store_load_dir(cs, dir, pr ? on_problem : NULL, pr), 0);
	return cs;
}

START_TEST(test_cred_input)
{
	struct cred_store *cs = NULL;
	struct ike_id id = { 0 };
	uint8_t *h = NULL, der[4] = { 0x30, 0x00, 0, 0 };
	size_t len = 0;
	X509 *x = NULL;

	ck_assert_int_eq(cred_store_new(NULL), -EINVAL);
	ck_assert_int_eq(cred_store_new(&cs), 0);
	ck_assert_int_eq(cred_store_load_dir(NULL, "/tmp", NULL, NULL), -EINVAL);
	ck_assert_int_eq(cred_store_load_dir(cs, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(cred_store_load_dir(cs, "/nonexistent/swanctl", NULL, NULL), -ENOENT);
	ck_assert_int_eq(cred_store_load_dir(cs, "/dev/null", NULL, NULL), -ENOENT);
	ck_assert_ptr_null(cred_store_cert(NULL, "x"));
	ck_assert_ptr_null(cred_store_cert(cs, NULL));
	ck_assert_ptr_null(cred_store_cacert(cs, NULL));
	ck_assert_ptr_null(cred_store_key_for(cs, NULL));
	ck_assert_ptr_null(cred_store_key_for(NULL, NULL));
	ck_assert_int_eq(cred_verify_chain(NULL, NULL, NULL, NULL, 0, NULL, 0), -EINVAL);
	ck_assert_int_eq(cred_verify_chain(cs, NULL, NULL, NULL, 0, NULL, 0), -EINVAL);
	ck_assert(!cred_cert_matches_id(NULL, &id));
	ck_assert_int_eq(cred_cert_subject_id(NULL, &id), -EINVAL);
	ck_assert_int_eq(cred_certreq_hashes(NULL, &h, &len), -EINVAL);
	ck_assert_int_eq(cred_certreq_hashes(cs, NULL, &len), -EINVAL);
	ck_assert_int_eq(cred_certreq_hashes(cs, &h, NULL), -EINVAL);
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_X509_SIG, der, 2, NULL), -EINVAL);
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_X509_SIG, NULL, 2, &x), -EINVAL);
	/* an empty store: nothing to trust, nothing to request */
	ck_assert_int_eq(cred_certreq_hashes(cs, &h, &len), 0);
	ck_assert_ptr_null(h);
	ck_assert_uint_eq(len, 0);
	cred_store_free(cs);
	cred_store_free(NULL);
}
END_TEST

START_TEST(test_cred_load)
{
	struct pki p;
	struct problems pr = { 0 };
	struct cred_store *cs;
	struct cred_store_counts n;

	pki_build(&p);
	cs = load(p.dir, &pr);
	cred_store_get_counts(cs, &n);
	ck_assert_uint_eq(n.certs, 6);
	ck_assert_uint_eq(n.cacerts, 2);
	ck_assert_uint_eq(n.crls, 1);
	ck_assert_uint_eq(n.keys, 4);
	ck_assert_msg(pr.n == 5, "%d problems", pr.n);
	ck_assert(has_problem(&pr, "private/enc.pem", "encrypted"));
	ck_assert(has_problem(&pr, "private/pub.pem", "not a private key"));
	ck_assert(has_problem(&pr, "private/garbage.txt", "not a private key"));
	ck_assert(has_problem(&pr, "rsa/wrong.pem", "not an RSA key"));
	ck_assert(has_problem(&pr, "x509/garbage.pem", "not an X.509 certificate"));
	cred_store_free(cs);

	/* without a callback, the same store */
	cs = load(p.dir, NULL);
	cred_store_get_counts(cs, &n);
	ck_assert_uint_eq(n.certs + n.cacerts + n.crls + n.keys, 13);
	cred_store_free(cs);
	pki_free(&p);
}
END_TEST

START_TEST(test_cred_load_empty)
{
	char dir[] = "/tmp/check_cred_empty.XXXXXX";
	struct problems pr = { 0 };
	struct cred_store *cs;
	struct cred_store_counts n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	cs = load(dir, &pr); /* no subdirectories at all */
	cred_store_get_counts(cs, &n);
	ck_assert_uint_eq(n.certs + n.cacerts + n.crls + n.keys, 0);
	ck_assert_int_eq(pr.n, 0);
	cred_store_free(cs);
	rm_rf(dir);
}
END_TEST

START_TEST(test_cred_lookup)
{
	struct pki p;
	struct cred_store *cs;
	char abs[256], link[256];

	pki_build(&p);
	cs = load(p.dir, NULL);
	for (int i = 0; i < C_N; i++) {
		const char *f = cert_specs[i].file;
		X509 *got;

		if (!f)
			continue;
		got = !strncmp(f, "x509ca/", 7) ? cred_store_cacert(cs, f + 7)
						: cred_store_cert(cs, f + 5);
		ck_assert_msg(got && X509_cmp(got, p.cert[i]) == 0, "%s", f);
		/* by absolute path, also through a symbolic link */
		path_of(&p, f, abs, sizeof(abs));
		got = !strncmp(f, "x509ca/", 7) ? cred_store_cacert(cs, abs)
						: cred_store_cert(cs, abs);
		ck_assert_msg(got && X509_cmp(got, p.cert[i]) == 0, "%s", abs);
	}
	path_of(&p, "link.pem", link, sizeof(link));
	path_of(&p, "x509/moon.pem", abs, sizeof(abs));
	ck_assert_int_eq(symlink(abs, link), 0);
	ck_assert_int_eq(X509_cmp(cred_store_cert(cs, link), p.cert[C_MOON]), 0);
	ck_assert_ptr_null(cred_store_cert(cs, "root.pem")); /* a CA, not in x509/ */
	ck_assert_ptr_null(cred_store_cacert(cs, "moon.pem"));
	ck_assert_ptr_null(cred_store_cert(cs, "missing.pem"));
	ck_assert_ptr_null(cred_store_cert(cs, "sub/ignored.pem"));
	ck_assert_ptr_null(cred_store_cert(cs, "garbage.pem"));
	ck_assert_ptr_null(cred_store_cert(cs, "/nonexistent/moon.pem"));
	cred_store_free(cs);
	pki_free(&p);
}
END_TEST

/* key_for() finds the key that signs what the certificate verifies */
static void sign_verify(EVP_PKEY *key, X509 *cert)
{
	static const unsigned char msg[] = "ikenode cred test";
	unsigned char sig[512];
	size_t sig_len = sizeof(sig);
	const EVP_MD *md = EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256();
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	ck_assert_int_eq(EVP_DigestSignInit(c, NULL, md, NULL, key), 1);
	ck_assert_int_eq(EVP_DigestSign(c, sig, &sig_len, msg, sizeof(msg)), 1);
	EVP_MD_CTX_free(c);
	c = EVP_MD_CTX_new();
	ck_assert_int_eq(EVP_DigestVerifyInit(c, NULL, md, NULL, X509_get0_pubkey(cert)), 1);
	ck_assert_int_eq(EVP_DigestVerify(c, sig, sig_len, msg, sizeof(msg)), 1);
	EVP_MD_CTX_free(c);
}

START_TEST(test_cred_key_for)
{
	static const int with_key[] = { C_MOON, C_SUN, C_CAROL };
	struct pki p;
	struct cred_store *cs;
	EVP_PKEY *k;

	pki_build(&p);
	cs = load(p.dir, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(with_key); i++) {
		X509 *c = cred_store_cert(cs, cert_specs[with_key[i]].file + 5);

		k = cred_store_key_for(cs, c);
		ck_assert_ptr_nonnull(k);
		ck_assert_int_eq(EVP_PKEY_eq(k, p.key[with_key[i]]), 1);
		sign_verify(k, c);
	}
	k = cred_store_key_for(cs, cred_store_cacert(cs, "root.pem"));
	ck_assert_ptr_nonnull(k);
	sign_verify(k, p.cert[C_ROOT]);
	/* no key loaded: expired's is encrypted, revoked's is only public, stranger's in rsa/ */
	ck_assert_ptr_null(cred_store_key_for(cs, p.cert[C_EXPIRED]));
	ck_assert_ptr_null(cred_store_key_for(cs, p.cert[C_REVOKED]));
	ck_assert_ptr_null(cred_store_key_for(cs, p.cert[C_STRANGER]));
	ck_assert_ptr_null(cred_store_key_for(cs, p.cert[C_INT]));
	cred_store_free(cs);
	pki_free(&p);
}
END_TEST

static const struct verify_case {
	int leaf;
	bool with_int; /* the intermediate as untrusted certificate */
	int anchors[3]; /* -1 terminated; none: every x509ca/ certificate */
	int rc;
	const char *err;
} verify_cases[] = {
	{ C_MOON, true, { -1 }, 0, NULL },
	{ C_MOON, false, { -1 }, -EACCES, "unable to get local issuer certificate" },
	{ C_MOON, true, { C_ROOT, -1 }, 0, NULL },
	{ C_MOON, true, { C_OTHER, -1 }, -EACCES, "self-signed certificate in certificate chain" },
	{ C_MOON, false, { C_INT, -1 }, 0, NULL }, /* an intermediate as trust anchor */
	{ C_SUN, true, { C_ROOT, C_OTHER, -1 }, 0, NULL },
	{ C_CAROL, false, { -1 }, 0, NULL },
	{ C_CAROL,
	  false,
	  { C_OTHER, -1 },
	  -EACCES,
	  "self-signed certificate in certificate chain" },
	{ C_STRANGER,
	  false,
	  { C_ROOT, -1 },
	  -EACCES,
	  "self-signed certificate in certificate chain" },
	/* a CA nobody configured: the stranger's root, sent along by the peer */
	{ C_OTHER, false, { C_ROOT, -1 }, -EACCES, "self-signed certificate" },
	{ C_STRANGER, false, { -1 }, 0, NULL },
	{ C_EXPIRED, false, { -1 }, -EACCES, "certificate has expired" },
	{ C_REVOKED, false, { -1 }, -EACCES, "certificate revoked" },
	{ C_REVOKED, false, { C_ROOT, -1 }, -EACCES, "certificate revoked" },
	{ C_INT, false, { -1 }, 0, NULL },
	{ C_ROOT, false, { -1 }, 0, NULL },
};

START_TEST(test_cred_verify)
{
	const struct verify_case *c = &verify_cases[_i];
	struct pki p;
	struct cred_store *cs;
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509 *anchors[3];
	size_t n = 0;
	char err[256] = "junk";
	int rc;

	pki_build(&p);
	cs = load(p.dir, NULL);
	if (c->with_int)
		ck_assert_int_gt(sk_X509_push(chain, p.cert[C_INT]), 0);
	while (c->anchors[n] >= 0)
		anchors[n] = p.cert[c->anchors[n]], n++;
	rc = cred_verify_chain(cs, p.cert[c->leaf], chain, anchors, n, err, sizeof(err));
	ck_assert_msg(rc == c->rc, "case %d: %d (%s)", _i, rc, err);
	if (c->err)
		ck_assert_msg(strstr(err, c->err), "case %d: '%s'", _i, err);
	else
		ck_assert_str_eq(err, "");
	sk_X509_free(chain);
	cred_store_free(cs);
	pki_free(&p);
}
END_TEST

/* Stores with only the root (and maybe another CRL) next to the full PKI's directory. */
static struct cred_store *load_variant(struct pki *p, const char *name, X509_CRL *crl)
{
	char dir[256], rel[128];
	struct cred_store *cs;
	struct pki v = *p;
	BIO *b;

	path_of(p, name, dir, sizeof(dir));
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	strcpy(v.dir, "");
	ck_assert_uint_lt(strlen(dir), sizeof(v.dir));
	strcpy(v.dir, dir);
	snprintf(rel, sizeof(rel), "x509ca");
	path_of(&v, rel, dir, sizeof(dir));
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	write_cert(&v, "x509ca/root.pem", p->cert[C_ROOT]);
	if (crl) {
		path_of(&v, "x509crl", dir, sizeof(dir));
		ck_assert_int_eq(mkdir(dir, 0700), 0);
		b = open_out(&v, "x509crl/crl.pem");
		ck_assert_int_eq(PEM_write_bio_X509_CRL(b, crl), 1);
		BIO_free(b);
	}
	cs = load(v.dir, NULL);
	return cs;
}

START_TEST(test_cred_verify_crl_variants)
{
	struct pki p;
	struct cred_store *cs;
	X509_CRL *crl;
	char err[256];

	pki_build(&p);
	/* no CRL for the root: no revocation check */
	cs = load_variant(&p, "nocrl", NULL);
	ck_assert_int_eq(cred_verify_chain(cs, p.cert[C_REVOKED], NULL, NULL, 0, err, sizeof(err)),
			 0);
	cred_store_free(cs);

	/* an expired CRL still revokes what it lists, and lets the rest pass */
	crl = make_crl(p.cert[C_ROOT], p.key[C_ROOT], REVOKED_SERIAL, -30, -1);
	cs = load_variant(&p, "oldcrl", crl);
	X509_CRL_free(crl);
	ck_assert_int_eq(cred_verify_chain(cs, p.cert[C_REVOKED], NULL, NULL, 0, err, sizeof(err)),
			 -EACCES);
	ck_assert_ptr_nonnull(strstr(err, "certificate revoked"));
	ck_assert_int_eq(cred_verify_chain(cs, p.cert[C_CAROL], NULL, NULL, 0, err, sizeof(err)),
			 0);
	cred_store_free(cs);

	/* a CRL in the root's name signed by another key is refused, not trusted */
	crl = make_crl(p.cert[C_ROOT], p.key[C_OTHER], 1, -1, 30);
	cs = load_variant(&p, "badcrl", crl);
	X509_CRL_free(crl);
	ck_assert_int_eq(cred_verify_chain(cs, p.cert[C_REVOKED], NULL, NULL, 0, err, sizeof(err)),
			 -EACCES);
	ck_assert_ptr_nonnull(strstr(err, "CRL signature failure"));
	cred_store_free(cs);

	/* no trust anchor at all */
	ck_assert_int_eq(cred_store_new(&cs), 0);
	ck_assert_int_eq(cred_verify_chain(cs, p.cert[C_CAROL], NULL, NULL, 0, err, sizeof(err)),
			 -EACCES);
	ck_assert_str_eq(err, "no trust anchors");
	cred_store_free(cs);
	pki_free(&p);
}
END_TEST

static const struct id_case {
	int cert;
	const char *id;
	bool match;
} id_cases[] = {
	{ C_MOON, "moon.strongswan.org", true },
	{ C_MOON, "MOON.StrongSwan.org", true },
	{ C_MOON, "@moon.strongswan.org", true },
	{ C_MOON, "sun.strongswan.org", false },
	{ C_MOON, "*.strongswan.org", false }, /* no wildcards in the identity */
	{ C_MOON, "192.168.0.1", true },
	{ C_MOON, "192.168.0.2", false },
	{ C_MOON, "fec0::1", true },
	{ C_MOON, "fec0::2", false },
	{ C_MOON, "moon@strongswan.org", true },
	{ C_MOON, "fqdn:moon@strongswan.org", false }, /* an rfc822Name is no dNSName */
	{ C_MOON, "C=CH, O=ikenode test, CN=moon.strongswan.org", true },
	{ C_MOON, "C=CH, O=IKENODE Test, CN=Moon.strongswan.org", true },
	{ C_MOON, "C=CH, O=ikenode test, CN=sun.strongswan.org", false },
	{ C_MOON, "C=CH, O=ikenode test, CN=*", false },
	{ C_MOON, "%any", false },
	{ C_SUN, "sun.strongswan.org", true },
	{ C_SUN, "192.168.0.2", true },
	{ C_SUN, "192.168.0.1", false },
	{ C_CAROL, "carol@strongswan.org", true },
	{ C_CAROL, "Carol@StrongSwan.org", true },
	{ C_CAROL, "carol.upn@strongswan.org", true }, /* Microsoft UPN otherName */
	{ C_CAROL, "carol", false },
	{ C_CAROL, "C=CH, O=ikenode test, CN=carol", true },
	{ C_CAROL, "C=CH, O=Elsewhere, CN=carol-alt", true }, /* directoryName SAN */
	{ C_CAROL, "C=CH, O=Elsewhere, CN=carol", false },
	{ C_ROOT, "C=CH, O=ikenode test, CN=Root CA", true },
	{ C_ROOT, "@#0a0b", false },
};

START_TEST(test_cred_matches_id)
{
	const struct id_case *c = &id_cases[_i];
	struct pki p;
	struct ike_id id;

	pki_build(&p);
	ck_assert_int_eq(ike_id_from_str(c->id, &id), 0);
	ck_assert_msg(cred_cert_matches_id(p.cert[c->cert], &id) == c->match, "%s", c->id);
	ike_id_free(&id);
	pki_free(&p);
}
END_TEST

/* The first line of a shell command's output, without the newline. */
static void run(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");

	ck_assert_ptr_nonnull(f);
	out[0] = '\0';
	ck_assert_msg(fgets(out, (int)len, f) != NULL, "%s", cmd);
	out[strcspn(out, "\n")] = '\0';
	ck_assert_int_eq(pclose(f), 0);
}

static bool have_openssl_cli(void)
{
	return system("command -v openssl >/dev/null 2>&1") == 0;
}

/* KEY_ID identities from the openssl command line: the certificate's SHA-1, its SKI, the SPKI's
 * SHA-1 */
START_TEST(test_cred_matches_keyid)
{
	struct pki p;
	struct ike_id id;
	char path[256], cmd[640], line[256], hex[300];

	if (!have_openssl_cli())
		return;
	pki_build(&p);
	path_of(&p, "x509/moon.pem", path, sizeof(path));

	snprintf(cmd, sizeof(cmd), "openssl x509 -in %s -noout -fingerprint -sha1", path);
	run(cmd, line, sizeof(line));
	snprintf(hex, sizeof(hex), "@#%s", strchr(line, '=') + 1);
	ck_assert_int_eq(ike_id_from_str(hex, &id), 0);
	ck_assert_uint_eq(id.len, 20);
	ck_assert(cred_cert_matches_id(p.cert[C_MOON], &id));
	ck_assert(!cred_cert_matches_id(p.cert[C_SUN], &id));
	ike_id_free(&id);

	snprintf(cmd, sizeof(cmd),
		 "openssl x509 -in %s -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' '",
		 path);
	run(cmd, line, sizeof(line));
	snprintf(hex, sizeof(hex), "@#%s", line);
	ck_assert_int_eq(ike_id_from_str(hex, &id), 0);
	ck_assert(cred_cert_matches_id(p.cert[C_MOON], &id));
	ike_id_free(&id);

	snprintf(cmd, sizeof(cmd),
		 "openssl x509 -in %s -noout -pubkey | openssl pkey -pubin -outform DER | "
		 "openssl dgst -sha1 -r | cut -d' ' -f1",
		 path);
	run(cmd, line, sizeof(line));
	snprintf(hex, sizeof(hex), "keyid:#%s", line);
	ck_assert_int_eq(ike_id_from_str(hex, &id), 0);
	ck_assert(cred_cert_matches_id(p.cert[C_MOON], &id));
	ck_assert(!cred_cert_matches_id(p.cert[C_CAROL], &id));
	ike_id_free(&id);
	pki_free(&p);
}
END_TEST

START_TEST(test_cred_subject_id)
{
	struct pki p;
	struct ike_id id, want;
	char buf[IKE_ID_STR_MAX];

	pki_build(&p);
	ck_assert_int_eq(cred_cert_subject_id(p.cert[C_MOON], &id), 0);
	ck_assert_uint_eq(id.type, IKE_ID_DER_ASN1_DN);
	ck_assert_int_eq(ike_id_to_str(&id, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "C=CH, O=ikenode test, CN=moon.strongswan.org");
	ck_assert_int_eq(ike_id_from_str(buf, &want), 0);
	ck_assert(ike_id_equal(&id, &want));
	ck_assert(cred_cert_matches_id(p.cert[C_MOON], &id));
	ike_id_free(&want);
	ike_id_free(&id);
	pki_free(&p);
}
END_TEST

START_TEST(test_cred_certreq)
{
	static const char *const cas[] = { "x509ca/other.der", "x509ca/root.pem" }; /* name order */
	struct pki p;
	struct cred_store *cs;
	uint8_t *h = NULL, want[20];
	size_t len = 0, n;
	char path[256], cmd[640], line[128];

	if (!have_openssl_cli())
		return;
	pki_build(&p);
	cs = load(p.dir, NULL);
	ck_assert_int_eq(cred_certreq_hashes(cs, &h, &len), 0);
	ck_assert_uint_eq(len, 40);
	for (size_t i = 0; i < ARRAY_SIZE(cas); i++) {
		path_of(&p, cas[i], path, sizeof(path));
		snprintf(cmd, sizeof(cmd),
			 "openssl x509 -in %s -inform %s -noout -pubkey | "
			 "openssl pkey -pubin -outform DER | openssl dgst -sha1 -r | cut -d' ' -f1",
			 path, strstr(cas[i], ".der") ? "DER" : "PEM");
		run(cmd, line, sizeof(line));
		ck_assert_int_eq(hex_decode(line, want, sizeof(want), &n), 0);
		ck_assert_uint_eq(n, 20);
		ck_assert_mem_eq(h + 20 * i, want, 20);
	}
	free(h);
	cred_store_free(cs);
	pki_free(&p);
}
END_TEST

START_TEST(test_cred_from_pld)
{
	struct pki p;
	unsigned char *der = NULL;
	uint8_t *buf;
	X509 *x = NULL;
	int n;

	pki_build(&p);
	n = i2d_X509(p.cert[C_SUN], &der);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_X509_SIG, der, (size_t)n, &x), 0);
	ck_assert_int_eq(X509_cmp(x, p.cert[C_SUN]), 0);
	X509_free(x);
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_PKCS7_X509, der, (size_t)n, &x), -ENOTSUP);
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_HASH_URL_X509, der, (size_t)n, &x), -ENOTSUP);
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_X509_SIG, der, (size_t)n - 1, &x), -EBADMSG);
	ck_assert_ptr_null(x);
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_X509_SIG, der, 0, &x), -EBADMSG);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, der, (size_t)n);
	buf[n] = 0;
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_X509_SIG, buf, (size_t)n + 1, &x), -EBADMSG);
	buf[10] ^= 0xff;
	ck_assert_int_eq(cred_cert_from_pld(IKE_CERT_X509_SIG, buf, (size_t)n, &x), -EBADMSG);
	free(buf);
	OPENSSL_free(der);
	pki_free(&p);
}
END_TEST

/*
 * A swanctl directory made by strongSwan's pki: its key formats (PKCS#1 DER,
 * RFC 5915 DER, PKCS#8 DER), certificates and CRL; subjects printed and
 * encoded as strongSwan does.
 */
START_TEST(test_cred_strongswan_pki)
{
	char dir[] = "/tmp/check_cred_pki.XXXXXX", cmd[4096], line[512];
	struct cred_store *cs;
	struct cred_store_counts n;
	struct problems pr = { 0 };
	struct ike_id id, subj;
	X509 *moon, *carol, *dave, *ca;
	char buf[IKE_ID_STR_MAX], err[256];
	uint8_t *h = NULL, want[20];
	size_t len = 0, hn;

	if (system("command -v pki >/dev/null 2>&1") != 0) {
		fprintf(stderr, "cred: pki not installed, strongSwan PKI test skipped\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(
		cmd, sizeof(cmd),
		"(cd %s && mkdir x509 x509ca x509crl private rsa ecdsa pkcs8 && "
		"pki --gen --type ecdsa --size 256 >ecdsa/caKey.der && "
		"pki --self --ca --in ecdsa/caKey.der --type ecdsa "
		"--dn 'C=CH, O=strongSwan Project, CN=strongSwan Root CA' >x509ca/caCert.der && "
		"pki --gen --type rsa --size 2048 >rsa/moonKey.der && "
		"pki --pub --in rsa/moonKey.der --type rsa | pki --issue --cacert "
		"x509ca/caCert.der "
		"--cakey ecdsa/caKey.der --dn 'C=CH, O=strongSwan Project, CN=moon.strongswan.org' "
		"--san moon.strongswan.org --san 192.168.0.1 >x509/moonCert.der && "
		"pki --gen --type ed25519 >pkcs8/carolKey.der && "
		"pki --pub --in pkcs8/carolKey.der --type priv | pki --issue --cacert "
		"x509ca/caCert.der --cakey ecdsa/caKey.der "
		"--dn 'C=CH, O=strongSwan Project, OU=Research, CN=carol@strongswan.org' "
		"--san carol@strongswan.org >x509/carolCert.der && "
		"pki --gen --type ecdsa --size 256 >private/daveKey.der && "
		"pki --pub --in private/daveKey.der --type ecdsa | pki --issue --cacert "
		"x509ca/caCert.der --cakey ecdsa/caKey.der "
		"--dn 'C=CH, O=strongSwan Project, CN=dave@strongswan.org' "
		"--san dave@strongswan.org >x509/daveCert.der && "
		"pki --signcrl --cacert x509ca/caCert.der --cakey ecdsa/caKey.der "
		"--cert x509/daveCert.der >x509crl/crl.der) 2>/dev/null",
		dir);
	ck_assert_int_eq(system(cmd), 0);

	cs = load(dir, &pr);
	ck_assert_int_eq(pr.n, 0);
	cred_store_get_counts(cs, &n);
	ck_assert_uint_eq(n.certs, 3);
	ck_assert_uint_eq(n.cacerts, 1);
	ck_assert_uint_eq(n.crls, 1);
	ck_assert_uint_eq(n.keys, 4);
	moon = cred_store_cert(cs, "moonCert.der");
	carol = cred_store_cert(cs, "carolCert.der");
	dave = cred_store_cert(cs, "daveCert.der");
	ca = cred_store_cacert(cs, "caCert.der");
	ck_assert(moon && carol && dave && ca);
	ck_assert_ptr_nonnull(cred_store_key_for(cs, moon));
	ck_assert_ptr_nonnull(cred_store_key_for(cs, carol));
	ck_assert_ptr_nonnull(cred_store_key_for(cs, dave));
	ck_assert_ptr_nonnull(cred_store_key_for(cs, ca));
	sign_verify(cred_store_key_for(cs, moon), moon);
	sign_verify(cred_store_key_for(cs, carol), carol);

	ck_assert_int_eq(cred_verify_chain(cs, moon, NULL, NULL, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(cred_verify_chain(cs, carol, NULL, &ca, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(cred_verify_chain(cs, dave, NULL, NULL, 0, err, sizeof(err)), -EACCES);
	ck_assert_ptr_nonnull(strstr(err, "certificate revoked"));

	/* strongSwan encodes the subject exactly as we parse the string */
	ck_assert_int_eq(ike_id_from_str("C=CH, O=strongSwan Project, OU=Research, "
					 "CN=carol@strongswan.org",
					 &id),
			 0);
	ck_assert_int_eq(cred_cert_subject_id(carol, &subj), 0);
	ck_assert_uint_eq(id.len, subj.len);
	ck_assert_mem_eq(id.data, subj.data, id.len);
	ck_assert(cred_cert_matches_id(carol, &id));
	ike_id_free(&id);

	/* ... and prints it as pki --print does */
	ck_assert_int_eq(ike_id_to_str(&subj, buf, sizeof(buf)), 0);
	snprintf(cmd, sizeof(cmd),
		 "pki --print --in %s/x509/carolCert.der 2>/dev/null | "
		 "sed -n 's/^ *subject: *\"\\(.*\\)\"$/\\1/p'",
		 dir);
	run(cmd, line, sizeof(line));
	ck_assert_str_eq(buf, line);
	ike_id_free(&subj);

	ck_assert_int_eq(ike_id_from_str("192.168.0.1", &id), 0);
	ck_assert(cred_cert_matches_id(moon, &id));
	ike_id_free(&id);
	ck_assert_int_eq(ike_id_from_str("carol@strongswan.org", &id), 0);
	ck_assert(cred_cert_matches_id(carol, &id));
	ck_assert(!cred_cert_matches_id(moon, &id));
	ike_id_free(&id);

	/* CERTREQ: what pki --keyid calls the SHA-1 of the subjectPublicKeyInfo */
	ck_assert_int_eq(cred_certreq_hashes(cs, &h, &len), 0);
	ck_assert_uint_eq(len, 20);
	snprintf(cmd, sizeof(cmd),
		 "pki --keyid --in %s/x509ca/caCert.der --type x509 2>/dev/null | "
		 "sed -n '/subjectPublicKeyInfo/{n;p}' | tr -d ' '",
		 dir);
	run(cmd, line, sizeof(line));
	ck_assert_int_eq(hex_decode(line, want, sizeof(want), &hn), 0);
	ck_assert_uint_eq(hn, 20);
	ck_assert_mem_eq(h, want, 20);
	free(h);

	cred_store_free(cs);
	rm_rf(dir);
}
END_TEST

Suite *cred_suite(void)
{
	Suite *s = suite_create("cred");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cred_input);
	tcase_add_test(tc, test_cred_load);
	tcase_add_test(tc, test_cred_load_empty);
	tcase_add_test(tc, test_cred_lookup);
	tcase_add_test(tc, test_cred_key_for);
	tcase_add_loop_test(tc, test_cred_verify, 0, (int)ARRAY_SIZE(verify_cases));
	tcase_add_test(tc, test_cred_verify_crl_variants);
	tcase_add_loop_test(tc, test_cred_matches_id, 0, (int)ARRAY_SIZE(id_cases));
	tcase_add_test(tc, test_cred_matches_keyid);
	tcase_add_test(tc, test_cred_subject_id);
	tcase_add_test(tc, test_cred_certreq);
	tcase_add_test(tc, test_cred_from_pld);
	tcase_add_test(tc, test_cred_strongswan_pki);
	suite_add_tcase(s, tc);
	return s;
}
