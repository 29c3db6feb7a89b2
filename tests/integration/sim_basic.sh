#!/bin/bash
# `loa sim` over real pseudo-terminals: the ready line and symlinks, echo,
# a real PDU through AT+CMGS with +CDS reports (--report mix), the JSON log,
# inbound +CMTI/+CMGR/+CMGD and +CMT, faults (ERROR, silence, garbage),
# out of credit, the balance USSD, a mute modem,
# the port vanishing and returning (an open port hangs up), the control
# socket's errors, and clean exits on `quit` and SIGTERM.
. "$(dirname "$0")/lib.sh"

D=$WORK/sim
SIM=
cleanup() {
	[ -n "$SIM" ] && kill "$SIM" 2>/dev/null && wait "$SIM" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# wait_for FILE TEXT: bounded polling, no fixed sleeps
wait_for() {
	for _ in $(seq 1 200); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	fail "timed out waiting for '$2' in $1: $(cat "$1" 2>/dev/null)"
}
ctl() { "$LOA" sim --ctl "$D" "$@"; }
chat() { "$LOA" sim --chat "$@"; }

"$LOA" sim --dir "$D" --modems 2 --family generic,huawei --report mix --report-delay-ms 100 \
	--noise-ms 0 --seed 7 >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM=$!
wait_for "$WORK/sim.out" "sim: ready $D"
for f in m1.at m1.audio m2.at m2.audio; do
	[ -L "$D/$f" ] && [ -c "$D/$f" ] || fail "$D/$f is not a symlink to a pty"
done
[ -S "$D/control" ] || fail "no control socket"

# echo on by default, ATE0 turns it off (per connection state is the modem's)
expect_rc 0 chat "$D/m1.at" AT ATE0 AT ATE1
contains "$OUT" 'AT\r\r\nOK\r\n'
contains "$OUT" 'ATE0\r\r\nOK\r\n
\r\nOK\r\n'

# Huawei: boot lines on first open, ^CVOICE
expect_rc 0 chat "$D/m2.at" "AT^CVOICE?" "AT+CGMI"
contains "$OUT" '^RSSI:18'
contains "$OUT" '\r\n^CVOICE: 0,8000,16,20\r\n\r\nOK\r\n'
contains "$OUT" '\r\nhuawei\r\n'

# a real SMS-SUBMIT: prompt, +CMGS: <mr>, then +CDS (last digit 0: delivered)
read -r LEN HEX < <("$LOA" sim --pdu +84912345670 "Xin chào bà con ạ")
expect_rc 0 chat "$D/m1.at" "AT+CMGF=0;+CNMI=2,1,0,1,0" "AT+CMGS=$LEN" "pdu:$HEX" "wait:+CDS:"
contains "$OUT" '\r\n> '
contains "$OUT" '\r\n+CMGS: 0\r\n\r\nOK\r\n'
contains "$OUT" '+CDS: 25\r\n'
contains "$(cat "$D/sms.jsonl")" '{"modem":"m1","to":"+84912345670","text":"Xin chào bà con ạ","coding":"ucs2","part":1,"parts":1,"ref":null,"mr":0,"srr":true,"t_ms":'

# wrong <len>: +CMS ERROR: 304, nothing logged
expect_rc 0 chat "$D/m1.at" "AT+CMGS=$((LEN + 1))" "pdu:$HEX"
contains "$OUT" '+CMS ERROR: 304'
[ "$(wc -l <"$D/sms.jsonl")" -eq 1 ] || fail "a bad PDU was logged"

# a two-part message to a number ending in 9: no report (mix rule)
"$LOA" sim --pdu +84912345679 "$(printf 'Thông báo họp thôn %.0s' $(seq 1 6))" >"$WORK/pdus"
[ "$(wc -l <"$WORK/pdus")" -eq 2 ] || fail "expected two parts: $(cat "$WORK/pdus")"
steps=("AT+CNMI=2,1,0,1,0")
while read -r L H; do steps+=("AT+CMGS=$L" "pdu:$H"); done <"$WORK/pdus"
steps+=("quiet:400")
expect_rc 0 chat "$D/m1.at" "${steps[@]}"
contains "$OUT" '+CMGS: 1\r\n'
contains "$OUT" '+CMGS: 2\r\n'
[[ $OUT != *"+CDS:"* ]] || fail "a report came for a number ending in 9: $OUT"
contains "$(cat "$D/sms.jsonl")" '"part":2,"parts":2,"ref":1,"mr":2,"srr":true'
expect_rc 0 ctl stats
contains "$OUT" 'ok parts=3 reports=1 pending=0 rejected=1'

# inbound: stored with +CMTI (CNMI set while connected), read and deleted
chat "$D/m1.at" --timeout 5000 "AT+CNMI=2,1,0,1,0" "wait:+CMTI:" >"$WORK/chat1" &
C=$!
wait_for "$WORK/chat1" 'OK\r\n'
expect_rc 0 ctl inject m1 cmti +84911111111 "Chào bà con ạ"
contains "$OUT" "ok parts=1"
wait "$C" || fail "no +CMTI: $(cat "$WORK/chat1")"
contains "$(cat "$WORK/chat1")" '\r\n+CMTI: "SM",0\r\n'
expect_rc 0 chat "$D/m1.at" "AT+CMGR=0" "AT+CMGD=0"
contains "$OUT" '\r\n+CMGR: 0,,'
expect_rc 0 ctl stats
contains "$OUT" 'm1.pending=0'

# +CMT directly (mt=2), a long text in two parts
chat "$D/m1.at" --timeout 5000 "AT+CNMI=2,2,0,1,0" "wait:+CMT: ,"  >"$WORK/chat2" &
C=$!
wait_for "$WORK/chat2" 'OK\r\n'
expect_rc 0 ctl inject m1 cmt +84922222222 "$(printf 'Mời bà con đi họp %.0s' $(seq 1 5))"
contains "$OUT" "ok parts=2 ref="
wait "$C" || fail "no +CMT: $(cat "$WORK/chat2")"

# faults
expect_rc 0 ctl set m2 chunked 1
expect_rc 0 chat "$D/m2.at" "ATI" "AT+CSQ;+CREG?"
contains "$OUT" 'ATI\r\r\nManufacturer: huawei\r\nModel: E173\r\n'
contains "$OUT" '\r\n+CSQ: 20,99\r\n\r\n+CREG: 0,1\r\n\r\nOK\r\n'
expect_rc 0 ctl set m2 chunked 0
expect_rc 0 ctl fault m2 error 1
expect_rc 0 chat "$D/m2.at" AT AT
contains "$OUT" 'AT\r\r\nERROR\r\n
AT\r\r\nOK\r\n'
expect_rc 0 ctl fault m2 silence 1
expect_rc 1 chat "$D/m2.at" --timeout 300 AT
contains "$OUT" '[timeout]'
expect_rc 0 chat "$D/m2.at" AT
expect_rc 0 ctl fault m2 garbage 32
contains "$OUT" "ok garbage=32"

# vanish: an open port hangs up, the symlink goes and comes back
chat "$D/m1.at" --timeout 5000 AT "wait:never comes" >"$WORK/chat3" &
C=$!
wait_for "$WORK/chat3" 'OK\r\n'
# (long enough that the checks below see it gone on a loaded machine)
expect_rc 0 ctl fault m1 vanish 3000
[ ! -e "$D/m1.at" ] || fail "m1.at still there after vanish"
wait "$C" && fail "chat survived the vanished port"
contains "$(cat "$WORK/chat3")" '[hangup]'
expect_rc 0 ctl stats
contains "$OUT" 'm1.present=0'
for _ in $(seq 1 1000); do [ -e "$D/m1.at" ] && break; sleep 0.02; done
[ -e "$D/m1.at" ] || fail "m1.at did not come back"
expect_rc 0 chat "$D/m1.at" AT
contains "$OUT" 'AT\r\r\nOK\r\n'

# the SIM and the network: out of credit (refused after the PDU), the
# balance USSD (OK first, +CUSD later), a modem that answers nothing
expect_rc 0 ctl credit m1 empty 21
expect_rc 0 chat "$D/m1.at" ATE0 "AT+CMGS=$LEN" "pdu:$HEX"
contains "$OUT" '\r\n> '
contains "$OUT" '\r\n+CMS ERROR: 21\r\n'
expect_rc 0 ctl credit m1 topup
expect_rc 0 ctl set m1 ussd_delay_ms 100
expect_rc 0 chat "$D/m1.at" 'AT+CUSD=1,"*101#",15' "wait:+CUSD:"
contains "$OUT" '\r\nOK\r\n
\r\n+CUSD: 0,"TK goc: 125.000d, HSD: 31/12/2026",15\r\n'
expect_rc 0 ctl fault m1 mute
expect_rc 1 chat "$D/m1.at" --timeout 300 AT
contains "$OUT" '[timeout]'
expect_rc 0 ctl fault m1 unmute
expect_rc 0 chat "$D/m1.at" AT
expect_rc 0 ctl stats
contains "$OUT" ' cusd=1 refused_credit=1 refused_noreg=0 '

# control errors
expect_rc 1 ctl fault m9 error 1
contains "$OUT" "err unknown modem 'm9'"
expect_rc 1 ctl bogus
contains "$OUT" "err unknown command 'bogus'"
expect_rc 2 "$LOA" sim --dir "$WORK/x" --family nokia
contains "$ERR" "--family nokia"

# quit: exits 0 and removes its symlinks and socket
expect_rc 0 ctl quit
wait "$SIM" || fail "sim exited non-zero: $(cat "$WORK/sim.err")"
SIM=
[ ! -e "$D/m1.at" ] && [ ! -e "$D/control" ] || fail "left files behind: $(ls "$D")"

# SIGTERM does the same
"$LOA" sim --dir "$D" >"$WORK/sim2.out" 2>&1 &
SIM=$!
wait_for "$WORK/sim2.out" "sim: ready"
kill -TERM "$SIM"
wait "$SIM" || fail "SIGTERM exit non-zero"
SIM=
[ ! -e "$D/m1.at" ] || fail "symlink left after SIGTERM"
echo "sim_basic: ok"
