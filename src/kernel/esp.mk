# esp: the ESP packet transform of the userspace data plane (esp.h)
libkernel_la_SOURCES += src/kernel/esp.c src/kernel/esp.h
CHECK_SUITE_SOURCES += src/kernel/tests/check_esp.c

FUZZ_TARGETS += esp_open
check_PROGRAMS += fuzz_esp_open
fuzz_esp_open_SOURCES = testing/fuzz/fuzz_esp_open.c
fuzz_esp_open_LDADD = $(FUZZ_DRIVER) libkernel.la libcommon.la $(OPENSSL_LIBS) $(QB_LIBS)
fuzz_esp_open_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
