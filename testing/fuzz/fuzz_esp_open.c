/*
 * esp_open() on arbitrary bytes, on inbound SAs of every algorithm family
 * with fixed keys. Input: byte 0 picks the algorithm, byte 1 ESN (bit 0)
 * and the replay window (bits 1-3), bytes 2-9 the replay top set first
 * (big-endian), the rest is the ESP packet (SPI 0x00001000). Besides never
 * crashing: a packet that opens opens once (with a window), its inner
 * packet fits; and the rest, sealed as an inner packet by the outbound twin
 * SA, opens to the same bytes, else abort().
 *
 * The seeds in corpus/esp_open/ are such headers followed by packets that
 * the twin SA sealed (so they pass the ICV), one per algorithm, with and
 * without ESN.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/esp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SPI 0x00001000u
#define FUZZ_HDR 10
#define FUZZ_INNER_MAX 2048

static const struct {
	uint16_t encr, bits, integ, key_len, ikey_len;
} fuzz_algs[] = {
	{ KERNEL_ENCR_AES_GCM_16, 128, KERNEL_INTEG_NONE, 20, 0 },
	{ KERNEL_ENCR_AES_GCM_8, 256, KERNEL_INTEG_NONE, 36, 0 },
	{ KERNEL_ENCR_AES_GCM_12, 192, KERNEL_INTEG_NONE, 28, 0 },
	{ KERNEL_ENCR_CHACHA20_POLY1305, 256, KERNEL_INTEG_NONE, 36, 0 },
	{ KERNEL_ENCR_AES_CBC, 128, KERNEL_INTEG_HMAC_SHA1_96, 16, 20 },
	{ KERNEL_ENCR_AES_CBC, 256, KERNEL_INTEG_HMAC_SHA2_256_128, 32, 32 },
	{ KERNEL_ENCR_AES_CBC, 192, KERNEL_INTEG_HMAC_SHA2_384_192, 24, 48 },
	{ KERNEL_ENCR_AES_CBC, 256, KERNEL_INTEG_HMAC_SHA2_512_256, 32, 64 },
};

static const uint32_t fuzz_windows[] = { 0, 1, 32, 64, 65, 1024, 4096, 64 };

static void check(bool ok)
{
	if (!ok)
		abort();
}

static struct esp_sa *sa_make(size_t alg, bool inbound, bool esn, uint32_t window)
{
	uint8_t ek[36], ik[64];
	struct secret encr = { ek, fuzz_algs[alg].key_len },
		      integ = { ik, fuzz_algs[alg].ikey_len };
	struct esp_params p = {
		.spi = FUZZ_SPI,
		.inbound = inbound,
		.encr_id = fuzz_algs[alg].encr,
		.encr_key_bits = fuzz_algs[alg].bits,
		.integ_id = fuzz_algs[alg].integ,
		.encr_key = &encr,
		.integ_key = &integ,
		.esn = esn,
		.replay_window = window,
		.node_id = 0x0102,
	};
	struct esp_sa *sa = NULL;

	for (size_t i = 0; i < sizeof(ek); i++)
		ek[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(ik); i++)
		ik[i] = (uint8_t)(0x40 + 3 * i);
	if (esp_sa_new(&sa, &p))
		abort(); /* valid parameters: only out of memory */
	return sa;
}

static bool rc_known(int rc)
{
	return rc == 0 || rc == -EBADMSG || rc == -EALREADY || rc == -EACCES || rc == -EINVAL ||
	       rc == -ENOSPC;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct esp_sa *in, *out;
	struct kernel_sa_state st;
	uint8_t *buf, *sealed, nh = 0;
	size_t alg, len = 0, sealed_len = 0, inner_len;
	uint64_t top = 0;
	uint32_t window;
	bool esn;
	int rc;

	if (size < FUZZ_HDR)
		return 0;
	alg = data[0] % (sizeof(fuzz_algs) / sizeof(fuzz_algs[0]));
	esn = data[1] & 1;
	window = fuzz_windows[(data[1] >> 1) & 7];
	if (esn && !window)
		window = 64;
	for (int i = 0; i < 8; i++)
		top = top << 8 | data[2 + i];
	if (!esn)
		top &= UINT32_MAX;
	data += FUZZ_HDR;
	size -= FUZZ_HDR;

	in = sa_make(alg, true, esn, window);
	out = sa_make(alg, false, esn, 0);
	buf = malloc(size + ESP_OVERHEAD_MAX + FUZZ_INNER_MAX + ESP_OVERHEAD_MAX);
	if (!buf)
		abort();
	sealed = buf + size + ESP_OVERHEAD_MAX;
	memset(&st, 0, sizeof(st));
	st.replay_window = window;
	st.replay_top = top;
	check(esp_sa_set_replay(in, &st) == 0);

	/* the fuzzer's packet: dropped cleanly or opened once */
	rc = esp_open(in, data, size, buf, size, &len, &nh);
	check(rc_known(rc));
	if (rc == 0) {
		check(len + 2 <= size);
		if (window)
			check(esp_open(in, data, size, buf, size, &len, &nh) == -EALREADY);
	} else {
		check(len == 0);
	}
	esp_sa_state(in, &st);
	check(st.packets == (uint64_t)(rc == 0) && st.replay_top >= top);
	check(st.drops_icv + st.drops_replay + st.drops_other ==
	      (uint64_t)(rc != 0) + (uint64_t)(rc == 0 && window));

	/* the rest as an inner packet: sealed after the top, opened to the same bytes */
	inner_len = size < FUZZ_INNER_MAX ? size : FUZZ_INNER_MAX;
	if (st.replay_top < UINT64_MAX && esp_sa_set_seq(out, st.replay_top + 1) == 0) {
		rc = esp_seal(out, data, inner_len, 4, sealed, FUZZ_INNER_MAX + ESP_OVERHEAD_MAX,
			      &sealed_len);
		check(rc == 0 || rc == -EOVERFLOW);
		if (rc == 0) {
			check(sealed_len == inner_len + esp_overhead(out, inner_len));
			check(esp_pkt_spi(sealed, sealed_len) == FUZZ_SPI);
			rc = esp_open(in, sealed, sealed_len, buf, size + ESP_OVERHEAD_MAX, &len,
				      &nh);
			check(rc == 0 && len == inner_len && nh == 4 &&
			      (!len || memcmp(buf, data, len) == 0));
		}
	}
	free(buf);
	esp_sa_free(in);
	esp_sa_free(out);
	return 0;
}
