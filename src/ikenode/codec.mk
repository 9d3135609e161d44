# The IKEv2 message codec (see src/ikenode/local.mk): header and payloads
# (ike_msg, ike_pld_*), per-exchange rules (ike_rules), names (ike_names).
IKE_CODEC_SOURCES = \
	src/ikenode/ike_msg.c src/ikenode/ike_msg.h \
	src/ikenode/ike_pld_ops.c src/ikenode/ike_pld_ops.h \
	src/ikenode/ike_pld_sa.c \
	src/ikenode/ike_pld_ts.c \
	src/ikenode/ike_rules.c src/ikenode/ike_rules.h \
	src/ikenode/ike_names.c src/ikenode/ike_names.h \
	src/ikenode/ike_msg_samples.c src/ikenode/ike_msg_samples.h \
	$(NULL)

FUZZ_TARGETS += ike_msg
check_PROGRAMS += fuzz_ike_msg
fuzz_ike_msg_SOURCES = testing/fuzz/fuzz_ike_msg.c
fuzz_ike_msg_LDADD = $(FUZZ_DRIVER) libikenode.la libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_ike_msg_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)

# every sample message through tshark (testing/tshark-check)
check_PROGRAMS += ike_samples
ike_samples_SOURCES = testing/ike_samples.c
ike_samples_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
ike_samples_LDADD = libikenode.la libcommon.la $(PCAP_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)
TESTS += testing/tshark-check
EXTRA_DIST += testing/tshark-check

CHECK_SUITE_SOURCES += \
	src/ikenode/tests/check_ike_msg.c \
	src/ikenode/tests/check_ike_msg_bad.c \
	src/ikenode/tests/check_ike_rules.c \
	$(NULL)
CHECK_HELPER_SOURCES += src/ikenode/tests/strongswan_msgs.c src/ikenode/tests/strongswan_msgs.h
