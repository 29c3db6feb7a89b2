# Sourced by integration scripts: a private work folder, a config, helpers.
# Scripts run the real `loa` binary ($LOA) and exit non-zero on failure.
set -euo pipefail
WORK=$(mktemp -d /tmp/loa-it.XXXXXX)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
# bash runs no EXIT trap when a signal kills it: a script stopped by the
# runner's timeout (TERM) or ^C exits through its EXIT cleanup instead, so
# no simulator, daemon or PostgreSQL server is left running.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
export LOA_CONFIG="$WORK/loa.conf"
# A fixed wall time (2026-12-01 09:00 +07) so nothing depends on the hour.
export LOA_FAKE_TIME=${LOA_FAKE_TIME:-1796090400}
export TZ=Asia/Ho_Chi_Minh
# English messages whatever the developer's locale (a script that wants
# Vietnamese says LC_ALL=vi_VN.UTF-8 for that one command).
export LC_ALL=C.UTF-8
unset LC_MESSAGES
cat >"$LOA_CONFIG" <<CONF
[gateway]
database = loa.db
spool = spool
village = Thôn Tân Lợi
[tts]
cache = cache
CONF
chmod 600 "$LOA_CONFIG"
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_rc CODE CMD...: runs CMD, checks its exit code, keeps its output in $OUT/$ERR
expect_rc() {
	local want=$1; shift
	set +e
	"$@" >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	set -e
	OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err")
	case "$ERR" in *Sanitizer*|*"runtime error:"*) fail "sanitizer report from: $* | $ERR" ;; esac
	[ "$rc" -eq "$want" ] || fail "expected exit $want, got $rc from: $* | stdout: $OUT | stderr: $ERR"
}
contains() { [[ $1 == *"$2"* ]] || fail "expected to find '$2' in: $1"; }
sql() { sqlite3 "$WORK/loa.db" "$@"; }
