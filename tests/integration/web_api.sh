# The JSON API on the real `loa web` (issue 18, item 4) with curl and jq:
# tokens per client (printed once, stored hashed, listed, revoked), 401
# with a JSON error for no token, a wrong one, a cookie instead, a revoked
# one; every refusal in the log; JSON only, bodies limited; a notice
# previewed (dry_run: nothing created) and created with the figures of
# `loa notice send --dry-run`, its refusals (too long, unknown group) as
# the CLI's; its report with the figures of `loa report ID`.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init
printf 'name,phone,groups,channel,accents,note\n' >"$WORK/h.csv"
printf 'Nguyễn Văn An,0912345678,dong-tien,sms,yes,\n' >>"$WORK/h.csv"
printf 'Trần Thị Bình,0987654321,dong-tien,sms,no,\n' >>"$WORK/h.csv"
printf 'Lê Văn Cường,0905123456,tay-son,sms,yes,\n' >>"$WORK/h.csv"
expect_rc 0 "$LOA" household import "$WORK/h.csv"

# tokens: printed once on stdout, only the hash kept
expect_rc 0 "$LOA" web token add tinh-uy
TOKEN=$OUT
[[ $TOKEN =~ ^loa_[A-Za-z0-9_-]{43}$ ]] || fail "token shape: $TOKEN"
contains "$ERR" "shown only this once"
[ "$(sql "SELECT count(*) FROM api_tokens WHERE token_hash = '$TOKEN' OR token_hash LIKE '%${TOKEN#loa_}%'")" = 0 ] \
	|| fail "the token is stored as it is"
[ "$(sql "SELECT length(token_hash) FROM api_tokens WHERE name = 'tinh-uy'")" = 64 ] || fail "no hash stored"
grep -qF -e "${TOKEN#loa_}" "$WORK/loa.db" && fail "the token is in the database file"
expect_rc 2 "$LOA" web token add tinh-uy
contains "$ERR" "already has a token"
expect_rc 2 "$LOA" web token add 'bad name'
expect_rc 0 "$LOA" web token add old-script
OLD=$OUT
expect_rc 0 "$LOA" web token list
contains "$OUT" "tinh-uy"
contains "$OUT" "2 API clients"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'api_token_added'")" = 2 ] || fail "token events"

start_web
code() { web_code 127.0.0.1 "$@"; }
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H "Content-Type: application/json")

# no token, a wrong one, a malformed header, a session cookie: 401, JSON
[ "$(code "$URL/api/notices/1")" = 401 ] || fail "no token"
[ "$(jq -r .error "$WORK/body")" = unauthorized ] || fail "401 body: $(cat "$WORK/body")"
grep -qi '^WWW-Authenticate: Bearer realm="loa"' "$WORK/head" || fail "no WWW-Authenticate"
grep -qi '^Content-Type: application/json' "$WORK/head" || fail "401 not JSON"
[ "$(code -H "Authorization: Bearer loa_${TOKEN:5}x" "$URL/api/notices/1")" = 401 ] || fail "wrong token"
[ "$(jq -r .error "$WORK/body")" = invalid_token ] || fail "wrong token body"
[ "$(code -H "Authorization: Basic $TOKEN" "$URL/api/notices/1")" = 401 ] || fail "Basic"
[ "$(code -H "Cookie: loa_session=$TOKEN" -X POST "${json[@]}" -d '{}' "$URL/api/notices")" = 401 ] \
	|| fail "a cookie is not a token"
[ "$(code -X POST "${json[@]}" -d '{"text":"x","to":"all"}' "$URL/api/notices")" = 401 ] || fail "POST no token"

# JSON only, bodies limited, strict JSON
[ "$(code "${auth[@]}" -X POST -d 'text=x&to=all' "$URL/api/notices")" = 415 ] || fail "form body"
[ "$(jq -r .error "$WORK/body")" = unsupported_media_type ] || fail "415 body"
head -c 20000 /dev/zero | tr '\0' a >"$WORK/big"
[ "$(code "${auth[@]}" "${json[@]}" --data-binary @"$WORK/big" "$URL/api/notices")" = 413 ] || fail "big body"
[ "$(jq -r .error "$WORK/body")" = too_large ] || fail "413 body"
[ "$(code "${auth[@]}" "${json[@]}" -d '{"text":"x","to":"all"' "$URL/api/notices")" = 400 ] || fail "bad JSON"
contains "$(jq -r .message "$WORK/body")" "at byte"
[ "$(code "${auth[@]}" "${json[@]}" -d '{"text":"x","to":"all","sms":true}' "$URL/api/notices")" = 400 ] \
	|| fail "unknown field"
