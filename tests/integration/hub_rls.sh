#!/bin/bash
# The hub on a real PostgreSQL (pg_lib.bash): `loa hub init` creates the
# schema and is idempotent; `loa hub gateway add` creates a role per
# gateway and a 0600 credentials file; row-level security keeps each
# gateway's role to its own rows and to the notices addressed to it.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pg_lib.bash"
pg_start
cat >>"$LOA_CONFIG" <<CONF
[hub]
url = $PG_CONN
credentials = $PG_ADMIN_CRED
CONF

expect_rc 0 "$LOA" hub init
contains "$OUT" "hub database at version 4 (was 0)"
expect_rc 0 "$LOA" hub init
contains "$OUT" "nothing to do"
[ "$(pg_sql 'SELECT version FROM loa_hub_version')" = 4 ] || fail "version not recorded"

cd "$WORK"
expect_rc 0 "$LOA" hub gateway add tan-loi --name "Thôn Tân Lợi"
contains "$OUT" "gateway tan-loi added: role loa_gw_tan-loi"
[ "$(stat -c %a hub-tan-loi.cred)" = 600 ] || fail "credentials file mode $(stat -c %a hub-tan-loi.cred)"
expect_rc 0 "$LOA" hub gateway add hoa-binh --name "Thôn Hòa Bình" -o "$WORK/hb.cred"
expect_rc 0 "$LOA" hub gateway add dong-tien -o "$WORK/dt.cred"
# the same id twice: refused, and the file it would have written is gone
expect_rc 2 "$LOA" hub gateway add tan-loi -o "$WORK/again.cred"
contains "$ERR" "exists already"
[ ! -e "$WORK/again.cred" ] || fail "a refused gateway add left its credentials file"
# an existing file is never overwritten
expect_rc 2 "$LOA" hub gateway add ben-do -o "$WORK/hb.cred"
contains "$ERR" "File exists"
expect_rc 2 "$LOA" hub gateway add "Tân Lợi"
contains "$ERR" "bad gateway id"
expect_rc 2 "$LOA" hub gateway add "x'; DROP TABLE gateways; --"
contains "$ERR" "bad gateway id"
expect_rc 0 "$LOA" hub group add ven-song hoa-binh dong-tien
expect_rc 0 "$LOA" hub gateway list
contains "$OUT" "tan-loi"
contains "$OUT" "Thôn Hòa Bình"

pw() { sed -n 's/^password = //p' "$1"; }
TL_PW=$(pw hub-tan-loi.cred) HB_PW=$(pw "$WORK/hb.cred")
tl() { pg_sql_as loa_gw_tan-loi "$TL_PW" "$@"; }
hb() { pg_sql_as loa_gw_hoa-binh "$HB_PW" "$@"; }
# expect_sql_fail WHAT CMD...: the statement must be refused
expect_sql_fail() {
	local what=$1; shift
	if "$@" >"$WORK/sql.out" 2>&1; then fail "$what was allowed: $(cat "$WORK/sql.out")"; fi
}

# notices: one to all, one to tan-loi, one to the group ven-song
pg_sql "INSERT INTO hub_notices(text, channels, source, created_at, due_at) VALUES
  ('Bão số 3 đổ bộ đêm nay, mọi nhà chằng chống nhà cửa', 3, 'cli', 1796090400, 1796090400),
  ('Họp thôn Tân Lợi lúc 8 giờ sáng mai', 1, 'cli', 1796090400, 1796090400),
  ('Nước sông lên, các hộ ven sông di dời', 3, 'cli', 1796090400, 1796090400)"
pg_sql "INSERT INTO hub_notice_to VALUES (1, 'all', ''), (2, 'gateway', 'tan-loi'), (3, 'group', 'ven-song')"

[ "$(tl 'SELECT loa_hub_me()')" = tan-loi ] || fail "tan-loi's role is not tan-loi"
[ "$(tl 'SELECT id FROM gateways')" = tan-loi ] || fail "tan-loi sees other gateways: $(tl 'SELECT id FROM gateways')"
[ "$(tl 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM hub_notices')" = "1,2" ] \
	|| fail "tan-loi sees notices $(tl 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM hub_notices')"
