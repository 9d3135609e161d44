/*
 * xfrm-tool: the xfrm backend of kernel_ipsec on SAs already in the kernel
 * (whoever added them), for the QEMU scenario testing/vm/xfrm-guests.
 *
 *   xfrm-tool query DST SPI        seq_out, replay_top, packets, bytes, ...
 *   xfrm-tool set-seq DST SPI SEQ  moves the next outbound sequence number
 *   xfrm-tool set-replay DST SPI TOP
 *                                  replay_top TOP, every bit of the window set
 *   xfrm-tool update DST SPI NEWSRC NEWDST [SPORT DPORT]
 *                                  new outer addresses (ESP in UDP with ports)
 *
 * SPI and SEQ take C notation (0x...). Protocol ESP. Exit 0 on success, 1
 * on a kernel error (printed), 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbloop.h>

#include "common/log.h"
#include "kernel/kernel_ipsec.h"

static int usage(void)
{
	fprintf(stderr, "usage: xfrm-tool query DST SPI\n"
			"       xfrm-tool set-seq DST SPI SEQ\n"
			"       xfrm-tool set-replay DST SPI TOP\n"
			"       xfrm-tool update DST SPI NEWSRC NEWDST [SPORT DPORT]\n");
	return 2;
}

static int parse_addr(const char *s, struct sockaddr_storage *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &((struct sockaddr_in *)a)->sin_addr) == 1) {
		a->ss_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &((struct sockaddr_in6 *)a)->sin6_addr) == 1) {
		a->ss_family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end || *v > max ? -EINVAL : 0;
}

static int query(struct kernel_ipsec *k, uint32_t spi, const struct sockaddr_storage *dst)
{
	struct kernel_sa_state st;
	uint32_t bm = 0;
	int rc = kernel_ipsec_query_sa(k, spi, IPPROTO_ESP, dst, &st);

	if (rc)
		return rc;
	for (int i = 0; i < 4; i++)
		bm |= (uint32_t)st.replay_bitmap[i] << (8 * i);
	printf("seq_out=%" PRIu64 " replay_top=%" PRIu64 " packets=%" PRIu64 " bytes=%" PRIu64
	       " replay_window=%" PRIu32 " bitmap32=0x%08" PRIx32 " drops_icv=%" PRIu64
	       " drops_replay=%" PRIu64 "\n",
	       st.seq_out, st.replay_top, st.packets, st.bytes, st.replay_window, bm, st.drops_icv,
	       st.drops_replay);
	return 0;
}

static void set_port(struct sockaddr_storage *a, uint16_t port)
{
	if (a->ss_family == AF_INET)
		((struct sockaddr_in *)a)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)a)->sin6_port = htons(port);
}

static int set_replay(struct kernel_ipsec *k, uint32_t spi, const struct sockaddr_storage *dst,
		      uint64_t top)
{
	struct kernel_sa_state st;
	int rc = kernel_ipsec_query_sa(k, spi, IPPROTO_ESP, dst, &st);

	if (rc)
		return rc;
	st.replay_top = top;
	memset(st.replay_bitmap, 0xff, sizeof(st.replay_bitmap));
	return kernel_ipsec_set_replay(k, spi, IPPROTO_ESP, dst, &st);
}

static int update(struct kernel_ipsec *k, uint32_t spi, const struct sockaddr_storage *dst,
		  int argc, char **argv)
{
	struct sockaddr_storage s, d;
	uint64_t sport = 0, dport = 0;

	if (parse_addr(argv[4], &s) || parse_addr(argv[5], &d) ||
	    (argc == 8 &&
	     (parse_u64(argv[6], UINT16_MAX, &sport) || parse_u64(argv[7], UINT16_MAX, &dport))))
		return -EINVAL;
	set_port(&s, (uint16_t)sport);
	set_port(&d, (uint16_t)dport);
	return kernel_ipsec_update_sa(k, spi, IPPROTO_ESP, dst, &s, &d, argc == 8);
}

int main(int argc, char **argv)
{
	struct kernel_ipsec *k = NULL;
	struct sockaddr_storage dst;
	uint64_t spi, v = 0;
	const char *cmd;
	qb_loop_t *loop;
	int rc;

	if (argc < 4 || parse_addr(argv[2], &dst) || parse_u64(argv[3], UINT32_MAX, &spi))
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "set-seq") || !strcmp(cmd, "set-replay")) {
		if (argc != 5 || parse_u64(argv[4], UINT64_MAX, &v))
			return usage();
	} else if (!strcmp(cmd, "update")) {
		if (argc != 6 && argc != 8)
			return usage();
	} else if (strcmp(cmd, "query") || argc != 4) {
		return usage();
	}
	log_init("xfrm-tool", LOG_TARGET_STDERR, LOG_WARNING);
	loop = qb_loop_create();
	if (!loop) {
		fprintf(stderr, "xfrm-tool: no memory\n");
		return 1;
	}
	rc = kernel_ipsec_new(&k, "xfrm", loop, NULL, NULL);
	if (rc == 0 && !strcmp(cmd, "set-seq"))
		rc = kernel_ipsec_set_seq(k, (uint32_t)spi, IPPROTO_ESP, &dst, v);
	else if (rc == 0 && !strcmp(cmd, "set-replay"))
		rc = set_replay(k, (uint32_t)spi, &dst, v);
	else if (rc == 0 && !strcmp(cmd, "update"))
		rc = update(k, (uint32_t)spi, &dst, argc, argv);
	if (rc == 0 && strcmp(cmd, "update"))
		rc = query(k, (uint32_t)spi, &dst);
	if (rc)
		fprintf(stderr, "xfrm-tool: %s: %s\n", cmd, strerror(-rc));
	kernel_ipsec_free(k);
	qb_loop_destroy(loop);
	log_fini();
	return rc ? 1 : 0;
}
