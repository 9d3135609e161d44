/*
 * segment-filterd: one segment filter backend (src/segment/filter.h)
 * standalone on a qb loop, for testing/vm/segment-filter and
 * testing/bench/segment-filter.
 *
 *   segment-filterd --backend nfqueue|nft --cluster-ip A --count N --seed S
 *                   --owned 0,2 [--queue Q] [--table NAME] [--ctl FILE]
 *                   [--fail-open] [--verbose]
 *
 * --owned takes a comma-separated list of segment numbers ("" or "none":
 * no segment). SIGHUP re-reads the owned list from the --ctl file (the same
 * syntax; first line). SIGUSR1 prints the counters as one JSON line on
 * stdout; so does the exit on SIGTERM/SIGINT. "ready" is printed on stderr
 * once the filter is in place.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <qb/qbloop.h>

#include "common/log.h"
#include "segment/filter.h"

struct ctx {
	qb_loop_t *loop;
	struct seg_filter *f;
	struct seg_filter_cfg cfg;
	const char *ctl;
};

/* "0,2" -> bits 0 and 2; -EINVAL for a bad list or a segment >= count */
static int parse_owned(const char *s, unsigned int count, uint64_t *out)
{
	uint64_t m = 0;
	char *end;
	unsigned long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '\n' || strncmp(s, "none", 4) == 0) {
		*out = 0;
		return 0;
	}
	for (;;) {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || end == s || v >= count)
			return -EINVAL;
		m |= UINT64_C(1) << v;
		s = end;
		if (*s != ',')
			break;
		s++;
	}
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	if (*s)
		return -EINVAL;
	*out = m;
	return 0;
}

static void print_counters(struct ctx *c)
{
	uint64_t owned = seg_filter_owned(c->f), acc, drop;
	unsigned int j;
	const char *sep = "";

	printf("{\"backend\":\"%s\",\"owned\":[", seg_filter_backend_name(c->cfg.backend));
	for (j = 0; j < c->cfg.seg.count; j++) {
		if (owned & (UINT64_C(1) << j)) {
			printf("%s%u", sep, j);
			sep = ",";
		}
	}
	printf("],\"malformed\":%" PRIu64 ",\"segments\":[", seg_filter_malformed(c->f));
	for (j = 0; j < c->cfg.seg.count; j++) {
		if (seg_filter_counters(c->f, j, &acc, &drop))
			acc = drop = 0;
		printf("%s{\"segment\":%u,\"accepted\":%" PRIu64 ",\"dropped\":%" PRIu64 "}",
		       j ? "," : "", j, acc, drop);
	}
	printf("]}\n");
	fflush(stdout);
}

static int reload(struct ctx *c)
{
	char line[1024];
	uint64_t m;
	FILE *fp;
	int rc;

	if (!c->ctl)
		return 0;
	fp = fopen(c->ctl, "r");
	if (!fp) {
		fprintf(stderr, "segment-filterd: %s: %s\n", c->ctl, strerror(errno));
		return -errno;
	}
	if (!fgets(line, sizeof(line), fp))
		line[0] = 0;
	fclose(fp);
	rc = parse_owned(line, c->cfg.seg.count, &m);
	if (rc) {
		fprintf(stderr, "segment-filterd: %s: bad owned list\n", c->ctl);
		return rc;
	}
	rc = seg_filter_set_owned(c->f, m);
	if (rc)
		fprintf(stderr, "segment-filterd: set_owned: %s\n", strerror(-rc));
	else
		fprintf(stderr, "segment-filterd: owned 0x%" PRIx64 "\n", m);
	return rc;
}

static int32_t on_hup(int32_t sig, void *data)
{
	UNUSED(sig);
	(void)reload(data);
	return 0;
}

static int32_t on_usr1(int32_t sig, void *data)
{
	UNUSED(sig);
	print_counters(data);
	return 0;
}

