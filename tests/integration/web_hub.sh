#!/bin/bash
# `loa web --hub` on a real PostgreSQL (pg_lib.bash) with curl: two
# gateways push with `loa hub sync --once` (their health too: modems,
# lowest balance, daemon heartbeat), a third never syncs; the gateways page
# shows each one's last sync, households, modems and balance, stale ones
# marked; the hub notice page's figures equal `loa hub report`; the new
# hub notice form's preview equals `loa hub notice send --dry-run`'s, the
# confirm (CSRF) creates it and logs it; the JSON API on the hub creates
# and reads hub notices with a token, 401 without.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/web_lib.bash"
. "$here/pg_lib.bash"   # its EXIT trap replaces web_lib's: stop loa web first
webhub_cleanup() {
	local rc=$?
	set +e # errexit would end the trap at (exit 1) before the server is stopped
	[ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null
	(exit $rc) # pg_cleanup reads the test's exit status from $?
	pg_cleanup
}
trap webhub_cleanup EXIT
command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }
pg_start
T=$LOA_FAKE_TIME

# ---- the hub box: its own config and SQLite (users, sessions, tokens) ----
mkdir "$WORK/hubbox"
HUB_CONF="$WORK/hubbox/loa.conf"
printf '[gateway]\ndatabase = hub.db\nspool = spool\n[tts]\ncache = cache\n[web]\nlisten = 127.0.0.1:0\n[sms]\npart_cost = 350\n[hub]\nurl = %s\ncredentials = %s\nsync_s = 30\n' \
	"$PG_CONN" "$PG_ADMIN_CRED" >"$HUB_CONF"
chmod 600 "$HUB_CONF"
hubx() { LOA_CONFIG="$HUB_CONF" "$LOA" "$@"; }
expect_rc 0 hubx hub init
expect_rc 0 hubx hub gateway add tan-loi --name "Thôn Tân Lợi" -o "$WORK/tan-loi.cred"
expect_rc 0 hubx hub gateway add hoa-binh --name "Thôn Hòa Bình" -o "$WORK/hoa-binh.cred"
expect_rc 0 hubx hub gateway add an-phu --name '<i>An Phú</i> "x"' -o "$WORK/an-phu.cred"
expect_rc 0 hubx hub group add ven-bien tan-loi hoa-binh
expect_rc 0 hubx user add admin <<<'mat-khau-dai'

# ---- tan-loi: 6 households (list), two modems, its daemon beat 10 s ago ----
expect_rc 0 "$LOA" init
cat >"$WORK/h.csv" <<'CSV'
Họ tên,SĐT,Nhóm,Kênh
Nguyễn Văn An,0912345678,dong-tien,sms
Trần Thị Bình,0987654321,dong-tien,both
Lê Văn Cường,0903111222,tay-son,voice
Phạm Thị Dung,0971112222,tay-son,sms
Hoàng Văn Em,0912000111,tay-son,both
<b>Võ Thị Phượng</b>,0913000222,dong-tien,sms
CSV
expect_rc 0 "$LOA" household import "$WORK/h.csv"
printf '[hub]\nurl = %s\ngateway_id = tan-loi\ncredentials = %s\nhouseholds = list\n' "$PG_CONN" "$WORK/tan-loi.cred" >>"$LOA_CONFIG"
sql "INSERT INTO daemon_state(id, pid, started_at, heartbeat_at) VALUES (1, 4242, $((T - 3600)), $((T - 10)))"
sql "INSERT INTO modem_status(name, updated_at, state, registered, balance, balance_at) VALUES
  ('m1', $T, 'ready', 1, 25000, $((T - 7200))), ('m2', $T, 'searching', 0, 12000, $((T - 3600)))"
# ---- hoa-binh: 2 households (counts only), its last sync 10 minutes ago: stale ----
mkdir "$WORK/hb"
printf '[gateway]\ndatabase = loa.db\nspool = spool\n[tts]\ncache = cache\n[hub]\nurl = %s\ngateway_id = hoa-binh\ncredentials = %s\n' \
	"$PG_CONN" "$WORK/hoa-binh.cred" >"$WORK/hb/loa.conf"
chmod 600 "$WORK/hb/loa.conf"
hb() { LOA_CONFIG="$WORK/hb/loa.conf" LOA_FAKE_TIME=$((T - 600)) "$LOA" "$@"; }
expect_rc 0 hb init
printf 'Họ tên,SĐT\nĐặng Văn Giang,0914000333\nBùi Thị Hoa,0915000444\n' >"$WORK/hb.csv"
expect_rc 0 hb household import "$WORK/hb.csv"
expect_rc 0 "$LOA" hub sync --once
expect_rc 0 hb hub sync --once

