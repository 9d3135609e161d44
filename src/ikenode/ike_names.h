/* API frozen: change only compatibly */
/*
 * IKEv2 numbers and their names (RFC 7296 §3 and the IANA "IKEv2 Parameters"
 * registry). Each registry is one X-macro list: X(SYMBOL, value, "name").
 * The lists make the enums and the name lookups; add, never renumber.
 *
 * Every *_name() returns a static string, or NULL when the value is not in
 * the list (the caller prints the number then).
 */
#ifndef IKN_IKENODE_IKE_NAMES_H
#define IKN_IKENODE_IKE_NAMES_H

#include <stdint.h>

/* Exchange types (header byte 18). */
#define IKE_EXCHANGE_LIST(X)                                \
	X(IKE_SA_INIT, 34, "IKE_SA_INIT")                   \
	X(IKE_AUTH, 35, "IKE_AUTH")                         \
	X(CREATE_CHILD_SA, 36, "CREATE_CHILD_SA")           \
	X(INFORMATIONAL, 37, "INFORMATIONAL")               \
	X(IKE_SESSION_RESUME, 38, "IKE_SESSION_RESUME")     \
	X(IKE_INTERMEDIATE, 43, "IKE_INTERMEDIATE")         \
	X(IKE_FOLLOWUP_KE, 44, "IKE_FOLLOWUP_KE")

/* Payload types (Next Payload values). */
#define IKE_PAYLOAD_LIST(X)                     \
	X(NONE, 0, "NONE")                      \
	X(SA, 33, "SA")                         \
	X(KE, 34, "KE")                         \
	X(IDI, 35, "IDi")                       \
	X(IDR, 36, "IDr")                       \
	X(CERT, 37, "CERT")                     \
	X(CERTREQ, 38, "CERTREQ")               \
	X(AUTH, 39, "AUTH")                     \
	X(NONCE, 40, "Nonce")                   \
	X(NOTIFY, 41, "Notify")                 \
	X(DELETE, 42, "Delete")                 \
	X(VENDOR, 43, "Vendor ID")              \
	X(TSI, 44, "TSi")                       \
	X(TSR, 45, "TSr")                       \
	X(SK, 46, "SK")                         \
	X(CP, 47, "CP")                         \
	X(EAP, 48, "EAP")                       \
	X(GSPM, 49, "GSPM")                     \
	X(IDG, 50, "IDg")                       \
	X(GSA, 51, "GSA")                       \
	X(KD, 52, "KD")                         \
	X(SKF, 53, "SKF")                       \
	X(PS, 54, "PS")

