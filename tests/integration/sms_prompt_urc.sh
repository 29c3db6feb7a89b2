#!/bin/bash
# Real modems put unsolicited lines right behind the "> " PDU prompt, in the
# same read ("\r\n> \r\n+CDS: 25\r\n0791...").  The simulator does so by
# default: every status report (0.3 s after its submit) goes out with the
# next prompt of its modem.  A broadcast to 200 households over 2 modems
# must not lose a single prompt (each lost one cost the 60 s AT+CMGS
# timeout, ESC and a retry): no "no prompt" and no timeout in the log,
# every phone exactly one whole message from one modem, every report
# applied (every delivery `delivered`).  `make bench` times the same run.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 2
start_sim --modems 2 --family huawei,simcom --report delivered --report-delay-ms 300 --noise-ms 0
village 200
expect_rc 0 "$LOA" notice send --to all --only-sms "$NOTICE"

# the first prompts of the run do carry reports: the order is forced
expect_rc 0 timeout 240 "$LOA" run --until-idle --report-wait 5
cp "$WORK/err" "$WORK/daemon.log"
if grep -E "no prompt|no answer to AT\+CMGS|stray OK" "$WORK/daemon.log" | head -3 | grep -q .; then
	fail "prompts were lost: $(grep -E "no prompt|no answer to AT\+CMGS" "$WORK/daemon.log" | head -3)"
fi
[ "$(received | wc -l)" -eq 200 ] || fail "$(received | wc -l) phones received something, expected 200"
check_received ""
states=$(sql "SELECT state || ':' || count(*) FROM deliveries GROUP BY state")
[ "$states" = "delivered:200" ] || fail "states: $states"
# reports really came glued to prompts (the simulator counts them)
glued=$(simctl stats | grep -o 'urc_after_prompt=[0-9]*' | cut -d= -f2)
[ -n "$glued" ] && [ "$glued" -gt 100 ] || fail "only '$glued' URCs came right after a prompt: $(simctl stats)"
echo "ok: 200 households, 2 modems, reports glued to prompts ($glued): $states"
