/*
 * ikenode-decode: prints IKEv2 messages from a capture, from hex or from a
 * raw file, decrypting SK/SKF payloads with keys in Wireshark's
 * ikev2_decryption_table format.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ikenode/decode_keys.h"
#include "ikenode/decode_pcap.h"
#include "ikenode/decode_print.h"

#define MAX_MESSAGE 65535
#define EXIT_DECODE_ERRORS 1
#define EXIT_USAGE 2

struct run {
	struct decode_printer *pr;
	unsigned long printed, failed;
};

static void usage(FILE *f)
{
	fputs("usage: ikenode-decode [--keys FILE] [--json] CAPTURE.pcap\n"
	      "       ikenode-decode [--keys FILE] [--json] --hex FILE|-|HEX\n"
	      "       ikenode-decode [--keys FILE] [--json] --raw FILE\n"
	      "\n"
	      "Prints each IKEv2 message (UDP 500, and UDP 4500 after the non-ESP marker)\n"
	      "with its header and payload chain.\n"
	      "\n"
	      "  -k, --keys FILE  SK keys in Wireshark's ikev2_decryption_table format;\n"
	      "                   SK and SKF payloads of those IKE_SAs are verified,\n"
	      "                   decrypted and their inner payloads printed\n"
	      "  -j, --json       one JSON array of message objects\n"
	      "  -x, --hex ARG    messages in hex, one per line, from a file, '-' for\n"
	      "                   standard input, or the argument itself\n"
	      "  -r, --raw FILE   one binary message\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Exit status: 0 all decoded; 1 a message was malformed or failed its\n"
	      "integrity check; 2 bad arguments or unreadable input.\n",
	      f);
}

static void count(struct run *run, int rc)
{
	run->printed++;
	if (rc)
		run->failed++;
}

static int on_pkt(void *ctx, unsigned long frame, const struct timeval *ts,
		  const struct decode_pkt *pkt)
{
	struct run *run = ctx;
	struct decode_source src = { .index = frame, .ts = ts, .pkt = pkt };

	count(run, decode_printer_message(run->pr, &src, pkt->ike, pkt->ike_len));
	return 0;
}

static int run_pcap(struct run *run, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE], err[PCAP_ERRBUF_SIZE + 64];
	struct decode_pcap_stats stats;
	pcap_t *p = pcap_open_offline(path, errbuf);
	int rc;

	if (!p) {
		/* libpcap names the file in some errors, not in others */
		if (strncmp(errbuf, path, strlen(path)) == 0)
			fprintf(stderr, "ikenode-decode: %s\n", errbuf);
		else
			fprintf(stderr, "ikenode-decode: %s: %s\n", path, errbuf);
		return -ENOENT;
	}
	rc = decode_pcap_each(p, on_pkt, run, &stats, err, sizeof(err));
	pcap_close(p);
	if (rc) {
		fprintf(stderr, "ikenode-decode: %s: %s\n", path, err);
		return rc;
	}
	fprintf(stderr, "ikenode-decode: %s: %lu frames, %lu IKE messages, %lu other, %lu malformed\n",
		path, stats.frames, stats.ike, stats.other, stats.malformed);
	return 0;
}

static int run_hex_line(struct run *run, const char *line)
{
	uint8_t *msg = malloc(MAX_MESSAGE);
	struct decode_source src = { .index = run->printed + 1 };
	size_t len;
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = hex_decode(line, msg, MAX_MESSAGE, &len);
	if (rc) {
		fprintf(stderr, "ikenode-decode: input %lu: not hex, or longer than %d bytes\n",
			src.index, MAX_MESSAGE);
		count(run, rc);
	} else if (len) {
		count(run, decode_printer_message(run->pr, &src, msg, len));
	}
	free(msg);
	return 0;
}

static int run_hex(struct run *run, const char *arg)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (strcmp(arg, "-") == 0) {
		f = stdin;
	} else if (!(f = fopen(arg, "r"))) {
		/* the argument is the hex itself, or a file we cannot open */
		if (arg[strspn(arg, "0123456789abcdefABCDEF: \t\n")] != '\0') {
			fprintf(stderr, "ikenode-decode: %s: %s\n", arg, strerror(errno));
			return -ENOENT;
		}
		return run_hex_line(run, arg);
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0)
		if (line[strspn(line, " \t")] != '#')
			rc = run_hex_line(run, line);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int run_raw(struct run *run, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *msg = malloc(MAX_MESSAGE + 1);
	struct decode_source src = { .index = 1 };
	size_t len;
	int rc = 0;

	if (!f || !msg) {
		fprintf(stderr, "ikenode-decode: %s: %s\n", path, strerror(errno));
		rc = -ENOENT;
	} else if ((len = fread(msg, 1, MAX_MESSAGE + 1, f)) > MAX_MESSAGE) {
		fprintf(stderr, "ikenode-decode: %s: longer than %d bytes\n", path, MAX_MESSAGE);
		rc = -EFBIG;
	} else {
		count(run, decode_printer_message(run->pr, &src, msg, len));
	}
	free(msg);
	if (f)
		fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "keys", required_argument, NULL, 'k' }, { "json", no_argument, NULL, 'j' },
		{ "hex", required_argument, NULL, 'x' },  { "raw", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },	  { NULL, 0, NULL, 0 },
	};
	const char *keys_path = NULL, *hex = NULL, *raw = NULL;
	struct decode_keys *keys = NULL;
	struct decode_print_stats ps;
	struct run run = { 0 };
	bool json = false;
	char err[512];
	int c, rc;

	while ((c = getopt_long(argc, argv, "k:jx:r:h", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			keys_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'x':
			hex = optarg;
			break;
		case 'r':
			raw = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if ((hex != NULL) + (raw != NULL) + (optind < argc) != 1 || argc - optind > 1) {
		fputs("ikenode-decode: give exactly one input: a capture, --hex or --raw\n", stderr);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (keys_path && decode_keys_load(keys_path, &keys, err, sizeof(err))) {
		fprintf(stderr, "ikenode-decode: %s\n", err);
		return EXIT_USAGE;
	}
	if (decode_printer_new(&run.pr, stdout, json, keys)) {
		decode_keys_free(keys);
		return EXIT_USAGE;
	}
	if (hex)
		rc = run_hex(&run, hex);
	else if (raw)
		rc = run_raw(&run, raw);
	else
		rc = run_pcap(&run, argv[optind]);
	decode_printer_stats(run.pr, &ps);
	decode_printer_free(run.pr);
	decode_keys_free(keys);
	if (rc == 0)
		fprintf(stderr,
			"ikenode-decode: %lu messages: %lu malformed; SK/SKF payloads: %lu decrypted, "
			"%lu ICV check failed, %lu without key\n",
			ps.messages, ps.malformed, ps.decrypted, ps.icv_failed, ps.no_key);
	if (rc)
		return EXIT_USAGE;
	return run.failed ? EXIT_DECODE_ERRORS : 0;
}
