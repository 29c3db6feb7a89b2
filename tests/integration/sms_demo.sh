#!/bin/bash
# `loa demo`: builds its own village, modems and notices in a temporary
# folder and prints the delivery reports (exit 0, every SMS household
# accounted for, the elders' calls read to the end, the folder removed).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
unset LOA_CONFIG
expect_rc 0 timeout 300 "$LOA" demo
contains "$OUT" "imported 48 households"
contains "$OUT" "== loa report 1"
contains "$OUT" "sms      40 total"
contains "$OUT" "delivered"
contains "$OUT" "Not reached — visit in person"
contains "$OUT" "== loa report 2"
contains "$OUT" "voice     2 total, 2 reached: played 2"
dir=$(sed -n 's/^== demo village in //p' <<<"$OUT")
[ -n "$dir" ] && [ ! -e "$dir" ] || fail "demo folder $dir left behind"
echo "ok: demo"
