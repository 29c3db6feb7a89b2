# Slowloris against the real `loa web` (issue 10, item 5): 100 sockets from
# ten loopback addresses each send a request a byte per second, never
# finishing it.  At most 8 per address are kept (the rest are closed at
# once); a normal request from another address is still answered at once;
# and every trickling socket is closed when its request is not read whole
# within 10 s, although it never fell silent for long enough for the 30 s
# idle timeout.  A request whose body trickles is cut off the same way.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.bash"
command -v perl >/dev/null || { echo "perl is not installed"; exit 77; }

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init
start_web

# trickle PORT PER SECS ADDR...: PER sockets from each ADDR ("b:ADDR": the
# headers whole, then the body a byte per second); prints "ready N" once
# they are open, then per socket "ADDR closed AFTER" (seconds, when the
# server closed it) or "ADDR open", and "ADDR answered" if any reply came.
cat >"$WORK/trickle.pl" <<'PERL'
use strict; use warnings;
use IO::Socket::INET; use IO::Select; use Time::HiRes qw(time sleep);
$SIG{PIPE} = 'IGNORE';
$| = 1;
my ($port, $per, $secs, @addrs) = @ARGV;
my (@socks, %addr, %t0, %closed, %answered);
for my $spec (@addrs) {
	my ($body, $a) = $spec =~ /^(b:)?(.*)$/;
	for (1 .. $per) {
		my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, LocalAddr => $a,
					      Proto => 'tcp') or die "connect from $a: $!";
		my $head = "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n";
		$head = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		      . "Content-Length: 1000\r\n\r\nuser=" if $body;
		syswrite($c, $head);
		push @socks, $c;
		$addr{$c} = $a; $t0{$c} = time;
	}
}
print "ready ", scalar(@socks), "\n";
my $sel = IO::Select->new(@socks);
my $start = time;
my $last_byte = 0;
while (time - $start < $secs && $sel->count) {
	for my $c ($sel->can_read(0.1)) {
		my $n = sysread($c, my $buf, 4096);
		if (!$n) { $closed{$c} = time - $t0{$c}; $sel->remove($c); next; }
		$answered{$c} = 1;
	}
	if (time - $last_byte >= 1) {
		$last_byte = time;
		for my $c ($sel->handles) {
			next if defined syswrite($c, "x");
			$closed{$c} = time - $t0{$c}; $sel->remove($c);
		}
	}
}
for my $c (@socks) {
	printf "%s %s\n", $addr{$c}, defined $closed{$c} ? sprintf("closed %.2f", $closed{$c}) : "open";
	print "$addr{$c} answered\n" if $answered{$c};
}
PERL

addrs=()
for i in $(seq 2 11); do addrs+=("127.0.0.$i"); done
perl "$WORK/trickle.pl" "$PORT" 10 16 "${addrs[@]}" >"$WORK/trickle.out" 2>"$WORK/trickle.err" &
TPID=$!
for _ in $(seq 1 100); do grep -q '^ready' "$WORK/trickle.out" && break; sleep 0.1; done
grep -q '^ready 100' "$WORK/trickle.out" || fail "trickling sockets not opened: $(cat "$WORK/trickle.err")"
sleep 2
# 100 sockets trickle; a normal request from another address is answered
t=$(curl -s -o "$WORK/body" -w '%{http_code} %{time_total}' --max-time 5 "$URL/login" || true)
[ "${t% *}" = 200 ] || fail "page unreachable during the slowloris: $t"
awk -v s="${t#* }" 'BEGIN { exit !(s < 2) }' || fail "normal request slow during the slowloris: $t"
# an address already holding 8 connections gets no ninth
[ "$(web_code 127.0.0.2 --max-time 5 "$URL/login")" = 000 ] || fail "a ninth connection from one address was served"
# ... and a trickling body is cut off at the deadline as well
perl "$WORK/trickle.pl" "$PORT" 2 14 b:127.0.0.20 >"$WORK/body.out" 2>"$WORK/body.err" &
BPID=$!
wait "$TPID" || fail "trickle: $(cat "$WORK/trickle.err")"
wait "$BPID" || fail "trickle body: $(cat "$WORK/body.err")"

refused=$(awk '$2 == "closed" && $3 < 1' "$WORK/trickle.out" | wc -l)
cut=$(awk '$2 == "closed" && $3 >= 9 && $3 < 13' "$WORK/trickle.out" | wc -l)
[ "$refused" = 20 ] || fail "expected 2 of 10 refused per address, got $refused: $(sort "$WORK/trickle.out" | uniq -c)"
[ "$cut" = 80 ] || fail "expected 80 trickling requests cut at the 10 s deadline, got $cut: $(cat "$WORK/trickle.out")"
grep -q ' open$' "$WORK/trickle.out" && fail "a trickling socket outlived the deadline"
[ "$(awk '$2 == "closed" && $3 >= 9 && $3 < 13' "$WORK/body.out" | wc -l)" = 2 ] ||
	fail "trickling bodies not cut at the deadline: $(cat "$WORK/body.out")"
# the attacking address is served again once its sockets are gone
[ "$(web_code 127.0.0.2 --max-time 5 "$URL/login")" = 200 ] || fail "127.0.0.2 not served after the slowloris"
# a keep-alive connection still serves several requests in a row
n=$(curl -s -w '%{num_connects}\n' -o /dev/null "$URL/login" -o /dev/null "$URL/login" -o /dev/null "$URL/login" |
	awk '{ n += $1 } END { print n }')
[ "$n" = 1 ] || fail "keep-alive: $n connections for 3 requests"

stop_web
echo "web_slowloris: ok"
