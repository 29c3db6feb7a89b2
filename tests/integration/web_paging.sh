# The notice page a page at a time, its filters and the officers'
# downloads over real HTTP (`loa web` + curl, issue 15): a village of 300
# households; pages 1 and 2 differ and all pages cover every delivery
# once; each filter keeps exactly what the database says; "only not
# reached" keeps no household that something reached; the CSV for Excel
# has a BOM, CRLF and Vietnamese headers; the .xlsx is a valid zip whose
# sheet has the phone as a string with its leading 0; the households'
# downloads; the streamed CSV of a 5,000-household notice is complete.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.bash"
command -v unzip >/dev/null || { echo "unzip is not installed (scripts/deps.sh installs it)"; exit 77; }

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init
{
	printf 'name,phone,groups,channel,accents,note\n'
	for i in $(seq 1 300); do
		case $((i % 3)) in 0) g=xom-dong-tien ;; 1) g=xom-tay-son ;; *) g=to-chan-nuoi ;; esac
		printf 'Trần Thị Hộ %03d,0912%06d,%s,both,yes,\n' "$i" "$i" "$g"
	done
} >"$WORK/village.csv"
expect_rc 0 "$LOA" household import "$WORK/village.csv"
sql "UPDATE groups SET name = 'Xóm Đông Tiến' WHERE code = 'xom-dong-tien'"
expect_rc 0 "$LOA" notice send --to all "Họp thôn 19h30 tối nay tại nhà văn hóa"
# A day of sending: SMS delivered or failed, calls confirmed or unreached;
# households 6, 12, ...: both failed, not reached
sql "UPDATE deliveries SET attempts = 1, updated_at = $LOA_FAKE_TIME + household_id,
       state = CASE WHEN household_id % 2 = 0 THEN 'failed' ELSE 'delivered' END,
       last_error = CASE WHEN household_id % 2 = 0 THEN '+CMS ERROR 1' ELSE '' END WHERE channel = 'sms';
     UPDATE deliveries SET updated_at = $LOA_FAKE_TIME + household_id,
       state = CASE WHEN household_id % 3 = 0 THEN 'unreached' ELSE 'confirmed' END WHERE channel = 'voice'"
expect_rc 0 "$LOA" user add can-bo <<<'mat-khau-dai'
export TMPDIR="$WORK/tmp" # where `loa web` makes a workbook before sending it
mkdir -p "$TMPDIR"
start_web

J="$WORK/jar"
get() { web_code 127.0.0.1 -b "$J" -c "$J" "$@"; }
[ "$(get "$URL/login")" = 200 ] || fail "login page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | grep -o '[0-9a-f]\{64\}')
[ "$(get --data-urlencode "csrf=$CSRF" -d 'user=can-bo&password=mat-khau-dai' "$URL/login")" = 303 ] ||
	fail "login: $(cat "$WORK/body")"

# rows PAGE-URL: the household id of every row of the log, one a line
rows() {
	[ "$(get "$1")" = 200 ] || fail "GET $1: $(head -c 300 "$WORK/body")"
	[ "$(stat -c %s "$WORK/body")" -lt 204800 ] || fail "GET $1: larger than 200 KB"
	grep -o '<tr><td data-l="Hộ"><a href="/household?id=[0-9]*"' "$WORK/body" | grep -o '[0-9]*' || true
}

