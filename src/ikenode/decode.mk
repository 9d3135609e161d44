# ikenode-decode: prints IKE traffic from pcap files or hex, decrypting SK
# payloads when given the keys. Everything but main() is a library so that
# the unit tests (check_decode.c, in check_runner) and the fuzzers reach it.
noinst_LTLIBRARIES += libdecode.la
libdecode_la_SOURCES = \
	src/ikenode/decode_pcap.c src/ikenode/decode_pcap.h \
	src/ikenode/decode_keys.c src/ikenode/decode_keys.h \
	src/ikenode/decode_emit.c src/ikenode/decode_emit.h \
	src/ikenode/decode_sk.c src/ikenode/decode_sk.h \
	src/ikenode/decode_frag.c src/ikenode/decode_frag.h \
	src/ikenode/decode_print.c src/ikenode/decode_print.h \
	$(NULL)
libdecode_la_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(JSON_CFLAGS)

bin_PROGRAMS += ikenode-decode
ikenode_decode_SOURCES = src/ikenode/decode_main.c
ikenode_decode_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(JSON_CFLAGS)
ikenode_decode_LDADD = libdecode.la libikenode.la libcommon.la \
	$(PCAP_LIBS) $(JSON_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)

# check_runner links libdecode.la and $(PCAP_LIBS) $(JSON_LIBS) (testing/local.mk)
CHECK_SUITE_SOURCES += src/ikenode/tests/check_decode.c

DECODE_FUZZ_LIBS = libdecode.la libikenode.la libcommon.la \
	$(PCAP_LIBS) $(JSON_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)
FUZZ_TARGETS += decode_keys decode_pcap ike_msg_sk
check_PROGRAMS += fuzz_decode_keys fuzz_decode_pcap fuzz_ike_msg_sk
# the key-table parser on arbitrary text
fuzz_decode_keys_SOURCES = testing/fuzz/fuzz_decode_keys.c
fuzz_decode_keys_LDADD = $(FUZZ_DRIVER) $(DECODE_FUZZ_LIBS)
fuzz_decode_keys_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
# a capture file through the packet layer and the printer
fuzz_decode_pcap_SOURCES = testing/fuzz/fuzz_decode_pcap.c
fuzz_decode_pcap_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
fuzz_decode_pcap_LDADD = $(FUZZ_DRIVER) $(DECODE_FUZZ_LIBS)
fuzz_decode_pcap_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
# a message through the codec, SK decryption with fixed keys, the inner chain
fuzz_ike_msg_sk_SOURCES = testing/fuzz/fuzz_ike_msg_sk.c
fuzz_ike_msg_sk_LDADD = $(FUZZ_DRIVER) libikenode.la libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_ike_msg_sk_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