/* Notify message types: errors (< 16384) and status types. */
#define IKE_NOTIFY_LIST(X)                                                    \
	X(UNSUPPORTED_CRITICAL_PAYLOAD, 1, "UNSUPPORTED_CRITICAL_PAYLOAD")    \
	X(INVALID_IKE_SPI, 4, "INVALID_IKE_SPI")                              \
	X(INVALID_MAJOR_VERSION, 5, "INVALID_MAJOR_VERSION")                  \
	X(INVALID_SYNTAX, 7, "INVALID_SYNTAX")                                \
	X(INVALID_MESSAGE_ID, 9, "INVALID_MESSAGE_ID")                        \
	X(INVALID_SPI, 11, "INVALID_SPI")                                     \
	X(NO_PROPOSAL_CHOSEN, 14, "NO_PROPOSAL_CHOSEN")                       \
	X(INVALID_KE_PAYLOAD, 17, "INVALID_KE_PAYLOAD")                       \
	X(AUTHENTICATION_FAILED, 24, "AUTHENTICATION_FAILED")                 \
	X(SINGLE_PAIR_REQUIRED, 34, "SINGLE_PAIR_REQUIRED")                   \
	X(NO_ADDITIONAL_SAS, 35, "NO_ADDITIONAL_SAS")                         \
	X(INTERNAL_ADDRESS_FAILURE, 36, "INTERNAL_ADDRESS_FAILURE")           \
	X(FAILED_CP_REQUIRED, 37, "FAILED_CP_REQUIRED")                       \
	X(TS_UNACCEPTABLE, 38, "TS_UNACCEPTABLE")                             \
	X(INVALID_SELECTORS, 39, "INVALID_SELECTORS")                         \
	X(UNACCEPTABLE_ADDRESSES, 40, "UNACCEPTABLE_ADDRESSES")               \
	X(UNEXPECTED_NAT_DETECTED, 41, "UNEXPECTED_NAT_DETECTED")             \
	X(USE_ASSIGNED_HOA, 42, "USE_ASSIGNED_HoA")                           \
	X(TEMPORARY_FAILURE, 43, "TEMPORARY_FAILURE")                         \
	X(CHILD_SA_NOT_FOUND, 44, "CHILD_SA_NOT_FOUND")                       \
	X(INVALID_GROUP_ID, 45, "INVALID_GROUP_ID")                           \
	X(AUTHORIZATION_FAILED, 46, "AUTHORIZATION_FAILED")                   \
	X(STATE_NOT_FOUND, 47, "STATE_NOT_FOUND")                             \
	X(INITIAL_CONTACT, 16384, "INITIAL_CONTACT")                          \
	X(SET_WINDOW_SIZE, 16385, "SET_WINDOW_SIZE")                          \
	X(ADDITIONAL_TS_POSSIBLE, 16386, "ADDITIONAL_TS_POSSIBLE")            \
	X(IPCOMP_SUPPORTED, 16387, "IPCOMP_SUPPORTED")                        \
	X(NAT_DETECTION_SOURCE_IP, 16388, "NAT_DETECTION_SOURCE_IP")          \
	X(NAT_DETECTION_DESTINATION_IP, 16389, "NAT_DETECTION_DESTINATION_IP") \
	X(COOKIE, 16390, "COOKIE")                                            \
	X(USE_TRANSPORT_MODE, 16391, "USE_TRANSPORT_MODE")                    \
	X(HTTP_CERT_LOOKUP_SUPPORTED, 16392, "HTTP_CERT_LOOKUP_SUPPORTED")    \
	X(REKEY_SA, 16393, "REKEY_SA")                                        \
	X(ESP_TFC_PADDING_NOT_SUPPORTED, 16394, "ESP_TFC_PADDING_NOT_SUPPORTED") \
	X(NON_FIRST_FRAGMENTS_ALSO, 16395, "NON_FIRST_FRAGMENTS_ALSO")        \
	X(MOBIKE_SUPPORTED, 16396, "MOBIKE_SUPPORTED")                        \
	X(ADDITIONAL_IP4_ADDRESS, 16397, "ADDITIONAL_IP4_ADDRESS")            \
	X(ADDITIONAL_IP6_ADDRESS, 16398, "ADDITIONAL_IP6_ADDRESS")            \
	X(NO_ADDITIONAL_ADDRESSES, 16399, "NO_ADDITIONAL_ADDRESSES")          \
	X(UPDATE_SA_ADDRESSES, 16400, "UPDATE_SA_ADDRESSES")                  \
	X(COOKIE2, 16401, "COOKIE2")                                          \
	X(NO_NATS_ALLOWED, 16402, "NO_NATS_ALLOWED")                          \
	X(AUTH_LIFETIME, 16403, "AUTH_LIFETIME")                              \
	X(MULTIPLE_AUTH_SUPPORTED, 16404, "MULTIPLE_AUTH_SUPPORTED")          \
	X(ANOTHER_AUTH_FOLLOWS, 16405, "ANOTHER_AUTH_FOLLOWS")                \
	X(REDIRECT_SUPPORTED, 16406, "REDIRECT_SUPPORTED")                    \
	X(REDIRECT, 16407, "REDIRECT")                                        \
	X(REDIRECTED_FROM, 16408, "REDIRECTED_FROM")                          \
	X(TICKET_LT_OPAQUE, 16409, "TICKET_LT_OPAQUE")                        \
	X(TICKET_REQUEST, 16410, "TICKET_REQUEST")                            \
	X(TICKET_ACK, 16411, "TICKET_ACK")                                    \
	X(TICKET_NACK, 16412, "TICKET_NACK")                                  \
	X(TICKET_OPAQUE, 16413, "TICKET_OPAQUE")                              \
	X(LINK_ID, 16414, "LINK_ID")                                          \
	X(USE_WESP_MODE, 16415, "USE_WESP_MODE")                              \
	X(ROHC_SUPPORTED, 16416, "ROHC_SUPPORTED")                            \
	X(EAP_ONLY_AUTHENTICATION, 16417, "EAP_ONLY_AUTHENTICATION")          \
	X(CHILDLESS_IKEV2_SUPPORTED, 16418, "CHILDLESS_IKEV2_SUPPORTED")      \
	X(QUICK_CRASH_DETECTION, 16419, "QUICK_CRASH_DETECTION")              \
	X(IKEV2_MESSAGE_ID_SYNC_SUPPORTED, 16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED") \
	X(IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED, 16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED") \
	X(IKEV2_MESSAGE_ID_SYNC, 16422, "IKEV2_MESSAGE_ID_SYNC")              \
	X(IPSEC_REPLAY_COUNTER_SYNC, 16423, "IPSEC_REPLAY_COUNTER_SYNC")      \
	X(SECURE_PASSWORD_METHODS, 16424, "SECURE_PASSWORD_METHODS")          \
	X(PSK_PERSIST, 16425, "PSK_PERSIST")                                  \
	X(PSK_CONFIRM, 16426, "PSK_CONFIRM")                                  \
	X(ERX_SUPPORTED, 16427, "ERX_SUPPORTED")                              \
	X(IFOM_CAPABILITY, 16428, "IFOM_CAPABILITY")                          \
	X(SENDER_REQUEST_ID, 16429, "SENDER_REQUEST_ID")                      \
	X(IKEV2_FRAGMENTATION_SUPPORTED, 16430, "IKEV2_FRAGMENTATION_SUPPORTED") \
	X(SIGNATURE_HASH_ALGORITHMS, 16431, "SIGNATURE_HASH_ALGORITHMS")      \
	X(CLONE_IKE_SA_SUPPORTED, 16432, "CLONE_IKE_SA_SUPPORTED")            \
	X(CLONE_IKE_SA, 16433, "CLONE_IKE_SA")                                \
	X(PUZZLE, 16434, "PUZZLE")                                            \
	X(USE_PPK, 16435, "USE_PPK")                                          \
	X(PPK_IDENTITY, 16436, "PPK_IDENTITY")                                \
	X(NO_PPK_AUTH, 16437, "NO_PPK_AUTH")                                  \
	X(INTERMEDIATE_EXCHANGE_SUPPORTED, 16438, "INTERMEDIATE_EXCHANGE_SUPPORTED") \
	X(IP4_ALLOWED, 16439, "IP4_ALLOWED")                                  \
	X(IP6_ALLOWED, 16440, "IP6_ALLOWED")                                  \
	X(ADDITIONAL_KEY_EXCHANGE, 16441, "ADDITIONAL_KEY_EXCHANGE")          \
	X(USE_AGGFRAG, 16442, "USE_AGGFRAG")

