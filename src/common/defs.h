/* Small compiler helpers shared by every module. */
#ifndef IKN_COMMON_DEFS_H
#define IKN_COMMON_DEFS_H

#define MUST_CHECK __attribute__((warn_unused_result))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x) ((void)(x))

#endif
