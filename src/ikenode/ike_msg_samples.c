/*
 * Sample messages (see ike_msg_samples.h): static values only, built from
 * the same structs the parser fills.
 */
#include "ikenode/ike_msg_samples.h"

#include <errno.h>
#include <string.h>

/* arbitrary bytes for keys, nonces, hashes and dummy ciphertext */
static const uint8_t fill[256] = {
	0x0b, 0x30, 0x55, 0x7a, 0x9f, 0xc4, 0xe9, 0x0e, 0x33, 0x58, 0x7d, 0xa2, 0xc7, 0xec,
	0x11, 0x36, 0x5b, 0x80, 0xa5, 0xca, 0xef, 0x14, 0x39, 0x5e, 0x83, 0xa8, 0xcd, 0xf2,
	0x17, 0x3c, 0x61, 0x86, 0xab, 0xd0, 0xf5, 0x1a, 0x3f, 0x64, 0x89, 0xae, 0xd3, 0xf8,
	0x1d, 0x42, 0x67, 0x8c, 0xb1, 0xd6, 0xfb, 0x20, 0x45, 0x6a, 0x8f, 0xb4, 0xd9, 0xfe,
	0x23, 0x48, 0x6d, 0x92, 0xb7, 0xdc, 0x01, 0x26, 0x4b, 0x70, 0x95, 0xba, 0xdf, 0x04,
	0x29, 0x4e, 0x73, 0x98, 0xbd, 0xe2, 0x07, 0x2c, 0x51, 0x76, 0x9b, 0xc0, 0xe5, 0x0a,
	0x2f, 0x54, 0x79, 0x9e, 0xc3, 0xe8, 0x0d, 0x32, 0x57, 0x7c, 0xa1, 0xc6, 0xeb, 0x10,
	0x35, 0x5a, 0x7f, 0xa4, 0xc9, 0xee, 0x13, 0x38, 0x5d, 0x82, 0xa7, 0xcc, 0xf1, 0x16,
	0x3b, 0x60, 0x85, 0xaa, 0xcf, 0xf4, 0x19, 0x3e, 0x63, 0x88, 0xad, 0xd2, 0xf7, 0x1c,
	0x41, 0x66, 0x8b, 0xb0, 0xd5, 0xfa, 0x1f, 0x44, 0x69, 0x8e, 0xb3, 0xd8, 0xfd, 0x22,
	0x47, 0x6c, 0x91, 0xb6, 0xdb, 0x00, 0x25, 0x4a, 0x6f, 0x94, 0xb9, 0xde, 0x03, 0x28,
	0x4d, 0x72, 0x97, 0xbc, 0xe1, 0x06, 0x2b, 0x50, 0x75, 0x9a, 0xbf, 0xe4, 0x09, 0x2e,
	0x53, 0x78, 0x9d, 0xc2, 0xe7, 0x0c, 0x31, 0x56, 0x7b, 0xa0, 0xc5, 0xea, 0x0f, 0x34,
	0x59, 0x7e, 0xa3, 0xc8, 0xed, 0x12, 0x37, 0x5c, 0x81, 0xa6, 0xcb, 0xf0, 0x15, 0x3a,
	0x5f, 0x84, 0xa9, 0xce, 0xf3, 0x18, 0x3d, 0x62, 0x87, 0xac, 0xd1, 0xf6, 0x1b, 0x40,
	0x65, 0x8a, 0xaf, 0xd4, 0xf9, 0x1e, 0x43, 0x68, 0x8d, 0xb2, 0xd7, 0xfc, 0x21, 0x46,
	0x6b, 0x90, 0xb5, 0xda, 0xff, 0x24, 0x49, 0x6e, 0x93, 0xb8, 0xdd, 0x02, 0x27, 0x4c,
	0x71, 0x96, 0xbb, 0xe0, 0x05, 0x2a, 0x4f, 0x74, 0x99, 0xbe, 0xe3, 0x08, 0x2d, 0x52,
	0x77, 0x9c, 0xc1, 0xe6
};