/* Protocol IDs (proposals, Notify, Delete). */
#define IKE_PROTO_LIST(X)         \
	X(NONE, 0, "NONE")        \
	X(IKE, 1, "IKE")          \
	X(AH, 2, "AH")            \
	X(ESP, 3, "ESP")

/* Transform types. */
#define IKE_TRANSFORM_TYPE_LIST(X) \
	X(ENCR, 1, "ENCR")         \
	X(PRF, 2, "PRF")           \
	X(INTEG, 3, "INTEG")       \
	X(DH, 4, "DH")             \
	X(ESN, 5, "ESN")

/* Transform IDs, one list per transform type. */
#define IKE_ENCR_LIST(X)                                     \
	X(DES_IV64, 1, "DES_IV64")                           \
	X(DES, 2, "DES")                                     \
	X(3DES, 3, "3DES")                                   \
	X(RC5, 4, "RC5")                                     \
	X(IDEA, 5, "IDEA")                                   \
	X(CAST, 6, "CAST")                                   \
	X(BLOWFISH, 7, "BLOWFISH")                           \
	X(3IDEA, 8, "3IDEA")                                 \
	X(DES_IV32, 9, "DES_IV32")                           \
	X(NULL, 11, "NULL")                                  \
	X(AES_CBC, 12, "AES_CBC")                            \
	X(AES_CTR, 13, "AES_CTR")                            \
	X(AES_CCM_8, 14, "AES_CCM_8")                        \
	X(AES_CCM_12, 15, "AES_CCM_12")                      \
	X(AES_CCM_16, 16, "AES_CCM_16")                      \
	X(AES_GCM_8, 18, "AES_GCM_8")                        \
	X(AES_GCM_12, 19, "AES_GCM_12")                      \
	X(AES_GCM_16, 20, "AES_GCM_16")                      \
	X(NULL_AUTH_AES_GMAC, 21, "NULL_AUTH_AES_GMAC")      \
	X(CAMELLIA_CBC, 23, "CAMELLIA_CBC")                  \
	X(CAMELLIA_CTR, 24, "CAMELLIA_CTR")                  \
	X(CAMELLIA_CCM_8, 25, "CAMELLIA_CCM_8")              \
	X(CAMELLIA_CCM_12, 26, "CAMELLIA_CCM_12")            \
	X(CAMELLIA_CCM_16, 27, "CAMELLIA_CCM_16")            \
	X(CHACHA20_POLY1305, 28, "CHACHA20_POLY1305")

