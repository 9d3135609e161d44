# The segment packet filter (NFQUEUE and nft backends) in libsegment.
# Its libraries reach every program that links libsegment.la (libtool
# records them as the convenience library's dependencies).
libsegment_la_SOURCES += \
	src/segment/filter.c src/segment/filter.h src/segment/filter_int.h \
	src/segment/filter_nfq.c \
	src/segment/filter_nft.c \
	$(NULL)
libsegment_la_CFLAGS = $(AM_CFLAGS) $(NFQ_CFLAGS) $(NFT_CFLAGS)
libsegment_la_LIBADD = $(NFQ_LIBS) $(NFT_LIBS) $(QB_LIBS)

CHECK_SUITE_SOURCES += src/segment/tests/check_filter.c

# one backend standalone on a qb loop, for testing/vm/segment-filter and
# testing/bench/segment-filter
noinst_PROGRAMS += segment-filterd
segment_filterd_SOURCES = testing/segment_filterd.c
segment_filterd_LDADD = libsegment.la libcommon.la $(QB_LIBS)

# the cluster-IP setup tool (docs/cluster.md) goes next to ikenode and hactl
dist_sbin_SCRIPTS = cluster/ikenode-cluster

FUZZ_TARGETS += seg_packet
check_PROGRAMS += fuzz_seg_packet
fuzz_seg_packet_SOURCES = testing/fuzz/fuzz_seg_packet.c
fuzz_seg_packet_LDADD = $(FUZZ_DRIVER) libsegment.la libcommon.la $(QB_LIBS) $(OPENSSL_LIBS)
fuzz_seg_packet_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
