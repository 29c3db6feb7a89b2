#!/bin/bash
# `loa hub notice send` and `loa hub report` against a real PostgreSQL
# (pg_lib.bash): the text checked as `loa notice send` checks it, the
# preview from the gateways' pushed counts, clear one-line refusals; then
# three gateways (one takes the notice in and delivers, one refuses it,
# one never syncs) and the hub's figures for the first equal its own
# `loa report` exactly, whatever the mix of states.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pg_lib.bash"
pg_start

HUB_CONF="$WORK/hub.conf"
printf '[hub]\nurl = %s\ncredentials = %s\n[sms]\npart_cost = 350\n' "$PG_CONN" "$PG_ADMIN_CRED" >"$HUB_CONF"
chmod 600 "$HUB_CONF"
hub() { "$LOA" -c "$HUB_CONF" hub "$@"; }
expect_rc 0 hub init
expect_rc 0 hub gateway add tan-loi --name "Thôn Tân Lợi" -o "$WORK/tan-loi.cred"
expect_rc 0 hub gateway add hoa-binh --name "Thôn Hòa Bình" -o "$WORK/hoa-binh.cred"
expect_rc 0 hub gateway add an-phu -o "$WORK/an-phu.cred"
expect_rc 0 hub group add ven-bien tan-loi hoa-binh

# ---- refusals: one line each, nothing created ----
storm="Bão số 3 sắp đổ bộ: mọi nhà chằng chống nhà cửa, không ra biển"
expect_rc 2 hub notice send --to xa-khac "$storm"
contains "$ERR" "--to: no gateway or gateway group 'xa-khac'"
[ "$(echo "$ERR" | wc -l)" = 1 ] || fail "more than one line: $ERR"
expect_rc 2 hub notice send --to group:tan-loi "$storm"
contains "$ERR" "--to: no gateway group 'tan-loi'"
expect_rc 2 hub notice send --to all "   "
contains "$ERR" "empty"
expect_rc 2 hub notice send --to all "$(printf 'Họp\001 thôn')"
contains "$ERR" "control"
expect_rc 2 hub notice send --to all "$(printf 'Thông báo dài %.0s' $(seq 1 100))"
contains "$ERR" "characters"
expect_rc 2 hub notice send --to all
contains "$ERR" "usage: loa hub notice send"
expect_rc 0 hub group add an-phu an-phu
expect_rc 2 hub notice send --to an-phu "$storm"
contains "$ERR" "'an-phu' is both a gateway and a gateway group: write gateway:an-phu or group:an-phu"
[ "$(pg_sql 'SELECT count(*) FROM hub_notices')" = 0 ] || fail "a refused notice was created"

# ---- the gateways: tan-loi delivers, hoa-binh refuses (short limit), an-phu never syncs ----
expect_rc 0 "$LOA" init
cat >"$WORK/h.csv" <<'CSV'
Họ tên,SĐT,Nhóm,Kênh
Nguyễn Văn An,0912345678,dong-tien,sms
Trần Thị Bình,0987654321,dong-tien,both
Lê Văn Cường,0903111222,tay-son,voice
Phạm Thị Dung,0971112222,tay-son,sms
Hoàng Văn Em,0912000111,tay-son,both
Võ Thị Phượng,0913000222,dong-tien,sms
CSV
expect_rc 0 "$LOA" household import "$WORK/h.csv"
printf '[hub]\nurl = %s\ngateway_id = tan-loi\ncredentials = %s\nhouseholds = list\n' "$PG_CONN" "$WORK/tan-loi.cred" >>"$LOA_CONFIG"
mkdir "$WORK/hb"
printf '[gateway]\ndatabase = loa.db\nspool = spool\nnotice_max_chars = 20\n[tts]\ncache = cache\n[hub]\nurl = %s\ngateway_id = hoa-binh\ncredentials = %s\n' \
	"$PG_CONN" "$WORK/hoa-binh.cred" >"$WORK/hb/loa.conf"
