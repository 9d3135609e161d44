# hactl: the operator CLI, a client of the daemon's control server
# (src/ikenode/ctl.h has the wire protocol)
sbin_PROGRAMS += hactl
hactl_SOURCES = \
	src/hactl/hactl.c src/hactl/hactl.h \
	src/hactl/hactl_print.c \
	src/ikenode/ctl.h \
	$(NULL)
hactl_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS)
hactl_LDADD = $(JSON_LIBS) $(QB_LIBS)

# `hactl status` without a daemon: the message and exit status 3
TESTS += testing/hactl-offline
EXTRA_DIST += testing/hactl-offline docs/hactl.8.md
