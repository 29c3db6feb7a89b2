/* hub_store — the hub's PostgreSQL database through libpq: connections and
 * credentials files, the migration runner, gateways, hub notices, and the
 * gateway's push and pull (db/hub_store.h; the schema and its design in
 * db/hub_schema.h).  The only file that calls libpq. */
#include "db/hub_store.h"
#include "db/hub_int.h"
#include "db/hub_schema.h"

#include "base/text.h"
#include "base/util.h"

#include <libpq-fe.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_HUB_MIGRATIONS ((int)ARRAY_LEN(hub_migrations))
/* pg_advisory_xact_lock key of the migration runner ("loahub"). */
#define HUB_MIGRATE_LOCK "6c6f61687562"

struct hub {
	PGconn *c;
	int temp_ready;          /* the push's temporary tables exist in this session */
	char err[512];
};

int hub_latest_version(void)
{
	return N_HUB_MIGRATIONS;
}

const char *hub_errmsg(const struct hub *h)
{
	return h->err;
}

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* libpq's messages run over several lines ("connection to server ...
 * failed: FATAL: ...\n"): one line, control bytes replaced. */
static void one_line(char *dst, size_t n, const char *what, const char *msg)
{
	snprintf(dst, n, "%s%s%s", what ? what : "", what ? ": " : "", msg ? msg : "");
	size_t len = strlen(dst);
	while (len > 0 && (dst[len - 1] == '\n' || dst[len - 1] == ' '))
		dst[--len] = '\0';
	for (char *p = dst; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

/* The code for a failed result, its message in h->err. */
static int fail_res(struct hub *h, PGresult *r, const char *what)
{
	/* copied: the result's fields die with it */
	char state[8] = "";
	const char *f = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	copy_str(state, sizeof state, f);
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(h->c);
	one_line(h->err, sizeof h->err, what, msg);
	if (r)
		PQclear(r);
	if (PQstatus(h->c) != CONNECTION_OK)
		return HUB_DOWN;
	if (!state[0])
		return HUB_ERR;
	if (strcmp(state, "23505") == 0 || strcmp(state, "42710") == 0)
		return HUB_CONFLICT;      /* unique_violation, duplicate_object */
	if (strcmp(state, "42501") == 0)
		return HUB_DENIED;        /* insufficient_privilege, row-level security */
	if (strncmp(state, "08", 2) == 0)
		return HUB_DOWN;          /* connection exceptions */
	return HUB_ERR;
}

/* Runs `sql` with text parameters; *out (if not NULL) gets the result,
 * which the caller clears.  HUB_OK or an error code. */
static int exec(struct hub *h, const char *sql, int n, const char *const *params, PGresult **out, const char *what)
{
	PGresult *r = PQexecParams(h->c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		return fail_res(h, r, what);
	if (out)
		*out = r;
	else
		PQclear(r);
	return HUB_OK;
}

/* Constant SQL that may hold several statements (migrations, BEGIN). */
static int exec_const(struct hub *h, const char *sql, const char *what)
{
	PGresult *r = PQexec(h->c, sql);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		return fail_res(h, r, what);
	PQclear(r);
	return HUB_OK;
}

static void rollback(struct hub *h)
{
	if (PQstatus(h->c) == CONNECTION_OK && PQtransactionStatus(h->c) != PQTRANS_IDLE)
		PQclear(PQexec(h->c, "ROLLBACK"));
}

static int64_t col_i64(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* ---- credentials files ---- */

int hub_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int hub_cred_read(const char *path, struct hub_cred *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return HUB_ERR;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return HUB_ERR;
	}
	if (sb.st_mode & 077) {
		snprintf(err, errlen, "%s: other users may read it (it holds a password): chmod 600 %s", path, path);
		close(fd);
		return HUB_ERR;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return HUB_ERR;
	}
	char line[512];
	int lineno = 0, rc = HUB_OK;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *p = trim(line);
		if (!*p || *p == '#')
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = HUB_ERR;
			break;
		}
		*eq = '\0';
		char *key = trim(p), *val = trim(eq + 1);
		char *dst = NULL;
		size_t dstlen = 0;
		if (strcmp(key, "user") == 0) {
			dst = c->user;
			dstlen = sizeof c->user;
		} else if (strcmp(key, "password") == 0) {
			dst = c->password;
			dstlen = sizeof c->password;
		} else {
			char k[64];
			util_escape_ctl(key, k, sizeof k);
			snprintf(err, errlen, "%s:%d: unknown key '%s' (user, password)", path, lineno, k);
			rc = HUB_ERR;
			break;
		}
		if (!*val || strlen(val) >= dstlen) {
			snprintf(err, errlen, "%s:%d: %s is empty or too long", path, lineno, key);
			rc = HUB_ERR;
			break;
		}
		memcpy(dst, val, strlen(val) + 1);
	}
	fclose(f);
	if (rc == HUB_OK && (!c->user[0] || !c->password[0])) {
		snprintf(err, errlen, "%s: needs both user = and password =", path);
		rc = HUB_ERR;
	}
	if (rc != HUB_OK)
		memset(c, 0, sizeof *c);
	return rc;
}

int hub_cred_write(const char *path, const struct hub_cred *c, const char *comment, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == EEXIST ? HUB_CONFLICT : HUB_ERR;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return HUB_ERR;
	}
	if (comment)
		fprintf(f, "# %s\n", comment);
	fprintf(f, "user = %s\npassword = %s\n", c->user, c->password);
	int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
	bad |= fclose(f) != 0;
	if (bad) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		return HUB_ERR;
	}
	return HUB_OK;
}

