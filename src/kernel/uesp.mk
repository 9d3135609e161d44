# uesp: userspace ESP over TUN (kernel_uesp.h), on top of esp.c
libkernel_la_SOURCES += src/kernel/kernel_uesp.c src/kernel/kernel_uesp.h \
	src/kernel/uesp_route.c src/kernel/uesp_route.h \
	src/kernel/uesp_offload.c src/kernel/uesp_offload.h
CHECK_SUITE_SOURCES += src/kernel/tests/check_kernel_uesp.c
libkernel_la_SOURCES += src/kernel/inner_pkt.c src/kernel/inner_pkt.h

FUZZ_TARGETS += inner_pkt
check_PROGRAMS += fuzz_inner_pkt
fuzz_inner_pkt_SOURCES = testing/fuzz/fuzz_inner_pkt.c
fuzz_inner_pkt_LDADD = $(FUZZ_DRIVER) libkernel.la libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_inner_pkt_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
CHECK_SUITE_SOURCES += src/kernel/tests/check_inner_pkt.c
CHECK_SUITE_SOURCES += src/kernel/tests/check_uesp_offload.c
