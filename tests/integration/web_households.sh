# The households, groups, senders and templates pages (issue 15, item 3)
# over real HTTP (`loa web` + curl): the list with a search that ignores
# accents and takes a number in any form, the filters, adding and editing a
# household (second phone, groups by name, opt-out, deactivating), every
# change an event naming the web user and visible to `loa household list
# --csv`; a hostile name stays text; POSTs without the CSRF token are
# refused; senders are added, unlocked and removed only after their
# "Bạn có chắc?" step; templates added and removed; groups renamed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init
{
	printf 'name,phone,groups,channel,accents,note\n'
	printf 'Nguyễn Văn An,0912345678,dong-tien,sms,yes,\n'
	printf '<script>alert(1)</script>,0912000111,dong-tien,both,no,"<img src=x onerror=alert(2)>"\n'
	printf 'Lê Thị Cúc,0905123456,tay-son,voice,yes,bà cụ 80 tuổi\n'
	printf 'Trần Văn Dũng,0987654321,tay-son chan-nuoi,both,yes,\n'
	printf 'Phạm Thị Hoa,0336111222,dong-tien,sms,yes,\n'
	printf 'Đặng Văn Đông,0358222333,chan-nuoi,sms,yes,\n'
} >"$WORK/h.csv"
expect_rc 0 "$LOA" household import "$WORK/h.csv"
expect_rc 0 "$LOA" household edit 5 --opt-out yes
sql "UPDATE groups SET name = 'Xóm Đông Tiến' WHERE code = 'dong-tien'"
hostile=$(sql "SELECT id FROM households WHERE name LIKE '<script>%'")
expect_rc 0 "$LOA" user add canbo1 <<<'mat-khau-dai'
start_web

J="$WORK/jar"
# code CURL-ARGS...: the HTTP status; body in $WORK/body, headers in $WORK/head
code() { curl -s -o "$WORK/body" -D "$WORK/head" -w '%{http_code}' "$@" || true; }
body() { cat "$WORK/body"; }
has() { grep -qF -- "$1" "$WORK/body" || fail "expected '$1' in the page: $(sed 's/.*<main>//' "$WORK/body" | head -c 3000)"; }
hasnt() { grep -qF -- "$1" "$WORK/body" && fail "did not expect '$1' in the page"; true; }
location() { grep -i '^Location:' "$WORK/head" | tr -d '\r' | sed 's/^Location: *//I'; }
event() { sql "SELECT detail FROM events WHERE kind = '$1' ORDER BY id DESC LIMIT 1"; }

# nothing without a session
[ "$(code "$URL/households")" = 303 ] || fail "/households without a session"
[ "$(code -d 'name=x&phone=0912345670' "$URL/household/new")" = 403 ] || fail "POST without a session"

# log in
[ "$(code -c "$J" -b "$J" "$URL/login")" = 200 ] || fail "login page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | grep -o '[0-9a-f]\{64\}')
[ "$(code -c "$J" -b "$J" --data-urlencode "csrf=$CSRF" -d 'user=canbo1&password=mat-khau-dai' "$URL/login")" = 303 ] \
	|| fail "login: $(body)"

# the list: every active household, the hostile name as text, the nav
[ "$(code -b "$J" "$URL/households")" = 200 ] || fail "households page"
S=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | head -1 | grep -o '[0-9a-f]\{64\}')
[ -n "$S" ] || fail "no CSRF token on the page"
for n in "Nguyễn Văn An" "Lê Thị Cúc" "Trần Văn Dũng" "Phạm Thị Hoa" "Đặng Văn Đông" "6 hộ"; do has "$n"; done
has "&lt;script&gt;alert(1)&lt;/script&gt;"
hasnt "<script>"
hasnt "<img"
has 'href="/households"'
has 'href="/household/edit?id=1"'
has 'href="/household?id=1"'
has 'tel:0912345678'
has '<option value="dong-tien">Xóm Đông Tiến</option>'
has 'đã từ chối thông báo thường'
# markup of ours is not escaped as if it were data (a card per row on a phone
# hides an empty remark by its class, labels a remark by its data-l)
has '<td class="empty">'; has '<td data-l="Ghi chú">'; hasnt '=&quot;'

