#!/bin/bash
# `make fuzz`: runs each libFuzzer target for FUZZ_SECS seconds on its
# checked-in seed corpus (tests/fuzz/corpus/<target>/), into a scratch copy
# so the repository's seeds are not rewritten.  Fails on any crash.
# FUZZ_JOBS targets run at once (default 1; `make test` uses every core);
# each target's lines are printed together when it ends.
set -eu
secs=${FUZZ_SECS:-30}
jobs_max=${FUZZ_JOBS:-1}
here=$(cd "$(dirname "$0")" && pwd)
export LOA_DATADIR="$here/../../configs"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fuzz_one() { # binary: one target; its report in $out/NAME.txt, exit code in $out/NAME.rc
	local bin=$1 name work seeds rc=0
	name=$(basename "$bin")
	seeds="$here/corpus/${name#fuzz_}"
	work=$(mktemp -d)
	[ -d "$seeds" ] && cp -r "$seeds/." "$work/"
	{
		echo "== $name (${secs}s)"
		"$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 "$work" >"$work.log" 2>&1 || rc=$?
		grep -E 'stat::number_of_executed_units|stat::peak_rss' "$work.log" || true
		[ $rc -eq 0 ] || { tail -60 "$work.log"; echo "fuzz: $name failed (exit $rc)"; }
	} >"$out/$name.txt"
	rm -rf "$work" "$work.log"
	echo $rc >"$out/$name.rc"
}
n=0
for bin in "$@"; do
	fuzz_one "$bin" &
	n=$((n + 1))
	[ $((n % jobs_max)) -eq 0 ] && wait
done
wait
bad=0
for bin in "$@"; do
	name=$(basename "$bin")
	cat "$out/$name.txt"
	[ "$(cat "$out/$name.rc")" = 0 ] || bad=1
done
[ $bad -eq 0 ] || { echo "fuzz: a target failed (above)" >&2; exit 1; }
echo "fuzz: all targets ran clean"
