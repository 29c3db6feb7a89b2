#!/bin/bash
# `loa demo`: builds its own village, modems and notices in a temporary
# folder and prints the delivery reports (exit 0, an urgent notice, every
# SMS household accounted for, the folder removed) and the elders' calls
# as the README promises: confirmed (1), replayed (2 then 1), busy then
# confirmed when called again, unreached (never answers, twice), played
# (no key; a voicemail too).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
unset LOA_CONFIG
expect_rc 0 timeout 300 "$LOA" demo
contains "$OUT" "imported 48 households"
contains "$OUT" "== loa report 1"
contains "$OUT" "to all  URGENT"
contains "$OUT" "sms      40 total"
contains "$OUT" "delivered"
contains "$OUT" "Not reached — visit in person"
contains "$OUT" "== loa report 2"
contains "$OUT" "voice     6 total, 5 reached: confirmed 3, played 2, unreached 1"
call() { grep -q -- "$1 *-> $2\$" <<<"$OUT" || fail "no call '$1 -> $2' in: $(grep -- ' -> ' <<<"$OUT")"; }
call "answers, presses 1 (heard it)" "confirmed, 1 attempt, keys 1"
call "presses 2 (hear it again), then 1" "confirmed, 1 attempt, keys 21"
call "busy; called again later: presses 1" "confirmed, 2 attempts, keys 1"
call "never answers (rings out, twice)" "unreached, 2 attempts"
call "listens to the end, presses nothing" "played, 1 attempt"
call "voicemail: answers, no key" "played, 1 attempt"
dir=$(sed -n 's/^== demo village in //p' <<<"$OUT")
[ -n "$dir" ] && [ ! -e "$dir" ] || fail "demo folder $dir left behind"
echo "ok: demo"
