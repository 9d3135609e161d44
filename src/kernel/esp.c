/*
 * The ESP packet transform (esp.h). One esp_sa holds the EVP contexts of
 * its algorithm, keyed once in esp_sa_new(); a packet only sets the IV (and
 * re-initialises the HMAC from its kept key state).
 *
 * Packet layout (RFC 4303 §2):
 *   SPI (4) | seq (4) | IV (8 AEAD, 16 CBC) | encrypted: payload, padding,
 *   pad length (1), next header (1) | ICV
 * AEAD (RFC 4106 §3-5, RFC 7634 §2): nonce = salt || IV, AAD = SPI || seq_lo,
 * with ESN SPI || seq_hi || seq_lo. AES-CBC + HMAC (RFC 4303 §3.3.2.1): the
 * ICV is the truncated HMAC over SPI || seq_lo || IV || ciphertext, with ESN
 * followed by seq_hi (authenticated, never sent).
 *
 * Anti-replay (RFC 4303 §3.4.3, Appendix A): a ring of 64-bit words holds
 * the bits of the sequence numbers (seq >> 6 selects the word); the window
 * check (top - seq < W) comes first, so stale bits left of the window in
 * the ring are never looked at.
 */
#include "kernel/esp.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define ESP_SALT_LEN 4
#define ESP_AEAD_IV_LEN 8
#define ESP_CBC_IV_LEN 16
#define ESP_AEAD_NONCE_LEN (ESP_SALT_LEN + ESP_AEAD_IV_LEN)
#define ESP_MAC_MAX 64 /* SHA-512 */
/* random CBC IVs drawn from the pool, refilled by one RAND_bytes() call */
#define ESP_IV_POOL_LEN 4096
/* the replay ring: at least W + 64 bits, a power of two words */
#define ESP_RING_WORDS 128
_Static_assert(KERNEL_REPLAY_WINDOW_MAX / 64 + 1 <= ESP_RING_WORDS, "replay ring too small");
#define ESP_SEQ_MAX_32 ((uint64_t)UINT32_MAX)
/* the AEAD IV keeps the low 48 bits of the sequence number */
#define ESP_AEAD_SEQ_MAX ((UINT64_C(1) << 48) - 1)