[ "$(hb 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM hub_notices')" = "1,3" ] \
	|| fail "hoa-binh sees notices $(hb 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM hub_notices')"
[ "$(tl 'SELECT count(*) FROM hub_notice_to')" = 2 ] || fail "tan-loi sees others' addresses"
[ "$(tl 'SELECT count(*) FROM gateway_group_members')" = 0 ] || fail "tan-loi sees the group ven-song"
expect_sql_fail "reading gateway groups" tl 'SELECT * FROM gateway_groups'

# own rows: yes; another gateway's: neither written nor read
tl "INSERT INTO hub_events(gateway_id, id, at, kind, detail) VALUES ('tan-loi', 1, 1796090400, 'notice_created', 'Bão số 3')"
hb "INSERT INTO hub_events(gateway_id, id, at, kind) VALUES ('hoa-binh', 1, 1796090400, 'notice_created')"
expect_sql_fail "writing another gateway's event" tl \
	"INSERT INTO hub_events(gateway_id, id, at, kind) VALUES ('hoa-binh', 2, 1796090400, 'forged')"
contains "$(cat "$WORK/sql.out")" "row-level security"
[ "$(tl 'SELECT count(*) FROM hub_events')" = 1 ] || fail "tan-loi reads another gateway's events"
[ "$(hb 'SELECT gateway_id FROM hub_events')" = hoa-binh ] || fail "hoa-binh reads another gateway's events"
expect_sql_fail "changing an event" tl "UPDATE hub_events SET detail = 'x'"
expect_sql_fail "deleting an event" tl "DELETE FROM hub_events"
expect_sql_fail "the hub itself changing an event" pg_sql "UPDATE hub_events SET detail = 'x'"
contains "$(cat "$WORK/sql.out")" "append-only"

hb "INSERT INTO hub_deliveries VALUES ('hoa-binh', 7, 1, 3, 'sms', 'delivered', 1, 1796090400, 1)"
[ "$(tl "UPDATE hub_deliveries SET state = 'failed' RETURNING id" | wc -l)" = 0 ] || fail "tan-loi changed hoa-binh's delivery"
[ "$(pg_sql "SELECT state FROM hub_deliveries WHERE gateway_id = 'hoa-binh'")" = delivered ] || fail "hoa-binh's delivery changed"
expect_sql_fail "moving a delivery to another gateway" hb "UPDATE hub_deliveries SET gateway_id = 'tan-loi'"
expect_sql_fail "writing another gateway's delivery" tl \
	"INSERT INTO hub_deliveries VALUES ('hoa-binh', 8, 1, 3, 'sms', 'failed', 1, 1796090400, 2)"
expect_sql_fail "deleting a delivery" hb "DELETE FROM hub_deliveries"
expect_sql_fail "setting another gateway's position" tl \
	"INSERT INTO hub_sync VALUES ('hoa-binh', 'events', 99, 1796090400)"
expect_sql_fail "a household count for another gateway" tl \
	"INSERT INTO hub_households VALUES ('hoa-binh', 5, 1796090400)"
# the opt-in household list (hub migration 2): its own rows only, deleting them too
tl "INSERT INTO hub_household_list(gateway_id, household_id, name, phone, updated_at) VALUES ('tan-loi', 1, 'Nguyễn Văn An', '+84912345678', 1796090400)"
[ "$(hb 'SELECT count(*) FROM hub_household_list')" = 0 ] || fail "hoa-binh reads tan-loi's household list"
expect_sql_fail "a household in another gateway's list" hb \
	"INSERT INTO hub_household_list(gateway_id, household_id, name, updated_at) VALUES ('tan-loi', 2, 'Trần Thị Bình', 1796090400)"
