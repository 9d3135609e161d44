/*
 * Identities: strongSwan identity strings (types and bytes checked against
 * inet_pton and hand-decoded values), DN strings against the DER strongSwan's
 * own `pki --self --dn` writes (vectors recorded from strongSwan 5.9.8, and
 * live when `pki` is installed) and against OpenSSL's X509_NAME_add_entry_by_txt,
 * printing as strongSwan's `pki --print` prints, payload checks, equality,
 * wildcard matching, and the fuzz seeds bit-flipped and truncated.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "common/buf.h"
#include "ikenode/ike_id.h"
#include "ikenode/ike_names.h"

Suite *ike_id_suite(void);

#define CORPUS TOP_SRCDIR "/testing/fuzz/corpus/ike_id"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	ck_assert_int_eq(hex_decode(hex, out, cap, &n), 0);
	return n;
}

static void assert_bytes(const struct ike_id *id, const uint8_t *want, size_t len)
{
	ck_assert_uint_eq(id->len, len);
	if (len)
		ck_assert_mem_eq(id->data, want, len);
}

START_TEST(test_ike_id_input)
{
	struct ike_id id = { 0 }, other = { 0 };
	char buf[64];
	uint8_t b[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(ike_id_from_str(NULL, &id), -EINVAL);
	ck_assert_int_eq(ike_id_from_str("moon", NULL), -EINVAL);
	ck_assert_int_eq(ike_id_from_pld(IKE_ID_IPV4_ADDR, b, 4, NULL), -EINVAL);
	ck_assert_int_eq(ike_id_from_pld(IKE_ID_IPV4_ADDR, NULL, 4, &id), -EINVAL);
	ck_assert_int_eq(ike_id_to_str(NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(ike_id_to_str(&id, NULL, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(ike_id_to_str(&id, buf, 0), -EINVAL);
	ck_assert_int_eq(ike_id_copy(NULL, &id), -EINVAL);
	ck_assert_int_eq(ike_id_copy(&other, NULL), -EINVAL);
	ck_assert(!ike_id_equal(NULL, &id));
	ck_assert(!ike_id_equal(&id, NULL));
	ck_assert_int_eq(ike_id_match(NULL, &id), IKE_ID_MATCH_NONE);
	ck_assert_int_eq(ike_id_match(&id, NULL), IKE_ID_MATCH_NONE);
	ike_id_free(NULL);
	ike_id_free(&id);
	ck_assert_uint_eq(id.type, IKE_ID_ANY);
}
END_TEST

/* strongSwan's identification_create_from_string() rules; bytes as hex */
static const struct str_case {
	const char *str;
	uint8_t type;
	const char *hex; /* NULL: the bytes are the string at offset `skip` */
	size_t skip;
} str_cases[] = {
	{ "%any", IKE_ID_ANY, "", 0 },
	{ "%any6", IKE_ID_ANY, "", 0 },
	{ "", IKE_ID_ANY, "", 0 },
	{ "*", IKE_ID_ANY, "", 0 },
	{ "0.0.0.0", IKE_ID_ANY, "", 0 },
	{ "::", IKE_ID_ANY, "", 0 },
	{ "0::0", IKE_ID_ANY, "", 0 },
	{ "192.168.0.1", IKE_ID_IPV4_ADDR, "c0a80001", 0 },
	{ "fec0::1", IKE_ID_IPV6_ADDR, "fec00000000000000000000000000001", 0 },
	{ "2001:db8::10:1", IKE_ID_IPV6_ADDR, "20010db8000000000000000000100001", 0 },
	{ "moon.strongswan.org", IKE_ID_FQDN, NULL, 0 },
	{ "@moon.strongswan.org", IKE_ID_FQDN, NULL, 1 },
	{ "@192.168.0.1", IKE_ID_FQDN, NULL, 1 },
	{ "*.strongswan.org", IKE_ID_FQDN, NULL, 0 },
	{ "192.168.0.256", IKE_ID_FQDN, NULL, 0 },
	{ "carol@strongswan.org", IKE_ID_RFC822_ADDR, NULL, 0 },
	{ "*@strongswan.org", IKE_ID_RFC822_ADDR, NULL, 0 },
	{ "@@carol@strongswan.org", IKE_ID_RFC822_ADDR, NULL, 2 },
	{ "@#0a0b0c", IKE_ID_KEY_ID, "0a0b0c", 0 },
	{ "@#0x0A:0B:0c", IKE_ID_KEY_ID, "0a0b0c", 0 },
	{ "@#abc", IKE_ID_KEY_ID, "0abc", 0 },
	{ "not:an:address", IKE_ID_KEY_ID, NULL, 0 },
	{ "fqdn:192.168.0.1", IKE_ID_FQDN, NULL, 5 },
	{ "FQDN:moon", IKE_ID_FQDN, NULL, 5 },
	{ "dns:moon", IKE_ID_FQDN, NULL, 4 },
	{ "fqdn:#6d6f6f6e", IKE_ID_FQDN, "6d6f6f6e", 0 },
	{ "email:carol", IKE_ID_RFC822_ADDR, NULL, 6 },
	{ "userfqdn:carol@x", IKE_ID_RFC822_ADDR, NULL, 9 },
	{ "rfc822:carol@x", IKE_ID_RFC822_ADDR, NULL, 7 },
	{ "ipv4:10.1.2.3", IKE_ID_IPV4_ADDR, "0a010203", 0 },
	{ "ipv4:#0a010203", IKE_ID_IPV4_ADDR, "0a010203", 0 },
	{ "ipv6:::1", IKE_ID_IPV6_ADDR, "00000000000000000000000000000001", 0 },
	{ "keyid:abc", IKE_ID_KEY_ID, NULL, 6 },
	{ "keyid:#0102", IKE_ID_KEY_ID, "0102", 0 },
	{ "asn1gn:#3000", IKE_ID_DER_ASN1_GN, "3000", 0 },
	{ "asn1dn:#300f310d300b06035504030c046d6f6f6e", IKE_ID_DER_ASN1_DN,
	  "300f310d300b06035504030c046d6f6f6e", 0 },
	{ "{2}:moon", IKE_ID_FQDN, NULL, 4 },
	{ "{0xb}:#ff", IKE_ID_KEY_ID, "ff", 0 },
	{ "{0}:whatever", IKE_ID_ANY, "", 0 },
};

