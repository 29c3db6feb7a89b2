# Keeping the household list up to date as an officer does: a real sheet
# (title rows above the header, Vietnamese headers, groups as names,
# numbers as Excel leaves them) imported; list --csv exported, two rows
# changed and one added with sed, `import --update --dry-run` shows exactly
# those, `import --update` makes exactly those (list --csv before/after);
# --deactivate-missing; a bad sheet lists every problem of every row in
# Vietnamese and imports nothing; and the same update through the web page
# (curl, multipart upload, preview, confirm with the CSRF token).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init

# the village's sheet, as saved from Excel: title rows, a blank row, STT
# and birth-year columns, a lost leading 0, two numbers in one cell
s="$WORK/ho-dan.csv"
{
	printf '\xEF\xBB\xBFDANH SÁCH HỘ DÂN THÔN TÂN LỢI,,,,,,\r\n'
	printf 'Xã Hòa Bình - huyện Đông Sơn,,,,,,\r\n'
	printf ',,,,,,\r\n'
	printf 'STT,Họ và tên chủ hộ,Số ĐT,Xóm,Cách nhận,Năm sinh,Ghi chú\r\n'
	i=0
	while IFS='|' read -r name phone xom how; do
		i=$((i + 1))
		printf '%d,%s,%s,%s,%s,19%02d,\r\n' "$i" "$name" "$phone" "$xom" "$how" $((30 + i))
	done <<'ROWS'
Nguyễn Văn An|0912 345 601|Xóm Đông Tiến|SMS
Trần Thị Bình|912345602|Xóm Đông Tiến|Gọi điện
Lê Văn Cường|0912345603 / 0987654303|Xóm Đông Tiến|SMS + gọi
Phạm Thị Dung|0912.345.604|Xóm Đông Tiến|Tin nhắn
Hoàng Văn Em|0912345605|Xóm Tây Sơn|Cả hai
Võ Thị Gấm|0912345606|Xóm Tây Sơn|SMS
Đặng Văn Hải|0912345607|Xóm Tây Sơn|Gọi
Bùi Thị Hoa|0912345608|Xóm Tây Sơn|SMS
Đỗ Văn Khang|0912345609|Xóm Tây Sơn|
Hồ Thị Lan|0912345610|Xóm Bắc|SMS
Ngô Văn Minh|0912345611|Xóm Bắc|Gọi điện
Dương Thị Nga|0912345612|Xóm Bắc|SMS
Lý Văn Phúc|0912345613|Xóm Bắc|SMS
Mai Thị Quyên|0912345614|Xóm Bắc|Cả hai
Trịnh Văn Sơn|0912345615|Xóm Nam|SMS
Đinh Thị Tâm|0912345616|Xóm Nam|SMS
Lưu Văn Uy|(0233) 3852 456|Xóm Nam|
Phan Thị Vân|0912345618|Xóm Nam|SMS
Tạ Văn Xuân|0912345619|Xóm Nam|Gọi
Nguyễn Thị Yến|0912345601|Xóm Nam|SMS
ROWS
} >"$s"
expect_rc 0 "$LOA" household import "$s"
contains "$OUT" "ho-dan.csv:4: header row (the 3 rows above it are skipped)"
contains "$OUT" 'ho-dan.csv:4: header: columns not used: "STT", "Năm sinh"'
contains "$OUT" "ho-dan.csv:6: column Số ĐT (C): 912345602 had lost its leading 0"
contains "$OUT" "ho-dan.csv:7: column Số ĐT (C): '0912345603 / 0987654303' holds two numbers"
contains "$OUT" "ho-dan.csv:24: column Số ĐT (C): 0912345601 is also the phone of line 5 (Nguyễn Văn An)"
contains "$OUT" 'group xom-dong-tien: name "Xóm Đông Tiến"'
contains "$OUT" "imported 20 households"
[ "$(sql "SELECT count(*) FROM households WHERE active = 1")" = 20 ] || fail "20 households"
[ "$(sql "SELECT name FROM groups WHERE code = 'xom-tay-son'")" = "Xóm Tây Sơn" ] || fail "group display name"
[ "$(sql "SELECT channel FROM households WHERE name = 'Lưu Văn Uy'")" = 2 ] || fail "landline: voice"

# export, change two rows and add one, as an officer would in Excel
"$LOA" household list --csv >"$WORK/before.csv"
head -1 "$WORK/before.csv" | grep -q '^.*id,name,phone,phone2,groups,channel,accents,note,address' ||
	fail "list --csv header: $(head -1 "$WORK/before.csv")"
