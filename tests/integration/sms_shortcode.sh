#!/bin/bash
# Short codes end to end, real binaries against the simulator: the head
# texts a broadcast, gets a preview and a one-time code, a wrong code and
# an unregistered sender change nothing, the right code sends the notice to
# every household, and the head's BC summary agrees with `loa report`.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

HEAD=+84912999001
OFFICER=+84912999002
STRANGER=+84987654321
sms_config 1
start_sim --modems 1 --report delivered --report-delay-ms 50
expect_rc 0 "$LOA" init
village 10
expect_rc 0 "$LOA" sender add 0912999001 --role head --name "Trưởng thôn"
expect_rc 0 "$LOA" sender add 0912999002 --role officer --name "Cán bộ"
run_daemon_bg

# replies_to PHONE: the texts the simulator's network accepted for PHONE
replies_to() { jq -r --arg p "$1" 'select(.to == $p or .to == ("0" + ($p | ltrimstr("+84")))) | .text' "$SIM_DIR/sms.jsonl" 2>/dev/null; }
n_replies() { [ "$(replies_to "$1" | wc -l)" -ge "$2" ]; }
decision_of() { sql "SELECT decision || ': ' || reason FROM inbound WHERE id = $1"; }
n_inbound() { [ "$(sql "SELECT count(*) FROM inbound WHERE decision != ''")" -ge "$1" ]; }

# 1. the broadcast request: a preview with a code, nothing sent yet
simctl inject m1 cmt "$HEAD" "TB TATCA Họp thôn 19h30 tối nay tại nhà văn hóa" >/dev/null || fail "inject"
wait_for 30 n_replies "$HEAD" 1 || fail "no preview: $(tail -5 "$WORK/daemon.log")"
preview=$(replies_to "$HEAD" | head -1)
contains "$preview" "Xem truoc"
contains "$preview" "10 ho"
code=$(grep -o 'XN [0-9]\{6\}' <<<"$preview" | cut -d' ' -f2)
[ -n "$code" ] || fail "no code in the preview: $preview"
[ "$(sql 'SELECT count(*) FROM notices')" = 0 ] || fail "a notice was created before the code"
contains "$(decision_of 1)" "pending: broadcast to all awaits the one-time code"

# 2. a wrong code, and an unregistered sender with the right one
wrong=$(printf '%06d' $(((10#$code + 1) % 1000000)))
simctl inject m1 cmt "$HEAD" "XN $wrong" >/dev/null
simctl inject m1 cmt "$STRANGER" "XN $code" >/dev/null
wait_for 30 n_inbound 3 || fail "messages not handled"
contains "$(decision_of 2)" "refused: wrong code (1 of 3)"
contains "$(decision_of 3)" "ignored: unregistered sender"
wait_for 30 n_replies "$HEAD" 2 || fail "no answer to the wrong code"
contains "$(replies_to "$HEAD" | sed -n 2p)" "Sai ma"
[ -z "$(replies_to "$STRANGER")" ] || fail "an unregistered sender was answered"
[ "$(sql 'SELECT count(*) FROM notices')" = 0 ] || fail "a wrong code created a notice"

# 3. the right code: every household receives the notice once
simctl inject m1 cmt "$HEAD" "xn $code" >/dev/null
wait_for 30 n_inbound 4 || fail "confirmation not handled"
contains "$(decision_of 4)" "accepted: notice 1 created by Trưởng thôn"
all_delivered() { [ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 1 AND state = 'delivered'")" -eq 10 ]; }
wait_for 60 all_delivered || fail "not delivered: $(sql "SELECT state, count(*) FROM deliveries GROUP BY state")"
NOTICE='Họp thôn 19h30 tối nay tại nhà văn hóa'
NOTICE_ASCII='Hop thon 19h30 toi nay tai nha van hoa'
grep -v -e "\"to\":\"$HEAD\"" -e "\"to\":\"0912999001\"" "$SIM_DIR/sms.jsonl" >"$WORK/households.jsonl"
for p in $(sql "SELECT phone FROM households"); do
	got=$(jq -r --arg p "$p" 'select(.to == $p) | .text' "$WORK/households.jsonl")
	acc=$(sql "SELECT accents FROM households WHERE phone = '$p'")
	want=$NOTICE; [ "$acc" = 1 ] || want=$NOTICE_ASCII
	[ "$got" = "$want" ] || fail "$p received '$got', want '$want'"
done
wait_for 30 n_replies "$HEAD" 3 || fail "no confirmation reply"
contains "$(replies_to "$HEAD" | sed -n 3p)" "Da gui TB 1 toi 10 ho"

# 4. the summary by SMS agrees with loa report
simctl inject m1 cmt "$OFFICER" "BC 1" >/dev/null
wait_for 30 n_replies "$OFFICER" 1 || fail "no summary"
summary=$(replies_to "$OFFICER" | head -1)
contains "$summary" "TB 1: SMS 10/10 nhan"
contains "$summary" "0 ho chua nhan"
expect_rc 0 "$LOA" report 1
contains "$OUT" "sms      10 total, 10 reached"
contains "$OUT" "(none)"

# 5. households opt out and back in by SMS
simctl inject m1 cmt +84912000001 "TỪ CHỐI" >/dev/null
wait_for 30 n_inbound 6 || fail "opt-out not handled"
[ "$(sql "SELECT opted_out FROM households WHERE phone = '+84912000001'")" = 1 ] || fail "opt-out not recorded"

kill -TERM "$DAEMON_PID"
wait_daemon || fail "daemon exit code"
expect_rc 0 "$LOA" inbox
contains "$OUT" "wrong code (1 of 3)"
contains "$OUT" "unregistered sender"
echo "ok: short codes end to end"
