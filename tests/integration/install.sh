# `make install` into a DESTDIR: binary, man page, example config (not
# world-readable), data files, and a systemd unit pointing at the binary;
# the installed binary finds its data without LOA_DATADIR.
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
expect_rc 0 env -u LOA_DATADIR "$d/opt/loa/bin/loa" say --print "UBND xã"
contains "$OUT" "ủy ban nhân dân xã"
# uninstall takes what install put, keeps the config and the data
make -C "$root" -s uninstall DESTDIR="$WORK/dest" PREFIX=/opt/loa >/dev/null
[ ! -e "$d/opt/loa/bin/loa" ] && [ ! -e "$d/opt/loa/share/loa" ] && [ ! -e "$d/opt/loa/lib/systemd/system/loa.service" ] ||
	fail "uninstall left files: $(find "$d" -type f)"
echo "install: ok"
