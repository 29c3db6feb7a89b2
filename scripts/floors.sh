#!/bin/sh
# floors — checks the layering of the source tree (docs/DESIGN.md):
#   1. every #include "dir/x.h" names a folder on the same floor or below:
#        base  <  db, modem, sim, tts  <  domain  <  gateway, web  <  app
#      (folders on one floor do not include each other; the simulator
#      depends on base only, so it stays an independent oracle);
#   2. each library stays in its own files: <gammu.h> (the codec, and the
#      simulator's own PDU decoder), sqlite3_* (db/), espeak (tts_synth),
#      <microhttpd.h> (web/web.c), libpq (the hub's PostgreSQL, db/hub_*.c), <zip.h> and <expat.h> (the .xlsx
#      reader, domain/sheet_xlsx.c), <xlsxwriter.h> (web/web_xlsx.c),
#      reading the system clock (base/clock.c), argon2id hashing of
#      passwords and PINs (crypto_pwhash, base/pwhash.c);
#   3. db/ reads no clock at all: every store function takes `now`.
# Usage: scripts/floors.sh [ROOT]; prints one line per violation, exits 1
# if there is any.  `make check` runs it.
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
bad=0
say() { echo "floors: $*"; bad=1; }

allowed() { # allowed FOLDER -> the folders it may include
	case $1 in
	base) echo "base" ;;
	db) echo "base db" ;;
	modem) echo "base modem" ;;
	sim) echo "base sim" ;;
	tts) echo "base tts" ;;
	domain) echo "base db modem tts domain" ;;
	gateway) echo "base db modem tts domain gateway" ;;
	web) echo "base db domain web" ;;
	app) echo "base db modem sim tts domain gateway web app" ;;
	esac
}
# Known exceptions, each with the work that removes it (none today).
exception() { # exception FILE INCLUDE
	return 1
}

for dir in base db modem sim tts domain gateway web app; do
	ok=" $(allowed $dir) "
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		grep -n '^#include "[a-z_]*/[a-z_0-9]*\.h"' "$f" | while IFS= read -r line; do
			inc=$(echo "$line" | sed 's/.*#include "\([^"]*\)".*/\1/')
			n=${line%%:*}
			top=${inc%%/*}
			case "$ok" in *" $top "*) continue ;; esac
			exception "$f" "$inc" && continue
			echo "floors: $f:$n: includes $inc, a floor above $dir (allowed: $(allowed $dir))"
		done
	done
done >"${TMPDIR:-/tmp}/floors.$$"
if [ -s "${TMPDIR:-/tmp}/floors.$$" ]; then
	cat "${TMPDIR:-/tmp}/floors.$$"
	bad=1
fi
rm -f "${TMPDIR:-/tmp}/floors.$$"

only() { # only PATTERN FILES...: PATTERN may appear only in FILES
	pat=$1
	shift
	for f in $(grep -rlE "$pat" base db modem sim tts domain gateway web app --include='*.c' --include='*.h' || true); do
		allowed_file=0
		for a in "$@"; do
			case "$f" in $a) allowed_file=1 ;; esac
		done
		[ $allowed_file = 1 ] || say "$f: uses $pat outside $*"
	done
}
only 'crypto_pwhash' 'base/pwhash.[ch]'
only '<gammu\.h>' 'modem/codec.[ch]' 'sim/sim_pdu.c'
only 'sqlite3_' 'db/*'
only '<libpq-fe\.h>' 'db/hub_*.[ch]'
only '(^|[^a-zA-Z_])PQ[a-z][a-zA-Z]*\(' 'db/hub_*.[ch]'
only 'espeak_' 'tts/tts_synth.[ch]'
only '<microhttpd\.h>' 'web/web.c'
only '<zip\.h>' 'domain/sheet_xlsx.c'
only '<expat\.h>' 'domain/sheet_xlsx.c'
only '<xlsxwriter\.h>' 'web/web_xlsx.c'
only 'clock_gettime|gettimeofday|[^_a-z]time\(NULL\)' 'base/clock.c'
# the store takes `now` from its caller: no clock reads in db/
for f in $(grep -lE 'clock_(wall_s|mono_ms|local)' db/*.c db/*.h 2>/dev/null || true); do
	say "$f: reads the clock; the store takes now as a parameter"
done
exit $bad
