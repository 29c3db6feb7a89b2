#!/bin/bash
# `loa demo`: builds its own village, modems and notice in a temporary
# folder and prints the delivery report (exit 0, every SMS household
# accounted for, the folder removed afterwards).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
unset LOA_CONFIG
expect_rc 0 timeout 300 "$LOA" demo
contains "$OUT" "imported 48 households"
contains "$OUT" "== loa report 1"
contains "$OUT" "sms      40 total"
contains "$OUT" "delivered"
contains "$OUT" "Not reached — visit in person"
dir=$(sed -n 's/^== demo village in //p' <<<"$OUT")
[ -n "$dir" ] && [ ! -e "$dir" ] || fail "demo folder $dir left behind"
echo "ok: demo"
