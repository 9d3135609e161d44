# proposals: strongSwan proposal strings, RFC 7296 selection (proposal.h)
libikenode_la_SOURCES += src/ikenode/proposal.c src/ikenode/proposal.h
CHECK_SUITE_SOURCES += src/ikenode/tests/check_proposal.c