# the health rows: as the gateways said them
[ "$(pg_sql "SELECT modems_total, modems_ready, balance_min_dong, balance_at, heartbeat_at, detail FROM hub_gateway_health WHERE gateway_id = 'tan-loi'")" \
	= "2|1|12000|$((T - 3600))|$((T - 10))|m2: searching" ] || fail "tan-loi's health: $(pg_sql 'SELECT * FROM hub_gateway_health')"
[ "$(pg_sql "SELECT modems_total, heartbeat_at, balance_min_dong IS NULL FROM hub_gateway_health WHERE gateway_id = 'hoa-binh'")" = "0|0|t" ] \
	|| fail "hoa-binh's health"
# ... and what `loa status` says there
"$LOA" status --json >"$WORK/status.json" 2>/dev/null || true
[ "$(jq -r '"\(.modems | length)|\([.modems[] | select(.state == "ready" and (.paused | not))] | length)|\([.modems[].balance | select(. >= 0)] | min)|\(.daemon.heartbeat_at)"' "$WORK/status.json")" \
	= "$(pg_sql "SELECT modems_total || '|' || modems_ready || '|' || balance_min_dong || '|' || heartbeat_at FROM hub_gateway_health WHERE gateway_id = 'tan-loi'")" ] \
	|| fail "hub health != loa status: $(cat "$WORK/status.json")"

# ---- a hub notice to all, taken in, states set by hand ----
storm="Bão số 3 sắp đổ bộ: mọi nhà chằng chống nhà cửa, không ra biển"
expect_rc 0 hubx hub notice send --urgent --to all "$storm"
expect_rc 0 "$LOA" hub sync --once
expect_rc 0 hb hub sync --once
id=$(sql "SELECT id FROM notices WHERE source = 'hub:1'")
hhid() { sql "SELECT id FROM households WHERE name = '$1'"; }
setst() { sql "UPDATE deliveries SET state = '$3', updated_at = ${4:-$T} WHERE notice_id = $id AND household_id = $(hhid "$1") AND channel = '$2'"; }
sql "UPDATE deliveries SET state = 'sending' WHERE notice_id = $id AND channel = 'sms'"
sql "UPDATE deliveries SET state = 'sent', updated_at = $T WHERE notice_id = $id AND channel = 'sms'"
setst "Nguyễn Văn An" sms delivered
setst "Trần Thị Bình" voice unreached
setst "Phạm Thị Dung" sms sent $((T - 86400))
setst "Hoàng Văn Em" sms failed
setst "Hoàng Văn Em" voice played
setst "<b>Võ Thị Phượng</b>" sms failed
hbid=$(sqlite3 "$WORK/hb/loa.db" "SELECT id FROM notices WHERE source = 'hub:1'")
sqlite3 "$WORK/hb/loa.db" "UPDATE deliveries SET state = 'failed' WHERE notice_id = $hbid"
expect_rc 0 "$LOA" hub sync --once
expect_rc 0 hb hub sync --once

# ---- loa web --hub ----
LOA_CONFIG=$HUB_CONF start_web --hub
contains "$(cat "$WORK/web.out")" "loa web --hub: serving"
code() { web_code 127.0.0.1 "$@"; }
J="$WORK/jar"
[ "$(code "$URL/")" = 303 ] || fail "/ without a session"
[ "$(code -c "$J" -b "$J" "$URL/login")" = 200 ] || fail "login page"
C=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | grep -o '[0-9a-f]\{64\}')
[ "$(code -c "$J" -b "$J" --data-urlencode "csrf=$C" -d 'user=admin&password=mat-khau-dai' "$URL/login")" = 303 ] \
	|| fail "login: $(cat "$WORK/body")"

