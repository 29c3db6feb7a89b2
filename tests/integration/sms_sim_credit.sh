#!/bin/bash
# A prepaid SIM runs dry mid-broadcast (issue 12's acceptance), on two
# simulated modems: m1's SIM refuses every submit with +CMS ERROR 50 after
# its first messages.  Within 3 failures m1 is paused; m2 delivers every
# remaining household; nobody is failed or charged an attempt for the SIM's
# fault; the admin gets one SMS about the pause (through m2) and one about
# the empty SIM; `loa status` says why (exit 1); the balance is read by
# USSD at start in both encodings (GSM 7-bit packed on m1, UCS2 on m2);
# the daily health SMS goes once.
# "top up" -> m1 resumes by itself after its pause and sends again.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

ADMIN=+84987000999
sed -i 's/^\[gateway\]$/[gateway]\nadmins = 0987 000 999\nalert_every_h = 12\ndaily_report = 09:00/' "$LOA_CONFIG"
sms_config 2
sed -i 's/^\[sms\]$/[sms]\npause_s = 3/' "$LOA_CONFIG"
sed -i 's/^\(\[modem m[12]\]\)$/\1\nbalance_ussd = *101#\nlow_balance = 10000/' "$LOA_CONFIG"
start_sim --modems 2 --report delivered --report-delay-ms 20 --cmgs-delay-ms 50
expect_rc 0 "$LOA" init
simctl ussd m1 enc gsm7-packed >/dev/null || fail "ussd enc"
simctl ussd m2 enc ucs2 >/dev/null || fail "ussd enc"
simctl ussd m2 text "Số dư TKC của Quý khách là {balance}đ, HSD 31/12/2026" >/dev/null || fail "ussd text"
simctl credit m2 balance 88000 >/dev/null || fail "balance"
village 40

run_daemon_bg
balance_of() { sql "SELECT balance FROM modem_status WHERE name = '$1'"; }
both_read() { [ "$(balance_of m1)" = 125000 ] && [ "$(balance_of m2)" = 88000 ]; }
wait_for 30 both_read || fail "balances not read: $(sql "SELECT name, balance, balance_text FROM modem_status")"
contains "$(sql "SELECT balance_text FROM modem_status WHERE name = 'm2'")" "Số dư TKC của Quý khách là 88.000đ"

# m1's SIM runs dry now: every submit it makes is refused after its PDU
simctl credit m1 empty 50 >/dev/null || fail "credit"
expect_rc 0 "$LOA" notice send --to all --only-sms "Họp thôn lúc 19h30 tại nhà văn hóa"
done_all() { [ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'delivered'")" -eq 40 ]; }
wait_for 60 done_all || fail "not all delivered: $(sql "SELECT state, count(*), max(last_error) FROM deliveries GROUP BY state")"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state IN ('failed', 'expired', 'uncertain')")" -eq 0 ] ||
	fail "a household failed for the SIM's fault"
[ "$(sql "SELECT max(attempts) FROM deliveries")" -eq 1 ] || fail "the SIM's failures counted as attempts"
refused=$(sql "SELECT count(*) FROM attempts WHERE modem = 'm1' AND outcome = 'not_sent' AND cause LIKE '+CMS ERROR 50%'")
[ "$refused" -eq 3 ] || fail "m1 not paused after 3 refusals: $refused"
grep -q "modem(m1).*paused for 3s after 3 SIM-level failures" "$WORK/daemon.log" || fail "pause not logged"
[ "$(sql "SELECT count(*) FROM sms_refs WHERE modem = 'm2'")" -ge 37 ] || fail "m2 did not carry the rest"

# the admin: one SMS about the pause, one about the empty SIM, through m2
admin_msgs() { jq -r --arg p "$ADMIN" 'select(.to == $p) | .modem + " " + .text' "$SIM_DIR/sms.jsonl"; }
told() { [ "$(admin_msgs | grep -c "$1")" -ge 1 ]; }
wait_for 30 told "Modem m1 tam dung" || fail "admin not told of the pause: $(admin_msgs)"
wait_for 30 told "het tien (0 d)" || fail "admin not told of the empty SIM: $(admin_msgs)"
[ "$(admin_msgs | grep -c "Modem m1 tam dung")" -eq 1 ] || fail "pause alert sent more than once: $(admin_msgs)"
[ "$(admin_msgs | grep -c "het tien (0 d)")" -eq 1 ] || fail "empty SIM alert sent more than once: $(admin_msgs)"
admin_msgs | grep -q "Loa Thon Tan Loi: Modem m1 tam dung" || fail "alert text: $(admin_msgs)"
admin_msgs | grep -v '^m2 ' | grep -v 'bao cao ngay' && fail "an alert went through the paused modem"
# the daily health SMS (daily_report = 09:00, the tests' clock starts then), once
wait_for 30 told "bao cao ngay" || fail "no daily report: $(admin_msgs)"
[ "$(admin_msgs | grep -c "bao cao ngay")" -eq 1 ] || fail "daily report twice: $(admin_msgs)"

# loa status says why, and exits 1 (degraded)
expect_rc 1 "$LOA" status
contains "$OUT" "modem m1: PAUSED"
contains "$OUT" "SIM"
contains "$OUT" "daemon: running"
contains "$OUT" "problem since"
contains "$OUT" "today: "
expect_rc 1 "$LOA" status --json
[ "$(jq -r '.modems[] | select(.name == "m1") | .paused' <<<"$OUT")" = true ] || fail "json: $OUT"
[ "$(jq -r '.modems[] | select(.name == "m2") | .balance' <<<"$OUT")" = 88000 ] || fail "json balance: $OUT"
[ "$(jq -r .health <<<"$OUT")" = degraded ] || fail "json health: $OUT"

# top up: m1 resumes by itself once its pause is over
simctl credit m1 topup >/dev/null || fail "topup"
sleep 3.5 # the pause (pause_s = 3, doubled after the second pause) runs out
expect_rc 0 "$LOA" notice send --to all --only-sms "Thu phí vệ sinh tháng 12"
m1_sends() { [ "$(sql "SELECT count(*) FROM sms_refs r JOIN deliveries d ON d.id = r.delivery_id WHERE d.notice_id = 2 AND r.modem = 'm1'")" -ge 1 ]; }
wait_for 60 m1_sends || fail "m1 did not resume: $(tail -5 "$WORK/daemon.log")"
done2() { [ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state = 'delivered'")" -eq 40 ]; }
wait_for 60 done2 || fail "notice 2 not delivered"
grep -q "modem(m1).*resumed after its pause" "$WORK/daemon.log" || fail "resume not logged"
[ "$(sql "SELECT paused_until FROM modem_status WHERE name = 'm1'")" = 0 ] || fail "still marked paused"
[ "$(sql "SELECT count(*) FROM problems WHERE key = 'paused:m1' AND open = 1")" = 0 ] || fail "pause problem still open"
kill -TERM "$DAEMON_PID"
wait_daemon || fail "daemon exit status"
expect_rc 2 "$LOA" status
contains "$OUT" "NOT RUNNING"
echo "ok: a SIM out of credit pauses its modem, the other delivers, the admin is told once, top-up resumes it"
