# libkernel: the data-plane interface kernel_ipsec and its backends
noinst_LTLIBRARIES += libkernel.la
libkernel_la_SOURCES = \
	src/kernel/kernel_ipsec.c src/kernel/kernel_ipsec.h \
	src/kernel/kernel_null.c src/kernel/kernel_null.h \
	$(NULL)
libkernel_la_CFLAGS = $(AM_CFLAGS) $(LIBNL_CFLAGS)
libkernel_la_LIBADD = $(OPENSSL_LIBS) $(QB_LIBS) $(LIBNL_LIBS)

CHECK_SUITE_SOURCES += src/kernel/tests/check_kernel_ipsec.c
