#!/bin/bash
# Outside strings reach terminals: a household name from an officer's CSV,
# an SMS text or a sender's name may hold ESC, BEL, CR or LF (a terminal
# escape can clear the screen, retitle the window or forge a line).  Every
# such string printed by the CLI comes out with those bytes as \xNN, and
# Vietnamese text is kept as it is.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

printf 'name,phone,groups,channel,accents,note\n"Hộ \033[2JAn\a",0912000001,xom1,sms,yes,\n"Bà Năm\r\nFAKE",0912000002,xom1,sms,yes,\n' >"$WORK/v.csv"
expect_rc 0 "$LOA" household import "$WORK/v.csv"
raw_ctl() { LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' <<<"$1"; }
expect_rc 0 "$LOA" household list
raw_ctl "$OUT" && fail "household list printed control bytes: $(cat -v <<<"$OUT")"
contains "$OUT" 'Hộ \x1b[2JAn\x07'
contains "$OUT" 'Bà Năm\x0d\x0aFAKE'
[ "$(grep -c 'FAKE' <<<"$OUT")" -eq 1 ] || fail "a forged line"
# an SMS to the gateway (the inbox), a sender's name, a report of a
# household with such a name
expect_rc 0 "$LOA" sender add 0987000001 --role head --name "$(printf 'Trưởng \033[31mthôn\a')"
raw_ctl "$OUT" && fail "sender add printed control bytes: $(cat -v <<<"$OUT")"
expect_rc 0 "$LOA" sender list
raw_ctl "$OUT" && fail "sender list printed control bytes: $(cat -v <<<"$OUT")"
contains "$OUT" 'Trưởng \x1b[31mthôn\x07'
expect_rc 0 "$LOA" inbox --simulate 0912999999 "$(printf 'xin chao\033]0;pwned\a\rFAKE')"
raw_ctl "$OUT" && fail "inbox --simulate printed control bytes: $(cat -v <<<"$OUT")"
expect_rc 0 "$LOA" inbox
raw_ctl "$OUT" && fail "inbox printed control bytes: $(cat -v <<<"$OUT")"
contains "$OUT" 'xin chao\x1b]0;pwned\x07\x0dFAKE'
expect_rc 0 "$LOA" notice send --to all --only-sms "Họp thôn 19h"
expect_rc 0 "$LOA" report 1
raw_ctl "$OUT" && fail "report printed control bytes: $(cat -v <<<"$OUT")"
expect_rc 0 "$LOA" report --household 1
raw_ctl "$OUT" && fail "household report printed control bytes: $(cat -v <<<"$OUT")"
contains "$OUT" 'Hộ \x1b[2JAn\x07'
echo "ok: control bytes escaped in CLI output"
