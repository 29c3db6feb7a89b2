#!/bin/bash
# The AT port of one modem vanishes in the middle of a broadcast and comes
# back 1.5 s later: the daemon reconnects with back-off and finishes
# (a status report lost with the port leaves its delivery 'sent').
# Nothing lost (every household's SMS ends delivered, or uncertain when the
# port went away between Ctrl-Z and +CMGS — at most one), nothing
# duplicated (no phone gets a message or a part twice).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 2
start_sim --modems 2 --cmgs-delay-ms 40 --report delivered --report-delay-ms 20
village 120
expect_rc 0 "$LOA" notice send --to all --only-sms "$NOTICE"

run_daemon_bg --until-idle --report-wait 3
wait_for 60 has_lines 60 || fail "broadcast did not start"
simctl fault m1 vanish 1500 >/dev/null || fail "sim refused the fault"
timeout 120 tail --pid="$DAEMON_PID" -f /dev/null || fail "daemon did not finish"
wait_daemon || fail "daemon exited non-zero: $(tail -5 "$WORK/daemon.log")"

grep -q "modem(m1){READY}: port_lost -> BACKOFF" "$WORK/daemon.log" || fail "the vanish was not noticed"
[ "$(grep -c "modem(m1){INIT}: init_ok -> READY" "$WORK/daemon.log")" -ge 2 ] || fail "m1 did not come back"
# m1 sent again after coming back
last_m1=$(jq -s 'map(select(.modem == "m1")) | length' "$SIM_DIR/sms.jsonl")
[ "$last_m1" -gt 0 ] || fail "m1 sent nothing"

states=$(sql "SELECT state || ':' || count(*) FROM deliveries WHERE channel = 'sms' GROUP BY state")
unc=$(sql "SELECT count(*) FROM deliveries WHERE state = 'uncertain'")
[ "$unc" -le 1 ] || fail "$unc uncertain deliveries: $states"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state NOT IN ('delivered', 'sent', 'uncertain')")" -eq 0 ] ||
	fail "deliveries left unfinished: $states"
allow=$(sql "SELECT h.phone FROM deliveries d JOIN households h ON h.id = d.household_id WHERE d.state = 'uncertain'")
check_received "$allow"
# every delivered household's phone got its message
[ "$(received | wc -l)" -ge $((120 - unc)) ] || fail "messages lost: $(received | wc -l) phones reached"
echo "ok: vanish survived; states $states"