START_TEST(test_ike_id_from_str)
{
	const struct str_case *c = &str_cases[_i];
	struct ike_id id;
	uint8_t want[64];
	size_t n;

	ck_assert_msg(ike_id_from_str(c->str, &id) == 0, "%s", c->str);
	ck_assert_msg(id.type == c->type, "%s: type %u", c->str, id.type);
	if (c->hex) {
		n = unhex(c->hex, want, sizeof(want));
		assert_bytes(&id, want, n);
	} else {
		assert_bytes(&id, (const uint8_t *)c->str + c->skip, strlen(c->str + c->skip));
	}
	/* addresses as the C library reads them */
	if (id.type == IKE_ID_IPV4_ADDR || id.type == IKE_ID_IPV6_ADDR) {
		const char *a =
			strchr(c->str, ':') && !strncmp(c->str, "ipv", 3) ? c->str + 5 : c->str;

		if (*a != '#') {
			ck_assert_int_eq(inet_pton(id.type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6,
						   a, want),
					 1);
			ck_assert_mem_eq(id.data, want, id.len);
		}
	}
	ike_id_free(&id);
	ck_assert_ptr_null(id.data);
}
END_TEST

static const char *const bad_strs[] = {
	"@", /* nothing after @ */
	"@@",
	"@#", /* no hex */
	"@#0g", /* not hex */
	"10.0.0.0/8", /* subnet (strongSwan ID_IPV4_ADDR_SUBNET) */
	"10.0.0.1-10.0.0.9", /* range */
	"fec0::/64", /* IPv6 subnet */
	"ipv4:moon", /* not an address */
	"ipv4:#0102", /* not 4 bytes */
	"ipv6:10.0.0.1", /* not IPv6 */
	"ipv4net:10.0.0.0/8",
	"uri:http://x",
	"fqdn:", /* empty */
	"asn1dn:#3000", /* empty DN */
	"asn1dn:#300f",
	"asn1dn:X=1",
	"C=CH, XX=foo", /* unknown attribute (strongSwan: a KEY_ID nobody can match) */
	"C=CH, O", /* unterminated attribute name */
	"=x",
	"C=1, C=2, C=3, C=4, C=5, C=6, C=7, C=8, C=9, C=10, C=11, C=12, C=13, C=14, C=15, "
	"C=16, C=17, C=18, C=19, C=20, C=21", /* more than strongSwan's 20 RDNs */
	"{99}:x", /* unknown type */
	"{1}:abc", /* an IPv4 address of 3 bytes */
};

START_TEST(test_ike_id_from_str_bad)
{
	struct ike_id id = { .type = 7 };

	ck_assert_msg(ike_id_from_str(bad_strs[_i], &id) == -EINVAL, "%s", bad_strs[_i]);
	ck_assert_uint_eq(id.type, IKE_ID_ANY);
	ck_assert_ptr_null(id.data);
	ck_assert_uint_eq(id.len, 0);
}
END_TEST

/*
 * DN strings and the DER strongSwan 5.9.8 writes for them
 * (`pki --self --in key --type ed25519 --dn STR | pki --dn --format hex`), and how
 * `pki --print` prints the result.
 */