sed -e 's/^2,Trần Thị Bình,0912345602,/2,Trần Thị Bình,0987000002,/' \
	-e 's/^11,\(Ngô Văn Minh,[^,]*,[^,]*,\)xom-bac,voice,yes,,/11,\1xom-bac xom-nam,voice,yes,chuyển sang xóm Nam,/' \
	"$WORK/before.csv" >"$WORK/edited.csv"
printf ',Kiều Văn Mới,0905111222,,Xóm Nam,sms,yes,,Số 3 ngõ 5\r\n' >>"$WORK/edited.csv"
[ "$(diff "$WORK/before.csv" "$WORK/edited.csv" | grep -c '^>')" = 3 ] || fail "the edit: $(diff "$WORK/before.csv" "$WORK/edited.csv")"

expect_rc 0 "$LOA" household import --update --dry-run "$WORK/edited.csv"
plan=$(grep -E '^(add|change|deactivate)' <<<"$OUT")
want="change (line 3): Trần Thị Bình (id 2): phone 0912345602 → 0987000002
change (line 12): Ngô Văn Minh (id 11): groups xom-bac → xom-bac xom-nam, note — → chuyển sang xóm Nam
add (line 22): Kiều Văn Mới, 0905111222, groups xom-nam"
[ "$plan" = "$want" ] || fail "the plan: $plan"
contains "$OUT" "edited.csv: 21 rows: 1 to add, 2 to change, 18 unchanged"
contains "$OUT" "dry run: nothing written"
"$LOA" household list --csv >"$WORK/still.csv"
cmp "$WORK/before.csv" "$WORK/still.csv" || fail "dry run wrote"

expect_rc 0 "$LOA" household import --update "$WORK/edited.csv"
contains "$OUT" "done: 1 added, 2 changed, 0 deactivated"
"$LOA" household list --csv >"$WORK/after.csv"
# exactly those changes: the edited file with the new household's id
sed 's/^,Kiều Văn Mới,0905111222,,Xóm Nam,/21,Kiều Văn Mới,0905111222,,xom-nam,/' "$WORK/edited.csv" | cmp - "$WORK/after.csv" ||
	fail "list --csv after the update: $(diff "$WORK/edited.csv" "$WORK/after.csv")"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'household_edited' AND detail LIKE 'import by cli (edited.csv:%'")" = 2 ] ||
	fail "changes not logged"
# the same file again: nothing to change
expect_rc 0 "$LOA" household import --update "$WORK/edited.csv"
contains "$OUT" "0 to add, 0 to change, 21 unchanged"

# the file as the whole list: the households not in it are deactivated
grep -v '^20,Nguyễn Thị Yến' "$WORK/after.csv" >"$WORK/whole.csv"
expect_rc 2 "$LOA" household import --deactivate-missing "$WORK/whole.csv"
contains "$ERR" "--deactivate-missing needs --update"
expect_rc 0 "$LOA" household import --update --deactivate-missing --dry-run "$WORK/whole.csv"
contains "$OUT" "deactivate: Nguyễn Thị Yến (id 20)"
contains "$OUT" "20 rows: 0 to add, 0 to change, 20 unchanged, 1 to deactivate"
expect_rc 0 "$LOA" household import --update --deactivate-missing "$WORK/whole.csv"
[ "$(sql "SELECT active FROM households WHERE id = 20")" = 0 ] || fail "not deactivated"

# without --update the same sheet is refused, with the advice
expect_rc 2 "$LOA" household import "$WORK/whole.csv"
contains "$ERR" "whole.csv:2: column phone (C): 0912345601 is already registered to household 1 (Nguyễn Văn An): use --update to change existing households"

