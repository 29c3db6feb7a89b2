# `make install` into a DESTDIR: binary, man page, example config (not
# world-readable, naming the real PREFIX), data files, the udev rule where
# udev reads it (a PC's and a Raspberry Pi's paths), and the systemd units
# of the daemon and of the web page pointing at the binary, the web page's
# hardened (and, where systemd-analyze is installed, both checked by it);
# the installed binary, and build/loa not installed, find their data
# without LOA_DATADIR; `loa --version`; with the example config (no modem)
# `loa run` waits and says why, in the journal's form under systemd.
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
make -C "$root" -s install DESTDIR="$WORK/dest" PREFIX=/opt/loa INSTALL_BIN="$LOA" >/dev/null
d="$WORK/dest"
[ -x "$d/opt/loa/bin/loa" ] || fail "binary not installed"
[ -f "$d/opt/loa/share/man/man1/loa.1" ] || fail "man page not installed"
[ "$(stat -c %a "$d/etc/loa/loa.conf.example")" = 640 ] || fail "example config is world-readable"
[ -f "$d/opt/loa/share/loa/abbreviations.tsv" ] || fail "dictionaries not installed"
grep -q '^ExecStart=/opt/loa/bin/loa -c /etc/loa/loa.conf run$' "$d/opt/loa/lib/systemd/system/loa.service" ||
	fail "systemd unit does not run the installed binary"
grep -q '^User=loa$' "$d/opt/loa/lib/systemd/system/loa.service" || fail "unit does not drop to the loa user"
w="$d/opt/loa/lib/systemd/system/loa-web.service"
[ -f "$w" ] || fail "web page unit not installed"
[ "$(stat -c %a "$w")" = 644 ] || fail "web page unit mode $(stat -c %a "$w")"
grep -q '^ExecStart=/opt/loa/bin/loa -c /etc/loa/loa.conf web$' "$w" || fail "web unit does not run the installed loa web"
for line in User=loa ProtectSystem=strict ReadWritePaths=/var/lib/loa PrivateDevices=yes DevicePolicy=closed \
	'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' SystemCallFilter=@system-service NoNewPrivileges=yes \
	CapabilityBoundingSet= ; do
	grep -qx "$line" "$w" || fail "web unit lacks $line"
done
r="$d/etc/udev/rules.d/99-loa-modems.rules"
[ -f "$r" ] || fail "udev rule not in a folder udev reads: $(find "$d" -name '*.rules')"
[ "$(stat -c %a "$r")" = 644 ] || fail "udev rule mode $(stat -c %a "$r")"
grep -q '^SUBSYSTEM=="tty", ENV{ID_PATH}=="pci-.*SYMLINK+="loa/m1-at"' "$r" || fail "udev rule has no PC (pci-*) example"
grep -q '^SUBSYSTEM=="tty", ENV{ID_PATH}=="platform-.*SYMLINK+="loa/m1-at"' "$r" || fail "udev rule has no Raspberry Pi example"
grep -q 'ID_MM_DEVICE_IGNORE}="1"' "$r" || fail "udev rule does not keep ModemManager away"
for fam in Huawei SIMCom Quectel 'udevadm info'; do grep -q "$fam" "$r" || fail "udev rule does not mention $fam"; done
grep -q '/opt/loa/share/loa' "$d/etc/loa/loa.conf.example" || fail "example config does not name PREFIX/share/loa"
grep -q '/usr/local' "$d/etc/loa/loa.conf.example" && fail "example config names /usr/local under PREFIX=/opt/loa"
grep -q '^DeviceAllow' "$w" && fail "web unit allows a device"
grep -q '^SupplementaryGroups' "$w" && fail "web unit joins a group (dialout?)"
if command -v systemd-analyze >/dev/null; then
	# both units as systemd reads them, and the web page's exposure
	# (loa-web 1.0, loa 2.1 when written; fail if it grows past 1.5)
	for u in loa loa-web; do
		sed "s|@/opt/loa/bin/loa|@$d/opt/loa/bin/loa|; s|=/opt/loa/bin/loa|=$d/opt/loa/bin/loa|" \
			"$d/opt/loa/lib/systemd/system/$u.service" >"$WORK/$u.service"
		expect_rc 0 systemd-analyze verify --man=no "$WORK/$u.service"
	done
	set +e
	systemd-analyze security --offline=yes --threshold=15 "$WORK/loa-web.service" >"$WORK/sa.out" 2>&1
	rc=$?
	set -e
	[ $rc -eq 0 ] || fail "loa-web.service exposure above 1.5: $(tail -1 "$WORK/sa.out")"
