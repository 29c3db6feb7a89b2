#!/bin/bash
# The PostgreSQL test harness (pg_lib.bash) itself: a server starts in a
# temporary folder, answers on its Unix socket only, refuses a wrong
# password, and is stopped and removed at exit — also when the test using
# it fails half-way.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pg_lib.bash"

pg_start
[ "$(pg_sql 'SELECT 1')" = 1 ] || fail "the server does not answer"
[ "$(pg_sql 'SHOW listen_addresses')" = "" ] || fail "the server listens on TCP: $(pg_sql 'SHOW listen_addresses')"
[ -S "$PGDIR/.s.PGSQL.$PG_PORT" ] || fail "no socket in $PGDIR"
[ "$(stat -c %a "$PG_ADMIN_CRED")" = 600 ] || fail "credentials file is not 0600"
# Vietnamese text goes in and out unchanged (UTF8 database)
[ "$(pg_sql "SELECT 'Thôn Tân Lợi, xã Hòa Bình'")" = "Thôn Tân Lợi, xã Hòa Bình" ] || fail "UTF-8 text changed"
set +e
PGPASSWORD=wrong psql -X -q -h "$PGDIR" -p "$PG_PORT" -U "$PG_ADMIN" -d loa_hub -c 'SELECT 1' >/dev/null 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "a wrong password was accepted"

# A test that fails after starting its server leaves nothing behind.
cat >"$WORK/failing.sh" <<SH
. "$here/lib.sh"
. "$here/pg_lib.bash"
pg_start
echo "\$PGDIR" >"$WORK/inner_pgdir"
head -1 "\$PGDIR/data/postmaster.pid" >"$WORK/inner_pid"
fail "on purpose"
SH
set +e
bash "$WORK/failing.sh" >"$WORK/failing.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "the failing test passed"
inner=$(cat "$WORK/inner_pgdir")
pid=$(cat "$WORK/inner_pid")
[ -n "$pid" ] || fail "the inner test did not record its postmaster"
# (a zombie is dead: it only waits for a parent that is not ours to reap it)
state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
[ -z "$state" ] || [ "$state" = Z ] || fail "postgres $pid still runs after its test failed"
[ ! -e "$inner" ] || fail "$inner was not removed"

pg_stop
pid=$(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null || true)
[ -z "$pid" ] || fail "pg_stop left a postmaster.pid"
echo "ok"
