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
	bash "$s"
done
