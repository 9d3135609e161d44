# see src/ikenode/local.mk
