#!/bin/bash
# The hub's acceptance test (issue 18): a real PostgreSQL (pg_lib.bash) and
# three gateways, each with its own database, configuration, simulated
# modem and running daemon (`loa run`), which syncs by itself every
# [hub] sync_s (gateway/drv_hub.c):
#   1. a hub notice to all -> each daemon takes it in and delivers it to
#      its households with its own policy (an urgent one reaches everyone;
#      a non-urgent one leaves an opted-out household out and waits for a
#      gateway's quiet hours) -> the
#      hub's deliveries and events equal each gateway's exactly (states
#      per delivery id, event ids);
#   2. one gateway cut off (its url pointing at a dead socket) right after
#      it took the notice in: it still delivers locally, `loa status` says
#      degraded, and on reconnect it catches up with no duplicate;
#   the hub hanging (its server stopped by SIGSTOP): the daemon delivers
#   a local notice meanwhile, the sync waits in its own process;
#   3. kill -9 of a gateway's sync process in the middle of a big push
#      (200,000 events): after the next sync no duplicate and no gap.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pg_lib.bash"
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed"; exit 77; }

GWS=(tan-loi hoa-binh an-phu)
declare -A SIM_PIDS DAEMON_PIDS
PG_FROZEN=
# on exit, whatever happened: the daemons, the simulators, then the
# server and the folders (pg_cleanup); errexit off, so that a failing
# kill cannot cut the cleanup short and leave a server running
gw_cleanup() {
	local rc=$?
	set +e
	[ -n "$PG_FROZEN" ] && kill -CONT "$PG_FROZEN" 2>/dev/null
	for g in "${GWS[@]}"; do
		[ -n "${DAEMON_PIDS[$g]:-}" ] && kill -9 "${DAEMON_PIDS[$g]}" 2>/dev/null
		[ -n "${SIM_PIDS[$g]:-}" ] && kill "${SIM_PIDS[$g]}" 2>/dev/null
	done
	wait 2>/dev/null
	if [ $rc -ne 0 ]; then
		for g in "${GWS[@]}"; do
			[ -f "$WORK/$g/daemon.log" ] && { echo "--- $g daemon.log (tail)"; tail -15 "$WORK/$g/daemon.log"; } >&2
		done
	fi
	(exit $rc) # pg_cleanup reads the test's exit status from $?
	pg_cleanup
}
trap gw_cleanup EXIT

pg_start
HUB_CONF="$WORK/hub.conf"
printf '[hub]\nurl = %s\ncredentials = %s\n' "$PG_CONN" "$PG_ADMIN_CRED" >"$HUB_CONF"
chmod 600 "$HUB_CONF"
hub() { "$LOA" -c "$HUB_CONF" hub "$@"; }
expect_rc 0 hub init

# gw ID CMD...: loa with that gateway's configuration
gw() { local g=$1; shift; LOA_CONFIG="$WORK/$g/loa.conf" "$LOA" "$@"; }
gsql() { sqlite3 -cmd '.timeout 10000' "$WORK/$1/loa.db" "$2"; }
# the url a gateway's configuration names: the hub, or a dead socket
set_url() { sed -i "s|^url = .*|url = $2|" "$WORK/$1/loa.conf"; }
DEAD_URL="host=$WORK/nothing-here port=5432 dbname=loa_hub connect_timeout=2"

# three gateways: 12, 9 and 7 households, own phones, one modem each
n=0
declare -A HH
HH=([tan-loi]=12 [hoa-binh]=9 [an-phu]=7)
for g in "${GWS[@]}"; do
	n=$((n + 1))
	expect_rc 0 hub gateway add "$g" -o "$WORK/$g.cred"
	mkdir -p "$WORK/$g/sim"
	cat >"$WORK/$g/loa.conf" <<CONF