[ "$(hb "DELETE FROM hub_household_list RETURNING household_id" | wc -l)" = 0 ] || fail "hoa-binh deleted tan-loi's list"
[ "$(pg_sql "SELECT count(*) FROM hub_household_list WHERE gateway_id = 'tan-loi'")" = 1 ] || fail "tan-loi's list changed"
expect_sql_fail "moving a listed household to another gateway" tl "UPDATE hub_household_list SET gateway_id = 'hoa-binh'"
# receipts: only its own, only for notices addressed to it
tl "INSERT INTO hub_receipts(gateway_id, notice_id, local_notice_id, households, accepted_at) VALUES ('tan-loi', 1, 1, 40, 1796090400)"
expect_sql_fail "a receipt for a notice not addressed to it" tl \
	"INSERT INTO hub_receipts(gateway_id, notice_id, local_notice_id, accepted_at) VALUES ('tan-loi', 3, 1, 1796090400)"
expect_sql_fail "a receipt in another gateway's name" tl \
	"INSERT INTO hub_receipts(gateway_id, notice_id, local_notice_id, accepted_at) VALUES ('hoa-binh', 1, 1, 1796090400)"
[ "$(hb 'SELECT count(*) FROM hub_receipts')" = 0 ] || fail "hoa-binh reads tan-loi's receipts"
# the hub's tables and roles are out of reach
expect_sql_fail "writing a notice" tl "INSERT INTO hub_notices(text, channels, source, created_at, due_at) VALUES ('x', 1, 'gw', 0, 0)"
expect_sql_fail "addressing a notice to itself" tl "INSERT INTO hub_notice_to VALUES (3, 'gateway', 'tan-loi')"
expect_sql_fail "adding a gateway" tl "SELECT loa_hub_gateway_add('evil', 'x', '', 0)"
expect_sql_fail "joining a group" tl "INSERT INTO gateway_group_members VALUES ('ven-song', 'tan-loi')"
expect_sql_fail "creating a table" tl "CREATE TABLE mine (x int)"
# the health row (hub migration 3): its own only
tl "INSERT INTO hub_gateway_health(gateway_id, at, modems_total, modems_ready, balance_min_dong, balance_at) VALUES ('tan-loi', 1796090400, 2, 2, 15000, 1796090000)"
[ "$(hb 'SELECT count(*) FROM hub_gateway_health')" = 0 ] || fail "hoa-binh reads tan-loi's health"
expect_sql_fail "health in another gateway's name" hb \
	"INSERT INTO hub_gateway_health(gateway_id, at) VALUES ('tan-loi', 1796090400)"
[ "$(hb "UPDATE hub_gateway_health SET modems_ready = 0 RETURNING gateway_id" | wc -l)" = 0 ] || fail "hoa-binh changed tan-loi's health"
expect_sql_fail "moving its health row to another gateway" tl "UPDATE hub_gateway_health SET gateway_id = 'hoa-binh'"
expect_sql_fail "deleting its health row" tl "DELETE FROM hub_gateway_health"
# the web's role (loa_hub_web): reads everything, adds notices, writes nothing else
pg_sql "CREATE ROLE loa_web_test LOGIN PASSWORD 'web-test-pw' IN ROLE loa_hub_web"
web() { pg_sql_as loa_web_test web-test-pw "$@"; }
[ "$(web "SELECT modems_ready FROM hub_gateway_health WHERE gateway_id = 'tan-loi'")" = 2 ] || fail "the web role cannot read the health"
[ "$(web 'SELECT count(*) FROM hub_receipts')" = 1 ] || fail "the web role cannot read the receipts"
web "INSERT INTO hub_notices(text, channels, source, created_at, due_at) VALUES ('Kiểm tra', 1, 'web:an', 1796090400, 1796090400)"
expect_sql_fail "the web role writing health" web "UPDATE hub_gateway_health SET modems_ready = 0"
expect_sql_fail "the web role writing events" web "INSERT INTO hub_events(gateway_id, id, at, kind) VALUES ('tan-loi', 999, 0, 'x')"
expect_sql_fail "the web role adding a gateway" web "SELECT loa_hub_gateway_add('evil', 'x', '', 0)"
# a wrong password is refused
expect_sql_fail "a wrong password" pg_sql_as loa_gw_tan-loi "$HB_PW" 'SELECT 1'
echo "ok: hub init, gateway roles and row-level security"
