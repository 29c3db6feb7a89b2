#!/bin/bash
# The hub's acceptance test (issue 18): a real PostgreSQL (pg_lib.bash) and
# three gateways, each with its own database, configuration, simulated
# modem and running daemon (`loa run`), which syncs by itself every
# [hub] sync_s (gateway/drv_hub.c):
#   1. `loa hub notice send --to all` (the hub's admin): its preview
#      (gateways, households, SMS, calls) against what then happens; each
#      daemon takes it in and delivers it to its households with its own
#      policy (an urgent one reaches everyone; a non-urgent one, sent to a
#      gateway group, leaves an opted-out household out and waits for a
#      gateway's quiet hours) -> the hub's deliveries and events equal each
#      gateway's exactly (states per delivery id, event ids), and
#      `loa hub report` equals the three local `loa report`s (reached, not
#      reached, in progress, the visit list: one number per gateway is
#      refused by its simulated network);
#   2. one gateway cut off (its url pointing at a dead socket) right after
#      it took the notice in: it still delivers locally, `loa status` says
#      degraded, the daemon opens the problem "hub" (banner, admins' SMS),
#      and on reconnect it catches up with no duplicate and closes it;
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
# on exit, whatever happened: the daemons and their sync processes, the
# simulators, then the server and the folders (pg_cleanup); errexit off,
# so that a failing kill cannot cut the cleanup short and leave a server
# running.  A test stopped by a signal (a runner's timeout, ^C) exits
# through the same path (lib.sh's traps).
gw_cleanup() {
	local rc=$? p kids
	set +e
	trap - INT TERM HUP
	[ -n "$PG_FROZEN" ] && kill -CONT "$PG_FROZEN" 2>/dev/null
	for g in "${GWS[@]}"; do
		p=${DAEMON_PIDS[$g]:-}
		if [ -n "$p" ]; then
			kids=$(pgrep -P "$p")
			kill -9 "$p" $kids 2>/dev/null
		fi
		[ -n "${SIM_PIDS[$g]:-}" ] && kill -9 "${SIM_PIDS[$g]}" 2>/dev/null
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
trap gw_cleanup EXIT # (lib.sh sends INT, TERM, HUP through it)

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
ADMIN=+84987654321
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
	# names on the hub's visit list from two gateways; an-phu sends counts
	# only (the default), and has an admin to tell about its problems
	[ "$g" = an-phu ] || echo "households = list" >>"$WORK/$g/loa.conf"
	[ "$g" = an-phu ] && sed -i "s/^\[gateway\]\$/[gateway]\nadmins = $ADMIN/" "$WORK/$g/loa.conf"
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
# one household per gateway cannot be reached: the network refuses its
# number (CMS ERROR 1, for good): it is on both visit lists
phone() { printf '+849%d%07d' "$2" "$1"; } # household I of gateway N
declare -A GWN=([tan-loi]=1 [hoa-binh]=2 [an-phu]=3)
for g in "${GWS[@]}"; do
	"$LOA" sim --ctl "$WORK/$g/sim" number "$(phone 2 "${GWN[$g]}")" unassigned >/dev/null || fail "$g: sim number"
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
# time to its sync process): `loa status` is asked at the daemons' time,
# counted in milliseconds from just before they started (whole seconds
# would put the test up to a second ahead of them)
t_start=$(date +%s%3N)
for g in "${GWS[@]}"; do start_daemon "$g"; done
daemon_time() { echo $((LOA_FAKE_TIME + ($(date +%s%3N) - t_start) / 1000)); }
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

# the preview of `loa hub notice send`: "gateways: N", one line per
# gateway with its pushed household count, "households: N", "sms: at most
# N messages x P parts", "calls: at most N" (absent when SMS only)
preview() { # WHAT: one figure from the preview in $PREVIEW
	case $1 in
	gateways) sed -nE 's/^gateways: ([0-9]+)$/\1/p' ;;
	households) sed -nE 's/^households: ([0-9]+) .*/\1/p' ;;
	sms) sed -nE 's/^sms: at most ([0-9]+) messages x .*/\1/p' ;;
	parts) sed -nE 's/^sms: at most [0-9]+ messages x ([0-9]+) parts? .*/\1/p' ;;
	calls) sed -nE 's/^calls: at most ([0-9]+),.*/\1/p' ;;
	*) sed -nE "s/^  $1 +([0-9]+) households? .*/\\1/p" ;;
	esac <<<"$PREVIEW"
}
# what a gateway did with hub notice N: deliveries, SMS parts sent (one
# line each in the simulator's log, the notice's text)
fanned() { gsql "$1" "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:$2'"; }

