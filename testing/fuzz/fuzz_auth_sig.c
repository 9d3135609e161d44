/*
 * auth_sig_verify() on arbitrary AUTH payloads: the first input byte is the AUTH method, the
 * second picks one of three fixed public keys (RSA-2048, P-256, Ed25519: the keys in
 * testing/data/auth), the rest is the AUTH data, verified over fixed octets. The result must
 * be one of the documented ones; auth_sig_data_name() must cope with the same bytes. The
 * seeds in testing/fuzz/corpus/auth_sig/ include valid signatures over OCTETS below.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ikenode/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OCTETS "ikenode fuzz_auth_sig: the signed octets"

static const char *const pub_pems[] = {
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5c/mNNase0JJb8cz75BO\n"
	"Z6OrB9XGoS134hmtmUVDZH8QqXzTvNLPHoOtCPFUY58sRgn3hoQpyzNtmulQf1ag\n"
	"/67PQK7cXgHO3erQMv5o2Gae76vo/Twp7PpijIwbyLJpUB9X+tmKMyc2yQyCMwgH\n"
	"GbrrAo8t2a+FpLyjBna7p4QPVU2MAuPMZiNoaPctmClhyzOx6IBPpmbhSa0FxsyX\n"
	"0GcFQ+jfxY2Lvk8DUIKtG3NECzoGvzvecRXUvaB5cb/iBsDfmju/vtMmqksxTp0S\n"
	"A/TM4BqPkn3NrsgxdtxFIeRp/B5tfbAapZclzaYXMVwmLtW3ADc1KhMp+o4LYYyq\n"
	"2wIDAQAB\n"
	"-----END PUBLIC KEY-----\n",
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExAaqnBHrtssnfgOf+r7nMGI6l7sb\n"
	"DySms1StXHjVYpMovNfetAk+QFIsH56Tg7zwfi46rAsFg8/CrhOhbHMJTA==\n"
	"-----END PUBLIC KEY-----\n",
	"-----BEGIN PUBLIC KEY-----\n"
	"MCowBQYDK2VwAyEA3oe3qwiFS3vUGJU/UMD2FQjrCKBALuP27SkbMJkXtmk=\n"
	"-----END PUBLIC KEY-----\n",
};

static EVP_PKEY *load_pub(unsigned int which)
{
	const char *pem = pub_pems[which % (sizeof(pub_pems) / sizeof(pub_pems[0]))];
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *pub = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	return pub;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EVP_PKEY *pub;
	uint8_t *copy;
	size_t len;
	int rc;

	if (size < 2)
		return 0;
	pub = load_pub(data[1]);
	if (!pub)
		abort();
	len = size - 2;
	/* an exact-size copy, so that a sanitizer sees any read past the end */
	copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, data + 2, len);
	rc = auth_sig_verify(pub, data[0], copy, len, (const uint8_t *)OCTETS, strlen(OCTETS));
	if (rc != 0 && rc != -EACCES && rc != -ENOTSUP && rc != -EBADMSG && rc != -ENOMEM)
		abort();
	if (!auth_sig_data_name(copy, len))
		abort();
	free(copy);
	EVP_PKEY_free(pub);
	return 0;
}