#define IKE_PRF_LIST(X)                                \
	X(HMAC_MD5, 1, "PRF_HMAC_MD5")                 \
	X(HMAC_SHA1, 2, "PRF_HMAC_SHA1")               \
	X(HMAC_TIGER, 3, "PRF_HMAC_TIGER")             \
	X(AES128_XCBC, 4, "PRF_AES128_XCBC")           \
	X(HMAC_SHA2_256, 5, "PRF_HMAC_SHA2_256")       \
	X(HMAC_SHA2_384, 6, "PRF_HMAC_SHA2_384")       \
	X(HMAC_SHA2_512, 7, "PRF_HMAC_SHA2_512")       \
	X(AES128_CMAC, 8, "PRF_AES128_CMAC")

#define IKE_INTEG_LIST(X)                                        \
	X(NONE, 0, "NONE")                                       \
	X(HMAC_MD5_96, 1, "AUTH_HMAC_MD5_96")                    \
	X(HMAC_SHA1_96, 2, "AUTH_HMAC_SHA1_96")                  \
	X(DES_MAC, 3, "AUTH_DES_MAC")                            \
	X(KPDK_MD5, 4, "AUTH_KPDK_MD5")                          \
	X(AES_XCBC_96, 5, "AUTH_AES_XCBC_96")                    \
	X(HMAC_MD5_128, 6, "AUTH_HMAC_MD5_128")                  \
	X(HMAC_SHA1_160, 7, "AUTH_HMAC_SHA1_160")                \
	X(AES_CMAC_96, 8, "AUTH_AES_CMAC_96")                    \
	X(AES_128_GMAC, 9, "AUTH_AES_128_GMAC")                  \
	X(AES_192_GMAC, 10, "AUTH_AES_192_GMAC")                 \
	X(AES_256_GMAC, 11, "AUTH_AES_256_GMAC")                 \
	X(HMAC_SHA2_256_128, 12, "AUTH_HMAC_SHA2_256_128")       \
	X(HMAC_SHA2_384_192, 13, "AUTH_HMAC_SHA2_384_192")       \
	X(HMAC_SHA2_512_256, 14, "AUTH_HMAC_SHA2_512_256")

