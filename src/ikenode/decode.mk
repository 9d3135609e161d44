# ikenode-decode: prints IKE traffic from pcap files or hex, decrypting SK
# payloads when given the keys. Its packet and key-table layers are a
# library so that the unit tests and fuzzers reach them.
noinst_LTLIBRARIES += libdecode.la
libdecode_la_SOURCES = \
	src/ikenode/decode_pcap.c src/ikenode/decode_pcap.h \
	src/ikenode/decode_keys.c src/ikenode/decode_keys.h \
	$(NULL)
libdecode_la_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
CHECK_SUITE_SOURCES += src/ikenode/tests/check_decode.c