int hub_password_new(char *out, size_t outlen)
{
	unsigned char b[16];
	if (outlen < 2 * sizeof b + 1 || getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		return HUB_ERR;
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return HUB_OK;
}

/* ---- connecting ---- */

static int host_is_local(const char *host)
{
	if (!host || !*host)
		return 1;           /* libpq's default: the Unix socket */
	char buf[1024];
	copy_str(buf, sizeof buf, host);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (t[0] == '/' || t[0] == '@')
			continue;   /* a socket folder, an abstract socket */
		if (strcmp(t, "localhost") != 0 && strcmp(t, "127.0.0.1") != 0 && strcmp(t, "::1") != 0)
			return 0;
	}
	return 1;
}

int hub_open(const char *url, const struct hub_cred *cred, struct hub **out, char *err, size_t errlen)
{
	*out = NULL;
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	if (!opts) {
		one_line(err, errlen, "[hub] url", perr ? perr : "out of memory");
		PQfreemem(perr);
		return HUB_ERR;
	}
	const char *host = NULL, *hostaddr = NULL, *sslmode = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0)
			hostaddr = o->val;
		else if (strcmp(o->keyword, "sslmode") == 0)
			sslmode = o->val;
	}
	int want_tls = !sslmode && !getenv("PGSSLMODE") && !(host_is_local(host) && host_is_local(hostaddr));
	PQconninfoFree(opts);

	const char *keys[8], *vals[8];
	int n = 0;
	keys[n] = "dbname", vals[n++] = url;
	if (cred) {
		keys[n] = "user", vals[n++] = cred->user;
		keys[n] = "password", vals[n++] = cred->password;
	}
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	keys[n] = "application_name", vals[n++] = "loa";
	keys[n] = "connect_timeout", vals[n++] = "10";
	if (want_tls)
		keys[n] = "sslmode", vals[n++] = "verify-full";
	keys[n] = NULL, vals[n] = NULL;
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c) {
		snprintf(err, errlen, "hub: out of memory");
		return HUB_ERR;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		one_line(err, errlen, "hub", PQerrorMessage(c));
		PQfinish(c);
		return HUB_DOWN;
	}
	struct hub *h = calloc(1, sizeof *h);
	if (!h) {
		PQfinish(c);
		snprintf(err, errlen, "hub: out of memory");
		return HUB_ERR;
	}
	h->c = c;
	/* A search path no other role can plant a table or function on. */
	PGresult *r = PQexec(c, "SET search_path = public, pg_catalog; SET statement_timeout = '10min';"
			       " SET client_min_messages = warning");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fail_res(h, r, "hub");
		copy_str(err, errlen, h->err);
		hub_close(h);
		return HUB_ERR;
	}
	PQclear(r);
	*out = h;
	return HUB_OK;
}