#define IKE_DH_LIST(X)                              \
	X(NONE, 0, "NONE")                          \
	X(MODP768, 1, "MODP_768")                   \
	X(MODP1024, 2, "MODP_1024")                 \
	X(MODP1536, 5, "MODP_1536")                 \
	X(MODP2048, 14, "MODP_2048")                \
	X(MODP3072, 15, "MODP_3072")                \
	X(MODP4096, 16, "MODP_4096")                \
	X(MODP6144, 17, "MODP_6144")                \
	X(MODP8192, 18, "MODP_8192")                \
	X(ECP256, 19, "ECP_256")                    \
	X(ECP384, 20, "ECP_384")                    \
	X(ECP521, 21, "ECP_521")                    \
	X(MODP1024_160, 22, "MODP_1024_160")        \
	X(MODP2048_224, 23, "MODP_2048_224")        \
	X(MODP2048_256, 24, "MODP_2048_256")        \
	X(ECP192, 25, "ECP_192")                    \
	X(ECP224, 26, "ECP_224")                    \
	X(BRAINPOOL224, 27, "ECP_224_BP")           \
	X(BRAINPOOL256, 28, "ECP_256_BP")           \
	X(BRAINPOOL384, 29, "ECP_384_BP")           \
	X(BRAINPOOL512, 30, "ECP_512_BP")           \
	X(CURVE25519, 31, "CURVE_25519")            \
	X(CURVE448, 32, "CURVE_448")

#define IKE_ESN_LIST(X)        \
	X(NO, 0, "NO_ESN")     \
	X(YES, 1, "ESN")

/* Transform attribute types (the AF bit is not part of the type). */
#define IKE_TATTR_LIST(X) X(KEY_LENGTH, 14, "KEY_LENGTH")

/* Identification types (IDi/IDr). */
#define IKE_ID_LIST(X)                              \
	X(IPV4_ADDR, 1, "ID_IPV4_ADDR")             \
	X(FQDN, 2, "ID_FQDN")                       \
	X(RFC822_ADDR, 3, "ID_RFC822_ADDR")         \
	X(IPV6_ADDR, 5, "ID_IPV6_ADDR")             \
	X(DER_ASN1_DN, 9, "ID_DER_ASN1_DN")         \
	X(DER_ASN1_GN, 10, "ID_DER_ASN1_GN")        \
	X(KEY_ID, 11, "ID_KEY_ID")                  \
	X(FC_NAME, 12, "ID_FC_NAME")                \
	X(NULL, 13, "ID_NULL")

/* Certificate encodings (CERT, CERTREQ). */
#define IKE_CERT_LIST(X)                                            \
	X(PKCS7_X509, 1, "PKCS #7 wrapped X.509 certificate")       \
	X(PGP, 2, "PGP Certificate")                                \
	X(DNS_SIGNED_KEY, 3, "DNS Signed Key")                      \
	X(X509_SIG, 4, "X.509 Certificate - Signature")             \
	X(KERBEROS, 6, "Kerberos Token")                            \
	X(CRL, 7, "Certificate Revocation List (CRL)")              \
	X(ARL, 8, "Authority Revocation List (ARL)")                \
	X(SPKI, 9, "SPKI Certificate")                              \
	X(X509_ATTR, 10, "X.509 Certificate - Attribute")           \
	X(RAW_RSA, 11, "Raw RSA Key")                               \
	X(HASH_URL_X509, 12, "Hash and URL of X.509 certificate")   \
	X(HASH_URL_BUNDLE, 13, "Hash and URL of X.509 bundle")      \
	X(OCSP, 14, "OCSP Content")                                 \
	X(RAW_PUBKEY, 15, "Raw Public Key")

/* Authentication methods (AUTH). */
#define IKE_AUTH_LIST(X)                                          \
	X(RSA_SIG, 1, "RSA Digital Signature")                    \
	X(PSK, 2, "Shared Key Message Integrity Code")            \
	X(DSS_SIG, 3, "DSS Digital Signature")                    \
	X(ECDSA_256, 9, "ECDSA with SHA-256 on the P-256 curve")  \
	X(ECDSA_384, 10, "ECDSA with SHA-384 on the P-384 curve") \
	X(ECDSA_521, 11, "ECDSA with SHA-512 on the P-521 curve") \
	X(GSPAM, 12, "Generic Secure Password Authentication Method") \
	X(NULL, 13, "NULL Authentication")                        \
	X(DIGITAL_SIG, 14, "Digital Signature")

