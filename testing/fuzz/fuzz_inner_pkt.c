/*
 * inner_flow_parse() and inner_tcp_coalescable() on arbitrary bytes: what a
 * peer may put inside ESP. The input is copied into a buffer of exactly its
 * size, so the sanitizers see any read past it. Besides never crashing: the
 * addresses point into the packet, and a coalescable packet's headers leave
 * payload behind them, else abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/inner_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	struct inner_flow f;
	size_t iphl, tcphl;

	if (!p)
		return 0;
	memcpy(p, data, size);
	if (inner_flow_parse(p, size, &f)) {
		size_t n = f.family == AF_INET ? 4 : 16;

		if ((f.family != AF_INET && f.family != AF_INET6) || f.src < p || f.dst < p ||
		    f.src + n > p + size || f.dst + n > p + size)
			abort();
	}
	if (inner_tcp_coalescable(p, size, &iphl, &tcphl) &&
	    (iphl + tcphl >= size || tcphl < 20 || (iphl != 20 && iphl != 40)))
		abort();
	free(p);
	return 0;
}