void hub_close(struct hub *h)
{
	if (!h)
		return;
	PQfinish(h->c);
	free(h);
}

/* ---- schema ---- */

static int read_version(struct hub *h, int *version)
{
	PGresult *r = NULL;
	int rc = exec(h, "SELECT to_regclass('loa_hub_version') IS NOT NULL", 0, NULL, &r, "hub version");
	if (rc != HUB_OK)
		return rc;
	int exists = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	*version = 0;
	if (!exists)
		return HUB_OK;
	rc = exec(h, "SELECT version FROM loa_hub_version", 0, NULL, &r, "hub version");
	if (rc != HUB_OK)
		return rc;
	if (PQntuples(r) == 1)
		*version = (int)col_i64(r, 0, 0);
	PQclear(r);
	return HUB_OK;
}

int hub_version(struct hub *h, int *version)
{
	return read_version(h, version);
}

int hub_migrate(struct hub *h, int *from, int *to)
{
	int v = 0, rc = read_version(h, &v);
	if (rc != HUB_OK)
		return rc;
	*from = *to = v;
	if (v > N_HUB_MIGRATIONS) {
		snprintf(h->err, sizeof h->err,
			 "the hub database is at version %d, newer than this loa (%d): upgrade loa", v,
			 N_HUB_MIGRATIONS);
		return HUB_ERR;
	}
	for (int n = v + 1; n <= N_HUB_MIGRATIONS; n++) {
		if ((rc = exec_const(h, "BEGIN", "begin")) != HUB_OK)
			return rc;
		/* Under the lock, read the version again: another init may have
		 * gone first. */
		rc = exec_const(h,
				"SELECT pg_advisory_xact_lock(x'" HUB_MIGRATE_LOCK "'::bigint);"
				"CREATE TABLE IF NOT EXISTS loa_hub_version ("
				"  one boolean PRIMARY KEY DEFAULT true CHECK (one),"
				"  version integer NOT NULL)",
				"hub init");
		int now_v = 0;
		if (rc == HUB_OK)
			rc = read_version(h, &now_v);
		if (rc == HUB_OK && now_v < n) {
			char what[32];
			snprintf(what, sizeof what, "hub migration %d", n);
			rc = exec_const(h, hub_migrations[n - 1], what);
			if (rc == HUB_OK) {
				char nbuf[16];
				snprintf(nbuf, sizeof nbuf, "%d", n);
				const char *p[1] = { nbuf };
				rc = exec(h,
					  "INSERT INTO loa_hub_version(version) VALUES ($1::integer)"
					  " ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
					  1, p, NULL, what);
			}
		}
		if (rc == HUB_OK)
			rc = exec_const(h, "COMMIT", "commit");
		if (rc != HUB_OK) {
			rollback(h);
			return rc;
		}
		*to = n;
	}
	return HUB_OK;
}

/* ---- the hub's side ---- */

int hub_gateway_add(struct hub *h, const char *id, const char *name, const char *password, int64_t now,
		    char *role_out, size_t role_len)
{
	if (!hub_id_valid(id)) {
		snprintf(h->err, sizeof h->err, "bad gateway id (1-32 of a-z 0-9 _ -, a letter or digit first)");
		return HUB_ERR;
	}
	char role[64];
	snprintf(role, sizeof role, "loa_gw_%s", id);
	char *verifier = PQencryptPasswordConn(h->c, password, role, "scram-sha-256");
	if (!verifier) {
		one_line(h->err, sizeof h->err, "password", PQerrorMessage(h->c));
		return HUB_ERR;
	}
	char nowbuf[24];
	snprintf(nowbuf, sizeof nowbuf, "%" PRId64, now);
	const char *p[4] = { id, verifier, name ? name : "", nowbuf };
	PGresult *r = NULL;
	int rc = exec(h, "SELECT loa_hub_gateway_add($1, $2, $3, $4::bigint)", 4, p, &r, "gateway add");
	PQfreemem(verifier);
	if (rc == HUB_CONFLICT)
		snprintf(h->err, sizeof h->err, "gateway %s or its role %s exists already", id, role);
	if (rc != HUB_OK)
		return rc;
	copy_str(role_out, role_len, PQgetvalue(r, 0, 0));
	PQclear(r);
	return HUB_OK;
}

