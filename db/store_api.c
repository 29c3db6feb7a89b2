/* store_api — see store_api.h. */
#include "db/store_api.h"

#include "db/store_int.h"

#include <stdio.h>
#include <string.h>

int store_api_token_add(struct store *st, const char *name, const char *token_hash, int64_t now)
{
	sqlite3_stmt *s = store_prep(st, "INSERT INTO api_tokens(name, token_hash, created_at) VALUES (?1, ?2, ?3)");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, token_hash);
	sqlite3_bind_int64(s, 3, now);
	int step = sqlite3_step(s), rc = STORE_OK;
	if (step == SQLITE_CONSTRAINT) {
		snprintf(st->err, sizeof st->err, "API client '%s' already has a token (revoke it first)", name);
		rc = STORE_CONFLICT;
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, "add API token");
	}
	sqlite3_finalize(s);
	return rc;
}

static void client_row(sqlite3_stmt *s, struct store_api_client *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(s, 0);
	snprintf(c->name, sizeof c->name, "%s", store_col_text(s, 1));
	c->created_at = sqlite3_column_int64(s, 2);
	c->last_used_at = sqlite3_column_int64(s, 3);
	c->uses = sqlite3_column_int64(s, 4);
}

int store_api_token_find(struct store *st, const char *token_hash, struct store_api_client *out)
{
	sqlite3_stmt *s = store_prep(st, "SELECT id, name, created_at, last_used_at, uses FROM api_tokens"
					 " WHERE token_hash = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, token_hash);
	int rc = STORE_NOTFOUND, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		client_row(s, out);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, "API token");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_api_token_touch(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt *s = store_prep(st, "UPDATE api_tokens SET last_used_at = ?2, uses = uses + 1 WHERE id = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return store_step_done(st, s, "API token use");
}

int store_api_token_revoke(struct store *st, const char *name)
{
	sqlite3_stmt *s = store_prep(st, "DELETE FROM api_tokens WHERE name = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	int rc = store_step_done(st, s, "revoke API token");
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0) {
		snprintf(st->err, sizeof st->err, "no API client '%s'", name);
		rc = STORE_NOTFOUND;
	}
	return rc;
}

int store_api_token_each(struct store *st, int (*cb)(const struct store_api_client *c, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep(st, "SELECT id, name, created_at, last_used_at, uses FROM api_tokens ORDER BY name");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_api_client c;
		client_row(s, &c);
		if ((rc = cb(&c, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "API tokens");
	sqlite3_finalize(s);
	return rc;
}
