# Sourced by the browser tests (after lib.sh and web_lib.bash): Debian's
# `chromium` driven by playwright-core from npm, kept in $BUILD/node.
# Skips the test (77) only when chromium, node/npm or the playwright-core
# package cannot be had.  Sets CHROMIUM, PW (the npm prefix holding
# playwright-core) and SHOTS ($BUILD/screenshots).  browser_run runs a
# node script written by the test; the script loads browser_lib.js (the
# shared browser session) from $BROWSER_LIB.  Not a test itself
# (tests/run.sh runs only *.sh).
: "${BUILD:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "skip: $CHROMIUM not installed (Debian package chromium; scripts/deps.sh installs it)"; exit 77; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "skip: node/npm not installed"; exit 77; }
PW="$BUILD/node"
# Two browser tests run at once (tests/run.sh): one installs, the other
# waits for it under the same lock, never using a half-installed package.
mkdir -p "$PW"
exec 8>"$PW.lock"
flock 8
if [ ! -f "$PW/node_modules/playwright-core/package.json" ]; then
	if ! npm install --prefix "$PW" --no-audit --no-fund --silent playwright-core >"$WORK/npm.log" 2>&1; then
		echo "skip: npm install playwright-core failed: $(tail -1 "$WORK/npm.log")"
		exit 77
	fi
fi
flock -u 8
exec 8>&-
SHOTS="$BUILD/screenshots"
mkdir -p "$SHOTS"

# browser_run SCRIPT.js: runs it against $URL (from start_web), with
# $WORK for its files; it must print "browser: ok" at its end.
browser_run() {
	PW="$PW" URL="$URL" WORK="$WORK" SHOTS="$SHOTS" CHROMIUM="$CHROMIUM" \
		BROWSER_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/browser_lib.js" \
		timeout 300 node "$1" >"$WORK/node.out" 2>&1 || fail "browser run: $(tail -20 "$WORK/node.out")"
	contains "$(cat "$WORK/node.out")" "browser: ok"
}