int hub_group_add(struct hub *h, const char *group, const char *gateway)
{
	if (!hub_id_valid(group)) {
		snprintf(h->err, sizeof h->err, "bad group id (1-32 of a-z 0-9 _ -, a letter or digit first)");
		return HUB_ERR;
	}
	const char *p[2] = { group, gateway };
	int rc = exec_const(h, "BEGIN", "begin");
	if (rc == HUB_OK)
		rc = exec(h, "INSERT INTO gateway_groups(id) VALUES ($1) ON CONFLICT DO NOTHING", 1, p, NULL,
			  "group add");
	if (rc == HUB_OK)
		rc = exec(h,
			  "INSERT INTO gateway_group_members(group_id, gateway_id) VALUES ($1, $2)"
			  " ON CONFLICT DO NOTHING",
			  2, p, NULL, "group add");
	if (rc == HUB_OK)
		rc = exec_const(h, "COMMIT", "commit");
	if (rc != HUB_OK)
		rollback(h);
	return rc;
}

int hub_gateway_each(struct hub *h, int (*cb)(const struct hub_gateway *g, void *arg), void *arg)
{
	PGresult *r = NULL;
	int rc = exec(h,
		      "SELECT g.id, g.name, g.created_at, COALESCE(hh.households, -1),"
		      " COALESCE((SELECT position FROM hub_sync s WHERE s.gateway_id = g.id AND s.stream = 'events'), 0),"
		      " COALESCE((SELECT position FROM hub_sync s WHERE s.gateway_id = g.id AND s.stream = 'deliveries'), 0),"
		      " COALESCE((SELECT position FROM hub_sync s WHERE s.gateway_id = g.id AND s.stream = 'changes'), 0),"
		      " COALESCE((SELECT max(synced_at) FROM hub_sync s WHERE s.gateway_id = g.id), 0)"
		      " FROM gateways g LEFT JOIN hub_households hh ON hh.gateway_id = g.id ORDER BY g.id",
		      0, NULL, &r, "gateways");
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		struct hub_gateway g;
		memset(&g, 0, sizeof g);
		copy_str(g.id, sizeof g.id, PQgetvalue(r, i, 0));
		copy_str(g.name, sizeof g.name, PQgetvalue(r, i, 1));
		g.created_at = col_i64(r, i, 2);
		g.households = (int)col_i64(r, i, 3);
		g.events_pos = col_i64(r, i, 4);
		g.deliveries_pos = col_i64(r, i, 5);
		g.changes_pos = col_i64(r, i, 6);
		g.synced_at = col_i64(r, i, 7);
		rc = cb(&g, arg);
	}
	PQclear(r);
	return rc;
}

int hub_notice_add(struct hub *h, const struct hub_notice_req *q, int64_t now, int64_t *id_out)
{
	char ch[8], urg[8], created[24], due[24];
	snprintf(ch, sizeof ch, "%d", q->channels);
	snprintf(urg, sizeof urg, "%s", q->urgent ? "true" : "false");
	snprintf(created, sizeof created, "%" PRId64, now);
	snprintf(due, sizeof due, "%" PRId64, q->due_at ? q->due_at : now);
	int rc = exec_const(h, "BEGIN", "begin");
	PGresult *r = NULL;
	if (rc == HUB_OK) {
		const char *p[6] = { q->text, ch, urg, q->source, created, due };
		rc = exec(h,
			  "INSERT INTO hub_notices(text, channels, urgent, source, created_at, due_at)"
			  " VALUES ($1, $2::integer, $3::boolean, $4, $5::bigint, $6::bigint) RETURNING id",
			  6, p, &r, "hub notice");
	}
	if (rc == HUB_OK) {
		*id_out = col_i64(r, 0, 0);
		PQclear(r);
		char idbuf[24];
		snprintf(idbuf, sizeof idbuf, "%" PRId64, *id_out);
		const char *t = q->to_target ? q->to_target : "";
		const char *p2[3] = { idbuf, q->to_kind, t };
		/* A gateway or group that does not exist is refused here rather
		 * than addressed to nobody. */
		rc = exec(h,
			  "INSERT INTO hub_notice_to(notice_id, kind, target)"
			  " SELECT $1::bigint, $2, $3 WHERE $2 = 'all'"
			  "  OR ($2 = 'gateway' AND EXISTS (SELECT 1 FROM gateways WHERE id = $3))"
			  "  OR ($2 = 'group' AND EXISTS (SELECT 1 FROM gateway_groups WHERE id = $3))",
			  3, p2, &r, "hub notice");
		if (rc == HUB_OK) {
			int added = atoi(PQcmdTuples(r));
			PQclear(r);
			if (added != 1) {
				snprintf(h->err, sizeof h->err, "no gateway or gateway group '%s'", t);
				rc = HUB_NOTFOUND;
			}
		}
	}
	if (rc == HUB_OK)
		rc = exec_const(h, "COMMIT", "commit");
	if (rc != HUB_OK)
		rollback(h);
	return rc;
}

