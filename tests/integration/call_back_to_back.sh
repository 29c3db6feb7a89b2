#!/bin/bash
# Four voice households called back to back on ONE modem, in every family:
# the first presses 1, the second 2 then 1, the third is busy, the fourth
# never answers (Loa's ring timeout hangs up while it rings).  Real modems
# report the end of a call after the OK of AT+CHUP (NO CARRIER, ^CEND,
# +CLCC stat 6 + VOICE CALL: END, +QIND ... -1), and the simulator sends
# that report late (after the next command, or 1 s): a gateway that dials on the OK
# gets ERROR and takes the old report for the new call's end.  Expected,
# per family: confirmed, confirmed, unreached (busy), unreached (no_answer);
# each attempt with its own outcome; no call left up on the modem.  The
# families run at once, each daemon on its own modem and database.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

FAMS="generic huawei simcom quectel" # a new family: add it here (docs/DESIGN.md)
set -- $FAMS
start_sim --modems $# --family "$(echo $FAMS | tr ' ' ,)" --alert-ms 200 --answer-ms 300 \
	--keys-after-ms 1200 --noanswer-ms 60000 --noise-ms 0 --end-delay-ms 1000
simctl keys +84912000001 1 >/dev/null
simctl keys +84912000002 21 >/dev/null
simctl call +84912000003 busy >/dev/null
simctl call +84912000004 noanswer >/dev/null

i=0
pids=()
for fam in $FAMS; do
	i=$((i + 1))
	d="$WORK/$fam"
	mkdir -p "$d"
	sed "s|^database = .*|database = $d/loa.db|; s|^spool = .*|spool = $d/spool|" "$LOA_CONFIG" >"$d/loa.conf"
	cat >>"$d/loa.conf" <<CONF
[voice]
attempts = 1
retry_s = 10
ring_timeout_s = 5
repeats = 1
[modem m$i]
port = $SIM_DIR/m$i.at
audio = $SIM_DIR/m$i.audio
family = $fam
CONF
	sed -i 's/^\[gateway\]$/[gateway]\nlog_level = debug/' "$d/loa.conf"
	{
		echo "name,phone,groups,channel,accents,note"
		echo "Hộ Một,0912000001,xom1,voice,yes,"
		echo "Hộ Hai,0912000002,xom1,voice,yes,"
		echo "Hộ Ba,0912000003,xom1,voice,yes,"
		echo "Hộ Bốn,0912000004,xom1,voice,yes,"
	} >"$d/village.csv"
	LOA_CONFIG="$d/loa.conf" expect_rc 0 "$LOA" household import "$d/village.csv"
	LOA_CONFIG="$d/loa.conf" expect_rc 0 "$LOA" notice send --to all --only-voice "Họp thôn lúc 19 giờ."
	LOA_CONFIG="$d/loa.conf" timeout 120 "$LOA" run --until-idle --report-wait 0 >"$d/out" 2>"$d/daemon.log" &
	pids+=($!)
done
i=0
for fam in $FAMS; do
	rc=0
	wait "${pids[$i]}" || rc=$?
	i=$((i + 1))
	d="$WORK/$fam"
	grep -q "Sanitizer\|runtime error:" "$d/daemon.log" && fail "$fam: sanitizer report: $(grep -m3 'Sanitizer\|runtime error' "$d/daemon.log")"
	[ "$rc" -eq 0 ] || fail "$fam: loa run exited $rc: $(tail -5 "$d/daemon.log")"
	got=$(sqlite3 "$d/loa.db" "SELECT group_concat(h.phone || '=' || d.state, ' ') FROM deliveries d
		JOIN households h ON h.id = d.household_id ORDER BY h.phone")
	want="+84912000001=confirmed +84912000002=confirmed +84912000003=unreached +84912000004=unreached"
	[ "$got" = "$want" ] || fail "$fam: $got
$(sqlite3 "$d/loa.db" "SELECT d.id, a.outcome, a.cause, a.keys FROM attempts a JOIN deliveries d ON d.id = a.delivery_id")"
	att=$(sqlite3 "$d/loa.db" "SELECT group_concat(h.phone || '=' || a.outcome || ':' || a.keys, ' ') FROM attempts a
		JOIN deliveries d ON d.id = a.delivery_id JOIN households h ON h.id = d.household_id ORDER BY h.phone")
	[ "$att" = "+84912000001=answered:1 +84912000002=answered:21 +84912000003=busy: +84912000004=no_answer:" ] ||
		fail "$fam: attempts $att"
	if grep -q "ended before it was answered\|modem refused the dial" "$d/daemon.log"; then
		fail "$fam: $(grep -m2 "ended before it was answered\|modem refused the dial" "$d/daemon.log")"
	fi
	# the modem saw four calls end: none left up
	n=$(jq -s --arg m "m$((i))" 'map(select(.modem == $m)) | length' "$SIM_DIR/calls.jsonl")
	[ "$n" -eq 4 ] || fail "$fam: the simulator logged $n ended calls on m$i, expected 4 (a call left up?)"
done
echo "ok: 4 families x 4 back-to-back calls: confirmed, confirmed, unreached (busy), unreached (no answer)"
