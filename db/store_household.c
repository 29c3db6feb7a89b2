/* store_household — households and their groups.
 *
 * A removed household is deactivated, not deleted: its deliveries and
 * attempts stay in the log.  A phone may belong to several households (a
 * son's phone for two parents): the importer warns, the store allows it.  Group membership is a
 * join table; a group exists while it has a member. */
#include "db/store_int.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* shared with store_webhh.c through store_int.h; the short names here */
#define HOUSEHOLD_COLS STORE_HOUSEHOLD_COLS
#define read_household store_household_read

void store_household_read(sqlite3_stmt *s, struct household *h)
{
	memset(h, 0, sizeof *h);
	h->id = sqlite3_column_int64(s, 0);
	snprintf(h->name, sizeof h->name, "%s", store_col_text(s, 1));
	snprintf(h->phone, sizeof h->phone, "%s", store_col_text(s, 2));
	h->landline = sqlite3_column_int(s, 3);
	h->channel = sqlite3_column_int(s, 4);
	h->accents = sqlite3_column_int(s, 5);
	h->opted_out = sqlite3_column_int(s, 6);
	snprintf(h->note, sizeof h->note, "%s", store_col_text(s, 7));
	snprintf(h->phone2, sizeof h->phone2, "%s", store_col_text(s, 8));
	snprintf(h->address, sizeof h->address, "%s", store_col_text(s, 9));
	snprintf(h->groups, sizeof h->groups, "%s", store_col_text(s, 10));
}

static int set_groups(struct store *st, int64_t id, const char *groups)
{
	sqlite3_stmt *del = store_prep_cached(st, "DELETE FROM household_groups WHERE household_id = ?1");
	if (!del)
		return STORE_ERR;
	sqlite3_bind_int64(del, 1, id);
	int rc = sqlite3_step(del) == SQLITE_DONE ? STORE_OK : store_fail(st, "groups");
	store_release(st, del);
	if (rc)
		return rc;
	sqlite3_stmt *ins_g = store_prep_cached(st, "INSERT OR IGNORE INTO groups(code) VALUES (?1)");
	sqlite3_stmt *ins_m = store_prep_cached(st,
		"INSERT OR IGNORE INTO household_groups(household_id, group_id)"
		" SELECT ?1, id FROM groups WHERE code = ?2");
	if (!ins_g || !ins_m) {
		store_release(st, ins_g);
		store_release(st, ins_m);
		return STORE_ERR;
	}
	char *copy = xstrdup(groups), *save = NULL;
	for (char *g = strtok_r(copy, " ", &save); g && rc == STORE_OK; g = strtok_r(NULL, " ", &save)) {
		sqlite3_reset(ins_g);
		sqlite3_reset(ins_m);
		sqlite3_bind_text(ins_g, 1, g, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_m, 1, id);
		sqlite3_bind_text(ins_m, 2, g, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins_g) != SQLITE_DONE || sqlite3_step(ins_m) != SQLITE_DONE)
			rc = store_fail(st, "groups");
	}
	free(copy);
	store_release(st, ins_g);
	store_release(st, ins_m);
	return rc;
}

/* Insert and update share one binding: ?1 id (unused by the insert),
 * ?2..?8 and ?10..?11 the fields, ?9 now. */
static int write_household(struct store *st, const char *sql, const struct household *h, const char *what,
			   int64_t now)
{
	sqlite3_stmt *s = store_prep_cached(st, sql);
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, h->id);
	sqlite3_bind_text(s, 2, h->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, h->phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 4, h->landline);
	sqlite3_bind_int(s, 5, h->channel);
	sqlite3_bind_int(s, 6, h->accents);
	sqlite3_bind_int(s, 7, h->opted_out);
	sqlite3_bind_text(s, 8, h->note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 9, now);
	sqlite3_bind_text(s, 10, h->phone2, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 11, h->address, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(s);
	int rc = STORE_OK;
	if (step == SQLITE_CONSTRAINT) {
		snprintf(st->err, sizeof st->err, "phone %s is already registered", h->phone);
		rc = STORE_CONFLICT;
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, what);
	}
	store_release(st, s);
	return rc;
}

int store_household_insert(struct store *st, const struct household *h, int64_t *id_out, int64_t now)
{
	int rc = write_household(st,
		"INSERT INTO households(name, phone, landline, channel, accents, opted_out, note, phone2, address,"
		" sortkey, created_at, updated_at) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, ?11, loa_sortkey(?2), ?9, ?9)", h, "insert household", now);
	if (rc)
		return rc;
	int64_t id = sqlite3_last_insert_rowid(st->db);
	if (id_out)
		*id_out = id;
	return set_groups(st, id, h->groups);
}

int store_household_update(struct store *st, const struct household *h, int64_t now)
{
	int rc = write_household(st,
		"UPDATE households SET name = ?2, sortkey = loa_sortkey(?2), phone = ?3, landline = ?4, channel = ?5, accents = ?6,"
		" opted_out = ?7, note = ?8, phone2 = ?10, address = ?11, updated_at = ?9 WHERE id = ?1 AND active = 1", h, "update household", now);
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0) {
		snprintf(st->err, sizeof st->err, "no household %lld", (long long)h->id);
		rc = STORE_NOTFOUND;
	}
	return rc ? rc : set_groups(st, h->id, h->groups);
}

static int exec_id(struct store *st, const char *sql, int64_t id, const char *what, int64_t now)
{
	sqlite3_stmt *s = store_prep_cached(st, sql);
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	int rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, what);
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0) {
		snprintf(st->err, sizeof st->err, "no household %lld", (long long)id);
		rc = STORE_NOTFOUND;
	}
	store_release(st, s);
	return rc;
}

