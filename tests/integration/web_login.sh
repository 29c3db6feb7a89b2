# Failed logins slow the one who fails, not the officer whose name is typed
# (issue 10, item 4), against the real `loa web` over HTTP from several
# loopback addresses: wrong passwords for "admin" from 127.0.0.2 leave the
# officer at 127.0.0.1 logging in at once, while 127.0.0.2 stays limited
# even with the right password; names sprayed from one address limit that
# address; guesses from many addresses fill the global bucket, after which
# an address that failed waits for a slot and the officer from a clean
# address is slowed (about 3 s), not refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init
expect_rc 0 "$LOA" user add admin <<<'mat-khau-dai'
start_web

# One pre-login cookie and its CSRF token serve every address (the token is
# tied to the cookie, not to where it comes from).
J="$WORK/jar"
[ "$(web_code 127.0.0.1 -c "$J" "$URL/login")" = 200 ] || fail "login page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$WORK/body" | grep -o '[0-9a-f]\{64\}')
# login FROM USER PASSWORD: prints "STATUS SECONDS"
login() {
	curl -s --interface "$1" -o "$WORK/body.$1" -D "$WORK/head.$1" -w '%{http_code} %{time_total}' -b "$J" \
		--data-urlencode "csrf=$CSRF" --data-urlencode "user=$2" --data-urlencode "password=$3" "$URL/login" || true
}
status() { echo "${1% *}"; }
secs_at_least() { awk -v s="${1#* }" -v m="$2" 'BEGIN { exit !(s >= m) }'; }
secs_below() { awk -v s="${1#* }" -v m="$2" 'BEGIN { exit !(s < m) }'; }

# The attack: someone at 127.0.0.2 types admin's name with wrong passwords.
r=$(login 127.0.0.2 admin sai-roi-1); [ "$(status "$r")" = 403 ] || fail "attacker's guess: $r"
r=$(login 127.0.0.2 admin sai-roi-2); [ "$(status "$r")" = 429 ] || fail "attacker's second guess not limited: $r"
# ... and the officer at their own desk logs in at once, not held
r=$(login 127.0.0.1 admin mat-khau-dai)
[ "$(status "$r")" = 303 ] || fail "officer kept out by another address's failures: $r $(cat "$WORK/body.127.0.0.1")"
secs_below "$r" 0.9 || fail "officer's login held: $r"
grep -qi '^Set-Cookie: loa_session=' "$WORK/head.127.0.0.1" || fail "no session for the officer"
# the attacker's address stays limited for that name, even with the password
r=$(login 127.0.0.2 admin mat-khau-dai); [ "$(status "$r")" = 429 ] || fail "attacker's address not limited: $r"
grep -qi '^Retry-After: [1-9]' "$WORK/head.127.0.0.2" || fail "no Retry-After"
contains "$(cat "$WORK/body.127.0.0.2")" "Quá nhiều lần đăng nhập sai"
[ "$(sql "SELECT failures FROM login_failures WHERE key = 'ua:admin|127.0.0.2'")" = 1 ] || fail "pair not recorded"
[ "$(sql "SELECT count(*) FROM login_failures WHERE key LIKE 'user:%' OR key = 'ua:admin|127.0.0.1'")" = 0 ] ||
	fail "a record that limits the officer: $(sql 'SELECT key FROM login_failures')"

# Password spraying from 127.0.0.3: three names free, then the address waits
for u in an binh chi dung; do
	r=$(login 127.0.0.3 "$u" thu-mat-khau); [ "$(status "$r")" = 403 ] || fail "spray $u: $r"
done
r=$(login 127.0.0.3 em thu-mat-khau); [ "$(status "$r")" = 429 ] || fail "spraying not limited: $r"
r=$(login 127.0.0.3 admin mat-khau-dai); [ "$(status "$r")" = 429 ] || fail "spraying address not limited: $r"
[ "$(sql "SELECT failures FROM login_failures WHERE key = 'a:127.0.0.3'")" = 4 ] || fail "address not counted"

# Guessing from many addresses: 16 more at once fill the global bucket (20)
pids=()
for i in $(seq 1 16); do login "127.0.1.$i" admin "doan-$i" >"$WORK/g.$i" & pids+=($!); done
wait "${pids[@]}"
for i in $(seq 1 16); do [ "$(status "$(cat "$WORK/g.$i")")" = 403 ] || fail "guess $i: $(cat "$WORK/g.$i")"; done
[ "$(sql "SELECT failures FROM login_failures WHERE key = 'g:all'")" -ge 20 ] || fail "global bucket not full"
# addresses that failed: one check per slot for the whole page
r=$(login 127.0.1.1 khac doan); [ "$(status "$r")" = 403 ] || fail "first failed address in its slot: $r"
r=$(login 127.0.1.2 khac doan); [ "$(status "$r")" = 429 ] || fail "second failed address not waiting for a slot: $r"
ra=$(grep -i '^Retry-After:' "$WORK/head.127.0.1.2" | tr -dc 0-9)
[ -n "$ra" ] && [ "$ra" -ge 1 ] && [ "$ra" -le 10 ] || fail "slot Retry-After: $ra"
# the officer from an address that has not failed: slowed, never refused
r=$(login 127.0.0.9 admin mat-khau-dai)
[ "$(status "$r")" = 303 ] || fail "officer refused by the global cap: $r"
secs_at_least "$r" 2.9 || fail "officer's login not slowed while the bucket is full: $r"
grep -qi '^Set-Cookie: loa_session=' "$WORK/head.127.0.0.9" || fail "no session after the slowed login"
[ "$(sql "SELECT count(*) FROM sessions")" = 2 ] || fail "sessions: $(sql 'SELECT count(*) FROM sessions')"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'web_login_failed'")" -ge 22 ] || fail "failures not in the event log"

stop_web
echo "web_login: ok"
