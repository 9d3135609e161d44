# swanctl.conf loader: connections and IKE secrets (config_swanctl.h)
libikenode_la_SOURCES += src/ikenode/config_swanctl.c src/ikenode/config_swanctl.h
CHECK_SUITE_SOURCES += src/ikenode/tests/check_config_swanctl.c
EXTRA_DIST += testing/data/swanctl

FUZZ_TARGETS += config_swanctl
check_PROGRAMS += fuzz_config_swanctl
fuzz_config_swanctl_SOURCES = testing/fuzz/fuzz_config_swanctl.c
fuzz_config_swanctl_LDADD = $(FUZZ_DRIVER) libikenode.la libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_config_swanctl_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
