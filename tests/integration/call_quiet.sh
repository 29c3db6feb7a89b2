#!/bin/bash
# Quiet hours hold calls like SMS: the daemon starts at 23:00 local time
# (quiet 21:00-07:00 by default) with an urgent and a non-urgent voice
# notice queued; `loa run --until-idle` places the urgent call (confirmed)
# and never dials the other household (no attempt row, no call in the
# simulator's log, still queued), then goes idle.
here=$(cd "$(dirname "$0")" && pwd)
export LOA_FAKE_TIME=1796140800 # 2026-12-01 23:00 +07
. "$here/lib.sh"
. "$here/sms_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[voice]
ring_timeout_s = 5
repeats = 1
[modem m1]
port = $SIM_DIR/m1.at
audio = $SIM_DIR/m1.audio
family = simcom
[modem m2]
port = $SIM_DIR/m2.at
audio = $SIM_DIR/m2.audio
family = huawei
CONF
start_sim --modems 2 --family simcom,huawei --alert-ms 200 --answer-ms 300 --keys-after-ms 1500 --noise-ms 0
f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	echo "Hộ Một,0912000001,xom1,voice,yes,"
	echo "Hộ Hai,0912000002,xom2,voice,yes,"
} >"$f"
expect_rc 0 "$LOA" household import "$f"
simctl keys +84912000001 1 >/dev/null
simctl keys +84912000002 1 >/dev/null

expect_rc 0 "$LOA" notice send --to xom2 --only-voice "Mai họp thôn."
expect_rc 0 "$LOA" notice send --to xom1 --only-voice --urgent "KHẨN: nước lên, di chuyển lên nhà văn hóa."
expect_rc 0 timeout 60 "$LOA" run --until-idle --report-wait 0
cp "$WORK/err" "$WORK/daemon.log"
grep -q "23:0" "$WORK/daemon.log" || fail "the daemon did not run at 23:00: $(head -1 "$WORK/daemon.log")"
st() { sql "SELECT state FROM deliveries WHERE notice_id = $1"; }
[ "$(st 2)" = confirmed ] || fail "urgent notice: $(st 2), expected confirmed"
[ "$(st 1)" = queued ] || fail "non-urgent notice during quiet hours: $(st 1), expected queued"
[ "$(sql "SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.notice_id = 1")" -eq 0 ] ||
	fail "the non-urgent household was dialed: $(sql "SELECT * FROM attempts")"
[ "$(sql "SELECT attempts FROM deliveries WHERE notice_id = 1")" -eq 0 ] || fail "attempts counted for the held call"
[ "$(jq -s 'map(select(.to == "+84912000002")) | length' "$SIM_DIR/calls.jsonl")" -eq 0 ] || fail "the simulator saw a call to household 2"
[ "$(jq -s 'map(select(.to == "+84912000001" and .keys == "1")) | length' "$SIM_DIR/calls.jsonl")" -eq 1 ] || fail "no urgent call in the simulator's log"
echo "ok: at 23:00 the urgent call was placed and confirmed, the non-urgent one held (queued, no attempt)"
