#!/bin/bash
# The visit list that closes the loop: a notice to a small village whose
# SMS to four numbers fail (the simulator's per-number report override);
# `loa report` lists them not reached; `loa visit` marks one told in
# person with a note (by its second phone), and the report counts it
# reached, the resend preview leaves it out; the refusals say what is
# wrong; `loa visit --list` is grouped by hamlet.  Then the web page: the
# visit list grouped by hamlet in order, tel: links for both phones, the
# "Đã báo tận nhà" button with its CSRF token; pressing it records the
# visit as web:admin, the household shows as told and the notice page
# counts it; the page of one group; the download, one row per household
# in walking order with Vietnamese headers; undo puts the household back.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"
command -v curl >/dev/null || { echo "curl is not installed (scripts/deps.sh installs it)"; exit 77; }

sms_config 1
cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
start_sim --modems 1 --report delivered --report-delay-ms 10
{
	echo "name,phone,groups,channel,accents,note"
	echo "Nguyễn Văn An,0912000001,thon-10,sms,yes,"
	echo "Đặng Thị Bé,0912000002,thon-2,sms,yes,nhà cuối ngõ"
	echo "Dương Văn Cả,0912000003,thon-2,sms,yes,"
	echo "Lê Văn Dũng,0912000004,,sms,yes,"
	echo "Trần Thị Em,0912000005,thon-2,sms,yes,"
	echo "Hoàng Văn Phúc,0912000006,thon-10,sms,yes,"
} >"$WORK/village.csv"
expect_rc 0 "$LOA" household import "$WORK/village.csv"
sql "UPDATE groups SET name = 'Thôn 2' WHERE code = 'thon-2'; UPDATE groups SET name = 'Thôn 10' WHERE code = 'thon-10'"
for n in 0912000002 0912000003 0912000004 0912000006; do
	simctl report "$n" failed >/dev/null || fail "override"
	simctl report "+84${n#0}" failed >/dev/null || fail "override"
done
expect_rc 0 "$LOA" notice send --to all --only-sms "Họp thôn 19h tối nay tại nhà văn hóa"
expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 3
states() { sql "SELECT channel || ':' || state || ':' || count(*) FROM deliveries WHERE notice_id = 1 GROUP BY channel, state ORDER BY channel, state" | tr '\n' ' '; }
[ "$(states)" = "sms:delivered:2 sms:failed:4 " ] || fail "after sending: $(states)"
# a second phone and an address written after the sending (with the second
# phone before it, the SMS would have gone there: sms_second_phone)
sql "UPDATE households SET address = 'Ngõ 3, Thôn 2', phone2 = '+84987000003' WHERE phone = '+84912000003'"
kill "$SIM_PID" && wait "$SIM_PID" 2>/dev/null
SIM_PID=
# a household added after the notice: not one of its households
expect_rc 0 "$LOA" household add --name "Bà Tám" --phone 0912000008 --groups thon-2

expect_rc 0 "$LOA" report 1
contains "$OUT" "households 6: 2 reached, 4 not reached"
contains "$OUT" "Dương Văn Cả"
expect_rc 0 "$LOA" notice resend 1 --dry-run
contains "$OUT" "resend to 4 households: 4 SMS"

# told in person, found by the second phone
expect_rc 0 "$LOA" visit 1 0987000003 --note "Gặp vợ, đã dặn"
contains "$OUT" "notice 1: household 3 (Dương Văn Cả) told in person: counted as reached"
[ "$(states)" = "sms:delivered:2 sms:failed:4 visit:informed:1 " ] || fail "after the visit: $(states)"
[ "$(sql "SELECT detail FROM events WHERE kind = 'visited'")" = "by cli: told in person; note: Gặp vợ, đã dặn" ] ||
	fail "visit event: $(sql "SELECT * FROM events WHERE kind = 'visited'")"
