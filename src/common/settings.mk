# settings parser: see src/common/local.mk