[gateway]
database = loa.db
spool = spool
village = Thôn $g
[tts]
cache = cache
[sms]
retry_s = 1
retries = 3
[modem m1]
port = $WORK/$g/sim/m1.at
[hub]
url = $PG_CONN
gateway_id = $g
credentials = $WORK/$g.cred
sync_s = 1
CONF
	chmod 600 "$WORK/$g/loa.conf"
	expect_rc 0 gw "$g" init
	f="$WORK/$g/h.csv"
	echo "Họ tên,SĐT,Nhóm,Kênh" >"$f"
	for i in $(seq 1 "${HH[$g]}"); do
		printf 'Hộ %s số %d,09%d%07d,xom%d,sms\n' "$g" "$i" "$n" "$i" $((i % 2 + 1)) >>"$f"
	done
	expect_rc 0 gw "$g" household import "$f"
	# the third gateway's modem is slow: its broadcast is still going when
	# its link to the hub goes down
	delay=20
	[ "$g" = an-phu ] && delay=400
	"$LOA" sim --dir "$WORK/$g/sim" --modems 1 --report delivered --report-delay-ms 30 --cmgs-delay-ms $delay \
		>"$WORK/$g/sim.out" 2>"$WORK/$g/sim.err" &
	SIM_PIDS[$g]=$!
done
for g in "${GWS[@]}"; do
	for _ in $(seq 1 100); do grep -q "^sim: ready" "$WORK/$g/sim.out" 2>/dev/null && break; sleep 0.1; done
	grep -q "^sim: ready" "$WORK/$g/sim.out" || fail "$g: simulator not ready: $(cat "$WORK/$g/sim.err")"
done
# local policy: a household of tan-loi opted out; hoa-binh is in its quiet
# hours now (09:00), so a non-urgent notice waits there
gsql tan-loi "UPDATE households SET opted_out = 1 WHERE id = 3"
sed -i 's/^\[gateway\]$/[gateway]\nquiet_start = 08:00\nquiet_end = 10:00/' "$WORK/hoa-binh/loa.conf"

start_daemon() {
	LOA_CONFIG="$WORK/$1/loa.conf" "$LOA" run >>"$WORK/$1/daemon.out" 2>>"$WORK/$1/daemon.log" &
	DAEMON_PIDS[$1]=$!
}
# LOA_FAKE_TIME starts again in every process (the daemon hands its own
# time to its sync process): `loa status` is asked at the daemons' time
t_start=$(date +%s)
for g in "${GWS[@]}"; do start_daemon "$g"; done
daemon_time() { echo $((LOA_FAKE_TIME + $(date +%s) - t_start)); }
gw_now() { LOA_FAKE_TIME=$(daemon_time) gw "$@"; }

# every daemon syncs by itself: each gateway's household count reaches the hub
hub_households() { pg_sql "SELECT count(*) FROM hub_households"; }
wait_for() { local s=$1; shift; for _ in $(seq 1 $((s * 10))); do "$@" && return 0; sleep 0.1; done; return 1; }
hh_all() { [ "$(hub_households)" = 3 ]; }
wait_for 30 hh_all || fail "the daemons did not sync: $(pg_sql 'SELECT * FROM hub_households')"
contains "$(cat "$WORK/tan-loi/daemon.log")" "syncing with the hub every 1 s"

# the comparison: delivery states per id, event ids (and a digest of the
# event rows), both sides
deliv_local() { gsql "$1" "SELECT group_concat(id || ':' || state || ':' || attempts, ' ') FROM (SELECT * FROM deliveries ORDER BY id)"; }
deliv_hub() { pg_sql "SELECT coalesce(string_agg(id || ':' || state || ':' || attempts, ' ' ORDER BY id), '') FROM hub_deliveries WHERE gateway_id = '$1'"; }
events_local() { gsql "$1" "SELECT id || '|' || kind FROM events ORDER BY id" | md5sum; }
events_hub() { pg_sql "SELECT id || '|' || kind FROM hub_events WHERE gateway_id = '$1' ORDER BY id" | md5sum; }
same() { [ "$(deliv_local "$1")" = "$(deliv_hub "$1")" ] && [ "$(events_local "$1")" = "$(events_hub "$1")" ]; }
all_done() { [ "$(gsql "$1" "SELECT count(*) FROM deliveries WHERE state NOT IN ('delivered', 'failed', 'cancelled')")" = 0 ]; }
settled() { all_done "$1" && same "$1"; }