# the gateways page
[ "$(code -b "$J" "$URL/")" = 200 ] || fail "gateways page: $(cat "$WORK/body")"
grep -qi "^Content-Security-Policy: default-src 'self'; script-src 'none'" "$WORK/head" || fail "no CSP"
page=$(cat "$WORK/body")
[[ $page != *"<script"* ]] || fail "script on the page"
S=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | head -1 | grep -o '[0-9a-f]\{64\}')
row() { echo "$page" | tr -d '\n' | sed 's/<tr/\n<tr/g; s/<\/tr>/<\/tr>\n/g' | grep "<b>$1</b>"; }
tl=$(row tan-loi) hbr=$(row hoa-binh) ap=$(row an-phu)
contains "$tl" "Thôn Tân Lợi"
contains "$tl" ">6</td>"
contains "$tl" "1/2 sẵn sàng"
contains "$tl" "m2: searching"
contains "$tl" "12000 đ"
contains "$tl" "(60 phút trước)"
contains "$tl" "đang chạy"
[[ $tl != *"mất liên lạc"* ]] || fail "tan-loi marked stale: $tl"
contains "$hbr" "mất liên lạc"
contains "$hbr" "(10 phút trước)"
contains "$hbr" ">2</td>"
contains "$hbr" "0/0 sẵn sàng"
contains "$hbr" "chưa chạy lần nào"
contains "$ap" "mất liên lạc"
contains "$ap" "chưa đồng bộ lần nào"
contains "$ap" "&lt;i&gt;An Phú&lt;/i&gt; &quot;x&quot;"
[[ $page != *"<i>"* ]] || fail "a gateway name as HTML"
contains "$page" "3 trạm, 2 mất liên lạc."

# the hub notice page == loa hub report 1
expect_rc 0 hubx hub report 1
cli_total=$(echo "$OUT" | grep '^households ')
read -r ch cr cu cp < <(echo "$cli_total" | sed -E 's/households ([0-9]+): ([0-9]+) reached, ([0-9]+) not reached, ([0-9]+) in progress/\1 \2 \3 \4/')
[ -n "$cp" ] || fail "cli report: $OUT"
[ "$(code -b "$J" "$URL/hub/notice?id=1")" = 200 ] || fail "hub notice page: $(cat "$WORK/body")"
page=$(cat "$WORK/body")
contains "$page" "Số hộ $ch: $cr đã nhận, $cu chưa nhận, $cp đang gửi."
contains "$page" "$storm"
contains "$page" "KHẨN"
tlrow=$(echo "$OUT" | grep '^tan-loi ')
read -r _ tid th tr tu tp _ <<<"$tlrow"
prow=$(row tan-loi)
contains "$prow" "thông báo số $tid ở trạm"
contains "$prow" "<td data-l=\"Số hộ\">$th</td><td data-l=\"Đã nhận\" class=\"ok\">$tr</td><td data-l=\"Chưa nhận\" class=\"bad\">$tu</td><td data-l=\"Đang gửi\">$tp</td>"
# the visit lists: names from tan-loi, numbers only from hoa-binh; escaped
contains "$page" "Trạm tan-loi"
contains "$page" "Phạm Thị Dung"
contains "$page" "0971112222"
contains "$page" "&lt;b&gt;Võ Thị Phượng&lt;/b&gt;"
[[ $page != *"<b>Võ"* ]] || fail "a household name as HTML"
contains "$page" "Trạm hoa-binh"
contains "$page" "(trạm chỉ gửi số lượng"
contains "$page" "SMS: lỗi"
[[ $page != *"Nguyễn Văn An"* ]] || fail "a reached household on the visit list"
[ "$(code -b "$J" "$URL/hub/notice?id=99")" = 404 ] || fail "unknown hub notice"
[ "$(code -b "$J" "$URL/hub/notices")" = 200 ] || fail "notices list"
contains "$(cat "$WORK/body")" "/hub/notice?id=1"
contains "$(cat "$WORK/body")" "2/3"
# the gateway's own pages are not served on the hub
[ "$(code -b "$J" "$URL/households")" = 404 ] || fail "/households on the hub"

# ---- a new hub notice: form -> preview (== the CLI's) -> confirm ----
[ "$(code -b "$J" "$URL/hub/new")" = 200 ] || fail "form"
contains "$(cat "$WORK/body")" 'value="group:ven-bien"'
contains "$(cat "$WORK/body")" 'value="gateway:an-phu"'
text="Họp khẩn các thôn ven biển lúc 14 giờ tại nhà văn hóa xã"
expect_rc 0 hubx hub notice send --dry-run --to ven-bien "$text"
cli=$OUT
num() { echo "$cli" | grep "$1" | sed -E "s/$2/\1/"; }
c_hh=$(num '^households:' 'households: ([0-9]+).*')
c_sms=$(num '^sms: at most' 'sms: at most ([0-9]+) messages x ([0-9]+) part.*')
c_parts=$(num '^sms: at most' 'sms: at most [0-9]+ messages x ([0-9]+) part.*')
c_cost=$(num '^sms cost' 'sms cost: at most about ([0-9]+) d.*')
c_calls=$(num '^calls' 'calls: at most ([0-9]+), about.*')
c_min=$(num '^calls' '.*at most ([0-9]+) min of.*')
[ "$c_hh" = 8 ] && [ -n "$c_min" ] || fail "CLI preview: $cli"
[ "$(code -b "$J" --data-urlencode "csrf=$S" --data-urlencode "text=$text" -d 'to=group:ven-bien&sms=1&voice=1' "$URL/hub/new/preview")" = 200 ] \
	|| fail "preview: $(cat "$WORK/body")"