chmod 600 "$WORK/hb/loa.conf"
hb() { LOA_CONFIG="$WORK/hb/loa.conf" "$LOA" "$@"; }
expect_rc 0 hb init
printf 'Họ tên,SĐT\nĐặng Văn Giang,0914000333\nBùi Thị Hoa,0915000444\n' >"$WORK/hb.csv"
expect_rc 0 hb household import "$WORK/hb.csv"
# counts pushed: the preview adds them up; an-phu has none yet
expect_rc 0 "$LOA" hub sync --once
expect_rc 0 hb hub sync --once

# ---- the preview (dry run) ----
expect_rc 0 hub notice send --dry-run --to all "$storm"
contains "$OUT" "dry run: nothing created"
contains "$OUT" "gateways: 3"
contains "$OUT" "tan-loi                   6 households Thôn Tân Lợi"
contains "$OUT" "an-phu                    ? (no count pushed yet)"
contains "$OUT" "households: 8 (the counts the gateways pushed; 1 gateway has not pushed one yet"
contains "$OUT" "sms: at most 8 messages x 1 part (Unicode)"
contains "$OUT" "sms cost: at most about 2800 d (350 d per part)"
contains "$OUT" "calls: at most 8,"
expect_rc 0 hub notice send --dry-run --to ven-bien --only-sms "Hop thon luc 8 gio"
contains "$OUT" "gateways: 2"
contains "$OUT" "sms: at most 8 messages x 1 part (GSM 7-bit)"
[[ $OUT != *"calls:"* ]] || fail "calls in an SMS-only preview: $OUT"
[ "$(pg_sql 'SELECT count(*) FROM hub_notices')" = 0 ] || fail "a dry run created a notice"

# ---- send, take in, deliver (states set by hand: a mix of every kind) ----
expect_rc 0 hub notice send --urgent --to all "$storm"
contains "$OUT" "hub notice 1 created (urgent)"
[ "$(pg_sql "SELECT n.urgent::text || ' ' || t.kind FROM hub_notices n JOIN hub_notice_to t ON t.notice_id = n.id")" = "true all" ] \
	|| fail "hub notice row"
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "1 hub notice(s) taken in"
expect_rc 0 hb hub sync --once
contains "$OUT" "1 refused"
id=$(sql "SELECT id FROM notices WHERE source = 'hub:1'")
old=$((LOA_FAKE_TIME - 86400))
# An: delivered; Bình: SMS sent just now (in progress) + call unreached;
# Cường: call queued (in progress); Dung: SMS sent a day ago (no report:
# not reached); Em: SMS failed, call played (reached); Phượng: failed
sql "UPDATE deliveries SET state = 'sending' WHERE notice_id = $id AND channel = 'sms'"
sql "UPDATE deliveries SET state = 'sent', updated_at = $LOA_FAKE_TIME WHERE notice_id = $id AND channel = 'sms'"
hhid() { sql "SELECT id FROM households WHERE name = '$1'"; }
setst() { sql "UPDATE deliveries SET state = '$3', updated_at = ${4:-$LOA_FAKE_TIME} WHERE notice_id = $id AND household_id = $(hhid "$1") AND channel = '$2'"; }
setst "Nguyễn Văn An" sms delivered
setst "Trần Thị Bình" voice unreached
setst "Phạm Thị Dung" sms sent "$old"
setst "Hoàng Văn Em" sms failed
setst "Hoàng Văn Em" voice played
setst "Võ Thị Phượng" sms failed
expect_rc 0 "$LOA" hub sync --once

expect_rc 0 "$LOA" report "$id"
local_line=$(echo "$OUT" | grep '^households ')
# "households 6: 2 reached, 2 in progress, 2 not reached"
read -r lh lr lp lu < <(echo "$local_line" | sed -E 's/households ([0-9]+): ([0-9]+) reached, ([0-9]+) in progress, ([0-9]+) not reached/\1 \2 \3 \4/')
[ "$lh $lr $lp $lu" = "6 2 2 2" ] || fail "local report: $local_line"