# search: accents and case optional, every word must appear, numbers in any form
search() { code -b "$J" -G --data-urlencode "q=$1" "$URL/households"; }
[ "$(search 'nguyen van an')" = 200 ] || fail "search"
has "Nguyễn Văn An"; has "1 hộ"; hasnt "Lê Thị Cúc"
search 'NGUYỄN' >/dev/null; has "Nguyễn Văn An"; has "1 hộ"
search 'dang van dong' >/dev/null; has "Đặng Văn Đông"; has "1 hộ"
search 'van' >/dev/null; has "3 hộ"
search 'thi cuc' >/dev/null; has "Lê Thị Cúc"; has "1 hộ"
for q in '0912 345 678' '0912.345.678' '+84 912 345 678' '84912345678' '912345678' '345 678'; do
	search "$q" >/dev/null
	has "Nguyễn Văn An"; has "1 hộ"
done
search '0987' >/dev/null; has "Trần Văn Dũng"; has "1 hộ"
search 'khong co ai' >/dev/null; has "Không tìm thấy hộ nào"
# filters: group, channel, opted out
[ "$(code -b "$J" "$URL/households?group=tay-son")" = 200 ] || fail "group filter"
has "Lê Thị Cúc"; has "Trần Văn Dũng"; has "2 hộ"; hasnt "Nguyễn Văn An"
code -b "$J" "$URL/households?channel=voice" >/dev/null; has "Lê Thị Cúc"; has "1 hộ"
code -b "$J" "$URL/households?channel=both&group=dong-tien" >/dev/null; has "alert(1)"; has "1 hộ"
code -b "$J" "$URL/households?optout=1" >/dev/null; has "Phạm Thị Hoa"; has "1 hộ"
code -b "$J" -G --data-urlencode 'q=hoa' -d 'group=tay-son' "$URL/households" >/dev/null; has "Không tìm thấy hộ nào"
[ "$(code -b "$J" "$URL/households?page=99")" = 200 ] || fail "a page past the end"

# add: validation in Vietnamese beside each field, nothing written
[ "$(code -b "$J" "$URL/household/new")" = 200 ] || fail "new household form"
for f in 'name="name"' 'name="phone"' 'name="phone2"' 'name="groups"' 'name="channel"' 'name="accents"' \
	'name="optout"' 'name="address"' 'name="note"'; do has "$f"; done
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'name=+&phone=0111234567&phone2=113&channel=sms' \
	"$URL/household/new")" = 400 ] || fail "bad household accepted"
has 'id="err-name"'; has "Hãy nhập họ tên chủ hộ"
has 'id="err-phone"'; has "không phải số di động Việt Nam"
has 'id="err-phone2"'; has "số khẩn cấp"
has '<input id="f-phone2" name="phone2" value="113" aria-invalid="true"'; hasnt '=&quot;'
[ "$(sql 'SELECT count(*) FROM households')" = 6 ] || fail "a refused form wrote a household"
# a landline cannot take SMS: the channel is the field at fault
[ "$(code -b "$J" --data-urlencode "csrf=$S" --data-urlencode 'name=Hộ Máy Bàn' -d 'phone=02333852456&channel=sms' \
	"$URL/household/new")" = 400 ] || fail "landline with SMS accepted"
has 'id="err-channel"'; has "Số máy bàn không nhận được SMS"
# without the CSRF token: refused
[ "$(code -b "$J" --data-urlencode 'name=Võ Thị Mai' -d 'phone=0977111222&channel=sms' "$URL/household/new")" = 403 ] \
	|| fail "POST without CSRF"
[ "$(sql 'SELECT count(*) FROM households')" = 6 ] || fail "a POST without CSRF wrote a household"

