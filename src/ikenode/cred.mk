# identities (ike_id.h) and the credential store: certificates, keys, CAs, CRLs (cred.h)
libikenode_la_SOURCES += \
	src/ikenode/ike_id.c src/ikenode/ike_id.h \
	src/ikenode/cred.c src/ikenode/cred.h \
	$(NULL)
CHECK_SUITE_SOURCES += \
	src/ikenode/tests/check_ike_id.c \
	src/ikenode/tests/check_cred.c \
	$(NULL)

FUZZ_TARGETS += ike_id
check_PROGRAMS += fuzz_ike_id
fuzz_ike_id_SOURCES = testing/fuzz/fuzz_ike_id.c
fuzz_ike_id_LDADD = $(FUZZ_DRIVER) libikenode.la libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_ike_id_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