/* Configuration payload types (CP). */
#define IKE_CFG_LIST(X)                     \
	X(REQUEST, 1, "CFG_REQUEST")        \
	X(REPLY, 2, "CFG_REPLY")            \
	X(SET, 3, "CFG_SET")                \
	X(ACK, 4, "CFG_ACK")

/* Configuration attribute types (CP attributes). */
#define IKE_CFG_ATTR_LIST(X)                                    \
	X(INTERNAL_IP4_ADDRESS, 1, "INTERNAL_IP4_ADDRESS")      \
	X(INTERNAL_IP4_NETMASK, 2, "INTERNAL_IP4_NETMASK")      \
	X(INTERNAL_IP4_DNS, 3, "INTERNAL_IP4_DNS")              \
	X(INTERNAL_IP4_NBNS, 4, "INTERNAL_IP4_NBNS")            \
	X(INTERNAL_IP4_DHCP, 6, "INTERNAL_IP4_DHCP")            \
	X(APPLICATION_VERSION, 7, "APPLICATION_VERSION")        \
	X(INTERNAL_IP6_ADDRESS, 8, "INTERNAL_IP6_ADDRESS")      \
	X(INTERNAL_IP6_DNS, 10, "INTERNAL_IP6_DNS")             \
	X(INTERNAL_IP6_DHCP, 12, "INTERNAL_IP6_DHCP")           \
	X(INTERNAL_IP4_SUBNET, 13, "INTERNAL_IP4_SUBNET")       \
	X(SUPPORTED_ATTRIBUTES, 14, "SUPPORTED_ATTRIBUTES")     \
	X(INTERNAL_IP6_SUBNET, 15, "INTERNAL_IP6_SUBNET")

/* Traffic selector types. */
#define IKE_TS_LIST(X)                                   \
	X(IPV4_ADDR_RANGE, 7, "TS_IPV4_ADDR_RANGE")      \
	X(IPV6_ADDR_RANGE, 8, "TS_IPV6_ADDR_RANGE")      \
	X(FC_ADDR_RANGE, 9, "TS_FC_ADDR_RANGE")

/* EAP codes (RFC 3748) and the common EAP method types. */
#define IKE_EAP_CODE_LIST(X)         \
	X(REQUEST, 1, "Request")     \
	X(RESPONSE, 2, "Response")   \
	X(SUCCESS, 3, "Success")     \
	X(FAILURE, 4, "Failure")

#define IKE_EAP_TYPE_LIST(X)                 \
	X(IDENTITY, 1, "Identity")           \
	X(NOTIFICATION, 2, "Notification")   \
	X(NAK, 3, "Nak")                     \
	X(MD5, 4, "MD5-Challenge")           \
	X(OTP, 5, "OTP")                     \
	X(GTC, 6, "GTC")                     \
	X(TLS, 13, "TLS")                    \
	X(SIM, 18, "SIM")                    \
	X(TTLS, 21, "TTLS")                  \
	X(AKA, 23, "AKA")                    \
	X(PEAP, 25, "PEAP")                  \
	X(MSCHAPV2, 26, "MSCHAPv2")          \
	X(AKA_PRIME, 50, "AKA'")             \
	X(EXPANDED, 254, "Expanded")