# add: groups by name (an existing one by its display name, a new one)
[ "$(code -b "$J" --data-urlencode "csrf=$S" --data-urlencode 'name=Võ Thị Mai' -d 'phone=0977+111+222' \
	-d 'phone2=0236+3822+111' --data-urlencode 'groups=xóm đông tiến, Tổ 5' -d 'channel=both&accents=1' \
	--data-urlencode 'address=Xóm Đông, nhà số 12' --data-urlencode 'note=<b>con trai ở xa</b>' \
	"$URL/household/new")" = 303 ] || fail "add: $(body)"
mai=$(sql "SELECT id FROM households WHERE name = 'Võ Thị Mai'")
[ "$(location)" = "/household/edit?id=$mai&saved=1" ] || fail "add redirect: $(location)"
[ "$(sql "SELECT phone || '|' || phone2 || '|' || channel || '|' || address FROM households WHERE id = $mai")" = \
	"+84977111222|+842363822111|3|Xóm Đông, nhà số 12" ] || fail "added: $(sql "SELECT * FROM households WHERE id = $mai")"
[ "$(sql "SELECT name FROM groups WHERE code = 'to-5'")" = "Tổ 5" ] || fail "new group's display name"
[ "$(sql "SELECT name FROM groups WHERE code = 'dong-tien'")" = "Xóm Đông Tiến" ] || fail "existing group renamed"
[ "$(sql "SELECT group_concat(g.code, ' ') FROM household_groups hg JOIN groups g ON g.id = hg.group_id WHERE hg.household_id = $mai ORDER BY g.code")" \
	= "dong-tien to-5" ] || fail "groups of the added household"
contains "$(event household_added)" "by web:canbo1: added 'Võ Thị Mai', 0977111222"
[ "$(code -b "$J" "$URL/household/edit?id=$mai&saved=1")" = 200 ] || fail "saved page"
has 'id="saved"'; has "Xóm Đông Tiến, Tổ 5"; has "&lt;b&gt;con trai ở xa&lt;/b&gt;"; hasnt "<b>con"
search 'vo thi mai' >/dev/null; has "Võ Thị Mai"
search '3822' >/dev/null; has "Võ Thị Mai"; has "1 hộ" # the second phone is searched too

# a shared phone is a warning, not a refusal
[ "$(code -b "$J" --data-urlencode "csrf=$S" --data-urlencode 'name=Nguyễn Thị Bé' -d 'phone=0912345678&channel=sms' \
	"$URL/household/new")" = 303 ] || fail "shared phone refused: $(body)"
be=$(sql "SELECT id FROM households WHERE name = 'Nguyễn Thị Bé'")
code -b "$J" "$URL/household/edit?id=$be&saved=1" >/dev/null
has 'id="shared-1"'; has "cũng là số của 1 hộ khác"; has 'href="/household/edit?id=1"'

# edit: a second phone, groups by name, opt-out; the event says who and what
[ "$(code -b "$J" "$URL/household/edit?id=1")" = 200 ] || fail "edit form"
has 'value="Nguyễn Văn An"'; has 'value="0912345678"'; has 'value="Xóm Đông Tiến"'; has 'href="/household?id=1"'
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d id=1 --data-urlencode 'name=Nguyễn Văn An' -d 'phone=0912345678' \
	-d 'phone2=0356+777+888' --data-urlencode 'groups=Xóm Đông Tiến, tổ 5' -d 'channel=sms&accents=1&optout=1&active=1' \
	"$URL/household/edit")" = 303 ] || fail "edit: $(body)"
[ "$(sql 'SELECT phone2 || opted_out FROM households WHERE id = 1')" = "+843567778881" ] || fail "edit not saved"
d=$(event household_edited)
contains "$d" "by web:canbo1: "
contains "$d" "phone2 '' → '0356777888'"
contains "$d" "groups 'dong-tien' → 'dong-tien to-5'"
contains "$d" "opted out 'no' → 'yes'"
expect_rc 0 "$LOA" household list --csv
contains "$OUT" "Nguyễn Văn An,0912345678,0356777888,dong-tien to-5,sms"
# the history page links to the edit page
[ "$(code -b "$J" "$URL/household?id=1")" = 200 ] || fail "history page"
has 'href="/household/edit?id=1"'
# the hostile household: escaped in the form's values
[ "$(code -b "$J" "$URL/household/edit?id=$hostile")" = 200 ] || fail "hostile edit form"
has 'value="&lt;script&gt;alert(1)&lt;/script&gt;"'; hasnt "<script>"; hasnt "<img"
# an edit without the CSRF token: refused, nothing changed
[ "$(code -b "$J" -d id=1 -d 'name=X&phone=0912345678&channel=sms&active=1' "$URL/household/edit")" = 403 ] \
	|| fail "edit without CSRF"