static const struct esp_encr {
	uint16_t id;
	bool aead;
	uint16_t icv_len; /* AEAD */
	uint16_t default_bits; /* encr_key_bits 0 means this (fixed key sizes) */
	const char *names[3]; /* by key size 128, 192, 256 */
} esp_encrs[] = {
	{ KERNEL_ENCR_AES_CBC, false, 0, 0, { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" } },
	{ KERNEL_ENCR_AES_GCM_8, true, 8, 0, { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" } },
	{ KERNEL_ENCR_AES_GCM_12, true, 12, 0, { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" } },
	{ KERNEL_ENCR_AES_GCM_16, true, 16, 0, { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" } },
	{ KERNEL_ENCR_CHACHA20_POLY1305, true, 16, 256, { NULL, NULL, "ChaCha20-Poly1305" } },
};

static const struct esp_integ {
	uint16_t id;
	const char *digest;
	uint16_t key_len, icv_len;
} esp_integs[] = {
	{ KERNEL_INTEG_HMAC_SHA1_96, "SHA1", 20, 12 },
	{ KERNEL_INTEG_HMAC_SHA2_256_128, "SHA256", 32, 16 },
	{ KERNEL_INTEG_HMAC_SHA2_384_192, "SHA384", 48, 24 },
	{ KERNEL_INTEG_HMAC_SHA2_512_256, "SHA512", 64, 32 },
};

struct esp_sa {
	uint32_t spi;
	bool inbound, esn, aead;
	uint16_t node_id;
	uint8_t iv_len, icv_len, block;
	uint8_t salt[ESP_SALT_LEN];
	EVP_CIPHER_CTX *cipher; /* keyed, direction fixed */
	EVP_MAC_CTX *mac; /* CBC: HMAC keyed with the integrity key */

	uint64_t seq_out; /* outbound: next sequence number */
	uint8_t *iv_pool; /* outbound CBC: ESP_IV_POOL_LEN random bytes */
	size_t iv_pos;

	uint32_t replay_window; /* inbound */
	uint64_t replay_top;
	uint64_t ring[ESP_RING_WORDS];
	uint32_t ring_mask; /* words used - 1 */

	uint64_t bytes, packets, last_use;
	uint64_t drops_icv, drops_replay, drops_other;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t esp_pkt_spi(const uint8_t *pkt, size_t pkt_len)
{
	return pkt && pkt_len >= ESP_HDR_LEN ? get32(pkt) : 0;
}

/* The key's cipher name, or NULL for a key size the transform lacks. */
static const char *encr_name(const struct esp_encr *e, uint16_t bits)
{
	if (bits == 0)
		bits = e->default_bits;
	switch (bits) {
	case 128:
		return e->names[0];
	case 192:
		return e->names[1];
	case 256:
		return e->names[2];
	default:
		return NULL;
	}
}

static bool secret_usable(const struct secret *s)
{
	return !s || s->ptr || !s->len;
}

/* -ENOTSUP for unknown transforms, -EINVAL for the rest, as kernel_ipsec's check_algs(). */
static int check_params(const struct esp_params *p, const struct esp_encr **encr,
			const struct esp_integ **integ)
{
	size_t i, want;
	size_t integ_len = p->integ_key ? p->integ_key->len : 0;

	*encr = NULL;
	*integ = NULL;
	if (!p->encr_key || !secret_usable(p->encr_key) || !secret_usable(p->integ_key) ||
	    p->replay_window > KERNEL_REPLAY_WINDOW_MAX ||
	    (p->inbound && p->esn && p->replay_window == 0))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(esp_encrs) && esp_encrs[i].id != p->encr_id; i++)
		;
	if (i == ARRAY_SIZE(esp_encrs))
		return -ENOTSUP;
	*encr = &esp_encrs[i];
	if (!encr_name(*encr, p->encr_key_bits))
		return -EINVAL;
	want = (p->encr_key_bits ? p->encr_key_bits : (*encr)->default_bits) / 8u;
	if ((*encr)->aead)
		want += ESP_SALT_LEN;
	if (p->encr_key->len != want)
		return -EINVAL;
	if ((*encr)->aead)
		return p->integ_id == KERNEL_INTEG_NONE && integ_len == 0 ? 0 : -EINVAL;
	if (p->integ_id == KERNEL_INTEG_NONE)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(esp_integs) && esp_integs[i].id != p->integ_id; i++)
		;
	if (i == ARRAY_SIZE(esp_integs))
		return -ENOTSUP;
	*integ = &esp_integs[i];
	return integ_len == (*integ)->key_len ? 0 : -EINVAL;
}

static int cipher_setup(struct esp_sa *sa, const struct esp_encr *e, const struct esp_params *p)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, encr_name(e, p->encr_key_bits), NULL);
	size_t key_len = p->encr_key->len - (e->aead ? ESP_SALT_LEN : 0);
	int rc = -EIO;

	if (!c)
		return -ENOTSUP;
	sa->cipher = EVP_CIPHER_CTX_new();
	if (!sa->cipher) {
		rc = -ENOMEM;
		goto out;
	}
	if ((size_t)EVP_CIPHER_get_key_length(c) != key_len ||
	    !EVP_CipherInit_ex2(sa->cipher, c, p->encr_key->ptr, NULL, !p->inbound, NULL))
		goto out;
	if (e->aead) {
		memcpy(sa->salt, p->encr_key->ptr + key_len, ESP_SALT_LEN);
		/* the default for both ciphers; set to be sure */
		if (EVP_CIPHER_CTX_get_iv_length(sa->cipher) != ESP_AEAD_NONCE_LEN)
			goto out;
	} else if (!EVP_CIPHER_CTX_set_padding(sa->cipher, 0)) {
		goto out;
	}
	rc = 0;
out:
	EVP_CIPHER_free(c); /* the context keeps its reference */
	return rc;
}

static int mac_setup(struct esp_sa *sa, const struct esp_integ *in, const struct secret *key)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)in->digest, 0),
		OSSL_PARAM_construct_end(),
	};
	int rc = -EIO;

	if (!m)
		return -ENOTSUP;
	sa->mac = EVP_MAC_CTX_new(m);
	if (!sa->mac)
		rc = -ENOMEM;
	else if (EVP_MAC_init(sa->mac, key->ptr, key->len, params) &&
		 EVP_MAC_CTX_get_mac_size(sa->mac) >= in->icv_len)
		rc = 0;
	EVP_MAC_free(m); /* the context keeps its reference */
	return rc;
}

int esp_sa_new(struct esp_sa **out, const struct esp_params *p)
{
	const struct esp_encr *encr;
	const struct esp_integ *integ;
	struct esp_sa *sa;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!p)
		return -EINVAL;
	rc = check_params(p, &encr, &integ);
	if (rc)
		return rc;
	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return -ENOMEM;
	sa->spi = p->spi;
	sa->inbound = p->inbound;
	sa->esn = p->esn;
	sa->aead = encr->aead;
	sa->node_id = p->node_id;
	sa->iv_len = encr->aead ? ESP_AEAD_IV_LEN : ESP_CBC_IV_LEN;
	sa->icv_len = (uint8_t)(encr->aead ? encr->icv_len : integ->icv_len);
	sa->block = encr->aead ? 4 : 16;
	sa->seq_out = p->inbound ? 0 : 1;
	if (p->inbound) {
		uint32_t words = (p->replay_window + 63) / 64 + 1;

		sa->replay_window = p->replay_window;
		for (sa->ring_mask = 1; sa->ring_mask < words; sa->ring_mask <<= 1)
			;
		sa->ring_mask--;
	}
	rc = cipher_setup(sa, encr, p);
	if (!rc && integ)
		rc = mac_setup(sa, integ, p->integ_key);
	if (!rc && !encr->aead && !p->inbound) {
		sa->iv_pool = malloc(ESP_IV_POOL_LEN);
		sa->iv_pos = ESP_IV_POOL_LEN; /* filled by the first seal */
		if (!sa->iv_pool)
			rc = -ENOMEM;
	}
	if (rc) {
		esp_sa_free(sa);
		return rc;
	}
	*out = sa;
	return 0;
}

