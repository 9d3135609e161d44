/* Small compiler helpers shared by every module. */
#ifndef IKN_COMMON_DEFS_H
#define IKN_COMMON_DEFS_H

#define MUST_CHECK __attribute__((warn_unused_result))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x) ((void)(x))

/* Returns early with a fallible call's negative errno (for parsers' long check chains). */
#define TRY(x)                       \
	do {                         \
		int try_rc_ = (x);   \
		if (try_rc_)         \
			return try_rc_; \
	} while (0)

#endif
