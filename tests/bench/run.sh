#!/bin/bash
# `make bench`: runs every benchmark binary in $BUILD/bench and every
# tests/bench/*.sh script; each prints its own figures.  Not part of `make check`.
set -eu
: "${BUILD:?}" "${LOA:?}"
export LOA BUILD
here=$(cd "$(dirname "$0")" && pwd)
export LOA_DATADIR="$here/../../configs"
for b in "$BUILD"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b"
done
for s in "$here"/bench_*.sh; do
	[ -f "$s" ] || continue
	echo "== $(basename "$s" .sh)"
	# 77: a tool it needs is missing (e.g. PostgreSQL for bench_hub): skipped
	rc=0
	bash "$s" || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"
done