void esp_sa_free(struct esp_sa *sa)
{
	if (!sa)
		return;
	EVP_CIPHER_CTX_free(sa->cipher); /* both wipe their key state */
	EVP_MAC_CTX_free(sa->mac);
	free(sa->iv_pool);
	OPENSSL_cleanse(sa->salt, sizeof(sa->salt));
	free(sa);
}

static size_t pad_len(const struct esp_sa *sa, size_t inner_len)
{
	return (sa->block - (inner_len + 2) % sa->block) % sa->block;
}

size_t esp_overhead(const struct esp_sa *sa, size_t inner_len)
{
	if (!sa)
		return ESP_OVERHEAD_MAX;
	return ESP_HDR_LEN + sa->iv_len + pad_len(sa, inner_len) + 2 + sa->icv_len;
}

/* AAD (RFC 4106 §5): SPI || seq_lo, or SPI || seq_hi || seq_lo; returns its length. */
static size_t aead_aad(const struct esp_sa *sa, uint64_t seq, uint8_t aad[12])
{
	put32(aad, sa->spi);
	if (!sa->esn) {
		put32(aad + 4, (uint32_t)seq);
		return 8;
	}
	put32(aad + 4, (uint32_t)(seq >> 32));
	put32(aad + 8, (uint32_t)seq);
	return 12;
}

/* Sets the per-packet IV (nonce salt || iv for AEAD); the key stays. */
static bool cipher_iv(const struct esp_sa *sa, const uint8_t *iv)
{
	uint8_t nonce[ESP_AEAD_NONCE_LEN];

	if (!sa->aead)
		return EVP_CipherInit_ex2(sa->cipher, NULL, NULL, iv, !sa->inbound, NULL) == 1;
	memcpy(nonce, sa->salt, ESP_SALT_LEN);
	memcpy(nonce + ESP_SALT_LEN, iv, ESP_AEAD_IV_LEN);
	return EVP_CipherInit_ex2(sa->cipher, NULL, NULL, nonce, !sa->inbound, NULL) == 1;
}

static bool cipher_update(EVP_CIPHER_CTX *c, uint8_t *out, const uint8_t *in, size_t len,
			  size_t *done)
{
	int l = 0;

	if (len > INT_MAX || EVP_CipherUpdate(c, out, &l, in, (int)len) != 1)
		return false;
	*done += (size_t)l;
	return true;
}

/* The HMAC of data (and, with ESN, seq_hi) into mac (ESP_MAC_MAX bytes). */
static bool mac_compute(const struct esp_sa *sa, const uint8_t *data, size_t len, uint64_t seq,
			uint8_t *mac)
{
	uint8_t hi[4];
	size_t mac_len = 0;

	put32(hi, (uint32_t)(seq >> 32));
	/* no key: OpenSSL 3 re-initialises from the key it keeps */
	return EVP_MAC_init(sa->mac, NULL, 0, NULL) == 1 &&
	       EVP_MAC_update(sa->mac, data, len) == 1 &&
	       (!sa->esn || EVP_MAC_update(sa->mac, hi, sizeof(hi)) == 1) &&
	       EVP_MAC_final(sa->mac, mac, &mac_len, ESP_MAC_MAX) == 1 && mac_len >= sa->icv_len;
}

