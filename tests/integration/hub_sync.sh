#!/bin/bash
# `loa hub sync --once` against a real PostgreSQL (pg_lib.bash): a
# gateway's events and delivery states reach the hub; replays (the hub's
# position lost, a receipt lost, a second sync) change nothing; a newer
# delivery state wins over an older one; a hub notice addressed to the
# gateway is taken in once through the same path as `loa notice send`,
# and cancelled once when the hub cancels it;
# with the hub down the gateway keeps working and catches up after.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pg_lib.bash"
pg_start

# the hub: its own configuration, the superuser's credentials
HUB_CONF="$WORK/hub.conf"
printf '[hub]\nurl = %s\ncredentials = %s\n' "$PG_CONN" "$PG_ADMIN_CRED" >"$HUB_CONF"
chmod 600 "$HUB_CONF"
hub() { "$LOA" -c "$HUB_CONF" hub "$@"; }
expect_rc 0 hub init
expect_rc 0 hub gateway add tan-loi --name "Thôn Tân Lợi" -o "$WORK/tan-loi.cred"
expect_rc 0 hub gateway add hoa-binh -o "$WORK/hoa-binh.cred"

# the gateway
expect_rc 0 "$LOA" init
cat >"$WORK/h.csv" <<'CSV'
Họ tên,SĐT,Nhóm,Kênh
Nguyễn Văn An,0912345678,dong-tien,sms
Trần Thị Bình,0987654321,dong-tien,both
Lê Văn Cường,0903111222,tay-son,voice
Phạm Thị Dung,0971112222,tay-son,sms
CSV
expect_rc 0 "$LOA" household import "$WORK/h.csv"
expect_rc 0 "$LOA" notice send --to all "Họp thôn lúc 8 giờ sáng Chủ nhật tại nhà văn hóa"

# not configured yet: one clear line
expect_rc 2 "$LOA" hub sync --once
contains "$ERR" "[hub] gateway_id is not set"
printf '[hub]\nurl = %s\ngateway_id = hoa-binh\ncredentials = %s\n' "$PG_CONN" "$WORK/tan-loi.cred" >>"$LOA_CONFIG"
expect_rc 2 "$LOA" hub sync --once
contains "$ERR" "[hub] gateway_id is hoa-binh but [hub] credentials are gateway tan-loi's"
sed -i 's/^gateway_id = hoa-binh/gateway_id = tan-loi/' "$LOA_CONFIG"
chmod 644 "$WORK/tan-loi.cred"
expect_rc 2 "$LOA" hub sync --once
contains "$ERR" "other users may read it"
chmod 600 "$WORK/tan-loi.cred"