static const struct dn_case {
	const char *str;
	const char *der;
	const char *print;
} dn_cases[] = {
	{ "C=CH, O=strongSwan, CN=moon.strongswan.org",
	  "3040310b300906035504061302434831133011060355040a130a7374726f6e675377616e311c301a06035504"
	  "0313136d6f6f6e2e7374726f6e677377616e2e6f7267",
	  "C=CH, O=strongSwan, CN=moon.strongswan.org" },
	{ "C=CH, O=strongSwan Project, CN=strongSwan Root CA",
	  "3047310b3009060355040613024348311b3019060355040a13127374726f6e675377616e2050726f6a6563"
	  "74311b3019060355040313127374726f6e675377616e20526f6f74204341",
	  "C=CH, O=strongSwan Project, CN=strongSwan Root CA" },
	{ "/C=CH/O=strongSwan/CN=carol",
	  "3032310b300906035504061302434831133011060355040a130a7374726f6e675377616e310e300c06035504"
	  "0313056361726f6c",
	  "C=CH, O=strongSwan, CN=carol" },
	{ "c=CH,o=Linux strongSwan,ou=Research,cn=carol@strongswan.org",
	  "305a310b300906035504061302434831193017060355040a13104c696e7578207374726f6e675377616e3111"
	  "300f060355040b13085265736561726368311d301b06035504030c146361726f6c407374726f6e6773776"
	  "16e2e6f7267",
	  "C=CH, O=Linux strongSwan, OU=Research, CN=carol@strongswan.org" },
	{ "C = CH , O = strongSwan , CN = sun  ",
	  "3030310b300906035504061302434831133011060355040a130a7374726f6e675377616e310c300a06035504"
	  "03130373756e",
	  "C=CH, O=strongSwan, CN=sun" },
	{ "C=DE, ST=Bayern, L=Muenchen, O=Test, OU=IT, CN=gw, E=gw@test.de, DC=test, DC=de, "
	  "SN=Mueller, G=Hans, serialNumber=1234, T=Dr, UID=hans, emailAddress=x@y.de, "
	  "dnQualifier=q, pseudonym=p, I=H, N=name, D=desc",
	  "3082014b310b3009060355040613024445310f300d0603550408130642617965726e3111300f060355040713"
	  "084d75656e6368656e310d300b060355040a130454657374310b3009060355040b13024954310b3009060355"
	  "0403130267773119301706092a864886f70d010901160a677740746573742e646531143012060a0992268993"
	  "f22c64011913047465737431123010060a0992268993f22c640119130264653110300e060355040413074d75"
	  "656c6c6572310d300b060355042a130448616e73310d300b0603550405130431323334310b3009060355040c"
	  "1302447231143012060a0992268993f22c640101130468616e733115301306092a864886f70d010901160678"
	  "40792e6465310a3008060355042e130171310a30080603550441130170310a3008060355042b130148310d30"
	  "0b060355042913046e616d65310d300b060355040d130464657363",
	  "C=DE, ST=Bayern, L=Muenchen, O=Test, OU=IT, CN=gw, E=gw@test.de, DC=test, DC=de, "
	  "SN=Mueller, G=Hans, serialNumber=1234, T=Dr, UID=hans, E=x@y.de, dnQualifier=q, "
	  "pseudonym=p, I=H, N=name, D=desc" },
	{ "postalCode=80331, STREET=Main St 1, ID=xyz",
	  "3032310e300c06035504111305383033333131123010060355040913094d61696e2053742031310c300a0603"
	  "55042d130378797a",
	  "postalCode=80331, STREET=Main St 1, ID=xyz" },
	{ "EN=42, employeeNumber=7",
	  "302731123010060a6086480186f842030103130234323111300f060a6086480186f842030103130137",
	  "employeeNumber=42, employeeNumber=7" },
	{ "UN=un, unstructuredName=h.example",
	  "302d3111300f06092a864886f70d0109021602756e3118301606092a864886f70d0109021609682e6578616d"
	  "706c65",
	  "unstructuredName=un, unstructuredName=h.example" },
	{ "UA=ua, unstructuredAddress=1.2.3.4",
	  "302b3111300f06092a864886f70d010908130275613116301406092a864886f70d0109081307312e322e332e"
	  "34",
	  "unstructuredAddress=ua, unstructuredAddress=1.2.3.4" },
	{ "dmdName=d, ND=nd", "301d310a30080603550436130164310f300d0607028206010a071413026e64",
	  "dmdName=d, ND=nd" },
	{ "postalAddress=pa, Email=e@x",
	  "3021310b30090603550410130270613112301006092a864886f70d0109011603654078",
	  "postalAddress=pa, E=e@x" },
	{ "CN=Gr\xc3\xbc\xc3\x9f"
	  "e, O=\xc3\x9cmlaut AG",
	  "30273110300e06035504030c074772c3bcc39f6531133011060355040a0c0ac39c6d6c617574204147",
	  "CN=Gr????e, O=??mlaut AG" },
	{ "CN=a=b, O=*", "301a310c300a06035504031303613d62310a3008060355040a0c012a",
	  "CN=a=b, O=*" },
	{ "CN=", "300b3109300706035504031300", "CN=" },
	{ "CN=carol, OU=*", "301c310e300c060355040313056361726f6c310a3008060355040b0c012a",
	  "CN=carol, OU=*" },
};

