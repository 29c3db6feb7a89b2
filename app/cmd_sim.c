/* sim_cmd — `loa sim`: runs the simulated modems (sim/sim.h), sends one
 * control command to a running simulator (--ctl), or talks to a port like a
 * terminal program for tests (--chat).
 *
 * --chat exists so integration tests need neither python nor expect: each
 * STEP is sent and the answer printed on one line with \r \n and non-ASCII
 * bytes escaped, so a shell test can match "AT\r\r\nOK\r\n" literally. */
#include "app/cli.h"

#include "base/clock.h"
#include "base/util.h"
#include "sim/sim.h"
#include "sim/sim_pdu.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loa sim --dir DIR [--modems N] [--family generic|huawei|simcom|quectel[,...]]\n"
		"               [--cmgs-delay-ms MS] [--report delivered|failed|none|mix]\n"
		"               [--report-delay-ms MS] [--seed N] [--pin PIN] [--noise-ms MS]\n"
		"               [--reset-ms MS] [--call answer|busy|noanswer|voicemail] [--alert-ms MS]\n"
		"               [--answer-ms MS] [--talk-ms MS] [--noanswer-ms MS] [--keys-after-ms MS]\n"
		"               [--urc-after-prompt 0|1] [--late-end 0|1] [--end-delay-ms MS] [--dial-waits 0|1]\n"
		"         far end per number: --ctl DIR call TO MODE, --ctl DIR keys TO \"21\" (a key after\n"
		"         every MS of received audio; uplink recorded to DIR/<modem>-call-<n>.wav)\n"
		"         SMS per number: --ctl DIR number TO unassigned|barred|unknown|absent|ok|CODE\n"
		"         a caller rings: --ctl DIR callin M FROM [--ring-s N] [--keys S:K,...] [--say F.wav]\n"
		"           [--say-s N] [--hangup-s N]  RING/+CRING, +CLIP every 3 s; no ATA in --ring-s (30):\n"
		"           missed (a flash); after ATA keys K at S s, the WAV from --say-s, hang-up after N s\n"
		"         impolite by default, as real modems (each also `set M KEY 0|1`):\n"
		"           --urc-after-prompt 1  URCs go out right after the \"> \" prompt, in the same\n"
		"                                 write; a status report waiting for --report-delay-ms\n"
		"                                 lands right after the next prompt on that modem\n"
		"           --late-end 1          after ATH/AT+CHUP's OK the call is still there (AT+CLCC\n"
		"                                 lists it, ATD answers ERROR); its end (NO CARRIER, ^CEND,\n"
		"                                 VOICE CALL: END, +QIND ... -1) follows the final result\n"
		"                                 of the next command line, or comes after --end-delay-ms\n"
		"                                 (40); 0: at once behind the OK, as before\n"
		"           --dial-waits 1        generic: ATD answers OK only when the far end answers\n"
		"                                 (else BUSY / NO ANSWER); any byte meanwhile aborts the\n"
		"                                 dial (NO CARRIER)\n"
		"         +CNMI ds=2 stores reports in \"SR\" (huawei, simcom, quectel: 20 entries; generic\n"
		"         answers +CMS ERROR: 303) with +CDSI: \"SR\",<i>; read with AT+CPMS=\"SR\" + AT+CMGR/CMGL\n"
		"       loa sim --ctl DIR COMMAND...     (inject, fault, set, report, call, credit, ussd, reg,\n"
		"                                         sim, callin, stats, quit, help;\n"
		"                                         fault M vanish MS|forever, fault M vanish-multipart [K]:\n"
		"                                         the first part K < parts accepted is the last, then the\n"
		"                                         port goes for good; fault M mute|unmute: reads, says nothing)\n"
		"         the SIM and the network (kept across reboots):\n"
		"           credit M empty [CODE]   every AT+CMGS: +CMS ERROR: CODE (50) after the PDU;\n"
		"                                   the balance USSD says 0\n"
		"           credit M topup [N] | credit M balance N   (balance 125000)\n"
		"           ussd M text TEXT|default   balance answer, {balance} 125.000, {amount} 125000\n"
		"           ussd M enc gsm7|gsm7-packed|ucs2   dcs 15 text / 15 packed hex / 72 UTF-16 hex\n"
		"           ussd M code CODE        the balance code (*101#); others: +CUSD: 4\n"
		"                                   (AT+CUSD=1,\"*101#\",15: OK, +CUSD after set M ussd_delay_ms, 1000)\n"
		"           reg M lost [0|2|3|4] | reg M ok   +CREG URC, CSQ 99, CMS 331, ATD NO CARRIER\n"
		"           sim M pin [PIN] | puk | missing | ok   +CPIN, CME 11/12/10, CMS 311/316/310\n"
		"       loa sim --pdu TO TEXT...          (SMS-SUBMIT part(s) as \"LEN HEX\" lines, SRR set)\n"
		"       loa sim --chat PORT [--timeout MS] STEP...\n"
		"         STEP: TEXT (sent with CR, waits for a final result or \"> \"),\n"
		"               pdu:HEX (sent with Ctrl-Z), esc:HEX (sent with ESC), raw:TEXT (no CR, no wait),\n"
		"               wait:TEXT (waits until TEXT arrives), quiet:MS (collects for MS)\n");
}

