#!/bin/bash
# Call-in end to end on four simulated modems, one per family (generic,
# huawei, simcom, quectel), all with audio ports, the far ends driven by
# the simulator's `callin`:
#  (and a fifth, generic, so that five calls run at once)
#  1. households that missed Loa's call (no answer: unreached, on the visit
#     list) ring back, one on each family, hear the notice and press 1:
#     their voice delivery is confirmed (attempt direction 'in'), `loa
#     report` counts them and the visit list no longer has them; an SMS
#     household that calls in gets a voice delivery, confirmed;
#  2. a flash on each family (rings 2 s, hangs up; answered at ring 2): a callback within
#     [callin] callback_s on a modem with an audio port, the household
#     presses 1 on it: confirmed; two flashes in a minute from one household:
#     one callback;
#  3. an unknown number hears the latest public notice (unknown = latest):
#     answered, nothing confirmed; after a restart with unknown = reject it
#     is refused; on each family.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }

base_conf=$(cat "$LOA_CONFIG")
cat >>"$LOA_CONFIG" <<CONF
[voice]
attempts = 1
ring_timeout_s = 5
key_wait_s = 20
repeats = 1
[callin]
answer_rings = 2
callback_s = 60
callback_min_gap_s = 600
CONF
families=(generic huawei simcom quectel generic)
for i in 1 2 3 4 5; do
	printf '[modem m%d]\nport = %s/m%d.at\naudio = %s/m%d.audio\nfamily = %s\n' \
		"$i" "$SIM_DIR" "$i" "$SIM_DIR" "$i" "${families[$((i - 1))]}" >>"$LOA_CONFIG"
done
modems_conf=$(sed -n '/^\[modem m1\]/,$p' "$LOA_CONFIG")
start_sim --modems 5 --family generic,huawei,simcom,quectel,generic --alert-ms 200 --answer-ms 500 \
	--keys-after-ms 6000 --noise-ms 0 --seed 17

f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	# ring back after a missed call, one per family
	echo "Hộ Đinh Văn Một,0912000001,xom1,voice,yes,"
	echo "Hộ Hồ Thị Hai,0912000002,xom1,voice,yes,"
	echo "Hộ Y Blơng Ba,0912000003,xom2,voice,yes,"
	echo "Hộ Lê Văn Bốn,0912000004,xom2,voice,yes,"
	# flash -> callback, one per family
	echo "Hộ Phan Thị Năm,0912000005,xom1,voice,yes,"
	echo "Hộ A Lăng Sáu,0912000006,xom1,voice,yes,"
	echo "Hộ Trần Văn Bảy,0912000007,xom2,voice,yes,"
	echo "Hộ Nguyễn Thị Tám,0912000008,xom2,voice,yes,"
	# SMS only, then calls in
	echo "Hộ Võ Văn Chín,0912000009,xom1,sms,no,"
	# flashes twice in a minute
	echo "Hộ Đặng Thị Mười,0912000010,xom2,voice,yes,"
} >"$f"
expect_rc 0 "$LOA" household import "$f"
for i in 01 02 03 04 05 06 07 08 10; do simctl call "+849120000$i" noanswer >/dev/null; done

NOTICE='Thứ Năm tuần này, ngân hàng chính sách giải ngân tại nhà văn hóa thôn từ 7 giờ 30.'
expect_rc 0 "$LOA" notice send --to all "$NOTICE"
expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 0
state() { sql "SELECT d.state FROM deliveries d JOIN households h ON h.id = d.household_id WHERE h.phone = '+849120000$1' AND d.channel = 'voice'"; }
for i in 01 02 03 04; do [ "$(state $i)" = unreached ] || fail "household $i: $(state $i), expected unreached"; done
expect_rc 0 "$LOA" visit 1 --list
contains "$OUT" "Hộ Đinh Văn Một"
# from now on the households answer Loa's calls (the callbacks) and press 1
for i in 05 06 07 08 10; do simctl call "+849120000$i" answer >/dev/null; simctl keys "+849120000$i" 1 >/dev/null; done

run_daemon_bg
trap 'kill $DAEMON_PID $SIM_PID 2>/dev/null; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
incalls() { jq -s "map(select(.dir == \"in\" $1)) | length" "$SIM_DIR/calls.jsonl" 2>/dev/null || echo 0; }
# wait_calls N FILTER SECONDS: N incoming calls matching FILTER in the sim's log
have_calls() { [ "$(incalls "$2")" -ge "$1" ]; }
wait_calls() { wait_for "$3" have_calls "$1" "$2" || fail "$(incalls "$2") incoming calls ($2), expected $1: $(cat "$SIM_DIR/calls.jsonl")"; }
wait_for 30 grep -q "modem(m4).*ready" "$WORK/daemon.log" || true
sleep 2 # every modem through its init (AT+CLIP=1 before the first RING)

# 1. ring back on each family: key 1 during the notice or its prompt; the
#    sms household at the same time on the fifth modem
for i in 1 2 3 4; do
	expect_rc 0 simctl callin "m$i" "+8491200000$i" --ring-s 10 --keys 14:1 --hangup-s 60
done
expect_rc 0 simctl callin m5 +84912000009 --ring-s 10 --keys 14:1 --hangup-s 60
wait_calls 5 'and .result == "answered"' 90
for i in 1 2 3 4; do
	[ "$(state 0$i)" = confirmed ] || fail "household $i (${families[$((i - 1))]}) called in: $(state 0$i), expected confirmed"
