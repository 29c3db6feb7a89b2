# `make install` into a DESTDIR: binary, man page, example config (not
# world-readable), data files, and the systemd units of the daemon and of
# the web page pointing at the binary, the web page's hardened (and, where
# systemd-analyze is installed, checked by it); the installed binary finds
# its data without LOA_DATADIR.
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
grep -q '^DeviceAllow' "$w" && fail "web unit allows a device"
grep -q '^SupplementaryGroups' "$w" && fail "web unit joins a group (dialout?)"
if command -v systemd-analyze >/dev/null; then
	# the unit as systemd reads it, and its exposure (loa-web 1.0, loa 2.1
	# when written; fail if it grows past 1.5)
	sed "s|^ExecStart=/opt/loa/bin/loa|ExecStart=$d/opt/loa/bin/loa|" "$w" >"$WORK/loa-web.service"
	expect_rc 0 systemd-analyze verify --man=no "$WORK/loa-web.service"
	set +e
	systemd-analyze security --offline=yes --threshold=15 "$WORK/loa-web.service" >"$WORK/sa.out" 2>&1
	rc=$?
	set -e
	[ $rc -eq 0 ] || fail "loa-web.service exposure above 1.5: $(tail -1 "$WORK/sa.out")"
fi
expect_rc 0 env -u LOA_DATADIR "$d/opt/loa/bin/loa" say --print "UBND xã"
contains "$OUT" "ủy ban nhân dân xã"
# uninstall takes what install put, keeps the config and the data
make -C "$root" -s uninstall DESTDIR="$WORK/dest" PREFIX=/opt/loa >/dev/null
[ ! -e "$d/opt/loa/bin/loa" ] && [ ! -e "$d/opt/loa/share/loa" ] && [ ! -e "$d/opt/loa/lib/systemd/system/loa.service" ] &&
	[ ! -e "$w" ] ||
	fail "uninstall left files: $(find "$d" -type f)"
echo "install: ok"