page=$(cat "$WORK/body")
contains "$page" "<tr><th>Số trạm</th><td>2<ul>"
contains "$page" "<tr><th>Số hộ</th><td>$c_hh<br>"
contains "$page" "tối đa $c_sms tin × $c_parts phần"
contains "$page" "tối đa khoảng $c_cost đ"
contains "$page" "tối đa $c_calls cuộc"
contains "$page" "tối đa $c_min phút"
[ "$(pg_sql 'SELECT count(*) FROM hub_notices')" = 1 ] || fail "the preview created a notice"
# refusals: shown on the form, in Vietnamese
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'text=x&to=gateway:khong-co&sms=1' "$URL/hub/new/preview")" = 400 ] || fail "unknown gateway"
contains "$(cat "$WORK/body")" "Không có trạm hay nhóm trạm"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'text=%20&to=all&sms=1' "$URL/hub/new/preview")" = 400 ] || fail "blank"
# the confirm: CSRF required, then created, logged
[ "$(code -b "$J" --data-urlencode "text=$text" -d 'to=group:ven-bien&sms=1' "$URL/hub/new/create")" = 403 ] || fail "create without CSRF"
[ "$(pg_sql 'SELECT count(*) FROM hub_notices')" = 1 ] || fail "created without CSRF"
[ "$(code -b "$J" --data-urlencode "csrf=$S" --data-urlencode "text=$text" -d 'to=group:ven-bien&sms=1&voice=1' "$URL/hub/new/create")" = 303 ] \
	|| fail "create: $(cat "$WORK/body")"
grep -qi '^Location: /hub/notice?id=2&created=1' "$WORK/head" || fail "redirect: $(cat "$WORK/head")"
[ "$(pg_sql "SELECT t.kind || ' ' || t.target || ' ' || n.source || ' ' || n.channels FROM hub_notices n JOIN hub_notice_to t ON t.notice_id = n.id WHERE n.id = 2")" \
	= "group ven-bien web:admin 3" ] || fail "hub notice 2: $(pg_sql 'SELECT * FROM hub_notices')"
[ "$(sqlite3 "$WORK/hubbox/hub.db" "SELECT detail FROM events WHERE kind = 'hub_notice_created'")" = "hub notice 2 by admin to group ven-bien" ] \
	|| fail "no event"
[ "$(code -b "$J" "$URL/hub/notice?id=2&created=1")" = 200 ] || fail "the new notice's page"
contains "$(cat "$WORK/body")" "Đã tạo thông báo chung số 2"
contains "$(cat "$WORK/body")" "chưa nhận (trạm chưa đồng bộ"

# ---- the JSON API on the hub ----
expect_rc 0 hubx web token add tinh-uy
TOKEN=$OUT
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H "Content-Type: application/json")
[ "$(code "$URL/api/notices/1")" = 401 ] || fail "API without a token"
[ "$(jq -r .error "$WORK/body")" = unauthorized ] || fail "401 body"
[ "$(code "${json[@]}" -X POST -d '{"text":"x","to":"all"}' "$URL/api/notices")" = 401 ] || fail "API POST without a token"
[ "$(code "${auth[@]}" "$URL/api/notices/1")" = 200 ] || fail "API report: $(cat "$WORK/body")"
[ "$(jq -r '.totals | "\(.households) \(.reached) \(.not_reached) \(.in_progress)"' "$WORK/body")" = "$ch $cr $cu $cp" ] \
	|| fail "API totals != loa hub report: $(cat "$WORK/body")"
[ "$(jq -r '.gateways[] | select(.gateway == "tan-loi") | "\(.local_notice_id) \(.households) \(.reached) \(.not_reached) \(.in_progress)"' "$WORK/body")" \
	= "$tid $th $tr $tu $tp" ] || fail "API tan-loi row"
