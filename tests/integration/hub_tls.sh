#!/bin/bash
# TLS to the hub: a hub that is not on this machine is reached only over
# TLS with its certificate checked (libpq's sslmode=verify-full), unless
# the url itself says otherwise; on this machine (a Unix socket, localhost)
# no TLS is asked for.  A real PostgreSQL listening on 127.0.0.2 without
# TLS: loa refuses to talk to it in plain text, names the hub, and sends it
# no password (the server's log shows no connection got past the TLS
# question); with sslmode=disable written in the url it gets through (the
# server's pg_hba then rejects TCP, which proves the plain connection).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# a free TCP port on 127.0.0.2 (the whole 127/8 is this machine's loopback,
# but not "localhost" to loa, so it stands for a hub elsewhere)
for p in $(shuf -i 20000-60000 -n 30); do
	(exec 3<>"/dev/tcp/127.0.0.2/$p") 2>/dev/null || { PG_PORT=$p; break; }
done
[ -n "${PG_PORT:-}" ] || fail "no free port on 127.0.0.2"
PG_LISTEN=127.0.0.2
. "$here/pg_lib.bash"
pg_start

cat >>"$LOA_CONFIG" <<CONF
[hub]
url = $PG_CONN
credentials = $PG_ADMIN_CRED
CONF
# on this machine (the socket): no TLS, it works
expect_rc 0 "$LOA" hub init
contains "$OUT" "hub database at version"

# elsewhere: TLS required and checked
sed -i "s|^url = .*|url = postgresql://127.0.0.2:$PG_PORT/loa_hub|" "$LOA_CONFIG"
set +e
"$LOA" hub gateway list >"$WORK/out" 2>"$WORK/err"
rc=$?
set -e
[ $rc -ne 0 ] || fail "a hub elsewhere without TLS was used: $(cat "$WORK/out")"
ERR=$(cat "$WORK/err")
[ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "not one line: $ERR"
contains "$ERR" "hub"
case "$ERR" in *SSL*|*TLS*|*ssl*) ;; *) fail "the refusal does not say TLS: $ERR" ;; esac
grep -q "pg_hba.conf" "$PGDIR/server.log" && fail "a plain connection reached authentication"

# the operator's explicit choice in the url: plain text gets through to the
# server (which rejects TCP logins by its pg_hba)
sed -i "s|^url = .*|url = postgresql://127.0.0.2:$PG_PORT/loa_hub?sslmode=disable|" "$LOA_CONFIG"
set +e
"$LOA" hub gateway list >"$WORK/out" 2>"$WORK/err"
set -e
contains "$(cat "$WORK/err")" "pg_hba.conf"
echo "ok: a hub elsewhere only over checked TLS, plain text only when the url says so"