hub_counts() { pg_sql "SELECT (SELECT count(*) FROM hub_events WHERE gateway_id = 'tan-loi') || ' ' ||
  (SELECT count(*) FROM hub_deliveries WHERE gateway_id = 'tan-loi')"; }
local_counts() { echo "$(sql 'SELECT count(*) FROM events') $(sql 'SELECT count(*) FROM deliveries')"; }
states_hub() { pg_sql "SELECT string_agg(id || ':' || state, ' ' ORDER BY id) FROM hub_deliveries WHERE gateway_id = 'tan-loi'"; }
states_local() { sql "SELECT group_concat(id || ':' || state, ' ') FROM (SELECT id, state FROM deliveries ORDER BY id)"; }

expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "hub sync:"
[ "$(hub_counts)" = "$(local_counts)" ] || fail "hub has $(hub_counts), gateway $(local_counts)"
[ "$(states_hub)" = "$(states_local)" ] || fail "states differ: hub $(states_hub) / local $(states_local)"
[ "$(pg_sql "SELECT households FROM hub_households WHERE gateway_id = 'tan-loi'")" = 4 ] || fail "household count"
[ "$(pg_sql "SELECT position FROM hub_sync WHERE gateway_id = 'tan-loi' AND stream = 'events'")" = "$(sql 'SELECT max(id) FROM events')" ] \
	|| fail "events position"
# the detail went through COPY unchanged (Vietnamese, tabs, backslashes)
[ "$(pg_sql "SELECT detail FROM hub_events WHERE gateway_id = 'tan-loi' AND kind = 'notice_created'")" = \
  "$(sql "SELECT detail FROM events WHERE kind = 'notice_created'")" ] || fail "event detail changed on the way"

# a second sync: nothing to push
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "0 event(s) and 0 delivery state(s) pushed"

# the hub's positions lost (a crash between its commit and our record, a
# restore on the hub): everything is pushed again and nothing doubles
pg_sql "UPDATE hub_sync SET position = 0 WHERE gateway_id = 'tan-loi'"
expect_rc 0 "$LOA" hub sync --once
[ "$(hub_counts)" = "$(local_counts)" ] || fail "a replay changed the hub: $(hub_counts) vs $(local_counts)"

# states move on locally: the newest reaches the hub; a replay of the
# older snapshots (position reset) does not undo it
sql "UPDATE deliveries SET state = 'sending' WHERE channel = 'sms'"
sql "UPDATE deliveries SET state = 'sent' WHERE channel = 'sms'"
sql "UPDATE deliveries SET state = 'delivered' WHERE channel = 'sms' AND id = (SELECT min(id) FROM deliveries WHERE channel = 'sms')"
expect_rc 0 "$LOA" hub sync --once
[ "$(states_hub)" = "$(states_local)" ] || fail "states differ: hub $(states_hub) / local $(states_local)"
pg_sql "UPDATE hub_sync SET position = 0 WHERE gateway_id = 'tan-loi' AND stream = 'deliveries'"
expect_rc 0 "$LOA" hub sync --once
[ "$(states_hub)" = "$(states_local)" ] || fail "a replay changed states: hub $(states_hub) / local $(states_local)"

# a hub notice to all, one to the other gateway only
pg_sql "INSERT INTO hub_notices(text, channels, urgent, source, created_at, due_at) VALUES
  ('Bão số 3 sắp đổ bộ: mọi nhà chằng chống nhà cửa, không ra biển', 3, true, 'cli', $LOA_FAKE_TIME, $LOA_FAKE_TIME),
  ('Họp thôn Hòa Bình', 1, false, 'cli', $LOA_FAKE_TIME, $LOA_FAKE_TIME)"
pg_sql "INSERT INTO hub_notice_to VALUES (1, 'all', ''), (2, 'gateway', 'hoa-binh')"
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "1 hub notice(s) taken in"
[ "$(sql "SELECT count(*) FROM notices WHERE source = 'hub:1'")" = 1 ] || fail "hub notice 1 not taken in"
[ "$(sql "SELECT count(*) FROM notices WHERE source = 'hub:2'")" = 0 ] || fail "took in another gateway's notice"
[ "$(sql "SELECT urgent FROM notices WHERE source = 'hub:1'")" = 1 ] || fail "urgency lost"
# fanned out as `loa notice send --to all` would: voice for voice and both
[ "$(sql "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:1'")" = 5 ] \
	|| fail "hub notice fan-out: $(sql "SELECT channel, count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'hub:1' GROUP BY channel")"
local_id=$(sql "SELECT id FROM notices WHERE source = 'hub:1'")
[ "$(pg_sql "SELECT local_notice_id || ' ' || households FROM hub_receipts WHERE gateway_id = 'tan-loi' AND notice_id = 1")" = "$local_id 4" ] \
	|| fail "receipt: $(pg_sql 'SELECT * FROM hub_receipts')"
# its deliveries went up in the same sync
[ "$(hub_counts)" = "$(local_counts)" ] || fail "hub has $(hub_counts), gateway $(local_counts)"
# the receipt lost: taken in again? no — the local notice is found, the receipt re-sent
pg_sql "DELETE FROM hub_receipts"
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "0 hub notice(s) taken in"
[ "$(sql "SELECT count(*) FROM notices WHERE source = 'hub:1'")" = 1 ] || fail "hub notice taken in twice"
[ "$(pg_sql "SELECT local_notice_id FROM hub_receipts WHERE gateway_id = 'tan-loi' AND notice_id = 1")" = "$local_id" ] || fail "receipt not re-sent"

# a hub notice this gateway cannot take (no household has a voice call
# and... simplest: longer than its notice_max_chars): refused once, with why
long=$(printf 'Thông báo dài %.0s' $(seq 1 120))
pg_sql "INSERT INTO hub_notices(text, channels, source, created_at, due_at) VALUES ('$long', 1, 'cli', $LOA_FAKE_TIME, $LOA_FAKE_TIME)"
pg_sql "INSERT INTO hub_notice_to VALUES (3, 'gateway', 'tan-loi')"
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "0 hub notice(s) taken in, 1 refused"
[ "$(pg_sql "SELECT local_notice_id IS NULL FROM hub_receipts WHERE notice_id = 3")" = t ] || fail "refusal not recorded"
[ -n "$(pg_sql "SELECT note FROM hub_receipts WHERE notice_id = 3")" ] || fail "refusal without a reason"
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "0 refused"

# a hub notice cancelled by the hub's admin: a gateway that took it in
# cancels its copy at its next sync (queued deliveries stop; the cancel's
# event and the cancelled states go up), once; one not taken in yet is
# never taken in; errors in one line
expect_rc 0 hub notice send --to tan-loi "Lịch tiêm phòng cho lợn đổi sang thứ Năm"
hub_id=$(pg_sql "SELECT max(id) FROM hub_notices")
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "1 hub notice(s) taken in"
c_local=$(sql "SELECT id FROM notices WHERE source = 'hub:$hub_id'")
[ -n "$c_local" ] || fail "hub notice $hub_id not taken in"
queued=$(sql "SELECT count(*) FROM deliveries WHERE notice_id = $c_local AND state = 'queued'")
[ "$queued" -gt 0 ] || fail "nothing queued for hub notice $hub_id"
expect_rc 0 hub notice cancel "$hub_id"
contains "$OUT" "hub notice $hub_id cancelled"
expect_rc 2 hub notice cancel "$hub_id"
contains "$ERR" "hub notice $hub_id is already cancelled"
expect_rc 2 hub notice cancel 999
contains "$ERR" "no hub notice 999"
expect_rc 2 hub notice cancel abc
contains "$ERR" "usage: loa hub notice cancel ID"
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "1 notice(s) cancelled here because the hub cancelled them"
[ "$(sql "SELECT state FROM notices WHERE id = $c_local")" = cancelled ] || fail "local copy not cancelled"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = $c_local AND state = 'cancelled'")" = "$queued" ] \
	|| fail "deliveries not cancelled: $(sql "SELECT state, count(*) FROM deliveries WHERE notice_id = $c_local GROUP BY state")"
contains "$(sql "SELECT detail FROM events WHERE kind = 'notice_cancelled' AND notice_id = $c_local")" "by the hub (hub notice $hub_id)"
[ "$(pg_sql "SELECT count(*) FROM hub_deliveries WHERE gateway_id = 'tan-loi' AND notice_id = $c_local AND state = 'cancelled'")" = "$queued" ] \
	|| fail "the hub does not see the cancelled deliveries"
[ "$(pg_sql "SELECT count(*) FROM hub_events WHERE gateway_id = 'tan-loi' AND kind = 'notice_cancelled' AND notice_id = $c_local")" = 1 ] \
	|| fail "the cancel's event not at the hub"
expect_rc 0 "$LOA" hub sync --once
[[ $OUT != *"cancelled here"* ]] || fail "cancelled again: $OUT"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'notice_cancelled' AND notice_id = $c_local")" = 1 ] || fail "cancelled twice"
# cancelled before any gateway took it in: never taken in
expect_rc 0 hub notice send --to tan-loi "Thông báo gửi nhầm"
hub_id2=$(pg_sql "SELECT max(id) FROM hub_notices")
# a gateway's role cannot cancel a hub notice (it may only read them)
expect_rc 1 "$LOA" hub notice cancel "$hub_id2"
contains "$ERR" "permission denied"
[ "$(pg_sql "SELECT state FROM hub_notices WHERE id = $hub_id2")" = active ] || fail "a gateway cancelled a hub notice"
expect_rc 0 hub notice cancel "$hub_id2"
expect_rc 0 "$LOA" hub sync --once
contains "$OUT" "0 hub notice(s) taken in"
[ "$(sql "SELECT count(*) FROM notices WHERE source = 'hub:$hub_id2'")" = 0 ] || fail "a cancelled hub notice was taken in"

