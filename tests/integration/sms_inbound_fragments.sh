#!/bin/bash
# Parts of long inbound SMS whose other parts never come must not fill the
# SIM (30 slots here): once the SIM is full no SMS reaches the gateway, short
# codes included.  40 such fragments arrive, then a whole message; every
# part is kept in the database and deleted from the SIM at once, the whole
# message is stored and handled, the SIM ends empty, and a fragment that
# completes after a daemon restart is still joined.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 1
start_sim --modems 1 --noise-ms 0
expect_rc 0 "$LOA" init
LONG='Kính gửi trưởng thôn: gia đình tôi ở xóm 3 xin đăng ký nhận thông báo qua tin nhắn, số điện thoại này dùng cho cả hai vợ chồng. Xin cảm ơn.'
run_daemon_bg
for i in $(seq 1 40); do
	simctl inject m1 cmti-first "+849870001$(printf %02d "$i")" "$LONG" >/dev/null || fail "inject $i"
done
simctl inject m1 cmti +84987000200 "Xin chào trưởng thôn" >/dev/null || fail "inject"
n_in() { [ "$(sql "SELECT count(*) FROM inbound")" -ge "$1" ]; }
wait_for 30 n_in 1 || fail "the whole message never arrived: the SIM is full ($(simctl stats | grep -o 'm1.pending=[0-9]*'))"
parts_kept() { [ "$(sql "SELECT count(*) FROM inbound_parts")" -eq 40 ]; }
wait_for 20 parts_kept || fail "$(sql "SELECT count(*) FROM inbound_parts") parts kept, expected 40"
sim_empty() { simctl stats | grep -q 'm1.pending=0 '; }
wait_for 20 sim_empty || fail "the SIM still holds messages: $(simctl stats)"
[ "$(sql "SELECT text FROM inbound WHERE sender = '+84987000200'")" = "Xin chào trưởng thôn" ] ||
	fail "inbound: $(sql "SELECT sender, text FROM inbound")"
kill -TERM "$DAEMON_PID"
wait_daemon || fail "daemon exit code on SIGTERM"
grep -q "Sanitizer\|runtime error:" "$WORK/daemon.log" && fail "sanitizer: $(grep -m3 'Sanitizer\|runtime error' "$WORK/daemon.log")"
[ "$(sql "SELECT count(*) FROM inbound_parts WHERE sender = '+84987000101' AND part = 1")" -eq 1 ] ||
	fail "fragment of +84987000101 not kept"
echo "ok: 40 fragments kept in the database, SIM empty, whole messages still arrive"
