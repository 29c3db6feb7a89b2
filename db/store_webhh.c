/* store_webhh — see store_webhh.h.
 *
 * DESIGN: the search is a prepared statement whose filters are switched
 * off by their parameters ("?5 IS NULL OR ..."), not SQL glued together
 * per request; only the group filter has statements of its own, so that
 * SQLite walks the group's members instead of every household.  Names
 * are matched by an SQL function, loa_match(name, words), that folds the
 * name with base/text.c (text_fold: lower case, accents and đ stripped)
 * and looks for every word of the folded query: no folded copy of the
 * name is kept in the table, so nothing can drift out of date and no
 * migration is needed; at 100,000 households a search is two passes over
 * the table (the count, the page), tens of milliseconds (README).  Phones
 * are matched as digits of the national form ("0912345678"), so every
 * way of writing a number, and any part of one, finds it.  The page is
 * chosen on ids and sort keys (loa_sortkey, store_visit.c) first and only
 * its 50 rows get their groups joined. */
#include "db/store_webhh.h"
#include "db/store_int.h"

#include "base/phone.h"
#include "base/text.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the SQL functions ---- */

/* loa_match(text, words): 1 when every space-separated word of `words`
 * (already folded) appears in the folded text. */
static void sql_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	const char *w = (const char *)sqlite3_value_text(argv[1]);
	if (!s || !w) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	char folded[640], word[128];
	text_fold(s, folded, sizeof folded);
	int all = 1;
	while (*w && all) {
		while (*w == ' ')
			w++;
		size_t n = strcspn(w, " ");
		if (!n)
			break;
		if (n >= sizeof word)
			n = sizeof word - 1;
		memcpy(word, w, n);
		word[n] = '\0';
		all = strstr(folded, word) != NULL;
		w += strcspn(w, " ");
	}
	sqlite3_result_int(ctx, all);
}

/* loa_phone_has(phone, digits): 1 when the national form of a stored
 * number ("+84912345678" -> "0912345678") contains the digits. */
static void sql_phone_has(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *p = (const char *)sqlite3_value_text(argv[0]);
	const char *d = (const char *)sqlite3_value_text(argv[1]);
	char nat[32];
	if (!p || !d || !*p || strlen(p) >= sizeof nat) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	if (!strncmp(p, "+84", 3))
		snprintf(nat, sizeof nat, "0%s", p + 3);
	else
		snprintf(nat, sizeof nat, "%s", p);
	sqlite3_result_int(ctx, strstr(nat, d) != NULL);
}

int store_hh_register(struct store *st)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	if (sqlite3_create_function(st->db, "loa_match", 2, flags, NULL, sql_match, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(st->db, "loa_phone_has", 2, flags, NULL, sql_phone_has, NULL, NULL) != SQLITE_OK)
		return store_fail(st, "register search functions");
	return STORE_OK;
}

/* ---- the search ---- */

/* 1 if `text` is a phone number or a part of one: digits with the
 * separators people write (space, . - ( ) / and a leading +). */
static int phone_like(const char *text)
{
	int digits = 0;
	for (const char *p = text; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" \t.-()/+", *p))
			return 0;
	}
	return digits > 0;
}

/* The digits to look for in national numbers: a whole number in its
 * national form (any way of writing it, old prefixes converted as the
 * households' numbers were), else the digits typed, an international
 * +84 / 0084 prefix made a 0. */
static void search_digits(const char *text, char *out, size_t n)
{
	struct phone ph;
	enum phone_kind k = phone_normalise(text, &ph);
	if (k == PHONE_MOBILE || k == PHONE_LANDLINE) {
		snprintf(out, n, "%s", ph.national);
		return;
	}
	char d[64];
	size_t o = 0;
	for (const char *p = text; *p && o + 1 < sizeof d; p++)
		if (*p >= '0' && *p <= '9')
			d[o++] = *p;
	d[o] = '\0';
	const char *plus = text + strspn(text, " \t(");
	if (*plus == '+' && !strncmp(d, "84", 2))
		snprintf(out, n, "0%s", d + 2);
	else if (!strncmp(d, "0084", 4))
		snprintf(out, n, "0%s", d + 4);
	else
		snprintf(out, n, "%s", d);
}

