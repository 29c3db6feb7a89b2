/* demo — `loa demo`: the whole main job in one command, with nothing to set
 * up.  Builds a demo village in a temporary folder (households, groups,
 * mixed channels and accents, imported through `loa household import`),
 * starts two simulated modems (`loa sim`, our own binary re-executed through
 * /proc/self/exe), sends an urgent SMS notice to everyone and a voice notice
 * to the elders through `loa notice send`, runs the daemon until idle and
 * prints `loa report` of both, then each call: the simulated elders (set
 * through `loa sim --ctl`, as the tests do) press 1, press 2 then 1, are
 * busy and answer when called again, never answer, listen without a key,
 * and one number is a voicemail.
 *
 * DESIGN: the demo calls the same entry points a user types (cmd_household,
 * cmd_notice, daemon_run, report_notice_text), so it exercises exactly the
 * code of a real gateway; only the modems are simulated. */
#include "db/store.h"
#include "app/cli.h"
#include "gateway/daemon.h"
#include "base/log.h"
#include "base/phone.h"
#include "base/text.h"
#include "domain/report.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const family_names[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi",
					    "Đỗ", "Hồ", "Ngô", "Dương" };
static const char *const given[] = { "Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Em", "Thị Giang",
				     "Văn Hải", "Thị Hoa", "Minh Khang", "Thị Lan", "Văn Long", "Thị Mai" };

#define DEMO_NOTICE                                                                              \
	"Thông báo khẩn: mưa lớn kéo dài, nguy cơ sạt lở ở xóm 3. Đề nghị bà con di chuyển người " \
	"già, trẻ em đến nhà văn hóa thôn trước 17h hôm nay. Liên hệ trưởng thôn: 0912 345 678."

#define DEMO_CALL "Mời các cụ cao tuổi họp chi hội lúc 8h sáng mai tại nhà văn hóa thôn."

/* The village: 48 households in 4 hamlets (xom1..xom4) plus a group of
 * elders (every 7th: they all take calls); 1 in 4 without accents, 1 in 6
 * voice-only, 1 in 5 both. */
#define PHONE_OF(i) 1 + (i) % 9, 1000000 + (i) * 37 /* 09%d%07d */

/* What each elder's simulated phone does when called (household i = 7 *
 * (row + 1)); the calls' ring timeout and retry are short in the demo's
 * config so the whole demo takes about a minute. */
static const struct elder {
	const char *call, *keys; /* loa sim --ctl DIR call|keys NUMBER ... */
	const char *what;        /* what the person did, for the table */
} elders[] = {
	{ NULL, "1", "answers, presses 1 (heard it)" },
	{ NULL, "21", "presses 2 (hear it again), then 1" },
	{ "busy", NULL, "busy; called again later: presses 1" },
	{ "noanswer", NULL, "never answers (rings out, twice)" },
	{ NULL, NULL, "listens to the end, presses nothing" },
	{ "voicemail", NULL, "voicemail: answers, no key" },
};
enum { ELDER_BUSY = 2 };

static void elder_number(int row, char *buf, size_t n)
{
	snprintf(buf, n, "+849%d%07d", PHONE_OF(7 * (row + 1)));
}

static int write_village(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "name,phone,groups,channel,accents,note\n");
	for (int i = 1; i <= n; i++) {
		const char *ch = i % 6 == 0 ? "voice" : i % 5 == 0 || i % 7 == 0 ? "both" : "sms";
		fprintf(f, "%s %s,09%d%07d,xom%d%s,%s,%s,%s\n", family_names[i % ARRAY_LEN(family_names)],
			given[(i * 7) % ARRAY_LEN(given)], PHONE_OF(i), 1 + i % 4,
			i % 7 == 0 ? " nguoi-cao-tuoi" : "", ch, i % 4 == 0 ? "no" : "yes",
			i % 11 == 0 ? "điện thoại cũ" : "");
	}
	return fclose(f);
}

/* Runs one `loa` subcommand in this process, as main() would. */
static int run_cmd(struct cli_ctx *ctx, int (*fn)(struct cli_ctx *, int, char **), int argc, char **argv)
{
	optind = 0;
	return fn(ctx, argc, argv);
}