# a bad sheet: every problem of every row, in Vietnamese; nothing imported
b="$WORK/xau.csv"
printf 'DANH SÁCH BỔ SUNG\r\nHọ và tên,Số ĐT,SĐT 2,Xóm,Cách nhận,Dấu\r\n' >"$b"
printf ',9.12346E+08,,Xóm Bắc,fax,có\r\n' >>"$b"
printf 'Hà Văn Tư,113,0912345682 / 0987654321,Xóm Bắc,SMS,có lẽ\r\n' >>"$b"
printf 'Cao Thị Út,02333852499,,all,SMS,\r\n' >>"$b"
printf 'Khúc Văn Vũ,0905 777 888,,Xóm Bắc,,\r\n' >>"$b"
n=$(sql "SELECT count(*) FROM households")
expect_rc 2 env -u LC_ALL LANG=vi_VN.UTF-8 "$LOA" household import "$b"
for want in \
	"xau.csv:3: cột Họ và tên (A): trống" \
	"xau.csv:3: cột Số ĐT (B): '9.12346E+08': Excel đã đổi số thành dạng số mũ (E+) nên mất các chữ số cuối; hãy định dạng cột là Văn bản (Text) rồi gõ lại số" \
	"xau.csv:3: cột Cách nhận (E): 'fax' không phải cách nhận thông báo" \
	"xau.csv:4: cột Số ĐT (B): '113' là số khẩn cấp, không thể là số nhận thông báo" \
	"xau.csv:4: cột SĐT 2 (C): '0912345682 / 0987654321' có nhiều hơn một số" \
	"xau.csv:4: cột Dấu (F): 'có lẽ' không phải có hoặc không" \
	"xau.csv:5: cột Xóm (D): 'all' không dùng làm nhóm được" \
	"xau.csv:5: cột Cách nhận (E): 02333852499 là số cố định: không nhận được tin nhắn" \
	"xau.csv: 8 lỗi; chưa nhập gì"; do
	contains "$ERR" "$want"
done
[ "$(sql "SELECT count(*) FROM households")" = "$n" ] || fail "a bad sheet imported something"

# the web page: upload -> preview -> confirm
expect_rc 0 "$LOA" user add can-bo <<<'mat-khau-dai'
start_web
J="$WORK/jar"
[ "$(web_code 127.0.0.1 -c "$J" -b "$J" "$URL/login")" = 200 ] || fail "login page"
C=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | grep -o '[0-9a-f]\{64\}')
[ "$(web_code 127.0.0.1 -c "$J" -b "$J" --data-urlencode "csrf=$C" -d 'user=can-bo&password=mat-khau-dai' \
	"$URL/login")" = 303 ] || fail "login"
[ "$(web_code 127.0.0.1 -b "$J" "$URL/households/upload")" = 200 ] || fail "upload page"
contains "$(cat "$WORK/body")" 'enctype="multipart/form-data"'
S=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | head -1 | grep -o '[0-9a-f]\{64\}')
"$LOA" household list --csv | sed 's/^5,Hoàng Văn Em,0912345605,/5,Hoàng Văn Em,0905000005,/' >"$WORK/web.csv"
# without a session, or to another page, a multipart body is refused before it is read
[ "$(web_code 127.0.0.1 -F "csrf=$S" -F "file=@$WORK/web.csv" "$URL/households/upload")" = 403 ] ||
	fail "upload without a session"
[ "$(web_code 127.0.0.1 -b "$J" -F "csrf=$S" -F "file=@$WORK/web.csv" "$URL/new/preview")" = 415 ] ||
	fail "multipart to another page"
[ "$(web_code 127.0.0.1 -b "$J" -F "update=1" -F "file=@$WORK/web.csv" "$URL/households/upload")" = 403 ] ||
	fail "upload without the CSRF token"
[ "$(web_code 127.0.0.1 -b "$J" -F "csrf=$S" -F "update=1" -F "file=@$WORK/web.csv;filename=Danh sách hộ.csv" \
	"$URL/households/upload")" = 200 ] || fail "preview: $(cat "$WORK/body")"
page=$(cat "$WORK/body")
contains "$page" "Xem trước — chưa ghi gì"
contains "$page" "Danh sách hộ.csv"
contains "$page" "Sửa 1 hộ"
contains "$page" "số điện thoại 0912345605 → 0905000005"
[ "$(sql "SELECT phone FROM households WHERE id = 5")" = "+84912345605" ] || fail "the preview wrote"
T=$(grep -o 'name="token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
D=$(grep -o 'name="digest" value="[0-9a-f]*"' <<<"$page" | grep -o '[0-9a-f]\{64\}')
[ "$(web_code 127.0.0.1 -b "$J" --data-urlencode "csrf=$S" --data-urlencode "token=$T" -d "digest=$D&update=1" \
	"$URL/households/upload/confirm")" = 200 ] || fail "confirm: $(cat "$WORK/body")"
contains "$(cat "$WORK/body")" "sửa <b>1</b> hộ"
[ "$(sql "SELECT phone FROM households WHERE id = 5")" = "+84905000005" ] || fail "the upload did not change the household"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'household_edited' AND household_id = 5 AND detail LIKE 'import by web:can-bo%'")" = 1 ] ||
	fail "the change is not logged with the web user"
stop_web
echo "household_update: ok"