/* a self-signed ECDSA P-256 certificate, CN=ikenode */
static const uint8_t cert_der[] = {
	0x30, 0x82, 0x01, 0x78, 0x30, 0x82, 0x01, 0x1f, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x14, 0x0c, 0x03, 0x96, 0xa7, 0xb0, 0x45, 0x83, 0x43, 0x1c,
	0x8a, 0x8c, 0x8c, 0x77, 0x8f, 0xff, 0x06, 0x71, 0xd6, 0x54, 0x46, 0x30,
	0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30,
	0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07,
	0x69, 0x6b, 0x65, 0x6e, 0x6f, 0x64, 0x65, 0x30, 0x1e, 0x17, 0x0d, 0x32,
	0x36, 0x31, 0x31, 0x32, 0x38, 0x32, 0x31, 0x34, 0x31, 0x32, 0x34, 0x5a,
	0x17, 0x0d, 0x33, 0x36, 0x31, 0x31, 0x32, 0x35, 0x32, 0x31, 0x34, 0x31,
	0x32, 0x34, 0x5a, 0x30, 0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55,
	0x04, 0x03, 0x0c, 0x07, 0x69, 0x6b, 0x65, 0x6e, 0x6f, 0x64, 0x65, 0x30,
	0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42,
	0x00, 0x04, 0x79, 0x5e, 0x8a, 0x60, 0x7f, 0x80, 0x65, 0x51, 0x33, 0x01,
	0xd9, 0x0c, 0xf8, 0xae, 0x88, 0xf4, 0x9d, 0x0e, 0x55, 0xc9, 0x44, 0x9f,
	0xcc, 0x69, 0xca, 0xb9, 0x43, 0xf1, 0x04, 0x08, 0xbf, 0x66, 0x43, 0x1b,
	0xb3, 0xee, 0xef, 0x1c, 0x0a, 0x29, 0x6c, 0xcf, 0x98, 0x2c, 0x12, 0x86,
	0xe2, 0x18, 0x90, 0x44, 0x72, 0xe3, 0x2f, 0x70, 0x40, 0x78, 0x97, 0x27,
	0x02, 0x47, 0xc9, 0xf1, 0x1b, 0xb3, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d,
	0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0xea, 0x08, 0x0c,
	0x82, 0x9a, 0xf7, 0x5c, 0x53, 0xa4, 0x22, 0xbf, 0xc0, 0x84, 0x3c, 0x46,
	0x02, 0x18, 0x24, 0x07, 0x56, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23,
	0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0xea, 0x08, 0x0c, 0x82, 0x9a, 0xf7,
	0x5c, 0x53, 0xa4, 0x22, 0xbf, 0xc0, 0x84, 0x3c, 0x46, 0x02, 0x18, 0x24,
	0x07, 0x56, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff,
	0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a,
	0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x47, 0x00, 0x30, 0x44,
	0x02, 0x20, 0x64, 0x66, 0x32, 0x67, 0xc4, 0x66, 0x13, 0x0f, 0xe4, 0x5d,
	0x9d, 0xf9, 0xd9, 0xa3, 0xa6, 0x8a, 0xe9, 0x2b, 0x7f, 0x28, 0xa4, 0xa1,
	0xd8, 0x7f, 0x8e, 0xa4, 0xeb, 0xac, 0xfb, 0x2d, 0xc2, 0x5f, 0x02, 0x20,
	0x44, 0xc5, 0xee, 0xfb, 0x42, 0x6d, 0xa1, 0xcc, 0xe2, 0x4f, 0x6d, 0xf3,
	0xb3, 0x00, 0x19, 0x9f, 0xc2, 0x19, 0x95, 0xd4, 0x78, 0xed, 0x48, 0x3b,
	0x71, 0xbe, 0x9c, 0xff, 0xc7, 0xa3, 0x89, 0xda
};

