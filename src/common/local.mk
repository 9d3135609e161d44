noinst_LTLIBRARIES += libcommon.la
libcommon_la_SOURCES = \
	src/common/defs.h \
	src/common/buf.c src/common/buf.h \
	src/common/secret.c src/common/secret.h \
	src/common/log.c src/common/log.h \
	src/common/prefix.c src/common/prefix.h \
	$(NULL)
libcommon_la_LIBADD = $(OPENSSL_LIBS) $(QB_LIBS)

CHECK_SUITE_SOURCES += \
	src/common/tests/check_buf.c \
	src/common/tests/check_log.c \
	src/common/tests/check_prefix.c \
	$(NULL)
