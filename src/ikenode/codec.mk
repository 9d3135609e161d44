# see src/ikenode/local.mk
IKE_CODEC_SOURCES = $(NULL)
