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
echo "ok: control bytes escaped in CLI output"