/* ---- a gateway's side ---- */

int hub_me(struct hub *h, char *id, size_t idlen)
{
	PGresult *r = NULL;
	int rc = exec(h, "SELECT loa_hub_me()", 0, NULL, &r, "hub");
	if (rc != HUB_OK)
		return rc;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0)) {
		PQclear(r);
		snprintf(h->err, sizeof h->err, "the hub knows no gateway with this role (loa hub gateway add)");
		return HUB_NOTFOUND;
	}
	copy_str(id, idlen, PQgetvalue(r, 0, 0));
	PQclear(r);
	return HUB_OK;
}

int hub_position(struct hub *h, const char *stream, int64_t *pos)
{
	const char *p[1] = { stream };
	PGresult *r = NULL;
	int rc = exec(h, "SELECT position FROM hub_sync WHERE gateway_id = (SELECT loa_hub_me()) AND stream = $1", 1, p, &r,
		      "sync position");
	if (rc != HUB_OK)
		return rc;
	*pos = PQntuples(r) == 1 ? col_i64(r, 0, 0) : 0;
	PQclear(r);
	return HUB_OK;
}

/* COPY's text format: \N for NULL; backslash, tab, newline and carriage
 * return escaped; invalid UTF-8 (the server would refuse the whole batch,
 * and the gateway would retry it forever) written as \xNN text.  `end`
 * follows: a tab between columns, a newline after the row. */
static void copy_field(struct sbuf *b, const char *s, char end)
{
	if (!s) {
		sbuf_add(b, "\\N");
		sbuf_addc(b, end);
		return;
	}
	size_t n = strlen(s), bad;
	char *esc = NULL;
	if (!text_valid_utf8(s, n, &bad)) {
		size_t cap = 4 * n + 1;
		esc = xmalloc(cap);
		util_escape_ctl(s, esc, cap);
		s = esc;
	}
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '\\': sbuf_add(b, "\\\\"); break;
		case '\t': sbuf_add(b, "\\t"); break;
		case '\n': sbuf_add(b, "\\n"); break;
		case '\r': sbuf_add(b, "\\r"); break;
		default: sbuf_addc(b, *p); break;
		}
	}
	free(esc);
	sbuf_addc(b, end);
}

static void copy_i64(struct sbuf *b, int64_t v, int null_if_zero, char end)
{
	if (null_if_zero && v == 0)
		sbuf_add(b, "\\N");
	else
		sbuf_printf(b, "%" PRId64, v);
	sbuf_addc(b, end);
}

/* Sends b's rows as the COPY data of the statement just started. */
static int copy_send(struct hub *h, const char *copy_sql, const struct sbuf *b, const char *what)
{
	PGresult *r = PQexec(h->c, copy_sql);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		return fail_res(h, r, what);
	PQclear(r);
	if (b->len && PQputCopyData(h->c, b->s, (int)b->len) != 1) {
		one_line(h->err, sizeof h->err, what, PQerrorMessage(h->c));
		return HUB_DOWN;
	}
	if (PQputCopyEnd(h->c, NULL) != 1) {
		one_line(h->err, sizeof h->err, what, PQerrorMessage(h->c));
		return HUB_DOWN;
	}
	r = PQgetResult(h->c);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? HUB_OK : fail_res(h, r, what);
	if (rc == HUB_OK)
		PQclear(r);
	while ((r = PQgetResult(h->c)) != NULL)
		PQclear(r);
	return rc;
}