fi
expect_rc 0 "$d/opt/loa/bin/loa" --version
[ "$OUT" = "$("$LOA" version)" ] && contains "$OUT" "loa " || fail "loa --version: $OUT"
# the example config as installed, only the database and spool moved here:
# no modem, so the service waits (no restart every 5 s), saying why; the
# daemon's stderr is "the journal" (JOURNAL_STREAM names it), so its lines
# carry a priority and no timestamp
sed "s|^# database = .*|database = $WORK/ex/loa.db|; s|^# spool = .*|spool = $WORK/ex/spool|; s|^# cache = .*|cache = $WORK/ex/cache|" \
	"$d/etc/loa/loa.conf.example" >"$WORK/ex.conf"
chmod 600 "$WORK/ex.conf"
mkdir -m 700 "$WORK/ex"
expect_rc 0 "$d/opt/loa/bin/loa" -c "$WORK/ex.conf" init
expect_rc 2 "$d/opt/loa/bin/loa" -c "$WORK/ex.conf" run --until-idle
contains "$ERR" "no enabled [modem NAME] section"
: >"$WORK/run.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$WORK/run.log") "$d/opt/loa/bin/loa" -c "$WORK/ex.conf" run 2>>"$WORK/run.log" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q 'started with 0 modems' "$WORK/run.log" && break
	sleep 0.5
done
sleep 2
kill -0 $pid 2>/dev/null || fail "loa run without a modem exited: $(cat "$WORK/run.log")"
log=$(cat "$WORK/run.log")
contains "$log" "<4>daemon: $WORK/ex.conf: no enabled [modem NAME] section: waiting"
contains "$log" "<6>daemon: started with 0 modems"
[[ $log == *"2026-"* ]] && fail "journal lines carry their own timestamp: $log"
expect_rc 1 "$d/opt/loa/bin/loa" -c "$WORK/ex.conf" status
contains "$OUT" "daemon: running"
contains "$OUT" "không có modem nào được bật"
kill -TERM $pid
wait $pid || fail "loa run did not stop cleanly on SIGTERM"
# the binary under test, not installed (build/loa), finds configs/ beside
# its build folder, from any working folder

(cd / && env -u LOA_DATADIR "$LOA" say --print "UBND xã") | grep -q "ủy ban nhân dân xã" ||
	fail "build/loa without LOA_DATADIR does not find configs/"
expect_rc 0 env -u LOA_DATADIR "$d/opt/loa/bin/loa" say --print "UBND xã"
contains "$OUT" "ủy ban nhân dân xã"
# the message catalog installed, and found by the installed binary and by
# build/loa (beside it in the build tree), without LOA_LOCALEDIR
mo="$d/opt/loa/share/locale/vi/LC_MESSAGES/loa.mo"
[ -f "$mo" ] && [ "$(stat -c %a "$mo")" = 644 ] || fail "message catalog not installed"
expect_rc 0 env -u LOA_LOCALEDIR LANGUAGE=vi "$d/opt/loa/bin/loa" help
contains "$OUT" "các lệnh:"
expect_rc 0 env -u LOA_LOCALEDIR LANGUAGE=vi "$LOA" help
contains "$OUT" "các lệnh:"
# uninstall takes what install put, keeps the config and the data
make -C "$root" -s uninstall DESTDIR="$WORK/dest" PREFIX=/opt/loa >/dev/null
[ ! -e "$d/opt/loa/bin/loa" ] && [ ! -e "$d/opt/loa/share/loa" ] && [ ! -e "$d/opt/loa/lib/systemd/system/loa.service" ] &&
	[ ! -e "$w" ] && [ ! -e "$r" ] && [ ! -e "$mo" ] ||
	fail "uninstall left files: $(find "$d" -type f)"
echo "install: ok"
