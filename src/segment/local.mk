# libsegment: segment_of(), the ownership plan, inner classification
noinst_LTLIBRARIES += libsegment.la
libsegment_la_SOURCES = $(NULL)
