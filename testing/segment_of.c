/*
 * segment-of: prints segment_of() for addresses read from stdin, one per
 * line, as "ADDR SEGMENT". A line "ADDR EXPECTED" is checked instead: each
 * disagreement prints "MISMATCH ADDR ours=X kernel=Y" and the exit status
 * is 1 (also when there was no address at all). Used by
 * testing/vm/segment-hash-agreement.
 *
 *   segment-of -n COUNT [-s SEED] < addresses
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "segment/segment.h"

static int parse_key(const char *s, struct flow_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	return inet_pton(key->family, s, key->addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct segment_cfg cfg = { .version = SEGMENT_VERSION_1 };
	char line[256], addr[128];
	unsigned long n = 0, lines = 0;
	int opt, bad = 0, want, got, fields;
	struct flow_key key;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.seed = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (n < 1 || n > SEGMENT_MAX)
		goto usage;
	cfg.count = (uint8_t)n;
	while (fgets(line, sizeof(line), stdin)) {
		fields = sscanf(line, "%127s %d", addr, &want);
		if (fields < 1)
			continue;
		if (parse_key(addr, &key) < 0) {
			fprintf(stderr, "segment-of: bad address %s\n", addr);
			return 2;
		}
		got = segment_of(&key, &cfg);
		lines++;
		if (fields == 1) {
			printf("%s %d\n", addr, got);
		} else if (got != want) {
			printf("MISMATCH %s ours=%d kernel=%d\n", addr, got, want);
			bad = 1;
		}
	}
	if (!lines) {
		fprintf(stderr, "segment-of: no addresses\n");
		return 1;
	}
	return bad;
usage:
	fprintf(stderr, "usage: segment-of -n COUNT(1..%d) [-s SEED] < addresses\n", SEGMENT_MAX);
	return 2;
}
