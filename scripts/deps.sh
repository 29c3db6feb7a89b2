#!/bin/sh
# Installs the Debian packages Loa needs to build, test and run, if missing.
# Idempotent: does nothing (and needs no network) when all are present.
# (systemd: for systemd-analyze, which the install test runs on the units.)
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev cppcheck sqlite3 jq
libsqlite3-dev libgammu-dev libsndfile1-dev libespeak-ng-dev espeak-ng
libspandsp-dev libsoxr-dev libmicrohttpd-dev libcmocka-dev libsodium-dev
libutf8proc-dev libcsv-dev curl chromium systemd"
# The browser test drives chromium with playwright-core from npm; bring
# Debian's node only where no node is installed (a NodeSource one may be).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
[ -n "${LOA_EXTRA_PKGS:-}" ] && PKGS="$PKGS $LOA_EXTRA_PKGS"
missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
