# The CLI contract for households, notices and reports, on the real binary:
# exit codes, one-line errors naming file:line: column, all-or-nothing
# import, list --csv round trip, notice preview/cancel, report and CSV.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$LOA" init
contains "$OUT" "schema version"
[ "$(stat -c %a "$WORK/loa.db")" = 600 ] || fail "database is not mode 0600"

printf '\xEF\xBB\xBFHọ tên;SĐT;Nhóm;Kênh;Dấu;Ghi chú\r\n' >"$WORK/v.csv"
printf 'Nguyễn Văn An;0912 345 678;dong-tien chan-nuoi;sms;có;\r\n' >>"$WORK/v.csv"
printf 'Trần Thị Bình;0169.234.5678;dong-tien;both;không;"bà cụ; 80 tuổi"\r\n' >>"$WORK/v.csv"
printf '\r\n' >>"$WORK/v.csv"
printf 'Lê Văn Cường;(0233) 3852 456;tay-son;voice;;\r\n' >>"$WORK/v.csv"
printf 'Phạm Thị Dung;+84 97 111 2222;tay-son;sms;no;\r\n' >>"$WORK/v.csv"

# a bad file: every problem listed with file:line: column, nothing imported;
# a phone on two households is only a warning
cat >"$WORK/bad.csv" <<CSV
name,phone,groups,channel
An,0912345678,a,sms
Bình,113,a,sms
Chi,0912.345.678,a,sms
Dung,0912000111,a,fax
an,+84 912 345 678,a,sms
CSV
expect_rc 2 "$LOA" household import "$WORK/bad.csv"
contains "$ERR" "bad.csv:3: column phone (B): '113' is an emergency number"
contains "$OUT" "bad.csv:4: column phone (B): 0912345678 is also the phone of line 2 (An)" # a warning
contains "$ERR" "bad.csv:5: column channel (D): 'fax' is not a way to receive notices"
contains "$ERR" "bad.csv:6: repeats line 2 (same name and phone)"
contains "$ERR" "bad.csv: 3 problems; nothing imported"
[ "$(sql 'SELECT count(*) FROM households')" = 0 ] || fail "bad import wrote households"

expect_rc 0 "$LOA" household import --dry-run "$WORK/v.csv"
contains "$OUT" "4 households valid"
[ "$(sql 'SELECT count(*) FROM households')" = 0 ] || fail "dry run wrote households"
expect_rc 0 "$LOA" household import "$WORK/v.csv"
contains "$OUT" "v.csv:3: column SĐT (B): old number 0169.234.5678 converted to 0392345678"
contains "$OUT" "imported 4 households"
expect_rc 2 "$LOA" household import "$WORK/v.csv"
contains "$ERR" "v.csv:2: column SĐT (B): 0912345678 is already registered to household 1 (Nguyễn Văn An): use --update to change existing households"

expect_rc 0 "$LOA" household list --group tay-son
contains "$OUT" "Lê Văn Cường"
contains "$OUT" "2 households"
expect_rc 0 "$LOA" group list
contains "$OUT" "dong-tien            2 households"

# list --csv re-imports unchanged
"$LOA" household list --csv >"$WORK/export.csv"
cp "$WORK/loa.db" "$WORK/keep.db"
rm -f "$WORK"/loa.db*
expect_rc 0 "$LOA" household import "$WORK/export.csv"
"$LOA" household list --csv >"$WORK/export2.csv"
cmp "$WORK/export.csv" "$WORK/export2.csv" || fail "list --csv does not round-trip"

# add / edit / remove
expect_rc 2 "$LOA" household add --name "X" --phone "1900 9068"
contains "$ERR" "--phone: '1900 9068' is a premium number"
# a phone may be on several households (a son's phone for two parents): said, not refused
expect_rc 0 "$LOA" household add --name "Nguyễn Văn Con" --phone "0912345678" --phone2 "0905 000 111" --address "Số 3, ngõ 5"
contains "$OUT" "note: 0912345678 is also the phone of household 1 (Nguyễn Văn An)"
[ "$(sql "SELECT phone2 || '|' || address FROM households WHERE name = 'Nguyễn Văn Con'")" = "+84905000111|Số 3, ngõ 5" ] \
	|| fail "add --phone2 --address"
expect_rc 0 "$LOA" household remove 5
expect_rc 2 "$LOA" household add --name "X" --phone "0912345678" --phone2 "9.12346E+08"
contains "$ERR" "--phone2: '9.12346E+08': Excel turned the number into scientific notation"
expect_rc 0 "$LOA" household add --name "Võ Văn Em" --phone "0905 123 456" --groups "dong-tien" --accents no
expect_rc 0 "$LOA" household edit 6 --channel both --opt-out yes
expect_rc 0 "$LOA" household list
contains "$OUT" "[opted out]"
expect_rc 0 "$LOA" household remove 4
expect_rc 2 "$LOA" household remove 4
contains "$ERR" "no household 4"

