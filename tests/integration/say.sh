# `loa say`: spoken text, WAV output, and a bad dictionary line reported as
# file:line with exit code 2.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$LOA" say --print "KHẨN! Gọi 0912.345.678 trước 17h ngày 28/9."
[[ $OUT == "khẩn! Gọi không chín một hai, ba bốn năm, sáu bảy tám trước mười bảy giờ ngày hai mươi tám tháng chín." ]] ||
	fail "spoken text: $OUT"
expect_rc 0 "$LOA" say UBND xã thông báo
[[ $OUT == "ủy ban nhân dân xã thông báo" ]] || fail "default prints: $OUT"
echo "Họp thôn lúc 19h30." | { expect_rc 0 "$LOA" say --print -; contains "$OUT" "mười chín giờ ba mươi phút"; }

expect_rc 0 "$LOA" say -o "$WORK/n.wav" "Thông báo: họp thôn lúc 19h30 ngày 5/12."
[ -z "$OUT" ] || fail "-o alone printed: $OUT"
info=$(head -c 44 "$WORK/n.wav" | od -An -tu4 -j24 -N4 | tr -d ' ')
[ "$info" = 8000 ] || fail "sample rate $info"
size=$(stat -c %s "$WORK/n.wav")
[ "$size" -gt 40000 ] || fail "wav too short ($size bytes)"

printf 'UBND\tủy ban\nXYZ 5\n' >"$WORK/abbr.tsv"
cat >>"$LOA_CONFIG" <<CONF
abbreviations = abbr.tsv
CONF
expect_rc 2 "$LOA" say --print "UBND"
contains "$ERR" "abbr.tsv:2: expected KEY<TAB>spoken words"

expect_rc 2 "$LOA" say
contains "$ERR" "missing TEXT"
