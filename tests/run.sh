#!/bin/bash
# Runs every unit-test binary and every integration script; prints one
# closing line "tests: N passed, N failed[, N skipped]".
#   LOA    the loa binary under test (integration scripts use it)
#   BUILD  the build folder holding tests/test_*
#   ONLY   optional substring: run only tests whose name contains it
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
	"$t" >"$log/$name.out" 2>&1
	rc=$?
	p=$(grep -ao '\[  PASSED  \] [0-9]*' "$log/$name.out" | tail -1 | grep -o '[0-9]*$')
	f=$(grep -ao '\[  FAILED  \] [0-9]*' "$log/$name.out" | tail -1 | grep -o '[0-9]*$')
	p=${p:-0} f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)) fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed+=("$name"); echo "FAIL $name"; cat "$log/$name.out"
	else
		echo "ok   $name ($p)"
	fi
done
for t in "$here"/integration/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue
	[ -n "${ONLY:-}" ] && [[ $name != *"$ONLY"* ]] && continue
	timeout 900 bash "$t" >"$log/$name.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "ok   $name"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); echo "skip $name: $(tail -1 "$log/$name.out")"
	else
		fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc)"; tail -40 "$log/$name.out"
	fi
done
rm -rf "$log"
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
