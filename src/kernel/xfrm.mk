# xfrm: the Linux XFRM backend of kernel_ipsec (libnl; LIBNL_* already in libkernel_la_*)
libkernel_la_SOURCES += \
	src/kernel/kernel_xfrm.c src/kernel/kernel_xfrm.h \
	$(NULL)

CHECK_SUITE_SOURCES += src/kernel/tests/check_kernel_xfrm.c

# reads and moves the sequence numbers of live kernel SAs (testing/vm/xfrm-guests)
noinst_PROGRAMS += xfrm-tool
xfrm_tool_SOURCES = testing/xfrm_tool.c
xfrm_tool_LDADD = libkernel.la libcommon.la $(LIBNL_LIBS) $(QB_LIBS) $(OPENSSL_LIBS)
