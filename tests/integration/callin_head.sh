#!/bin/bash
# The village head records a notice by phone, end to end on simulated
# modems (simcom and huawei, with audio ports):
#  1. the head calls, enters the right PIN by DTMF, speaks after the tone
#     (the simulator plays a speech WAV into the call), presses # , 1 (send),
#     the group by its digit, 2 (not urgent): a notice exists whose audio is
#     that recording (trimmed: about the speech's length; level-normalised),
#     its source "phone:+84…"; the group's voice households are called and
#     hear exactly that recording (found sample for sample in the
#     simulator's uplink recording of their call); its SMS households get
#     "… có thông báo mới bằng giọng nói: gọi … để nghe"; the other group
#     gets nothing;
#     (the PIN 4411 repeats digits: each press counts once, though SIMCom
#     reports it twice, as +RXDTMF and as a tone)
#  2. a forged caller ID with wrong PINs three times: refused, logged (events
#     pin_wrong), nothing created;
#  3. the head hangs up in the middle of the recording: nothing created, no
#     file left in the spool.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

cat >>"$LOA_CONFIG" <<CONF
[voice]
attempts = 1
ring_timeout_s = 10
key_wait_s = 15
repeats = 1
[callin]
answer_rings = 1
number = 0912345000
[modem m1]
port = $SIM_DIR/m1.at
audio = $SIM_DIR/m1.audio
family = simcom
[modem m2]
port = $SIM_DIR/m2.at
audio = $SIM_DIR/m2.audio
family = huawei
CONF
start_sim --modems 2 --family simcom,huawei --alert-ms 200 --answer-ms 500 --keys-after-ms 30000 --noise-ms 0 --seed 5

{
	echo "name,phone,groups,channel,accents,note"
	echo "Hộ Hà Văn Sáng,0912100001,xom-dong,voice,yes,"
	echo "Hộ Hà Thị Lan,0912100002,xom-dong,voice,yes,"
	echo "Hộ Vi Văn Đức,0912100003,xom-dong,sms,yes,"
	echo "Hộ Lò Thị Xuân,0912100004,xom-tay,voice,yes,"
	echo "Hộ Sầm Văn Tài,0912100005,xom-tay,sms,yes,"
} >"$WORK/hh.csv"
expect_rc 0 "$LOA" household import "$WORK/hh.csv"
HEAD=0905111222
expect_rc 0 "$LOA" sender add "$HEAD" --role head --name "Trưởng thôn Hà Văn Bình" --pin 4411
for i in 1 2 4; do simctl call "+8491210000$i" answer >/dev/null; done

# the head's voice: Vietnamese speech at 8 kHz, about 6 s
SAY="Thông báo của trưởng thôn. Sáng mai bảy giờ, bà con xóm Đông ra nhà văn hóa nhận giống lúa. Xin cảm ơn."
expect_rc 0 "$LOA" say "$SAY" -o "$WORK/say.wav"
python3 - "$WORK/say.wav" "$WORK/head.wav" <<'PY'
import sys, wave, array
r = wave.open(sys.argv[1]); rate = r.getframerate(); ch = r.getnchannels()
a = array.array('h', r.readframes(r.getnframes()))
if ch > 1: a = a[::ch]
if rate != 8000:
    step = rate / 8000.0
    a = array.array('h', [a[int(i * step)] for i in range(int(len(a) / step))])