# the hub down: the gateway goes on (a local notice), sync fails in one line
pg_stop
expect_rc 0 "$LOA" notice send --to dong-tien "Mất điện từ 13 giờ đến 15 giờ chiều nay"
expect_rc 1 "$LOA" hub sync --once
contains "$ERR" "hub"
[ "$(echo "$ERR" | wc -l)" = 1 ] || fail "more than one line: $ERR"
# `loa status` shows the lag (the daemon is not running here: exit 2)
expect_rc 2 "$LOA" status
contains "$OUT" "hub: last sync 2026-12-01 09:00; not yet at the hub: 1 events, 3 deliveries, 0 changes of state"
expect_rc 2 "$LOA" status --json
[ "$(echo "$OUT" | jq -c .hub)" = '{"acked_at":1796090400,"events_pending":1,"deliveries_pending":3,"changes_pending":0,"stale":false}' ] \
	|| fail "status --json hub: $OUT"
pg_restart
expect_rc 0 "$LOA" hub sync --once
expect_rc 2 "$LOA" status
contains "$OUT" "not yet at the hub: 0 events, 0 deliveries, 0 changes of state"
[ "$(hub_counts)" = "$(local_counts)" ] || fail "after the outage the hub has $(hub_counts), gateway $(local_counts)"
[ "$(states_hub)" = "$(states_local)" ] || fail "states after the outage"
# every event once, none missing: the same ids on both sides
[ "$(pg_sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM hub_events WHERE gateway_id = 'tan-loi'")" = \
  "$(sql 'SELECT group_concat(id) FROM (SELECT id FROM events ORDER BY id)')" ] || fail "event ids differ"
echo "ok: hub sync pushes once, replays change nothing, hub notices are taken in once and cancelled once"
