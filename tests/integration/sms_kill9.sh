#!/bin/bash
# kill -9 of the daemon in the middle of a broadcast, then a restart:
# nothing lost, nothing sent twice; at most the one message in flight per
# modem becomes `uncertain`, never re-sent, and the report shows it.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 2
start_sim --modems 2 --cmgs-delay-ms 60 --report delivered --report-delay-ms 20
village 100
expect_rc 0 "$LOA" notice send --to all --only-sms "$NOTICE"

run_daemon_bg
wait_for 60 has_lines 50 || fail "broadcast did not start"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=
before=$(jsonl_lines)
sending=$(sql "SELECT count(*) FROM deliveries WHERE state = 'sending'")
[ "$sending" -le 2 ] || fail "$sending deliveries in 'sending' after kill -9 (at most one per modem)"

expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 3
cp "$WORK/err" "$WORK/daemon2.log"
[ "$(jsonl_lines)" -gt "$before" ] || fail "the restarted daemon sent nothing"
check_after_crashes 100 "$sending"
grep -q "marked uncertain" "$WORK/daemon2.log" || [ "$unc" -eq 0 ] || fail "restart did not say what it marked"
expect_rc 0 "$LOA" report 1
if [ "$unc" -gt 0 ]; then
	contains "$OUT" "uncertain $unc"
fi
echo "ok: kill -9 mid-broadcast; $unc uncertain; states $states"
