#!/bin/bash
# Calls on the Quectel and generic families end to end, against one
# simulated modem of each with audio ports: (1) two households press 1 and
# are confirmed, one call on each modem (Quectel: AT+QPCMV=1,0 before ATD,
# +QIND: "ccinfo" call states, +QTONEDET key reports; generic: the audio
# port as is, the answer seen by the AT+CLCC poll); (2) a busy household on the
# generic modem: the BUSY line after ATD -> attempt `busy`, `unreached`,
# and one that never answers (NO ANSWER -> `no_answer`), each `unreached`
# after its last attempt, listed by `loa report`.  The daemon logs AT
# traffic at debug level, which is how the order of commands is checked.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sed -i 's/^\[gateway\]$/[gateway]\nlog_level = debug/' "$LOA_CONFIG"
cat >>"$LOA_CONFIG" <<CONF
[voice]
attempts = 1
retry_s = 10
ring_timeout_s = 5
repeats = 1
CONF
# (2) runs with the generic modem alone, so the busy call is on it
cp "$LOA_CONFIG" "$WORK/generic.conf"
cat >>"$LOA_CONFIG" <<CONF
[modem m1]
port = $SIM_DIR/m1.at
audio = $SIM_DIR/m1.audio
family = quectel
CONF
printf '[modem m2]\nport = %s/m2.at\naudio = %s/m2.audio\nfamily = generic\n' "$SIM_DIR" "$SIM_DIR" |
	tee -a "$LOA_CONFIG" >>"$WORK/generic.conf"
start_sim --modems 2 --family quectel,generic --alert-ms 200 --answer-ms 300 --keys-after-ms 1500 --noanswer-ms 1000 --noise-ms 0
f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	echo "Hộ Một,0912000001,xom1,voice,yes,"
	echo "Hộ Hai,0912000002,xom1,voice,yes,"
	echo "Hộ Ba,0912000003,xom2,voice,yes,"
	echo "Hộ Bốn,0912000004,xom2,voice,yes,"
} >"$f"
expect_rc 0 "$LOA" household import "$f"
simctl keys +84912000001 1 >/dev/null
simctl keys +84912000002 1 >/dev/null
simctl call +84912000003 busy >/dev/null
simctl call +84912000004 noanswer >/dev/null

# (1) one confirmed call per modem
expect_rc 0 "$LOA" notice send --to xom1 --only-voice "Họp thôn lúc 19 giờ tối nay."
expect_rc 0 timeout 60 "$LOA" run --until-idle --report-wait 0
cp "$WORK/err" "$WORK/daemon.log"
[ "$(sql "SELECT group_concat(modem || ':' || state, ' ') FROM (SELECT modem, state FROM deliveries WHERE notice_id = 1 ORDER BY modem)")" = "m1:confirmed m2:confirmed" ] ||
	fail "notice 1: $(sql "SELECT modem, state, last_error FROM deliveries WHERE notice_id = 1")"
[ "$(sql "SELECT group_concat(outcome || ':' || keys) FROM attempts")" = "answered:1,answered:1" ] ||
	fail "attempts: $(sql "SELECT * FROM attempts")"
# the simulator heard the notice on both (audio routed: Quectel only after AT+QPCMV)
for m in m1 m2; do
	[ "$(jq -s --arg m $m 'map(select(.modem == $m and .result == "answered" and .keys == "1" and .recording_rms > 300)) | length' "$SIM_DIR/calls.jsonl")" -eq 1 ] ||
		fail "sim: no confirmed call with audio on $m: $(cat "$SIM_DIR/calls.jsonl")"
done
log_line() { grep -n "$1" "$WORK/daemon.log" | head -1 | cut -d: -f1; }
qpcmv=$(log_line 'modem(m1).*> AT+QPCMV=1,0')
atd=$(log_line 'modem(m1).*> ATD+849')
[ -n "$qpcmv" ] && [ -n "$atd" ] && [ "$qpcmv" -lt "$atd" ] || fail "quectel: AT+QPCMV=1,0 (line $qpcmv) not before ATD (line $atd)"
grep -q 'modem(m1): call event: +QIND: "ccinfo",1,0,0,' "$WORK/daemon.log" || fail "quectel: no +QIND ccinfo active state"
grep -q 'modem(m1): call event: +QTONEDET: 49' "$WORK/daemon.log" || fail "quectel: no +QTONEDET key report"
grep -q 'modem(m2).*> ATD+849' "$WORK/daemon.log" || fail "generic: no ATD"

# (2) busy and no answer on the generic modem
expect_rc 0 "$LOA" notice send --to xom2 --only-voice "Mai họp thôn."
expect_rc 0 timeout 60 env LOA_CONFIG="$WORK/generic.conf" "$LOA" run --until-idle --report-wait 0
cp "$WORK/err" "$WORK/daemon2.log"
# the generic ATD waits for the far end: BUSY / NO ANSWER are its answer
grep -q "modem(m2).*< BUSY" "$WORK/daemon2.log" || fail "generic: no BUSY"
grep -q "modem(m2).*< NO ANSWER" "$WORK/daemon2.log" || fail "generic: no NO ANSWER"
[ "$(sql "SELECT group_concat(d.state || ':' || a.outcome || ':' || a.modem, ' ') FROM deliveries d JOIN attempts a ON a.delivery_id = d.id WHERE d.notice_id = 2 ORDER BY d.id")" = "unreached:busy:m2 unreached:no_answer:m2" ] ||
	fail "busy household: $(sql "SELECT d.state, a.outcome, a.modem, a.cause FROM deliveries d JOIN attempts a ON a.delivery_id = d.id WHERE d.notice_id = 2")"
[ "$(sql "SELECT count(*) FROM attempts WHERE ended_at IS NULL")" -eq 0 ] || fail "open attempt rows"
expect_rc 0 "$LOA" report 2
contains "$OUT" "Hộ Ba"
contains "$OUT" "Hộ Bốn"
contains "$OUT" "busy"
echo "ok: quectel and generic confirmed (key 1), generic busy and no answer -> unreached"
