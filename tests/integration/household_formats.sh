# The household files officers really have, through the real `loa
# household import`: Excel's "CSV (Comma delimited)" on a Vietnamese
# Windows (Windows-1258, tone marks as combining characters), "Unicode
# Text" (UTF-16LE with a BOM, tabs), UTF-8 in decomposed form (NFD, as
# macOS writes it), and the .xlsx itself (tests/data/ho-dan-thon-3.xlsx:
# title rows, shared strings with a rich-text run, a phone Excel stored as
# a number, two sheets; made by tests/data/make_ho_dan_xlsx.py); every
# name comes out as the same NFC text; an old .xls is refused with advice,
# in Vietnamese under a Vietnamese locale.
source "$(dirname "$0")/lib.sh"
DATA=$(cd "$(dirname "$0")/../data" && pwd)
expect_rc 0 "$LOA" init

# names with every tone and the letters Windows-1258 keeps apart (ă â ê ô
# ơ ư đ), in NFC UTF-8: what every format must come back as
names=("Nguyễn Văn Thưởng" "Trần Thị Ánh Tuyết" "Đặng Hữu Lộc" "Phạm Ngọc Ẩn" "Võ Thị Ơn" "Bùi Văn Ửng")
utf8="$WORK/src.csv"
{
	printf 'Họ và tên,Số điện thoại,Xóm,Ghi chú\r\n'
	for i in "${!names[@]}"; do
		printf '%s,09123457%02d,Xóm Đồng Bào,nhà số %d\r\n' "${names[$i]}" "$i" "$i"
	done
} >"$utf8"

names_in_db() { sql "SELECT name FROM households WHERE active = 1 ORDER BY phone" | tr '\n' '|'; }
want=$(printf '%s|' "${names[@]}")
fresh() { rm -f "$WORK/loa.db" "$WORK/loa.db-wal" "$WORK/loa.db-shm"; expect_rc 0 "$LOA" init; }

# 1. Windows-1258: glibc's converter writes the tones as combining marks
#    (0xCC grave, 0xEC acute, 0xD2 hook, 0xDE tilde, 0xF2 dot below), as
#    Excel does; check the file really has them
cp1258="$WORK/cp1258.csv"
iconv -f UTF-8 -t CP1258 "$utf8" >"$cp1258"
od -An -tx1 "$cp1258" | grep -q ' de' || fail "the Windows-1258 file has no combining tilde"
if iconv -f UTF-8 -t UTF-8 "$cp1258" >/dev/null 2>&1; then fail "the Windows-1258 fixture is valid UTF-8"; fi
expect_rc 0 "$LOA" household import "$cp1258"
[ "$(names_in_db)" = "$want" ] || fail "Windows-1258 names: $(names_in_db)"
[ "$(sql "SELECT name FROM groups")" = "Xóm Đồng Bào" ] || fail "group name: $(sql "SELECT * FROM groups")"
[ "$(sql "SELECT count(*) FROM households WHERE name <> trim(name)")" = 0 ] || fail "untrimmed names"

# 2. "Unicode Text": UTF-16LE with a BOM, tab-separated
fresh
u16="$WORK/unicode.txt"
{ printf '\xff\xfe'; tr ',' '\t' <"$utf8" | iconv -f UTF-8 -t UTF-16LE; } >"$u16"
expect_rc 0 "$LOA" household import "$u16"
[ "$(names_in_db)" = "$want" ] || fail "UTF-16 names: $(names_in_db)"

# 3. NFD UTF-8 (base letters and combining marks): stored NFC
fresh
nfd="$WORK/nfd.csv"
{
	printf 'Họ và tên,Số điện thoại\n'
	# "Nguyễn Văn Thưởng": e + circumflex (CC 82) + tilde (CC 83), a +
	# breve (CC 86), u + horn (CC 9B) + hook (CC 89)
	printf 'Nguye\xcc\x82\xcc\x83n Va\xcc\x86n Thu\xcc\x9bo\xcc\x9b\xcc\x89ng,0912345700\n'
} >"$nfd"
expect_rc 0 "$LOA" household import "$nfd"
[ "$(sql "SELECT name FROM households")" = "Nguyễn Văn Thưởng" ] || fail "NFD name not NFC: $(sql "SELECT hex(name) FROM households")"

# 4. the workbook: the header below two title rows, the number Excel made
#    of a phone, two numbers in one cell, the rich-text note, group names
fresh
expect_rc 0 "$LOA" household import "$DATA/ho-dan-thon-3.xlsx" --dry-run
contains "$ERR$OUT" "ho-dan-thon-3.xlsx:4: header row"
contains "$ERR$OUT" "912345602 had lost its leading 0"
contains "$ERR$OUT" "0987654304 the second phone"
[ "$(sql "SELECT count(*) FROM households")" = 0 ] || fail "a dry run wrote households"
expect_rc 0 "$LOA" household import "$DATA/ho-dan-thon-3.xlsx"
[ "$(sql "SELECT count(*) FROM households")" = 4 ] || fail "xlsx households: $(sql "SELECT * FROM households")"
[ "$(sql "SELECT note FROM households WHERE phone = '+84912345602'")" = "Bà cụ 82 tuổi, nghe kém" ] ||
	fail "rich-text note: $(sql "SELECT note FROM households")"
[ "$(sql "SELECT channel FROM households WHERE phone = '+84912345602'")" = 2 ] || fail "Gọi điện is voice"
[ "$(sql "SELECT channel FROM households WHERE phone = '+84912345603'")" = 3 ] || fail "SMS + gọi is both"
[ "$(sql "SELECT phone2 FROM households WHERE phone = '+84912345604'")" = "+84987654304" ] || fail "second phone"
[ "$(sql "SELECT code || '=' || name FROM groups ORDER BY code" | tr '\n' ' ')" = "xom-dong-tien=Xóm Đông Tiến xom-tay-son=Xóm Tây Sơn " ] ||
	fail "groups: $(sql "SELECT * FROM groups")"
# the second sheet by name; a wrong name lists the sheets
expect_rc 0 "$LOA" household import "$DATA/ho-dan-thon-3.xlsx" --sheet "Thôn 4"
[ "$(sql "SELECT name FROM households WHERE phone = '+84356111401'")" = "Bríu Thị Lan" ] || fail "sheet Thôn 4"
expect_rc 2 "$LOA" household import "$DATA/ho-dan-thon-3.xlsx" --sheet "Thôn 9"
contains "$ERR" "Thôn 3, Thôn 4"

# 5. an old .xls (OLE header): refused with advice, in Vietnamese too
printf '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1%0500d' 0 >"$WORK/ho-dan.xls"
expect_rc 2 "$LOA" household import "$WORK/ho-dan.xls"
contains "$ERR" ".xlsx"
[ "$(wc -l <<<"$ERR")" -le 2 ] || fail "more than a short error: $ERR"
expect_rc 2 env LC_ALL=vi_VN.UTF-8 LANGUAGE=vi "$LOA" household import "$WORK/ho-dan.xls"
contains "$ERR" "Excel"
[[ $ERR == *"lưu"* || $ERR == *"Lưu"* ]] || fail "the .xls advice is not in Vietnamese: $ERR"
echo "household_formats: ok"
