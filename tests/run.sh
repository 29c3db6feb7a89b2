#!/bin/bash
# Runs every unit-test binary and every integration script; prints one
# closing line "tests: N passed, N failed[, N skipped]".
#   LOA    the loa binary under test (integration scripts use it)
#   BUILD  the build folder holding tests/test_*
#   ONLY   optional substring: run only tests whose name contains it
#   JOBS   integration scripts run at once (default 2)
set -u
: "${BUILD:?}" "${LOA:?}"
export LOA BUILD
here=$(cd "$(dirname "$0")" && pwd)
export LOA_DATADIR="$here/../configs"
# Sanitizer builds: any report fails the run with a distinctive exit code.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=86}
[ -f "$here/lsan.supp" ] && export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}
pass=0 fail=0 skip=0 failed=()
log=$(mktemp -d)
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	[ -n "${ONLY:-}" ] && [[ $name != *"$ONLY"* ]] && continue
	start=$SECONDS
	"$t" >"$log/$name.out" 2>&1
	rc=$?
	secs=$((SECONDS - start))
	p=$(grep -ao '\[  PASSED  \] [0-9]*' "$log/$name.out" | tail -1 | grep -o '[0-9]*$')
	f=$(grep -ao '\[  FAILED  \] [0-9]*' "$log/$name.out" | tail -1 | grep -o '[0-9]*$')
	p=${p:-0} f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)) fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed+=("$name"); echo "FAIL $name"; cat "$log/$name.out"
	else
		echo "ok   $name ($p, ${secs} s)"
	fi
done
# Integration scripts run JOBS at a time (default 2): most of their time is
# spent waiting on the simulator's real-time answers, not on the CPU, and each
# one has its own temporary folder, ports chosen by the kernel and its own
# PostgreSQL socket. The slowest start first so the two lanes end together.
# Results are printed as each one ends; the totals do not depend on the order.
slow="callin_head callin sms_demo hub_gateways call_village lint_floors call_back_to_back sms_second_phone web_browser web_browser_households"
names=()
for s in $slow; do [ -f "$here/integration/$s.sh" ] && names+=("$s"); done
for t in "$here"/integration/*.sh; do
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue
	[[ " $slow " == *" $name "* ]] && continue
	names+=("$name")
done
int_one() { # name: runs one script, leaves NAME.rc and NAME.secs
	local start=$SECONDS
	timeout 900 bash "$here/integration/$1.sh" >"$log/$1.out" 2>&1
	echo $? >"$log/$1.rc.tmp"
	echo $((SECONDS - start)) >"$log/$1.secs"
	mv "$log/$1.rc.tmp" "$log/$1.rc"
}
int_report() { # name: counts and prints one finished script
	local rc secs
	rc=$(cat "$log/$1.rc") secs=$(cat "$log/$1.secs")
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1)); echo "ok   $1 (${secs} s)"
	elif [ "$rc" -eq 77 ]; then
		skip=$((skip + 1)); echo "skip $1: $(tail -1 "$log/$1.out")"
	else
		fail=$((fail + 1)); failed+=("$1"); echo "FAIL $1 (exit $rc, ${secs} s)"
		grep -a -m3 '^FAIL: ' "$log/$1.out"   # the reason, even when logs follow it
		tail -40 "$log/$1.out"
	fi
}
jobs_max=${JOBS:-2}
running=()
for name in "${names[@]}"; do
	[ -n "${ONLY:-}" ] && [[ $name != *"$ONLY"* ]] && continue
	while [ ${#running[@]} -ge "$jobs_max" ]; do
		wait -n 2>/dev/null || true
		still=()
		for r in "${running[@]}"; do
			if [ -f "$log/$r.rc" ]; then int_report "$r"; else still+=("$r"); fi
		done
		running=("${still[@]}")
	done
	int_one "$name" &
	running+=("$name")
done
wait
for r in "${running[@]}"; do int_report "$r"; done
rm -rf "$log"
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