#define IKE_EXCH_ENUM_(s, v, n) IKE_EXCH_##s = v,
enum ike_exchange { IKE_EXCHANGE_LIST(IKE_EXCH_ENUM_) };
#define IKE_PLD_ENUM_(s, v, n) IKE_PLD_##s = v,
enum ike_pld_type { IKE_PAYLOAD_LIST(IKE_PLD_ENUM_) };
#define IKE_N_ENUM_(s, v, n) IKE_N_##s = v,
enum ike_notify_type { IKE_NOTIFY_LIST(IKE_N_ENUM_) };
#define IKE_PROTO_ENUM_(s, v, n) IKE_PROTO_##s = v,
enum ike_proto { IKE_PROTO_LIST(IKE_PROTO_ENUM_) };
#define IKE_TT_ENUM_(s, v, n) IKE_TT_##s = v,
enum ike_transform_type { IKE_TRANSFORM_TYPE_LIST(IKE_TT_ENUM_) };
#define IKE_ENCR_ENUM_(s, v, n) IKE_ENCR_##s = v,
enum ike_encr { IKE_ENCR_LIST(IKE_ENCR_ENUM_) };
#define IKE_PRF_ENUM_(s, v, n) IKE_PRF_##s = v,
enum ike_prf { IKE_PRF_LIST(IKE_PRF_ENUM_) };
#define IKE_INTEG_ENUM_(s, v, n) IKE_INTEG_##s = v,
enum ike_integ { IKE_INTEG_LIST(IKE_INTEG_ENUM_) };
#define IKE_DH_ENUM_(s, v, n) IKE_DH_##s = v,
enum ike_dh { IKE_DH_LIST(IKE_DH_ENUM_) };
#define IKE_ESN_ENUM_(s, v, n) IKE_ESN_##s = v,
enum ike_esn { IKE_ESN_LIST(IKE_ESN_ENUM_) };
#define IKE_TATTR_ENUM_(s, v, n) IKE_TATTR_##s = v,
enum ike_tattr_type { IKE_TATTR_LIST(IKE_TATTR_ENUM_) };
#define IKE_ID_ENUM_(s, v, n) IKE_ID_##s = v,
enum ike_id_type { IKE_ID_LIST(IKE_ID_ENUM_) };
#define IKE_CERT_ENUM_(s, v, n) IKE_CERT_##s = v,
enum ike_cert_encoding { IKE_CERT_LIST(IKE_CERT_ENUM_) };
#define IKE_AUTH_ENUM_(s, v, n) IKE_AUTH_##s = v,
enum ike_auth_method { IKE_AUTH_LIST(IKE_AUTH_ENUM_) };
#define IKE_CFG_ENUM_(s, v, n) IKE_CFG_##s = v,
enum ike_cfg_type { IKE_CFG_LIST(IKE_CFG_ENUM_) };
#define IKE_CFGA_ENUM_(s, v, n) IKE_CFGA_##s = v,
enum ike_cfg_attr_type { IKE_CFG_ATTR_LIST(IKE_CFGA_ENUM_) };
#define IKE_TS_ENUM_(s, v, n) IKE_TS_##s = v,
enum ike_ts_type { IKE_TS_LIST(IKE_TS_ENUM_) };
#define IKE_EAPC_ENUM_(s, v, n) IKE_EAP_CODE_##s = v,
enum ike_eap_code { IKE_EAP_CODE_LIST(IKE_EAPC_ENUM_) };
#define IKE_EAPT_ENUM_(s, v, n) IKE_EAP_TYPE_##s = v,
enum ike_eap_type { IKE_EAP_TYPE_LIST(IKE_EAPT_ENUM_) };

/* Header flags (byte 19). */
enum {
	IKE_HDR_F_INITIATOR = 0x08,
	IKE_HDR_F_VERSION = 0x10,
	IKE_HDR_F_RESPONSE = 0x20,
};

const char *ike_exchange_name(unsigned int exchange);
const char *ike_payload_name(unsigned int type);
const char *ike_notify_name(unsigned int type);
const char *ike_proto_name(unsigned int proto);
const char *ike_transform_type_name(unsigned int type);
/* A transform ID's name within its transform type (ENCR, PRF, ...). */
const char *ike_transform_name(unsigned int type, unsigned int id);
const char *ike_tattr_name(unsigned int type);
const char *ike_id_type_name(unsigned int type);
const char *ike_cert_encoding_name(unsigned int encoding);
const char *ike_auth_method_name(unsigned int method);
const char *ike_cfg_type_name(unsigned int type);
const char *ike_cfg_attr_name(unsigned int type);
const char *ike_ts_type_name(unsigned int type);
const char *ike_eap_code_name(unsigned int code);
const char *ike_eap_type_name(unsigned int type);

#endif
