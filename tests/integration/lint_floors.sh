#!/bin/bash
# The layering lint (scripts/floors.sh): clean on the tree as it is; in a
# scratch copy it fails on an upward include (db/ including an app
# header, the web page including the daemon, the simulator including the
# engine), on a library used outside its file (sqlite3 in modem/) and on
# a clock read in db/ (the store takes `now`).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/../.." && pwd)
expect_rc 0 "$root/scripts/floors.sh" "$root"
copy="$WORK/tree"
mkdir -p "$copy"
for d in "$root"/*/; do
	case $(basename "$d") in build* | tests | docs | man | configs) ;; *) cp -r "$d" "$copy"/ ;; esac
done
expect_rc 0 "$copy/scripts/floors.sh" "$copy"
echo '#include "app/cli.h"' >>"$copy/db/store.c"
expect_rc 1 "$copy/scripts/floors.sh" "$copy"
contains "$OUT" "db/store.c"
contains "$OUT" "includes app/cli.h, a floor above db"
sed -i '$d' "$copy/db/store.c"
# the web page and the daemon share a floor: neither includes the other
echo '#include "gateway/daemon.h"' >>"$copy/web/web_page.c"
expect_rc 1 "$copy/scripts/floors.sh" "$copy"
contains "$OUT" "web/web_page.c"
contains "$OUT" "includes gateway/daemon.h"
sed -i '$d' "$copy/web/web_page.c"
# the simulator depends on base only
echo '#include "modem/at.h"' >>"$copy/sim/sim.c"
expect_rc 1 "$copy/scripts/floors.sh" "$copy"
contains "$OUT" "sim/sim.c"
sed -i '$d' "$copy/sim/sim.c"
echo 'static void x(void) { sqlite3_close(0); }' >>"$copy/modem/at.c"
expect_rc 1 "$copy/scripts/floors.sh" "$copy"
contains "$OUT" "modem/at.c: uses sqlite3_"
sed -i '$d' "$copy/modem/at.c"
# libpq stays in db/hub_store.c, even inside db/
echo 'static void z(void) { PQfinish(0); }' >>"$copy/db/store.c"
expect_rc 1 "$copy/scripts/floors.sh" "$copy"
contains "$OUT" "db/store.c: uses"
sed -i '$d' "$copy/db/store.c"
echo '#include <libpq-fe.h>' >>"$copy/domain/hub_sync.c"
expect_rc 1 "$copy/scripts/floors.sh" "$copy"
contains "$OUT" "domain/hub_sync.c: uses <libpq-fe"
sed -i '$d' "$copy/domain/hub_sync.c"
echo 'static long y(void) { return clock_wall_s(); }' >>"$copy/db/store_report.c"
expect_rc 1 "$copy/scripts/floors.sh" "$copy"
contains "$OUT" "db/store_report.c: reads the clock"
echo "ok: the floors lint passes the tree and catches an upward include, a stray library and a clock read in db/"