START_TEST(test_ike_id_dn_strongswan)
{
	const struct dn_case *c = &dn_cases[_i];
	struct ike_id id, back;
	uint8_t want[512];
	char buf[IKE_ID_STR_MAX];
	size_t n = unhex(c->der, want, sizeof(want));

	ck_assert_msg(ike_id_from_str(c->str, &id) == 0, "%s", c->str);
	ck_assert_uint_eq(id.type, IKE_ID_DER_ASN1_DN);
	assert_bytes(&id, want, n);
	ck_assert_int_eq(ike_id_to_str(&id, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, c->print);
	/* the same through the payload path, and the asn1dn: prefix */
	ck_assert_int_eq(ike_id_from_pld(IKE_ID_DER_ASN1_DN, want, n, &back), 0);
	ck_assert(ike_id_equal(&id, &back));
	ike_id_free(&back);
	ike_id_free(&id);
}
END_TEST

/* The same strings through strongSwan's pki, live, when it is installed. */
START_TEST(test_ike_id_dn_pki_live)
{
	const struct dn_case *c = &dn_cases[_i];
	char dir[] = "/tmp/ike_id_pki.XXXXXX", cmd[1024], hex[1024] = "";
	struct ike_id id;
	uint8_t want[512];
	size_t n;
	FILE *p;

	if (system("command -v pki >/dev/null 2>&1") != 0) {
		fprintf(stderr, "ike_id: pki not installed, live strongSwan DN check skipped\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && pki --gen --type ed25519 >k.der 2>/dev/null && "
		 "pki --self --in k.der --type ed25519 --dn '%s' 2>/dev/null | "
		 "pki --dn --format hex 2>/dev/null; rm -rf %s",
		 dir, c->str, dir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(hex, sizeof(hex), p));
	pclose(p);
	hex[strcspn(hex, "\n")] = '\0';
	n = unhex(hex, want, sizeof(want));
	ck_assert_int_eq(ike_id_from_str(c->str, &id), 0);
	assert_bytes(&id, want, n);
	ike_id_free(&id);
}
END_TEST

/*
 * The DER OpenSSL writes for the same RDNs, with the string type strongSwan
 * picks: PrintableString when possible, else UTF8String; IA5String for email.
 */
static const struct ossl_case {
	const char *str;
	struct {
		const char *field;
		int type;
		const char *value;
	} rdn[6];
} ossl_cases[] = {
	{ "C=CH, O=strongSwan, CN=moon.strongswan.org",
	  { { "C", V_ASN1_PRINTABLESTRING, "CH" },
	    { "O", V_ASN1_PRINTABLESTRING, "strongSwan" },
	    { "CN", V_ASN1_PRINTABLESTRING, "moon.strongswan.org" } } },
	{ "CN=carol@strongswan.org, emailAddress=carol@strongswan.org, DC=org",
	  { { "CN", V_ASN1_UTF8STRING, "carol@strongswan.org" },
	    { "emailAddress", V_ASN1_IA5STRING, "carol@strongswan.org" },
	    { "DC", V_ASN1_PRINTABLESTRING, "org" } } },
	{ "ST=Z\xc3\xbcrich, L=Rapperswil, OU=Research & Dev, serialNumber=0042",
	  { { "ST", V_ASN1_UTF8STRING, "Z\xc3\xbcrich" },
	    { "L", V_ASN1_PRINTABLESTRING, "Rapperswil" },
	    { "OU", V_ASN1_UTF8STRING, "Research & Dev" },
	    { "serialNumber", V_ASN1_PRINTABLESTRING, "0042" } } },
	{ "SN=Smith, GN=x", { { NULL, 0, NULL } } }, /* GN is no strongSwan name */
	{ "G=John, SN=Smith, title=x", { { NULL, 0, NULL } } },
	{ "G=John, SN=Smith, T=Dr, pseudonym=JS, dnQualifier=q1, UID=js",
	  { { "GN", V_ASN1_PRINTABLESTRING, "John" },
	    { "SN", V_ASN1_PRINTABLESTRING, "Smith" },
	    { "title", V_ASN1_PRINTABLESTRING, "Dr" },
	    { "pseudonym", V_ASN1_PRINTABLESTRING, "JS" },
	    { "dnQualifier", V_ASN1_PRINTABLESTRING, "q1" },
	    { "UID", V_ASN1_PRINTABLESTRING, "js" } } },
};

START_TEST(test_ike_id_dn_openssl)
{
	const struct ossl_case *c = &ossl_cases[_i];
	X509_NAME *name;
	unsigned char *der = NULL;
	struct ike_id id;
	int n;

	if (!c->rdn[0].field) {
		ck_assert_int_eq(ike_id_from_str(c->str, &id), -EINVAL);
		return;
	}
	name = X509_NAME_new();
	ck_assert_ptr_nonnull(name);
	for (size_t i = 0; i < ARRAY_SIZE(c->rdn) && c->rdn[i].field; i++)
		ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, c->rdn[i].field, c->rdn[i].type,
							    (const unsigned char *)c->rdn[i].value,
							    -1, -1, 0),
				 1);
	n = i2d_X509_NAME(name, &der);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(ike_id_from_str(c->str, &id), 0);
	assert_bytes(&id, der, (size_t)n);
	ike_id_free(&id);
	OPENSSL_free(der);
	X509_NAME_free(name);
}
END_TEST