/* RFC 7427 AUTH data: length, AlgorithmIdentifier ecdsa-with-SHA256, signature */
static const uint8_t sig_auth[] = {
	0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
	0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01,
};

static const uint8_t spi_r[8] = { 0x19, 0xc2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01 };
static const uint8_t esp_spi[4] = { 0xc1, 0x00, 0x00, 0x01 };
static const uint8_t esp_spis[8] = { 0xc1, 0x00, 0x00, 0x01, 0xc2, 0x00, 0x00, 0x02 };
static const uint8_t sig_hash_algs[] = { 0x00, 0x02, 0x00, 0x03, 0x00, 0x04 };
static const uint8_t dh_ecp256[2] = { 0x00, IKE_DH_ECP256 };
static const uint8_t fqdn[] = "carol.example";
static const uint8_t ipv4[4] = { 192, 0, 2, 1 };
static const uint8_t ipv6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t eap_user[] = "carol";
static const uint8_t app_version[] = "ikenode";
static const uint8_t cp_ip4[4] = { 10, 3, 0, 1 };
static const uint8_t cp_mask[4] = { 255, 255, 255, 0 };
static const uint8_t cp_dns4[4] = { 10, 3, 0, 53 };
static const uint8_t cp_ip6[17] = { 0xfd, 0x00, [15] = 1, [16] = 64 };
static const uint8_t cp_dns6[16] = { 0xfd, 0x00, [15] = 0x53 };
static const uint8_t cp_supported[] = { 0x00, 0x01, 0x00, 0x03, 0x00, 0x08 };
static const uint8_t tlv_value[2] = { 0xab, 0xcd };

#define KEYLEN(bits) { .type = IKE_TATTR_KEY_LENGTH, .tv = true, .tv_value = bits }
static const struct ike_tattr kl128[] = { KEYLEN(128) };
static const struct ike_tattr kl256[] = { KEYLEN(256) };
/* a TLV attribute of a type nobody defined, to exercise the TLV format */
static const struct ike_tattr kl256_tlv[] = {
	KEYLEN(256),
	{ .type = 17, .tv = false, .value = tlv_value, .len = sizeof(tlv_value) },
};

#define TR(t, i) { .type = IKE_TT_##t, .id = i }
#define TRA(t, i, a) { .type = IKE_TT_##t, .id = i, .attrs = a, .n_attrs = ARRAY_SIZE(a) }
static const struct ike_transform ike_tr1[] = {
	TRA(ENCR, IKE_ENCR_AES_CBC, kl256), TR(INTEG, IKE_INTEG_HMAC_SHA2_256_128),
	TR(PRF, IKE_PRF_HMAC_SHA2_256), TR(DH, IKE_DH_ECP256), TR(DH, IKE_DH_CURVE25519),
};
static const struct ike_transform ike_tr2[] = {
	TRA(ENCR, IKE_ENCR_AES_GCM_16, kl128), TR(ENCR, IKE_ENCR_CHACHA20_POLY1305),
	TR(PRF, IKE_PRF_HMAC_SHA2_384), TR(PRF, IKE_PRF_HMAC_SHA2_512),
	TR(DH, IKE_DH_MODP2048), TR(DH, IKE_DH_ECP384),
};
static const struct ike_transform ike_tr_r[] = {
	TRA(ENCR, IKE_ENCR_AES_CBC, kl256), TR(INTEG, IKE_INTEG_HMAC_SHA2_256_128),
	TR(PRF, IKE_PRF_HMAC_SHA2_256), TR(DH, IKE_DH_ECP256),
};
static const struct ike_transform esp_tr1[] = {
	TRA(ENCR, IKE_ENCR_AES_GCM_16, kl256_tlv), TR(ESN, IKE_ESN_NO), TR(ESN, IKE_ESN_YES),
};
static const struct ike_transform esp_tr2[] = {
	TRA(ENCR, IKE_ENCR_AES_CBC, kl128), TR(INTEG, IKE_INTEG_HMAC_SHA1_96),
	TR(INTEG, IKE_INTEG_HMAC_SHA2_512_256), TR(ESN, IKE_ESN_NO),
};
static const struct ike_transform rekey_tr[] = {
	TRA(ENCR, IKE_ENCR_AES_CBC, kl128), TR(INTEG, IKE_INTEG_HMAC_SHA2_384_192),
	TR(PRF, IKE_PRF_HMAC_SHA1), TR(DH, IKE_DH_MODP2048),
};

