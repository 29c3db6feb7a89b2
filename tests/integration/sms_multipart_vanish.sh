#!/bin/bash
# A phone joins the parts of a long SMS by (sender number, reference): parts
# sent from two SIMs never join.  Modem m1 vanishes for good right after
# accepting the first part of a 3-part message.  Loa must not resume that
# message on m2 with the old reference; once m1 has not been ready for
# [sms] resume_wait_s, the message goes out whole again from m2 with a new
# reference, and the delivery and `loa report` say that the phone may also
# hold the fragment.  Every other phone gets one whole message from one
# modem.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 2
sed -i 's/^\[sms\]$/[sms]\nresume_wait_s = 3/' "$LOA_CONFIG"
start_sim --modems 2 --report delivered --report-delay-ms 50 --cmgs-delay-ms 30 --noise-ms 0
village 12
expect_rc 0 "$LOA" notice send --to all --only-sms "$NOTICE"
simctl fault m1 vanish-multipart >/dev/null

expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 3
cp "$WORK/err" "$WORK/daemon.log"
# the phone that got a fragment from m1
frag=$(jq -s -r 'map(select(.modem == "m1" and .parts > 1)) | group_by(.to, .ref)
	| map(select(length < .[0].parts)) | .[0][0].to // empty' "$SIM_DIR/sms.jsonl")
[ -n "$frag" ] || fail "m1 left no fragment: the fault did not fire ($(simctl stats))"
# no (phone, reference) message holds parts from two modems
mixed=$(jq -s -r 'group_by(.to, .ref) | map(select((map(.modem) | unique | length) > 1)) | length' "$SIM_DIR/sms.jsonl")
[ "$mixed" -eq 0 ] || fail "$mixed messages have parts from two modems: $(jq -s -c 'group_by(.to, .ref) | map(select((map(.modem) | unique | length) > 1))' "$SIM_DIR/sms.jsonl")"
# that phone also got the whole message from m2, under another reference
whole=$(jq -s -r --arg to "$frag" 'map(select(.to == $to and .modem == "m2")) | group_by(.ref)
	| map(select(length == .[0].parts)) | length' "$SIM_DIR/sms.jsonl")
[ "$whole" -eq 1 ] || fail "$frag did not get the whole message from m2: $(jq -s -c --arg to "$frag" 'map(select(.to == $to))' "$SIM_DIR/sms.jsonl")"
# every other phone: one whole message from one modem
[ "$(received | wc -l)" -eq 12 ] || fail "$(received | wc -l) phones received something, expected 12"
CHECK_SKIP="$frag" check_received ""
# the log and the report say what happened
grep -q "sent whole again from another modem" "$WORK/daemon.log" || fail "the daemon did not say the message is sent again"
st=$(sql "SELECT d.state || '|' || d.last_error FROM deliveries d JOIN households h ON h.id = d.household_id WHERE h.phone = '$frag'")
contains "$st" "delivered|"
contains "$st" "may also be on the phone"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'sms_restarted'")" -eq 1 ] || fail "no sms_restarted event"
expect_rc 0 "$LOA" report 1 --csv
row=$(grep "0${frag#+84}" <<<"$OUT" || true)
contains "$row" "may also be on the phone"
echo "ok: fragment on $frag from m1, whole message again from m2; no message mixes modems"