[ "$(sql 'SELECT name FROM households WHERE id = 1')" = "Nguyễn Văn An" ] || fail "edit without CSRF changed it"

# deactivate (no "active" box), then it is hidden; reactivate
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d id=4 --data-urlencode 'name=Trần Văn Dũng' -d 'phone=0987654321' \
	--data-urlencode 'groups=tay-son, chan-nuoi' -d 'channel=both&accents=1' "$URL/household/edit")" = 303 ] \
	|| fail "deactivate: $(body)"
[ "$(sql 'SELECT active FROM households WHERE id = 4')" = 0 ] || fail "not deactivated"
contains "$(event household_removed)" "by web:canbo1: active 'yes' → 'no'"
expect_rc 0 "$LOA" household list --csv
[[ $OUT == *"Trần Văn Dũng"* ]] && fail "a deactivated household in list --csv"
code -b "$J" "$URL/households" >/dev/null; hasnt "Trần Văn Dũng"
code -b "$J" "$URL/households?state=inactive" >/dev/null; has "Trần Văn Dũng"; has "1 hộ"; has "đã ngừng"
[ "$(code -b "$J" "$URL/household/edit?id=4")" = 200 ] || fail "edit form of an inactive household"
has "đã ngừng nhận thông báo"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d id=4 --data-urlencode 'name=Trần Văn Dũng' -d 'phone=0987654321' \
	--data-urlencode 'groups=tay-son, chan-nuoi' -d 'channel=both&accents=1&active=1' "$URL/household/edit")" = 303 ] \
	|| fail "reactivate"
[ "$(sql 'SELECT active FROM households WHERE id = 4')" = 1 ] || fail "not reactivated"
contains "$(event household_reactivated)" "by web:canbo1: active 'no' → 'yes'"

# groups: names, codes, counts, a link to the filtered list; rename
[ "$(code -b "$J" "$URL/groups")" = 200 ] || fail "groups page"
has "Xóm Đông Tiến"; has "<code>dong-tien</code>"; has 'href="/households?group=tay-son"'; has "Tổ 5"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d code=tay-son --data-urlencode 'name=Xóm Tây Sơn' \
	"$URL/group/rename")" = 303 ] || fail "rename"
[ "$(sql "SELECT name FROM groups WHERE code = 'tay-son'")" = "Xóm Tây Sơn" ] || fail "not renamed"
contains "$(event group_renamed)" "by web:canbo1: group tay-son '' → 'Xóm Tây Sơn'"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d code=chan-nuoi --data-urlencode 'name=xom tay son' \
	"$URL/group/rename")" = 400 ] || fail "a second group of the same name"
has "Đã có nhóm khác tên"
[ "$(code -b "$J" -d code=tay-son -d name=x "$URL/group/rename")" = 403 ] || fail "rename without CSRF"

# senders: add only after "Bạn có chắc?"; groups by name
[ "$(code -b "$J" "$URL/senders")" = 200 ] || fail "senders page"
has "Chưa có người gửi nào"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987+000+222&role=head' --data-urlencode 'name=Trưởng thôn Bình' \
	--data-urlencode 'groups=Xóm Đông Tiến, xom tay son' "$URL/sender/add")" = 200 ] || fail "sender add step 1"
has "Bạn có chắc?"; has 'name="confirm" value="1"'; has 'value="dong-tien,tay-son"'
[ "$(sql 'SELECT count(*) FROM senders')" = 0 ] || fail "sender added before confirming"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987000222&role=head&confirm=1' \
	--data-urlencode 'name=Trưởng thôn Bình' -d 'groups=dong-tien,tay-son' "$URL/sender/add")" = 303 ] \
	|| fail "sender add: $(body)"
