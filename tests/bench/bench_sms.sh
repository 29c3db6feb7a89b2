#!/bin/bash
# SMS throughput through the whole stack (claim, encode, AT, record) with
# the real `loa run` against `loa sim` on pseudo-terminals:
#   1 and 4 zero-delay modems (target >= 200 SMS/s),
#   a 3 s +CMGS network delay over 1 vs 4 modems (target >= 3.8x),
#   200 households over 2 modems with status reports glued to the PDU
#   prompts (target: all delivered within 20 s),
#   daemon peak RSS with 4 modems and 100,000 households (target < 22 MB:
#   it was 20 MB until the .xlsx libraries, libzip and libxlsxwriter, brought
#   libcrypto into every loa process, about 1.6 MB resident).
# Prints the figures; exits 1 if a target is missed.
set -eu
: "${LOA:?}"
BENCH_N=${BENCH_N:-3000}          # messages in the zero-delay runs
BENCH_DELAYED=${BENCH_DELAYED:-24} # messages in the 3 s-delay runs
BENCH_BIG=${BENCH_BIG:-100000}     # households for the RSS run
export TZ=Asia/Ho_Chi_Minh LOA_FAKE_TIME=1796090400
root=$(mktemp -d /tmp/loa-bench.XXXXXX)
sim_pid=
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$root"; }
trap cleanup EXIT
ok=1

# setup NAME MODEMS HOUSEHOLDS SIM-ARGS...: a fresh database, village and notice
setup() {
	local name=$1 modems=$2 n=$3; shift 3
	W="$root/$name"
	mkdir -p "$W"
	export LOA_CONFIG="$W/loa.conf"
	{
		printf '[gateway]\ndatabase = %s/loa.db\nspool = %s/spool\nlog_level = warn\ndaily_sms_parts = 0\n' "$W" "$W"
		printf '[sms]\nretry_s = 1\n'
		for i in $(seq 1 "$modems"); do printf '[modem m%d]\nport = %s/sim/m%d.at\n' "$i" "$W" "$i"; done
	} >"$LOA_CONFIG"
	chmod 600 "$LOA_CONFIG"
	awk -v n="$n" 'BEGIN { print "name,phone,groups,channel,accents,note";
		for (i = 1; i <= n; i++) printf "Ho %d,09%08d,xom%d,sms,yes,\n", i, 10000000 + i, i % 4 + 1 }' >"$W/v.csv"
	"$LOA" household import "$W/v.csv" >/dev/null
	"$LOA" notice send --to all --sms "Họp thôn 19h tối nay tại nhà văn hóa." >/dev/null
	"$LOA" sim --dir "$W/sim" --modems "$modems" --report none "$@" >"$W/sim.out" 2>"$W/sim.err" &
	sim_pid=$!
	for _ in $(seq 1 100); do grep -q "^sim: ready" "$W/sim.out" 2>/dev/null && break; sleep 0.1; done
}
stop_sim() { kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; sim_pid=; }
now() { date +%s.%N; }

# run_until_idle: seconds the daemon takes to send everything
run_until_idle() {
	local t0 t1
	t0=$(now)
	"$LOA" run --until-idle --report-wait 0 2>"$W/daemon.log"
	t1=$(now)
	local sent
	sent=$(sqlite3 "$W/loa.db" "SELECT count(*) FROM deliveries WHERE state = 'sent'")
	echo "$sent $(echo "$t1 - $t0" | bc -l)"
}

rate() { echo "scale=1; $1 / $2" | bc -l; }
# BENCH_ONLY="prompt delay": run only those sections (zero delay rss)
want() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

if want zero; then
setup zero1 1 "$BENCH_N"
read -r sent1 secs1 < <(run_until_idle)
stop_sim
r1=$(rate "$sent1" "$secs1")
printf 'zero-delay, 1 modem : %5d SMS in %6.2f s = %7.1f SMS/s\n' "$sent1" "$secs1" "$r1"

setup zero4 4 "$BENCH_N"
read -r sent4 secs4 < <(run_until_idle)
stop_sim
r4=$(rate "$sent4" "$secs4")
printf 'zero-delay, 4 modems: %5d SMS in %6.2f s = %7.1f SMS/s\n' "$sent4" "$secs4" "$r4"
if [ "$(echo "$r1 < 200" | bc)" = 1 ]; then echo "MISS: 1 zero-delay modem below 200 SMS/s"; ok=0; fi
fi

if want delay; then
setup delay1 1 "$BENCH_DELAYED" --cmgs-delay-ms 3000
read -r d1 dsecs1 < <(run_until_idle)
stop_sim
setup delay4 4 "$BENCH_DELAYED" --cmgs-delay-ms 3000
read -r d4 dsecs4 < <(run_until_idle)
stop_sim
speedup=$(echo "scale=2; ($d4 / $dsecs4) / ($d1 / $dsecs1)" | bc -l)
printf '3 s +CMGS delay       : 1 modem %d SMS in %.1f s, 4 modems %d SMS in %.1f s: speed-up %sx\n' \
	"$d1" "$dsecs1" "$d4" "$dsecs4" "$speedup"
if [ "$(echo "$speedup < 3.8" | bc)" = 1 ]; then echo "MISS: speed-up below 3.8x"; ok=0; fi
fi

# Real modems put status reports right behind the PDU prompt: 200
# households over 2 modems, each report 0.3 s after its submit, glued to
# the next prompt (the simulator's default).  A lost prompt cost 60 s.
if want prompt; then
setup prompt 2 200 --report delivered --report-delay-ms 300 --cmgs-delay-ms 20
t0=$(now)
"$LOA" run --until-idle --report-wait 5 2>"$W/daemon.log"
psecs=$(echo "$(now) - $t0" | bc -l)
stop_sim
pdel=$(sqlite3 "$W/loa.db" "SELECT count(*) FROM deliveries WHERE state = 'delivered'")
printf 'reports after prompts : 200 households, 2 modems: %d delivered in %.1f s (reports 0.3 s after submit)\n' \
	"$pdel" "$psecs"
if [ "$pdel" -ne 200 ] || [ "$(echo "$psecs > 20" | bc)" = 1 ]; then echo "MISS: prompt+report run not done in 20 s"; ok=0; fi
fi

# RSS: 4 modems, 100,000 households, the daemon sending for a while
if want rss; then
t0=$(now)
setup big 4 "$BENCH_BIG"
prep=$(echo "$(now) - $t0" | bc -l)
"$LOA" run 2>"$W/daemon.log" &
pid=$!
peak=0
for _ in $(seq 1 100); do
	sleep 0.1
	hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
	[ "${hwm:-0}" -gt "$peak" ] && peak=$hwm
done
kill -TERM "$pid"
wait "$pid" || true
stop_sim
sentbig=$(sqlite3 "$W/loa.db" "SELECT count(*) FROM deliveries WHERE state = 'sent'")
printf '100,000 households    : import+fan-out %.1f s; daemon peak RSS %.1f MB with 4 modems (%d SMS sent in 10 s)\n' \
	"$prep" "$(echo "$peak / 1024" | bc -l)" "$sentbig"
if [ "$peak" -ge $((22 * 1024)) ]; then echo "MISS: RSS above 22 MB"; ok=0; fi
fi
[ "$ok" = 1 ] && echo "bench_sms: all targets met" || { echo "bench_sms: targets missed"; exit 1; }
