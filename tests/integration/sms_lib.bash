# Sourced by the sms_*.sh integration tests (after lib.sh): the simulated
# modems, a generated village, the daemon in the background, and checks of
# what the simulator's phones received (sms.jsonl).  Not a test itself
# (tests/run.sh runs only *.sh).
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed"; exit 77; }

SIM_DIR="$WORK/sim"
SIM_PID=
DAEMON_PID=
sms_cleanup() {
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap sms_cleanup EXIT

# The notice used by the tests and its accent-stripped form, written out by
# hand from the stripping rules (đ -> d, en dash -> '-', curly quotes ->
# straight): 3 UCS-2 parts, 2 GSM 7-bit parts.
NOTICE='Thông báo khẩn: mưa lớn kéo dài, nguy cơ vỡ đê – bà con thôn Tân Lợi di chuyển người già, trẻ em đến nhà văn hóa trước 17h. Mang theo “giấy tờ” và thuốc men. Liên hệ trưởng thôn.'
NOTICE_ASCII='Thong bao khan: mua lon keo dai, nguy co vo de - ba con thon Tan Loi di chuyen nguoi gia, tre em den nha van hoa truoc 17h. Mang theo "giay to" va thuoc men. Lien he truong thon.'

# sms_config N: [sms] and one [modem mI] section per simulated modem.
sms_config() {
	cat >>"$LOA_CONFIG" <<CONF
[sms]
retry_s = 1
retries = 3
CONF
	for i in $(seq 1 "$1"); do
		printf '[modem m%d]\nport = %s/m%d.at\n' "$i" "$SIM_DIR" "$i" >>"$LOA_CONFIG"
	done
}

# start_sim ARGS...: `loa sim --dir $SIM_DIR ARGS` in the background, waits
# for its "sim: ready" line.
start_sim() {
	"$LOA" sim --dir "$SIM_DIR" "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
	SIM_PID=$!
	for _ in $(seq 1 100); do
		grep -q "^sim: ready" "$WORK/sim.out" 2>/dev/null && return 0
		kill -0 "$SIM_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$WORK/sim.err" >&2
	fail "loa sim did not become ready"
}
simctl() { "$LOA" sim --ctl "$SIM_DIR" "$@"; }

# village N: N households; every third without accents; phones
# 0912000000+i, so the last digit spreads over 0-9 (the simulator's
# --report mix rule).
village() {
	local n=$1 f="$WORK/village.csv"
	echo "name,phone,groups,channel,accents,note" >"$f"
	for i in $(seq 1 "$n"); do
		local acc=yes
		[ $((i % 3)) -eq 0 ] && acc=no
		printf 'Hộ %d,0912%06d,xom%d,sms,%s,\n' "$i" "$i" $((i % 4 + 1)) "$acc" >>"$f"
	done
	expect_rc 0 "$LOA" household import "$f"
}

# run_daemon_bg ARGS: the daemon in the background, log in $WORK/daemon.log
run_daemon_bg() {
	"$LOA" run "$@" >>"$WORK/daemon.out" 2>>"$WORK/daemon.log" &
	DAEMON_PID=$!
}
wait_daemon() {
	local rc=0
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=
	return $rc
}

# wait_for SECONDS CMD...: polls CMD (every 0.1 s) until it succeeds.
wait_for() {
	local secs=$1; shift
	for _ in $(seq 1 $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
jsonl_lines() { [ -f "$SIM_DIR/sms.jsonl" ] && wc -l <"$SIM_DIR/sms.jsonl" || echo 0; }
has_lines() { [ "$(jsonl_lines)" -ge "$1" ]; }

# check_after_crashes HOUSEHOLDS UNCERTAIN: after kill -9 and a restart,
# UNCERTAIN deliveries (those in flight at the crashes) are `uncertain`,
# never retried; every other one is `delivered`; every phone got one whole
# message from one modem (the uncertain ones at most one, maybe partial);
# nothing lost.  Sets $unc and $states.
check_after_crashes() {
	local n=$1 want=$2 allow
	unc=$(sql "SELECT count(*) FROM deliveries WHERE state = 'uncertain'")
	states=$(sql "SELECT state || ':' || count(*) FROM deliveries GROUP BY state ORDER BY state")
	[ "$unc" -eq "$want" ] || fail "$unc uncertain, but $want were in flight at the crashes ($states)"
	[ "$(sql "SELECT count(*) FROM deliveries WHERE state NOT IN ('delivered', 'uncertain')")" -eq 0 ] ||
		fail "unfinished deliveries: $states"
	allow=$(sql "SELECT h.phone FROM deliveries d JOIN households h ON h.id = d.household_id WHERE d.state = 'uncertain'")
	check_received "$allow"
	[ "$(received | wc -l)" -ge $((n - unc)) ] || fail "messages lost"
	[ "$(sql "SELECT count(*) FROM deliveries WHERE state = 'uncertain' AND attempts != 1")" -eq 0 ] ||
		fail "an uncertain delivery was retried"
}

# received: one JSON object per phone: {to, msgs: [{ref, parts, n, distinct, text}]}
# reassembling sms.jsonl by (recipient, concatenation reference).
received() {
	jq -s -c 'group_by(.to) | map({to: .[0].to,
		msgs: (group_by(.ref) | map(sort_by(.part) | {ref: .[0].ref, parts: .[0].parts, n: length,
			distinct: (map(.part) | unique | length), text: (map(.text) | join(""))}))}) | .[]' \
		"$SIM_DIR/sms.jsonl"
}

# check_received ALLOW: every phone got exactly one whole message, all its
# parts from one modem (a phone joins parts per sender number), with the
# right text (the notice, or its stripped form when the household has no
# accents; a second phone as its household's first), except the phones
# listed in ALLOW (uncertain deliveries), which got at most one, possibly
# partial, message without a repeated part.
# Phones in $CHECK_SKIP (space-separated) are the caller's to check.  One
# jq program, so 200 phones take milliseconds.
check_received() {
	sqlite3 -json "$WORK/loa.db" "SELECT phone, accents FROM households UNION ALL
		SELECT phone2, accents FROM households WHERE phone2 <> ''" >"$WORK/hh.json"
	local bad allow
	allow=" $(tr '\n' ' ' <<<"${1:-}") "
	bad=$(jq -n -r --slurpfile sms "$SIM_DIR/sms.jsonl" --slurpfile hh "$WORK/hh.json" \
		--arg u "$NOTICE" --arg a "$NOTICE_ASCII" --arg allow "$allow" \
		--arg skip " ${CHECK_SKIP:-} " '
		($hh[0] | map({(.phone): .accents}) | add) as $acc
		| $sms | group_by(.to)
		| map({to: .[0].to, msgs: (group_by(.ref) | map(sort_by(.part) | {parts: .[0].parts, n: length,
			distinct: (map(.part) | unique | length), modems: (map(.modem) | unique | length),
			text: (map(.text) | join(""))}))})
		| .[]
		| .to as $to
		| if ($skip | contains(" " + $to + " ")) then empty
		  elif ($allow | contains(" " + $to + " ")) then
			(if (.msgs | length) <= 1 and .msgs[0].n == .msgs[0].distinct then empty
			 else "\(.to) (uncertain) received \(.msgs)" end)
		  else
			(if (.msgs | length) == 1 and .msgs[0].n == .msgs[0].parts and .msgs[0].distinct == .msgs[0].parts
			    and .msgs[0].modems == 1 and .msgs[0].text == (if $acc[.to] == 1 then $u else $a end) then empty
			 else "\(.to) received \(.msgs)" end)
		  end')
	[ -z "$bad" ] || fail "wrong messages: $(head -5 <<<"$bad")"
}
