# IKE_AUTH values: signed octets, PSK MIC, RFC 7427 signatures (auth.h)
libikenode_la_SOURCES += src/ikenode/auth.c src/ikenode/auth.h
CHECK_SUITE_SOURCES += src/ikenode/tests/check_auth.c
EXTRA_DIST += testing/data/auth

FUZZ_TARGETS += auth_sig
check_PROGRAMS += fuzz_auth_sig
fuzz_auth_sig_SOURCES = testing/fuzz/fuzz_auth_sig.c
fuzz_auth_sig_LDADD = $(FUZZ_DRIVER) libikenode.la libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_auth_sig_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
