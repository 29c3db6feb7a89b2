# The CLI in Vietnamese and English (GNU gettext, po/vi.po): every message
# translated, none fuzzy, format specifiers matching (msgfmt --check); the
# catalog not stale (po/loa.pot extracted again from the sources: every
# message in po/vi.po, and nothing in po/vi.po the sources no longer say);
# `loa report`, `status`, `notice show` and `help` in Vietnamese under a
# Vietnamese locale (LANG, LANGUAGE; whether or not vi_VN.UTF-8 is
# generated on this machine) and in English under LANG=C; --csv and
# --json byte-identical in both, exit codes the same.
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v msgfmt >/dev/null && command -v xgettext >/dev/null || fail "gettext tools missing (scripts/deps.sh)"

# (a) nothing untranslated or fuzzy, formats checked
expect_rc 0 msgfmt --check --check-format --statistics -o /dev/null "$root/po/vi.po"
contains "$ERR" "translated message"
[[ $ERR != *untranslated* && $ERR != *fuzzy* ]] || fail "po/vi.po: $ERR"

# (b) the catalog matches the sources
expect_rc 0 make -s -C "$root" pot POT="$WORK/loa.pot"
expect_rc 0 msgcmp "$root/po/vi.po" "$WORK/loa.pot"            # every source message translated
expect_rc 0 msgcmp --use-untranslated "$WORK/loa.pot" "$root/po/vi.po" # no stale entry
expect_rc 0 msgcmp --use-untranslated "$WORK/loa.pot" "$root/po/loa.pot"
expect_rc 0 msgcmp --use-untranslated "$root/po/loa.pot" "$WORK/loa.pot" # po/loa.pot up to date (make pot)

# (c) the commands, in both languages
expect_rc 0 "$LOA" init
printf 'Họ tên;SĐT;Nhóm;Kênh\nNguyễn Văn An;0912345678;xom1;sms\nTrần Thị Bình;0987654321;xom1;both\n' >"$WORK/h.csv"
expect_rc 0 "$LOA" household import "$WORK/h.csv"
expect_rc 0 "$LOA" notice send --to all "Họp thôn lúc 19 giờ tối nay"
sql "UPDATE deliveries SET state='failed', last_error='status report: failed (ST=0x46)' WHERE household_id=1"
vi() { env -u LC_ALL LANG=vi_VN.UTF-8 "$@"; }
en() { env -u LC_ALL LANG=C "$@"; }

expect_rc 0 vi "$LOA" report 1
VI=$OUT
contains "$VI" "Thông báo 1"
contains "$VI" "Chưa nhận được — cần đến tận nhà"
contains "$VI" "Máy tắt hoặc ngoài vùng phủ sóng quá lâu" # the cause in the same language
expect_rc 0 en "$LOA" report 1
EN=$OUT
contains "$EN" "Notice 1"
contains "$EN" "Not reached — visit in person"
contains "$EN" "Phone off or out of coverage too long"
[[ $EN != *"Thông báo 1"* ]] || fail "English report in Vietnamese: $EN"
# a Vietnamese locale not generated here: Vietnamese all the same
expect_rc 0 env -u LC_ALL LANG=vi_ZZ.UTF-8 "$LOA" report 1
contains "$OUT" "Chưa nhận được — cần đến tận nhà"
# LANGUAGE (GNU) with any UTF-8 locale
expect_rc 0 env LC_ALL=C.UTF-8 LANGUAGE=vi "$LOA" report 1
contains "$OUT" "Chưa nhận được — cần đến tận nhà"

expect_rc 0 vi "$LOA" report 1 --csv
VI=$OUT
expect_rc 0 en "$LOA" report 1 --csv
[ "$VI" = "$OUT" ] || fail "report --csv differs with the language"
contains "$OUT" "notice,household"

expect_rc 0 vi "$LOA" report --household 1
contains "$OUT" "Hộ 1: Nguyễn Văn An"
expect_rc 0 en "$LOA" report --household 1
contains "$OUT" "Household 1: Nguyễn Văn An"

set +e
vi "$LOA" status >"$WORK/s.vi" 2>&1; rv=$?
en "$LOA" status >"$WORK/s.en" 2>&1; re=$?
vi "$LOA" status --json >"$WORK/j.vi" 2>&1; jv=$?
en "$LOA" status --json >"$WORK/j.en" 2>&1; je=$?
set -e
[ $rv = $re ] && [ $jv = $je ] && [ $rv = $jv ] || fail "status exit codes differ: $rv $re $jv $je"
grep -q "tiến trình nền: chưa từng chạy" "$WORK/s.vi" || fail "status in Vietnamese: $(cat "$WORK/s.vi")"
grep -q "daemon: never ran" "$WORK/s.en" || fail "status in English: $(cat "$WORK/s.en")"
cmp -s "$WORK/j.vi" "$WORK/j.en" || fail "status --json differs with the language"

expect_rc 0 vi "$LOA" notice show 1
contains "$OUT" "nội dung:"
expect_rc 0 en "$LOA" notice show 1
contains "$OUT" "text:"
expect_rc 2 vi "$LOA" report 99
contains "$ERR" "không có thông báo 99"
expect_rc 2 en "$LOA" report 99
contains "$ERR" "no notice 99"
expect_rc 0 vi "$LOA" help
contains "$OUT" "các lệnh:"
expect_rc 0 en "$LOA" help
contains "$OUT" "commands:"
echo "ok: catalog complete and current; report/status/notice/help in Vietnamese and English; --csv/--json unchanged"