#define PROP(n, proto, s, ss, t) \
	{ .num = n, .protocol = IKE_PROTO_##proto, .spi = s, .spi_size = ss, \
	  .transforms = t, .n_transforms = ARRAY_SIZE(t) }
static const struct ike_proposal ike_props[] = {
	PROP(1, IKE, NULL, 0, ike_tr1), PROP(2, IKE, NULL, 0, ike_tr2),
};
static const struct ike_proposal ike_props_r[] = { PROP(1, IKE, NULL, 0, ike_tr_r) };
static const struct ike_proposal esp_props[] = {
	PROP(1, ESP, esp_spi, 4, esp_tr1), PROP(2, ESP, esp_spi, 4, esp_tr2),
};
static const struct ike_proposal esp_props_r[] = { PROP(2, ESP, esp_spi, 4, esp_tr2) };
static const struct ike_proposal rekey_props[] = { PROP(1, IKE, spi_r, 8, rekey_tr) };

static const struct ike_ts ts_v4[] = {
	{ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535, .start = { 192, 168, 0, 0 },
	  .end = { 192, 168, 0, 255 } },
};
static const struct ike_ts ts_v4v6[] = {
	{ .type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535, .start = { 10, 3, 0, 1 },
	  .end = { 10, 3, 0, 1 } },
	{ .type = IKE_TS_IPV6_ADDR_RANGE, .ip_proto = 6, .start_port = 443, .end_port = 443,
	  .start = { 0x20, 0x01, 0x0d, 0xb8 },
	  .end = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
};
static const struct ike_ts ts_v6[] = {
	{ .type = IKE_TS_IPV6_ADDR_RANGE, .ip_proto = 17, .start_port = 53, .end_port = 53,
	  .start = { 0xfd, 0x00 },
	  .end = { 0xfd, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		   0xff, 0xff } },
};

#define CFA(t, v) { .type = IKE_CFGA_##t, .value = v, .len = sizeof(v) }
#define CFA0(t) { .type = IKE_CFGA_##t }
static const struct ike_cfg_attr cp_req[] = {
	CFA0(INTERNAL_IP4_ADDRESS), CFA0(INTERNAL_IP4_DNS), CFA0(INTERNAL_IP6_ADDRESS),
	CFA0(INTERNAL_IP6_DNS), { .type = IKE_CFGA_APPLICATION_VERSION, .value = app_version,
				 .len = sizeof(app_version) - 1 },
};
static const struct ike_cfg_attr cp_reply[] = {
	CFA(INTERNAL_IP4_ADDRESS, cp_ip4), CFA(INTERNAL_IP4_NETMASK, cp_mask),
	CFA(INTERNAL_IP4_DNS, cp_dns4), CFA(INTERNAL_IP6_ADDRESS, cp_ip6),
	CFA(INTERNAL_IP6_DNS, cp_dns6), CFA(SUPPORTED_ATTRIBUTES, cp_supported),
};

#define P(t, ...) { .type = IKE_PLD_##t, __VA_ARGS__ }
#define PE(t, ...) { .type = IKE_PLD_##t, .encrypted = true, __VA_ARGS__ }
#define SA_(p) .u.sa = { .proposals = p, .n_proposals = ARRAY_SIZE(p) }
#define KE_(g, n) .u.ke = { .group = IKE_DH_##g, .data = fill, .len = n }
#define NONCE_(n) .u.nonce = { .data = fill + 100, .len = n }
#define N_(t) .u.notify = { .type = IKE_N_##t }
#define ND_(t, d, n) .u.notify = { .type = IKE_N_##t, .data = d, .len = n }
#define ID_(t, d, n) .u.id = { .id_type = IKE_ID_##t, .data = d, .len = n }
#define TS_(t) .u.ts = { .ts = t, .n_ts = ARRAY_SIZE(t) }
#define CP_(c, a) .u.cp = { .cfg_type = IKE_CFG_##c, .attrs = a, .n_attrs = ARRAY_SIZE(a) }
#define SIGAUTH \
	.u.auth = { .method = IKE_AUTH_DIGITAL_SIG, .data = sig_auth, .len = sizeof(sig_auth) }
#define PSKAUTH .u.auth = { .method = IKE_AUTH_PSK, .data = fill + 7, .len = 32 }
#define CERT_ .u.cert = { .encoding = IKE_CERT_X509_SIG, .data = cert_der, .len = sizeof(cert_der) }
#define CERTREQ_ .u.cert = { .encoding = IKE_CERT_X509_SIG, .data = fill + 40, .len = 20 }

static const struct ike_pld sa_init_i[] = {
	P(SA, SA_(ike_props)),
	P(KE, KE_(ECP256, 64)),
	P(NONCE, NONCE_(32)),
	P(NOTIFY, ND_(NAT_DETECTION_SOURCE_IP, fill + 1, 20)),
	P(NOTIFY, ND_(NAT_DETECTION_DESTINATION_IP, fill + 2, 20)),
	P(NOTIFY, N_(IKEV2_FRAGMENTATION_SUPPORTED)),
	P(NOTIFY, ND_(SIGNATURE_HASH_ALGORITHMS, sig_hash_algs, sizeof(sig_hash_algs))),
	P(VENDOR, .u.vendor = { .data = fill + 200, .len = 16 }),
};

static const struct ike_pld sa_init_r[] = {
	P(SA, SA_(ike_props_r)),
	P(KE, KE_(ECP256, 64)),
	P(NONCE, NONCE_(48)),
	P(NOTIFY, ND_(NAT_DETECTION_SOURCE_IP, fill + 3, 20)),
	P(NOTIFY, ND_(NAT_DETECTION_DESTINATION_IP, fill + 4, 20)),
	P(CERTREQ, CERTREQ_),
	P(NOTIFY, N_(IKEV2_FRAGMENTATION_SUPPORTED)),
	P(NOTIFY, N_(MULTIPLE_AUTH_SUPPORTED)),
};

static const struct ike_pld sa_init_cookie[] = {
	P(NOTIFY, ND_(COOKIE, fill + 9, 16)),
};

static const struct ike_pld sa_init_invalid_ke[] = {
	P(NOTIFY, ND_(INVALID_KE_PAYLOAD, dh_ecp256, sizeof(dh_ecp256))),
};

static const struct ike_pld auth_i_sk[] = {
	PE(IDI, ID_(FQDN, fqdn, sizeof(fqdn) - 1)),
	PE(CERT, CERT_),
	PE(CERTREQ, CERTREQ_),
	PE(NOTIFY, N_(INITIAL_CONTACT)),
	PE(IDR, ID_(IPV4_ADDR, ipv4, 4)),
	PE(AUTH, SIGAUTH),
	PE(CP, CP_(REQUEST, cp_req)),
	PE(SA, SA_(esp_props)),
	PE(TSI, TS_(ts_v4v6)),
	PE(TSR, TS_(ts_v4)),
	PE(NOTIFY, N_(MOBIKE_SUPPORTED)),
	P(SK, .u.sk = { .inner_next = IKE_PLD_IDI, .body = fill + 16, .body_len = 96 }),
};

static const struct ike_pld auth_i_skf1[] = {
	P(SKF, .u.sk = { .inner_next = IKE_PLD_IDI, .frag_num = 1, .total_frags = 2,
			 .body = fill + 20, .body_len = 64 }),
};

static const struct ike_pld auth_i_skf2[] = {
	P(SKF, .u.sk = { .frag_num = 2, .total_frags = 2, .body = fill + 30, .body_len = 48 }),
};

static const struct ike_pld auth_i_clear[] = {
	P(IDI, ID_(FQDN, fqdn, sizeof(fqdn) - 1)),
	P(CERT, CERT_),
	P(CERTREQ, CERTREQ_),
	P(NOTIFY, N_(INITIAL_CONTACT)),
	P(IDR, ID_(IPV4_ADDR, ipv4, 4)),
	P(AUTH, SIGAUTH),
	P(CP, CP_(REQUEST, cp_req)),
	P(NOTIFY, N_(ESP_TFC_PADDING_NOT_SUPPORTED)),
	P(NOTIFY, N_(NON_FIRST_FRAGMENTS_ALSO)),
	P(SA, SA_(esp_props)),
	P(TSI, TS_(ts_v4v6)),
	P(TSR, TS_(ts_v4v6)),
	P(NOTIFY, N_(MOBIKE_SUPPORTED)),
};

static const struct ike_pld auth_r_clear[] = {
	P(IDR, ID_(IPV6_ADDR, ipv6, 16)),
	P(AUTH, PSKAUTH),
	P(CP, CP_(REPLY, cp_reply)),
	P(NOTIFY, N_(USE_TRANSPORT_MODE)),
	P(SA, SA_(esp_props_r)),
	P(TSI, TS_(ts_v4)),
	P(TSR, TS_(ts_v6)),
};

static const struct ike_pld eap_req[] = {
	P(IDR, ID_(FQDN, fqdn, sizeof(fqdn) - 1)),
	P(AUTH, PSKAUTH),
	P(EAP, .u.eap = { .code = IKE_EAP_CODE_REQUEST, .id = 1, .type = IKE_EAP_TYPE_IDENTITY }),
};

static const struct ike_pld eap_resp[] = {
	P(EAP, .u.eap = { .code = IKE_EAP_CODE_RESPONSE, .id = 1, .type = IKE_EAP_TYPE_IDENTITY,
			  .type_data = eap_user, .type_data_len = sizeof(eap_user) - 1 }),
};

static const struct ike_pld eap_success[] = {
	P(EAP, .u.eap = { .code = IKE_EAP_CODE_SUCCESS, .id = 2 }),
};

static const struct ike_pld child_clear[] = {
	P(NOTIFY, .u.notify = { .type = IKE_N_REKEY_SA, .protocol = IKE_PROTO_ESP, .spi_size = 4,
				.spi = esp_spi }),
	P(SA, SA_(esp_props)),
	P(NONCE, NONCE_(32)),
	P(KE, KE_(CURVE25519, 32)),
	P(TSI, TS_(ts_v6)),
	P(TSR, TS_(ts_v6)),
};

static const struct ike_pld rekey_ike_clear[] = {
	P(SA, SA_(rekey_props)),
	P(NONCE, NONCE_(32)),
	P(KE, KE_(MODP2048, 256)),
};

static const struct ike_pld info_clear[] = {
	P(DELETE, .u.del = { .protocol = IKE_PROTO_ESP, .spi_size = 4, .n_spis = 2, .spis = esp_spis }),
	P(DELETE, .u.del = { .protocol = IKE_PROTO_IKE }),
	P(NOTIFY, ND_(AUTH_LIFETIME, fill + 60, 4)),
};

static const struct ike_pld info_sk[] = {
	PE(DELETE, .u.del = { .protocol = IKE_PROTO_ESP, .spi_size = 4, .n_spis = 1, .spis = esp_spi }),
	P(SK, .u.sk = { .inner_next = IKE_PLD_DELETE, .body = fill + 50, .body_len = 64 }),
};

static const struct ike_pld info_sk_empty[] = {
	P(SK, .u.sk = { .inner_next = IKE_PLD_NONE, .body = fill + 70, .body_len = 32 }),
};

#define HDR(x, fl, id) \
	{ .spi_i = { 0x8f, 0x3a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 }, \
	  .spi_r = { 0x19, 0xc2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01 }, \
	  .major = 2, .exchange = IKE_EXCH_##x, .flags = fl, .msgid = id }
#define HDR0(x, fl) { .spi_i = { 0x8f, 0x3a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 }, \
		      .major = 2, .exchange = IKE_EXCH_##x, .flags = fl }
#define I IKE_HDR_F_INITIATOR
#define R IKE_HDR_F_RESPONSE
#define S(n, port, ok, h, p) { n, port, ok, h, p, ARRAY_SIZE(p) }

static const struct ike_msg_sample samples[] = {
	S("IKE_SA_INIT request", 500, true, HDR0(IKE_SA_INIT, I), sa_init_i),
	S("IKE_SA_INIT response", 500, true, HDR(IKE_SA_INIT, R, 0), sa_init_r),
	S("IKE_SA_INIT response COOKIE", 500, true, HDR0(IKE_SA_INIT, R), sa_init_cookie),
	S("IKE_SA_INIT response INVALID_KE_PAYLOAD", 500, true, HDR0(IKE_SA_INIT, R),
	  sa_init_invalid_ke),
	S("IKE_AUTH request SK", 4500, true, HDR(IKE_AUTH, I, 1), auth_i_sk),
	S("IKE_AUTH request SKF 1/2", 4500, true, HDR(IKE_AUTH, I, 1), auth_i_skf1),
	S("IKE_AUTH request SKF 2/2", 4500, true, HDR(IKE_AUTH, I, 1), auth_i_skf2),
	S("IKE_AUTH request in the clear", 4500, false, HDR(IKE_AUTH, I, 1), auth_i_clear),
	S("IKE_AUTH response in the clear", 4500, false, HDR(IKE_AUTH, R, 1), auth_r_clear),
	S("IKE_AUTH EAP request in the clear", 4500, false, HDR(IKE_AUTH, R, 1), eap_req),
	S("IKE_AUTH EAP response in the clear", 4500, false, HDR(IKE_AUTH, I, 2), eap_resp),
	S("IKE_AUTH EAP success in the clear", 4500, false, HDR(IKE_AUTH, R, 2), eap_success),
	S("CREATE_CHILD_SA request in the clear", 4500, false, HDR(CREATE_CHILD_SA, I, 3),
	  child_clear),
	S("CREATE_CHILD_SA IKE rekey in the clear", 4500, false, HDR(CREATE_CHILD_SA, R, 3),
	  rekey_ike_clear),
	S("INFORMATIONAL request in the clear", 4500, false, HDR(INFORMATIONAL, I, 4), info_clear),
	S("INFORMATIONAL request SK", 4500, true, HDR(INFORMATIONAL, I, 4), info_sk),
	S("INFORMATIONAL response SK", 4500, true, HDR(INFORMATIONAL, R, 4), info_sk_empty),
};

size_t ike_msg_sample_count(void)
{
	return ARRAY_SIZE(samples);
}

const struct ike_msg_sample *ike_msg_sample_get(size_t i)
{
	return i < ARRAY_SIZE(samples) ? &samples[i] : NULL;
}

int ike_msg_sample_msg(const struct ike_msg_sample *s, struct ike_msg *msg, struct ike_pld *plds,
		       size_t cap)
{
	if (!s || !msg || !plds || cap < s->n_plds)
		return -EINVAL;
	memcpy(plds, s->plds, s->n_plds * sizeof(*plds));
	*msg = (struct ike_msg){ .hdr = s->hdr, .plds = plds, .n_plds = s->n_plds };
	return 0;
}
