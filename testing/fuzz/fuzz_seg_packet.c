/*
 * seg_filter_packet_segment() on arbitrary bytes: the headers of whatever
 * the kernel queues to the NFQUEUE filter. The input is copied into a buffer
 * of exactly its size (the sanitizers see any read past it) and placed with
 * an IPv4 and an IPv6 cluster configuration, with and without a
 * classification table. Besides never crashing: the result is a segment
 * below the count or one of the documented errors, else abort().
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "segment/classify.h"
#include "segment/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void place(const struct seg_filter_cfg *cfg, const struct classify *cls,
		  const uint8_t *p, size_t n)
{
	int seg = seg_filter_packet_segment(cfg, cls, p, n);

	if (!(seg == -ENOENT || seg == -EBADMSG || (seg >= 0 && seg < cfg->seg.count)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seg_filter_cfg v4 = { .backend = SEG_FILTER_NFQUEUE,
				     .seg = { .version = SEGMENT_VERSION_1, .count = 6, .seed = 7 },
				     .family = AF_INET,
				     .cluster_ip = { 10, 9, 0, 5 } };
	struct seg_filter_cfg v6 = v4;
	struct flow_key pfx = { .family = AF_INET, .addr = { 10, 200 } };
	struct classify *cls = classify_new(8);
	uint8_t *p = malloc(size ? size : 1);

	v6.family = AF_INET6;
	memset(v6.cluster_ip, 0, 16);
	v6.cluster_ip[0] = 0xfd, v6.cluster_ip[15] = 5;
	if (p && cls && classify_add(cls, &pfx, 16, 5) == 0) {
		memcpy(p, data, size);
		place(&v4, NULL, p, size);
		place(&v4, cls, p, size);
		place(&v6, NULL, p, size);
		place(&v6, cls, p, size);
	}
	classify_free(cls);
	free(p);
	return 0;
}