# pages: 100 rows each, different, together every delivery once
p1=$(rows "$URL/notice?id=1")
p2=$(rows "$URL/notice?id=1&page=2")
[ "$(wc -l <<<"$p1")" = 100 ] || fail "page 1 has $(wc -l <<<"$p1") rows"
[ "$(wc -l <<<"$p2")" = 100 ] || fail "page 2 has $(wc -l <<<"$p2") rows"
[ "$p1" != "$p2" ] || fail "pages 1 and 2 are the same"
grep -q 'Lượt gửi 101–200 trong 600 · trang 2/6.' "$WORK/body" || fail "page 2's place in the log"
grep -q '<a href="/notice?id=1&amp;page=3">3</a>' "$WORK/body" || fail "page links"
all=$(for p in 1 2 3 4 5 6; do rows "$URL/notice?id=1&page=$p"; done)
[ "$(wc -l <<<"$all")" = 600 ] || fail "6 pages have $(wc -l <<<"$all") rows, not 600"
[ "$(sort -n <<<"$all" | uniq -c | awk '$1 != 2' | wc -l)" = 0 ] || fail "a household not exactly twice"
[ "$(sort -un <<<"$all" | wc -l)" = 300 ] || fail "not every household"
grep -q 'Hộ 300<' "$WORK/body" || fail "the last page does not end with the last household"

# filters narrow to what the database says
check() { # check QUERY SQL-COUNT WHAT
	local got
	got=$(for p in 1 2 3 4; do rows "$URL/notice?id=1&$1&page=$p"; done | wc -l)
	[ "$got" = "$2" ] || fail "$3: $got rows, the database has $2"
}
check "state=failed" "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 1 AND state = 'failed'")" "failed"
check "channel=voice&state=unreached" 100 "calls unreached"
check "group=xom-dong-tien" 200 "a group"
grep -q '<option value="xom-dong-tien" selected>Xóm Đông Tiến</option>' "$WORK/body" || fail "the group by its name"
not_reached=$(sql "SELECT count(*) FROM deliveries d WHERE notice_id = 1 AND NOT EXISTS (SELECT 1 FROM deliveries r
	WHERE r.notice_id = 1 AND r.household_id = d.household_id AND r.state IN ('delivered', 'played', 'confirmed'))")
[ "$not_reached" = 100 ] || fail "the village: $not_reached deliveries not reached, expected 100"
check "unreached=1" 100 "only not reached"
# ... and none of them reached: households 6, 12, ... 300
ids=$(for p in 1 2; do rows "$URL/notice?id=1&unreached=1&page=$p"; done | sort -un)
[ "$(awk '$1 % 6 != 0' <<<"$ids" | wc -l)" = 0 ] || fail "a reached household among the not reached: $ids"
[ "$(wc -l <<<"$ids")" = 50 ] || fail "$(wc -l <<<"$ids") households not reached, expected 50"
check "unreached=1&group=xom-dong-tien&channel=sms" 50 "not reached in a group, by SMS"
[ "$(get "$URL/notice?id=1&state=nonsense")" = 400 ] || fail "a bad state is not refused"
[ "$(get "$URL/notice?id=1&page=0")" = 400 ] || fail "page 0 is not refused"

