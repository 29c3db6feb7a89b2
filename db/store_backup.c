/* store_backup — see store_backup.h.  The one place that copies database
 * files: with SQLite's backup API (never a plain file copy of a live
 * database, whose -wal holds the newest pages), into NAME.tmp, checked and
 * fsynced before the rename that makes it visible.  The daemon's
 * connection is the source of its daily copy: step(-1) copies the whole
 * file in one read transaction, so the copy never restarts however busy
 * the web page is, and a village database (a few MB) takes tens of ms. */
#include "db/store_backup.h"

#include "db/store_int.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int is_damage(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* One line for `err`: "what: sqlite's words", control bytes escaped. */
static void say(char *err, size_t errlen, const char *what, const char *msg)
{
	char one[256], esc[256];
	snprintf(one, sizeof one, "%s", msg ? msg : "?");
	for (char *p = one; *p; p++)
		if (*p == '\n')
			*p = ' '; /* integrity_check's rows: one line */
	util_escape_ctl(one, esc, sizeof esc);
	snprintf(err, errlen, "%s%s%s", what, *what ? ": " : "", esc);
}

static int check_once(const char *path, int full, char *err, size_t errlen);

/* SQLite 3.40.0 to 3.41.0 (Debian 12 has 3.40.1) has quick_check report
 * "NULL value in T.C" falsely for a WITHOUT ROWID table whose primary key
 * lists its columns in another order (household_groups): what quick_check
 * finds is confirmed by integrity_check, which has no such bug, before a
 * database is called damaged. */
int store_check_file(const char *path, int full, char *err, size_t errlen)
{
	int rc = check_once(path, full, err, errlen);
	if (rc == STORE_DAMAGED && !full && strncmp(err, "NULL value in ", 14) == 0)
		rc = check_once(path, 1, err, errlen);
	return rc;
}

static int check_once(const char *path, int full, char *err, size_t errlen)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? STORE_NOTFOUND : STORE_ERR;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a file", path);
		return STORE_ERR;
	}
	/* read-write when allowed, so a copy in WAL mode can be read; the
	 * check itself changes nothing */
	int flags = access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	int out = STORE_OK;
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 10000);
		rc = sqlite3_prepare_v2(db, full ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)", -1, &s,
					NULL);
	}
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			const char *row = (const char *)sqlite3_column_text(s, 0);
			if (!row || strcmp(row, "ok") != 0) {
				say(err, errlen, "", row ? row : "check failed");
				out = STORE_DAMAGED;
			}
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK && out == STORE_OK) {
		say(err, errlen, "", db ? sqlite3_errmsg(db) : "out of memory");
		out = is_damage(db ? sqlite3_extended_errcode(db) : rc) || is_damage(rc) ? STORE_DAMAGED : STORE_ERR;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

static int fsync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static void fsync_parent(const char *path)
{
	char *d = xstrdup(path);
	char *slash = strrchr(d, '/');
	if (slash)
		*(slash == d ? slash + 1 : slash) = '\0';
	(void)fsync_path(slash ? d : ".", 1);
	free(d);
}

/* Copies the database `from` into the new file `tmp` (0600), one
 * self-contained file (journal_mode DELETE), checked and synced.  On any
 * failure `tmp` is removed. */
static int copy_into(sqlite3 *from, const char *tmp, char *err, size_t errlen)
{
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return STORE_ERR;
	}
	close(fd);
	sqlite3 *to = NULL;
	int rc = sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
		if (!b) {
			rc = sqlite3_errcode(to);
		} else {
			for (int tries = 0; tries < 100; tries++) {
				rc = sqlite3_backup_step(b, -1);
				if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
					break;
				sqlite3_sleep(100);
			}
			int fin = sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? fin : rc;
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		char why[300];
		util_escape_ctl(to ? sqlite3_errmsg(to) : sqlite3_errstr(rc), why, sizeof why);
		if (!*why || strcmp(why, "not an error") == 0)
			snprintf(why, sizeof why, "%s", sqlite3_errstr(rc));
		snprintf(err, errlen, "%s: copy failed: %s", tmp, why);
	}
	sqlite3_close(to);
	if (rc == SQLITE_OK) {
		char why[300];
		int c = store_check_file(tmp, 1, why, sizeof why);
		if (c != STORE_OK) {
			snprintf(err, errlen, "the copy fails its integrity check: %s", why);
			rc = SQLITE_CORRUPT;
		} else if (fsync_path(tmp, 0) != 0) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			rc = SQLITE_IOERR;
		}
	}
	if (rc != SQLITE_OK) {
		unlink(tmp);
		return STORE_ERR;
	}
	return STORE_OK;
}

int store_backup(struct store *st, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		snprintf(err, errlen, "backup path too long");
		return STORE_ERR;
	}
	if (copy_into(st->db, tmp, err, errlen) != STORE_OK)
		return STORE_ERR;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return STORE_ERR;
	}
	fsync_parent(path);
	return STORE_OK;
}