/* The next random CBC IV from the pool, refilled in bulk. */
static const uint8_t *cbc_iv(struct esp_sa *sa)
{
	const uint8_t *iv;

	if (sa->iv_pos + ESP_CBC_IV_LEN > ESP_IV_POOL_LEN) {
		if (RAND_bytes(sa->iv_pool, ESP_IV_POOL_LEN) != 1)
			return NULL;
		sa->iv_pos = 0;
	}
	iv = sa->iv_pool + sa->iv_pos;
	sa->iv_pos += ESP_CBC_IV_LEN;
	return iv;
}

int esp_seal(struct esp_sa *sa, const uint8_t *inner, size_t inner_len, uint8_t next_header,
	     uint8_t *out, size_t out_cap, size_t *out_len)
{
	uint8_t trailer[16 + 2], aad[12], mac[ESP_MAC_MAX];
	size_t pad, ct_len, done = 0, total;
	uint8_t *iv, *ct;
	uint64_t seq;
	int l = 0;

	if (!sa || sa->inbound || (!inner && inner_len) || !out || !out_len)
		return -EINVAL;
	*out_len = 0;
	pad = pad_len(sa, inner_len);
	ct_len = inner_len + pad + 2;
	total = ESP_HDR_LEN + sa->iv_len + ct_len + sa->icv_len;
	if (inner_len > INT_MAX - 64 || out_cap < total)
		return -ENOSPC;
	seq = sa->seq_out;
	if ((!sa->esn && seq > ESP_SEQ_MAX_32) || seq == UINT64_MAX ||
	    (sa->aead && seq > ESP_AEAD_SEQ_MAX))
		return -EOVERFLOW;
	sa->seq_out = seq + 1; /* from here on even a failure consumes it: no nonce twice */

	put32(out, sa->spi);
	put32(out + 4, (uint32_t)seq);
	iv = out + ESP_HDR_LEN;
	ct = iv + sa->iv_len;
	for (size_t i = 0; i < pad; i++)
		trailer[i] = (uint8_t)(i + 1);
	trailer[pad] = (uint8_t)pad;
	trailer[pad + 1] = next_header;

	if (sa->aead) {
		uint64_t v = (uint64_t)sa->node_id << 48 | (seq & ESP_AEAD_SEQ_MAX);

		put32(iv, (uint32_t)(v >> 32));
		put32(iv + 4, (uint32_t)v);
		if (!cipher_iv(sa, iv) ||
		    EVP_CipherUpdate(sa->cipher, NULL, &l, aad, (int)aead_aad(sa, seq, aad)) != 1)
			return -EIO;
	} else {
		const uint8_t *r = cbc_iv(sa);

		if (!r)
			return -EIO;
		memcpy(iv, r, ESP_CBC_IV_LEN);
		if (!cipher_iv(sa, iv))
			return -EIO;
	}
	if (!cipher_update(sa->cipher, ct, inner, inner_len, &done) ||
	    !cipher_update(sa->cipher, ct + done, trailer, pad + 2, &done) ||
	    EVP_CipherFinal_ex(sa->cipher, ct + done, &l) != 1 || done + (size_t)l != ct_len)
		return -EIO;

	if (sa->aead) {
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, ct + ct_len,
							  sa->icv_len),
			OSSL_PARAM_construct_end(),
		};

		if (EVP_CIPHER_CTX_get_params(sa->cipher, params) != 1)
			return -EIO;
	} else {
		if (!mac_compute(sa, out, ESP_HDR_LEN + ESP_CBC_IV_LEN + ct_len, seq, mac))
			return -EIO;
		memcpy(ct + ct_len, mac, sa->icv_len);
	}
	sa->bytes += inner_len;
	sa->packets++;
	*out_len = total;
	return 0;
}

/*
 * The full sequence number of seq_lo (RFC 4303 Appendix A2.2 with ESN), or
 * false when it lies before sequence number 1 or after 2^64 - 1.
 */