[ "$(jq -r .error "$WORK/body")" = unknown_field ] || fail "unknown field body"
[ "$(code "${auth[@]}" "$URL/api/notices")" = 405 ] || fail "GET /api/notices"
[ "$(code "${auth[@]}" "$URL/api/nothing")" = 404 ] || fail "unknown path"
[ "$(code "${auth[@]}" "$URL/api/notices/99")" = 404 ] || fail "no notice 99"

# the CLI's refusals, with its words (and Vietnamese beside)
long=$(printf 'Bão số 3 %.0s' $(seq 1 200))
[ "$(code "${auth[@]}" "${json[@]}" -d "{\"text\":\"$long\",\"to\":\"all\"}" "$URL/api/notices")" = 422 ] \
	|| fail "too long"
[ "$(jq -r .error "$WORK/body")" = text_too_long ] || fail "too long code: $(cat "$WORK/body")"
expect_rc 2 "$LOA" notice send --to all --dry-run "$long"
[ "$(jq -r .message "$WORK/body")" = "${ERR#loa: }" ] || fail "API and CLI refuse differently: $(jq -r .message "$WORK/body") / $ERR"
[ "$(code "${auth[@]}" "${json[@]}" -d '{"text":"Họp","to":"xom-khong-co"}' "$URL/api/notices")" = 422 ] \
	|| fail "unknown group"
[ "$(jq -r .error "$WORK/body")" = no_such_group ] || fail "no group code"
contains "$(jq -r .message_vi "$WORK/body")" "Không có nhóm"

# a dry run: the preview of `loa notice send --dry-run`, nothing created
text='Bão số 3 đổ bộ tối nay: các hộ "Đông Tiến" di dời trước 18h.'
body=$(jq -cn --arg t "$text" '{text: $t, to: "dong-tien", dry_run: true}')
[ "$(code "${auth[@]}" "${json[@]}" -d "$body" "$URL/api/notices")" = 200 ] || fail "dry run: $(cat "$WORK/body")"
[ "$(jq -r .created "$WORK/body")" = false ] || fail "dry run created"
[ "$(sql "SELECT count(*) FROM notices")" = 0 ] || fail "dry run wrote a notice"
[ "$(jq -r .preview.households "$WORK/body")" = 2 ] || fail "dry run households"
[ "$(jq -r .preview.text "$WORK/body")" = "$text" ] || fail "text round trip: $(jq -r .preview.text "$WORK/body")"
expect_rc 0 "$LOA" notice send --to dong-tien --dry-run "$text"
cli_preview=$(grep -v '^dry run' <<<"$OUT")
[ "$(jq -r '.preview_text[]' "$WORK/body")" = "$cli_preview" ] \
	|| fail "preview differs from the CLI's: $(jq -r '.preview_text[]' "$WORK/body") / $cli_preview"

# created: 201, Location, source api:CLIENT
body=$(jq -cn --arg t "$text" '{text: $t, to: "all", urgent: true}')
[ "$(code "${auth[@]}" "${json[@]}" -d "$body" "$URL/api/notices")" = 201 ] || fail "create: $(cat "$WORK/body")"
ID=$(jq -r .id "$WORK/body")
[ "$ID" = 1 ] || fail "id $ID"
grep -qi "^Location: /api/notices/1" "$WORK/head" || fail "no Location"
[ "$(sql "SELECT source || ' ' || urgent FROM notices WHERE id = 1")" = "api:tinh-uy 1" ] || fail "source"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 1")" = 3 ] || fail "deliveries"
[ "$(sql "SELECT uses > 0 FROM api_tokens WHERE name = 'tinh-uy'")" = 1 ] || fail "uses not counted"

# its report, with the figures of `loa report 1`
sql "UPDATE deliveries SET state = 'delivered' WHERE household_id = 1;
     UPDATE deliveries SET state = 'failed', last_error = 'CMS ERROR 500' WHERE household_id = 2;"