static const struct pld_case {
	uint8_t type;
	const char *hex;
	int rc;
} pld_cases[] = {
	{ IKE_ID_IPV4_ADDR, "c0a80001", 0 },
	{ IKE_ID_IPV4_ADDR, "c0a800", -EBADMSG },
	{ IKE_ID_IPV4_ADDR, "c0a8000101", -EBADMSG },
	{ IKE_ID_IPV6_ADDR, "fec00000000000000000000000000001", 0 },
	{ IKE_ID_IPV6_ADDR, "c0a80001", -EBADMSG },
	{ IKE_ID_FQDN, "6d6f6f6e", 0 },
	{ IKE_ID_FQDN, "", -EBADMSG },
	{ IKE_ID_RFC822_ADDR, "", -EBADMSG },
	{ IKE_ID_KEY_ID, "00", 0 },
	{ IKE_ID_KEY_ID, "", -EBADMSG },
	{ IKE_ID_DER_ASN1_GN, "3000", 0 },
	{ IKE_ID_NULL, "", 0 },
	{ IKE_ID_DER_ASN1_DN, "300f310d300b06035504030c046d6f6f6e", 0 },
	{ IKE_ID_DER_ASN1_DN, "300f310d300b06035504030c046d6f6f6e00", -EBADMSG }, /* trailing */
	{ IKE_ID_DER_ASN1_DN, "300f310d300b06035504030c046d6f6f", -EBADMSG }, /* short */
	{ IKE_ID_DER_ASN1_DN, "3000", -EBADMSG }, /* no RDN */
	{ IKE_ID_DER_ASN1_DN, "30023100", -EBADMSG }, /* empty SET */
	{ IKE_ID_DER_ASN1_DN, "3080310d300b06035504030c046d6f6f6e0000", -EBADMSG }, /* BER */
	{ IKE_ID_DER_ASN1_DN, "30810f310d300b06035504030c046d6f6f6e", -EBADMSG }, /* long form */
	{ IKE_ID_DER_ASN1_DN, "300d310b3009060004030c046d6f6f6e", -EBADMSG }, /* no SEQ */
	{ IKE_ID_DER_ASN1_DN, "300c310a3008060003030c046d6f6f", -EBADMSG },
	{ IKE_ID_DER_ASN1_DN, "300b3109300706000c046d6f6f6e", -EBADMSG }, /* empty OID */
	{ IKE_ID_DER_ASN1_DN, "3011310f300d06035504030c046d6f6f6e0500", -EBADMSG }, /* extra */
	{ IKE_ID_DER_ASN1_DN, "3111310f300d06035504030c046d6f6f6e", -EBADMSG }, /* not SEQ */
	{ IKE_ID_DER_ASN1_DN, "", -EBADMSG },
	{ 0, "00", -EBADMSG },
	{ 4, "0a0000000aff0000", -EBADMSG }, /* IKEv1 subnet */
	{ 14, "00", -EBADMSG },
	{ 255, "00", -EBADMSG },
};

START_TEST(test_ike_id_from_pld)
{
	const struct pld_case *c = &pld_cases[_i];
	struct ike_id id = { .type = 9 };
	uint8_t data[64];
	size_t n = unhex(c->hex, data, sizeof(data));

	ck_assert_msg(ike_id_from_pld(c->type, data, n, &id) == c->rc, "case %d", _i);
	if (c->rc == 0) {
		ck_assert_uint_eq(id.type, c->type);
		assert_bytes(&id, data, n);
		ck_assert(n == 0 || id.data != data); /* a copy */
	} else {
		ck_assert_uint_eq(id.type, 0);
		ck_assert_ptr_null(id.data);
	}
	ike_id_free(&id);
}
END_TEST

/* printing as strongSwan (%Y) */
static const struct print_case {
	uint8_t type;
	const char *hex;
	const char *want;
} print_cases[] = {
	{ IKE_ID_ANY, "", "%any" },
	{ IKE_ID_IPV4_ADDR, "c0a80001", "192.168.0.1" },
	{ IKE_ID_IPV4_ADDR, "c0a800", "(invalid ID_IPV4_ADDR)" },
	{ IKE_ID_IPV6_ADDR, "fec00000000000000000000000000001", "fec0::1" },
	{ IKE_ID_FQDN, "6d6f6f6e2e7374726f6e677377616e2e6f7267", "moon.strongswan.org" },
	{ IKE_ID_RFC822_ADDR, "6361726f6c407374726f6e677377616e2e6f7267", "carol@strongswan.org" },
	{ IKE_ID_FQDN, "61000a1b7f80ff62", "a??????b" },
	{ IKE_ID_KEY_ID, "0a0b0c", "@#0a0b0c" },
	{ IKE_ID_KEY_ID, "6b657931", "key1" },
	/* 20 printable bytes still print as hex: strongSwan takes them for a hash */
	{ IKE_ID_KEY_ID, "3132333435363738393031323334353637383930",
	  "@#3132333435363738393031323334353637383930" },
	{ IKE_ID_DER_ASN1_GN, "3000", "(ASN.1 general name)" },
	{ IKE_ID_DER_ASN1_DN, "3000", "(invalid ID_DER_ASN1_DN)" },
	/* role (2.5.4.72) by name, an unknown OID as strongSwan's %#B */
	{ IKE_ID_DER_ASN1_DN, "301e310a300806035504481301723110300e06092b0601040182370a03130178",
	  "role=r, 2b:06:01:04:01:82:37:0a:03=x" },
	{ IKE_ID_DER_ASN1_DN, "300f310d300b06035504030c046d0a6f1b", "CN=m?o?" },
	{ IKE_ID_NULL, "", "(unknown ID type: 13)" },
};