# 1. a hub notice to all, sent by the hub's admin
STORM='Bão số 5 đổ bộ đêm nay: bà con chằng chống nhà cửa, không ra sông, không ra biển'
expect_rc 0 hub notice send --urgent --to all "$STORM"
PREVIEW=$OUT
contains "$OUT" "hub notice 1 created (urgent)"
[ "$(preview gateways)" = 3 ] || fail "preview: gateways: $OUT"
total=0
for g in "${GWS[@]}"; do
	[ "$(preview "$g")" = "${HH[$g]}" ] || fail "preview: $g's households: $OUT"
	total=$((total + HH[$g]))
done
[ "$(preview households)" = $total ] && [ "$(preview sms)" = $total ] && [ "$(preview calls)" = $total ] ||
	fail "preview: households, sms, calls: $OUT"
PARTS=$(preview parts)
[ "$PARTS" = 2 ] || fail "preview: parts: $OUT"
[ "$(pg_sql "SELECT n.urgent::text || ' ' || n.channels || ' ' || t.kind FROM hub_notices n JOIN hub_notice_to t ON t.notice_id = n.id")" = "true 3 all" ] ||
	fail "hub notice row: $(pg_sql 'SELECT * FROM hub_notices')"
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
# an urgent notice reaches everyone, the local rule), as many as the
# preview said; all but the refused number got the SMS, in the preview's
# number of parts; no call (these households take SMS only)
# (an-phu's admin may get an alert meanwhile: the problem "hub" below)
village_sms() { jq -c --arg a "$ADMIN" 'select(.to != $a)' "$WORK/$1/sim/sms.jsonl"; }
sent=0
for g in "${GWS[@]}"; do
	want=$((HH[$g] - 1))
	[ "$(fanned "$g" 1)" = "$(preview "$g")" ] || fail "$g: $(fanned "$g" 1) deliveries, the preview said $(preview "$g")"
	[ "$(gsql "$g" "SELECT group_concat(state || '=' || c, ' ') FROM (SELECT d.state, count(*) c FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:1' GROUP BY d.state ORDER BY d.state)")" = "delivered=$want failed=1" ] ||
		fail "$g: $(deliv_local "$g"), expected $want delivered, 1 failed"
	[ "$(village_sms "$g" | jq -s 'map(.to) | unique | length')" = "$want" ] || fail "$g: phones reached"
	[ "$(village_sms "$g" | jq -s 'group_by(.to) | map(map(.ref) | unique | length) | max')" = 1 ] || fail "$g: a phone got it twice"
	[ "$(village_sms "$g" | jq -s "map(select(.parts == $PARTS)) | length")" = $((want * PARTS)) ] ||
		fail "$g: SMS parts: $(village_sms "$g" | jq -c '[.to, .part, .parts]' | tr '\n' ' ')"
	[ "$(village_sms "$g" | jq -s 'length')" = $((want * PARTS)) ] || fail "$g: SMS other than the notice's"
	[ ! -s "$WORK/$g/sim/calls.jsonl" ] || fail "$g: calls made: $(cat "$WORK/$g/sim/calls.jsonl")"
	sent=$((sent + want))
done
[ $sent -le "$(preview sms)" ] || fail "$sent SMS sent, the preview said at most $(preview sms)"
# while cut off: loa status says how far behind the hub is, then degraded
gw_now an-phu status >"$WORK/st.out" 2>&1 || true
grep -q "not yet at the hub: [0-9]* events, [0-9]* deliveries, [1-9][0-9]* changes of state" "$WORK/st.out" ||
	fail "an-phu's status shows no lag: $(cat "$WORK/st.out")"
stale() { set +e; gw_now an-phu status >"$WORK/st.out" 2>&1; local rc=$?; set -e; [ $rc = 1 ] && grep -q "NOTHING ACKNOWLEDGED" "$WORK/st.out"; }
wait_for 30 stale || fail "an-phu's status not degraded while the hub is out of reach: $(cat "$WORK/st.out")"
[ "$(gw_now an-phu status --json | jq .hub.stale)" = true ] || fail "status --json hub.stale"
# the daemon opens the problem "hub" by the same rule: status lists it
# (and the web page's banner), the admin gets one SMS
problem_hub() { { gw_now an-phu status --json || true; } | jq -e 'any(.problems[]; .key == "hub")' >/dev/null; }
wait_for 30 problem_hub || fail "an-phu: no problem \"hub\": $(gw_now an-phu status --json | jq -c .problems)"
contains "$(gw_now an-phu status)" "Không đồng bộ được với trung tâm (hub) từ"
alerted() { [ "$(jq -s --arg a "$ADMIN" 'map(select(.to == $a and (.text | startswith("Loa Thon an-phu: Khong dong bo duoc voi trung tam (hub)")))) | length' "$WORK/an-phu/sim/sms.jsonl")" -ge 1 ]; }
wait_for 30 alerted || fail "an-phu's admin not told: $(jq -c 'select(.to == "'"$ADMIN"'")' "$WORK/an-phu/sim/sms.jsonl")"
# the back-off in the log: waited for, not looked for at once (the third
# failure comes about 7 s after the last sync, "stale" 10 s after it, and
# a loaded machine can bring the two within a moment of each other)
logged() { grep -q -- "$2" "$WORK/$1/daemon.log"; }
wait_for 30 logged an-phu "sync failed (exit 1, 3 in a row)" || fail "an-phu: no third failure: $(tail -5 "$WORK/an-phu/daemon.log")"
contains "$(grep "3 in a row" "$WORK/an-phu/daemon.log")" "next try in 8 s; nothing local waits for it"
# the link is back: it catches up by itself, with nothing twice
set_url an-phu "$PG_CONN"
wait_for 40 settled an-phu || fail "an-phu did not catch up: local $(deliv_local an-phu) / hub $(deliv_hub an-phu)"
wait_for 30 logged an-phu "the hub is reachable again after" || fail "an-phu: not logged as reachable again"
# and the problem is over
wait_for 30 logged an-phu "problem over: hub" || fail "an-phu: the problem \"hub\" not closed"
! problem_hub || fail "an-phu: the problem \"hub\" still listed"
LOA_FAKE_TIME=$(daemon_time) expect_rc 0 gw an-phu status
[ "$(pg_sql "SELECT count(*) FROM hub_receipts WHERE notice_id = 1 AND local_notice_id IS NOT NULL")" = 3 ] ||
	fail "receipts: $(pg_sql 'SELECT * FROM hub_receipts')"
for g in "${GWS[@]}"; do
	[ "$(gsql "$g" "SELECT count(*) FROM notices WHERE source = 'hub:1'")" = 1 ] || fail "$g took the notice in twice"
	[ "$(gsql "$g" "SELECT count(*) FROM events e JOIN notices n ON n.id = e.notice_id WHERE n.source = 'hub:1' AND e.kind = 'notice_created'")" = 1 ] ||
		fail "$g: notice_created twice"
done


# `loa hub report N` against each gateway's own `loa report`, at the
# daemons' time: the figures (households, reached, not reached, in
# progress) and the visit list, by name and phone where the gateway sends
# its list, by household number where it sends counts only
local_id() { gsql "$1" "SELECT id FROM notices WHERE source = 'hub:$2'"; }
local_figures() { # GATEWAY ID: "H R U P" from "households H: R reached[ (V told in person)][, P in progress], U not reached"
	gw_now "$1" report "$2" |
		sed -nE 's/^households ([0-9]+): ([0-9]+) reached( \([0-9]+ told in person\))?(, ([0-9]+) in progress)?, ([0-9]+) not reached$/\1 \2 \6 \5/p' |
		awk '{ print $1, $2, $3, ($4 == "" ? 0 : $4) }'
}
local_visit() { # GATEWAY ID: "name|+84..." per household on its visit list
	if [ "$1" = an-phu ]; then
		gw_now "$1" report "$2" --csv --unreached | tail -n +2 | cut -d, -f2 | sort -u | sed 's/^/household /'
	else
		gw_now "$1" report "$2" | awk '/^Not reached/ { on = 1; next } on && /^  / { print; next } on { exit }' |
			grep -v '^  (none)$' | sed -E 's/^  (.*[^ ]) +0([0-9]{9}) .*/\1|+84\2/' | sort
	fi
}
hub_now() { LOA_FAKE_TIME=$(daemon_time) hub "$@"; }
hub_figures() { # NOTICE GATEWAY: "LOCAL_ID H R U P" from its row
	hub_now report "$1" | awk -v g="$2" '$1 == g { print $2, $3, $4, $5, $6 }'
}
hub_visit() { # NOTICE GATEWAY: its part of the hub's visit list, as local_visit
	hub_now report "$1" --unreached |
		awk -v g="$2:" '/^Not reached/ { on = 1; next } on && /^$/ { exit } on && /^[^ ]/ { cur = $0; next } on && cur == g' |
		sed -E 's/^  (.*[^ ]) +(\+84[0-9]+) .*/\1|\2/; s/^  household ([0-9]+) .*/household \1/' | sort
}
compare_reports() { # NOTICE GATEWAY...: every gateway's figures and visit list equal on both sides
	local n=$1 g id want got sum=(0 0 0 0)
	shift
	for g in "$@"; do
		id=$(local_id "$g" "$n")
		want=$(local_figures "$g" "$id")
		[ -n "$want" ] || fail "$g: no figures in loa report $id"
		got=$(hub_figures "$n" "$g")
		[ "$got" = "$id $want" ] || fail "hub notice $n, $g: hub report '$got', local report $id '$want'"
		read -r h r u p <<<"$want"
		sum=($((sum[0] + h)) $((sum[1] + r)) $((sum[2] + u)) $((sum[3] + p)))
		[ "$(hub_visit "$n" "$g")" = "$(local_visit "$g" "$id")" ] ||
			fail "hub notice $n, $g: visit lists differ: hub '$(hub_visit "$n" "$g" | tr '\n' ';')' local '$(local_visit "$g" "$id" | tr '\n' ';')'"
	done
	contains "$(hub_now report "$n")" "households ${sum[0]}: ${sum[1]} reached, ${sum[2]} not reached, ${sum[3]} in progress"
}
compare_reports 1 "${GWS[@]}"
# the refused number is on every visit list, by name or by number
[ "$(hub_visit 1 tan-loi)" = "Hộ tan-loi số 2|$(phone 2 1)" ] || fail "tan-loi's visit list: $(hub_visit 1 tan-loi)"
[ "$(hub_visit 1 an-phu)" = "household $(gsql an-phu "SELECT id FROM households WHERE phone = '$(phone 2 3)'")" ] ||
	fail "an-phu's visit list: $(hub_visit 1 an-phu)"

# a non-urgent hub notice to a group of gateways waits for hoa-binh's
# quiet hours, goes out at tan-loi; an-phu is not in the group
expect_rc 0 hub group add ven-song tan-loi hoa-binh
MEETING='Họp các trưởng thôn lúc 14 giờ tại UBND xã'
expect_rc 0 hub notice send --to ven-song --only-sms "$MEETING"
PREVIEW=$OUT
contains "$OUT" "hub notice 2 created:"
[ "$(preview gateways)" = 2 ] && [ "$(preview tan-loi)" = "${HH[tan-loi]}" ] && [ "$(preview hoa-binh)" = "${HH[hoa-binh]}" ] &&
	[ -z "$(preview an-phu)" ] || fail "preview of notice 2: $OUT"
[ "$(preview households)" = $((HH[tan-loi] + HH[hoa-binh])) ] && [ "$(preview sms)" = $((HH[tan-loi] + HH[hoa-binh])) ] &&
	[ "$(preview parts)" = 1 ] && [ -z "$(preview calls)" ] || fail "preview of notice 2: $OUT"
taken2() { [ "$(gsql "$1" "SELECT count(*) FROM notices WHERE source = 'hub:2'")" = 1 ]; }
for g in tan-loi hoa-binh; do wait_for 30 taken2 "$g" || fail "$g did not take hub notice 2 in"; done
wait_for 60 settled tan-loi || fail "tan-loi: notice 2: $(deliv_local tan-loi) / hub $(deliv_hub tan-loi)"
# tan-loi's opted-out household is left out of a non-urgent one: one less
# than the preview's upper bound
[ "$(fanned tan-loi 2)" = $(($(preview tan-loi) - 1)) ] || fail "tan-loi: notice 2 fan-out: $(deliv_local tan-loi)"
[ "$(gsql tan-loi "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:2' AND household_id = 3")" = 0 ] ||
	fail "tan-loi: the opted-out household got a non-urgent notice"
[ "$(jq -s --arg t "$MEETING" 'map(select(.text == $t and .parts == 1)) | length' "$WORK/tan-loi/sim/sms.jsonl")" = $((HH[tan-loi] - 2)) ] ||
	fail "tan-loi: notice 2's SMS: $(jq -c '[.to, .text]' "$WORK/tan-loi/sim/sms.jsonl" | tail -12 | tr '\n' ' ')"
queued2() { gsql hoa-binh "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:2' AND d.state = 'queued'"; }
[ "$(queued2)" = "${HH[hoa-binh]}" ] || fail "hoa-binh sent a non-urgent notice in its quiet hours: $(deliv_local hoa-binh)"
wait_for 30 same hoa-binh || fail "hoa-binh: $(deliv_local hoa-binh) / hub $(deliv_hub hoa-binh)"
[ "$(pg_sql "SELECT count(*) FROM hub_deliveries WHERE gateway_id = 'hoa-binh' AND state = 'queued'")" = "${HH[hoa-binh]}" ] ||
	fail "the hub does not show hoa-binh's waiting deliveries"
# an-phu, outside the group, has synced since and did not take it in; the
# hub's report of notice 2 names the two gateways of the group only, and
# equals theirs (hoa-binh's households all in progress)
synced_since() { [ "$(gsql an-phu "SELECT coalesce(max(at), 0) FROM hub_sync")" -ge "$1" ]; }
t2=$(daemon_time)
wait_for 30 synced_since $((t2 + 2)) || fail "an-phu did not sync"
[ "$(gsql an-phu "SELECT count(*) FROM notices WHERE source = 'hub:2'")" = 0 ] || fail "an-phu took in a notice for another group"
compare_reports 2 tan-loi hoa-binh
[ -z "$(hub_figures 2 an-phu)" ] || fail "an-phu in the report of notice 2: $(hub_now report 2)"
[ "$(local_figures hoa-binh "$(local_id hoa-binh 2)")" = "${HH[hoa-binh]} 0 0 ${HH[hoa-binh]}" ] ||
	fail "hoa-binh's report of notice 2: $(local_figures hoa-binh "$(local_id hoa-binh 2)")"

# the hub hangs (its server stopped with SIGSTOP: connections are accepted
# by the kernel and never answered, as over a link that died half-way):
# the syncs hang in their own processes, and the daemon delivers a local
# notice meanwhile
PG_FROZEN=$(head -1 "$PGDIR/data/postmaster.pid")
kill -STOP "$PG_FROZEN"
# a sync starts within sync_s and hangs there (no connect_timeout in the
# url): wait until one has been running for 5 s (one that began before the
# freeze may still finish: its server process is not stopped; a sync of
# this gateway takes well under a second), then it must still be hanging
# once the local notice is delivered
sync_child() { pgrep -P "${DAEMON_PIDS[tan-loi]}"; }
hanging() { local c e; c=$(sync_child) && e=$(ps -o etimes= -p "$c") && [ "${e// /}" -ge 5 ]; }
wait_for 60 hanging || fail "no sync process hanging on the frozen hub"
hung=$(sync_child)
before=$(gsql tan-loi "SELECT count(*) FROM deliveries WHERE state = 'delivered'")
expect_rc 0 gw_now tan-loi notice send --to xom1 "Chiều nay cắt điện từ 14 giờ đến 16 giờ để sửa đường dây"
local_done() { [ "$(gsql tan-loi "SELECT count(*) FROM deliveries WHERE state = 'delivered'")" -gt "$before" ] && all_done tan-loi; }
wait_for 30 local_done || fail "tan-loi did not deliver while the hub hung: $(deliv_local tan-loi)"
[ "$(sync_child || true)" = "$hung" ] || fail "the sync on the frozen hub did not wait: $hung, now $(sync_child || true)"
# (no look at the hub here: psql would hang on it too)
kill -CONT "$PG_FROZEN"
PG_FROZEN=
wait_for 60 settled tan-loi || fail "tan-loi after the hub came back: $(deliv_local tan-loi) / hub $(deliv_hub tan-loi)"

# 3. kill -9 of tan-loi's sync in the middle of a big push: 200,000 events
# (a long outage's worth) go up 20,000 per hub transaction
base=$(gsql tan-loi "SELECT max(id) FROM events")
BIG=200000
gsql tan-loi "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $BIG)
  INSERT INTO events(at, kind, detail) SELECT $LOA_FAKE_TIME, 'test_bulk', 'sự kiện số ' || i FROM k"
last=$((base + BIG))
hub_pos() { pg_sql "SELECT coalesce(max(position), 0) FROM hub_sync WHERE gateway_id = 'tan-loi' AND stream = 'events'"; }
mid_push() { local p; p=$(hub_pos); [ "$p" -gt "$base" ] && [ "$p" -lt "$last" ]; }
# the position part-way and the sync process that moves it, looked up in
# one go and killed at once (no moment for the push to end in between)
mid_push_child() { mid_push && child=$(pgrep -P "${DAEMON_PIDS[tan-loi]}"); }
wait_for 60 mid_push_child || fail "no partial push seen with its sync process (position $(hub_pos), base $base, last $last)"
kill -9 $child
at_kill=$(hub_pos)
[ "$at_kill" -lt "$last" ] || fail "the push finished before the kill"
wait_for 60 settled tan-loi || fail "tan-loi after the kill: events $(gsql tan-loi 'SELECT count(*) FROM events') / hub $(pg_sql "SELECT count(*) FROM hub_events WHERE gateway_id = 'tan-loi'")"
wait_for 30 logged tan-loi "killed by signal 9" || fail "tan-loi: the killed sync not logged"
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
