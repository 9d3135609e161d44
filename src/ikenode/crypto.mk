# see src/ikenode/local.mk
IKE_CRYPTO_SOURCES = \
	src/ikenode/crypto_ids.h \
	src/ikenode/crypto_algs.c src/ikenode/crypto_algs.h \
	src/ikenode/crypto_prf.c src/ikenode/crypto_prf.h \
	src/ikenode/crypto_kdf.c src/ikenode/crypto_kdf.h \
	src/ikenode/crypto_dh.c src/ikenode/crypto_dh.h \
	src/ikenode/ike_sk.c src/ikenode/ike_sk.h \
	$(NULL)

CHECK_SUITE_SOURCES += \
	src/ikenode/tests/check_crypto_prf.c \
	src/ikenode/tests/check_crypto_kdf.c \
	src/ikenode/tests/check_crypto_dh.c \
	src/ikenode/tests/check_ike_sk.c \
	$(NULL)