# the CSV for Excel: BOM, Vietnamese headers, CRLF, every delivery, national numbers
[ "$(get "$URL/notice.csv?id=1")" = 200 ] || fail "CSV"
[ "$(head -c 3 "$WORK/body" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "CSV without BOM"
head -1 "$WORK/body" | grep -q 'Mã hộ,Họ tên,Số điện thoại,Nhóm,Kênh,Trạng thái,Đã nhận,' || fail "CSV headers"
[ "$(tr -cd '\r' <"$WORK/body" | wc -c)" = 601 ] || fail "CSV: not 601 CRLF lines"
grep -q '^3,Trần Thị Hộ 003,0912000003,Xóm Đông Tiến,Gọi điện,không liên lạc được,không,' "$WORK/body" ||
	fail "CSV row in Vietnamese: $(grep -m1 '^3,' "$WORK/body")"
grep -qi '^Content-Disposition: attachment; filename="thong-bao-1.csv"' "$WORK/head" || fail "CSV not a download"
[ "$(get -I "$URL/notice.csv?id=1")" = 200 ] || fail "HEAD of the CSV"
grep -q 'Mã hộ' "$WORK/body" && fail "HEAD of the CSV has a body"
[ "$(get "$URL/notice.csv?id=1&unreached=1")" = 200 ] || fail "CSV of the not reached"
[ "$(tr -cd '\r' <"$WORK/body" | wc -c)" = 101 ] || fail "not reached CSV: not 101 lines"

# the .xlsx: a zip, the phone a string that keeps its 0, the header bold and frozen
[ "$(get "$URL/notice.xlsx?id=1")" = 200 ] || fail ".xlsx"
mv "$WORK/body" "$WORK/log.xlsx"
grep -qi '^Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' "$WORK/head" ||
	fail ".xlsx type"
unzip -tq "$WORK/log.xlsx" >/dev/null || fail ".xlsx is not a valid zip"
sheet=$(unzip -p "$WORK/log.xlsx" xl/worksheets/sheet1.xml)
[[ $sheet =~ \<c\ r=\"C2\"[^\>]*t=\"(inlineStr|s)\"[^\>]*\>\<is\>\<t\>0912000001\</t\> ]] ||
	fail "the phone is not a text cell 0912000001: $(grep -o '<c r="C2"[^/]*' <<<"$sheet" | head -1)"
[[ $sheet == *'<pane ySplit="1"'* ]] || fail "the header row is not frozen"
[[ $sheet == *'<autoFilter ref="A1:N601"/>'* ]] || fail "no filter buttons on 601 rows"
[[ $(unzip -p "$WORK/log.xlsx" xl/styles.xml) == *'<b/>'* ]] || fail "no bold header"
[ -z "$(ls -A "$TMPDIR")" ] || fail "a temporary workbook was left behind: $(ls "$TMPDIR")"

# the households: CSV and .xlsx
[ "$(get "$URL/households.csv")" = 200 ] || fail "households CSV"
head -1 "$WORK/body" | grep -q 'Mã hộ,Họ tên,Số điện thoại,Số điện thoại 2,Nhóm,Kênh,' || fail "households headers"
[ "$(tr -cd '\r' <"$WORK/body" | wc -c)" = 301 ] || fail "households CSV: not 301 lines"
[ "$(get "$URL/households.xlsx")" = 200 ] || fail "households .xlsx"
mv "$WORK/body" "$WORK/hh.xlsx"
unzip -p "$WORK/hh.xlsx" xl/worksheets/sheet1.xml | grep -q '<t>0912000300</t>' || fail "households .xlsx phone"

# a larger village: the streamed CSV is whole
stop_web
{
	printf 'name,phone,groups,channel,accents,note\n'
	for i in $(seq 1 5000); do printf 'Hộ lớn %d,0988%06d,thon-lon,both,yes,\n' "$i" "$i"; done
} >"$WORK/big.csv"
expect_rc 0 "$LOA" household import "$WORK/big.csv"
expect_rc 0 "$LOA" notice send --to thon-lon --over-budget "Lịch tiêm phòng"
start_web # the session lives in the database: still logged in
[ "$(get "$URL/notice.csv?id=2")" = 200 ] || fail "big CSV"
[ "$(tr -cd '\r' <"$WORK/body" | wc -c)" = 10001 ] || fail "big CSV: $(tr -cd '\r' <"$WORK/body" | wc -c) lines"
tail -c 200 "$WORK/body" | grep -q 'Hộ lớn 5000,0988005000,thon-lon,Gọi điện,chờ gửi' || fail "big CSV ends early"
# a client that goes away after the first bytes: the page carries on
curl -s -b "$J" "$URL/notice.csv?id=2" | head -c 2000 >/dev/null || true
curl -s -b "$J" "$URL/notice.xlsx?id=2" | head -c 2000 >/dev/null || true
[ "$(get "$URL/notice?id=2&page=100")" = 200 ] || fail "the page after a dropped download"
grep -q 'Lượt gửi 9.901–10.000 trong 10.000 · trang 100/100.' "$WORK/body" || fail "page 100 of the big notice"
[ -z "$(ls -A "$TMPDIR")" ] || fail "a dropped download left a workbook behind: $(ls "$TMPDIR")"
stop_web
echo "ok"
