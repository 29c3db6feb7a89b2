#!/bin/bash
# The right time without internet (README "Time"): a box whose clock says
# 1970-01-02 (LOA_FAKE_TIME, a Raspberry Pi after a power cut) with a
# simulated modem that knows the network time (NITZ: 2026-12-01 09:00:45
# +07).  Before the daemon has read it, `notice send --at` is refused; the
# daemon reads AT+CCLK?, uses the network time (the system clock is never
# set), logs in 2026 and records its offset, so `--at 09:01` is 09:01 in
# network time and goes out then, not before; `loa status` says which time.
# Then a power cut again (the clock says 1970-01-03) with a modem without
# NITZ: nothing scheduled is sent (a delivery due "in 1970" stays queued),
# status and the problem say why; when the network sends its time (+CTZE)
# the notice goes out and nothing expired.
here=$(cd "$(dirname "$0")" && pwd)
export LOA_FAKE_TIME=86400 # 1970-01-02 08:00 local: before the build date
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 1
start_sim --modems 1 --report delivered --report-delay-ms 10
[ "$(simctl time m1 2026-12-01T09:00:45+07:00)" = ok ] || fail "sim time"
village 3

# no network time yet: refused, nothing created
expect_rc 1 "$LOA" notice send --to all --only-sms --at 09:01 "Họp thôn lúc 9 giờ"
contains "$ERR" "--at refused: the clock says 1970-01-02"
contains "$ERR" "network time"
expect_rc 1 "$LOA" notice send --to all --only-sms "Họp thôn"
[ "$(sql "SELECT count(*) FROM notices")" -eq 0 ] || fail "a notice was created with a 1970 clock"
expect_rc 2 "$LOA" status # down: the daemon never ran
contains "$OUT" "clock: 1970-01-02 08:00 (WRONG" # +08 in 1970 in Asia/Ho_Chi_Minh

run_daemon_bg
wait_for 20 grep -q "using the network time from modem m1: 2026-12-01 09:00" "$WORK/daemon.log" ||
	fail "the daemon did not take the network time: $(cat "$WORK/daemon.log")"
expect_rc 0 "$LOA" status
contains "$OUT" "clock: 2026-12-01 09:0"
contains "$OUT" "network time 2026-12-01 09:0"
contains "$OUT" "from modem m1 (system clock says 1970-01-02 08:0"
[ "$(sql "SELECT clock_source FROM daemon_state")" = network ] || fail "daemon_state: $(sql "SELECT * FROM daemon_state")"

# --at in network time
expect_rc 0 "$LOA" notice send --to all --only-sms --at 09:01 "Họp thôn lúc 9 giờ"
contains "$OUT" "scheduled: 2026-12-01 09:01"
AT=1796090460 # 2026-12-01 09:01 +07
[ "$(sql "SELECT due_at FROM notices WHERE id = 1")" -eq $AT ] || fail "due_at $(sql "SELECT due_at FROM notices")"
[ "$(sql "SELECT created_at FROM notices WHERE id = 1")" -gt 1796090400 ] || fail "created_at in 1970"
sleep 2
[ "$(jsonl_lines)" -eq 0 ] || fail "sent before 09:01"
wait_for 40 has_lines 3 || fail "the scheduled SMS did not go out: $(tail -5 "$WORK/daemon.log")"
first=$(sql "SELECT min(a.started_at) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.notice_id = 1")
[ "$first" -ge $AT ] && [ "$first" -lt $((AT + 60)) ] || fail "first submit at $first, expected 09:01 ($AT)"
wait_for 20 bash -c "[ \"\$(sqlite3 '$WORK/loa.db' \"SELECT count(*) FROM deliveries WHERE state = 'delivered'\")\" -eq 3 ]" ||
	fail "not delivered: $(sql "SELECT state FROM deliveries")"
grep -q "^2026-12-01 09:0" "$WORK/daemon.log" || fail "no log line in 2026: $(head -3 "$WORK/daemon.log")"
grep -q "^1970" "$WORK/daemon.log" || fail "the first lines should be before the network time was known"

# a notice due now while the daemon runs, kept for the power cut below
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=
expect_rc 0 "$LOA" notice send --to all --only-sms "Mai họp thôn"  # the daemon's offset is fresh
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state = 'queued'")" -eq 3 ] || fail "notice 2"

# power cut: the clock says 1970-01-03, the modem has no NITZ; a delivery
# made due "in 1970" (as a naive daemon would see it) must wait
export LOA_FAKE_TIME=172800
[ "$(simctl time m1 none)" = ok ] || fail "sim time none"
sql "UPDATE deliveries SET next_at = 1000 WHERE notice_id = 2"
expect_rc 1 "$LOA" notice send --to all --only-sms --at 10:00 "Họp"
contains "$ERR" "--at refused"
: >"$WORK/daemon.log"
run_daemon_bg
wait_for 20 grep -q "does not know the network time yet" "$WORK/daemon.log" ||
	fail "no CCLK default seen: $(cat "$WORK/daemon.log")"
grep -q "not sending or expiring anything scheduled" "$WORK/daemon.log" || fail "no hold in the log"
sleep 3
[ "$(jsonl_lines)" -eq 3 ] || fail "sent without a trustworthy time"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state = 'queued'")" -eq 3 ] ||
	fail "notice 2: $(sql "SELECT state FROM deliveries WHERE notice_id = 2")"
expect_rc 1 "$LOA" status
contains "$OUT" "clock: 1970-01-03 08:0"
contains "$OUT" "WRONG: system clock says 1970-01-03"
contains "$OUT" "no modem has told the network time yet"
contains "$OUT" "problem since"
contains "$OUT" "Đồng hồ máy sai"

# the network sends its time (+CTZE): the notice goes, nothing expired
[ "$(simctl time m1 2026-12-02T08:00:00+07:00)" = ok ] || fail "sim time"
wait_for 20 grep -q "using the network time from modem m1: 2026-12-02 08:00" "$WORK/daemon.log" ||
	fail "the +CTZE URC was not used: $(tail -5 "$WORK/daemon.log")"
wait_for 40 has_lines 6 || fail "notice 2 not sent after the network time came"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'expired'")" -eq 0 ] || fail "expired deliveries"
wait_for 10 bash -c "! '$LOA' status | grep -q 'problem since'" || fail "the clock problem stayed open"
echo "ok: 1970 box, network time 2026: --at refused then right, SMS at 09:01, logs in 2026; no NITZ: held, then sent"
