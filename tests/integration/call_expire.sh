#!/bin/bash
# Voice households are never stuck "in progress" when no modem can call
# (issue 12): with the only modem's audio port missing, `notice send`
# warns that no modem can call right now; the daemon leaves the calls
# queued; once voice.expire_h has passed since the notice was due they end
# as `unreached` ("no modem could call") and the households are on the
# visit list (`loa report --unreached`), while an SMS household of the same
# notice is delivered as usual.  The 48 hours are not waited for: the
# notice's due time is moved back, as the store would hold it 49 h later.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sms_lib.bash"

cat >>"$LOA_CONFIG" <<CONF
[voice]
expire_h = 48
[modem m1]
port = $SIM_DIR/m1.at
audio = $SIM_DIR/m1.audio
enabled = no
[modem m2]
port = $SIM_DIR/m2.at
CONF
start_sim --modems 2 --report delivered --report-delay-ms 20
f="$WORK/village.csv"
{
	echo "name,phone,groups,channel,accents,note"
	echo "Cụ Một,0912000001,xom1,voice,yes,nghe kém"
	echo "Cụ Hai,0912000002,xom1,voice,yes,"
	echo "Hộ Ba,0912000003,xom1,sms,yes,"
} >"$f"
expect_rc 0 "$LOA" household import "$f"

# no daemon has run: nobody can call now, and the preview says so
expect_rc 0 "$LOA" notice send --to all "Họp thôn lúc 19h30."
contains "$OUT" "warning: no [modem] section has an audio port"
contains "$OUT" "listed for a home visit"
# with m1's audio enabled but no daemon running, nobody can call *now*
sed 's/^enabled = no$/enabled = yes/' "$LOA_CONFIG" >"$WORK/alt.conf"
chmod 600 "$WORK/alt.conf"
LOA_CONFIG="$WORK/alt.conf" expect_rc 0 "$LOA" notice send --to all --only-voice --dry-run "Họp thôn lúc 19h30."
contains "$OUT" "warning: no modem can call right now"

# the daemon: the SMS goes, the calls wait (no modem with audio is enabled)
expect_rc 0 timeout 60 "$LOA" run --until-idle --report-wait 5
[ "$(sql "SELECT state FROM deliveries WHERE channel = 'sms'")" = delivered ] || fail "sms not delivered"
[ "$(sql "SELECT count(*) FROM deliveries WHERE channel = 'voice' AND state = 'queued'")" = 2 ] ||
	fail "calls not waiting: $(sql "SELECT channel, state, last_error FROM deliveries")"
expect_rc 0 "$LOA" report 1 --unreached --csv
[[ $OUT != *"Cụ Một"* ]] || fail "listed for a visit while its call still waits: $OUT"

# 49 hours later
sql "UPDATE notices SET due_at = due_at - 49 * 3600, created_at = created_at - 49 * 3600"
expect_rc 0 timeout 60 "$LOA" run --until-idle --report-wait 0
[ "$(sql "SELECT count(*) FROM deliveries WHERE channel = 'voice' AND state = 'unreached' AND last_error = 'no modem could call'")" = 2 ] ||
	fail "calls not ended: $(sql "SELECT channel, state, last_error FROM deliveries")"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'call_expired'")" = 2 ] || fail "no event"
expect_rc 0 "$LOA" report 1 --unreached --csv
contains "$OUT" "Cụ Một"
contains "$OUT" "Cụ Hai"
contains "$OUT" "no modem could call"
[[ $OUT != *"Hộ Ba"* ]] || fail "the SMS household is not unreached: $OUT"
echo "ok: calls no modem could place end as unreached after voice.expire_h and reach the visit list"
