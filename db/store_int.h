/* store_int — private to db/: the store struct and statement helpers shared
 * by the db/store_*.c files.  Nothing outside db/ includes this. */
#ifndef LOA_STORE_INT_H
#define LOA_STORE_INT_H
#include "db/store.h"

#include <sqlite3.h>

struct store {
	sqlite3 *db;
	char err[512];
	int in_tx;
};

/* Prepares `sql` (cached per call site is not needed at our rates; SQLite
 * prepares in microseconds).  On error fills st->err and returns NULL. */
sqlite3_stmt *store_prep(struct store *st, const char *sql);
/* Records sqlite's message for `what` in st->err; returns STORE_ERR. */
int store_fail(struct store *st, const char *what);
/* Runs a statement with no result rows. */
int store_exec(struct store *st, const char *sql);
/* Binds a text that may be NULL. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column text as "" rather than NULL. */
const char *store_col_text(sqlite3_stmt *s, int i);
#endif
