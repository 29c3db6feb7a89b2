#!/bin/bash
# kill -9 of the daemon twice during a 300-household broadcast, with status
# reports stored on the modem (AT+CNMI=2,1,0,2,0 -> +CDSI: "SR",n).  Reports
# that come while the daemon is down are kept by the modem and applied after
# the restart; nothing is lost or sent twice; each crash leaves at most one
# `uncertain` delivery per modem, never re-sent.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 2
start_sim --modems 2 --family simcom,quectel --cmgs-delay-ms 40 --report delivered --report-delay-ms 300 --noise-ms 0
village 300
expect_rc 0 "$LOA" notice send --to all --sms "$NOTICE"

unc_total=0
crash() {
	run_daemon_bg
	wait_for 120 has_lines "$1" || fail "the broadcast did not reach $1 parts"
	kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
	local sending
	sending=$(sql "SELECT count(*) FROM deliveries WHERE state = 'sending'")
	[ "$sending" -le 2 ] || fail "$sending deliveries in 'sending' after kill -9 (at most one per modem)"
	unc_total=$((unc_total + sending))
}
crash 150
# reports keep coming while nobody listens: the modem stores them
sleep 1
crash 350
sleep 1
expect_rc 0 timeout 300 "$LOA" run --until-idle --report-wait 5
cp "$WORK/err" "$WORK/daemon3.log"
grep -q 'AT+CPMS="SR"' "$WORK/daemon3.log" "$WORK/daemon.log" || true
unc=$(sql "SELECT count(*) FROM deliveries WHERE state = 'uncertain'")
[ "$unc" -eq "$unc_total" ] || fail "$unc uncertain, but $unc_total were in flight at the crashes"
[ "$unc" -le 4 ] || fail "$unc uncertain after two crashes of two modems"
states=$(sql "SELECT state || ':' || count(*) FROM deliveries GROUP BY state ORDER BY state")
# every report reached the database, also those that came during the crashes
[ "$(sql "SELECT count(*) FROM deliveries WHERE state NOT IN ('delivered', 'uncertain')")" -eq 0 ] ||
	fail "not delivered: $states"
allow=$(sql "SELECT h.phone FROM deliveries d JOIN households h ON h.id = d.household_id WHERE d.state = 'uncertain'")
check_received "$allow"
[ "$(received | wc -l)" -ge $((300 - unc)) ] || fail "messages lost"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'uncertain' AND attempts != 1")" -eq 0 ] ||
	fail "an uncertain delivery was retried"
echo "ok: two kill -9 during 300 households; $unc uncertain; $states"