/* ---- --ctl ---- */

static int ctl(const char *dir, int argc, char **argv)
{
	struct sbuf line;
	sbuf_init(&line);
	for (int i = 0; i < argc; i++) {
		if (i)
			sbuf_addc(&line, ' ');
		sbuf_add(&line, argv[i]);
	}
	sbuf_addc(&line, '\n');
	char *path = util_path_join(dir, "control");
	struct sockaddr_un a;
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	int rc = EXIT_RUNTIME;
	int fd = -1;
	if (strlen(path) >= sizeof a.sun_path) {
		cli_err(EXIT_USAGE, "%s: path too long for a socket", path);
		rc = EXIT_USAGE;
		goto out;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		cli_err(EXIT_RUNTIME, "%s: cannot connect: %s (is `loa sim` running?)", path, strerror(errno));
		goto out;
	}
	if (write(fd, line.s, line.len) != (ssize_t)line.len) {
		cli_err(EXIT_RUNTIME, "%s: write: %s", path, strerror(errno));
		goto out;
	}
	struct sbuf r;
	sbuf_init(&r);
	int64_t end = clock_mono_ms() + 10000;
	while (!r.s || !memchr(r.s, '\n', r.len)) {
		int64_t left = end - clock_mono_ms();
		struct pollfd p = { fd, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		sbuf_addn(&r, buf, (size_t)n);
	}
	if (!r.s || !memchr(r.s, '\n', r.len)) {
		cli_err(EXIT_RUNTIME, "%s: no reply to '%.*s'", path, (int)line.len - 1, line.s);
	} else {
		fputs(r.s, stdout);
		rc = strncmp(r.s, "ok", 2) == 0 ? EXIT_OK : EXIT_RUNTIME;
	}
	sbuf_free(&r);
out:
	if (fd >= 0)
		close(fd);
	free(path);
	sbuf_free(&line);
	return rc;
}

/* ---- --chat ---- */

static void print_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c >= 0x7F)
			printf("\\x%02X", c);
		else
			putchar(c);
	}
}

static int has_final(const char *s)
{
	static const char *const finals[] = {
		"\r\nOK\r\n", "\r\nERROR\r\n", "+CME ERROR:", "+CMS ERROR:", "\r\n> ",
		"NO CARRIER\r\n", "BUSY\r\n", "NO ANSWER\r\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(finals); i++) {
		const char *p = strstr(s, finals[i]);
		if (!p)
			continue;
		if (finals[i][0] == '+' && !strstr(p, "\r\n"))
			continue; /* the error line is not complete yet */
		return 1;
	}
	return 0;
}

/* Reads until `until` (NULL: a final result) appears or the time is up. */
static int collect(int fd, struct sbuf *got, const char *until, int ms, int want_match)
{
	int64_t end = clock_mono_ms() + ms;
	for (;;) {
		if (want_match && got->s && (until ? strstr(got->s, until) != NULL : has_final(got->s)))
			return 0;
		int64_t left = end - clock_mono_ms();
		if (left <= 0)
			return want_match ? -1 : 0;
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) {
			/* NUL bytes would end strstr early: show them, match past them */
			for (ssize_t i = 0; i < n; i++)
				if (!buf[i])
					buf[i] = '\x7f';
			sbuf_addn(got, buf, (size_t)n);
		} else if (n < 0 && errno == EAGAIN) {
			continue;
		} else {
			sbuf_add(got, "[hangup]");
			return -1;
		}
	}
}

