/*
 * segment-send: sends one UDP datagram to DST PORT from each source address
 * read from stdin (one per line). The sources need not be configured on any
 * interface: the socket binds with IP_TRANSPARENT / IPV6_TRANSPARENT (needs
 * CAP_NET_ADMIN; IP_FREEBIND alone fails the IPv4 route lookup). Used by
 * testing/vm/segment-hash-agreement.
 *
 *   segment-send DST PORT < sources
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static int make_sa(const char *s, unsigned int port, union sa *out, socklen_t *len)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, &out->in.sin_addr) == 1) {
		out->in.sin_family = AF_INET;
		out->in.sin_port = htons(port);
		*len = sizeof(out->in);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &out->in6.sin6_addr) == 1) {
		out->in6.sin6_family = AF_INET6;
		out->in6.sin6_port = htons(port);
		*len = sizeof(out->in6);
		return 0;
	}
	return -1;
}

static int send_from(const union sa *src, socklen_t slen, const union sa *dst, socklen_t dlen)
{
	int one = 1, fd, rc = -1;

	fd = socket(dst->sa.sa_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	if (dst->sa.sa_family == AF_INET)
		rc = setsockopt(fd, IPPROTO_IP, IP_TRANSPARENT, &one, sizeof(one));
	else
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, &one, sizeof(one));
	if (rc == 0)
		rc = bind(fd, &src->sa, slen);
	if (rc == 0)
		rc = sendto(fd, "seg", 3, 0, &dst->sa, dlen) == 3 ? 0 : -1;
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	union sa dst, src;
	socklen_t dlen, slen;
	char line[256], addr[128];
	unsigned long sent = 0;

	if (argc != 3 || make_sa(argv[1], (unsigned int)atoi(argv[2]), &dst, &dlen) < 0) {
		fprintf(stderr, "usage: segment-send DST PORT < sources\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%127s", addr) != 1)
			continue;
		if (make_sa(addr, 40000, &src, &slen) < 0 || src.sa.sa_family != dst.sa.sa_family) {
			fprintf(stderr, "segment-send: bad source %s\n", addr);
			return 2;
		}
		if (send_from(&src, slen, &dst, dlen) < 0) {
			perror(addr);
			return 1;
		}
		sent++;
	}
	printf("segment-send: %lu datagrams\n", sent);
	return 0;
}
