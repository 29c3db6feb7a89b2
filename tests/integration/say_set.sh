# `loa say --print` of a 30-sentence realistic notice set (scam warnings,
# policy-bank days, storms, vaccination, pensions, land: account numbers,
# short dates, units, plates, web addresses, acronyms) against the checked-in
# readings, line by line (a diff on failure); and notice text that starts
# with a dash, as a bulleted line does, without "--".
source "$(dirname "$0")/lib.sh"
data="$(cd "$(dirname "$0")/../data" && pwd)"

: >"$WORK/got"
while IFS= read -r line; do
	expect_rc 0 "$LOA" say --print "$line"
	printf '%s\n' "$OUT" >>"$WORK/got"
done <"$data/speech_set.txt"
[ "$(wc -l <"$data/speech_set.txt")" -eq 30 ] || fail "the set is not 30 sentences"
if ! diff -u "$data/speech_set.expected" "$WORK/got" >"$WORK/diff"; then
	cat "$WORK/diff" >&2
	fail "speech set: $(grep -c '^+[^+]' "$WORK/diff") of 30 readings differ (- expected, + got)"
fi

# A bulleted notice: a dash argument that cannot be an option is text.
expect_rc 0 "$LOA" say --print "- Họp thôn lúc 19h30."
[[ $OUT == "Họp thôn lúc mười chín giờ ba mươi phút." ]] || fail "bullet: $OUT"
expect_rc 0 "$LOA" say "-Mang theo CCCD" --print
[[ $OUT == "Mang theo căn cước công dân" ]] || fail "bullet without a space: $OUT"
expect_rc 0 "$LOA" say "-5 độ C"
[[ $OUT == "âm năm độ xê" ]] || fail "a negative number: $OUT"
expect_rc 0 "$LOA" say "- Thôn 1:" "- Thôn 2:" -p
[[ $OUT == "Thôn một, Thôn hai" ]] || fail "two bullets: $OUT"
expect_rc 0 "$LOA" say -- "-x" --print
[[ $OUT == "x, print" ]] || fail "after --: $OUT"
# option-looking words are still options: a typo is an error, not speech
expect_rc 2 "$LOA" say --prnt "Họp thôn"
contains "$ERR" "usage: loa say"
expect_rc 2 "$LOA" say -x
expect_rc 0 "$LOA" say -o "$WORK/b.wav" "- Họp thôn lúc 19h30."
[ -s "$WORK/b.wav" ] || fail "no audio for a bulleted text"
