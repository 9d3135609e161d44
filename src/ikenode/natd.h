/*
 * NAT detection (RFC 7296 §2.23): the NAT_DETECTION_SOURCE_IP and
 * NAT_DETECTION_DESTINATION_IP notify data.
 */
#ifndef IKN_IKENODE_NATD_H
#define IKN_IKENODE_NATD_H

#include <stdint.h>
#include <sys/socket.h>

#include "common/defs.h"

#define NATD_HASH_LEN 20

/*
 * SHA-1(SPIi | SPIr | IP address | port), address and port in network
 * order, into out. sa: AF_INET or AF_INET6 (borrowed). 0, -EINVAL (other
 * family, NULL), -EIO (OpenSSL failure).
 */
MUST_CHECK int natd_hash(const uint8_t spi_i[8], const uint8_t spi_r[8],
			 const struct sockaddr_storage *sa, uint8_t out[NATD_HASH_LEN]);

#endif