int store_household_remove(struct store *st, int64_t id, int64_t now)
{
	return exec_id(st, "UPDATE households SET active = 0, updated_at = ?2 WHERE id = ?1 AND active = 1",
		       id, "remove household", now);
}

int store_household_set_optout(struct store *st, int64_t id, int opted_out, int64_t now)
{
	return exec_id(st, opted_out ? "UPDATE households SET opted_out = 1, updated_at = ?2 WHERE id = ?1"
				     : "UPDATE households SET opted_out = 0, updated_at = ?2 WHERE id = ?1",
		       id, "opt-out", now);
}

/* Calls cb for each household row of the bound statement s (released
 * here); a non-zero return from cb stops the walk and is returned. */
static int walk_households(struct store *st, sqlite3_stmt *s, int (*cb)(const struct household *h, void *arg),
			   void *arg)
{
	int rc = STORE_OK, step;
	struct household h;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		read_household(s, &h);
		if ((rc = cb(&h, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "households");
	store_release(st, s);
	return rc;
}

static int get_one(struct store *st, const char *sql, int64_t id, const char *text, struct household *out)
{
	sqlite3_stmt *s = store_prep_cached(st, sql);
	if (!s)
		return STORE_ERR;
	if (text)
		sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(s, 1, id);
	int step = sqlite3_step(s), rc;
	if (step == SQLITE_ROW) {
		read_household(s, out);
		rc = STORE_OK;
	} else if (step == SQLITE_DONE) {
		rc = STORE_NOTFOUND;
	} else {
		rc = store_fail(st, "household");
	}
	store_release(st, s);
	return rc;
}

int store_household_get(struct store *st, int64_t id, struct household *out)
{
	return get_one(st, "SELECT " HOUSEHOLD_COLS " FROM households h WHERE h.id = ?1 AND h.active = 1",
		       id, NULL, out);
}

int store_household_by_phone(struct store *st, const char *e164, struct household *out)
{
	return get_one(st, "SELECT " HOUSEHOLD_COLS " FROM households h WHERE h.phone = ?1 AND h.active = 1"
		       " ORDER BY h.id LIMIT 1",
		       0, e164, out);
}

int store_household_each_by_phone(struct store *st, const char *e164,
				  int (*cb)(const struct household *h, void *arg), void *arg)
{
	/* the two partial indexes (households_phone, households_phone2) */
	sqlite3_stmt *s = store_prep_cached(st,
		"SELECT " HOUSEHOLD_COLS " FROM households h WHERE h.active = 1 AND h.id IN"
		" (SELECT id FROM households WHERE phone = ?1 AND active = 1"
		"  UNION SELECT id FROM households WHERE phone2 = ?1 AND active = 1 AND phone2 <> '')"
		" ORDER BY h.id");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, e164, -1, SQLITE_TRANSIENT);
	return walk_households(st, s, cb, arg);
}

int store_household_each(struct store *st, const char *group,
			 int (*cb)(const struct household *h, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep_cached(st, group
		? "SELECT " HOUSEHOLD_COLS " FROM households h WHERE h.active = 1 AND h.id IN"
		  " (SELECT hg.household_id FROM household_groups hg JOIN groups g ON g.id = hg.group_id"
		  "  WHERE g.code = ?1) ORDER BY h.id"
		: "SELECT " HOUSEHOLD_COLS " FROM households h WHERE h.active = 1 ORDER BY h.id");
	if (!s)
		return STORE_ERR;
	if (group)
		sqlite3_bind_text(s, 1, group, -1, SQLITE_TRANSIENT);
	return walk_households(st, s, cb, arg);
}

int store_household_after(struct store *st, int64_t after_id, int limit,
			  int (*cb)(const struct household *h, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep_cached(st,
		"SELECT " HOUSEHOLD_COLS " FROM households h WHERE h.active = 1 AND h.id > ?1 ORDER BY h.id LIMIT ?2");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, after_id);
	sqlite3_bind_int(s, 2, limit);
	return walk_households(st, s, cb, arg);
}

int store_group_each(struct store *st, int (*cb)(const char *code, int households, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep_cached(st,
		"SELECT g.code, count(h.id) FROM groups g JOIN household_groups hg ON hg.group_id = g.id"
		" JOIN households h ON h.id = hg.household_id AND h.active = 1"
		" GROUP BY g.id ORDER BY g.code");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = cb(store_col_text(s, 0), sqlite3_column_int(s, 1), arg)) != 0)
			break;
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "groups");
	store_release(st, s);
	return rc;
}

int store_group_set_name(struct store *st, const char *code, const char *name)
{
	if (!name || !*name)
		return STORE_OK;
	sqlite3_stmt *s = store_prep_cached(st,
		"INSERT INTO groups(code, name) VALUES (?1, ?2) ON CONFLICT(code) DO UPDATE SET name = excluded.name");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, "group name");
	store_release(st, s);
	return rc;
}

int store_group_name(struct store *st, const char *code, char *out, size_t outlen)
{
	if (outlen)
		*out = 0;
	sqlite3_stmt *s = store_prep_cached(st, "SELECT name FROM groups WHERE code = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		snprintf(out, outlen, "%s", store_col_text(s, 0));
	int rc = step == SQLITE_ROW || step == SQLITE_DONE ? STORE_OK : store_fail(st, "group name");
	store_release(st, s);
	return rc;
}

int store_group_exists(struct store *st, const char *code)
{
	sqlite3_stmt *s = store_prep_cached(st,
		"SELECT 1 FROM groups g JOIN household_groups hg ON hg.group_id = g.id"
		" JOIN households h ON h.id = hg.household_id AND h.active = 1 WHERE g.code = ?1 LIMIT 1");
	if (!s)
		return 0;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(s) == SQLITE_ROW;
	store_release(st, s);
	return found;
}
