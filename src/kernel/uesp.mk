# uesp: userspace ESP over TUN (kernel_uesp.h), on top of esp.c
libkernel_la_SOURCES += src/kernel/kernel_uesp.c src/kernel/kernel_uesp.h
CHECK_SUITE_SOURCES += src/kernel/tests/check_kernel_uesp.c