# 1. a hub notice to all (there is no `loa hub notice send` yet: inserted
# as the hub's admin, as hub_notice_add does)
STORM='Bão số 5 đổ bộ đêm nay: bà con chằng chống nhà cửa, không ra sông, không ra biển'
pg_sql "INSERT INTO hub_notices(text, channels, urgent, source, created_at, due_at)
  VALUES ('$STORM', 3, true, 'cli', $LOA_FAKE_TIME, $LOA_FAKE_TIME)"
pg_sql "INSERT INTO hub_notice_to VALUES (1, 'all', '')"
# 2. an-phu is cut off as soon as it has taken the notice in: its broadcast
# goes on locally
taken() { [ "$(gsql "$1" "SELECT count(*) FROM notices WHERE source = 'hub:1'")" = 1 ]; }
wait_for 30 taken an-phu || fail "an-phu did not take the hub notice in"
set_url an-phu "$DEAD_URL"
for g in tan-loi hoa-binh; do
	wait_for 60 settled "$g" || fail "$g: hub and gateway differ: local $(deliv_local "$g") / hub $(deliv_hub "$g")"
done
wait_for 60 all_done an-phu || fail "an-phu did not deliver while cut off: $(deliv_local an-phu)"
[ "$(deliv_local an-phu)" != "$(deliv_hub an-phu)" ] || fail "an-phu's states reached the hub while it was cut off"
# one notice, taken in once; every household once (the opted-out one too:
# an urgent notice reaches everyone, the local rule)
for g in "${GWS[@]}"; do
	want=${HH[$g]}
	[ "$(gsql "$g" "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:1' AND d.state = 'delivered'")" = "$want" ] ||
		fail "$g: $(deliv_local "$g"), expected $want delivered"
	[ "$(jq -s 'map(.to) | unique | length' "$WORK/$g/sim/sms.jsonl")" = "$want" ] || fail "$g: phones reached"
	[ "$(jq -s 'group_by(.to) | map(map(.ref) | unique | length) | max' "$WORK/$g/sim/sms.jsonl")" = 1 ] || fail "$g: a phone got it twice"
done
# while cut off: loa status says how far behind the hub is, then degraded
gw_now an-phu status >"$WORK/st.out" 2>&1 || true
grep -q "not yet at the hub: [0-9]* events, [0-9]* deliveries, [1-9][0-9]* changes of state" "$WORK/st.out" ||
	fail "an-phu's status shows no lag: $(cat "$WORK/st.out")"
stale() { set +e; gw_now an-phu status >"$WORK/st.out" 2>&1; local rc=$?; set -e; [ $rc = 1 ] && grep -q "NOTHING ACKNOWLEDGED" "$WORK/st.out"; }
wait_for 30 stale || fail "an-phu's status not degraded while the hub is out of reach: $(cat "$WORK/st.out")"
[ "$(gw_now an-phu status --json | jq .hub.stale)" = true ] || fail "status --json hub.stale"
contains "$(cat "$WORK/an-phu/daemon.log")" "sync failed (exit 1, 3 in a row)"
contains "$(cat "$WORK/an-phu/daemon.log")" "next try in 8 s; nothing local waits for it"
# the link is back: it catches up by itself, with nothing twice
set_url an-phu "$PG_CONN"
wait_for 40 settled an-phu || fail "an-phu did not catch up: local $(deliv_local an-phu) / hub $(deliv_hub an-phu)"
contains "$(cat "$WORK/an-phu/daemon.log")" "the hub is reachable again after"
LOA_FAKE_TIME=$(daemon_time) expect_rc 0 gw an-phu status
[ "$(pg_sql "SELECT count(*) FROM hub_receipts WHERE notice_id = 1 AND local_notice_id IS NOT NULL")" = 3 ] ||
	fail "receipts: $(pg_sql 'SELECT * FROM hub_receipts')"
for g in "${GWS[@]}"; do
	[ "$(gsql "$g" "SELECT count(*) FROM notices WHERE source = 'hub:1'")" = 1 ] || fail "$g took the notice in twice"
	[ "$(gsql "$g" "SELECT count(*) FROM events e JOIN notices n ON n.id = e.notice_id WHERE n.source = 'hub:1' AND e.kind = 'notice_created'")" = 1 ] ||
		fail "$g: notice_created twice"
done

# a non-urgent hub notice waits for hoa-binh's quiet hours, goes out elsewhere
pg_sql "INSERT INTO hub_notices(text, channels, urgent, source, created_at, due_at)
  VALUES ('Họp các trưởng thôn lúc 14 giờ tại UBND xã', 1, false, 'cli', $LOA_FAKE_TIME, $LOA_FAKE_TIME)"
pg_sql "INSERT INTO hub_notice_to VALUES (2, 'all', '')"
taken2() { [ "$(gsql "$1" "SELECT count(*) FROM notices WHERE source = 'hub:2'")" = 1 ]; }
for g in "${GWS[@]}"; do wait_for 30 taken2 "$g" || fail "$g did not take hub notice 2 in"; done
for g in tan-loi an-phu; do wait_for 60 settled "$g" || fail "$g: notice 2: $(deliv_local "$g") / hub $(deliv_hub "$g")"; done
# tan-loi's opted-out household is left out of a non-urgent one
[ "$(gsql tan-loi "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:2'")" = $((HH[tan-loi] - 1)) ] ||
	fail "tan-loi: notice 2 fan-out: $(deliv_local tan-loi)"
[ "$(gsql tan-loi "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:2' AND household_id = 3")" = 0 ] ||
	fail "tan-loi: the opted-out household got a non-urgent notice"
queued2() { gsql hoa-binh "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:2' AND d.state = 'queued'"; }
[ "$(queued2)" = "${HH[hoa-binh]}" ] || fail "hoa-binh sent a non-urgent notice in its quiet hours: $(deliv_local hoa-binh)"
wait_for 30 same hoa-binh || fail "hoa-binh: $(deliv_local hoa-binh) / hub $(deliv_hub hoa-binh)"
[ "$(pg_sql "SELECT count(*) FROM hub_deliveries WHERE gateway_id = 'hoa-binh' AND state = 'queued'")" = "${HH[hoa-binh]}" ] ||
	fail "the hub does not show hoa-binh's waiting deliveries"

# the hub hangs (its server stopped with SIGSTOP: connections are accepted
# by the kernel and never answered, as over a link that died half-way):
# the syncs hang in their own processes, and the daemon delivers a local
# notice meanwhile
PG_FROZEN=$(head -1 "$PGDIR/data/postmaster.pid")
kill -STOP "$PG_FROZEN"
before=$(gsql tan-loi "SELECT count(*) FROM deliveries WHERE state = 'delivered'")
expect_rc 0 gw_now tan-loi notice send --to xom1 "Chiều nay cắt điện từ 14 giờ đến 16 giờ để sửa đường dây"
local_done() { [ "$(gsql tan-loi "SELECT count(*) FROM deliveries WHERE state = 'delivered'")" -gt "$before" ] && all_done tan-loi; }
wait_for 30 local_done || fail "tan-loi did not deliver while the hub hung: $(deliv_local tan-loi)"
[ -n "$(pgrep -P "${DAEMON_PIDS[tan-loi]}" || true)" ] || fail "no sync process waiting on the frozen hub"
# (no look at the hub here: psql would hang on it too)
kill -CONT "$PG_FROZEN"
PG_FROZEN=
wait_for 60 settled tan-loi || fail "tan-loi after the hub came back: $(deliv_local tan-loi) / hub $(deliv_hub tan-loi)"

# 3. kill -9 of tan-loi's sync in the middle of a big push: 120,000 events
# (a long outage's worth) go up 20,000 per hub transaction
base=$(gsql tan-loi "SELECT max(id) FROM events")
BIG=200000
gsql tan-loi "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $BIG)
  INSERT INTO events(at, kind, detail) SELECT $LOA_FAKE_TIME, 'test_bulk', 'sự kiện số ' || i FROM k"
last=$((base + BIG))
hub_pos() { pg_sql "SELECT coalesce(max(position), 0) FROM hub_sync WHERE gateway_id = 'tan-loi' AND stream = 'events'"; }
mid_push() { local p; p=$(hub_pos); [ "$p" -gt "$base" ] && [ "$p" -lt "$last" ]; }
wait_for 60 mid_push || fail "no partial push seen (position $(hub_pos), base $base, last $last)"
child=$(pgrep -P "${DAEMON_PIDS[tan-loi]}" || true)
[ -n "$child" ] || fail "no sync process under the daemon"
kill -9 $child
at_kill=$(hub_pos)
[ "$at_kill" -lt "$last" ] || fail "the push finished before the kill"
wait_for 60 settled tan-loi || fail "tan-loi after the kill: events $(gsql tan-loi 'SELECT count(*) FROM events') / hub $(pg_sql "SELECT count(*) FROM hub_events WHERE gateway_id = 'tan-loi'")"
contains "$(cat "$WORK/tan-loi/daemon.log")" "killed by signal 9"
# no gap, no duplicate: the same ids, as many as the gateway has
[ "$(pg_sql "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || min(id) || ' ' || max(id) FROM hub_events WHERE gateway_id = 'tan-loi'")" = \
  "$(gsql tan-loi "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || min(id) || ' ' || max(id) FROM events")" ] ||
	fail "event ids differ after the kill"
[ "$(pg_sql "SELECT id || '|' || detail FROM hub_events WHERE gateway_id = 'tan-loi' AND kind = 'test_bulk' ORDER BY id" | md5sum)" = \
  "$(gsql tan-loi "SELECT id || '|' || detail FROM events WHERE kind = 'test_bulk' ORDER BY id" | md5sum)" ] ||
	fail "event details differ after the kill"

# the end: every daemon stops cleanly; the hub equals every gateway, state
# by state
for g in "${GWS[@]}"; do
	kill -TERM "${DAEMON_PIDS[$g]}"
	wait "${DAEMON_PIDS[$g]}" || fail "$g: daemon exit $?"
	DAEMON_PIDS[$g]=
	expect_rc 0 gw "$g" hub sync --once
	same "$g" || fail "$g: final: local $(deliv_local "$g") / hub $(deliv_hub "$g")"
	[ "$(gsql "$g" "SELECT group_concat(state || '=' || c, ' ') FROM (SELECT state, count(*) c FROM deliveries GROUP BY state ORDER BY state)")" = \
	  "$(pg_sql "SELECT string_agg(state || '=' || c, ' ' ORDER BY state) FROM (SELECT state, count(*) c FROM hub_deliveries WHERE gateway_id = '$g' GROUP BY state) s")" ] ||
		fail "$g: counts per state differ"
done
for g in "${GWS[@]}"; do
	! grep -q "Sanitizer\|runtime error:" "$WORK/$g/daemon.log" || fail "$g: sanitizer report in the daemon's log"
done
echo "ok: three gateways sync by themselves; a cut-off gateway delivers and catches up; kill -9 mid-push leaves no gap"
