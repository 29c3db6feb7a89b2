/* tmpstore.h — what this file owns: the unit tests' throw-away database:
 * a fresh store (every migration) in a new folder under /tmp named after
 * the test, the fake clock at 2026-12-01 09:00 +07 (what the integration
 * tests use), and the folder removed afterwards.  Header only, included by
 * test files after <cmocka.h>. */
#ifndef LOA_TESTS_TMPSTORE_H
#define LOA_TESTS_TMPSTORE_H
#include "base/clock.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>

/* DIR (64 bytes) and PATH (128 bytes) are the caller's; NAME is a short word. */
static inline void tmpstore_open(char *dir, char *path, struct store **st, const char *name)
{
	snprintf(dir, 64, "/tmp/loa-%s.XXXXXX", name);
	assert_non_null(mkdtemp(dir));
	snprintf(path, 128, "%s/loa.db", dir);
	clock_fake(1796090400000LL);
	char err[256];
	assert_int_equal(store_open(path, st, err, sizeof err), STORE_OK);
}

static inline int tmpstore_close(const char *dir, struct store **st)
{
	store_close(*st);
	*st = NULL;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}
#endif