static int send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = { fd, POLLOUT, 0 };
			poll(&p, 1, 100);
			continue;
		}
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int chat(const char *port, int timeout_ms, int argc, char **argv)
{
	int fd = open(port, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return cli_err(EXIT_RUNTIME, "%s: cannot open: %s", port, strerror(errno));
	struct termios t;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	int rc = EXIT_OK;
	for (int i = 0; i < argc; i++) {
		const char *st = argv[i];
		struct sbuf got;
		sbuf_init(&got);
		int r = 0;
		if (!strncmp(st, "wait:", 5)) {
			r = collect(fd, &got, st + 5, timeout_ms, 1);
		} else if (!strncmp(st, "quiet:", 6)) {
			long ms;
			if (util_parse_long(st + 6, 0, 600000, &ms)) {
				close(fd);
				return cli_err(EXIT_USAGE, "--chat: bad step '%s'", st);
			}
			r = collect(fd, &got, NULL, (int)ms, 0);
		} else {
			struct sbuf out;
			sbuf_init(&out);
			int wait = 1;
			if (!strncmp(st, "pdu:", 4)) {
				sbuf_add(&out, st + 4);
				sbuf_addc(&out, 0x1A);
			} else if (!strncmp(st, "esc:", 4)) {
				sbuf_add(&out, st + 4);
				sbuf_addc(&out, 0x1B);
			} else if (!strncmp(st, "raw:", 4)) {
				/* \r \n \x1a escapes so split commands can be sent */
				for (const char *p = st + 4; *p; p++) {
					if (p[0] == '\\' && p[1] == 'r') {
						sbuf_addc(&out, '\r');
						p++;
					} else if (p[0] == '\\' && p[1] == 'n') {
						sbuf_addc(&out, '\n');
						p++;
					} else {
						sbuf_addc(&out, *p);
					}
				}
				wait = 0;
			} else {
				sbuf_add(&out, st);
				sbuf_addc(&out, '\r');
			}
			if (send_all(fd, out.s, out.len) != 0)
				r = -1;
			else if (wait)
				r = collect(fd, &got, NULL, timeout_ms, 1);
			sbuf_free(&out);
		}
		print_escaped(got.s ? got.s : "", got.len);
		if (r != 0) {
			fputs(" [timeout]", stdout);
			rc = EXIT_RUNTIME;
		}
		putchar('\n');
		fflush(stdout);
		sbuf_free(&got);
	}
	close(fd);
	return rc;
}

/* ---- --pdu ---- */

static int pdu(const char *to, int argc, char **argv)
{
	struct sbuf t;
	sbuf_init(&t);
	for (int i = 0; i < argc; i++) {
		if (i)
			sbuf_addc(&t, ' ');
		sbuf_add(&t, argv[i]);
	}
	struct sim_pdu_list *l = xcalloc(1, sizeof *l);
	int rc = EXIT_OK;
	if (!t.len)
		rc = cli_err(EXIT_USAGE, "sim --pdu %s: which text?", to);
	else if (sim_pdu_encode_submit(to, t.s, 1, 1, 0, l) != 0)
		rc = cli_err(EXIT_USAGE, "sim --pdu %s: the text does not fit %d parts", to, SIM_PDU_MAX_PARTS);
	for (int i = 0; rc == EXIT_OK && i < l->n; i++)
		printf("%d %s\n", l->part[i].tpdu_len, l->part[i].hex);
	free(l);
	sbuf_free(&t);
	return rc;
}

/* ---- run ---- */

static int opt_int(const char *name, const char *v, long lo, long hi, int *out)
{
	long x;
	if (util_parse_long(v, lo, hi, &x))
		return cli_err(EXIT_USAGE, "--%s %s: must be a number %ld..%ld", name, v, lo, hi);
	*out = (int)x;
	return 0;
}

int cmd_sim(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	struct sim_opts o;
	sim_opts_default(&o);
	const char *ctl_dir = NULL, *chat_port = NULL, *pdu_to = NULL;
	int timeout_ms = 3000, seed = 1;
	enum { O_CMGS = 256, O_REPORT, O_RDELAY, O_SEED, O_PIN, O_NOISE, O_RESET, O_CALL, O_ALERT,
	       O_ANSWER, O_TALK, O_NOANS, O_KEYS_AFTER, O_URC_PROMPT, O_LATE_END, O_END_DELAY,
	       O_DIAL_WAITS, O_CTL, O_CHAT, O_TIMEOUT, O_PDU };
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "modems", required_argument, NULL, 'n' },
		{ "family", required_argument, NULL, 'f' },
		{ "cmgs-delay-ms", required_argument, NULL, O_CMGS },
		{ "report", required_argument, NULL, O_REPORT },
		{ "report-delay-ms", required_argument, NULL, O_RDELAY },
		{ "seed", required_argument, NULL, O_SEED },
		{ "pin", required_argument, NULL, O_PIN },
		{ "noise-ms", required_argument, NULL, O_NOISE },
		{ "reset-ms", required_argument, NULL, O_RESET },
		{ "call", required_argument, NULL, O_CALL },
		{ "alert-ms", required_argument, NULL, O_ALERT },
		{ "answer-ms", required_argument, NULL, O_ANSWER },
		{ "talk-ms", required_argument, NULL, O_TALK },
		{ "noanswer-ms", required_argument, NULL, O_NOANS },
		{ "keys-after-ms", required_argument, NULL, O_KEYS_AFTER },
		{ "urc-after-prompt", required_argument, NULL, O_URC_PROMPT },
		{ "late-end", required_argument, NULL, O_LATE_END },
		{ "end-delay-ms", required_argument, NULL, O_END_DELAY },
		{ "dial-waits", required_argument, NULL, O_DIAL_WAITS },
		{ "ctl", required_argument, NULL, O_CTL },
		{ "chat", required_argument, NULL, O_CHAT },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "pdu", required_argument, NULL, O_PDU },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, bad = 0;
	const long H = 3600000;
	while (!bad && (c = getopt_long(argc, argv, "+d:n:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'n': bad = opt_int("modems", optarg, 1, 32, &o.modems); break;
		case 'f': o.family = optarg; break;
		case O_CMGS: bad = opt_int("cmgs-delay-ms", optarg, 0, H, &o.cmgs_delay_ms); break;
		case O_REPORT: o.report = optarg; break;
		case O_RDELAY: bad = opt_int("report-delay-ms", optarg, 0, H, &o.report_delay_ms); break;
		case O_SEED: bad = opt_int("seed", optarg, 0, 2147483647L, &seed); break;
		case O_PIN: o.pin = optarg; break;
		case O_NOISE: bad = opt_int("noise-ms", optarg, 0, H, &o.noise_ms); break;
		case O_RESET: bad = opt_int("reset-ms", optarg, 0, H, &o.reset_ms); break;
		case O_CALL: o.call = optarg; break;
		case O_ALERT: bad = opt_int("alert-ms", optarg, 0, H, &o.alert_ms); break;
		case O_ANSWER: bad = opt_int("answer-ms", optarg, 0, H, &o.answer_ms); break;
		case O_TALK: bad = opt_int("talk-ms", optarg, 0, H, &o.talk_ms); break;
		case O_NOANS: bad = opt_int("noanswer-ms", optarg, 0, H, &o.noanswer_ms); break;
		case O_KEYS_AFTER: bad = opt_int("keys-after-ms", optarg, 0, H, &o.keys_after_ms); break;
		case O_URC_PROMPT: bad = opt_int("urc-after-prompt", optarg, 0, 1, &o.urc_after_prompt); break;
		case O_LATE_END: bad = opt_int("late-end", optarg, 0, 1, &o.late_end); break;
		case O_END_DELAY: bad = opt_int("end-delay-ms", optarg, 0, H, &o.end_delay_ms); break;
		case O_DIAL_WAITS: bad = opt_int("dial-waits", optarg, 0, 1, &o.dial_waits); break;
		case O_CTL: ctl_dir = optarg; break;
		case O_CHAT: chat_port = optarg; break;
		case O_PDU: pdu_to = optarg; break;
		case O_TIMEOUT: bad = opt_int("timeout", optarg, 1, H, &timeout_ms); break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (bad)
		return EXIT_USAGE;
	o.seed = (uint32_t)seed;
	if (ctl_dir) {
		if (optind >= argc)
			return cli_err(EXIT_USAGE, "sim --ctl %s: which command? (try: help)", ctl_dir);
		return ctl(ctl_dir, argc - optind, argv + optind);
	}
	if (pdu_to)
		return pdu(pdu_to, argc - optind, argv + optind);
	if (chat_port)
		return chat(chat_port, timeout_ms, argc - optind, argv + optind);
	if (optind < argc)
		return cli_err(EXIT_USAGE, "sim: unexpected argument '%s'", argv[optind]);
	if (!o.dir)
		return cli_err(EXIT_USAGE, "sim: --dir DIR is required (see loa sim --help)");
	char err[512];
	struct sim *s = sim_new(&o, err, sizeof err);
	if (!s)
		return cli_err(EXIT_USAGE, "sim: %s", err);
	if (sim_start(s, err, sizeof err) != 0) {
		sim_free(s);
		return cli_err(EXIT_RUNTIME, "sim: %s", err);
	}
	printf("sim: ready %s\n", o.dir);
	fflush(stdout);
	int rc = sim_run(s);
	sim_free(s);
	return rc ? EXIT_RUNTIME : EXIT_OK;
}