[ "$(jq -r '.gateways[] | select(.gateway == "an-phu") | .state' "$WORK/body")" = waiting ] || fail "API an-phu"
[ "$(jq -r '.not_reached["tan-loi"] | length' "$WORK/body")" = "$tu" ] || fail "API visit list"
[ "$(code "${auth[@]}" "$URL/api/notices/77")" = 404 ] || fail "API unknown notice"
# dry run: the CLI's preview, nothing created
[ "$(code "${auth[@]}" "${json[@]}" -X POST -d "{\"text\":\"$text\",\"to\":\"ven-bien\",\"dry_run\":true}" "$URL/api/notices")" = 200 ] \
	|| fail "API dry run: $(cat "$WORK/body")"
[ "$(jq -r '"\(.preview.households) \(.preview.sms.messages_at_most) \(.preview.sms.cost_dong_at_most) \(.preview.calls.count_at_most)"' "$WORK/body")" \
	= "$c_hh $c_sms $c_cost $c_calls" ] || fail "API preview figures: $(cat "$WORK/body")"
[ "$(jq -r '.preview_text[]' "$WORK/body" | grep -v '^gateways\|^  ')" = "$(echo "$cli" | grep -v '^dry run\|^gateways\|^  ')" ] \
	|| fail "API preview text != CLI: $(jq -r '.preview_text[]' "$WORK/body")"
[ "$(pg_sql 'SELECT count(*) FROM hub_notices')" = 2 ] || fail "the dry run created a notice"
[ "$(code "${auth[@]}" "${json[@]}" -X POST -d '{"text":"x","to":"xa-khac"}' "$URL/api/notices")" = 422 ] || fail "API unknown to"
[ "$(jq -r .error "$WORK/body")" = no_such_gateway_or_group ] || fail "422 code: $(cat "$WORK/body")"
[ "$(code "${auth[@]}" "${json[@]}" -X POST -d '{"text":"Kiểm tra loa","to":"an-phu","urgent":true}' "$URL/api/notices")" = 201 ] \
	|| fail "API create: $(cat "$WORK/body")"
grep -qi '^Location: /api/notices/3' "$WORK/head" || fail "API Location"
[ "$(pg_sql "SELECT n.source || ' ' || n.urgent || ' ' || t.kind || ' ' || t.target FROM hub_notices n JOIN hub_notice_to t ON t.notice_id = n.id WHERE n.id = 3")" \
	= "api:tinh-uy true gateway an-phu" ] || fail "API hub notice row"
[ "$(code "${auth[@]}" "$URL/api/notices/3")" = 200 ] || fail "API read the new one"
[ "$(jq -r '.totals.gateways' "$WORK/body")" = 1 ] || fail "API new report"
# cancelled through the API as `loa hub notice cancel`: 200, then 409; 404
[ "$(code "${auth[@]}" "${json[@]}" -d '{}' "$URL/api/notices/3/cancel")" = 200 ] || fail "API cancel: $(cat "$WORK/body")"
[ "$(jq -c . "$WORK/body")" = '{"id":3,"state":"cancelled"}' ] || fail "API cancel body: $(cat "$WORK/body")"
[ "$(pg_sql "SELECT state FROM hub_notices WHERE id = 3")" = cancelled ] || fail "API cancel: not cancelled"
[ "$(sqlite3 "$WORK/hubbox/hub.db" "SELECT count(*) FROM events WHERE kind = 'hub_notice_cancelled' AND detail = 'hub notice 3 cancelled by API client tinh-uy'")" = 1 ] \
	|| fail "API cancel: no event"
[ "$(code "${auth[@]}" "${json[@]}" -d '{}' "$URL/api/notices/3/cancel")" = 409 ] || fail "API second cancel"
[ "$(code "${auth[@]}" "${json[@]}" -d '{}' "$URL/api/notices/77/cancel")" = 404 ] || fail "API cancel of no notice"

# the hub down: a page says so (503), and back: served again
pg_stop
[ "$(code -b "$J" "$URL/")" = 503 ] || fail "hub down: $(code -b "$J" "$URL/")"
pg_restart
[ "$(code -b "$J" "$URL/")" = 200 ] || fail "hub back"
stop_web

# the page logged in as a member of loa_hub_web (hub migration 3), not the owner:
# it reads everything and adds hub notices
WEB_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
pg_sql "CREATE ROLE hub_web LOGIN PASSWORD '$WEB_PW' IN ROLE loa_hub_web"
printf 'user = hub_web\npassword = %s\n' "$WEB_PW" >"$WORK/hub_web.cred"
chmod 600 "$WORK/hub_web.cred"
sed "s#^credentials = .*#credentials = $WORK/hub_web.cred#" "$HUB_CONF" >"$WORK/hubbox/web.conf"
chmod 600 "$WORK/hubbox/web.conf"
LOA_CONFIG="$WORK/hubbox/web.conf" start_web --hub
[ "$(code -b "$J" "$URL/")" = 200 ] || fail "gateways page as loa_hub_web: $(cat "$WORK/body")"
contains "$(cat "$WORK/body")" "3 trạm, 2 mất liên lạc."
[ "$(code -b "$J" "$URL/hub/notice?id=1")" = 200 ] || fail "hub notice page as loa_hub_web"
contains "$(cat "$WORK/body")" "Số hộ $ch: $cr đã nhận, $cu chưa nhận, $cp đang gửi."
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d 'text=Kiem tra&to=all&sms=1' "$URL/hub/new/create")" = 303 ] \
	|| fail "create as loa_hub_web: $(cat "$WORK/body")"
