# see src/ikenode/local.mk
IKE_CRYPTO_SOURCES = $(NULL)
