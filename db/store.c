/* store — opening, migrating and transactions; the shared helpers.
 *
 * DESIGN: the schema version is SQLite's user_version.  store_open applies
 * every migration above it, each in its own IMMEDIATE transaction together
 * with the new user_version, so an interrupted upgrade leaves the database
 * at the last whole step.  A database newer than this binary is refused
 * rather than guessed at.  The file is created 0600 before SQLite opens it
 * (SQLite gives the -wal and -shm files the same mode). */
#include "db/store_int.h"
#include "db/channel.h"

#include "db/schema.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_MIGRATIONS ((int)ARRAY_LEN(store_migrations))

int store_latest_version(void)
{
	return N_MIGRATIONS;
}

sqlite3_stmt *store_prep(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "prepare");
		return NULL;
	}
	return s;
}

sqlite3_stmt *store_prep_cached(struct store *st, const char *sql)
{
	int free_slot = -1;
	for (int i = 0; i < STORE_CACHE; i++) {
		if (!st->cache[i].sql) {
			if (free_slot < 0)
				free_slot = i;
		} else if (!st->cache[i].busy && strcmp(st->cache[i].sql, sql) == 0) {
			st->cache[i].busy = 1;
			return st->cache[i].s;
		}
	}
	sqlite3_stmt *s = store_prep(st, sql);
	if (s && free_slot >= 0) {
		st->cache[free_slot].sql = sql;
		st->cache[free_slot].s = s;
		st->cache[free_slot].busy = 1;
	}
	return s;
}

void store_release(struct store *st, sqlite3_stmt *s)
{
	if (!s)
		return;
	for (int i = 0; i < STORE_CACHE; i++) {
		if (st->cache[i].s == s) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			st->cache[i].busy = 0;
			return;
		}
	}
	sqlite3_finalize(s);
}

int store_step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	int out = rc == SQLITE_DONE ? STORE_OK : rc == SQLITE_CONSTRAINT ? STORE_CONFLICT : store_fail(st, what);
	if (out == STORE_CONFLICT)
		snprintf(st->err, sizeof st->err, "%s: already exists", what);
	store_release(st, s);
	return out;
}

int store_tx_batch(struct store *st, const char *const *sql, size_t n, int64_t a1, int64_t a2, int64_t a3,
		   const char *t3, int *changes, const char *what)
{
	*changes = 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *s = store_prep(st, sql[i]);
		if (!s) {
			store_rollback(st);
			return STORE_ERR;
		}
		/* a statement may use fewer parameters: binding past its last one
		 * is refused by SQLite and harmless */
		sqlite3_bind_int64(s, 1, a1);
		sqlite3_bind_int64(s, 2, a2);
		if (t3)
			store_bind_text(s, 3, t3);
		else
			sqlite3_bind_int64(s, 3, a3);
		if (store_step_done(st, s, what) != STORE_OK) {
			store_rollback(st);
			return STORE_ERR;
		}
		*changes = sqlite3_changes(st->db);
	}
	return store_commit(st);
}

int store_attempt_close(struct store *st, int64_t attempt_id, int64_t now, const char *outcome,
			const char *cause, const char *keys)
{
	sqlite3_stmt *s = store_prep_cached(st,
		"UPDATE attempts SET ended_at = ?2, outcome = ?3, cause = ?4, keys = COALESCE(?5, keys) WHERE id = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, attempt_id);
	sqlite3_bind_int64(s, 2, now);
	store_bind_text(s, 3, outcome);
	store_bind_text(s, 4, cause ? cause : "");
	store_bind_text(s, 5, keys);
	return store_step_done(st, s, "attempt");
}

int store_first_int64(struct store *st, sqlite3_stmt *s, int64_t *out, const char *what)
{
	int r = sqlite3_step(s);
	int rc = STORE_NOTFOUND;
	if (r == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*out = sqlite3_column_int64(s, 0);
		rc = STORE_OK;
	} else if (r != SQLITE_ROW && r != SQLITE_DONE) {
		rc = store_fail(st, what);
	}
	sqlite3_finalize(s);
	return rc;
}

int store_fail(struct store *st, const char *what)
{
	snprintf(st->err, sizeof st->err, "database: %s: %s", what, sqlite3_errmsg(st->db));
	return STORE_ERR;
}

int store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return STORE_ERR;
	}
	return STORE_OK;
}

void store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

const char *store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

const char *store_errmsg(const struct store *st)
{
	return st->err;
}

int store_version(struct store *st)
{
	sqlite3_stmt *s = store_prep(st, "PRAGMA user_version");
	if (!s)
		return STORE_ERR;
	int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : STORE_ERR;
	sqlite3_finalize(s);
	return v;
}

int store_begin(struct store *st)
{
	if (store_exec(st, "BEGIN IMMEDIATE") != STORE_OK)
		return STORE_ERR;
	st->in_tx = 1;
	return STORE_OK;
}