static int32_t on_stop(int32_t sig, void *data)
{
	struct ctx *c = data;

	UNUSED(sig);
	qb_loop_stop(c->loop);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: segment-filterd --backend nfqueue|nft --cluster-ip A --count N "
			"--seed S --owned LIST [--queue Q] [--table NAME] [--ctl FILE] "
			"[--fail-open] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "cluster-ip", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "owned", required_argument, NULL, 'o' },
		{ "queue", required_argument, NULL, 'q' },
		{ "table", required_argument, NULL, 't' },
		{ "ctl", required_argument, NULL, 'C' },
		{ "fail-open", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { .cfg = { .seg = { .version = SEGMENT_VERSION_1 },
				  .nft_table = "ikenode" } };
	const char *owned = NULL, *ip = NULL;
	int opt, rc, prio = LOG_NOTICE;
	bool have_backend = false;
	unsigned long v;
	uint64_t m;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			have_backend = true;
			if (strcmp(optarg, "nfqueue") == 0)
				c.cfg.backend = SEG_FILTER_NFQUEUE;
			else if (strcmp(optarg, "nft") == 0)
				c.cfg.backend = SEG_FILTER_NFT;
			else
				usage();
			break;
		case 'c':
			ip = optarg;
			break;
		case 'n':
			v = strtoul(optarg, NULL, 0);
			if (v < 1 || v > SEGMENT_MAX)
				usage();
			c.cfg.seg.count = (uint8_t)v;
			break;
		case 's':
			c.cfg.seg.seed = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			owned = optarg;
			break;
		case 'q':
			c.cfg.queue_num = (uint16_t)strtoul(optarg, NULL, 0);
			break;
		case 't':
			c.cfg.nft_table = optarg;
			break;
		case 'C':
			c.ctl = optarg;
			break;
		case 'F':
			c.cfg.fail_open = true;
			break;
		case 'v':
			prio = LOG_DEBUG;
			break;
		default:
			usage();
		}
	}
	if (!have_backend || !ip || !c.cfg.seg.count || !owned || optind != argc)
		usage();
	if (inet_pton(AF_INET, ip, c.cfg.cluster_ip) == 1)
		c.cfg.family = AF_INET;
	else if (inet_pton(AF_INET6, ip, c.cfg.cluster_ip) == 1)
		c.cfg.family = AF_INET6;
	else
		usage();
	if (parse_owned(owned, c.cfg.seg.count, &m))
		usage();

	log_init("segment-filterd", LOG_TARGET_STDERR, prio);
	c.loop = qb_loop_create();
	if (!c.loop) {
		fprintf(stderr, "segment-filterd: qb_loop_create failed\n");
		return 1;
	}
	rc = seg_filter_new(&c.f, &c.cfg, c.loop);
	if (rc) {
		fprintf(stderr, "segment-filterd: %s: %s\n", seg_filter_backend_name(c.cfg.backend),
			strerror(-rc));
		qb_loop_destroy(c.loop);
		log_fini();
		return 1;
	}
	rc = seg_filter_set_owned(c.f, m);
	if (!rc && c.ctl)
		rc = reload(&c);
	if (rc) {
		fprintf(stderr, "segment-filterd: cannot set the owned segments\n");
		goto out;
	}
	qb_loop_signal_add(c.loop, QB_LOOP_HIGH, SIGHUP, &c, on_hup, NULL);
	qb_loop_signal_add(c.loop, QB_LOOP_HIGH, SIGUSR1, &c, on_usr1, NULL);
	qb_loop_signal_add(c.loop, QB_LOOP_HIGH, SIGTERM, &c, on_stop, NULL);
	qb_loop_signal_add(c.loop, QB_LOOP_HIGH, SIGINT, &c, on_stop, NULL);
	fprintf(stderr, "segment-filterd: ready\n");
	qb_loop_run(c.loop);
	print_counters(&c);
out:
	seg_filter_free(c.f);
	qb_loop_destroy(c.loop);
	log_fini();
	return rc ? 1 : 0;
}
