# The IKE SA manager and its exchanges (ike_mgr.h), and the ikenode daemon.
libikenode_la_SOURCES += \
	src/ikenode/ike_mgr.c src/ikenode/ike_mgr.h src/ikenode/ike_sa_int.h \
	src/ikenode/ike_sa.c src/ikenode/ike_init.c src/ikenode/ike_auth.c \
	src/ikenode/child_sa.c src/ikenode/ike_info.c src/ikenode/ike_mgr_json.c \
	src/ikenode/daemon.c src/ikenode/daemon.h src/ikenode/daemon_int.h \
	src/ikenode/daemon_ctl.c \
	$(NULL)
libikenode_la_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS)

sbin_PROGRAMS += ikenode
ikenode_SOURCES = src/ikenode/main.c
ikenode_LDADD = libikenode.la libkernel.la libsegment.la libcommon.la \
	$(JSON_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)

CHECK_SUITE_SOURCES += src/ikenode/tests/check_ike_mgr.c

# the load initiator of testing/bench/ike-rate
noinst_PROGRAMS += ike-load
ike_load_SOURCES = testing/bench/ike_load.c
ike_load_LDADD = libikenode.la libkernel.la libsegment.la libcommon.la \
	$(JSON_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)
