#!/bin/bash
# A notice to 200 households over 2 simulated modems: every phone receives
# exactly one whole message, the notice itself (Unicode households) or its
# stripped form (the others); status reports (--report mix: last digit 0-6
# delivered, 7-8 failed, 9 none) move deliveries to delivered / failed; and
# `loa report` agrees with what the simulator accepted.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 2
start_sim --modems 2 --report mix --report-delay-ms 50
village 200
expect_rc 0 "$LOA" notice send --to all --only-sms "$NOTICE"

expect_rc 0 timeout 300 "$LOA" run --until-idle --report-wait 3
cp "$WORK/err" "$WORK/daemon.log"

# the phones: 200, each one whole message with the right text
[ "$(received | wc -l)" -eq 200 ] || fail "$(received | wc -l) phones received something, expected 200"
check_received ""
# both modems worked
for m in m1 m2; do
	[ "$(jq -s "map(select(.modem == \"$m\")) | length" "$SIM_DIR/sms.jsonl")" -gt 50 ] ||
		fail "modem $m sent too little"
done
# Unicode households got UCS-2, the others GSM 7-bit
[ "$(jq -s 'map(select(.coding == "gsm7")) | map(.to) | unique | length' "$SIM_DIR/sms.jsonl")" -eq 66 ] ||
	fail "expected 66 GSM 7-bit recipients"
# concatenation references: unique per message across the whole broadcast
# (256 values wrap, but never within one phone's messages, and the
# simulator saw at most ceil(134/255) reuse)
refs=$(jq -s '[.[] | select(.parts > 1) | {to, ref}] | unique | group_by(.ref) | map(length) | max' "$SIM_DIR/sms.jsonl")
[ "$refs" -le 1 ] || fail "a concatenation reference was used for $refs messages"

# states by the --report mix rule
want_d=0 want_f=0 want_s=0
while read -r phone; do
	case ${phone: -1} in
	[0-6]) want_d=$((want_d + 1)) ;;
	[78]) want_f=$((want_f + 1)) ;;
	9) want_s=$((want_s + 1)) ;;
	esac
done < <(jq -r .to "$SIM_DIR/sms.jsonl" | sort -u)
got() { sql "SELECT count(*) FROM deliveries WHERE channel = 'sms' AND state = '$1'"; }
[ "$(got delivered)" -eq $want_d ] || fail "delivered $(got delivered), expected $want_d"
[ "$(got failed)" -eq $want_f ] || fail "failed $(got failed), expected $want_f"
[ "$(got sent)" -eq $want_s ] || fail "sent $(got sent), expected $want_s"
# a phone that failed has the cause from its status report
sql "SELECT last_error FROM deliveries d JOIN households h ON h.id = d.household_id WHERE h.phone LIKE '%7' LIMIT 1" |
	grep -q "status report: failed" || fail "failed delivery without its cause"
# every part recorded with a message reference, once
[ "$(sql "SELECT count(*) FROM sms_refs")" -eq "$(wc -l <"$SIM_DIR/sms.jsonl")" ] || fail "sms_refs != parts accepted"
[ "$(sql "SELECT count(*) FROM attempts WHERE outcome = 'sent'")" -eq 200 ] || fail "attempt rows"

# loa report agrees with the simulator's log
expect_rc 0 "$LOA" report 1
contains "$OUT" "sms     200 total, $want_d reached"
contains "$OUT" "delivered $want_d"
contains "$OUT" "failed $want_f"
contains "$OUT" "sent $want_s"
# the daemon log names modem, delivery and notice
grep -q "modem(m[12]): delivery [0-9]* notice 1: sent to +84" "$WORK/daemon.log" || fail "log lines lack modem/delivery/notice"
echo "ok: 200 households, $want_d delivered, $want_f failed, $want_s awaiting reports"
