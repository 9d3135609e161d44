# The control server: hactl's JSON requests over libqb IPC (ctl.h)
libikenode_la_SOURCES += src/ikenode/ctl.c src/ikenode/ctl.h
libikenode_la_LIBADD += $(JSON_LIBS) $(QB_LIBS)
CHECK_SUITE_SOURCES += src/ikenode/tests/check_ctl.c
# check_ctl runs the built hactl against a test server
EXTRA_check_runner_DEPENDENCIES = hactl$(EXEEXT)
