#!/bin/bash
# Backups: `loa backup DIR` while the daemon is sending on two simulated
# modems gives a copy that passes `PRAGMA integrity_check` (mode 0600); the
# daemon made its daily copy in the default folder (backup/ beside the
# database) when it started; `loa restore` is refused while the daemon
# runs, then puts the copy back and keeps the database it replaces; a
# database with garbage in its middle stops `loa run` with one line naming
# the newest good backup and the restore command, and exit 3, and the
# systemd unit's ExecStart line (configs/loa.service, paths substituted)
# exits with a status its RestartPreventExitStatus lists: no restart loop.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 2
start_sim --modems 2 --report delivered --report-delay-ms 10 --cmgs-delay-ms 100
village 120
expect_rc 0 "$LOA" notice send --to all --only-sms "$NOTICE"
run_daemon_bg
wait_for 60 has_lines 20 || fail "the daemon does not send: $(tail -5 "$WORK/daemon.log")"

# a copy while sending
expect_rc 0 "$LOA" backup "$WORK/manual"
contains "$OUT" "integrity_check ok"
copy=$(ls "$WORK"/manual/loa-*.db)
[ "$(wc -l <<<"$copy")" -eq 1 ] || fail "copies: $copy"
[ "$(sqlite3 "$copy" 'PRAGMA integrity_check')" = ok ] || fail "the copy is not sound"
[ "$(stat -c %a "$copy")" = 600 ] || fail "copy mode $(stat -c %a "$copy")"
ls "$WORK"/manual/*.tmp 2>/dev/null && fail "a temp file is left"
sent_then=$(sqlite3 "$copy" "SELECT count(*) FROM deliveries WHERE state IN ('sent', 'delivered')")
[ "$(sqlite3 "$copy" "SELECT count(*) FROM deliveries")" -eq 120 ] || fail "the copy lacks deliveries"
[ "$sent_then" -lt 120 ] || fail "the copy was made after the sending, not during it"

# the daemon's daily copy, in the default folder
daily=$(ls "$WORK"/backup/loa-*.db) || fail "no daily copy: $(grep -i backup "$WORK/daemon.log")"
[ "$(sqlite3 "$daily" 'PRAGMA integrity_check')" = ok ] || fail "the daily copy is not sound"
grep -q "database copied to $daily" "$WORK/daemon.log" || fail "the daily copy is not logged"

# restore is refused while the daemon runs
expect_rc 1 "$LOA" restore "$copy"
contains "$ERR" "the daemon is running"
wait_for 120 has_lines 120 || fail "sending did not finish"
done_q() { [ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'delivered'")" -eq 120 ]; }
wait_for 60 done_q || fail "not all delivered"
kill -TERM "$DAEMON_PID"
wait_daemon || fail "the daemon did not stop cleanly"

# restore round trip
expect_rc 0 "$LOA" restore "$copy"
contains "$OUT" "restored $copy to $WORK/loa.db (integrity_check ok"
kept=$(ls "$WORK"/loa.db.before-restore-*)
contains "$OUT" "kept the database as it was as $kept"
[ "$(sql "SELECT count(*) FROM deliveries WHERE state IN ('sent', 'delivered')")" -eq "$sent_then" ] ||
	fail "the restored database is not the copy"
[ "$(sqlite3 "$kept" "SELECT count(*) FROM deliveries WHERE state = 'delivered'")" -eq 120 ] ||
	fail "the database before the restore was not kept whole"
[ "$(stat -c %a "$WORK/loa.db")" = 600 ] || fail "restored database mode $(stat -c %a "$WORK/loa.db")"
expect_rc 0 "$LOA" init
printf 'garbage\033[2J' >"$WORK/bad.db"
expect_rc 2 "$LOA" restore "$WORK/bad.db"
contains "$ERR" "is damaged (file is not a database): not restored, nothing was changed"

# garbage in the middle of the database
size=$(stat -c %s "$WORK/loa.db")
head -c 8192 /dev/urandom | dd of="$WORK/loa.db" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_rc 3 "$LOA" run
[ "$(wc -l <<<"$ERR")" -eq 1 ] || fail "more than one line: $ERR"
contains "$ERR" "loa: $WORK/loa.db is damaged ("
contains "$ERR" "the newest good backup is $daily: restore it with: loa -c $LOA_CONFIG restore $daily"
LC_ALL=C grep -q '[[:cntrl:]]' <<<"$ERR" && fail "control bytes in: $ERR"
expect_rc 3 "$LOA" init

# what systemd runs, and whether it would restart it
unit="$root/configs/loa.service"
prevent=$(sed -n 's/^RestartPreventExitStatus=//p' "$unit")
for key in ExecStartPre ExecStart; do
	line=$(sed -n "s/^$key=-\{0,1\}//p" "$unit" | sed "s|@BINDIR@/loa|$LOA|; s|/etc/loa/loa.conf|$LOA_CONFIG|")
	read -ra cmd <<<"$line"
	set +e
	"${cmd[@]}" >/dev/null 2>"$WORK/unit.err"
	rc=$?
	set -e
	[ "$rc" -eq 3 ] || fail "$key exits $rc: $(cat "$WORK/unit.err")"
done
[[ " $prevent " == *" $rc "* ]] || fail "ExecStart exits $rc, RestartPreventExitStatus=$prevent: systemd would restart it"
grep -q '^ExecStartPre=-' "$unit" || fail "a failing ExecStartPre would restart the unit (RestartPreventExitStatus reads the main process)"
if command -v systemd-analyze >/dev/null; then
	sed "s|@BINDIR@/loa|$LOA|g" "$unit" >"$WORK/loa.service"
	expect_rc 0 systemd-analyze verify --man=no "$WORK/loa.service"
fi

# and restoring the named copy brings it back
expect_rc 0 "$LOA" restore "$daily"
expect_rc 0 "$LOA" init
echo "backup: ok"
