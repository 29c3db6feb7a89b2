#!/bin/bash
# `make fuzz`: runs each libFuzzer target for FUZZ_SECS seconds on its
# checked-in seed corpus (tests/fuzz/corpus/<target>/), into a scratch copy
# so the repository's seeds are not rewritten.  Fails on any crash.
set -eu
secs=${FUZZ_SECS:-30}
here=$(cd "$(dirname "$0")" && pwd)
export LOA_DATADIR="$here/../../configs"
for bin in "$@"; do
	name=$(basename "$bin")
	seeds="$here/corpus/${name#fuzz_}"
	work=$(mktemp -d)
	[ -d "$seeds" ] && cp -r "$seeds/." "$work/"
	echo "== $name (${secs}s)"
	rc=0
	"$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$work" >"$work.log" 2>&1 || rc=$?
	grep -E 'stat::number_of_executed_units|stat::peak_rss' "$work.log" || true
	if [ $rc -ne 0 ]; then
		tail -60 "$work.log"; echo "fuzz: $name failed (exit $rc)" >&2; exit 1
	fi
	rm -f "$work.log"
	rm -rf "$work"
done
echo "fuzz: all targets ran clean"
