# the crypto worker pool: pthreads, completions to the qb loop through an eventfd (workpool.h)
libcommon_la_SOURCES += src/common/workpool.c src/common/workpool.h
libcommon_la_LIBADD += -lpthread
CHECK_SUITE_SOURCES += src/common/tests/check_workpool.c
