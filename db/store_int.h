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

/* The first group of household `h` (by code), as a groups.id subquery:
 * the group a household in several appears under on the visit list. */
#define STORE_FIRST_GROUP_SQL(h) \
	"(SELECT g1.id FROM household_groups hg1 JOIN groups g1 ON g1.id = hg1.group_id" \
	" WHERE hg1.household_id = " h " ORDER BY g1.code LIMIT 1)"
/* Walking order of a visit list: by first group `g` (its display name,
 * else its code; no group last), then by household `h`'s name, accents
 * folded and numbers as numbers (loa_sortkey, store_visit.c). */
#define STORE_WALK_ORDER_SQL(g, h) \
	g ".id IS NULL, loa_sortkey(COALESCE(NULLIF(" g ".name, ''), " g ".code)), " g ".code," \
	" loa_sortkey(" h ".name), " h ".name, " h ".id"
/* Which of household h's phones delivery d uses (deliveries.phone_idx, 0
 * first, 1 second).  A second phone equal to the first, or emptied since,
 * is no second phone: the first is used. */
#define STORE_HAS_PHONE2_SQL(h) "(" h ".phone2 <> '' AND " h ".phone2 <> " h ".phone)"
#define STORE_PHONE_IDX_SQL(d, h) "(" d ".phone_idx = 1 AND " STORE_HAS_PHONE2_SQL(h) ")"
#define STORE_PHONE_SQL(d, h) "(CASE WHEN " STORE_PHONE_IDX_SQL(d, h) " THEN " h ".phone2 ELSE " h ".phone END)"

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
/* The columns of a household row (`households h`), in the order
 * store_household_read reads them (store_household.c, store_webhh.c). */
#define STORE_HOUSEHOLD_COLS \
	"h.id, h.name, h.phone, h.landline, h.channel, h.accents, h.opted_out, h.note, h.phone2, h.address," \
	" COALESCE((SELECT group_concat(code, ' ') FROM (SELECT g.code FROM household_groups hg" \
	"   JOIN groups g ON g.id = hg.group_id WHERE hg.household_id = h.id ORDER BY g.code)), '')"
void store_household_read(sqlite3_stmt *s, struct household *h);
/* Registers the SQL functions the household search uses (store_webhh.c)
 * on a new connection. */
STORE_CHECK int store_hh_register(struct store *st);
/* The SQL functions the store's queries use (loa_sortkey, store_visit.c;
 * store_hh_register adds the search's); run by store_open on every
 * connection. */
STORE_CHECK int store_register_functions(struct store *st);
/* Steps `s` (prepared and bound; finalized here) for one value: its first
 * row's first column into *out.  STORE_NOTFOUND when there is no row or
 * it is NULL (min()/max() over nothing), STORE_ERR with `what` in st->err. */
STORE_CHECK int store_first_int64(struct store *st, sqlite3_stmt *s, int64_t *out, const char *what);
/* Records sqlite's message for `what` in st->err; returns STORE_ERR. */
int store_fail(struct store *st, const char *what);
/* Runs a statement with no result rows. */
STORE_CHECK int store_exec(struct store *st, const char *sql);
/* Binds a text that may be NULL. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column text as "" rather than NULL. */
const char *store_col_text(sqlite3_stmt *s, int i);
#endif
