/* demo — `loa demo`: the whole main job in one command, with nothing to set
 * up.  Builds a demo village in a temporary folder (households, groups,
 * mixed channels and accents, imported through `loa household import`),
 * starts two simulated modems (`loa sim`, our own binary re-executed through
 * /proc/self/exe), sends a sample notice through `loa notice send`, runs the
 * daemon until idle and prints `loa report` of the notice.
 *
 * DESIGN: the demo calls the same entry points a user types (cmd_household,
 * cmd_notice, daemon_run, report_notice_text), so it exercises exactly the
 * code of a real gateway; only the modems are simulated. */
#include "db/store.h"
#include "app/cli.h"
#include "gateway/daemon.h"
#include "base/log.h"
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
 * elders; 1 in 4 without accents, 1 in 6 voice-only, 1 in 5 both. */
static int write_village(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "name,phone,groups,channel,accents,note\n");
	for (int i = 1; i <= n; i++) {
		const char *ch = i % 6 == 0 ? "voice" : i % 5 == 0 ? "both" : "sms";
		fprintf(f, "%s %s,09%d%07d,xom%d%s,%s,%s,%s\n", family_names[i % ARRAY_LEN(family_names)],
			given[(i * 7) % ARRAY_LEN(given)], 1 + i % 9, 1000000 + i * 37, 1 + i % 4,
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
		      "--answer-ms", "1500", (char *)NULL);
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
	pid_t sim = -1;
	FILE *f = fopen(conf, "w");
	if (!f) {
		rc = cli_err(EXIT_RUNTIME, "demo: %s: %s", conf, strerror(errno));
		goto out;
	}
	fchmod(fileno(f), 0600);
	fprintf(f, "# written by loa demo\n[gateway]\ndatabase = loa.db\nspool = spool\nvillage = Thôn Tân Lợi (demo)\n"
		   "log_level = warn\nquiet_start = 00:00\nquiet_end = 00:00\n[sms]\nretry_s = 2\n"
		   "[voice]\nattempts = 2\nretry_s = 10\nring_timeout_s = 10\nrepeats = 1\n[tts]\ncache = cache\n"
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
	printf("== 2 simulated modems ready (loa sim --dir %s)\n== sending a sample notice\n", simdir);
	char *send[] = { "notice", "send", "--to", "all", "--sms", DEMO_NOTICE, NULL };
	if ((rc = run_cmd(ctx, cmd_notice, 6, send)) != EXIT_OK)
		goto out;
	printf("== and a call to the elders who take calls (read aloud in Vietnamese)\n");
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
	printf("\n(--report mix: in the simulator, numbers ending 7-8 fail and 9 never report; the called"
	       " phones answer and listen to the end without pressing a key: \"played\")\n");
out:
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
