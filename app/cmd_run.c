/* cmd_run — the `loa run` subcommand: its options, a configuration with
 * at least one modem (without one, --until-idle stops and the service
 * waits), then the daemon (gateway/daemon.c) on the narrow
 * settings config_daemon() gives it. */
#include "app/cli.h"
#include "app/config.h"
#include "base/log.h"
#include "base/util.h"
#include "gateway/daemon.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct daemon_opts o;
	daemon_opts_default(&o);
	static const struct option opts[] = {
		{ "until-idle", no_argument, NULL, 'u' },
		{ "report-wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	long v;
	while ((c = getopt_long(argc, argv, "uw:h", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.until_idle = 1;
			break;
		case 'w':
			if (util_parse_long(optarg, 0, 86400, &v) != 0)
				return cli_err(EXIT_USAGE, "run: --report-wait takes seconds (0-86400), not '%s'", optarg);
			o.report_wait_s = (int)v;
			break;
		case 'h':
			printf("usage: loa run [--until-idle] [--report-wait SECONDS]\n");
			return EXIT_OK;
		default:
			return cli_err(EXIT_USAGE, "usage: loa run [--until-idle] [--report-wait SECONDS]");
		}
	}
	if (optind < argc)
		return cli_err(EXIT_USAGE, "run: unexpected argument '%s'", argv[optind]);
	struct store *st;
	int rc = cli_store_checked(ctx, &st);
	if (rc)
		return rc;
	int enabled = 0;
	for (int i = 0; i < ctx->cfg.n_modems; i++)
		enabled += ctx->cfg.modems[i].enabled;
	const char *path = ctx->cfg.path[0] ? ctx->cfg.path : "configuration";
	if (!enabled && o.until_idle)
		return cli_err(EXIT_USAGE, "%s: no enabled [modem NAME] section: nothing to send with", path);
	/* As a service, wait (logging why, drv_health) rather than exit and be
	 * restarted every few seconds: the box was installed, the modem not yet. */
	if (!enabled)
		LOG_W("daemon", "%s: no enabled [modem NAME] section: waiting, nothing is sent (add one, then restart loa)",
		      path);
	struct daemon_cfg *dc = xcalloc(1, sizeof *dc);
	config_daemon(&ctx->cfg, dc);
	rc = daemon_run(dc, st, &o) == 0 ? EXIT_OK : EXIT_RUNTIME;
	free(dc);
	return rc;
}