/* `loa sim --ctl DIR ARGS...`: one command to the running simulator. */
static int sim_ctl_cmd(const char *dir, const char *a1, const char *a2, const char *a3)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execl("/proc/self/exe", "loa", "sim", "--ctl", dir, a1, a2, a3, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

/* The busy elder answers the next call: a child process watches the
 * simulator's call log (calls.jsonl) for that number's busy call, then
 * switches its phone to answer and press 1.  Returns the child's pid. */
static pid_t busy_then_answer(const char *dir, const char *number)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	char *log = util_path_join(dir, "calls.jsonl");
	const char *tail = number + strlen(number) - 9; /* the log may show any form of it */
	for (int i = 0; i < 3000; i++) {                /* 10 minutes at most */
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		char *text = util_read_file(log, NULL);
		int busy = 0;
		for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l && !busy;
		     l = strtok_r(NULL, "\n", &save))
			busy = strstr(l, tail) && strstr(l, "\"result\":\"busy\"");
		free(text);
		if (busy) {
			int rc = sim_ctl_cmd(dir, "call", number, "answer") | sim_ctl_cmd(dir, "keys", number, "1");
			_exit(rc ? 1 : 0);
		}
	}
	_exit(1);
}

/* One line per called household: what its phone did, what Loa recorded. */
static int call_row(const struct report_row *r, void *arg)
{
	(void)arg;
	const char *what = "";
	char num[24];
	for (size_t i = 0; i < ARRAY_LEN(elders); i++) {
		elder_number((int)i, num, sizeof num);
		if (!strcmp(num, r->phone))
			what = elders[i].what;
	}
	char nat[20];
	phone_national(r->phone, nat, sizeof nat);
	printf("  ");
	text_fpad(stdout, r->name, 18);
	printf(" %-11s ", nat);
	text_fpad(stdout, what, 37);
	printf(" -> %s, %d attempt%s%s%s\n", r->state, r->attempts, r->attempts == 1 ? "" : "s",
	       r->keys[0] ? ", keys " : "", r->keys);
	return 0;
}

