#!/bin/bash
# Modem errors: a permanent +CMS ERROR (1, unassigned number) fails the
# delivery at once with its cause; a transient one (500, unknown) and a
# plain ERROR are retried with back-off until the message goes; the SIM's or
# the network's (42, congestion) put the delivery back in the queue without
# counting an attempt against the household (two in a row do not pause the
# modem); garbage on the line changes nothing.  `loa run` also refuses to
# start without modems.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

expect_rc 2 "$LOA" run --until-idle
contains "$ERR" "no enabled [modem NAME] section"

sms_config 1
start_sim --modems 1 --report delivered --report-delay-ms 10
village 6
# the daemon first, idle and ready, so each fault hits an AT+CMGS
run_daemon_bg
ready() { [ "$(sql "SELECT count(*) FROM modem_status WHERE state = 'ready' AND signal != 99" 2>/dev/null)" = 1 ]; }
wait_for 20 ready || fail "modem not ready: $(tail -3 "$WORK/daemon.log")"
sleep 0.5
final() { [ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = $1 AND state IN ('delivered', 'failed')")" -eq 6 ]; }

simctl fault m1 cms 1 1 >/dev/null || fail "fault"
expect_rc 0 "$LOA" notice send --to all --only-sms "Họp thôn 19h"
wait_for 30 final 1 || fail "notice 1 not finished: $(sql "SELECT state, attempts, last_error FROM deliveries")"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'failed' AND last_error LIKE '+CMS ERROR 1: unassigned%' AND attempts = 1")" -eq 1 ] ||
	fail "permanent error: $(sql "SELECT state, attempts, last_error FROM deliveries")"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'delivered'")" -eq 5 ] || fail "others not delivered"

simctl fault m1 cms 500 2 >/dev/null || fail "fault"
expect_rc 0 "$LOA" notice send --to all --only-sms "Thu phí vệ sinh tháng 12"
wait_for 30 final 2 || fail "notice 2 not finished: $(sql "SELECT state, attempts, last_error FROM deliveries WHERE notice_id = 2")"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state = 'delivered'")" -eq 6 ] ||
	fail "transient errors not retried: $(sql "SELECT state, attempts, last_error FROM deliveries WHERE notice_id = 2")"
[ "$(sql "SELECT max(attempts) FROM deliveries WHERE notice_id = 2")" -ge 2 ] || fail "no retry recorded"
[ "$(sql "SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.notice_id = 2 AND a.outcome = 'error' AND a.cause LIKE '+CMS ERROR 500%'")" -eq 2 ] ||
	fail "attempt rows of the retries"
grep -q "+CMS ERROR 500: .*; retry" "$WORK/daemon.log" || fail "retry not logged"

simctl fault m1 cms 42 2 >/dev/null || fail "fault"
expect_rc 0 "$LOA" notice send --to all --only-sms "Lịch tiêm phòng dại cho chó mèo"
wait_for 30 final 3 || fail "notice 3 not finished: $(sql "SELECT state, attempts, last_error FROM deliveries WHERE notice_id = 3")"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 3 AND state = 'delivered' AND attempts = 1")" -eq 6 ] ||
	fail "the network's errors counted against households: $(sql "SELECT state, attempts, last_error FROM deliveries WHERE notice_id = 3")"
[ "$(sql "SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.notice_id = 3 AND a.outcome = 'not_sent' AND a.cause LIKE '+CMS ERROR 42%'")" -eq 2 ] ||
	fail "attempt rows of the SIM-level errors"
grep -q "back to the queue (+CMS ERROR 42" "$WORK/daemon.log" || fail "requeue not logged"
grep -q "paused for" "$WORK/daemon.log" && fail "two network errors paused the modem"

simctl fault m1 error 1 >/dev/null || fail "fault"
simctl fault m1 garbage >/dev/null || fail "fault"
expect_rc 0 "$LOA" notice send --to all --only-sms "Tiêm phòng cho gia súc"
wait_for 30 final 4 || fail "notice 4 not finished"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 4 AND state = 'delivered'")" -eq 6 ] ||
	fail "after ERROR/garbage: $(sql "SELECT state, attempts, last_error FROM deliveries WHERE notice_id = 4")"
kill -TERM "$DAEMON_PID"
wait_daemon || fail "daemon exit status"
# no phone got anything twice
[ "$(jq -s 'group_by(.to + .text) | map(length) | max' "$SIM_DIR/sms.jsonl")" -eq 1 ] || fail "a message was sent twice"
echo "ok: errors"
