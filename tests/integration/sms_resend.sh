#!/bin/bash
# Resending to those not reached: a notice to 6 households where 2 numbers
# fail (the simulator's per-number report override); `loa notice resend
# --dry-run` previews and writes nothing; once the numbers work again
# `loa notice resend` sends only to those 2, as new attempts of the same
# notice, and `loa report` shows every household reached.  A second resend
# finds nothing; a cancelled notice is refused.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

sms_config 1
start_sim --modems 1 --report delivered --report-delay-ms 10
village 6
for n in 0912000002 +84912000002 0912000005 +84912000005; do
	simctl report "$n" failed >/dev/null || fail "override"
done
expect_rc 0 "$LOA" notice send --to all --only-sms "Họp thôn 19h tối nay"
expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 3
states() { sql "SELECT state || ':' || count(*) FROM deliveries WHERE notice_id = 1 GROUP BY state ORDER BY state" | tr '\n' ' '; }
[ "$(states)" = "delivered:4 failed:2 " ] || fail "first run: $(states)"
expect_rc 0 "$LOA" report 1 --unreached --csv
[ "$(grep -c '^' <<<"$OUT")" -eq 3 ] || fail "report lists: $OUT"
contains "$OUT" "0912000002"
contains "$OUT" "0912000005"
lines=$(jsonl_lines)

# the preview writes nothing
expect_rc 0 "$LOA" notice resend 1 --dry-run
contains "$OUT" "notice 1: 2 households not reached"
contains "$OUT" "resend to 2 households: 2 SMS (2 parts), 0 calls"
contains "$OUT" "dry run: nothing queued"
[ "$(states)" = "delivered:4 failed:2 " ] || fail "dry run wrote: $(states)"
[ "$(sql "SELECT count(*) FROM events WHERE kind IN ('resend', 'resent')")" -eq 0 ] || fail "dry run logged"
expect_rc 2 "$LOA" notice resend 1 --channel fax
expect_rc 2 "$LOA" notice resend 99
contains "$ERR" "no notice 99"

# the numbers work again: only those two are sent to
for n in 0912000002 +84912000002 0912000005 +84912000005; do
	simctl report "$n" default >/dev/null || fail "override"
done
expect_rc 0 "$LOA" notice resend 1
contains "$OUT" "resend to 2 households: 2 SMS"
contains "$OUT" "2 deliveries back in the queue as new attempts of notice 1"
[ "$(states)" = "delivered:4 queued:2 " ] || fail "after resend: $(states)"
[ "$(sql "SELECT detail FROM events WHERE kind = 'resend' AND notice_id = 1")" = "by cli: 2 households: 2 sms (2 parts), 0 voice" ] ||
	fail "resend event: $(sql "SELECT detail FROM events WHERE kind = 'resend'")"
expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 3
[ "$(states)" = "delivered:6 " ] || fail "second run: $(states)"
new=$(tail -n +"$((lines + 1))" "$SIM_DIR/sms.jsonl" | jq -r .to | sort | tr '\n' ' ')
[ "$new" = "+84912000002 +84912000005 " ] || fail "the resend went to: $new"
# new attempts of the same notice: the failed one and the resent one
[ "$(sql "SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN households h ON h.id = d.household_id WHERE h.phone = '+84912000002'")" -eq 2 ] ||
	fail "attempt rows: $(sql "SELECT * FROM attempts")"
[ "$(sql "SELECT count(*) FROM notices")" -eq 1 ] || fail "a new notice was created"
expect_rc 0 "$LOA" report 1 --unreached --csv
[ "$(grep -c '^' <<<"$OUT")" -eq 1 ] || fail "still unreached: $OUT"

expect_rc 0 "$LOA" notice resend 1
contains "$OUT" "nothing to resend"

# a cancelled notice is never resent
expect_rc 0 "$LOA" notice send --to all --only-sms --at "23:59" "Lịch tiêm phòng"
expect_rc 0 "$LOA" notice cancel 2
expect_rc 2 "$LOA" notice resend 2
contains "$ERR" "notice 2 is cancelled: it cannot be resent"
# a text without accents (what a head types on a basic phone) is its own
# stripped form: GSM 7-bit for every household, accents=yes ones too
lines=$(jsonl_lines)
expect_rc 0 "$LOA" notice send --to all --sms "Hop thon 19h toi nay - mang theo so ho khau"
contains "$OUT" "sms: 6 messages: 0 with accents"
contains "$OUT" "the text has no accents: GSM 7-bit for every household"
[[ $OUT != *ambiguous* ]] || fail "ambiguity warned for the sender's own unaccented words: $OUT"
expect_rc 0 timeout 120 "$LOA" run --until-idle --report-wait 3
codings=$(tail -n +"$((lines + 1))" "$SIM_DIR/sms.jsonl" | jq -r .coding | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
[ "$codings" = " 6 gsm7 " ] || fail "an unaccented notice went out as: $codings"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 3 AND encoding = 'gsm7' AND state = 'delivered'")" -eq 6 ] ||
	fail "deliveries: $(sql "SELECT encoding, state FROM deliveries WHERE notice_id = 3")"
[ "$(sql "SELECT count(*) FROM households WHERE accents = 1")" -eq 4 ] || fail "the village lost its accents=yes households"
echo "ok: resend"
