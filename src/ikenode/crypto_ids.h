/*
 * IKEv2 transform and group numbers (IANA "IKEv2 Parameters") that the
 * crypto suite implements. The codec keeps its own name lists for printing
 * (ike_names.h); these few numbers are duplicated on purpose so that the
 * crypto suite does not depend on the codec.
 */
#ifndef IKN_IKENODE_CRYPTO_IDS_H
#define IKN_IKENODE_CRYPTO_IDS_H

/* Transform type 1: encryption algorithms */
#define CRYPTO_ENCR_AES_CBC 12
#define CRYPTO_ENCR_AES_GCM_16 20
#define CRYPTO_ENCR_CHACHA20_POLY1305 28

/* Transform type 2: pseudorandom functions */
#define CRYPTO_PRF_HMAC_SHA1 2
#define CRYPTO_PRF_HMAC_SHA2_256 5
#define CRYPTO_PRF_HMAC_SHA2_384 6
#define CRYPTO_PRF_HMAC_SHA2_512 7

/* Transform type 3: integrity algorithms (0: none, for AEAD ciphers) */
#define CRYPTO_INTEG_NONE 0
#define CRYPTO_INTEG_HMAC_SHA1_96 2
#define CRYPTO_INTEG_HMAC_SHA2_256_128 12
#define CRYPTO_INTEG_HMAC_SHA2_384_192 13
#define CRYPTO_INTEG_HMAC_SHA2_512_256 14

/* Transform type 4: key exchange (Diffie-Hellman) groups */
#define CRYPTO_DH_MODP_2048 14
#define CRYPTO_DH_MODP_3072 15
#define CRYPTO_DH_MODP_4096 16
#define CRYPTO_DH_ECP_256 19
#define CRYPTO_DH_ECP_384 20
#define CRYPTO_DH_ECP_521 21
#define CRYPTO_DH_CURVE25519 31
#define CRYPTO_DH_CURVE448 32

/* The salt that AES-GCM (RFC 5282) and ChaCha20-Poly1305 (RFC 7634) take
 * from the key material, after the cipher key. */
#define CRYPTO_AEAD_SALT_LEN 4

#endif