expect_rc 0 "$LOA" visit 1 3
contains "$OUT" "was already marked told in person; nothing changed"
[ "$(sql "SELECT note FROM deliveries WHERE channel = 'visit'")" = "Gặp vợ, đã dặn" ] || fail "note lost"
expect_rc 0 "$LOA" report 1
contains "$OUT" "visit     1 total, 1 reached: informed 1"
contains "$OUT" "households 6: 3 reached (1 told in person), 3 not reached"
[[ ${OUT#*Not reached} != *"Dương Văn Cả"* ]] || fail "told in person, still listed not reached: $OUT"
expect_rc 0 "$LOA" report 1 --unreached --csv
[ "$(grep -c '^' <<<"$OUT")" -eq 4 ] || fail "not reached CSV: $OUT"
[[ $OUT != *0912000003* ]] || fail "told in person, in the not-reached CSV: $OUT"
contains "$(head -1 <<<"$OUT")" ",cause_vi,address,note"
contains "$OUT" ",nhà cuối ngõ"
expect_rc 0 "$LOA" report 1 --csv
contains "$OUT" ",visit,informed,yes,"
contains "$OUT" ",\"Ngõ 3, Thôn 2\",\"Gặp vợ, đã dặn\""
expect_rc 0 "$LOA" notice resend 1 --dry-run
contains "$OUT" "notice 1: 3 households not reached"
contains "$OUT" "resend to 3 households: 3 SMS"

# the refusals, each saying what is wrong
expect_rc 2 "$LOA" visit 1 7
contains "$ERR" "notice 1 did not go to household 7"
expect_rc 2 "$LOA" visit 1 0912000008
contains "$ERR" "notice 1 did not go to a household with phone 0912000008"
expect_rc 2 "$LOA" visit 1 99
contains "$ERR" "no household 99"
expect_rc 2 "$LOA" visit 9 1
contains "$ERR" "no notice 9"
expect_rc 2 "$LOA" visit 1 2 --undo
contains "$ERR" "household 2 is not marked as told in person"
expect_rc 2 "$LOA" visit 1 2 --note "$(printf 'a\033[2Jb')"
contains "$ERR" "control characters"
expect_rc 2 "$LOA" visit 1
expect_rc 2 "$LOA" visit 1 2 --list
expect_rc 2 env -u LC_ALL LANG=vi_VN.UTF-8 "$LOA" visit 1 7
contains "$ERR" "thông báo 1 không gửi tới hộ 7"

# the list as text: Thôn 2, Thôn 10, then no group
expect_rc 0 "$LOA" visit 1 --list
order=$(grep -E '^(Thôn|No group)' <<<"$OUT" | tr '\n' '|')
[ "$order" = "Thôn 2|Thôn 10|No group|" ] || fail "groups: $order | $OUT"
contains "$OUT" "[x] 3     Dương Văn Cả               0912000003, 0987000003"
contains "$OUT" "told in person 2026-12-01 09:00: Gặp vợ, đã dặn"
contains "$OUT" "3 households to visit, 1 told in person"

# ---- the web page ----
. "$here/web_lib.bash"
expect_rc 0 "$LOA" user add admin <<<'mat-khau-dai'
start_web
J="$WORK/jar"
code() { curl -s -o "$WORK/body" -D "$WORK/head" -w '%{http_code}' -c "$J" -b "$J" "$@"; }
[ "$(code "$URL/login")" = 200 ] || fail "login page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | grep -o '[0-9a-f]\{64\}')
[ "$(code --data-urlencode "csrf=$CSRF" -d 'user=admin&password=mat-khau-dai' "$URL/login")" = 303 ] || fail "login"
[ "$(code "$URL/unreached?id=1")" = 200 ] || fail "visit list"
page=$(cat "$WORK/body")
grep -qi "^Content-Security-Policy: default-src 'self'; script-src 'none'" "$WORK/head" || fail "CSP"
[[ $page != *"<script"* && $page != *" style="* ]] || fail "script or inline style on the visit list"
order=$(grep -o '<h2>[^<]*</h2>' <<<"$page" | tr '\n' '|')
[ "$order" = "<h2>Thôn 2</h2>|<h2>Thôn 10</h2>|<h2>Chưa có nhóm</h2>|" ] || fail "groups: $order"
contains "$page" '<a href="tel:+84912000002">0912000002</a>'
contains "$page" 'nhà cuối ngõ'
contains "$page" '<button class="btn" type="submit">Đã báo tận nhà</button>'
contains "$page" '1 hộ đã được báo tận nhà (tính là đã nhận), không hiện trong danh sách'
[[ $page != *'id="h-3"'* ]] || fail "the household told in person is shown by default"
[ "$(code "$URL/unreached?id=1&all=1")" = 200 ] || fail "visit list, all"
page=$(cat "$WORK/body")
contains "$page" '<tr id="h-3" class="done">'
contains "$page" '<a href="tel:+84987000003">0987000003</a>'
contains "$page" 'Ngõ 3, Thôn 2'
contains "$page" 'Gặp vợ, đã dặn'
S=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | head -1 | grep -o '[0-9a-f]\{64\}')
# pressing the button for Đặng Thị Bé (household 2), with a note
[ "$(code -d 'id=1&household=2' "$URL/visit")" = 403 ] || fail "visit without CSRF"
[ "$(code --data-urlencode "csrf=$S" -d 'id=1&household=2' --data-urlencode 'note=Bà ở nhà, đã nghe' "$URL/visit")" = 303 ] ||
	fail "visit: $(cat "$WORK/body")"
grep -qi '^Location: /unreached?id=1&marked=2#h-2' "$WORK/head" || fail "back to the household: $(cat "$WORK/head")"
[ "$(sql "SELECT detail FROM events WHERE kind = 'visited' AND household_id = 2")" = "by web:admin: told in person; note: Bà ở nhà, đã nghe" ] ||
	fail "web visit event: $(sql "SELECT * FROM events WHERE kind = 'visited'")"
[ "$(code "$URL/unreached?id=1&marked=2")" = 200 ] || fail "visit list after marking"
page=$(cat "$WORK/body")
contains "$page" '<tr id="h-2" class="done">'
contains "$page" '✓ Đã báo tận nhà'
contains "$page" '<b>2</b> hộ chưa nhận được thông báo'
[ "$(code "$URL/notice?id=1")" = 200 ] || fail "notice page"
page=$(cat "$WORK/body")
contains "$page" '<td>Báo tận nhà</td><td data-l="Báo tận nhà">2/2 '
contains "$page" '<b>4/6</b>'
contains "$page" 'trong đó 2 hộ được báo tận nhà'
expect_rc 0 "$LOA" report 1
contains "$OUT" "households 6: 4 reached (2 told in person), 2 not reached"
expect_rc 0 "$LOA" notice resend 1 --dry-run
contains "$OUT" "resend to 2 households: 2 SMS"
# the visit list's download: one row per household in walking order,
# Vietnamese headers, UTF-8 with a BOM and CRLF, told ones said so
[ "$(code "$URL/unreached?id=1")" = 200 ] || fail "visit list"
contains "$(cat "$WORK/body")" '<a href="/unreached.csv?id=1">Tải CSV</a>'
[ "$(code "$URL/unreached.csv?id=1")" = 200 ] || fail "visit list CSV"
[ "$(head -c 3 "$WORK/body" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "visit list CSV without BOM"
grep -qi '^Content-Disposition: attachment; filename="bao-tan-nha-1.csv"' "$WORK/head" || fail "CSV name: $(cat "$WORK/head")"
[ "$(grep -c $'\r$' "$WORK/body")" -eq 5 ] || fail "visit list CSV lines not CRLF"
csv=$(tail -c +4 "$WORK/body" | tr -d '\r')
[ "$(head -1 <<<"$csv")" = "Nhóm,Họ tên,Số điện thoại,Số điện thoại 2,Địa chỉ,Ghi chú,Đã thử,Đã báo tận nhà,Mã hộ" ] ||
	fail "visit list CSV header: $(head -1 <<<"$csv")"
names=$(tail -n +2 <<<"$csv" | cut -d, -f1,2 | tr '\n' '|')
[ "$names" = "Thôn 2,Đặng Thị Bé|Thôn 2,Dương Văn Cả|Thôn 10,Hoàng Văn Phúc|Chưa có nhóm,Lê Văn Dũng|" ] ||
	fail "visit list CSV order: $names"
contains "$csv" 'Thôn 2,Dương Văn Cả,0912000003,0987000003,"Ngõ 3, Thôn 2",,SMS: lỗi'
contains "$csv" 'Thôn 2,Đặng Thị Bé,0912000002,,,nhà cuối ngõ,SMS: lỗi'
contains "$csv" ',"có, 2026-12-01 09:00: Bà ở nhà, đã nghe",2'
[ "$(code "$URL/unreached.csv?id=1&group=thon-10")" = 200 ] || fail "visit list CSV of a group"
[ "$(tail -c +4 "$WORK/body" | tr -d '\r' | tail -n +2 | cut -d, -f2)" = "Hoàng Văn Phúc" ] || fail "group CSV: $(cat "$WORK/body")"
[ "$(code "$URL/unreached.csv?id=1&group=nowhere")" = 400 ] || fail "CSV of an unknown group"
[ "$(code "$URL/unreached.xlsx?id=1&group=thon-2")" = 200 ] || fail "visit list .xlsx"
[ "$(head -c 2 "$WORK/body")" = PK ] || fail "not a workbook"
# a group's page, and the button's answer back on it
[ "$(code "$URL/unreached?id=1&group=thon-2&all=1")" = 200 ] || fail "visit list of a group"
page=$(cat "$WORK/body")
[ "$(grep -o '<h2>[^<]*</h2>' <<<"$page" | tr '\n' '|')" = "<h2>Thôn 2</h2>|" ] || fail "group page headings"
contains "$page" '<option value="thon-2" selected>Thôn 2</option>'
contains "$page" 'Cả thông báo: <b>2</b> hộ cần đến báo tận nhà · 2 hộ đã được báo tận nhà'
contains "$page" 'Nhóm Thôn 2: Không còn hộ nào cần đến báo tận nhà. 2 hộ đã được báo tận nhà (tính là đã nhận).'
contains "$page" '<input type="hidden" name="group" value="thon-2">'
[ "$(code --data-urlencode "csrf=$S" -d 'id=1&household=3&group=thon-2&all=1' "$URL/visit")" = 303 ] || fail "visit again"
grep -qi '^Location: /unreached?id=1&marked=3&group=thon-2&all=1#h-3' "$WORK/head" || fail "back to the group: $(cat "$WORK/head")"
# a wrong click undone: back on the list, counted not reached
[ "$(code --data-urlencode "csrf=$S" -d 'id=1&household=2' "$URL/visit/undo")" = 303 ] || fail "undo"
grep -qi '^Location: /unreached?id=1&undone=2#h-2' "$WORK/head" || fail "undo location"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'visit_undone' AND detail LIKE 'by web:admin:%'")" = 1 ] || fail "undo event"
expect_rc 0 "$LOA" report 1
contains "$OUT" "households 6: 3 reached (1 told in person), 3 not reached"
stop_web
echo "ok: visit list: loa visit, the web button, counted reached, left out of the resend, undo"