# notices: validation, preview, create, list, show, cancel
expect_rc 2 "$LOA" notice send --to nowhere "Họp"
contains "$ERR" "--to: no group 'nowhere'"
expect_rc 2 "$LOA" notice send --to all "   "
contains "$ERR" "text is empty"
expect_rc 2 "$LOA" notice send --to all $'Bad \xff byte'
contains "$ERR" "not valid UTF-8"
expect_rc 2 "$LOA" notice send --to all "$(printf 'ơ%.0s' $(seq 1 500))"
contains "$ERR" "sms.max_parts"
expect_rc 0 "$LOA" notice send --to all --dry-run "Họp thôn 19h30 tối nay"
contains "$OUT" "dry run: nothing created"
[ "$(sql 'SELECT count(*) FROM notices')" = 0 ] || fail "dry run created a notice"
expect_rc 0 "$LOA" notice send --to all "Mưa lớn, vỡ đê: họp thôn 19h30 tối nay tại nhà văn hóa."
contains "$OUT" "notice 1 created"
contains "$OUT" "households: 3 (1 opted out, skipped)"
contains "$OUT" "calls: 2"
contains "$OUT" "warning: no [modem] section has an audio port"
contains "$OUT" "ambiguous: mua lon, vo de"
[ "$(sql "SELECT count(*) FROM deliveries WHERE notice_id = 1 AND state = 'queued'")" = 4 ] || fail "fan-out"
[ "$(sql "SELECT encoding FROM deliveries d JOIN households h ON h.id = d.household_id WHERE h.name = 'Trần Thị Bình' AND d.channel = 'sms'")" = gsm7 ] || fail "stripped encoding for accents=no"
expect_rc 0 "$LOA" notice send --urgent --to dong-tien --only-sms "KHẨN: bão số 6"
contains "$OUT" "households: 3"
# a recorded voice replaces the speech; a bad file creates nothing
"$LOA" say -o "$WORK/rec.wav" "Họp thôn tối nay" >/dev/null
expect_rc 0 "$LOA" notice send --to tay-son --only-voice --audio "$WORK/rec.wav" "Họp thôn tối nay"
contains "$OUT" "recorded speech: $WORK/spool/audio/notice-"
[ -s "$(sql 'SELECT audio_path FROM notices WHERE id = 3')" ] || fail "recorded speech not kept"
echo "not audio" >"$WORK/bad.wav"
expect_rc 2 "$LOA" notice send --to tay-son --only-voice --audio "$WORK/bad.wav" "Họp"
contains "$ERR" "--audio:"
[ "$(sql 'SELECT count(*) FROM notices')" = 3 ] || fail "a bad recording created a notice"
# every channel unless restricted; a restriction that reaches nobody is refused;
# the old --sms/--voice warn that they mean "only"
expect_rc 2 "$LOA" notice send --to tay-son --only-sms "Họp"
contains "$ERR" "reaches nobody: the 1 household chosen has no SMS (drop --only-sms to use every channel)"
expect_rc 0 "$LOA" notice send --to tay-son --voice --dry-run "Họp"
contains "$ERR" "--voice means only calls; use --only-voice"
expect_rc 0 "$LOA" notice send --to tay-son --sms --voice --dry-run "Họp"
contains "$ERR" "--sms means only SMS; use --only-sms"
[ "$(sql 'SELECT count(*) FROM notices')" = 3 ] || fail "a refused or dry-run notice was created"
expect_rc 0 "$LOA" notice list
contains "$OUT" "KHẨN: bão số 6"
expect_rc 0 "$LOA" notice show 1
contains "$OUT" "Mưa lớn, vỡ đê"
expect_rc 0 "$LOA" notice cancel 2
contains "$OUT" "3 pending deliveries cancelled"
expect_rc 2 "$LOA" notice show 99
contains "$ERR" "no notice 99"

# reports
sql "UPDATE deliveries SET state = 'failed', last_error = 'invalid number' WHERE notice_id = 1 AND household_id = 1"
sql "UPDATE deliveries SET state = 'delivered' WHERE notice_id = 1 AND household_id = 2 AND channel = 'sms'"
expect_rc 0 "$LOA" report 1
contains "$OUT" "sms       2 total, 1 reached"
contains "$OUT" "Nguyễn Văn An"
contains "$OUT" "invalid number"
expect_rc 0 "$LOA" report 1 --csv
[ "$(head -c 3 "$WORK/out" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "CSV without BOM"
contains "$OUT" "notice,household,name,phone"
expect_rc 0 "$LOA" report --household 1
contains "$OUT" "notice 2"
expect_rc 2 "$LOA" report 1 2
expect_rc 2 "$LOA" frobnicate
contains "$ERR" "unknown command 'frobnicate'"

# groups written as names on the command line keep the name people write
# (as the import and the web form do); a group already named keeps its name
expect_rc 0 "$LOA" household add --name "Hồ Văn Thưởng" --phone 0912777001 --groups "Xóm Đông Tiến, Tổ 5"
[ "$(sql "SELECT name FROM groups WHERE code = 'xom-dong-tien'")" = "Xóm Đông Tiến" ] || fail "group name: $(sql "SELECT * FROM groups")"
[ "$(sql "SELECT name FROM groups WHERE code = 'to-5'")" = "Tổ 5" ] || fail "group name: $(sql "SELECT * FROM groups")"
expect_rc 0 "$LOA" household add --name "Hồ Thị Lan" --phone 0912777002 --groups "xóm đông tiến"
[ "$(sql "SELECT name FROM groups WHERE code = 'xom-dong-tien'")" = "Xóm Đông Tiến" ] || fail "group renamed by an add"

# config errors name file:line: key
printf '[gateway]\ndatabase = loa.db\n[sms]\nmax_parts = 99\n' >"$WORK/bad.conf"
expect_rc 2 "$LOA" -c "$WORK/bad.conf" init
contains "$ERR" "bad.conf:4: sms.max_parts: '99' is not a whole number from 1 to 10"
echo "cli_households: ok"
