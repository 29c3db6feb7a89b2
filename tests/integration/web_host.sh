# The Host header against the real `loa web` (issue 10, item 9): a page
# reached under a stranger's name (DNS rebinding: evil.example made to
# resolve to this machine) is refused with 421 before any page code runs,
# login included; the listen address, localhost, 127.0.0.1, [::1] and the
# names in [web] hosts are answered, with any port.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
hosts = loa.office, Thon-Tan-Loi.local , 10.9.8.7,[fd00::7]
CONF
expect_rc 0 "$LOA" init
expect_rc 0 "$LOA" user add admin <<<'mat-khau-dai'
start_web
code() { web_code 127.0.0.1 "$@"; }

# the normal request works
[ "$(code "$URL/login")" = 200 ] || fail "login page by its address"
J="$WORK/jar"
[ "$(code -c "$J" "$URL/login")" = 200 ] || fail "login page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | grep -o '[0-9a-f]\{64\}')
# curl picks cookies by the Host header it sends, so the pre-login cookie
# goes by hand
C="Cookie: loa_login=$(awk '$6 == "loa_login" { print $7 }' "$J")"

# the attack: the page under another name is refused, with a short message
for h in evil.example "evil.example:$PORT" "loa.office.evil.example" "localhost.evil.example" \
	"127.0.0.1.nip.io:$PORT" "127.0.0.2:$PORT" "[::2]:$PORT" "localhost:80x" "localhost:" "[::1" "a b" \
	"loa.office:$PORT:1" "0.0.0.0:$PORT"; do
	[ "$(code -H "Host: $h" "$URL/login")" = 421 ] || fail "Host '$h' answered: $(head -c 300 "$WORK/body")"
done
contains "$(cat "$WORK/body")" "Trang này chỉ mở bằng địa chỉ đã khai báo cho Loa"
grep -qi "^Content-Security-Policy: default-src 'self'" "$WORK/head" || fail "421 without the security headers"
grep -qi '^Set-Cookie' "$WORK/head" && fail "421 sets a cookie"
# a rebinding page posting the right password gets neither a session nor a
# say in the rate limiter
[ "$(code -H 'Host: evil.example' -H "$C" --data-urlencode "csrf=$CSRF" -d 'user=admin&password=mat-khau-dai' \
	"$URL/login")" = 421 ] || fail "login through a foreign Host"
grep -qi '^Set-Cookie: loa_session' "$WORK/head" && fail "a session through a foreign Host"
[ "$(sql 'SELECT count(*) FROM sessions')" = 0 ] || fail "session row through a foreign Host"
[ "$(code -H 'Host: evil.example' -H "$C" --data-urlencode "csrf=$CSRF" -d 'user=admin&password=sai' \
	"$URL/login")" = 421 ] || fail "failed login through a foreign Host"
[ "$(sql 'SELECT count(*) FROM login_failures')" = 0 ] || fail "a foreign Host reached the limiter"
grep -q "Host 'evil.example' is not a name of this page" "$WORK/web.err" || fail "refusal not logged"

# the names this page has, with or without a port, any case, one trailing dot
for h in "127.0.0.1:$PORT" 127.0.0.1 localhost "localhost:$PORT" LOCALHOST. "[::1]:$PORT" "[0:0::1]" \
	"loa.office:$PORT" LOA.OFFICE. thon-tan-loi.local 10.9.8.7 "[fd00::7]:8080" "[FD00:0::7]"; do
	[ "$(code -H "Host: $h" "$URL/login")" = 200 ] || fail "Host '$h' refused: $(head -c 300 "$WORK/body")"
done
# logging in by a configured name works end to end
[ "$(code -H "Host: loa.office:$PORT" -H "$C" --data-urlencode "csrf=$CSRF" -d 'user=admin&password=mat-khau-dai' \
	"$URL/login")" = 303 ] || fail "login by a configured name: $(cat "$WORK/head" "$WORK/body")"

# HTTP/1.0 without any Host: refused (no browser sends that)
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /login HTTP/1.0\r\n\r\n' >&3
line=$(timeout 5 head -1 <&3 || true)
exec 3<&-
[[ $line == "HTTP/1.1 400"* || $line == "HTTP/1.0 400"* ]] || fail "request without Host: $line"
stop_web

# the listen address is one of the page's names
start_web --listen 127.0.0.2:0
got=$(code -H "Host: 127.0.0.2:$PORT" "$URL/login")
[ "$got" = 200 ] || fail "the listen address as Host: $got $(cat "$WORK/head" "$WORK/body" "$WORK/web.err" | head -c 800)"
[ "$(code -H "Host: evil.example" "$URL/login")" = 421 ] || fail "evil.example on 127.0.0.2"
stop_web

# a bad hosts list stops loa with the key named
printf '[web]\nlisten = 127.0.0.1:0\nhosts = loa.office, *.evil\n' >"$WORK/bad.conf"
chmod 600 "$WORK/bad.conf"
expect_rc 2 "$LOA" -c "$WORK/bad.conf" web
contains "$ERR" "web.hosts"
echo "web_host: ok"