expect_rc 0 hub report 1
contains "$OUT" "hub notice 1 (active) URGENT"
contains "$OUT" "text: $storm"
row=$(echo "$OUT" | grep '^tan-loi ')
read -r _ hid hh hr hu hp _ <<<"$row"
[ "$hid $hh $hr $hu $hp" = "$id $lh $lr $lu $lp" ] || fail "hub report row '$row' != local '$local_line'"
contains "$(echo "$OUT" | grep '^hoa-binh ')" "refused: text has 62 characters; the limit is 20"
contains "$(echo "$OUT" | grep '^an-phu ')" "not taken in yet (last sync: never)"
contains "$OUT" "gateways 3: 1 took it in, 1 refused, 1 not yet"
contains "$OUT" "households 6: 2 reached, 2 not reached, 2 in progress"

# the visit list: names from tan-loi (households = list), nobody else's
expect_rc 0 hub report 1 --unreached
contains "$OUT" "Not reached — visit in person"
visit=$(echo "$OUT" | sed -n '/^Not reached/,$p')
contains "$visit" "tan-loi:"
contains "$visit" "Phạm Thị Dung"
contains "$visit" "+84971112222"
contains "$visit" "(sms: sent)"
contains "$visit" "Võ Thị Phượng"
[ "$(echo "$visit" | grep -c '^  ')" = 2 ] || fail "visit list: $visit"
[[ $visit != *"Nguyễn Văn An"* ]] || fail "a reached household on the visit list"
# privacy: hoa-binh (counts, the default) sent no names; its role sees no other gateway's list
[ "$(pg_sql "SELECT count(*) FROM hub_household_list WHERE gateway_id = 'hoa-binh'")" = 0 ] || fail "counts-only gateway sent names"
[ "$(pg_sql "SELECT count(*) FROM hub_household_list WHERE gateway_id = 'tan-loi'")" = 6 ] || fail "tan-loi's list"
hbpw=$(sed -n 's/^password = //p' "$WORK/hoa-binh.cred")
[ "$(pg_sql_as loa_gw_hoa-binh "$hbpw" "SELECT count(*) FROM hub_household_list")" = 0 ] || fail "RLS: another gateway's list readable"

# a day later the SMS sent "just now" has waited past sms.report_timeout_s
# on both sides: not reached, here and there alike
export LOA_FAKE_TIME=$((LOA_FAKE_TIME + 86400))
expect_rc 0 "$LOA" report "$id"
contains "$OUT" "households 6: 2 reached, 1 in progress, 3 not reached"
expect_rc 0 hub report 1
contains "$OUT" "households 6: 2 reached, 3 not reached, 1 in progress"

# back to counts: tan-loi's list leaves the hub at its next sync; the
# visit list then gives household numbers only
sed -i 's/^households = list/households = counts/' "$LOA_CONFIG"
expect_rc 0 "$LOA" hub sync --once
[ "$(pg_sql "SELECT count(*) FROM hub_household_list")" = 0 ] || fail "list not removed"
expect_rc 0 hub report 1 --unreached
contains "$OUT" "household $(hhid "Phạm Thị Dung") (the gateway sends counts only)  (sms: sent)"
[[ $OUT != *"Phạm Thị Dung"* ]] || fail "a name after going back to counts"

# the list: the latest hub notices with their totals
expect_rc 0 hub notice send --to gateway:hoa-binh "Họp thôn"
expect_rc 0 hub report
first=$(echo "$OUT" | sed -n 2p)
second=$(echo "$OUT" | sed -n 3p)
read -r nid _ _ state gw hh hr hu hp _ <<<"$first"
[ "$nid $state $gw $hh" = "2 active 0/1 0" ] || fail "list row 1: $first"
read -r nid _ _ state gw hh hr hu hp _ <<<"$second"
[ "$nid $state $gw $hh $hr $hu $hp" = "1 active 1/3 6 2 3 1" ] || fail "list row 2: $second"
expect_rc 2 hub report 99
contains "$ERR" "no hub notice 99"
expect_rc 2 hub report abc
contains "$ERR" "usage: loa hub report [ID [--unreached]]"
echo "ok: hub notice send checks and previews; hub report equals the gateway's own report"