[ "$(code "${auth[@]}" "$URL/api/notices/1")" = 200 ] || fail "report: $(cat "$WORK/body")"
expect_rc 0 "$LOA" report 1
line=$(grep '^households' <<<"$OUT")
api=$(jq -r '.households | "households \(.total): \(.reached) reached, \(.in_progress) in progress, \(.not_reached) not reached"' "$WORK/body")
[ "$api" = "$line" ] || fail "households: API '$api', CLI '$line'"
sms=$(grep '^sms ' <<<"$OUT" | tr -s ' ')
api=$(jq -r '.channels[] | select(.channel == "sms") | "sms \(.total) total, \(.reached) reached (in progress): " + ([.states | to_entries[] | "\(.key) \(.value)"] | join(", "))' "$WORK/body")
[ "$api" = "$sms" ] || fail "sms line: API '$api', CLI '$sms'"
[ "$(jq -r '.not_reached[0].name' "$WORK/body")" = "Trần Thị Bình" ] || fail "not reached list"
[ "$(jq -r '.not_reached[0].phone' "$WORK/body")" = "0987654321" ] || fail "not reached phone"
[ "$(jq -r .text "$WORK/body")" = "$text" ] || fail "report text"

# cancelled through the API as `loa notice cancel` would: queued deliveries
# stop, the event names the client; again: 409; no such notice: 404; GET: 405
queued=$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 1 AND state = 'queued'")
[ "$(code "${auth[@]}" -X POST "$URL/api/notices/1/cancel")" = 415 ] || fail "cancel without a JSON type"
[ "$(code "${auth[@]}" "$URL/api/notices/1/cancel")" = 405 ] || fail "GET cancel"
[ "$(code "${auth[@]}" "${json[@]}" -d '{}' "$URL/api/notices/1/cancel")" = 200 ] || fail "cancel: $(cat "$WORK/body")"
[ "$(jq -c . "$WORK/body")" = "{\"id\":1,\"state\":\"cancelled\",\"deliveries_cancelled\":$queued}" ] || fail "cancel body: $(cat "$WORK/body")"
[ "$(sql "SELECT state FROM notices WHERE id = 1")" = cancelled ] || fail "not cancelled"
contains "$(sql "SELECT detail FROM events WHERE kind = 'notice_cancelled' AND notice_id = 1")" "by api:tinh-uy"
[ "$(code "${auth[@]}" "${json[@]}" -d '{}' "$URL/api/notices/1/cancel")" = 409 ] || fail "second cancel"
[ "$(jq -r .error "$WORK/body")" = already_cancelled ] || fail "409 body: $(cat "$WORK/body")"
[ "$(code "${auth[@]}" "${json[@]}" -d '{}' "$URL/api/notices/99/cancel")" = 404 ] || fail "cancel of no notice"
[ "$(code "${auth[@]}" "${json[@]}" -d '{}' "$URL/api/notices/1/cancelx")" = 404 ] || fail "a bad path"
[ "$(code "${json[@]}" -d '{}' "$URL/api/notices/1/cancel")" = 401 ] || fail "cancel without a token"

# revoked: refused from the next request on
expect_rc 0 "$LOA" web token revoke old-script
[ "$(code -H "Authorization: Bearer $OLD" "$URL/api/notices/1")" = 401 ] || fail "revoked token still works"
expect_rc 2 "$LOA" web token revoke old-script
contains "$ERR" "no API client"

stop_web
# every refusal logged, with who and where from; never the token
grep -q 'API GET /api/notices/1 by (no valid token) from 127.0.0.1 refused: 401 unauthorized' "$WORK/web.err" \
	|| fail "401 not logged: $(cat "$WORK/web.err")"
grep -q 'refused: 415 unsupported_media_type' "$WORK/web.err" || fail "415 not logged"
grep -q 'refused: 413 too_large' "$WORK/web.err" || fail "413 not logged"
grep -q 'by tinh-uy from 127.0.0.1 refused: 422 text_too_long' "$WORK/web.err" || fail "422 not logged"
grep -q 'notice 1 created through the API by tinh-uy' "$WORK/web.err" || fail "create not logged"
grep -q 'notice 1 cancelled by API client tinh-uy' "$WORK/web.err" || fail "cancel not logged"
grep -qF -e "${TOKEN#loa_}" "$WORK/web.err" && fail "a token in the log"
echo ok