/* ?1 state, ?2 only opted out, ?3 channel, ?5 folded words of a name,
 * ?6 digits of a phone; and with FIND_GROUP, ?4 a group code. */
#define FIND_WHERE \
	" WHERE (?1 = 2 OR h.active = (?1 = 0))" \
	" AND (?2 = 0 OR h.opted_out = 1)" \
	" AND (?3 = 0 OR h.channel = ?3)" \
	" AND (?5 IS NULL OR loa_match(h.name, ?5))" \
	" AND (?6 IS NULL OR loa_phone_has(h.phone, ?6) OR loa_phone_has(h.phone2, ?6))"
#define FIND_GROUP \
	" AND h.id IN (SELECT hg.household_id FROM household_groups hg" \
	"   JOIN groups g ON g.id = hg.group_id WHERE g.code = ?4)"
/* One page by folded name, or (dir DESC) counted from the end.  `key` is
 * h.sortkey to walk the households_sort index in order (the whole list, a
 * filter the index holds), or +h.sortkey to sort only the rows a search or
 * a group keeps (walking the whole index to test each row costs more). */
#define FIND_PAGE(where, key, dir) \
	"SELECT " STORE_HOUSEHOLD_COLS ", h.active FROM households h JOIN" \
	" (SELECT h.id AS id, " key " AS k FROM households h" where \
	"  ORDER BY k " dir ", h.id " dir " LIMIT ?7 OFFSET ?8) p ON p.id = h.id ORDER BY p.k " dir ", p.id " dir

static void bind_query(sqlite3_stmt *s, const struct store_hh_query *q, const char *words, const char *digits)
{
	sqlite3_bind_int(s, 1, q->state);
	sqlite3_bind_int(s, 2, q->opted_out ? 1 : 0);
	sqlite3_bind_int(s, 3, q->channel);
	if (q->group && *q->group)
		store_bind_text(s, 4, q->group);
	store_bind_text(s, 5, words);
	store_bind_text(s, 6, digits);
}

