#!/bin/bash
# A notice whose speech cannot be rendered does not leave its calls queued
# forever: (1) a notice recorded with --audio whose file is deleted before
# the daemon runs: its voice deliveries fail with the cause (state failed,
# last_error naming the file, an attempt row, a call_failed event, one log
# line naming the notice) while the next notice is still called and
# confirmed; (2) an espeak-ng voice that does not exist: every queued call
# fails with that cause and the daemon goes idle.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

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
CONF
start_sim --modems 1 --family huawei --alert-ms 200 --answer-ms 300 --keys-after-ms 1500 --noise-ms 0
f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	echo "Hộ Một,0912000001,xom1,voice,yes,"
	echo "Hộ Hai,0912000002,xom1,voice,yes,"
} >"$f"
expect_rc 0 "$LOA" household import "$f"
simctl keys +84912000001 1 >/dev/null
simctl keys +84912000002 1 >/dev/null

# (1) a recording that is gone by the time the daemon runs
expect_rc 0 "$LOA" say -o "$WORK/rec.wav" "Họp thôn."
expect_rc 0 "$LOA" notice send --to all --only-voice --audio "$WORK/rec.wav" "Họp thôn."
apath=$(sql "SELECT audio_path FROM notices WHERE id = 1")
[ -f "$apath" ] || fail "no recorded speech at '$apath'"
rm -f "$apath"
expect_rc 0 "$LOA" notice send --to xom1 --only-voice "Mai họp thôn."
expect_rc 0 timeout 60 "$LOA" run --until-idle --report-wait 0
cp "$WORK/err" "$WORK/daemon.log"

n1=$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 1 AND state = 'failed' AND last_error LIKE '%$apath%'")
[ "$n1" -eq 2 ] || fail "notice 1: $(sql "SELECT state || ' ' || last_error FROM deliveries WHERE notice_id = 1")"
[ "$(sql "SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.notice_id = 1 AND a.outcome = 'failed' AND a.ended_at IS NOT NULL AND a.cause LIKE '%$apath%'")" -eq 2 ] ||
	fail "notice 1: attempt rows $(sql "SELECT * FROM attempts")"
[ "$(sql "SELECT count(*) FROM events WHERE notice_id = 1 AND kind = 'call_failed'")" -eq 2 ] || fail "notice 1: no call_failed events"
[ "$(grep -c 'notice 1: speech cannot be rendered' "$WORK/daemon.log")" -eq 1 ] ||
	fail "expected one log line naming notice 1: $(grep 'notice 1' "$WORK/daemon.log")"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state = 'confirmed'")" -eq 2 ] ||
	fail "notice 2 was not called: $(sql "SELECT state FROM deliveries WHERE notice_id = 2")"
[ "$(jq -s 'map(select(.result == "answered")) | length' "$SIM_DIR/calls.jsonl")" -eq 2 ] || fail "calls placed for notice 1"
expect_rc 0 "$LOA" report 1
contains "$OUT" "$apath"

# (2) no such espeak-ng voice: nothing can be said, nothing stays queued
sed 's/^\[tts\]$/[tts]\nvoice = zz-no-such-voice/' "$LOA_CONFIG" >"$WORK/novoice.conf"
chmod 600 "$WORK/novoice.conf"
expect_rc 0 "$LOA" notice send --to all --only-voice "Thông báo thứ ba."
expect_rc 0 timeout 60 env LOA_CONFIG="$WORK/novoice.conf" "$LOA" run --until-idle --report-wait 0
cp "$WORK/err" "$WORK/daemon2.log"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 3 AND state = 'failed' AND last_error LIKE '%zz-no-such-voice%'")" -eq 2 ] ||
	fail "notice 3: $(sql "SELECT state || ' ' || last_error FROM deliveries WHERE notice_id = 3")"
[ "$(grep -c 'notice 3: speech cannot be rendered' "$WORK/daemon2.log")" -eq 1 ] || fail "no log line naming notice 3"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state IN ('queued', 'dialing', 'ringing', 'answered')")" -eq 0 ] ||
	fail "deliveries left in progress"
[ "$(sql "SELECT count(*) FROM attempts WHERE ended_at IS NULL")" -eq 0 ] || fail "open attempt rows"
echo "ok: recording gone -> 2 failed ($apath), next notice confirmed 2; voice missing -> 2 failed"