static bool seq_infer(const struct esp_sa *sa, uint32_t seq_lo, uint64_t *seq)
{
	uint32_t th = (uint32_t)(sa->replay_top >> 32), tl = (uint32_t)sa->replay_top;
	uint32_t w = sa->replay_window; /* >= 1 with ESN */
	uint32_t left = tl - w + 1; /* mod 2^32 */
	uint32_t sh;

	if (!sa->esn) {
		*seq = seq_lo;
		return true;
	}
	if (tl >= w - 1) { /* case A: the window does not span a wrap */
		if (seq_lo >= left)
			sh = th;
		else if (th == UINT32_MAX)
			return false;
		else
			sh = th + 1;
	} else { /* case B: the window spans the last wrap */
		if (seq_lo >= left) {
			if (th == 0)
				return false;
			sh = th - 1;
		} else {
			sh = th;
		}
	}
	*seq = (uint64_t)sh << 32 | seq_lo;
	return true;
}

static bool ring_has(const struct esp_sa *sa, uint64_t seq)
{
	return sa->ring[(seq >> 6) & sa->ring_mask] >> (seq & 63) & 1;
}

static void ring_set(struct esp_sa *sa, uint64_t seq)
{
	sa->ring[(seq >> 6) & sa->ring_mask] |= UINT64_C(1) << (seq & 63);
}

/* Whether seq may be accepted: not 0, not left of the window, not seen. */
static bool replay_ok(struct esp_sa *sa, uint64_t seq)
{
	if (!sa->replay_window)
		return true;
	if (seq == 0)
		return false;
	if (seq > sa->replay_top)
		return true;
	if (sa->replay_top - seq >= sa->replay_window)
		return false;
	return !ring_has(sa, seq);
}

/* Records seq (checked by replay_ok()), moving the window right if needed. */
static void replay_update(struct esp_sa *sa, uint64_t seq)
{
	if (seq > sa->replay_top) {
		uint64_t cur = sa->replay_top >> 6, next = seq >> 6;

		if (next - cur > sa->ring_mask)
			memset(sa->ring, 0, sizeof(sa->ring[0]) * (sa->ring_mask + 1));
		else
			for (uint64_t i = cur + 1; i <= next; i++)
				sa->ring[i & sa->ring_mask] = 0;
		sa->replay_top = seq;
	}
	if (sa->replay_window)
		ring_set(sa, seq);
}

static int open_drop(struct esp_sa *sa, int rc)
{
	if (rc == -EALREADY)
		sa->drops_replay++;
	else if (rc == -EACCES)
		sa->drops_icv++;
	else
		sa->drops_other++;
	return rc;
}

/* Decrypts and verifies an AEAD payload into out; -EACCES on a bad ICV. */
static int open_aead(struct esp_sa *sa, const uint8_t *pkt, size_t ct_len, uint64_t seq,
		     uint8_t *out)
{
	const uint8_t *iv = pkt + ESP_HDR_LEN, *ct = iv + ESP_AEAD_IV_LEN;
	uint8_t aad[12];
	size_t done = 0;
	int l = 0;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, (void *)(ct + ct_len),
						  sa->icv_len),
		OSSL_PARAM_construct_end(),
	};

	if (!cipher_iv(sa, iv) || EVP_CIPHER_CTX_set_params(sa->cipher, params) != 1 ||
	    EVP_CipherUpdate(sa->cipher, NULL, &l, aad, (int)aead_aad(sa, seq, aad)) != 1 ||
	    !cipher_update(sa->cipher, out, ct, ct_len, &done)) {
		OPENSSL_cleanse(out, ct_len);
		return -EIO;
	}
	if (EVP_CipherFinal_ex(sa->cipher, out + done, &l) != 1) {
		OPENSSL_cleanse(out, ct_len); /* never leave unauthenticated plaintext */
		return -EACCES;
	}
	return done + (size_t)l == ct_len ? 0 : -EIO;
}

/* Verifies the HMAC, then decrypts the CBC payload into out. */
static int open_cbc(struct esp_sa *sa, const uint8_t *pkt, size_t ct_len, uint64_t seq,
		    uint8_t *out)
{
	const uint8_t *iv = pkt + ESP_HDR_LEN, *ct = iv + ESP_CBC_IV_LEN;
	uint8_t mac[ESP_MAC_MAX];
	size_t done = 0;
	int l = 0;

	if (!mac_compute(sa, pkt, ESP_HDR_LEN + ESP_CBC_IV_LEN + ct_len, seq, mac))
		return -EIO;
	if (CRYPTO_memcmp(mac, ct + ct_len, sa->icv_len))
		return -EACCES;
	if (!cipher_iv(sa, iv) || !cipher_update(sa->cipher, out, ct, ct_len, &done) ||
	    EVP_CipherFinal_ex(sa->cipher, out + done, &l) != 1 || done + (size_t)l != ct_len)
		return -EIO;
	return 0;
}

