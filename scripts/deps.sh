#!/bin/sh
# Installs the Debian packages Loa needs to build, test and run, if missing.
# Idempotent: does nothing (and needs no network) when all are present.
# (systemd: for systemd-analyze, which the install test runs on the units;
# unzip: web_paging looks inside the .xlsx downloads;
# gettext: xgettext/msgfmt for the message catalogs, po/; locales: the
# vi_VN.UTF-8 locale, generated below, that LANG=vi_VN.UTF-8 names;
# postgresql: the hub tests start a throwaway server, tests/integration/pg_lib.bash.)
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev cppcheck sqlite3 jq
libsqlite3-dev libgammu-dev libsndfile1-dev libespeak-ng-dev espeak-ng
libspandsp-dev libsoxr-dev libmicrohttpd-dev libcmocka-dev libsodium-dev
libutf8proc-dev libcsv-dev libzip-dev libexpat1-dev libxlsxwriter-dev libpq-dev postgresql curl unzip chromium
systemd gettext locales"
# The browser test drives chromium with playwright-core from npm; bring
# Debian's node only where no node is installed (a NodeSource one may be).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
[ -n "${LOA_EXTRA_PKGS:-}" ] && PKGS="$PKGS $LOA_EXTRA_PKGS"
missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
# The Vietnamese locale (Loa falls back to C.UTF-8 plus LANGUAGE=vi without
# it, but other programs want it): generated once, where locale-gen is.
vi_locale() {
	locale -a 2>/dev/null | grep -qix 'vi_VN.utf8' && return 0
	[ -f /etc/locale.gen ] && command -v locale-gen >/dev/null 2>&1 || return 0
	echo "deps: generating the vi_VN.UTF-8 locale" >&2
	grep -q '^vi_VN.UTF-8 UTF-8' /etc/locale.gen || $SUDO sed -i 's/^# *vi_VN.UTF-8 UTF-8/vi_VN.UTF-8 UTF-8/' /etc/locale.gen
	grep -q '^vi_VN.UTF-8 UTF-8' /etc/locale.gen || echo 'vi_VN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	$SUDO locale-gen >/dev/null
}
if [ -z "$missing" ]; then
	vi_locale
	exit 0
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
vi_locale
