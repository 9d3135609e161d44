# IKE UDP sockets (net.h) and NAT detection hashes (natd.h)
libikenode_la_SOURCES += \
	src/ikenode/net.c src/ikenode/net.h \
	src/ikenode/natd.c src/ikenode/natd.h \
	$(NULL)
CHECK_SUITE_SOURCES += \
	src/ikenode/tests/check_net.c \
	src/ikenode/tests/check_natd.c \
	$(NULL)
