# ikenode.conf: the daemon's own settings (config_daemon.h, docs/ikenode.conf.5.md)
libikenode_la_SOURCES += src/ikenode/config_daemon.c src/ikenode/config_daemon.h
# pow() for the retransmission back-off
libikenode_la_LIBADD += -lm
CHECK_SUITE_SOURCES += src/ikenode/tests/check_config_daemon.c
