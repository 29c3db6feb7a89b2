#!/bin/bash
# The daily SMS budget end to end: a head's broadcast that would pass it is
# held and the head told how to send it anyway; GUI <code> sends it past
# the budget; an ordinary notice after that waits (the daemon says why);
# `loa notice send --over-budget` goes out too.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

HEAD=+84912999001
sed -i 's/^\[gateway\]$/[gateway]\ndaily_sms_parts = 6/' "$LOA_CONFIG"
sms_config 1
start_sim --modems 1 --report delivered --report-delay-ms 50
expect_rc 0 "$LOA" init
village 10
expect_rc 0 "$LOA" sender add 0912999001 --role head --name "Trưởng thôn" --no-confirm
run_daemon_bg

replies_to() { jq -r --arg p "$1" 'select(.to == $p) | .text' "$SIM_DIR/sms.jsonl" 2>/dev/null; }
n_replies() { [ "$(replies_to "$1" | wc -l)" -ge "$2" ]; }
sent_of() { sql "SELECT count(*) FROM deliveries WHERE notice_id = $1 AND state IN ('sent', 'delivered')"; }
all_sent() { [ "$(sent_of "$1")" -eq "$2" ]; }

# 10 households x 1 part > 6: held, with the way to send it anyway
simctl inject m1 cmt "$HEAD" "TB TATCA Họp thôn 19h30" >/dev/null || fail "inject"
wait_for 30 n_replies "$HEAD" 1 || fail "no answer: $(tail -5 "$WORK/daemon.log")"
held=$(replies_to "$HEAD" | head -1)
contains "$held" "Vuot han muc SMS/ngay (0+10/6 phan)"
code=$(grep -o 'GUI [0-9]\{6\}' <<<"$held" | cut -d' ' -f2)
[ -n "$code" ] || fail "no code: $held"
[ "$(sql 'SELECT count(*) FROM notices')" = 0 ] || fail "held broadcast created a notice"

# GUI <code>: all 10 go out although the budget is 6
simctl inject m1 cmt "$HEAD" "GUI $code" >/dev/null
wait_for 60 all_sent 1 10 || fail "override notice not sent: $(sql "SELECT state, count(*) FROM deliveries GROUP BY state") $(tail -5 "$WORK/daemon.log")"
[ "$(sql 'SELECT budget_override FROM notices WHERE id = 1')" = 1 ] || fail "override not recorded"

# an ordinary notice now waits for tomorrow, and the daemon says why
expect_rc 0 "$LOA" notice send --to all "Lần hai: họp thôn"
contains "$OUT" "warning: today 10 of the 6 SMS parts a day"
said_why() { grep -q "daily SMS budget reached" "$WORK/daemon.log"; }
wait_for 30 said_why || fail "no budget message: $(tail -5 "$WORK/daemon.log")"
[ "$(sent_of 2)" = 0 ] || fail "the budget was passed without an override"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state = 'queued'")" = 10 ] || fail "notice 2 not waiting"

# --over-budget from the office sends anyway
expect_rc 0 "$LOA" notice send --to all --over-budget "Lần ba: khẩn"
contains "$OUT" "(sent anyway: --over-budget)"
wait_for 60 all_sent 3 10 || fail "--over-budget notice not sent"
[ "$(sent_of 2)" = 0 ] || fail "notice 2 went out with notice 3"

kill -TERM "$DAEMON_PID"
wait_daemon || fail "daemon exit code"
echo "ok: budget hold and override"
