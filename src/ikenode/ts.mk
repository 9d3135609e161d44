# traffic selectors (ts.h) and Wireshark key logs (keylog.h)
libikenode_la_SOURCES += \
	src/ikenode/ts.c src/ikenode/ts.h \
	src/ikenode/keylog.c src/ikenode/keylog.h \
	$(NULL)
CHECK_SUITE_SOURCES += \
	src/ikenode/tests/check_ts.c \
	src/ikenode/tests/check_keylog.c \
	$(NULL)
