/* testcfg — the narrow settings (app/config.h) of a test's configuration,
 * for unit tests and fuzz targets that change a struct loa_config and then
 * call a floor that takes its own small struct. */
#ifndef LOA_TESTCFG_H
#define LOA_TESTCFG_H
#include "app/config.h"

#include <stdlib.h>

/* The short-code policy of `c` as it is now (a static copy, refilled on
 * every call). */
static inline const struct inbox_cfg *inbox_of(const struct loa_config *c)
{
	static struct inbox_cfg ic;
	config_inbox(c, &ic);
	return &ic;
}

/* Notice planning of `c` as it is now (a static copy, refilled). */
static inline const struct notice_cfg *notice_of(const struct loa_config *c)
{
	static struct notice_cfg nc;
	config_notice(c, &nc);
	return &nc;
}

/* Speech settings as a default configuration gives them. */
static inline void tts_defaults(struct tts_config *t)
{
	struct loa_config *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	config_defaults(c, NULL);
	config_tts(c, t);
	free(c);
}
#endif