void store_backup_name(const char *dir, int64_t now, char *out, size_t outlen)
{
	time_t t = (time_t)now;
	struct tm tm;
	char name[32];
	localtime_r(&t, &tm);
	strftime(name, sizeof name, "loa-%Y%m%d-%H%M.db", &tm);
	snprintf(out, outlen, "%s/%s", dir, name);
}

/* loa-YYYYMMDD-HHMM.db exactly */
static int is_copy_name(const char *n)
{
	static const char pat[] = "loa-########-####.db";
	if (strlen(n) != sizeof pat - 1)
		return 0;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == '#' ? (n[i] < '0' || n[i] > '9') : n[i] != pat[i])
			return 0;
	return 1;
}

static int newest_first(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The copies in `dir`, newest first; caller frees each and the array.
 * -1 when `dir` cannot be read. */
static int list_copies(const char *dir, char ***out)
{
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0, cap = 0;
	char **v = NULL;
	for (struct dirent *e; (e = readdir(d));) {
		if (!is_copy_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		v[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof *v, newest_first);
	*out = v;
	return n;
}

static void free_list(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int store_backup_rotate(const char *dir, int keep)
{
	char **v;
	int n = list_copies(dir, &v);
	if (n < 0)
		return -1;
	int removed = 0;
	for (int i = keep; keep > 0 && i < n; i++) {
		char *p = util_path_join(dir, v[i]);
		removed += unlink(p) == 0;
		free(p);
	}
	free_list(v, n);
	return removed;
}

static int64_t name_time(const char *n)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (sscanf(n, "loa-%4d%2d%2d-%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int store_backup_newest(const char *dir, int check, char *out, size_t outlen, int64_t *when)
{
	char **v;
	int n = list_copies(dir, &v);
	int found = -1;
	for (int i = 0; i < n && found < 0; i++) {
		char *p = util_path_join(dir, v[i]);
		char why[300];
		if (!check || store_check_file(p, 0, why, sizeof why) == STORE_OK) {
			snprintf(out, outlen, "%s", p);
			if (when)
				*when = name_time(v[i]);
			found = 0;
		}
		free(p);
	}
	if (n > 0)
		free_list(v, n);
	return found;
}

int store_backup_to_dir(struct store *st, const char *dir, int keep, int64_t now, char *out, size_t outlen,
			int *removed, char *err, size_t errlen)
{
	*removed = 0;
	int m = util_mkdirs(dir, 0700);
	if (m != 0) {
		snprintf(err, errlen, "%s: cannot create the folder: %s", dir, strerror(-m));
		return STORE_ERR;
	}
	store_backup_name(dir, now, out, outlen);
	if (store_backup(st, out, err, errlen) != STORE_OK)
		return STORE_ERR;
	if (keep > 0) {
		int r = store_backup_rotate(dir, keep);
		*removed = r > 0 ? r : 0;
	}
	return STORE_OK;
}

int store_restore(const char *src, const char *db, int64_t now, char *kept, size_t keptlen, char *err,
		  size_t errlen)
{
	*kept = '\0';
	char why[400];
	int c = store_check_file(src, 1, why, sizeof why);
	if (c != STORE_OK) {
		snprintf(err, errlen, "%s", why);
		return c == STORE_DAMAGED ? STORE_DAMAGED : STORE_ERR;
	}
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.restore.tmp", db) >= (int)sizeof tmp) {
		snprintf(err, errlen, "database path too long");
		return STORE_ERR;
	}
	sqlite3 *from = NULL;
	int flags = access(src, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(src, &from, flags, NULL) != SQLITE_OK) {
		say(err, errlen, src, from ? sqlite3_errmsg(from) : "out of memory");
		sqlite3_close(from);
		return STORE_ERR;
	}
	sqlite3_busy_timeout(from, 10000);
	int rc = copy_into(from, tmp, err, errlen);
	sqlite3_close(from);
	if (rc != STORE_OK)
		return STORE_ERR;
	struct stat sb;
	if (stat(db, &sb) == 0) {
		/* the daemon's user must still own its database after root restores */
		if (chown(tmp, sb.st_uid, sb.st_gid) != 0 && errno != EPERM) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			unlink(tmp);
			return STORE_ERR;
		}
		time_t t = (time_t)now;
		struct tm tm;
		char stamp[32];
		localtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		snprintf(kept, keptlen, "%s.before-restore-%s", db, stamp);
		char a[4200], b[4200];
		if (rename(db, kept) != 0) {
			snprintf(err, errlen, "%s: cannot keep it as %s: %s", db, kept, strerror(errno));
			*kept = '\0';
			unlink(tmp);
			return STORE_ERR;
		}
		/* its -wal holds its newest pages: it goes with it */
		snprintf(a, sizeof a, "%s-wal", db);
		snprintf(b, sizeof b, "%s-wal", kept);
		(void)rename(a, b);
		snprintf(a, sizeof a, "%s-shm", db);
		unlink(a);
	}
	if (rename(tmp, db) != 0) {
		snprintf(err, errlen, "%s: %s", db, strerror(errno));
		unlink(tmp);
		return STORE_ERR;
	}
	fsync_parent(db);
	return STORE_OK;
}