static int set_position(struct hub *h, const char *stream, int64_t pos, int64_t now)
{
	char pbuf[24], nbuf[24];
	snprintf(pbuf, sizeof pbuf, "%" PRId64, pos);
	snprintf(nbuf, sizeof nbuf, "%" PRId64, now);
	const char *p[3] = { stream, pbuf, nbuf };
	return exec(h,
		    "INSERT INTO hub_sync(gateway_id, stream, position, synced_at)"
		    " VALUES ((SELECT loa_hub_me()), $1, $2::bigint, $3::bigint)"
		    " ON CONFLICT (gateway_id, stream) DO UPDATE"
		    " SET position = GREATEST(hub_sync.position, EXCLUDED.position), synced_at = EXCLUDED.synced_at",
		    3, p, NULL, "sync position");
}

/* The temporary tables COPY fills (COPY FROM cannot write a table under
 * row-level security): per session, emptied at each commit. */
#define PUSH_TEMP_SQL \
	"CREATE TEMP TABLE IF NOT EXISTS loa_push_events (id bigint, at bigint, kind text, notice_id bigint," \
	" delivery_id bigint, household_id bigint, modem text, detail text) ON COMMIT DELETE ROWS;" \
	"CREATE TEMP TABLE IF NOT EXISTS loa_push_deliveries (id bigint, notice_id bigint, household_id bigint," \
	" channel text, state text, attempts integer, updated_at bigint, rev bigint) ON COMMIT DELETE ROWS"

/* Creates them once per session; a rollback undoes the creation too. */
static int push_temp(struct hub *h)
{
	int rc = exec_const(h, PUSH_TEMP_SQL, "push");
	h->temp_ready = rc == HUB_OK;
	return rc;
}

/* One pushed batch in one transaction: rows copied into the session's
 * temporary table, moved into the hub table by INSERT_SQL (idempotent: ON
 * CONFLICT), and the stream's position moved to POSITION; all or nothing. */
static int push_batch(struct hub *h, const char *copy_sql, const struct sbuf *rows, const char *insert_sql,
		      const char *stream, int64_t position, int64_t now, const char *what)
{
	int rc = exec_const(h, "BEGIN", "begin");
	if (rc == HUB_OK && !h->temp_ready)
		rc = push_temp(h);
	if (rc == HUB_OK)
		rc = copy_send(h, copy_sql, rows, what);
	if (rc == HUB_OK)
		rc = exec(h, insert_sql, 0, NULL, NULL, what);
	if (rc == HUB_OK)
		rc = set_position(h, stream, position, now);
	if (rc == HUB_OK)
		rc = exec_const(h, "COMMIT", "commit");
	if (rc != HUB_OK) {
		rollback(h);
		h->temp_ready = 0;
	}
	return rc;
}

int hub_push_events(struct hub *h, const struct hub_event *ev, size_t n, int64_t now)
{
	if (n == 0)
		return HUB_OK;
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < n; i++) {
		const struct hub_event *e = &ev[i];
		copy_i64(&b, e->id, 0, '\t');
		copy_i64(&b, e->at, 0, '\t');
		copy_field(&b, e->kind ? e->kind : "", '\t');
		copy_i64(&b, e->notice_id, 1, '\t');
		copy_i64(&b, e->delivery_id, 1, '\t');
		copy_i64(&b, e->household_id, 1, '\t');
		copy_field(&b, e->modem, '\t');
		copy_field(&b, e->detail ? e->detail : "", '\n');
	}
	int rc = push_batch(h, "COPY loa_push_events FROM STDIN", &b,
			    "INSERT INTO hub_events(gateway_id, id, at, kind, notice_id, delivery_id, household_id,"
			    " modem, detail) SELECT (SELECT loa_hub_me()), id, at, kind, notice_id, delivery_id,"
			    " household_id, modem, detail FROM loa_push_events ON CONFLICT (gateway_id, id) DO NOTHING",
			    "events", ev[n - 1].id, now, "push events");
	sbuf_free(&b);
	return rc;
}