int store_commit(struct store *st)
{
	int rc = store_exec(st, "COMMIT");
	if (rc != STORE_OK)
		store_rollback(st);
	st->in_tx = 0;
	return rc;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

/* No row refers to a missing row (PRAGMA foreign_key_check is empty). */
static int fk_intact(struct store *st)
{
	sqlite3_stmt *s = store_prep(st, "PRAGMA foreign_key_check");
	if (!s)
		return STORE_ERR;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(st->err, sizeof st->err, "a row of %s refers to a missing row of %s",
			 store_col_text(s, 0), store_col_text(s, 2));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERR;
}

static int migrate(struct store *st, int target)
{
	int v = store_version(st);
	if (v < 0)
		return STORE_ERR;
	if (v > N_MIGRATIONS) {
		snprintf(st->err, sizeof st->err,
			 "database is at schema version %d but this loa knows only up to %d: "
			 "install a newer loa (nothing was changed)", v, N_MIGRATIONS);
		return STORE_ERR;
	}
	for (int n = v + 1; n <= target; n++) {
		const char *sql = store_migrations[n - 1];
		/* PRAGMA foreign_keys is a no-op inside a transaction: a
		 * migration that rebuilds a referenced table turns them off
		 * around its transaction and proves them intact before it
		 * commits. */
		int fk_off = strncmp(sql, STORE_MIGRATION_FK_OFF, strlen(STORE_MIGRATION_FK_OFF)) == 0;
		char pragma[64];
		if (fk_off && store_exec(st, "PRAGMA foreign_keys = OFF") != STORE_OK)
			return STORE_ERR;
		if (store_begin(st) != STORE_OK)
			return STORE_ERR;
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", n);
		int rc = store_exec(st, sql) == STORE_OK && store_exec(st, pragma) == STORE_OK ? STORE_OK : STORE_ERR;
		if (rc == STORE_OK && fk_off)
			rc = fk_intact(st);
		if (rc != STORE_OK) {
			char why[512];
			snprintf(why, sizeof why, "%s", st->err);
			store_rollback(st); /* store_open then closes this connection, foreign keys and all */
			snprintf(st->err, sizeof st->err, "migration %d failed: %.440s", n, why);
			return STORE_ERR;
		}
		if (store_commit(st) != STORE_OK)
			return STORE_ERR;
		if (fk_off && store_exec(st, "PRAGMA foreign_keys = ON") != STORE_OK)
			return STORE_ERR;
	}
	return STORE_OK;
}

int store_open_at_version(const char *path, int version, struct store **out, char *err, size_t errlen)
{
	*out = NULL;
	if (strcmp(path, ":memory:") != 0) {
		/* Create the file 0600 ourselves, but never open-and-close an
		 * existing one: closing any descriptor of a file drops every POSIX
		 * lock this process holds on it, including SQLite's locks of a
		 * connection already open (the daemon's, say), which would let
		 * another process checkpoint or delete the WAL under it. */
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		else if (errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot open database: %s", path, strerror(errno));
			return STORE_ERR;
		}
	}
	struct store *st = xcalloc(1, sizeof *st);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open database: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		sqlite3_close(st->db);
		free(st);
		return STORE_ERR;
	}
	sqlite3_busy_timeout(st->db, 10000);
	st->report_wait_s = 21600; /* sms.report_timeout_s default */
	if (store_exec(st, "PRAGMA journal_mode = WAL") != STORE_OK ||
	    store_exec(st, "PRAGMA synchronous = NORMAL") != STORE_OK ||
	    store_exec(st, "PRAGMA foreign_keys = ON") != STORE_OK ||
	    store_register_functions(st) != STORE_OK || store_hh_register(st) != STORE_OK ||
	    migrate(st, version) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", path, st->err);
		store_close(st);
		return STORE_ERR;
	}
	*out = st;
	return STORE_OK;
}

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	return store_open_at_version(path, N_MIGRATIONS, out, err, errlen);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < STORE_CACHE; i++)
		sqlite3_finalize(st->cache[i].s);
	sqlite3_close(st->db);
	free(st);
}

int store_event(struct store *st, const char *kind, int64_t notice_id, int64_t delivery_id,
		int64_t household_id, const char *modem, const char *detail, int64_t now)
{
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, modem, detail)"
		" VALUES (?1, ?2, NULLIF(?3, 0), NULLIF(?4, 0), NULLIF(?5, 0), ?6, ?7)");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	store_bind_text(s, 2, kind);
	sqlite3_bind_int64(s, 3, notice_id);
	sqlite3_bind_int64(s, 4, delivery_id);
	sqlite3_bind_int64(s, 5, household_id);
	store_bind_text(s, 6, modem);
	store_bind_text(s, 7, detail ? detail : "");
	int rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, "event");
	sqlite3_finalize(s);
	return rc;
}

void store_set_report_wait(struct store *st, int64_t seconds)
{
	st->report_wait_s = seconds;
}

int store_states_any_reached(const char *states)
{
	char *copy = xstrdup(states), *save = NULL;
	int any = 0;
	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save))
		any |= channel_state_reached(s);
	free(copy);
	return any;
}
