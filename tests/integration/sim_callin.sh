#!/bin/bash
# `loa sim` over real pseudo-terminals: the far end calls in (`callin`).
# Per family: a flash (rings, then the family's end lines and SIMCom's
# MISSED_CALL: without ATA), an answered call whose caller presses a key
# and hangs up, and a caller who speaks: the WAV's bytes arrive on the
# audio port.  The unit test test_sim_callin checks every family's exact
# lines on the fake clock; this one checks the ports, the control and the log.
. "$(dirname "$0")/lib.sh"

D=$WORK/sim
SIM=
cleanup() {
	[ -n "$SIM" ] && kill "$SIM" 2>/dev/null && wait "$SIM" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {
	for _ in $(seq 1 300); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	fail "timed out waiting for '$2' in $1: $(cat "$1" 2>/dev/null)"
}
ctl() { "$LOA" sim --ctl "$D" "$@"; }
chat() { "$LOA" sim --chat "$@"; }

"$LOA" sim --dir "$D" --modems 4 --family generic,huawei,simcom,quectel --noise-ms 0 --seed 3 \
	>"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM=$!
wait_for "$WORK/sim.out" "sim: ready $D"

expect_rc 0 ctl help
contains "$OUT" "callin M FROM [--ring-s N]"

# a flash on every family: one ring, then the end without ATA
end=([1]='NO CARRIER' [2]='^CEND:1,0,0,16' [3]='MISSED_CALL: ' [4]='+QIND: "ccinfo",1,1,-1,0,0,"0912345678",129')
for i in 1 2 3 4; do
	chat "$D/m$i.at" --timeout 5000 "ATE0" "AT+CLIP=1" "AT+QINDCFG=\"ccinfo\",1" "wait:${end[$i]}" \
		>"$WORK/flash$i" &
	C=$!
	wait_for "$WORK/flash$i" 'OK\r\n'
	expect_rc 0 ctl callin "m$i" 0912345678 --ring-s 0.5
	contains "$OUT" "ok call="
	wait "$C" || fail "m$i: no end of the flash: $(cat "$WORK/flash$i")"
	F=$(cat "$WORK/flash$i")
	contains "$F" 'RING\r\n\r\n+CLIP: "0912345678",129,"",,"",0\r\n'
done
contains "$(cat "$WORK/flash3")" 'VOICE CALL: END: 000000\r\n\r\nMISSED_CALL: '
[ "$(jq -s 'map(select(.dir == "in" and .from == "0912345678" and .result == "missed")) | length' "$D/calls.jsonl")" -eq 4 ] ||
	fail "flashes in the log: $(cat "$D/calls.jsonl")"

# answered: the caller presses 1 and hangs up (generic: audio always on)
chat "$D/m1.at" --timeout 8000 "AT+CRC=1" "wait:+CRING: VOICE" "ATA" "wait:NO CARRIER" >"$WORK/ans" &
C=$!
wait_for "$WORK/ans" 'OK\r\n'
expect_rc 0 ctl callin m1 +84912345678 --keys 0.3:1 --hangup-s 1
wait "$C" || fail "answered call: $(cat "$WORK/ans")"
contains "$(cat "$WORK/ans")" '+CLIP: "+84912345678",145,'
[ "$(jq -s 'map(select(.from == "+84912345678" and .result == "answered" and .keys == "1")) | length' "$D/calls.jsonl")" -eq 1 ] ||
	fail "answered call in the log: $(cat "$D/calls.jsonl")"
[[ $(jq -s -r 'map(select(.from == "+84912345678")) | .[0].recording' "$D/calls.jsonl") == "$D/m1-call-"*.wav ]] ||
	fail "no recording of what Loa played: $(cat "$D/calls.jsonl")"

# the caller speaks: the WAV's samples arrive on the audio port (SIMCom: after +CPCMREG=1)
# (python3 writes the WAV and reads the pty raw, as call_village.sh does)
speaks() {
python3 - "$WORK/say.wav" <<'PY'
import struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", 1000 + (i * 7) % 9000) for i in range(4000)))
PY
python3 - "$D/m3.audio" "$WORK/down.raw" "$WORK/reader" <<'PY' &
import os, sys, termios, tty, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY)
tty.setraw(fd)
out = open(sys.argv[2], "wb")
open(sys.argv[3], "w").write("open\n")
end = time.time() + 20  # a bound only: the test says when to stop
while time.time() < end and not os.path.exists(sys.argv[3] + ".stop"):
    import select
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        out.write(os.read(fd, 4096)); out.flush()
PY
A=$!
chat "$D/m3.at" --timeout 8000 "wait:RING" "ATA" "AT+CPCMREG=1" "wait:VOICE CALL: END" >"$WORK/say" &
C=$!
wait_for "$WORK/reader" open # the reader has the audio port open, raw
expect_rc 0 ctl callin m3 0987654321 --say "$WORK/say.wav" --say-s 0.2 --hangup-s 1.5
wait "$C" || fail "speaking caller: $(cat "$WORK/say")"
touch "$WORK/reader.stop" # the call has ended: every frame was written
wait "$A"
python3 - "$WORK/say.wav" "$WORK/down.raw" <<'PY' || fail "the caller's speech did not arrive on m3.audio"
import sys, wave
want = wave.open(sys.argv[1]).readframes(4000)
got = open(sys.argv[2], "rb").read()
sys.exit(0 if want in got else 1)
PY
[ "$(jq -s 'map(select(.from == "0987654321" and .said_ms == 500)) | length' "$D/calls.jsonl")" -eq 1 ] ||
	fail "said_ms in the log: $(cat "$D/calls.jsonl")"
}
if command -v python3 >/dev/null; then speaks; else echo "sim_callin: python3 not installed, the speech check skipped"; fi

# errors
expect_rc 1 ctl callin m1 abc
contains "$OUT" "FROM must be a phone number"
expect_rc 0 ctl quit
wait "$SIM"
SIM=
echo "sim_callin: ok"