[ "$(pg_sql "SELECT source FROM hub_notices ORDER BY id DESC LIMIT 1")" = web:admin ] || fail "the last hub notice: $(pg_sql "SELECT id, source FROM hub_notices")"
# cancelling it from its page (migration 4 lets loa_hub_web change its
# state, nothing else): the button, the page saying what it does, the
# confirm; CSRF required; logged; a second cancel changes nothing
last=$(pg_sql "SELECT max(id) FROM hub_notices")
[ "$(code -b "$J" "$URL/hub/notice?id=$last")" = 200 ] || fail "the last hub notice's page"
contains "$(cat "$WORK/body")" 'action="/hub/notice/cancel"'
[ "$(code -b "$J" -d "id=$last" "$URL/hub/notice/cancel")" = 403 ] || fail "cancel without CSRF"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d "id=$last" "$URL/hub/notice/cancel")" = 200 ] || fail "cancel page: $(cat "$WORK/body")"
contains "$(cat "$WORK/body")" "Hủy thông báo chung số $last?"
[ "$(pg_sql "SELECT state FROM hub_notices WHERE id = $last")" = active ] || fail "cancelled before the confirm"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d "id=$last&confirm=1" "$URL/hub/notice/cancel")" = 303 ] || fail "cancel confirm: $(cat "$WORK/body")"
grep -qi "^Location: /hub/notice?id=$last&cancelled=1" "$WORK/head" || fail "cancel redirect: $(cat "$WORK/head")"
[ "$(pg_sql "SELECT state FROM hub_notices WHERE id = $last")" = cancelled ] || fail "not cancelled"
[ "$(sqlite3 "$WORK/hubbox/hub.db" "SELECT detail FROM events WHERE kind = 'hub_notice_cancelled' ORDER BY id DESC LIMIT 1")" = "hub notice $last cancelled by admin" ] \
	|| fail "no cancel event"
[ "$(code -b "$J" "$URL/hub/notice?id=$last&cancelled=1")" = 200 ] || fail "the cancelled notice's page"
contains "$(cat "$WORK/body")" "Đã hủy thông báo chung số $last"
[[ $(cat "$WORK/body") != *'action="/hub/notice/cancel"'* ]] || fail "a cancel button on a cancelled notice"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d "id=$last&confirm=1" "$URL/hub/notice/cancel")" = 303 ] || fail "second cancel"
[ "$(sqlite3 "$WORK/hubbox/hub.db" "SELECT count(*) FROM events WHERE kind = 'hub_notice_cancelled' AND detail LIKE 'hub notice $last %'")" = 1 ] || fail "cancelled twice"
[ "$(code -b "$J" --data-urlencode "csrf=$S" -d "id=99999&confirm=1" "$URL/hub/notice/cancel")" = 404 ] || fail "cancel of no notice"
# the web role can change a notice's state only to cancelled
WEB_ERR=$(PGPASSWORD=$WEB_PW psql -X -A -t -q -h "$PGDIR" -p "$PG_PORT" -U hub_web -d loa_hub \
	-c "UPDATE hub_notices SET text = 'x' WHERE id = $last" 2>&1 || true)
contains "$WEB_ERR" "permission denied"
stop_web
echo "ok: loa web --hub: gateways with health, hub report figures, preview == CLI, confirm, API"
