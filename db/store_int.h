/* store_int — private to db/: the store struct and statement helpers shared
 * by the db/store_*.c files.  Nothing outside db/ includes this. */
#ifndef LOA_STORE_INT_H
#define LOA_STORE_INT_H
#include "db/store.h"

#include <sqlite3.h>

#define STORE_CACHE 32

/* A delivery still in progress: on its way, or sent and within the wait
 * for its status report.  ?9 = now - report wait (store_set_report_wait).
 * The report and the resend share it, so "not reached and nothing in
 * progress" means the same in both. */
#define STORE_PENDING_SQL(d) \
	"(" d ".state IN " STORE_PENDING_STATES \
	" OR (" d ".state = 'sent' AND " d ".updated_at > ?9))"
/* The states that are in progress whatever their time. */
#define STORE_PENDING_STATES "('queued', 'sending', 'dialing', 'ringing', 'answered')"

struct store {
	sqlite3 *db;
	char err[512];
	int in_tx;
	int64_t report_wait_s;   /* see store_set_report_wait */
	struct {
		const char *sql;   /* a string literal: compared by content */
		sqlite3_stmt *s;
		int busy;
	} cache[STORE_CACHE];
};

/* Prepares `sql` (cached per call site is not needed at our rates; SQLite
 * prepares in microseconds).  On error fills st->err and returns NULL. */
sqlite3_stmt *store_prep(struct store *st, const char *sql);
/* For hot paths (import, fan-out, the daemon's claim loop): a prepared
 * statement kept for reuse.  Hand it back with store_release(), never
 * sqlite3_finalize(). `sql` must be a string literal. */
sqlite3_stmt *store_prep_cached(struct store *st, const char *sql);
/* Resets a cached statement for reuse (finalizes an uncached one). */
void store_release(struct store *st, sqlite3_stmt *s);
/* Steps a statement that returns no rows and releases it: STORE_OK,
 * STORE_CONFLICT (a constraint: "WHAT: already exists"), or STORE_ERR. */
STORE_CHECK int store_step_done(struct store *st, sqlite3_stmt *s, const char *what);
/* Runs `n` statements in one IMMEDIATE transaction, binding ?1..?3 to
 * a1..a3 (?3 to the text t3 when it is not NULL); *changes = the rows the
 * last statement changed.  For multi-statement moves such as crash
 * recovery, where every statement must land or none. */
STORE_CHECK int store_tx_batch(struct store *st, const char *const *sql, size_t n, int64_t a1, int64_t a2, int64_t a3,
		   const char *t3, int *changes, const char *what);
/* Closes an attempt row: its end time, outcome, cause and (calls) keys;
 * keys NULL leaves them as they are.  Shared by SMS and calls. */
STORE_CHECK int store_attempt_close(struct store *st, int64_t attempt_id, int64_t now, const char *outcome,
			const char *cause, const char *keys);
/* Records sqlite's message for `what` in st->err; returns STORE_ERR. */
int store_fail(struct store *st, const char *what);
/* Runs a statement with no result rows. */
STORE_CHECK int store_exec(struct store *st, const char *sql);
/* Binds a text that may be NULL. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column text as "" rather than NULL. */
const char *store_col_text(sqlite3_stmt *s, int i);
#endif
