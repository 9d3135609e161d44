/* NAT detection hashes (RFC 7296 §2.23). */
#include "ikenode/natd.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <openssl/evp.h>

int natd_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct sockaddr_storage *sa,
	      uint8_t out[NATD_HASH_LEN])
{
	uint8_t buf[8 + 8 + 16 + 2];
	size_t alen;
	unsigned int len = 0;

	if (!spi_i || !spi_r || !sa || !out)
		return -EINVAL;
	memcpy(buf, spi_i, 8);
	memcpy(buf + 8, spi_r, 8);
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

		alen = 4;
		memcpy(buf + 16, &s->sin_addr, 4);
		memcpy(buf + 20, &s->sin_port, 2);
	} else if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;

		alen = 16;
		memcpy(buf + 16, &s->sin6_addr, 16);
		memcpy(buf + 32, &s->sin6_port, 2);
	} else {
		return -EINVAL;
	}
	if (EVP_Digest(buf, 16 + alen + 2, out, &len, EVP_sha1(), NULL) != 1 ||
	    len != NATD_HASH_LEN)
		return -EIO;
	return 0;
}
