#!/bin/bash
# The README's storm example, run exactly as written there (the line is
# read from README.md, so the two cannot drift apart): an urgent notice
# from a file reaches every channel each household has — SMS households
# get an SMS, voice households a call, households with both get both
# (issue 14: `--voice` used to mean "calls only" and skipped SMS homes).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/../.." && pwd)

line=$(grep -m1 -- '--urgent - < bao-khan.txt' "$root/README.md" | sed 's/ *#.*//')
[ -n "$line" ] || fail "the storm example is not in the README"
[[ $line == "loa notice send "* ]] || fail "unexpected example: $line"
f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	echo "Hộ SMS,0912000001,xom1,sms,yes,"
	echo "Cụ Gọi,0912000002,xom1,voice,yes,nghe kém"
	echo "Hộ Cả Hai,0912000003,xom2,both,no,"
	echo "Hộ Bàn,02363000004,xom2,voice,no,máy bàn"
} >"$f"
expect_rc 0 "$LOA" household import "$f"
echo "Bão số 6 đổ bộ chiều nay: các hộ ven sông di dời ngay đến nhà văn hóa xã." >"$WORK/bao-khan.txt"
cd "$WORK"
expect_rc 0 bash -c "${line/loa /\"\$LOA\" }"
[ "$(sql "SELECT urgent FROM notices")" = 1 ] || fail "not urgent"
[ "$(sql "SELECT count(*) FROM deliveries WHERE channel = 'sms'")" = 2 ] ||
	fail "SMS: $(sql "SELECT household_id, channel FROM deliveries")"
[ "$(sql "SELECT count(*) FROM deliveries WHERE channel = 'voice'")" = 3 ] ||
	fail "calls: $(sql "SELECT household_id, channel FROM deliveries")"
[ "$(sql "SELECT count(DISTINCT household_id) FROM deliveries")" = 4 ] || fail "a household was skipped"
echo "ok: the README's storm example reaches SMS and voice households"