int hub_push_deliveries(struct hub *h, const struct hub_delivery *d, size_t n, const char *stream, int64_t position,
			int64_t now)
{
	if (n == 0)
		return HUB_OK;
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < n; i++) {
		const struct hub_delivery *x = &d[i];
		copy_i64(&b, x->id, 0, '\t');
		copy_i64(&b, x->notice_id, 0, '\t');
		copy_i64(&b, x->household_id, 0, '\t');
		copy_field(&b, x->channel ? x->channel : "", '\t');
		copy_field(&b, x->state ? x->state : "", '\t');
		copy_i64(&b, x->attempts, 0, '\t');
		copy_i64(&b, x->updated_at, 0, '\t');
		copy_i64(&b, x->rev, 0, '\n');
	}
	/* One row per delivery (the newest rev of the batch), so ON CONFLICT
	 * never meets the same key twice in one statement. */
	int rc = push_batch(h, "COPY loa_push_deliveries FROM STDIN", &b,
			    "INSERT INTO hub_deliveries AS hd(gateway_id, id, notice_id, household_id, channel, state,"
			    " attempts, updated_at, rev)"
			    " SELECT DISTINCT ON (id) (SELECT loa_hub_me()), id, notice_id, household_id, channel, state, attempts,"
			    " updated_at, rev FROM loa_push_deliveries ORDER BY id, rev DESC"
			    " ON CONFLICT (gateway_id, id) DO UPDATE SET notice_id = EXCLUDED.notice_id,"
			    " household_id = EXCLUDED.household_id, channel = EXCLUDED.channel, state = EXCLUDED.state,"
			    " attempts = EXCLUDED.attempts, updated_at = EXCLUDED.updated_at, rev = EXCLUDED.rev"
			    " WHERE hd.rev < EXCLUDED.rev",
			    stream, position, now, "push deliveries");
	sbuf_free(&b);
	return rc;
}

int hub_push_households(struct hub *h, int households, int64_t now)
{
	char hb[16], nb[24];
	snprintf(hb, sizeof hb, "%d", households);
	snprintf(nb, sizeof nb, "%" PRId64, now);
	const char *p[2] = { hb, nb };
	return exec(h,
		    "INSERT INTO hub_households(gateway_id, households, updated_at)"
		    " VALUES ((SELECT loa_hub_me()), $1::integer, $2::bigint) ON CONFLICT (gateway_id) DO UPDATE"
		    " SET households = EXCLUDED.households, updated_at = EXCLUDED.updated_at",
		    2, p, NULL, "push households");
}

int hub_notice_pending(struct hub *h, int64_t not_before, int limit,
		       int (*cb)(const struct hub_notice *n, void *arg), void *arg)
{
	char nb[24], lb[16];
	snprintf(nb, sizeof nb, "%" PRId64, not_before);
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[2] = { nb, lb };
	PGresult *r = NULL;
	int rc = exec(h,
		      "SELECT n.id, n.text, n.channels, n.urgent, n.source, n.created_at, n.due_at"
		      " FROM hub_notices n"
		      " WHERE n.state = 'active' AND n.created_at >= $1::bigint"
		      " AND n.created_at >= (SELECT created_at FROM gateways WHERE id = (SELECT loa_hub_me()))"
		      " AND NOT EXISTS (SELECT 1 FROM hub_receipts r"
		      "   WHERE r.gateway_id = (SELECT loa_hub_me()) AND r.notice_id = n.id)"
		      " ORDER BY n.id LIMIT $2::integer",
		      2, p, &r, "hub notices");
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		struct hub_notice n = {
			.id = col_i64(r, i, 0),
			.text = PQgetvalue(r, i, 1),
			.channels = (int)col_i64(r, i, 2),
			.urgent = strcmp(PQgetvalue(r, i, 3), "t") == 0,
			.source = PQgetvalue(r, i, 4),
			.created_at = col_i64(r, i, 5),
			.due_at = col_i64(r, i, 6),
		};
		rc = cb(&n, arg);
	}
	PQclear(r);
	return rc;
}