/* Starts `loa sim` and waits for its "sim: ready" line. */
static pid_t start_sim(const char *dir, int modems, char *err, size_t errlen)
{
	int fds[2];
	if (pipe(fds) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char n[8];
		snprintf(n, sizeof n, "%d", modems);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execl("/proc/self/exe", "loa", "sim", "--dir", dir, "--modems", n, "--report", "mix",
		      "--family", "huawei,simcom", "--cmgs-delay-ms", "120", "--report-delay-ms", "300",
		      "--answer-ms", "1500", "--keys-after-ms", "1500", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char line[512];
	int ready = 0;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "sim: ready", 10) == 0) {
			ready = 1;
			break;
		}
	if (f)
		fclose(f);
	if (!ready) {
		snprintf(err, errlen, "the simulated modems did not start (loa sim)");
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

int cmd_demo(struct cli_ctx *ctx, int argc, char **argv)
{
	int keep = 0, households = 48, c;
	long v;
	static const struct option opts[] = {
		{ "keep", no_argument, NULL, 'k' },
		{ "households", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	while ((c = getopt_long(argc, argv, "kn:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keep = 1;
			break;
		case 'n':
			if (util_parse_long(optarg, 1, 5000, &v) != 0)
				return cli_err(EXIT_USAGE, "demo: --households takes 1-5000, not '%s'", optarg);
			households = (int)v;
			break;
		case 'h':
			printf("usage: loa demo [--keep] [--households N]\n");
			return EXIT_OK;
		default:
			return cli_err(EXIT_USAGE, "usage: loa demo [--keep] [--households N]");
		}
	}
	if (ctx->cfg_loaded || ctx->st)
		return cli_err(EXIT_USAGE, "demo: must run on its own configuration");
	char dir[] = "/tmp/loa-demo.XXXXXX";
	if (!mkdtemp(dir))
		return cli_err(EXIT_RUNTIME, "demo: cannot create a folder in /tmp: %s", strerror(errno));
	char *conf = util_path_join(dir, "loa.conf"), *csv = util_path_join(dir, "village.csv"),
	     *simdir = util_path_join(dir, "sim");
	int rc = EXIT_RUNTIME;
	pid_t sim = -1, helper = -1;
	FILE *f = fopen(conf, "w");
	if (!f) {
		rc = cli_err(EXIT_RUNTIME, "demo: %s: %s", conf, strerror(errno));
		goto out;
	}
	fchmod(fileno(f), 0600);
	fprintf(f, "# written by loa demo\n[gateway]\ndatabase = loa.db\nspool = spool\nvillage = Thôn Tân Lợi (demo)\n"
		   "log_level = warn\nquiet_start = 00:00\nquiet_end = 00:00\n[sms]\nretry_s = 2\n"
		   "[voice]\nattempts = 2\nretry_s = 10\nring_timeout_s = 8\nrepeats = 1\nkey_wait_s = 4\n[tts]\ncache = cache\n"
		   "[modem m1]\nport = %s/m1.at\naudio = %s/m1.audio\nfamily = huawei\n"
		   "[modem m2]\nport = %s/m2.at\naudio = %s/m2.audio\nfamily = simcom\n",
		simdir, simdir, simdir, simdir);
	fclose(f);
	ctx->config_path = conf;
	struct store *st;
	if ((rc = cli_store(ctx, &st)) != EXIT_OK)
		goto out;
	printf("== demo village in %s\n", dir);
	if (write_village(csv, households) != 0) {
		rc = cli_err(EXIT_RUNTIME, "demo: cannot write %s", csv);
		goto out;
	}
	char *imp[] = { "household", "import", csv, NULL };
	if ((rc = run_cmd(ctx, cmd_household, 3, imp)) != EXIT_OK)
		goto out;
	char err[256];
	sim = start_sim(simdir, 2, err, sizeof err);
	if (sim < 0) {
		rc = cli_err(EXIT_RUNTIME, "demo: %s", err);
		goto out;
	}
	printf("== 2 simulated modems ready (loa sim --dir %s)\n", simdir);
	for (size_t i = 0; i < ARRAY_LEN(elders); i++) {
		char num[24];
		elder_number((int)i, num, sizeof num);
		if ((elders[i].call && sim_ctl_cmd(simdir, "call", num, elders[i].call) != 0) ||
		    (elders[i].keys && sim_ctl_cmd(simdir, "keys", num, elders[i].keys) != 0)) {
			rc = cli_err(EXIT_RUNTIME, "demo: loa sim --ctl %s: the simulator did not take it", simdir);
			goto out;
		}
		if (i == ELDER_BUSY && (helper = busy_then_answer(simdir, num)) < 0) {
			rc = cli_err(EXIT_RUNTIME, "demo: fork: %s", strerror(errno));
			goto out;
		}
	}
	printf("== sending an urgent SMS notice to everyone\n");
	char *send[] = { "notice", "send", "--to", "all", "--only-sms", "--urgent", DEMO_NOTICE, NULL };
	if ((rc = run_cmd(ctx, cmd_notice, 7, send)) != EXIT_OK)
		goto out;
	printf("== and a call to the elders (read aloud in Vietnamese; press 1 = heard, 2 = again)\n");
	char *call[] = { "notice", "send", "--to", "nguoi-cao-tuoi", "--voice", DEMO_CALL, NULL };
	if ((rc = run_cmd(ctx, cmd_notice, 6, call)) != EXIT_OK)
		goto out;
	fflush(stdout);
	printf("== delivering (loa run --until-idle)\n");
	fflush(stdout);
	struct daemon_opts o;
	daemon_opts_default(&o);
	o.until_idle = 1;
	o.report_wait_s = 5;
	struct daemon_cfg *dc = xcalloc(1, sizeof *dc);
	config_daemon(&ctx->cfg, dc);
	int drc = daemon_run(dc, st, &o);
	free(dc);
	if (drc != 0) {
		rc = cli_err(EXIT_RUNTIME, "demo: the daemon failed (see the messages above)");
		goto out;
	}
	rc = EXIT_OK;
	for (int64_t nid = 1; nid <= 2 && rc == EXIT_OK; nid++) {
		printf("\n== loa report %lld\n", (long long)nid);
		rc = report_notice_text(st, nid, stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
	}
	if (rc == EXIT_OK) {
		printf("\n== the calls of notice 2, household by household (loa report --household ID)\n");
		if (store_report_deliveries(st, 2, call_row, NULL) != STORE_OK)
			rc = cli_err(EXIT_RUNTIME, "demo: %s", store_errmsg(st));
	}
	printf("\n(the simulator: SMS to numbers ending 7-8 fail and 9 never report (--report mix);"
	       " 'confirmed' needs a key, 'played' was heard to the end without one (a voicemail too),"
	       " 'unreached' goes on the visit list)\n");
out:
	if (helper > 0) {
		kill(helper, SIGTERM);
		waitpid(helper, NULL, 0);
	}
	if (sim > 0) {
		kill(sim, SIGTERM);
		waitpid(sim, NULL, 0);
	}
	if (keep) {
		printf("kept: %s (loa -c %s report)\n", dir, conf);
	} else {
		char *cmd = NULL;
		struct sbuf b;
		sbuf_init(&b);
		sbuf_printf(&b, "rm -rf '%s'", dir);
		cmd = sbuf_take(&b);
		if (system(cmd) != 0)
			LOG_W("demo", "could not remove %s", dir);
		free(cmd);
	}
	free(conf);
	free(csv);
	free(simdir);
	return rc;
}
