# libikenode: the IKE message codec (codec.mk) and the crypto suite
# (crypto.mk); the tools and the daemon link it.
noinst_LTLIBRARIES += libikenode.la
libikenode_la_SOURCES = $(IKE_CODEC_SOURCES) $(IKE_CRYPTO_SOURCES)
libikenode_la_LIBADD = libcommon.la $(OPENSSL_LIBS)
