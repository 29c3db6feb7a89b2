#!/bin/bash
# Hub sync throughput (issue 18): one gateway pushes 1,000,000 events to a
# throwaway PostgreSQL on this machine (tests/integration/pg_lib.bash:
# Unix socket, fsync off), in batches of HUB_SYNC_BATCH events per hub
# transaction (COPY into a temporary table, INSERT ... ON CONFLICT DO
# NOTHING).  Target: >= 50,000 events/s on the 2-core machine.  A second
# sync, a replay of everything (the hub's position reset), shows what
# idempotency costs.  BENCH_HUB_EVENTS overrides the count.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/../integration/pg_lib.bash"
N=${BENCH_HUB_EVENTS:-1000000}
pg_start
HUB_CONF="$WORK/hub.conf"
printf '[hub]\nurl = %s\ncredentials = %s\n' "$PG_CONN" "$PG_ADMIN_CRED" >"$HUB_CONF"
chmod 600 "$HUB_CONF"
"$LOA" -c "$HUB_CONF" hub init >/dev/null || fail "hub init"
"$LOA" -c "$HUB_CONF" hub gateway add bench -o "$WORK/bench.cred" >/dev/null || fail "gateway add"
"$LOA" init >/dev/null || fail "init"
printf '[hub]\nurl = %s\ngateway_id = bench\ncredentials = %s\n' "$PG_CONN" "$WORK/bench.cred" >>"$LOA_CONFIG"
# realistic rows: delivery events with a Vietnamese detail
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
     INSERT INTO events(at, kind, notice_id, delivery_id, household_id, modem, detail)
     SELECT $LOA_FAKE_TIME + i, CASE i % 3 WHEN 0 THEN 'sms_sent' WHEN 1 THEN 'sms_delivered' ELSE 'call_dialing' END,
            1 + i / 2000, i, 1 + i % 2000, 'modem' || (i % 4), 'Thôn Tân Lợi: lần ' || i FROM n"
ms() { date +%s%3N; }
t0=$(ms)
"$LOA" hub sync --once >"$WORK/sync.out" || fail "sync: $(cat "$WORK/sync.out")"
t1=$(ms)
got=$(pg_sql "SELECT count(*) FROM hub_events")
[ "$got" = "$N" ] || fail "the hub has $got events, not $N"
pg_sql "UPDATE hub_sync SET position = 0"
t2=$(ms)
"$LOA" hub sync --once >/dev/null || fail "replay"
t3=$(ms)
[ "$(pg_sql "SELECT count(*) FROM hub_events")" = "$N" ] || fail "the replay changed the hub"
rate() { echo $(( N * 1000 / ($1 > 0 ? $1 : 1) )); }
echo "hub sync: $N events in $((t1 - t0)) ms = $(rate $((t1 - t0))) events/s (target >= 50000)"
echo "hub sync replay (all already there): $((t3 - t2)) ms = $(rate $((t3 - t2))) events/s"
