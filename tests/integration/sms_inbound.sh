#!/bin/bash
# Inbound SMS: a single message via +CMTI (read with AT+CMGR, then deleted
# with AT+CMGD), a multipart message via +CMTI and one via +CMT, all stored
# with sender, text, parts and time; and messages left on the SIM while the
# daemon was down are picked up at start (AT+CMGL).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 1
start_sim --modems 1
expect_rc 0 "$LOA" init
# stored on the SIM before the daemon runs
simctl inject m1 cmti +84987000001 "Tin nhắn chờ sẵn" >/dev/null || fail "inject"

run_daemon_bg
n_in() { [ "$(sql "SELECT count(*) FROM inbound")" -ge "$1" ]; }
wait_for 20 n_in 1 || fail "the waiting message was not picked up: $(tail -5 "$WORK/daemon.log")"

LONG='Kính gửi trưởng thôn: gia đình tôi ở xóm 3 xin đăng ký nhận thông báo qua tin nhắn, số điện thoại này dùng cho cả hai vợ chồng. Xin cảm ơn.'
LONG7='DK nhan tin xom 2, ho ong Nguyen Van Binh, so nha 15, gan cong lang. Xin cam on truong thon da ho tro ba con trong mua lu vua roi. Chuc suc khoe ca nha va ba con hang xom!'
simctl inject m1 cmti +84987000002 "Đăng ký 1" >/dev/null || fail "inject"
out=$(simctl inject m1 cmti 0987000003 "$LONG") || fail "inject"
contains "$out" "parts=3"
out=$(simctl inject m1 cmt +84987000004 "$LONG7") || fail "inject"
contains "$out" "parts=2"
wait_for 20 n_in 4 || fail "inbound not stored: $(tail -5 "$WORK/daemon.log")"
kill -TERM "$DAEMON_PID"
wait_daemon || fail "daemon exit code on SIGTERM"
grep -q "daemon: stopped" "$WORK/daemon.log" || fail "no clean stop"

row() { sql "SELECT text || '|' || parts || '|' || modem || '|' || (sent_at IS NOT NULL) || '|' || (received_at > 0) FROM inbound WHERE sender = '$1'"; }
[ "$(row +84987000001)" = "Tin nhắn chờ sẵn|1|m1|1|1" ] || fail "stored: $(row +84987000001)"
[ "$(row +84987000002)" = "Đăng ký 1|1|m1|1|1" ] || fail "stored: $(row +84987000002)"
# a national sender number is stored in E.164
[ "$(row +84987000003)" = "$LONG|3|m1|1|1" ] || fail "multipart via CMTI: $(row +84987000003)"
[ "$(row +84987000004)" = "$LONG7|2|m1|1|1" ] || fail "multipart via CMT: $(row +84987000004)"
[ "$(sql "SELECT count(*) FROM inbound")" -eq 4 ] || fail "duplicates stored"
# the SIM was emptied (AT+CMGD after storing)
stats=$(simctl stats)
if [[ $stats == *"m1.stored="* ]]; then
	contains "$stats" "m1.stored=0"
fi
echo "ok: inbound stored"