START_TEST(test_ike_id_to_str)
{
	const struct print_case *c = &print_cases[_i];
	uint8_t data[64];
	size_t n = unhex(c->hex, data, sizeof(data));
	struct ike_id id = { .type = c->type, .data = data, .len = n };
	char buf[IKE_ID_STR_MAX];

	ck_assert_int_eq(ike_id_to_str(&id, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, c->want);
}
END_TEST

START_TEST(test_ike_id_to_str_truncated)
{
	struct ike_id id;
	char buf[8], big[64];

	ck_assert_int_eq(ike_id_from_str("moon.strongswan.org", &id), 0);
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ike_id_to_str(&id, buf, sizeof(buf)), -ENOBUFS);
	ck_assert_str_eq(buf, "moon.st");
	ck_assert_int_eq(ike_id_to_str(&id, buf, 1), -ENOBUFS);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(ike_id_to_str(&id, big, 20), 0); /* exactly fits */
	ck_assert_str_eq(big, "moon.strongswan.org");
	ike_id_free(&id);
}
END_TEST

/* Printed forms read back as the same identity. */
static const char *const roundtrip[] = {
	"192.168.0.1",
	"fec0::1",
	"moon.strongswan.org",
	"carol@strongswan.org",
	"@#0a0b0c0d",
	"C=CH, O=strongSwan Project, CN=moon.strongswan.org",
	"C=CH, O=strongSwan, OU=*, CN=carol@strongswan.org, E=carol@strongswan.org",
	"%any",
};