w = wave.open(sys.argv[2], 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(a.tobytes()); w.close()
PY
say_s=$(python3 -c "import wave; w=wave.open('$WORK/head.wav'); print(w.getnframes()/8000)")

run_daemon_bg
trap 'kill $DAEMON_PID $SIM_PID 2>/dev/null; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
incalls() { jq -s "map(select(.dir == \"in\" $1)) | length" "$SIM_DIR/calls.jsonl" 2>/dev/null || echo 0; }
have_calls() { [ "$(incalls "$2")" -ge "$1" ]; }
wait_calls() { wait_for "$3" have_calls "$1" "$2" || fail "$(incalls "$2") incoming calls ($2), expected $1: $(cat "$SIM_DIR/calls.jsonl" 2>/dev/null)"; }
sleep 2

# 1. PIN during its prompt, the speech after the tone, then # 1 1 2
rec_end=$(python3 -c "print(round(11 + $say_s + 1.5, 1))")
t_send=$(python3 -c "print(round($rec_end + 2 * $say_s + 6, 1))")
expect_rc 0 simctl callin m1 "+84$HEAD" --ring-s 6 --keys "2:4,2.3:4,2.6:1,2.9:1,3.2:#,$rec_end:#,$t_send:1,$(python3 -c "print($t_send + 3)"):1,$(python3 -c "print($t_send + 6)"):2" \
	--say "$WORK/head.wav" --say-s 11 --hangup-s 120
wait_calls 1 "and .from == \"+84$HEAD\"" 150
[ "$(sql "SELECT count(*) FROM notices WHERE source LIKE 'phone:%'")" -eq 1 ] ||
	fail "no recorded notice: $(grep -E "head|PIN|recording" "$WORK/daemon.log" | tail -20)"
read -r nid apath targets <<<"$(sql -separator ' ' "SELECT id, audio_path, targets FROM notices WHERE source LIKE 'phone:%'")"
[ "$targets" = xom-dong ] || fail "recorded notice addressed to '$targets', expected xom-dong"
[ -s "$apath" ] || fail "the recording $apath is missing"
[ "$(stat -c %a "$apath")" = 640 ] || fail "recording mode $(stat -c %a "$apath")"
# length: the speech trimmed, not the whole capture; level: normalised
python3 - "$apath" "$say_s" <<'PY' || fail "the recording's length or level"
import sys, wave, array, math
w = wave.open(sys.argv[1]); assert w.getframerate() == 8000 and w.getnchannels() == 1
a = array.array('h', w.readframes(w.getnframes())); secs = len(a) / 8000; say = float(sys.argv[2])
assert say - 1.5 < secs < say + 1.5, f"recording {secs:.1f} s, speech {say:.1f} s"
rms = math.sqrt(sum(x * x for x in a) / len(a)); dbfs = 20 * math.log10(rms / 32768)
assert -30 < dbfs < -10, f"level {dbfs:.1f} dBFS"
print(f"recording {secs:.1f} s (speech {say:.1f} s), {dbfs:.1f} dBFS")
PY
# the households of xom-dong hear it; xom-tay gets nothing
called() { [ "$(jq -s "map(select(.to == \"$1\" and .result == \"answered\")) | length" "$SIM_DIR/calls.jsonl")" -ge 1 ]; }
for i in 1 2; do wait_for 120 called "+8491210000$i" || fail "voice household $i of xom-dong not called"; done
has_sms() { [ -f "$SIM_DIR/sms.jsonl" ] && grep -q "\"+84912100003\"" "$SIM_DIR/sms.jsonl"; }
wait_for 60 has_sms || fail "the SMS household of xom-dong got no SMS"
sms=$(jq -s -r 'map(select(.to == "+84912100003")) | map(.text) | join("")' "$SIM_DIR/sms.jsonl")
contains "$sms" "có thông báo mới bằng giọng nói: gọi 0912345000 để nghe"
sleep 2
! called "+84912100004" || fail "xom-tay was called"
! grep -q '"+84912100005"' "$SIM_DIR/sms.jsonl" || fail "xom-tay got the SMS"
for i in 1 2; do
	up=$(jq -s -r "map(select(.to == \"+8491210000$i\" and .result == \"answered\")) | .[0].recording" "$SIM_DIR/calls.jsonl")
	python3 - "$apath" "$up" <<'PY' || fail "household $i did not hear the recording"
import sys, wave
n = wave.open(sys.argv[1]).readframes(10**9); u = wave.open(sys.argv[2]).readframes(10**9)
mid = len(n) // 2 & ~1
assert u.find(n[mid:mid + 16000]) >= 0, "one second of the recording not found in the call"
PY
done

# 2. a forged number with wrong PINs: refused after three, logged, nothing made
n_before=$(sql "SELECT count(*) FROM notices")
expect_rc 0 simctl callin m2 "+84$HEAD" --ring-s 6 --keys "2:1,2.3:1,2.6:1,2.9:1,3.2:#,9:2,9.3:2,9.6:2,9.9:2,10.2:#,16:3,16.3:3,16.6:3,16.9:3,17.2:#" --hangup-s 60
wait_calls 2 "and .from == \"+84$HEAD\"" 90
[ "$(sql "SELECT count(*) FROM notices")" -eq "$n_before" ] || fail "wrong PINs created a notice"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'pin_wrong'")" -ge 3 ] ||
	fail "wrong PINs not logged: $(sql "SELECT kind, detail FROM events WHERE kind LIKE 'pin%'")"
grep -q "PIN locked\|PIN wrong" "$WORK/daemon.log" || fail "the daemon log does not say the PIN was wrong"
expect_rc 0 "$LOA" sender unlock "$HEAD"

# 3. the head hangs up while recording: nothing created, no file left
ls "$(dirname "$apath")" >"$WORK/spool.before"
expect_rc 0 simctl callin m2 "+84$HEAD" --ring-s 6 --keys "2:4,2.3:4,2.6:1,2.9:1,3.2:#" --say "$WORK/head.wav" --say-s 11 --hangup-s 14
wait_calls 3 "and .from == \"+84$HEAD\"" 90
wait_for 10 grep -q "ended at recording: nothing created" "$WORK/daemon.log" || fail "hang-up mid-recording not logged"
[ "$(sql "SELECT count(*) FROM notices")" -eq "$n_before" ] || fail "a hang-up mid-recording created a notice"
ls "$(dirname "$apath")" >"$WORK/spool.after"
diff "$WORK/spool.before" "$WORK/spool.after" || fail "a file was left in the spool"
kill "$DAEMON_PID"; wait_daemon || true
echo ok
