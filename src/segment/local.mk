# libsegment: segment_of(), the ownership plan, inner classification
noinst_LTLIBRARIES += libsegment.la
libsegment_la_SOURCES = \
	src/segment/segment.c src/segment/segment.h \
	src/segment/plan.c src/segment/plan.h \
	src/segment/classify.c src/segment/classify.h \
	$(NULL)

CHECK_SUITE_SOURCES += \
	src/segment/tests/check_segment.c \
	src/segment/tests/check_plan.c \
	src/segment/tests/check_classify.c \
	$(NULL)

# helpers of testing/vm/segment-hash-agreement
check_PROGRAMS += segment-of segment-send
segment_of_SOURCES = testing/segment_of.c
segment_of_LDADD = libsegment.la
segment_send_SOURCES = testing/segment_send.c
