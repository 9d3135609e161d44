/*
 * ikenode-decode end to end on an arbitrary capture file: libpcap's reader,
 * our packet layer (link types, IP, UDP, non-ESP marker) and the printer
 * (header, payload chain, SK/SKF decryption with the sample capture's keys,
 * inner chain) in both text and JSON, written to /dev/null.
 */
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ikenode/decode_keys.h"
#include "ikenode/decode_pcap.h"
#include "ikenode/decode_print.h"

/* testing/data/strongswan-psk.keys: test keys of a throwaway session */
static const char sample_keys[] =
	"164a4ed0917b7692,1057ed7c77d19e12,e61f39a095297bd1e357dacf9d714982,"
	"7483afe3ebafeaba95cee0de0616ade4,\"AES-CBC-128 [RFC3602]\","
	"b384cbb22a0ce303f8901cf7a9fb57a47f1e73ff6f2d083443222eda57a99541,"
	"09569c481459c628f1034ff8d1f0caaa591badfa6f84c721f6fe8eee08dd4919,"
	"\"HMAC_SHA2_256_128 [RFC4868]\"\n"
	"b555b0b797184317,14f5c2511b00bd61,"
	"f6d8ba906d8bfe5051b073fbba5f78f2c6cf3d8a12a1c7ad681f3bb8e4d4d93510cb84f0,"
	"9104d5c07b6bdfe44030a768b5f8c3409656a25b275a351c483a03073f2a5ddd6938b204,"
	"\"AES-GCM-256 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"\n"
	/* fuzz_ike_msg_sk.c's fixed keys: its sealed seeds, SKF fragments included */
	"a1a2a3a4a5a6a7a8,b1b2b3b4b5b6b7b8,000102030405060708090a0b0c0d0e0f,"
	"000102030405060708090a0b0c0d0e0f,\"AES-CBC-128 [RFC3602]\","
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,"
	"\"HMAC_SHA2_256_128 [RFC4868]\"\n"
	"a1a2a3a4a5a6a7a8,b1b2b3b4b5b6b7b9,101112131415161718191a1b1c1d1e1f20212223,"
	"101112131415161718191a1b1c1d1e1f20212223,"
	"\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"\n";

static int on_pkt(void *ctx, unsigned long frame, const struct timeval *ts,
		  const struct decode_pkt *pkt)
{
	struct decode_source src = { .index = frame, .ts = ts, .pkt = pkt };

	(void)decode_printer_message(ctx, &src, pkt->ike, pkt->ike_len);
	return 0;
}

static void run(const uint8_t *data, size_t size, struct decode_printer *pr)
{
	char errbuf[PCAP_ERRBUF_SIZE], err[PCAP_ERRBUF_SIZE + 64];
	struct decode_pcap_stats stats;
	FILE *in = fmemopen((void *)data, size, "rb");
	pcap_t *p;

	if (!in)
		return;
	p = pcap_fopen_offline(in, errbuf);
	if (!p) {
		fclose(in); /* libpcap closes it only once opened */
		return;
	}
	/* a corrupt capture ends the walk: nothing to check */
	if (decode_pcap_each(p, on_pkt, pr, &stats, err, sizeof(err)))
		err[0] = '\0';
	pcap_close(p);
}

/*
 * Two printers (text, JSON) for the whole process, writing to /dev/null:
 * fetching the crypto algorithms per input would cost most of the time.
 * (A harness, not src/: STYLE.md 5 does not apply.)
 */
struct printers {
	struct decode_keys *keys;
	FILE *out;
	struct decode_printer *text, *json;
};

static struct printers *printers_get(void)
{
	static struct printers p;
	char err[256];

	if (p.out)
		return &p;
	p.out = fopen("/dev/null", "w");
	if (!p.out ||
	    decode_keys_parse(sample_keys, strlen(sample_keys), &p.keys, err, sizeof(err)) ||
	    decode_printer_new(&p.text, p.out, false, p.keys) ||
	    decode_printer_new(&p.json, p.out, true, p.keys))
		__builtin_trap(); /* the harness itself is wrong */
	return &p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct printers *p = printers_get();

	if (size == 0)
		return 0;
	run(data, size, p->text);
	run(data, size, p->json);
	return 0;
}