int store_hh_find(struct store *st, const struct store_hh_query *q,
		  int (*cb)(const struct household *h, int active, void *arg), void *arg, int *total)
{
	*total = 0;
	/* the folded words, one space apart; or the digits of a number */
	char words[512] = "", digits[64] = "";
	const char *text = q->text ? q->text : "";
	if (phone_like(text)) {
		search_digits(text, digits, sizeof digits);
	} else {
		char folded[512];
		text_fold(text, folded, sizeof folded);
		size_t o = 0;
		char *save = NULL;
		for (char *w = strtok_r(folded, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
			int k = snprintf(words + o, sizeof words - o, "%s%s", o ? " " : "", w);
			if (k < 0 || (size_t)k >= sizeof words - o)
				break;
			o += (size_t)k;
		}
	}
	const char *w = words[0] ? words : NULL, *d = digits[0] ? digits : NULL;

	int by_group = q->group && *q->group;
	sqlite3_stmt *s = store_prep_cached(st, by_group ? "SELECT count(*) FROM households h" FIND_WHERE FIND_GROUP
							 : "SELECT count(*) FROM households h" FIND_WHERE);
	if (!s)
		return STORE_ERR;
	bind_query(s, q, w, d);
	int rc = sqlite3_step(s) == SQLITE_ROW ? STORE_OK : store_fail(st, "count households");
	if (rc == STORE_OK)
		*total = sqlite3_column_int(s, 0);
	store_release(st, s);
	if (rc != STORE_OK || *total <= q->offset || q->limit <= 0)
		return rc;

	/* SQLite keeps offset + limit rows while it sorts: a page in the
	 * second half is taken counting from the end, then turned round */
	int limit = q->limit < *total - q->offset ? q->limit : *total - q->offset;
	int back = q->offset > *total / 2;
	if (by_group)
		s = store_prep_cached(st, back ? FIND_PAGE(FIND_WHERE FIND_GROUP, "+h.sortkey", "DESC")
					       : FIND_PAGE(FIND_WHERE FIND_GROUP, "+h.sortkey", "ASC"));
	else if (w || d)
		s = store_prep_cached(st, back ? FIND_PAGE(FIND_WHERE, "+h.sortkey", "DESC")
					       : FIND_PAGE(FIND_WHERE, "+h.sortkey", "ASC"));
	else
		s = store_prep_cached(st, back ? FIND_PAGE(FIND_WHERE, "h.sortkey", "DESC")
					       : FIND_PAGE(FIND_WHERE, "h.sortkey", "ASC"));
	if (!s)
		return STORE_ERR;
	bind_query(s, q, w, d);
	sqlite3_bind_int(s, 7, limit);
	sqlite3_bind_int(s, 8, back ? *total - q->offset - limit : q->offset);
	struct household *page = xcalloc((size_t)limit, sizeof *page);
	int *active = xcalloc((size_t)limit, sizeof *active);
	int n = 0, step = SQLITE_DONE;
	while (n < limit && (step = sqlite3_step(s)) == SQLITE_ROW) {
		store_household_read(s, &page[n]);
		active[n++] = sqlite3_column_int(s, 11);
	}
	if (n < limit && step != SQLITE_DONE)
		rc = store_fail(st, "find households");
	store_release(st, s);
	for (int i = 0; rc == STORE_OK && i < n; i++) {
		int k = back ? n - 1 - i : i;
		rc = cb(&page[k], active[k], arg);
	}
	free(page);
	free(active);
	return rc;
}

/* ---- one household ---- */

int store_hh_get(struct store *st, int64_t id, struct household *out, int *active)
{
	sqlite3_stmt *s = store_prep_cached(st, "SELECT " STORE_HOUSEHOLD_COLS ", h.active FROM households h"
						" WHERE h.id = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	int step = sqlite3_step(s), rc = STORE_OK;
	if (step == SQLITE_ROW) {
		store_household_read(s, out);
		*active = sqlite3_column_int(s, 11);
	} else if (step == SQLITE_DONE) {
		snprintf(st->err, sizeof st->err, "no household %lld", (long long)id);
		rc = STORE_NOTFOUND;
	} else {
		rc = store_fail(st, "household");
	}
	store_release(st, s);
	return rc;
}

int store_hh_set_active(struct store *st, int64_t id, int active, int64_t now)
{
	sqlite3_stmt *s = store_prep_cached(st,
		"UPDATE households SET active = ?2, updated_at = ?3 WHERE id = ?1 AND active <> ?2");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, active ? 1 : 0);
	sqlite3_bind_int64(s, 3, now);
	int rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, "household active");
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0) {
		snprintf(st->err, sizeof st->err, "no household %lld, or already %s", (long long)id,
			 active ? "active" : "inactive");
		rc = STORE_NOTFOUND;
	}
	store_release(st, s);
	return rc;
}

int store_hh_phone_others(struct store *st, const char *e164, int64_t except,
			  int (*cb)(int64_t id, const char *name, void *arg), void *arg)
{
	if (!e164 || !*e164)
		return STORE_OK;
	sqlite3_stmt *s = store_prep_cached(st,
		"SELECT id, name FROM households WHERE active = 1 AND id <> ?2 AND (phone = ?1 OR phone2 = ?1)"
		" ORDER BY id");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, e164, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, except);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = cb(sqlite3_column_int64(s, 0), store_col_text(s, 1), arg)) != 0)
			break;
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "households by phone");
	store_release(st, s);
	return rc;
}

/* ---- groups ---- */

int store_hh_group_each(struct store *st, int counts, int (*cb)(const struct store_group_row *g, void *arg),
			void *arg)
{
	sqlite3_stmt *s = store_prep_cached(st, counts
		? "SELECT g.code, g.name, (SELECT count(*) FROM household_groups hg JOIN households h"
		  "   ON h.id = hg.household_id AND h.active = 1 WHERE hg.group_id = g.id)"
		  " FROM groups g ORDER BY loa_sortkey(COALESCE(NULLIF(g.name, ''), g.code)), g.code"
		: "SELECT g.code, g.name, 0"
		  " FROM groups g ORDER BY loa_sortkey(COALESCE(NULLIF(g.name, ''), g.code)), g.code");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_group_row g = { store_col_text(s, 0), store_col_text(s, 1), sqlite3_column_int(s, 2) };
		if ((rc = cb(&g, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "groups");
	store_release(st, s);
	return rc;
}