START_TEST(test_ike_id_roundtrip)
{
	struct ike_id a, b;
	char buf[IKE_ID_STR_MAX];

	ck_assert_int_eq(ike_id_from_str(roundtrip[_i], &a), 0);
	ck_assert_int_eq(ike_id_to_str(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, roundtrip[_i]);
	ck_assert_int_eq(ike_id_from_str(buf, &b), 0);
	ck_assert(ike_id_equal(&a, &b));
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
	ike_id_free(&a);
	ike_id_free(&b);
}
END_TEST

static const struct eq_case {
	const char *a, *b;
	bool equal;
} eq_cases[] = {
	{ "moon.strongswan.org", "MOON.strongSwan.org", true },
	{ "moon.strongswan.org", "moon.strongswan.org.", false },
	{ "moon.strongswan.org", "@moon.strongswan.org", true },
	{ "carol@strongswan.org", "Carol@StrongSwan.org", true },
	{ "carol@strongswan.org", "fqdn:carol@strongswan.org", false }, /* types differ */
	{ "192.168.0.1", "ipv4:#c0a80001", true },
	{ "192.168.0.1", "192.168.0.2", false },
	{ "fec0::1", "fec0:0::0:1", true },
	{ "@#0a0b", "keyid:#0a0b", true },
	{ "@#0a0b", "@#0A0C", false },
	{ "%any", "*", true },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=strongSwan, CN=moon", true },
	{ "C=CH, O=strongSwan, CN=moon", "c=ch,o=STRONGSWAN,cn=Moon", true },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=strong  Swan, CN=moon", false },
	{ "C=CH, O=strong Swan, CN=moon", "C=CH, O=strong  Swan, CN=moon", true },
	/* PrintableString vs UTF8String (asn1dn: 0c = UTF8String) of the same value */
	{ "CN=moon", "asn1dn:#300f310d300b06035504030c046d6f6f6e", true },
	{ "CN=moon", "asn1dn:#300f310d300b06035504030c044d4f4f4e", true },
	{ "C=CH, O=strongSwan, CN=moon", "O=strongSwan, C=CH, CN=moon", false }, /* order */
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=strongSwan", false },
	{ "C=CH, O=strongSwan", "C=CH, O=strongSwan, CN=moon", false },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, OU=strongSwan, CN=moon", false },
	{ "C=CH, O=strongSwan, CN=*", "C=CH, O=strongSwan, CN=moon", false },
	{ "CN=Gr\xc3\xbc\xc3\x9f"
	  "e",
	  "CN=gr\xc3\xbc\xc3\x9f"
	  "e",
	  true },
	{ "CN=Gr\xc3\xbc\xc3\x9f"
	  "e",
	  "CN=Gr\xc3\x9c\xc3\x9f"
	  "e",
	  false },
};

START_TEST(test_ike_id_equal)
{
	const struct eq_case *c = &eq_cases[_i];
	struct ike_id a, b;

	ck_assert_msg(ike_id_from_str(c->a, &a) == 0, "%s", c->a);
	ck_assert_msg(ike_id_from_str(c->b, &b) == 0, "%s", c->b);
	ck_assert_msg(ike_id_equal(&a, &b) == c->equal, "'%s' vs '%s'", c->a, c->b);
	ck_assert(ike_id_equal(&b, &a) == c->equal);
	ike_id_free(&a);
	ike_id_free(&b);
}
END_TEST

START_TEST(test_ike_id_equal_raw)
{
	/* names with a NUL byte equal nothing (strongSwan's equals_strcasecmp) */
	uint8_t nul[] = { 'a', 0, 'b' };
	struct ike_id a = { .type = IKE_ID_FQDN, .data = nul, .len = 3 };
	struct ike_id b = { .type = IKE_ID_FQDN, .data = nul, .len = 3 };
	/* a malformed DN is not even equal to itself */
	uint8_t bad[] = { 0x30, 0x02, 0x31, 0x00 };
	struct ike_id d = { .type = IKE_ID_DER_ASN1_DN, .data = bad, .len = 4 };

	ck_assert(!ike_id_equal(&a, &b));
	ck_assert(!ike_id_equal(&d, &d));
	ck_assert_int_eq(ike_id_match(&d, &d), IKE_ID_MATCH_NONE);
}
END_TEST

static const struct match_case {
	const char *id, *pattern;
	enum ike_id_match want;
} match_cases[] = {
	{ "moon.strongswan.org", "%any", IKE_ID_MATCH_ANY },
	{ "C=CH, CN=moon", "%any", IKE_ID_MATCH_ANY },
	{ "192.168.0.1", "%any", IKE_ID_MATCH_ANY },
	{ "moon.strongswan.org", "moon.strongswan.org", IKE_ID_MATCH_PERFECT },
	{ "moon.strongswan.org", "Moon.StrongSwan.org", IKE_ID_MATCH_PERFECT },
	{ "moon.strongswan.org", "*.strongswan.org", IKE_ID_MATCH_WILDCARD },
	{ "moon.STRONGSWAN.org", "*.strongswan.org", IKE_ID_MATCH_WILDCARD },
	{ "a.b.strongswan.org", "*.strongswan.org", IKE_ID_MATCH_WILDCARD },
	{ "strongswan.org", "*.strongswan.org", IKE_ID_MATCH_NONE },
	{ "moon.strongswan.com", "*.strongswan.org", IKE_ID_MATCH_NONE },
	{ "moon.strongswan.org", "@*", IKE_ID_MATCH_ANY },
	{ "moon.strongswan.org", "moon.*", IKE_ID_MATCH_NONE }, /* only a leading * */
	{ "carol@strongswan.org", "*@strongswan.org", IKE_ID_MATCH_WILDCARD },
	{ "carol@strongswan.org", "carol@strongswan.org", IKE_ID_MATCH_PERFECT },
	{ "carol@strongswan.org", "*@strongswan.com", IKE_ID_MATCH_NONE },
	{ "carol@strongswan.org", "*.strongswan.org", IKE_ID_MATCH_NONE }, /* FQDN pattern */
	{ "192.168.0.1", "192.168.0.1", IKE_ID_MATCH_PERFECT },
	{ "192.168.0.1", "192.168.0.2", IKE_ID_MATCH_NONE },
	{ "fec0::1", "fec0::1", IKE_ID_MATCH_PERFECT },
	{ "fec0::1", "192.168.0.1", IKE_ID_MATCH_NONE },
	{ "@#0a0b", "@#0a0b", IKE_ID_MATCH_PERFECT },
	{ "@#0a0b", "@#0a0c", IKE_ID_MATCH_NONE },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=strongSwan, CN=moon", IKE_ID_MATCH_PERFECT },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=strongSwan, CN=*", IKE_ID_MATCH_WILDCARD },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=*, CN=*", IKE_ID_MATCH_WILDCARD },
	{ "C=CH, O=strongSwan, CN=moon", "C=DE, O=strongSwan, CN=*", IKE_ID_MATCH_NONE },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=strongSwan", IKE_ID_MATCH_NONE },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, CN=*", IKE_ID_MATCH_NONE },
	{ "C=CH, O=strongSwan, CN=moon", "C=CH, O=strongSwan, OU=*", IKE_ID_MATCH_NONE },
	{ "C=CH, O=strongSwan, CN=moon", "O=strongSwan, C=CH, CN=moon", IKE_ID_MATCH_NONE },
	{ "C=CH, O=strongSwan, CN=moon", "moon", IKE_ID_MATCH_NONE },
	{ "%any", "moon", IKE_ID_MATCH_NONE },
	{ "%any", "%any", IKE_ID_MATCH_ANY },
};

