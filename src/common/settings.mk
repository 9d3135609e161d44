# settings parser (strongSwan's strongswan.conf / swanctl.conf syntax)
libcommon_la_SOURCES += \
	src/common/settings.c src/common/settings.h src/common/settings_int.h \
	src/common/settings_value.c \
	src/common/settings_error.c \
	src/common/settings_lex.c \
	src/common/settings_parse.c \
	src/common/settings_ref.c \
	$(NULL)
CHECK_SUITE_SOURCES += src/common/tests/check_settings.c
FUZZ_TARGETS += settings
check_PROGRAMS += fuzz_settings
fuzz_settings_SOURCES = testing/fuzz/fuzz_settings.c
fuzz_settings_LDADD = $(FUZZ_DRIVER) libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_settings_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
