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
expect_rc 0 "$LOA" notice send --to all --only-sms "$NOTICE"

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
# reports keep coming while nobody listens: the modem stores them
some_stored() { [ "$(simctl stats | grep -oE 'm[12]\.sr=[0-9]+' | awk -F= '{ s += $2 } END { print s + 0 }')" -gt 0 ]; }
crash 150
wait_for 10 some_stored || fail "no status report was stored while the daemon was down: $(simctl stats)"
crash 350
wait_for 10 some_stored || fail "no status report was stored during the second crash: $(simctl stats)"
expect_rc 0 timeout 300 "$LOA" run --until-idle --report-wait 5
cp "$WORK/err" "$WORK/daemon3.log"
check_after_crashes 300 "$unc_total"
[ "$unc" -le 4 ] || fail "$unc uncertain after two crashes of two modems"
echo "ok: two kill -9 during 300 households; $unc uncertain; $states"
