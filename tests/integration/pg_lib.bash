# Sourced by the hub_*.sh integration tests (after lib.sh): a private,
# throwaway PostgreSQL server for one test.  Not a test itself (tests/run.sh
# runs only *.sh).
#
#   pg_start          initdb in a fresh temporary folder, postgres listening
#                     on a Unix socket in that folder only (no TCP), the
#                     database `loa_hub` created.  Sets:
#                       PGDIR       the folder (socket, data, logs)
#                       PG_CONN     a libpq connection string for it
#                                   ("host=PGDIR port=... dbname=loa_hub")
#                       PG_ADMIN    the superuser's name (loa_hub_admin)
#                       PG_ADMIN_CRED  a credentials file for that superuser
#                                   (user = / password = lines, mode 0600:
#                                   the format `loa hub gateway add` writes)
#   pg_sql SQL...     runs psql as the superuser on the test database
#                     (-X -A -t -q, ON_ERROR_STOP): the result on stdout
#   pg_sql_as ROLE PASSWORD SQL...   the same as another role
#   pg_stop           stops the server (the EXIT trap calls it too, also when
#                     the test fails half-way, so no postgres outlives it)
#   pg_restart        starts the stopped server again on the same data (a
#                     hub back after an outage)
#
# Debian's server binaries live in /usr/lib/postgresql/VERSION/bin, not on
# PATH.  PostgreSQL refuses to run as root; as root (CI, containers) the
# server runs as `nobody` through runuser, in a folder owned by nobody, and
# the test talks to it over the socket (root may open any socket).  Missing
# binaries: the test is skipped (exit 77), as the other libs do.
# fsync is off: a test server holds nothing worth a disk flush.

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is not installed (scripts/deps.sh installs postgresql)"; exit 77; }
command -v psql >/dev/null || { echo "psql is not installed (scripts/deps.sh installs postgresql)"; exit 77; }
PG_AS=()
if [ "$(id -u)" -eq 0 ]; then
	command -v runuser >/dev/null || { echo "running as root without runuser: cannot start PostgreSQL as another user"; exit 77; }
	PG_AS=(runuser -u nobody --)
fi
PGDIR=
PG_ADMIN=loa_hub_admin
PG_PORT=${PG_PORT:-5432}   # names the socket file (.s.PGSQL.5432) in PGDIR
PG_LISTEN=${PG_LISTEN:-}   # no TCP unless a test sets an address (and a free PG_PORT)

pg_stop() {
	[ -n "$PGDIR" ] && [ -d "$PGDIR/data" ] || return 0
	if [ -f "$PGDIR/data/postmaster.pid" ]; then
		"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || {
			# pg_ctl could not: the postmaster's pid is the first line
			local pid
			pid=$(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null || true)
			[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
		}
	fi
}
pg_cleanup() {
	local rc=$?
	pg_stop
	if [ -n "${KEEP_WORK:-}" ]; then
		[ -n "$PGDIR" ] && echo "pg_lib: kept $PGDIR" >&2
	else
		[ -n "$PGDIR" ] && rm -rf "$PGDIR"
		rm -rf "$WORK"
	fi
	return $rc
}
trap pg_cleanup EXIT

pg_start() {
	PGDIR=$(mktemp -d /tmp/loa-pg.XXXXXX)
	local pw
	pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
	printf '%s\n' "$pw" >"$PGDIR/pwfile"
	chmod 600 "$PGDIR/pwfile"
	[ ${#PG_AS[@]} -gt 0 ] && chown -R nobody "$PGDIR"
	"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PGDIR/data" -U "$PG_ADMIN" --pwfile="$PGDIR/pwfile" \
		--auth-local=scram-sha-256 --auth-host=reject -E UTF8 --locale=C.UTF-8 -N \
		>"$PGDIR/initdb.log" 2>&1 || fail "initdb: $(tail -5 "$PGDIR/initdb.log")"
	rm -f "$PGDIR/pwfile"
	pg_restart
	PG_ADMIN_CRED="$PGDIR/admin.cred"
	umask_was=$(umask)
	umask 077
	printf '# the test server superuser\nuser = %s\npassword = %s\n' "$PG_ADMIN" "$pw" >"$PG_ADMIN_CRED"
	umask "$umask_was"
	PG_ADMIN_PW=$pw
	PG_CONN="host=$PGDIR port=$PG_PORT dbname=loa_hub"
	PGPASSWORD=$pw psql -X -q -h "$PGDIR" -p "$PG_PORT" -U "$PG_ADMIN" -d postgres \
		-v ON_ERROR_STOP=1 -c 'CREATE DATABASE loa_hub' || fail "could not create the database"
}

pg_restart() {
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
		-o "-c listen_addresses=$PG_LISTEN -k $PGDIR -p $PG_PORT -c fsync=off -c full_page_writes=off" start \
		>"$PGDIR/pg_ctl.log" 2>&1 || fail "postgres did not start: $(tail -5 "$PGDIR/server.log" 2>/dev/null)"
}

pg_sql_as() {
	local role=$1 pw=$2
	shift 2
	PGPASSWORD=$pw psql -X -A -t -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PG_PORT" -U "$role" -d loa_hub -c "$*"
}
pg_sql() { pg_sql_as "$PG_ADMIN" "$PG_ADMIN_PW" "$@"; }
