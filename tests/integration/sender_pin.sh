# `loa sender … --pin` and `loa sender pin`: the phone PIN for recording a
# notice by phone (issue 17) is 4-8 digits, stored only hashed, shown as
# PIN by `sender list`, can be set and cleared, and each change is logged;
# bad input names the option; Vietnamese messages in a Vietnamese locale.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$LOA" init
expect_rc 0 "$LOA" sender add 0912345678 --role head --name "Trưởng thôn Hùng" --pin 4821
contains "$OUT" "PIN set"
[ "$(sql "SELECT pin_hash LIKE '\$argon2id\$%' FROM senders WHERE phone = '+84912345678'")" = 1 ] || fail "not hashed"
[ "$(sql "SELECT count(*) FROM senders WHERE pin_hash LIKE '%4821%'")" = 0 ] || fail "PIN in clear"
expect_rc 0 "$LOA" sender list
contains "$OUT" "PIN (records by phone)"

expect_rc 2 "$LOA" sender add 0987000111 --role officer --name "Cán bộ" --pin 12a4
contains "$ERR" "--pin: must be 4-8 digits"
expect_rc 2 "$LOA" sender add 0987000111 --role officer --name "Cán bộ" --pin 123456789
expect_rc 0 "$LOA" sender add 0987000111 --role officer --name "Cán bộ"
expect_rc 0 "$LOA" sender pin 0987000111 77553311
contains "$OUT" "sender 0987000111: PIN set"
expect_rc 0 "$LOA" sender pin 0912345678 --clear
contains "$OUT" "PIN cleared"
[ "$(sql "SELECT pin_hash FROM senders WHERE phone = '+84912345678'")" = "" ] || fail "not cleared"
[ "$(sql "SELECT count(*) FROM events WHERE kind IN ('sender_pin_set', 'sender_pin_cleared')")" = 2 ] || fail "events"
expect_rc 2 "$LOA" sender pin 0911111111 1234
contains "$ERR" "0911111111 is not a registered sender"
expect_rc 2 "$LOA" sender pin 12345 1234
contains "$ERR" "'12345' is not a mobile number"
expect_rc 2 "$LOA" sender pin 0987000111 12
contains "$ERR" "PIN: must be 4-8 digits"
expect_rc 2 "$LOA" sender pin 0987000111
expect_rc 2 env LC_ALL=vi_VN.UTF-8 LANGUAGE=vi "$LOA" sender pin 0987000111 12
contains "$ERR" "PIN: phải gồm 4-8 chữ số"
