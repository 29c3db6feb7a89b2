/* store_backup — copies of the database: `loa backup`, the daemon's daily
 * copy, `loa restore`, and the check `loa init` / `loa run` make before
 * opening.  Copies are made with SQLite's backup API from an open
 * connection (one read transaction: a consistent snapshot, and in WAL mode
 * no writer waits for it), written as NAME.tmp (mode 0600), checked with
 * PRAGMA integrity_check, synced, then renamed, so a copy that exists is
 * whole.  Copies are named loa-YYYYMMDD-HHMM.db (local time of `now`), so
 * their names sort by age; nothing here reads the clock. */
#ifndef LOA_STORE_BACKUP_H
#define LOA_STORE_BACKUP_H
#include "db/store.h"

#include <stddef.h>
#include <stdint.h>

/* The file is not a sound SQLite database (corrupt, not a database). */
#define STORE_DAMAGED (-4)

/* Checks the database file `path` without changing it (read-only):
 * PRAGMA quick_check (full = 0) or integrity_check (full = 1).  STORE_OK;
 * STORE_DAMAGED with the first problem in `err` (control bytes escaped,
 * one line); STORE_NOTFOUND when there is no such file; STORE_ERR when it
 * cannot be read (permissions...), with the reason in `err`. */
STORE_CHECK int store_check_file(const char *path, int full, char *err, size_t errlen);

/* Copies the open database into `path` (replaced if it exists): see
 * above.  STORE_OK, or STORE_ERR with `err` and no file left behind. */
STORE_CHECK int store_backup(struct store *st, const char *path, char *err, size_t errlen);

/* The name of a copy made at `now` in `dir`: DIR/loa-YYYYMMDD-HHMM.db. */
void store_backup_name(const char *dir, int64_t now, char *out, size_t outlen);

/* A new copy in `dir` (created 0700 when missing) named for `now`, then
 * the rotation: only the newest `keep` copies stay (keep 0: none is
 * removed).  The path written goes to `out`; *removed = copies removed. */
STORE_CHECK int store_backup_to_dir(struct store *st, const char *dir, int keep, int64_t now, char *out,
				    size_t outlen, int *removed, char *err, size_t errlen);

/* Removes all but the newest `keep` copies in `dir` (keep > 0); returns
 * how many were removed, or -1 when `dir` cannot be read. */
int store_backup_rotate(const char *dir, int keep);

/* The newest copy in `dir` that passes quick_check, into `out`; 0 found,
 * -1 none.  *when = the time its name says (wall seconds), when not NULL. */
int store_backup_newest(const char *dir, int check, char *out, size_t outlen, int64_t *when);

/* Puts the copy `src` in place of the database `db` (which no process may
 * have open): `src` is checked with integrity_check first (STORE_DAMAGED:
 * refused, nothing changed), the current database (with its -wal) is kept
 * as DB.before-restore-YYYYMMDD-HHMMSS (its name into `kept`, "" when there
 * was none), and `src` is copied with the backup API into DB.tmp, checked,
 * synced and renamed to DB, owned like the database it replaces. */
STORE_CHECK int store_restore(const char *src, const char *db, int64_t now, char *kept, size_t keptlen, char *err,
			      size_t errlen);
#endif
