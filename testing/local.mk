# The unit-test runner: every check_<name>.c listed in CHECK_SUITE_SOURCES
# defines <name>_suite() and is registered through a generated header.
check_PROGRAMS += check_runner
TESTS += check_runner
check_runner_SOURCES = testing/check_runner.c $(CHECK_SUITE_SOURCES) $(CHECK_HELPER_SOURCES)
nodist_check_runner_SOURCES = testing/check_suites.h
check_runner_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -I$(top_builddir)/testing \
	-DTOP_SRCDIR='"$(abs_top_srcdir)"'
check_runner_LDADD = libdecode.la libikenode.la libkernel.la libsegment.la libcommon.la $(CHECK_LIBS) $(PCAP_LIBS) $(JSON_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)
BUILT_SOURCES += testing/check_suites.h
# also when check_runner is the only target asked for
$(check_runner_OBJECTS): testing/check_suites.h
CLEANFILES += testing/check_suites.h
testing/check_suites.h: Makefile
	$(AM_V_GEN)mkdir -p testing && \
	for f in $(CHECK_SUITE_SOURCES); do \
		n=$${f##*/check_}; echo "SUITE($${n%.c})"; \
	done >$@.tmp && mv $@.tmp $@

# Fuzz harnesses. Under --enable-fuzzing each links libFuzzer; otherwise
# it links a small driver that runs the given files once, so that `make
# check` replays every seed corpus under the ordinary (or sanitizer) build.
if FUZZING
FUZZ_DRIVER =
FUZZER_LINK = -fsanitize=fuzzer
else
check_LTLIBRARIES = libfuzzdriver.la
libfuzzdriver_la_SOURCES = testing/fuzz/driver.c
FUZZ_DRIVER = libfuzzdriver.la
FUZZER_LINK =
endif
TESTS += testing/fuzz/replay-corpora
EXTRA_DIST += testing/fuzz/replay-corpora testing/fuzz/corpus
AM_TESTS_ENVIRONMENT = FUZZ_TARGETS='$(FUZZ_TARGETS)'; export FUZZ_TARGETS; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir;

# Every header compiles on its own.
check-headers:
	@set -e; for h in $$(cd $(srcdir) && find src -name '*.h'); do \
		echo "#include \"$$h\"" | $(CC) $(DEFS) $(AM_CPPFLAGS) -I$(top_srcdir) \
			-I$(top_builddir) $(AM_CFLAGS) $(CFLAGS) $(CHECK_CFLAGS) \
			-fsyntax-only -x c - || { echo "header does not stand alone: $$h"; exit 1; }; \
	done; echo "check-headers: all headers stand alone"
.PHONY: check-headers
