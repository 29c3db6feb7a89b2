#!/bin/bash
# Issue 10 end to end, real binaries against the simulator: the attacks a
# stranger with a phone can make by forging a sender number, each failing.
#  1. A forged HUY from the head's number cancels nothing: the preview and
#     code go to the real head.  A head limited to one hamlet cannot cancel
#     the office's notice to every household; "HUY -1" is not notice 1.
#  2. Guessing codes over many requests locks the number out; the head is
#     told by SMS; only `loa sender unlock` at the office lifts it, and
#     `loa sender list` shows it.
#  3. Forged chatter from the head's number and strangers forwarded to the
#     head do not use up the replies the head's real request needs; what
#     was suppressed shows in `loa inbox`.
# 11. A forged "OK" from a household whose SMS failed leaves it failed and
#     on the visit list; the report shows the acknowledgement.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

HEAD=+84912999001
HAMLET=+84912999003
cat >>"$LOA_CONFIG" <<CONF
[shortcode]
lock_wrong = 4
reply_per_hour = 3
forward_per_hour = 3
forward_unknown = 0912999001
CONF
sms_config 1
start_sim --modems 1 --report delivered --report-delay-ms 50
expect_rc 0 "$LOA" init
village 8
expect_rc 0 "$LOA" sender add 0912999001 --role head --name "Trưởng thôn"
expect_rc 0 "$LOA" sender add 0912999003 --role head --name "Tổ trưởng xóm 1" --groups xom1 --no-confirm
# the office's urgent notice to every household, due this afternoon: queued
expect_rc 0 "$LOA" notice send --to all --only-sms --urgent --at 16:00 "Bão số 6: sơ tán ngay"
run_daemon_bg

replies_to() { jq -r --arg p "$1" 'select(.to == $p or .to == ("0" + ($p | ltrimstr("+84")))) | .text' "$SIM_DIR/sms.jsonl" 2>/dev/null; }
has_reply() { [ "$(replies_to "$1" | grep -c -- "$2")" -ge "${3:-1}" ]; }
wait_reply() { wait_for 30 has_reply "$@" || fail "no reply '$2' to $1; got: $(replies_to "$1" | tail -3)"; }
last_code() { replies_to "$HEAD" | grep -o 'XN [0-9]\{6\}' | tail -1 | cut -d' ' -f2; }
n_decided() { [ "$(sql "SELECT count(*) FROM inbound WHERE decision != ''")" -ge "$1" ]; }
N=0 LAST=
# say FROM TEXT: the SMS arrives on the modem; waits for its decision ($LAST)
say() {
	simctl inject m1 cmt "$1" "$2" >/dev/null || fail "inject"
	N=$((N + 1))
	wait_for 30 n_decided $N || fail "message $N ('$2' from $1) not handled: $(tail -5 "$WORK/daemon.log")"
	LAST=$(sql "SELECT decision || ': ' || reason FROM inbound WHERE id = $N")
}
notice_state() { sql "SELECT state FROM notices WHERE id = $1"; }
queued() { sql "SELECT count(*) FROM deliveries WHERE notice_id = $1 AND state = 'queued'"; }

# ---- 1. cancelling ----
say "$HAMLET" "HUY 1"
contains "$LAST" "refused: Tổ trưởng xóm 1 may not cancel notice 1: it reaches 6 households outside their groups"
wait_reply "$HAMLET" "Khong duoc huy TB 1: TB nay gui ca 6 ho ngoai nhom cua ban"
say "$HAMLET" "HUY -1"
contains "$LAST" "refused: malformed cancel"
wait_reply "$HAMLET" "Sai cu phap. Dung: HUY <so TB>"
say "$HAMLET" "HUY +1"
contains "$LAST" "refused: malformed cancel"
# forged from the head's number: a preview to the real head, nothing cancelled
say "$HEAD" "HUY 1"
contains "$LAST" "pending: cancel of notice 1 awaits the one-time code"
wait_reply "$HEAD" 'Huy TB 1 "Bao so 6: so tan ngay" (8 ho, 8 tin chua gui se dung)'
code=$(last_code)
[ -n "$code" ] || fail "no code in the cancel preview"
say +84987000001 "XN $code"   # the code from any other number is nothing
contains "$LAST" "ignored: unregistered sender"
[ "$(notice_state 1)" = active ] || fail "notice 1 cancelled without the code"
[ "$(queued 1)" = 8 ] || fail "notice 1 lost queued deliveries: $(queued 1)"
# the real head answers: now it is cancelled
say "$HEAD" "XN $code"
contains "$LAST" "accepted: notice 1 cancelled: 8 pending"
wait_reply "$HEAD" "Da huy TB 1: 8 tin chua gui da dung"
[ "$(notice_state 1)" = cancelled ] || fail "notice 1 not cancelled"

