#!/bin/bash
# kill -9 of the daemon while a call is answered and the notice is playing,
# then a restart: the open attempt is closed as `failed` with its cause, the
# household is called again (and confirms), nothing is left dialing /
# ringing / answered, and `loa report` shows it.  Then the same with the
# household's last attempt: it becomes `unreached` and the report lists it.
# The simulated modem keeps the orphaned call up (its far end never hangs
# up), so the restart also shows the daemon hangs up a leftover call before
# dialing again.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[voice]
attempts = 2
retry_s = 10
ring_timeout_s = 5
repeats = 2
[modem m1]
port = $SIM_DIR/m1.at
audio = $SIM_DIR/m1.audio
family = simcom
CONF
sed 's/^attempts = 2$/attempts = 1/' "$LOA_CONFIG" >"$WORK/last.conf"
chmod 600 "$WORK/last.conf"
start_sim --modems 1 --family simcom --alert-ms 200 --answer-ms 300 --keys-after-ms 1500 --noise-ms 0
f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	echo "Hộ Một,0912000001,xom1,voice,yes,"
	echo "Hộ Hai,0912000002,xom1,voice,yes,"
	echo "Hộ Ba,0912000003,xom2,voice,yes,"
} >"$f"
expect_rc 0 "$LOA" household import "$f"
simctl keys +84912000002 1 >/dev/null
phone_state() { sql "SELECT d.state FROM deliveries d JOIN households h ON h.id = d.household_id WHERE h.phone = '$1' AND d.notice_id = $2"; }
# the call to $1 is answered (attempt row stamped, not ended) and the delivery says so
playing() {
	[ "$(sql "SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN households h ON h.id = d.household_id
		WHERE h.phone = '$1' AND a.answered_at IS NOT NULL AND a.ended_at IS NULL AND d.state = 'answered'")" -eq 1 ]
}
kill_daemon() {
	kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
}
in_progress() { sql "SELECT count(*) FROM deliveries WHERE state IN ('dialing', 'ringing', 'answered')"; }

# (1) attempt 1 of 2 interrupted: called again, confirmed
expect_rc 0 "$LOA" notice send --to xom1 --only-voice "Họp thôn lúc 19 giờ tối nay tại nhà văn hóa."
run_daemon_bg
wait_for 30 playing +84912000001 || fail "the call to household 1 was not answered: $(tail -5 "$WORK/daemon.log")"
kill_daemon
[ "$(in_progress)" -eq 1 ] || fail "expected one call in progress after kill -9, got $(in_progress)"
simctl keys +84912000001 1 >/dev/null
expect_rc 0 timeout 60 "$LOA" run --until-idle --report-wait 0
cp "$WORK/err" "$WORK/daemon2.log"
grep -q "call was in progress when the daemon stopped" "$WORK/daemon2.log" || fail "restart did not say it closed the call"
outc() { sql "SELECT group_concat(a.outcome || ':' || a.cause, '|') FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN households h ON h.id = d.household_id WHERE h.phone = '$1' AND d.notice_id = $2 ORDER BY a.id"; }
[ "$(outc +84912000001 1)" = "failed:daemon stopped during the call|answered:" ] || fail "household 1 attempts: $(outc +84912000001 1)"
[ "$(phone_state +84912000001 1)" = confirmed ] || fail "household 1: $(phone_state +84912000001 1)"
[ "$(phone_state +84912000002 1)" = confirmed ] || fail "household 2: $(phone_state +84912000002 1)"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'call_interrupted' AND notice_id = 1")" -eq 1 ] || fail "no call_interrupted event"
# the simulator saw the orphaned call end and a second call to household 1, answered with key 1
[ "$(jq -s 'map(select(.to == "+84912000001")) | length' "$SIM_DIR/calls.jsonl")" -eq 2 ] || fail "sim calls to household 1: $(cat "$SIM_DIR/calls.jsonl")"
[ "$(jq -s -r 'map(select(.to == "+84912000001")) | .[1].keys' "$SIM_DIR/calls.jsonl")" = 1 ] || fail "second call: no key 1"
expect_rc 0 "$LOA" report 1
contains "$OUT" "confirmed 2"

# (2) the last attempt interrupted: unreached, listed by the report
expect_rc 0 "$LOA" notice send --to xom2 --only-voice "Mai họp thôn."
LOA_CONFIG="$WORK/last.conf" run_daemon_bg
wait_for 30 playing +84912000003 || fail "the call to household 3 was not answered"
kill_daemon
[ "$(in_progress)" -eq 1 ] || fail "expected one call in progress after the second kill -9"
expect_rc 0 timeout 60 env LOA_CONFIG="$WORK/last.conf" "$LOA" run --until-idle --report-wait 0
[ "$(phone_state +84912000003 2)" = unreached ] || fail "household 3: $(phone_state +84912000003 2)"
[ "$(outc +84912000003 2)" = "failed:daemon stopped during the call" ] || fail "household 3 attempts: $(outc +84912000003 2)"
[ "$(in_progress)" -eq 0 ] || fail "calls left in progress"
[ "$(sql "SELECT count(*) FROM attempts WHERE ended_at IS NULL")" -eq 0 ] || fail "open attempt rows"
expect_rc 0 "$LOA" report 2
contains "$OUT" "Hộ Ba"
contains "$OUT" "unreached"
# the cause in words; the raw cause with --verbose; Vietnamese under a Vietnamese locale
contains "$OUT" "Loa stopped during the call"
[[ $OUT != *"daemon stopped during the call"* ]] || fail "raw cause without --verbose: $OUT"
expect_rc 0 "$LOA" report 2 --verbose
contains "$OUT" "Loa stopped during the call [the daemon stopped during the call]"
expect_rc 0 env LC_ALL=vi_VN.UTF-8 "$LOA" report 2
contains "$OUT" "Loa dừng trong lúc gọi"
echo "ok: kill -9 during a call: attempt closed failed, household called again and confirmed; last attempt -> unreached"
