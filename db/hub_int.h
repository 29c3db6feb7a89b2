/* hub_int — what db/hub_store.c lends the other db/hub_*.c files (the hub
 * report's queries, ...): its statement runner and column reader.  Not for
 * use outside db/ (scripts/floors.sh keeps libpq in db/hub_*). */
#ifndef LOA_HUB_INT_H
#define LOA_HUB_INT_H
#include "db/hub_store.h"

#include "base/util.h"

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
/* Rolls back the open transaction, if any (the link still up). */
void hub_rollback(struct hub *h);
/* COPY's text format: a field (NULL: \N) or a bigint (0 as \N when
 * null_if_zero), then `end` ('\t' or '\n'); and the rows in b sent as the
 * data of `copy_sql` (COPY ... FROM STDIN). */
void hub_copy_field(struct sbuf *b, const char *s, char end);
void hub_copy_i64(struct sbuf *b, int64_t v, int null_if_zero, char end);
HUB_CHECK int hub_copy_send(struct hub *h, const char *copy_sql, const struct sbuf *b, const char *what);
#endif
