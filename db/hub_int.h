/* hub_int — what db/hub_store.c lends the other db/hub_*.c files (the hub
 * report's queries, ...): its statement runner and column reader.  Not for
 * use outside db/ (scripts/floors.sh keeps libpq in db/hub_*). */
#ifndef LOA_HUB_INT_H
#define LOA_HUB_INT_H
#include "db/hub_store.h"

#include <libpq-fe.h>

/* PQexecParams with text parameters; *out (if not NULL) gets the result,
 * which the caller clears.  HUB_OK, or a code with the reason in
 * hub_errmsg(). */
HUB_CHECK int hub_exec(struct hub *h, const char *sql, int n, const char *const *params, PGresult **out,
		       const char *what);
/* A bigint column (0 when NULL). */
int64_t hub_col_i64(const PGresult *r, int row, int col);
/* Sets hub_errmsg(). */
void hub_set_err(struct hub *h, const char *msg);
#endif