int esp_open(struct esp_sa *sa, const uint8_t *pkt, size_t pkt_len, uint8_t *out, size_t out_cap,
	     size_t *out_len, uint8_t *next_header)
{
	size_t ct_len, pad;
	uint64_t seq;
	int rc;

	if (!sa)
		return -EINVAL;
	if (!sa->inbound || !pkt || !out || !out_len || !next_header)
		return open_drop(sa, -EINVAL);
	*out_len = 0;
	if (pkt_len < ESP_HDR_LEN + sa->iv_len + sa->icv_len + 2u || pkt_len > INT_MAX)
		return open_drop(sa, -EBADMSG);
	if (get32(pkt) != sa->spi)
		return open_drop(sa, -EINVAL);
	ct_len = pkt_len - ESP_HDR_LEN - sa->iv_len - sa->icv_len;
	if (!sa->aead && (ct_len % ESP_CBC_IV_LEN))
		return open_drop(sa, -EBADMSG);
	if (out_cap < ct_len)
		return open_drop(sa, -ENOSPC);
	if (!seq_infer(sa, get32(pkt + 4), &seq) || !replay_ok(sa, seq))
		return open_drop(sa, -EALREADY);
	rc = sa->aead ? open_aead(sa, pkt, ct_len, seq, out) : open_cbc(sa, pkt, ct_len, seq, out);
	if (rc)
		return open_drop(sa, rc);
	pad = out[ct_len - 2];
	if (pad > ct_len - 2)
		return open_drop(sa, -EBADMSG);
	for (size_t i = 0; i < pad; i++)
		if (out[ct_len - 2 - pad + i] != (uint8_t)(i + 1))
			return open_drop(sa, -EBADMSG);
	replay_update(sa, seq);
	*next_header = out[ct_len - 1];
	*out_len = ct_len - 2 - pad;
	sa->bytes += *out_len;
	sa->packets++;
	return 0;
}

void esp_sa_state(const struct esp_sa *sa, struct kernel_sa_state *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!sa)
		return;
	st->bytes = sa->bytes;
	st->packets = sa->packets;
	st->last_use = sa->last_use;
	st->seq_out = sa->seq_out;
	st->replay_top = sa->replay_top;
	st->replay_window = sa->replay_window;
	st->drops_icv = sa->drops_icv;
	st->drops_replay = sa->drops_replay;
	st->drops_other = sa->drops_other;
	for (uint32_t i = 0; i < sa->replay_window && i < sa->replay_top; i++) {
		uint64_t seq = sa->replay_top - i;

		if (ring_has(sa, seq))
			st->replay_bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
	}
}

void esp_sa_counts(const struct esp_sa *sa, uint64_t *bytes, uint64_t *packets)
{
	*bytes = sa ? sa->bytes : 0;
	*packets = sa ? sa->packets : 0;
}

void esp_sa_touch(struct esp_sa *sa, uint64_t now_sec)
{
	if (sa)
		sa->last_use = now_sec;
}

int esp_sa_set_seq(struct esp_sa *sa, uint64_t seq_out)
{
	if (!sa || sa->inbound)
		return -EINVAL;
	if (seq_out < sa->seq_out || (!sa->esn && seq_out > ESP_SEQ_MAX_32 + 1))
		return -ERANGE;
	sa->seq_out = seq_out;
	return 0;
}

int esp_sa_set_replay(struct esp_sa *sa, const struct kernel_sa_state *st)
{
	uint32_t w;

	if (!sa || !st || !sa->inbound || st->replay_window != sa->replay_window)
		return -EINVAL;
	if (st->replay_top < sa->replay_top || (!sa->esn && st->replay_top > ESP_SEQ_MAX_32))
		return -ERANGE;
	w = sa->replay_window;
	sa->replay_top = st->replay_top;
	memset(sa->ring, 0, sizeof(sa->ring));
	for (uint32_t i = 0; i < w && i < st->replay_top; i++)
		if (st->replay_bitmap[i / 8] & (1u << (i % 8)))
			ring_set(sa, st->replay_top - i);
	return 0;
}