# ---- 2. guessing codes across requests ----
say "$HEAD" "TB TATCA Họp thôn 19h30 tối nay"
wait_reply "$HEAD" "Xem truoc"
code=$(last_code)
wrong=$(printf '%06d' $(((10#$code + 1) % 1000000)))
for i in 1 2 3; do say "$HEAD" "XN $wrong"; done
contains "$LAST" "refused: wrong code (3 of 3): request dropped; 3 of 4"
wait_reply "$HEAD" "Co nguoi nhap sai ma 3 lan: yeu cau da bi huy"
say "$HEAD" "TB TATCA Họp thôn 19h30 tối nay"
wait_reply "$HEAD" "Xem truoc" 2
code=$(last_code)
say "$HEAD" "XN $wrong"
contains "$LAST" "locked out until \`loa sender unlock 0912999001\`"
wait_reply "$HEAD" "Co nguoi nhap sai ma 4 lan trong 24 gio: so nay bi khoa"
say "$HEAD" "XN $code"   # even the right code: locked
contains "$LAST" "refused: Trưởng thôn is locked out after wrong codes"
say "$HEAD" "TB TATCA Họp"
contains "$LAST" "locked out after wrong codes"
[ "$(sql 'SELECT count(*) FROM notices')" = 1 ] || fail "a notice was created while locked"
expect_rc 0 "$LOA" sender list
contains "$OUT" "LOCKED since"
contains "$OUT" "loa sender unlock 0912999001"
expect_rc 0 "$LOA" sender unlock 0912999001
contains "$OUT" "sender 0912999001 unlocked"
expect_rc 0 "$LOA" sender list
[[ $OUT != *LOCKED* ]] || fail "still locked: $OUT"
expect_rc 2 "$LOA" sender unlock 0987000001

# ---- 3. chatter and strangers do not starve the head's code ----
for i in 1 2 3 4 5 6; do say "$HEAD" "TROGIUP"; done
contains "$LAST" "reply to 0912999001 suppressed: 3 to it in the last hour (reply_per_hour 3)"
for i in 1 2 3 4 5 6; do say "+8498700010$i" "Khuyến mãi nạp thẻ $i"; done
contains "$LAST" "forward to 0912999001 suppressed: 3 in all in the last hour (forward_per_hour 3)"
wait_reply "$HEAD" "Tin tu" 3   # with the stranger's "XN" above
# the household whose SMS will fail (for 11. below)
simctl report 0912000001 failed >/dev/null
simctl report +84912000001 failed >/dev/null
say "$HEAD" "TB TATCA Họp thôn 19h30 tối nay"
contains "$LAST" "pending: broadcast to all awaits the one-time code"
[[ $LAST != *suppressed* ]] || fail "the head's code was suppressed: $LAST"
wait_reply "$HEAD" "Xem truoc" 3
say "$HEAD" "XN $(last_code)"
contains "$LAST" "accepted: notice 2 created by Trưởng thôn"
wait_reply "$HEAD" "Da gui TB 2 toi 8 ho"
[ "$(replies_to "$HEAD" | grep -c 'Tin tu')" = 3 ] || fail "forwards past forward_per_hour"
[ "$(replies_to "$HEAD" | grep -c '^Loa: TB')" = 3 ] || fail "help replies past reply_per_hour"

# ---- 11. a forged "OK" ----
settled() { [ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state IN ('delivered', 'failed')")" = 8 ]; }
wait_for 60 settled || fail "notice 2 not settled: $(sql "SELECT state, count(*) FROM deliveries WHERE notice_id = 2 GROUP BY state")"
[ "$(sql "SELECT state FROM deliveries d JOIN households h ON h.id = d.household_id WHERE d.notice_id = 2 AND h.phone = '+84912000001'")" = failed ] \
	|| fail "household 1's SMS did not fail"
say +84912000001 "OK"
contains "$LAST" "accepted: household 1 says it received notice 2 (acknowledged, not delivered)"
row=$(sql "SELECT d.state, d.acked_at IS NOT NULL FROM deliveries d JOIN households h ON h.id = d.household_id WHERE d.notice_id = 2 AND h.phone = '+84912000001'")
[ "$row" = "failed|1" ] || fail "after a forged OK: $row"
[ -z "$(replies_to +84912000001 | grep -v 'Họp thôn\|Hop thon')" ] || fail "an OK was answered"
expect_rc 0 "$LOA" report 2
contains "$OUT" "8 total, 7 reached"
contains "$OUT" "1 acknowledged by SMS (not counted as reached)"
contains "$OUT" "1 household not reached"
contains "$OUT" "acknowledged by SMS"
contains "$OUT" "1 of them answered OK by SMS"
expect_rc 0 "$LOA" report 2 --csv
contains "$OUT" "cause,keys,acked"
contains "$OUT" ",failed,no,"

kill -TERM "$DAEMON_PID"
wait_daemon || fail "daemon exit code"
expect_rc 0 "$LOA" inbox --limit 100
contains "$OUT" "reply to 0912999001 suppressed: 3 to it in the last hour (reply_per_hour 3)"
contains "$OUT" "forward to 0912999001 suppressed: 3 in all in the last hour (forward_per_hour 3)"
contains "$OUT" "locked out"
contains "$OUT" "malformed cancel"
[[ $OUT != *"$code"* ]] || fail "a code is readable in loa inbox"
echo "ok: forged short codes fail end to end"
