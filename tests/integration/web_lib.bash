# Sourced by the web_*.sh integration tests that attack the page (after
# lib.sh): starts the real `loa web` on 127.0.0.1 port 0 and finds the port
# it printed, stops it checking for sanitizer reports, and runs curl from a
# chosen loopback address (Linux answers on all of 127.0.0.0/8, so each
# 127.x.y.z is a different client address to the server).  Not a test
# itself (tests/run.sh runs only *.sh).  The browser tests, which need no
# curl, set WEB_NO_CURL=1 before sourcing it.
[ -n "${WEB_NO_CURL:-}" ] || command -v curl >/dev/null || { echo "curl is not installed (scripts/deps.sh installs it)"; exit 77; }

WEB_PID=
web_cleanup() {
	[ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap web_cleanup EXIT

# start_web [loa web options]: sets URL (http://ADDR:PORT) and PORT
start_web() {
	"$LOA" web "$@" >"$WORK/web.out" 2>"$WORK/web.err" &
	WEB_PID=$!
	URL=""
	for _ in $(seq 1 100); do
		# the whole URL, up to the slash after the port: a line still
		# being written must not yield a cut port number
		URL=$(grep -o 'http://[0-9.]*:[0-9]*/' "$WORK/web.out" || true)
		URL=${URL%/}
		[ -n "$URL" ] && break
		kill -0 "$WEB_PID" 2>/dev/null || fail "loa web exited: $(cat "$WORK/web.err")"
		sleep 0.1
	done
	[ -n "$URL" ] || fail "loa web did not start"
	PORT=${URL##*:}
}

stop_web() {
	kill -TERM "$WEB_PID"
	wait "$WEB_PID" || fail "loa web exit code $?"
	WEB_PID=
	case "$(cat "$WORK/web.err")" in *Sanitizer*|*"runtime error:"*) fail "sanitizer: $(cat "$WORK/web.err")" ;; esac
}

# web_code FROM CURL-ARGS...: the HTTP status of a request sent from
# address FROM; the body in $WORK/body, the headers in $WORK/head.
web_code() {
	local from=$1; shift
	curl -s --interface "$from" -o "$WORK/body" -D "$WORK/head" -w '%{http_code}' "$@" || true
}
