#!/bin/bash
# `loa hub report` at province scale (issue 18): 100 gateways x 2,000
# households on a throwaway PostgreSQL (tests/integration/pg_lib.bash:
# Unix socket, fsync off), one hub notice to all taken in by every gateway:
# 2,000 SMS deliveries per gateway and a call to every other household
# (300,000 delivery rows) in a mix of states (delivered, failed, sent
# within and past the report wait, queued; played, confirmed, unreached),
# inserted directly as the hub's admin, as the gateways' pushes would
# leave them.  Times `loa hub report 1` (per gateway and totals) and `loa
# hub report` (the latest hub notices with their totals; 1 full, 4 with
# nothing pushed yet), the median of 5 runs each.  Target: < 1 s.
# BENCH_HUB_GATEWAYS / BENCH_HUB_HOUSEHOLDS override the sizes.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/../integration/pg_lib.bash"
G=${BENCH_HUB_GATEWAYS:-100}
H=${BENCH_HUB_HOUSEHOLDS:-2000}
pg_start
HUB_CONF="$WORK/hub.conf"
printf '[hub]\nurl = %s\ncredentials = %s\n' "$PG_CONN" "$PG_ADMIN_CRED" >"$HUB_CONF"
chmod 600 "$HUB_CONF"
"$LOA" -c "$HUB_CONF" hub init >/dev/null || fail "hub init"
T=$LOA_FAKE_TIME
pg_sql "
INSERT INTO gateways(id, role, name, created_at)
  SELECT 'xa-' || g, 'loa_gw_xa-' || g, 'Thôn số ' || g, $T - 86400 FROM generate_series(1, $G) g;
INSERT INTO hub_households SELECT 'xa-' || g, $H, $T FROM generate_series(1, $G) g;
INSERT INTO hub_notices(text, channels, urgent, source, created_at, due_at)
  SELECT 'Bão số ' || i || ' sắp đổ bộ: mọi nhà chằng chống nhà cửa, không ra biển', 3, true, 'cli',
         $T - 3600 + i, $T - 3600 + i FROM generate_series(1, 5) i;
INSERT INTO hub_notice_to SELECT i, 'all', '' FROM generate_series(1, 5) i;
INSERT INTO hub_receipts SELECT 'xa-' || g, 1, 7, $H, '', $T - 3000 FROM generate_series(1, $G) g;
INSERT INTO hub_sync SELECT 'xa-' || g, s, 1, $T - 60 FROM generate_series(1, $G) g,
  unnest(ARRAY['events', 'deliveries', 'changes']) s;
INSERT INTO hub_deliveries
  SELECT 'xa-' || g, h, 7, h, 'sms',
         (ARRAY['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'failed',
                'sent', 'queued', 'uncertain'])[1 + h % 10],
         1, CASE WHEN h % 20 = 7 THEN $T - 86400 ELSE $T - 600 END, h
  FROM generate_series(1, $G) g, generate_series(1, $H) h;
INSERT INTO hub_deliveries
  SELECT 'xa-' || g, $H + h, 7, h, 'voice',
         (ARRAY['played', 'confirmed', 'unreached', 'failed', 'queued', 'played'])[1 + h % 6],
         1, $T - 600, $H + h
  FROM generate_series(1, $G) g, generate_series(1, $H, 2) h;
ANALYZE;" >/dev/null || fail "synthetic rows"
rows=$(pg_sql "SELECT count(*) FROM hub_deliveries")
ms() { date +%s%3N; }
median() { sort -n | sed -n 3p; }
time_it() {
	for _ in 1 2 3 4 5; do
		local t0 t1
		t0=$(ms)
		"$LOA" -c "$HUB_CONF" hub report "$@" >"$WORK/report.out" || fail "hub report $*: $(cat "$WORK/report.out")"
		t1=$(ms)
		echo $((t1 - t0))
	done | median
}
one=$(time_it 1)
[ "$(grep -c '^xa-' "$WORK/report.out")" = "$G" ] || fail "not $G gateway rows"
tail -1 "$WORK/report.out"
list=$(time_it)
echo "hub report over $G gateways x $H households ($rows deliveries): one notice $one ms, the list $list ms (target < 1000 ms)"