START_TEST(test_ike_id_match)
{
	const struct match_case *c = &match_cases[_i];
	struct ike_id id, pat;

	ck_assert_msg(ike_id_from_str(c->id, &id) == 0, "%s", c->id);
	ck_assert_msg(ike_id_from_str(c->pattern, &pat) == 0, "%s", c->pattern);
	ck_assert_msg(ike_id_match(&id, &pat) == c->want, "'%s' against '%s': %d, want %d", c->id,
		      c->pattern, ike_id_match(&id, &pat), c->want);
	ike_id_free(&id);
	ike_id_free(&pat);
}
END_TEST

START_TEST(test_ike_id_copy)
{
	struct ike_id a, b, any = { 0 };

	ck_assert_int_eq(ike_id_from_str("C=CH, O=strongSwan, CN=moon", &a), 0);
	ck_assert_int_eq(ike_id_copy(&b, &a), 0);
	ck_assert_ptr_ne(a.data, b.data);
	ck_assert(ike_id_equal(&a, &b));
	ike_id_free(&a);
	ck_assert_uint_eq(b.type, IKE_ID_DER_ASN1_DN); /* independent of the original */
	ike_id_free(&b);
	ck_assert_int_eq(ike_id_copy(&b, &any), 0);
	ck_assert_uint_eq(b.type, IKE_ID_ANY);
	ck_assert_ptr_null(b.data);
	ike_id_free(&b);
	ike_id_free(&b); /* twice is fine */
}
END_TEST

/* Each fuzz seed, truncated at every length and with every bit flipped, parses or fails cleanly. */
static void mutate_one(const uint8_t *data, size_t len)
{
	struct ike_id id;
	char buf[IKE_ID_STR_MAX], *s;
	int rc;

	if (!len)
		return;
	rc = ike_id_from_pld(data[0], data + 1, len - 1, &id);
	ck_assert(rc == 0 || rc == -EBADMSG);
	if (rc == 0) {
		rc = ike_id_to_str(&id, buf, sizeof(buf));
		ck_assert(rc == 0 || rc == -ENOBUFS);
		(void)ike_id_equal(&id, &id);
		ike_id_free(&id);
	}
	s = strndup((const char *)data, len);
	ck_assert_ptr_nonnull(s);
	rc = ike_id_from_str(s, &id);
	ck_assert(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		ck_assert_msg(
			ike_id_match(&id, &id) ==
				(id.type == IKE_ID_ANY ? IKE_ID_MATCH_ANY : IKE_ID_MATCH_PERFECT),
			"'%s': type %u len %zu", s, id.type, id.len);
		ike_id_free(&id);
	}
	free(s);
}

START_TEST(test_ike_id_fuzz_seeds)
{
	DIR *d = opendir(CORPUS);
	struct dirent *e;
	size_t seeds = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char path[512];
		uint8_t data[512];
		size_t len;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), CORPUS "/%s", e->d_name);
		f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		len = fread(data, 1, sizeof(data), f);
		fclose(f);
		seeds++;
		for (size_t n = 0; n <= len; n++)
			mutate_one(data, n);
		for (size_t bit = 0; bit < len * 8; bit++) {
			data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			mutate_one(data, len);
			data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
	closedir(d);
	ck_assert_uint_ge(seeds, 10);
}
END_TEST

Suite *ike_id_suite(void)
{
	Suite *s = suite_create("ike_id");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ike_id_input);
	tcase_add_loop_test(tc, test_ike_id_from_str, 0, (int)ARRAY_SIZE(str_cases));
	tcase_add_loop_test(tc, test_ike_id_from_str_bad, 0, (int)ARRAY_SIZE(bad_strs));
	tcase_add_loop_test(tc, test_ike_id_dn_strongswan, 0, (int)ARRAY_SIZE(dn_cases));
	tcase_add_loop_test(tc, test_ike_id_dn_pki_live, 0, 5);
	tcase_add_loop_test(tc, test_ike_id_dn_openssl, 0, (int)ARRAY_SIZE(ossl_cases));
	tcase_add_loop_test(tc, test_ike_id_from_pld, 0, (int)ARRAY_SIZE(pld_cases));
	tcase_add_loop_test(tc, test_ike_id_to_str, 0, (int)ARRAY_SIZE(print_cases));
	tcase_add_test(tc, test_ike_id_to_str_truncated);
	tcase_add_loop_test(tc, test_ike_id_roundtrip, 0, (int)ARRAY_SIZE(roundtrip));
	tcase_add_loop_test(tc, test_ike_id_equal, 0, (int)ARRAY_SIZE(eq_cases));
	tcase_add_test(tc, test_ike_id_equal_raw);
	tcase_add_loop_test(tc, test_ike_id_match, 0, (int)ARRAY_SIZE(match_cases));
	tcase_add_test(tc, test_ike_id_copy);
	tcase_add_test(tc, test_ike_id_fuzz_seeds);
	suite_add_tcase(s, tc);
	return s;
}
