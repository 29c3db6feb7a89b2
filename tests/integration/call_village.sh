#!/bin/bash
# Voice calls end to end against 2 simulated modems (huawei, simcom) with
# audio ports: one household presses 1 (confirmed), one presses 2 then 1
# (hears it again, then confirmed), a voicemail answers and never presses
# (played), one is busy and one never answers (retried, then unreached).
# Checks the delivery states, the attempt rows, `loa report` (keys and the
# unreached households) and the simulator's uplink recording of a
# confirmed call (longer than the notice's speech, not silence).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

cat >>"$LOA_CONFIG" <<CONF
[voice]
attempts = 2
retry_s = 10
ring_timeout_s = 5
repeats = 1
[modem m1]
port = $SIM_DIR/m1.at
audio = $SIM_DIR/m1.audio
family = huawei
[modem m2]
port = $SIM_DIR/m2.at
audio = $SIM_DIR/m2.audio
family = simcom
CONF
start_sim --modems 2 --family huawei,simcom --alert-ms 200 --answer-ms 500 --keys-after-ms 2500 --noise-ms 0
f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	echo "Hộ Một,0912000001,xom1,voice,yes,"
	echo "Hộ Hai,0912000002,xom1,voice,yes,"
	echo "Hộ Ba,0912000003,xom1,voice,yes,"
	echo "Hộ Bốn,0912000004,xom1,voice,yes,"
	echo "Hộ Năm,0912000005,xom1,voice,yes,"
} >"$f"
expect_rc 0 "$LOA" household import "$f"
simctl keys +84912000001 1 >/dev/null
simctl keys +84912000002 21 >/dev/null
simctl call +84912000003 voicemail >/dev/null
simctl call +84912000004 busy >/dev/null
simctl call +84912000005 noanswer >/dev/null

NOTICE_V='Họp thôn lúc 19 giờ tối nay.'
expect_rc 0 "$LOA" notice send --to all --only-voice "$NOTICE_V"
expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 0
cp "$WORK/err" "$WORK/daemon.log"

state() { sql "SELECT d.state FROM deliveries d JOIN households h ON h.id = d.household_id WHERE h.phone = '+8491200000$1' AND d.channel = 'voice'"; }
[ "$(state 1)" = confirmed ] || fail "household 1: $(state 1), expected confirmed"
[ "$(state 2)" = confirmed ] || fail "household 2: $(state 2), expected confirmed"
[ "$(state 3)" = played ] || fail "household 3: $(state 3), expected played"
[ "$(state 4)" = unreached ] || fail "household 4: $(state 4), expected unreached"
[ "$(state 5)" = unreached ] || fail "household 5: $(state 5), expected unreached"
keys() { sql "SELECT d.keys FROM deliveries d JOIN households h ON h.id = d.household_id WHERE h.phone = '+8491200000$1'"; }
[ "$(keys 1)" = 1 ] || fail "household 1 keys '$(keys 1)'"
[ "$(keys 2)" = 21 ] || fail "household 2 keys '$(keys 2)'"
# attempts: busy and no answer twice each, with their outcomes
outc() { sql "SELECT group_concat(a.outcome) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN households h ON h.id = d.household_id WHERE h.phone = '+8491200000$1' ORDER BY a.id"; }
[ "$(outc 4)" = "busy,busy" ] || fail "household 4 attempts: $(outc 4)"
[ "$(outc 5)" = "no_answer,no_answer" ] || fail "household 5 attempts: $(outc 5)"
[ "$(outc 1)" = answered ] || fail "household 1 attempts: $(outc 1)"
[ "$(sql "SELECT count(*) FROM attempts WHERE ended_at IS NULL")" -eq 0 ] || fail "open attempt rows"
[ "$(sql "SELECT count(*) FROM attempts WHERE outcome = 'answered' AND answered_at IS NULL")" -eq 0 ] || fail "answered without answered_at"

# the simulator saw the same
[ "$(jq -s 'map(select(.to == "+84912000002")) | .[0].keys' -r "$SIM_DIR/calls.jsonl")" = 21 ] || fail "sim keys for household 2"
[ "$(jq -s 'map(select(.to == "+84912000004" and .result == "busy")) | length' "$SIM_DIR/calls.jsonl")" -eq 2 ] || fail "busy calls in the sim log"

# loa report: keys and unreached households
expect_rc 0 "$LOA" report 1
contains "$OUT" "confirmed 2"
contains "$OUT" "Hộ Bốn"
contains "$OUT" "Hộ Năm"
expect_rc 0 "$LOA" report 1 --csv
grep -q '"\?21"\?$' <<<"$OUT" || contains "$OUT" ",21"

# the uplink recording of a confirmed call: longer than the notice's speech, not silence
rec=$(jq -s -r 'map(select(.to == "+84912000001" and .result == "answered")) | .[0].recording' "$SIM_DIR/calls.jsonl")
[ -f "$rec" ] || fail "no recording $rec"
expect_rc 0 "$LOA" say "$NOTICE_V" -o "$WORK/notice.wav"
python3 - "$rec" "$WORK/notice.wav" <<'PY' || fail "recording check failed"
import sys, wave, struct, math
def info(p):
    w = wave.open(p); n = w.getnframes(); s = struct.unpack('<%dh' % n, w.readframes(n))
    return n / w.getframerate(), math.sqrt(sum(x * x for x in s) / max(n, 1))
rd, rr = info(sys.argv[1]); nd, _ = info(sys.argv[2])
print("recording %.1f s rms %.0f, notice %.1f s" % (rd, rr, nd))
sys.exit(0 if rd > nd and rr > 300 else 1)
PY
echo "ok: confirmed 2 (keys 1 and 21), played 1, unreached 2; $OUT"