int hub_receipt(struct hub *h, int64_t notice_id, int64_t local_id, int households, const char *note, int64_t now)
{
	char a[24], b[24], c[16], f[24];
	snprintf(a, sizeof a, "%" PRId64, notice_id);
	snprintf(b, sizeof b, "%" PRId64, local_id);
	snprintf(c, sizeof c, "%d", households);
	snprintf(f, sizeof f, "%" PRId64, now);
	const char *p[5] = { a, local_id ? b : NULL, c, note ? note : "", f };
	return exec(h,
		    "INSERT INTO hub_receipts(gateway_id, notice_id, local_notice_id, households, note, accepted_at)"
		    " VALUES ((SELECT loa_hub_me()), $1::bigint, $2::bigint, $3::integer, $4, $5::bigint)"
		    " ON CONFLICT (gateway_id, notice_id) DO NOTHING",
		    5, p, NULL, "hub receipt");
}

/* ---- for the other db/hub_*.c files (db/hub_int.h) ---- */

int hub_exec(struct hub *h, const char *sql, int n, const char *const *params, PGresult **out, const char *what)
{
	return exec(h, sql, n, params, out, what);
}

int64_t hub_col_i64(const PGresult *r, int row, int col)
{
	return col_i64(r, row, col);
}

void hub_set_err(struct hub *h, const char *msg)
{
	copy_str(h->err, sizeof h->err, msg);
}

void hub_copy_field(struct sbuf *b, const char *s, char end)
{
	copy_field(b, s, end);
}

void hub_copy_i64(struct sbuf *b, int64_t v, int null_if_zero, char end)
{
	copy_i64(b, v, null_if_zero, end);
}

int hub_copy_send(struct hub *h, const char *copy_sql, const struct sbuf *b, const char *what)
{
	return copy_send(h, copy_sql, b, what);
}

void hub_rollback(struct hub *h)
{
	rollback(h);
}

int hub_notice_cancel(struct hub *h, int64_t id)
{
	char ib[24], msg[64];
	snprintf(ib, sizeof ib, "%" PRId64, id);
	const char *p[1] = { ib };
	PGresult *r = NULL;
	int rc = exec(h, "UPDATE hub_notices SET state = 'cancelled' WHERE id = $1::bigint AND state = 'active' RETURNING id",
		      1, p, &r, "cancel hub notice");
	if (rc != HUB_OK)
		return rc;
	int done = PQntuples(r) == 1;
	PQclear(r);
	if (done)
		return HUB_OK;
	if ((rc = exec(h, "SELECT 1 FROM hub_notices WHERE id = $1::bigint", 1, p, &r, "cancel hub notice")) != HUB_OK)
		return rc;
	int found = PQntuples(r) == 1;
	PQclear(r);
	if (found)
		snprintf(msg, sizeof msg, "hub notice %" PRId64 " is already cancelled", id);
	else
		snprintf(msg, sizeof msg, "no hub notice %" PRId64, id);
	hub_set_err(h, msg);
	return found ? HUB_CONFLICT : HUB_NOTFOUND;
}

int hub_notice_cancelled(struct hub *h, int64_t not_before, int (*cb)(int64_t hub_id, int64_t local_id, void *arg),
			 void *arg)
{
	char nb[24];
	snprintf(nb, sizeof nb, "%" PRId64, not_before);
	const char *p[1] = { nb };
	PGresult *r = NULL;
	int rc = exec(h,
		      "SELECT r.notice_id, r.local_notice_id FROM hub_receipts r JOIN hub_notices n ON n.id = r.notice_id"
		      " WHERE r.gateway_id = (SELECT loa_hub_me()) AND r.local_notice_id IS NOT NULL"
		      " AND n.state = 'cancelled' AND n.created_at >= $1::bigint ORDER BY r.notice_id",
		      1, p, &r, "cancelled hub notices");
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++)
		rc = cb(col_i64(r, i, 0), col_i64(r, i, 1), arg);
	PQclear(r);
	return rc;
}