[ "$(sql "SELECT role || '|' || groups || '|' || confirm FROM senders WHERE phone = '+84987000222'")" = \
	"head|dong-tien,tay-son|1" ] || fail "sender row"
contains "$(event sender_added)" "by web:canbo1: sender +84987000222"
expect_rc 0 "$LOA" sender list
contains "$OUT" "0987000222"
# bad input: refused in Vietnamese, with the form kept
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=113&role=head&name=X' "$URL/sender/add")" = 400 ] \
	|| fail "bad sender phone"
has "không phải số di động Việt Nam"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987000333&role=head&name=X&groups=khong-co' \
	"$URL/sender/add")" = 400 ] || fail "unknown group"
has "Không có nhóm “khong-co”"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987000222&role=officer&name=X' "$URL/sender/add")" = 400 ] \
	|| fail "a sender twice"
has "đã là người gửi"
[ "$(code -b "$J" -d 'phone=0987000444&role=head&name=X&confirm=1' "$URL/sender/add")" = 403 ] \
	|| fail "sender add without CSRF"
# unlock a locked sender, after the confirm step
sql "UPDATE senders SET locked_at = $LOA_FAKE_TIME WHERE phone = '+84987000222'"
code -b "$J" "$URL/senders" >/dev/null; has "bị khóa"; has "Mở khóa…"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987000222' "$URL/sender/unlock")" = 200 ] || fail "unlock step 1"
has "Bạn có chắc?"
[ "$(sql "SELECT locked_at FROM senders WHERE phone = '+84987000222'")" != 0 ] || fail "unlocked before confirming"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987000222&confirm=1' "$URL/sender/unlock")" = 303 ] \
	|| fail "unlock"
[ "$(sql "SELECT locked_at FROM senders WHERE phone = '+84987000222'")" = 0 ] || fail "not unlocked"
contains "$(event sender_unlocked)" "by web:canbo1: sender +84987000222"
# remove, after the confirm step
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987000222' "$URL/sender/remove")" = 200 ] || fail "remove step 1"
has "Bạn có chắc?"; has "Xác nhận xóa"
[ "$(sql 'SELECT count(*) FROM senders')" = 1 ] || fail "removed before confirming"
[ "$(code -b "$J" -d 'phone=0987000222&confirm=1' "$URL/sender/remove")" = 403 ] || fail "remove without CSRF"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'phone=0987000222&confirm=1' "$URL/sender/remove")" = 303 ] \
	|| fail "remove"
[ "$(sql 'SELECT count(*) FROM senders')" = 0 ] || fail "not removed"
contains "$(event sender_removed)" "by web:canbo1: sender +84987000222"

# templates: add (text checked as a notice's), remove
[ "$(code -b "$J" "$URL/templates")" = 200 ] || fail "templates page"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d code=HOP --data-urlencode $'text=Mời họp thôn\r\n19h30 tối nay' \
	"$URL/template/add")" = 303 ] || fail "template add: $(body)"
expect_rc 0 "$LOA" template list
contains "$OUT" "HOP"
[ "$(sql "SELECT text FROM templates WHERE code = 'HOP'")" = $'Mời họp thôn\n19h30 tối nay' ] || fail "template text"
contains "$(event template_added)" "by web:canbo1: template HOP"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'code=c%C3%B3+d%E1%BA%A5u&text=x' "$URL/template/add")" = 400 ] \
	|| fail "bad template code"
has "Mã mẫu cần"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'code=HOP&text=x' "$URL/template/add")" = 400 ] || fail "template twice"
has "Đã có mẫu mã HOP"
[ "$(code -b "$J" -d code=HOP "$URL/template/remove")" = 403 ] || fail "template remove without CSRF"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d code=HOP "$URL/template/remove")" = 303 ] || fail "template remove"
[ "$(sql 'SELECT count(*) FROM templates')" = 0 ] || fail "template not removed"
contains "$(event template_removed)" "by web:canbo1: template HOP"

stop_web
echo "web_households: ok"