done
[ "$(state 09)" = confirmed ] || fail "sms household called in: voice delivery '$(state 09)'"
[ "$(sql "SELECT count(*) FROM attempts WHERE direction = 'in' AND outcome = 'answered' AND keys = '1'")" -eq 5 ] ||
	fail "inbound attempts: $(sql "SELECT delivery_id, direction, outcome, keys FROM attempts WHERE direction = 'in'")"
[ "$(jq -s -r 'map(select(.dir == "in" and .from == "+84912000003")) | .[0].keys' "$SIM_DIR/calls.jsonl")" = 1 ] ||
	fail "sim keys of the simcom call-in"
# what the caller heard: the uplink recording is speech, longer than the greeting
rec=$(jq -s -r 'map(select(.dir == "in" and .from == "+84912000002")) | .[0].recording // empty' "$SIM_DIR/calls.jsonl")
[ -n "$rec" ] && [ -s "$rec" ] || fail "no recording of the huawei call-in"
[ "$(stat -c %s "$rec")" -gt $((8000 * 2 * 8)) ] || fail "the huawei caller heard less than 8 s"
expect_rc 0 "$LOA" report 1
contains "$OUT" "confirmed"
expect_rc 0 "$LOA" visit 1 --list
[[ $OUT != *"Hộ Đinh Văn Một"* ]] || fail "a household that confirmed by calling in is still on the visit list"
[[ $OUT != *"Hộ Lê Văn Bốn"* ]] || fail "the quectel caller is still on the visit list"
contains "$OUT" "Hộ Phan Thị Năm"

# 2. flashes: 2 s of ringing, hung up; a callback within callback_s
for i in 5 6 7 8; do
	expect_rc 0 simctl callin "m$((i - 4))" "+8491200000$i" --ring-s 2
done
wait_calls 4 'and .result == "missed"' 30
# one household flashes twice within a minute
expect_rc 0 simctl callin m5 +84912000010 --ring-s 2
wait_calls 5 'and .result == "missed"' 30
sleep 3
expect_rc 0 simctl callin m5 +84912000010 --ring-s 2
wait_calls 6 'and .result == "missed"' 30
called_back() { [ "$(jq -s "map(select(.to == \"$1\" and .result == \"answered\")) | length" "$SIM_DIR/calls.jsonl")" -ge 1 ]; }
is_confirmed() { [ "$(state "$1")" = confirmed ]; }
for i in 05 06 07 08 10; do
	wait_for 120 called_back "+849120000$i" || fail "no callback to household $i: $(sql "SELECT * FROM callbacks")"
done
for i in 05 06 07 08 10; do
	wait_for 60 is_confirmed $i || fail "household $i after its callback: $(state $i)"
done
[ "$(sql "SELECT count(*) FROM callbacks WHERE phone = '+84912000010'")" -eq 1 ] ||
	fail "two flashes in a minute: $(sql "SELECT count(*) FROM callbacks WHERE phone = '+84912000010'") callbacks"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'callback_skipped'")" -ge 1 ] || fail "the second flash is not logged"
# within callback_s of the flash
late=$(sql "SELECT count(*) FROM callbacks c WHERE state <> 'done' OR (SELECT min(at) FROM events e WHERE e.kind = 'callback_calling' AND e.household_id = c.household_id) > c.by_at")
[ "$late" -eq 0 ] || fail "callbacks late or not done: $(sql "SELECT * FROM callbacks")"

# 3. unknown numbers hear the latest public notice, nothing confirmed (each family)
n_conf=$(sql "SELECT count(*) FROM deliveries WHERE state = 'confirmed'")
for i in 1 2 3 4; do
	expect_rc 0 simctl callin "m$i" "+8498765432$i" --ring-s 10 --keys 14:1 --hangup-s 40
done
wait_calls 4 'and (.from | startswith("+849876543")) and .result == "answered"' 90
[ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'confirmed'")" -eq "$n_conf" ] || fail "an unknown caller confirmed something"
for i in 1 2 3 4; do
	wait_for 10 grep -q "call from +8498765432$i (unknown): answered" "$WORK/daemon.log" || fail "unknown caller $i not logged"
	up=$(jq -s -r "map(select(.from == \"+8498765432$i\")) | .[0].recording_ms" "$SIM_DIR/calls.jsonl")
	[ "$up" -gt 8000 ] || fail "unknown caller $i heard only $up ms"
done

# ... and are refused with unknown = reject (each family)
kill "$DAEMON_PID"; wait_daemon || true
{ echo "$base_conf"; printf '[callin]\nunknown = reject\n'; echo "$modems_conf"; } >"$LOA_CONFIG"
run_daemon_bg
sleep 3
for i in 1 2 3 4; do
	expect_rc 0 simctl callin "m$i" "+8498765433$i" --ring-s 10 --hangup-s 20
done
wait_calls 4 'and (.from | startswith("+849876543")) and .result == "rejected"' 30
for i in 1 2 3 4; do
	wait_for 10 grep -q "call-in from +8498765433$i (unknown): refused" "$WORK/daemon.log" || fail "refusal $i not logged"
done
kill "$DAEMON_PID"; wait_daemon || true
grep -E " E |ERROR|assert" "$WORK/daemon.log" | grep -v "^$" && fail "errors in the daemon log"
echo ok
